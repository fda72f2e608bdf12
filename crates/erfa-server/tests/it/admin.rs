//! The facilitator's desk over HTTP, with real accounts in a real `state.db`: who may use
//! which route, byte-exact status changes, search insights without identities, merging,
//! and the meeting agenda.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use erfa_accounts::{Accounts, FlagReason, Role};
use erfa_index::Store;
use erfa_index::watch::{Watch, WatchOptions};
use erfa_server::routes::table;
use erfa_server::{AppState, Config, router};

use crate::support::{Indexed, Resp, enc, index, sample, send, write};

const PASSWORD: &str = "a long enough password";

/// A server with logins: one account per role, each with a session.
pub(crate) struct Desk {
    router: Router,
    pub(crate) content: tempfile::TempDir,
    data: tempfile::TempDir,
    accounts: Arc<Accounts>,
    /// Session ids of `member`, `contributor`, `facilitator`, `member2`, `member3`.
    sessions: Vec<(&'static str, String)>,
}

impl Desk {
    fn session(&self, name: &str) -> &str {
        &self
            .sessions
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a known user")
            .1
    }

    fn request(
        &self,
        method: Method,
        uri: &str,
        who: Option<&str>,
    ) -> axum::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header("host", "127.0.0.1:8080")
            .header("sec-fetch-site", "same-origin");
        if let Some(who) = who {
            builder = builder.header("cookie", format!("erfa-session={}", self.session(who)));
        }
        builder
    }

    pub(crate) async fn get(&self, uri: &str, who: Option<&str>) -> Resp {
        let request = self
            .request(Method::GET, uri, who)
            .body(Body::empty())
            .expect("a request");
        send(&self.router, request).await
    }

    async fn get_lang(&self, uri: &str, who: Option<&str>, lang: &str) -> Resp {
        let request = self
            .request(Method::GET, uri, who)
            .header("accept-language", lang)
            .body(Body::empty())
            .expect("a request");
        send(&self.router, request).await
    }

    pub(crate) async fn post(&self, uri: &str, who: Option<&str>, form: &[(&str, &str)]) -> Resp {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = self
            .request(Method::POST, uri, who)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a request");
        send(&self.router, request).await
    }

    async fn call(&self, method: &Method, uri: &str, who: Option<&str>) -> Resp {
        if *method == Method::GET {
            self.get(uri, who).await
        } else {
            self.post(uri, who, &[]).await
        }
    }

    pub(crate) fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.content.path().join(rel)).expect("the file")
    }
}

fn desk(files: &[(&str, String)], watch: bool) -> Desk {
    desk_with(files, watch, false)
}

/// As [`desk`]; `public_access` lets anonymous visitors read public write-ups.
fn desk_with(files: &[(&str, String)], watch: bool, public_access: bool) -> Desk {
    let content = tempfile::tempdir().expect("a temp dir");
    for (path, text) in files {
        write(content.path(), path, text.as_bytes());
    }
    desk_in(content, watch, public_access)
}

/// As [`desk_with`] over a content folder that is already filled.
pub(crate) fn desk_in(content: tempfile::TempDir, watch: bool, public_access: bool) -> Desk {
    let data = tempfile::tempdir().expect("a temp dir");
    let store = Store::in_ram();
    let Indexed {
        indexer, engine, ..
    } = index(&store, content.path());
    let mut config = Config::local(content.path(), data.path());
    config.local = false;
    config.secure_cookies = false;
    config.public_access = public_access;
    let accounts = Arc::new(Accounts::open(data.path()).expect("state.db"));
    let mut sessions = Vec::new();
    for (name, role) in [
        ("member", Role::Member),
        ("contributor", Role::Contributor),
        ("facilitator", Role::Facilitator),
        ("member2", Role::Member),
        ("member3", Role::Member),
    ] {
        let user = accounts.add_user(name, role, PASSWORD).expect("a user");
        sessions.push((name, accounts.create_session(&user).expect("a session")));
    }
    let mut state = AppState::new(store, engine.clone(), config).with_accounts(accounts.clone());
    if watch {
        let watch = Watch::start(indexer, engine, content.path(), WatchOptions::default())
            .expect("a watcher");
        state.watch = Some(Arc::new(watch));
    }
    Desk {
        router: router(state),
        content,
        data,
        accounts,
        sessions,
    }
}

/// A concrete URI for a route pattern.
fn concrete(path: &str) -> String {
    path.replace("{*slug}", "drafts/idea")
        .replace("{id}", "1")
        .replace("{name}", "nobody")
        .replace("{link}", "nothing")
}

#[tokio::test]
async fn every_admin_route_and_action_is_for_the_facilitator_only() {
    let desk = desk(&sample(), false);
    let routes: Vec<_> = table()
        .into_iter()
        .filter(|r| r.path == "/admin" || r.path.starts_with("/admin/"))
        .collect();
    assert!(routes.len() >= 14, "{routes:?}");
    for route in &routes {
        let uri = concrete(route.path);
        let anonymous = desk.call(&route.method, &uri, None).await;
        assert!(
            anonymous.status == StatusCode::SEE_OTHER
                && anonymous.header("location").starts_with("/login?next="),
            "{} {uri} anonymous: {}",
            route.method,
            anonymous.status
        );
        for who in ["member", "contributor"] {
            let resp = desk.call(&route.method, &uri, Some(who)).await;
            assert_eq!(
                resp.status,
                StatusCode::FORBIDDEN,
                "{} {uri} as {who}",
                route.method
            );
        }
        let resp = desk.call(&route.method, &uri, Some("facilitator")).await;
        assert!(
            resp.status != StatusCode::FORBIDDEN && resp.status != StatusCode::UNAUTHORIZED,
            "{} {uri} as facilitator: {}",
            route.method,
            resp.status
        );
        if route.method == Method::GET {
            assert_eq!(resp.status, StatusCode::OK, "GET {uri}: {}", resp.text());
        }
    }
    // The members' routes: anonymous visitors log in first; members may.
    for (method, uri) in [
        (Method::POST, "/signal/change/cab-copied"),
        (Method::POST, "/flag/change/cab-copied"),
        (Method::GET, "/digest?meeting=2022-Q1"),
    ] {
        let resp = if method == Method::GET {
            desk.get(uri, None).await
        } else {
            desk.post(uri, None, &[]).await
        };
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{uri}");
        let resp = if method == Method::GET {
            desk.get(uri, Some("member")).await
        } else {
            desk.post(uri, Some("member"), &[]).await
        };
        assert!(
            resp.status != StatusCode::FORBIDDEN && resp.status != StatusCode::SEE_OTHER,
            "{uri} as member: {}",
            resp.status
        );
    }
}

