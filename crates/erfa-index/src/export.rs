//! Whole-collection views: counts for `erfa stats` and every write-up for `erfa export`.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::TantivyDocument;

use crate::error::Result;
use crate::index::schema::Record;
use crate::search::collector::{FacetCounts, SortKey, TopRanked};
use crate::search::engine::{Engine, Scope};

/// Counts of the write-ups a scope sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// The scope counted.
    pub scope: Scope,
    /// Write-ups in all.
    pub total: u64,
    /// Counts by field (kind, practices, language, status, visibility, year), then value.
    pub by: BTreeMap<&'static str, BTreeMap<String, u64>>,
}

/// One write-up as exported: its record and Markdown body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exported {
    /// URL name.
    pub slug: String,
    /// Path relative to the content root; absent in public scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Language, as written or detected.
    pub language: crate::content::vocab::Language,
    /// The front matter (in public scope without the organisation).
    pub front: crate::content::front_matter::FrontMatter,
    /// The Markdown body.
    pub markdown: String,
}

const STATS_FIELDS: [&str; 6] = [
    "kind",
    "practices",
    "language",
    "status",
    "visibility",
    "year",
];

impl Engine {
    /// Counts of what `scope` sees.
    pub fn stats(&self, scope: Scope) -> Result<Stats> {
        let searcher = self.searcher(scope);
        let query = self.scope_filter(scope);
        let counts = searcher.search(
            &*query,
            &(
                tantivy::collector::Count,
                FacetCounts {
                    fields: STATS_FIELDS.to_vec(),
                    tables: crate::search::collector::facet_tables(&searcher, &STATS_FIELDS)?,
                },
            ),
        )?;
        let mut by = BTreeMap::new();
        for (name, values) in counts.1 {
            by.insert(
                name,
                values
                    .into_iter()
                    .map(|(value, n)| (value.to_string(), n))
                    .collect(),
            );
        }
        Ok(Stats {
            scope,
            total: counts.0 as u64,
            by,
        })
    }

    /// Every write-up `scope` sees, by slug.
    pub fn export(&self, scope: Scope) -> Result<Vec<Exported>> {
        let searcher = self.searcher(scope);
        let query = self.scope_filter(scope);
        let limit = searcher.num_docs() as usize;
        let mut ranked = searcher.search(
            &*query,
            &TopRanked {
                limit,
                key: SortKey::Score,
                scoring: false,
                slugs: true,
            },
        )?;
        ranked.sort_by(|a, b| a.slug.cmp(&b.slug));
        let mut out = Vec::with_capacity(ranked.len());
        for r in ranked {
            let doc: TantivyDocument = searcher.doc(r.address)?;
            let Some(record) = self.record(&doc) else {
                continue;
            };
            let markdown = self.markdown(&doc);
            let Record {
                slug,
                path,
                language,
                mut front,
                ..
            } = record;
            if scope == Scope::Public {
                front.organisation = None;
            }
            out.push(Exported {
                slug,
                path: (scope != Scope::Public).then_some(path),
                language,
                front,
                markdown,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::engine_with;

    #[test]
    fn stats_and_export_respect_the_scope() {
        let engine = engine_with(&[
            ("a.md", "public", "Public one", "Text."),
            ("b.md", "members", "Members one", "Text."),
        ]);
        let members = engine.stats(Scope::Members).expect("stats");
        assert_eq!(members.total, 2);
        assert_eq!(members.by["visibility"]["members"], 1);
        let public = engine.stats(Scope::Public).expect("stats");
        assert_eq!(public.total, 1);
        assert!(!public.by["visibility"].contains_key("members"));
        let exported = engine.export(Scope::Public).expect("export");
        assert_eq!(exported.len(), 1);
        assert_eq!(exported[0].slug, "a");
        assert_eq!(exported[0].path, None);
        let all = engine.export(Scope::Members).expect("export");
        let slugs: Vec<_> = all.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["a", "b"]);
    }
}
