//! Related write-ups: more-like-this within a scope.
//!
//! tantivy's defaults (a term must occur in at least five documents) return nothing on
//! a collection of a few dozen write-ups, so the thresholds are set for small
//! collections; the statistics come from the scope's own index.

use tantivy::query::{BooleanQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::collector::{SortKey, TopRanked};
use crate::error::Result;
use crate::schema::TextPart;
use crate::search::{Engine, Hit, Scope, fallback_snippet, hit};
use crate::vocab::Language;

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
    pub fn related(&self, slug: &str, scope: Scope, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.searcher(scope);
        let slug_query = TermQuery::new(
            Term::from_field_text(self.fields.slug, slug),
            IndexRecordOption::Basic,
        );
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(slug_query) as Box<dyn Query>),
            (Occur::Must, self.scope_filter(scope)),
        ]);
        let top = searcher.search(
            &query,
            &TopRanked {
                limit: 1,
                key: SortKey::Score,
                scoring: false,
            },
        )?;
        let Some(found) = top.first() else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(found.address)?;
        let Some(record) = self.record(&doc) else {
            return Ok(Vec::new());
        };
        let lang = record.language;
        let mut values: Vec<(Field, Vec<OwnedValue>)> = vec![(
            self.fields.text(TextPart::Title, lang),
            vec![OwnedValue::Str(record.front.title.clone())],
        )];
        for part in [
            TextPart::Summary,
            TextPart::Lesson,
            TextPart::Mistake,
            TextPart::Body,
        ] {
            let field = self.fields.text(part, lang);
            if let Some(text) = doc.get_first(field).and_then(|v| v.as_str()) {
                values.push((field, vec![OwnedValue::Str(text.to_string())]));
            }
        }
        self.more_like(&searcher, values, scope, Some(slug), limit)
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
        self.more_like(&searcher, values, scope, None, limit)
    }

    fn more_like(
        &self,
        searcher: &Searcher,
        values: Vec<(Field, Vec<OwnedValue>)>,
        scope: Scope,
        exclude: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_max_doc_frequency(u64::MAX)
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_word_length(40)
            .with_max_query_terms(30)
            .with_document_fields(values);
        let mut subs: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(mlt)),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(self.scope_filter(scope), 0.0)),
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
        let ranked = searcher.search(
            &BooleanQuery::new(subs),
            &TopRanked {
                limit,
                key: SortKey::Score,
                scoring: true,
            },
        )?;
        let mut hits = Vec::with_capacity(ranked.len());
        for r in ranked {
            let doc: TantivyDocument = searcher.doc(r.address)?;
            if let Some(record) = self.record(&doc) {
                let snippet = fallback_snippet(&record, &doc, &self.fields);
                hits.push(hit(record, r.score, snippet, scope));
            }
        }
        Ok(hits)
    }
}

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
