//! Bugs the suites above found in search and related write-ups, pinned as small
//! reproductions.

use erfa_index::{Scope, SearchRequest};

use crate::common::{rebuilt, search, slugs, write, writeup};

/// Regression: the "some but not all words" tier excluded the all-words tier with
/// `MustNot`; when that tier held a phrase, tantivy 0.27 sought the phrase scorer backwards
/// (`Exclude::new` → `Intersection::seek_danger` → `PhraseScorer::seek_danger`), which
/// panicked in debug builds ("target (0) should be greater than or equal to doc (2)").
#[test]
fn a_phrase_with_another_word_does_not_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let da = |rel: &str, text: &str| {
        write(
            root,
            rel,
            &writeup("Notat", "practice", "da", "members", text),
        );
    };
    da("a.md", "En proces for alt.");
    da("b.md", "Noget helt andet.");
    da("c.md", "Hændelse vagt og en proces.");
    let (_store, engine) = rebuilt(root);
    let results = search(
        &engine,
        &SearchRequest::new("\"hændelse vagt\" proces", Scope::Members),
    );
    assert_eq!(slugs(&results), ["c", "a"]);
}

/// Regression: tantivy's `MoreLikeThis` keeps its best 30 terms while iterating a
/// `HashMap` (random order per map) and breaks ties by arrival, so a long write-up's
/// related write-ups — their scores and even which ones — changed from call to call. The same content
/// must give the same answers, and the scope differential cannot be checked otherwise.
#[test]
fn related_write_ups_are_the_same_on_every_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut r = crate::incremental::Rng::new(3);
    for i in 0..30 {
        // More than 30 distinct words, many with equal counts: a selection must be made.
        let body: Vec<String> = (0..80).map(|_| format!("term{}", r.below(120))).collect();
        let body = body.join(" ");
        write(
            root,
            &format!("doc-{i}.md"),
            &writeup(&format!("Write-up {i}"), "practice", "en", "public", &body),
        );
    }
    let (_store, engine) = rebuilt(root);
    let first = serde_json::to_string(&engine.related("doc-1", Scope::Public, 5).expect("related"))
        .expect("json");
    for _ in 0..20 {
        let again =
            serde_json::to_string(&engine.related("doc-1", Scope::Public, 5).expect("related"))
                .expect("json");
        assert_eq!(first, again);
    }
}

/// The result cache answers repeated searches (and related write-ups), but never across
/// a commit, a narrowed visibility or a glossary change.
#[test]
fn cached_results_never_outlive_a_commit_or_a_glossary_change() {
    use crate::common::{search, update, write, writeup};
    use erfa_index::{Engine, Mode, Scope, SearchRequest, Store};

    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path();
    write(
        root,
        "a.md",
        &writeup(
            "Swarming on incidents",
            "lesson",
            "en",
            "public",
            "## Lesson learned\n\nSwarming helps.\n",
        ),
    );
    let store = Store::in_ram();
    update(&store, root, Mode::Incremental);
    let engine = Engine::new(&store).expect("engine");
    engine.reload().expect("reload");
    let public = SearchRequest::new("swarming", Scope::Public);
    let members = SearchRequest::new("swarming", Scope::Members);
    assert_eq!(search(&engine, &public).total, 1);
    assert_eq!(search(&engine, &public).total, 1, "a repeat");

    let write_b = |visibility: &str| {
        write(
            root,
            "b.md",
            &writeup(
                "More swarming",
                "lesson",
                "en",
                visibility,
                "## Lesson learned\n\nSwarming again.\n",
            ),
        );
    };
    let related = |scope| -> Vec<String> {
        let hits = engine.related("a", scope, 5).expect("related");
        hits.into_iter().map(|h| h.slug).collect()
    };
    assert!(related(Scope::Public).is_empty());
    assert!(related(Scope::Public).is_empty(), "a repeat");

    // A second write-up: visible at the next search after the reload.
    write_b("public");
    update(&store, root, Mode::Incremental);
    engine.reload().expect("reload");
    assert_eq!(search(&engine, &public).total, 2);
    assert_eq!(related(Scope::Public), ["b"]);
    assert_eq!(related(Scope::Public), ["b"], "a repeat");

    // Narrowed to members: gone from the public scope at once, kept for members.
    write_b("members");
    update(&store, root, Mode::Incremental);
    engine.reload().expect("reload");
    assert_eq!(search(&engine, &public).total, 1);
    assert_eq!(search(&engine, &members).total, 2);
    assert!(related(Scope::Public).is_empty(), "narrowed: not related");
    assert_eq!(related(Scope::Members), ["b"]);

    // A glossary that maps a Danish word to the English one.
    let danish = SearchRequest::new("sværmning", Scope::Members);
    assert_eq!(search(&engine, &danish).total, 0);
    write(
        root,
        "_glossary.yaml",
        "pairs:\n  - da: sværmning\n    en: swarming\n",
    );
    engine.set_glossary(&erfa_index::glossary::Glossary::load(root).glossary);
    assert_eq!(search(&engine, &danish).total, 2);
}

/// Regression: the query language did not do what members expected, shown on the
/// shipped content: `AND` was ignored, an OR group found fewer write-ups than the same
/// free words, "faar" found nothing, "chan" and "rød" were corrected to "than" and "red",
/// and a compound match ("styring" in "hændelsesstyring") had no highlight.
#[test]
fn the_query_language_does_what_members_expect() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let (engine, _) = erfa_index::Engine::in_memory(&content).expect("index");
    let run = |query: &str| search(&engine, &SearchRequest::new(query, Scope::Facilitator));
    let free = run("cmdb swarming");
    assert!(free.total > 0);
    assert_eq!(run("cmdb OR swarming").total, free.total);
    let both = run("cmdb AND swarming");
    assert!(both.total < free.total);
    assert_eq!(both.total, run("+cmdb +swarming").total);
    assert!(run("+cmdb swarming").total < free.total);

    let faar = run("faar");
    assert!(faar.total > 0);
    assert_eq!(faar.searched_for.as_deref(), Some("får"));

    assert_ne!(run("chan").did_you_mean.as_deref(), Some("than"));
    let red = run("rød").did_you_mean.unwrap_or_default();
    assert!(red.is_empty() || red.contains('ø'), "{red}");

    let styring = run("styring");
    assert!(!styring.hits.is_empty());
    // Also the lexicon's translation, "management", is marked.
    for hit in &styring.hits {
        let marked: Vec<&str> = hit
            .snippet
            .highlights
            .iter()
            .map(|r| &hit.snippet.text[r.clone()])
            .collect();
        assert!(
            marked.iter().any(|m| {
                let m = m.to_lowercase();
                m.contains("styring") || m.starts_with("manage")
            }),
            "{}: {marked:?} in {}",
            hit.slug,
            hit.snippet.text
        );
    }
}
