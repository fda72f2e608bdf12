//! Issue 17: search as members expect it over HTTP: values outside closed lists refused
//! with the value meant, corrections and glossary terms in the JSON, the last word as a
//! prefix, open-list hints only from what the viewer may read, and a page past the last.

use erfa_accounts::TokenKind;
use erfa_index::Scope;

use crate::auth::{get_as, get_bearer, owned, site};
use crate::support::{get, sample, sample_app_for, sample_app_with_glossary};

#[tokio::test]
async fn values_outside_a_closed_list_are_refused_with_the_value_meant() {
    let app = sample_app_for(Scope::Members);
    for (query, meant) in [
        ("kind=mistke", Some("mistake")),
        ("language=dansk", Some("da")),
        ("language=fr", None),
        ("sector=publik", Some("public")),
        ("org_size=100", Some("50-250")),
        ("practices=incident-managment", Some("incident-management")),
        ("practices=change-management", Some("change-enablement")),
        ("confidence=validatd", Some("validated")),
        ("section=mistakes", Some("mistake")),
        ("sort=new", Some("newest")),
        ("prefix=first", None),
    ] {
        let api = get(&app.router, &format!("/api/search?{query}")).await;
        assert_eq!(api.status, 400, "{query}");
        let error = &api.json()["error"];
        assert_eq!(error["code"], "bad_parameter", "{query}");
        let message = error["message"].as_str().expect("a message");
        let name = query.split('=').next().expect("a name");
        assert!(
            message.starts_with(&format!("{name}: unknown value")),
            "{message}"
        );
        match meant {
            Some(v) => assert!(
                message.contains(&format!("did you mean `{v}`?")),
                "{message}"
            ),
            None => assert!(!message.contains("did you mean"), "{message}"),
        }
        // The page says the same.
        let page = get(&app.router, &format!("/?{query}")).await;
        assert_eq!(page.status, 400, "{query}");
        assert!(page.text().contains(message), "{query}: {}", page.text());
        // The page offers the search with the value meant.
        if let Some(v) = meant {
            let expected = format!(
                "={}\">Search with the values meant</a>",
                v.replace('+', "%2B")
            );
            assert!(page.text().contains(&expected), "{query}: {}", page.text());
        }
    }
    // Open lists take any value.
    assert_eq!(
        get(&app.router, "/api/search?tags=nothing-like-it")
            .await
            .status,
        200
    );
    assert_eq!(
        get(&app.router, "/api/search?kind=mistake&kind=")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn corrections_glossary_terms_and_prefixes_are_in_the_json() {
    let app = sample_app_with_glossary(
        Scope::Members,
        "pairs:\n  - da: hændelse\n    en: incident\n",
    );
    let corrected = get(&app.router, "/api/search?q=swarmnig").await.json();
    assert_eq!(corrected["searched_for"], "swarming");
    assert_eq!(corrected["corrected_from"], "swarmnig");
    assert!(corrected["total"].as_u64() > Some(0));
    let literal = get(&app.router, "/api/search?q=swarmnig&literal=1")
        .await
        .json();
    assert_eq!(literal["total"], 0);
    assert!(literal.get("corrected_from").is_none());
    let expanded = get(&app.router, "/api/search?q=h%C3%A6ndelse").await.json();
    assert_eq!(expanded["expanded"], serde_json::json!(["incident"]));
    let plain = get(&app.router, "/api/search?q=cab").await.json();
    assert!(plain.get("expanded").is_none() && plain.get("corrected_from").is_none());
    assert_eq!(
        get(&app.router, "/api/search?q=swa").await.json()["total"],
        0
    );
    let typing = get(&app.router, "/api/search?q=swa&prefix=last")
        .await
        .json();
    assert_eq!(typing["hits"][0]["slug"], "incident/swarming");
    // The page says it too, with the link that searches the words as typed.
    let page = get(&app.router, "/?q=swarmnig").await.text();
    assert!(page.contains("Showing results for <strong>swarming</strong> — search instead for <a href=\"/?q=swarmnig&#38;literal=1\">swarmnig</a>"), "{page}");
    let page = get(&app.router, "/?q=h%C3%A6ndelse").await.text();
    assert!(
        page.contains("Also searched: <span class=\"expanded-terms\">incident</span>"),
        "{page}"
    );
}

#[tokio::test]
async fn a_page_past_the_last_offers_the_last() {
    let app = sample_app_for(Scope::Members);
    let page = get(&app.router, "/?q=cab&page=99").await;
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(
        text.contains("There is only one page of results."),
        "{text}"
    );
    assert!(
        text.contains("<a href=\"/?q=cab\">Go to page 1</a>"),
        "{text}"
    );
    assert!(!text.contains("No write-ups match"), "{text}");
}

/// Open lists (tags, tools, meetings) take any value; a value nobody may read is named,
/// with the closest value the viewer may read, never one only others may read.
#[tokio::test]
async fn open_list_hints_come_only_from_what_the_viewer_may_read() {
    let mut files = owned(sample());
    files.push((
        "zz/members-only.md".to_string(),
        "---\ntitle: Members only\nkind: lesson\nlanguage: en\ndate: 2024-02-01\nvisibility: members\ntags: [zqxsecrettag]\ntools: [zqxsecrettool]\n---\n## Lesson learned\n\nKept inside.\n".to_string(),
    ));
    let site = site(&files, true);
    let token = site
        .accounts
        .create_token(&site.accounts.require("mia").expect("mia"), TokenKind::Api)
        .expect("token");
    let anonymous = get_as(&site.router, "/?tags=zqxsecretta", None).await;
    assert_eq!(anonymous.status, 200);
    let text = anonymous.text();
    assert!(
        text.contains("No write-up you may read has tags “zqxsecretta”."),
        "{text}"
    );
    assert!(
        !text.contains("zqxsecrettag"),
        "the public never hears of a members-only tag"
    );
    let anonymous = get_as(&site.router, "/?tools=zqxsecrettoo", None)
        .await
        .text();
    assert!(!anonymous.contains("zqxsecrettool"));
    let member = get_bearer(&site.router, "/?tags=zqxsecretta", &token)
        .await
        .text();
    assert!(member.contains("<strong>zqxsecrettag</strong>"), "{member}");
    // A public value is offered to everyone.
    let anonymous = get_as(&site.router, "/?tags=governanse", None).await.text();
    assert!(
        anonymous.contains("<strong>governance</strong>"),
        "{anonymous}"
    );
}

/// Completing the last word reads the viewer's own vocabulary: the public never
/// completes a members-only word.
#[tokio::test]
async fn the_last_word_is_completed_only_from_what_the_viewer_may_read() {
    let mut files = owned(sample());
    files.push((
        "zz/members-only.md".to_string(),
        "---\ntitle: Members only\nkind: lesson\nlanguage: en\ndate: 2024-02-01\nvisibility: members\n---\n## Lesson learned\n\nThe zqxmemcanary stays inside.\n".to_string(),
    ));
    let site = site(&files, true);
    let token = site
        .accounts
        .create_token(&site.accounts.require("mia").expect("mia"), TokenKind::Api)
        .expect("token");
    let uri = "/api/search?q=zqxmem&prefix=last";
    let anonymous = get_as(&site.router, uri, None).await;
    assert_eq!(anonymous.json()["total"], 0);
    assert!(!anonymous.text().contains("zqxmemcanary"));
    assert_eq!(
        get_bearer(&site.router, uri, &token).await.json()["total"],
        1
    );
    let page = get_as(&site.router, "/?q=zqxmem&prefix=last", None)
        .await
        .text();
    assert!(!page.contains("zqxmemcanary"));
}

/// A tag is shown by its most common spelling among what the viewer may read; any
/// spelling filters; suggestions name the tag and the value to filter by.
#[tokio::test]
async fn tags_show_the_spelling_most_used_in_what_the_viewer_reads() {
    let mut files = owned(sample());
    for (i, (visibility, tag)) in [
        ("public", "IT Asset Register"),
        ("public", "IT Asset Register"),
        ("public", "it-asset-register"),
        ("members", "it asset register"),
        ("members", "it asset register"),
        ("members", "it asset register"),
    ]
    .iter()
    .enumerate()
    {
        files.push((
            format!("zz/tag-{i}.md"),
            format!(
                "---\ntitle: Tagged {i}\nkind: lesson\nlanguage: en\ndate: 2024-02-01\nvisibility: {visibility}\ntags: [{tag}]\n---\n## Lesson learned\n\nRegisters.\n"
            ),
        ));
    }
    let site = site(&files, true);
    let token = site
        .accounts
        .create_token(&site.accounts.require("mia").expect("mia"), TokenKind::Api)
        .expect("token");
    let anonymous = get_as(&site.router, "/?q=registers", None).await.text();
    assert!(anonymous.contains("<span class=\"facet-label\">IT Asset Register</span><span class=\"facet-count\">3</span>"), "{anonymous}");
    let member = get_bearer(&site.router, "/?q=registers", &token)
        .await
        .text();
    assert!(member.contains("<span class=\"facet-label\">it asset register</span><span class=\"facet-count\">6</span>"), "{member}");
    // Any spelling filters, and the chip names the label.
    let filtered = get_as(&site.router, "/?tags=IT+asset+REGISTER", None)
        .await
        .text();
    assert!(
        filtered.contains("Showing 1–3 of 3 write-ups"),
        "{filtered}"
    );
    assert!(filtered.contains("Tags: IT Asset Register"), "{filtered}");
    let api = get_as(&site.router, "/api/search?tags=it-asset-register", None)
        .await
        .json();
    assert_eq!(api["total"], 3);
    let suggest = get_as(&site.router, "/api/suggest?q=it+ass", None)
        .await
        .json();
    let tag = suggest["suggestions"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| s["kind"] == "tag")
        .cloned()
        .expect("a tag");
    assert_eq!(tag["text"], "IT Asset Register");
    assert_eq!(tag["value"], "it-asset-register");
}

/// Facets list their top eight values and keep the rest behind "Show N more"; years and
/// meetings are in their own order, newest first.
#[tokio::test]
async fn facets_show_eight_values_and_years_by_year() {
    let mut files = owned(sample());
    for i in 0..11 {
        files.push((
            format!("zz/many-{i}.md"),
            format!(
                "---\ntitle: Many {i}\nkind: lesson\nlanguage: en\ndate: {}-02-01\nvisibility: public\ntags: [zqtag{i:02}]\n---\n## Lesson learned\n\nManyword.\n",
                2010 + (i * 7) % 11
            ),
        ));
    }
    let site = site(&files, true);
    let page = get_as(&site.router, "/?q=manyword", None).await.text();
    let tags_section = page
        .split("id=\"facet-tags\"")
        .nth(1)
        .expect("the tags facet")
        .split("</section>")
        .next()
        .expect("its end");
    let (shown, more) = tags_section
        .split_once("<details class=\"facet-more\">")
        .expect("show more");
    assert_eq!(
        shown.matches("<li><a class=\"facet-value").count(),
        8,
        "{shown}"
    );
    assert!(more.contains("<summary>Show 3 more</summary>"), "{more}");
    assert_eq!(
        more.matches("<li><a class=\"facet-value").count(),
        3,
        "{more}"
    );
    let years_section = page
        .split("id=\"facet-year\"")
        .nth(1)
        .expect("the year facet")
        .split("</section>")
        .next()
        .expect("its end");
    let years: Vec<&str> = years_section
        .split("<span class=\"facet-label\">")
        .skip(1)
        .map(|s| s.split('<').next().expect("a label"))
        .collect();
    let mut sorted = years.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(years, sorted, "newest year first");
    assert_eq!(years.len(), 11);
}

/// Reads a body that may be gzipped, by its `content-encoding`.
fn decoded(resp: &crate::support::Resp) -> Vec<u8> {
    use std::io::Read;
    match resp.header("content-encoding") {
        "" => resp.bytes.clone(),
        "gzip" => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&resp.bytes[..])
                .read_to_end(&mut out)
                .expect("gzip");
            out
        }
        other => panic!("unexpected encoding {other}"),
    }
}

