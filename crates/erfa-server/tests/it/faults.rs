//! Injected failures (docs/RELIABILITY.md, B2 and B9): a commit of the public index that
//! fails while a write-up is narrowed to members, and a panic in the indexing thread. The
//! failures come from the indexer's test seam (`Indexer::faults`); everything else is the
//! real watcher, engine and router.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use erfa_index::watch::{Watch, WatchOptions};
use erfa_index::writer::Faults;
use erfa_index::{Scope, Store};
use erfa_server::{AppState, Config, router};

use crate::support::{Indexed, get, index, write};

/// A public write-up that will be narrowed, and one that stays public.
fn doc(title: &str, word: &str, visibility: &str) -> String {
    format!(
        "---\ntitle: {title}\nkind: lesson\nlanguage: en\ndate: 2022-01-01\nvisibility: {visibility}\n---\n## Lesson learned\n\nThe word is {word}.\n"
    )
}

struct Site {
    anonymous: Router,
    facilitator: Router,
    watch: Arc<Watch>,
    faults: Arc<Faults>,
    content: tempfile::TempDir,
}

/// The watcher polls, once an hour: no file-system event races the updates the tests ask
/// for, so each step is exactly one update.
fn site() -> Site {
    let content = tempfile::tempdir().expect("a temp dir");
    write(
        content.path(),
        "change/narrow.md",
        doc("Narrowed", "zqxnarrow", "public").as_bytes(),
    );
    write(
        content.path(),
        "change/stays.md",
        doc("Stays", "zqxstays", "public").as_bytes(),
    );
    let store = Store::in_ram();
    let Indexed {
        indexer, engine, ..
    } = index(&store, content.path());
    let faults = indexer.faults();
    let options = WatchOptions {
        poll: true,
        poll_interval: Duration::from_secs(3600),
        ..WatchOptions::default()
    };
    let watch =
        Arc::new(Watch::start(indexer, engine.clone(), content.path(), options).expect("watch"));
    let state = |scope: Scope| {
        let data = content.path().join(".erfa");
        let mut config = Config::local(content.path(), &data);
        config.scope = scope;
        config.low_disk_percent = 0;
        let mut state = AppState::new(store.clone(), engine.clone(), config);
        state.watch = Some(watch.clone());
        router(state)
    };
    Site {
        anonymous: state(Scope::Public),
        facilitator: state(Scope::Facilitator),
        watch,
        faults,
        content,
    }
}

