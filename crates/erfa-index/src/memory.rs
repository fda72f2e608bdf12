//! Handing memory that a long job freed back to the system.
//!
//! The allocator is the binary's choice. Erfa's (mimalloc) keeps the pages a thread has
//! freed until that thread allocates again, so a thread that has just reconciled a large
//! content folder and then waits for the next change would hold on to what the
//! reconciliation used, for as long as it waits (docs/BENCHMARKS.md, "HTTP, against
//! tantivy-cli"). The binary registers how to hand such pages back; a long job calls
//! [`release`] on its own thread when it ends.

use std::sync::OnceLock;

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Registers how the calling thread hands its freed memory back (once per process; a
/// second call is ignored).
pub fn set_release(release: fn()) {
    let _ = RELEASE.set(release);
}

/// Hands the memory this thread freed back to the system, when the binary said how;
/// otherwise does nothing.
pub fn release() {
    if let Some(release) = RELEASE.get() {
        release();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    fn count() {
        CALLS.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn release_calls_what_was_registered_first() {
        super::set_release(count);
        super::set_release(|| panic!("only the first registration counts"));
        let before = CALLS.load(Ordering::SeqCst);
        super::release();
        // Other tests' reconciliations may release meanwhile.
        assert!(CALLS.load(Ordering::SeqCst) > before);
    }
}
