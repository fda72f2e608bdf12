//! Handing memory that a long job freed back to the system.
//!
//! The allocator is the binary's choice. Erfa's (mimalloc) keeps the pages a thread has
//! freed until that thread allocates again, so a thread that has just reconciled a large
//! content folder and then waits for the next change would hold on to what the
//! reconciliation used, for as long as it waits (docs/BENCHMARKS.md, "HTTP, against
//! tantivy-cli"). The binary registers how to hand such pages back; a long job calls
//! [`release`] on its own thread when it ends.
//!
//! A build frees large buffers all the time (each flushed segment's, each merge's), and
//! the allocator's short delay before handing them back let them pile up: the build's
//! peak was a third above that of the same build with the system allocator. A build
//! that nothing else runs beside ([`eagerly`]) has them handed back at once.

use std::sync::{Mutex, OnceLock};

static RELEASE: OnceLock<fn()> = OnceLock::new();
static EAGER: OnceLock<fn(bool)> = OnceLock::new();

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

/// Registers how to make the allocator hand freed memory back at once (`true`) and how
/// to undo that (`false`); once per process, a second call is ignored.
pub fn set_eager(eager: fn(bool)) {
    let _ = EAGER.set(eager);
}

/// Jobs running [`eagerly`] now.
static EAGER_JOBS: Mutex<usize> = Mutex::new(0);

/// Runs `job` with freed memory handed back at once, when the binary said how: for a
/// long job that allocates and frees large buffers while nothing else runs (`erfa index`,
/// the first build of `erfa serve` before it listens). The setting is the whole
/// process's, and it costs a busy server much of its speed, so it is undone when the
/// last such job ends or panics.
pub fn eagerly<T>(job: impl FnOnce() -> T) -> T {
    struct Undo(Option<fn(bool)>);
    impl Drop for Undo {
        fn drop(&mut self) {
            let mut jobs = EAGER_JOBS.lock().unwrap_or_else(|e| e.into_inner());
            *jobs -= 1;
            if *jobs == 0
                && let Some(eager) = self.0
            {
                eager(false);
            }
        }
    }
    let eager = EAGER.get().copied();
    {
        let mut jobs = EAGER_JOBS.lock().unwrap_or_else(|e| e.into_inner());
        if *jobs == 0
            && let Some(eager) = eager
        {
            eager(true);
        }
        *jobs += 1;
    }
    let _undo = Undo(eager);
    job()
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

    static EAGER_NOW: AtomicUsize = AtomicUsize::new(0);

    fn eager(on: bool) {
        EAGER_NOW.store(usize::from(on), Ordering::SeqCst);
    }

    #[test]
    fn eagerly_undoes_its_setting_after_the_job_and_after_a_panic() {
        super::set_eager(eager);
        let during = super::eagerly(|| EAGER_NOW.load(Ordering::SeqCst));
        assert_eq!(during, 1);
        assert_eq!(EAGER_NOW.load(Ordering::SeqCst), 0);
        let panicked = std::panic::catch_unwind(|| super::eagerly(|| panic!("a failed build")));
        assert!(panicked.is_err());
        assert_eq!(EAGER_NOW.load(Ordering::SeqCst), 0);
        // Nested: the setting stays until the outer job ends.
        let inner_after = super::eagerly(|| {
            super::eagerly(|| ());
            EAGER_NOW.load(Ordering::SeqCst)
        });
        assert_eq!(inner_after, 1);
        assert_eq!(EAGER_NOW.load(Ordering::SeqCst), 0);
    }
}
