//! Scopes cannot leak: anonymous answers are byte-identical whether or not members-only
//! write-ups exist, and members' answers are byte-identical whether or not drafts,
//! submissions under review and archived write-ups exist — hits, totals, facets,
//! snippets, scores, typo expansion, suggestions, related write-ups and "did you mean".

use std::path::Path;

use erfa_index::related::Draft;
use erfa_index::vocab::Language;
use erfa_index::{Engine, Mode, Scope, SearchRequest, Store};

use crate::common::{update, write};
use crate::incremental::Rng;

const CANARIES: usize = 200;

fn canary(n: usize) -> String {
    format!("zqxcanary{n}")
}

const EN: &[&str] = &[
    "change",
    "freeze",
    "incident",
    "backlog",
    "cab",
    "outage",
    "monitoring",
    "service",
    "desk",
    "problem",
    "release",
    "rollback",
    "weekend",
    "supplier",
    "contract",
    "approval",
];
const DA: &[&str] = &[
    "hændelse",
    "hændelser",
    "ændring",
    "frys",
    "nedbrud",
    "overvågning",
    "leverandør",
    "kontrakt",
    "vagt",
    "proces",
    "godkendelse",
    "servicedesk",
    "udrulning",
];
const TAGS: &[&str] = &["cab", "governance", "itsm", "cmdb", "on-call"];

/// The shared fixture: 60 write-ups, public, members-only and drafts, in both languages.
fn fixture(root: &Path) {
    let mut r = Rng::new(60);
    for i in 0..60 {
        let danish = i % 2 == 0;
        let words = if danish { DA } else { EN };
        let visibility = if i % 3 == 0 { "members" } else { "public" };
        let status = if i % 10 == 7 { "draft" } else { "published" };
        let kind = ["lesson", "mistake", "practice"][i % 3];
        let (lesson, mistake) = if danish {
            ("Læring", "Fejl at undgå")
        } else {
            ("Lesson learned", "Mistake to avoid")
        };
        let (title, summary, tag) = (r.words(words, 3), r.words(words, 8), r.pick(TAGS));
        let (a, b, c) = (r.words(words, 20), r.words(words, 15), r.words(words, 12));
        write(
            root,
            &format!("{}/doc-{i}.md", ["change", "incident", "drift"][i % 3]),
            &format!(
                "---\ntitle: \"{title}\"\nsummary: \"{summary}\"\nkind: {kind}\nlanguage: {}\ndate: 20{}-0{}-1{}\ntags: [{tag}]\ntools: [TOPdesk]\nsector: public\nvisibility: {visibility}\nstatus: {status}\n---\n## Problem\n\n{a}.\n\n## {lesson}\n\n{b}.\n\n## {mistake}\n\n{c}.\n",
                if danish { "da" } else { "en" },
                18 + i % 6,
                1 + i % 9,
                i % 10,
            ),
        );
    }
}

/// 200 members-only write-ups, each with its canary in title, tags, organisation and body;
/// some also use the fixture's words.
fn canaries(root: &Path) {
    let mut r = Rng::new(200);
    for n in 0..CANARIES {
        let c = canary(n);
        let common = if n % 4 == 0 {
            r.words(EN, 10)
        } else {
            String::new()
        };
        let danish = if n % 5 == 0 {
            r.words(DA, 10)
        } else {
            String::new()
        };
        write(
            root,
            &format!("secret/canary-{n}.md"),
            &format!(
                "---\ntitle: \"{c} {common}\"\nkind: mistake\nlanguage: en\ndate: 2023-02-0{}\ntags: [{c}, cab]\norganisation: \"{c} Kommune\"\nsector: private\nmeeting: 2023-Q{}\n---\n## Mistake to avoid\n\n{c} {common} {danish}.\n",
                1 + n % 9,
                1 + n % 4,
            ),
        );
    }
}

/// 50 write-ups members may not read: drafts, submissions under review and archived
/// ones, public and members-only, each with a canary of its own and the fixture's words
/// (so they would shift scores, typo expansion and "did you mean" if they counted).
fn unpublished(root: &Path) {
    let mut r = Rng::new(50);
    for n in 0..UNPUBLISHED {
        let c = canary(1000 + n);
        let status = ["draft", "review", "archived"][n % 3];
        let folder = if status == "review" {
            "submissions"
        } else {
            "drafts"
        };
        let visibility = if n % 2 == 0 { "public" } else { "members" };
        let (common, danish) = (r.words(EN, 12), r.words(DA, 8));
        write(
            root,
            &format!("{folder}/unpublished-{n}.md"),
            &format!(
                "---\ntitle: \"{c} {common}\"\nkind: lesson\nlanguage: en\ndate: 2021-05-0{}\ntags: [{c}, cab, governance]\ntools: [{c}]\nsector: public\nmeeting: 2021-Q{}\nvisibility: {visibility}\nstatus: {status}\n---\n## Lesson learned\n\n{c} {common} {danish} chnage monitorng.\n",
                1 + n % 9,
                1 + n % 4,
            ),
        );
    }
}

