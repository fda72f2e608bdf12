//! Small edits of a write-up's source that keep every other byte: one front-matter line
//! changed, one item added to a list, sections appended to the body.
//!
//! The facilitator's desk changes `status:`, `duplicate_of:` and `aliases:` from the
//! browser. Re-serialising the YAML would drop comments, reorder keys and change quoting,
//! so the edits here work on lines instead: a byte-order mark, CRLF line ends, comments
//! and the order of keys all survive. The functions are pure; [`apply`] reads a file,
//! edits it and writes it back through [`crate::content::durable`].
//!
//! ```
//! use erfa_index::edit;
//!
//! let text = "\u{feff}---\r\ntitle: CAB\r\nstatus: review # waiting\r\n---\r\nBody\r\n";
//! let edited = edit::set_scalar(text, "status", "published").unwrap();
//! assert_eq!(edited, "\u{feff}---\r\ntitle: CAB\r\nstatus: published # waiting\r\n---\r\nBody\r\n");
//! ```

use std::path::Path;

use crate::content::yaml;
use crate::error::{Error, Result};

/// Why an edit cannot be made; the file is left as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The text has no `---` header to edit.
    #[error("no front matter (a `---` line first, and a closing `---`)")]
    NoFrontMatter,
    /// The key's value spans several lines in a way the line edit cannot follow.
    #[error("`{0}` has a value this edit cannot change safely; edit the file by hand")]
    Unsupported(String),
    /// The new value is not a single word ([`yaml::is_word`]).
    #[error("`{0}` is not a plain value")]
    BadValue(String),
}

/// Where the header is: byte offsets into the text.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// The first byte of the first YAML line (after the opening fence's line end).
    yaml_start: usize,
    /// The first byte of the closing fence line.
    yaml_end: usize,
    /// The line end the file uses, judged by the opening fence line.
    eol: &'static str,
}

fn is_fence(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches(['\r', ' ', '\t']);
    line == "---" || (closing && line == "...")
}

/// Lines of `text[from..to]` as (start, end without the line end, end with it).
fn lines(text: &str, from: usize, to: usize) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut offset = from;
    while offset < to {
        let next = text[offset..to].find('\n').map_or(to, |i| offset + i + 1);
        let mut end = next;
        if text[..end].ends_with('\n') {
            end -= 1;
        }
        if text[..end].ends_with('\r') {
            end -= 1;
        }
        out.push((offset, end, next));
        offset = next;
    }
    out
}

fn frame(text: &str) -> std::result::Result<Frame, EditError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_end = text[start..]
        .find('\n')
        .map(|i| start + i)
        .ok_or(EditError::NoFrontMatter)?;
    if !is_fence(&text[start..first_end], false) {
        return Err(EditError::NoFrontMatter);
    }
    let eol = if text[..first_end].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    let yaml_start = first_end + 1;
    for (line_start, line_end, _) in lines(text, yaml_start, text.len()) {
        if is_fence(&text[line_start..line_end], true) {
            return Ok(Frame {
                yaml_start,
                yaml_end: line_start,
                eol,
            });
        }
    }
    Err(EditError::NoFrontMatter)
}

/// The line of top-level `key:` in the header: (start, end without line end, after line
/// end, offset of the first byte after the colon).
fn key_line(text: &str, frame: Frame, key: &str) -> Option<(usize, usize, usize, usize)> {
    lines(text, frame.yaml_start, frame.yaml_end)
        .into_iter()
        .find_map(|(start, end, next)| {
            let line = &text[start..end];
            let rest = line.strip_prefix(key)?;
            let after = rest.trim_start_matches([' ', '\t']);
            after
                .starts_with(':')
                .then(|| (start, end, next, end - after.len() + 1))
        })
}