#[tokio::test]
async fn a_repeated_search_answers_the_same_bytes_until_its_write_up_is_narrowed() {
    use axum::body::Body;
    use erfa_index::{Mode, Store};
    use erfa_server::{AppState, Config, router};

    use crate::support::{Indexed, index, request, send, write};

    let page = |title: &str, visibility: &str| {
        format!(
            "---\ntitle: {title}\nkind: lesson\npractices: [capacity-and-performance-management]\nlanguage: en\ndate: 2024-02-01\nvisibility: {visibility}\n---\n## Lesson learned\n\nThe kapacitetsplan told us when the storage would run out.\n"
        )
    };
    let content = tempfile::tempdir().expect("a temp dir");
    write(
        content.path(),
        "a.md",
        page("Storage forecast", "public").as_bytes(),
    );
    write(
        content.path(),
        "b.md",
        page("Quarterly planning", "public").as_bytes(),
    );
    let store = Store::in_ram();
    let Indexed {
        mut indexer,
        engine,
        report,
    } = index(&store, content.path());
    assert_eq!(report.errors, 0, "{:?}", report.diagnostics);
    let mut config = Config::local(content.path(), content.path().join(".erfa"));
    config.low_disk_percent = 0;
    config.scope = Scope::Public;
    let app = router(AppState::new(store, engine.clone(), config));

    let search = |encoding: Option<&'static str>| {
        let app = app.clone();
        async move {
            let mut builder = request("/api/search?q=kapacitetsplan");
            if let Some(encoding) = encoding {
                builder = builder.header("accept-encoding", encoding);
            }
            send(&app, builder.body(Body::empty()).expect("a request")).await
        }
    };
    // Searched afresh, then answered from the kept answer (rendered at the first look-up,
    // then from the rendering), in each way a client may ask.
    let first = search(None).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["total"], 2);
    let asks = [
        None,
        Some("gzip"),
        Some("gzip"),
        Some("gzip;q=0"),
        Some("br, gzip"),
        Some("gzip;q=0.5"),
        None,
    ];
    for ask in asks {
        let again = search(ask).await;
        assert_eq!(again.status, 200, "{ask:?}");
        assert_eq!(
            String::from_utf8_lossy(&decoded(&again)),
            first.text(),
            "{ask:?}"
        );
        assert_eq!(again.mime(), "application/json", "{ask:?}");
        assert_eq!(again.header("vary"), "accept-encoding", "{ask:?}");
        let gzipped = matches!(ask, Some("gzip" | "br, gzip" | "gzip;q=0.5"));
        assert_eq!(
            again.header("content-encoding") == "gzip",
            gzipped,
            "{ask:?}"
        );
    }

    // A write-up narrowed to members leaves the public answer at once, gzipped or not.
    write(
        content.path(),
        "b.md",
        page("Quarterly planning", "members").as_bytes(),
    );
    indexer
        .update(content.path(), Mode::Incremental, &mut |_| {})
        .expect("updated");
    engine.reload().expect("reloaded");
    for ask in [Some("gzip"), None, Some("gzip")] {
        let after = search(ask).await;
        let json: serde_json::Value = serde_json::from_slice(&decoded(&after)).expect("JSON");
        assert_eq!(json["total"], 1, "{ask:?}");
        assert_eq!(json["hits"][0]["title"], "Storage forecast", "{ask:?}");
    }
}
