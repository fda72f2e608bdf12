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

    /// Logs the cause of an internal error; other errors are the user's and not logged.
    pub(crate) fn log(&self) {
        if let ApiError::Internal(cause) = self {
            tracing::error!(%cause, "internal error");
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
        ApiError::Internal(err.to_string())
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
    /// `internal`, …
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
    fn user_errors_keep_code_and_message() {
        let err = ApiError::bad_request("bad_parameter", "page: expected a number from 1");
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert_eq!(err.code(), "bad_parameter");
        assert_eq!(err.public_message(), "page: expected a number from 1");
    }
}