/// The value part of a `key: value # comment` line: byte range within `line`, after
/// `colon` (the offset just past the colon). A `#` starts a comment only after a space.
fn value_span(line: &str, colon: usize) -> (usize, usize) {
    let bytes = line.as_bytes();
    let mut start = colon;
    while start < bytes.len() && (bytes[start] == b' ' || bytes[start] == b'\t') {
        start += 1;
    }
    let mut end = line.len();
    let mut quote: Option<u8> = None;
    for i in start..bytes.len() {
        match (quote, bytes[i]) {
            (None, b'"' | b'\'') if i == start => quote = Some(bytes[i]),
            (Some(q), b) if b == q => quote = None,
            (None, b'#') if i > start && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    while end > start && (bytes[end - 1] == b' ' || bytes[end - 1] == b'\t') {
        end -= 1;
    }
    (start, end)
}

/// Whether the line after the key's line continues its value (an indented or list line).
fn continues(text: &str, frame: Frame, after_line: usize) -> bool {
    lines(text, after_line, frame.yaml_end)
        .first()
        .is_some_and(|(start, end, _)| {
            let line = &text[*start..*end];
            line.starts_with([' ', '\t', '-']) && !line.trim().is_empty()
        })
}

/// Sets top-level `key` to `value`, a single word ([`yaml::is_word`]) written as
/// [`yaml::scalar`] spells it: only the value on the key's line changes (a comment after
/// it stays); without that key, a line `key: value` is added as the header's last line,
/// with the file's own line end.
pub fn set_scalar(text: &str, key: &str, value: &str) -> std::result::Result<String, EditError> {
    if !yaml::is_word(value) {
        return Err(EditError::BadValue(value.to_string()));
    }
    let value = &yaml::scalar(value);
    let frame = frame(text)?;
    let mut out = String::with_capacity(text.len() + key.len() + value.len() + 4);
    match key_line(text, frame, key) {
        Some((start, end, next, colon)) => {
            let line = &text[start..end];
            let (v_start, v_end) = value_span(line, colon - start);
            if v_start == v_end && continues(text, frame, next) {
                return Err(EditError::Unsupported(key.to_string()));
            }
            out.push_str(&text[..start]);
            out.push_str(&line[..v_start]);
            if v_start == colon - start {
                // `key:` with nothing after the colon: a space first.
                out.push(' ');
            }
            out.push_str(value);
            out.push_str(&text[start + v_end..]);
        }
        None => {
            out.push_str(&text[..frame.yaml_end]);
            out.push_str(&format!("{key}: {value}{}", frame.eol));
            out.push_str(&text[frame.yaml_end..]);
        }
    }
    Ok(out)
}

/// The value of top-level `key` as written on its line (without quotes or comment), if
/// the header has that key.
pub fn scalar(text: &str, key: &str) -> Option<String> {
    let frame = frame(text).ok()?;
    let (start, end, _, colon) = key_line(text, frame, key)?;
    let line = &text[start..end];
    let (v_start, v_end) = value_span(line, colon - start);
    Some(line[v_start..v_end].trim_matches(['"', '\'']).to_string())
}

/// Adds `item`, a single word ([`yaml::is_word`]), to the top-level list `key`, in the
/// style the file already uses: inside a one-line `[a, b]`, as one more `- item` line of a
/// block list, or by turning a single value into `[old, item]`. Without the key, a line
/// `key: [item]` is added at the end of the header. An item already in the list leaves
/// the text unchanged.
pub fn add_to_list(text: &str, key: &str, item: &str) -> std::result::Result<String, EditError> {
    if !yaml::is_word(item) {
        return Err(EditError::BadValue(item.to_string()));
    }
    let written = yaml::scalar(item);
    let frame = frame(text)?;
    let Some((start, end, next, colon)) = key_line(text, frame, key) else {
        let mut out = String::with_capacity(text.len() + key.len() + written.len() + 6);
        out.push_str(&text[..frame.yaml_end]);
        out.push_str(&format!("{key}: [{written}]{}", frame.eol));
        out.push_str(&text[frame.yaml_end..]);
        return Ok(out);
    };
    let line = &text[start..end];
    let (v_start, v_end) = value_span(line, colon - start);
    let value = &line[v_start..v_end];
    let splice = |from: usize, to: usize, with: &str| {
        let mut out = String::with_capacity(text.len() + with.len());
        out.push_str(&text[..from]);
        out.push_str(with);
        out.push_str(&text[to..]);
        out
    };
    if value.is_empty() {
        // A block list: `- a` lines below the key, all with the same indent.
        let items: Vec<(usize, usize, usize)> = lines(text, next, frame.yaml_end)
            .into_iter()
            .take_while(|(s, e, _)| {
                let l = &text[*s..*e];
                l.trim_start().starts_with('-') || l.trim().is_empty()
            })
            .filter(|(s, e, _)| !text[*s..*e].trim().is_empty())
            .collect();
        let Some(&(last_start, last_end, last_next)) = items.last() else {
            // `key:` with nothing at all: a flow list after the colon.
            return Ok(splice(
                start + v_start,
                start + v_end,
                &format!(
                    "{}[{written}]",
                    if v_start == colon - start { " " } else { "" }
                ),
            ));
        };
        let existing: Vec<&str> = items
            .iter()
            .map(|(s, e, _)| {
                text[*s..*e]
                    .trim_start()
                    .trim_start_matches('-')
                    .trim()
                    .trim_matches(['"', '\''])
            })
            .collect();
        if existing.contains(&item) {
            return Ok(text.to_string());
        }
        let last = &text[last_start..last_end];
        let indent = &last[..last.len() - last.trim_start().len()];
        let new_line = format!("{indent}- {written}{}", frame.eol);
        if last_next == last_end {
            // The last item ends the file without a line end: impossible inside a closed
            // header, but kept safe.
            return Err(EditError::Unsupported(key.to_string()));
        }
        return Ok(splice(last_next, last_next, &new_line));
    }
    if let Some(inner) = value.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err(EditError::Unsupported(key.to_string()));
        };
        let existing: Vec<&str> = inner
            .split(',')
            .map(|s| s.trim().trim_matches(['"', '\'']))
            .filter(|s| !s.is_empty())
            .collect();
        if existing.contains(&item) {
            return Ok(text.to_string());
        }
        // Insert before the closing bracket, after the last item.
        let trimmed = inner.trim_end();
        let insert_at = start + v_start + 1 + trimmed.len();
        let with = if existing.is_empty() {
            written.clone()
        } else {
            format!(", {written}")
        };
        return Ok(splice(insert_at, insert_at, &with));
    }
    if value.starts_with(['{', '|', '>', '&', '*', '!']) {
        return Err(EditError::Unsupported(key.to_string()));
    }
    let old = value.trim_matches(['"', '\'']);
    if old == item {
        return Ok(text.to_string());
    }
    Ok(splice(
        start + v_start,
        start + v_end,
        &format!("[{value}, {written}]"),
    ))
}

