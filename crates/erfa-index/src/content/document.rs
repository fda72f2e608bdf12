//! A write-up, parsed: front matter, sections as plain text, slug and content hash.

use serde::Serialize;

use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::front_matter::{self, FrontMatter};
use crate::content::markdown::{self, Section, Sections};
use crate::content::slug;
use crate::content::vocab::{Kind, Language, Status, Visibility};

/// One write-up, ready to index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Path relative to the content root, forward slashes, e.g. `change/cab.md`.
    pub path: String,
    /// URL name, e.g. `change/cab`.
    pub slug: String,
    /// Hash of the file's bytes; tells the indexer whether the file changed.
    pub hash: String,
    /// The checked front matter.
    pub front: FrontMatter,
    /// The language: as written, or detected from the text.
    pub language: Language,
    /// The body as plain text by section.
    pub sections: Sections,
    /// The Markdown body (after the front matter), for rendering.
    pub markdown: String,
    /// The line of the file where `markdown` starts.
    pub markdown_line: usize,
}

/// What parsing one file gives: the document when it has no error, and every diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The document, or `None` when there is at least one error.
    pub document: Option<Document>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// The content hash erfa uses: BLAKE3 of the bytes, 32 hex digits.
pub fn content_hash(bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    hash.to_hex()[..32].to_string()
}

