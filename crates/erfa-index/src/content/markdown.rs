//! Markdown to plain text, split into the sections of the write-up format.
//!
//! Headings in English and Danish name the sections; other headings and text before the
//! first section go to the body. Plain text keeps link and code text and drops markup
//! and raw HTML.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// The sections of the write-up format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Problem / Problemet.
    Problem,
    /// Context / Kontekst.
    Context,
    /// What happened / Hvad skete der.
    WhatHappened,
    /// Cause / Årsag.
    Cause,
    /// Lesson learned / Læring.
    Lesson,
    /// Mistake to avoid / Fejl at undgå.
    Mistake,
    /// What we would do differently / Det ville vi gøre anderledes.
    Differently,
    /// Did it work? / Virkede det?
    DidItWork,
}

impl Section {
    /// All sections in the order of the template.
    pub const ALL: [Section; 8] = [
        Section::Problem,
        Section::Context,
        Section::WhatHappened,
        Section::Cause,
        Section::Lesson,
        Section::Mistake,
        Section::Differently,
        Section::DidItWork,
    ];

    /// The section a heading names, in English or Danish, case-insensitively.
    pub fn from_heading(heading: &str) -> Option<Section> {
        let normal: String = heading
            .trim()
            .trim_end_matches([':', '?', '.', '!'])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        Some(match normal.as_str() {
            "problem" | "problemet" | "the problem" => Section::Problem,
            "context" | "kontekst" | "baggrund" | "background" => Section::Context,
            "what happened" | "hvad skete der" | "hvad skete" => Section::WhatHappened,
            "cause" | "årsag" | "root cause" | "årsagen" | "grundårsag" => Section::Cause,
            "lesson learned" | "lessons learned" | "læring" | "lesson" | "læringen" => {
                Section::Lesson
            }
            "mistake to avoid" | "mistakes to avoid" | "fejl at undgå" => Section::Mistake,
            "what we would do differently"
            | "what we would do differently next time"
            | "det ville vi gøre anderledes"
            | "hvad vi ville gøre anderledes" => Section::Differently,
            "did it work" | "virkede det" => Section::DidItWork,
            _ => return None,
        })
    }

    /// The English heading of the template.
    pub fn heading_en(self) -> &'static str {
        match self {
            Section::Problem => "Problem",
            Section::Context => "Context",
            Section::WhatHappened => "What happened",
            Section::Cause => "Cause",
            Section::Lesson => "Lesson learned",
            Section::Mistake => "Mistake to avoid",
            Section::Differently => "What we would do differently",
            Section::DidItWork => "Did it work?",
        }
    }

    /// The Danish heading of the template.
    pub fn heading_da(self) -> &'static str {
        match self {
            Section::Problem => "Problemet",
            Section::Context => "Kontekst",
            Section::WhatHappened => "Hvad skete der",
            Section::Cause => "Årsag",
            Section::Lesson => "Læring",
            Section::Mistake => "Fejl at undgå",
            Section::Differently => "Det ville vi gøre anderledes",
            Section::DidItWork => "Virkede det?",
        }
    }
}

/// A write-up body as plain text, by section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sections {
    /// Text of each recognised section, in template order; absent when not in the file.
    pub known: Vec<(Section, String)>,
    /// Text under unknown headings and before the first section, headings included.
    pub other: String,
}

impl Sections {
    /// The text of `section`, when the write-up has it and it is not empty.
    pub fn get(&self, section: Section) -> Option<&str> {
        self.known
            .iter()
            .find(|(s, _)| *s == section)
            .map(|(_, t)| t.as_str())
            .filter(|t| !t.trim().is_empty())
    }

    /// Everything but lesson and mistake: the "body" of the index.
    pub fn body(&self) -> String {
        let mut out = String::new();
        for (section, text) in &self.known {
            if !matches!(section, Section::Lesson | Section::Mistake) {
                push_block(&mut out, text);
            }
        }
        push_block(&mut out, &self.other);
        out
    }

    /// All text, for language detection.
    pub fn all_text(&self) -> String {
        let mut out = String::new();
        for (_, text) in &self.known {
            push_block(&mut out, text);
        }
        push_block(&mut out, &self.other);
        out
    }
}

fn push_block(out: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(text);
}

/// The Markdown options used everywhere erfa reads Markdown (text and HTML alike).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
}

