//! The review queue: submissions waiting for the facilitator.

use super::*;

struct ReviewItem {
    slug: String,
    title: String,
    summary: Option<String>,
    path: String,
    status: String,
    status_label: &'static str,
    /// Who sent it through the form, and when (none for files put in `content/` by hand).
    sent: Option<String>,
    /// Sent for review again after the facilitator asked for changes.
    resubmitted: bool,
    /// Waiting for review and without errors: it may be published.
    can_publish: bool,
    /// Whether the write-up is in the index, so its page can be opened.
    indexed: bool,
    errors: Vec<String>,
    warnings: Vec<String>,
    notes: Vec<String>,
    /// The closest published write-ups: is it new, or does it repeat one?
    closest: Vec<(String, String)>,
    /// For a write-up sent again: what changed since the last change request.
    changes: Vec<DiffLine>,
}

/// One line of what changed: `added`, `removed` or `same` (context), and its text.
pub(super) struct DiffLine {
    pub(super) class: &'static str,
    pub(super) text: String,
}

/// The most lines of a diff the queue shows.
const MAX_DIFF_LINES: usize = 80;

/// What changed from `before` to `after`, line by line, with one line of context around
/// each change.
pub(super) fn diff(before: &str, after: &str) -> Vec<DiffLine> {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut lines = Vec::new();
    for group in diff.grouped_ops(1) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let class = match change.tag() {
                    similar::ChangeTag::Insert => "added",
                    similar::ChangeTag::Delete => "removed",
                    similar::ChangeTag::Equal => "same",
                };
                lines.push(DiffLine {
                    class,
                    text: change.value().trim_end_matches(['\r', '\n']).to_string(),
                });
            }
        }
        if lines.len() >= MAX_DIFF_LINES {
            break;
        }
    }
    lines.truncate(MAX_DIFF_LINES);
    lines
}

/// How many of the closest published write-ups an item shows.
const CLOSEST: usize = 3;

/// What the facilitator just did, with the way to undo it where there is one.
struct Done {
    text: &'static str,
    undo: Option<Undo>,
}

/// The form that undoes an action on a write-up.
struct Undo {
    slug: String,
    label: &'static str,
    action: &'static str,
    /// The status `restore` goes back to.
    to: &'static str,
}

