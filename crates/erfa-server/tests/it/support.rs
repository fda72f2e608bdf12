//! Shared test fixtures: a content folder of inline write-ups, indexed in RAM, behind the
//! real router; requests go through `tower::ServiceExt::oneshot`, no socket.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use erfa_index::{Engine, Indexer, Mode, Scope, Store, UpdateReport, WriterOptions};
use erfa_server::{AppState, Config, router};
use serde_json::Value;
use tower::ServiceExt;

/// A smallest valid PNG (1×1, transparent).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// The sample collection most tests use.
pub fn sample() -> Vec<(&'static str, String)> {
    vec![
        (
            "change/cab-copied.md",
            "---\ntitle: We copied a bank's CAB 1:1 and it did not fit\nsummary: A change advisory board model from a bank slowed a small IT department down.\nkind: mistake\npractices: [change-enablement]\ntags: [cab, governance]\nlanguage: en\ndate: 2022-03-10\norganisation: Secret Kommune\nsector: public\norg_size: 1-50\ntools: [TOPdesk]\nvisibility: public\nmeeting: 2022-Q1\naliases: [old/cab]\nsource: https://example.org/cab\n---\n## Problem\n\nOur CAB reviewed every change, even printer queues.\n\n![The old flow](diagram.png)\n\n## Mistake to avoid\n\nCopying a change process 1:1 from a much larger organisation.\n\n## Lesson learned\n\nScale the change advisory board to the organisation.\n".to_string(),
        ),
        (
            "change/cab-kopieret.md",
            "---\ntitle: Vi kopierede en banks CAB 1:1\nkind: mistake\npractices: [change-enablement]\ntags: [cab]\nlanguage: da\ndate: 2022-03-11\ntranslation_of: change/cab-copied\nmeeting: 2022-Q1\n---\n## Fejl at undgå\n\nAt kopiere en ændringsproces fra en meget større organisation.\n".to_string(),
        ),
        (
            "incident/swarming.md",
            "---\ntitle: Swarming instead of tiers\nsummary: We replaced three support tiers with swarming.\nkind: lesson\npractices: [incident-management, service-desk]\ntags: [swarming, major-incident]\nlanguage: en\ndate: 2023-05-01\nauthors: [Jane Doe]\nsupersedes: [incident/old-tiers]\nrelated: [change/cab-copied]\nmeeting: 2023-Q2\n---\n## Lesson learned\n\nSwarming on incidents cut the resolution time in half.\n\n## What happened\n\nThe service desk pulled in specialists at once.\n".to_string(),
        ),
        (
            "incident/old-tiers.md",
            "---\ntitle: Three support tiers for incidents\nkind: practice\npractices: [incident-management]\ntags: [tiers]\nlanguage: en\ndate: 2019-01-15\nstatus: archived\n---\n## Context\n\nIncidents moved from tier to tier.\n".to_string(),
        ),
        (
            "drafts/idea.md",
            "---\ntitle: A draft about problem management\nkind: lesson\npractices: [problem-management]\nlanguage: en\nstatus: draft\n---\n## Lesson learned\n\nProblem records need an owner.\n".to_string(),
        ),
    ]
}

/// A router over `files` written to a temp content folder and indexed in RAM.
pub struct App {
    /// The router.
    pub router: Router,
    /// The content folder (kept alive for attachments).
    pub content: tempfile::TempDir,
}

/// Writes `files`, indexes them, and builds the router for `scope` in local mode.
pub fn app_with(files: &[(&str, String)], scope: Scope) -> App {
    app_configured(files, |config| config.scope = scope)
}

/// As [`app_with`], with the settings of local mode changed by `configure`.
pub fn app_configured(files: &[(&str, String)], configure: impl FnOnce(&mut Config)) -> App {
    let content = tempfile::tempdir().expect("a temp dir");
    for (path, text) in files {
        write(content.path(), path, text.as_bytes());
    }
    let store = Store::in_ram();
    let Indexed { engine, report, .. } = index(&store, content.path());
    assert_eq!(report.errors, 0, "fixture errors: {:?}", report.diagnostics);
    let mut config = Config::local(content.path(), content.path().join(".erfa"));
    // Answers compared byte for byte must not depend on the disk of the machine running
    // the tests; the disk warning has its own test.
    config.low_disk_percent = 0;
    configure(&mut config);
    App {
        router: router(AppState::new(store, engine, config)),
        content,
    }
}

/// The sample collection with `glossary` as `_glossary.yaml`, read by the engine, for
/// `scope`.
pub fn sample_app_with_glossary(scope: Scope, glossary: &str) -> App {
    let content = tempfile::tempdir().expect("a temp dir");
    for (path, text) in sample() {
        write(content.path(), path, text.as_bytes());
    }
    write(content.path(), "_glossary.yaml", glossary.as_bytes());
    let store = Store::in_ram();
    let Indexed { engine, .. } = index(&store, content.path());
    engine.set_glossary(&erfa_index::glossary::Glossary::load(content.path()).glossary);
    let mut config = Config::local(content.path(), content.path().join(".erfa"));
    config.low_disk_percent = 0;
    config.scope = scope;
    App {
        router: router(AppState::new(store, engine, config)),
        content,
    }
}

/// The sample collection with its attachment, for the facilitator (local mode).
pub fn sample_app() -> App {
    sample_app_for(Scope::Facilitator)
}

/// The sample collection with its attachment, for `scope`.
pub fn sample_app_for(scope: Scope) -> App {
    let app = app_with(&sample(), scope);
    write(app.content.path(), "change/diagram.png", PNG);
    app
}

/// What [`index`] gives: the writer (for a watcher to take over), an engine that sees
/// the update, and its report.
pub struct Indexed {
    pub indexer: Indexer,
    pub engine: Engine,
    pub report: UpdateReport,
}

/// Indexes `content` into `store`.
pub fn index(store: &Store, content: &Path) -> Indexed {
    let mut indexer = Indexer::new(store, WriterOptions::default()).expect("an indexer");
    let report = indexer
        .update(content, Mode::Incremental, &mut |_| {})
        .expect("indexed");
    let engine = Engine::new(store).expect("an engine");
    engine.reload().expect("reloaded");
    Indexed {
        indexer,
        engine,
        report,
    }
}

/// Writes a file into the content folder.
pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let full = root.join(rel);
    std::fs::create_dir_all(full.parent().expect("a parent")).expect("folders");
    std::fs::write(full, bytes).expect("written");
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub bytes: Vec<u8>,
}

impl Resp {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The content type without parameters.
    pub fn mime(&self) -> &str {
        self.header("content-type")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
    }
}

/// Sends a request through the router.
pub async fn send(router: &Router, request: Request<Body>) -> Resp {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .expect("a body")
        .to_vec();
    Resp {
        status,
        headers,
        bytes,
    }
}

/// A GET from this machine (`Host: localhost`).
pub async fn get(router: &Router, uri: &str) -> Resp {
    send(router, request(uri).body(Body::empty()).expect("a request")).await
}

/// A GET builder with `Host: 127.0.0.1:8080`.
pub fn request(uri: &str) -> axum::http::request::Builder {
    Request::get(uri).header("host", "127.0.0.1:8080")
}

/// Percent-encodes a query value.
pub fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[path = "../../../../tests/support/alone.rs"]
mod alone;
pub use alone::{alone_in_own_process, memory, reset_peak};
