//! The JSON API under `/api`, and its OpenAPI description.
//!
//! The shapes here are the server's own (index types are not the API), but `/api/search`
//! answers exactly the search core's result shape, so the CLI's `--json` and the API agree.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Query;
use axum_extra::extract::QueryRejection;
use erfa_index::{Hit, Scope, SearchRequest, SearchResults, SectionFilter, Sort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::access::{Access, Viewer};
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::route::Route;
use crate::state::AppState;
use crate::writeup::{self, Loaded};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The highest page number accepted.
pub const MAX_PAGE: usize = 1000;

/// The routes under `/api`.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/api/search",
            Access::Public,
            "Search; the search core's result shape",
            search,
        ),
        Route::get(
            "/api/writeups/{*slug}",
            Access::Public,
            "A write-up as JSON, or `…/related`",
            writeup,
        ),
        Route::get(
            "/api/suggest",
            Access::Public,
            "Suggestions while typing",
            suggest,
        ),
        Route::get("/api/facets", Access::Public, "Facet counts", facets),
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

/// The most values one filter takes at a time (`tags=a&tags=b…`). Every answer repeats
/// the selected values in its links, so without a cap the page would grow with the
/// square of what was asked (docs/SECURITY.md, "every request is bounded").
pub const MAX_FILTER_VALUES: usize = 20;

/// The most filter values of all filters together.
pub const MAX_ALL_FILTER_VALUES: usize = 60;

/// Search parameters, shared by `/api/search`, `/api/facets` and the search page. Every
/// filter may repeat (`tags=a&tags=b`): values of one filter are alternatives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text in Danish or English: "phrases", -word to exclude, a OR b, field:value.
    #[serde(default)]
    pub q: String,
    /// lesson | mistake | practice.
    #[serde(default)]
    pub kind: Vec<String>,
    /// ITIL 4 practice slugs.
    #[serde(default)]
    pub practices: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// da | en.
    #[serde(default)]
    pub language: Vec<String>,
    /// Years, or ranges such as 2019..2022.
    #[serde(default)]
    pub year: Vec<String>,
    /// public | private | non-profit.
    #[serde(default)]
    pub sector: Vec<String>,
    /// 1-50 | 50-250 | 250-1000 | 1000+.
    #[serde(default)]
    pub org_size: Vec<String>,
    /// ITSM tools.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Meetings, e.g. 2022-Q1.
    #[serde(default)]
    pub meeting: Vec<String>,
    /// Only the "Lesson learned" or only the "Mistake to avoid" sections: lesson | mistake.
    #[serde(default)]
    pub section: Option<String>,
    /// relevance (default) | newest.
    #[serde(default)]
    pub sort: Option<String>,
    /// Page, from 1.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Hits per page, 1–100 (default 10; larger values are capped at 100).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub per_page: Option<String>,
}

impl SearchParams {
    /// The filters as (facet, values), in the order of `erfa_index::schema::FACETS`.
    pub fn filters(&self) -> Vec<(&'static str, &Vec<String>)> {
        vec![
            ("kind", &self.kind),
            ("practices", &self.practices),
            ("tags", &self.tags),
            ("year", &self.year),
            ("language", &self.language),
            ("sector", &self.sector),
            ("org_size", &self.org_size),
            ("tools", &self.tools),
            ("meeting", &self.meeting),
        ]
    }

    /// Mutable access to a filter's values by facet name.
    pub fn filter_mut(&mut self, facet: &str) -> Option<&mut Vec<String>> {
        Some(match facet {
            "kind" => &mut self.kind,
            "practices" => &mut self.practices,
            "tags" => &mut self.tags,
            "year" => &mut self.year,
            "language" => &mut self.language,
            "sector" => &mut self.sector,
            "org_size" => &mut self.org_size,
            "tools" => &mut self.tools,
            "meeting" => &mut self.meeting,
            _ => return None,
        })
    }

