//! The parser table: malformed and valid write-ups, each with the outcome, message and
//! position it must get (docs/FORMAT.md).

use erfa_index::markdown::Section;
use erfa_index::vocab::{Language, Status, Visibility};
use erfa_index::{Diagnostic, Document, Parsed, Severity};

/// What a case must produce.
enum Expect {
    /// Parsed into a document, with no diagnostic at all.
    Clean,
    /// Parsed into a document; this warning is among the diagnostics, and none is an error.
    Warning(Loc),
    /// Not parsed; this error is among the diagnostics.
    Error(Loc),
}

/// Where and what: line, column (0 = not checked), message and hint substrings.
struct Loc {
    line: usize,
    column: usize,
    message: &'static str,
    hint: Option<&'static str>,
}

fn err(line: usize, column: usize, message: &'static str, hint: Option<&'static str>) -> Expect {
    Expect::Error(Loc {
        line,
        column,
        message,
        hint,
    })
}

fn warn(line: usize, column: usize, message: &'static str, hint: Option<&'static str>) -> Expect {
    Expect::Warning(Loc {
        line,
        column,
        message,
        hint,
    })
}

/// A complete, valid front matter; `extra` lines are inserted before the closing `---`.
fn front(extra: &str) -> String {
    format!(
        "---\ntitle: A title\nkind: practice\ndate: 2022-03-10\n{extra}---\n## Problem\n\nText.\n"
    )
}

/// The valid front matter without the `key` line, with `extra` lines before the closing
/// `---`.
fn without(key: &str, extra: &str) -> String {
    let base: String = front("")
        .lines()
        .filter(|l| !l.starts_with(&format!("{key}:")))
        .map(|l| format!("{l}\n"))
        .collect();
    base.replacen("\n---\n", &format!("\n{extra}---\n"), 1)
}

fn billion_laughs() -> String {
    let mut yaml = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    format!("---\ntitle: Bomb\nkind: lesson\n{yaml}---\n")
}

