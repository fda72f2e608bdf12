//! Sharing an experience from the browser: the contributor's form, its preview, the
//! duplicate warning, durable saving into `content/submissions/`, and "My write-ups".
//!
//! The form is one page that works without JavaScript: "Preview" sends it back rendered
//! with the same Markdown pipeline as the write-up page, and with the closest existing
//! write-ups (more-like-this within the viewer's scope). With JavaScript the preview and
//! the similar write-ups follow the typing through `POST /share/preview`.
//!
//! A submission is written the way `erfa new` plus careful editing would be: front matter
//! with every free-text value quoted unless it is plainly a string, then the sections.
//! The text is checked with the indexer's own parser before anything is written, so a
//! file the form saves is never one the index refuses. Saving links a flushed temporary
//! file to the first free name (`<slug>.md`, `<slug>-2.md`, …), flushes the folder, and
//! waits for the index to commit — only then does the form answer. Who shared what is
//! recorded in the state database, never in `content/` unless they name themselves.
//!
//! Two failures keep the contributor's work. A full disk saves nothing: the form comes
//! back as it was sent, with a 507 and the reason at the top. An index that cannot be
//! updated after the file is saved loses nothing either, since `content/` is the source of
//! truth: the answer is the usual one, saying that search will find the write-up once the
//! index has caught up.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::Actor;
use erfa_index::markdown::Section;
use erfa_index::vocab::{self, Kind, Language, OrgSize, Sector, Status, Visibility};
use erfa_index::{Date, Document, Draft, FrontMatter, Hit};
use serde::Serialize;

use crate::access::Access;
use crate::error::ApiError;
use crate::i18n::{Lang, Strings};
use crate::page::{Ctx, Layout, page, render};
use crate::route::Route;

/// The folder of `content/` that the form writes into.
pub const FOLDER: &str = "submissions";
/// How many similar write-ups the duplicate warning shows.
const SIMILAR: usize = 3;
/// The longest one-line value accepted (titles, summaries, names).
const MAX_LINE_CHARS: usize = 500;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/share",
            Access::Contributor,
            "Share an experience: the form",
            share_form,
        ),
        Route::post(
            "/share",
            Access::Contributor,
            "Preview, or save into `content/submissions/` (then 303 to `/mine`)",
            share_post,
        ),
        Route::post(
            "/share/preview",
            Access::Contributor,
            "Live preview as JSON: sanitised HTML, similar write-ups, notes",
            share_preview,
        ),
        Route::get(
            "/mine",
            Access::Contributor,
            "My write-ups: own submissions and their status",
            mine,
        ),
        Route::get(
            "/mine/{slug}",
            Access::Contributor,
            "Edit an own submission until it is published",
            mine_form,
        ),
        Route::post(
            "/mine/{slug}",
            Access::Contributor,
            "Preview, or save an edit of an own submission",
            mine_post,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// The form's values

/// The six sections of the form, in order, with their form names.
const SECTIONS: [(Section, &str); 6] = [
    (Section::Problem, "problem"),
    (Section::Context, "context"),
    (Section::WhatHappened, "what_happened"),
    (Section::Lesson, "lesson"),
    (Section::Mistake, "mistake"),
    (Section::Differently, "differently"),
];

/// What the contributor typed, cleaned: one-line fields hold no line breaks or control
/// characters, lists are split at commas, sections have `\n` line ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Form {
    title: String,
    summary: String,
    kind: String,
    practices: Vec<String>,
    tags: String,
    language: String,
    date: String,
    authors: String,
    organisation: String,
    sector: String,
    org_size: String,
    tools: String,
    meeting: String,
    visibility: String,
    sections: [String; 6],
    action: String,
}

/// A one-line value: control characters and line separators become spaces, trimmed.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A Markdown section: `\n` line ends, no NUL or other control characters but tabs.
fn multi_line(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim_end()
        .trim_start_matches('\n')
        .to_string()
}

