//! Merging duplicates: one write-up joins another, its slug becomes an alias.

use super::*;

#[derive(Template)]
#[template(path = "admin_merge.html")]
struct MergeTemplate {
    layout: Layout,
    choices: Vec<(String, String)>,
    pairs: Vec<String>,
    notice: Option<String>,
    /// Merges that can still be undone: id, when, retired → kept.
    recent: Vec<(i64, String, String)>,
}

/// How many recent merges the page offers to undo.
const RECENT: usize = 10;

#[derive(Debug, Default, Deserialize)]
pub(super) struct MergedQuery {
    #[serde(default)]
    kept: String,
    #[serde(default)]
    old: String,
    /// `1` after a merge was undone.
    #[serde(default)]
    undone: String,
}

pub(super) async fn merge_form(
    ctx: Ctx,
    query: Result<Query<MergedQuery>, AppError>,
) -> Result<Response, AppError> {
    let merged = query.map(|q| q.0).unwrap_or_default();
    let (choices, pairs, recent) = blocking(&ctx.state, |s| {
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
        let recent = match &s.accounts {
            Some(a) => a
                .merges(RECENT)
                .map_err(AppError::from)?
                .into_iter()
                .map(|m| {
                    (
                        m.id,
                        crate::clock::danish_minute(m.at),
                        format!("{} → {}", m.old_slug, m.kept_slug),
                    )
                })
                .collect(),
            None => Vec::new(),
        };
        Ok((choices, pairs, recent))
    })
    .await?;
    let t = ctx.lang.t();
    let notice = if merged.undone == "1" {
        Some(t.desk_merge_undone.to_string())
    } else {
        (!merged.kept.is_empty())
            .then(|| format!("{} {} → {}", t.desk_done_merge, merged.old, merged.kept))
    };
    let template = MergeTemplate {
        layout: desk_layout(&ctx, t.desk_merge),
        choices,
        pairs,
        notice,
        recent,
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
    /// `yes` once the facilitator confirmed what the merge does.
    #[serde(default)]
    confirm: String,
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

/// A merge as the facilitator will confirm it: which write-up is kept, which one's address
/// will redirect to it, and which sections move over.
struct Plan {
    kept: (catalog::Entry, Document),
    old: (catalog::Entry, Document),
    /// The older one's sections that the kept one lacks, as Markdown ("" without append).
    extra: String,
}

/// Works out the merge of `first` and `second`, or why it may not happen: the refusals
/// come before the question, not after it. Blocking.
fn plan(
    s: &AppState,
    t: &'static Strings,
    first: &str,
    second: &str,
    append: bool,
) -> Result<Plan, AppError> {
    let root = &s.config.content_dir;
    let load = |slug: &str| -> Result<(catalog::Entry, Document), AppError> {
        let entry = path_of(root, slug).map_err(|e| match e {
            AppError::NotFound(_) => {
                AppError::bad_request("bad_form", format!("{slug}: {}", t.desk_merge_unknown))
            }
            other => other,
        })?;
        let doc = catalog::load(&entry).0.document.ok_or_else(|| {
            AppError::bad_request(
                "invalid",
                format!("{}: fix its errors first", entry.file.rel),
            )
        })?;
        Ok((entry, doc))
    };
    let a = load(first)?;
    let b = load(second)?;
    // Nothing moves to a wider audience without a person saying so: a merge joins only
    // write-ups of one status and one visibility, and never a translation pair
    // (docs/SECURITY.md).
    let (fa, fb) = (&a.1.front, &b.1.front);
    if fa.status != fb.status || fa.visibility != fb.visibility {
        return Err(AppError::bad_request(
            "merge_audience",
            t.desk_merge_audience,
        ));
    }
    // Drafts and submissions under review are their contributors' work in progress, each
    // readable only by its own contributor: merging two would show one contributor's
    // text to another.
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
    // The older is merged into the newer; without dates, or on the same day, the second
    // one chosen is merged into the first.
    let (old, kept) = if a.1.front.date < b.1.front.date {
        (a, b)
    } else {
        (b, a)
    };
    let extra = if append {
        unique_sections(&kept.1, &old.1)
    } else {
        String::new()
    };
    Ok(Plan { kept, old, extra })
}

/// Carries out `plan`: `duplicate_of` on the older, its slug among the kept one's
/// `aliases`, the sections appended, and a line in the audit log. Blocking.
fn apply(s: &AppState, me: &Actor, plan: Plan) -> Result<(String, String), AppError> {
    let kept_slug = plan.kept.1.slug.clone();
    let old_slug = plan.old.1.slug.clone();
    let root = &s.config.content_dir;
    let read = |rel: &str| {
        std::fs::read_to_string(root.join(rel))
            .map_err(|e| AppError::internal(format!("reading {rel}: {e}")))
    };
    let (old_path, kept_path) = (plan.old.0.file.rel.clone(), plan.kept.0.file.rel.clone());
    let (old_before, kept_before) = (read(&old_path)?, read(&kept_path)?);
    edit_file(s, &plan.old.0.file.rel, |text| {
        edit::set_scalar(text, "duplicate_of", &kept_slug)
    })?;
    edit_file(s, &plan.kept.0.file.rel, |text| {
        let text = edit::add_to_list(text, "aliases", &old_slug)?;
        if plan.extra.is_empty() {
            Ok(text)
        } else {
            edit::append_markdown(&text, &plan.extra)
        }
    })?;
    s.record_history(
        &[&old_path, &kept_path],
        &format!("merge: {old_slug} → {kept_slug}"),
    );
    if let Some(accounts) = &s.accounts {
        accounts
            .record_merge(&MergeRecord {
                id: 0,
                at: 0,
                actor: me.name.clone(),
                old_slug: old_slug.clone(),
                kept_slug: kept_slug.clone(),
                old_after: read(&old_path)?,
                kept_after: read(&kept_path)?,
                old_path,
                kept_path,
                old_before,
                kept_before,
            })
            .map_err(AppError::from)?;
        accounts
            .audit(me, "merge", &format!("{old_slug} → {kept_slug}"))
            .map_err(AppError::from)?;
    }
    Ok((old_slug, kept_slug))
}

/// `POST /admin/merge/{id}/undo`: both files back as they were before the merge, while
/// nobody has changed them since; otherwise nothing changes and the page says why.
pub(super) async fn undo(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    let me = actor(&ctx.viewer)?;
    let t = ctx.lang.t();
    blocking(&ctx.state, move |s| {
        let accounts = s.accounts()?;
        let merge = accounts
            .merges(RECENT)
            .map_err(AppError::from)?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(AppError::not_found)?;
        let root = &s.config.content_dir;
        let now = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        if now(&merge.old_path) != merge.old_after || now(&merge.kept_path) != merge.kept_after {
            return Err(AppError::bad_request(
                "changed_since",
                t.desk_merge_changed_since,
            ));
        }
        for (rel, text) in [
            (&merge.old_path, &merge.old_before),
            (&merge.kept_path, &merge.kept_before),
        ] {
            erfa_index::durable::replace(&root.join(rel), text.as_bytes())?;
            if let Some(watch) = &s.watch {
                watch.touch([rel.clone()]);
            }
        }
        s.record_history(
            &[&merge.old_path, &merge.kept_path],
            &format!("undo merge: {} → {}", merge.old_slug, merge.kept_slug),
        );
        accounts.mark_merge_undone(id).map_err(AppError::from)?;
        accounts
            .audit(
                &me,
                "merge.undo",
                &format!("{} → {}", merge.old_slug, merge.kept_slug),
            )
            .map_err(AppError::from)
    })
    .await?;
    Ok(Redirect::to("/admin/merge?undone=1").into_response())
}

/// What the question before a merge says.
#[derive(Template)]
#[template(path = "admin_merge_confirm.html")]
struct MergeConfirmTemplate {
    layout: Layout,
    kept_title: String,
    kept_href: String,
    old_title: String,
    old_href: String,
    /// The headings of the sections that move over.
    moved: Vec<String>,
    first: String,
    second: String,
    append: bool,
}

fn question(ctx: &Ctx, plan: &Plan, form: &MergeForm) -> Result<Response, AppError> {
    let moved = edit::sections(&plan.extra)
        .into_iter()
        .map(|(heading, _)| heading.trim().trim_start_matches('#').trim().to_string())
        .collect();
    let template = MergeConfirmTemplate {
        layout: desk_layout(ctx, ctx.lang.t().desk_merge_confirm_title),
        kept_title: plan.kept.1.front.title.clone(),
        kept_href: format!("/w/{}", plan.kept.1.slug),
        old_title: plan.old.1.front.title.clone(),
        old_href: format!("/w/{}", plan.old.1.slug),
        moved,
        first: form.first.clone(),
        second: form.second.clone(),
        append: form.append.is_some(),
    };
    render(&template, StatusCode::OK)
}

/// `POST /admin/merge`: the older of two write-ups becomes `duplicate_of` the newer, whose
/// `aliases` gain the older's slug so that its URL redirects; optionally the older's
/// sections that the kept one lacks are appended to it. Without `confirm=yes` it only
/// shows what would happen and asks.
pub(super) async fn merge(ctx: Ctx, Form(form): Form<MergeForm>) -> Result<Response, AppError> {
    let (first, second) = (
        form.first.trim().trim_matches('/').to_string(),
        form.second.trim().trim_matches('/').to_string(),
    );
    let t = ctx.lang.t();
    if first.is_empty() || first == second {
        return Err(AppError::bad_request("bad_form", t.desk_merge_two));
    }
    let append = form.append.is_some();
    let plan = blocking(&ctx.state, move |s| plan(s, t, &first, &second, append)).await?;
    if form.confirm != "yes" {
        return question(&ctx, &plan, &form);
    }
    let me = actor(&ctx.viewer)?;
    let (old, kept) = blocking(&ctx.state, move |s| apply(s, &me, plan)).await?;
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Ok(Redirect::to(&format!(
        "/admin/merge?old={}&kept={}",
        enc(&old),
        enc(&kept)
    ))
    .into_response())
}
