//! Writing front matter: the one place that decides how a value is spelled in YAML.
//!
//! `erfa new`, the web form and the facilitator's line edits all write through here, so
//! a title, tag or slug is quoted the same way whoever writes it. A value is written plain
//! only when it is clearly the same string to any YAML reader (1.1 or 1.2): a few safe
//! characters, no word YAML would read as a boolean or null, nothing it would read as a
//! number or a date. Everything else is double-quoted, with every character a reader
//! might fold, drop or refuse written as an escape, so the value comes back byte for
//! byte. The format itself is described in `docs/FORMAT.md`.
//!
//! ```
//! use erfa_index::yaml;
//!
//! assert_eq!(yaml::scalar("Change enablement"), "Change enablement");
//! assert_eq!(yaml::scalar("CAB: yes"), "\"CAB: yes\"");
//! assert_eq!(yaml::scalar("no"), "\"no\"");
//! assert_eq!(yaml::list(&["cab", "365"]), "[cab, \"365\"]");
//! assert_eq!(
//!     yaml::block(&[("title", yaml::scalar("CAB")), ("date", yaml::date("2022-03-10"))]),
//!     "---\ntitle: CAB\ndate: 2022-03-10\n---\n"
//! );
//! ```

use std::fmt::Write as _;

use crate::content::front_matter::Date;

/// Whether `text` holds only characters a plain scalar may carry on one line, in block
/// and flow context alike: letters, digits, spaces and `-` `.` `_` `+` `/`; not empty,
/// not starting with `-`, `.` or a space, not ending in a space, no two spaces in a row.
///
/// Such a value needs no escapes; it may still need quotes (see [`is_plain`]).
pub fn is_word(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '_' | '+' | '/'))
        && !text.starts_with(['-', '.', ' '])
        && !text.ends_with(' ')
        && !text.contains("  ")
}

/// Whether [`scalar`] writes `text` without quotes: it [`is_word`], is no YAML 1.1
/// boolean or null word, does not look like a number or a date, and the YAML parser the
/// front matter is read with gives the same string back.
pub fn is_plain(text: &str) -> bool {
    is_word(text)
        && !retyped(text)
        && matches!(
            serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text),
            Ok(serde_yaml_ng::Value::String(s)) if s == text
        )
}

/// Whether some YAML reader would read plain `text` as something other than a string.
/// Errs on the side of quoting: `3d` is quoted as if it were hexadecimal.
fn retyped(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf",
    ];
    let lower = text.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) {
        return true;
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let bytes = unsigned.as_bytes();
    // A YAML 1.1 timestamp starts `YYYY-M`.
    if bytes.len() >= 6
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5].is_ascii_digit()
    {
        return true;
    }
    // Integers and floats in any base YAML 1.1 or 1.2 knows: a digit first, then digits,
    // hex letters, base prefixes, `_`, `.`, and a sign only right after an exponent `e`.
    let mut previous = ' ';
    bytes.first().is_some_and(u8::is_ascii_digit)
        && unsigned.chars().all(|c| {
            let ok = c.is_ascii_hexdigit()
                || matches!(c, '_' | '.' | 'x' | 'X' | 'o' | 'O')
                || (matches!(c, '+' | '-') && matches!(previous, 'e' | 'E'));
            previous = c;
            ok
        })
}

