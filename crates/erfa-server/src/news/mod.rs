//! "News for you": what concerns a member since they last looked — answers to their
//! questions and in threads they answered, publication of and change requests on their
//! submissions, decisions on their meeting topics, new questions and write-ups in the
//! practices and tags they follow — its Atom feed, and choosing what to follow. Items are
//! computed when read (the core's `news_items`), so an item the member may no longer
//! read disappears; marking read moves the member's read mark to the newest item shown.
//!
//! - `feed` — the member's news as Atom (`/news.atom?token=…`): titles and links only.
//! - `words` — the feature's Danish and English text.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{FollowKind, NO_ACCOUNT};
use serde::Deserialize;

use crate::access::Access;
use crate::error::AppError;
use crate::extract::Form;
use crate::follows::FollowsSection;
use crate::news_items::{NewsKind, news_for};
use crate::page::{Ctx, Layout, render};
use crate::route::Route;

mod feed;
mod words;
use words::Words;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/news",
            Access::Member,
            "News for you: answers, reviews, topic decisions, what one follows",
            page,
        ),
        Route::get(
            "/news.atom",
            Access::Member,
            "One's News as Atom, `?token=` of the personal feed: titles and links only",
            feed::feed,
        ),
        Route::post(
            "/news/read",
            Access::Member,
            "Mark one's news read up to the newest item shown",
            mark_read,
        ),
        Route::post(
            "/news/follow",
            Access::Member,
            "Follow a practice or tag, or stop following it",
            follow,
        ),
    ]
}

/// One line on the page.
struct Item {
    what: &'static str,
    title: String,
    href: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "news.html")]
struct NewsTemplate {
    layout: Layout,
    w: &'static Words,
    items: Vec<Item>,
    unread: usize,
    newest: i64,
    follow: FollowsSection,
}

/// The account of the viewer; News needs one (local mode has none).
fn account(ctx: &Ctx) -> Result<i64, AppError> {
    let actor = ctx
        .viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized(ctx.lang.t().error_401_text.to_string()))?;
    if actor.id == NO_ACCOUNT {
        return Err(AppError::bad_request(
            "no_account",
            "News for you needs an account: erfa runs without accounts here",
        ));
    }
    Ok(actor.id)
}

/// What an item's kind is called on the page and in the feed.
fn what(w: &Words, kind: NewsKind) -> &'static str {
    match kind {
        NewsKind::AnswerToMine => w.answer_to_mine,
        NewsKind::AnswerWhereIAnswered => w.answer_where_i_answered,
        NewsKind::FollowedQuestion => w.followed_question,
        NewsKind::Published => w.published,
        NewsKind::ChangesRequested => w.changes_requested,
        NewsKind::TopicAccepted => w.topic_accepted,
        NewsKind::TopicDeclined => w.topic_declined,
        NewsKind::FollowedWriteup => w.followed_writeup,
    }
}

/// A short name of an item's kind, for feed entry ids.
fn kind_id(kind: NewsKind) -> &'static str {
    match kind {
        NewsKind::AnswerToMine => "answer",
        NewsKind::AnswerWhereIAnswered => "answer-where-answered",
        NewsKind::FollowedQuestion => "followed-question",
        NewsKind::Published => "published",
        NewsKind::ChangesRequested => "changes",
        NewsKind::TopicAccepted => "topic-accepted",
        NewsKind::TopicDeclined => "topic-declined",
        NewsKind::FollowedWriteup => "followed-writeup",
    }
}

/// `GET /news`.
async fn page(ctx: Ctx) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let me = account(&ctx)?;
    let scope = ctx.scope();
    let (news, read, follows) = ctx
        .state
        .blocking(move |s| {
            let accounts = s.accounts()?;
            let read = accounts.news_read_until(me)?;
            Ok((
                news_for(s, &accounts, me, scope, 0)?,
                read,
                accounts.follows(me)?,
            ))
        })
        .await?;
    let newest = news.iter().map(|n| n.at).max().unwrap_or(0);
    let items: Vec<Item> = news
        .into_iter()
        .map(|n| Item {
            what: what(w, n.kind),
            title: n.title,
            href: n.href,
            unread: n.at > read,
        })
        .collect();
    let unread = items.iter().filter(|i| i.unread).count();
    let mut layout = ctx.layout(w.title.to_string(), "news", false);
    // The header counts what this page shows as new.
    layout.news = Some(unread);
    render(
        &NewsTemplate {
            layout,
            w,
            items,
            unread,
            newest,
            follow: FollowsSection::new(ctx.lang, follows, "news"),
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Deserialize)]
struct ReadForm {
    until: i64,
}

/// `POST /news/read`: `until=<unix seconds>`.
async fn mark_read(ctx: Ctx, Form(form): Form<ReadForm>) -> Result<Response, AppError> {
    let me = account(&ctx)?;
    if form.until < 0 {
        return Err(AppError::bad_request("bad_until", "until: expected a time"));
    }
    ctx.state
        .blocking(move |s| Ok(s.accounts()?.mark_news_read(me, form.until)?))
        .await?;
    Ok(Redirect::to("/news").into_response())
}

#[derive(Debug, Deserialize)]
struct FollowForm {
    kind: String,
    target: String,
    #[serde(default)]
    on: String,
    /// `account` leads back to the Account page; anything else to News.
    #[serde(default)]
    back: String,
}

/// `POST /news/follow`: `kind=practice|tag&target=…&on=yes|no`.
async fn follow(ctx: Ctx, Form(form): Form<FollowForm>) -> Result<Response, AppError> {
    let me = account(&ctx)?;
    let Some(kind) = FollowKind::parse(&form.kind) else {
        return Err(AppError::bad_request(
            "bad_kind",
            "kind: expected practice or tag",
        ));
    };
    let target = form.target.trim().to_lowercase();
    if target.is_empty() || target.chars().count() > 50 || target.chars().any(char::is_control) {
        return Err(AppError::bad_request(
            "bad_target",
            "target: a practice or tag of at most 50 characters",
        ));
    }
    if kind == FollowKind::Practice && !erfa_index::vocab::is_practice(&target) {
        return Err(AppError::bad_request(
            "bad_practice",
            "target: not an ITIL practice",
        ));
    }
    let on = match form.on.as_str() {
        "" | "yes" => true,
        "no" => false,
        _ => return Err(AppError::bad_request("bad_on", "on: expected yes or no")),
    };
    ctx.state
        .blocking(move |s| {
            let accounts = s.accounts()?;
            if on {
                accounts.follow(me, kind, &target)?;
            } else {
                accounts.unfollow(me, kind, &target)?;
            }
            Ok(())
        })
        .await?;
    let back = if form.back == "account" {
        "/account#follows"
    } else {
        "/news#follows"
    };
    Ok(Redirect::to(back).into_response())
}
