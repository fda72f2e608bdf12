//! The facilitator's desk: members' signals on write-ups, the review and flag queues,
//! merging duplicates, content health, search insights, the next meeting's agenda, and a
//! member's printable digest.
//!
//! Signals, flags, review notes and searches live in `state.db` (erfa-accounts); write-ups
//! change only through `erfa_index::edit`, which rewrites single front-matter lines in
//! place and writes durably. Every change the facilitator makes is in the audit log.
//!
//! Searches are recorded off the request path: the answer is ready before the search is
//! handed to a bounded queue, one thread writes what is queued in batches (one disk
//! flush for many searches, so the state database stays free for logins), and a full
//! queue drops searches rather than waiting, so insights never make a search fail or wait.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path as FsPath;

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Query, QueryRejection};
use erfa_accounts::{Actor, FlagReason, FlagState, QueryCount, Signal};
use erfa_index::front_matter::Date;
use erfa_index::markdown::Section;
use erfa_index::vocab::{self, Confidence, Status};
use erfa_index::{Diagnostic, Document, Scope, SearchRequest, Sort, catalog, edit};
use serde::Deserialize;

use crate::access::{Access, Viewer};
use crate::error::ApiError;
use crate::i18n::{self, Strings};
use crate::page::{Ctx, Layout, page, render};
use crate::route::Route;
use crate::state::AppState;

/// A write-up with at least this many "we saw this too" and no `confidence: validated`
/// goes on the meeting agenda.
pub const AGENDA_SAW_TOO: u64 = 2;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::post(
            "/signal/{*slug}",
            Access::Member,
            "Turn \"this helped\" or \"we saw this too\" on or off for a write-up",
            signal,
        ),
        Route::post(
            "/flag/{*slug}",
            Access::Member,
            "Flag a write-up: outdated, wrong, duplicate or other, with a comment",
            flag,
        ),
        Route::get(
            "/digest",
            Access::Member,
            "Printable digest of write-ups (by meeting or chosen), without organisations",
            digest,
        ),
        Route::get(
            "/admin",
            Access::Facilitator,
            "The facilitator's desk: what needs attention",
            dashboard,
        ),
        Route::get(
            "/admin/review",
            Access::Facilitator,
            "Review queue: drafts and write-ups in review with their check results",
            review,
        ),
        Route::post(
            "/admin/review/{*slug}",
            Access::Facilitator,
            "Publish, request changes (with a comment) or archive a write-up",
            review_action,
        ),
        Route::get("/admin/flags", Access::Facilitator, "Flags queue", flags),
        Route::post(
            "/admin/flags/{id}",
            Access::Facilitator,
            "Resolve or dismiss a flag",
            flag_action,
        ),
        Route::get(
            "/admin/merge",
            Access::Facilitator,
            "Merge duplicates: choose two write-ups",
            merge_form,
        ),
        Route::post(
            "/admin/merge",
            Access::Facilitator,
            "Merge: the older becomes `duplicate_of` the kept one and redirects to it",
            merge,
        ),
        Route::get(
            "/admin/health",
            Access::Facilitator,
            "Content health: check results, dropped, stale, broken links, coverage",
            health,
        ),
        Route::get(
            "/admin/insights",
            Access::Facilitator,
            "Search insights: frequent and zero-result queries, no identities",
            insights,
        ),
        Route::get(
            "/admin/meeting",
            Access::Facilitator,
            "Next meeting's agenda, printable; `?since=YYYY-MM-DD`",
            meeting,
        ),
        Route::get(
            "/admin/meeting.md",
            Access::Facilitator,
            "Next meeting's agenda as Markdown",
            meeting_markdown,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Shared helpers

/// Who did it, for the audit log, signals and flags: the viewer's account (by id), or the
/// person at this machine in local mode.
fn actor(viewer: &Viewer) -> Result<Actor, ApiError> {
    viewer
        .actor()
        .ok_or_else(|| ApiError::Unauthorized("log in first: this needs an account".to_string()))
}

fn bad_form(message: &str) -> ApiError {
    ApiError::bad_request("bad_form", message)
}

/// Runs blocking work that uses the content folder and the state database.
async fn blocking<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
{
    state.blocking(work).await
}

/// The current slug of `slug` if the viewer may read it (the write-up page's check).
fn readable(state: &AppState, slug: &str, scope: Scope) -> Result<String, ApiError> {
    state
        .engine
        .get(slug.trim_matches('/'), scope)?
        .map(|s| s.record.slug)
        .ok_or_else(ApiError::not_found)
}

/// The first day of a meeting given as `YYYY-Qn`, `YYYY-MM` or `YYYY-MM-DD`.
fn meeting_start(meeting: &str) -> Option<Date> {
    let m = meeting.trim();
    if let Some(date) = Date::parse(m) {
        return Some(date);
    }
    let (year, rest) = m.split_once('-')?;
    let year: u16 = year.parse().ok().filter(|_| year.len() == 4)?;
    let month = match rest.strip_prefix(['Q', 'q']) {
        Some(q) => match q {
            "1" => 1,
            "2" => 4,
            "3" => 7,
            "4" => 10,
            _ => return None,
        },
        None => rest.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?,
    };
    Some(Date {
        year,
        month,
        day: 1,
    })
}

// ---------------------------------------------------------------------------------------
// Members' signals

#[derive(Debug, Deserialize)]
struct SignalForm {
    #[serde(default)]
    signal: String,
}

/// `POST /signal/{slug}`: turns a signal on or off, then back to the write-up.
async fn signal(
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Result<Form<SignalForm>, FormRejection>,
) -> Response {
    let result = async {
        let wrong = || bad_form("signal: expected helped or saw_too");
        let Form(form) = form.map_err(|e| ApiError::body_rejected(e.status(), wrong()))?;
        let signal = Signal::parse(&form.signal).ok_or_else(wrong)?;
        let accounts = ctx.state.accounts()?;
        let scope = ctx.scope();
        let member = actor(&ctx.viewer)?.id;
        let slug = blocking(&ctx.state, move |s| {
            let slug = readable(s, &slug, scope)?;
            accounts
                .toggle_signal(&slug, member, signal)
                .map_err(ApiError::from)?;
            Ok(slug)
        })
        .await?;
        Ok(Redirect::to(&format!("/w/{slug}#signals")).into_response())
    }
    .await;
    page(result, &ctx)
}

#[derive(Debug, Deserialize)]
struct FlagForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    comment: String,
}

