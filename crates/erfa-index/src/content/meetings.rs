//! The group's meetings (`content/_meetings.yaml`): the list a write-up's `meeting` names
//! one of.
//!
//! Without the file any `meeting` value is accepted. With it, a write-up that names a
//! meeting outside the list is an error for `erfa check` (with the closest ids as a
//! hint), and pages show each meeting by its title and date. The index keeps only the
//! id, so an edit of the list takes effect without a rebuild, and a mistake in the list
//! never takes a write-up out of search (docs/FORMAT.md).

use std::path::Path;

use serde::Deserialize;
use serde_yaml_ng::Value;

use crate::content::data_file;
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::document::Document;
use crate::content::front_matter::Date;
use crate::content::vocab;

/// The meetings list's file name in the content folder.
pub const FILE_NAME: &str = "_meetings.yaml";

/// The longest meeting id.
pub const MAX_ID: usize = 40;

/// The longest title, place or theme.
pub const MAX_TEXT: usize = 200;

/// One meeting of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// What write-ups write in `meeting:`, e.g. `2024-Q3`.
    pub id: String,
    /// The day it is held.
    pub date: Date,
    /// Where.
    pub place: String,
    /// Its name, e.g. "Netværksmøde 3/2024".
    pub title: String,
    /// Its theme, if it has one.
    pub theme: Option<String>,
}

/// The list, ordered by date (oldest first), ids unique.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meetings {
    list: Vec<Meeting>,
}

/// The list as read, with its diagnostics (paths relative to the content root).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// The valid meetings; `None` when the content folder has no list.
    pub meetings: Option<Meetings>,
    /// Errors about the file.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    meetings: Vec<Value>,
}

const KEYS: &[&str] = &["id", "date", "place", "title", "theme"];

impl Meetings {
    /// Reads `content/_meetings.yaml`; a missing file is no list.
    pub fn load(content: &Path) -> Loaded {
        match data_file::read(content, FILE_NAME) {
            Ok(Some(text)) => Self::parse(&text),
            Ok(None) => Loaded::default(),
            Err(d) => Loaded {
                meetings: None,
                diagnostics: vec![d],
            },
        }
    }

    /// Parses the list's text. Invalid entries are reported and left out; the others
    /// are kept. A file that does not parse is an empty list, so that no meeting
    /// value passes unchecked.
    pub fn parse(text: &str) -> Loaded {
        let mut out = Loaded {
            meetings: Some(Meetings::default()),
            diagnostics: Vec::new(),
        };
        let file: File = match serde_yaml_ng::from_str(text) {
            Ok(file) => file,
            Err(e) => {
                out.diagnostics.push(data_file::yaml_error(
                    Code::MeetingsBadYaml,
                    FILE_NAME,
                    &e,
                    "the meetings list does not parse",
                    "write `meetings:` followed by `- id: 2024-Q3` with `date`, `place` and `title` lines",
                ));
                return out;
            }
        };
        let item_lines = data_file::item_lines(text);
        let mut list: Vec<Meeting> = Vec::new();
        for (i, value) in file.meetings.iter().enumerate() {
            let line = item_lines.get(i).copied().unwrap_or(1);
            match entry(value) {
                Ok(meeting) => {
                    if list.iter().any(|m| m.id == meeting.id) {
                        out.diagnostics.push(
                            Diagnostic::new(
                                Code::MeetingsDuplicateId,
                                FILE_NAME,
                                line,
                                1,
                                format!("meeting `{}` is listed twice", meeting.id),
                            )
                            .with_hint("give each meeting its own id; the first one counts"),
                        );
                    } else {
                        list.push(meeting);
                    }
                }
                Err((message, hint)) => out.diagnostics.push(
                    Diagnostic::new(Code::MeetingsBadEntry, FILE_NAME, line, 1, message)
                        .with_hint(hint),
                ),
            }
        }
        list.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
        out.meetings = Some(Meetings { list });
        out
    }

    /// A list of these meetings, in any order.
    pub fn new(mut list: Vec<Meeting>) -> Meetings {
        list.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
        list.dedup_by(|a, b| a.id == b.id);
        Meetings { list }
    }

    /// Every meeting, oldest first.
    pub fn all(&self) -> &[Meeting] {
        &self.list
    }

    /// The meeting with this id.
    pub fn get(&self, id: &str) -> Option<&Meeting> {
        self.list.iter().find(|m| m.id == id)
    }

    /// The first meeting on or after `day`: the next one.
    pub fn next_from(&self, day: Date) -> Option<&Meeting> {
        self.list.iter().find(|m| m.date >= day)
    }

    /// The last meeting before `day`.
    pub fn last_before(&self, day: Date) -> Option<&Meeting> {
        self.list.iter().rev().find(|m| m.date < day)
    }

