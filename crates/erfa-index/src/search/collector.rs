//! Collectors with a deterministic order and facet counts from fast columns.
//!
//! tantivy breaks score ties by document address, which depends on how segments were
//! written. erfa promises the same order for the same content, so ties are broken by
//! slug: each segment keeps its best documents by (key, slug ordinal) — ordinals follow
//! byte order within a segment — and the merge compares slugs as text.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{BitSet, DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// What ranks a document first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// BM25 score, higher first.
    Score,
    /// Date, newest first; undated last.
    Newest,
}

/// One ranked document.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The sort key's value (score or day number).
    pub key: f64,
    /// Its slug, when [`TopRanked::slugs`] asks for slugs; empty otherwise.
    pub slug: String,
    /// Where the document is.
    pub address: DocAddress,
    /// Its score (0 when the query does not score).
    pub score: Score,
}

/// Sorts `ranked` as [`TopRanked`] orders what it collects: best key first, and a run
/// of equal keys by slug (read only for such runs).
pub(crate) fn sort_ranked(
    searcher: &tantivy::Searcher,
    ranked: &mut [Ranked],
) -> tantivy::Result<()> {
    ranked.sort_by(|a, b| b.key.total_cmp(&a.key));
    let mut start = 0;
    while start < ranked.len() {
        let key = ranked[start].key;
        let end = start
            + ranked[start..]
                .iter()
                .take_while(|r| r.key.total_cmp(&key).is_eq())
                .count();
        if end - start > 1 {
            for r in &mut ranked[start..end] {
                r.slug = slug_of(searcher, r.address)?;
            }
            ranked[start..end].sort_by(|a, b| a.slug.cmp(&b.slug));
        }
        start = end;
    }
    Ok(())
}

/// The slug of the document at `address`: empty for a document without one.
fn slug_of(searcher: &tantivy::Searcher, address: DocAddress) -> tantivy::Result<String> {
    let mut slug = String::new();
    let reader = searcher.segment_reader(address.segment_ord);
    if let Some(column) = reader.fast_fields().str("slug")?
        && let Some(ord) = column.term_ords(address.doc_id).next()
    {
        // An ordinal taken from the column always resolves.
        let _ = column.ord_to_str(ord, &mut slug);
    }
    Ok(slug)
}

/// Collects the `limit` best documents by key, then slug.
pub struct TopRanked {
    /// How many to keep.
    pub limit: usize,
    /// The order.
    pub key: SortKey,
    /// Whether the query computes scores.
    pub scoring: bool,
    /// Whether the results carry their slugs. Ties are broken by slug either way, but
    /// only ties between segments need slugs read: within a segment, slug ordinals
    /// follow slug order.
    pub slugs: bool,
}

/// The kept documents of one segment, best first, with what reads their slugs.
pub struct SegmentTop {
    segment: SegmentOrdinal,
    slugs: Option<StrColumn>,
    kept: Vec<Candidate>,
    /// Sorted by score: the best documents of the first tier, by their scores alone.
    first: Vec<Candidate>,
}

impl SegmentTop {
    /// The slug of slug ordinal `ord`: empty for a document without one.
    fn slug(&self, ord: u64) -> String {
        let mut slug = String::new();
        if ord != u64::MAX
            && let Some(column) = &self.slugs
        {
            // Ordinals taken from this column always resolve; were one not to, the
            // document would get an empty slug, as those without one do.
            let _ = column.ord_to_str(ord, &mut slug);
        }
        slug
    }
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    key: f64,
    ord: u64,
    doc: DocId,
    score: Score,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// Greater is better: higher key, then lower slug ordinal, then lower doc id.
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then_with(|| other.ord.cmp(&self.ord))
            .then_with(|| other.doc.cmp(&self.doc))
    }
}

/// The per-segment part of [`TopRanked`].
pub struct TopRankedSegment {
    limit: usize,
    key: SortKey,
    segment: SegmentOrdinal,
    slugs: Option<StrColumn>,
    dates: Option<tantivy::columnar::Column<u64>>,
    /// The best documents by key; sorted by score, by score alone, the first tier
    /// deciding only in the merge.
    heap: BinaryHeap<Reverse<Candidate>>,
    /// Sorted by score: the best documents of the first tier, by score.
    first: BinaryHeap<Reverse<Candidate>>,
}