const UNPUBLISHED: usize = 50;

/// A data folder built from `content`, on disk.
fn built(dir: &Path, with_canaries: bool) -> Engine {
    built_with(
        dir,
        if with_canaries {
            canaries
        } else {
            |_: &Path| {}
        },
    )
}

/// A data folder of the fixture and what `extra` adds.
fn built_with(dir: &Path, extra: fn(&Path)) -> Engine {
    let content = dir.join("content");
    fixture(&content);
    extra(&content);
    let (store, _) = Store::open(&dir.join("data")).expect("open");
    let report = update(&store, &content, Mode::Incremental);
    assert_eq!(report.errors, 0, "{:?}", report.diagnostics);
    let engine = Engine::new(&store).expect("engine");
    engine.reload().expect("reload");
    engine
}

fn requests(scope: Scope) -> Vec<SearchRequest> {
    let mut queries: Vec<String> = (0..CANARIES).map(canary).collect();
    queries.extend((1000..1000 + UNPUBLISHED).map(canary));
    queries.extend(
        [
            "",
            "change",
            "cab",
            "hændelse",
            "hændelser frys",
            "change freeze incident",
            "\"change freeze\"",
            "cab -change",
            "incident OR nedbrud",
            "kind:mistake",
            "tags:cab",
            "year:2019..2021",
            "section:mistake rollback",
            "zqxcanary",
            "zqxcanar",
            "zqxcanary1 cab",
            "chnage",
            "hændelsr",
            "overvagning",
            "supplier contract approval",
            "kommune",
            "2023-Q1",
            "meeting:2023-Q1",
            "sector:private",
            "\"",
            "((((",
            "monitorng",
            "chnage cab",
            "governance",
            "2021-Q2",
            "+cab AND change",
            "change AND zqxcanary1",
            "+hændelse OR incident",
            "overvaagning",
            "leverandoer -cab",
            "haendelse kind:mistake",
            "chan",
            "chang",
            "servic",
            "leverandr",
            "zqxcanaryx",
            "proces OR frys",
            // Questions: their first hits are reranked by words their best hits share.
            "change freeze incident supplier approval",
            "hvordan håndterer vi hændelser og frys ved ændringer",
            "zqxcanary1 change cab incident review",
        ]
        .map(String::from),
    );
    let mut out: Vec<SearchRequest> = queries
        .iter()
        .map(|q| SearchRequest::new(q.as_str(), scope))
        .collect();
    for (field, value) in [
        ("tags", "cab"),
        ("kind", "mistake"),
        ("year", "2023"),
        ("sector", "private"),
        ("tools", "TOPdesk"),
        ("language", "en"),
        ("tags", "governance"),
        ("meeting", "2021-Q2"),
        ("tools", "zqxcanary1001"),
    ] {
        out.push(SearchRequest::new("", scope).filter(field, value));
        out.push(SearchRequest::new("cab", scope).filter(field, value));
    }
    let mut second_page = SearchRequest::new("", scope);
    second_page.page = 2;
    out.push(second_page);
    out
}

/// Everything an anonymous viewer can ask for, as text.
fn public_answers(engine: &Engine) -> Vec<String> {
    answers(engine, Scope::Public)
}

/// Everything a viewer of `scope` can ask for, as text.
fn answers(engine: &Engine, scope: Scope) -> Vec<String> {
    let mut out: Vec<String> = requests(scope)
        .iter()
        .map(|request| {
            let results = engine.search(request).expect("search");
            format!(
                "{:?}: {}",
                request.query,
                serde_json::to_string(&results).expect("json")
            )
        })
        .collect();
    for prefix in ["c", "ca", "cab", "zqx", "zqxcanary1", "hæn", "ch"] {
        let s = engine.suggest(prefix, scope, 10).expect("suggest");
        out.push(format!(
            "suggest {prefix:?}: {}",
            serde_json::to_string(&s).expect("json")
        ));
    }
    let draft = Draft {
        title: "zqxcanary5 cab change".into(),
        body: "zqxcanary7 freeze incident weekend".into(),
        language: Language::En,
        ..Draft::default()
    };
    let similar = engine.similar(&draft, scope, 5).expect("similar");
    out.push(format!(
        "similar: {}",
        serde_json::to_string(&similar).expect("json")
    ));
    out
}

