//! The server's error: a stable code and a message for the user, or an internal failure
//! whose cause is logged and never shown.
//!
//! Every handler and layer answers a failure with an [`AppError`]. Under `/api` it is JSON,
//! `{"error":{"code":"…","message":"…"}}`, with the status that fits; for pages the edge
//! (`security::edge`) renders the same error as the HTML error page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong while answering a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// The request is malformed: a bad parameter, a value outside its list.
    #[error("{message}")]
    BadRequest {
        /// Stable machine-readable code, e.g. `bad_parameter`.
        code: &'static str,
        /// What was expected, for people.
        message: String,
    },
    /// Nothing here, or nothing this viewer may read (the two are indistinguishable).
    #[error("{0}")]
    NotFound(String),
    /// The request is refused, e.g. by local mode.
    #[error("{message}")]
    Forbidden {
        /// Stable machine-readable code, e.g. `local_mode`.
        code: &'static str,
        /// Why, and what to do about it.
        message: String,
    },
    /// The request needs a login (or a valid token) first.
    #[error("{0}")]
    Unauthorized(String),
    /// Too many failed attempts; try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// The method is not served at this path.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request took longer than the request timeout.
    #[error("the request took too long; please try again")]
    RequestTimeout,
    /// The request body is larger than erfa accepts.
    #[error("the request body is too large (at most 1 MiB)")]
    PayloadTooLarge,
    /// The request's address (path and query) is longer than erfa accepts.
    #[error("the address is too long")]
    UriTooLong,
    /// Another HTTP error, made by the layers around the handlers rather than by erfa's
    /// own code (see [`AppError::from_status`]).
    #[error("{}", status_message(*.0))]
    Status(StatusCode),
    /// The query string is longer than erfa reads.
    #[error("{0}")]
    QueryTooLong(String),
    /// Nothing was written because the disk, or the quota on it, is full. The cause is
    /// logged; the response says only that the disk is full.
    #[error("the server's disk is full; nothing was saved")]
    InsufficientStorage(String),
    /// erfa is answering as many requests as it takes at once; the answer carries
    /// `Retry-After`.
    #[error("erfa is busy right now; please try again in a moment")]
    Busy,
    /// A failure of erfa itself. The cause is logged; the response says only
    /// "internal error".
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// A bad request with `code` and `message`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// "not found".
    pub fn not_found() -> AppError {
        AppError::NotFound("not found".to_string())
    }

    /// An internal failure; `cause` is logged when the response is made, never sent.
    pub fn internal(cause: impl Into<String>) -> AppError {
        AppError::Internal(cause.into())
    }

    /// The error for an answer that carries only a `status`: the variant of that status
    /// where there is one, else [`AppError::Status`].
    pub fn from_status(status: StatusCode) -> AppError {
        match status {
            StatusCode::BAD_REQUEST => AppError::bad_request("bad_request", "bad request"),
            StatusCode::NOT_FOUND => AppError::not_found(),
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => AppError::RequestTimeout,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::URI_TOO_LONG => AppError::UriTooLong,
            StatusCode::INTERNAL_SERVER_ERROR => {
                AppError::internal("an answer of status 500 without a body")
            }
            other => AppError::Status(other),
        }
    }

    /// The error for a rejected request body: 413 when the body was over the limit,
    /// `otherwise` for any other fault (a malformed form, a wrong content type).
    pub fn body_rejected(status: StatusCode, otherwise: AppError) -> AppError {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            otherwise
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UriTooLong => StatusCode::URI_TOO_LONG,
            AppError::Status(status) => *status,
            AppError::QueryTooLong(_) => StatusCode::URI_TOO_LONG,
            AppError::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. } | AppError::Forbidden { code, .. } => code,
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized(_) => "login_required",
            AppError::TooManyRequests(_) => "too_many_attempts",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::RequestTimeout => "request_timeout",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UriTooLong => "uri_too_long",
            AppError::Status(status) => status_code(*status),
            AppError::QueryTooLong(_) => "query_too_long",
            AppError::InsufficientStorage(_) => "insufficient_storage",
            AppError::Busy => "busy",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message a user may see. Internal causes are not part of it.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => "internal error".to_string(),
            other => other.to_string(),
        }
    }

    /// Logs the cause of an internal error or a full disk; other errors are the user's and
    /// not logged.
    pub(crate) fn log(&self) {
        match self {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            AppError::InsufficientStorage(cause) => tracing::error!(%cause, "disk full"),
            _ => {}
        }
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.public_message(),
            },
        }
    }
}

