//! A contributor's own submission, not published yet, as a page for its author: what the
//! form saved, read from its file. Nobody else finds it here: for them the address names
//! nothing, exactly as a missing write-up (the facilitator reads it in the review queue).

use askama::Template;
use axum::response::Response;
use erfa_index::Document;
use erfa_index::vocab::Status;

use crate::error::AppError;
use crate::page::{Ctx, Layout, html};
use crate::render::{Base, writeup_html};
use crate::state::SUBMISSIONS;

#[derive(Template)]
#[template(path = "own_submission.html")]
struct OwnTemplate {
    layout: Layout,
    title: String,
    summary: Option<String>,
    language: &'static str,
    /// Where it stands: waiting for review, or a draft.
    state: &'static str,
    edit_href: String,
    html: String,
}

/// A submission's file name as the form makes them: `[a-z0-9-]`, at most 80 characters.
fn form_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= erfa_index::template::MAX_SLUG_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The page of `slug` (`submissions/…`) when the viewer shared it and it is a draft or
/// waits for review; `None` in every other case, to be answered as a missing page.
pub(super) async fn own_submission(ctx: &Ctx, slug: &str) -> Result<Option<Response>, AppError> {
    let Some(name) = slug
        .strip_prefix(SUBMISSIONS)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|name| form_name(name))
    else {
        return Ok(None);
    };
    let Some(me) = ctx.viewer.account_id() else {
        return Ok(None);
    };
    let rel = format!("{SUBMISSIONS}/{name}.md");
    let doc: Option<Document> = ctx
        .state
        .blocking(move |s| {
            let Some(accounts) = &s.accounts else {
                return Ok(None);
            };
            let owner = accounts.submission(&rel).map_err(AppError::from)?;
            if owner.is_none_or(|o| o.account_id != me) {
                return Ok(None);
            }
            let Ok(text) = std::fs::read_to_string(s.config.content_dir.join(&rel)) else {
                return Ok(None);
            };
            Ok(Document::parse(&rel, &text).document)
        })
        .await?;
    let Some(doc) = doc.filter(|d| matches!(d.front.status, Status::Draft | Status::Review)) else {
        return Ok(None);
    };
    let t = ctx.lang.t();
    let template = OwnTemplate {
        layout: ctx.layout(doc.front.title.clone(), "mine", false),
        title: doc.front.title.clone(),
        summary: doc.front.summary.clone(),
        language: doc.language.as_str(),
        state: if doc.front.status == Status::Review {
            t.mine_state_review
        } else {
            t.mine_state_draft
        },
        edit_href: format!("/mine/{name}"),
        html: writeup_html(&doc.markdown, &Base::new(slug, &format!("{slug}.md"))),
    };
    html(&template).map(Some)
}