impl Collector for TopRanked {
    type Fruit = Vec<Ranked>;
    type Child = TopRankedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopRankedSegment> {
        let fast = reader.fast_fields();
        let dates = match self.key {
            SortKey::Newest => Some(fast.u64("date")?),
            SortKey::Score => None,
        };
        Ok(TopRankedSegment {
            limit: self.limit,
            key: self.key,
            segment,
            slugs: fast.str("slug")?,
            dates,
            heap: BinaryHeap::with_capacity(self.limit.min(1024) + 1),
            first: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<SegmentTop>) -> tantivy::Result<Vec<Ranked>> {
        // Sorted by score, a document of the first tier keeps its place above the rest
        // only with at least a share of the best score of all; the others rank by score.
        // Sorted by score, each segment's best document is the first it kept.
        let best = fruits
            .iter()
            .filter_map(|f| f.kept.first())
            .fold(0.0, |best: Score, c| best.max(c.score));
        let floor = FIRST_TIER_SHARE * best;
        let mut all: Vec<(usize, Candidate, Option<String>)> = fruits
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                f.first
                    .iter()
                    .filter(move |c| c.score >= floor)
                    .map(move |c| {
                        let key = c.key + tier_offset(SortKey::Score);
                        (i, Candidate { key, ..*c }, None)
                    })
            })
            .collect();
        let first: std::collections::HashSet<(usize, DocId)> =
            all.iter().map(|(i, c, _)| (*i, c.doc)).collect();
        let first = &first;
        all.extend(fruits.iter().enumerate().flat_map(|(i, f)| {
            f.kept
                .iter()
                .filter(move |c| !first.contains(&(i, c.doc)))
                .map(move |c| (i, *c, None))
        }));
        // Best key first; within a key, by slug. Each segment's documents come in slug
        // order already, so only a run of equal keys from several segments (or with a
        // document without a slug, which sorts first as an empty slug) reads its slugs.
        all.sort_by(|a, b| {
            b.1.key
                .total_cmp(&a.1.key)
                .then_with(|| a.1.ord.cmp(&b.1.ord))
        });
        let mut start = 0;
        while start < all.len() && start < self.limit {
            let key = all[start].1.key;
            let end = start
                + all[start..]
                    .iter()
                    .take_while(|(_, c, _)| c.key.total_cmp(&key) == Ordering::Equal)
                    .count();
            let run = &mut all[start..end];
            let mixed = run
                .iter()
                .any(|(i, c, _)| *i != run[0].0 || c.ord == u64::MAX);
            if mixed {
                for (i, c, slug) in run.iter_mut() {
                    *slug = Some(fruits[*i].slug(c.ord));
                }
                run.sort_by(|a, b| a.2.cmp(&b.2));
            }
            start = end;
        }
        all.truncate(self.limit);
        Ok(all
            .into_iter()
            .map(|(i, c, slug)| Ranked {
                key: c.key,
                slug: match slug {
                    Some(slug) => slug,
                    None if self.slugs => fruits[i].slug(c.ord),
                    None => String::new(),
                },
                address: DocAddress::new(fruits[i].segment, c.doc),
                score: c.score,
            })
            .collect())
    }
}

impl SegmentCollector for TopRankedSegment {
    type Fruit = SegmentTop;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.collect_tiered(doc, score, false);
    }

    fn harvest(self) -> SegmentTop {
        let sorted = |heap: BinaryHeap<Reverse<Candidate>>| {
            let mut kept: Vec<Candidate> = heap.into_iter().map(|Reverse(c)| c).collect();
            kept.sort_unstable_by(|a, b| b.cmp(a));
            kept
        };
        SegmentTop {
            segment: self.segment,
            slugs: self.slugs,
            kept: sorted(self.heap),
            first: sorted(self.first),
        }
    }
}

