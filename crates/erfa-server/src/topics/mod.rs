//! Meeting topics: members propose what the coming meetings are about, vote (one vote per
//! member per topic, withdrawable) and comment briefly; the facilitator accepts or
//! declines each with a note (on the agenda page) and links the write-ups that came out
//! of a topic. Members-only, always: topics live in `state.db`, never in the index, and
//! refer to account ids. Whoever proposed a topic is shown to other members only when
//! they chose so; the facilitator always sees who.

use std::collections::HashSet;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{
    Accounts, Actor, MAX_TOPIC_TEXT, MAX_TOPIC_TITLE, NO_ACCOUNT, NewTopic, Topic, TopicComment,
    TopicState,
};
use erfa_index::Date;
use erfa_index::meetings::{Meeting, Meetings};
use serde::Deserialize;

use crate::access::{Access, Rank};
use crate::error::AppError;
use crate::extract::{Form, Path, Query};
use crate::i18n::{Lang, Strings};
use crate::page::{Ctx, Layout, render};
use crate::route::Route;
use crate::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/meetings",
            Access::Member,
            "Meetings: the agenda, proposed topics, votes, one's own proposals",
            page,
        ),
        Route::post(
            "/meetings/topics",
            Access::Member,
            "Propose a topic for a coming meeting",
            propose,
        ),
        Route::post(
            "/meetings/topics/{id}/vote",
            Access::Member,
            "Vote for a topic, or withdraw the vote",
            vote,
        ),
        Route::post(
            "/meetings/topics/{id}/comment",
            Access::Member,
            "Comment on a topic",
            comment,
        ),
        Route::post(
            "/admin/topics/{id}",
            Access::Facilitator,
            "Accept, decline or reopen a topic; link or unlink a write-up that came of it",
            decide,
        ),
    ]
}

/// A topic as a page shows it to the viewer.
pub(crate) struct TopicView {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) why: String,
    /// The write-up it is about, when the viewer may read it: (href, title).
    pub(crate) about: Option<(String, String)>,
    /// Who proposed it, as the viewer may know.
    pub(crate) by: String,
    /// "2 votes", in the page's language.
    pub(crate) votes_label: String,
    pub(crate) voted: bool,
    pub(crate) open: bool,
    pub(crate) state: &'static str,
    pub(crate) state_label: &'static str,
    /// The facilitator's note, for the member who proposed it and the facilitator.
    pub(crate) note: Option<String>,
    pub(crate) comments: Vec<CommentView>,
    /// Write-ups that came out of it and the viewer may read: (slug, title).
    pub(crate) outcomes: Vec<(String, String)>,
}

pub(crate) struct CommentView {
    pub(crate) by: String,
    pub(crate) text: String,
    pub(crate) at: String,
}

/// One meeting with its topics.
struct MeetingView {
    id: String,
    heading: String,
    accepted: Vec<TopicView>,
    proposed: Vec<TopicView>,
}

#[derive(Debug, Default, Deserialize)]
struct ProposeForm {
    #[serde(default)]
    meeting: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    why: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    named: String,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsTemplate {
    layout: Layout,
    notice: Option<&'static str>,
    /// Field errors of the proposal form: (field id, message).
    errors: Vec<(&'static str, &'static str)>,
    listed: bool,
    upcoming: Vec<MeetingView>,
    earlier: Option<MeetingView>,
    /// The meetings one can propose for: (id, label, chosen).
    choices: Vec<(String, String, bool)>,
    form: ProposeForm,
    mine: Vec<TopicView>,
    facilitator: bool,
}

impl MeetingsTemplate {
    fn error(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| *m)
    }
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    done: String,
}

fn accounts(ctx: &Ctx) -> Result<std::sync::Arc<Accounts>, AppError> {
    ctx.state.accounts()
}

/// Who the viewer is in the records of topics: their account, or the person at the
/// machine in local mode.
fn actor(ctx: &Ctx) -> Result<Actor, AppError> {
    ctx.viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized(ctx.lang.t().error_401_text.to_string()))
}

fn today() -> Date {
    Date::parse(&crate::clock::danish_today()).unwrap_or_else(Date::today)
}

