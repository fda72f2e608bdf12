//! Serving at once on the last committed index (docs/ARCHITECTURE.md, "What is served
//! while starting"; docs/RELIABILITY.md, B11 and E11): erfa answers before the content
//! folder is reconciled with the index, health says `starting` (503) until the
//! reconciliation has committed, and meanwhile nothing a file no longer allows reaches an
//! anonymous viewer.
//!
//! The index is real and on disk. The first reconciliation is held at the indexer's test
//! seam (`Faults::hold`) so that the window stays open while the test looks through it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use erfa_index::writer::Faults;
use erfa_index::{Scope, SearchRequest};
use erfa_server::serve::Prepared;
use erfa_server::{Config, router};
use serde_json::Value;

use crate::support::{get, write};

fn doc(title: &str, words: &str, visibility: &str, status: &str, tags: &str) -> String {
    format!(
        "---\ntitle: {title}\nkind: lesson\nlanguage: en\ndate: 2022-01-01\nvisibility: {visibility}\nstatus: {status}\ntags: [{tags}]\n---\n## Lesson learned\n\nThe words are {words}.\n"
    )
}

/// Titles and tags of the write-ups that stop being public while erfa is down; the
/// queries below never contain them, so an answer that does shows such a write-up.
const CANARIES: [&str; 6] = [
    "zqxnarrowtitle",
    "zqxnarrowtag",
    "zqxgonetitle",
    "zqxgonetag",
    "zqxarchivedtitle",
    "zqxarchivedtag",
];

/// The content as it was when erfa last ran: everything public and published, and every
/// write-up holds `zqxpublicword`.
fn before(content: &Path) {
    for i in 0..6 {
        write(
            content,
            &format!("change/public{i}.md"),
            doc("Public", "zqxpublicword", "public", "published", "shared").as_bytes(),
        );
    }
    for (name, words) in [
        ("narrow", "zqxnarrowcanary"),
        ("gone", "zqxgonecanary"),
        ("archived", "zqxarchivedcanary"),
    ] {
        write(
            content,
            &format!("change/{name}.md"),
            doc(
                &format!("Soon zqx{name}title"),
                &format!("{words} zqxpublicword"),
                "public",
                "published",
                &format!("shared, zqx{name}tag"),
            )
            .as_bytes(),
        );
    }
}

/// What changed while erfa was down: one write-up narrowed to members, one deleted, one
/// archived.
fn while_down(content: &Path) {
    write(
        content,
        "change/narrow.md",
        doc(
            "Soon zqxnarrowtitle",
            "zqxnarrowcanary zqxpublicword",
            "members",
            "published",
            "shared, zqxnarrowtag",
        )
        .as_bytes(),
    );
    std::fs::remove_file(content.join("change/gone.md")).expect("deleted");
    write(
        content,
        "change/archived.md",
        doc(
            "Soon zqxarchivedtitle",
            "zqxarchivedcanary zqxpublicword",
            "public",
            "archived",
            "shared, zqxarchivedtag",
        )
        .as_bytes(),
    );
}

fn config(content: &Path, data: &Path) -> Config {
    let mut config = Config::local(content, data);
    config.scope = Scope::Public;
    config.low_disk_percent = 0;
    config
}

/// A start on the content folder as `before` left it and with `while_down`'s changes
/// since, holding the first reconciliation.
struct Window {
    _dir: tempfile::TempDir,
    prepared: Prepared,
    faults: Arc<Faults>,
    anonymous: Router,
}

impl Drop for Window {
    /// A failed assertion must not leave the watcher waiting at the gate: stopping it
    /// waits for its update.
    fn drop(&mut self) {
        self.faults.hold.open();
    }
}