impl TopRankedSegment {
    /// Collects a document of the first tier (`first`) or of the second. Sorted newest
    /// first, every document of the first ranks above every document of the second;
    /// sorted by score, those of the first with at least [`FIRST_TIER_SHARE`] of the
    /// best score do (decided in the merge, when the best score is known).
    fn collect_tiered(&mut self, doc: DocId, score: Score, first: bool) {
        if self.limit == 0 {
            return;
        }
        // Sorted by score, a document of the first tier also goes to `first`, with the
        // same key: the merge decides its tier.
        let (key, also_first) = match (&self.key, &self.dates) {
            (SortKey::Newest, Some(dates)) => {
                let key = dates.first(doc).unwrap_or(0) as f64;
                (
                    if first {
                        key + tier_offset(self.key)
                    } else {
                        key
                    },
                    false,
                )
            }
            _ => (f64::from(score), first),
        };
        let into_heap = admits(&self.heap, self.limit, key);
        let into_first = also_first && admits(&self.first, self.limit, key);
        if !into_heap && !into_first {
            return;
        }
        // The slug is looked up once, only for a document some heap may keep.
        let ord = self
            .slugs
            .as_ref()
            .and_then(|s| s.term_ords(doc).next())
            .unwrap_or(u64::MAX);
        let candidate = Candidate {
            key,
            ord,
            doc,
            score,
        };
        if into_heap {
            keep(&mut self.heap, self.limit, candidate);
        }
        if into_first {
            keep(&mut self.first, self.limit, candidate);
        }
    }
}

/// Whether `heap`, which keeps the `limit` best, may keep a document with `key`: a worse
/// key than its worst is out whatever the slug.
fn admits(heap: &BinaryHeap<Reverse<Candidate>>, limit: usize, key: f64) -> bool {
    heap.len() < limit || heap.peek().is_some_and(|Reverse(worst)| key >= worst.key)
}

/// Adds `candidate` to `heap`, which keeps the `limit` best by key, then slug ordinal.
fn keep(heap: &mut BinaryHeap<Reverse<Candidate>>, limit: usize, candidate: Candidate) {
    if heap.len() < limit {
        heap.push(Reverse(candidate));
    } else if let Some(Reverse(worst)) = heap.peek()
        && candidate > *worst
    {
        heap.pop();
        heap.push(Reverse(candidate));
    }
}

/// Facet values of every document of one segment, laid out flat for counting: each
/// value of each facet field has a slot (its column's base plus its ordinal), and each
/// document lists its slots in one run. Built once per segment (segments never change)
/// and shared by every search over it.
#[derive(Debug, Default)]
pub struct SegmentFacets {
    columns: Vec<FacetColumn>,
    /// `slots[offsets[doc]..offsets[doc + 1]]` are the document's value slots.
    offsets: Vec<u32>,
    slots: Vec<u32>,
    /// How many slots there are: the sum of the columns' value counts.
    width: usize,
}

#[derive(Debug, Default)]
struct FacetColumn {
    name: &'static str,
    /// The slot of the column's first value.
    base: usize,
    /// Ordinal → value.
    values: Vec<std::sync::Arc<str>>,
}

