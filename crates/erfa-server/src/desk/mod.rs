//! The facilitator's desk: members' signals on write-ups, the review and flag queues,
//! merging duplicates, content health, search insights, the next meeting's agenda, and a
//! member's printable digest.
//!
//! Signals, flags, review notes and searches live in `state.db` (erfa-accounts); write-ups
//! change only through `erfa_index::edit`, which rewrites single front-matter lines in
//! place and writes durably. Every change the facilitator makes is in the audit log.
//!
//! Searches are recorded by the core (`insights.rs`); the desk only shows them. This file
//! holds the routes and what the desk's pages share; each page has its own file.

mod dashboard;
mod digest;
mod flags;
mod health;
mod history;
mod insights;
mod meeting;
mod merge;
mod review;
mod signals;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path as FsPath;

use askama::Template;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{Actor, FlagReason, FlagState, MergeRecord, QueryCount, Signal};
use erfa_index::front_matter::Date;
use erfa_index::markdown::Section;
use erfa_index::vocab::{Confidence, Status};
use erfa_index::{Diagnostic, Document, Scope, SearchRequest, Sort, catalog, edit};
use serde::Deserialize;

use crate::access::{Access, Viewer};
use crate::error::AppError;
use crate::extract::{Form, Path, Query};
use crate::i18n::{self, Strings};
use crate::meetings;
use crate::page::{ConfirmTemplate, Ctx, Layout, render};
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
            signals::signal,
        ),
        Route::post(
            "/admin/confidence/{*slug}",
            Access::Facilitator,
            "Set how sure the group is of a write-up: validated, not-validated or wip",
            dashboard::confidence,
        ),
        Route::post(
            "/not-helped/{*slug}",
            Access::Member,
            "Tell the facilitator a write-up did not help, with an optional reason, or take it back",
            signals::not_helped,
        ),
        Route::post(
            "/flag/{*slug}",
            Access::Member,
            "Flag a write-up: outdated, wrong, duplicate or other, with a comment",
            signals::flag,
        ),
        Route::get(
            "/digest",
            Access::Member,
            "Printable digest of write-ups (by meeting or chosen), without organisations",
            digest::digest,
        ),
        Route::get(
            "/admin",
            Access::Facilitator,
            "The facilitator's desk: what needs attention",
            dashboard::dashboard,
        ),
        Route::get(
            "/admin/review",
            Access::Facilitator,
            "Review queue: who sent what when, summaries, check results, change requests",
            review::review,
        ),
        Route::post(
            "/admin/review/{*slug}",
            Access::Facilitator,
            "Publish, request changes (with a comment), archive (asks first; `confirm=yes` does it), or undo: `unpublish`, `restore`",
            review::review_action,
        ),
        Route::get(
            "/admin/flags",
            Access::Facilitator,
            "Flags queue",
            flags::flags,
        ),
        Route::post(
            "/admin/flags/{id}",
            Access::Facilitator,
            "Resolve or dismiss a flag",
            flags::flag_action,
        ),
        Route::get(
            "/admin/merge",
            Access::Facilitator,
            "Merge duplicates: choose two write-ups",
            merge::merge_form,
        ),
        Route::post(
            "/admin/merge",
            Access::Facilitator,
            "Merge: shows what happens and asks; `confirm=yes` makes the older `duplicate_of` the kept one, redirecting to it",
            merge::merge,
        ),
        Route::post(
            "/admin/merge/{id}/undo",
            Access::Facilitator,
            "Undo a recent merge while neither write-up has changed since",
            merge::undo,
        ),
        Route::get(
            "/admin/history/{*slug}",
            Access::Facilitator,
            "A write-up's versions in the content folder's git history, with what changed",
            history::history,
        ),
        Route::post(
            "/admin/history/{*slug}",
            Access::Facilitator,
            "Restore an earlier version as a new one, back in review, never more widely visible",
            history::restore,
        ),
        Route::get(
            "/admin/health",
            Access::Facilitator,
            "Content health: check results, dropped, stale, broken links, coverage",
            health::health,
        ),
        Route::get(
            "/admin/insights",
            Access::Facilitator,
            "Search insights: frequent and zero-result queries, no identities",
            insights::insights,
        ),
        Route::get(
            "/admin/meeting",
            Access::Facilitator,
            "Next meeting's agenda, printable; `?since=YYYY-MM-DD`",
            meeting::meeting,
        ),
        Route::get(
            "/admin/meeting.md",
            Access::Facilitator,
            "Next meeting's agenda as Markdown",
            meeting::meeting_markdown,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Shared helpers

/// Who did it, for the audit log, signals and flags: the viewer's account (by id), or the
/// person at this machine in local mode.
fn actor(viewer: &Viewer) -> Result<Actor, AppError> {
    viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized("log in first: this needs an account".to_string()))
}

fn bad_form(message: &str) -> AppError {
    AppError::bad_request("bad_form", message)
}

/// Runs blocking work that uses the content folder and the state database.
async fn blocking<T, F>(state: &AppState, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
{
    state.blocking(work).await
}

/// The current slug of `slug` if the viewer may read it (the write-up page's check).
fn readable(state: &AppState, slug: &str, scope: Scope) -> Result<String, AppError> {
    state
        .engine
        .get(slug.trim_matches('/'), scope)?
        .map(|s| s.record.slug)
        .ok_or_else(AppError::not_found)
}

fn desk_layout(ctx: &Ctx, title: &str) -> Layout {
    ctx.layout(title.to_string(), "desk", false)
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
fn survey(root: &FsPath) -> Result<Survey, AppError> {
    let listing = catalog::list(root)?;
    let meetings = erfa_index::meetings::Meetings::load(root);
    let mut entries = Vec::with_capacity(listing.entries.len());
    for entry in &listing.entries {
        let (mut parsed, _) = catalog::load(entry);
        if let (Some(list), Some(doc)) = (&meetings.meetings, &parsed.document) {
            parsed
                .diagnostics
                .extend(list.unknown_in(root, std::slice::from_ref(doc)));
        }
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
    other.extend(erfa_index::compounds::load(root).diagnostics);
    other.extend(meetings.diagnostics);
    Ok(Survey {
        entries,
        other,
        near_duplicates: catalog::near_duplicates(&docs),
    })
}

/// The file of `slug` (the first file with that slug, as the index has it).
fn path_of(root: &FsPath, slug: &str) -> Result<catalog::Entry, AppError> {
    catalog::list(root)?
        .entries
        .into_iter()
        .find(|e| e.slug == slug && e.slug_taken_by.is_none())
        .ok_or_else(AppError::not_found)
}

/// Edits one write-up in place (durably) and asks the watcher to look at it now.
fn edit_file(
    state: &AppState,
    rel: &str,
    change: impl FnOnce(&str) -> Result<String, edit::EditError>,
) -> Result<bool, AppError> {
    let changed = edit::apply(&state.config.content_dir, rel, change).map_err(|e| match e {
        erfa_index::Error::Edit { reason, .. } => {
            AppError::bad_request("cannot_edit", format!("{rel}: {reason}"))
        }
        other => other.into(),
    })?;
    if changed && let Some(watch) = &state.watch {
        watch.touch([rel.to_string()]);
    }
    Ok(changed)
}
