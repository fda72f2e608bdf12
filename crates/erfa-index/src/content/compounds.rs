//! Danish compound parts the group adds (`content/_compounds.yaml`) to the ones erfa
//! ships: "hukommelse" and "læk" let a search for "læk" find "hukommelseslæk".
//!
//! Compounds are split when write-ups are indexed, so a change to the list reindexes
//! every write-up — by itself, while erfa runs, without a new erfa (docs/FORMAT.md).

use std::path::Path;

use serde::Deserialize;
use serde_yaml_ng::Value;

use crate::content::data_file;
use crate::content::diagnostic::{Code, Diagnostic};

/// The list's file name in the content folder.
pub const FILE_NAME: &str = "_compounds.yaml";

/// The shortest and longest part accepted, in letters.
pub const PART_LETTERS: std::ops::RangeInclusive<usize> = 3..=30;

/// The most parts the list may add.
pub const MAX_PARTS: usize = 5_000;

/// The parts, with the list's diagnostics (paths relative to the content root).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// Valid parts, lower-case, sorted, without duplicates.
    pub parts: Vec<String>,
    /// Errors and warnings about the file.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    parts: Vec<Value>,
}

/// Reads `content/_compounds.yaml`; a missing file adds no parts.
pub fn load(content: &Path) -> Loaded {
    match data_file::read(content, FILE_NAME) {
        Ok(Some(text)) => parse(&text),
        Ok(None) => Loaded::default(),
        Err(d) => Loaded {
            parts: Vec::new(),
            diagnostics: vec![d],
        },
    }
}

/// Parses the list. Invalid parts are reported and left out; the others are kept.
pub fn parse(text: &str) -> Loaded {
    let mut out = Loaded::default();
    let file: File = match serde_yaml_ng::from_str(text) {
        Ok(file) => file,
        Err(e) => {
            out.diagnostics.push(data_file::yaml_error(
                Code::CompoundsBadYaml,
                FILE_NAME,
                &e,
                "the compound parts do not parse",
                "write `parts:` followed by one `- word` line per part",
            ));
            return out;
        }
    };
    let item_lines = data_file::item_lines(text);
    for (i, value) in file.parts.iter().enumerate() {
        let line = item_lines.get(i).copied().unwrap_or(1);
        let word = match value {
            Value::String(s) => s.trim().to_lowercase(),
            _ => String::new(),
        };
        let letters = word.chars().count();
        let plain = word
            .chars()
            .all(|c| c.is_ascii_lowercase() || matches!(c, 'æ' | 'ø' | 'å' | 'é'));
        if !plain || !PART_LETTERS.contains(&letters) {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::CompoundsBadPart,
                    FILE_NAME,
                    line,
                    1,
                    format!("`{}` is not one word of 3 to 30 letters", display(value)),
                )
                .with_hint("write each part as one lower-case word, e.g. `- hukommelse`"),
            );
            continue;
        }
        if out.parts.contains(&word) {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::CompoundsDuplicatePart,
                    FILE_NAME,
                    line,
                    1,
                    format!("`{word}` is listed twice"),
                )
                .with_hint("remove one of the two lines"),
            );
            continue;
        }
        if out.parts.len() == MAX_PARTS {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::CompoundsBadPart,
                    FILE_NAME,
                    line,
                    1,
                    format!("more than {MAX_PARTS} parts"),
                )
                .with_hint("the rest of the list is left out"),
            );
            break;
        }
        out.parts.push(word);
    }
    out.parts.sort();
    out
}

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        _ => "…".to_string(),
    }
}

/// A fingerprint of a list of parts: 0 for none, so that an index built with the shipped
/// parts alone needs no record of any.
pub fn fingerprint(parts: &[String]) -> u64 {
    if parts.is_empty() {
        return 0;
    }
    let hash = blake3::hash(parts.join("\n").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(bytes).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_lower_case_words_sorted_once() {
        let loaded =
            parse("parts:\n  - Hukommelse\n  - læk\n  - læk\n  - x\n  - two words\n  - 42\n");
        assert_eq!(loaded.parts, ["hukommelse", "læk"]);
        let lines: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "_compounds.yaml:4:1: warning: `læk` is listed twice (remove one of the two lines)",
                "_compounds.yaml:5:1: error: `x` is not one word of 3 to 30 letters (write each part as one lower-case word, e.g. `- hukommelse`)",
                "_compounds.yaml:6:1: error: `two words` is not one word of 3 to 30 letters (write each part as one lower-case word, e.g. `- hukommelse`)",
                "_compounds.yaml:7:1: error: `42` is not one word of 3 to 30 letters (write each part as one lower-case word, e.g. `- hukommelse`)",
            ]
        );
    }

    #[test]
    fn a_list_that_does_not_parse_adds_nothing_and_says_so() {
        let loaded = parse("part:\n  - læk\n");
        assert!(loaded.parts.is_empty());
        assert_eq!(loaded.diagnostics[0].code, Code::CompoundsBadYaml);
    }

    #[test]
    fn fingerprints_tell_lists_apart_and_none_is_zero() {
        assert_eq!(fingerprint(&[]), 0);
        let a = fingerprint(&["læk".to_string()]);
        let b = fingerprint(&["læk".to_string(), "plads".to_string()]);
        assert!(a != 0 && b != 0 && a != b);
    }
}
