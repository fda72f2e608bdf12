//! The form's pages: the form, its preview and duplicate warning, and saving.

use super::*;

struct Choice {
    value: String,
    label: String,
    checked: bool,
}

struct PracticeGroup {
    label: &'static str,
    id: &'static str,
    items: Vec<Choice>,
}

struct SectionField {
    name: &'static str,
    id: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
}

/// One field of the form as the template shows it.
struct Field {
    /// `f-` and the name.
    id: String,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    error: Option<String>,
    /// The input's `type`.
    kind: &'static str,
    required: bool,
    /// The `id` of a `<datalist>` with suggestions.
    list: &'static str,
    autocomplete: &'static str,
}

impl Field {
    fn describedby(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

pub(super) struct SimilarView {
    pub(super) title: String,
    pub(super) href: String,
    pub(super) kind: String,
    pub(super) summary: Option<String>,
}

#[derive(Template)]
#[template(path = "share.html")]
struct ShareTemplate {
    layout: Layout,
    heading: &'static str,
    /// The link to the help page's part on writing.
    help_link: &'static str,
    action: String,
    editing: bool,
    editing_slug: String,
    /// Where the write-up being edited stands, in words.
    editing_status: Option<&'static str>,
    /// Whether the form offers "Save and send for review" (a draft being edited).
    resubmit: bool,
    /// The facilitator's change requests, newest first, shown beside the form.
    requests: Vec<String>,
    errors: Vec<FieldError>,
    /// Why nothing was saved, when it was not the values' fault (a full disk).
    failure: Option<&'static str>,
    notes: Vec<String>,
    preview: Option<String>,
    similar: Vec<SimilarView>,
    /// The second step of sending: the similar write-ups beside "send anyway".
    second_step: bool,
    title: Field,
    summary: Field,
    kind: Field,
    kinds: Vec<Choice>,
    practices_error: Option<String>,
    practice_groups: Vec<PracticeGroup>,
    tags: Field,
    tag_suggestions: Vec<String>,
    language: Field,
    languages: Vec<Choice>,
    date: Field,
    sections: Vec<SectionField>,
    organisation: Field,
    sector: Field,
    sectors: Vec<Choice>,
    org_size: Field,
    sizes: Vec<Choice>,
    tools: Field,
    meeting: Field,
    /// The group's meetings, newest first; empty without a list (then free text).
    meetings: Vec<Choice>,
    authors: Field,
    visibility: Field,
    visibilities: Vec<Choice>,
}

fn choices<T: Copy>(
    all: &[T],
    value: &str,
    text: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: text(*v).to_string(),
            label: label(*v),
            checked: text(*v) == value,
        })
        .collect()
}

/// A submission being edited by its author: its slug, where it stands, and what the
/// facilitator asked to change.
pub(super) struct Editing {
    pub(super) slug: String,
    pub(super) status: Status,
    pub(super) requests: Vec<String>,
    /// The submission stays members-only whatever the form says (a draft from a thread).
    pub(super) members_only: bool,
}

/// What a page shows besides the form: the preview, the similar write-ups, the problems.
#[derive(Default)]
pub(super) struct Extras {
    pub(super) errors: Vec<FieldError>,
    pub(super) failure: Option<&'static str>,
    pub(super) notes: Vec<String>,
    pub(super) preview: Option<String>,
    pub(super) similar: Vec<Hit>,
    /// Sending found similar write-ups: the second step, "send anyway", next to them.
    pub(super) second_step: bool,
}