fn cases() -> Vec<(&'static str, String, Expect)> {
    let long_body = "Filler line.\n\n".repeat(500);
    vec![
        (
            "unclosed front matter",
            "---\ntitle: T\nkind: lesson\n\n## Problem\n\nText.\n".into(),
            err(1, 1, "unclosed front matter", Some("`---`")),
        ),
        (
            "no front matter at all",
            "# We copied a CAB\n\nSome text.\n".into(),
            err(1, 1, "missing front matter", Some("`---`")),
        ),
        (
            "empty file",
            String::new(),
            err(1, 1, "missing front matter", None),
        ),
        (
            "byte-order mark is accepted",
            format!("\u{feff}{}", front("")),
            Expect::Clean,
        ),
        (
            "CRLF line ends are accepted",
            front("tags: [cab]\n").replace('\n', "\r\n"),
            Expect::Clean,
        ),
        (
            "error lines count CRLF lines like LF lines",
            front("kind2: x\nvisibility: Public\n").replace('\n', "\r\n"),
            err(6, 13, "`visibility: Public` is not allowed", Some("lower-case")),
        ),
        (
            "tab used for indentation",
            front("tags:\n\t- cab\n"),
            err(6, 1, "found character that cannot start any token", Some("indent with spaces, not tabs")),
        ),
        (
            "duplicate key",
            front("title: Another title\n"),
            err(5, 1, "front matter does not parse: duplicate key `title`", Some("each key may appear once")),
        ),
        (
            "title as a list",
            "---\ntitle: [a, b]\nkind: lesson\n---\n".into(),
            err(2, 8, "`title` must be text, found a list", None),
        ),
        (
            "tags as a mapping",
            front("tags: {cab: yes}\n"),
            err(5, 7, "`tags` must be a list of text values, found a mapping", None),
        ),
        (
            "contact_ok as text",
            front("contact_ok: maybe\n"),
            err(5, 13, "`contact_ok` must be `true` or `false`, found text", None),
        ),
        (
            "visibility with a capital letter",
            front("visibility: Public\n"),
            err(5, 13, "`visibility: Public` is not allowed; expected `members` or `public`", Some("values are lower-case: write `public`")),
        ),
        (
            "visibility: no",
            front("visibility: no\n"),
            err(5, 13, "`visibility: no` is not allowed", None),
        ),
        (
            "visibility as a list",
            front("visibility: [public]\n"),
            err(5, 13, "`visibility` must be text, found a list", None),
        ),
        (
            "unknown key with a close known key",
            front("tilte: Typo\n"),
            warn(5, 1, "unknown field `tilte`", Some("did you mean `title`?")),
        ),
        (
            "unknown key far from every known key",
            front("xyzzy: 1\n"),
            warn(5, 1, "unknown field `xyzzy`", None),
        ),
        (
            "month 13",
            without("date", "date: 2022-13-01\n"),
            err(4, 7, "`date: 2022-13-01` is not a date", Some("`YYYY-MM-DD`")),
        ),
        (
            "day first",
            without("date", "date: 10-03-2022\n"),
            err(4, 7, "`date: 10-03-2022` is not a date", Some("`YYYY-MM-DD`")),
        ),
        (
            "year only",
            without("date", "date: 2022\n"),
            err(4, 7, "`date: 2022` is not a date", Some("`YYYY-MM-DD`")),
        ),
        (
            "29 February in a common year",
            front("review_after: 2023-02-29\n"),
            err(5, 15, "`review_after: 2023-02-29` is not a date", None),
        ),
        (
            "ITIL v3 practice name",
            front("practices: [change-management]\n"),
            err(5, 12, "unknown practice `change-management`", Some("`change-enablement`")),
        ),
        (
            "misspelt practice",
            front("practices: [incident-managment]\n"),
            err(5, 12, "unknown practice `incident-managment`", Some("`incident-management`")),
        ),
        (
            "missing title",
            without("title", ""),
            err(2, 1, "missing `title`", Some("title:")),
        ),
        (
            "empty title",
            without("title", "title: \"\"\n"),
            err(4, 8, "missing `title`", None),
        ),
        (
            "missing kind",
            without("kind", ""),
            err(2, 1, "missing `kind`", Some("`kind: lesson`")),
        ),
        (
            "kind with a capital letter",
            without("kind", "kind: Lesson\n"),
            err(4, 7, "`kind: Lesson` is not allowed", Some("write `lesson`")),
        ),
        (
            "kind outside the list",
            without("kind", "kind: lessons\n"),
            err(4, 7, "`kind: lessons` is not allowed", Some("did you mean `lesson`?")),
        ),
        (
            "status with a capital letter",
            front("status: Published\n"),
            err(5, 9, "`status: Published` is not allowed", Some("write `published`")),
        ),
        (
            "org_size with an en dash",
            front("org_size: 50–250\n"),
            err(5, 11, "`org_size: 50–250` is not allowed", None),
        ),
        (
            "language outside the list",
            front("language: dansk\n"),
            err(5, 11, "`language: dansk` is not allowed; expected `da` or `en`", None),
        ),
        (
            "billion laughs, nine levels",
            billion_laughs(),
            err(2, 0, "front matter does not parse", None),
        ),
        (
            "10,000 nested brackets",
            format!("---\ntitle: T\nkind: lesson\ntags: {}\n---\n", "[".repeat(10_000)),
            err(4, 0, "front matter does not parse", None),
        ),
        (
            "1 MB front matter",
            format!("---\ntitle: T\nkind: lesson\n{}---\n", "summary_x: padding padding padding\n".repeat(30_000)),
            err(1, 1, "front matter too long: no closing `---` line within the first 64 KiB", Some("move long text into the body")),
        ),
        (
            "1 MB single-line front matter",
            format!("---\ntitle: T\nkind: lesson\nsummary: {}\n---\n", "x".repeat(1 << 20)),
            err(2, 1, "front matter is 1024 KiB; at most 64 KiB", Some("into the body")),
        ),
        (
            "NUL bytes",
            format!("{}\0\0\0", front("")),
            err(1, 1, "NUL bytes", Some("UTF-8 text")),
        ),
        (
            "front matter that is not key: value lines",
            "---\njust a sentence\n---\n".into(),
            err(2, 1, "front matter must be `key: value` lines", None),
        ),
        (
            "empty front matter",
            "---\n---\nBody.\n".into(),
            err(2, 1, "missing `title`", None),
        ),
        (
            "unquoted colon in a value",
            without("title", "title: CAB: the sequel\n"),
            err(4, 11, "mapping values are not allowed", Some("quotes")),
        ),
        (
            "unclosed quote",
            without("title", "title: \"CAB\n"),
            err(5, 1, "found unexpected end of stream, while scanning a quoted scalar that starts on line 4", Some("close the quote opened on line 4")),
        ),
        (
            "unclosed bracket",
            front("tags: [cab, governance\nimpact: low\n"),
            err(6, 7, "while parsing a flow sequence that starts on line 5", Some("close the `[` or `{` opened on line 5")),
        ),
        (
            "front matter only, no body",
            "---\ntitle: T\nkind: practice\ndate: 2022-01-01\n---\n".into(),
            Expect::Clean,
        ),
        (
            "front matter only, no final newline",
            "---\ntitle: T\nkind: practice\ndate: 2022-01-01\n---".into(),
            Expect::Clean,
        ),
        (
            "closing with `...`",
            "---\ntitle: T\nkind: practice\ndate: 2022-01-01\n...\nBody.\n".into(),
            Expect::Clean,
        ),
        (
            "fences with trailing spaces",
            "--- \ntitle: T\nkind: practice\ndate: 2022-01-01\n---  \nBody.\n".into(),
            Expect::Clean,
        ),
        (
            "a key after a multi-line value keeps its line",
            without(
                "kind",
                "summary: >\n  A long summary that\n  goes on over\n  several lines.\ntags:\n  - cab\n  - governance\nkind: Lesson\n",
            ),
            err(11, 7, "`kind: Lesson` is not allowed", None),
        ),
        (
            "a key after a block scalar keeps its line",
            front("summary: |\n  visibility: public\n  title: not a key\nvisibility: Public\n"),
            err(8, 13, "`visibility: Public` is not allowed", None),
        ),
        (
            "errors in the header are not moved by a long body",
            format!("{}{long_body}", front("impact: huge\n")),
            err(5, 9, "`impact: huge` is not allowed; expected `low`, `medium` or `high`", None),
        ),
        (
            "missing date is a warning",
            without("date", ""),
            warn(1, 1, "no `date`", Some("YYYY-MM-DD")),
        ),
        (
            "a lesson without a lesson section is a warning at the body's first line",
            "---\ntitle: T\nkind: lesson\ndate: 2022-01-01\ntags:\n  - a\n  - b\n---\n## Problem\n\nText.\n".into(),
            warn(9, 1, "a lesson has no \"Lesson learned\" section", Some("`## Læring`")),
        ),
        (
            "a mistake without a mistake section, after a long header",
            format!("---\ntitle: T\nkind: mistake\ndate: 2022-01-01\ntags:\n{}---\n{long_body}", "  - tag\n".repeat(40)),
            warn(47, 1, "a mistake has no \"Mistake to avoid\" section", Some("`## Fejl at undgå`")),
        ),
    ]
}

