//! BM25 statistics that do not depend on how the index was written.
//!
//! tantivy counts deleted documents in a term's document frequency until their segment is
//! merged, and a merge that drops deleted documents can only estimate the segment's token
//! count from the (lossy) field norms. Either way an index built bit by bit would score
//! differently from one built at once. erfa counts only live documents — a term's
//! frequency less the deleted documents that contain it, and the field norms of the live
//! documents as token counts — which gives the same numbers however the segments came
//! about, without having to merge after every edit. Sums are cached per segment, under
//! its id and its number of deleted documents: a segment never changes once written and
//! its deletes only grow, so a commit recounts only the segments it added or deleted
//! from, and one that left an index as it was (the public index, when a members-only
//! write-up changed) recounts nothing.
//!
//! The statistics are also per scope: members search the full index, but only its
//! published write-ups count, so drafts, submissions under review and archived write-ups
//! change neither a member's scores nor the words offered to them (typo tolerance,
//! "did you mean"). A document outside the scope is treated exactly like a deleted one.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentOrdinal, TERMINATED, Term};

use crate::index::reads::{self, Read};

/// What a searcher sees: its segments in order, each with its number of deleted
/// documents.
///
/// A segment never changes once written and its deleted documents only ever grow, so two
/// searchers with equal contents hold the same live documents with the same text, fields
/// and statistics, and the same segment ordinals. A commit that changed nothing in an
/// index leaves its contents equal, although the searcher generation moves on; any added,
/// merged or deleted document changes them. Segment ids are unique across indexes.
pub(crate) type Contents = Vec<(tantivy::index::SegmentId, u32)>;

/// The contents of `searcher` ([`Contents`]).
pub(crate) fn contents(searcher: &Searcher) -> Contents {
    searcher
        .segment_readers()
        .iter()
        .map(|s| (s.segment_id(), s.num_deleted_docs()))
        .collect()
}

/// One segment as a searcher sees it: its id and how many of its documents are deleted.
/// The sums of a segment under one key never change.
type SegmentKey = (tantivy::index::SegmentId, u32);

/// What is known of one segment for one scope.
#[derive(Debug, Default)]
struct SegmentEntries {
    /// Its documents that do not count.
    excluded: Option<Arc<Excluded>>,
    /// Its tokens per field, of the documents that count.
    tokens: HashMap<Field, u64>,
    /// Its documents that count and contain a term, for the terms queries repeat.
    doc_freqs: HashMap<Term, u64>,
}

/// The most document frequencies kept per segment and scope.
const CACHED_DOC_FREQS: usize = 100_000;

/// The documents of one segment that do not count: in order, and as a bit set.
#[derive(Debug, Default)]
struct Excluded {
    docs: Vec<DocId>,
    bits: Vec<u64>,
}

impl Excluded {
    fn new(docs: Vec<DocId>, max_doc: DocId) -> Excluded {
        let mut bits = vec![0u64; (max_doc as usize).div_ceil(64)];
        for &d in &docs {
            bits[d as usize / 64] |= 1 << (d % 64);
        }
        Excluded { docs, bits }
    }

    fn contains(&self, doc: DocId) -> bool {
        self.bits
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }
}

/// Words of one segment's dictionary close to a typed word, with their distance
/// (`crate::search::close_words`), by segment, field, word and distance.
type CloseKey = (tantivy::index::SegmentId, Field, String, u8);

/// Close words with their distance, as one segment's dictionary holds them.
type CloseWords = Arc<Vec<(String, u8)>>;

/// The entries of the segments of one scope.
type Segments = HashMap<SegmentKey, SegmentEntries>;

/// Cached sums per segment and scope (the scope's term: documents without it do not
/// count), and close words per segment, shared by every searcher of an engine.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cache {
    segments: Arc<Mutex<HashMap<Option<Term>, Segments>>>,
    close: Arc<Mutex<HashMap<CloseKey, CloseWords>>>,
}

/// The most segments whose sums are kept per scope: past it, those of segments no longer
/// searched are dropped.
const CACHED_SEGMENTS: usize = 32;

/// The most close-word lists kept.
const CACHED_CLOSE_WORDS: usize = 20_000;

impl Cache {
    /// The close words of `key`, computed by `find` when not yet known.
    pub(crate) fn close_words<E>(
        &self,
        key: CloseKey,
        find: impl FnOnce() -> Result<Vec<(String, u8)>, E>,
    ) -> Result<CloseWords, E> {
        let lock = || self.close.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = lock().get(&key) {
            return Ok(found.clone());
        }
        let found = Arc::new(find()?);
        let mut close = lock();
        if close.len() >= CACHED_CLOSE_WORDS {
            close.clear();
        }
        close.insert(key, found.clone());
        Ok(found)
    }
}