/// The meetings on or after today, soonest first.
fn upcoming(list: &Meetings) -> Vec<&Meeting> {
    let today = today();
    list.all().iter().filter(|m| m.date >= today).collect()
}

/// Everything the page needs to show topics to one viewer. Blocking.
pub(crate) struct Shown {
    topics: Vec<Topic>,
    comments: Vec<TopicComment>,
    votes: HashSet<i64>,
    me: i64,
    facilitator: bool,
    lang: Lang,
}

impl Shown {
    /// The topics of `meetings` (every meeting with `None`) as `ctx`'s viewer may see them.
    pub(crate) fn load(
        state: &AppState,
        meetings: &[&str],
        me: i64,
        facilitator: bool,
        lang: Lang,
    ) -> Result<Shown, AppError> {
        let accounts = state.accounts()?;
        let mut topics = Vec::new();
        let mut comments = Vec::new();
        for meeting in meetings {
            topics.extend(accounts.topics(Some(meeting))?);
            comments.extend(accounts.topic_comments(meeting)?);
        }
        Ok(Shown {
            topics,
            comments,
            votes: accounts.topic_votes_of(me)?,
            me,
            facilitator,
            lang,
        })
    }

    /// One topic as the viewer sees it.
    pub(crate) fn view(&self, state: &AppState, scope: erfa_index::Scope, t: &Topic) -> TopicView {
        let s = self.lang.t();
        let mine = t.author_id == self.me && self.me != NO_ACCOUNT;
        let by = if mine {
            s.topic_you.to_string()
        } else if self.facilitator || t.named {
            t.author
                .clone()
                .unwrap_or_else(|| s.topic_former.to_string())
        } else {
            s.topic_a_member.to_string()
        };
        let readable = |slug: &str| -> Option<(String, String)> {
            let stored = state.engine.get(slug, scope).ok()??;
            Some((
                stored.record.slug.clone(),
                stored.record.front.title.clone(),
            ))
        };
        TopicView {
            id: t.id,
            title: t.title.clone(),
            why: t.why.clone(),
            about: (!t.link.is_empty())
                .then(|| readable(&t.link))
                .flatten()
                .map(|(slug, title)| (format!("/w/{slug}"), title)),
            by,
            votes_label: self.lang.count_votes(t.votes),
            voted: self.votes.contains(&t.id),
            open: t.state == TopicState::Proposed,
            state: t.state.as_str(),
            state_label: state_label(s, t.state),
            note: (!t.note.is_empty() && (mine || self.facilitator)).then(|| t.note.clone()),
            comments: self
                .comments
                .iter()
                .filter(|c| c.topic == t.id)
                .map(|c| CommentView {
                    by: if c.author_id == self.me && self.me != NO_ACCOUNT {
                        s.topic_you.to_string()
                    } else if self.facilitator {
                        c.author
                            .clone()
                            .unwrap_or_else(|| s.topic_former.to_string())
                    } else {
                        s.topic_a_member.to_string()
                    },
                    text: c.text.clone(),
                    at: crate::clock::danish_minute(c.at),
                })
                .collect(),
            outcomes: t
                .outcomes
                .iter()
                .filter_map(|slug| readable(slug))
                .collect(),
        }
    }

    /// The loaded topics of `meeting`.
    pub(crate) fn of<'a>(&'a self, meeting: &'a str) -> impl Iterator<Item = &'a Topic> + 'a {
        self.topics.iter().filter(move |t| t.meeting == meeting)
    }
}

fn state_label(s: &Strings, state: TopicState) -> &'static str {
    match state {
        TopicState::Proposed => s.topic_state_proposed,
        TopicState::Accepted => s.topic_state_accepted,
        TopicState::Declined => s.topic_state_declined,
    }
}

/// `GET /meetings`.
async fn page(ctx: Ctx, query: Result<Query<PageQuery>, AppError>) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let notice = match query.map(|q| q.0.done).unwrap_or_default().as_str() {
        "proposed" => Some(t.topic_done_proposed),
        _ => None,
    };
    meetings_page(
        &ctx,
        notice,
        Vec::new(),
        ProposeForm::default(),
        StatusCode::OK,
    )
    .await
}

