//! The bilingual ITSM glossary (`content/_glossary.yaml`): a Danish query also finds
//! English write-ups and back.
//!
//! The glossary is applied when a query is run, not when write-ups are indexed, so a
//! facilitator's edit takes effect without a rebuild. Terms are compared after analysis
//! ("hændelser" matches the entry "hændelse"); an expanded term is one clause with the
//! word the member typed, scored by the better of the two. It weighs less than the word
//! when write-ups of the query's language have the word; an English term for a Danish
//! word no Danish write-up has weighs a little more (a Danish query's answer is often
//! English).

use std::path::Path;

use serde::Deserialize;

use crate::content::data_file;
use crate::content::diagnostic::{Code, Diagnostic};

/// The glossary's file name in the content folder.
pub const FILE_NAME: &str = "_glossary.yaml";

/// The most words one side of a pair may have.
pub const MAX_WORDS: usize = 3;

/// One Danish–English pair.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Pair {
    /// The Danish term.
    pub da: String,
    /// The English term.
    pub en: String,
}

/// The glossary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossary {
    /// The pairs, in file order.
    pub pairs: Vec<Pair>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    pairs: Vec<serde_yaml_ng::Value>,
}

/// The glossary with its diagnostics (paths relative to the content root).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// The valid pairs.
    pub glossary: Glossary,
    /// Errors and warnings about the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Glossary {
    /// Reads `content/_glossary.yaml`; a missing file is an empty glossary.
    pub fn load(content: &Path) -> Loaded {
        match data_file::read(content, FILE_NAME) {
            Ok(Some(text)) => Self::parse(&text),
            Ok(None) => Loaded::default(),
            Err(d) => Loaded {
                glossary: Glossary::default(),
                diagnostics: vec![d],
            },
        }
    }

    /// Parses the glossary's text. Invalid pairs are reported and left out; the others
    /// are kept.
    pub fn parse(text: &str) -> Loaded {
        let mut out = Loaded::default();
        let file: File = match serde_yaml_ng::from_str(text) {
            Ok(file) => file,
            Err(e) => {
                out.diagnostics.push(data_file::yaml_error(
                    Code::GlossaryBadYaml,
                    FILE_NAME,
                    &e,
                    "glossary does not parse",
                    "write `pairs:` followed by `- da: …` and `en: …` lines",
                ));
                return out;
            }
        };
        // Lines of each `- ` item, to point diagnostics at their pair.
        let item_lines = data_file::item_lines(text);
        let mut seen: std::collections::BTreeMap<(String, String), usize> = Default::default();
        for (i, value) in file.pairs.into_iter().enumerate() {
            let line = item_lines.get(i).copied().unwrap_or(1);
            let pair: Pair = match serde_yaml_ng::from_value(value) {
                Ok(pair) => pair,
                Err(_) => {
                    out.diagnostics.push(
                        Diagnostic::new(
                            Code::GlossaryBadPair,
                            FILE_NAME,
                            line,
                            1,
                            "a glossary pair needs text values `da` and `en`",
                        )
                        .with_hint("write `- da: hændelse` and `  en: incident`"),
                    );
                    continue;
                }
            };
            let (da, en) = (pair.da.trim().to_string(), pair.en.trim().to_string());
            let mut problem = None;
            if da.is_empty() || en.is_empty() {
                problem = Some((
                    Code::GlossaryBadPair,
                    "a glossary pair needs both `da` and `en`".to_string(),
                ));
            } else if da.split_whitespace().count() > MAX_WORDS
                || en.split_whitespace().count() > MAX_WORDS
            {
                problem = Some((
                    Code::GlossaryLongTerm,
                    format!("a glossary term has at most {MAX_WORDS} words"),
                ));
            } else if da.to_lowercase() == en.to_lowercase() {
                problem = Some((
                    Code::GlossarySameTerm,
                    format!("`{da}` is the same in both languages; it needs no glossary pair"),
                ));
            }
            if let Some((code, message)) = problem {
                out.diagnostics
                    .push(Diagnostic::new(code, FILE_NAME, line, 1, message));
                continue;
            }
            let key = (da.to_lowercase(), en.to_lowercase());
            if let Some(first) = seen.get(&key) {
                out.diagnostics.push(Diagnostic::new(
                    Code::GlossaryDuplicatePair,
                    FILE_NAME,
                    line,
                    1,
                    format!("the pair `{da}` / `{en}` is already on line {first}"),
                ));
                continue;
            }
            seen.insert(key, line);
            out.glossary.pairs.push(Pair { da, en });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_read_and_problems_located() {
        let text = "pairs:\n  - da: hændelse\n    en: incident\n  - da: it\n    en: IT\n  - da: x\n  - da: hændelse\n    en: incident\n  - da: a b c d\n    en: e\n";
        let loaded = Glossary::parse(text);
        assert_eq!(
            loaded.glossary.pairs,
            [Pair {
                da: "hændelse".into(),
                en: "incident".into()
            }]
        );
        let lines: Vec<(usize, bool)> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.line, d.is_error()))
            .collect();
        assert_eq!(lines, [(4, true), (6, true), (7, false), (9, true)]);
    }

    #[test]
    fn a_broken_file_is_one_located_error() {
        let loaded = Glossary::parse("pairs:\n  - da: [x\n");
        assert_eq!(loaded.diagnostics.len(), 1);
        assert!(
            loaded.diagnostics[0]
                .message
                .starts_with("glossary does not parse")
        );
        assert!(Glossary::parse("wrong: 1\n").diagnostics[0].is_error());
    }

    #[test]
    fn the_shipped_glossary_is_clean_and_large() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
        let loaded = Glossary::load(&content);
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(loaded.glossary.pairs.len() >= 80);
    }
}