pub(super) fn share_page(
    ctx: &Ctx,
    form: Form,
    editing: Option<&Editing>,
    extras: Extras,
    tag_suggestions: Vec<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let t = lang.t();
    let errors = &extras.errors;
    let field = |name: &'static str, label: &'static str, hint: &'static str, value: &str| {
        let id = format!("f-{name}");
        Field {
            error: error_for(errors, &id),
            id,
            name,
            label,
            hint,
            value: value.to_string(),
            kind: "text",
            required: false,
            list: "",
            autocomplete: "off",
        }
    };
    let (heading, action, nav) = match editing {
        Some(e) => (t.share_edit_title, format!("/mine/{}", e.slug), "mine"),
        None => (t.share_title, "/share".to_string(), "share"),
    };
    let f = &form;
    let meetings = ctx.state.meetings();
    let listed = meetings.as_ref().as_ref();
    let allowed: &[Visibility] = if editing.is_some_and(|e| e.members_only) {
        &[Visibility::Members]
    } else {
        Visibility::ALL
    };
    let template = ShareTemplate {
        layout: ctx.layout(heading.to_string(), nav, false),
        heading,
        help_link: match lang {
            crate::i18n::Lang::En => "How to write a good write-up",
            crate::i18n::Lang::Da => "Sådan skriver du en god erfaring",
        },
        action,
        editing: editing.is_some(),
        editing_slug: editing.map(|e| e.slug.clone()).unwrap_or_default(),
        editing_status: editing.map(|e| match e.status {
            Status::Review => t.mine_state_review,
            _ if e.requests.is_empty() => t.mine_state_draft,
            _ => t.mine_state_changes,
        }),
        resubmit: editing.is_some_and(|e| e.status == Status::Draft),
        requests: editing.map(|e| e.requests.clone()).unwrap_or_default(),
        title: Field {
            required: true,
            ..field("title", t.field_title, t.field_title_hint, &f.title)
        },
        summary: field("summary", t.field_summary, t.field_summary_hint, &f.summary),
        kind: Field {
            required: true,
            ..field("kind", t.field_kind, "", &f.kind)
        },
        kinds: choices(Kind::ALL, &f.kind, Kind::as_str, |k| {
            lang.facet_value("kind", k.as_str())
        }),
        practices_error: error_for(errors, "f-practices"),
        practice_groups: practice_groups(t, f),
        tags: Field {
            list: "tag-suggestions",
            ..field("tags", t.field_tags, t.field_tags_hint, &f.tags)
        },
        tag_suggestions,
        language: field("language", t.field_language, "", &f.language),
        languages: choices(Language::ALL, &f.language, Language::as_str, |l| {
            lang.facet_value("language", l.as_str())
        }),
        date: Field {
            kind: "date",
            ..field("date", t.field_date, t.field_date_hint, &f.date)
        },
        sections: section_fields(lang, f, errors),
        organisation: Field {
            autocomplete: "organization",
            ..field(
                "organisation",
                t.field_organisation,
                t.field_organisation_hint,
                &f.organisation,
            )
        },
        sector: field("sector", t.field_sector, "", &f.sector),
        sectors: choices(Sector::ALL, &f.sector, Sector::as_str, |s| {
            lang.facet_value("sector", s.as_str())
        }),
        org_size: field("org_size", t.field_org_size, "", &f.org_size),
        sizes: choices(OrgSize::ALL, &f.org_size, OrgSize::as_str, |s| {
            s.as_str().to_string()
        }),
        tools: field("tools", t.field_tools, t.field_tools_hint, &f.tools),
        meeting: field(
            "meeting",
            t.field_meeting,
            if listed.is_some() {
                t.field_meeting_choose
            } else {
                t.field_meeting_hint
            },
            &f.meeting,
        ),
        meetings: meeting_choices(listed, &f.meeting),
        authors: field("authors", t.field_authors, t.field_authors_hint, &f.authors),
        visibility: Field {
            required: true,
            ..field(
                "visibility",
                t.field_visibility,
                if editing.is_some_and(|e| e.members_only) {
                    t.share_members_only_hint
                } else {
                    ""
                },
                &f.visibility,
            )
        },
        visibilities: choices(allowed, &f.visibility, Visibility::as_str, |v| {
            match v {
                Visibility::Members => t.share_visibility_members,
                Visibility::Public => t.share_visibility_public,
            }
            .to_string()
        }),
        errors: extras.errors.clone(),
        failure: extras.failure,
        notes: extras.notes,
        preview: extras.preview,
        second_step: extras.second_step,
        similar: similar_views(lang, extras.similar),
    };
    render(&template, status)
}

