//! Related write-ups: more-like-this within a scope, across languages.
//!
//! A write-up's words are also looked up in the other language's fields (shared words
//! such as "CAB"), with the glossary's terms for the ones it has ("incident" also as
//! "hændelse"); shared tags and practices count, and a write-up's translations
//! (`translation_of`, either way, and other translations of the same original) come
//! first.
//!
//! tantivy's defaults (a term must occur in at least five documents) return nothing on
//! a collection of a few dozen write-ups, so the thresholds are set for small
//! collections; the statistics come from the scope's own index.

use std::collections::{BTreeMap, HashSet};

use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{Searcher, Term};

use crate::content::vocab::Language;
use crate::error::Result;
use crate::index::schema::TextPart;
use crate::search::collector::{SortKey, TopRanked};
use crate::search::engine::{Engine, Hit, Scope, fallback_snippet, hit};

/// Text to find similar write-ups for, e.g. a draft in the submission form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// "Lesson learned".
    pub lesson: String,
    /// "Mistake to avoid".
    pub mistake: String,
    /// Everything else.
    pub body: String,
    /// The language it is written in.
    pub language: Language,
}

impl Engine {
    /// Write-ups like the one at `slug`, best first, within `scope`; empty when `scope`
    /// may not read `slug`.
    /// The answer is kept per scope and index contents, like search results (a write-up
    /// page asks on every view), but not while erfa starts and checks documents against
    /// their files.
    pub fn related(&self, slug: &str, scope: Scope, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.searcher(scope);
        if self.rechecking() {
            return self.related_in(&searcher, slug, scope, limit);
        }
        let contents = crate::index::stats::contents(&searcher);
        let key = (scope, searcher.generation().generation_id(), &contents);
        let request = (slug.to_string(), limit);
        if let Some(hits) = self.related.get(key, &request) {
            return Ok(hits);
        }
        let hits = self.related_in(&searcher, slug, scope, limit)?;
        self.related.put(key, &request, &hits);
        Ok(hits)
    }

    /// [`Engine::related`] on `searcher`, without the cache.
    fn related_in(
        &self,
        searcher: &Searcher,
        slug: &str,
        scope: Scope,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let Some((doc, record)) = self.find(searcher, slug, scope)? else {
            return Ok(Vec::new());
        };
        let lang = record.language;
        let other = match lang {
            Language::Da => Language::En,
            Language::En => Language::Da,
        };
        let mut texts: Vec<(TextPart, String)> =
            vec![(TextPart::Title, record.front.title.clone())];
        for part in [
            TextPart::Summary,
            TextPart::Lesson,
            TextPart::Mistake,
            TextPart::Body,
        ] {
            let field = self.fields.text(part, lang);
            if let Some(text) = doc.get_first(field).and_then(|v| v.as_str()) {
                texts.push((part, text.to_string()));
            }
        }
        let mut values: Vec<(Field, Vec<OwnedValue>)> = Vec::new();
        for (part, text) in &texts {
            for language in [lang, other] {
                values.push((
                    self.fields.text(*part, language),
                    vec![OwnedValue::Str(text.clone())],
                ));
            }
        }
        // The glossary's other-language terms for the terms the write-up has.
        let mut tokens = HashSet::new();
        for (part, text) in &texts {
            let mut analyzer = searcher
                .index()
                .tokenizer_for_field(self.fields.text(*part, lang))?;
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                tokens.insert(token.text.clone());
            }
        }
        let translated = self.glossary_translations(lang, &tokens);
        if !translated.is_empty() {
            for part in TextPart::ALL {
                values.push((
                    self.fields.text(part, other),
                    vec![OwnedValue::Str(translated.join(" . "))],
                ));
            }
        }
        // Shared tags and practices, and the write-up's translations.
        let mut links: Vec<(Box<dyn Query>, f32)> = Vec::new();
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        for (facet, values, weight) in [
            ("tags", &record.front.tags, SHARED_TAG_WEIGHT),
            ("practices", &record.front.practices, SHARED_PRACTICE_WEIGHT),
        ] {
            if let Some(field) = self.fields.facet(facet) {
                for value in values {
                    links.push((exact(field, value), weight));
                }
            }
        }
        links.push((exact(self.fields.translation, slug), TRANSLATION_WEIGHT));
        if let Some(original) = &record.front.translation_of {
            let original = original.trim().trim_matches('/');
            links.push((exact(self.fields.slug, original), TRANSLATION_WEIGHT));
            links.push((exact(self.fields.translation, original), TRANSLATION_WEIGHT));
        }
        self.more_like(searcher, values, links, scope, Some(slug), limit)
    }

    /// Write-ups like a draft, best first, within `scope`.
    pub fn similar(&self, draft: &Draft, scope: Scope, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.searcher(scope);
        let lang = draft.language;
        let mut values = Vec::new();
        for (part, text) in [
            (TextPart::Title, &draft.title),
            (TextPart::Summary, &draft.summary),
            (TextPart::Lesson, &draft.lesson),
            (TextPart::Mistake, &draft.mistake),
            (TextPart::Body, &draft.body),
        ] {
            if !text.trim().is_empty() {
                values.push((
                    self.fields.text(part, lang),
                    vec![OwnedValue::Str(text.clone())],
                ));
            }
        }
        if values.is_empty() {
            return Ok(Vec::new());
        }
        self.more_like(&searcher, values, Vec::new(), scope, None, limit)
    }

    /// A more-like-this query of its own rather than tantivy's, whose choice among
    /// equally good terms follows hash-map order and so changes from call to call: the
    /// best terms by tf-idf, ties broken by field and term, weighted by their score.
    fn more_like(
        &self,
        searcher: &Searcher,
        values: Vec<(Field, Vec<OwnedValue>)>,
        links: Vec<(Box<dyn Query>, f32)>,
        scope: Scope,
        exclude: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let stats = self.exact(searcher, scope);
        let num_docs =
            tantivy::query::Bm25StatisticsProvider::total_num_docs(&stats)?.max(1) as f32;
        let mut counts: BTreeMap<(Field, String), u32> = BTreeMap::new();
        for (field, texts) in &values {
            let mut analyzer = searcher.index().tokenizer_for_field(*field)?;
            for text in texts {
                let OwnedValue::Str(text) = text else {
                    continue;
                };
                let mut stream = analyzer.token_stream(text);
                while let Some(token) = stream.next() {
                    if token.text.chars().count() >= MIN_WORD_CHARS {
                        *counts.entry((*field, token.text.clone())).or_default() += 1;
                    }
                }
            }
        }
        let mut scored: Vec<(f32, Field, String)> = Vec::new();
        for ((field, text), tf) in counts {
            let df = stats.live_doc_freq(&Term::from_field_text(field, &text))? as f32;
            if df < 1.0 {
                continue;
            }
            let idf = (1.0 + (num_docs - df + 0.5) / (df + 0.5)).ln();
            scored.push((tf as f32 * idf, field, text));
        }
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(a.1.field_id().cmp(&b.1.field_id()))
                .then(a.2.cmp(&b.2))
        });
        scored.truncate(MAX_QUERY_TERMS);
        let best = scored.first().map(|s| s.0).filter(|b| *b > 0.0);
        let Some(best) = best.or((!links.is_empty()).then_some(1.0)) else {
            return Ok(Vec::new());
        };
        let mut terms: Vec<(Occur, Box<dyn Query>)> = scored
            .into_iter()
            .map(|(score, field, text)| {
                let term = TermQuery::new(
                    Term::from_field_text(field, &text),
                    IndexRecordOption::WithFreqs,
                );
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), score / best)) as Box<dyn Query>,
                )
            })
            .collect();
        // Links add their weight, whatever the text.
        terms.extend(links.into_iter().map(|(query, weight)| {
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(query, weight)) as Box<dyn Query>,
            )
        }));
        let mut subs: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(terms))),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(self.results_filter(scope), 0.0)),
            ),
        ];
        if let Some(slug) = exclude {
            subs.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.slug, slug),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let ranked = searcher.search_with_statistics_provider(
            &BooleanQuery::new(subs),
            &TopRanked {
                limit,
                key: SortKey::Score,
                scoring: true,
                slugs: false,
            },
            &stats,
        )?;
        let mut hits = Vec::with_capacity(ranked.len());
        for r in ranked {
            if let Some((doc, record)) = self.hit_texts(searcher, r.address, false)? {
                let snippet = fallback_snippet(&record, &doc, &self.fields);
                hits.push(hit(record, r.score, snippet, scope));
            }
        }
        Ok(hits)
    }
}