impl Site {
    /// Slugs an anonymous search for `word` finds; every answer is a 200.
    async fn public_hits(&self, word: &str) -> Vec<String> {
        let resp = get(&self.anonymous, &format!("/api/search?q={word}")).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
        let json = resp.json();
        json["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["slug"].as_str().expect("a slug").to_string())
            .collect()
    }

    async fn update_now(&self, path: &str) -> Result<(), String> {
        let watch = self.watch.clone();
        let path = path.to_string();
        tokio::task::spawn_blocking(move || watch.update_now([path]))
            .await
            .expect("joined")
            .map_err(|e| e.to_string())
    }

    fn narrow(&self) {
        write(
            self.content.path(),
            "change/narrow.md",
            doc("Narrowed", "zqxnarrow", "members").as_bytes(),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_public_commit_serves_the_old_state_and_the_retry_narrows() {
    let site = site();
    site.update_now("change/narrow.md").await.expect("settled");
    assert_eq!(site.public_hits("zqxnarrow").await, ["change/narrow"]);

    site.faults
        .public_commit_failures
        .store(1, Ordering::SeqCst);
    site.narrow();
    let failed = site.update_now("change/narrow.md").await;
    assert!(
        failed.as_ref().is_err_and(|e| e.contains("injected")),
        "{failed:?}"
    );
    // The last commit is still served, without a 5xx: the write-up as it was, and the
    // page of it.
    assert_eq!(site.public_hits("zqxnarrow").await, ["change/narrow"]);
    assert_eq!(get(&site.anonymous, "/w/change/narrow").await.status, 200);
    let health = get(&site.facilitator, "/api/health").await;
    assert_eq!(health.status, StatusCode::OK, "a failed commit is degraded");
    let json = health.json();
    assert_eq!(json["status"], "degraded", "{json}");
    assert!(
        json["index"]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("injected")),
        "{json}"
    );

    // The retry (a reconciliation, since the failed update dropped what it held) commits
    // the narrowing: anonymous viewers no longer see it, anywhere.
    site.update_now("change/narrow.md")
        .await
        .expect("the retry commits");
    assert!(site.public_hits("zqxnarrow").await.is_empty());
    assert_eq!(get(&site.anonymous, "/w/change/narrow").await.status, 404);
    assert_eq!(site.public_hits("zqxstays").await, ["change/stays"]);
    let json = get(&site.facilitator, "/api/search?q=zqxnarrow")
        .await
        .json();
    assert_eq!(
        json["hits"][0]["slug"], "change/narrow",
        "members still have it"
    );

    // And the next commit succeeds as any other.
    write(
        site.content.path(),
        "change/next.md",
        doc("Next", "zqxnext", "public").as_bytes(),
    );
    site.update_now("change/next.md")
        .await
        .expect("the next commit");
    assert_eq!(site.public_hits("zqxnext").await, ["change/next"]);
    let json = get(&site.facilitator, "/api/health").await.json();
    assert_eq!(json["status"], "ok", "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_indexer_panic_fails_health_and_the_worker_recovers_within_seconds() {
    let site = site();
    site.update_now("change/narrow.md").await.expect("settled");
    assert_eq!(site.public_hits("zqxnarrow").await, ["change/narrow"]);

    // Two panics in a row: the worker catches each, says so, and tries again.
    site.faults.panics.store(2, Ordering::SeqCst);
    site.narrow();
    let started = Instant::now();
    site.watch.touch(["change/narrow.md".to_string()]);
    let mut saw_failing = false;
    loop {
        let health = get(&site.anonymous, "/api/health").await;
        if health.status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(health.json()["status"], "failing");
            saw_failing = true;
        }
        if site.public_hits("zqxnarrow").await.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still public after 5 s; status {:?}",
            site.watch.status()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(saw_failing, "health said failing while the worker panicked");
    assert!(site.watch.alive(), "the worker still runs");
    // The status is written just after the engine reloads.
    while site.watch.status().last_panic.is_some() {
        assert!(started.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = site.watch.status();
    assert_eq!(status.panics, 2, "{status:?}");
    assert_eq!(
        status.last_panic, None,
        "cleared by the update that succeeded"
    );
    let health = get(&site.facilitator, "/api/health").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");

    // Later changes still arrive.
    write(
        site.content.path(),
        "change/after.md",
        doc("After", "zqxafter", "public").as_bytes(),
    );
    site.update_now("change/after.md").await.expect("updated");
    assert_eq!(site.public_hits("zqxafter").await, ["change/after"]);
}

/// B5: the public index is found corrupt at start (a flipped byte in a segment). Startup
/// throws both indexes away and rebuilds them from `content/` before it serves anything;
/// afterwards anonymous answers hold every public write-up and no members-only canary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_public_index_at_start_is_rebuilt_and_leaks_nothing() {
    use erfa_index::Opened;

    let dir = tempfile::tempdir().expect("a temp dir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    for i in 0..10 {
        write(
            &content,
            &format!("change/public{i}.md"),
            doc("Public", "zqxpublicword", "public").as_bytes(),
        );
        write(
            &content,
            &format!("change/members{i}.md"),
            doc("Members zqxtitlecanary", "zqxmembercanary", "members").as_bytes(),
        );
    }
    let config = || {
        let mut config = Config::local(&content, &data);
        config.scope = Scope::Public;
        config.low_disk_percent = 0;
        config
    };
    let prepared = erfa_server::serve::prepare(config(), &mut |_| {}).expect("first start");
    assert_eq!(prepared.report.added, 20);
    drop(prepared);

    let public = Store::index_dir(&data).join("public");
    let segment = std::fs::read_dir(&public)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("a postings file");
    let mut bytes = std::fs::read(&segment).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&segment, bytes).expect("write");

    let prepared = erfa_server::serve::prepare(config(), &mut |_| {}).expect("second start");
    assert!(
        matches!(&prepared.opened, Opened::Reset(reason) if reason.contains("public")),
        "{:?}",
        prepared.opened
    );
    assert_eq!(prepared.report.added, 20, "rebuilt from content/");
    let app = router(prepared.state.clone());
    let resp = get(&app, "/api/search?q=zqxpublicword&per_page=50").await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json()["total"], 10, "{}", resp.text());
    for probe in [
        "/api/search?q=zqxmembercanary",
        "/?q=zqxmembercanary",
        "/w/change/members0",
        "/feed.atom",
        "/api/suggest?q=zqxtit",
    ] {
        let resp = get(&app, probe).await;
        assert!(
            resp.status.is_success() || resp.status == StatusCode::NOT_FOUND,
            "{probe}"
        );
        // Queries are echoed; the title canary is never part of one.
        assert!(
            !resp.text().contains("zqxtitlecanary"),
            "{probe} shows a members-only write-up"
        );
    }
    let resp = get(&app, "/api/search?q=zqxmembercanary").await;
    assert_eq!(resp.json()["total"], 0, "{}", resp.text());
    let health = get(&app, "/api/health").await;
    assert_eq!(health.status, StatusCode::OK);
}

/// B9, the other half: a panic while rendering one write-up answers that page with one
/// generic 500 (no cause, no path), and every other page and the next request are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_while_rendering_one_page_is_one_generic_500() {
    let marker = erfa_server::render::PANIC_MARKER.get_or_init(|| "zqxpanicmarker".to_string());
    let site = site();
    write(
        site.content.path(),
        "change/panics.md",
        doc("Panics", marker, "public").as_bytes(),
    );
    site.update_now("change/panics.md").await.expect("indexed");
    let resp = get(&site.anonymous, "/w/change/panics").await;
    assert_eq!(resp.status, StatusCode::INTERNAL_SERVER_ERROR);
    let body = resp.text();
    for secret in ["injected", "panicked", "render", ".rs", "change/panics"] {
        assert!(!body.contains(secret), "the 500 shows {secret}: {body}");
    }
    assert!(
        !resp.header("content-security-policy").is_empty(),
        "an answer of erfa's shape"
    );
    let resp = get(&site.anonymous, "/api/writeups/change/panics").await;
    assert!(resp.status == StatusCode::INTERNAL_SERVER_ERROR || resp.status.is_success());
    assert_eq!(get(&site.anonymous, "/w/change/stays").await.status, 200);
    assert_eq!(site.public_hits("zqxstays").await, ["change/stays"]);
}
