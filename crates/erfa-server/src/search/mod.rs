//! Search: the search page, browse, the Atom feed and OpenSearch description, and the
//! search API. Every page works without JavaScript; all state is in the URL.
//!
//! Templates are askama's, compiled in and escaped automatically. The only HTML inserted
//! raw is a hit's snippet, made from the index's text and match ranges by
//! `query::snippet_html` (escaped text and `<mark>`).

pub(crate) mod api;
mod browse;
mod feed;
mod page;
mod words;

use erfa_index::Hit;

use crate::access::Access;
use crate::i18n::{self, Lang};
use crate::route::Route;

/// The routes of search.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get("/", Access::Public, "Search page", page::search),
        Route::get(
            "/browse",
            Access::Public,
            "Browse by practice, tag, meeting, newest",
            browse::browse,
        ),
        Route::get(
            "/feed.atom",
            Access::Public,
            "Atom feed; `?token=` for a member's personal feed",
            feed::feed,
        ),
        Route::get(
            "/feed",
            Access::Public,
            "Following erfa in a feed reader: the feed addresses",
            feed::feed_page,
        ),
        Route::post(
            "/feed/personal",
            Access::Member,
            "A new personal feed address, shown once",
            feed::feed_page_new,
        ),
        Route::get(
            "/opensearch.xml",
            Access::Public,
            "OpenSearch description",
            feed::opensearch,
        ),
        Route::get(
            "/api/search",
            Access::Public,
            "Search; the search core's result shape",
            api::search,
        ),
        Route::get(
            "/api/suggest",
            Access::Public,
            "Suggestions while typing",
            api::suggest,
        ),
        Route::get("/api/facets", Access::Public, "Facet counts", api::facets),
    ]
}

/// A hit as the templates show it.
pub(crate) struct HitView {
    href: String,
    title: String,
    kind: &'static str,
    kind_label: String,
    date: String,
    practices: String,
    language: &'static str,
    snippet_section: &'static str,
    snippet_label: &'static str,
    snippet_html: String,
    /// Draft, in review or archived (only the facilitator finds those).
    status: Option<(&'static str, &'static str)>,
}

impl HitView {
    fn new(hit: Hit, lang: Lang) -> HitView {
        HitView {
            status: hit
                .status
                .map(|s| (s.as_str(), lang.status_name(s.as_str()))),
            href: format!("/w/{}", hit.slug),
            kind: hit.kind.as_str(),
            kind_label: lang.facet_value("kind", hit.kind.as_str()),
            date: hit.date.unwrap_or_else(|| lang.t().undated.to_string()),
            practices: hit
                .practices
                .iter()
                .map(|p| i18n::practice_name(p))
                .collect::<Vec<_>>()
                .join(" · "),
            language: hit.language.as_str(),
            snippet_section: hit.snippet.section,
            snippet_label: lang.section_label(hit.snippet.section),
            // Escaped text; only <mark> is markup.
            snippet_html: crate::query::snippet_html(&hit.snippet),
            title: hit.title,
        }
    }
}

/// Each tag's label for the viewer, by tag key: its most common spelling among the
/// write-ups the viewer may read (`Engine::tag_labels`).
type TagLabels = std::collections::BTreeMap<String, String>;

/// The tag labels of the viewer's scope.
async fn tag_labels(ctx: &crate::page::Ctx) -> Result<TagLabels, crate::error::AppError> {
    let scope = ctx.scope();
    ctx.state
        .blocking(move |s| Ok(s.engine.tag_labels(scope)?))
        .await
}

/// The label of a facet value: a meeting by its title and date ([`crate::meetings`]), a
/// tag by its label in `tags` (as typed when it has none), anything else as
/// [`Lang::facet_value`] names it.
fn facet_label(
    lang: Lang,
    meetings: Option<&erfa_index::meetings::Meetings>,
    tags: &TagLabels,
    facet: &str,
    value: &str,
) -> String {
    match facet {
        "meeting" => crate::meetings::label(meetings, value),
        "tags" => tags
            .get(&erfa_index::slug::tag(value))
            .cloned()
            .unwrap_or_else(|| value.to_string()),
        _ => lang.facet_value(facet, value),
    }
}
