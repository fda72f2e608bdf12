//! Words a question's best write-ups share (pseudo-relevance feedback).
//!
//! A question of more words than the "every word" tier takes ranks by BM25 alone, and
//! its best write-ups say more about what it asks than its own words do: a question about
//! a backup that failed finds, in the write-ups that answer it, the words "snapshot" and
//! "replication" that the others answering it use too. The best [`DOCS`] write-ups each
//! propose their words (stemmed, without stop words, numbers or words under
//! [`MIN_CHARS`] letters); a word counts when at least [`MIN_DOCS`] of them propose it,
//! weighted by each proposer's share of the scores and the word's share of its text (the
//! relevance model of RM3). The [`CANDIDATES`] likeliest are weighted again by how rare
//! they are in the scope's text, and the [`TERMS`] best rerank the first [`RERANKED`]
//! write-ups (`Engine::rerank`). The write-ups come from the viewer's own search, so
//! nothing the viewer may not read proposes a word; the rarity is the scope's
//! (`index::stats`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, DocId, Searcher};

use crate::content::vocab::Language;
use crate::error::Result;
use crate::index::schema::{ANALYZER_DA, ANALYZER_EN, Fields, TextPart};
use crate::index::stored::Texts;

/// The best write-ups of a question that propose words.
pub(crate) const DOCS: usize = 5;
/// The words taken from their proposals.
pub(crate) const TERMS: usize = 10;
/// Proposals weighed by their rarity, the likeliest first: each is a look-up.
const CANDIDATES: usize = 3 * TERMS;
/// Weight of the most telling word, relative to a word of the question; the others
/// weigh in proportion.
pub(crate) const WEIGHT: f32 = 0.3;
/// The first write-ups of a question that are reranked; the order past them stays, so
/// that pages never overlap.
pub(crate) const RERANKED: usize = 100;
/// Write-ups of the best that must propose a word: a word only one of them has would
/// mostly lift that write-up itself.
const MIN_DOCS: usize = 2;
/// Shortest word proposed.
const MIN_CHARS: usize = 3;
/// Write-ups whose words are kept counted (a few hundred words each).
const CACHED_DOCS: usize = 256;

/// The parts whose words a write-up proposes: its text, not its title.
const PARTS: [TextPart; 4] = [
    TextPart::Summary,
    TextPart::Lesson,
    TextPart::Mistake,
    TextPart::Body,
];

/// A write-up's words as analyzed for its language's fields, with their counts, and the
/// number of words of its text (stop words left out).
#[derive(Debug)]
pub(crate) struct Counted {
    words: Vec<(Language, String, f32)>,
    length: f32,
}

/// Counted write-ups by segment and document. A segment never changes, so an entry
/// stays true as long as the segment lives; an entry of a merged segment is simply never
/// asked for again, and the cache empties when full.
#[derive(Clone, Default)]
pub(crate) struct Cache(Arc<Mutex<Entries>>);

/// Counted write-ups by the segment they are in and their document id there.
type Entries = HashMap<(SegmentId, DocId), Arc<Counted>>;

impl Cache {
    /// The counted words of the stored write-up at `address`.
    pub(crate) fn counted(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        address: DocAddress,
    ) -> Result<Arc<Counted>> {
        let key = (
            searcher.segment_reader(address.segment_ord).segment_id(),
            address.doc_id,
        );
        if let Some(counted) = self.lock().get(&key) {
            return Ok(counted.clone());
        }
        let texts: Texts = searcher.doc(address)?;
        let counted = Arc::new(count(searcher, fields, &texts));
        let mut entries = self.lock();
        if entries.len() >= CACHED_DOCS {
            entries.clear();
        }
        entries.insert(key, counted.clone());
        Ok(counted)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Counts the words of `texts`, each field through its language's analyzer.
fn count(searcher: &Searcher, fields: &Fields, texts: &Texts) -> Counted {
    let mut words: Vec<(Language, String, f32)> = Vec::new();
    let mut length = 0.0f32;
    for (language, name) in [(Language::Da, ANALYZER_DA), (Language::En, ANALYZER_EN)] {
        let Some(mut analyzer) = searcher.index().tokenizers().get(name) else {
            continue;
        };
        let mut counts: HashMap<String, f32> = HashMap::new();
        for part in PARTS {
            let Some(text) = texts.get(fields.text(part, language)) else {
                continue;
            };
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                length += 1.0;
                let word = token.text.as_str();
                if word.chars().count() < MIN_CHARS || word.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                match counts.get_mut(word) {
                    Some(n) => *n += 1.0,
                    None => {
                        counts.insert(word.to_string(), 1.0);
                    }
                }
            }
        }
        words.extend(counts.into_iter().map(|(w, n)| (language, w, n)));
    }
    Counted { words, length }
}

/// The likeliest proposals of `best` (each write-up's score and counted words) that at
/// least [`MIN_DOCS`] of them make, less the question's `own` words, best first: at most
/// [`CANDIDATES`].
pub(crate) fn proposals(
    best: &[(f32, Arc<Counted>)],
    own: &HashSet<String>,
) -> Vec<(Language, String, f32)> {
    let total: f32 = best.iter().map(|(score, _)| score.max(0.0)).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut proposed: BTreeMap<(Language, &str), (f32, usize)> = BTreeMap::new();
    for (score, counted) in best {
        if counted.length == 0.0 {
            continue;
        }
        let share = score.max(0.0) / total;
        for (language, word, n) in &counted.words {
            if !own.contains(word) {
                let entry = proposed.entry((*language, word.as_str())).or_default();
                entry.0 += share * n / counted.length;
                entry.1 += 1;
            }
        }
    }
    let mut proposed: Vec<(Language, String, f32)> = proposed
        .into_iter()
        .filter(|(_, (_, docs))| *docs >= MIN_DOCS.min(best.len()))
        .map(|((language, word), (p, _))| (language, word.to_string(), p))
        .collect();
    proposed.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| (a.0, &a.1).cmp(&(b.0, &b.1)))
    });
    proposed.truncate(CANDIDATES);
    proposed
}