async fn meetings_page(
    ctx: &Ctx,
    notice: Option<&'static str>,
    errors: Vec<(&'static str, &'static str)>,
    form: ProposeForm,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let t = lang.t();
    let me = actor(ctx)?.id;
    let facilitator = ctx.viewer.rank >= Rank::Facilitator;
    let scope = ctx.scope();
    let list = ctx.state.meetings();
    let (upcoming, earlier, mine) = {
        let list = list.clone();
        ctx.state
            .blocking(move |s| {
                let Some(list) = list.as_ref().as_ref() else {
                    return Ok((Vec::new(), None, Vec::new()));
                };
                let ahead = upcoming(list);
                let last = list.last_before(today());
                let mut ids: Vec<&str> = ahead.iter().map(|m| m.id.as_str()).collect();
                ids.extend(last.map(|m| m.id.as_str()));
                let shown = Shown::load(s, &ids, me, facilitator, lang)?;
                let section = |m: &Meeting| {
                    let (accepted, proposed): (Vec<&Topic>, Vec<&Topic>) = shown
                        .of(&m.id)
                        .filter(|t| t.state != TopicState::Declined)
                        .partition(|t| t.state == TopicState::Accepted);
                    MeetingView {
                        id: m.id.clone(),
                        heading: crate::meetings::describe(m),
                        accepted: accepted
                            .into_iter()
                            .map(|x| shown.view(s, scope, x))
                            .collect(),
                        proposed: proposed
                            .into_iter()
                            .map(|x| shown.view(s, scope, x))
                            .collect(),
                    }
                };
                let upcoming: Vec<MeetingView> = ahead.iter().map(|m| section(m)).collect();
                let earlier = last.map(section).filter(|m| !m.accepted.is_empty());
                let mine: Vec<TopicView> = if me == NO_ACCOUNT {
                    Vec::new()
                } else {
                    let all = Shown::load(s, &[], me, facilitator, lang)?;
                    let accounts = s.accounts()?;
                    let own: Vec<Topic> = accounts
                        .topics(None)?
                        .into_iter()
                        .filter(|x| x.author_id == me)
                        .collect();
                    own.iter().map(|x| all.view(s, scope, x)).collect()
                };
                Ok((upcoming, earlier, mine))
            })
            .await?
    };
    let listed = list.is_some();
    let chosen = if form.meeting.is_empty() {
        upcoming.first().map(|m| m.id.clone()).unwrap_or_default()
    } else {
        form.meeting.clone()
    };
    let choices = upcoming
        .iter()
        .map(|m| (m.id.clone(), m.heading.clone(), m.id == chosen))
        .collect();
    let template = MeetingsTemplate {
        layout: ctx.layout(t.meetings_title.to_string(), "meetings", false),
        notice,
        errors,
        listed,
        upcoming,
        earlier,
        choices,
        form,
        mine,
        facilitator,
    };
    render(&template, status)
}

