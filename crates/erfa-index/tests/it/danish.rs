//! Danish and English analysis end to end: files on disk, the indexer, a search.

use erfa_index::{Engine, Scope, SearchRequest, Tuning};

use crate::common::{rebuilt, search, slugs, write, writeup};

fn engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let da = |slug: &str, title: &str, text: &str| {
        write(
            root,
            &format!("{slug}.md"),
            &writeup(
                title,
                "lesson",
                "da",
                "members",
                &format!("## Læring\n\n{text}\n"),
            ),
        );
    };
    da(
        "flere",
        "Vagtplanen",
        "Vi havde mange hændelser i weekenden.",
    );
    da(
        "bestemt",
        "Overvågning",
        "Hændelsen blev opdaget af en kunde.",
    );
    da("en", "Servicedesk", "En hændelse tager tid at lukke.");
    da("roed", "Farver", "Det røde lys betyder at noget er rød.");
    da("rod", "Oprydning", "Der var rod i konfigurationen.");
    let en = |slug: &str, title: &str, text: &str| {
        write(
            root,
            &format!("{slug}.md"),
            &writeup(
                title,
                "lesson",
                "en",
                "members",
                &format!("## Lesson learned\n\n{text}\n"),
            ),
        );
    };
    en("plural", "Weekend", "We had many incidents on Saturday.");
    en(
        "singular",
        "Monitoring",
        "A customer found the incident first.",
    );
    let (_, engine) = rebuilt(root);
    // Analysis in one language; the lexicon's translations are tested on their own.
    engine.set_tuning(Tuning {
        lexicon: false,
        ..Tuning::default()
    });
    (dir, engine)
}

#[test]
fn the_lexicon_finds_the_other_language_below_the_words_as_typed() {
    let (_dir, engine) = engine();
    engine.set_tuning(Tuning::default());
    let results = search(&engine, &SearchRequest::new("hændelser", Scope::Members));
    let slugs = slugs(&results);
    assert_eq!(slugs.len(), 5, "{slugs:?}");
    let english_from = slugs
        .iter()
        .position(|s| s == "plural" || s == "singular")
        .expect("the English write-ups are found");
    assert_eq!(english_from, 3, "Danish first: {slugs:?}");
}

#[test]
fn danish_stop_words_match_no_english_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "eastern.md",
        &writeup(
            "Deploy window",
            "lesson",
            "en",
            "members",
            "## Lesson learned\n\nDeploys start at 9 ET; under load I'm told the queue grows.\n",
        ),
    );
    write(
        root,
        "nedbrud.md",
        &writeup(
            "Nedbrud",
            "lesson",
            "da",
            "members",
            "## Læring\n\nEt nedbrud i weekenden.\n",
        ),
    );
    let (_, engine) = rebuilt(root);
    let found = |query: &str| {
        let mut s = slugs(&search(&engine, &SearchRequest::new(query, Scope::Members)));
        s.sort();
        s
    };
    // "et", "i" and "under" are Danish words here, not "ET", "I'm" or "under load".
    assert_eq!(found("et nedbrud i drift under"), ["nedbrud"]);
    engine.set_tuning(Tuning {
        language_aware: false,
        ..Tuning::default()
    });
    assert_eq!(found("et nedbrud i drift under"), ["eastern", "nedbrud"]);
}

fn found(engine: &Engine, query: &str) -> Vec<String> {
    let mut s = slugs(&search(engine, &SearchRequest::new(query, Scope::Members)));
    s.sort();
    s
}

#[test]
fn danish_inflections_find_each_other() {
    let (_dir, engine) = engine();
    for query in ["hændelser", "hændelsen", "hændelse", "HÆNDELSE"] {
        assert_eq!(
            found(&engine, query),
            ["bestemt", "en", "flere"],
            "query {query:?}"
        );
    }
}

#[test]
fn danish_letters_are_not_folded() {
    let (_dir, engine) = engine();
    assert_eq!(found(&engine, "rød"), ["roed"]);
    assert_eq!(found(&engine, "rod"), ["rod"]);
}

#[test]
fn english_plurals_find_singulars_and_back() {
    let (_dir, engine) = engine();
    assert_eq!(found(&engine, "incidents"), ["plural", "singular"]);
    assert_eq!(found(&engine, "incident"), ["plural", "singular"]);
}

