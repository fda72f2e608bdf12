//! The Atom feed and the OpenSearch description.

use askama::Template;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use erfa_index::Sort;

use crate::error::AppError;
use crate::page::Ctx;

struct FeedEntry {
    title: String,
    slug: String,
    updated: String,
    author: String,
    categories: Vec<String>,
    summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct FeedTemplate {
    lang: &'static str,
    title: &'static str,
    base: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

fn atom_date(date: Option<&str>) -> String {
    match date {
        Some(d) => format!("{d}T00:00:00Z"),
        None => "1970-01-01T00:00:00Z".to_string(),
    }
}

/// `GET /feed.atom`: the newest published write-ups the viewer may read.
pub(super) async fn feed(ctx: Ctx) -> Result<Response, AppError> {
    let scope = ctx.scope();
    let results = ctx
        .state
        .blocking(move |s| {
            let mut request =
                erfa_index::SearchRequest::new("", scope).filter("status", "published");
            request.sort = Sort::Newest;
            request.per_page = 30;
            request.facets = false;
            s.search(&request)
        })
        .await?;
    let lang = ctx.lang;
    let entries: Vec<FeedEntry> = results
        .hits
        .into_iter()
        .map(|h| FeedEntry {
            updated: atom_date(h.published.as_deref().or(h.date.as_deref())),
            author: "erfa".to_string(),
            categories: h.practices.iter().chain(h.tags.iter()).cloned().collect(),
            summary: h
                .summary
                .clone()
                .unwrap_or_else(|| lang.facet_value("kind", h.kind.as_str())),
            title: h.title,
            slug: h.slug,
        })
        .collect();
    let template = FeedTemplate {
        lang: lang.code(),
        title: lang.t().feed_title,
        base: ctx.base_url(),
        updated: entries
            .first()
            .map_or_else(|| atom_date(None), |e| e.updated.clone()),
        entries,
    };
    let xml = template.render()?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "opensearch.xml")]
struct OpenSearchTemplate {
    base: String,
    description: &'static str,
}

/// `GET /opensearch.xml`: lets a browser add erfa as a search engine.
pub(super) async fn opensearch(ctx: Ctx) -> Result<Response, AppError> {
    let template = OpenSearchTemplate {
        base: ctx.base_url(),
        description: ctx.lang.t().opensearch_description,
    };
    let xml = template.render()?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/opensearchdescription+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}
