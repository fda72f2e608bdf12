//! The form's values: what the contributor typed, read and checked field by field.

use super::*;

/// The six sections of the form, in order, with their form names.
pub(super) const SECTIONS: [(Section, &str); 6] = [
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
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) kind: String,
    pub(super) practices: Vec<String>,
    pub(super) tags: String,
    pub(super) language: String,
    pub(super) date: String,
    pub(super) authors: String,
    pub(super) organisation: String,
    pub(super) sector: String,
    pub(super) org_size: String,
    pub(super) tools: String,
    pub(super) meeting: String,
    pub(super) visibility: String,
    pub(super) sections: [String; 6],
    pub(super) action: String,
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
pub(super) fn list(text: &str) -> Vec<String> {
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
    pub(super) fn new(lang: Lang) -> Form {
        Form {
            language: lang.code().to_string(),
            date: erfa_index::template::today(),
            visibility: Visibility::Members.as_str().to_string(),
            ..Form::default()
        }
    }

    /// Reads an `application/x-www-form-urlencoded` body; repeated `practices` add up.
    pub(super) fn parse(body: &[u8]) -> Form {
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
    pub(super) fn from_document(doc: &Document) -> Form {
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
    pub(super) fn writeup_language(&self) -> Language {
        Language::parse(&self.language).unwrap_or(Language::En)
    }

    /// The draft for more-like-this.
    pub(super) fn draft(&self) -> Draft {
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
    pub(super) fn is_blank(&self) -> bool {
        self.title.is_empty()
            && self.summary.is_empty()
            && self.sections.iter().all(String::is_empty)
    }
}

/// The Markdown body split back into the form's six sections. Text before the first
/// known heading goes to the first section; other headings stay as text where they are.
pub(super) fn split_sections(markdown: &str) -> [String; 6] {
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