fn window() -> Window {
    let dir = tempfile::tempdir().expect("a temp dir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    before(&content);
    let first = erfa_server::serve::prepare(config(&content, &data), &mut |_| {}).expect("first");
    assert!(!first.reconciling, "a new index is built before serving");
    assert_eq!(first.report.added, 9);
    // erfa stops; the files change meanwhile.
    drop(first);
    while_down(&content);
    let mut held = None;
    let prepared = erfa_server::serve::prepare_with_faults(
        config(&content, &data),
        &mut |_| panic!("nothing is read before serving"),
        |faults| {
            faults.hold.close();
            held = Some(faults);
        },
    )
    .expect("second start");
    assert!(prepared.reconciling, "{:?}", prepared.opened);
    let anonymous = router(prepared.state.clone());
    Window {
        _dir: dir,
        prepared,
        faults: held.expect("the faults"),
        anonymous,
    }
}

/// The same content, indexed from scratch: what a server that never had the narrowed,
/// deleted and archived write-ups in its public index answers.
fn reference() -> (tempfile::TempDir, Prepared, Router) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    before(&content);
    while_down(&content);
    let prepared =
        erfa_server::serve::prepare(config(&content, &data), &mut |_| {}).expect("reference start");
    let app = router(prepared.state.clone());
    (dir, prepared, app)
}

/// What anonymous viewers may ask; none of these name a canary.
const PROBES: [&str; 12] = [
    "/api/search?q=zqxpublicword&per_page=50",
    "/api/search?q=zqxnarrowcanary",
    "/api/search?q=zqxgonecanary",
    "/api/search?q=zqxarchivedcanary",
    "/api/search?q=&per_page=50",
    "/api/facets",
    "/api/suggest?q=soon",
    "/?q=zqxpublicword",
    "/?q=zqxnarrowcanary",
    "/browse",
    "/feed.atom",
    "/api/writeups/change/public0/related",
];

/// Slugs, total and facets of a search answer: what must be equal to the reference
/// (scores may differ while the index statistics still count the narrowed write-up).
fn shape(answer: &Value) -> Value {
    let slugs: Vec<Value> = answer["hits"]
        .as_array()
        .map(|hits| hits.iter().map(|h| h["slug"].clone()).collect())
        .unwrap_or_default();
    serde_json::json!({
        "total": answer["total"],
        "slugs": slugs,
        "facets": answer["facets"],
        "did_you_mean": answer["did_you_mean"],
    })
}

