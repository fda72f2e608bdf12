//! Search while typing and honest corrections (issue 17): the last word as a prefix,
//! typo corrections and glossary terms named in the results, all from the scope's own
//! vocabulary.

use erfa_index::{Scope, SearchRequest};

use crate::common::{rebuilt, search, slugs, write, writeup};

fn content(root: &std::path::Path) {
    write(
        root,
        "change.md",
        &writeup(
            "Copied CAB",
            "mistake",
            "en",
            "public",
            "## Problem\n\nThe change advisory board met weekly about every incident.",
        ),
    );
    write(
        root,
        "secret.md",
        &writeup(
            "Members only",
            "lesson",
            "en",
            "members",
            "## Problem\n\nThe chargeback model confused everyone.",
        ),
    );
    write(
        root,
        "draft.md",
        "---\ntitle: Draft\nkind: lesson\nlanguage: en\ndate: 2022-03-10\nvisibility: members\nstatus: draft\n---\n## Problem\n\nThe chameleonic rollout.\n",
    );
    write(
        root,
        "_glossary.yaml",
        "pairs:\n  - da: hændelse\n    en: incident\n",
    );
}

fn typing(q: &str, scope: Scope) -> SearchRequest {
    let mut r = SearchRequest::new(q, scope);
    r.prefix_last = true;
    r
}

#[test]
fn the_last_word_typed_matches_as_a_prefix_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    content(dir.path());
    let (_store, engine) = rebuilt(dir.path());
    assert_eq!(
        search(&engine, &SearchRequest::new("cha", Scope::Members)).total,
        0
    );
    let mut found = slugs(&search(&engine, &typing("cha", Scope::Members)));
    found.sort();
    assert_eq!(found, ["change", "secret"]);
    let board = search(&engine, &typing("boa", Scope::Members));
    let snippet = &board.hits[0].snippet;
    assert_eq!(
        snippet
            .highlights
            .iter()
            .map(|r| &snippet.text[r.clone()])
            .collect::<Vec<_>>(),
        ["board"]
    );
    // A word followed by a space is complete.
    assert_eq!(search(&engine, &typing("cha ", Scope::Members)).total, 0);
    // Only the last word is a prefix.
    assert_eq!(
        search(&engine, &typing("cha board", Scope::Members)).total,
        1
    );
}

#[test]
fn completions_come_only_from_what_the_scope_may_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    content(dir.path());
    let (_store, engine) = rebuilt(dir.path());
    // The public never completes a members-only word.
    assert_eq!(
        slugs(&search(&engine, &typing("cha", Scope::Public))),
        ["change"]
    );
    assert_eq!(search(&engine, &typing("chargeb", Scope::Public)).total, 0);
    // Members never complete a word found only in a draft.
    assert_eq!(
        search(&engine, &typing("chameleo", Scope::Members)).total,
        0
    );
    assert_eq!(
        search(&engine, &typing("chameleo", Scope::Facilitator)).total,
        1
    );
}

#[test]
fn a_corrected_query_names_what_was_typed_and_can_be_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    content(dir.path());
    let (_store, engine) = rebuilt(dir.path());
    let corrected = search(&engine, &SearchRequest::new("incidnet", Scope::Public));
    assert_eq!(corrected.total, 1);
    assert_eq!(corrected.searched_for.as_deref(), Some("incident"));
    assert_eq!(corrected.corrected_from.as_deref(), Some("incidnet"));
    let mut literal = SearchRequest::new("incidnet", Scope::Public);
    literal.literal = true;
    let literal = search(&engine, &literal);
    assert_eq!(literal.total, 0);
    assert_eq!(literal.corrected_from, None);
    assert_eq!(literal.did_you_mean.as_deref(), Some("incident"));
    // A word that exists is never "corrected".
    let exact = search(&engine, &SearchRequest::new("incident", Scope::Public));
    assert_eq!((exact.searched_for, exact.corrected_from), (None, None));
    // A members-only word is no correction for the public.
    let public = search(&engine, &SearchRequest::new("chargebak", Scope::Public));
    assert_eq!((public.total, public.corrected_from), (0, None));
}

#[test]
fn glossary_terms_searched_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    content(dir.path());
    let (_store, engine) = rebuilt(dir.path());
    engine.set_glossary(&erfa_index::glossary::Glossary::load(dir.path()).glossary);
    let results = search(&engine, &SearchRequest::new("hændelse", Scope::Public));
    assert_eq!(slugs(&results), ["change"]);
    assert_eq!(results.expanded, ["incident"]);
    assert_eq!(results.corrected_from, None);
    let results = search(&engine, &SearchRequest::new("incident", Scope::Public));
    assert_eq!(results.expanded, ["hændelse"]);
}
