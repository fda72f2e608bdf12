//! The review queue: submissions waiting for the facilitator.

use super::*;

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

pub(super) async fn review(
    ctx: Ctx,
    query: Result<Query<DoneQuery>, AppError>,
) -> Result<Response, AppError> {
    let done = query.map(|q| q.0.done).unwrap_or_default();
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
                    .map_err(AppError::from)?
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
        items.sort_by(|a, b| (b.status == "review", &a.path).cmp(&(a.status == "review", &b.path)));
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

#[derive(Debug, Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

/// `POST /admin/review/{slug}`: publish, request changes or archive. Only the `status:`
/// line changes; the change is recorded in the audit log.
pub(super) async fn review_action(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let status = match form.action.as_str() {
        "publish" => Status::Published,
        "changes" => Status::Draft,
        "archive" => Status::Archived,
        _ => return Err(bad_form("action: expected publish, changes or archive")),
    };
    let t = ctx.lang.t();
    if form.action == "changes" && form.comment.trim().is_empty() {
        return Err(AppError::bad_request(
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
            return Err(AppError::bad_request("invalid", invalid));
        }
        edit_file(s, &entry.file.rel, |text| {
            edit::set_scalar(text, "status", status.as_str())
        })?;
        if let Some(accounts) = &s.accounts {
            accounts
                .audit(&me, &format!("review.{action}"), &entry.slug)
                .map_err(AppError::from)?;
            if action == "changes" {
                accounts
                    .add_review_note(&entry.slug, &me.name, &form.comment)
                    .map_err(AppError::from)?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&format!("/admin/review?done={}", form.action)).into_response())
}