#[tokio::test]
async fn members_signal_once_and_flag_only_what_they_can_read() {
    let desk = desk(&sample(), false);
    let page = desk.get("/w/change/cab-copied", Some("member")).await;
    assert!(page.text().contains("action=\"/signal/change/cab-copied\""));
    for who in ["member", "member2", "member"] {
        let resp = desk
            .post(
                "/signal/change/cab-copied",
                Some(who),
                &[("signal", "helped")],
            )
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        assert_eq!(resp.header("location"), "/w/change/cab-copied#signals");
    }
    let counts = desk
        .accounts
        .signal_counts("change/cab-copied")
        .expect("counts");
    assert_eq!(counts.helped, 1, "the member's second press took it back");
    // A draft is not readable by members: the same answer as a missing write-up.
    let draft = desk
        .post(
            "/flag/drafts/idea",
            Some("member"),
            &[("reason", "wrong"), ("comment", "x")],
        )
        .await;
    assert_eq!(draft.status, StatusCode::NOT_FOUND);
    let flagged = desk
        .post(
            "/flag/incident/swarming",
            Some("member"),
            &[("reason", "outdated"), ("comment", "We stopped swarming")],
        )
        .await;
    assert_eq!(flagged.status, StatusCode::SEE_OTHER);
    // Confirmed in place.
    let back = flagged.header("location").to_string();
    assert_eq!(back, "/w/incident/swarming?sent=flag#signals");
    let page = desk.get(&back, Some("member")).await.text();
    assert!(
        page.contains("Thank you: the facilitator will look at it."),
        "{page}"
    );
    // "Other" without a comment: back to the form, open, the message beside the field
    // and the reason kept; nothing is recorded.
    let other = desk
        .post(
            "/flag/incident/swarming",
            Some("member"),
            &[("reason", "other"), ("comment", "  ")],
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    let back = other.header("location").to_string();
    let page = desk.get(&back, Some("member")).await.text();
    assert!(page.contains("id=\"flag-form\" open"), "{page}");
    assert!(page.contains("id=\"flag-comment-error\""), "{page}");
    assert!(page.contains("<option value=\"other\" selected>"), "{page}");
    assert_eq!(desk.accounts.flags(None).expect("flags").len(), 1);
    let queue = desk.get("/admin/flags", Some("facilitator")).await;
    assert!(
        queue.text().contains("We stopped swarming"),
        "{}",
        queue.text()
    );
    let id = desk.accounts.flags(None).expect("flags")[0].id;
    let closed = desk
        .post(
            &format!("/admin/flags/{id}"),
            Some("facilitator"),
            &[("action", "resolve")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert!(
        desk.accounts
            .flags(Some(erfa_accounts::FlagState::Open))
            .expect("open")
            .is_empty()
    );
}

/// The draft as bytes, with `status` as given (or no status line).
fn draft_bytes(bom: bool, eol: &str, status: Option<&str>) -> Vec<u8> {
    let mut lines = vec![
        "---",
        "# A comment the facilitator wrote",
        "title: \"Review: CMDB without owners\"",
        "kind: lesson",
        "practices: [service-configuration-management]   # one practice",
        "language: en",
        "date: 2024-02-01",
    ];
    let status_line = status.map(|s| format!("status: {s}  # set by the form"));
    if let Some(line) = &status_line {
        lines.push(line);
    }
    lines.extend([
        "visibility: members",
        "---",
        "## Lesson learned",
        "",
        "Every CI needs an owner.",
        "status: this line is body text",
        "",
    ]);
    let mut text = String::new();
    if bom {
        text.push('\u{feff}');
    }
    text.push_str(&lines.join(eol));
    text.into_bytes()
}

#[tokio::test]
async fn a_status_change_rewrites_only_the_status_line() {
    let cases = [
        (false, "\n", "lf"),
        (false, "\r\n", "crlf"),
        (true, "\r\n", "bom-crlf"),
        (true, "\n", "bom-lf"),
    ];
    let mut files = sample();
    for (bom, eol, name) in cases {
        files.push((
            Box::leak(format!("review/{name}.md").into_boxed_str()),
            String::from_utf8(draft_bytes(bom, eol, Some("review"))).expect("utf-8"),
        ));
    }
    files.push((
        "review/no-status.md",
        String::from_utf8(draft_bytes(true, "\r\n", None)).expect("utf-8"),
    ));
    let desk = desk(&files, false);
    let queue = desk.get("/admin/review", Some("facilitator")).await;
    assert!(queue.text().contains("review/crlf.md"), "{}", queue.text());
    for (bom, eol, name) in cases {
        let resp = desk
            .post(
                &format!("/admin/review/review/{name}"),
                Some("facilitator"),
                &[("action", "publish")],
            )
            .await;
        assert_eq!(
            resp.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            resp.text()
        );
        // Publishing also records the day of the first publication, in a line of its own
        // with the file's own line end; nothing else changes.
        let written = String::from_utf8(desk.read(&format!("review/{name}.md"))).expect("utf-8");
        let line = written
            .split_inclusive('\n')
            .find(|l| l.starts_with("published: "))
            .unwrap_or_else(|| panic!("{name}: no published line in {written:?}"))
            .to_string();
        assert!(line.ends_with(eol), "{name}: {line:?}");
        assert_eq!(
            written.replacen(&line, "", 1).into_bytes(),
            draft_bytes(bom, eol, Some("published")),
            "{name}"
        );
    }
    // Without a status line (published by default), archiving adds one at the end of the
    // front matter, in the file's own line ends.
    let resp = desk
        .post(
            "/admin/review/review/no-status",
            Some("facilitator"),
            &[("action", "archive"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    let mut expected = String::from_utf8(draft_bytes(true, "\r\n", None)).expect("utf-8");
    expected = expected.replace(
        "visibility: members\r\n---",
        "visibility: members\r\nstatus: archived\r\n---",
    );
    assert_eq!(
        String::from_utf8(desk.read("review/no-status.md")).expect("utf-8"),
        expected
    );
    // A change request keeps the comment for the contributor and makes it a draft again.
    let resp = desk
        .post(
            "/admin/review/review/lf",
            Some("facilitator"),
            &[("action", "changes"), ("comment", "Say which CMDB tool")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    // The day of the first publication stays.
    let written = String::from_utf8(desk.read("review/lf.md")).expect("utf-8");
    let line = written
        .split_inclusive('\n')
        .find(|l| l.starts_with("published: "))
        .expect("kept")
        .to_string();
    assert_eq!(
        written.replacen(&line, "", 1).into_bytes(),
        draft_bytes(false, "\n", Some("draft"))
    );
    let notes = desk.accounts.review_notes("review/lf").expect("notes");
    assert_eq!(notes[0].comment, "Say which CMDB tool");
    let audit = desk.accounts.audit_log(20).expect("audit");
    for action in ["review.publish", "review.archive", "review.changes"] {
        assert!(
            audit
                .iter()
                .any(|a| a.action == action && a.actor == "facilitator"),
            "{action}: {audit:?}"
        );
    }
    assert!(
        !std::fs::read_dir(desk.content.path().join("review"))
            .expect("folder")
            .any(|e| e
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .starts_with('.'))
    );
}

/// Waits until the recorded searches number `n` (recording runs off the request path).
fn wait_for_searches(data: &std::path::Path, n: i64) -> rusqlite::Connection {
    let db = rusqlite::Connection::open(data.join(erfa_accounts::DB_FILE)).expect("state.db");
    let start = Instant::now();
    loop {
        let count: i64 = db
            .query_row("SELECT COUNT(*) FROM searches", [], |r| r.get(0))
            .expect("count");
        if count >= n {
            assert_eq!(count, n);
            return db;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "only {count} of {n} searches recorded"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn anonymous_searches_never_make_a_query_visible() {
    let desk = desk_with(&sample(), false, true);
    for agent in [
        "Mozilla/5.0 A",
        "Mozilla/5.0 B",
        "Mozilla/5.0 C",
        "curl/8",
        "x",
    ] {
        for path in ["/?q=zqxplanted", "/api/search?q=zqxplanted"] {
            let request = desk
                .request(Method::GET, path, None)
                .header("user-agent", agent)
                .header("accept-language", agent)
                .body(Body::empty())
                .expect("a request");
            assert_eq!(send(&desk.router, request).await.status, StatusCode::OK);
        }
    }
    // Two members make it; the anonymous ten do not make a third.
    for who in ["member", "member2"] {
        desk.get("/?q=zqxplanted", Some(who)).await;
    }
    wait_for_searches(desk.data.path(), 2);
    let html = desk
        .get("/admin/insights", Some("facilitator"))
        .await
        .text();
    assert!(!html.contains("zqxplanted"), "{html}");
    desk.get("/?q=zqxplanted", Some("member3")).await;
    wait_for_searches(desk.data.path(), 3);
    let html = desk
        .get("/admin/insights", Some("facilitator"))
        .await
        .text();
    assert!(html.contains("zqxplanted"), "{html}");
}

#[tokio::test]
async fn a_zero_result_query_shows_from_three_sessions_and_no_identity_is_stored() {
    let desk = desk(&sample(), false);
    for who in ["member", "member2", "member3"] {
        let resp = desk
            .get(&format!("/?q={}", enc("  Quux  CMDB ")), Some(who))
            .await;
        assert_eq!(resp.status, StatusCode::OK);
    }
    for who in ["member", "member2", "member2"] {
        let resp = desk
            .get(&format!("/api/search?q={}", enc("zyzzyva")), Some(who))
            .await;
        assert_eq!(resp.status, StatusCode::OK);
    }
    let db = wait_for_searches(desk.data.path(), 6);
    let page = desk.get("/admin/insights", Some("facilitator")).await;
    let html = page.text();
    assert!(html.contains("quux cmdb"), "{html}");
    assert!(html.contains("Found today"), "{html}");
    assert!(
        html.contains("still nothing"),
        "what members find now: {html}"
    );
    assert!(
        !html.contains("zyzzyva"),
        "two sessions are not enough: {html}"
    );

    // The rows hold the query, the day, whether it found nothing and a hash — no name,
    // no user id, no session id and not the stored hash of a session.
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('searches')")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("columns")
        .collect::<Result<_, _>>()
        .expect("columns");
    assert_eq!(columns, ["id", "day", "query", "zero", "session_hash"]);
    let rows: Vec<(i64, i64, String, i64, String)> = db
        .prepare("SELECT id, day, query, zero, session_hash FROM searches")
        .expect("prepare")
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    let user_ids: Vec<i64> = db
        .prepare("SELECT id FROM users")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("ids")
        .collect::<Result<_, _>>()
        .expect("ids");
    let session_hashes: Vec<String> = db
        .prepare("SELECT hash FROM sessions")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("hashes")
        .collect::<Result<_, _>>()
        .expect("hashes");
    assert_eq!(
        rows.iter()
            .filter(|r| r.2 == "quux cmdb" && r.3 == 1)
            .count(),
        3
    );
    for (_, _, query, _, hash) in &rows {
        for (name, session) in &desk.sessions {
            assert!(!hash.contains(name) && !query.contains(name));
            assert!(!hash.contains(session.as_str()) && !session.contains(hash.as_str()));
        }
        for stored in &session_hashes {
            assert!(!stored.contains(hash.as_str()), "linkable to a session");
        }
        let _ = &user_ids;
    }
    let distinct: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.2 == "quux cmdb")
        .map(|r| r.4.as_str())
        .collect();
    assert_eq!(distinct.len(), 3);
}

#[tokio::test]
async fn merging_never_moves_text_to_a_wider_audience() {
    let secret = "---\ntitle: Our secret CMDB attempt\nkind: lesson\ndate: 2020-01-10\nvisibility: members\n---\n## Lesson learned\n\nzqxmergecanary owners.\n\n## Cause\n\nzqxcausecanary.\n";
    let open = "---\ntitle: CMDB owners\nkind: lesson\ndate: 2023-06-01\nvisibility: public\n---\n## Lesson learned\n\nEvery configuration item needs an owner.\n";
    let draft = "---\ntitle: CMDB owners draft\nkind: lesson\ndate: 2023-07-01\nvisibility: public\nstatus: draft\n---\n## Lesson learned\n\nzqxdraftcanary.\n";
    let english = "---\ntitle: CMDB owners in English\nkind: lesson\ndate: 2023-08-01\nvisibility: public\ntranslation_of: cmdb/ejere\n---\n## Lesson learned\n\nOwners.\n";
    let danish = "---\ntitle: CMDB-ejere\nkind: lesson\nlanguage: da\ndate: 2023-08-02\nvisibility: public\n---\n## Læring\n\nEjere.\n";
    let mut files = sample();
    files.push(("cmdb/secret.md", secret.to_string()));
    files.push(("cmdb/owners.md", open.to_string()));
    files.push(("cmdb/draft.md", draft.to_string()));
    files.push((
        "cmdb/draft-two.md",
        draft.replace("owners draft", "owners second draft"),
    ));
    files.push(("cmdb/english.md", english.to_string()));
    files.push(("cmdb/ejere.md", danish.to_string()));
    let desk = desk_with(&files, true, true);
    for (first, second, code) in [
        ("cmdb/secret", "cmdb/owners", "merge_audience"),
        ("cmdb/owners", "cmdb/secret", "merge_audience"),
        ("cmdb/draft", "cmdb/owners", "merge_audience"),
        ("cmdb/english", "cmdb/ejere", "merge_translation"),
        ("cmdb/draft", "cmdb/draft-two", "merge_unpublished"),
    ] {
        let resp = desk
            .post(
                "/admin/merge",
                Some("facilitator"),
                &[("first", first), ("second", second), ("append", "on")],
            )
            .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{first} + {second}");
        let text = resp.text();
        assert!(
            text.contains("visibility") || text.contains("translation") || text.contains("Drafts"),
            "{code}: {text}"
        );
    }
    // Nothing was written.
    for (rel, text) in [
        ("cmdb/secret.md", secret),
        ("cmdb/owners.md", open),
        ("cmdb/draft.md", draft),
        ("cmdb/english.md", english),
    ] {
        assert_eq!(
            String::from_utf8(desk.read(rel)).expect("utf-8"),
            text,
            "{rel}"
        );
    }
    // The public write-up names no members-only slug, and that slug stays missing.
    let public = desk.get("/api/writeups/cmdb/owners", None).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(!public.text().contains("secret"), "{}", public.text());
    assert!(!public.text().contains("zqx"), "{}", public.text());
    let missing = desk.get("/w/cmdb/no-such-write-up", None).await;
    let hidden = desk.get("/w/cmdb/secret", None).await;
    assert_eq!(hidden.status, missing.status);
    assert_eq!(hidden.bytes, missing.bytes);
}

/// An alias written by hand that names a members-only write-up does not reveal it: for
/// anonymous visitors that slug stays missing, and the public answer lists no aliases.
#[tokio::test]
async fn an_alias_never_names_a_members_only_write_up_to_anonymous_visitors() {
    let secret = "---\ntitle: Secret\nkind: lesson\ndate: 2020-01-10\nvisibility: members\n---\n## Lesson learned\n\nzqxaliascanary.\n";
    let open = "---\ntitle: Open\nkind: lesson\ndate: 2023-06-01\nvisibility: public\naliases: [cmdb/secret, cmdb/moved-away, cmdb/draft-merged]\norg_size: 1-50\ntools: [ZqxToolCanary]\n---\n## Lesson learned\n\nOwners.\n";
    let mut files = sample();
    files.push(("cmdb/secret.md", secret.to_string()));
    files.push(("cmdb/open.md", open.to_string()));
    files.push((
        "cmdb/draft-merged.md",
        "---\ntitle: Draft\nkind: lesson\nstatus: draft\n---\nText.\n".to_string(),
    ));
    let desk = desk_with(&files, false, true);
    let missing = desk.get("/w/cmdb/no-such-write-up", None).await;
    let hidden = desk.get("/w/cmdb/secret", None).await;
    assert_eq!(hidden.status, missing.status);
    assert_eq!(hidden.bytes, missing.bytes);
    // An alias of a slug that names nothing else still redirects.
    let moved = desk.get("/w/cmdb/moved-away", None).await;
    assert_eq!(moved.status, StatusCode::MOVED_PERMANENTLY);
    let json = desk.get("/api/writeups/cmdb/open", None).await.json();
    assert_eq!(json["aliases"], serde_json::json!([]));
    assert_eq!(json["org_size"], serde_json::Value::Null);
    assert_eq!(json["tools"], serde_json::json!([]));
    let page = desk.get("/w/cmdb/open", None).await.text();
    assert!(
        !page.contains("ZqxToolCanary") && !page.contains("1-50"),
        "{page}"
    );
    let search = desk.get("/api/search?q=zqxtoolcanary", None).await.json();
    assert_eq!(search["total"], 0);
    let facets = desk.get("/api/facets", None).await.text();
    assert!(!facets.to_lowercase().contains("zqxtoolcanary"), "{facets}");
    // Members still see them all.
    let member = desk
        .get("/api/writeups/cmdb/open", Some("member"))
        .await
        .json();
    assert_eq!(member["tools"], serde_json::json!(["ZqxToolCanary"]));
    assert_eq!(member["org_size"], "1-50");
    // A member is not told the slug of a draft that was merged into this one.
    assert_eq!(
        member["aliases"],
        serde_json::json!(["cmdb/secret", "cmdb/moved-away"])
    );
    assert_eq!(
        desk.get("/w/cmdb/secret", Some("member")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn merging_leaves_a_working_redirect() {
    let older = "---\ntitle: Our first CMDB attempt\nkind: lesson\ndate: 2020-01-10\nvisibility: members\n---\n## Lesson learned\n\nEvery configuration item needs an owner who keeps it true.\n\n## Cause\n\nNobody owned the data.\n";
    let newer = "---\r\ntitle: CMDB owners\r\nkind: lesson\r\ndate: 2023-06-01\r\naliases:\r\n  - cmdb/owners-old\r\n---\r\n## Lesson learned\r\n\r\nEvery configuration item needs an owner.\r\n";
    let mut files = sample();
    files.push(("cmdb/first.md", older.to_string()));
    files.push(("cmdb/owners.md", newer.to_string()));
    let desk = desk(&files, true);
    // First the question: what is kept, what redirects where, which sections move.
    let resp = desk
        .post(
            "/admin/merge",
            Some("facilitator"),
            &[
                ("first", "cmdb/first"),
                ("second", "cmdb/owners"),
                ("append", "on"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    let question = resp.text();
    assert!(
        question.contains("Merge these two write-ups?"),
        "{question}"
    );
    assert!(
        question.contains("<code>/w/cmdb/first</code> → <code>/w/cmdb/owners</code>"),
        "{question}"
    );
    assert!(question.contains("<input type=\"hidden\" name=\"confirm\" value=\"yes\">"));
    assert_eq!(
        String::from_utf8(desk.read("cmdb/first.md")).expect("utf-8"),
        older,
        "nothing changes before the answer"
    );
    let resp = desk
        .post(
            "/admin/merge",
            Some("facilitator"),
            &[
                ("first", "cmdb/first"),
                ("second", "cmdb/owners"),
                ("append", "on"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    assert_eq!(
        String::from_utf8(desk.read("cmdb/first.md")).expect("utf-8"),
        older.replace(
            "visibility: members\n",
            "visibility: members\nduplicate_of: cmdb/owners\n"
        )
    );
    assert_eq!(
        String::from_utf8(desk.read("cmdb/owners.md")).expect("utf-8"),
        format!(
            "{}\r\n## Cause\r\n\r\nNobody owned the data.\r\n",
            newer.replace(
                "  - cmdb/owners-old\r\n",
                "  - cmdb/owners-old\r\n  - cmdb/first\r\n"
            )
        )
    );
    let start = Instant::now();
    loop {
        let resp = desk.get("/w/cmdb/first", Some("member")).await;
        if resp.status == StatusCode::MOVED_PERMANENTLY {
            assert_eq!(resp.header("location"), "/w/cmdb/owners");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no redirect: {}",
            resp.status
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let kept = desk.get("/w/cmdb/owners", Some("member")).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert!(kept.text().contains("Nobody owned the data."));
    // The retired one is gone from members' results, facets and feeds; the facilitator
    // still finds it.
    let slugs = |resp: Resp| -> Vec<String> {
        resp.json()["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["slug"].as_str().expect("slug").to_string())
            .collect()
    };
    let member = slugs(desk.get("/api/search?q=owner", Some("member")).await);
    assert!(member.contains(&"cmdb/owners".to_string()), "{member:?}");
    assert!(!member.contains(&"cmdb/first".to_string()), "{member:?}");
    let all = slugs(desk.get("/api/search?q=owner", Some("facilitator")).await);
    assert!(all.contains(&"cmdb/first".to_string()), "{all:?}");
    let feed = desk.get("/feed.atom", Some("member")).await.text();
    assert!(!feed.contains("Our first CMDB attempt"), "{feed}");
    let years = |json: serde_json::Value| -> Vec<String> {
        json["facets"]["year"]
            .as_array()
            .map(|v| {
                v.iter()
                    .map(|f| f["value"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let all_years = years(desk.get("/api/search?q=", Some("facilitator")).await.json());
    assert!(all_years.contains(&"2020".to_string()), "{all_years:?}");
    let member_years = years(desk.get("/api/search?q=", Some("member")).await.json());
    assert!(
        !member_years.contains(&"2020".to_string()),
        "{member_years:?}"
    );

    assert!(
        desk.accounts
            .audit_log(5)
            .expect("audit")
            .iter()
            .any(|a| a.action == "merge" && a.target == "cmdb/first → cmdb/owners")
    );
}

#[tokio::test]
async fn the_agenda_lists_a_seeded_zero_result_topic_and_a_seeded_flag() {
    let desk = desk(&sample(), false);
    for session in ["a", "b", "c"] {
        desk.accounts
            .record_search("Major incident comms", true, session, 26)
            .expect("seeded search");
    }
    desk.accounts
        .add_flag(
            "incident/swarming",
            1,
            FlagReason::Outdated,
            "Tiers are back",
        )
        .expect("seeded flag");
    // Two accounts, by id.
    for who in [1, 2] {
        desk.accounts
            .toggle_signal("incident/swarming", who, erfa_accounts::Signal::SawToo)
            .expect("signal");
    }
    let page = desk
        .get("/admin/meeting?since=2023-01-01", Some("facilitator"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("major incident comms"), "{html}");
    assert!(html.contains("Tiers are back"), "{html}");
    assert!(html.contains("Swarming instead of tiers"), "{html}");
    let md = desk
        .get("/admin/meeting.md?since=2023-01-01", Some("facilitator"))
        .await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(md.header("content-type").starts_with("text/markdown"));
    let text = md.text();
    assert!(text.contains("- “major incident comms” — 3"), "{text}");
    assert!(text.contains("Tiers are back"), "{text}");
    assert!(text.contains("/w/incident/swarming)"), "{text}");
    assert!(!text.contains("Secret Kommune"), "no organisations: {text}");
    // Without a date the last meeting decides.
    let page = desk.get("/admin/meeting", Some("facilitator")).await;
    assert!(page.text().contains("2023-04-01"), "{}", page.text());
}

#[tokio::test]
async fn the_digest_marks_members_only_write_ups_and_leaves_organisations_out() {
    let desk = desk(&sample(), false);
    let resp = desk.get("/digest?meeting=2022-Q1", Some("member")).await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    assert!(
        html.contains("We copied a bank&#39;s CAB") || html.contains("We copied a bank"),
        "{html}"
    );
    assert!(html.contains("Vi kopierede en banks CAB"), "{html}");
    assert!(
        html.contains("class=\"confidential\""),
        "the Danish one is members-only"
    );
    assert!(!html.contains("Secret Kommune"), "{html}");
    // What the viewer may not read is left out.
    let resp = desk.get("/digest?slug=drafts/idea", Some("member")).await;
    assert!(!resp.text().contains("A draft about problem management"));
}

#[tokio::test]
async fn content_health_shows_near_duplicate_pairs_with_their_similarity() {
    let body = "## Lesson learned\n\nWe copied the change advisory board of a large bank and it did not fit our small municipality at all, so we rebuilt it from standard changes.\n";
    let mut files = sample();
    for (path, title) in [
        ("near/first.md", "CAB from a bank"),
        ("near/later.md", "CAB from a bank, again"),
    ] {
        files.push((
            path,
            format!("---\ntitle: {title}\nkind: lesson\ndate: 2022-01-01\n---\n{body}"),
        ));
    }
    let desk = desk(&files, false);
    let html = desk.get("/admin/health", Some("facilitator")).await.text();
    let pair = "<a href=\"/w/near/later\">CAB from a bank, again</a> — <a href=\"/w/near/first\">CAB from a bank</a>: ";
    let at = html.find(pair).unwrap_or_else(|| panic!("no pair: {html}"));
    let rest = &html[at + pair.len()..];
    let percent: u32 = rest[..rest.find(' ').expect("a number")]
        .parse()
        .expect("a percentage");
    assert!((50..100).contains(&percent), "{percent}");
    assert!(
        rest.contains("% of their three-word phrases in common"),
        "{html}"
    );
}

#[tokio::test]
async fn content_health_reports_dropped_stale_missing_broken_and_coverage() {
    let mut files = sample();
    files.push((
        "health/stale.md",
        "---\ntitle: Stale advice on CAB meetings\nkind: practice\npractices: [change-enablement]\ndate: 2010-01-01\nreview_after: 2012-01-01\nrelated: [nowhere/at-all]\n---\nOnly a paragraph.\n".to_string(),
    ));
    let desk = desk(&files, true);
    // A published write-up that turns invalid drops out of the index: an alert.
    std::fs::write(
        desk.content.path().join("incident/swarming.md"),
        "---\ntitle: Swarming instead of tiers\nkind: lessn\n---\nBroken now.\n",
    )
    .expect("broken");
    let start = Instant::now();
    let html = loop {
        let resp = desk.get("/admin/health", Some("facilitator")).await;
        assert_eq!(resp.status, StatusCode::OK);
        let html = resp.text();
        if html.contains("incident/swarming.md") && html.contains("Published, now missing") {
            break html;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no alert: {html}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(html.contains("review_after passed: 2012-01-01"), "{html}");
    assert!(html.contains("related: nowhere/at-all"), "{html}");
    assert!(
        html.contains("no &quot;Lesson learned&quot; and no &quot;Mistake to avoid&quot;")
            || html.contains("no &#34;Lesson learned&#34;"),
        "{html}"
    );
    assert!(
        html.contains("Service desk"),
        "coverage lists every practice: {html}"
    );
}

/// Publishing can be taken back; archiving asks first and can be undone; an action that
/// does not fit the write-up's status changes nothing; drafts are not offered "Publish".
#[tokio::test]
async fn publishing_and_archiving_can_be_undone_and_archiving_asks_first() {
    let mut files = sample();
    files.push((
        "review/ready.md",
        String::from_utf8(draft_bytes(false, "\n", Some("review"))).expect("utf-8"),
    ));
    files.push((
        "review/early.md",
        String::from_utf8(draft_bytes(false, "\n", Some("draft")))
            .expect("utf-8")
            .replace("title: ", "title: Early "),
    ));
    let desk = desk(&files, false);
    let status = |name: &str| {
        let text = String::from_utf8(desk.read(&format!("review/{name}.md"))).expect("utf-8");
        text.lines()
            .find_map(|l| l.strip_prefix("status: "))
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or_default()
            .to_string()
    };
    let queue = desk.get("/admin/review", Some("facilitator")).await.text();
    let early = &queue[queue.find("review/early.md").expect("the draft")..];
    let early = &early[..early.find("</section>").expect("its end")];
    assert!(!early.contains("value=\"publish\""), "{early}");
    assert!(early.contains("not sent it for review yet"), "{early}");
    // Check results in plain words, without file and position.
    assert!(
        queue.contains("Add the date: others look for recent experiences."),
        "{queue}"
    );
    assert!(!queue.contains("drafts/idea.md:1:1"), "{queue}");

    // Publish, then undo from the notice.
    let resp = desk
        .post(
            "/admin/review/review/ready",
            Some("facilitator"),
            &[("action", "publish")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let back = resp.header("location").to_string();
    assert!(back.contains("done=publish&slug=review%2Fready"), "{back}");
    assert_eq!(status("ready"), "published");
    let page = desk.get(&back, Some("facilitator")).await.text();
    assert!(page.contains("Undo: back to review"), "{page}");
    assert!(
        page.contains("name=\"action\" value=\"unpublish\""),
        "{page}"
    );
    let resp = desk
        .post(
            "/admin/review/review/ready",
            Some("facilitator"),
            &[("action", "unpublish")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(status("ready"), "review");
    // Taking back what is not published changes nothing.
    let resp = desk
        .post(
            "/admin/review/review/ready",
            Some("facilitator"),
            &[("action", "unpublish")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert!(resp.text().contains("does not fit"), "{}", resp.text());
    assert_eq!(status("ready"), "review");

    // Archive: first the question, then the deed, then the undo.
    let resp = desk
        .post(
            "/admin/review/review/ready",
            Some("facilitator"),
            &[("action", "archive")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(
        resp.text().contains("Archive this write-up?"),
        "{}",
        resp.text()
    );
    assert_eq!(status("ready"), "review", "not yet");
    let resp = desk
        .post(
            "/admin/review/review/ready",
            Some("facilitator"),
            &[("action", "archive"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(status("ready"), "archived");
    let back = resp.header("location").to_string();
    assert!(back.contains("was=review"), "{back}");
    let page = desk.get(&back, Some("facilitator")).await.text();
    assert!(page.contains("Undo: restore"), "{page}");
    let resp = desk
        .post(
            "/admin/review/review/ready",
            Some("facilitator"),
            &[("action", "restore"), ("to", "review")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(status("ready"), "review");
    let audit = desk.accounts.audit_log(20).expect("audit");
    for action in ["review.unpublish", "review.archive", "review.restore"] {
        assert!(audit.iter().any(|a| a.action == action), "{action}");
    }
}

/// The desk's front page: what needs attention first, with counts, and the activity in
/// words without logins.
#[tokio::test]
async fn the_desk_lists_what_needs_attention_and_activity_in_words() {
    let mut files = sample();
    files.push((
        "review/ready.md",
        String::from_utf8(draft_bytes(false, "\n", Some("review"))).expect("utf-8"),
    ));
    let desk = desk(&files, false);
    let fran = desk
        .accounts
        .require("facilitator")
        .expect("the facilitator");
    desk.accounts
        .audit_user(&erfa_accounts::Actor::account(&fran), "login", &fran)
        .expect("a login");
    let resp = desk
        .post(
            "/admin/review/review/ready",
            Some("facilitator"),
            &[("action", "publish")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let page = desk.get("/admin", Some("facilitator")).await.text();
    assert!(page.contains("Needs your attention"), "{page}");
    let drafts = page
        .find("Drafts not sent for review yet")
        .expect("the drafts line");
    let waiting = page
        .find("Write-ups waiting for review")
        .expect("the review line");
    assert!(
        drafts < waiting,
        "nothing waits for review, so it comes last: {page}"
    );
    assert!(
        page.contains("published <strong>review/ready</strong>"),
        "{page}"
    );
    assert!(!page.contains(">login<"), "logins are left out: {page}");
    let danish = desk
        .get_lang("/admin", Some("facilitator"), "da")
        .await
        .text();
    assert!(
        danish.contains("offentliggjorde <strong>review/ready</strong>"),
        "{danish}"
    );
}

/// Printed, the digest and the agenda name the group, what they cover and the day, carry
/// the confidentiality line (repeated on every page by the print style), and leave empty
/// sections out.
#[tokio::test]
async fn the_digest_and_the_agenda_print_with_a_header_and_the_confidentiality_line() {
    let desk = desk(&sample(), false);
    let digest = desk
        .get_lang("/digest?meeting=2022-Q1", Some("member"), "da")
        .await
        .text();
    assert!(
        digest.contains("class=\"print-only print-header\""),
        "{digest}"
    );
    assert!(
        digest.contains("Udtræk · Møde 2022-Q1 · Udskrevet 20"),
        "{digest}"
    );
    assert!(
        digest.contains(
            "<p class=\"print-only print-confidential\">Fortroligt — kun for medlemmer</p>"
        ),
        "{digest}"
    );
    let agenda = desk.get("/admin/meeting", Some("facilitator")).await.text();
    assert!(
        agenda.contains("Confidential — for members of the network only"),
        "{agenda}"
    );
    // Nothing was searched for in vain: that section is left out of print.
    assert!(
        agenda.contains("<section aria-labelledby=\"a-zero\" class=\"no-print\">"),
        "{agenda}"
    );
    let css = desk.get("/static/app.css", None).await.text();
    assert!(css.contains("counter(page)"), "page numbers");
    assert!(
        css.contains(".print-confidential { position: fixed;"),
        "every page"
    );
}

/// Each item in the review queue names who sent it and the closest published write-ups,
/// so the facilitator sees whether it is new.
#[tokio::test]
async fn review_items_show_their_closest_published_write_ups() {
    let mut files = sample();
    files.push((
        "submissions/cab-again.md",
        "---\ntitle: Our change advisory board copied a bank\nkind: mistake\npractices: [change-enablement]\ntags: [cab]\nlanguage: en\nstatus: review\n---\n## Mistake to avoid\n\nCopying the change advisory board of a bank 1:1.\n".to_string(),
    ));
    let desk = desk(&files, false);
    let contributor = desk.accounts.require("contributor").expect("a contributor");
    desk.accounts
        .record_submission(
            &erfa_accounts::Actor::account(&contributor),
            "submissions/cab-again.md",
        )
        .expect("recorded");
    let queue = desk.get("/admin/review", Some("facilitator")).await.text();
    let item = &queue[queue
        .find("Our change advisory board copied a bank")
        .expect("the item")..];
    let item = &item[..item.find("</section>").expect("its end")];
    assert!(item.contains("Sent by contributor · 20"), "{item}");
    assert!(item.contains("Closest published write-ups:"), "{item}");
    assert!(item.contains("href=\"/w/change/cab-copied\""), "{item}");
}

/// A merge can be undone from the merge page while neither write-up has changed since:
/// both files come back byte for byte; after a later edit it is refused and nothing moves.
#[tokio::test]
async fn a_merge_is_undone_byte_for_byte_unless_changed_since() {
    let older = "---\ntitle: CMDB owners, first try\nkind: lesson\ndate: 2021-01-01\n---\n## Lesson learned\n\nOwners first.\n\n## Mistake to avoid\n\nNo owners.\n";
    let newer = "---\ntitle: CMDB owners\nkind: lesson\ndate: 2023-06-01\n---\n## Lesson learned\n\nEvery configuration item needs an owner.\n";
    let mut files = sample();
    files.push(("cmdb/first.md", older.to_string()));
    files.push(("cmdb/owners.md", newer.to_string()));
    files.push(("cmdb/third.md", older.replace("first try", "third try")));
    let desk = desk(&files, false);
    let merge = |first: &'static str| {
        [
            ("first", first),
            ("second", "cmdb/owners"),
            ("append", "on"),
            ("confirm", "yes"),
        ]
    };
    let resp = desk
        .post("/admin/merge", Some("facilitator"), &merge("cmdb/first"))
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    assert_ne!(desk.read("cmdb/owners.md"), newer.as_bytes());
    let page = desk.get("/admin/merge", Some("facilitator")).await.text();
    assert!(page.contains("Recent merges"), "{page}");
    let marker = "action=\"/admin/merge/";
    let start = page.find(marker).expect("an undo form") + marker.len();
    let id: String = page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    let resp = desk
        .post(&format!("/admin/merge/{id}/undo"), Some("facilitator"), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    assert_eq!(desk.read("cmdb/first.md"), older.as_bytes());
    assert_eq!(desk.read("cmdb/owners.md"), newer.as_bytes());
    let resp = desk
        .post(&format!("/admin/merge/{id}/undo"), Some("facilitator"), &[])
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND, "only once");

    // Merged again, then edited: the undo is refused and nothing changes.
    let resp = desk
        .post("/admin/merge", Some("facilitator"), &merge("cmdb/third"))
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    let page = desk.get("/admin/merge", Some("facilitator")).await.text();
    let start = page.find(marker).expect("an undo form") + marker.len();
    let id: String = page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let path = desk.content.path().join("cmdb/owners.md");
    let edited = format!(
        "{}\nOne more line.\n",
        std::fs::read_to_string(&path).expect("read")
    );
    std::fs::write(&path, &edited).expect("edited");
    let resp = desk
        .post(&format!("/admin/merge/{id}/undo"), Some("facilitator"), &[])
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert!(
        resp.text().contains("has changed since the merge"),
        "{}",
        resp.text()
    );
    assert_eq!(desk.read("cmdb/owners.md"), edited.as_bytes());
    let audit = desk.accounts.audit_log(20).expect("audit");
    assert!(audit.iter().any(|a| a.action == "merge.undo"));
}

/// The merge pickers are text fields with suggestions: an address that names no
/// write-up is explained, not a dead end.
#[tokio::test]
async fn merging_an_unknown_address_says_to_choose_from_the_list() {
    let desk = desk(&sample(), false);
    let page = desk.get("/admin/merge", Some("facilitator")).await.text();
    assert!(page.contains("list=\"merge-writeups\""), "{page}");
    assert!(
        page.contains("<option value=\"change/cab-copied\" label=\""),
        "{page}"
    );
    let resp = desk
        .post(
            "/admin/merge",
            Some("facilitator"),
            &[("first", "no/such"), ("second", "change/cab-copied")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert!(
        resp.text().contains("choose one from the list"),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn the_meetings_list_names_meetings_orders_them_and_sets_the_next_agenda() {
    let next_year = erfa_index::Date::today().year + 1;
    let mut files = sample();
    files.push((
        "_meetings.yaml",
        format!(
            "meetings:\n  - id: 2022-Q1\n    date: 2022-03-10\n    place: Aarhus\n    title: Netværksmøde 1/2022\n  - id: 2023-Q2\n    date: 2023-05-11\n    place: Odense\n    title: Netværksmøde 2/2023\n  - id: next\n    date: {next_year}-01-15\n    place: Vejle\n    title: Netværksmøde 1/{next_year}\n    theme: Overvågning\n"
        ),
    ));
    files.push((
        "incident/autumn.md",
        "---\ntitle: Autumn notes\nkind: practice\ndate: 2023-10-01\nmeeting: efterår 2023\n---\n## Practice\n\nNotes from the autumn.\n".to_string(),
    ));
    let desk = desk(&files, false);

    // The agenda is for the next meeting in the list, since the last one.
    let html = desk.get("/admin/meeting", Some("facilitator")).await.text();
    assert!(
        html.contains(&format!(
            "Netværksmøde 1/{next_year} · {next_year}-01-15 · Vejle · Overvågning"
        )),
        "{html}"
    );
    assert!(
        html.contains("2023-05-11"),
        "since the last meeting: {html}"
    );
    assert!(html.contains("Netværksmøde 2/2023 (2023-05-11)"), "{html}");
    let md = desk
        .get("/admin/meeting.md", Some("facilitator"))
        .await
        .text();
    assert!(
        md.contains(&format!(
            "Netværksmøde 1/{next_year} · {next_year}-01-15 · Vejle"
        )),
        "{md}"
    );

    // Facets, the page of a write-up and the browse page name meetings by title and date,
    // newest first; a value outside the list stays as written, after the dated ones.
    let html = desk.get("/", Some("member")).await.text();
    let newer = html
        .find("Netværksmøde 2/2023 (2023-05-11)")
        .expect("2023-Q2 by name");
    let older = html
        .find("Netværksmøde 1/2022 (2022-03-10)")
        .expect("2022-Q1 by name");
    let undated = html
        .find("efterår 2023")
        .expect("the unknown value as written");
    assert!(newer < older && older < undated, "newest first");
    let html = desk.get("/?meeting=2022-Q1", Some("member")).await.text();
    assert!(
        html.contains("Netværksmøde 1/2022 (2022-03-10)"),
        "the chip: {html}"
    );
    let html = desk
        .get("/w/incident/swarming", Some("member"))
        .await
        .text();
    assert!(html.contains("Netværksmøde 2/2023 (2023-05-11)"), "{html}");
    let html = desk.get("/browse", Some("member")).await.text();
    assert!(
        html.find("Netværksmøde 2/2023").expect("by name")
            < html.find("Netværksmøde 1/2022").expect("by name")
    );

    // The digest offers the meetings by name and prints the chosen one's details.
    let html = desk
        .get("/digest?meeting=2022-Q1", Some("member"))
        .await
        .text();
    assert!(
        html.contains(
            "<option value=\"2022-Q1\" selected>Netværksmøde 1/2022 (2022-03-10)</option>"
        ),
        "{html}"
    );
    assert!(
        html.contains("Netværksmøde 1/2022 · 2022-03-10 · Aarhus"),
        "{html}"
    );

    // Content health shows the write-up whose meeting is not in the list.
    let html = desk.get("/admin/health", Some("facilitator")).await.text();
    assert!(html.contains("unknown meeting `efterår 2023`"), "{html}");

    // Anonymous visitors cannot read the list by typing ids: a meeting is named only
    // where a public write-up names it.
    let open = desk_with(&files, false, true);
    let html = open.get("/?meeting=next", None).await.text();
    assert!(
        !html.contains(&format!("Netværksmøde 1/{next_year}")),
        "{html}"
    );
    let html = open.get("/?meeting=2022-Q1", None).await.text();
    assert!(
        html.contains("Netværksmøde 1/2022 (2022-03-10)"),
        "a public write-up's: {html}"
    );
}

#[tokio::test]
async fn did_not_help_reaches_the_facilitator_only_and_can_be_taken_back() {
    let desk = desk(&sample(), false);
    let resp = desk
        .post(
            "/not-helped/incident/swarming",
            Some("member"),
            &[
                ("said", "yes"),
                ("reason", "We are three people; swarming needs more."),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(
        resp.header("location"),
        "/w/incident/swarming?sent=not-helped#signals"
    );
    let confirmed = desk
        .get("/w/incident/swarming?sent=not-helped", Some("member"))
        .await
        .text();
    assert!(confirmed.contains("the facilitator sees that it did not help you"));

    let own = desk
        .get("/w/incident/swarming", Some("member"))
        .await
        .text();
    assert!(
        own.contains("You told the facilitator this did not help you."),
        "{own}"
    );
    assert!(
        !own.contains("swarming needs more"),
        "not even to the member: {own}"
    );
    let other = desk
        .get("/w/incident/swarming", Some("member2"))
        .await
        .text();
    assert!(!other.contains("swarming needs more"), "{other}");
    assert!(!other.contains("You told the facilitator"), "{other}");
    for page in ["/w/incident/swarming", "/admin/flags"] {
        let html = desk.get(page, Some("facilitator")).await.text();
        assert!(
            html.contains("We are three people; swarming needs more."),
            "{page}: {html}"
        );
        assert!(html.contains("member · "), "{page}: who said it");
    }

    let resp = desk
        .post(
            "/not-helped/incident/swarming",
            Some("member"),
            &[("said", "no")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let html = desk.get("/admin/flags", Some("facilitator")).await.text();
    assert!(!html.contains("swarming needs more"), "{html}");
    assert!(html.contains("No member has said a write-up did not help them."));
    let resp = desk
        .post(
            "/not-helped/incident/swarming",
            Some("member"),
            &[("said", "perhaps")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    let resp = desk
        .post(
            "/not-helped/drafts/idea",
            Some("member"),
            &[("said", "yes")],
        )
        .await;
    assert_eq!(
        resp.status,
        StatusCode::NOT_FOUND,
        "only what the member may read"
    );
}

#[tokio::test]
async fn confidence_is_shown_filtered_set_from_the_desk_and_proposed_by_signals() {
    let desk = desk(&sample(), true);
    // Three members saw it too: the desk proposes it for validation.
    for who in 1..=3 {
        desk.accounts
            .toggle_signal("incident/swarming", who, erfa_accounts::Signal::SawToo)
            .expect("signal");
    }
    let html = desk.get("/admin", Some("facilitator")).await.text();
    assert!(html.contains("Proposed for validation"), "{html}");
    assert!(
        html.contains("action=\"/admin/confidence/incident/swarming\""),
        "{html}"
    );

    // Members cannot set it; the facilitator can, as a line edit.
    let resp = desk
        .post(
            "/admin/confidence/incident/swarming",
            Some("member"),
            &[("confidence", "validated")],
        )
        .await;
    assert_ne!(resp.status, StatusCode::SEE_OTHER);
    let before = String::from_utf8(desk.read("incident/swarming.md")).expect("utf-8");
    assert!(!before.contains("confidence:"));
    let resp = desk
        .post(
            "/admin/confidence/incident/swarming",
            Some("facilitator"),
            &[("confidence", "validated"), ("back", "desk")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    assert_eq!(resp.header("location"), "/admin");
    let after = String::from_utf8(desk.read("incident/swarming.md")).expect("utf-8");
    assert_eq!(
        after
            .lines()
            .filter(|l| !before.lines().any(|b| b == *l))
            .collect::<Vec<_>>(),
        ["confidence: validated"],
        "one line added, nothing else changed"
    );
    let resp = desk
        .post(
            "/admin/confidence/incident/swarming",
            Some("facilitator"),
            &[("confidence", "certain")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);

    // Members see the badge, the JSON says so, and the filter finds it.
    let start = Instant::now();
    loop {
        let page = desk
            .get("/w/incident/swarming", Some("member"))
            .await
            .text();
        if page.contains("Validated by the group") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no badge: {page}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let json = desk
        .get("/api/writeups/incident/swarming", Some("member"))
        .await
        .json();
    assert_eq!(json["confidence"], "validated");
    let hits = desk
        .get("/api/search?q=&confidence=validated", Some("member"))
        .await
        .json();
    let slugs: Vec<&str> = hits["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(slugs, ["incident/swarming"]);
    let html = desk
        .get("/?confidence=validated", Some("member"))
        .await
        .text();
    assert!(html.contains("Confidence: Validated"), "the chip: {html}");
    let html = desk.get("/admin", Some("facilitator")).await.text();
    assert!(
        !html.contains("Proposed for validation"),
        "validated now: {html}"
    );
    assert!(
        desk.accounts
            .audit_log(5)
            .expect("audit")
            .iter()
            .any(|a| a.action == "confidence.validated" && a.target == "incident/swarming")
    );
}

#[tokio::test]
async fn a_back_dated_write_up_published_today_is_new_in_the_feed_sort_and_agenda() {
    let mut files = sample();
    files.push((
        "review/old-story.md",
        "---\ntitle: The 2018 outage nobody wrote down\nkind: lesson\ndate: 2018-05-02\nstatus: review\n---\n## Lesson learned\n\nWrite it down while people still remember.\n".to_string(),
    ));
    let desk = desk(&files, true);
    let resp = desk
        .post(
            "/admin/review/review/old-story",
            Some("facilitator"),
            &[("action", "publish")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    let today = erfa_index::Date::today().to_string();
    let text = String::from_utf8(desk.read("review/old-story.md")).expect("utf-8");
    assert!(text.contains("status: published\n"), "{text}");
    let published = text
        .lines()
        .find_map(|l| l.strip_prefix("published: "))
        .expect("the first publication is kept")
        .trim_matches(['"', '\''])
        .to_string();
    // Today in Danish time, which is the UTC day or the one after.
    let day = erfa_index::Date::parse(&published)
        .expect("a date")
        .ordinal();
    let utc = erfa_index::Date::parse(&today).expect("today").ordinal();
    assert!(
        day == utc || day == utc + 1,
        "{published} is not today ({today})"
    );

    // Once indexed, it is the newest: in "newest" order and at the top of the feed.
    let start = Instant::now();
    let first = loop {
        let json = desk
            .get("/api/search?q=&sort=newest&per_page=3", Some("member"))
            .await
            .json();
        let first = json["hits"][0]["slug"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if first == "review/old-story" {
            assert_eq!(json["hits"][0]["date"], "2018-05-02");
            assert_eq!(json["hits"][0]["published"], published.as_str());
            break first;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "not newest: {json}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(first, "review/old-story");
    let feed = desk.get("/feed.atom", Some("member")).await.text();
    let entry = feed
        .find("The 2018 outage nobody wrote down")
        .expect("in the feed");
    assert!(
        feed[..entry].matches("<entry>").count() == 1,
        "the first entry: {feed}"
    );
    assert!(
        feed.contains(&format!("{published}T")),
        "dated by its publication: {feed}"
    );
    // The agenda counts it as added since the last meeting, and the page shows both dates.
    let agenda = desk.get("/admin/meeting", Some("facilitator")).await.text();
    assert!(
        agenda.contains("The 2018 outage nobody wrote down"),
        "{agenda}"
    );
    let page = desk.get("/w/review/old-story", Some("member")).await.text();
    assert!(page.contains("Published in erfa"), "{page}");
    assert!(page.contains("2018-05-02"), "{page}");
}