fn describe(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("\n    {d}"))
        .collect::<String>()
}

fn matches(d: &Diagnostic, severity: Severity, loc: &Loc) -> bool {
    d.severity == severity
        && d.line == loc.line
        && (loc.column == 0 || d.column == loc.column)
        && d.message.contains(loc.message)
        && loc
            .hint
            .is_none_or(|h| d.hint.as_deref().is_some_and(|dh| dh.contains(h)))
}

fn outcome_problem(parsed: &Parsed, expect: &Expect) -> Option<String> {
    let errors = parsed.diagnostics.iter().filter(|d| d.is_error()).count();
    if parsed.document.is_some() == (errors > 0) {
        return Some("a document must exist exactly when there is no error".into());
    }
    match expect {
        Expect::Clean => (!parsed.diagnostics.is_empty() || parsed.document.is_none())
            .then(|| "expected a clean parse".to_string()),
        Expect::Warning(loc) => {
            if errors > 0 {
                Some("expected warnings only".into())
            } else if !parsed
                .diagnostics
                .iter()
                .any(|d| matches(d, Severity::Warning, loc))
            {
                Some(format!(
                    "expected warning at {}:{} containing {:?}",
                    loc.line, loc.column, loc.message
                ))
            } else {
                None
            }
        }
        Expect::Error(loc) => (!parsed
            .diagnostics
            .iter()
            .any(|d| matches(d, Severity::Error, loc)))
        .then(|| {
            format!(
                "expected error at {}:{} containing {:?} (hint {:?})",
                loc.line, loc.column, loc.message, loc.hint
            )
        }),
    }
}

