//! Every route: status, content type, JSON shape (snapshots and the OpenAPI document).

use axum::body::Body;
use erfa_index::Scope;

use crate::openapi::Spec;
use crate::support::{enc, get, request, sample_app, sample_app_for, send};

#[tokio::test]
async fn pages_answer_with_their_status_and_type() {
    let app = sample_app();
    let cases: &[(&str, u16, &str)] = &[
        ("/", 200, "text/html"),
        ("/?q=cab", 200, "text/html"),
        (
            "/?q=cab&tags=cab&sort=newest&section=mistake&page=1",
            200,
            "text/html",
        ),
        ("/?q=zzzzqqq", 200, "text/html"),
        ("/?page=abc", 400, "text/html"),
        ("/w/change/cab-copied", 200, "text/html"),
        ("/w/incident/swarming", 200, "text/html"),
        ("/w/drafts/idea", 200, "text/html"),
        ("/w/nope", 404, "text/html"),
        ("/w/change/cab-copied/diagram.png", 200, "image/png"),
        ("/w/change/cab-copied/cab-kopieret.md", 404, "text/html"),
        (
            "/w/change/cab-copied/..%2F..%2Fetc%2Fpasswd.png",
            404,
            "text/html",
        ),
        ("/w/change/cab-copied/missing.png", 404, "text/html"),
        ("/browse", 200, "text/html"),
        ("/feed.atom", 200, "application/atom+xml"),
        (
            "/opensearch.xml",
            200,
            "application/opensearchdescription+xml",
        ),
        ("/robots.txt", 200, "text/plain"),
        ("/static/app.css", 200, "text/css"),
        ("/static/app.js", 200, "text/javascript"),
        ("/static/icon.svg", 200, "image/svg+xml"),
        ("/static/nope.js", 404, "text/html"),
        ("/nope", 404, "text/html"),
    ];
    for (uri, status, mime) in cases {
        let resp = get(&app.router, uri).await;
        assert_eq!(resp.status.as_u16(), *status, "{uri}: {}", resp.text());
        assert_eq!(resp.mime(), *mime, "{uri}");
        if mime.starts_with("text/html") {
            assert!(
                resp.header("content-type").contains("charset=utf-8"),
                "{uri}"
            );
        }
    }
}

#[tokio::test]
async fn redirects_and_the_language_switch() {
    let app = sample_app();
    let resp = get(&app.router, "/w/old/cab").await;
    assert_eq!(resp.status, 301, "an alias redirects permanently");
    assert_eq!(resp.header("location"), "/w/change/cab-copied");
    let resp = get(&app.router, "/w/Change/CAB-Copied").await;
    assert_eq!(resp.status, 301);
    assert_eq!(resp.header("location"), "/w/change/cab-copied");
    let resp = get(&app.router, "/api/writeups/old/cab").await;
    assert_eq!(resp.status, 301);
    assert_eq!(resp.header("location"), "/api/writeups/change/cab-copied");

    let resp = get(&app.router, "/lang/da?next=%2Fbrowse").await;
    assert_eq!(resp.status, 303);
    assert_eq!(resp.header("location"), "/browse");
    assert!(
        resp.header("set-cookie").starts_with("lang=da;"),
        "{}",
        resp.header("set-cookie")
    );
    let resp = get(&app.router, "/lang/da?next=%2F%2Fevil.example").await;
    assert_eq!(resp.header("location"), "/");
    let resp = get(&app.router, "/lang/xx").await;
    assert_eq!(resp.status, 404);
}