    /// The section filter, checked.
    pub fn section(&self) -> Result<Option<SectionFilter>, ApiError> {
        match self.section.as_deref().map(str::trim) {
            None | Some("") | Some("all") => Ok(None),
            Some("lesson") => Ok(Some(SectionFilter::Lesson)),
            Some("mistake") => Ok(Some(SectionFilter::Mistake)),
            Some(_) => Err(ApiError::bad_request(
                "bad_parameter",
                "section: expected `lesson` or `mistake`",
            )),
        }
    }

    /// The sort order, checked.
    pub fn sort(&self) -> Result<Sort, ApiError> {
        match self.sort.as_deref().map(str::trim) {
            None | Some("") | Some("relevance") => Ok(Sort::Relevance),
            Some("newest") => Ok(Sort::Newest),
            Some(_) => Err(ApiError::bad_request(
                "bad_parameter",
                "sort: expected `relevance` or `newest`",
            )),
        }
    }

    fn number(name: &str, value: Option<&str>, default: usize) -> Result<usize, ApiError> {
        match value.map(str::trim) {
            None | Some("") => Ok(default),
            Some(text) => match text.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(ApiError::bad_request(
                    "bad_parameter",
                    format!("{name}: expected a whole number from 1"),
                )),
            },
        }
    }

    /// The page, checked.
    pub fn page(&self) -> Result<usize, ApiError> {
        let page = Self::number("page", self.page.as_deref(), 1)?;
        if page > MAX_PAGE {
            return Err(ApiError::bad_request(
                "bad_parameter",
                format!("page: expected at most {MAX_PAGE}"),
            ));
        }
        Ok(page)
    }

    /// The page size, checked and capped at 100.
    pub fn per_page(&self) -> Result<usize, ApiError> {
        Ok(Self::number("per_page", self.per_page.as_deref(), 10)?
            .min(erfa_index::search::MAX_PER_PAGE))
    }

    /// The search core's request for this viewer.
    pub fn to_request(&self, scope: Scope) -> Result<SearchRequest, ApiError> {
        if self.q.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad_request(
                "bad_parameter",
                format!("q: expected at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let mut request = SearchRequest::new(self.q.clone(), scope);
        let all: usize = self.filters().iter().map(|(_, v)| v.len()).sum();
        if all > MAX_ALL_FILTER_VALUES {
            return Err(ApiError::bad_request(
                "too_many_values",
                format!(
                    "at most {MAX_ALL_FILTER_VALUES} filter values in all (this asked for {all})"
                ),
            ));
        }
        for (name, values) in self.filters() {
            if values.len() > MAX_FILTER_VALUES {
                return Err(ApiError::bad_request(
                    "too_many_values",
                    format!(
                        "{name}: at most {MAX_FILTER_VALUES} values at a time (this asked for {})",
                        values.len()
                    ),
                ));
            }
            for value in values {
                let value = value.trim();
                if !value.is_empty() {
                    request = request.filter(name, value);
                }
            }
        }
        request.section = self.section()?;
        request.sort = self.sort()?;
        request.page = self.page()?;
        request.per_page = self.per_page()?;
        Ok(request)
    }
}

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
        }
    }
}

/// One search hit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HitJson {
    /// URL name: the write-up is at `/w/{slug}`.
    pub slug: String,
    /// Path relative to the content folder; absent for anonymous viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Title.
    pub title: String,
    /// lesson | mistake | practice.
    pub kind: String,
    /// ITIL 4 practice slugs.
    pub practices: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// `YYYY-MM-DD`, or null when undated.
    pub date: Option<String>,
    /// da | en.
    pub language: String,
    /// Summary.
    pub summary: Option<String>,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
    /// The highlighted passage.
    pub snippet: SnippetJson,
    /// `draft`, `review` or `archived`; absent for published write-ups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl From<Hit> for HitJson {
    fn from(h: Hit) -> Self {
        HitJson {
            slug: h.slug,
            path: h.path,
            title: h.title,
            kind: h.kind.as_str().to_string(),
            practices: h.practices,
            tags: h.tags,
            date: h.date,
            language: h.language.as_str().to_string(),
            summary: h.summary,
            score: h.score,
            snippet: SnippetJson {
                section: h.snippet.section.to_string(),
                html: h.snippet.html,
            },
            status: h.status.map(|s| s.as_str().to_string()),
        }
    }
}