async fn health(app: &Router) -> (StatusCode, Value) {
    let resp = get(app, "/api/health").await;
    (resp.status, resp.json())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_starting_nothing_narrowed_or_deleted_reaches_anonymous_viewers() {
    let w = window();
    let (_ref_dir, reference_prepared, reference) = reference();
    let engine = w.prepared.state.engine.clone();
    let watch = w.prepared.state.watch.clone().expect("a watcher");

    // The window is open: the index still holds what the files no longer allow.
    assert!(engine.rechecking());
    let facilitator = |q: &str| {
        let mut request = SearchRequest::new(q, Scope::Facilitator);
        request.facets = false;
        engine.search(&request).expect("search").total
    };
    assert_eq!(
        facilitator("zqxgonecanary"),
        1,
        "the deleted write-up is indexed"
    );
    let public_index = erfa_index::Engine::new(&w.prepared.state.store).expect("engine");
    public_index.reload().expect("reload");
    let mut request = SearchRequest::new("zqxnarrowcanary", Scope::Public);
    request.facets = false;
    assert_eq!(
        public_index.search(&request).expect("search").total,
        1,
        "the public index still holds the narrowed write-up"
    );

    // Health waits.
    let (status, body) = health(&w.anonymous).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "starting");
    assert_eq!(body["ready"], false);
    assert!(!watch.status().reconciled);

    // Anonymous answers: no canary, and searches equal the reference's.
    for probe in PROBES {
        let resp = get(&w.anonymous, probe).await;
        assert!(
            resp.status.is_success(),
            "{probe}: {} {}",
            resp.status,
            resp.text()
        );
        let text = resp.text();
        for canary in CANARIES {
            assert!(!text.contains(canary), "{probe} shows {canary}: {text}");
        }
        if probe.starts_with("/api/search") {
            let expected = get(&reference, probe).await;
            assert_eq!(shape(&resp.json()), shape(&expected.json()), "{probe}");
        }
        if probe.starts_with("/api/suggest") || probe.starts_with("/api/facets") {
            let expected = get(&reference, probe).await;
            assert_eq!(resp.json(), expected.json(), "{probe}");
        }
    }
    for slug in ["change/narrow", "change/gone", "change/archived"] {
        for page in [format!("/w/{slug}"), format!("/api/writeups/{slug}")] {
            let resp = get(&w.anonymous, &page).await;
            let expected = get(&reference, &page).await;
            assert_eq!(resp.status, StatusCode::NOT_FOUND, "{page}");
            assert_eq!(
                resp.bytes, expected.bytes,
                "{page}: as for a missing write-up"
            );
        }
    }
    // Members still read the narrowed write-up; not the archived or deleted ones.
    let members = |q: &str| {
        let mut request = SearchRequest::new(q, Scope::Members);
        request.facets = false;
        engine.search(&request).expect("search").total
    };
    assert_eq!(members("zqxnarrowcanary"), 1);
    assert_eq!(members("zqxarchivedcanary"), 0);
    assert_eq!(members("zqxgonecanary"), 0);
    assert!(
        engine
            .get("change/narrow", Scope::Members)
            .expect("get")
            .is_some()
    );
    assert!(
        engine
            .get("change/gone", Scope::Members)
            .expect("get")
            .is_none()
    );

    // Released: the reconciliation commits, health turns 200, and the index equals the
    // disk (as the reference built it from scratch).
    w.faults.hold.open();
    let started = Instant::now();
    loop {
        let (status, body) = health(&w.anonymous).await;
        if status == StatusCode::OK {
            assert_eq!(body["status"], "ok");
            break;
        }
        assert_eq!(body["status"], "starting", "{body}");
        assert!(started.elapsed() < Duration::from_secs(30), "{body}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(watch.status().reconciled);
    assert!(
        !engine.rechecking(),
        "nothing is checked against the disk any more"
    );
    assert_eq!(facilitator("zqxgonecanary"), 0);
    let reference_engine = &reference_prepared.state.engine;
    for scope in [Scope::Public, Scope::Members, Scope::Facilitator] {
        assert_eq!(
            engine.count(scope).expect("count"),
            reference_engine.count(scope).expect("count"),
            "{scope:?}"
        );
    }
    public_index.reload().expect("reload");
    assert_eq!(public_index.search(&request).expect("search").total, 0);
    for probe in PROBES.iter().filter(|p| p.starts_with("/api/search")) {
        let resp = get(&w.anonymous, probe).await;
        let expected = get(&reference, probe).await;
        assert_eq!(resp.json(), expected.json(), "{probe}");
    }
}

/// One GET over a real socket; the status and body (the answer gives its length).
fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a timeout");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("sent");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("an answer");
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, body.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_answer_comes_before_the_reconciliation_finishes() {
    let w = window();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a socket");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(erfa_server::serve::serve(
        listener,
        w.anonymous.clone(),
        erfa_server::Limits::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    let watch = w.prepared.state.watch.clone().expect("a watcher");
    let (search, health) = tokio::task::spawn_blocking(move || {
        (
            http_get(addr, "/api/search?q=zqxpublicword&per_page=50"),
            http_get(addr, "/api/health"),
        )
    })
    .await
    .expect("the requests");
    // Answered from the last committed index while the reconciliation is held.
    assert_eq!(search.0, 200, "{}", search.1);
    let answer: Value = serde_json::from_str(&search.1).expect("JSON");
    assert_eq!(
        answer["total"], 6,
        "the six write-ups still public: {answer}"
    );
    assert_eq!(health.0, 503, "{}", health.1);
    assert!(health.1.contains("\"starting\""), "{}", health.1);
    let status = watch.status();
    assert!(
        !status.reconciled && status.reconciliations == 0,
        "{status:?}"
    );

    w.faults.hold.open();
    let started = Instant::now();
    while !watch.status().reconciled {
        assert!(started.elapsed() < Duration::from_secs(30));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (code, _) = tokio::task::spawn_blocking(move || http_get(addr, "/api/health"))
        .await
        .expect("health");
    assert_eq!(code, 200);
    let _ = stop.send(());
    server.await.expect("the server stops");
}