/// `text` as a double-quoted YAML scalar. `"` and `\` are escaped, and so is every
/// character a YAML reader could treat as a line break, refuse as unprintable or drop as
/// a byte-order mark; the rest is written as it is. For the usual text this is the same
/// as a JSON string.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // C0 and C1 controls (U+0085 is a line break to YAML 1.1), the line and
            // paragraph separators, the byte-order mark and the two non-characters YAML
            // refuses to read.
            '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}' => {
                write!(out, "\\u{:04x}", u32::from(c)).expect("writing to a String");
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a YAML scalar: plain when [`is_plain`], otherwise [`quoted`]. Safe in block
/// and flow context alike, on one line.
pub fn scalar(text: &str) -> String {
    if is_plain(text) {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// The value of a date field: a real `YYYY-MM-DD` day plain, as `docs/FORMAT.md` writes
/// it; anything else as a [`scalar`], for the parser to report.
pub fn date(text: &str) -> String {
    match Date::parse(text) {
        Some(date) => date.to_string(),
        None => scalar(text),
    }
}

/// `items` as a one-line flow list, `[a, "b: c"]`.
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|i| scalar(i.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// A whole front-matter block from ordered `(key, value)` pairs, fences included. Each
/// value is already written ([`scalar`], [`list`], [`date`] or a known word); an empty
/// one leaves `key: ` for the author to fill in.
pub fn block<V: AsRef<str>>(entries: &[(&str, V)]) -> String {
    let mut out = String::from("---\n");
    for (key, value) in entries {
        debug_assert!(is_word(key) && !key.contains(' '), "keys are plain words");
        out.push_str(key);
        out.push_str(": ");
        out.push_str(value.as_ref());
        out.push('\n');
    }
    out.push_str("---\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Document;
    use crate::content::front_matter;
    use proptest::prelude::*;

    #[test]
    fn plain_words_stay_plain() {
        for text in [
            "CAB",
            "Change enablement",
            "Nordby Kommune",
            "50-250",
            "1000+",
            "2024-Q2",
            "change/cab",
            "not-validated",
            "Ticket queues shrank once zorbalix ran the triage.",
            "TOPdesk",
            "ÆØÅ æøå",
        ] {
            assert_eq!(scalar(text), text, "{text}");
        }
    }

    #[test]
    fn hostile_values_are_quoted() {
        for text in [
            "",
            " lead",
            "trail ",
            "a  b",
            ":x",
            "#x",
            "-x",
            "?x",
            "[x",
            "{x",
            "&x",
            "*x",
            "!x",
            "|x",
            ">x",
            "'x",
            "\"x",
            "%x",
            "@x",
            "`x",
            "a #b",
            "a: b",
            "a\nb",
            "a\tb",
            "yes",
            "No",
            "ON",
            "off",
            "null",
            "~",
            "true",
            "False",
            "y",
            "n",
            "365",
            "-1",
            "+1",
            "1.5",
            "1e5",
            "1_000",
            "0x1F",
            "0o17",
            ".inf",
            ".NaN",
            "2024-05-02",
            "2024-5-2",
            "3d",
            "a,b",
            "<<",
            "=",
        ] {
            assert!(scalar(text).starts_with('"'), "{text:?} is quoted");
        }
    }

    #[test]
    fn invisible_and_breaking_characters_are_escaped() {
        assert_eq!(
            quoted("a\u{2028}b\u{2029}c\u{85}d\u{feff}e\u{0}f\u{7f}g\u{1b}"),
            "\"a\\u2028b\\u2029c\\u0085d\\ufeffe\\u0000f\\u007fg\\u001b\""
        );
        assert_eq!(
            quoted("We copied a bank's CAB"),
            "\"We copied a bank's CAB\""
        );
        assert_eq!(
            quoted("Triage: \"the sorter\" — it\\worked"),
            "\"Triage: \\\"the sorter\\\" — it\\\\worked\""
        );
    }

    #[test]
    fn dates_are_plain_only_when_real() {
        assert_eq!(date("2024-05-02"), "2024-05-02");
        assert_eq!(date("2024-13-02"), "\"2024-13-02\"");
        assert_eq!(date("soon"), "soon");
    }

    /// Text from the classes that break naive YAML writers, mixed with any character.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>().prop_map(String::from),
            "[a-zA-Z0-9 æøå]{1,12}",
            proptest::sample::select(vec![
                " ",
                "  ",
                ":",
                ": ",
                " #",
                "#",
                "-",
                "- ",
                "?",
                "[",
                "]",
                "{",
                "}",
                ",",
                "&",
                "*",
                "!",
                "|",
                ">",
                "'",
                "\"",
                "%",
                "@",
                "`",
                "\\",
                "\n",
                "\r\n",
                "\r",
                "\t",
                "\u{0}",
                "\u{7}",
                "\u{1b}",
                "\u{7f}",
                "\u{85}",
                "\u{a0}",
                "\u{2028}",
                "\u{2029}",
                "\u{feff}",
                "\u{fffe}",
                "\u{ffff}",
                "yes",
                "no",
                "on",
                "off",
                "null",
                "~",
                "true",
                "False",
                "NO",
                "365",
                "0x1f",
                "1e5",
                "-1.5",
                ".inf",
                "2024-05-02",
                "2024-05-02T10:00:00Z",
                "---",
                "...",
                "<<",
                "🙂",
            ])
            .prop_map(String::from),
        ];
        prop_oneof![
            proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat()),
            any::<String>(),
            "[a-z ]{500,3000}",
        ]
    }

    /// A value as the front-matter parser gives free text back: trimmed, empty is none.
    fn normalised(text: &str) -> Option<String> {
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    fn normalised_list(items: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for item in items.iter().filter_map(|i| normalised(i)) {
            if !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }

    proptest! {
        /// Every string comes back exactly from the YAML parser the front matter uses, in
        /// block and flow context.
        #[test]
        fn scalars_read_back_exactly(text in hostile()) {
            let yaml = format!("a: {}\nb: {}\n", scalar(&text), list(&[&text, "x"]));
            let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml)
                .map_err(|e| TestCaseError::fail(format!("{e}: {yaml}")))?;
            prop_assert_eq!(value["a"].as_str(), Some(text.as_str()), "{}", yaml);
            prop_assert_eq!(value["b"][0].as_str(), Some(text.as_str()), "{}", yaml);
            let breaks = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];
            prop_assert!(!scalar(&text).contains(breaks), "{}", yaml);
        }

        /// A block written from hostile values parses with the project's own parser and
        /// gives the same fields back (trimmed and without empty list items, as the
        /// parser reads any write-up).
        #[test]
        fn blocks_parse_back_with_the_same_fields(
            title in hostile(),
            summary in hostile(),
            tags in proptest::collection::vec(hostile(), 0..4),
            authors in proptest::collection::vec(hostile(), 0..3),
            crlf in any::<bool>(),
        ) {
            prop_assume!(normalised(&title).is_some());
            let mut text = block(&[
                ("title", scalar(&title)),
                ("summary", scalar(&summary)),
                ("kind", scalar("lesson")),
                ("tags", list(&tags)),
                ("authors", list(&authors)),
                ("date", date("2024-05-02")),
            ]);
            text.push_str("\n## Lesson learned\n\nx\n");
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let parsed = Document::parse("x.md", &text);
            let doc = parsed.document.ok_or_else(|| {
                TestCaseError::fail(format!("{:?}\n{text}", parsed.diagnostics))
            })?;
            prop_assert_eq!(Some(doc.front.title), normalised(&title));
            prop_assert_eq!(doc.front.summary, normalised(&summary));
            prop_assert_eq!(doc.front.tags, normalised_list(&tags));
            prop_assert_eq!(doc.front.authors, normalised_list(&authors));
            prop_assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
            let lf = text.replace("\r\n", "\n");
            let split = front_matter::split("x.md", &lf)
                .map_err(|d| TestCaseError::fail(d.to_string()))?;
            prop_assert_eq!(split.yaml.lines().count(), 6);
        }

        /// Plain output is reserved for words; whatever is not a word is quoted.
        #[test]
        fn only_words_are_plain(text in hostile()) {
            if !is_word(&text) {
                prop_assert!(scalar(&text).starts_with('"'));
            }
        }
    }
}
