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
use crate::questions::api::{
    AnswerJson, QuestionJson, QuestionsResponse, SimilarResponse, ThreadResponse,
};
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
            crate::limits::HEALTH_PATH,
            Access::Open,
            "`{\"status\", \"ready\"}` (503 `starting` until the index is reconciled with the content folder after a start, 503 `failing` when changes no longer reach the index); figures and warnings for the facilitator",
            health,
        ),
        Route::get(
            "/metrics",
            Access::Metrics,
            "Prometheus metrics: requests by route pattern and status, latencies, searches, the index and the watcher; never a query or a name",
            metrics,
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
    /// `ok`; `degraded` when the last index update failed or a disk holding the content
    /// or data folder has less than 5% free; `starting` (with 503) while erfa serves the
    /// last committed index and its first reconciliation with the content folder has not
    /// committed yet; `failing` (with 503) when changes in the content folder no longer
    /// reach the index (the watcher stopped, or its last update panicked and it has not
    /// succeeded since).
    pub status: String,
    /// Whether erfa serves what the content folder holds: the index is open, reconciled
    /// with the folder since start, and the watcher, when there is one, runs.
    pub ready: bool,
    /// What makes the status less than `ok`; only for the facilitator.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    /// When the watcher last brought the index up to date (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_success: Option<i64>,
    /// Write-ups left out of the index because of errors, by path, with the first error.
    pub invalid: std::collections::BTreeMap<String, String>,
}

/// A warning when `dir`'s disk has less than `percent` free.
fn low_disk(what: &str, dir: &std::path::Path, percent: u64) -> Option<String> {
    let stats = fs4::statvfs(dir).ok()?;
    disk_warning(what, stats.available_space(), stats.total_space(), percent)
}

fn disk_warning(what: &str, available: u64, total: u64, percent: u64) -> Option<String> {
    if total == 0 || available.saturating_mul(100) >= total.saturating_mul(percent) {
        return None;
    }
    Some(format!(
        "the disk holding the {what} has {}% free ({} MB)",
        available.saturating_mul(100) / total,
        available / 1_000_000
    ))
}

/// `GET /api/health`: whether erfa serves what the content folder holds, for everyone
/// (503 when it does not); what is wrong and index figures for the facilitator.
#[utoipa::path(
    get,
    path = "/api/health",
    responses(
        (status = 200, description = "erfa is up", body = HealthResponse),
        (status = 503, description = "starting (the index is not yet reconciled with the content folder), or changes no longer reach the index", body = HealthResponse)
    )
)]
async fn health(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let watch = state.watch.as_ref().map(|w| (w.alive(), w.status()));
    // A worker that panicked on its last update is alive and tries again by itself, but
    // until that succeeds, changes do not reach the index.
    let ready = watch
        .as_ref()
        .is_none_or(|(alive, s)| *alive && s.last_panic.is_none());
    let mut warnings = Vec::new();
    match &watch {
        Some((false, _)) => {
            warnings.push("the watcher has stopped: changes no longer reach the index".to_string())
        }
        Some((true, s)) if s.last_panic.is_some() => warnings.push(
            "the reindex worker panicked and is retrying: changes do not reach the index yet"
                .to_string(),
        ),
        _ => {}
    }
    if let Some(error) = watch.as_ref().and_then(|(_, s)| s.last_error.clone()) {
        warnings.push(format!("the last index update failed: {error}"));
    }
    let percent = state.config.low_disk_percent;
    warnings.extend(low_disk(
        "content folder",
        &state.config.content_dir,
        percent,
    ));
    warnings.extend(low_disk("data folder", &state.config.data_dir, percent));
    // Serving the last committed index while the first reconciliation with the content
    // folder runs: answers come, but may lag what changed while erfa was down.
    let starting = ready && watch.as_ref().is_some_and(|(_, s)| !s.reconciled);
    if starting {
        warnings.push(
            "starting: serving the last committed index while it is brought up to date with the content folder"
                .to_string(),
        );
    }
    let status = match (ready, starting, warnings.is_empty()) {
        (false, _, _) => "failing",
        (true, true, _) => "starting",
        (true, false, false) => "degraded",
        (true, false, true) => "ok",
    };
    let ready = ready && !starting;
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    if viewer.scope() != Scope::Facilitator {
        // Others learn only whether erfa serves: not the disk, nor that an update failed
        // (which a members-only file may have caused).
        let status = match (ready, starting) {
            (true, _) => "ok",
            (false, true) => "starting",
            (false, false) => "failing",
        };
        let body = HealthResponse {
            status: status.to_string(),
            ready,
            warnings: Vec::new(),
            index: None,
        };
        return Ok((code, Json(body)).into_response());
    }
    let mut figures = state
        .blocking(|s| {
            Ok(IndexFigures {
                writeups: s.engine.indexed_count(Scope::Facilitator)?,
                published: s.engine.indexed_count(Scope::Members)?,
                public: s.engine.indexed_count(Scope::Public)?,
                generation: s.store.generation()?,
                watching: "off".to_string(),
                poll_reason: None,
                last_error: None,
                last_success: None,
                invalid: Default::default(),
            })
        })
        .await?;
    if let Some((_, status)) = watch {
        figures.watching = match status.mode {
            erfa_index::watch::WatchMode::Events => "events",
            erfa_index::watch::WatchMode::Polling => "polling",
        }
        .to_string();
        figures.poll_reason = status.poll_reason;
        figures.last_error = status.last_error;
        figures.last_success = status.last_success;
        figures.invalid = status
            .invalid
            .into_iter()
            .filter_map(|(path, ds)| ds.first().map(|d| (path, d.render(&d.path))))
            .collect();
    }
    let body = HealthResponse {
        status: status.to_string(),
        ready,
        warnings,
        index: Some(figures),
    };
    Ok((code, Json(body)).into_response())
}

