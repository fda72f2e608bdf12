//! The JSON API under `/api` as one document: its OpenAPI description (generated from
//! the features' handlers and types), and the health check.
//!
//! The shapes are the server's own (index types are not the API), but `/api/search`
//! answers exactly the search core's result shape, so the CLI's `--json` and the API agree.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use erfa_index::Scope;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::access::{Access, Viewer};
use crate::error::{AppError, ErrorBody, ErrorDetail};
use crate::query::{HitJson, SnippetJson};
use crate::route::Route;
use crate::search::api::{
    FacetValueJson, FacetsResponse, SearchResponse, SuggestResponse, SuggestionJson,
};
use crate::state::AppState;
use crate::writeup::api::{RelatedResponse, WriteupResponse};

/// The routes of the API as a whole.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/api/health",
            Access::Open,
            "`{\"status\"}`; index figures for the facilitator",
            health,
        ),
        Route::get(
            "/api/openapi.json",
            Access::Public,
            "This API's OpenAPI 3.1 document",
            openapi_json,
        ),
    ]
}

/// Whether erfa is up, and for the facilitator, figures about the index.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthResponse {
    /// Always `ok` when erfa answers.
    pub status: String,
    /// Index figures; only for the facilitator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexFigures>,
}

/// Index figures for the facilitator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndexFigures {
    /// Write-ups in the index, any status.
    pub writeups: u64,
    /// Published write-ups members can read.
    pub published: u64,
    /// Public, published write-ups anyone can read.
    pub public: u64,
    /// Commits of the index so far.
    pub generation: u64,
    /// How changes in the content folder are noticed: `events`, `polling` or `off`.
    pub watching: String,
    /// Why the folder is polled, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poll_reason: Option<String>,
    /// The last reindexing failure, if the last update failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Write-ups left out of the index because of errors, by path, with the first error.
    pub invalid: std::collections::BTreeMap<String, String>,
}

/// `GET /api/health`: liveness for everyone, index figures for the facilitator.
#[utoipa::path(
    get,
    path = "/api/health",
    responses((status = 200, description = "erfa is up", body = HealthResponse))
)]
async fn health(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<HealthResponse>, AppError> {
    if viewer.scope() != Scope::Facilitator {
        return Ok(Json(HealthResponse {
            status: "ok".to_string(),
            index: None,
        }));
    }
    let figures = state
        .blocking(|s| {
            Ok(IndexFigures {
                writeups: s.engine.count(Scope::Facilitator)?,
                published: s.engine.count(Scope::Members)?,
                public: s.engine.count(Scope::Public)?,
                generation: s.store.generation()?,
                watching: "off".to_string(),
                poll_reason: None,
                last_error: None,
                invalid: Default::default(),
            })
        })
        .await?;
    let mut figures = figures;
    if let Some(watch) = &state.watch {
        let status = watch.status();
        figures.watching = match status.mode {
            erfa_index::watch::WatchMode::Events => "events",
            erfa_index::watch::WatchMode::Polling => "polling",
        }
        .to_string();
        figures.poll_reason = status.poll_reason;
        figures.last_error = status.last_error;
        figures.invalid = status
            .invalid
            .into_iter()
            .filter_map(|(path, ds)| ds.first().map(|d| (path, d.render(&d.path))))
            .collect();
    }
    Ok(Json(HealthResponse {
        status: "ok".to_string(),
        index: Some(figures),
    }))
}

/// `GET /api/openapi.json`: this API's OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json"))
)]
async fn openapi_json() -> Response {
    let body = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_string());
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The OpenAPI document of the JSON API, generated from the features' handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "erfa",
        description = "Search shared IT service management experiences: write-ups with lessons learned and mistakes to avoid. Every answer covers only what the viewer may read."
    ),
    paths(
        crate::search::api::search,
        crate::search::api::facets,
        crate::writeup::api::writeup,
        crate::writeup::api::related_doc,
        crate::search::api::suggest,
        health,
        openapi_json
    ),
    components(schemas(
        SearchResponse,
        HitJson,
        SnippetJson,
        FacetValueJson,
        FacetsResponse,
        WriteupResponse,
        RelatedResponse,
        SuggestResponse,
        SuggestionJson,
        HealthResponse,
        IndexFigures,
        ErrorBody,
        ErrorDetail
    ))
)]
pub struct ApiDoc;
