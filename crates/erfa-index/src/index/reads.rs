//! What a search read from its index, so that its answer can be kept after a commit that
//! could not have changed it.
//!
//! An answer is a function of the request, the glossary, the ranking settings, the
//! statistics a search reads (live document frequencies, document counts, token counts,
//! the scope's close words and completions) and the documents that match its text. While
//! a search runs under [`recording`], [`crate::index::stats::Exact`] and the close-word
//! look-ups note each statistic with the value they found, and the search notes the terms
//! its text matches by ([`Read::Matched`]). After a commit the answer still holds when
//! every statistic reads the same again and no document the commit added or removed
//! contains one of those terms (`crate::search::kept`).
//!
//! The notes are kept per thread: a search reads its statistics on the thread that runs
//! it, where its query weights are built.

use std::cell::RefCell;

use tantivy::Term;
use tantivy::schema::Field;

/// One statistic read, with the value found; `only` is the scope's term (members: only
/// published write-ups count), as in [`crate::index::stats::Exact`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Read {
    /// Live documents in the scope that contain `term`.
    DocFreq {
        only: Option<Term>,
        term: Term,
        value: u64,
    },
    /// Live documents in the scope.
    Docs { only: Option<Term>, value: u64 },
    /// Tokens of `field` in the scope's live documents, as ranking uses them.
    Tokens {
        only: Option<Term>,
        field: Field,
        value: u64,
    },
    /// The scope's words of `field` within `distance` edits of `word`, with their distance
    /// and live document frequency, in order.
    Close {
        only: Option<Term>,
        field: Field,
        word: String,
        distance: u8,
        value: Vec<(String, u8, u64)>,
    },
    /// The scope's words of `field` that complete `prefix`, with their live document
    /// frequency, in order.
    Completions {
        only: Option<Term>,
        field: Field,
        prefix: String,
        extra: usize,
        limit: usize,
        value: Vec<(String, u64)>,
    },
    /// The answer lists, counts or ranks documents that contain one of these terms: a
    /// document added or removed that contains none of them is not among its matches.
    Matched(Vec<Term>),
    /// The answer lists or counts documents whatever their text: any added or removed
    /// document may change it.
    Everything,
}

thread_local! {
    static READS: RefCell<Option<Vec<Read>>> = const { RefCell::new(None) };
}

/// Puts back the recording it replaced when dropped, also when a search panics.
struct Restore(Option<Vec<Read>>);

impl Drop for Restore {
    fn drop(&mut self) {
        let outer = self.0.take();
        READS.with(|r| *r.borrow_mut() = outer);
    }
}

/// Runs `f`, noting what it reads; recordings do not nest (an inner one notes for
/// itself only, and the outer one goes on after it).
pub(crate) fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<Read>) {
    let restore = Restore(READS.with(|r| r.borrow_mut().replace(Vec::new())));
    let value = f();
    let reads = READS.with(|r| r.borrow_mut().take());
    drop(restore);
    (value, reads.unwrap_or_default())
}

/// Runs `f` without noting what it reads: for look-ups whose result is noted as a whole.
pub(crate) fn paused<T>(f: impl FnOnce() -> T) -> T {
    let _restore = Restore(READS.with(|r| r.borrow_mut().take()));
    f()
}

/// Notes `read` when a recording runs on this thread; `read` is built only then.
pub(crate) fn note(read: impl FnOnce() -> Read) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            reads.push(read());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_note_only_inside_and_pause() {
        note(|| Read::Everything);
        let ((), reads) = recording(|| {
            note(|| Read::Everything);
            paused(|| note(|| Read::Matched(Vec::new())));
            let ((), inner) = recording(|| note(|| Read::Matched(Vec::new())));
            assert_eq!(inner, vec![Read::Matched(Vec::new())]);
            note(|| Read::Docs {
                only: None,
                value: 3,
            });
        });
        assert_eq!(
            reads,
            vec![
                Read::Everything,
                Read::Docs {
                    only: None,
                    value: 3
                }
            ]
        );
    }
}
