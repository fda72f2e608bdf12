//! The all-words tier: write-ups that contain every word of a query rank above those that
//! contain some (sorted by relevance, those with at least 0.3 of the best score), in one
//! pass that also filters, excludes, skips deleted write-ups and pages.

use erfa_index::{Mode, Scope, SearchRequest};

use crate::common::{rebuilt, search, slugs, update, write, writeup, writeup_dated};

/// Writes an English members' lesson.
fn members_lesson(root: &std::path::Path, rel: &str, title: &str, body: &str) {
    write(root, rel, &writeup(title, "lesson", "en", "members", body));
}

fn request(query: &str) -> SearchRequest {
    let mut request = SearchRequest::new(query, Scope::Members);
    request.per_page = 20;
    request
}

#[test]
fn write_ups_with_every_word_rank_first_through_filters_deletions_and_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let en = |rel: &str, title: &str, kind: &str, body: &str| {
        write(root, rel, &writeup(title, kind, "en", "members", body));
    };
    // One word in the title and a short text outscores each word once in a longer one.
    en("many-rollout.md", "Rollout", "lesson", "Rollout, rollout.");
    en("many-canary.md", "Canary", "lesson", "Canary, canary.");
    en(
        "both-a.md",
        "Note",
        "lesson",
        "A canary before the rollout, in a note on plans.",
    );
    en(
        "both-b.md",
        "Note",
        "mistake",
        "The rollout skipped the canary stage.",
    );
    en(
        "both-c.md",
        "Note",
        "lesson",
        "Rollout with a canary, then a pause.",
    );
    en("unrelated.md", "Note", "lesson", "Nothing to see here.");
    let (store, engine) = rebuilt(root);

    let ranked = search(&engine, &request("rollout canary"));
    let order = slugs(&ranked);
    assert_eq!(ranked.total, 5);
    let (first, second) = order.split_at(3);
    let mut first = first.to_vec();
    first.sort();
    assert_eq!(first, ["both-a", "both-b", "both-c"]);
    let mut second = second.to_vec();
    second.sort();
    assert_eq!(second, ["many-canary", "many-rollout"]);
    // Without the tier, BM25 alone puts a one-word write-up on top: the tier is what
    // ranks the others first.
    let best_partial = ranked.hits[3].score;
    assert!(
        ranked.hits[..3].iter().any(|h| h.score < best_partial),
        "every all-words hit outscores the partial ones; the test shows nothing: {:?}",
        ranked
            .hits
            .iter()
            .map(|h| (&h.slug, h.score))
            .collect::<Vec<_>>()
    );
    // Scores are the plain sum of the clauses' scores: the same in either tier.
    let mut untiered = engine.tuning();
    untiered.max_tier_clauses = 1;
    engine.set_tuning(untiered);
    let plain = search(&engine, &request("rollout canary"));
    assert_eq!(plain.total, 5);
    for hit in &ranked.hits {
        let same = plain.hits.iter().find(|h| h.slug == hit.slug).expect("hit");
        assert_eq!(same.score, hit.score, "{}", hit.slug);
    }
    assert_ne!(slugs(&plain), order);
    engine.set_tuning(erfa_index::Tuning::default());

    // Pages across the tier boundary join up to the same order.
    let mut paged = Vec::new();
    for page in 1..=3 {
        let mut r = request("rollout canary");
        r.per_page = 2;
        r.page = page;
        let results = search(&engine, &r);
        assert_eq!(results.total, 5);
        paged.extend(slugs(&results));
    }
    assert_eq!(paged, order);

    // Exclusions and filters apply to both tiers.
    let excluded = search(&engine, &request("rollout canary -pause"));
    assert_eq!(excluded.total, 4);
    assert!(!slugs(&excluded).contains(&"both-c".to_string()));
    let filtered = search(
        &engine,
        &request("rollout canary").filter("kind", "mistake"),
    );
    assert_eq!(slugs(&filtered), ["both-b"]);

    // A deleted write-up is gone from both tiers and from the count.
    std::fs::remove_file(root.join("both-a.md")).expect("remove");
    std::fs::remove_file(root.join("many-canary.md")).expect("remove");
    update(&store, root, Mode::Incremental);
    engine.reload().expect("reload");
    let after = search(&engine, &request("rollout canary"));
    assert_eq!(after.total, 3);
    assert_eq!(slugs(&after)[2], "many-rollout");
}