/// The stable code of an HTTP error that has no variant of its own.
fn status_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::LENGTH_REQUIRED => "length_required",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "server_error",
        _ => "client_error",
    }
}

/// The message of an HTTP error that has no variant of its own: its reason phrase.
fn status_message(status: StatusCode) -> String {
    status
        .canonical_reason()
        .map_or_else(|| format!("error {}", status.as_u16()), str::to_lowercase)
}

impl From<erfa_index::Error> for AppError {
    fn from(err: erfa_index::Error) -> Self {
        // A full disk is not a fault of erfa's, and trying again later may work: it gets
        // its own status so that a form can keep what was typed and say so.
        if err.is_storage_full() {
            AppError::InsufficientStorage(err.to_string())
        } else {
            AppError::Internal(err.to_string())
        }
    }
}

impl From<erfa_accounts::Error> for AppError {
    fn from(err: erfa_accounts::Error) -> Self {
        AppError::Internal(format!("state database: {err}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(format!("template: {err}"))
    }
}

/// The answer is the JSON error; the error itself travels with it in the response's
/// extensions, so that the edge (`security::edge`) can answer a page with the HTML error
/// page instead. That is the one place deciding between the two.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let mut response = (self.status(), Json(self.body())).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The JSON shape of every error.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `bad_parameter`, `bad_request`, `not_found`,
    /// `local_mode`, `login_required`, `forbidden`, `csrf`, `too_many_attempts`,
    /// `method_not_allowed`, `request_timeout`, `payload_too_large`, `uri_too_long`,
    /// `insufficient_storage`, `internal`, …
    pub code: String,
    /// What went wrong, for people; "internal error" for failures of erfa itself.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let err = AppError::internal("reading /secret/path: permission denied");
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(err.public_message(), "internal error");
        let json = serde_json::to_string(&err.body()).expect("serialises");
        assert!(!json.contains("secret"), "{json}");
    }

    #[test]
    fn a_full_disk_is_507_and_hides_its_cause() {
        let full = erfa_index::Error::io(
            "writing",
            "/srv/secret/content/submissions/.erfa-tmp-1-1",
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        let err = AppError::from(full);
        assert_eq!(err.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(err.code(), "insufficient_storage");
        let json = serde_json::to_string(&err.body()).expect("serialises");
        assert!(!json.contains("secret"), "{json}");
        let other = erfa_index::Error::io(
            "writing",
            "x",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(AppError::from(other).code(), "internal");
    }

    #[test]
    fn bare_statuses_get_a_stable_code() {
        for (status, code) in [
            (StatusCode::BAD_REQUEST, "bad_request"),
            (StatusCode::NOT_FOUND, "not_found"),
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            (StatusCode::URI_TOO_LONG, "uri_too_long"),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            (StatusCode::IM_A_TEAPOT, "client_error"),
            (StatusCode::BAD_GATEWAY, "server_error"),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        ] {
            let err = AppError::from_status(status);
            assert_eq!(err.status(), status, "{status}");
            assert_eq!(err.code(), code, "{status}");
            assert!(!err.public_message().is_empty(), "{status}");
        }
        assert_eq!(
            AppError::from_status(StatusCode::IM_A_TEAPOT).public_message(),
            "i'm a teapot"
        );
    }

    #[test]
    fn user_errors_keep_code_and_message() {
        let err = AppError::bad_request("bad_parameter", "page: expected a number from 1");
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert_eq!(err.code(), "bad_parameter");
        assert_eq!(err.public_message(), "page: expected a number from 1");
    }
}
