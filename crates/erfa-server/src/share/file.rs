//! The file the form writes: front matter and sections, checked with the indexer's own
//! parser before anything is written.

use super::*;
use erfa_index::diagnostic::Code;
use erfa_index::yaml;

/// A problem with one field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldError {
    /// The `id` of the field's input, for the error summary's link.
    pub(super) field: &'static str,
    pub(super) message: String,
}

/// The fields of an existing file that the form does not show, kept as they are.
#[derive(Debug, Clone, Default)]
pub(super) struct Kept {
    pub(super) status: Option<Status>,
    pub(super) front: Option<FrontMatter>,
    /// Refuse `visibility: public` (a draft made from a thread in Ask the group).
    pub(super) members_only: bool,
}

/// The text of the write-up, and for each front-matter line the form field it came from.
fn render_file(form: &Form, kept: &Kept) -> (String, Vec<&'static str>) {
    // (key, value as written, the form field it came from).
    let mut entries: Vec<(&str, String, &'static str)> = Vec::new();
    // A value that was filled in, with the field it came from.
    let one = |entries: &mut Vec<_>, key, value: &str, field| {
        if !value.is_empty() {
            entries.push((key, yaml::scalar(value), field));
        }
    };
    let many = |entries: &mut Vec<_>, key, values: &[String], field| {
        if !values.is_empty() {
            entries.push((key, yaml::list(values), field));
        }
    };
    entries.push(("title", yaml::scalar(&form.title), "f-title"));
    one(&mut entries, "summary", &form.summary, "f-summary");
    one(&mut entries, "kind", &form.kind, "f-kind");
    many(&mut entries, "practices", &form.practices, "f-practices");
    many(&mut entries, "tags", &list(&form.tags), "f-tags");
    one(&mut entries, "language", &form.language, "f-language");
    if !form.date.is_empty() {
        entries.push(("date", yaml::date(&form.date), "f-date"));
    }
    many(&mut entries, "authors", &list(&form.authors), "f-authors");
    one(
        &mut entries,
        "organisation",
        &form.organisation,
        "f-organisation",
    );
    one(&mut entries, "sector", &form.sector, "f-sector");
    one(&mut entries, "org_size", &form.org_size, "f-org_size");
    many(&mut entries, "tools", &list(&form.tools), "f-tools");
    let status = kept.status.unwrap_or(Status::Review);
    entries.push(("status", status.as_str().to_string(), ""));
    one(&mut entries, "visibility", &form.visibility, "f-visibility");
    one(&mut entries, "meeting", &form.meeting, "f-meeting");
    if let Some(front) = &kept.front {
        entries.extend(kept_entries(front).into_iter().map(|(k, v)| (k, v, "")));
    }
    let pairs: Vec<(&str, &str)> = entries.iter().map(|(k, v, _)| (*k, v.as_str())).collect();
    let mut text = yaml::block(&pairs);
    // The fences have no field; each entry is one line.
    let mut fields = vec![""];
    fields.extend(entries.iter().map(|(_, _, field)| *field));
    fields.push("");
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

/// Front-matter entries for the keys a facilitator may have added that the form does not
/// show; an edit through the form keeps them.
fn kept_entries(front: &FrontMatter) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut one = |key, value: Option<String>| {
        if let Some(v) = value {
            out.push((key, v));
        }
    };
    one("source", front.source.as_deref().map(yaml::scalar));
    one(
        "confidence",
        front.confidence.map(|c| yaml::scalar(c.as_str())),
    );
    one(
        "review_after",
        front.review_after.map(|d| yaml::date(&d.to_string())),
    );
    one(
        "published",
        front.published.map(|d| yaml::date(&d.to_string())),
    );
    one(
        "translation_of",
        front.translation_of.as_deref().map(yaml::scalar),
    );
    one(
        "duplicate_of",
        front.duplicate_of.as_deref().map(yaml::scalar),
    );
    one("impact", front.impact.map(|i| yaml::scalar(i.as_str())));
    if let Some(ok) = front.contact_ok {
        out.push(("contact_ok", ok.to_string()));
    }
    for (key, values) in [
        ("related", &front.related),
        ("supersedes", &front.supersedes),
        ("aliases", &front.aliases),
        ("references", &front.references),
    ] {
        if !values.is_empty() {
            out.push((key, yaml::list(values)));
        }
    }
    out
}

/// The outcome of checking a form: the file's text and the parsed document, or the
/// problems to show; and the content-standard notes either way.
pub(super) struct Checked {
    pub(super) text: String,
    pub(super) document: Option<Document>,
    pub(super) errors: Vec<FieldError>,
    pub(super) notes: Vec<String>,
}

/// Checks the form's values, then the file they make with the indexer's own parser.
pub(super) fn check(
    form: &Form,
    kept: &Kept,
    path: &str,
    t: &Strings,
    meetings: Option<&Meetings>,
) -> Checked {
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
    match Visibility::parse(&form.visibility) {
        None => error("f-visibility", t.err_choice),
        Some(Visibility::Public) if kept.members_only => {
            error("f-visibility", t.share_members_only_hint)
        }
        Some(_) => {}
    }
    if let Some(list) = meetings
        && !form.meeting.is_empty()
        && list.get(&form.meeting).is_none()
    {
        error("f-meeting", t.err_meeting);
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
        } else {
            notes.push(match d.code {
                Code::MissingDate => t.warn_date.to_string(),
                Code::MissingLesson => t.warn_lesson.to_string(),
                Code::MissingMistake => t.warn_mistake.to_string(),
                _ => d.message.clone(),
            });
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

pub(super) fn section_id(name: &str) -> &'static str {
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
pub(super) fn faithful(doc: &Document, form: &Form) -> bool {
    doc.front.title == form.title
        && doc.front.summary.as_deref().unwrap_or_default() == form.summary
        && doc.front.tags == list(&form.tags)
        && doc.front.authors == list(&form.authors)
        && doc.front.tools == list(&form.tools)
        && doc.front.organisation.as_deref().unwrap_or_default() == form.organisation
        && doc.front.meeting.as_deref().unwrap_or_default() == form.meeting
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, date: &str) -> Form {
        Form {
            title: "CAB: ja".into(),
            kind: kind.into(),
            language: "da".into(),
            date: date.into(),
            visibility: "members".into(),
            sections: [
                "Problemet.".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            ..Form::default()
        }
    }

    #[test]
    fn content_standard_notes_are_chosen_by_code() {
        let t = Lang::Da.t();
        let checked = check(&form("mistake", ""), &Kept::default(), "s/x.md", t, None);
        assert_eq!(checked.notes, [t.warn_date, t.warn_mistake]);
        let checked = check(
            &form("lesson", "2024-05-02"),
            &Kept::default(),
            "s/x.md",
            t,
            None,
        );
        assert_eq!(checked.notes, [t.warn_lesson]);
        assert!(checked.text.contains("\ntitle: \"CAB: ja\"\n"));
        assert!(checked.text.contains("\ndate: 2024-05-02\n"));
    }
}
