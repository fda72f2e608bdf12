//! Split the YAML header off a write-up and turn it into a checked [`FrontMatter`].
//!
//! Parsing goes through a generic YAML value first and checks each key by hand, so that
//! every problem is reported (not just the first), single values are accepted where lists
//! are expected, numbers in free-text lists are read as text, and each message points at
//! the line of its key.

use serde::{Deserialize, Serialize};
use serde_yaml_ng::Value;

use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::vocab::{
    self, Confidence, Impact, Kind, Language, OrgSize, Sector, Status, Visibility,
};

/// The largest front matter accepted. Real headers are well under 4 KiB; the cap keeps a
/// hostile file from costing the parser time and memory.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Every key the format knows, for unknown-key warnings and their "did you mean".
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "kind",
    "practices",
    "tags",
    "language",
    "date",
    "authors",
    "organisation",
    "sector",
    "org_size",
    "tools",
    "status",
    "visibility",
    "meeting",
    "source",
    "confidence",
    "published",
    "review_after",
    "translation_of",
    "related",
    "supersedes",
    "duplicate_of",
    "aliases",
    "references",
    "contact_ok",
    "impact",
];

/// A calendar date from front matter (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2022.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

impl Date {
    /// The calendar date `days` after 1970-01-01 (proleptic Gregorian; Howard Hinnant's
    /// `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// Today (UTC), from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// Parses `YYYY-MM-DD` with a real calendar day; anything else is `None`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year: u16 = text[0..4].parse().ok()?;
        let month: u8 = text[5..7].parse().ok()?;
        let day: u8 = text[8..10].parse().ok()?;
        if !text[0..4].bytes().all(|b| b.is_ascii_digit())
            || !text[5..7].bytes().all(|b| b.is_ascii_digit())
            || !text[8..10].bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1900 && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }

    /// Days since 0000-03-01 in the proleptic Gregorian calendar: a sort key.
    pub fn ordinal(self) -> u32 {
        let (y, m) = if self.month <= 2 {
            (u32::from(self.year) - 1, u32::from(self.month) + 12)
        } else {
            (u32::from(self.year), u32::from(self.month))
        };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + u32::from(self.day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD"))
    }
}

/// The checked header of a write-up. Defaults are applied: `status: published`,
/// `visibility: members`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontMatter {
    /// Title, required.
    pub title: String,
    /// One-sentence summary.
    pub summary: Option<String>,
    /// lesson | mistake | practice, required.
    pub kind: Kind,
    /// ITIL 4 practice slugs.
    pub practices: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Language as written in the file; `None` means detect it.
    pub language: Option<Language>,
    /// When it happened or was presented.
    pub date: Option<Date>,
    /// Authors; empty means shared anonymously.
    pub authors: Vec<String>,
    /// The organisation, members only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// public | private | non-profit.
    pub sector: Option<Sector>,
    /// People in IT.
    pub org_size: Option<OrgSize>,
    /// ITSM tools involved.
    pub tools: Vec<String>,
    /// draft | review | published | archived.
    pub status: Status,
    /// members | public.
    pub visibility: Visibility,
    /// The meeting where it was presented, e.g. `2022-Q1`.
    pub meeting: Option<String>,
    /// Where it was first published.
    pub source: Option<String>,
    /// wip | not-validated | validated.
    pub confidence: Option<Confidence>,
    /// When the facilitator should look at it again.
    pub review_after: Option<Date>,
    /// When it was first published in erfa (written when the facilitator publishes it);
    /// `date` says when it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// Slug of the same write-up in the other language.
    pub translation_of: Option<String>,
    /// Slugs of related write-ups.
    pub related: Vec<String>,
    /// Slugs this write-up replaces.
    pub supersedes: Vec<String>,
    /// Slug of the write-up this one duplicates.
    pub duplicate_of: Option<String>,
    /// Old slugs that redirect here.
    pub aliases: Vec<String>,
    /// Links and literature.
    pub references: Vec<String>,
    /// Whether members may contact the authors.
    pub contact_ok: Option<bool>,
    /// low | medium | high.
    pub impact: Option<Impact>,
}