/// A comma-separated list, trimmed, without empty or repeated items.
fn list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split(',') {
        let item = one_line(item);
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

impl Form {
    /// A new form: members only, today's date, the interface language.
    fn new(lang: Lang) -> Form {
        Form {
            language: lang.code().to_string(),
            date: erfa_index::template::today(),
            visibility: Visibility::Members.as_str().to_string(),
            ..Form::default()
        }
    }

    /// Reads an `application/x-www-form-urlencoded` body; repeated `practices` add up.
    fn parse(body: &[u8]) -> Form {
        let mut form = Form::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.as_ref();
            match key.as_ref() {
                "title" => form.title = one_line(value),
                "summary" => form.summary = one_line(value),
                "kind" => form.kind = one_line(value),
                "practices" => {
                    let value = one_line(value);
                    if !value.is_empty() && !form.practices.contains(&value) {
                        form.practices.push(value);
                    }
                }
                "tags" => form.tags = one_line(value),
                "language" => form.language = one_line(value),
                "date" => form.date = one_line(value),
                "authors" => form.authors = one_line(value),
                "organisation" => form.organisation = one_line(value),
                "sector" => form.sector = one_line(value),
                "org_size" => form.org_size = one_line(value),
                "tools" => form.tools = one_line(value),
                "meeting" => form.meeting = one_line(value),
                "visibility" => form.visibility = one_line(value),
                "action" => form.action = one_line(value),
                other => {
                    if let Some(i) = SECTIONS.iter().position(|(_, name)| *name == other) {
                        form.sections[i] = multi_line(value);
                    }
                }
            }
        }
        form
    }

    /// The form of an existing write-up, for editing.
    fn from_document(doc: &Document) -> Form {
        let front = &doc.front;
        Form {
            title: front.title.clone(),
            summary: front.summary.clone().unwrap_or_default(),
            kind: front.kind.as_str().to_string(),
            practices: front.practices.clone(),
            tags: front.tags.join(", "),
            language: doc.language.as_str().to_string(),
            date: front.date.map(|d| d.to_string()).unwrap_or_default(),
            authors: front.authors.join(", "),
            organisation: front.organisation.clone().unwrap_or_default(),
            sector: front
                .sector
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            org_size: front
                .org_size
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            tools: front.tools.join(", "),
            meeting: front.meeting.clone().unwrap_or_default(),
            visibility: front.visibility.as_str().to_string(),
            sections: split_sections(&doc.markdown),
            action: String::new(),
        }
    }

    /// The language the write-up is written in (English when unset or unknown).
    fn writeup_language(&self) -> Language {
        Language::parse(&self.language).unwrap_or(Language::En)
    }

    /// The draft for more-like-this.
    fn draft(&self) -> Draft {
        let mut body = String::new();
        for (i, (section, _)) in SECTIONS.iter().enumerate() {
            if !matches!(section, Section::Lesson | Section::Mistake) {
                body.push_str(&self.sections[i]);
                body.push('\n');
            }
        }
        Draft {
            title: self.title.clone(),
            summary: self.summary.clone(),
            lesson: self.sections[3].clone(),
            mistake: self.sections[4].clone(),
            body,
            language: self.writeup_language(),
        }
    }

    /// Whether anything worth previewing was typed.
    fn is_blank(&self) -> bool {
        self.title.is_empty()
            && self.summary.is_empty()
            && self.sections.iter().all(String::is_empty)
    }
}

/// The Markdown body split back into the form's six sections. Text before the first
/// known heading goes to the first section; other headings stay as text where they are.
fn split_sections(markdown: &str) -> [String; 6] {
    let mut out: [String; 6] = Default::default();
    let mut current = 0;
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix("## ")
            && let Some(section) = Section::from_heading(heading.trim().trim_end_matches('#'))
            && let Some(i) = SECTIONS.iter().position(|(s, _)| *s == section)
        {
            current = i;
            continue;
        }
        out[current].push_str(line);
        out[current].push('\n');
    }
    out.map(|s| s.trim().to_string())
}

// ---------------------------------------------------------------------------------------
// The file the form writes

/// A problem with one field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldError {
    /// The `id` of the field's input, for the error summary's link.
    field: &'static str,
    message: String,
}

/// A YAML scalar: plain when it is plainly the same string (letters, digits, spaces and
/// a few marks, and YAML reads it back unchanged), otherwise double-quoted (JSON string
/// syntax is valid YAML). Safe in block and flow context alike.
fn scalar(text: &str) -> String {
    let plain_chars = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '_' | '+' | '/'))
        && !text.starts_with(['-', '.', ' '])
        && !text.ends_with(' ')
        && !text.contains("  ");
    let reads_back = plain_chars
        && matches!(
            serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text),
            Ok(serde_yaml_ng::Value::String(s)) if s == text
        );
    if reads_back {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("a string always serialises")
    }
}

fn flow_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| scalar(i)).collect();
    format!("[{}]", items.join(", "))
}

