//! erfa's content pipeline: write-ups in `content/` become a tantivy index, and searches
//! run over it for one scope at a time.
//!
//! ```
//! use erfa_index::{Document, Engine, Indexer, Mode, Scope, SearchRequest, Store, WriterOptions};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(
//!     dir.path().join("cab.md"),
//!     "---\ntitle: We copied a CAB\nkind: mistake\ndate: 2022-03-10\n---\n## Mistake to avoid\n\nCopying a change process 1:1.\n",
//! )?;
//! let store = Store::in_ram();
//! let mut indexer = Indexer::new(&store, WriterOptions::default())?;
//! let report = indexer.update(dir.path(), Mode::Incremental, &mut |_| {})?;
//! assert_eq!(report.to_string(), "added 1, changed 0, deleted 0, unchanged 0, errors 0");
//!
//! let engine = Engine::new(&store)?;
//! engine.reload()?;
//! let results = engine.search(&SearchRequest::new("change process", Scope::Members))?;
//! assert_eq!(results.hits[0].slug, "cab");
//! assert_eq!(results.hits[0].snippet.section, "mistake");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Unsafe code is for the binary alone (its call into the allocator).
#![forbid(unsafe_code)]

pub mod content;
pub mod error;
pub mod eval;
pub mod export;
pub mod index;
pub mod memory;
pub mod search;
pub mod side;
#[cfg(test)]
mod testing;

pub use content::{
    catalog, compounds, diagnostic, document, durable, edit, front_matter, glossary, health,
    markdown, meetings, slug, source, template, vocab, yaml,
};
pub use index::{lock, schema, store, watch, writer};
pub use search::{collector, query, related, suggest};

pub use diagnostic::{Diagnostic, Severity};
pub use document::{Document, Parsed};
pub use error::{Error, Result};
pub use front_matter::{Date, FrontMatter};
pub use related::Draft;
pub use search::{
    Answer, Engine, Hit, LinkedBy, Scope, SearchRequest, SearchResults, SectionFilter, Sort,
    Stored, Tuning,
};
pub use store::{Opened, Store};
pub use suggest::Suggestion;
pub use writer::{Indexer, Mode, Progress, UpdateReport, WriterOptions};
