//! The live preview: the form rendered as JSON while the contributor types.

use super::*;

#[derive(Serialize)]
struct PreviewJson {
    html: String,
    notes: Vec<String>,
    similar: Vec<SimilarJson>,
}

#[derive(Serialize)]
struct SimilarJson {
    title: String,
    href: String,
    kind: String,
    summary: Option<String>,
}

pub(super) async fn share_preview(ctx: Ctx, body: Bytes) -> Response {
    let form = Form::parse(&body);
    // When editing, the write-up itself is not "similar".
    let own = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "editing")
        .map(|(_, v)| v.into_owned())
        .filter(|s| valid_slug(s))
        .map(|s| format!("{FOLDER}/{s}"));
    let slug = format!("{FOLDER}/preview");
    let path = format!("{slug}.md");
    let meetings = ctx.state.meetings();
    let checked = check(
        &form,
        &Kept::default(),
        &path,
        ctx.lang.t(),
        meetings.as_ref().as_ref(),
    );
    let hits = match similar(&ctx, &form, own).await {
        Ok(hits) => hits,
        Err(e) => return e.into_response(),
    };
    let json = PreviewJson {
        html: preview_html(&form, ctx.lang, &checked.text, &slug, &path).unwrap_or_default(),
        notes: checked.notes,
        similar: similar_views(ctx.lang, hits)
            .into_iter()
            .map(|s| SimilarJson {
                title: s.title,
                href: s.href,
                kind: s.kind,
                summary: s.summary,
            })
            .collect(),
    };
    axum::Json(json).into_response()
}