#[tokio::test]
async fn api_routes_answer_json_valid_against_the_openapi_document() {
    let app = sample_app();
    let spec = Spec::load(&app.router).await;
    let cases: &[(&str, &str, u16)] = &[
        ("/api/search?q=cab", "/api/search", 200),
        (
            "/api/search?q=cab&tags=cab&tags=governance&kind=mistake",
            "/api/search",
            200,
        ),
        (
            "/api/search?q=&sort=newest&per_page=500",
            "/api/search",
            200,
        ),
        ("/api/search?section=lesson&q=swarming", "/api/search", 200),
        ("/api/search?q=stoerre", "/api/search", 200),
        ("/api/search?page=abc", "/api/search", 400),
        ("/api/search?page=0", "/api/search", 400),
        ("/api/search?section=x", "/api/search", 400),
        ("/api/search?sort=oldest", "/api/search", 400),
        ("/api/facets", "/api/facets", 200),
        ("/api/facets?q=cab", "/api/facets", 200),
        (
            "/api/writeups/change/cab-copied",
            "/api/writeups/{slug}",
            200,
        ),
        (
            "/api/writeups/incident/old-tiers",
            "/api/writeups/{slug}",
            200,
        ),
        ("/api/writeups/nope", "/api/writeups/{slug}", 404),
        (
            "/api/writeups/change/cab-copied/related",
            "/api/writeups/{slug}/related",
            200,
        ),
        (
            "/api/writeups/nope/related",
            "/api/writeups/{slug}/related",
            404,
        ),
        ("/api/suggest?q=ca", "/api/suggest", 200),
        ("/api/suggest?q=ca&limit=x", "/api/suggest", 400),
        ("/api/health", "/api/health", 200),
        ("/api/openapi.json", "/api/openapi.json", 200),
    ];
    for (uri, template, status) in cases {
        let resp = get(&app.router, uri).await;
        assert_eq!(resp.status.as_u16(), *status, "{uri}: {}", resp.text());
        spec.check(template, &resp);
    }
    let resp = get(&app.router, "/api/search?per_page=500").await;
    assert_eq!(resp.json()["per_page"], 100, "per_page is capped at 100");
}

#[tokio::test]
async fn unknown_api_paths_and_methods_are_json_errors() {
    let app = sample_app();
    for uri in ["/api/nope", "/api", "/api/writeups"] {
        let resp = get(&app.router, uri).await;
        assert_eq!(resp.status, 404, "{uri}");
        assert_eq!(resp.mime(), "application/json", "{uri}");
        assert_eq!(resp.json()["error"]["code"], "not_found");
    }
    let post = axum::http::Request::post("/api/search")
        .header("host", "localhost")
        .body(Body::from("x"))
        .expect("a request");
    let resp = send(&app.router, post).await;
    assert_eq!(resp.status, 405);
    assert_eq!(resp.json()["error"]["code"], "method_not_allowed");
    let post = axum::http::Request::post("/browse")
        .header("host", "localhost")
        .body(Body::empty())
        .expect("a request");
    let resp = send(&app.router, post).await;
    assert_eq!(resp.status, 405);
    assert_eq!(resp.mime(), "text/html");
    let resp = get(&app.router, "/api/search?page=1&page=2").await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert_eq!(resp.mime(), "application/json");
}

#[tokio::test]
async fn json_snapshots() {
    let app = sample_app();
    let mut search = get(&app.router, "/api/search?q=change+advisory+board")
        .await
        .json();
    // Scores follow the index's ranking weights, which are tuned elsewhere: the snapshot
    // keeps the order and the shape, and the scores are checked to descend.
    let mut previous = f64::INFINITY;
    for hit in search["hits"].as_array_mut().expect("hits") {
        let score = hit["score"].as_f64().expect("a score");
        assert!(
            score > 0.0 && score <= previous,
            "scores descend: {score} after {previous}"
        );
        previous = score;
        hit["score"] = serde_json::json!("[score]");
    }
    insta::assert_json_snapshot!("search_change_advisory_board", search);
    let facets = get(&app.router, "/api/facets").await.json();
    insta::assert_json_snapshot!("facets", facets);
    let writeup = get(&app.router, "/api/writeups/change/cab-copied")
        .await
        .json();
    insta::assert_json_snapshot!("writeup_cab_copied", writeup);
    let health = get(&app.router, "/api/health").await.json();
    insta::assert_json_snapshot!("health_facilitator", health);
    let suggest = get(&app.router, "/api/suggest?q=sw").await.json();
    insta::assert_json_snapshot!("suggest_sw", suggest);
    let error = get(&app.router, "/api/search?page=abc").await.json();
    insta::assert_json_snapshot!("error_bad_page", error);
}

#[tokio::test]
async fn the_search_page_shows_labelled_snippets_badges_and_facets() {
    let app = sample_app();
    let html = get(&app.router, "/?q=copying").await.text();
    assert!(html.contains("Mistake to avoid:"), "{html}");
    assert!(html.contains("<mark>"), "{html}");
    assert!(html.contains("badge-mistake"), "{html}");
    assert!(html.contains("Change enablement"), "{html}");
    assert!(html.contains("2022-03-10"), "{html}");
    assert!(html.contains("class=\"facet-value"), "{html}");
    assert!(html.contains("Local mode"), "the banner is on every page");
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));

    let html = get(&app.router, "/?q=copying&section=lesson").await.text();
    assert!(
        html.contains("aria-current=\"true\">Matches in &#34;Lesson learned&#34; only")
            || html.contains("aria-current=\"true\">Matches in &quot;Lesson learned&quot; only"),
        "{html}"
    );

    let html = get(&app.router, "/?q=kopiere&kind=lesson").await.text();
    assert!(html.contains("No write-ups match"), "{html}");
    assert!(html.contains("Try without a filter"), "{html}");
    assert!(html.contains("/browse"), "{html}");
}