/// The message for the form field `id`, if the form was refused there.
/// The meetings to choose from, newest first, with the form's value kept even when the
/// list no longer has it (the check then says so).
fn meeting_choices(list: Option<&Meetings>, value: &str) -> Vec<Choice> {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut out: Vec<Choice> = list
        .all()
        .iter()
        .rev()
        .map(|m| Choice {
            value: m.id.clone(),
            label: crate::meetings::label(Some(list), &m.id),
            checked: m.id == value,
        })
        .collect();
    if !value.is_empty() && list.get(value).is_none() {
        out.insert(
            0,
            Choice {
                value: value.to_string(),
                label: value.to_string(),
                checked: true,
            },
        );
    }
    out
}

fn error_for(errors: &[FieldError], id: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == id)
        .map(|e| e.message.clone())
}

/// The practices as checkboxes in three groups: general, service, technical.
fn practice_groups(t: &Strings, form: &Form) -> Vec<PracticeGroup> {
    [
        (t.group_general, "pg-general", 0..14),
        (t.group_service, "pg-service", 14..31),
        (
            t.group_technical,
            "pg-technical",
            31..vocab::PRACTICES.len(),
        ),
    ]
    .into_iter()
    .map(|(label, id, range)| PracticeGroup {
        label,
        id,
        items: vocab::PRACTICES[range]
            .iter()
            .map(|p| Choice {
                value: p.to_string(),
                label: crate::i18n::practice_name(p),
                checked: form.practices.iter().any(|f| f == p),
            })
            .collect(),
    })
    .collect()
}

/// The sections' text areas, with the headings in the page's language.
fn section_fields(lang: Lang, form: &Form, errors: &[FieldError]) -> Vec<SectionField> {
    SECTIONS
        .iter()
        .enumerate()
        .map(|(i, (section, name))| SectionField {
            name,
            id: section_id(name),
            label: match lang {
                Lang::Da => section.heading_da(),
                Lang::En => section.heading_en(),
            },
            value: form.sections[i].clone(),
            error: error_for(errors, section_id(name)),
        })
        .collect()
}

pub(super) fn similar_views(lang: Lang, hits: Vec<Hit>) -> Vec<SimilarView> {
    hits.into_iter()
        .map(|h| SimilarView {
            href: format!("/w/{}", h.slug),
            kind: lang.facet_value("kind", h.kind.as_str()),
            title: h.title,
            summary: h.summary,
        })
        .collect()
}

/// Who the viewer is in the record of submissions: their account (by id), or the person
/// at this machine in local mode.
pub(super) fn actor(ctx: &Ctx) -> Result<Actor, AppError> {
    ctx.viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized(ctx.lang.t().error_401_text.to_string()))
}

/// Existing tags of the viewer's scope, for the tag field's suggestions.
pub(super) async fn tag_suggestions(ctx: &Ctx) -> Vec<String> {
    let scope = ctx.scope();
    ctx.state
        .blocking(move |s| {
            let mut request = erfa_index::SearchRequest::new("", scope);
            request.per_page = 1;
            request.snippets = false;
            let results = s.search(&request)?;
            Ok(results
                .facets
                .get("tags")
                .map(|values| values.iter().map(|v| v.value.clone()).collect())
                .unwrap_or_default())
        })
        .await
        .unwrap_or_default()
}

/// Write-ups like the draft within `scope`, without `own` (the write-up being edited).
pub(super) async fn similar(
    ctx: &Ctx,
    form: &Form,
    own: Option<String>,
) -> Result<Vec<Hit>, AppError> {
    if form.is_blank() {
        return Ok(Vec::new());
    }
    let draft = form.draft();
    let scope = ctx.scope();
    ctx.state
        .blocking(move |s| {
            let hits = s.engine.similar(&draft, scope, SIMILAR + 1)?;
            Ok(hits
                .into_iter()
                .filter(|h| own.as_deref() != Some(h.slug.as_str()))
                .take(SIMILAR)
                .collect())
        })
        .await
}