/// A write-up split into its front matter and Markdown body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines.
    pub yaml: &'a str,
    /// The line (1-based) of the file where `yaml` starts.
    pub yaml_line: usize,
    /// The Markdown after the closing line.
    pub body: &'a str,
    /// The line (1-based) of the file where `body` starts.
    pub body_line: usize,
}

fn is_fence(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches(['\r', ' ', '\t']);
    line == "---" || (closing && line == "...")
}

/// Splits `text` (already without a BOM) into front matter and body.
///
/// The header starts with a `---` line on the first line and ends with the next `---` (or
/// `...`) line.
pub fn split<'a>(path: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end], false) {
        return Err(Diagnostic::new(Code::MissingFrontMatter, path, 1, 1, "missing front matter")
            .with_hint("a write-up starts with a line `---`, then `title:` and `kind:`, then a closing `---`"));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line_no = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end], true) {
            let yaml = &text[yaml_start..offset];
            if yaml.len() > MAX_FRONT_MATTER_BYTES {
                return Err(Diagnostic::new(
                    Code::FrontMatterTooLong,
                    path,
                    2,
                    1,
                    format!(
                        "front matter is {} KiB; at most {} KiB is accepted",
                        yaml.len() / 1024,
                        MAX_FRONT_MATTER_BYTES / 1024
                    ),
                )
                .with_hint("move long text into the body, below the closing `---`"));
            }
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        if offset - yaml_start > MAX_FRONT_MATTER_BYTES {
            break;
        }
        offset = end + 1;
        line_no += 1;
    }
    if text.len() - yaml_start > MAX_FRONT_MATTER_BYTES {
        // Either the header is far too long or it is never closed: both are stopped here,
        // before the YAML parser sees megabytes.
        return Err(Diagnostic::new(
            Code::FrontMatterTooLong,
            path,
            1,
            1,
            format!(
                "front matter too long: no closing `---` line within the first {} KiB",
                MAX_FRONT_MATTER_BYTES / 1024
            ),
        )
        .with_hint("end the header with a line `---`, and move long text into the body"));
    }
    Err(Diagnostic::new(
        Code::UnclosedFrontMatter,
        path,
        1,
        1,
        "unclosed front matter: no closing `---` line",
    )
    .with_hint("end the header with a line `---` before the first section"))
}

/// Finds the lines of top-level `key:` in `yaml`: (0-based line, column of the value).
fn key_positions(yaml: &str, key: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let rest = line
            .strip_prefix(key)
            .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| line.strip_prefix(&format!("'{key}'")));
        if let Some(rest) = rest {
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if let Some(after) = trimmed.strip_prefix(':') {
                let value_offset = line.len() - after.trim_start().len();
                let column = line[..value_offset].chars().count() + 1;
                out.push((i, column));
            }
        }
    }
    out
}

/// Finds the first line of top-level `key:` in `yaml`: (0-based line, column of the value).
fn key_position(yaml: &str, key: &str) -> Option<(usize, usize)> {
    key_positions(yaml, key).first().copied()
}

/// Parses the YAML of a split header into a checked [`FrontMatter`].
///
/// Returns the front matter when there is no error, plus every diagnostic found. Line
/// numbers are lines of the file.
pub fn parse(path: &str, split: &Split<'_>) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let mut checker = Checker {
        path,
        yaml: split.yaml,
        base_line: split.yaml_line,
        diagnostics: Vec::new(),
    };
    let value: Value = if split.yaml.trim().is_empty() {
        Value::Null
    } else {
        match serde_yaml_ng::from_str(split.yaml) {
            Ok(value) => value,
            Err(err) => return (None, vec![yaml_error(path, split, &err)]),
        }
    };
    let map = match value {
        Value::Mapping(map) => map,
        Value::Null => serde_yaml_ng::Mapping::new(),
        _ => {
            checker.error_at(
                Code::NotAMapping,
                0,
                1,
                "front matter must be `key: value` lines",
                Some("start each line with a key such as `title:`"),
            );
            return (None, checker.diagnostics);
        }
    };
    let front = checker.check(map);
    (front, checker.diagnostics)
}

