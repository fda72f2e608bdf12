//! The browse page: write-ups by practice, tag, meeting and date.

use askama::Template;
use axum::response::Response;
use erfa_index::Sort;

use crate::error::AppError;
use crate::page::{Ctx, Layout, html};
use crate::query::filter_link;

use super::HitView;

struct BrowseItem {
    label: String,
    count: u64,
    href: String,
}

struct BrowseGroup {
    id: &'static str,
    heading: &'static str,
    items: Vec<BrowseItem>,
    hits: Vec<HitView>,
}

#[derive(Template)]
#[template(path = "browse.html")]
struct BrowseTemplate {
    layout: Layout,
    groups: Vec<BrowseGroup>,
}

/// `GET /browse`: by practice, tag and meeting, and the newest write-ups.
pub(super) async fn browse(ctx: Ctx) -> Result<Response, AppError> {
    browse_page(&ctx).await
}

async fn browse_page(ctx: &Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let t = lang.t();
    let scope = ctx.scope();
    let results = ctx
        .state
        .blocking(move |s| {
            let mut request = erfa_index::SearchRequest::new("", scope);
            request.sort = Sort::Newest;
            request.per_page = 8;
            s.search(&request)
        })
        .await?;
    let meetings = ctx.state.meetings();
    let list = meetings.as_ref().as_ref();
    let tags = super::tag_labels(ctx).await?;
    let items = |facet: &str| -> Vec<BrowseItem> {
        let mut values = results.facets.get(facet).cloned().unwrap_or_default();
        if facet == "meeting" {
            crate::meetings::sort_newest_first(list, &mut values, |v| v.value.as_str());
        }
        values
            .into_iter()
            .map(|v| BrowseItem {
                label: super::facet_label(lang, list, &tags, facet, &v.value),
                count: v.count,
                href: filter_link(facet, &v.value),
            })
            .collect()
    };
    let groups = vec![
        BrowseGroup {
            id: "newest",
            heading: t.browse_newest,
            items: Vec::new(),
            hits: results
                .hits
                .clone()
                .into_iter()
                .map(|h| HitView::new(h, lang))
                .collect(),
        },
        BrowseGroup {
            id: "practices",
            heading: t.browse_practices,
            items: items("practices"),
            hits: Vec::new(),
        },
        BrowseGroup {
            id: "tags",
            heading: t.browse_tags,
            items: items("tags"),
            hits: Vec::new(),
        },
        BrowseGroup {
            id: "meetings",
            heading: t.browse_meetings,
            items: items("meeting"),
            hits: Vec::new(),
        },
    ];
    html(&BrowseTemplate {
        layout: ctx.layout(t.browse_heading.to_string(), "browse", true),
        groups,
    })
}