#[test]
fn english_keyboard_spellings_never_fold_rød_into_rod() {
    let (_dir, engine) = engine();
    let results = search(&engine, &SearchRequest::new("roed", Scope::Members));
    assert_eq!(slugs(&results), ["roed"], "oe stands for ø as a fallback");
    assert_eq!(results.searched_for.as_deref(), Some("rød"));
    assert_eq!(found(&engine, "overvaagning"), ["bestemt"]);
    assert_eq!(found(&engine, "haendelse"), ["bestemt", "en", "flere"]);
    // Never the other way, and never for a word that finds something as typed.
    for (query, expected) in [("rod", ["rod"]), ("rød", ["roed"])] {
        let results = search(&engine, &SearchRequest::new(query, Scope::Members));
        assert_eq!(slugs(&results), expected, "{query}");
        assert_eq!(results.searched_for, None, "{query}");
    }
    // Corrections keep to the Danish letters: "rod" for "rodt", never "rødt"; "rød" for
    // "rdø", never "rod".
    for (query, meant) in [("rodt", "rod"), ("rdø", "rød"), ("rdo", "rod")] {
        let results = search(&engine, &SearchRequest::new(query, Scope::Members));
        assert_eq!(results.total, 0, "{query}");
        assert_eq!(results.did_you_mean.as_deref(), Some(meant), "{query}");
    }
}

#[test]
fn the_group_s_own_compound_parts_split_compounds_after_an_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "drift/laek.md",
        &writeup(
            "Serveren gik ned om natten",
            "lesson",
            "da",
            "members",
            "## Læring\n\nEn hukommelseslæk i produktionsdatabasen fyldte serveren.\n",
        ),
    );
    let (store, engine) = rebuilt(root);
    assert!(
        found(&engine, "læk").is_empty(),
        "the shipped parts do not know it"
    );
    assert_eq!(store.committed_compound_parts().expect("payload"), 0);

    write(root, "_compounds.yaml", "parts:\n  - hukommelse\n  - læk\n");
    let report = crate::common::update(&store, root, erfa_index::Mode::Incremental);
    assert_eq!(report.added, 1, "every write-up is indexed again: {report}");
    engine.reload().expect("reload");
    assert_eq!(found(&engine, "læk"), ["drift/laek"]);
    assert_eq!(found(&engine, "hukommelse"), ["drift/laek"]);
    assert_ne!(store.committed_compound_parts().expect("payload"), 0);

    // Nothing changed: nothing is indexed again.
    let report = crate::common::update(&store, root, erfa_index::Mode::Incremental);
    assert_eq!((report.added, report.unchanged), (0, 1), "{report}");

    // Without the list, the shipped parts alone again.
    std::fs::remove_file(root.join("_compounds.yaml")).expect("rm");
    crate::common::update(&store, root, erfa_index::Mode::Incremental);
    engine.reload().expect("reload");
    assert!(found(&engine, "læk").is_empty());
}

#[test]
fn an_acronym_is_a_word_where_its_lower_case_is_a_stop_word() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let doc = |slug: &str, title: &str, language: &str, text: &str| {
        write(
            root,
            &format!("{slug}.md"),
            &writeup(title, "lesson", language, "members", text),
        );
    };
    // "MED" is the works council of a Danish public workplace; "med" is "with".
    doc(
        "udvalg",
        "Samarbejde",
        "da",
        "## Læring\n\nMED-udvalget godkendte planen for vagter.\n",
    );
    doc(
        "sammen",
        "Planlægning",
        "da",
        "## Læring\n\nVi arbejdede med planen for vagter. Med tiden gik det.\n",
    );
    doc(
        "team",
        "Ownership",
        "en",
        "## Lesson learned\n\nThe IT team owns the change calendar.\n",
    );
    doc(
        "owner",
        "Calendar",
        "en",
        "## Lesson learned\n\nIt is owned by the team that runs the change calendar.\n",
    );
    let (_, engine) = rebuilt(root);
    assert_eq!(found(&engine, "MED-udvalg"), ["udvalg"]);
    assert_eq!(found(&engine, "MED"), ["udvalg"]);
    assert_eq!(found(&engine, "IT"), ["team"]);
    // In lower case they are stop words, and a query typed with caps lock reads as lower
    // case.
    assert!(found(&engine, "med").is_empty());
    assert_eq!(found(&engine, "med planen"), ["sammen", "udvalg"]);
    assert_eq!(found(&engine, "IT IS OWNED BY THE TEAM"), ["owner", "team"]);
}

