//! BM25 statistics that do not depend on how the index was written.
//!
//! tantivy counts deleted documents in a term's document frequency until their segment is
//! merged, and a merge that drops deleted documents can only estimate the segment's token
//! count from the (lossy) field norms. Either way an index built bit by bit would score
//! differently from one built at once. erfa counts only live documents — a term's
//! frequency less the deleted documents that contain it, and the field norms of the live
//! documents as token counts — which gives the same numbers however the segments came
//! about, without having to merge after every edit. Sums are cached per searcher
//! generation.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentOrdinal, TERMINATED, Term};

/// Which searcher entries belong to: its generation and its segments with their deletes
/// (generation numbers alone repeat across the full and the public index).
type Key = (u64, Vec<(tantivy::index::SegmentId, u32)>);

#[derive(Debug, Default)]
struct Entries {
    tokens: HashMap<Field, u64>,
    deleted: HashMap<SegmentOrdinal, Arc<Vec<DocId>>>,
}

/// Cached sums for the few searchers in use (the full and the public index, and the
/// generations a reload leaves behind for a moment).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cache(Arc<Mutex<HashMap<Key, Entries>>>);

/// The most searchers whose sums are kept.
const CACHED_SEARCHERS: usize = 8;

/// The statistics of one searcher.
pub(crate) struct Exact<'a> {
    pub(crate) searcher: &'a Searcher,
    pub(crate) cache: &'a Cache,
}

impl Exact<'_> {
    fn with_entries<T>(&self, f: impl FnOnce(&mut Entries) -> T) -> T {
        let key: Key = (
            self.searcher.generation().generation_id(),
            self.searcher
                .segment_readers()
                .iter()
                .map(|s| (s.segment_id(), s.num_deleted_docs()))
                .collect(),
        );
        let mut cache = self.cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if !cache.contains_key(&key) && cache.len() >= CACHED_SEARCHERS {
            cache.clear();
        }
        f(cache.entry(key).or_default())
    }

    fn deleted(&self, ord: SegmentOrdinal) -> Arc<Vec<DocId>> {
        if let Some(d) = self.with_entries(|e| e.deleted.get(&ord).cloned()) {
            return d;
        }
        let segment = self.searcher.segment_reader(ord);
        let docs: Vec<DocId> = match segment.alive_bitset() {
            Some(alive) => (0..segment.max_doc())
                .filter(|d| !alive.is_alive(*d))
                .collect(),
            None => Vec::new(),
        };
        let docs = Arc::new(docs);
        self.with_entries(|e| e.deleted.insert(ord, docs.clone()));
        docs
    }

    /// Live documents of the searcher that contain `term`.
    pub(crate) fn live_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(term.field())?;
            let df = u64::from(inverted.doc_freq(term)?);
            if df == 0 || !segment.has_deletes() {
                total += df;
                continue;
            }
            let deleted = self.deleted(ord as SegmentOrdinal);
            let mut removed = 0u64;
            if let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? {
                for &d in deleted.iter() {
                    let current = postings.doc();
                    if current == TERMINATED {
                        break;
                    }
                    if d < current {
                        continue;
                    }
                    if postings.seek(d) == d {
                        removed += 1;
                    }
                }
            }
            total += df.saturating_sub(removed);
        }
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
        for segment in self.searcher.segment_readers() {
            let norms = segment.get_fieldnorms_reader(field)?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    total += u64::from(norms.fieldnorm(doc));
                }
            }
        }
        self.with_entries(|e| e.tokens.insert(field, total));
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.live_doc_freq(term)
    }
}
