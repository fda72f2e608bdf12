//! The extractors handlers use for forms, query strings and path segments. Each is the
//! axum (or axum-extra) extractor of the same name whose rejection is an [`AppError`], so
//! that a malformed request takes the one error path every other failure takes: JSON
//! under `/api`, the error page elsewhere (decided at the edge, `security::edge`).

use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A URL-encoded form body (`application/x-www-form-urlencoded`).
pub(crate) struct Form<T>(pub(crate) T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(rejection) => Err(form_error(&rejection)),
        }
    }
}

/// A query string; repeated keys fill lists (`?tag=a&tag=b`).
pub(crate) struct Query<T>(pub(crate) T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum_extra::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum_extra::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(AppError::bad_request(
                "bad_query_string",
                format!("bad query string: {}", rejection.body_text()),
            )),
        }
    }
}

/// Path segments captured by the route; a segment that does not decode is a bad request.
/// (Where a path names a write-up, a handler may answer 404 instead, as for any other
/// name that does not exist.)
pub(crate) struct Path<T>(pub(crate) T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(path_error(&rejection)),
        }
    }
}

/// A refused form: 413 when the body was over the limit, else 400 `bad_form`.
fn form_error(rejection: &FormRejection) -> AppError {
    AppError::body_rejected(
        rejection.status(),
        AppError::bad_request("bad_form", format!("bad form: {}", rejection.body_text())),
    )
}

/// A path segment that does not decode (bad percent-encoding, not UTF-8).
fn path_error(rejection: &PathRejection) -> AppError {
    AppError::bad_request("bad_path", format!("bad path: {}", rejection.body_text()))
}
