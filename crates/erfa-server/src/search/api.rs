//! The search API: `/api/search`, `/api/facets` and `/api/suggest`.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::OnceLock;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use erfa_index::SearchResults;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::extract::Query;
use crate::query::{HitJson, MAX_QUERY_CHARS, SearchParams};
use crate::state::{AppState, Found};

/// A search result page: the search core's result shape.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The query as typed.
    pub query: String,
    /// The scope searched: public, members or facilitator.
    pub scope: String,
    /// Matching write-ups in all.
    pub total: u64,
    /// 1-based page.
    pub page: usize,
    /// Page size.
    pub per_page: usize,
    /// This page's hits.
    pub hits: Vec<HitJson>,
    /// Counts per facet value, by front-matter name; a facet's counts ignore its own
    /// filter.
    pub facets: BTreeMap<String, Vec<FacetValueJson>>,
    /// A corrected query, when nothing matched.
    pub did_you_mean: Option<String>,
    /// The query as searched, when the query as typed found nothing and this one, with
    /// å, ø and æ for the `aa`, `oe` and `ae` typed, did; absent otherwise.
    /// Also the query as searched when typed words that occur nowhere the viewer may
    /// read were corrected (then `corrected_from` is the query as typed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searched_for: Option<String>,
    /// The query as typed, when the results are for the corrected `searched_for`; search
    /// again with `literal=1` for the words exactly as typed. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_from: Option<String>,
    /// The glossary's other-language terms searched besides the words typed
    /// (`incident` → `hændelse`); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expanded: Vec<String>,
}

impl From<SearchResults> for SearchResponse {
    fn from(r: SearchResults) -> Self {
        SearchResponse {
            query: r.query,
            scope: r.scope.as_str().to_string(),
            total: r.total,
            page: r.page,
            per_page: r.per_page,
            hits: r.hits.into_iter().map(HitJson::from).collect(),
            facets: r
                .facets
                .into_iter()
                .map(|(name, values)| {
                    (
                        name.to_string(),
                        values
                            .into_iter()
                            .map(|v| FacetValueJson {
                                value: v.value,
                                count: v.count,
                            })
                            .collect(),
                    )
                })
                .collect(),
            did_you_mean: r.did_you_mean,
            searched_for: r.searched_for,
            corrected_from: r.corrected_from,
            expanded: r.expanded,
        }
    }
}

/// A facet value and its count.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacetValueJson {
    /// The value.
    pub value: String,
    /// Matching write-ups with it.
    pub count: u64,
}

/// `GET /api/search`: search the write-ups the viewer may read.
#[utoipa::path(
    get,
    path = "/api/search",
    params(SearchParams),
    responses(
        (status = 200, description = "Results", body = SearchResponse),
        (status = 400, description = "A parameter is malformed", body = ErrorBody),
        (status = 403, description = "Refused by local mode", body = ErrorBody),
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let request = params.to_request(viewer.scope())?;
    // A word still being typed is no search of its own for the insights.
    let first_page = request.page <= 1 && !request.prefix_last;
    let found = state.search_or_kept(request).await?;
    if first_page {
        let none = found.results().total == 0;
        crate::insights::record_search(&state, &viewer, &params.q, none);
    }
    Ok(match found {
        Found::Fresh(results) => Json(SearchResponse::from(results)).into_response(),
        Found::Kept(answer) => match answer.rendered(Rendered::new) {
            Some(rendered) => rendered.response(accepts_gzip(&headers)),
            None => Json(SearchResponse::from(answer.results().clone())).into_response(),
        },
    })
}

/// A kept answer's response, made once and kept with the answer
/// ([`erfa_index::Answer`]): its JSON, and the JSON gzipped when first asked for. A
/// repeated search then costs neither copying the results, nor writing them as JSON, nor
/// compressing them, which together took a third of the server's time under repeated
/// searches (docs/BENCHMARKS.md, "Kept answers kept rendered").
struct Rendered {
    json: Bytes,
    gzip: OnceLock<Bytes>,
}

impl Rendered {
    fn new(results: &SearchResults) -> Rendered {
        let json = serde_json::to_vec(&SearchResponse::from(results.clone()))
            .expect("a search response is always JSON");
        Rendered {
            json: Bytes::from(json),
            gzip: OnceLock::new(),
        }
    }

