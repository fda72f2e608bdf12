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
    /// What is wrong, lower-case, without a trailing period.
    pub message: String,
    /// How to fix it, where a hint exists ("did you mean `title`?").
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `line:column` of `path`.
    pub fn error(path: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_string(),
            line: line.max(1),
            column: column.max(1),
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `line:column` of `path`.
    pub fn warning(path: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, column, message)
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
        let d = Diagnostic::error("change/cab.md", 4, 1, "unknown field `tilte`")
            .with_hint("did you mean `title`?");
        assert_eq!(
            d.render("content/change/cab.md"),
            "content/change/cab.md:4:1: error: unknown field `tilte` (did you mean `title`?)"
        );
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