impl SegmentFacets {
    /// Reads the facet columns `names` of `reader`.
    pub fn build(reader: &SegmentReader, names: &[&'static str]) -> tantivy::Result<SegmentFacets> {
        let fast = reader.fast_fields();
        let max_doc = reader.max_doc();
        let mut columns = Vec::with_capacity(names.len());
        let mut sources = Vec::with_capacity(names.len());
        let mut width = 0;
        for name in names {
            let mut column = FacetColumn {
                name,
                base: width,
                values: Vec::new(),
            };
            if let Some(str_column) = fast.str(name)? {
                let ords: Vec<u64> = (0..str_column.num_terms() as u64).collect();
                column.values.reserve(ords.len());
                str_column
                    .dictionary()
                    .sorted_ords_to_term_cb(&ords, |bytes| {
                        column.values.push(String::from_utf8_lossy(bytes).into());
                    })?;
                sources.push((column.base as u32, str_column));
            }
            width += column.values.len();
            columns.push(column);
        }
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut slots = Vec::with_capacity(max_doc as usize * sources.len());
        offsets.push(0);
        for doc in 0..max_doc {
            for (base, column) in &sources {
                slots.extend(column.term_ords(doc).map(|o| base + o as u32));
            }
            offsets.push(slots.len() as u32);
        }
        Ok(SegmentFacets {
            columns,
            offsets,
            slots,
            width,
        })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// [`SegmentFacets`] of the segments a searcher sees, by segment ordinal.
pub type FacetTables = std::sync::Arc<HashMap<SegmentOrdinal, std::sync::Arc<SegmentFacets>>>;

/// Tables of `names` for every segment of `searcher`, built now and not kept.
pub fn facet_tables(
    searcher: &tantivy::Searcher,
    names: &[&'static str],
) -> tantivy::Result<FacetTables> {
    let tables = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(ord, reader)| {
            SegmentFacets::build(reader, names)
                .map(|t| (ord as SegmentOrdinal, std::sync::Arc::new(t)))
        })
        .collect::<tantivy::Result<HashMap<_, _>>>()?;
    Ok(std::sync::Arc::new(tables))
}

/// Segment facet tables by segment id, for every search to share.
#[derive(Debug, Clone, Default)]
pub struct FacetCache(
    std::sync::Arc<
        std::sync::Mutex<HashMap<tantivy::index::SegmentId, std::sync::Arc<SegmentFacets>>>,
    >,
);

/// The most segment tables kept; beyond it, those of segments no longer searched go.
const CACHED_SEGMENTS: usize = 64;

impl FacetCache {
    /// The tables of `searcher`'s segments, built for those not seen before.
    pub fn tables(&self, searcher: &tantivy::Searcher) -> tantivy::Result<FacetTables> {
        let readers = searcher.segment_readers();
        let mut tables = HashMap::with_capacity(readers.len());
        let mut missing = Vec::new();
        {
            let cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
            for (ord, reader) in readers.iter().enumerate() {
                match cache.get(&reader.segment_id()) {
                    Some(table) => {
                        tables.insert(ord as SegmentOrdinal, table.clone());
                    }
                    None => missing.push(ord),
                }
            }
        }
        if !missing.is_empty() {
            // Built outside the lock: other searches go on meanwhile.
            let built: Vec<(usize, std::sync::Arc<SegmentFacets>)> = missing
                .into_iter()
                .map(|ord| {
                    SegmentFacets::build(&readers[ord], &crate::index::schema::FACETS)
                        .map(|t| (ord, std::sync::Arc::new(t)))
                })
                .collect::<tantivy::Result<_>>()?;
            let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() + built.len() > CACHED_SEGMENTS {
                let live: std::collections::HashSet<_> =
                    readers.iter().map(|r| r.segment_id()).collect();
                cache.retain(|id, _| live.contains(id));
            }
            for (ord, table) in built {
                cache.insert(readers[ord].segment_id(), table.clone());
                tables.insert(ord as SegmentOrdinal, table);
            }
        }
        Ok(std::sync::Arc::new(tables))
    }
}

/// Counts the values of facet fields over the matching documents.
pub struct FacetCounts {
    /// Front-matter names of the facet fields to count.
    pub fields: Vec<&'static str>,
    /// The facet values of the searcher's segments.
    pub tables: FacetTables,
}

/// The per-segment part of [`FacetCounts`].
pub struct FacetCountsSegment {
    table: std::sync::Arc<SegmentFacets>,
    /// The columns (indexes in the table) to report.
    columns: Vec<usize>,
    /// Counts by slot, for every column (counting all is cheaper than choosing); empty
    /// when nothing is counted.
    counts: Vec<u64>,
}

/// Counts by field name: each value that occurs, with how often, in no particular order.
pub type Counts = HashMap<&'static str, Vec<(std::sync::Arc<str>, u64)>>;

impl Collector for FacetCounts {
    type Fruit = Counts;
    type Child = FacetCountsSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<FacetCountsSegment> {
        if self.fields.is_empty() {
            return Ok(FacetCountsSegment {
                table: std::sync::Arc::default(),
                columns: Vec::new(),
                counts: Vec::new(),
            });
        }
        let table = self.tables.get(&segment).cloned().ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!("no facet table for segment {segment}"))
        })?;
        let columns = self
            .fields
            .iter()
            .filter_map(|name| table.column(name))
            .collect();
        let counts = vec![0; table.width];
        Ok(FacetCountsSegment {
            table,
            columns,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        if fruits.len() <= 1 {
            return Ok(fruits.pop().unwrap_or_default());
        }
        let mut merged: HashMap<&'static str, HashMap<std::sync::Arc<str>, u64>> = HashMap::new();
        for fruit in fruits {
            for (name, counts) in fruit {
                let entry = merged.entry(name).or_default();
                for (value, n) in counts {
                    *entry.entry(value).or_default() += n;
                }
            }
        }
        Ok(merged
            .into_iter()
            .map(|(name, counts)| (name, counts.into_iter().collect()))
            .collect())
    }
}

impl SegmentCollector for FacetCountsSegment {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let doc = doc as usize;
        let offsets = &self.table.offsets;
        let (Some(&from), Some(&to)) = (offsets.get(doc), offsets.get(doc + 1)) else {
            return;
        };
        for &slot in &self.table.slots[from as usize..to as usize] {
            if let Some(count) = self.counts.get_mut(slot as usize) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut out: Counts = HashMap::new();
        for i in self.columns {
            let column = &self.table.columns[i];
            let counts = &self.counts[column.base..column.base + column.values.len()];
            let entry = out.entry(column.name).or_default();
            entry.extend(
                counts
                    .iter()
                    .zip(&column.values)
                    .filter(|(n, _)| **n > 0)
                    .map(|(n, value)| (value.clone(), *n)),
            );
        }
        out
    }
}

/// The share of the best score a write-up with every clause needs, sorted by score, to
/// rank above those with some: a long page that has each word once in passing, far
/// below the best match, ranks by its score (docs/ARCHITECTURE.md, `collector`).
const FIRST_TIER_SHARE: Score = 0.3;

/// What a key gains in the first tier: more than any score or day number, and small
/// enough that an `f64` still holds every `f32` score above it exactly.
fn tier_offset(key: SortKey) -> f64 {
    match key {
        SortKey::Score => 65_536.0,
        SortKey::Newest => 16_777_216.0,
    }
}

/// Queries run side by side.
pub type Queries<'a> = &'a [Box<dyn tantivy::query::Query>];

/// Runs `clauses` and `extras` (the pair) in one pass over each segment: a document
/// matches when at least one of them does and `filter` (unscored; exclusions included)
/// does too. Its
/// score is the sum of the matching queries' scores, added in order, so it does not
/// depend on how segments are cut; documents that match every clause rank first (`top`,
/// with the offset of `tier_offset` on their keys; sorted by score, those with at least
/// `FIRST_TIER_SHARE` of the best score), whatever extras they match. `rest`
/// sees every match. With `text`, the live documents that a clause or an extra matches,
/// whatever the filter says, are kept there too, a set per segment in order (for
/// [`collect_within`]).
pub fn search_tiered<C: Collector>(
    searcher: &tantivy::Searcher,
    stats: &dyn tantivy::query::Bm25StatisticsProvider,
    (clauses, extras): (Queries<'_>, Queries<'_>),
    filter: &dyn tantivy::query::Query,
    top: &TopRanked,
    rest: &C,
    mut text: Option<&mut Vec<BitSet>>,
) -> tantivy::Result<(Vec<Ranked>, C::Fruit)> {
    use tantivy::query::EnableScoring;
    use tantivy::{DocSet, TERMINATED};

    let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
    let weights = clauses
        .iter()
        .chain(extras)
        .map(|q| q.weight(scoring))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let filter = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut tops = Vec::new();
    let mut rests = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        let mut top_segment = top.for_segment(ord, reader)?;
        let mut rest_segment = rest.for_segment(ord, reader)?;
        let mut scorers = weights
            .iter()
            .map(|w| w.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut filter = filter.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut found = text
            .is_some()
            .then(|| BitSet::with_max_value(reader.max_doc()));
        loop {
            let doc = scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
            if doc == TERMINATED {
                break;
            }
            let mut score: Score = 0.0;
            let mut matched = 0;
            for (i, scorer) in scorers.iter_mut().enumerate() {
                if scorer.doc() == doc {
                    score += scorer.score();
                    matched += usize::from(i < clauses.len());
                    scorer.advance();
                }
            }
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if let Some(found) = found.as_mut() {
                found.insert(doc);
            }
            if filter.doc() < doc {
                filter.seek(doc);
            }
            if filter.doc() != doc {
                continue;
            }
            top_segment.collect_tiered(doc, score, matched == clauses.len());
            rest_segment.collect(doc, score);
        }
        tops.push(top_segment.harvest());
        rests.push(rest_segment.harvest());
        if let (Some(text), Some(found)) = (text.as_deref_mut(), found) {
            text.push(found);
        }
    }
    Ok((top.merge_fruits(tops)?, rest.merge_fruits(rests)?))
}

/// Runs `collector` over the documents of `text` (per segment, in the searcher's order:
/// what [`search_tiered`] recorded as matching the query's text) that `filter` matches
/// too: the same documents as the text and the filter together, without evaluating the
/// text again.
pub fn collect_within<C: Collector>(
    searcher: &tantivy::Searcher,
    text: &[BitSet],
    filter: &dyn tantivy::query::Query,
    collector: &C,
) -> tantivy::Result<C::Fruit> {
    use tantivy::query::EnableScoring;
    use tantivy::{DocSet, TERMINATED};

    let filter = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut fruits = Vec::new();
    for (ord, (reader, matched)) in searcher.segment_readers().iter().zip(text).enumerate() {
        let mut child = collector.for_segment(ord as SegmentOrdinal, reader)?;
        if matched.len() == 0 {
            // Nothing to count (and an empty set, as of a segment without documents,
            // is no document set to walk).
            fruits.push(child.harvest());
            continue;
        }
        let mut filter = filter.scorer(reader, 1.0)?;
        let mut docs = tantivy::query::BitSetDocSet::from(matched.clone());
        let mut doc = docs.doc();
        while doc != TERMINATED && filter.doc() != TERMINATED {
            if filter.doc() < doc {
                filter.seek(doc);
            }
            if filter.doc() == doc {
                child.collect(doc, 0.0);
            }
            doc = docs.advance();
        }
        fruits.push(child.harvest());
    }
    collector.merge_fruits(fruits)
}

#[cfg(test)]
mod tests {
    use crate::search::engine::{Engine, SearchRequest};
    use crate::search::scope::Scope;
    use crate::{Indexer, Mode, Store, WriterOptions};

    /// Write-ups with the same text tie on score; spread over segments, they still come
    /// in slug order, on every page, as a rebuild puts them.
    #[test]
    fn ties_across_segments_come_in_slug_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str| {
            let path = format!("{name}.md");
            crate::testing::write_up(dir.path(), &path, "public", "Rollback", "Rollback plans.");
        };
        let names = ["m", "c", "x", "a", "q", "f", "b", "z", "k"];
        for name in &names[..3] {
            write(name);
        }
        let store = Store::in_ram();
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        indexer
            .update(dir.path(), Mode::Rebuild, &mut |_| {})
            .expect("index");
        // One segment per later write-up.
        for name in &names[3..] {
            write(name);
            let path = format!("{name}.md");
            indexer
                .update_paths(dir.path(), [path.as_str()])
                .expect("update");
        }
        let engine = Engine::new(&store).expect("engine");
        engine.reload().expect("reload");
        let segments = engine.searcher(Scope::Public).segment_readers().len();
        assert!(segments > 1, "{segments} segment");
        let mut sorted: Vec<&str> = names.to_vec();
        sorted.sort_unstable();
        let mut seen = Vec::new();
        for page in 1..=3 {
            let mut request = SearchRequest::new("rollback", Scope::Public);
            request.per_page = 4;
            request.page = page;
            let found = engine.search(&request).expect("search");
            seen.extend(found.hits.into_iter().map(|h| h.slug));
        }
        assert_eq!(seen, sorted);
    }
}