    /// The response: gzipped (at the compression layer's level, the fastest) when
    /// `gzip`, else the JSON for the compression layer to encode as the request asks.
    fn response(&self, gzip: bool) -> Response {
        let json = [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )];
        if !gzip {
            return (json, self.json.clone()).into_response();
        }
        let body = self.gzip.get_or_init(|| {
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(self.json.len() / 3),
                flate2::Compression::fast(),
            );
            encoder
                .write_all(&self.json)
                .and_then(|()| encoder.finish())
                .map(Bytes::from)
                .expect("gzip into memory does not fail")
        });
        (
            json,
            [
                (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
                (header::VARY, HeaderValue::from_static("accept-encoding")),
            ],
            body.clone(),
        )
            .into_response()
    }
}

/// Whether the request accepts gzip plainly: `gzip` listed without a weight. Any other
/// form (`gzip;q=0.5`, only `*`) is left to the compression layer to weigh.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut plain = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        for coding in value.split(',').map(str::trim) {
            if coding.eq_ignore_ascii_case("gzip") {
                plain = true;
            } else if coding
                .get(..4)
                .is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
            {
                return false;
            }
        }
    }
    plain
}

/// Facet counts for a query and filters (all write-ups when there are none).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacetsResponse {
    /// The scope counted.
    pub scope: String,
    /// Matching write-ups in all.
    pub total: u64,
    /// Counts per facet value, by front-matter name.
    pub facets: BTreeMap<String, Vec<FacetValueJson>>,
}

/// `GET /api/facets`: facet counts, optionally for a query and filters.
#[utoipa::path(
    get,
    path = "/api/facets",
    params(SearchParams),
    responses(
        (status = 200, description = "Counts", body = FacetsResponse),
        (status = 400, description = "A parameter is malformed", body = ErrorBody),
    )
)]
pub(crate) async fn facets(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<SearchParams>,
) -> Result<Json<FacetsResponse>, AppError> {
    let mut request = params.to_request(viewer.scope())?;
    request.per_page = 1;
    request.page = 1;
    request.snippets = false;
    let results = state.search_soon(request).await?;
    let response: SearchResponse = results.into();
    Ok(Json(FacetsResponse {
        scope: response.scope,
        total: response.total,
        facets: response.facets,
    }))
}

/// Parameters of `/api/suggest`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What has been typed so far.
    #[serde(default)]
    pub q: String,
    /// Most suggestions, 1–20 (default 8).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20)]
    pub limit: Option<String>,
}

/// Suggestions for what is being typed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestResponse {
    /// What was typed.
    pub query: String,
    /// Titles and tags, best first.
    pub suggestions: Vec<SuggestionJson>,
}

/// One suggestion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestionJson {
    /// What to show and search for.
    pub text: String,
    /// title | tag.
    pub kind: String,
    /// The write-up, for titles.
    pub slug: Option<String>,
    /// The value for the `tags` filter, for tags (`text` is its label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `GET /api/suggest`: titles and tags for search-as-you-type.
#[utoipa::path(
    get,
    path = "/api/suggest",
    params(SuggestParams),
    responses(
        (status = 200, description = "Suggestions", body = SuggestResponse),
        (status = 400, description = "A parameter is malformed", body = ErrorBody),
    )
)]
pub(crate) async fn suggest(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<SuggestParams>,
) -> Result<Json<SuggestResponse>, AppError> {
    if params.q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_request(
            "bad_parameter",
            format!("q: expected at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let limit = SearchParams::number("limit", params.limit.as_deref(), 8)?.min(20);
    let scope = viewer.scope();
    let q = params.q.clone();
    let suggestions = state
        .blocking(move |s| Ok(s.engine.suggest(&q, scope, limit)?))
        .await?;
    Ok(Json(SuggestResponse {
        query: params.q,
        suggestions: suggestions
            .into_iter()
            .map(|s| SuggestionJson {
                text: s.text,
                kind: s.kind.to_string(),
                slug: s.slug,
                value: s.value,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(values: &[&str]) -> bool {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        accepts_gzip(&headers)
    }

    #[test]
    fn gzip_is_sent_ready_made_only_when_asked_for_plainly() {
        for plain in [
            &["gzip"][..],
            &["GZIP"],
            &["br, gzip"],
            &["identity;q=0, gzip"],
            &["br", "gzip"],
        ] {
            assert!(accepts(plain), "{plain:?}");
        }
        for weighed in [
            &[][..],
            &["gzip;q=0"],
            &["gzip ;q=0"],
            &["gzip;q=1"],
            &["gzip", "gzip;q=0"],
            &["x-gzip"],
            &["gzipx"],
            &["*"],
            &["identity"],
            &["br"],
        ] {
            assert!(!accepts(weighed), "{weighed:?}");
        }
    }
}
