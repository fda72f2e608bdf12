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

/// Ids are a counter run through SipHash under a key drawn at random when the process
/// starts (the standard library's `RandomState`): unique in one server's logs, and they
/// tell an outsider neither when erfa started nor how many requests others make.
fn next_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    let key = KEY.get_or_init(std::collections::hash_map::RandomState::new);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut parts = [0u64; 2];
    for (i, part) in parts.iter_mut().enumerate() {
        let mut hasher = key.build_hasher();
        hasher.write_u64(n);
        hasher.write_u8(i as u8);
        *part = hasher.finish();
    }
    format!("{:016x}{:016x}", parts[0], parts[1])
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
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
