//! The words a scope's index contains: close words for typo tolerance and "did you mean",
//! and the words a typed one starts, for "did you mean".
//!
//! Reads the unstemmed `words` field of the scope's own index and counts only the
//! scope's live documents, so a public viewer's corrections come only from public text
//! and a member's only from published write-ups.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

use crate::error::Result;
use crate::index::reads::{self, Read};
use crate::search::letters;

/// A Levenshtein automaton over bytes, as the term dictionary wants it.
struct Dfa<'a>(&'a DFA);

impl Automaton for Dfa<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if distance <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// Live documents of the searcher that contain `word` in `field`.
pub(crate) fn doc_freq(
    stats: &crate::index::stats::Exact<'_>,
    field: Field,
    word: &str,
) -> Result<u64> {
    Ok(stats.live_doc_freq(&Term::from_field_text(field, word))?)
}

/// The edit distance a word of this length may be corrected by: 1, or 2 for 9+ letters.
pub fn max_distance(word: &str) -> u8 {
    if word.chars().count() >= 9 { 2 } else { 1 }
}

/// A word of the vocabulary close to a typed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Close {
    /// The word.
    pub(crate) word: String,
    /// Edits from the typed word.
    pub(crate) distance: u8,
    /// Live documents in the scope that contain it.
    pub(crate) freq: u64,
}

/// Words of `field` within `distance` edits of `word` (transpositions count as one),
/// other than `word` itself and other than those with different æ, ø or å
/// ([`letters::same_danish_letters`]): closest first, then most frequent, then
/// alphabetical.
pub(crate) fn close_words(
    stats: &crate::index::stats::Exact<'_>,
    field: Field,
    word: &str,
    distance: u8,
) -> Result<Vec<Close>> {
    let found = reads::paused(|| find_close_words(stats, field, word, distance))?;
    reads::note(|| Read::Close {
        only: stats.only.clone(),
        field,
        word: word.to_string(),
        distance,
        value: noted(&found),
    });
    Ok(found)
}

/// Close words as a read notes them ([`Read::Close`]).
pub(crate) fn noted(close: &[Close]) -> Vec<(String, u8, u64)> {
    close
        .iter()
        .map(|c| (c.word.clone(), c.distance, c.freq))
        .collect()
}

fn find_close_words(
    stats: &crate::index::stats::Exact<'_>,
    field: Field,
    word: &str,
    distance: u8,
) -> Result<Vec<Close>> {
    let searcher: &Searcher = stats.searcher;
    let mut dfa = None;
    let mut found: BTreeMap<String, (u8, u64)> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        // A segment's dictionary never changes: its close words are looked for once.
        let key = (segment.segment_id(), field, word.to_string(), distance);
        let close = stats
            .cache
            .close_words(key, || -> Result<Vec<(String, u8)>> {
                let dfa = dfa.get_or_insert_with(|| builder(distance).build_dfa(word));
                let mut close = Vec::new();
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .search(Dfa(dfa))
                    .into_stream()
                    .map_err(|e| crate::Error::io("reading", "index", e))?;
                while stream.advance() {
                    let Ok(text) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if text == word || !letters::same_danish_letters(text, word) {
                        continue;
                    }
                    if let Distance::Exact(d) = dfa.eval(text) {
                        close.push((text.to_string(), d));
                    }
                }
                Ok(close)
            })?;
        for (text, d) in close.iter() {
            found.entry(text.clone()).or_insert((*d, 0));
        }
    }
    // Frequencies of live documents only, so that deleted write-ups suggest nothing.
    for (text, (_, freq)) in found.iter_mut() {
        *freq = stats.live_doc_freq(&Term::from_field_text(field, text))?;
    }
    found.retain(|_, (_, freq)| *freq > 0);
    let mut out: Vec<Close> = found
        .into_iter()
        .map(|(word, (distance, freq))| Close {
            word,
            distance,
            freq,
        })
        .collect();
    out.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then(b.freq.cmp(&a.freq))
            .then_with(|| a.word.cmp(&b.word))
    });
    Ok(out)
}

/// Words of `field` that start with `prefix` and are at most `extra` characters longer,
/// other than `prefix` itself, with their live document frequency: most frequent first,
/// then alphabetical; at most `limit`.
pub(crate) fn completions(
    stats: &crate::index::stats::Exact<'_>,
    field: Field,
    prefix: &str,
    extra: usize,
    limit: usize,
) -> Result<Vec<(String, u64)>> {
    let found = reads::paused(|| find_completions(stats, field, prefix, extra, limit))?;
    reads::note(|| Read::Completions {
        only: stats.only.clone(),
        field,
        prefix: prefix.to_string(),
        extra,
        limit,
        value: found.clone(),
    });
    Ok(found)
}

fn find_completions(
    stats: &crate::index::stats::Exact<'_>,
    field: Field,
    prefix: &str,
    extra: usize,
    limit: usize,
) -> Result<Vec<(String, u64)>> {
    let longest = prefix.chars().count() + extra;
    let mut found: BTreeMap<String, u64> = BTreeMap::new();
    for segment in stats.searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()
            .map_err(|e| crate::Error::io("reading", "index", e))?;
        while stream.advance() {
            let Ok(text) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !text.starts_with(prefix) {
                break;
            }
            if text != prefix && text.chars().count() <= longest {
                found.entry(text.to_string()).or_insert(0);
            }
        }
    }
    for (text, freq) in found.iter_mut() {
        *freq = stats.live_doc_freq(&Term::from_field_text(field, text))?;
    }
    let mut out: Vec<(String, u64)> = found.into_iter().filter(|(_, f)| *f > 0).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(limit);
    Ok(out)
}