#[test]
fn public_answers_are_the_same_with_or_without_members_only_write_ups() {
    let (with, without) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let leaky = built(with.path(), true);
    let clean = built(without.path(), false);
    let (a, b) = (public_answers(&leaky), public_answers(&clean));
    assert!(a.len() >= 200, "{} probes", a.len());
    for (a, b) in a.iter().zip(&b) {
        assert_eq!(a, b, "a public answer depends on members-only write-ups");
        // The query itself may name a canary; the answer must not.
        let answer = a.split_once(": ").expect("labelled").1;
        let answer = answer.replacen(&format!("\"query\":{}", query_json(a)), "", 1);
        assert!(
            !answer.contains("zqxcanary"),
            "a canary reached a public answer: {a}"
        );
    }
}

/// More-like-this on a public write-up, asked of both data folders.
fn public_related(engine: &Engine) -> Vec<String> {
    related(engine, Scope::Public)
}

/// More-like-this on write-ups of `scope` and on ones it may not read.
fn related(engine: &Engine, scope: Scope) -> Vec<String> {
    [
        "change/doc-3",
        "incident/doc-1",
        "drift/doc-2",
        "secret/canary-1",
        "drafts/unpublished-0",
        "submissions/unpublished-1",
    ]
    .iter()
    .map(|slug| {
        let related = engine.related(slug, scope, 5).expect("related");
        format!(
            "related {slug}: {}",
            serde_json::to_string(&related).expect("json")
        )
    })
    .collect()
}

#[test]
fn public_related_write_ups_are_the_same_with_or_without_members_only_write_ups() {
    let (with, without) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let (leaky, clean) = (built(with.path(), true), built(without.path(), false));
    assert_eq!(public_related(&leaky), public_related(&clean));
}

#[test]
fn members_answers_are_the_same_with_or_without_unpublished_write_ups() {
    let (with, without) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let leaky = built_with(with.path(), unpublished);
    let clean = built_with(without.path(), |_: &Path| {});
    let (a, b) = (
        answers(&leaky, Scope::Members),
        answers(&clean, Scope::Members),
    );
    assert!(a.len() >= 250, "{} probes", a.len());
    for (a, b) in a.iter().zip(&b) {
        assert_eq!(a, b, "a member's answer depends on unpublished write-ups");
        let answer = a.split_once(": ").expect("labelled").1;
        let answer = answer.replacen(&format!("\"query\":{}", query_json(a)), "", 1);
        assert!(
            !answer.contains("zqxcanary"),
            "an unpublished canary reached a member: {a}"
        );
    }
    assert_eq!(
        related(&leaky, Scope::Members),
        related(&clean, Scope::Members)
    );
    // The facilitator does see them.
    let all = leaky
        .search(&SearchRequest::new("zqxcanary1003", Scope::Facilitator))
        .expect("search");
    assert_eq!(
        all.hits.first().map(|h| h.slug.as_str()),
        Some("drafts/unpublished-3")
    );
}

#[test]
fn members_find_every_canary_and_public_reads_by_slug_see_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = built(dir.path(), true);
    for n in 0..CANARIES {
        let c = canary(n);
        let results = engine
            .search(&SearchRequest::new(c.as_str(), Scope::Members))
            .expect("search");
        let slug = format!("secret/canary-{n}");
        assert_eq!(
            results.hits.first().map(|h| h.slug.as_str()),
            Some(slug.as_str()),
            "{c}"
        );
        assert!(engine.get(&slug, Scope::Members).expect("get").is_some());
        assert_eq!(engine.get(&slug, Scope::Public).expect("get"), None);
    }
    assert_eq!(
        engine
            .get("secret/no-such-write-up", Scope::Public)
            .expect("get"),
        None
    );
    // A draft is nobody's but the facilitator's; a public write-up is everyone's.
    assert_eq!(
        engine.get("incident/doc-7", Scope::Members).expect("get"),
        None
    );
    assert!(
        engine
            .get("incident/doc-7", Scope::Facilitator)
            .expect("get")
            .is_some()
    );
    assert!(
        engine
            .get("incident/doc-1", Scope::Public)
            .expect("get")
            .is_some()
    );
}

/// The `"query"` value of a labelled search answer, as JSON, to cut it from the answer.
fn query_json(labelled: &str) -> String {
    labelled
        .split_once(": ")
        .and_then(|(label, _)| label.strip_prefix('"').and_then(|l| l.strip_suffix('"')))
        .map(|q| serde_json::to_string(q).expect("json"))
        .unwrap_or_default()
}
