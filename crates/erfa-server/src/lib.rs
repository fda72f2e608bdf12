//! erfa's HTTP server: a JSON API under `/api` and server-rendered HTML pages over the
//! erfa index, in local mode until accounts exist.
//!
//! [`router`] builds the whole application as an axum [`Router`]; [`serve`] runs it on a
//! socket with the limits a long-running server needs. Tests call the router directly:
//!
//! ```
//! use erfa_index::{Engine, Indexer, Mode, Store, WriterOptions};
//! use erfa_server::{AppState, Config, router};
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let content = tempfile::tempdir()?;
//! std::fs::write(
//!     content.path().join("cab.md"),
//!     "---\ntitle: We copied a CAB\nkind: mistake\n---\n## Mistake to avoid\n\nCopying 1:1.\n",
//! )?;
//! let store = Store::in_ram();
//! Indexer::new(&store, WriterOptions::default())?.update(content.path(), Mode::Incremental, &mut |_| {})?;
//! let engine = Engine::new(&store)?;
//! engine.reload()?;
//! let app = router(AppState::new(store, engine, Config::local(content.path(), "unused")));
//!
//! let request = axum::http::Request::get("/api/search?q=cab")
//!     .header("host", "localhost")
//!     .body(axum::body::Body::empty())?;
//! let response = app.oneshot(request).await?;
//! assert_eq!(response.status(), 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Unsafe code is for the binary alone (its call into the allocator).
#![forbid(unsafe_code)]

// The core: every feature may use these; they use no feature.
mod access; // who is asking, the least access a route needs, the rule comparing them
mod assets; // the embedded style sheet, script and icon
mod clock; // times in Danish time
mod diagnostic_words; // check results in plain words
mod error; // AppError and the JSON error shape
mod extract; // Form, Query and Path whose rejection is an AppError
mod follows; // what a member follows, as News and the Account page show it
mod guards; // login throttle, hashing permits
mod history; // the git history of content/, when it has one
mod i18n; // Danish and English interface text
mod insights; // recording searches for the desk, off the request path
mod limits; // query-string and answer caps
mod local; // local mode's rules
mod mail; // mail through the configured SMTP server: fixed neutral text, a bounded queue
mod meetings; // the meetings list as pages show it
mod metrics; // /metrics: requests, latencies, search, index and watcher figures
mod news_items; // the items of a member's News for you, checked against what they may read
mod page; // the page frame: Ctx, Layout, rendering, error pages
mod query; // search parameters, search page URLs, a hit as JSON
mod question_index; // the members' questions as a side index, and their label as hits
pub mod render; // Markdown to sanitised HTML
mod request_id; // an id per request, in its log span and the X-Request-Id header
mod route; // the Route type, the router built from the table, refusals
mod security; // the edge: security headers and the error shape on every answer
pub mod serve; // startup, connection caps, graceful shutdown
mod session; // the layers that find the viewer and check CSRF
mod site; // static files, robots.txt, the language switch
mod state; // AppState and Config

// The features: each uses only the core (`api` also names the search and write-up
// handlers, to describe them in one OpenAPI document).
mod api; // the OpenAPI document and /api/health
pub mod auth; // logging in and out
mod desk; // the facilitator's desk under /admin, and the digest
mod help; // the help page: searching, writing a good write-up
mod news; // news for you: answers and followed questions, and what one follows
mod people; // accounts, one-time links, the people page
mod questions; // ask the group: questions, answers, helpful marks, drafts from threads
mod search; // the search page, browse, feeds, the search API
mod share; // sharing an experience, "My write-ups"
mod topics; // meeting topics: proposals, votes, comments, decisions
mod writeup; // the write-up page and API, attachments

use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::route::Route;

pub use axum::http::HeaderName;
pub use error::AppError;
pub use mail::Mailer;
pub use search::api::SearchResponse;
pub use state::{AppState, Config, Limits};

/// The largest request body accepted.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole application: API, pages, static files, and the layers every response passes
/// through (local mode, timeout, limits, compression, tracing). The edge
/// (`security::edge`) is the outermost layer: every answer, whatever made it, gets the
/// security headers there, and an error that carries only a status gets erfa's error
/// shape.
pub fn router(state: AppState) -> Router {
    let limits = state.config.limits;
    news_items::start_rounds(&state);
    route::router(&state, all_routes())
        .fallback(fallback)
        // A panic in a handler (a bug met by one write-up, say) answers that request with
        // one generic 500, logged with its cause; the connection and every other request
        // go on.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |payload: Box<dyn std::any::Any + Send>| {
                let cause = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_string());
                axum::response::IntoResponse::into_response(AppError::internal(format!(
                    "a handler panicked: {cause}"
                )))
            },
        ))
        .layer(middleware::from_fn(limits::bound))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::authenticate,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), session::csrf))
        .layer(middleware::from_fn_with_state(state.clone(), local::guard))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(limits::uri_limit))
        // gzip's fastest level: answers are made per request, and level 6 (the default)
        // took more time than the search itself (docs/BENCHMARKS.md, "HTTP, against
        // tantivy-cli").
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(
            // Members' searches are confidential: the span holds the route, never the path
            // or the query (docs/SECURITY.md).
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        id = %request_id::of(request),
                        method = %request.method(),
                        path = %loggable_path(request)
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(middleware::from_fn(request_id::assign))
        .layer(middleware::from_fn_with_state(
            limits::InFlight::new(tokio::sync::Semaphore::new(
                limits
                    .max_requests_in_flight
                    .clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
            )),
            limits::shed,
        ))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::measure,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::edge,
        ))
        .with_state(state)
}

/// Every route erfa serves, feature by feature: the one place that says who may use
/// what (docs/routes.md).
fn all_routes() -> Vec<Route> {
    let mut routes = search::routes();
    routes.extend(writeup::routes());
    routes.extend(api::routes());
    routes.extend(site::routes());
    routes.extend(auth::routes());
    routes.extend(people::routes());
    routes.extend(desk::routes());
    routes.extend(share::routes());
    routes.extend(topics::routes());
    routes.extend(questions::routes());
    routes.extend(help::routes());
    routes.extend(news::routes());
    routes
}

/// The route table, as the tests and `docs/routes.md` see it.
pub mod routes {
    pub use crate::route::RouteSpec;

    /// Every route erfa serves.
    pub fn table() -> Vec<RouteSpec> {
        crate::route::specs(crate::all_routes())
    }

    /// The table as the Markdown table in `docs/routes.md`.
    pub fn markdown() -> String {
        crate::route::markdown(&table())
    }
}

/// Paths the route table does not know: what a missing path answers this viewer
/// ([`route::missing`]).
async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    let viewer = access::Viewer::of(request.extensions());
    route::missing(&state, &viewer, request.headers(), request.uri())
}

/// The path as logs may show it: the route's pattern (`/w/{*slug}`), never the path
/// itself, which names write-ups, people and one-time links; `unmatched` for a path no
/// route serves.
fn loggable_path(request: &Request) -> &str {
    request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
}

/// Whether `path` is under `/api`, where answers are JSON.
pub(crate) fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// How long a finishing server waits for open requests before it stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
