//! Helpers for this crate's unit tests.

use crate::Engine;

/// An engine over an in-memory store holding one write-up per
/// (path, visibility, title, body); tags are `tag-<file stem>`. Paths that start with
/// `da` are Danish write-ups, the others English.
pub(crate) fn engine_with(docs: &[(&str, &str, &str, &str)]) -> Engine {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, visibility, title, body) in docs {
        let stem = path.trim_end_matches(".md");
        let language = if path.starts_with("da") { "da" } else { "en" };
        let text = format!(
            "---\ntitle: \"{title}\"\nkind: lesson\nlanguage: {language}\ndate: 2022-01-01\ntags: [tag-{stem}]\nvisibility: {visibility}\n---\n## Lesson learned\n\n{body}\n"
        );
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    }
    let (engine, report) = Engine::in_memory(dir.path()).expect("index");
    assert_eq!(report.errors, 0, "{:?}", report.diagnostics);
    engine
}