#[tokio::test]
async fn a_writeup_page_has_metadata_banners_translation_and_related() {
    let app = sample_app();
    let html = get(&app.router, "/w/change/cab-copied").await.text();
    assert!(
        html.contains(
            "<h1 class=\"writeup-title\">We copied a bank&#39;s CAB 1:1 and it did not fit</h1>"
        ),
        "{html}"
    );
    assert!(
        html.contains("Secret Kommune"),
        "the facilitator sees the organisation"
    );
    assert!(
        html.contains("src=\"/w/change/cab-copied/diagram.png\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"/w/change/cab-kopieret\""),
        "the other language's version: {html}"
    );
    assert!(html.contains("class=\"section-mistake\""), "{html}");
    assert!(
        html.contains("rel=\"noopener noreferrer nofollow\""),
        "{html}"
    );

    let html = get(&app.router, "/w/incident/old-tiers").await.text();
    assert!(html.contains("archived"), "{html}");
    assert!(html.contains("superseded by"), "{html}");
    assert!(html.contains("href=\"/w/incident/swarming\""), "{html}");

    let html = get(&app.router, "/w/incident/swarming").await.text();
    assert!(html.contains("Related write-ups"), "{html}");
    assert!(html.contains("Jane Doe"), "{html}");
}

#[tokio::test]
async fn anonymous_viewers_never_see_members_only_things() {
    let app = sample_app_for(Scope::Public);
    let html = get(&app.router, "/w/change/cab-copied").await.text();
    assert!(!html.contains("Secret Kommune"), "{html}");
    assert!(!html.contains("noindex"), "a public page may be indexed");
    let json = get(&app.router, "/api/writeups/change/cab-copied")
        .await
        .json();
    assert!(json.get("organisation").is_none(), "{json}");
    assert!(json.get("path").is_none(), "{json}");
    assert_eq!(
        json["translations"],
        serde_json::json!([]),
        "the Danish version is members-only"
    );
    let resp = get(&app.router, "/w/incident/swarming").await;
    let missing = get(&app.router, "/w/does-not-exist").await;
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.text(),
        missing.text(),
        "members-only looks exactly like missing"
    );
    let resp = get(&app.router, "/w/incident/swarming/diagram.png").await;
    assert_eq!(resp.status, 404);
    let health = get(&app.router, "/api/health").await.json();
    assert_eq!(health, serde_json::json!({"status": "ok", "ready": true}));
    let search = get(&app.router, "/api/search?q=swarming").await.json();
    assert_eq!(search["total"], 0);
    let feed = get(&app.router, "/feed.atom").await.text();
    assert!(!feed.contains("Swarming"), "{feed}");
}

