//! "My write-ups": a contributor's own submissions, and editing them until published.

use super::*;

struct MineRow {
    title: String,
    slug: String,
    status: String,
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
    saved: Option<String>,
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
                            editable: editable(doc.front.status),
                            updated: Date::utc_minute(sub.updated),
                            slug,
                            notes,
                        },
                        None => MineRow {
                            title: sub.path.clone(),
                            status: lang.t().mine_gone.to_string(),
                            editable: false,
                            updated: Date::utc_minute(sub.updated),
                            slug,
                            notes,
                        },
                    }
                })
                .collect())
        })
        .await?;
    let saved = saved.filter(|s| rows.iter().any(|r| &r.slug == s));
    let template = MineTemplate {
        layout: ctx.layout(ctx.lang.t().mine_title.to_string(), "mine", false),
        rows,
        saved,
        index_pending,
    };
    let html = template.render()?;
    Ok(axum::response::Html(html).into_response())
}

/// The viewer's own submission `slug`, parsed; 404 for anything else, 403 once published.
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
    let (_, doc) = own_submission(&ctx, &slug).await?;
    let form = Form::from_document(&doc);
    let tags = tag_suggestions(&ctx).await;
    share_page(
        &ctx,
        form,
        Some(&slug),
        Extras::default(),
        tags,
        StatusCode::OK,
    )
}

pub(super) async fn mine_post(
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (rel, doc) = own_submission(&ctx, &slug).await?;
    let form = Form::parse(&body);
    let kept = Kept {
        status: Some(doc.front.status),
        front: Some(doc.front),
    };
    match handle_post(&ctx, form, Some(&slug), &kept).await? {
        Outcome::Page(response) => Ok(response),
        Outcome::Save { form, text, .. } => {
            let actor = actor(&ctx)?;
            let path = rel.clone();
            let file = text.clone();
            let indexed = ctx
                .state
                .blocking(move |s| {
                    // The facilitator may have published it meanwhile.
                    if load(s, &path).is_some_and(|d| !editable(d.front.status)) {
                        return Err(AppError::Forbidden {
                            code: "published",
                            message: String::new(),
                        });
                    }
                    erfa_index::durable::replace(
                        &s.config.content_dir.join(&path),
                        file.as_bytes(),
                    )?;
                    if let Some(accounts) = &s.accounts {
                        accounts
                            .record_submission_edit(&actor, &path)
                            .map_err(|e| AppError::internal(format!("recording an edit: {e}")))?;
                    }
                    Ok(index_now(s, &path))
                })
                .await;
            match indexed {
                Ok(indexed) => Ok(saved_redirect(&Saved { rel, indexed })),
                Err(e @ AppError::InsufficientStorage(_)) => {
                    not_saved(&ctx, *form, Some(&slug), &text, &e).await
                }
                Err(AppError::Forbidden { code, .. }) => Err(AppError::Forbidden {
                    code,
                    message: ctx.lang.t().mine_locked.to_string(),
                }),
                Err(e) => Err(e),
            }
        }
    }
}
