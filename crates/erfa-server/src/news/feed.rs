//! The member's News as Atom, for a feed reader holding their personal feed address
//! (`/news.atom?token=…`, the same token as the personal `/feed.atom`). An entry is a
//! title, a link and what kind of news it is: no text of a write-up, question or answer,
//! so a feed reader that syncs to a third party carries no members-only text beyond the
//! titles the member's personal feed already carries.

use askama::Template;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::{Words, account, what};
use crate::error::AppError;
use crate::news_items::news_for;
use crate::page::Ctx;

struct Entry {
    title: String,
    href: String,
    kind: &'static str,
    what: &'static str,
    at: i64,
    updated: String,
}

#[derive(Template)]
#[template(path = "news.xml")]
struct NewsFeed {
    lang: &'static str,
    title: &'static str,
    base: String,
    updated: String,
    entries: Vec<Entry>,
}

/// `GET /news.atom`: the newest items of the viewer's News.
pub(super) async fn feed(ctx: Ctx) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let me = account(&ctx)?;
    let scope = ctx.scope();
    let items = ctx
        .state
        .blocking(move |s| news_for(s, &*s.accounts()?, me, scope, 0))
        .await?;
    let entries: Vec<Entry> = items
        .into_iter()
        .take(50)
        .map(|i| Entry {
            what: what(w, i.kind),
            kind: super::kind_id(i.kind),
            updated: crate::clock::utc_rfc3339(i.at),
            at: i.at,
            title: i.title,
            href: i.href,
        })
        .collect();
    let feed = NewsFeed {
        lang: ctx.lang.code(),
        title: w.feed_title,
        base: ctx.base_url(),
        updated: entries
            .first()
            .map_or_else(|| crate::clock::utc_rfc3339(0), |e| e.updated.clone()),
        entries,
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        feed.render()?,
    )
        .into_response())
}