/// `text` without a UTF-8 byte-order mark and with CRLF line ends as LF: what parsing
/// reads.
pub(crate) fn normalise(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl Document {
    /// Parses the text of the write-up at `path` (relative to the content root).
    ///
    /// Pure: no I/O. A UTF-8 byte-order mark is ignored and CRLF line ends are accepted.
    pub fn parse(path: &str, text: &str) -> Parsed {
        let hash = content_hash(text.as_bytes());
        let text = normalise(text);
        let text = text.as_ref();
        if text.contains('\0') {
            return Parsed {
                document: None,
                diagnostics: vec![
                    Diagnostic::new(
                        Code::Binary,
                        path,
                        1,
                        1,
                        "file contains NUL bytes; it looks binary",
                    )
                    .with_hint("write-ups are UTF-8 text files"),
                ],
            };
        }
        let split = match front_matter::split(path, text) {
            Ok(split) => split,
            Err(d) => {
                return Parsed {
                    document: None,
                    diagnostics: vec![d],
                };
            }
        };
        let (front, mut diagnostics) = front_matter::parse(path, &split);
        let Some(front) = front else {
            diagnostics.sort_by_key(|d| (d.line, d.column));
            return Parsed {
                document: None,
                diagnostics,
            };
        };
        let sections = markdown::sections(split.body);
        let language = front
            .language
            .unwrap_or_else(|| detect_language(&front, &sections));

        if front.date.is_none() {
            diagnostics.push(
                Diagnostic::new(Code::MissingDate, path, 1, 1, "no `date`")
                    .with_hint("add `date: YYYY-MM-DD`, when it happened or was presented"),
            );
        }
        let (needed, heading_en, heading_da) = match front.kind {
            Kind::Lesson => (
                Some(Section::Lesson),
                Section::Lesson.heading_en(),
                Section::Lesson.heading_da(),
            ),
            Kind::Mistake => (
                Some(Section::Mistake),
                Section::Mistake.heading_en(),
                Section::Mistake.heading_da(),
            ),
            Kind::Practice => (None, "", ""),
        };
        if let Some(section) = needed
            && sections.get(section).is_none()
        {
            // The heading may be there with nothing under it: say so rather than "no".
            let heading_present = sections.known.iter().any(|(s, _)| *s == section);
            diagnostics.push(
                Diagnostic::new(
                    match section {
                        Section::Mistake => Code::MissingMistake,
                        _ => Code::MissingLesson,
                    },
                    path,
                    split.body_line,
                    1,
                    if heading_present {
                        format!(
                            "the \"{heading_en}\" section of a {} is empty",
                            front.kind.as_str()
                        )
                    } else {
                        format!(
                            "a {} has no \"{heading_en}\" section",
                            front.kind.as_str()
                        )
                    },
                )
                .with_hint(if heading_present {
                    "write under the heading what others should take away".to_string()
                } else {
                    format!(
                        "add a heading `## {heading_en}` (or `## {heading_da}`) with what others should take away"
                    )
                }),
            );
        }
        diagnostics.sort_by_key(|d| (d.line, d.column));
        Parsed {
            document: Some(Document {
                path: path.to_string(),
                slug: slug::from_path(path),
                hash,
                language,
                sections,
                markdown: split.body.to_string(),
                markdown_line: split.body_line,
                front,
            }),
            diagnostics,
        }
    }

    /// Whether anonymous visitors may see this write-up: public and published.
    pub fn is_public(&self) -> bool {
        self.front.visibility == Visibility::Public && self.front.status == Status::Published
    }
}

/// Danish or English, from the text; English when unsure.
fn detect_language(front: &FrontMatter, sections: &Sections) -> Language {
    let mut text = front.title.clone();
    if let Some(summary) = &front.summary {
        text.push_str(". ");
        text.push_str(summary);
    }
    text.push_str(". ");
    let body = sections.all_text();
    let cut = body.char_indices().nth(4000).map_or(body.len(), |(i, _)| i);
    text.push_str(&body[..cut]);
    let detector =
        whatlang::Detector::with_allowlist(vec![whatlang::Lang::Dan, whatlang::Lang::Eng]);
    match detector.detect_lang(&text) {
        Some(whatlang::Lang::Dan) => Language::Da,
        _ => Language::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD_EN: &str = "---\ntitle: We copied a CAB\nkind: mistake\npractices: change-enablement\ntags: [cab, 365]\ndate: 2022-03-10\n---\n## Problem\n\nToo heavy.\n\n## Mistake to avoid\n\nCopying a process 1:1.\n";

    #[test]
    fn content_standard_warnings_carry_their_codes() {
        let codes = |text: &str| -> Vec<Code> {
            Document::parse("a.md", text)
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect()
        };
        assert_eq!(
            codes("---\ntitle: T\nkind: lesson\n---\nx\n"),
            [Code::MissingDate, Code::MissingLesson]
        );
        assert_eq!(
            codes("---\ntitle: T\nkind: mistake\ndate: 2022-03-10\n---\nx\n"),
            [Code::MissingMistake]
        );
        assert_eq!(
            codes(
                "---\ntitle: T\nkind: lesson\ndate: 2022-03-10\ntilte: x\n---\n## Lesson learned\n\nShare.\n"
            ),
            [Code::UnknownField]
        );
        assert_eq!(codes("---\ntitle: T\n"), [Code::UnclosedFrontMatter]);
        assert_eq!(codes("---\ntitle: [\n---\n"), [Code::BadYaml]);
    }

    #[test]
    fn an_empty_section_is_called_empty_not_missing() {
        let messages = |text: &str| -> Vec<String> {
            Document::parse("a.md", text)
                .diagnostics
                .iter()
                .map(|d| d.message.clone())
                .collect()
        };
        assert_eq!(
            messages(
                "---\ntitle: T\nkind: mistake\ndate: 2022-03-10\n---\n## Problem\n\nX.\n\n## Mistake to avoid\n\n## Context\n\nY.\n"
            ),
            ["the \"Mistake to avoid\" section of a mistake is empty"]
        );
        assert_eq!(
            messages("---\ntitle: T\nkind: lesson\ndate: 2022-03-10\n---\n## Læring\n"),
            ["the \"Lesson learned\" section of a lesson is empty"]
        );
        assert_eq!(
            messages("---\ntitle: T\nkind: mistake\ndate: 2022-03-10\n---\nx\n"),
            ["a mistake has no \"Mistake to avoid\" section"]
        );
    }

    #[test]
    fn a_valid_english_write_up() {
        let parsed = Document::parse("change/cab.md", GOOD_EN);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let doc = parsed.document.expect("valid");
        assert_eq!(doc.slug, "change/cab");
        assert_eq!(doc.front.practices, vec!["change-enablement"]);
        assert_eq!(doc.front.tags, vec!["cab", "365"]);
        assert_eq!(doc.front.visibility, Visibility::Members);
        assert_eq!(doc.front.status, Status::Published);
        assert_eq!(doc.language, Language::En);
        assert_eq!(
            doc.sections.get(Section::Mistake),
            Some("Copying a process 1:1.")
        );
        assert_eq!(doc.markdown_line, 8);
    }

    #[test]
    fn danish_is_detected_when_language_is_omitted() {
        let text = "---\ntitle: Vi kopierede bankens ændringsproces\nkind: lesson\ndate: 2021-01-01\n---\n## Læring\n\nNår man kopierer en proces fra en stor organisation, skal man huske at tilpasse den til sin egen virkelighed. Det gjorde vi ikke, og det kostede os mange måneder.\n";
        let doc = Document::parse("a.md", text).document.expect("valid");
        assert_eq!(doc.language, Language::Da);
        assert_eq!(
            doc.sections.get(Section::Lesson).map(|t| t.len() > 10),
            Some(true)
        );
    }

    #[test]
    fn bom_and_crlf_are_accepted_with_the_same_hash_rules() {
        let crlf = format!("\u{feff}{}", GOOD_EN.replace('\n', "\r\n"));
        let parsed = Document::parse("change/cab.md", &crlf);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let doc = parsed.document.expect("valid");
        assert_eq!(doc.front.title, "We copied a CAB");
        assert_ne!(doc.hash, content_hash(GOOD_EN.as_bytes()));
    }

    #[test]
    fn content_standard_warnings_do_not_stop_indexing() {
        let parsed = Document::parse("x.md", "---\ntitle: T\nkind: lesson\n---\nJust text.\n");
        assert!(parsed.document.is_some());
        let messages: Vec<_> = parsed
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            ["no `date`", "a lesson has no \"Lesson learned\" section"]
        );
        assert_eq!(parsed.diagnostics[1].line, 5);
    }
}