/// The preview: title, kind and summary as the write-up page shows them (escaped), then
/// the body through the write-up page's own rendering and sanitising.
pub(super) fn preview_html(
    form: &Form,
    lang: Lang,
    text: &str,
    slug: &str,
    path: &str,
) -> Option<String> {
    let body = erfa_index::front_matter::split(path, text).ok()?.body;
    if form.is_blank() {
        return None;
    }
    let escape = crate::render::escape;
    let mut html = String::new();
    if let Some(kind) = Kind::parse(&form.kind) {
        html.push_str(&format!(
            "<p class=\"writeup-kicker\"><span class=\"badge badge-{}\">{}</span></p>",
            kind.as_str(),
            escape(&lang.facet_value("kind", kind.as_str()))
        ));
    }
    if !form.title.is_empty() {
        html.push_str(&format!(
            "<p class=\"writeup-title\">{}</p>",
            escape(&form.title)
        ));
    }
    if !form.summary.is_empty() {
        html.push_str(&format!(
            "<p class=\"writeup-summary\">{}</p>",
            escape(&form.summary)
        ));
    }
    html.push_str(&crate::render::writeup_html(
        body,
        &crate::render::Base::new(slug, path),
    ));
    Some(html)
}

pub(super) async fn share_form(ctx: Ctx) -> Result<Response, AppError> {
    let tags = tag_suggestions(&ctx).await;
    let form = Form::new(ctx.lang);
    share_page(&ctx, form, None, Extras::default(), tags, StatusCode::OK)
}

/// What to do with a posted form.
pub(super) enum Outcome {
    /// Show the form again (with a preview, similar write-ups or errors).
    Page(Response),
    /// Write this text, named after `base`.
    Save {
        /// The form as sent, to show again if the text cannot be written.
        form: Box<Form>,
        /// The file's text.
        text: String,
        /// The slug made from the title.
        base: String,
    },
}

/// The part of posting that new submissions and edits share: check, preview, warn.
pub(super) async fn handle_post(
    ctx: &Ctx,
    form: Form,
    editing: Option<&Editing>,
    kept: &Kept,
) -> Result<Outcome, AppError> {
    let t = ctx.lang.t();
    let (slug, path) = draft_names(&form, editing);
    let meetings = ctx.state.meetings();
    let checked = check(&form, kept, &path, t, meetings.as_ref().as_ref());
    let sending = matches!(form.action.as_str(), "send" | "confirm" | "resubmit");
    if sending && let Some(doc) = &checked.document {
        if !faithful(doc, &form) {
            return Err(AppError::internal(
                "a form value did not survive the round trip through YAML",
            ));
        }
        let hits = if form.action == "confirm" || editing.is_some() {
            Vec::new()
        } else {
            similar(ctx, &form, None).await?
        };
        if hits.is_empty() {
            return Ok(Outcome::Save {
                text: checked.text,
                base: base_slug(&form.title),
                form: Box::new(form),
            });
        }
        // Before saving, show what looks like it: the button now sends anyway.
        let tags = tag_suggestions(ctx).await;
        let extras = Extras {
            notes: checked.notes,
            preview: preview_html(&form, ctx.lang, &checked.text, &slug, &path),
            similar: hits,
            second_step: true,
            ..Extras::default()
        };
        return share_page(ctx, form, editing, extras, tags, StatusCode::OK).map(Outcome::Page);
    }
    let own = editing.map(|_| slug.clone());
    let hits = if checked.errors.is_empty() {
        similar(ctx, &form, own).await?
    } else {
        Vec::new()
    };
    let status = if checked.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let tags = tag_suggestions(ctx).await;
    let extras = Extras {
        preview: preview_html(&form, ctx.lang, &checked.text, &slug, &path),
        errors: checked.errors,
        notes: checked.notes,
        similar: hits,
        failure: None,
        second_step: false,
    };
    share_page(ctx, form, editing, extras, tags, status).map(Outcome::Page)
}

/// The slug and the path a draft is previewed under: its own when editing, otherwise the
/// one its title makes.
fn draft_names(form: &Form, editing: Option<&Editing>) -> (String, String) {
    let s = match editing {
        Some(e) => e.slug.clone(),
        None => erfa_index::template::slug_from_title(&form.title),
    };
    (format!("{FOLDER}/{s}"), format!("{FOLDER}/{s}.md"))
}