/// `POST /meetings/topics`.
async fn propose(ctx: Ctx, Form(form): Form<ProposeForm>) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let by = actor(&ctx)?;
    let list = ctx.state.meetings();
    let mut errors = Vec::new();
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TOPIC_TITLE || title.contains('\n') {
        errors.push(("topic-title", t.err_topic_title));
    }
    let why = form.why.trim();
    if why.is_empty() || why.chars().count() > MAX_TOPIC_TEXT {
        errors.push(("topic-why", t.err_topic_why));
    }
    let open = list
        .as_ref()
        .as_ref()
        .is_some_and(|l| upcoming(l).iter().any(|m| m.id == form.meeting));
    if !open {
        errors.push(("topic-meeting", t.err_topic_meeting));
    }
    let link = form
        .link
        .trim()
        .trim_matches('/')
        .trim_start_matches("w/")
        .to_string();
    let scope = ctx.scope();
    let link = if link.is_empty() {
        String::new()
    } else {
        let wanted = link.clone();
        let found = ctx
            .state
            .blocking(move |s| Ok(s.engine.get(&wanted, scope)?.map(|x| x.record.slug)))
            .await?;
        match found {
            Some(slug) => slug,
            None => {
                errors.push(("topic-link", t.err_topic_link));
                link
            }
        }
    };
    if !errors.is_empty() {
        return meetings_page(&ctx, None, errors, form, StatusCode::BAD_REQUEST).await;
    }
    let (meeting, title, why, named) = (
        form.meeting.clone(),
        title.to_string(),
        why.to_string(),
        !form.named.is_empty(),
    );
    let accounts = accounts(&ctx)?;
    ctx.state
        .blocking(move |_| {
            accounts.propose_topic(
                &by,
                NewTopic {
                    meeting: &meeting,
                    title: &title,
                    why: &why,
                    link: &link,
                    named,
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/meetings?done=proposed").into_response())
}

#[derive(Debug, Default, Deserialize)]
struct VoteForm {
    #[serde(default)]
    vote: String,
}

/// `POST /meetings/topics/{id}/vote`: `vote=yes` gives the vote, `vote=no` withdraws it;
/// giving it twice counts once.
async fn vote(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<VoteForm>,
) -> Result<Response, AppError> {
    let on = match form.vote.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(AppError::bad_request(
                "bad_vote",
                "vote: expected yes or no",
            ));
        }
    };
    let me = actor(&ctx)?.id;
    let accounts = accounts(&ctx)?;
    let exists = ctx
        .state
        .blocking(move |_| {
            let exists = accounts.topic(id)?.is_some();
            accounts.vote_topic(id, me, on)?;
            Ok(exists)
        })
        .await?;
    if !exists {
        return Err(AppError::not_found());
    }
    Ok(Redirect::to(&format!("/meetings#topic-{id}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct CommentForm {
    #[serde(default)]
    text: String,
}

/// `POST /meetings/topics/{id}/comment`.
async fn comment(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let text = form.text.trim().to_string();
    if text.is_empty() || text.chars().count() > MAX_TOPIC_TEXT {
        return Err(AppError::bad_request("bad_comment", t.err_topic_comment));
    }
    let by = actor(&ctx)?;
    let accounts = accounts(&ctx)?;
    let added = ctx
        .state
        .blocking(move |_| Ok(accounts.comment_topic(id, &by, &text)?))
        .await?;
    if !added {
        return Err(AppError::not_found());
    }
    Ok(Redirect::to(&format!("/meetings#topic-{id}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct DecideForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    slug: String,
    /// Where to go back to: `agenda` (the default) or `meetings`.
    #[serde(default)]
    back: String,
}

/// `POST /admin/topics/{id}`: `action=accept|decline|reopen` with a `note`, or
/// `action=link|unlink` with a `slug`.
async fn decide(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<DecideForm>,
) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let actor = actor(&ctx)?;
    let accounts = accounts(&ctx)?;
    let back = if form.back == "meetings" {
        format!("/meetings#topic-{id}")
    } else {
        "/admin/meeting?done=topic".to_string()
    };
    if form.note.chars().count() > MAX_TOPIC_TEXT {
        return Err(AppError::bad_request("bad_note", t.err_topic_comment));
    }
    let decided = match form.action.as_str() {
        action @ ("accept" | "decline" | "reopen") => {
            let state = match action {
                "accept" => TopicState::Accepted,
                "decline" => TopicState::Declined,
                _ => TopicState::Proposed,
            };
            let note = form.note.clone();
            ctx.state
                .blocking(move |_| Ok(accounts.decide_topic(id, state, &note, &actor)?))
                .await?
        }
        action @ ("link" | "unlink") => {
            let on = action == "link";
            let wanted = form
                .slug
                .trim()
                .trim_matches('/')
                .trim_start_matches("w/")
                .to_string();
            ctx.state
                .blocking(move |s| {
                    if accounts.topic(id)?.is_none() {
                        return Ok(false);
                    }
                    let slug = if on {
                        match s.engine.get(&wanted, erfa_index::Scope::Facilitator)? {
                            Some(found) => found.record.slug,
                            None => {
                                return Err(AppError::bad_request(
                                    "unknown_writeup",
                                    format!("{wanted}: {}", t.err_topic_link),
                                ));
                            }
                        }
                    } else {
                        wanted
                    };
                    accounts.topic_outcome(id, &slug, on, &actor)?;
                    Ok(true)
                })
                .await?
        }
        _ => {
            return Err(AppError::bad_request(
                "bad_action",
                "action: expected accept, decline, reopen, link or unlink",
            ));
        }
    };
    if !decided {
        return Err(AppError::not_found());
    }
    Ok(Redirect::to(&back).into_response())
}