#[derive(Template)]
#[template(path = "admin_review.html")]
struct ReviewTemplate {
    layout: Layout,
    items: Vec<ReviewItem>,
    done: Option<Done>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReviewQuery {
    #[serde(default)]
    done: String,
    /// The write-up the action was done to.
    #[serde(default)]
    slug: String,
    /// Its status before, for undoing an archive.
    #[serde(default)]
    was: String,
}

fn done(t: &'static Strings, query: &ReviewQuery) -> Option<Done> {
    let text = match query.done.as_str() {
        "unpublish" => t.desk_done_unpublish,
        "restore" => t.desk_done_restore,
        other => done_notice(t, other)?,
    };
    let slug = query.slug.trim_matches('/');
    let undo = |label, action, to| Undo {
        slug: slug.to_string(),
        label,
        action,
        to,
    };
    let undo = match query.done.as_str() {
        _ if slug.is_empty() => None,
        "publish" => Some(undo(t.desk_undo_publish, "unpublish", "")),
        "archive" if query.was == "draft" => Some(undo(t.desk_undo_archive, "restore", "draft")),
        "archive" => Some(undo(t.desk_undo_archive, "restore", "review")),
        _ => None,
    };
    Some(Done { text, undo })
}

/// Who sent `rel` through the form and when, in words; `None` for other files. Blocking.
fn sent_by(s: &AppState, t: &Strings, rel: &str) -> Result<Option<String>, AppError> {
    let Some(accounts) = &s.accounts else {
        return Ok(None);
    };
    let Some(submission) = accounts.submission(rel).map_err(AppError::from)? else {
        return Ok(None);
    };
    let who = match accounts
        .user_by_id(submission.account_id)
        .map_err(AppError::from)?
    {
        Some(user) => user.name,
        None => t.desk_former_account.to_string(),
    };
    Ok(Some(format!(
        "{} {who} · {}",
        t.desk_sent_by,
        crate::clock::danish_minute(submission.created)
    )))
}

fn review_item(s: &AppState, lang: crate::i18n::Lang, e: &Entry) -> Result<ReviewItem, AppError> {
    let t = lang.t();
    let status = e.status();
    let raw_notes = match &s.accounts {
        Some(a) => a.review_notes(&e.slug).map_err(AppError::from)?,
        None => Vec::new(),
    };
    let changes = match raw_notes.iter().find_map(|n| n.text.as_deref()) {
        Some(before) if status == "review" => {
            let now =
                std::fs::read_to_string(s.config.content_dir.join(&e.path)).unwrap_or_default();
            diff(before, &now)
        }
        _ => Vec::new(),
    };
    let notes: Vec<String> = raw_notes
        .into_iter()
        .map(|n| {
            format!(
                "{} · {}: {}",
                crate::clock::danish_minute(n.at),
                n.actor,
                n.comment
            )
        })
        .collect();
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        e.diagnostics.iter().partition(|d| d.is_error());
    let closest = if e.doc.is_some() {
        s.engine
            .related(&e.slug, Scope::Facilitator, 12)?
            .into_iter()
            .filter(|h| h.status.is_none_or(|s| s == Status::Published))
            .take(CLOSEST)
            .map(|h| (format!("/w/{}", h.slug), h.title))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ReviewItem {
        slug: e.slug.clone(),
        title: e.title(),
        summary: e.doc.as_ref().and_then(|d| d.front.summary.clone()),
        path: e.path.clone(),
        status_label: lang.status_name(&status),
        sent: sent_by(s, t, &e.path)?,
        resubmitted: status == "review" && !notes.is_empty(),
        can_publish: status == "review" && errors.is_empty(),
        status,
        indexed: e.doc.is_some(),
        errors: errors
            .iter()
            .map(|d| crate::diagnostic_words::plain(lang, d))
            .collect(),
        warnings: warnings
            .iter()
            .map(|d| crate::diagnostic_words::plain(lang, d))
            .collect(),
        notes,
        closest,
        changes,
    })
}

pub(super) async fn review(
    ctx: Ctx,
    query: Result<Query<ReviewQuery>, AppError>,
) -> Result<Response, AppError> {
    let query = query.map(|q| q.0).unwrap_or_default();
    let lang = ctx.lang;
    let items = blocking(&ctx.state, move |s| {
        let survey = survey(&s.config.content_dir)?;
        let mut items = Vec::new();
        for e in &survey.entries {
            if matches!(e.status().as_str(), "draft" | "review") {
                items.push(review_item(s, lang, e)?);
            }
        }
        // Write-ups waiting for review first, then drafts.
        items.sort_by(|a, b| (b.status == "review", &a.path).cmp(&(a.status == "review", &b.path)));
        Ok(items)
    })
    .await?;
    let t = ctx.lang.t();
    let template = ReviewTemplate {
        layout: desk_layout(&ctx, t.desk_review),
        items,
        done: done(t, &query),
    };
    render(&template, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
    /// For `restore`: the status to go back to, `review` (the default) or `draft`.
    #[serde(default)]
    to: String,
    /// For `archive`: `yes` once the facilitator confirmed it.
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/review/{slug}`: publish, request changes or archive (after asking), and
/// their undoing: a published write-up back to review, an archived one restored. Only
/// the `status:` line changes; every change is in the audit log.
pub(super) async fn review_action(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    // What the action needs the write-up to be now, and what it makes it.
    let (from, status): (&[Status], Status) = match form.action.as_str() {
        "publish" => (&[Status::Draft, Status::Review], Status::Published),
        "changes" => (
            &[Status::Draft, Status::Review, Status::Published],
            Status::Draft,
        ),
        "archive" => (
            &[Status::Draft, Status::Review, Status::Published],
            Status::Archived,
        ),
        "unpublish" => (&[Status::Published], Status::Review),
        "restore" if form.to == "draft" => (&[Status::Archived], Status::Draft),
        "restore" => (&[Status::Archived], Status::Review),
        _ => {
            return Err(bad_form(
                "action: expected publish, changes, archive, unpublish or restore",
            ));
        }
    };
    if form.action == "changes" && form.comment.trim().is_empty() {
        return Err(AppError::bad_request(
            "comment_needed",
            t.desk_changes_comment_needed,
        ));
    }
    let slug = slug.trim_matches('/').to_string();
    if form.action == "archive" && form.confirm != "yes" {
        return archive_question(&ctx, &slug).await;
    }
    let me = actor(&ctx.viewer)?;
    let action = form.action.clone();
    let invalid = t.desk_publish_invalid;
    let was = blocking(&ctx.state, move |s| {
        let root = &s.config.content_dir;
        let entry = path_of(root, &slug)?;
        let loaded = catalog::load(&entry).0.document;
        let was = loaded.as_ref().map(|d| d.front.status);
        if was.is_some_and(|w| !from.contains(&w)) {
            return Err(AppError::bad_request("wrong_status", t.desk_wrong_status));
        }
        if status == Status::Published && loaded.is_none() {
            return Err(AppError::bad_request("invalid", invalid));
        }
        // A change request keeps the text it was made on, to show what changed since.
        let before = std::fs::read_to_string(root.join(&entry.file.rel)).ok();
        edit_file(s, &entry.file.rel, |text| {
            let text = edit::set_scalar(text, "status", status.as_str())?;
            // The first publication is kept: "newest", the feed and the agenda go by it.
            if status == Status::Published && edit::scalar(&text, "published").is_none() {
                let today = crate::clock::danish_today();
                return edit::set_scalar(&text, "published", &today);
            }
            Ok(text)
        })?;
        s.record_history(&[&entry.file.rel], &format!("{action}: {}", entry.slug));
        if let Some(accounts) = &s.accounts {
            accounts
                .audit(&me, &format!("review.{action}"), &entry.slug)
                .map_err(AppError::from)?;
            if action == "changes" {
                accounts
                    .add_change_request(&entry.slug, &me.name, &form.comment, before.as_deref())
                    .map_err(AppError::from)?;
                // The member who shared it hears by mail, when they gave a confirmed
                // address and did not turn news by mail off: a fixed text and a link.
                if let Some(sub) = accounts.submission(&entry.file.rel)?
                    && let Some(email) = accounts.email(sub.account_id)?
                    && email.verified
                    && email.digest != erfa_accounts::Digest::None
                {
                    s.mailer.send(
                        &email.address,
                        crate::mail::Notice::ChangesRequested,
                        &s.link("/mine"),
                        &[],
                    );
                }
            }
        }
        Ok((entry.slug, was))
    })
    .await?;
    let (slug, was) = was;
    let was = was.map_or("", |w| w.as_str());
    let slug: String = form_urlencoded::byte_serialize(slug.as_bytes()).collect();
    Ok(Redirect::to(&format!(
        "/admin/review?done={}&slug={slug}&was={was}",
        form.action
    ))
    .into_response())
}

/// The page that asks before archiving `slug`.
async fn archive_question(ctx: &Ctx, slug: &str) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let lookup = slug.to_string();
    let title = blocking(&ctx.state, move |s| {
        let entry = path_of(&s.config.content_dir, &lookup)?;
        Ok(catalog::load(&entry)
            .0
            .document
            .map_or_else(|| entry.slug.clone(), |d| d.front.title))
    })
    .await?;
    let template = ConfirmTemplate {
        layout: desk_layout(ctx, t.desk_archive_confirm_title),
        heading: t.desk_archive_confirm_title,
        subject: title,
        text: t.desk_archive_confirm_text,
        action: format!("/admin/review/{slug}"),
        fields: vec![("action".to_string(), "archive".to_string())],
        confirm: t.desk_archive_confirm,
        cancel_href: "/admin/review".to_string(),
    };
    render(&template, StatusCode::OK)
}
