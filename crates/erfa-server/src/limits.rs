//! Bounds on every request and every answer erfa makes (docs/SECURITY.md, "every request
//! is bounded"): a request target of at most 16 KiB, a query string of at most 8 KB,
//! headers of at most 32 KiB, and no generated answer above 8 MiB.
//!
//! The cap on answers is the last line of defence, not the first: parameters are bounded
//! where they are read (20 values per filter, query length, page numbers), and a test
//! sweeps every route with hostile parameters to show that no answer comes near the cap.
//! Attachments and downloads keep their own size cap and pass through.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use tokio::sync::Semaphore;

use crate::error::AppError;

/// The longest request target (path and query) accepted; longer ones get 414. Far above
/// what erfa's own links and forms make, and below hyper's own limit (64 KiB), whose bare
/// answer carries no headers.
pub const MAX_URI_BYTES: usize = 16 * 1024;

/// The most header bytes (names and values) a request may carry; more get 431. The
/// server loop's read buffer ([`crate::serve::MAX_HEAD_BYTES`]) bounds the memory a head
/// takes; this bound is exact.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The longest query string read, in bytes.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The largest answer erfa generates, in bytes (attachments excepted). A write-up's
/// source is at most 1 MiB, and escaping makes at most six bytes of one (`"` is
/// `&quot;`): the page of any write-up fits.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// Refuses headers over [`MAX_HEADER_BYTES`] with 431, a query string over
/// [`MAX_QUERY_BYTES`] with 414, and replaces a generated
/// answer over [`MAX_ANSWER_BYTES`] by an internal error (logged with its size).
pub(crate) async fn bound(request: Request, next: Next) -> Response {
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers > MAX_HEADER_BYTES {
        return AppError::Status(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE).into_response();
    }
    let query = request.uri().query().map_or(0, str::len);
    if query > MAX_QUERY_BYTES {
        return AppError::QueryTooLong(format!(
            "the query string is {query} bytes long; erfa reads at most {MAX_QUERY_BYTES} \
             (ask for fewer filter values or a shorter query)"
        ))
        .into_response();
    }
    let response = next.run(request).await;
    if response.headers().contains_key(header::CONTENT_DISPOSITION) {
        return response;
    }
    if axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_some_and(|n| n <= MAX_ANSWER_BYTES as u64)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_ANSWER_BYTES).await {
        Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
        Err(e) => AppError::internal(format!(
            "an answer over {MAX_ANSWER_BYTES} bytes was not sent: {e}"
        ))
        .into_response(),
    }
}

/// Refuses a request target longer than [`MAX_URI_BYTES`] with a bare 414, which the
/// edge gives its shape.
pub(crate) async fn uri_limit(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if length > MAX_URI_BYTES {
        return StatusCode::URI_TOO_LONG.into_response();
    }
    next.run(request).await
}

/// Where health is answered: always, even past the cap of [`shed`].
pub(crate) const HEALTH_PATH: &str = "/api/health";

/// Whether [`shed`] answers `path` whatever the load: health, and the style sheet, script
/// and icon, which are constants in memory and without which the busy page itself would
/// show unstyled.
fn always_answered(path: &str) -> bool {
    path == HEALTH_PATH || path.starts_with(crate::assets::PREFIX)
}

/// How long a client told that erfa is busy is asked to wait (`Retry-After`, seconds).
pub const RETRY_AFTER_SECS: u32 = 1;

/// Marks a request that arrived on a connection over the connection caps: it is answered
/// 503 at once (docs/ARCHITECTURE.md, "Overload").
#[derive(Debug, Clone, Copy)]
pub(crate) struct OverCap;

/// The requests being answered at once: at most
/// [`crate::Limits::max_requests_in_flight`].
pub(crate) type InFlight = Arc<Semaphore>;

/// Answers a request over the cap on requests in flight, or one from a connection over
/// the connection caps, with 503 and `Retry-After` at once, so the excess of an overload
/// learns it in a moment instead of queueing behind everyone else. `/api/health` is always
/// answered: it is cheap, and a health check that fails under load would make a load
/// balancer take a busy erfa out of service; so are the assets ([`always_answered`]).
pub(crate) async fn shed(
    State(in_flight): State<InFlight>,
    request: Request,
    next: Next,
) -> Response {
    if always_answered(request.uri().path()) {
        return next.run(request).await;
    }
    if request.extensions().get::<OverCap>().is_none()
        && let Ok(permit) = in_flight.try_acquire_owned()
    {
        let response = next.run(request).await;
        drop(permit);
        return response;
    }
    tracing::debug!(path = %request.uri().path(), "busy: answered 503");
    busy()
}

/// The 503 of [`shed`].
fn busy() -> Response {
    let mut response = AppError::Busy.into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}
