//! Caches an [`Engine`](crate::search::engine::Engine) holds for the parts
//! of search built on it, so those parts and the engine need not name each other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::search::scope::Scope;

/// The titles and tags search-as-you-type looks through, for one scope.
#[derive(Debug, Default)]
pub(crate) struct Entries {
    /// (lower-cased title, title, slug), sorted by title.
    pub(crate) titles: Vec<(String, String, String)>,
    /// (tag key, its label, write-ups with it), most used first.
    pub(crate) tags: Vec<(String, String, u64)>,
}

/// Per-scope suggestion lists, tagged with the index contents they were read from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Suggestions(pub(crate) Arc<Mutex<HashMap<Scope, Read>>>);

/// Entries, with the index contents they were read from
/// (`crate::index::stats::contents`).
type Read = (crate::index::stats::Contents, Arc<Entries>);