/// Splits a Markdown body into sections of plain text.
pub fn sections(markdown: &str) -> Sections {
    let mut known: Vec<(Section, String)> = Vec::new();
    let mut other = String::new();
    // The section being filled and the level of the heading that opened it.
    let mut current: Option<(Section, HeadingLevel)> = None;
    let mut in_heading: Option<HeadingLevel> = None;
    let mut heading_text = String::new();
    let mut buffer = String::new();

    let flush = |buffer: &mut String,
                 current: Option<(Section, HeadingLevel)>,
                 known: &mut Vec<(Section, String)>,
                 other: &mut String| {
        let text = std::mem::take(buffer);
        match current {
            Some((section, _)) => match known.iter_mut().find(|(s, _)| *s == section) {
                Some((_, existing)) => push_block(existing, &text),
                None => known.push((section, text.trim().to_string())),
            },
            None => push_block(other, &text),
        }
    };

    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level);
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                in_heading = None;
                let title = heading_text.trim().to_string();
                let closes = current.is_none_or(|(_, open)| level <= open);
                if closes {
                    match Section::from_heading(&title) {
                        Some(section) => {
                            flush(&mut buffer, current, &mut known, &mut other);
                            current = Some((section, level));
                            continue;
                        }
                        None => {
                            flush(&mut buffer, current, &mut known, &mut other);
                            current = None;
                        }
                    }
                }
                buffer.push_str(&title);
                buffer.push('\n');
            }
            Event::Text(text) | Event::Code(text) => {
                if in_heading.is_some() {
                    heading_text.push_str(&text);
                } else {
                    buffer.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if in_heading.is_some() {
                    heading_text.push(' ');
                } else {
                    buffer.push('\n');
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::BlockQuote(_),
            ) => buffer.push('\n'),
            Event::End(TagEnd::TableCell) => buffer.push(' '),
            Event::FootnoteReference(_)
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::TaskListMarker(_)
            | Event::Rule
            | Event::Start(_)
            | Event::End(_) => {}
        }
    }
    flush(&mut buffer, current, &mut known, &mut other);
    known.sort_by_key(|(s, _)| *s);
    for (_, text) in &mut known {
        *text = tidy(text);
    }
    Sections {
        known,
        other: tidy(&other),
    }
}

/// Collapses runs of blank lines and trailing spaces.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Number of words in `text`, for the content standard.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_in_both_languages_and_any_case() {
        assert_eq!(
            Section::from_heading("Lesson learned"),
            Some(Section::Lesson)
        );
        assert_eq!(Section::from_heading("LÆRING"), Some(Section::Lesson));
        assert_eq!(
            Section::from_heading("Fejl at undgå"),
            Some(Section::Mistake)
        );
        assert_eq!(
            Section::from_heading("mistake to avoid:"),
            Some(Section::Mistake)
        );
        assert_eq!(
            Section::from_heading("Hvad skete der?"),
            Some(Section::WhatHappened)
        );
        assert_eq!(
            Section::from_heading("Virkede det?"),
            Some(Section::DidItWork)
        );
        assert_eq!(Section::from_heading("Timeline"), None);
    }

    #[test]
    fn sections_split_text_and_keep_link_and_code_text() {
        let md = "Intro with [a link](https://x.example) and `code`.\n\n## Problem\n\nIt *broke*.\n\n### Details\n\nStill the problem.\n\n## Timeline\n\n- 10:00 alarm\n\n## Læring\n\nTest first.\n\n<script>alert(1)</script>\n";
        let s = sections(md);
        assert_eq!(
            s.get(Section::Problem),
            Some("It broke.\nDetails\nStill the problem.")
        );
        assert_eq!(s.get(Section::Lesson), Some("Test first."));
        assert!(s.other.contains("a link and code"));
        assert!(s.other.contains("Timeline\n10:00 alarm"));
        assert!(!s.all_text().contains("script"));
        assert!(s.body().contains("It broke."));
        assert!(!s.body().contains("Test first."));
    }

    #[test]
    fn repeated_sections_are_joined() {
        let s = sections(
            "## Lesson learned\n\nOne.\n\n## Context\n\nC.\n\n## Lesson learned\n\nTwo.\n",
        );
        assert_eq!(s.get(Section::Lesson), Some("One.\n\nTwo."));
    }

    #[test]
    fn word_count_ignores_punctuation() {
        assert_eq!(word_count("Hello, world — it works! 42"), 5);
    }
}
