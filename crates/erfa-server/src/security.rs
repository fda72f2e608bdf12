//! The edge: the outermost layer, which every answer passes whatever made it (handlers,
//! fallbacks, extractor rejections, the body limit, timeouts, local mode's refusals).
//!
//! It adds the security headers: a strict Content-Security-Policy without inline script
//! or style, no framing, no MIME sniffing, a same-origin referrer, and `no-store` unless
//! the response chose its own caching (static assets do). And it gives an error that
//! carries only a status (a 413 from the body limit, a 408 from the timeout, a plain-text
//! rejection) erfa's error shape: `{"error":{"code":"…","message":"…"}}` under `/api`,
//! the HTML error page elsewhere (docs/routes.md).

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::access::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// The Content-Security-Policy of every response. Scripts, styles and images come from
/// erfa itself only; nothing may frame erfa, plugins are off, `<base>` is ignored, and
/// forms post only to erfa.
pub const CSP: &str = "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The edge layer: gives every error erfa's shape, then adds the security headers.
///
/// An error made by erfa's code carries its [`AppError`] (see `error`): under `/api` its
/// JSON stays, elsewhere it becomes the HTML error page. A bare error (a status from a
/// layer around the handlers) becomes the one or the other likewise.
pub async fn edge(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let api = crate::is_api(request.uri().path());
    let lang = Lang::negotiate(request.headers());
    let mut response = next.run(request).await;
    let error = response.extensions_mut().remove::<AppError>();
    response = match error {
        Some(error) if !api => shape(&state, api, lang, response, error),
        Some(_) => response,
        None if is_bare_error(&response) => {
            let error = AppError::from_status(response.status());
            error.log();
            shape(&state, api, lang, response, error)
        }
        None => response,
    };
    add_headers(response.headers_mut(), hsts(&state));
    response
}

/// Whether `response` is an error whose body is neither erfa's JSON error nor an HTML
/// page: empty (timeouts, the body limit, 414) or plain text (extractor rejections).
fn is_bare_error(response: &Response) -> bool {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    let mime = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim();
    !(mime.eq_ignore_ascii_case("application/json") || mime.eq_ignore_ascii_case("text/html"))
}

/// Headers that describe a body; they go with the body a shaped error replaces.
const BODY_HEADERS: [HeaderName; 7] = [
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::CONTENT_ENCODING,
    header::CONTENT_DISPOSITION,
    header::CONTENT_RANGE,
    header::ETAG,
    header::LAST_MODIFIED,
];

/// The error `response` in erfa's shape for `error`, with the same status and the headers
/// it carried (`Allow`, `Vary`, `Set-Cookie`, `WWW-Authenticate`, …) other than those of
/// its body.
fn shape(state: &AppState, api: bool, lang: Lang, response: Response, error: AppError) -> Response {
    let (mut parts, _) = response.into_parts();
    let viewer = parts
        .extensions
        .get::<Viewer>()
        .cloned()
        .unwrap_or_else(Viewer::anonymous);
    let shaped = if api {
        (error.status(), axum::Json(error.body())).into_response()
    } else {
        crate::page::error_page(state, lang, viewer, &error)
    };
    let (shaped_parts, body) = shaped.into_parts();
    for name in &BODY_HEADERS {
        parts.headers.remove(name);
    }
    for name in shaped_parts.headers.keys() {
        parts.headers.remove(name);
    }
    for (name, value) in &shaped_parts.headers {
        parts.headers.append(name, value.clone());
    }
    Response::from_parts(parts, body)
}

/// Whether answers carry `Strict-Transport-Security`: when members reach erfa over HTTPS
/// (`public_url` says so), browsers then refuse plain HTTP to this host for a year.
fn hsts(state: &AppState) -> bool {
    state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

/// Adds the security headers to an answer's headers (and HSTS when `hsts`).
pub fn add_headers(h: &mut HeaderMap, hsts: bool) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        // Members' pages and answers must not linger in shared or browser caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}
