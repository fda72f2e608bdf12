//! "My write-ups": a contributor's own submissions, and editing them until published.

use super::*;

struct MineRow {
    title: String,
    slug: String,
    status: String,
    /// Waiting for the facilitator (not a draft).
    in_review: bool,
    /// Whether its page can be opened (it is still in the submissions folder).
    linked: bool,
    editable: bool,
    updated: String,
    /// The facilitator's change requests, newest first.
    notes: Vec<String>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MineTemplate {
    layout: Layout,
    rows: Vec<MineRow>,
    /// The slug and title of the write-up just saved.
    saved: Option<(String, String)>,
    /// What saving did: sent for review, or kept as a draft.
    saved_text: &'static str,
    /// The saved write-up is not in the index yet.
    index_pending: bool,
}

/// A submission's file name without folder and `.md`: `[a-z0-9-]`, as the form makes them.
pub(super) fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= erfa_index::template::MAX_SLUG_CHARS
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Reads and parses a submission's file. Blocking.
fn load(state: &crate::AppState, rel: &str) -> Option<Document> {
    let text = std::fs::read_to_string(state.config.content_dir.join(rel)).ok()?;
    Document::parse(rel, &text).document
}

fn editable(status: Status) -> bool {
    matches!(status, Status::Draft | Status::Review)
}

#[derive(serde::Deserialize)]
pub(super) struct MineQuery {
    saved: Option<String>,
    /// `pending` when the index could not be updated after saving.
    index: Option<String>,
}

pub(super) async fn mine(
    ctx: Ctx,
    query: Result<Query<MineQuery>, AppError>,
) -> Result<Response, AppError> {
    let query = query.ok().map(|q| q.0);
    let index_pending = query
        .as_ref()
        .is_some_and(|q| q.index.as_deref() == Some("pending"));
    let saved = query.and_then(|q| q.saved).filter(|s| valid_slug(s));
    let actor = actor(&ctx)?;
    let lang = ctx.lang;
    let rows = ctx
        .state
        .blocking(move |s| {
            let Some(accounts) = &s.accounts else {
                return Ok(Vec::new());
            };
            let submissions = accounts
                .submissions_of(actor.id)
                .map_err(|e| AppError::internal(format!("submissions: {e}")))?;
            Ok(submissions
                .into_iter()
                .map(|sub| {
                    let slug = sub
                        .path
                        .strip_prefix(&format!("{FOLDER}/"))
                        .and_then(|p| p.strip_suffix(".md"))
                        .unwrap_or(&sub.path)
                        .to_string();
                    // What the facilitator asked to change, from the review queue.
                    let notes = accounts
                        .review_notes(&format!("{FOLDER}/{slug}"))
                        .map(|notes| notes.into_iter().map(|n| n.comment).collect())
                        .unwrap_or_default();
                    match load(s, &sub.path) {
                        Some(doc) => MineRow {
                            title: doc.front.title.clone(),
                            status: lang.status_name(doc.front.status.as_str()).to_string(),
                            in_review: doc.front.status == Status::Review,
                            linked: true,
                            editable: editable(doc.front.status),
                            updated: crate::clock::danish_minute(sub.updated),
                            slug,
                            notes,
                        },
                        None => MineRow {
                            title: sub.path.clone(),
                            status: lang.t().mine_gone.to_string(),
                            in_review: false,
                            linked: false,
                            editable: false,
                            updated: crate::clock::danish_minute(sub.updated),
                            slug,
                            notes,
                        },
                    }
                })
                .collect())
        })
        .await?;
    let saved_row = saved.and_then(|s| rows.iter().find(|r| r.slug == s));
    let t = ctx.lang.t();
    let saved_text = match saved_row {
        Some(row) if !row.in_review => t.mine_saved_draft,
        _ => t.mine_saved,
    };
    let saved = saved_row.map(|r| (r.slug.clone(), r.title.clone()));
    let template = MineTemplate {
        layout: ctx.layout(t.mine_title.to_string(), "mine", false),
        rows,
        saved,
        saved_text,
        index_pending,
    };
    let html = template.render()?;
    Ok(axum::response::Html(html).into_response())
}

/// The viewer's own submission `slug`, parsed; 404 for anything else, 403 once published.
/// The facilitator's change requests for the submission `rel`, newest first. Blocking.
fn change_requests(state: &crate::AppState, rel: &str) -> Vec<String> {
    let key = rel.strip_suffix(".md").unwrap_or(rel);
    state
        .accounts
        .as_ref()
        .and_then(|a| a.review_notes(key).ok())
        .map(|notes| notes.into_iter().map(|n| n.comment).collect())
        .unwrap_or_default()
}

/// The submission as the edit form knows it.
async fn editing(ctx: &Ctx, slug: &str, rel: &str, status: Status) -> Result<Editing, AppError> {
    let rel = rel.to_string();
    let (requests, from_thread) = ctx
        .state
        .blocking(move |s| {
            // A draft made from a thread in Ask the group holds answers that members wrote
            // for members: its owner cannot widen it (docs/SECURITY.md).
            let from_thread = match &s.accounts {
                Some(accounts) => !accounts.questions_of_writeup(&rel)?.is_empty(),
                None => false,
            };
            Ok((change_requests(s, &rel), from_thread))
        })
        .await?;
    Ok(Editing {
        slug: slug.to_string(),
        status,
        requests,
        members_only: from_thread,
    })
}

async fn own_submission(ctx: &Ctx, slug: &str) -> Result<(String, Document), AppError> {
    if !valid_slug(slug) {
        return Err(AppError::not_found());
    }
    let rel = format!("{FOLDER}/{slug}.md");
    let actor = actor(ctx)?;
    let lookup = rel.clone();
    let doc = ctx
        .state
        .blocking(move |s| {
            let Some(accounts) = &s.accounts else {
                return Ok(None);
            };
            let owner = accounts
                .submission(&lookup)
                .map_err(|e| AppError::internal(format!("submissions: {e}")))?;
            if owner.is_none_or(|o| o.account_id != actor.id) {
                return Ok(None);
            }
            Ok(load(s, &lookup))
        })
        .await?
        .ok_or_else(AppError::not_found)?;
    if !editable(doc.front.status) {
        return Err(AppError::Forbidden {
            code: "published",
            message: ctx.lang.t().mine_locked.to_string(),
        });
    }
    Ok((rel, doc))
}

pub(super) async fn mine_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    let (rel, doc) = own_submission(&ctx, &slug).await?;
    let editing = editing(&ctx, &slug, &rel, doc.front.status).await?;
    let form = Form::from_document(&doc);
    let tags = tag_suggestions(&ctx).await;
    // The preview is filled from the start, as it is after every change.
    let file = rel.clone();
    let text = ctx
        .state
        .blocking(move |s| {
            std::fs::read_to_string(s.config.content_dir.join(&file))
                .map_err(|e| AppError::internal(format!("reading {file}: {e}")))
        })
        .await?;
    let extras = Extras {
        preview: preview_html(&form, ctx.lang, &text, &format!("{FOLDER}/{slug}"), &rel),
        ..Extras::default()
    };
    share_page(&ctx, form, Some(&editing), extras, tags, StatusCode::OK)
}