/// The statistics of one searcher, for one scope.
pub(crate) struct Exact<'a> {
    pub(crate) searcher: &'a Searcher,
    pub(crate) cache: &'a Cache,
    /// When set, only documents that contain this term count (members: published).
    pub(crate) only: Option<Term>,
    /// The scope's live documents and token counts by field, once counted: a query asks
    /// for them once per term.
    totals: std::cell::RefCell<Totals>,
}

/// The live documents, and the rounded tokens by field, of one searcher and scope.
#[derive(Default)]
struct Totals {
    docs: Option<u64>,
    tokens: Vec<(Field, u64)>,
}

impl<'a> Exact<'a> {
    /// The statistics of `searcher` for the scope of `only`, kept in `cache`.
    pub(crate) fn new(searcher: &'a Searcher, cache: &'a Cache, only: Option<Term>) -> Exact<'a> {
        Exact {
            searcher,
            cache,
            only,
            totals: Default::default(),
        }
    }
}

impl Exact<'_> {
    /// Runs `f` on the entries of segment `ord` for this scope.
    fn with_segment<T>(&self, ord: SegmentOrdinal, f: impl FnOnce(&mut SegmentEntries) -> T) -> T {
        let segment = self.searcher.segment_reader(ord);
        let key: SegmentKey = (segment.segment_id(), segment.num_deleted_docs());
        let mut cache = self
            .cache
            .segments
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !cache.contains_key(&self.only) {
            cache.insert(self.only.clone(), HashMap::new());
        }
        let segments = cache.get_mut(&self.only).expect("inserted above");
        if !segments.contains_key(&key) && segments.len() >= CACHED_SEGMENTS {
            let current = contents(self.searcher);
            segments.retain(|k, _| current.contains(k));
        }
        f(segments.entry(key).or_default())
    }

    /// The documents of segment `ord` that do not count, in order: deleted ones, and
    /// those outside the scope.
    fn excluded(&self, ord: SegmentOrdinal) -> tantivy::Result<Arc<Excluded>> {
        if let Some(d) = self.with_segment(ord, |e| e.excluded.clone()) {
            return Ok(d);
        }
        let segment = self.searcher.segment_reader(ord);
        let alive = segment.alive_bitset();
        let mut inside = match &self.only {
            Some(term) => Some(
                segment
                    .inverted_index(term.field())?
                    .read_postings(term, IndexRecordOption::Basic)?,
            ),
            None => None,
        };
        let mut docs: Vec<DocId> = Vec::new();
        for doc in 0..segment.max_doc() {
            let in_scope = match &mut inside {
                None => true,
                Some(None) => false,
                Some(Some(postings)) => {
                    if postings.doc() < doc {
                        postings.seek(doc);
                    }
                    postings.doc() == doc
                }
            };
            if !in_scope || alive.is_some_and(|a| !a.is_alive(doc)) {
                docs.push(doc);
            }
        }
        let docs = Arc::new(Excluded::new(docs, segment.max_doc()));
        self.with_segment(ord, |e| e.excluded = Some(docs.clone()));
        Ok(docs)
    }

    /// Live documents of the searcher, in the scope, that contain `term`.
    pub(crate) fn live_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let total = self.count_doc_freq(term)?;
        reads::note(|| Read::DocFreq {
            only: self.only.clone(),
            term: term.clone(),
            value: total,
        });
        Ok(total)
    }

    fn count_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for ord in 0..self.searcher.segment_readers().len() as SegmentOrdinal {
            if let Some(df) = self.with_segment(ord, |e| e.doc_freqs.get(term).copied()) {
                total += df;
                continue;
            }
            let df = self.segment_doc_freq(ord, term)?;
            self.with_segment(ord, |e| {
                if e.doc_freqs.len() >= CACHED_DOC_FREQS {
                    e.doc_freqs.clear();
                }
                e.doc_freqs.insert(term.clone(), df);
            });
            total += df;
        }
        Ok(total)
    }

    /// Documents of segment `ord` that count and contain `term`.
    fn segment_doc_freq(&self, ord: SegmentOrdinal, term: &Term) -> tantivy::Result<u64> {
        let segment = self.searcher.segment_reader(ord);
        let inverted = segment.inverted_index(term.field())?;
        let df = u64::from(inverted.doc_freq(term)?);
        if df == 0 {
            return Ok(0);
        }
        let excluded = self.excluded(ord)?;
        if excluded.docs.is_empty() {
            return Ok(df);
        }
        let mut removed = 0u64;
        if let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? {
            // Walk whichever list is shorter: the term's documents, or the excluded.
            if df <= excluded.docs.len() as u64 {
                while postings.doc() != TERMINATED {
                    removed += u64::from(excluded.contains(postings.doc()));
                    postings.advance();
                }
            } else {
                for &d in &excluded.docs {
                    let current = postings.doc();
                    if current == TERMINATED {
                        break;
                    }
                    if d >= current && postings.seek(d) == d {
                        removed += 1;
                    }
                }
            }
        }
        Ok(df.saturating_sub(removed))
    }

    /// Snippet weights of terms as tantivy's snippet generator makes them, from live
    /// document frequencies.
    pub(crate) fn snippet_terms(
        &self,
        query: &dyn tantivy::query::Query,
        field: Field,
    ) -> tantivy::Result<BTreeMap<String, f32>> {
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.push(term.clone());
            }
        });
        terms.sort();
        terms.dedup();
        let mut out = BTreeMap::new();
        for term in terms {
            let Some(text) = term.value().as_str().map(str::to_string) else {
                continue;
            };
            let df = self.live_doc_freq(&term)?;
            if df > 0 {
                out.insert(text, 1.0 / (1.0 + df as f32));
            }
        }
        Ok(out)
    }

    /// Live documents of the searcher in the scope.
    fn live_docs(&self) -> tantivy::Result<u64> {
        if let Some(docs) = self.totals.borrow().docs {
            return Ok(docs);
        }
        let mut total = 0u64;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let excluded = self.excluded(ord as SegmentOrdinal)?;
            total += u64::from(segment.max_doc()) - excluded.docs.len() as u64;
        }
        self.totals.borrow_mut().docs = Some(total);
        Ok(total)
    }

    /// Tokens of `field` in the scope's live documents, rounded ([`rounded_tokens`]).
    fn tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some((_, tokens)) = self
            .totals
            .borrow()
            .tokens
            .iter()
            .find(|(f, _)| *f == field)
        {
            return Ok(*tokens);
        }
        let mut total = 0u64;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let ord = ord as SegmentOrdinal;
            if let Some(tokens) = self.with_segment(ord, |e| e.tokens.get(&field).copied()) {
                total += tokens;
                continue;
            }
            let norms = segment.get_fieldnorms_reader(field)?;
            let excluded = self.excluded(ord)?;
            let mut skip = excluded.docs.iter().peekable();
            let mut tokens = 0u64;
            for doc in 0..segment.max_doc() {
                if skip.next_if_eq(&&doc).is_none() {
                    tokens += u64::from(norms.fieldnorm(doc));
                }
            }
            self.with_segment(ord, |e| e.tokens.insert(field, tokens));
            total += tokens;
        }
        let value = rounded_tokens(total, self.live_docs()?);
        self.totals.borrow_mut().tokens.push((field, value));
        Ok(value)
    }
}

