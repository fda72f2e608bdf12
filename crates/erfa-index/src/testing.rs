//! Helpers for this crate's unit tests.

use crate::Engine;

/// Writes a lesson at `path` under `root`, as [`engine_with`] describes it.
pub(crate) fn write_up(
    root: &std::path::Path,
    path: &str,
    visibility: &str,
    title: &str,
    body: &str,
) {
    write_up_dated(root, path, visibility, title, body, "2022-01-01");
}

/// [`write_up`] with the write-up's `date`.
pub(crate) fn write_up_dated(
    root: &std::path::Path,
    path: &str,
    visibility: &str,
    title: &str,
    body: &str,
    date: &str,
) {
    let stem = path.trim_end_matches(".md");
    let language = if path.starts_with("da") { "da" } else { "en" };
    let text = format!(
        "---\ntitle: \"{title}\"\nkind: lesson\nlanguage: {language}\ndate: {date}\ntags: [tag-{stem}]\nvisibility: {visibility}\n---\n## Lesson learned\n\n{body}\n"
    );
    let file = root.join(path);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(file, text).expect("write");
}

/// An engine over an in-memory store holding one write-up per
/// (path, visibility, title, body); tags are `tag-<file stem>`. Paths that start with
/// `da` are Danish write-ups, the others English.
pub(crate) fn engine_with(docs: &[(&str, &str, &str, &str)]) -> Engine {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, visibility, title, body) in docs {
        write_up(dir.path(), path, visibility, title, body);
    }
    let (engine, report) = Engine::in_memory(dir.path()).expect("index");
    assert_eq!(report.errors, 0, "{:?}", report.diagnostics);
    engine
}