/// The diagnostic for YAML that does not parse, at the file's line.
///
/// libyaml's messages read "problem at line L column C, context at line L column C"; the
/// positions are of the YAML text, so they are dropped from the message and the context's
/// line is given again as a line of the file.
fn yaml_error(path: &str, split: &Split<'_>, err: &serde_yaml_ng::Error) -> Diagnostic {
    let (mut line, mut column) = err
        .location()
        .map_or((1, 1), |loc| (loc.line(), loc.column()));
    let raw = err.to_string();
    let (problem, context) = match raw.find(", while ") {
        Some(i) => (&raw[..i], Some(&raw[i + ", ".len()..])),
        None => (raw.as_str(), None),
    };
    let mut message = strip_position(problem).trim_end_matches('.').to_string();
    let mut context_line = None;
    if let Some(context) = context {
        let (text, position) = match context.find(" at line ") {
            Some(i) => (&context[..i], Some(&context[i + " at line ".len()..])),
            None => (context, None),
        };
        context_line = position
            .and_then(|p| p.split_whitespace().next())
            .and_then(|n| n.parse::<usize>().ok());
        message.push_str(", ");
        message.push_str(text);
        if let Some(l) = context_line {
            message.push_str(&format!(" that starts on line {}", split.yaml_line + l - 1));
        }
    }
    let mut hint = None;
    let mut code = Code::BadYaml;
    if let Some(key) = message
        .strip_prefix("duplicate entry with key ")
        .map(|k| k.trim_matches('"').to_string())
    {
        message = format!("duplicate key `{key}`");
        code = Code::DuplicateKey;
        hint = Some("each key may appear once; remove or merge the repeated line".to_string());
        // serde_yaml points at the mapping; the repeated line is where to look.
        if let Some(&(second, _)) = key_positions(split.yaml, &key).get(1) {
            (line, column) = (second + 1, 1);
        }
    }
    let yaml_line = split.yaml.lines().nth(line.saturating_sub(1)).unwrap_or("");
    if hint.is_none() {
        hint = if yaml_line.starts_with('\t')
            || (yaml_line.starts_with(' ') && yaml_line.trim_start_matches(' ').starts_with('\t'))
        {
            Some("indent with spaces, not tabs".to_string())
        } else if message.contains("recursion limit") || message.contains("repetition limit") {
            Some("front matter is nested or aliased too deeply; write plain values".to_string())
        } else if message.contains("mapping values are not allowed") {
            Some("put text that contains `: ` in quotes".to_string())
        } else if message.contains("quoted scalar") {
            Some(match context_line {
                Some(l) => format!("close the quote opened on line {}", split.yaml_line + l - 1),
                None => "close the quote".to_string(),
            })
        } else if message.contains("flow sequence") || message.contains("flow mapping") {
            Some(match context_line {
                Some(l) => format!(
                    "close the `[` or `{{` opened on line {}",
                    split.yaml_line + l - 1
                ),
                None => "close the `[` or `{`".to_string(),
            })
        } else {
            None
        };
    }
    let diagnostic = Diagnostic::new(
        code,
        path,
        split.yaml_line + line.saturating_sub(1),
        column,
        format!("front matter does not parse: {message}"),
    );
    match hint {
        Some(h) => diagnostic.with_hint(h),
        None => diagnostic,
    }
}

/// `text` without a trailing " at line N column M" or " at position N".
fn strip_position(text: &str) -> &str {
    match text
        .find(" at line ")
        .or_else(|| text.find(" at position "))
    {
        Some(i) => &text[..i],
        None => text,
    }
}

