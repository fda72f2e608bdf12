//! BM25 statistics that do not depend on how the index was written.
//!
//! tantivy counts deleted documents in a term's document frequency until their segment is
//! merged, and a merge that drops deleted documents can only estimate the segment's token
//! count from the (lossy) field norms. Either way an index built bit by bit would score
//! differently from one built at once. erfa counts only live documents — a term's
//! frequency less the deleted documents that contain it, and the field norms of the live
//! documents as token counts — which gives the same numbers however the segments came
//! about, without having to merge after every edit. Sums are cached per searcher
//! contents ([`contents`]), not per generation: a commit that left an index as it was
//! (the public index, when a members-only write-up changed) keeps its sums.
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

/// Which searcher entries belong to: its contents, and the scope's term (documents
/// without it do not count).
type Key = (Contents, Option<Term>);

#[derive(Debug, Default)]
struct Entries {
    tokens: HashMap<Field, u64>,
    excluded: HashMap<SegmentOrdinal, Arc<Excluded>>,
    /// Document frequencies already counted, for the terms queries repeat.
    doc_freqs: HashMap<Term, u64>,
}

/// The most document frequencies kept per searcher and scope.
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

/// Cached sums for the few searchers in use (the full and the public index, and the
/// generations a reload leaves behind for a moment).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cache(Arc<Mutex<HashMap<Key, Entries>>>);

/// The most searchers whose sums are kept.
const CACHED_SEARCHERS: usize = 8;

/// The statistics of one searcher, for one scope.
pub(crate) struct Exact<'a> {
    pub(crate) searcher: &'a Searcher,
    pub(crate) cache: &'a Cache,
    /// When set, only documents that contain this term count (members: published).
    pub(crate) only: Option<Term>,
}

impl Exact<'_> {
    fn with_entries<T>(&self, f: impl FnOnce(&mut Entries) -> T) -> T {
        let key: Key = (contents(self.searcher), self.only.clone());
        let mut cache = self.cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if !cache.contains_key(&key) && cache.len() >= CACHED_SEARCHERS {
            cache.clear();
        }
        f(cache.entry(key).or_default())
    }

    /// The documents of segment `ord` that do not count, in order: deleted ones, and
    /// those outside the scope.
    fn excluded(&self, ord: SegmentOrdinal) -> tantivy::Result<Arc<Excluded>> {
        if let Some(d) = self.with_entries(|e| e.excluded.get(&ord).cloned()) {
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
        self.with_entries(|e| e.excluded.insert(ord, docs.clone()));
        Ok(docs)
    }

    /// Live documents of the searcher, in the scope, that contain `term`.
    pub(crate) fn live_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(df) = self.with_entries(|e| e.doc_freqs.get(term).copied()) {
            return Ok(df);
        }
        let mut total = 0u64;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(term.field())?;
            let df = u64::from(inverted.doc_freq(term)?);
            if df == 0 {
                continue;
            }
            let excluded = self.excluded(ord as SegmentOrdinal)?;
            if excluded.docs.is_empty() {
                total += df;
                continue;
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
            total += df.saturating_sub(removed);
        }
        self.with_entries(|e| {
            if e.doc_freqs.len() >= CACHED_DOC_FREQS {
                e.doc_freqs.clear();
            }
            e.doc_freqs.insert(term.clone(), total);
        });
        Ok(total)
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
}

impl Bm25StatisticsProvider for Exact<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(total) = self.with_entries(|e| e.tokens.get(&field).copied()) {
            return Ok(total);
        }
        let mut total = 0u64;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let norms = segment.get_fieldnorms_reader(field)?;
            let excluded = self.excluded(ord as SegmentOrdinal)?;
            let mut skip = excluded.docs.iter().peekable();
            for doc in 0..segment.max_doc() {
                if skip.next_if_eq(&&doc).is_none() {
                    total += u64::from(norms.fieldnorm(doc));
                }
            }
        }
        self.with_entries(|e| e.tokens.insert(field, total));
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let excluded = self.excluded(ord as SegmentOrdinal)?;
            total += u64::from(segment.max_doc()) - excluded.docs.len() as u64;
        }
        Ok(total)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.live_doc_freq(term)
    }
}
