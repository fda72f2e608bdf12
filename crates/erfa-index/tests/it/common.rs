//! Helpers shared by the test modules: temp content folders and indexes built from them.

use std::path::Path;

use erfa_index::{
    Engine, Indexer, Mode, SearchRequest, SearchResults, Store, UpdateReport, WriterOptions,
};

/// Writes `text` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A write-up with the fields most tests vary.
pub fn writeup(title: &str, kind: &str, language: &str, visibility: &str, body: &str) -> String {
    writeup_dated(title, kind, language, visibility, body, "2022-03-10")
}

/// [`writeup`] with the write-up's `date`.
pub fn writeup_dated(
    title: &str,
    kind: &str,
    language: &str,
    visibility: &str,
    body: &str,
    date: &str,
) -> String {
    format!(
        "---\ntitle: \"{title}\"\nkind: {kind}\nlanguage: {language}\ndate: {date}\nvisibility: {visibility}\n---\n{body}\n"
    )
}

/// Brings `store` up to date with `content` in `mode`.
pub fn update(store: &Store, content: &Path, mode: Mode) -> UpdateReport {
    let mut indexer = Indexer::new(store, WriterOptions::default()).expect("indexer");
    indexer.update(content, mode, &mut |_| {}).expect("update")
}

/// A fresh in-memory index of `content`, built in one go, and an engine over it.
pub fn rebuilt(content: &Path) -> (Store, Engine) {
    let store = Store::in_ram();
    update(&store, content, Mode::Rebuild);
    let engine = Engine::new(&store).expect("engine");
    engine.reload().expect("reload");
    (store, engine)
}

/// Runs `request` and returns the results.
pub fn search(engine: &Engine, request: &SearchRequest) -> SearchResults {
    engine.search(request).expect("search")
}

/// The results as JSON text: what the differential and incremental tests compare.
pub fn json(results: &SearchResults) -> String {
    serde_json::to_string(results).expect("results serialise")
}

/// The slugs of the hits, in order.
pub fn slugs(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.slug.clone()).collect()
}

#[path = "../../../../tests/support/alone.rs"]
mod alone;
pub use alone::{alone_in_own_process, memory, reset_peak};
