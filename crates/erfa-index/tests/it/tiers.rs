//! The all-words tier: write-ups that contain every word of a query rank above those that
//! contain some, in one pass that also filters, excludes, skips deleted write-ups and
//! pages.

use erfa_index::{Mode, Scope, SearchRequest};

use crate::common::{rebuilt, search, slugs, update, write, writeup};

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
    // One word in the title and a short text outscores each word once in a long one.
    en("many-rollout.md", "Rollout", "lesson", "Rollout, rollout.");
    en("many-canary.md", "Canary", "lesson", "Canary, canary.");
    en(
        "both-a.md",
        "Note",
        "lesson",
        "A canary before the rollout, in a long text about other things entirely: \
         meetings, coffee, plans, budgets, holidays, printers and the weather.",
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