    /// The ids closest to `input`, for a did-you-mean hint.
    pub fn closest(&self, input: &str) -> Vec<&str> {
        if let Some(m) = self.list.iter().find(|m| m.id.eq_ignore_ascii_case(input)) {
            return vec![m.id.as_str()];
        }
        vocab::closest(input, self.list.iter().map(|m| m.id.as_str()))
    }

    /// An error for each write-up whose `meeting` is not in the list, at the line of
    /// its `meeting:` key (read from `root`).
    pub fn unknown_in(&self, root: &Path, documents: &[Document]) -> Vec<Diagnostic> {
        documents
            .iter()
            .filter_map(|doc| {
                let id = doc.front.meeting.as_deref()?;
                if self.get(id).is_some() {
                    return None;
                }
                let line = std::fs::read_to_string(root.join(&doc.path))
                    .ok()
                    .and_then(|text| {
                        text.lines()
                            .take(doc.markdown_line.max(1))
                            .position(|l| l.starts_with("meeting:"))
                    })
                    .map_or(1, |i| i + 1);
                Some(self.unknown(&doc.path, line, id))
            })
            .collect()
    }

    /// The error for an unknown meeting `id` in the file at `path`.
    pub fn unknown(&self, path: &str, line: usize, id: &str) -> Diagnostic {
        let close = self.closest(id);
        let hint = if close.is_empty() {
            format!("use an id from {FILE_NAME}, or add the meeting there")
        } else {
            format!(
                "did you mean {}? The ids are in {FILE_NAME}",
                vocab::join_expected(close.into_iter())
            )
        };
        Diagnostic::new(
            Code::UnknownMeeting,
            path,
            line,
            1,
            format!("unknown meeting `{id}`"),
        )
        .with_hint(hint)
    }
}