/// `POST /flag/{slug}`: records a flag for the facilitator, then back to the write-up.
async fn flag(
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Result<Form<FlagForm>, FormRejection>,
) -> Response {
    let result = async {
        let Form(form) = form.map_err(|e| {
            ApiError::body_rejected(
                e.status(),
                bad_form("expected the fields reason and comment"),
            )
        })?;
        let reason = FlagReason::parse(&form.reason)
            .ok_or_else(|| bad_form("reason: expected outdated, wrong, duplicate or other"))?;
        if reason == FlagReason::Other && form.comment.trim().is_empty() {
            return Err(ApiError::bad_request(
                "comment_needed",
                ctx.lang.t().desk_flag_comment_needed,
            ));
        }
        let accounts = ctx.state.accounts()?;
        let scope = ctx.scope();
        let member = actor(&ctx.viewer)?.id;
        let slug = blocking(&ctx.state, move |s| {
            let slug = readable(s, &slug, scope)?;
            accounts
                .add_flag(&slug, member, reason, &form.comment)
                .map_err(ApiError::from)?;
            Ok(slug)
        })
        .await?;
        Ok(Redirect::to(&format!("/w/{slug}#signals")).into_response())
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Search insights: recording

// ---------------------------------------------------------------------------------------
// The collection as the desk sees it

/// One file of the content folder.
struct Entry {
    slug: String,
    path: String,
    /// The parsed write-up, when it has no error.
    doc: Option<Document>,
    /// `status:` and `title:` as written, for files with errors.
    raw_status: Option<String>,
    raw_title: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Entry {
    fn title(&self) -> String {
        self.doc
            .as_ref()
            .map(|d| d.front.title.clone())
            .or_else(|| self.raw_title.clone())
            .unwrap_or_else(|| self.path.clone())
    }

    fn status(&self) -> String {
        match &self.doc {
            Some(d) => d.front.status.as_str().to_string(),
            None => self
                .raw_status
                .clone()
                .unwrap_or_else(|| "published".to_string()),
        }
    }
}

/// Every file read and checked, as `erfa check` does.
struct Survey {
    entries: Vec<Entry>,
    /// Diagnostics about the folder, not one write-up (skipped files, glossary).
    other: Vec<Diagnostic>,
    near_duplicates: Vec<Diagnostic>,
}

impl Survey {
    fn docs(&self) -> impl Iterator<Item = &Document> {
        self.entries.iter().filter_map(|e| e.doc.as_ref())
    }

    fn entry(&self, slug: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.slug == slug)
    }

    fn title_of(&self, slug: &str) -> String {
        self.entry(slug)
            .map(Entry::title)
            .unwrap_or_else(|| slug.to_string())
    }
}

/// Reads and checks the content folder. Blocking.
fn survey(root: &FsPath) -> Result<Survey, ApiError> {
    let listing = catalog::list(root)?;
    let mut entries = Vec::with_capacity(listing.entries.len());
    for entry in &listing.entries {
        let (parsed, _) = catalog::load(entry);
        let (raw_status, raw_title) = if parsed.document.is_none() {
            let text = std::fs::read_to_string(root.join(&entry.file.rel)).unwrap_or_default();
            (edit::scalar(&text, "status"), edit::scalar(&text, "title"))
        } else {
            (None, None)
        };
        entries.push(Entry {
            slug: entry.slug.clone(),
            path: entry.file.rel.clone(),
            doc: parsed.document,
            raw_status,
            raw_title,
            diagnostics: parsed.diagnostics,
        });
    }
    let docs: Vec<Document> = entries.iter().filter_map(|e| e.doc.clone()).collect();
    let mut other = listing.skipped;
    other.extend(erfa_index::glossary::Glossary::load(root).diagnostics);
    Ok(Survey {
        entries,
        other,
        near_duplicates: catalog::near_duplicates(&docs),
    })
}

/// The file of `slug` (the first file with that slug, as the index has it).
fn path_of(root: &FsPath, slug: &str) -> Result<catalog::Entry, ApiError> {
    catalog::list(root)?
        .entries
        .into_iter()
        .find(|e| e.slug == slug && e.slug_taken_by.is_none())
        .ok_or_else(ApiError::not_found)
}

/// Edits one write-up in place (durably) and asks the watcher to look at it now.
fn edit_file(
    state: &AppState,
    rel: &str,
    change: impl FnOnce(&str) -> Result<String, edit::EditError>,
) -> Result<bool, ApiError> {
    let changed = edit::apply(&state.config.content_dir, rel, change).map_err(|e| match e {
        erfa_index::Error::Edit { reason, .. } => {
            ApiError::bad_request("cannot_edit", format!("{rel}: {reason}"))
        }
        other => other.into(),
    })?;
    if changed && let Some(watch) = &state.watch {
        watch.touch([rel.to_string()]);
    }
    Ok(changed)
}

// ---------------------------------------------------------------------------------------
// Dashboard

struct DeskLink {
    href: &'static str,
    label: &'static str,
    count: Option<usize>,
}

struct AuditView {
    at: String,
    actor: String,
    action: String,
    target: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct DashboardTemplate {
    layout: Layout,
    links: Vec<DeskLink>,
    audit: Vec<AuditView>,
}

fn desk_layout(ctx: &Ctx, title: &str) -> Layout {
    ctx.layout(title.to_string(), "desk", false)
}

async fn dashboard(ctx: Ctx) -> Response {
    let result = async {
        let (survey_counts, flags, audit) = blocking(&ctx.state, |s| {
            let survey = survey(&s.config.content_dir)?;
            let review = survey
                .entries
                .iter()
                .filter(|e| matches!(e.status().as_str(), "draft" | "review"))
                .count();
            let errors = survey
                .entries
                .iter()
                .filter(|e| e.diagnostics.iter().any(Diagnostic::is_error))
                .count();
            let (flags, audit) = match &s.accounts {
                Some(a) => (
                    a.flags(Some(FlagState::Open))
                        .map_err(ApiError::from)?
                        .len(),
                    a.audit_log(15).map_err(ApiError::from)?,
                ),
                None => (0, Vec::new()),
            };
            Ok(((review, errors), flags, audit))
        })
        .await?;
        let t = ctx.lang.t();
        let template = DashboardTemplate {
            layout: desk_layout(&ctx, t.desk_title),
            links: vec![
                DeskLink {
                    href: "/admin/review",
                    label: t.desk_review,
                    count: Some(survey_counts.0),
                },
                DeskLink {
                    href: "/admin/flags",
                    label: t.desk_flags,
                    count: Some(flags),
                },
                DeskLink {
                    href: "/admin/health",
                    label: t.desk_health,
                    count: Some(survey_counts.1),
                },
                DeskLink {
                    href: "/admin/merge",
                    label: t.desk_merge,
                    count: None,
                },
                DeskLink {
                    href: "/admin/insights",
                    label: t.desk_insights,
                    count: None,
                },
                DeskLink {
                    href: "/admin/meeting",
                    label: t.desk_meeting,
                    count: None,
                },
                DeskLink {
                    href: "/digest",
                    label: t.desk_digest,
                    count: None,
                },
            ],
            audit: audit
                .into_iter()
                .map(|a| AuditView {
                    at: Date::utc_minute(a.at),
                    actor: a.actor,
                    action: a.action,
                    target: a.target,
                })
                .collect(),
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Review queue

struct ReviewItem {
    slug: String,
    title: String,
    path: String,
    status: String,
    status_label: &'static str,
    /// Whether the write-up is in the index, so its page can be opened.
    indexed: bool,
    errors: Vec<String>,
    warnings: Vec<String>,
    notes: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_review.html")]
struct ReviewTemplate {
    layout: Layout,
    items: Vec<ReviewItem>,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn done_notice(t: &'static Strings, done: &str) -> Option<&'static str> {
    Some(match done {
        "publish" => t.desk_done_publish,
        "changes" => t.desk_done_changes,
        "archive" => t.desk_done_archive,
        "resolve" | "dismiss" => t.desk_done_flag,
        "merge" => t.desk_done_merge,
        _ => return None,
    })
}

async fn review(ctx: Ctx, query: Result<Query<DoneQuery>, QueryRejection>) -> Response {
    let done = query.map(|q| q.0.done).unwrap_or_default();
    let result = async {
        let lang = ctx.lang;
        let items = blocking(&ctx.state, move |s| {
            let survey = survey(&s.config.content_dir)?;
            let mut items = Vec::new();
            for e in &survey.entries {
                let status = e.status();
                if !matches!(status.as_str(), "draft" | "review") {
                    continue;
                }
                let notes = match &s.accounts {
                    Some(a) => a
                        .review_notes(&e.slug)
                        .map_err(ApiError::from)?
                        .into_iter()
                        .map(|n| format!("{} · {}: {}", Date::utc_minute(n.at), n.actor, n.comment))
                        .collect(),
                    None => Vec::new(),
                };
                items.push(ReviewItem {
                    slug: e.slug.clone(),
                    title: e.title(),
                    path: e.path.clone(),
                    status_label: lang.status_name(&status),
                    status,
                    indexed: e.doc.is_some(),
                    errors: e
                        .diagnostics
                        .iter()
                        .filter(|d| d.is_error())
                        .map(ToString::to_string)
                        .collect(),
                    warnings: e
                        .diagnostics
                        .iter()
                        .filter(|d| !d.is_error())
                        .map(ToString::to_string)
                        .collect(),
                    notes,
                });
            }
            // Write-ups waiting for review first, then drafts.
            items.sort_by(|a, b| {
                (b.status == "review", &a.path).cmp(&(a.status == "review", &b.path))
            });
            Ok(items)
        })
        .await?;
        let t = ctx.lang.t();
        let template = ReviewTemplate {
            layout: desk_layout(&ctx, t.desk_review),
            items,
            notice: done_notice(t, &done),
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

#[derive(Debug, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

/// `POST /admin/review/{slug}`: publish, request changes or archive. Only the `status:`
/// line changes; the change is recorded in the audit log.
async fn review_action(
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Result<Form<ReviewForm>, FormRejection>,
) -> Response {
    let result = async {
        let Form(form) = form.map_err(|e| {
            ApiError::body_rejected(
                e.status(),
                bad_form("expected the fields action and comment"),
            )
        })?;
        let status = match form.action.as_str() {
            "publish" => Status::Published,
            "changes" => Status::Draft,
            "archive" => Status::Archived,
            _ => return Err(bad_form("action: expected publish, changes or archive")),
        };
        let t = ctx.lang.t();
        if form.action == "changes" && form.comment.trim().is_empty() {
            return Err(ApiError::bad_request(
                "comment_needed",
                t.desk_changes_comment_needed,
            ));
        }
        let me = actor(&ctx.viewer)?;
        let action = form.action.clone();
        let invalid = t.desk_publish_invalid;
        blocking(&ctx.state, move |s| {
            let root = &s.config.content_dir;
            let entry = path_of(root, slug.trim_matches('/'))?;
            if status == Status::Published && catalog::load(&entry).0.document.is_none() {
                return Err(ApiError::bad_request("invalid", invalid));
            }
            edit_file(s, &entry.file.rel, |text| {
                edit::set_scalar(text, "status", status.as_str())
            })?;
            if let Some(accounts) = &s.accounts {
                accounts
                    .audit(&me, &format!("review.{action}"), &entry.slug)
                    .map_err(ApiError::from)?;
                if action == "changes" {
                    accounts
                        .add_review_note(&entry.slug, &me.name, &form.comment)
                        .map_err(ApiError::from)?;
                }
            }
            Ok(())
        })
        .await?;
        Ok(Redirect::to(&format!("/admin/review?done={}", form.action)).into_response())
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Flags queue

struct FlagView {
    id: i64,
    slug: String,
    title: String,
    reason: &'static str,
    comment: String,
    at: String,
    state: &'static str,
    open: bool,
}

#[derive(Template)]
#[template(path = "admin_flags.html")]
struct FlagsTemplate {
    layout: Layout,
    open: Vec<FlagView>,
    closed: Vec<FlagView>,
    notice: Option<&'static str>,
}

fn flag_state_label(t: &Strings, state: FlagState) -> &'static str {
    match state {
        FlagState::Open => t.desk_flag_open,
        FlagState::Resolved => t.desk_flag_resolved,
        FlagState::Dismissed => t.desk_flag_dismissed,
    }
}

async fn flags(ctx: Ctx, query: Result<Query<DoneQuery>, QueryRejection>) -> Response {
    let done = query.map(|q| q.0.done).unwrap_or_default();
    let result = async {
        let accounts = ctx.state.accounts()?;
        let t = ctx.lang.t();
        let views = blocking(&ctx.state, move |s| {
            let all = accounts.flags(None).map_err(ApiError::from)?;
            let mut views = Vec::new();
            for f in all {
                let title = s
                    .engine
                    .get(&f.writeup, Scope::Facilitator)?
                    .map_or_else(|| f.writeup.clone(), |st| st.record.front.title);
                views.push(FlagView {
                    id: f.id,
                    title,
                    reason: i18n::flag_reason(t, f.reason),
                    comment: f.comment,
                    at: Date::utc_minute(f.at),
                    state: flag_state_label(t, f.state),
                    open: f.state == FlagState::Open,
                    slug: f.writeup,
                });
            }
            Ok(views)
        })
        .await?;
        let (open, closed): (Vec<FlagView>, Vec<FlagView>) =
            views.into_iter().partition(|f| f.open);
        let template = FlagsTemplate {
            layout: desk_layout(&ctx, t.desk_flags),
            open,
            closed: closed.into_iter().take(50).collect(),
            notice: done_notice(t, &done),
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

#[derive(Debug, Deserialize)]
struct FlagActionForm {
    #[serde(default)]
    action: String,
}

async fn flag_action(
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<FlagActionForm>, FormRejection>,
) -> Response {
    let result = async {
        let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
        let Form(form) = form.map_err(|e| {
            ApiError::body_rejected(e.status(), bad_form("expected the field action"))
        })?;
        let state = match form.action.as_str() {
            "resolve" => FlagState::Resolved,
            "dismiss" => FlagState::Dismissed,
            _ => return Err(bad_form("action: expected resolve or dismiss")),
        };
        let accounts = ctx.state.accounts()?;
        let me = actor(&ctx.viewer)?;
        let action = form.action.clone();
        blocking(&ctx.state, move |_| {
            let writeup = accounts
                .close_flag(id, state, &me.name)
                .map_err(ApiError::from)?
                .ok_or_else(ApiError::not_found)?;
            accounts
                .audit(&me, &format!("flag.{action}"), &writeup)
                .map_err(ApiError::from)
        })
        .await?;
        Ok(Redirect::to(&format!("/admin/flags?done={}", form.action)).into_response())
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Merge duplicates

#[derive(Template)]
#[template(path = "admin_merge.html")]
struct MergeTemplate {
    layout: Layout,
    choices: Vec<(String, String)>,
    pairs: Vec<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct MergedQuery {
    #[serde(default)]
    kept: String,
    #[serde(default)]
    old: String,
}

async fn merge_form(ctx: Ctx, query: Result<Query<MergedQuery>, QueryRejection>) -> Response {
    let merged = query.map(|q| q.0).unwrap_or_default();
    let result = async {
        let (choices, pairs) = blocking(&ctx.state, |s| {
            let survey = survey(&s.config.content_dir)?;
            let mut choices: Vec<(String, String)> = survey
                .docs()
                .map(|d| (d.slug.clone(), format!("{} ({})", d.front.title, d.slug)))
                .collect();
            choices.sort_by_key(|a| a.1.to_lowercase());
            let pairs = survey
                .near_duplicates
                .iter()
                .map(ToString::to_string)
                .collect();
            Ok((choices, pairs))
        })
        .await?;
        let t = ctx.lang.t();
        let notice = (!merged.kept.is_empty())
            .then(|| format!("{} {} → {}", t.desk_done_merge, merged.old, merged.kept));
        let template = MergeTemplate {
            layout: desk_layout(&ctx, t.desk_merge),
            choices,
            pairs,
            notice,
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

#[derive(Debug, Deserialize)]
struct MergeForm {
    #[serde(default)]
    first: String,
    #[serde(default)]
    second: String,
    #[serde(default)]
    append: Option<String>,
}

/// The sections of `old` whose kind (or, for other headings, whose text) `kept` lacks.
fn unique_sections(kept: &Document, old: &Document) -> String {
    let key = |heading: &str| match Section::from_heading(heading) {
        Some(section) => format!("{section:?}"),
        None => heading.trim().to_lowercase(),
    };
    let have: BTreeSet<String> = edit::sections(&kept.markdown)
        .iter()
        .map(|(h, _)| key(h))
        .collect();
    edit::sections(&old.markdown)
        .into_iter()
        .filter(|(h, _)| !have.contains(&key(h)))
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("")
}

/// `POST /admin/merge`: the older of two write-ups becomes `duplicate_of` the newer, whose
/// `aliases` gain the older's slug so that its URL redirects; optionally the older's
/// sections that the kept one lacks are appended to it.
async fn merge(ctx: Ctx, form: Result<Form<MergeForm>, FormRejection>) -> Response {
    let result = async {
        let Form(form) = form.map_err(|e| {
            ApiError::body_rejected(e.status(), bad_form("expected the fields first and second"))
        })?;
        let (first, second) = (
            form.first.trim().trim_matches('/').to_string(),
            form.second.trim().trim_matches('/').to_string(),
        );
        if first.is_empty() || first == second {
            return Err(ApiError::bad_request(
                "bad_form",
                ctx.lang.t().desk_merge_two,
            ));
        }
        let append = form.append.is_some();
        let me = actor(&ctx.viewer)?;
        let t = ctx.lang.t();
        let (old, kept) = blocking(&ctx.state, move |s| {
            let root = &s.config.content_dir;
            let load = |slug: &str| -> Result<(catalog::Entry, Document), ApiError> {
                let entry = path_of(root, slug)?;
                let doc = catalog::load(&entry).0.document.ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid",
                        format!("{}: fix its errors first", entry.file.rel),
                    )
                })?;
                Ok((entry, doc))
            };
            let a = load(&first)?;
            let b = load(&second)?;
            // Nothing moves to a wider audience without a person saying so: a merge joins
            // only write-ups of one status and one visibility, and never a translation
            // pair (docs/SECURITY.md).
            let (fa, fb) = (&a.1.front, &b.1.front);
            if fa.status != fb.status || fa.visibility != fb.visibility {
                return Err(ApiError::bad_request(
                    "merge_audience",
                    t.desk_merge_audience,
                ));
            }
            if fa.translation_of.as_deref() == Some(b.1.slug.as_str())
                || fb.translation_of.as_deref() == Some(a.1.slug.as_str())
            {
                return Err(ApiError::bad_request(
                    "merge_translation",
                    t.desk_merge_translation,
                ));
            }
            // The older is merged into the newer; without dates, or on the same day, the
            // second one chosen is merged into the first.
            let ((old_entry, old_doc), (kept_entry, kept_doc)) = if a.1.front.date < b.1.front.date
            {
                (a, b)
            } else {
                (b, a)
            };
            let extra = if append {
                unique_sections(&kept_doc, &old_doc)
            } else {
                String::new()
            };
            let kept_slug = kept_doc.slug.clone();
            let old_slug = old_doc.slug.clone();
            edit_file(s, &old_entry.file.rel, |text| {
                edit::set_scalar(text, "duplicate_of", &kept_slug)
            })?;
            edit_file(s, &kept_entry.file.rel, |text| {
                let text = edit::add_to_list(text, "aliases", &old_slug)?;
                if extra.is_empty() {
                    Ok(text)
                } else {
                    edit::append_markdown(&text, &extra)
                }
            })?;
            if let Some(accounts) = &s.accounts {
                accounts
                    .audit(&me, "merge", &format!("{old_slug} → {kept_slug}"))
                    .map_err(ApiError::from)?;
            }
            Ok((old_slug, kept_slug))
        })
        .await?;
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        Ok(Redirect::to(&format!(
            "/admin/merge?old={}&kept={}",
            enc(&old),
            enc(&kept)
        ))
        .into_response())
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Content health

struct Problem {
    slug: String,
    title: String,
    indexed: bool,
    what: String,
}

struct CoverageView {
    name: String,
    count: usize,
}

/// What content health shows.
struct Health {
    errors: Vec<String>,
    warnings: Vec<String>,
    dropped: Vec<Problem>,
    watching: bool,
    stale: Vec<Problem>,
    missing: Vec<Problem>,
    broken: Vec<Problem>,
    near: Vec<String>,
    coverage: Vec<CoverageView>,
    review_age_days: u32,
}

#[derive(Template)]
#[template(path = "admin_health.html")]
struct HealthTemplate {
    layout: Layout,
    h: Health,
}

/// Looks at the whole collection. Blocking.
fn content_health(s: &AppState, t: &'static Strings) -> Result<Health, ApiError> {
    let survey = survey(&s.config.content_dir)?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for d in survey
        .other
        .iter()
        .chain(survey.entries.iter().flat_map(|e| e.diagnostics.iter()))
    {
        if d.is_error() {
            errors.push(d.to_string());
        } else {
            warnings.push(d.to_string());
        }
    }
    // Left out of the index: the watcher knows what it dropped; without one, the
    // files with errors are what a rebuild would leave out.
    let mut dropped = Vec::new();
    let invalid: BTreeMap<String, Vec<Diagnostic>> = match &s.watch {
        Some(w) => w.status().invalid,
        None => survey
            .entries
            .iter()
            .filter(|e| e.doc.is_none())
            .map(|e| (e.path.clone(), e.diagnostics.clone()))
            .collect(),
    };
    for (path, diagnostics) in &invalid {
        let entry = survey.entries.iter().find(|e| &e.path == path);
        let published = entry.is_none_or(|e| e.status() == "published");
        let first = diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(ToString::to_string)
            .unwrap_or_default();
        dropped.push(Problem {
            slug: entry.map(|e| e.slug.clone()).unwrap_or_default(),
            title: entry.map_or_else(|| path.clone(), Entry::title),
            indexed: false,
            what: if published {
                format!("{} {first}", t.desk_dropped_published)
            } else {
                first
            },
        });
    }
    let today = Date::today();
    let age = s.config.review_age_days;
    let mut stale = Vec::new();
    let mut missing = Vec::new();
    let mut broken = Vec::new();
    let mut known: BTreeSet<&str> = survey.docs().map(|d| d.slug.as_str()).collect();
    for d in survey.docs() {
        for alias in &d.front.aliases {
            known.insert(alias.as_str());
        }
    }
    let problem = |d: &Document, what: String| Problem {
        slug: d.slug.clone(),
        title: d.front.title.clone(),
        indexed: true,
        what,
    };
    for d in survey.docs() {
        if d.front.status == Status::Published {
            if let Some(after) = d.front.review_after
                && after < today
            {
                stale.push(problem(
                    d,
                    format!("{} {after}", t.desk_review_after_passed),
                ));
            } else if d.front.confidence != Some(Confidence::Validated)
                && let Some(date) = d.front.date
                && today.ordinal().saturating_sub(date.ordinal()) > age
            {
                stale.push(problem(d, format!("{} {date}", t.desk_old_not_validated)));
            }
        }
        let has = |s: Section| d.sections.get(s).is_some();
        if !has(Section::Lesson) && !has(Section::Mistake) {
            missing.push(problem(d, t.desk_no_lesson_or_mistake.to_string()));
        } else if d.front.kind == vocab::Kind::Lesson && !has(Section::Lesson) {
            missing.push(problem(d, t.desk_no_lesson.to_string()));
        } else if d.front.kind == vocab::Kind::Mistake && !has(Section::Mistake) {
            missing.push(problem(d, t.desk_no_mistake.to_string()));
        }
        let mut targets: Vec<(&str, &String)> = Vec::new();
        targets.extend(d.front.related.iter().map(|s| ("related", s)));
        targets.extend(d.front.supersedes.iter().map(|s| ("supersedes", s)));
        targets.extend(d.front.duplicate_of.iter().map(|s| ("duplicate_of", s)));
        targets.extend(d.front.translation_of.iter().map(|s| ("translation_of", s)));
        for (field, target) in targets {
            if !known.contains(target.trim_matches('/')) {
                broken.push(problem(d, format!("{field}: {target}")));
            }
        }
    }
    let mut counts: BTreeMap<&str, usize> = vocab::PRACTICES.iter().map(|p| (*p, 0)).collect();
    for d in survey
        .docs()
        .filter(|d| d.front.status == Status::Published)
    {
        for p in &d.front.practices {
            if let Some(n) = counts.get_mut(p.as_str()) {
                *n += 1;
            }
        }
    }
    let mut coverage: Vec<CoverageView> = counts
        .into_iter()
        .map(|(p, count)| CoverageView {
            name: i18n::practice_name(p),
            count,
        })
        .collect();
    coverage.sort_by(|a, b| (a.count, &a.name).cmp(&(b.count, &b.name)));
    let near = survey
        .near_duplicates
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(Health {
        errors,
        warnings,
        dropped,
        watching: s.watch.is_some(),
        stale,
        missing,
        broken,
        near,
        coverage,
        review_age_days: age,
    })
}

async fn health(ctx: Ctx) -> Response {
    let result = async {
        let t = ctx.lang.t();
        let h = blocking(&ctx.state, move |s| content_health(s, t)).await?;
        let template = HealthTemplate {
            layout: desk_layout(&ctx, t.desk_health),
            h,
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Search insights: the page

#[derive(Template)]
#[template(path = "admin_insights.html")]
struct InsightsTemplate {
    layout: Layout,
    enabled: bool,
    weeks: u32,
    min_sessions: u64,
    insights: erfa_accounts::Insights,
}

async fn insights(ctx: Ctx) -> Response {
    let result = async {
        let enabled = ctx.state.config.insights;
        let weeks = ctx.state.config.insights_weeks;
        let insights = match (&ctx.state.accounts, enabled) {
            (Some(accounts), true) => {
                let accounts = accounts.clone();
                blocking(&ctx.state, move |_| {
                    accounts.purge_searches(weeks).map_err(ApiError::from)?;
                    accounts.search_insights(weeks, 30).map_err(ApiError::from)
                })
                .await?
            }
            _ => erfa_accounts::Insights::default(),
        };
        let t = ctx.lang.t();
        let template = InsightsTemplate {
            layout: desk_layout(&ctx, t.desk_insights),
            enabled,
            weeks,
            min_sessions: erfa_accounts::desk::MIN_SESSIONS,
            insights,
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Next meeting

struct AgendaItem {
    slug: String,
    title: String,
    detail: String,
}

/// The agenda's data, for the page and the Markdown export.
struct Agenda {
    since: Option<Date>,
    last_meeting: Option<String>,
    zero: Vec<QueryCount>,
    flags: Vec<AgendaItem>,
    saw_too: Vec<AgendaItem>,
    added: Vec<AgendaItem>,
}

#[derive(Debug, Default, Deserialize)]
struct AgendaQuery {
    #[serde(default)]
    since: String,
}

/// Drafts the agenda. Blocking.
fn agenda(state: &AppState, since: &str, t: &'static Strings) -> Result<Agenda, ApiError> {
    let survey = survey(&state.config.content_dir)?;
    let last_meeting = survey
        .docs()
        .filter_map(|d| d.front.meeting.clone())
        .filter(|m| meeting_start(m).is_some())
        .max_by_key(|m| meeting_start(m));
    let since = match since.trim() {
        "" => last_meeting.as_deref().and_then(meeting_start),
        text => Some(Date::parse(text).ok_or_else(|| {
            ApiError::bad_request("bad_date", "since: expected a date as YYYY-MM-DD")
        })?),
    };
    let mut added: Vec<AgendaItem> = survey
        .docs()
        .filter(|d| d.front.status == Status::Published && d.front.meeting.is_none())
        .filter(|d| match (since, d.front.date) {
            (Some(since), Some(date)) => date >= since,
            (None, _) => true,
            (Some(_), None) => false,
        })
        .map(|d| AgendaItem {
            slug: d.slug.clone(),
            title: d.front.title.clone(),
            detail: d.front.date.map(|x| x.to_string()).unwrap_or_default(),
        })
        .collect();
    added.sort_by(|a, b| b.detail.cmp(&a.detail).then(a.slug.cmp(&b.slug)));
    let (zero, flags, saw_too) = match &state.accounts {
        Some(accounts) => {
            let zero = if state.config.insights {
                accounts
                    .search_insights(state.config.insights_weeks, 20)
                    .map_err(ApiError::from)?
                    .zero
            } else {
                Vec::new()
            };
            let flags = accounts
                .flags(Some(FlagState::Open))
                .map_err(ApiError::from)?
                .into_iter()
                .map(|f| AgendaItem {
                    title: survey.title_of(&f.writeup),
                    detail: if f.comment.is_empty() {
                        i18n::flag_reason(t, f.reason).to_string()
                    } else {
                        format!("{}: {}", i18n::flag_reason(t, f.reason), f.comment)
                    },
                    slug: f.writeup,
                })
                .collect();
            let mut saw_too: Vec<(u64, AgendaItem)> = accounts
                .all_signal_counts()
                .map_err(ApiError::from)?
                .into_iter()
                .filter(|(_, c)| c.saw_too >= AGENDA_SAW_TOO)
                .filter_map(|(slug, c)| {
                    let doc = survey.entry(&slug)?.doc.as_ref()?;
                    (doc.front.confidence != Some(Confidence::Validated)).then(|| {
                        (
                            c.saw_too,
                            AgendaItem {
                                title: doc.front.title.clone(),
                                detail: format!("{} × {}", c.saw_too, t.desk_saw_too),
                                slug,
                            },
                        )
                    })
                })
                .collect();
            saw_too.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.slug.cmp(&b.1.slug)));
            (zero, flags, saw_too.into_iter().map(|x| x.1).collect())
        }
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    Ok(Agenda {
        since,
        last_meeting,
        zero,
        flags,
        saw_too,
        added,
    })
}

#[derive(Template)]
#[template(path = "admin_meeting.html")]
struct MeetingTemplate {
    layout: Layout,
    agenda: Agenda,
    since: String,
    markdown_href: String,
}

fn since_param(query: Result<Query<AgendaQuery>, QueryRejection>) -> String {
    query.map(|q| q.0.since).unwrap_or_default()
}

async fn meeting(ctx: Ctx, query: Result<Query<AgendaQuery>, QueryRejection>) -> Response {
    let since = since_param(query);
    let result = async {
        let t = ctx.lang.t();
        let wanted = since.clone();
        let agenda = blocking(&ctx.state, move |s| agenda(s, &wanted, t)).await?;
        let shown = agenda.since.map(|d| d.to_string()).unwrap_or_default();
        let markdown_href = if since.trim().is_empty() {
            "/admin/meeting.md".to_string()
        } else {
            format!(
                "/admin/meeting.md?since={}",
                form_urlencoded::byte_serialize(since.trim().as_bytes()).collect::<String>()
            )
        };
        let template = MeetingTemplate {
            layout: desk_layout(&ctx, t.desk_meeting),
            agenda,
            since: shown,
            markdown_href,
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

/// Markdown-escapes text that goes into a list item or link text.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The agenda as Markdown, with links relative to `base`.
fn agenda_markdown(agenda: &Agenda, t: &Strings, base: &str) -> String {
    let mut out = format!("# {}\n\n", t.desk_meeting);
    if let Some(since) = agenda.since {
        out.push_str(&format!("{} {since}", t.desk_since));
        if let Some(m) = &agenda.last_meeting {
            out.push_str(&format!(" ({} {})", t.desk_last_meeting, md(m)));
        }
        out.push_str("\n\n");
    }
    let section = |out: &mut String, heading: &str, items: &[AgendaItem]| {
        out.push_str(&format!("## {heading}\n\n"));
        if items.is_empty() {
            out.push_str(&format!("- {}\n", t.desk_nothing));
        }
        for i in items {
            out.push_str(&format!("- [{}]({base}/w/{})", md(&i.title), i.slug));
            if !i.detail.is_empty() {
                out.push_str(&format!(" — {}", md(&i.detail)));
            }
            out.push('\n');
        }
        out.push('\n');
    };
    out.push_str(&format!("## {}\n\n", t.desk_agenda_zero));
    if agenda.zero.is_empty() {
        out.push_str(&format!("- {}\n", t.desk_nothing));
    }
    for q in &agenda.zero {
        out.push_str(&format!(
            "- “{}” — {} × {}\n",
            md(&q.query),
            q.searches,
            t.desk_searches
        ));
    }
    out.push('\n');
    section(&mut out, t.desk_agenda_flags, &agenda.flags);
    section(&mut out, t.desk_agenda_saw_too, &agenda.saw_too);
    section(&mut out, t.desk_agenda_added, &agenda.added);
    out
}

async fn meeting_markdown(ctx: Ctx, query: Result<Query<AgendaQuery>, QueryRejection>) -> Response {
    let since = since_param(query);
    let result = async {
        let t = ctx.lang.t();
        let agenda = blocking(&ctx.state, move |s| agenda(s, &since, t)).await?;
        let text = agenda_markdown(&agenda, t, &ctx.base_url());
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/markdown; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline; filename=\"agenda.md\""),
                ),
                (
                    header::VARY,
                    HeaderValue::from_static("Accept-Language, Cookie"),
                ),
            ],
            text,
        )
            .into_response())
    }
    .await;
    page(result, &ctx)
}

// ---------------------------------------------------------------------------------------
// Digest

#[derive(Debug, Default, Deserialize)]
struct DigestQuery {
    #[serde(default)]
    meeting: String,
    #[serde(default)]
    slug: Vec<String>,
}

struct DigestItem {
    title: String,
    summary: Option<String>,
    kind: String,
    date: String,
    practices: String,
    confidential: bool,
    language: &'static str,
    html: String,
}

#[derive(Template)]
#[template(path = "digest.html")]
struct DigestTemplate {
    layout: Layout,
    meetings: Vec<String>,
    meeting: String,
    items: Vec<DigestItem>,
    any_confidential: bool,
}

/// `GET /digest`: write-ups of one meeting (or chosen by `slug`), as the viewer may read
/// them, printable; never the organisation or the authors.
async fn digest(ctx: Ctx, query: Result<Query<DigestQuery>, QueryRejection>) -> Response {
    let result = async {
        let Query(query) = query.map_err(crate::error::query_error)?;
        let scope = ctx.scope();
        let lang = ctx.lang;
        let meeting = query.meeting.trim().to_string();
        let wanted = meeting.clone();
        let (meetings, items) = blocking(&ctx.state, move |s| {
            let mut request = SearchRequest::new("", scope).filter("status", "published");
            request.per_page = erfa_index::search::MAX_PER_PAGE;
            request.snippets = false;
            let facets = s.engine.search(&request)?;
            let mut meetings: Vec<String> = facets
                .facets
                .get("meeting")
                .map(|v| v.iter().map(|f| f.value.clone()).collect())
                .unwrap_or_default();
            meetings.sort_by(|a, b| b.cmp(a));
            let mut slugs: Vec<String> = query.slug.iter().map(|s| s.trim().to_string()).collect();
            if slugs.is_empty() && !wanted.is_empty() {
                let mut request = SearchRequest::new("", scope)
                    .filter("status", "published")
                    .filter("meeting", &wanted);
                request.sort = Sort::Newest;
                request.per_page = erfa_index::search::MAX_PER_PAGE;
                request.facets = false;
                request.snippets = false;
                slugs = s
                    .engine
                    .search(&request)?
                    .hits
                    .into_iter()
                    .map(|h| h.slug)
                    .collect();
            }
            let mut items = Vec::new();
            for slug in slugs.iter().take(100) {
                // The same check as the write-up page: what the viewer may not read is
                // left out as if it did not exist.
                let Some(stored) = s.engine.get(slug, scope)? else {
                    continue;
                };
                let record = &stored.record;
                let front = &record.front;
                let base = crate::render::Base::new(&record.slug, &record.path);
                items.push(DigestItem {
                    title: front.title.clone(),
                    summary: front.summary.clone(),
                    kind: lang.facet_value("kind", front.kind.as_str()),
                    date: front.date.map(|d| d.to_string()).unwrap_or_default(),
                    practices: front
                        .practices
                        .iter()
                        .map(|p| i18n::practice_name(p))
                        .collect::<Vec<_>>()
                        .join(", "),
                    confidential: front.visibility.as_str() != "public",
                    language: record.language.as_str(),
                    html: crate::render::writeup_html(&stored.markdown, &base),
                });
            }
            Ok((meetings, items))
        })
        .await?;
        let t = lang.t();
        let template = DigestTemplate {
            layout: ctx.layout(t.desk_digest.to_string(), "digest", false),
            any_confidential: items.iter().any(|i| i.confidential),
            meetings,
            meeting,
            items,
        };
        render(&template, StatusCode::OK)
    }
    .await;
    page(result, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meetings_start_on_their_first_day() {
        assert_eq!(
            meeting_start("2023-Q2").map(|d| d.to_string()).as_deref(),
            Some("2023-04-01")
        );
        assert_eq!(
            meeting_start("2023-11").map(|d| d.to_string()).as_deref(),
            Some("2023-11-01")
        );
        assert_eq!(
            meeting_start("2023-11-15")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2023-11-15")
        );
        assert_eq!(meeting_start("spring"), None);
        assert_eq!(meeting_start("2023-Q5"), None);
    }

    #[test]
    fn markdown_text_is_escaped() {
        assert_eq!(md("a *b* [c](d)\nx"), "a \\*b\\* \\[c\\](d) x");
    }
}