pub(super) async fn mine_post(
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (rel, doc) = own_submission(&ctx, &slug).await?;
    let form = Form::parse(&body);
    let editing = editing(&ctx, &slug, &rel, doc.front.status).await?;
    // "Save and send for review" turns a draft into a submission waiting for review.
    let was = doc.front.status;
    let resubmit = form.action == "resubmit" && doc.front.status == Status::Draft;
    let kept = Kept {
        status: Some(if resubmit {
            Status::Review
        } else {
            doc.front.status
        }),
        front: Some(doc.front),
        members_only: editing.members_only,
    };
    match handle_post(&ctx, form, Some(&editing), &kept).await? {
        Outcome::Page(response) => Ok(response),
        Outcome::Save { form, text, .. } => {
            let actor = actor(&ctx)?;
            let path = rel.clone();
            let file = text.clone();
            let indexed = ctx
                .state
                .blocking(move |s| {
                    // The facilitator may have published it meanwhile, or asked for
                    // changes: a save never undoes what the facilitator just did.
                    match load(s, &path).map(|d| d.front.status) {
                        Some(now) if !editable(now) => {
                            return Err(AppError::Forbidden {
                                code: "published",
                                message: String::new(),
                            });
                        }
                        Some(now) if now != was => {
                            return Err(AppError::Forbidden {
                                code: "changed_meanwhile",
                                message: String::new(),
                            });
                        }
                        _ => {}
                    }
                    erfa_index::durable::replace(
                        &s.config.content_dir.join(&path),
                        file.as_bytes(),
                    )?;
                    let verb = if resubmit { "resubmit" } else { "edit" };
                    let key = path.strip_suffix(".md").unwrap_or(&path);
                    s.record_history(&[&path], &format!("{verb}: {key}"));
                    if let Some(accounts) = &s.accounts {
                        accounts
                            .record_submission_edit(&actor, &path)
                            .map_err(|e| AppError::internal(format!("recording an edit: {e}")))?;
                        if resubmit {
                            let key = path.strip_suffix(".md").unwrap_or(&path);
                            accounts
                                .audit(&actor, "review.resubmit", key)
                                .map_err(AppError::from)?;
                        }
                    }
                    Ok(index_now(s, &path))
                })
                .await;
            match indexed {
                Ok(indexed) => Ok(saved_redirect(&Saved { rel, indexed })),
                Err(e @ AppError::InsufficientStorage(_)) => {
                    not_saved(&ctx, *form, Some(&editing), &text, &e).await
                }
                Err(AppError::Forbidden { code, .. }) => Err(AppError::Forbidden {
                    code,
                    message: if code == "changed_meanwhile" {
                        ctx.lang.t().mine_changed_meanwhile
                    } else {
                        ctx.lang.t().mine_locked
                    }
                    .to_string(),
                }),
                Err(e) => Err(e),
            }
        }
    }
}