/// The passage of a hit that matched.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnippetJson {
    /// mistake | lesson | summary | body.
    pub section: String,
    /// HTML: text escaped, matches in `<mark>`.
    pub html: String,
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
async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let Query(params) = params.map_err(crate::error::query_error)?;
    let request = params.to_request(viewer.scope())?;
    let first_page = request.page <= 1;
    let results = state
        .blocking(move |s| Ok(s.engine.search(&request)?))
        .await?;
    if first_page {
        crate::insights::record_search(&state, &viewer, &params.q, results.total == 0);
    }
    Ok(Json(results.into()))
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
async fn facets(
    State(state): State<AppState>,
    viewer: Viewer,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<FacetsResponse>, ApiError> {
    let Query(params) = params.map_err(crate::error::query_error)?;
    let mut request = params.to_request(viewer.scope())?;
    request.per_page = 1;
    request.page = 1;
    request.snippets = false;
    let results = state
        .blocking(move |s| Ok(s.engine.search(&request)?))
        .await?;
    let response: SearchResponse = results.into();
    Ok(Json(FacetsResponse {
        scope: response.scope,
        total: response.total,
        facets: response.facets,
    }))
}

/// A write-up: its metadata and its body as sanitised HTML.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WriteupResponse {
    /// URL name.
    pub slug: String,
    /// Path relative to the content folder; absent for anonymous viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// lesson | mistake | practice.
    pub kind: String,
    /// ITIL 4 practice slugs.
    pub practices: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// da | en.
    pub language: String,
    /// `YYYY-MM-DD`, or null.
    pub date: Option<String>,
    /// Authors; empty when shared anonymously.
    pub authors: Vec<String>,
    /// The organisation; never present for anonymous viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// public | private | non-profit.
    pub sector: Option<String>,
    /// 1-50 | 50-250 | 250-1000 | 1000+.
    pub org_size: Option<String>,
    /// ITSM tools.
    pub tools: Vec<String>,
    /// draft | review | published | archived.
    pub status: String,
    /// members | public.
    pub visibility: String,
    /// The meeting where it was presented.
    pub meeting: Option<String>,
    /// Where it was first published.
    pub source: Option<String>,
    /// The same write-up in the other language, when the viewer may read it.
    pub translation_of: Option<String>,
    /// Versions in the other language that name this one, readable by the viewer.
    pub translations: Vec<String>,
    /// Related write-ups named in the front matter, readable by the viewer.
    pub related: Vec<String>,
    /// Write-ups this one replaces, readable by the viewer.
    pub supersedes: Vec<String>,
    /// Write-ups that replace this one, readable by the viewer.
    pub superseded_by: Vec<String>,
    /// The write-up this one duplicates, when readable by the viewer.
    pub duplicate_of: Option<String>,
    /// Old slugs that redirect here.
    pub aliases: Vec<String>,
    /// Links and literature.
    pub references: Vec<String>,
    /// The body rendered from Markdown and sanitised.
    pub html: String,
}

impl WriteupResponse {
    fn new(loaded: Loaded, scope: Scope) -> WriteupResponse {
        let record = loaded.stored.record;
        let front = record.front;
        let slugs = |links: &[crate::writeup::Link]| links.iter().map(|l| l.slug.clone()).collect();
        WriteupResponse {
            path: (scope != Scope::Public).then_some(record.path),
            slug: record.slug,
            title: front.title,
            summary: front.summary,
            kind: front.kind.as_str().to_string(),
            practices: front.practices,
            tags: front.tags,
            language: record.language.as_str().to_string(),
            date: front.date.map(|d| d.to_string()),
            authors: front.authors,
            organisation: if scope == Scope::Public {
                None
            } else {
                front.organisation
            },
            sector: front.sector.map(|s| s.as_str().to_string()),
            // The public index holds neither (erfa_index::schema::public_front); the
            // scope says so again here.
            org_size: if scope == Scope::Public {
                None
            } else {
                front.org_size.map(|s| s.as_str().to_string())
            },
            tools: if scope == Scope::Public {
                Vec::new()
            } else {
                front.tools
            },
            status: front.status.as_str().to_string(),
            visibility: front.visibility.as_str().to_string(),
            meeting: front.meeting,
            source: front.source,
            translation_of: loaded.translation_of.map(|l| l.slug),
            translations: slugs(&loaded.translations),
            related: slugs(&loaded.related),
            supersedes: slugs(&loaded.supersedes),
            superseded_by: slugs(&loaded.superseded_by),
            duplicate_of: loaded.duplicate_of.map(|l| l.slug),
            aliases: if scope == Scope::Public {
                Vec::new()
            } else {
                front.aliases
            },
            references: front.references,
            html: loaded.html,
        }
    }
}

