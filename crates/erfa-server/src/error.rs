//! The server's error: a stable code and a message for the user, or an internal failure
//! whose cause is logged and never shown.
//!
//! Under `/api` an error is JSON, `{"error":{"code":"…","message":"…"}}`, with the status
//! that fits; pages render the same error as an HTML page (see `pages`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong while answering a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
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
    /// The query string is longer than erfa reads.
    #[error("{0}")]
    UriTooLong(String),
    /// Nothing was written because the disk, or the quota on it, is full. The cause is
    /// logged; the response says only that the disk is full.
    #[error("the server's disk is full; nothing was saved")]
    InsufficientStorage(String),
    /// A failure of erfa itself. The cause is logged; the response says only
    /// "internal error".
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A bad request with `code` and `message`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// "not found".
    pub fn not_found() -> ApiError {
        ApiError::NotFound("not found".to_string())
    }

    /// An internal failure; `cause` is logged when the response is made, never sent.
    pub fn internal(cause: impl Into<String>) -> ApiError {
        ApiError::Internal(cause.into())
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            ApiError::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } | ApiError::Forbidden { code, .. } => code,
            ApiError::NotFound(_) => "not_found",
            ApiError::Unauthorized(_) => "login_required",
            ApiError::TooManyRequests(_) => "too_many_attempts",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::UriTooLong(_) => "query_too_long",
            ApiError::InsufficientStorage(_) => "insufficient_storage",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The message a user may see. Internal causes are not part of it.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => "internal error".to_string(),
            other => other.to_string(),
        }
    }

    /// Logs the cause of an internal error or a full disk; other errors are the user's and
    /// not logged.
    pub(crate) fn log(&self) {
        match self {
            ApiError::Internal(cause) => tracing::error!(%cause, "internal error"),
            ApiError::InsufficientStorage(cause) => tracing::error!(%cause, "disk full"),
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

impl From<erfa_index::Error> for ApiError {
    fn from(err: erfa_index::Error) -> Self {
        // A full disk is not a fault of erfa's, and trying again later may work: it gets
        // its own status so that a form can keep what was typed and say so.
        if err.is_storage_full() {
            ApiError::InsufficientStorage(err.to_string())
        } else {
            ApiError::Internal(err.to_string())
        }
    }
}

impl From<erfa_accounts::Error> for ApiError {
    fn from(err: erfa_accounts::Error) -> Self {
        ApiError::Internal(format!("state database: {err}"))
    }
}

impl From<askama::Error> for ApiError {
    fn from(err: askama::Error) -> Self {
        ApiError::Internal(format!("template: {err}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        (self.status(), Json(self.body())).into_response()
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
    /// Stable machine-readable code: `bad_parameter`, `not_found`, `local_mode`,
    /// `login_required`, `forbidden`, `csrf`, `too_many_attempts`, `method_not_allowed`,
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
        let err = ApiError::internal("reading /secret/path: permission denied");
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
        let err = ApiError::from(full);
        assert_eq!(err.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(err.code(), "insufficient_storage");
        let json = serde_json::to_string(&err.body()).expect("serialises");
        assert!(!json.contains("secret"), "{json}");
        let other = erfa_index::Error::io(
            "writing",
            "x",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(ApiError::from(other).code(), "internal");
    }

    #[test]
    fn user_errors_keep_code_and_message() {
        let err = ApiError::bad_request("bad_parameter", "page: expected a number from 1");
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert_eq!(err.code(), "bad_parameter");
        assert_eq!(err.public_message(), "page: expected a number from 1");
    }
}
