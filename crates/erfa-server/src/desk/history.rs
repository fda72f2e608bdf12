//! A write-up's version history, when `content/` has a git history: each version's date,
//! action and what changed, and restoring an earlier version as a new one.

use super::review::{DiffLine, diff};
use super::*;

/// One version as the page shows it.
struct VersionView {
    id: String,
    short: String,
    date: String,
    action: String,
    /// The newest version, the one in `content/` now: it has nothing to restore.
    current: bool,
    /// What changed from the version before; empty for the first.
    changes: Vec<DiffLine>,
    first: bool,
}

#[derive(Template)]
#[template(path = "admin_history.html")]
struct HistoryTemplate {
    layout: Layout,
    slug: String,
    title: String,
    versions: Vec<VersionView>,
    restored: bool,
}

/// The versions of the file of `slug`, newest first, and the file's path; no versions
/// where `content/` has no git history.
fn versions_of(
    s: &AppState,
    slug: &str,
) -> Result<(catalog::Entry, Vec<crate::history::Version>), AppError> {
    let entry = path_of(&s.config.content_dir, slug)?;
    let Some(history) = &s.history else {
        return Ok((entry, Vec::new()));
    };
    let versions = history
        .versions(&entry.file.rel)
        .map_err(|e| AppError::internal(format!("reading the git history: {e}")))?;
    Ok((entry, versions))
}

/// `GET /admin/history/{slug}`: every version of the write-up, newest first.
pub(super) async fn history(
    ctx: Ctx,
    Path(slug): Path<String>,
    query: Result<Query<DoneQuery>, AppError>,
) -> Result<Response, AppError> {
    let restored = query.is_ok_and(|q| q.0.done == "restore");
    let slug = slug.trim_matches('/').to_string();
    let (slug, title, versions) = blocking(&ctx.state, move |s| {
        let (entry, versions) = versions_of(s, &slug)?;
        let title = catalog::load(&entry)
            .0
            .document
            .map_or_else(|| entry.slug.clone(), |d| d.front.title);
        let mut views = Vec::new();
        for (i, v) in versions.iter().enumerate() {
            let before = versions.get(i + 1).and_then(|b| b.text.as_deref());
            views.push(VersionView {
                short: v.id.chars().take(10).collect(),
                id: v.id.clone(),
                date: crate::clock::danish_minute(v.time),
                action: v.summary.clone(),
                current: i == 0,
                changes: diff(before.unwrap_or(""), v.text.as_deref().unwrap_or("")),
                first: before.is_none(),
            });
        }
        Ok((entry.slug, title, views))
    })
    .await?;
    let template = HistoryTemplate {
        layout: desk_layout(&ctx, ctx.lang.t().history_title),
        slug,
        title,
        versions,
        restored,
    };
    render(&template, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub(super) struct RestoreForm {
    #[serde(default)]
    version: String,
}

/// `POST /admin/history/{slug}`: the chosen version back as a new version, through the
/// same durable edit as every desk change. It goes back to review, and its `visibility` is
/// the narrower of the current and the restored one, so a restore never widens the
/// audience.
pub(super) async fn restore(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<RestoreForm>,
) -> Result<Response, AppError> {
    let me = actor(&ctx.viewer)?;
    let slug = slug.trim_matches('/').to_string();
    let slug = blocking(&ctx.state, move |s| {
        let (entry, versions) = versions_of(s, &slug)?;
        let restored = versions
            .iter()
            .find(|v| !form.version.is_empty() && v.id == form.version)
            .and_then(|v| v.text.clone())
            .ok_or_else(|| bad_form("version: expected a version of this write-up"))?;
        edit_file(s, &entry.file.rel, |now| narrowed(now, &restored))?;
        let short: String = form.version.chars().take(10).collect();
        s.record_history(
            &[&entry.file.rel],
            &format!("restore {short}: {}", entry.slug),
        );
        if let Some(accounts) = &s.accounts {
            accounts
                .audit(&me, "history.restore", &entry.slug)
                .map_err(AppError::from)?;
        }
        Ok(entry.slug)
    })
    .await?;
    Ok(Redirect::to(&format!("/admin/history/{slug}?done=restore")).into_response())
}

/// `restored` as it goes back into `content/`: `status: review`, and the `visibility` of
/// `now` unless the restored one is narrower. Only `public` is wide; a missing or unknown
/// value is never public.
fn narrowed(now: &str, restored: &str) -> Result<String, edit::EditError> {
    let text = edit::set_scalar(restored, "status", Status::Review.as_str())?;
    let public = |t: &str| edit::scalar(t, "visibility").as_deref() == Some("public");
    if public(&text) && !public(now) {
        let keep = edit::scalar(now, "visibility").unwrap_or_else(|| "members".to_string());
        return edit::set_scalar(&text, "visibility", &keep);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::narrowed;

    const PUBLIC: &str = "---\ntitle: A\nstatus: archived\nvisibility: public\n---\nText\n";
    const MEMBERS: &str = "---\ntitle: A\nstatus: published\nvisibility: members\n---\nNew\n";

    #[test]
    fn a_restore_never_widens_visibility_and_goes_back_to_review() {
        let text = narrowed(MEMBERS, PUBLIC).expect("edits");
        assert!(text.contains("visibility: members"), "{text}");
        assert!(text.contains("status: review"), "{text}");
        assert!(text.ends_with("Text\n"), "{text}");
        let text = narrowed(PUBLIC, MEMBERS).expect("edits");
        assert!(text.contains("visibility: members"), "{text}");
    }
}