/// Write-ups related to one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedResponse {
    /// The write-up they relate to.
    pub slug: String,
    /// The related write-ups, best first.
    pub hits: Vec<HitJson>,
}

/// `GET /api/writeups/{slug}`: one write-up, by slug.
///
/// A slug that is an alias redirects (301) to the current one. A write-up the viewer may
/// not read answers exactly as one that does not exist.
#[utoipa::path(
    get,
    path = "/api/writeups/{slug}",
    params(("slug" = String, Path, description = "The slug; may contain `/`")),
    responses(
        (status = 200, description = "The write-up", body = WriteupResponse),
        (status = 301, description = "The slug is an alias; Location has the current URL"),
        (status = 404, description = "No such write-up for this viewer", body = ErrorBody),
    )
)]
async fn writeup(
    State(state): State<AppState>,
    viewer: Viewer,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(slug) = slug.map_err(|_| ApiError::not_found())?;
    let scope = viewer.scope();
    if let Some(prefix) = slug.strip_suffix("/related") {
        let prefix = prefix.to_string();
        let exact = slug.clone();
        let found = state
            .blocking(move |s| {
                // A write-up whose own slug ends in `/related` wins over the related list.
                if s.engine.get(&exact, scope)?.is_some() {
                    return Ok(None);
                }
                if s.engine.get(&prefix, scope)?.is_none() {
                    return Err(ApiError::not_found());
                }
                Ok(Some(s.engine.related(&prefix, scope, 10)?))
            })
            .await?;
        if let Some(hits) = found {
            return Ok(Json(RelatedResponse {
                slug: slug.trim_end_matches("/related").to_string(),
                hits: hits.into_iter().map(HitJson::from).collect(),
            })
            .into_response());
        }
    }
    let lookup = slug.clone();
    let loaded = state
        .blocking(move |s| writeup::load(s, &lookup, scope))
        .await?;
    match loaded {
        writeup::Lookup::Found(loaded) => {
            Ok(Json(WriteupResponse::new(*loaded, scope)).into_response())
        }
        writeup::Lookup::Moved(target) => Ok(crate::page::moved_permanently(&format!(
            "/api/writeups/{target}"
        ))),
        writeup::Lookup::Missing => Err(ApiError::not_found()),
    }
}

/// `GET /api/writeups/{slug}/related`: write-ups like this one (documented separately; the
/// handler is [`writeup`], since a wildcard must end the route).
#[utoipa::path(
    get,
    path = "/api/writeups/{slug}/related",
    params(("slug" = String, Path, description = "The slug; may contain `/`")),
    responses(
        (status = 200, description = "Related write-ups", body = RelatedResponse),
        (status = 404, description = "No such write-up for this viewer", body = ErrorBody),
    )
)]
#[allow(dead_code)]
async fn related_doc() {}

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
async fn suggest(
    State(state): State<AppState>,
    viewer: Viewer,
    params: Result<Query<SuggestParams>, QueryRejection>,
) -> Result<Json<SuggestResponse>, ApiError> {
    let Query(params) = params.map_err(crate::error::query_error)?;
    if params.q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(
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
            })
            .collect(),
    }))
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
) -> Result<Json<HealthResponse>, ApiError> {
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

/// The OpenAPI document of the JSON API, generated from the handlers and types above.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "erfa",
        description = "Search shared IT service management experiences: write-ups with lessons learned and mistakes to avoid. Every answer covers only what the viewer may read."
    ),
    paths(search, facets, writeup, related_doc, suggest, health, openapi_json),
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