/// The fields of an existing file that the form does not show, kept as they are.
#[derive(Debug, Clone, Default)]
struct Kept {
    status: Option<Status>,
    front: Option<FrontMatter>,
}

/// The text of the write-up, and for each front-matter line the form field it came from.
fn render_file(form: &Form, kept: &Kept) -> (String, Vec<&'static str>) {
    let mut lines: Vec<(String, &'static str)> = Vec::new();
    // `key: value` for a value that was filled in, with the field it came from.
    let one = |lines: &mut Vec<_>, key: &str, value: &str, field| {
        if !value.is_empty() {
            lines.push((format!("{key}: {}", scalar(value)), field));
        }
    };
    let many = |lines: &mut Vec<_>, key: &str, values: &[String], field| {
        if !values.is_empty() {
            lines.push((format!("{key}: {}", flow_list(values)), field));
        }
    };
    lines.push(("---".into(), ""));
    lines.push((format!("title: {}", scalar(&form.title)), "f-title"));
    one(&mut lines, "summary", &form.summary, "f-summary");
    one(&mut lines, "kind", &form.kind, "f-kind");
    many(&mut lines, "practices", &form.practices, "f-practices");
    many(&mut lines, "tags", &list(&form.tags), "f-tags");
    one(&mut lines, "language", &form.language, "f-language");
    one(&mut lines, "date", &form.date, "f-date");
    many(&mut lines, "authors", &list(&form.authors), "f-authors");
    one(
        &mut lines,
        "organisation",
        &form.organisation,
        "f-organisation",
    );
    one(&mut lines, "sector", &form.sector, "f-sector");
    one(&mut lines, "org_size", &form.org_size, "f-org_size");
    many(&mut lines, "tools", &list(&form.tools), "f-tools");
    let status = kept.status.unwrap_or(Status::Review);
    lines.push((format!("status: {}", status.as_str()), ""));
    one(&mut lines, "visibility", &form.visibility, "f-visibility");
    one(&mut lines, "meeting", &form.meeting, "f-meeting");
    if let Some(front) = &kept.front {
        lines.extend(kept_lines(front).into_iter().map(|line| (line, "")));
    }
    lines.push(("---".into(), ""));
    let mut text = String::new();
    let mut fields = Vec::new();
    for (line, field) in lines {
        text.push_str(&line);
        text.push('\n');
        fields.push(field);
    }
    let language = form.writeup_language();
    for (i, (section, _)) in SECTIONS.iter().enumerate() {
        let body = &form.sections[i];
        if body.is_empty() {
            continue;
        }
        let heading = match language {
            Language::Da => section.heading_da(),
            Language::En => section.heading_en(),
        };
        text.push_str(&format!("\n## {heading}\n\n{body}\n"));
    }
    (text, fields)
}

/// Front-matter lines for the keys a facilitator may have added that the form does not
/// show; an edit through the form keeps them.
fn kept_lines(front: &FrontMatter) -> Vec<String> {
    let mut out = Vec::new();
    let mut one = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push(format!("{key}: {}", scalar(&v)));
        }
    };
    one("source", front.source.clone());
    one(
        "confidence",
        front.confidence.map(|c| c.as_str().to_string()),
    );
    one("review_after", front.review_after.map(|d| d.to_string()));
    one("translation_of", front.translation_of.clone());
    one("duplicate_of", front.duplicate_of.clone());
    one("impact", front.impact.map(|i| i.as_str().to_string()));
    if let Some(ok) = front.contact_ok {
        out.push(format!("contact_ok: {ok}"));
    }
    for (key, values) in [
        ("related", &front.related),
        ("supersedes", &front.supersedes),
        ("aliases", &front.aliases),
        ("references", &front.references),
    ] {
        if !values.is_empty() {
            out.push(format!("{key}: {}", flow_list(values)));
        }
    }
    out
}

/// The outcome of checking a form: the file's text and the parsed document, or the
/// problems to show; and the content-standard notes either way.
struct Checked {
    text: String,
    document: Option<Document>,
    errors: Vec<FieldError>,
    notes: Vec<String>,
}

