//! Search-as-you-type: titles and tags that start with or contain what was typed.
//!
//! The titles and tags of each scope are read once per index generation from fast
//! columns and kept until the next commit, so a keystroke costs a scan of a list in
//! memory. The cache is keyed by scope and emptied whenever the searcher changes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use tantivy::columnar::StrColumn;

use crate::error::Result;
use crate::search::cache::Entries;
use crate::search::engine::{Engine, Scope};

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// What to show and search for.
    pub text: String,
    /// `title` or `tag`.
    pub kind: &'static str,
    /// The write-up, for titles.
    pub slug: Option<String>,
    /// The tag's value for the `tags` filter, for tags.
    pub value: Option<String>,
}

impl Engine {
    fn entries(&self, scope: Scope) -> Result<Arc<Entries>> {
        let searcher = self.searcher(scope);
        let contents = crate::index::stats::contents(&searcher);
        {
            let cache = self.suggestions.0.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((c, entries)) = cache.get(&scope)
                && *c == contents
            {
                return Ok(entries.clone());
            }
        }
        let published_only = scope != Scope::Facilitator;
        // While the index may be behind the disk, each write-up's file has its say too
        // (`on_disk`); what is read meanwhile is kept only until the check ends.
        let disk = self.on_disk(scope);
        let mut titles = Vec::new();
        // Write-ups per (tag key, spelling).
        let mut tag_counts: HashMap<(String, String), u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (Some(title_col), Some(slug_col), Some(status_col), tags_col, path_col) = (
                fast.str("title")?,
                fast.str("slug")?,
                fast.str("status")?,
                fast.str("tag_spellings")?,
                fast.str("path")?,
            ) else {
                continue;
            };
            let published_ord = {
                let mut ord = None;
                let mut text = String::new();
                for o in 0..status_col.num_terms() as u64 {
                    text.clear();
                    if status_col.ord_to_str(o, &mut text).unwrap_or(false) && text == "published" {
                        ord = Some(o);
                    }
                }
                ord
            };
            let alive = segment.alive_bitset();
            let (mut title, mut slug, mut tag) = (String::new(), String::new(), String::new());
            let (mut path, mut hash) = (String::new(), String::new());
            let hash_col = if disk.is_some() {
                fast.str("hash")?
            } else {
                None
            };
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                if published_only && status_col.term_ords(doc).next() != published_ord {
                    continue;
                }
                if let Some(disk) = &disk {
                    let read = |col: &Option<StrColumn>, text: &mut String| {
                        text.clear();
                        col.as_ref().and_then(|col| {
                            let ord = col.term_ords(doc).next()?;
                            col.ord_to_str(ord, text).ok()
                        }) == Some(true)
                    };
                    // The scope's index lets it read this one (the public index holds
                    // only public write-ups; the status is checked above).
                    let indexed = read(&hash_col, &mut hash).then_some(hash.as_str());
                    if !read(&path_col, &mut path) || !disk.allows(&path, scope, indexed) {
                        continue;
                    }
                }
                if let (Some(t), Some(s)) = (
                    title_col.term_ords(doc).next(),
                    slug_col.term_ords(doc).next(),
                ) {
                    title.clear();
                    slug.clear();
                    let _ = title_col.ord_to_str(t, &mut title);
                    let _ = slug_col.ord_to_str(s, &mut slug);
                    titles.push((title.to_lowercase(), title.clone(), slug.clone()));
                }
                if let Some(tags_col) = &tags_col {
                    for ord in tags_col.term_ords(doc) {
                        tag.clear();
                        if tags_col.ord_to_str(ord, &mut tag).unwrap_or(false)
                            && let Some((key, spelling)) = tag.split_once('\u{1f}')
                        {
                            *tag_counts
                                .entry((key.to_string(), spelling.to_string()))
                                .or_default() += 1;
                        }
                    }
                }
            }
        }
        titles.sort_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)));
        // A tag's label: its most common spelling (ties: the first in byte order, so
        // capitals win); its count: write-ups with any spelling.
        let mut by_key: BTreeMap<String, (String, u64, u64)> = BTreeMap::new();
        for ((key, spelling), n) in tag_counts {
            let entry = by_key.entry(key).or_insert((spelling.clone(), 0, 0));
            entry.2 += n;
            if n > entry.1 || (n == entry.1 && spelling < entry.0) {
                entry.0 = spelling;
                entry.1 = n;
            }
        }
        let mut tags: Vec<(String, String, u64)> = by_key
            .into_iter()
            .map(|(key, (label, _, n))| (key, label, n))
            .collect();
        tags.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let entries = Arc::new(Entries { titles, tags });
        if disk.is_some() {
            return Ok(entries);
        }
        let mut cache = self.suggestions.0.lock().unwrap_or_else(|e| e.into_inner());
        cache.insert(scope, (contents, entries.clone()));
        Ok(entries)
    }

    /// Each tag's label for `scope`, by tag key ([`crate::slug::tag`]): its most common
    /// spelling in the front matter of the write-ups the scope may read.
    pub fn tag_labels(&self, scope: Scope) -> Result<BTreeMap<String, String>> {
        Ok(self
            .entries(scope)?
            .tags
            .iter()
            .map(|(key, label, _)| (key.clone(), label.clone()))
            .collect())
    }

    /// Titles and tags for what has been typed so far, best first: those that start with
    /// it, then those with a word that starts with it, then those that contain it.
    pub fn suggest(&self, prefix: &str, scope: Scope, limit: usize) -> Result<Vec<Suggestion>> {
        let needle: String = prefix.trim().to_lowercase().chars().take(100).collect();
        if needle.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let entries = self.entries(scope)?;
        let rank = |text: &str| -> Option<u8> {
            if text.starts_with(&needle) {
                Some(0)
            } else if text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&needle))
            {
                Some(1)
            } else if text.contains(&needle) {
                Some(2)
            } else {
                None
            }
        };
        let mut titles: Vec<(u8, &(String, String, String))> = entries
            .titles
            .iter()
            .filter_map(|t| rank(&t.0).map(|r| (r, t)))
            .collect();
        titles.sort_by_key(|(r, _)| *r);
        let mut tags: Vec<(u8, &(String, String, u64))> = entries
            .tags
            .iter()
            .filter_map(|t| rank(&t.1.to_lowercase()).map(|r| (r, t)))
            .collect();
        tags.sort_by_key(|(r, _)| *r);
        let tag_share = (limit / 3).max(1).min(tags.len());
        let title_share = limit.saturating_sub(tag_share).min(titles.len());
        let tag_share = (limit - title_share).min(tags.len());
        let mut out: Vec<Suggestion> = titles
            .into_iter()
            .take(title_share)
            .map(|(_, (_, title, slug))| Suggestion {
                text: title.clone(),
                kind: "title",
                slug: Some(slug.clone()),
                value: None,
            })
            .collect();
        out.extend(
            tags.into_iter()
                .take(tag_share)
                .map(|(_, (key, label, _))| Suggestion {
                    text: label.clone(),
                    kind: "tag",
                    slug: None,
                    value: Some(key.clone()),
                }),
        );
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::engine_with;

    #[test]
    fn titles_and_tags_by_prefix_within_scope() {
        let engine = engine_with(&[
            ("a.md", "public", "Change freeze before Christmas", "Text."),
            ("b.md", "members", "Changing the CAB", "Text."),
            ("c.md", "public", "A freezer of changes", "Text."),
        ]);
        let s = engine.suggest("chan", Scope::Members, 8).expect("suggest");
        let texts: Vec<_> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts[..3],
            [
                "Change freeze before Christmas",
                "Changing the CAB",
                "A freezer of changes"
            ]
        );
        let public = engine.suggest("chan", Scope::Public, 8).expect("suggest");
        assert!(public.iter().all(|s| s.text != "Changing the CAB"));
        let tags = engine.suggest("tag", Scope::Public, 8).expect("suggest");
        let tags: Vec<_> = tags.iter().map(|s| (s.kind, s.text.as_str())).collect();
        assert_eq!(tags, [("tag", "tag-a"), ("tag", "tag-c")]);
        assert!(
            engine
                .suggest("  ", Scope::Members, 8)
                .expect("suggest")
                .is_empty()
        );
    }
}