/// Appends `markdown` to the end of the body, separated by a blank line, in the file's
/// own line ends; everything before stays as it was.
pub fn append_markdown(text: &str, markdown: &str) -> std::result::Result<String, EditError> {
    let frame = frame(text)?;
    let mut out = String::with_capacity(text.len() + markdown.len() + 4);
    out.push_str(text);
    if !out.ends_with('\n') {
        out.push_str(frame.eol);
    }
    out.push_str(frame.eol);
    for line in markdown.trim_end().lines() {
        out.push_str(line.trim_end_matches('\r'));
        out.push_str(frame.eol);
    }
    Ok(out)
}

/// The body's `## ` sections as (heading, whole section text with its heading line).
pub fn sections(body: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut fence = false;
    for line in body.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim_start().starts_with("```") || bare.trim_start().starts_with("~~~") {
            fence = !fence;
        }
        if !fence && let Some(heading) = bare.strip_prefix("## ") {
            out.push((heading.trim().to_string(), line.to_string()));
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}

/// Reads `rel` under `root`, edits it with `change` and writes it back durably (temporary
/// file, flush, rename, flush folder). Returns whether the file changed.
pub fn apply(
    root: &Path,
    rel: &str,
    change: impl FnOnce(&str) -> std::result::Result<String, EditError>,
) -> Result<bool> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("reading", &path, e))?;
    let edited = change(&text).map_err(|e| Error::Edit {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    if edited == text {
        return Ok(false);
    }
    crate::content::durable::replace(&path, edited.as_bytes())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn status_changes_only_its_value() {
        let text = "---\ntitle: A\nstatus: draft\nkind: lesson\n---\nstatus: body\n";
        assert_eq!(
            set_scalar(text, "status", "published").unwrap(),
            "---\ntitle: A\nstatus: published\nkind: lesson\n---\nstatus: body\n"
        );
    }

    #[test]
    fn crlf_bom_quotes_and_comments_survive() {
        let text = "\u{feff}---\r\n# a comment\r\ntitle: \"A: b\"\r\nstatus:   \"review\"   # why\r\n---\r\n\r\nText\r\n";
        assert_eq!(
            set_scalar(text, "status", "archived").unwrap(),
            "\u{feff}---\r\n# a comment\r\ntitle: \"A: b\"\r\nstatus:   archived   # why\r\n---\r\n\r\nText\r\n"
        );
        assert_eq!(scalar(text, "status").as_deref(), Some("review"));
    }

    #[test]
    fn a_missing_key_is_added_at_the_end_of_the_header() {
        let text = "---\r\ntitle: A\r\nkind: lesson\r\n---\r\nBody";
        assert_eq!(
            set_scalar(text, "status", "published").unwrap(),
            "---\r\ntitle: A\r\nkind: lesson\r\nstatus: published\r\n---\r\nBody"
        );
    }

    #[test]
    fn similar_keys_and_body_lines_are_left_alone() {
        let text = "---\nstatuses: x\n  status: nested\nstatus : draft\n---\nstatus: draft\n";
        assert_eq!(
            set_scalar(text, "status", "review").unwrap(),
            "---\nstatuses: x\n  status: nested\nstatus : review\n---\nstatus: draft\n"
        );
    }

    #[test]
    fn no_front_matter_and_odd_values_are_refused() {
        assert_eq!(
            set_scalar("just text\n", "status", "x"),
            Err(EditError::NoFrontMatter)
        );
        assert_eq!(
            set_scalar("---\ntitle: a\n", "status", "x"),
            Err(EditError::NoFrontMatter)
        );
        assert!(matches!(
            set_scalar("---\na: b\n---\n", "status", "x: y"),
            Err(EditError::BadValue(_))
        ));
        assert!(matches!(
            set_scalar("---\nstatus:\n  - a\n---\n", "status", "x"),
            Err(EditError::Unsupported(_))
        ));
    }

    #[test]
    fn list_items_are_added_in_the_file_style() {
        assert_eq!(
            add_to_list("---\naliases: [a, b] # old\n---\n", "aliases", "c").unwrap(),
            "---\naliases: [a, b, c] # old\n---\n"
        );
        assert_eq!(
            add_to_list("---\naliases: []\n---\n", "aliases", "c").unwrap(),
            "---\naliases: [c]\n---\n"
        );
        assert_eq!(
            add_to_list(
                "---\r\naliases:\r\n  - a\r\ntitle: T\r\n---\r\n",
                "aliases",
                "c"
            )
            .unwrap(),
            "---\r\naliases:\r\n  - a\r\n  - c\r\ntitle: T\r\n---\r\n"
        );
        assert_eq!(
            add_to_list("---\naliases: a\n---\n", "aliases", "c").unwrap(),
            "---\naliases: [a, c]\n---\n"
        );
        assert_eq!(
            add_to_list("---\ntitle: T\n---\n", "aliases", "old/x").unwrap(),
            "---\ntitle: T\naliases: [old/x]\n---\n"
        );
        let same = "---\naliases: [a, c]\n---\n";
        assert_eq!(add_to_list(same, "aliases", "c").unwrap(), same);
    }

    #[test]
    fn words_yaml_would_retype_are_quoted() {
        let text = "---\ntitle: T\nkind: lesson\naliases: [a]\n---\n";
        let edited = set_scalar(text, "duplicate_of", "2024-05-02-cab").unwrap();
        assert_eq!(
            edited,
            "---\ntitle: T\nkind: lesson\naliases: [a]\nduplicate_of: \"2024-05-02-cab\"\n---\n"
        );
        assert_eq!(
            scalar(&edited, "duplicate_of").as_deref(),
            Some("2024-05-02-cab")
        );
        let edited = add_to_list(&edited, "aliases", "365").unwrap();
        assert!(edited.contains("aliases: [a, \"365\"]\n"));
        assert_eq!(add_to_list(&edited, "aliases", "365").unwrap(), edited);
        assert_eq!(parsed_aliases(&edited), ["a", "365"]);
        assert!(matches!(
            add_to_list(text, "aliases", "a,b"),
            Err(EditError::BadValue(_))
        ));
    }

    #[test]
    fn appended_sections_use_the_file_line_ends() {
        let text = "---\r\ntitle: T\r\n---\r\n## A\r\n\r\nx\r\n";
        assert_eq!(
            append_markdown(text, "## B\n\ny\n").unwrap(),
            "---\r\ntitle: T\r\n---\r\n## A\r\n\r\nx\r\n\r\n## B\r\n\r\ny\r\n"
        );
        let parts = sections("intro\n## A\n\nx\n```\n## not\n```\n## B\ny");
        let names: Vec<&str> = parts.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(parts[0].1, "## A\n\nx\n```\n## not\n```\n");
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z_]{1,8}: [a-zA-Z0-9 #:\"'\\[\\],-]{0,20}",
            "  - [a-z]{0,6}",
            "# [a-z ]{0,10}",
            Just(String::new()),
            Just("status: draft".to_string()),
        ]
    }

    /// The aliases of a write-up's text, as the real parser reads them.
    fn parsed_aliases(text: &str) -> Vec<String> {
        let text = text
            .strip_prefix('\u{feff}')
            .unwrap_or(text)
            .replace("\r\n", "\n");
        let split = crate::content::front_matter::split("x.md", &text).expect("a header");
        let (front, diagnostics) = crate::content::front_matter::parse("x.md", &split);
        let front = front.unwrap_or_else(|| panic!("{diagnostics:?}\n{text}"));
        front.aliases
    }

    proptest! {
        /// Adding an alias in any of the list styles keeps the old ones, adds the new one
        /// once, and leaves a header the real parser reads.
        #[test]
        fn added_aliases_parse_back(
            existing in proptest::collection::vec("[a-z]{1,6}(/[a-z]{1,6})?", 0..4),
            style in 0..4u8,
            crlf in any::<bool>(),
            item in "[a-z]{1,6}/[a-z]{1,6}",
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let aliases = match (style, existing.len()) {
                (_, 0) | (0, _) => String::new(),
                (1, _) => format!("aliases: [{}]{eol}", existing.join(", ")),
                (2, _) => format!("aliases:{eol}{}", existing.iter().map(|a| format!("  - {a}{eol}")).collect::<String>()),
                _ => format!("aliases: {}{eol}", existing[0]),
            };
            let text = format!("---{eol}title: T{eol}{aliases}kind: lesson{eol}---{eol}Body{eol}");
            let before = parsed_aliases(&text);
            let edited = add_to_list(&text, "aliases", &item).expect("added");
            let after = parsed_aliases(&edited);
            let mut wanted = before.clone();
            if !wanted.contains(&item) {
                wanted.push(item.clone());
            }
            prop_assert_eq!(after, wanted);
            let tail = format!("---{eol}Body{eol}");
            prop_assert!(edited.ends_with(&tail));
        }

        /// Whatever the header holds, setting `status` changes only the status line (or
        /// adds one line), keeps BOM and line ends, and reads back.
        #[test]
        fn set_status_touches_one_line(
            header in proptest::collection::vec(line(), 0..8),
            body in "[a-z \n#:-]{0,40}",
            crlf in any::<bool>(),
            bom in any::<bool>(),
            value in prop_oneof![Just("draft"), Just("review"), Just("published"), Just("archived")],
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if bom { text.push('\u{feff}'); }
            text.push_str("---");
            text.push_str(eol);
            for l in &header { text.push_str(l); text.push_str(eol); }
            text.push_str("---");
            text.push_str(eol);
            text.push_str(&body.replace('\n', eol));
            let Ok(edited) = set_scalar(&text, "status", value) else {
                // Refused only when the status value continues on the next lines.
                prop_assert!(header.iter().any(|l| l.starts_with("status:")));
                return Ok(());
            };
            prop_assert_eq!(edited.starts_with('\u{feff}'), bom);
            let read_back = scalar(&edited, "status");
            prop_assert_eq!(read_back.as_deref(), Some(value));
            let before: Vec<&str> = text.split(eol).collect();
            let after: Vec<&str> = edited.split(eol).collect();
            if after.len() == before.len() {
                let changed: Vec<usize> = (0..before.len()).filter(|&i| before[i] != after[i]).collect();
                prop_assert!(changed.len() <= 1, "{:?}", changed);
                for i in changed {
                    prop_assert!(after[i].starts_with("status"));
                }
            } else {
                prop_assert_eq!(after.len(), before.len() + 1);
                let added = 1 + header.len();
                prop_assert_eq!(after[added], format!("status: {value}"));
                let mut rest = after.clone();
                rest.remove(added);
                prop_assert_eq!(rest, before);
            }
            if crlf {
                prop_assert_eq!(edited.matches("\r\n").count(), edited.matches('\n').count());
            }
        }
    }
}
