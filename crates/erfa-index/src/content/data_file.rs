//! What the group's data files in `content/` (`_glossary.yaml`, `_meetings.yaml`,
//! `_compounds.yaml`) share: reading one that may be missing, saying where its YAML
//! breaks, and finding the line of each list item.

use std::path::Path;

use crate::content::diagnostic::{Code, Diagnostic};

/// The text of `content/{file}`; `None` when there is no such file, and an
/// `unreadable` diagnostic when it cannot be read.
pub(crate) fn read(content: &Path, file: &str) -> Result<Option<String>, Diagnostic> {
    match std::fs::read_to_string(content.join(file)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Diagnostic::new(
            Code::Unreadable,
            file,
            1,
            1,
            format!("cannot read: {e}"),
        )),
    }
}

/// A YAML error in `file` at its position: `{what}: {the parser's message}`.
pub(crate) fn yaml_error(
    code: Code,
    file: &str,
    error: &serde_yaml_ng::Error,
    what: &str,
    hint: &str,
) -> Diagnostic {
    let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    Diagnostic::new(code, file, line, column, format!("{what}: {message}")).with_hint(hint)
}

/// The line (from 1) of each `- ` list item, in order, to point diagnostics at items.
pub(crate) fn item_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("- "))
        .map(|(i, _)| i + 1)
        .collect()
}