/// One entry of the file, or what is wrong with it (message, hint).
fn entry(value: &Value) -> Result<Meeting, (String, String)> {
    let Value::Mapping(map) = value else {
        return Err((
            "a meeting is a set of `id`, `date`, `place` and `title` lines".into(),
            "start each meeting with `- id: …`".into(),
        ));
    };
    for key in map.keys() {
        let key = key.as_str().unwrap_or_default();
        if !KEYS.contains(&key) {
            return Err((
                format!("unknown key `{key}` in a meeting"),
                format!(
                    "a meeting has {}",
                    vocab::join_expected(KEYS.iter().copied())
                ),
            ));
        }
    }
    let text = |key: &str, needed: bool| -> Result<Option<String>, (String, String)> {
        let value = match map.get(key) {
            None | Some(Value::Null) if needed => {
                return Err((
                    format!("a meeting needs `{key}`"),
                    format!("add a `{key}:` line to the meeting"),
                ));
            }
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => {
                return Err((
                    format!("`{key}` of a meeting must be text"),
                    format!("write `{key}:` followed by text on one line"),
                ));
            }
        };
        if value.is_empty() && needed {
            return Err((
                format!("`{key}` of a meeting is empty"),
                format!("write something after `{key}:`"),
            ));
        }
        if value.chars().count() > MAX_TEXT || value.contains(['\n', '\r']) {
            return Err((
                format!("`{key}` of a meeting is too long"),
                format!("keep `{key}` to one line of at most {MAX_TEXT} characters"),
            ));
        }
        Ok(Some(value))
    };
    let id = text("id", true)?.unwrap_or_default();
    if id.len() > MAX_ID
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err((
            format!("meeting id `{id}` is not a plain name"),
            format!("use letters a–z, digits, `-`, `_` and `.` (at most {MAX_ID}), e.g. `2024-Q3`"),
        ));
    }
    let date_text = text("date", true)?.unwrap_or_default();
    let Some(date) = Date::parse(&date_text) else {
        return Err((
            format!("meeting `{id}` has no real date: `{date_text}`"),
            "write the day as YYYY-MM-DD, e.g. `date: 2024-09-12`".into(),
        ));
    };
    Ok(Meeting {
        id,
        date,
        place: text("place", true)?.unwrap_or_default(),
        title: text("title", true)?.unwrap_or_default(),
        theme: text("theme", false)?.filter(|t| !t.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "meetings:
  - id: 2024-Q3
    date: 2024-09-12
    place: Aarhus
    title: Netværksmøde 3/2024
  - id: 2024-Q2
    date: 2024-06-06
    place: København
    title: Netværksmøde 2/2024
    theme: Problem management
";

    fn list() -> Meetings {
        let loaded = Meetings::parse(LIST);
        assert_eq!(loaded.diagnostics, []);
        loaded.meetings.expect("a list")
    }

    #[test]
    fn a_list_reads_in_date_order_with_its_theme() {
        let meetings = list();
        let ids: Vec<&str> = meetings.all().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["2024-Q2", "2024-Q3"]);
        let q2 = meetings.get("2024-Q2").expect("listed");
        assert_eq!(q2.theme.as_deref(), Some("Problem management"));
        assert_eq!(q2.place, "København");
        assert_eq!(q2.date.to_string(), "2024-06-06");
    }

    #[test]
    fn next_and_last_follow_the_dates() {
        let meetings = list();
        let day = |s: &str| Date::parse(s).expect("date");
        assert_eq!(
            meetings.next_from(day("2024-06-06")).map(|m| m.id.as_str()),
            Some("2024-Q2")
        );
        assert_eq!(
            meetings.next_from(day("2024-06-07")).map(|m| m.id.as_str()),
            Some("2024-Q3")
        );
        assert_eq!(meetings.next_from(day("2024-09-13")), None);
        assert_eq!(
            meetings
                .last_before(day("2024-09-12"))
                .map(|m| m.id.as_str()),
            Some("2024-Q2")
        );
        assert_eq!(meetings.last_before(day("2024-06-06")), None);
    }

    #[test]
    fn bad_entries_are_reported_and_left_out() {
        let text = "meetings:
  - id: 2024-Q1
    date: 2024-02-30
    place: Odense
    title: A
  - id: efterår 2024
    date: 2024-10-01
    place: Odense
    title: B
  - id: 2024-Q4
    date: 2024-12-05
    title: C
  - id: 2025-Q1
    date: 2025-03-06
    place: Vejle
    title: D
    room: 12
  - id: 2025-Q2
    date: 2025-06-05
    place: Vejle
    title: E
  - id: 2025-Q2
    date: 2025-06-12
    place: Vejle
    title: F
";
        let loaded = Meetings::parse(text);
        let lines: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "_meetings.yaml:2:1: error: meeting `2024-Q1` has no real date: `2024-02-30` (write the day as YYYY-MM-DD, e.g. `date: 2024-09-12`)",
                "_meetings.yaml:6:1: error: meeting id `efterår 2024` is not a plain name (use letters a–z, digits, `-`, `_` and `.` (at most 40), e.g. `2024-Q3`)",
                "_meetings.yaml:10:1: error: a meeting needs `place` (add a `place:` line to the meeting)",
                "_meetings.yaml:13:1: error: unknown key `room` in a meeting (a meeting has `id`, `date`, `place`, `title` or `theme`)",
                "_meetings.yaml:22:1: error: meeting `2025-Q2` is listed twice (give each meeting its own id; the first one counts)",
            ]
        );
        let meetings = loaded.meetings.expect("a list");
        let titles: Vec<&str> = meetings.all().iter().map(|m| m.title.as_str()).collect();
        assert_eq!(titles, ["E"]);
    }

    #[test]
    fn a_list_that_does_not_parse_is_an_empty_list_and_an_error() {
        let loaded = Meetings::parse("meetings: [\n");
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].code, Code::MeetingsBadYaml);
        assert_eq!(loaded.meetings, Some(Meetings::default()));
        let loaded = Meetings::parse("meeting:\n  - id: x\n");
        assert_eq!(loaded.diagnostics[0].code, Code::MeetingsBadYaml);
    }

    #[test]
    fn no_file_is_no_list() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(Meetings::load(dir.path()), Loaded::default());
    }

    #[test]
    fn an_unknown_meeting_is_an_error_at_its_line_with_the_closest_ids() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, meeting: &str| {
            let text = format!(
                "---\ntitle: T {name}\nkind: practice\ndate: 2024-01-01\n{meeting}---\nBody text.\n"
            );
            std::fs::write(dir.path().join(name), &text).expect("write");
            Document::parse(name, &text).document.expect("valid")
        };
        let docs = [
            write("a.md", "meeting: 2024-Q3\n"),
            write("b.md", "meeting: 2024-q3\n"),
            write("c.md", "meeting: efterår 2024\n"),
            write("d.md", ""),
        ];
        let lines: Vec<String> = list()
            .unknown_in(dir.path(), &docs)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            lines,
            [
                "b.md:5:1: error: unknown meeting `2024-q3` (did you mean `2024-Q3`? The ids are in _meetings.yaml)",
                "c.md:5:1: error: unknown meeting `efterår 2024` (use an id from _meetings.yaml, or add the meeting there)",
            ]
        );
    }

    #[test]
    fn the_shipped_list_names_every_meeting_the_shipped_write_ups_name() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
        let loaded = Meetings::load(&content);
        assert_eq!(loaded.diagnostics, []);
        let meetings = loaded.meetings.expect("the shipped content has a list");
        let check = crate::content::catalog::check(&content).expect("check");
        assert_eq!(meetings.unknown_in(&content, &check.documents), []);
        assert!(check.documents.iter().any(|d| d.front.meeting.is_some()));
    }
}