/// Checks the form's values, then the file they make with the indexer's own parser.
fn check(form: &Form, kept: &Kept, path: &str, t: &Strings) -> Checked {
    let mut errors = Vec::new();
    let mut error = |field: &'static str, message: &str| {
        errors.push(FieldError {
            field,
            message: message.to_string(),
        });
    };
    if form.title.is_empty() {
        error("f-title", t.err_title);
    }
    for (field, value) in [
        ("f-title", &form.title),
        ("f-summary", &form.summary),
        ("f-tags", &form.tags),
        ("f-authors", &form.authors),
        ("f-organisation", &form.organisation),
        ("f-tools", &form.tools),
        ("f-meeting", &form.meeting),
    ] {
        if value.chars().count() > MAX_LINE_CHARS {
            error(field, t.err_too_long);
        }
    }
    if Kind::parse(&form.kind).is_none() {
        error("f-kind", t.err_kind);
    }
    if form.practices.iter().any(|p| !vocab::is_practice(p)) {
        error("f-practices", t.err_practice);
    }
    if Language::parse(&form.language).is_none() {
        error("f-language", t.err_language);
    }
    if !form.date.is_empty() && Date::parse(&form.date).is_none() {
        error("f-date", t.err_date);
    }
    if !form.sector.is_empty() && Sector::parse(&form.sector).is_none() {
        error("f-sector", t.err_choice);
    }
    if !form.org_size.is_empty() && OrgSize::parse(&form.org_size).is_none() {
        error("f-org_size", t.err_choice);
    }
    if Visibility::parse(&form.visibility).is_none() {
        error("f-visibility", t.err_choice);
    }
    let (text, fields) = render_file(form, kept);
    let parsed = Document::parse(path, &text);
    let front_lines = fields.len();
    // Values the checks above refused explain the parser's errors better than it can.
    let own_errors = !errors.is_empty();
    let mut notes = Vec::new();
    for d in &parsed.diagnostics {
        if d.is_error() {
            if own_errors {
                continue;
            }
            // Values checked above already have their message; anything else the parser
            // finds is shown at its field, or at the top of the form.
            let field = match d.line.checked_sub(1).and_then(|i| fields.get(i)) {
                Some(field) if !field.is_empty() => *field,
                _ if d.line > front_lines => section_field(&text, d.line),
                _ => "f-title",
            };
            if !errors.iter().any(|e| e.field == field) {
                errors.push(FieldError {
                    field,
                    message: d.message.clone(),
                });
            }
        } else if d.message.starts_with("no `date`") {
            notes.push(t.warn_date.to_string());
        } else if d.message.contains("\"Lesson learned\"") {
            notes.push(t.warn_lesson.to_string());
        } else if d.message.contains("\"Mistake to avoid\"") {
            notes.push(t.warn_mistake.to_string());
        } else {
            notes.push(d.message.clone());
        }
    }
    let document = if errors.is_empty() {
        parsed.document
    } else {
        None
    };
    Checked {
        text,
        document,
        errors,
        notes,
    }
}

/// The form field of the section that holds `line` of `text`.
fn section_field(text: &str, line: usize) -> &'static str {
    let mut field = "f-problem";
    for (i, l) in text.lines().enumerate() {
        if i + 1 > line {
            break;
        }
        if let Some(heading) = l.strip_prefix("## ")
            && let Some(section) = Section::from_heading(heading)
            && let Some((_, name)) = SECTIONS.iter().find(|(s, _)| *s == section)
        {
            field = section_id(name);
        }
    }
    field
}

fn section_id(name: &str) -> &'static str {
    match name {
        "problem" => "f-problem",
        "context" => "f-context",
        "what_happened" => "f-what_happened",
        "lesson" => "f-lesson",
        "mistake" => "f-mistake",
        _ => "f-differently",
    }
}

/// Whether a parsed write-up still reads as the form says: the last guard against a value
/// that quoting could not carry.
fn faithful(doc: &Document, form: &Form) -> bool {
    doc.front.title == form.title
        && doc.front.summary.as_deref().unwrap_or_default() == form.summary
        && doc.front.tags == list(&form.tags)
        && doc.front.authors == list(&form.authors)
        && doc.front.tools == list(&form.tools)
        && doc.front.organisation.as_deref().unwrap_or_default() == form.organisation
        && doc.front.meeting.as_deref().unwrap_or_default() == form.meeting
}

// ---------------------------------------------------------------------------------------
// Pages

struct Choice {
    value: &'static str,
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
    id: &'static str,
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

struct SimilarView {
    title: String,
    href: String,
    kind: String,
    summary: Option<String>,
}

#[derive(Template)]
#[template(path = "share.html")]
struct ShareTemplate {
    layout: Layout,
    heading: &'static str,
    action: String,
    editing: bool,
    editing_slug: String,
    errors: Vec<FieldError>,
    /// Why nothing was saved, when it was not the values' fault (a full disk).
    failure: Option<&'static str>,
    notes: Vec<String>,
    preview: Option<String>,
    similar: Vec<SimilarView>,
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
            value: text(*v),
            label: label(*v),
            checked: text(*v) == value,
        })
        .collect()
}