/// Steps per doubling of the average field length that ranking uses.
const LENGTH_STEPS: f64 = 64.0;

/// `tokens` of `docs` documents, rounded so that their average lies on a scale of
/// [`LENGTH_STEPS`] steps per doubling (about 1%): an edit that adds or removes a few
/// words then leaves every score of the other documents as it was, and the answers that
/// did not match the edited write-up can be kept (`crate::index::reads`). Rounding by
/// half a step changes a BM25 length norm by less than 0.3%.
fn rounded_tokens(tokens: u64, docs: u64) -> u64 {
    if tokens == 0 || docs == 0 {
        return tokens;
    }
    let average = tokens as f64 / docs as f64;
    let rounded = ((average.log2() * LENGTH_STEPS).round() / LENGTH_STEPS).exp2();
    ((rounded * docs as f64).round() as u64).max(1)
}

impl Bm25StatisticsProvider for Exact<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let value = self.tokens(field)?;
        reads::note(|| Read::Tokens {
            only: self.only.clone(),
            field,
            value,
        });
        Ok(value)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        let value = self.live_docs()?;
        reads::note(|| Read::Docs {
            only: self.only.clone(),
            value,
        });
        Ok(value)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.live_doc_freq(term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_lengths_stay_within_half_a_step_and_hold_under_small_edits() {
        for (tokens, docs) in [(1u64, 1u64), (7, 3), (5_000_000, 10_000), (123_456, 789)] {
            let rounded = rounded_tokens(tokens, docs);
            let ratio = rounded as f64 / tokens as f64;
            assert!(
                (ratio.log2() * LENGTH_STEPS).abs() <= 0.5 + 1e-6,
                "{tokens}/{docs}"
            );
        }
        assert_eq!(rounded_tokens(0, 5), 0);
        assert_eq!(rounded_tokens(5, 0), 5);
        // A line added to one of 10,000 write-ups mostly leaves the average's step.
        let base = 4_321_987u64;
        let same = (0..100)
            .filter(|i| {
                rounded_tokens(base + i * 10_000, 10_000)
                    == rounded_tokens(base + i * 10_000 + 12, 10_000)
            })
            .count();
        assert!(same >= 95, "{same}");
    }
}