#[test]
fn every_malformed_input_gets_its_message_and_line() {
    let cases = cases();
    assert!(cases.len() >= 30, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, text, expect) in &cases {
        let parsed = Document::parse("case.md", text);
        if let Some(problem) = outcome_problem(&parsed, expect) {
            failures.push(format!(
                "{name}: {problem}; got:{}",
                describe(&parsed.diagnostics)
            ));
        }
        for d in &parsed.diagnostics {
            assert_eq!(d.path, "case.md");
            assert!(
                d.message.chars().next().is_some_and(|c| !c.is_uppercase())
                    && !d.message.ends_with('.'),
                "{name}: messages are lower-case without a trailing period: {d}"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn parse_ok(text: &str) -> Document {
    let parsed = Document::parse("case.md", text);
    assert!(
        parsed.diagnostics.iter().all(|d| !d.is_error()),
        "unexpected errors:{}",
        describe(&parsed.diagnostics)
    );
    parsed.document.expect("no error, so a document")
}

#[test]
fn a_value_of_the_wrong_type_is_reported_once() {
    for extra in [
        "title: [a, b]\n",
        "tags: {cab: yes}\n",
        "kind: [lesson]\n",
        "title: {x: 1}\n",
    ] {
        let key = extra.split(':').next().expect("a key");
        let parsed = Document::parse("case.md", &without(key, extra));
        assert_eq!(
            parsed.diagnostics.len(),
            1,
            "{extra:?} gave:{}",
            describe(&parsed.diagnostics)
        );
        assert!(
            parsed.diagnostics[0].message.contains("must be"),
            "{}",
            parsed.diagnostics[0]
        );
    }
}

#[test]
fn absent_or_empty_visibility_is_members() {
    assert_eq!(parse_ok(&front("")).front.visibility, Visibility::Members);
    assert_eq!(
        parse_ok(&front("visibility:\n")).front.visibility,
        Visibility::Members
    );
    assert_eq!(
        parse_ok(&front("visibility: ''\n")).front.visibility,
        Visibility::Members
    );
    assert_eq!(
        parse_ok(&front("status:\n")).front.status,
        Status::Published
    );
    let public = parse_ok(&front("visibility: public\n"));
    assert!(public.is_public());
}

#[test]
fn no_malformed_visibility_is_ever_public() {
    for value in [
        "Public",
        "PUBLIC",
        "no",
        "yes",
        "true",
        "[public]",
        "{public: true}",
        "public members",
        "\"public \"x",
    ] {
        let parsed = Document::parse("case.md", &front(&format!("visibility: {value}\n")));
        assert!(
            parsed.document.is_none(),
            "visibility: {value} must be an error, got {:?}",
            parsed.document.map(|d| d.front.visibility)
        );
    }
}

#[test]
fn numbers_and_booleans_in_free_text_lists_are_text() {
    let doc = parse_ok(&front(
        "tools: [365, TOPdesk]\ntags: [2022, true, cab]\nauthors: 42\n",
    ));
    assert_eq!(doc.front.tools, ["365", "TOPdesk"]);
    assert_eq!(doc.front.tags, ["2022", "true", "cab"]);
    assert_eq!(doc.front.authors, ["42"]);
}

#[test]
fn a_single_value_is_accepted_as_a_list() {
    let doc = parse_ok(&front("practices: change-enablement\ntags: cab\n"));
    assert_eq!(doc.front.practices, ["change-enablement"]);
    assert_eq!(doc.front.tags, ["cab"]);
}

#[test]
fn a_danish_write_up_has_its_sections() {
    let text = "---
title: Vi kopierede bankens CAB
summary: En tung ændringsproces passede ikke til en kommune.
kind: mistake
practices: [change-enablement]
tags: [cab]
language: da
date: 2022-03-10
organisation: Eksempel Kommune
sector: public
org_size: 50-250
tools: [TOPdesk]
contact_ok: true
impact: high
---
Indledning før første afsnit.

## Problemet

Ændringerne hobede sig op.

## Kontekst

En kommune med 40 it-medarbejdere.

## Hvad skete der?

CAB-møderne tog en hel dag.

## Årsag

Processen var lavet til en bank.

## Læring

Tilpas processen til jeres størrelse.

## Fejl at undgå

Kopiér ikke en proces 1:1.

## Det ville vi gøre anderledes

Starte med standardændringer.

## Virkede det?

Ja, efter et halvt år.

## Tidslinje

Marts: første CAB.
";
    let doc = parse_ok(text);
    assert_eq!(doc.language, Language::Da);
    assert_eq!(doc.slug, "case");
    assert_eq!(doc.front.organisation.as_deref(), Some("Eksempel Kommune"));
    assert_eq!(doc.front.contact_ok, Some(true));
    let get = |s| doc.sections.get(s);
    assert_eq!(get(Section::Problem), Some("Ændringerne hobede sig op."));
    assert_eq!(
        get(Section::Context),
        Some("En kommune med 40 it-medarbejdere.")
    );
    assert_eq!(
        get(Section::WhatHappened),
        Some("CAB-møderne tog en hel dag.")
    );
    assert_eq!(
        get(Section::Cause),
        Some("Processen var lavet til en bank.")
    );
    assert_eq!(
        get(Section::Lesson),
        Some("Tilpas processen til jeres størrelse.")
    );
    assert_eq!(get(Section::Mistake), Some("Kopiér ikke en proces 1:1."));
    assert_eq!(
        get(Section::Differently),
        Some("Starte med standardændringer.")
    );
    assert_eq!(get(Section::DidItWork), Some("Ja, efter et halvt år."));
    assert!(doc.sections.other.contains("Indledning før første afsnit."));
    assert!(
        doc.sections.other.contains("Tidslinje\nMarts: første CAB."),
        "{}",
        doc.sections.other
    );
    assert_eq!(doc.markdown_line, 16);
}

#[test]
fn an_english_write_up_has_its_sections_in_any_case() {
    let text = "---
title: We copied a bank's CAB
kind: lesson
date: 2022-03-10
---
## PROBLEM

Changes piled up.

## What happened

The CAB took a whole day, see [the minutes](https://example.org/m) and `cab.xlsx`.

## Lessons learned:

Fit the process to your **size**.

## Mistake to avoid

Copying a process *1:1*.

## Timeline

March: first CAB.
";
    let doc = parse_ok(text);
    assert_eq!(doc.language, Language::En);
    assert_eq!(
        doc.sections.get(Section::Problem),
        Some("Changes piled up.")
    );
    assert_eq!(
        doc.sections.get(Section::WhatHappened),
        Some("The CAB took a whole day, see the minutes and cab.xlsx.")
    );
    assert_eq!(
        doc.sections.get(Section::Lesson),
        Some("Fit the process to your size.")
    );
    assert_eq!(
        doc.sections.get(Section::Mistake),
        Some("Copying a process 1:1.")
    );
    assert!(doc.sections.body().contains("March: first CAB."));
    assert!(!doc.sections.body().contains("Fit the process"));
}

#[test]
fn language_is_detected_when_omitted() {
    let da = parse_ok(
        "---\ntitle: Hændelser i weekenden\nkind: practice\ndate: 2022-01-01\n---\nVi havde mange hændelser i weekenden, og vagten kunne ikke nå dem alle. Derfor lavede vi en ny vagtplan sammen med driften.\n",
    );
    assert_eq!(da.language, Language::Da);
    let en = parse_ok(
        "---\ntitle: Weekend incidents\nkind: practice\ndate: 2022-01-01\n---\nWe had many incidents over the weekend and the on-call engineer could not handle them all, so we wrote a new rota with operations.\n",
    );
    assert_eq!(en.language, Language::En);
}

/// Writes `bytes` as the only file of a temp content folder and checks the folder.
fn check_bytes(name: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), bytes).expect("write");
    let check = erfa_index::catalog::check(dir.path()).expect("check");
    assert!(check.documents.is_empty());
    check.diagnostics
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let diagnostics = check_bytes(
        "bad.md",
        b"---\ntitle: T\nkind: lesson\n---\nbad \xff here\n",
    );
    assert_eq!(diagnostics.len(), 1, "{}", describe(&diagnostics));
    let d = &diagnostics[0];
    assert_eq!((d.path.as_str(), d.line, d.column), ("bad.md", 5, 5));
    assert_eq!(d.message, "invalid UTF-8");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("UTF-8")));
}

#[test]
fn a_utf16_file_is_named_as_such() {
    let mut bytes = vec![0xff, 0xfe];
    for unit in front("").encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let diagnostics = check_bytes("wide.md", &bytes);
    assert_eq!(diagnostics.len(), 1, "{}", describe(&diagnostics));
    assert!(diagnostics[0].is_error());
    assert!(
        diagnostics[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("UTF-16")),
        "{}",
        diagnostics[0]
    );
}

#[test]
fn nul_bytes_in_a_file_are_reported_with_their_line() {
    let diagnostics = check_bytes("png.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(diagnostics.len(), 1, "{}", describe(&diagnostics));
    assert_eq!((diagnostics[0].line, diagnostics[0].column), (3, 1));
    assert!(diagnostics[0].message.contains("NUL bytes"));
}

/// The hostile front matters of A1.
fn bombs() -> [(&'static str, String); 3] {
    [
        ("billion laughs", billion_laughs()),
        (
            "10,000 nested brackets",
            format!(
                "---\ntitle: T\nkind: lesson\ntags: {}\n---\n",
                "[".repeat(10_000)
            ),
        ),
        (
            "10,000 nested maps",
            format!(
                "---\ntitle: T\nkind: lesson\ntags: {}\n---\n",
                "{a: ".repeat(10_000)
            ),
        ),
    ]
}

/// A1: parsing the hostile front matters, ten times each, grows the resident set
/// by less than 50 MB at its peak: the aliases are never expanded, the nesting never
/// built, and nothing is kept. Measured alone in a process of its own.
#[test]
fn yaml_bombs_grow_memory_by_less_than_fifty_megabytes() {
    if !crate::common::alone_in_own_process(
        "parse_table::yaml_bombs_grow_memory_by_less_than_fifty_megabytes",
    ) {
        return;
    }
    use crate::common::{memory, reset_peak};
    let bombs = bombs();
    reset_peak();
    let before = memory("VmRSS");
    for _ in 0..10 {
        for (name, text) in &bombs {
            let parsed = Document::parse("case.md", text);
            assert!(parsed.document.is_none(), "{name} is refused");
        }
    }
    let (peak, after) = (memory("VmHWM"), memory("VmRSS"));
    let mb = |b: u64| b as f64 / 1e6;
    eprintln!(
        "A1: resident {:.1} MB before, {:.1} MB after, peak {:.1} MB",
        mb(before),
        mb(after),
        mb(peak)
    );
    assert!(
        peak.saturating_sub(before) < 50_000_000,
        "the peak grew by {:.1} MB",
        mb(peak - before)
    );
    assert!(
        after.saturating_sub(before) < 50_000_000,
        "the resident set grew by {:.1} MB",
        mb(after - before)
    );
}

/// A1: the hostile front matters of the table are refused quickly. The bar is 100 ms in a
/// release build; a debug build on a shared machine gets ten times as long.
#[test]
fn yaml_bombs_and_deep_nesting_are_refused_quickly() {
    for (name, text) in bombs() {
        let started = std::time::Instant::now();
        let parsed = Document::parse("case.md", &text);
        let took = started.elapsed();
        assert!(parsed.document.is_none(), "{name} is refused");
        assert!(
            parsed.diagnostics.iter().any(Diagnostic::is_error),
            "{name} is reported"
        );
        assert!(took < std::time::Duration::from_secs(1), "{name}: {took:?}");
    }
}
