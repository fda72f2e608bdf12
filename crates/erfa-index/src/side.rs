//! A side index: documents whose source of truth is somewhere other than `content/` (the
//! members' questions and answers in erfa's database), held in memory and indexed with
//! the same schema and analyzers as the write-ups, so they are searched with the same
//! query language, stemming, glossary and typo tolerance, and [`Engine::similar`] works
//! on them. The caller builds [`Document`]s from its own records, rebuilds the whole
//! index at start and puts or removes one document after each change; nothing is written
//! to disk, so there is nothing to go stale.
//!
//! ```
//! use erfa_index::{Document, Scope, SearchRequest, side::SideIndex};
//!
//! let side = SideIndex::new()?;
//! let doc = Document::parse(
//!     "questions/1.md",
//!     "---\ntitle: Hvordan holder I CAB-møder?\nkind: practice\n---\n## Problem\nVi er fem.\n",
//! )
//! .document
//! .expect("valid");
//! side.rebuild(&[doc])?;
//! let found = side.engine().search(&SearchRequest::new("cab", Scope::Members))?;
//! assert_eq!(found.hits[0].slug, "questions/1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::content::glossary::Glossary;
use crate::error::Result;
use crate::{Document, Engine, Indexer, Store, WriterOptions};

/// An in-memory index of documents kept elsewhere; see the module documentation.
pub struct SideIndex {
    writer: Mutex<Writer>,
    engine: Engine,
}

struct Writer {
    indexer: Indexer,
    /// The paths indexed now, so that a rebuild can remove them all.
    paths: BTreeSet<String>,
}

impl std::fmt::Debug for SideIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SideIndex").finish_non_exhaustive()
    }
}

impl SideIndex {
    /// An empty side index.
    pub fn new() -> Result<SideIndex> {
        let store = Store::in_ram();
        let indexer = Indexer::new(
            &store,
            WriterOptions {
                threads: 1,
                // tantivy's least budget for one thread: side documents are few.
                memory_budget: 15 * 1024 * 1024,
            },
        )?;
        let engine = Engine::new(&store)?;
        Ok(SideIndex {
            writer: Mutex::new(Writer {
                indexer,
                paths: BTreeSet::new(),
            }),
            engine,
        })
    }

    /// The engine that searches it (every scope reads the same documents: callers decide
    /// who may search a side index at all).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Uses the write-ups' glossary for queries.
    pub fn set_glossary(&self, glossary: &Glossary) {
        self.engine.set_glossary(glossary);
    }

    /// Replaces everything with `docs`, committed and searchable when it returns.
    pub fn rebuild(&self, docs: &[Document]) -> Result<()> {
        let mut writer = self.lock();
        let old = std::mem::take(&mut writer.paths);
        for path in &old {
            writer.indexer.remove(path);
        }
        for doc in docs {
            writer.indexer.put(doc, true)?;
            writer.paths.insert(doc.path.clone());
        }
        self.commit(&mut writer)
    }

    /// Adds or replaces one document, committed and searchable when it returns.
    pub fn put(&self, doc: &Document) -> Result<()> {
        let mut writer = self.lock();
        writer.indexer.put(doc, true)?;
        writer.paths.insert(doc.path.clone());
        self.commit(&mut writer)
    }

    /// Removes the document at `path`, committed when it returns.
    pub fn remove(&self, path: &str) -> Result<()> {
        let mut writer = self.lock();
        writer.indexer.remove(path);
        writer.paths.remove(path);
        self.commit(&mut writer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Writer> {
        // A panic while holding the lock leaves at worst uncommitted changes, which the
        // next commit or rollback settles.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn commit(&self, writer: &mut Writer) -> Result<()> {
        if let Err(e) = writer.indexer.commit() {
            writer.indexer.rollback()?;
            return Err(e);
        }
        self.engine.reload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scope, SearchRequest};

    fn doc(path: &str, title: &str, body: &str) -> Document {
        Document::parse(
            path,
            &format!(
                "---\ntitle: {title}\nkind: practice\nlanguage: da\n---\n## Problem\n{body}\n"
            ),
        )
        .document
        .expect("valid")
    }

    fn slugs(side: &SideIndex, query: &str) -> Vec<String> {
        side.engine()
            .search(&SearchRequest::new(query, Scope::Members))
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.slug)
            .collect()
    }

    #[test]
    fn documents_are_stemmed_replaced_and_removed() {
        let side = SideIndex::new().expect("side");
        side.rebuild(&[
            doc("q/1.md", "Hændelser om natten", "Vagtordning"),
            doc("q/2.md", "CAB", "Ændringer"),
        ])
        .expect("rebuilt");
        assert_eq!(slugs(&side, "hændelse"), ["q/1"], "stemmed");
        assert_eq!(slugs(&side, "vagtordnig"), ["q/1"], "typo tolerant");
        side.put(&doc("q/1.md", "Problemer", "Ingen"))
            .expect("replaced");
        assert!(slugs(&side, "hændelse").is_empty());
        side.remove("q/2.md").expect("removed");
        assert!(slugs(&side, "cab").is_empty());
        side.rebuild(&[doc("q/3.md", "CAB igen", "")])
            .expect("again");
        assert_eq!(slugs(&side, "cab"), ["q/3"]);
        assert!(
            slugs(&side, "problemer").is_empty(),
            "a rebuild starts empty"
        );
    }
}
