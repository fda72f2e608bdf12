//! Search: a query in, one result shape out, for one scope.
//!
//! Reads what [`crate::index`] wrote and never writes to it; content values come from
//! [`crate::content`].
//!
//! - [`scope`] says who is searching; every part below is keyed by it.
//! - [`query`] parses what members type; [`engine`] holds the [`Engine`] and runs a
//!   search over one scope's index.
//! - [`collector`] ranks with a deterministic order and counts facets from fast columns.
//! - `close_words` finds a scope's own words close to a typed one, for typo tolerance
//!   and "did you mean"; `letters` keeps æ, ø and å apart from a, o and e there, and
//!   turns `aa`, `oe` and `ae` into them when a typed word finds nothing.
//! - `terms` holds the glossary and the compiled-in lexicon as queries use them, tells
//!   a query's language and splits Danish compounds.
//! - [`suggest`] answers search-as-you-type; [`related`] finds related write-ups. Both
//!   build on the engine; what the engine keeps for them lives in `cache`, so the
//!   engine never names them.
//! - `kept` holds the engine's answers of recent searches and keeps those a commit
//!   could not have changed.

pub(crate) mod cache;
pub(crate) mod close_words;
pub mod collector;
pub mod engine;
pub(crate) mod feedback;
pub(crate) mod kept;
pub(crate) mod letters;
pub mod on_disk;
pub mod query;
pub mod related;
pub mod scope;
pub mod suggest;
pub(crate) mod terms;

pub use engine::{
    DEFAULT_FACET_LIMIT, Engine, FacetValue, Hit, LinkedBy, MAX_LINKED, MAX_PER_PAGE,
    MAX_RESULT_WINDOW, RESULT_CACHE_CAPACITY, SearchRequest, SearchResults, SectionFilter, Snippet,
    Sort, Stored, Tuning,
};
pub use kept::Answer;
pub use scope::Scope;
