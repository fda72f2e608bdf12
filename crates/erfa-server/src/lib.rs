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

pub mod api;
mod assets;
pub mod auth;
mod desk;
pub mod error;
pub mod i18n;
pub mod limits;
pub mod local;
pub mod pages;
mod people;
pub mod render;
pub mod routes;
pub mod security;
pub mod serve;
pub mod state;
mod submit;
mod writeup;

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use axum::http::HeaderName;
pub use error::ApiError;
pub use state::{AppState, Config, Limits};

/// The largest request body accepted.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole application: API, pages, static files, and the layers every response passes
/// through (local mode, security headers, timeout, compression, tracing).
pub fn router(state: AppState) -> Router {
    let limits = state.config.limits;
    routes::router(&state)
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), limits::bound))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), auth::csrf))
        .layer(middleware::from_fn_with_state(state.clone(), local::guard))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(middleware::map_response(security::headers))
        .layer(middleware::map_response_with_state(
            state.clone(),
            security::hsts,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(
            // Members' searches are confidential: the span holds the path, never the query.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!("request", method = %request.method(), path = %loggable_path(request.uri().path()))
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// Unknown paths: JSON under `/api`, an HTML page elsewhere. Without public access an
/// anonymous visitor is asked to log in first, as on every other page.
async fn fallback(ctx: pages::Ctx, request: Request) -> Response {
    if let Some(denied) = auth::refuse(auth::Access::Public, &ctx.state, &ctx.viewer, &request) {
        return denied;
    }
    if is_api(request.uri().path()) {
        ApiError::not_found().into_response()
    } else {
        pages::fallback(ctx).await
    }
}

/// Known paths with another method.
async fn method_not_allowed(ctx: pages::Ctx, request: Request) -> Response {
    let allow = [(axum::http::header::ALLOW, "GET, HEAD")];
    if request.method() == Method::OPTIONS {
        return (StatusCode::NO_CONTENT, allow).into_response();
    }
    if let Some(denied) = auth::refuse(auth::Access::Public, &ctx.state, &ctx.viewer, &request) {
        return denied;
    }
    if is_api(request.uri().path()) {
        (allow, ApiError::MethodNotAllowed).into_response()
    } else {
        (allow, pages::method_not_allowed(ctx).await).into_response()
    }
}

/// The path as logs may show it: one-time links are secrets, so their last segment is
/// left out.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/invite/") {
        "/invite/…"
    } else {
        path
    }
}

/// Whether `path` is under `/api`, where answers are JSON.
pub(crate) fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// How long a finishing server waits for open requests before it stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