/// `GET /metrics`: the Prometheus text format (version 0.0.4).
async fn metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    let mut figures: crate::metrics::Figures = state
        .blocking(|s| {
            Ok(crate::metrics::Figures {
                writeups: s.engine.indexed_count(erfa_index::Scope::Facilitator)?,
                published: s.engine.indexed_count(erfa_index::Scope::Members)?,
                public: s.engine.indexed_count(erfa_index::Scope::Public)?,
                generation: s.store.generation()?,
                ..crate::metrics::Figures::default()
            })
        })
        .await?;
    match &state.watch {
        Some(watch) => {
            let status = watch.status();
            figures.watcher_alive = watch.alive();
            figures.watcher_last_success = status.last_success;
            figures.watcher_last_update_seconds =
                status.last_update_ms.map_or(0.0, |ms| ms as f64 / 1000.0);
            figures.watcher_busy_seconds = status.busy_since.map_or(0.0, |since| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                (now - since).max(0) as f64 / 1000.0
            });
        }
        None => figures.watcher_alive = false,
    }
    let text = state
        .metrics
        .encode(&figures)
        .map_err(|e| AppError::Internal(format!("writing metrics: {e}")))?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(prometheus_client::encoding::prometheus_text::CONTENT_TYPE),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disk_under_five_percent_free_is_warned_about() {
        assert_eq!(disk_warning("data folder", 6, 100, 5), None);
        assert_eq!(disk_warning("data folder", 5, 100, 5), None);
        assert_eq!(disk_warning("data folder", 0, 100, 0), None, "switched off");
        assert_eq!(
            disk_warning("data folder", 4_000_000, 100_000_000, 5).as_deref(),
            Some("the disk holding the data folder has 4% free (4 MB)")
        );
        assert_eq!(
            disk_warning("content folder", 0, 0, 5),
            None,
            "no figures, no alarm"
        );
    }
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
        crate::questions::api::search,
        crate::questions::api::thread,
        crate::questions::api::similar_json,
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
        QuestionsResponse,
        QuestionJson,
        ThreadResponse,
        AnswerJson,
        SimilarResponse,
        crate::questions::Similar,
        HealthResponse,
        IndexFigures,
        ErrorBody,
        ErrorDetail
    ))
)]
pub struct ApiDoc;