#[tokio::test]
async fn language_follows_accept_language_and_the_cookie() {
    let app = sample_app();
    let da = send(
        &app.router,
        request("/")
            .header("accept-language", "da,en;q=0.5")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(da.text().contains("lang=\"da\""));
    assert!(da.text().contains("Søg i erfaringer"));
    let en = send(
        &app.router,
        request("/")
            .header("accept-language", "da")
            .header("cookie", "lang=en")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(en.text().contains("Search write-ups"));
    let da404 = send(
        &app.router,
        request("/nope")
            .header("accept-language", "da")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(da404.text().contains("Siden findes ikke"));
}

#[tokio::test]
async fn a_script_query_is_escaped_wherever_it_is_echoed() {
    let app = sample_app();
    let q = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
    for uri in [
        format!("/?q={}", enc(q)),
        format!("/?q={}&tags={}", enc(q), enc(q)),
        format!("/?q=cab&kind={}", enc(q)),
    ] {
        let resp = get(&app.router, &uri).await;
        let html = resp.text();
        assert!(!html.contains("<script>alert"), "{uri}: {html}");
        assert!(!html.contains("<img src=x"), "{uri}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{uri}: {html}"
        );
        crate::xss::assert_safe_html(&html, &uri);
    }
    for uri in [
        format!("/api/search?q={}", enc(q)),
        format!("/api/suggest?q={}", enc(q)),
    ] {
        let resp = get(&app.router, &uri).await;
        assert_eq!(resp.mime(), "application/json", "{uri}");
        assert_eq!(resp.header("x-content-type-options"), "nosniff");
    }
}

#[tokio::test]
async fn assets_are_cached_and_compressed() {
    let app = sample_app();
    let resp = send(
        &app.router,
        request("/static/app.css")
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(resp.header("content-encoding"), "gzip");
    assert!(resp.header("cache-control").contains("immutable"));
    let etag = resp.header("etag").to_string();
    let resp = send(
        &app.router,
        request("/static/app.css")
            .header("if-none-match", &etag)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(resp.status, 304);
    let page = get(&app.router, "/").await;
    assert_eq!(page.header("cache-control"), "no-store");
}

#[cfg(unix)]
#[tokio::test]
async fn attachments_outside_the_content_folder_are_not_served() {
    let app = sample_app();
    let outside = tempfile::tempdir().expect("a dir");
    std::fs::write(outside.path().join("secret.png"), b"secret").expect("written");
    std::os::unix::fs::symlink(
        outside.path().join("secret.png"),
        app.content.path().join("change/link.png"),
    )
    .expect("a link");
    let resp = get(&app.router, "/w/change/cab-copied/link.png").await;
    assert_eq!(resp.status, 404);
    let resp = get(&app.router, "/w/change/cab-copied/.hidden.png").await;
    assert_eq!(resp.status, 404);
}

#[tokio::test]
async fn feed_and_opensearch_point_at_this_host() {
    let app = sample_app();
    let feed = get(&app.router, "/feed.atom").await.text();
    assert!(
        feed.contains("<id>http://127.0.0.1:8080/w/incident/swarming</id>"),
        "{feed}"
    );
    assert!(
        !feed.contains("A draft about"),
        "drafts are not in the feed"
    );
    let os = get(&app.router, "/opensearch.xml").await.text();
    assert!(
        os.contains("template=\"http://127.0.0.1:8080/?q={searchTerms}\""),
        "{os}"
    );
    let robots = get(&app.router, "/robots.txt").await.text();
    assert!(robots.contains("Disallow: /\n"));
}

#[tokio::test]
async fn the_facilitator_sees_which_hits_are_not_published() {
    let app = sample_app();
    let resp = get(&app.router, "/api/search?q=owner").await;
    let hits = resp.json()["hits"].as_array().cloned().unwrap_or_default();
    let draft = hits
        .iter()
        .find(|h| h["slug"] == "drafts/idea")
        .expect("the draft is found by the facilitator");
    assert_eq!(draft["status"], "draft");
    let page = get(&app.router, "/?q=owner").await.text();
    assert!(
        page.contains("badge badge-status badge-draft"),
        "a draft badge on the results page"
    );
    // Published write-ups carry no status; members never see the field at all.
    let resp = get(&app.router, "/api/search?q=cab").await;
    assert!(
        resp.json()["hits"]
            .as_array()
            .is_some_and(|h| h.iter().all(|h| h.get("status").is_none()))
    );
    let members = sample_app_for(Scope::Members);
    let resp = get(&members.router, "/api/search?q=owner").await;
    assert!(!resp.text().contains("\"status\""));
}

#[tokio::test]
async fn the_query_syntax_is_explained_and_danish_spellings_are_said() {
    let app = sample_app();
    let html = get(&app.router, "/").await.text();
    for operator in [
        "+cab",
        "cab AND freeze",
        "cab OR freeze",
        "-christmas",
        "kind:mistake",
    ] {
        assert!(
            html.contains(&format!("<code>{operator}</code>")),
            "{operator}"
        );
    }
    let da = send(
        &app.router,
        request("/")
            .header("accept-language", "da")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(da.text().contains("Sådan søger du"), "{}", da.text());
    assert!(da.text().contains("+ord for at kræve"), "{}", da.text());

    let html = get(&app.router, "/?q=stoerre").await.text();
    assert!(
        html.contains("No write-ups match “stoerre”; showing those for “større”."),
        "{html}"
    );
    assert!(html.contains("id=\"searched-for\""), "{html}");
    let json = get(&app.router, "/api/search?q=stoerre").await.json();
    assert_eq!(json["searched_for"], "større");
    assert!(json["total"].as_u64() > Some(0), "{json}");
    let json = get(&app.router, "/api/search?q=cab").await.json();
    assert!(json.get("searched_for").is_none(), "absent when not used");
}