struct Checker<'a> {
    path: &'a str,
    yaml: &'a str,
    base_line: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn position(&self, key: &str) -> (usize, usize) {
        key_position(self.yaml, key).unwrap_or((0, 1))
    }

    fn error_at(
        &mut self,
        code: Code,
        yaml_line: usize,
        column: usize,
        message: &str,
        hint: Option<&str>,
    ) {
        let d = Diagnostic::new(code, self.path, self.base_line + yaml_line, column, message);
        self.diagnostics.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    fn error(&mut self, code: Code, key: &str, message: String, hint: Option<String>) {
        let (line, column) = self.position(key);
        let d = Diagnostic::new(code, self.path, self.base_line + line, column, message);
        self.diagnostics.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    fn warning(&mut self, code: Code, key: &str, message: String, hint: Option<String>) {
        let (line, _) = self.position(key);
        let d = Diagnostic::new(code, self.path, self.base_line + line, 1, message);
        self.diagnostics.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    /// A scalar read as text: strings, and numbers and booleans as written.
    fn scalar_text(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn type_name(value: &Value) -> &'static str {
        match value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "text",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
            Value::Tagged(_) => "a tagged value",
        }
    }

    fn text(&mut self, key: &str, value: Option<Value>) -> Option<String> {
        let value = value?;
        if value.is_null() {
            return None;
        }
        match Self::scalar_text(&value) {
            Some(text) => {
                let text = text.trim().to_string();
                (!text.is_empty()).then_some(text)
            }
            None => {
                self.error(
                    Code::WrongType,
                    key,
                    format!("`{key}` must be text, found {}", Self::type_name(&value)),
                    None,
                );
                None
            }
        }
    }

    fn list(&mut self, key: &str, value: Option<Value>) -> Vec<String> {
        let Some(value) = value else {
            return Vec::new();
        };
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Sequence(items) => items,
            other if Self::scalar_text(&other).is_none() => {
                self.error(
                    Code::WrongType,
                    key,
                    format!(
                        "`{key}` must be a list of text values, found {}",
                        Self::type_name(&other)
                    ),
                    Some(format!("write `{key}: [first, second]`")),
                );
                return Vec::new();
            }
            other => vec![other],
        };
        let mut out = Vec::new();
        for item in items {
            match Self::scalar_text(&item) {
                Some(text) => {
                    let text = text.trim().to_string();
                    if !text.is_empty() && !out.contains(&text) {
                        out.push(text);
                    }
                }
                None => {
                    if !item.is_null() {
                        self.error(
                            Code::WrongType,
                            key,
                            format!(
                                "`{key}` must be a list of text values, found {} in it",
                                Self::type_name(&item)
                            ),
                            Some(format!("write `{key}: [first, second]`")),
                        );
                    }
                }
            }
        }
        out
    }

    fn closed<T: Copy>(
        &mut self,
        key: &str,
        value: Option<Value>,
        parse: fn(&str) -> Option<T>,
        expected: String,
        candidates: &[&'static str],
    ) -> Option<T> {
        let text = self.text(key, value)?;
        match parse(&text) {
            Some(v) => Some(v),
            None => {
                let lower = text.to_lowercase();
                let hint = if parse(&lower).is_some() {
                    Some(format!("values are lower-case: write `{lower}`"))
                } else {
                    vocab::closest_value(key, &text, candidates)
                        .map(|c| format!("did you mean `{c}`?"))
                };
                self.error(
                    Code::BadValue,
                    key,
                    format!("`{key}: {text}` is not allowed; expected {expected}"),
                    hint,
                );
                None
            }
        }
    }

    fn date(&mut self, key: &str, value: Option<Value>) -> Option<Date> {
        let text = self.text(key, value)?;
        match Date::parse(&text) {
            Some(d) => Some(d),
            None => {
                self.error(
                    Code::BadDate,
                    key,
                    format!("`{key}: {text}` is not a date"),
                    Some("expected `YYYY-MM-DD`, e.g. `2022-03-10`".to_string()),
                );
                None
            }
        }
    }

    /// The front matter's fields by key; unknown keys are warned about and left out.
    fn known_fields(
        &mut self,
        map: serde_yaml_ng::Mapping,
    ) -> std::collections::BTreeMap<String, Value> {
        let mut fields: std::collections::BTreeMap<String, Value> = Default::default();
        for (key, value) in map {
            let Some(key) = Self::scalar_text(&key) else {
                self.error_at(
                    Code::BadKey,
                    0,
                    1,
                    "front matter keys must be plain words",
                    None,
                );
                continue;
            };
            if KNOWN_KEYS.contains(&key.as_str()) {
                fields.insert(key, value);
            } else {
                let hint = vocab::closest(&key, KNOWN_KEYS.iter().copied())
                    .first()
                    .map(|c| format!("did you mean `{c}`?"));
                self.warning(
                    Code::UnknownField,
                    &key,
                    format!("unknown field `{key}`"),
                    hint,
                );
            }
        }
        fields
    }

    /// The two fields every write-up needs.
    fn title_and_kind(
        &mut self,
        title_value: Option<Value>,
        kind_value: Option<Value>,
    ) -> (Option<String>, Option<Kind>) {
        // A title of the wrong type has its own error; "missing" would say it twice.
        let title_wrong_type = title_value
            .as_ref()
            .is_some_and(|v| !v.is_null() && Self::scalar_text(v).is_none());
        let title = self.text("title", title_value);
        if title.is_none() && !title_wrong_type {
            self.error(
                Code::MissingTitle,
                "title",
                "missing `title`".to_string(),
                Some("add a line `title: …` to the front matter".to_string()),
            );
        }
        let kind_missing = kind_value.as_ref().is_none_or(Value::is_null);
        let kind = self.closed(
            "kind",
            kind_value,
            Kind::parse,
            Kind::expected(),
            &["lesson", "mistake", "practice"],
        );
        if kind_missing {
            self.error(
                Code::MissingKind,
                "kind",
                "missing `kind`".to_string(),
                Some("add `kind: lesson`, `kind: mistake` or `kind: practice`".to_string()),
            );
        }
        (title, kind)
    }

    /// `practices`, each one of the ITIL 4 practices.
    fn practices(&mut self, value: Option<Value>) -> Vec<String> {
        let practices = self.list("practices", value);
        for practice in &practices {
            if !vocab::is_practice(practice) {
                let close = vocab::closest(practice, vocab::PRACTICES.iter().copied());
                let hint = if close.is_empty() {
                    "see the ITIL 4 practice list in the README".to_string()
                } else {
                    format!("did you mean {}?", vocab::join_expected(close.into_iter()))
                };
                self.error(
                    Code::UnknownPractice,
                    "practices",
                    format!("unknown practice `{practice}`"),
                    Some(hint),
                );
            }
        }
        practices
    }

    /// `contact_ok`: `true` or `false`.
    fn contact_ok(&mut self, value: Option<Value>) -> Option<bool> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(b),
            Some(other) => {
                self.error(
                    Code::WrongType,
                    "contact_ok",
                    format!(
                        "`contact_ok` must be `true` or `false`, found {}",
                        Self::type_name(&other)
                    ),
                    None,
                );
                None
            }
        }
    }

    fn check(&mut self, map: serde_yaml_ng::Mapping) -> Option<FrontMatter> {
        let mut fields = self.known_fields(map);
        let errors_before = self.diagnostics.iter().filter(|d| d.is_error()).count();
        let mut take = |k: &str| fields.remove(k);

        let (title, kind) = self.title_and_kind(take("title"), take("kind"));
        let summary = self.text("summary", take("summary"));
        let practices = self.practices(take("practices"));
        let tags = self.list("tags", take("tags"));
        let language = self.closed(
            "language",
            take("language"),
            Language::parse,
            Language::expected(),
            &["da", "en"],
        );
        let date = self.date("date", take("date"));
        let authors = self.list("authors", take("authors"));
        let organisation = self.text("organisation", take("organisation"));
        let sector = self.closed(
            "sector",
            take("sector"),
            Sector::parse,
            Sector::expected(),
            &["public", "private", "non-profit"],
        );
        let org_size = self.closed(
            "org_size",
            take("org_size"),
            OrgSize::parse,
            OrgSize::expected(),
            &["1-50", "50-250", "250-1000", "1000+"],
        );
        let tools = self.list("tools", take("tools"));
        let status = self.closed(
            "status",
            take("status"),
            Status::parse,
            Status::expected(),
            &["draft", "review", "published", "archived"],
        );
        let visibility = self.closed(
            "visibility",
            take("visibility"),
            Visibility::parse,
            Visibility::expected(),
            &["members", "public"],
        );
        let meeting = self.text("meeting", take("meeting"));
        let source = self.text("source", take("source"));
        let confidence = self.closed(
            "confidence",
            take("confidence"),
            Confidence::parse,
            Confidence::expected(),
            &["wip", "not-validated", "validated"],
        );
        let review_after = self.date("review_after", take("review_after"));
        let published = self.date("published", take("published"));
        let translation_of = self.text("translation_of", take("translation_of"));
        let related = self.list("related", take("related"));
        let supersedes = self.list("supersedes", take("supersedes"));
        let duplicate_of = self.text("duplicate_of", take("duplicate_of"));
        let aliases = self.list("aliases", take("aliases"));
        let references = self.list("references", take("references"));
        let contact_ok = self.contact_ok(take("contact_ok"));
        let impact = self.closed(
            "impact",
            take("impact"),
            Impact::parse,
            Impact::expected(),
            &["low", "medium", "high"],
        );

        let status_now = status.unwrap_or(Status::Published);
        if confidence == Some(Confidence::Validated)
            && matches!(status_now, Status::Draft | Status::Review)
        {
            self.warning(
                Code::UnpublishedValidated,
                "confidence",
                format!(
                    "`confidence: validated` on a write-up in `status: {}`",
                    status_now.as_str()
                ),
                Some("validate it once it is published: remove the line until then".to_string()),
            );
        }
        if organisation.is_some() && visibility == Some(Visibility::Public) {
            self.warning(
                Code::PublicOrganisation,
                "organisation",
                "`organisation` on a public write-up".to_string(),
                Some(
                    "anonymous visitors never see it, but every member does; remove it if the \
                     organisation should stay unnamed"
                        .to_string(),
                ),
            );
        }

        let errors_after = self.diagnostics.iter().filter(|d| d.is_error()).count();
        if errors_after > errors_before {
            return None;
        }
        Some(FrontMatter {
            title: title?,
            summary,
            kind: kind?,
            practices,
            tags,
            language,
            date,
            authors,
            organisation,
            sector,
            org_size,
            tools,
            status: status.unwrap_or(Status::Published),
            visibility: visibility.unwrap_or(Visibility::Members),
            meeting,
            source,
            confidence,
            review_after,
            published,
            translation_of,
            related,
            supersedes,
            duplicate_of,
            aliases,
            references,
            contact_ok,
            impact,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_calendar_dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_782).to_string(), "2024-02-29");
        assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
        let d = Date::parse("2026-11-28").expect("date");
        assert_eq!(
            Date::from_days(
                i64::from(d.ordinal())
                    - i64::from(Date::parse("1970-01-01").expect("date").ordinal())
            ),
            d
        );
    }

    #[test]
    fn dates_are_real_calendar_days() {
        assert!(Date::parse("2022-03-10").is_some());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2022-13-01").is_none());
        assert!(Date::parse("10-03-2022").is_none());
        assert!(Date::parse("2022-3-10").is_none());
        let a = Date::parse("2021-12-31").unwrap().ordinal();
        let b = Date::parse("2022-01-01").unwrap().ordinal();
        assert_eq!(b, a + 1);
    }

    #[test]
    fn key_position_finds_top_level_keys_only() {
        let yaml = "title: x\ntags:\n  - title: y\nkind:   mistake\n";
        assert_eq!(key_position(yaml, "title"), Some((0, 8)));
        assert_eq!(key_position(yaml, "kind"), Some((3, 9)));
        assert_eq!(key_position(yaml, "date"), None);
    }
}