/// Words shorter than this say little about what a write-up is about.
const MIN_WORD_CHARS: usize = 3;
/// The most terms a more-like-this query uses.
const MAX_QUERY_TERMS: usize = 30;
/// What a shared tag adds to a related write-up's score (a matching term of the text
/// adds its BM25 score, a few points at most for the best).
const SHARED_TAG_WEIGHT: f32 = 1.5;
/// What a shared practice adds.
const SHARED_PRACTICE_WEIGHT: f32 = 0.75;
/// What a translation of the same write-up adds: more than any text can, so it comes
/// first.
const TRANSLATION_WEIGHT: f32 = 50.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::engine_with;

    #[test]
    fn related_finds_the_similar_write_up_and_respects_scope() {
        let engine = engine_with(&[
            (
                "a.md",
                "public",
                "CAB meetings took too long",
                "The change advisory board reviewed every change, even trivial ones.",
            ),
            (
                "b.md",
                "members",
                "Standard changes freed the CAB",
                "We moved trivial changes out of the change advisory board.",
            ),
            (
                "c.md",
                "public",
                "Backups nobody tested",
                "A restore failed when we needed it.",
            ),
        ]);
        let related = engine.related("a", Scope::Members, 5).expect("related");
        assert_eq!(related.first().map(|h| h.slug.as_str()), Some("b"));
        assert!(related.iter().all(|h| h.slug != "a"));
        let public = engine.related("a", Scope::Public, 5).expect("related");
        assert!(
            public.iter().all(|h| h.slug != "b"),
            "members-only never related for public"
        );
        assert!(
            engine
                .related("b", Scope::Public, 5)
                .expect("related")
                .is_empty()
        );
    }

    #[test]
    fn similar_drafts_find_existing_write_ups() {
        let engine = engine_with(&[
            (
                "a.md",
                "members",
                "CAB meetings took too long",
                "The change advisory board reviewed every change.",
            ),
            (
                "c.md",
                "members",
                "Backups nobody tested",
                "A restore failed when we needed it.",
            ),
        ]);
        let draft = Draft {
            title: "Our restore test failed".into(),
            body: "Nobody had tested the backups before the restore.".into(),
            language: Language::En,
            ..Draft::default()
        };
        let similar = engine.similar(&draft, Scope::Members, 3).expect("similar");
        assert_eq!(similar[0].slug, "c");
    }
}
