//! Headers every response carries, whatever produced it (handlers, fallbacks, rejections,
//! timeouts): a strict Content-Security-Policy without inline script or style, no
//! framing, no MIME sniffing, a same-origin referrer, and `no-store` unless the response
//! chose its own caching (static assets do).

use axum::http::header::{self, HeaderValue};
use axum::response::Response;

/// The Content-Security-Policy of every response. Scripts, styles and images come from
/// erfa itself only; nothing may frame erfa, plugins are off, `<base>` is ignored, and
/// forms post only to erfa.
pub const CSP: &str = "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Adds the security headers to a response.
pub async fn headers(mut response: Response) -> Response {
    let h = response.headers_mut();
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
    response
}

/// `Strict-Transport-Security` when members reach erfa over HTTPS (`public_url` says so):
/// browsers then refuse plain HTTP to this host for a year.
pub async fn hsts(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    mut response: Response,
) -> Response {
    if state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
    {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}
