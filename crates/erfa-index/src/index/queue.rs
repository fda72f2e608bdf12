//! A bound on the documents waiting in the writers' queues.
//!
//! tantivy's writer queues up to 10,000 documents before `add_document` waits, and a
//! write-up is read and parsed faster than it is indexed: without a bound of its own, a
//! first run would hold most of the corpus in memory at once. Each document handed to a
//! writer carries a [`Slot`], given back when the indexing thread has indexed the document
//! and drops it; [`Slots::take`] waits while every slot is out.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tantivy::TantivyDocument;
use tantivy::schema::document::Document;

/// How many documents may wait in the queues of both writers together.
pub(crate) const IN_FLIGHT: usize = 256;

/// How long [`Slots::take`] waits before it lets a document in anyway. Indexing threads
/// give slots back within milliseconds; a writer whose thread has died never does, and
/// its failure must reach the caller (from `add_document` or the commit), not a hang.
const PATIENCE: Duration = Duration::from_secs(1);

/// The slots of one indexer, shared by both of its writers.
#[derive(Debug)]
pub(crate) struct Slots {
    out: Mutex<usize>,
    returned: Condvar,
    limit: usize,
}

impl Slots {
    pub(crate) fn new(limit: usize) -> Arc<Slots> {
        Arc::new(Slots {
            out: Mutex::new(0),
            returned: Condvar::new(),
            limit: limit.max(1),
        })
    }

    /// A slot for one document, once one is free (or after [`PATIENCE`]).
    pub(crate) fn take(self: &Arc<Slots>) -> Slot {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if *out >= self.limit {
            out = self
                .returned
                .wait_timeout_while(out, PATIENCE, |out| *out >= self.limit)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *out += 1;
        Slot(self.clone())
    }

    /// Slots out now.
    #[cfg(test)]
    pub(crate) fn out(&self) -> usize {
        *self.out.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One document's place in the queues; given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut out = self.0.out.lock().unwrap_or_else(|e| e.into_inner());
        *out = out.saturating_sub(1);
        drop(out);
        self.0.returned.notify_one();
    }
}

/// A document on its way into a writer, holding its slot until it is indexed.
#[derive(Debug)]
pub struct Queued {
    doc: TantivyDocument,
    _slot: Slot,
}

impl Queued {
    pub(crate) fn new(doc: TantivyDocument, slot: Slot) -> Queued {
        Queued { doc, _slot: slot }
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_come_back_when_documents_are_dropped() {
        let slots = Slots::new(2);
        let a = Queued::new(TantivyDocument::default(), slots.take());
        let b = Queued::new(TantivyDocument::default(), slots.take());
        assert_eq!(slots.out(), 2);
        let waiting = {
            let slots = slots.clone();
            std::thread::spawn(move || {
                let _c = slots.take();
                slots.out()
            })
        };
        drop(a);
        // The third document got in because the first one left, not by running out of
        // patience: two are out while it holds its slot.
        assert_eq!(waiting.join().expect("no panic"), 2);
        drop(b);
        assert_eq!(slots.out(), 0);
    }
}