/// The form again, exactly as it was sent, with the reason nothing was saved at the top:
/// the disk is full (`error` says so and is logged). Sending it again once there is room
/// saves it.
pub(super) async fn not_saved(
    ctx: &Ctx,
    form: Form,
    editing: Option<&Editing>,
    text: &str,
    error: &AppError,
) -> Result<Response, AppError> {
    error.log();
    let (slug, path) = draft_names(&form, editing);
    // A contributor who had already chosen to send despite similar write-ups keeps the
    // "send anyway" button.
    let similar = if editing.is_none() && form.action == "confirm" {
        similar(ctx, &form, None).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let tags = tag_suggestions(ctx).await;
    let extras = Extras {
        failure: Some(ctx.lang.t().err_disk_full),
        preview: preview_html(&form, ctx.lang, text, &slug, &path),
        second_step: !similar.is_empty(),
        similar,
        ..Extras::default()
    };
    share_page(
        ctx,
        form,
        editing,
        extras,
        tags,
        StatusCode::INSUFFICIENT_STORAGE,
    )
}

pub(super) async fn share_post(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    let form = Form::parse(&body);
    match handle_post(&ctx, form, None, &Kept::default()).await? {
        Outcome::Page(response) => Ok(response),
        Outcome::Save { form, text, base } => {
            let actor = actor(&ctx)?;
            let file = text.clone();
            let saved = ctx
                .state
                .blocking(move |s| save_new(s, &actor, &base, &file))
                .await;
            match saved {
                Ok(saved) => Ok(saved_redirect(&saved)),
                Err(e @ AppError::InsufficientStorage(_)) => {
                    not_saved(&ctx, *form, None, &text, &e).await
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// The file name a title starts from: the slug of `erfa new`, shortened so that a suffix
/// (`-2` … `-10000`) still keeps the whole name within 80 characters.
fn base_slug(title: &str) -> String {
    let mut base = erfa_index::template::slug_from_title(title);
    let room = erfa_index::template::MAX_SLUG_CHARS - "-10000".len();
    if base.len() > room {
        base.truncate(room);
        base = base.trim_end_matches('-').to_string();
    }
    base
}

/// A write-up the form has written into `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Saved {
    /// Its path in `content/`.
    pub(super) rel: String,
    /// Whether search finds it yet.
    pub(super) indexed: bool,
}

/// `303 → /mine?saved=<name>`, where My write-ups confirms the save; `&index=pending`
/// when search does not find the write-up yet.
pub(super) fn saved_redirect(saved: &Saved) -> Response {
    let rel = saved.rel.as_str();
    let name = rel
        .strip_prefix(&format!("{FOLDER}/"))
        .and_then(|r| r.strip_suffix(".md"))
        .unwrap_or(rel);
    let pending = if saved.indexed { "" } else { "&index=pending" };
    Redirect::to(&format!("/mine?saved={name}{pending}")).into_response()
}

/// Writes a new submission, records who sent it, and waits for the index. Blocking.
fn save_new(
    state: &crate::AppState,
    actor: &Actor,
    base: &str,
    text: &str,
) -> Result<Saved, AppError> {
    let dir = state.config.content_dir.join(FOLDER);
    let path = erfa_index::durable::create_numbered(&dir, base, text.as_bytes())?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rel = format!("{FOLDER}/{name}");
    state.record_history(&[&rel], &format!("submit: {}", rel.trim_end_matches(".md")));
    if let Some(accounts) = &state.accounts {
        accounts
            .record_submission(actor, &rel)
            .map_err(|e| AppError::internal(format!("recording a submission: {e}")))?;
    }
    let indexed = index_now(state, &rel);
    Ok(Saved { rel, indexed })
}

/// Makes the index show the saved file `rel` before the answer goes out; false when the
/// index could not be updated. The file is safe either way and `content/` is the source
/// of truth: after a failure the watcher reconciles the whole folder with the index at its
/// next update, which it also tries by itself, and so does every start. So the failure is
/// logged for the operator, and the contributor is told the write-up is saved rather than
/// that something failed.
pub(super) fn index_now(state: &crate::AppState, rel: &str) -> bool {
    match &state.watch {
        Some(watch) => match watch.update_now([rel.to_string()]) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(path = rel, cause = %e, "a saved submission is not indexed yet");
                false
            }
        },
        None => {
            // Only state built without a watcher (some tests) gets here; `erfa serve`
            // always runs one, and indexes the file at its next start otherwise.
            tracing::warn!(
                path = rel,
                "no watcher runs: the submission is not indexed yet"
            );
            true
        }
    }
}
