//! The write-up API: `/api/writeups/{slug}` and its related write-ups.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use erfa_index::Scope;
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::extract::Path;
use crate::query::HitJson;
use crate::state::AppState;
use crate::writeup::{self, Loaded};

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
    /// How sure the group is: validated | not-validated | wip.
    pub confidence: Option<String>,
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
            confidence: front.confidence.map(|c| c.as_str().to_string()),
            source: front.source,
            translation_of: loaded.translation_of.map(|l| l.slug),
            translations: slugs(&loaded.translations),
            related: slugs(&loaded.related),
            supersedes: slugs(&loaded.supersedes),
            superseded_by: slugs(&loaded.superseded_by),
            duplicate_of: loaded.duplicate_of.map(|l| l.slug),
            aliases: loaded.aliases,
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
pub(crate) async fn writeup(
    State(state): State<AppState>,
    viewer: Viewer,
    slug: Result<Path<String>, AppError>,
) -> Result<Response, AppError> {
    let Path(slug) = slug.map_err(|_| AppError::not_found())?;
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
                    return Err(AppError::not_found());
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
        writeup::Lookup::Missing => Err(AppError::not_found()),
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
pub(crate) async fn related_doc() {}
