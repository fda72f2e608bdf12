//! Problems found in content, located by file, line and column.

use std::fmt;

use serde::Serialize;

/// How bad a content problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file is not indexed; `erfa check` exits 1.
    Error,
    /// The file is indexed; the facilitator sees the warning.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// What kind of problem a diagnostic reports: a stable name for programs (the share form,
/// JSON answers) that must not depend on the wording of the message. The table in
/// `docs/FORMAT.md` lists every code with its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Code {
    /// A file or folder cannot be read.
    Unreadable,
    /// A file name is not valid UTF-8.
    BadFileName,
    /// A write-up is a symbolic link.
    Symlink,
    /// A write-up is not a regular file.
    NotAFile,
    /// A file is larger than a write-up may be.
    FileTooLarge,
    /// A file is UTF-16.
    Utf16,
    /// A file contains NUL bytes.
    Binary,
    /// A file is not valid UTF-8.
    InvalidUtf8,
    /// No `---` line starts the file.
    MissingFrontMatter,
    /// The front matter is larger than accepted.
    FrontMatterTooLong,
    /// No closing `---` line.
    UnclosedFrontMatter,
    /// The front matter is not valid YAML.
    BadYaml,
    /// A key appears twice.
    DuplicateKey,
    /// The front matter is not `key: value` lines.
    NotAMapping,
    /// A key is not a plain word.
    BadKey,
    /// A key the format does not know.
    UnknownField,
    /// No `title`.
    MissingTitle,
    /// No `kind`.
    MissingKind,
    /// A value of the wrong type (a list where text belongs, …).
    WrongType,
    /// A value outside its closed list.
    BadValue,
    /// A date that is not a real `YYYY-MM-DD` day.
    BadDate,
    /// A practice not in the ITIL 4 list.
    UnknownPractice,
    /// No `date`.
    MissingDate,
    /// A lesson without its "Lesson learned" section.
    MissingLesson,
    /// A mistake without its "Mistake to avoid" section.
    MissingMistake,
    /// Two files would have the same slug.
    DuplicateSlug,
    /// A write-up reads much like another.
    NearDuplicate,
    /// The glossary is not valid YAML.
    GlossaryBadYaml,
    /// A glossary pair lacks its Danish or English term.
    GlossaryBadPair,
    /// A glossary term has too many words.
    GlossaryLongTerm,
    /// A glossary term is the same in both languages.
    GlossarySameTerm,
    /// A glossary pair appears twice.
    GlossaryDuplicatePair,
    /// The meetings list is not valid YAML.
    MeetingsBadYaml,
    /// A meeting in the list lacks a field or has a bad one.
    MeetingsBadEntry,
    /// A meeting id appears twice in the list.
    MeetingsDuplicateId,
    /// A write-up names a meeting the list does not have.
    UnknownMeeting,
    /// A draft or a submission under review is marked `confidence: validated`.
    UnpublishedValidated,
    /// A public write-up names its organisation.
    PublicOrganisation,
    /// `duplicate_of` names no write-up.
    UnknownDuplicate,
    /// The compound parts list is not valid YAML.
    CompoundsBadYaml,
    /// A compound part is not one word of letters.
    CompoundsBadPart,
    /// A compound part is listed twice.
    CompoundsDuplicatePart,
}

impl Code {
    /// Every code, in the order of the table in `docs/FORMAT.md`.
    pub const ALL: &[Code] = &[
        Code::Unreadable,
        Code::BadFileName,
        Code::Symlink,
        Code::NotAFile,
        Code::FileTooLarge,
        Code::Utf16,
        Code::Binary,
        Code::InvalidUtf8,
        Code::MissingFrontMatter,
        Code::FrontMatterTooLong,
        Code::UnclosedFrontMatter,
        Code::BadYaml,
        Code::DuplicateKey,
        Code::NotAMapping,
        Code::BadKey,
        Code::UnknownField,
        Code::MissingTitle,
        Code::MissingKind,
        Code::WrongType,
        Code::BadValue,
        Code::BadDate,
        Code::UnknownPractice,
        Code::MissingDate,
        Code::MissingLesson,
        Code::MissingMistake,
        Code::DuplicateSlug,
        Code::NearDuplicate,
        Code::GlossaryBadYaml,
        Code::GlossaryBadPair,
        Code::GlossaryLongTerm,
        Code::GlossarySameTerm,
        Code::GlossaryDuplicatePair,
        Code::MeetingsBadYaml,
        Code::MeetingsBadEntry,
        Code::MeetingsDuplicateId,
        Code::UnknownMeeting,
        Code::UnpublishedValidated,
        Code::PublicOrganisation,
        Code::UnknownDuplicate,
        Code::CompoundsBadYaml,
        Code::CompoundsBadPart,
        Code::CompoundsDuplicatePart,
    ];