#[test]
fn every_word_only_in_passing_ranks_by_score_sorted_by_relevance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let dated = |rel: &str, title: &str, date: &str, body: &str| {
        write(
            root,
            rel,
            &writeup_dated(title, "lesson", "en", "members", body, date),
        );
    };
    let filler = "meetings coffee plans budgets holidays printers weather ".repeat(40);
    dated(
        "both.md",
        "Note",
        "2021-01-01",
        "A canary before the rollout, then a pause.",
    );
    dated(
        "passing.md",
        "Minutes",
        "2023-01-01",
        &format!("{filler} Someone said canary. {filler} Someone said rollout. {filler}"),
    );
    let (store, engine) = rebuilt(root);
    // The best match in a segment of its own: the share is of the best score of all.
    dated("rollout.md", "Rollout", "2024-01-01", "Rollout, rollout.");
    update(&store, root, Mode::Incremental);
    engine.reload().expect("reload");

    let ranked = search(&engine, &request("rollout canary"));
    let score = |slug: &str| {
        let hit = ranked.hits.iter().find(|h| h.slug == slug).expect("hit");
        hit.score
    };
    // The long page has both words, each once, far below the best match: it ranks by
    // its score, below the page with one of them; a page with both words and a fair
    // score still ranks first, above a better score with one word.
    assert!(score("passing") < 0.3 * score("rollout"), "{ranked:?}");
    // Against the best of its own segment alone, it would keep its place.
    assert!(score("passing") >= 0.3 * score("both"), "{ranked:?}");
    assert!(score("both") < score("rollout"), "{ranked:?}");
    assert!(score("both") >= 0.3 * score("rollout"), "{ranked:?}");
    assert_eq!(slugs(&ranked), ["both", "rollout", "passing"]);

    // Page by page, the same order.
    let mut paged = Vec::new();
    for page in 1..=3 {
        let mut r = request("rollout canary");
        r.per_page = 1;
        r.page = page;
        paged.extend(slugs(&search(&engine, &r)));
    }
    assert_eq!(paged, slugs(&ranked));

    // Sorted newest first, every write-up with both words comes first, the newest
    // write-up with one of them after them: a date says nothing about how much a page
    // is about the words.
    let mut newest = request("rollout canary");
    newest.sort = erfa_index::Sort::Newest;
    assert_eq!(
        slugs(&search(&engine, &newest)),
        ["passing", "both", "rollout"]
    );
}

#[test]
fn a_stop_word_neither_matches_tags_nor_takes_the_tier_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let en = |rel: &str, title: &str, body: &str| members_lesson(root, rel, title, body);
    en("many-rollout.md", "Rollout", "Rollout, rollout.");
    en(
        "both.md",
        "Note",
        "A canary before the rollout, in a long text about other \
        things entirely: meetings, coffee, plans, budgets, holidays and printers.",
    );
    let (_store, engine) = rebuilt(root);
    // "for" is a stop word in Danish and English: no write-up is tagged with it, so as a
    // clause of its own it would keep every write-up out of the "every word" tier.
    let plain = slugs(&search(&engine, &request("rollout canary")));
    assert_eq!(plain, ["both", "many-rollout"]);
    assert_eq!(
        slugs(&search(&engine, &request("rollout for canary"))),
        plain
    );
    assert_eq!(search(&engine, &request("for")).total, 0);
}

#[test]
fn a_query_of_more_than_three_words_has_no_tier() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let en = |rel: &str, title: &str, body: &str| members_lesson(root, rel, title, body);
    en(
        "two.md",
        "Rollout canary",
        "Rollout, canary. Rollout canary.",
    );
    en(
        "all.md",
        "Note",
        "A canary before the rollout, then a pause and a review, in a long text about \
         other things entirely: meetings, coffee, plans, budgets, holidays and printers.",
    );
    let (_store, engine) = rebuilt(root);
    assert_eq!(erfa_index::Tuning::default().max_tier_clauses, 3);
    let order = |query: &str| slugs(&search(&engine, &request(query)));
    let (three, four) = (
        order("rollout canary pause"),
        order("rollout canary pause review"),
    );
    let mut untiered = engine.tuning();
    untiered.max_tier_clauses = 1;
    engine.set_tuning(untiered);
    // BM25 alone puts the short write-up with two of the words first.
    assert_eq!(order("rollout canary pause"), ["two", "all"]);
    assert_eq!(order("rollout canary pause review"), four);
    engine.set_tuning(erfa_index::Tuning::default());
    // Three words: the write-up with all of them first; four read as a question.
    assert_eq!(three, ["all", "two"]);
    assert_eq!(four, ["two", "all"]);
}

