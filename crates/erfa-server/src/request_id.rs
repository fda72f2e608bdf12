//! A request id for every request: in the request's log span (so every line logged while
//! answering carries it) and in the `X-Request-Id` answer header, so a member who reports
//! a problem can name the request and the person who runs erfa can find it in the logs.
//!
//! erfa makes the id itself; one sent by the client is ignored, so nothing a client
//! chooses reaches the logs this way.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The header that carries the id in answers.
pub(crate) const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of one request, in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

static NEXT: AtomicU64 = AtomicU64::new(1);

/// Ids are the process's start time and a counter: unique in one server's logs, and
/// unique across restarts.
fn next_id() -> String {
    static STARTED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let started = *STARTED.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    format!("{started:x}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The layer that gives each request its id (outside the trace layer, which logs it).
pub(crate) async fn assign(mut request: Request, next: Next) -> Response {
    let id = next_id();
    request.headers_mut().remove(&HEADER);
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

/// The id of `request`, or `-` outside the layer.
pub(crate) fn of(request: &Request) -> &str {
    request
        .extensions()
        .get::<RequestId>()
        .map_or("-", |id| id.0.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_differ() {
        let a = super::next_id();
        let b = super::next_id();
        assert_ne!(a, b);
        assert!(a.contains('-'));
    }
}