    /// The code as written in JSON and in `docs/FORMAT.md`, e.g. `missing_date`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unreadable => "unreadable",
            Code::BadFileName => "bad_file_name",
            Code::Symlink => "symlink",
            Code::NotAFile => "not_a_file",
            Code::FileTooLarge => "file_too_large",
            Code::Utf16 => "utf16",
            Code::Binary => "binary",
            Code::InvalidUtf8 => "invalid_utf8",
            Code::MissingFrontMatter => "missing_front_matter",
            Code::FrontMatterTooLong => "front_matter_too_long",
            Code::UnclosedFrontMatter => "unclosed_front_matter",
            Code::BadYaml => "bad_yaml",
            Code::DuplicateKey => "duplicate_key",
            Code::NotAMapping => "not_a_mapping",
            Code::BadKey => "bad_key",
            Code::UnknownField => "unknown_field",
            Code::MissingTitle => "missing_title",
            Code::MissingKind => "missing_kind",
            Code::WrongType => "wrong_type",
            Code::BadValue => "bad_value",
            Code::BadDate => "bad_date",
            Code::UnknownPractice => "unknown_practice",
            Code::MissingDate => "missing_date",
            Code::MissingLesson => "missing_lesson",
            Code::MissingMistake => "missing_mistake",
            Code::DuplicateSlug => "duplicate_slug",
            Code::NearDuplicate => "near_duplicate",
            Code::GlossaryBadYaml => "glossary_bad_yaml",
            Code::GlossaryBadPair => "glossary_bad_pair",
            Code::GlossaryLongTerm => "glossary_long_term",
            Code::GlossarySameTerm => "glossary_same_term",
            Code::GlossaryDuplicatePair => "glossary_duplicate_pair",
            Code::MeetingsBadYaml => "meetings_bad_yaml",
            Code::MeetingsBadEntry => "meetings_bad_entry",
            Code::MeetingsDuplicateId => "meetings_duplicate_id",
            Code::UnknownMeeting => "unknown_meeting",
            Code::UnpublishedValidated => "unpublished_validated",
            Code::PublicOrganisation => "public_organisation",
            Code::UnknownDuplicate => "unknown_duplicate",
            Code::CompoundsBadYaml => "compounds_bad_yaml",
            Code::CompoundsBadPart => "compounds_bad_part",
            Code::CompoundsDuplicatePart => "compounds_duplicate_part",
        }
    }

    /// How bad a problem of this kind is; each code has one severity.
    pub fn severity(self) -> Severity {
        match self {
            Code::UnknownField
            | Code::MissingDate
            | Code::MissingLesson
            | Code::MissingMistake
            | Code::NearDuplicate
            | Code::GlossaryDuplicatePair
            | Code::UnpublishedValidated
            | Code::PublicOrganisation
            | Code::UnknownDuplicate
            | Code::CompoundsDuplicatePart => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl From<Code> for &'static str {
    fn from(code: Code) -> Self {
        code.as_str()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one file, e.g. ``change/cab.md:4:1: error: unknown field `tilte` ``.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, relative to the content root, with forward slashes.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem it is, for programs; see [`Code`].
    pub code: Code,
    /// What is wrong, lower-case, without a trailing period.
    pub message: String,
    /// How to fix it, where a hint exists ("did you mean `title`?").
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem of kind `code` at `line:column` of `path`; the code decides the
    /// severity.
    pub fn new(
        code: Code,
        path: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.to_string(),
            line: line.max(1),
            column: column.max(1),
            severity: code.severity(),
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as one line, with the path shown as `shown_path`
    /// (usually the content folder the user named, joined with [`Diagnostic::path`]).
    pub fn render(&self, shown_path: &str) -> String {
        let mut line = format!(
            "{}:{}:{}: {}: {}",
            shown_path, self.line, self.column, self.severity, self.message
        );
        if let Some(hint) = &self.hint {
            line.push_str(" (");
            line.push_str(hint);
            line.push(')');
        }
        line
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&self.path))
    }
}

/// Line and column (both 1-based, column in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_compiler() {
        let d = Diagnostic::new(Code::BadKey, "change/cab.md", 4, 1, "unknown field `tilte`")
            .with_hint("did you mean `title`?");
        assert_eq!(
            d.render("content/change/cab.md"),
            "content/change/cab.md:4:1: error: unknown field `tilte` (did you mean `title`?)"
        );
    }

    #[test]
    fn codes_are_listed_once_and_serialise_as_their_names() {
        let names: std::collections::BTreeSet<&str> =
            Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Code::ALL.len());
        let d = Diagnostic::new(Code::MissingDate, "a.md", 1, 1, "no `date`");
        let json = serde_json::to_value(&d).expect("json");
        assert_eq!(json["code"], "missing_date");
        assert_eq!(json["severity"], "warning");
    }

    /// The table of codes in `docs/FORMAT.md` lists every code, with its severity, and
    /// nothing else.
    #[test]
    fn the_format_doc_lists_every_code() {
        let doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/FORMAT.md"));
        let section = doc
            .split("\n### Diagnostic codes\n")
            .nth(1)
            .expect("a section `### Diagnostic codes`");
        let section = section.split("\n#").next().unwrap_or(section);
        let documented: Vec<(String, String)> = section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').collect();
                let code = cells.first()?.trim().strip_prefix('`')?.strip_suffix('`')?;
                let severity = cells.get(1)?.trim();
                code.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    .then(|| (code.to_string(), severity.to_string()))
            })
            .collect();
        let expected: Vec<(String, String)> = Code::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.severity().to_string()))
            .collect();
        assert_eq!(documented, expected);
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\næøå x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, "ab\næøå ".len()), (2, 5));
        assert_eq!(line_column(text, 1000), (3, 1));
    }
}