/// What a page shows besides the form: the preview, the similar write-ups, the problems.
#[derive(Default)]
struct Extras {
    errors: Vec<FieldError>,
    failure: Option<&'static str>,
    notes: Vec<String>,
    preview: Option<String>,
    similar: Vec<Hit>,
}

fn share_page(
    ctx: &Ctx,
    form: Form,
    editing: Option<&str>,
    extras: Extras,
    tag_suggestions: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let lang = ctx.lang;
    let t = lang.t();
    let error_for = |id: &str| {
        extras
            .errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
    };
    let field = |id: &'static str,
                 name: &'static str,
                 label: &'static str,
                 hint: &'static str,
                 value: &str| Field {
        id,
        name,
        label,
        hint,
        value: value.to_string(),
        error: error_for(id),
        kind: "text",
        required: false,
        list: "",
        autocomplete: "off",
    };
    let practice_groups = [
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
                value: p,
                label: crate::i18n::practice_name(p),
                checked: form.practices.iter().any(|f| f == p),
            })
            .collect(),
    })
    .collect();
    let sections = SECTIONS
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
            error: error_for(section_id(name)),
        })
        .collect();
    let (heading, action, nav) = match editing {
        Some(slug) => (t.share_edit_title, format!("/mine/{slug}"), "mine"),
        None => (t.share_title, "/share".to_string(), "share"),
    };
    let template = ShareTemplate {
        layout: ctx.layout(heading.to_string(), nav, false),
        heading,
        action,
        editing: editing.is_some(),
        editing_slug: editing.unwrap_or_default().to_string(),
        title: Field {
            required: true,
            ..field(
                "f-title",
                "title",
                t.field_title,
                t.field_title_hint,
                &form.title,
            )
        },
        summary: field(
            "f-summary",
            "summary",
            t.field_summary,
            t.field_summary_hint,
            &form.summary,
        ),
        kind: Field {
            required: true,
            ..field("f-kind", "kind", t.field_kind, "", &form.kind)
        },
        kinds: choices(Kind::ALL, &form.kind, Kind::as_str, |k| {
            lang.facet_value("kind", k.as_str())
        }),
        practices_error: error_for("f-practices"),
        practice_groups,
        tags: Field {
            list: "tag-suggestions",
            ..field(
                "f-tags",
                "tags",
                t.field_tags,
                t.field_tags_hint,
                &form.tags,
            )
        },
        tag_suggestions,
        language: field(
            "f-language",
            "language",
            t.field_language,
            "",
            &form.language,
        ),
        languages: choices(Language::ALL, &form.language, Language::as_str, |l| {
            lang.facet_value("language", l.as_str())
        }),
        date: Field {
            kind: "date",
            ..field(
                "f-date",
                "date",
                t.field_date,
                t.field_date_hint,
                &form.date,
            )
        },
        sections,
        organisation: Field {
            autocomplete: "organization",
            ..field(
                "f-organisation",
                "organisation",
                t.field_organisation,
                t.field_organisation_hint,
                &form.organisation,
            )
        },
        sector: field("f-sector", "sector", t.field_sector, "", &form.sector),
        sectors: choices(Sector::ALL, &form.sector, Sector::as_str, |s| {
            lang.facet_value("sector", s.as_str())
        }),
        org_size: field(
            "f-org_size",
            "org_size",
            t.field_org_size,
            "",
            &form.org_size,
        ),
        sizes: choices(OrgSize::ALL, &form.org_size, OrgSize::as_str, |s| {
            s.as_str().to_string()
        }),
        tools: field(
            "f-tools",
            "tools",
            t.field_tools,
            t.field_tools_hint,
            &form.tools,
        ),
        meeting: field(
            "f-meeting",
            "meeting",
            t.field_meeting,
            t.field_meeting_hint,
            &form.meeting,
        ),
        authors: field(
            "f-authors",
            "authors",
            t.field_authors,
            t.field_authors_hint,
            &form.authors,
        ),
        visibility: Field {
            required: true,
            ..field(
                "f-visibility",
                "visibility",
                t.field_visibility,
                "",
                &form.visibility,
            )
        },
        visibilities: choices(Visibility::ALL, &form.visibility, Visibility::as_str, |v| {
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
        similar: similar_views(lang, extras.similar),
    };
    render(&template, status)
}

fn similar_views(lang: Lang, hits: Vec<Hit>) -> Vec<SimilarView> {
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
fn actor(ctx: &Ctx) -> Result<Actor, ApiError> {
    ctx.viewer
        .actor()
        .ok_or_else(|| ApiError::Unauthorized(ctx.lang.t().error_401_text.to_string()))
}

/// Existing tags of the viewer's scope, for the tag field's suggestions.
async fn tag_suggestions(ctx: &Ctx) -> Vec<String> {
    let scope = ctx.scope();
    ctx.state
        .blocking(move |s| {
            let mut request = erfa_index::SearchRequest::new("", scope);
            request.per_page = 1;
            request.snippets = false;
            let results = s.engine.search(&request)?;
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
async fn similar(ctx: &Ctx, form: &Form, own: Option<String>) -> Result<Vec<Hit>, ApiError> {
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
fn preview_html(form: &Form, lang: Lang, text: &str, slug: &str, path: &str) -> Option<String> {
    let body = erfa_index::front_matter::split(path, text).ok()?.body;
    if form.is_blank() {
        return None;
    }
    let escape = erfa_index::search::escape;
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

async fn share_form(ctx: Ctx) -> Response {
    let tags = tag_suggestions(&ctx).await;
    let form = Form::new(ctx.lang);
    page(
        share_page(&ctx, form, None, Extras::default(), tags, StatusCode::OK),
        &ctx,
    )
}

/// What to do with a posted form.
enum Outcome {
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
async fn handle_post(
    ctx: &Ctx,
    form: Form,
    editing: Option<&str>,
    kept: &Kept,
) -> Result<Outcome, ApiError> {
    let t = ctx.lang.t();
    let (slug, path) = draft_names(&form, editing);
    let checked = check(&form, kept, &path, t);
    let sending = matches!(form.action.as_str(), "send" | "confirm");
    if sending && let Some(doc) = &checked.document {
        if !faithful(doc, &form) {
            return Err(ApiError::internal(
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
    };
    share_page(ctx, form, editing, extras, tags, status).map(Outcome::Page)
}

/// The slug and the path a draft is previewed under: its own when editing, otherwise the
/// one its title makes.
fn draft_names(form: &Form, editing: Option<&str>) -> (String, String) {
    let s = match editing {
        Some(s) => s.to_string(),
        None => erfa_index::template::slug_from_title(&form.title),
    };
    (format!("{FOLDER}/{s}"), format!("{FOLDER}/{s}.md"))
}

/// The form again, exactly as it was sent, with the reason nothing was saved at the top:
/// the disk is full (`error` says so and is logged). Sending it again once there is room
/// saves it.
async fn not_saved(
    ctx: &Ctx,
    form: Form,
    editing: Option<&str>,
    text: &str,
    error: &ApiError,
) -> Result<Response, ApiError> {
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

async fn share_post(ctx: Ctx, body: Bytes) -> Response {
    let result = async {
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
                    Err(e @ ApiError::InsufficientStorage(_)) => {
                        not_saved(&ctx, *form, None, &text, &e).await
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }
    .await;
    page(result, &ctx)
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
struct Saved {
    /// Its path in `content/`.
    rel: String,
    /// Whether search finds it yet.
    indexed: bool,
}

/// `303 → /mine?saved=<name>`, where My write-ups confirms the save; `&index=pending`
/// when search does not find the write-up yet.
fn saved_redirect(saved: &Saved) -> Response {
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
) -> Result<Saved, ApiError> {
    let dir = state.config.content_dir.join(FOLDER);
    let path = erfa_index::durable::create_numbered(&dir, base, text.as_bytes())?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rel = format!("{FOLDER}/{name}");
    if let Some(accounts) = &state.accounts {
        accounts
            .record_submission(actor, &rel)
            .map_err(|e| ApiError::internal(format!("recording a submission: {e}")))?;
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
fn index_now(state: &crate::AppState, rel: &str) -> bool {
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

// ---------------------------------------------------------------------------------------
// The live preview

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

async fn share_preview(ctx: Ctx, body: Bytes) -> Response {
    let form = Form::parse(&body);
    // When editing, the write-up itself is not "similar".
    let own = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "editing")
        .map(|(_, v)| v.into_owned())
        .filter(|s| valid_slug(s))
        .map(|s| format!("{FOLDER}/{s}"));
    let slug = format!("{FOLDER}/preview");
    let path = format!("{slug}.md");
    let checked = check(&form, &Kept::default(), &path, ctx.lang.t());
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

// ---------------------------------------------------------------------------------------
// My write-ups

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
fn valid_slug(slug: &str) -> bool {
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
struct MineQuery {
    saved: Option<String>,
    /// `pending` when the index could not be updated after saving.
    index: Option<String>,
}

async fn mine(
    ctx: Ctx,
    query: Result<axum::extract::Query<MineQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.ok().map(|q| q.0);
    let index_pending = query
        .as_ref()
        .is_some_and(|q| q.index.as_deref() == Some("pending"));
    let saved = query.and_then(|q| q.saved).filter(|s| valid_slug(s));
    let result = async {
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
                    .map_err(|e| ApiError::internal(format!("submissions: {e}")))?;
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
    .await;
    page(result, &ctx)
}

/// The viewer's own submission `slug`, parsed; 404 for anything else, 403 once published.
async fn own_submission(ctx: &Ctx, slug: &str) -> Result<(String, Document), ApiError> {
    if !valid_slug(slug) {
        return Err(ApiError::not_found());
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
                .map_err(|e| ApiError::internal(format!("submissions: {e}")))?;
            if owner.is_none_or(|o| o.account_id != actor.id) {
                return Ok(None);
            }
            Ok(load(s, &lookup))
        })
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !editable(doc.front.status) {
        return Err(ApiError::Forbidden {
            code: "published",
            message: ctx.lang.t().mine_locked.to_string(),
        });
    }
    Ok((rel, doc))
}

async fn mine_form(ctx: Ctx, Path(slug): Path<String>) -> Response {
    let result = async {
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
    .await;
    page(result, &ctx)
}

async fn mine_post(ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> Response {
    let result =
        async {
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
                    let indexed =
                        ctx.state
                            .blocking(move |s| {
                                // The facilitator may have published it meanwhile.
                                if load(s, &path).is_some_and(|d| !editable(d.front.status)) {
                                    return Err(ApiError::Forbidden {
                                        code: "published",
                                        message: String::new(),
                                    });
                                }
                                erfa_index::durable::replace(
                                    &s.config.content_dir.join(&path),
                                    file.as_bytes(),
                                )?;
                                if let Some(accounts) = &s.accounts {
                                    accounts.record_submission_edit(&actor, &path).map_err(
                                        |e| ApiError::internal(format!("recording an edit: {e}")),
                                    )?;
                                }
                                Ok(index_now(s, &path))
                            })
                            .await;
                    match indexed {
                        Ok(indexed) => Ok(saved_redirect(&Saved { rel, indexed })),
                        Err(e @ ApiError::InsufficientStorage(_)) => {
                            not_saved(&ctx, *form, Some(&slug), &text, &e).await
                        }
                        Err(ApiError::Forbidden { code, .. }) => Err(ApiError::Forbidden {
                            code,
                            message: ctx.lang.t().mine_locked.to_string(),
                        }),
                        Err(e) => Err(e),
                    }
                }
            }
        }
        .await;
    page(result, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Form {
        Form {
            title: "We copied a bank's CAB".into(),
            summary: "It did not fit.".into(),
            kind: "mistake".into(),
            practices: vec!["change-enablement".into()],
            tags: "cab, governance, 365".into(),
            language: "en".into(),
            date: "2024-03-10".into(),
            visibility: "members".into(),
            sections: [
                "The CAB met weekly.".into(),
                String::new(),
                String::new(),
                "Scale it.".into(),
                "Copying 1:1.".into(),
                String::new(),
            ],
            ..Form::default()
        }
    }

    #[test]
    fn a_filled_form_makes_a_clean_write_up() {
        let form = filled();
        let checked = check(&form, &Kept::default(), "submissions/x.md", Lang::En.t());
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert!(checked.notes.is_empty(), "{:?}", checked.notes);
        let doc = checked.document.expect("valid");
        assert!(faithful(&doc, &form));
        assert_eq!(doc.front.status, Status::Review);
        assert_eq!(doc.front.tags, ["cab", "governance", "365"]);
        assert!(
            checked
                .text
                .starts_with("---\ntitle: \"We copied a bank's CAB\"\n")
        );
        assert!(
            checked
                .text
                .contains("\ntags: [cab, governance, \"365\"]\n")
        );
        assert!(
            checked
                .text
                .contains("\n## Mistake to avoid\n\nCopying 1:1.\n")
        );
        assert_eq!(Form::from_document(&doc).sections, form.sections);
    }

    #[test]
    fn hostile_values_stay_inside_their_quotes() {
        for title in [
            "x: y\n---\nkind: practice",
            "\"quoted\" and \\ back",
            "- [a, b]",
            "&anchor *alias !tag %dir @at `tick`",
            "yes",
            "null",
            "1.5",
            "---",
            "# not a comment",
            "tab\there\u{2028}line",
        ] {
            let form = Form::parse(
                format!(
                    "title={}&kind=lesson&language=en&visibility=members&tags={}",
                    form_urlencoded::byte_serialize(title.as_bytes()).collect::<String>(),
                    form_urlencoded::byte_serialize(title.as_bytes()).collect::<String>()
                )
                .as_bytes(),
            );
            let checked = check(&form, &Kept::default(), "submissions/x.md", Lang::En.t());
            let doc = checked
                .document
                .unwrap_or_else(|| panic!("{title:?}: {:?}\n{}", checked.errors, checked.text));
            assert!(faithful(&doc, &form), "{title:?}\n{}", checked.text);
            assert_eq!(doc.front.kind, Kind::Lesson, "{title:?}");
        }
    }

    #[test]
    fn errors_point_at_their_fields() {
        let mut form = filled();
        form.title.clear();
        form.kind = "Mistake".into();
        form.date = "10/03/2024".into();
        form.practices.push("itil".into());
        let checked = check(&form, &Kept::default(), "submissions/x.md", Lang::En.t());
        let fields: Vec<&str> = checked.errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["f-title", "f-kind", "f-practices", "f-date"]);
        assert!(checked.document.is_none());
    }

    #[test]
    fn sections_split_back_from_markdown_in_either_language() {
        let sections =
            split_sections("Intro.\n\n## Problemet\n\nP.\n\n## Årsag\n\nWhy.\n\n## Læring\n\nL.\n");
        assert_eq!(sections[0], "Intro.\n\n\nP.\n\n## Årsag\n\nWhy.");
        assert_eq!(sections[3], "L.");
    }

    #[test]
    fn an_edit_keeps_the_status_and_the_keys_the_form_does_not_show() {
        let original = "---\ntitle: Vi lærte noget\nkind: lesson\nlanguage: da\ndate: 2023-01-02\nstatus: draft\nrelated: [change/cab]\naliases: [old/name]\ncontact_ok: true\nconfidence: validated\nsource: https://example.org/x\n---\n## Problemet\n\nP.\n\n## Læring\n\nL.\n";
        let doc = Document::parse("submissions/vi.md", original)
            .document
            .expect("valid");
        let mut form = Form::from_document(&doc);
        form.summary = "Nyt resumé.".into();
        let kept = Kept {
            status: Some(doc.front.status),
            front: Some(doc.front.clone()),
        };
        let checked = check(&form, &kept, "submissions/vi.md", Lang::Da.t());
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        let edited = checked.document.expect("valid");
        assert_eq!(edited.front.status, Status::Draft);
        assert_eq!(edited.front.related, ["change/cab"]);
        assert_eq!(edited.front.aliases, ["old/name"]);
        assert_eq!(edited.front.contact_ok, Some(true));
        assert_eq!(
            edited.front.source.as_deref(),
            Some("https://example.org/x")
        );
        assert_eq!(edited.front.confidence, doc.front.confidence);
        assert_eq!(edited.front.summary.as_deref(), Some("Nyt resumé."));
        assert!(checked.text.contains("\n## Problemet\n\nP.\n"));
        assert!(checked.text.contains("\n## Læring\n\nL.\n"));
    }

    #[test]
    fn a_save_the_index_missed_still_answers_saved() {
        let answer = |indexed| {
            let response = saved_redirect(&Saved {
                rel: "submissions/cab-2.md".to_string(),
                indexed,
            });
            let location = response.headers()[axum::http::header::LOCATION]
                .to_str()
                .expect("ASCII")
                .to_string();
            (response.status(), location)
        };
        assert_eq!(
            answer(true),
            (StatusCode::SEE_OTHER, "/mine?saved=cab-2".to_string())
        );
        assert_eq!(
            answer(false),
            (
                StatusCode::SEE_OTHER,
                "/mine?saved=cab-2&index=pending".to_string()
            )
        );
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(Date::utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(Date::utc_minute(1_709_999_999), "2024-03-09 15:59 UTC");
    }
}