/// An engine over members' lessons, each `(slug, title, language, text)` with `text`
/// under its language's lesson heading ("da" or "en"); the folder lives as long as the
/// returned guard.
fn lessons(items: &[(&str, &str, &str, &str)]) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (slug, title, language, text) in items {
        let heading = if *language == "da" {
            "Læring"
        } else {
            "Lesson learned"
        };
        write(
            dir.path(),
            &format!("{slug}.md"),
            &writeup(
                title,
                "lesson",
                language,
                "members",
                &format!("## {heading}\n\n{text}\n"),
            ),
        );
    }
    let (_, engine) = rebuilt(dir.path());
    (dir, engine)
}

#[test]
fn a_hyphenated_danish_word_finds_its_parts_apart_and_in_english() {
    let (_dir, engine) = lessons(&[
        (
            "opslag",
            "Navneopslag",
            "da",
            "Der var fejl i opslagene i DNS hele formiddagen.",
        ),
        (
            "lookups",
            "Name resolution",
            "en",
            "After the change every DNS lookup returned an error for an hour.",
        ),
        (
            "records",
            "Records",
            "en",
            "The DNS records were right all along.",
        ),
        ("script", "Deploys", "en", "An error in the deploy script."),
        (
            "texts",
            "Notifications",
            "en",
            "Our SMS vendor was down for a day.",
        ),
    ]);

    // Neither write-up has the word as typed; each has its parts, the English one in
    // English.
    assert_eq!(found(&engine, "dns-fejl"), ["lookups", "opslag"]);
    // An abbreviation is English as typed, beside the lexicon's "text message".
    assert_eq!(found(&engine, "sms-leverandøren"), ["texts"]);
    engine.set_tuning(Tuning {
        compounds: false,
        ..Tuning::default()
    });
    assert!(
        found(&engine, "dns-fejl").is_empty(),
        "the parts are what finds them"
    );
}

#[test]
fn a_hyphenated_words_parts_weigh_as_a_phrases_words_apart() {
    let (_dir, engine) = lessons(&[
        (
            "texts",
            "Notifications",
            "en",
            "Our SMS vendor was down for a day.",
        ),
        (
            "alerts",
            "Paging",
            "en",
            "Every alert paged the whole team at night, so we cut the rules to the few that matter.",
        ),
        (
            "other",
            "Dashboards",
            "en",
            "The dashboards were slow all week.",
        ),
    ]);

    // No write-up has every word. The one with both typed parts of the hyphenated word
    // answers more of the query than the one with the other word's translation.
    let ranked = slugs(&search(
        &engine,
        &SearchRequest::new("sms-leverandør alarmer", Scope::Members),
    ));
    assert_eq!(ranked, ["texts", "alerts"]);
}

#[test]
fn everyday_danish_words_find_english_write_ups() {
    let (_dir, engine) = lessons(&[
        (
            "wallet",
            "Hot wallet",
            "en",
            "Cryptocurrency worth millions was stolen from the hot wallet.",
        ),
        (
            "units",
            "Units",
            "en",
            "Two teams used different units of measurement, and the probe was lost.",
        ),
        (
            "sdk",
            "The SDK release",
            "en",
            "The customer's website collapsed after the SDK update. We rolled it back.",
        ),
        (
            "same",
            "Same config",
            "en",
            "Every server had the same config.",
        ),
    ]);

    assert_eq!(found(&engine, "stjålet kryptovaluta"), ["wallet"]);
    assert_eq!(found(&engine, "forskellige måleenheder"), ["units"]);
    // "sammen" shares its stem with "samme" (the same), so no pair may have "samme":
    // "brød sammen" is "collapsed", not "broke" and "same".
    let results = search(
        &engine,
        &SearchRequest::new("hjemmeside brød sammen", Scope::Members),
    );
    assert_eq!(slugs(&results), ["sdk"]);
    assert!(
        !results.expanded.iter().any(|t| t == "same"),
        "{:?}",
        results.expanded
    );
}

#[test]
fn a_danish_form_of_an_english_noun_finds_the_english_word() {
    let (_dir, engine) = lessons(&[
        (
            "restarts",
            "Restarts",
            "en",
            "The pod restarted every minute until we raised its memory limit.",
        ),
        ("tags", "Labels", "en", "Every tag on the bucket was wrong."),
        (
            "backup",
            "Sikkerhedskopi",
            "da",
            "Driften tager backup hver nat.",
        ),
    ]);

    assert_eq!(found(&engine, "podden"), ["restarts"]);
    // "tager" is a Danish word the Danish write-ups have, not "tag".
    assert_eq!(found(&engine, "tager"), ["backup"]);
    engine.set_tuning(Tuning {
        lexicon: false,
        ..Tuning::default()
    });
    assert!(found(&engine, "podden").is_empty());
}