/// Kinds and languages counted, the total, and each hit's slug and score.
type Found = (
    Vec<(String, u64)>,
    Vec<(String, u64)>,
    u64,
    Vec<(String, f32)>,
);

/// A facet with an active filter is counted without that filter, among the write-ups
/// the query's text matches: the same counts, order and scores whether the ranking pass
/// kept those write-ups (the tiered pass) or the text is evaluated again (the plain one),
/// and for one word the same order.
#[test]
fn a_filtered_facet_counts_the_same_with_and_without_the_tier() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let put = |rel: &str, kind: &str, language: &str, body: &str| {
        write(root, rel, &writeup("Note", kind, language, "members", body));
    };
    put("a.md", "lesson", "en", "The rollout used a canary.");
    put(
        "b.md",
        "mistake",
        "en",
        "The rollout skipped the canary stage.",
    );
    put("c.md", "mistake", "en", "A rollout without a pause.");
    put("d.md", "practice", "en", "Canary first, then a pause.");
    put("e.md", "practice", "da", "Udrulning med canary og rollout.");
    put("f.md", "lesson", "en", "Nothing of either word.");
    put(
        "g.md",
        "mistake",
        "en",
        "The canary and the rollout, both late.",
    );
    let (store, engine) = rebuilt(root);
    // A deleted write-up is in neither count.
    std::fs::remove_file(root.join("g.md")).expect("remove");
    crate::common::update(&store, root, erfa_index::Mode::Incremental);
    engine.reload().expect("reload");

    let facets = |query: &str, tiered: bool| -> Found {
        let mut tuning = erfa_index::Tuning::default();
        if !tiered {
            tuning.max_tier_clauses = 0;
            tuning.feedback = false;
        }
        engine.set_tuning(tuning);
        let results = search(
            &engine,
            &request(query)
                .filter("kind", "mistake")
                .filter("language", "en"),
        );
        engine.set_tuning(erfa_index::Tuning::default());
        let list = |name: &str| -> Vec<(String, u64)> {
            results.facets[name]
                .iter()
                .map(|v| (v.value.clone(), v.count))
                .collect()
        };
        let hits: Vec<(String, f32)> = results
            .hits
            .iter()
            .map(|h| (h.slug.clone(), h.score))
            .collect();
        (list("kind"), list("language"), results.total, hits)
    };
    let by_slug = |mut found: Found| {
        found.3.sort_by(|a, b| a.0.cmp(&b.0));
        found
    };
    for query in [
        "rollout canary",
        "rollout canary -pause",
        "\"the rollout\" canary",
        "rollout",
        "canary -pause",
    ] {
        // The tier orders several words differently; each hit's score is the same.
        let tiered = by_slug(facets(query, true));
        assert_eq!(tiered, by_slug(facets(query, false)), "{query}");
        assert!(!tiered.0.is_empty(), "{query}: kinds are counted");
    }
    for query in ["rollout", "canary -pause"] {
        assert_eq!(
            facets(query, true),
            facets(query, false),
            "{query}: order too"
        );
    }
    // Counted without the kind filter: every kind the text and the language filter leave.
    let (kinds, _, total, _) = facets("rollout canary", true);
    assert_eq!(total, 2, "b and c");
    let count = |kind: &str| kinds.iter().find(|(k, _)| k == kind).map(|(_, n)| *n);
    assert_eq!(count("mistake"), Some(2));
    assert_eq!(
        count("lesson"),
        Some(1),
        "a; f has neither word, g is deleted"
    );
    assert_eq!(count("practice"), Some(1), "d; e is Danish");
}
