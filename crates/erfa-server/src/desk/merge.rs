//! Merging duplicates: one write-up joins another, its slug becomes an alias.

use super::*;

#[derive(Template)]
#[template(path = "admin_merge.html")]
struct MergeTemplate {
    layout: Layout,
    choices: Vec<(String, String)>,
    pairs: Vec<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct MergedQuery {
    #[serde(default)]
    kept: String,
    #[serde(default)]
    old: String,
}

pub(super) async fn merge_form(
    ctx: Ctx,
    query: Result<Query<MergedQuery>, AppError>,
) -> Result<Response, AppError> {
    let merged = query.map(|q| q.0).unwrap_or_default();
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

#[derive(Debug, Deserialize)]
pub(super) struct MergeForm {
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
pub(super) async fn merge(ctx: Ctx, Form(form): Form<MergeForm>) -> Result<Response, AppError> {
    let (first, second) = (
        form.first.trim().trim_matches('/').to_string(),
        form.second.trim().trim_matches('/').to_string(),
    );
    if first.is_empty() || first == second {
        return Err(AppError::bad_request(
            "bad_form",
            ctx.lang.t().desk_merge_two,
        ));
    }
    let append = form.append.is_some();
    let me = actor(&ctx.viewer)?;
    let t = ctx.lang.t();
    let (old, kept) = blocking(&ctx.state, move |s| {
        let root = &s.config.content_dir;
        let load = |slug: &str| -> Result<(catalog::Entry, Document), AppError> {
            let entry = path_of(root, slug)?;
            let doc = catalog::load(&entry).0.document.ok_or_else(|| {
                AppError::bad_request(
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
            return Err(AppError::bad_request(
                "merge_audience",
                t.desk_merge_audience,
            ));
        }
        // Drafts and submissions under review are their contributors' work in
        // progress, each readable only by its own contributor: merging two would show
        // one contributor's text to another.
        if matches!(fa.status, Status::Draft | Status::Review) {
            return Err(AppError::bad_request(
                "merge_unpublished",
                t.desk_merge_unpublished,
            ));
        }
        if fa.translation_of.as_deref() == Some(b.1.slug.as_str())
            || fb.translation_of.as_deref() == Some(a.1.slug.as_str())
        {
            return Err(AppError::bad_request(
                "merge_translation",
                t.desk_merge_translation,
            ));
        }
        // The older is merged into the newer; without dates, or on the same day, the
        // second one chosen is merged into the first.
        let ((old_entry, old_doc), (kept_entry, kept_doc)) = if a.1.front.date < b.1.front.date {
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
                .map_err(AppError::from)?;
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
