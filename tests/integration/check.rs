//! Golden `erfa check` output: every problem of every file, with stable relative paths,
//! then content health as notes, and the exit code (1 with errors, 0 without).

use std::path::Path;
use std::process::Command;

/// The day content health judges ages on, so that golden output does not age.
const AS_OF: &str = "2026-12-01";

/// Runs `erfa check ARG` from `cwd` and renders exit code, stdout and stderr.
fn check(cwd: &Path, arg: &str) -> String {
    check_with(cwd, &[arg])
}

/// Runs `erfa check ARGS…` from `cwd`, ages judged as on [`AS_OF`], and renders exit
/// code, stdout and stderr.
fn check_with(cwd: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_erfa"))
        .arg("check")
        .args(args)
        .args(["--as-of", AS_OF])
        .current_dir(cwd)
        .env_remove("ERFA_CONTENT")
        .env_remove("ERFA_DATA")
        .env_remove("ERFA_REVIEW_AGE_DAYS")
        .output()
        .expect("erfa runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_reports_every_error_and_warning_and_exits_1() {
    let out = check(root(), "tests/fixtures/check-errors/content");
    assert!(out.starts_with("exit: 1\n"), "{out}");
    insta::assert_snapshot!("check_errors", out);
}

#[test]
fn check_of_clean_content_prints_no_problem_and_exits_0() {
    let out = check(root(), "tests/fixtures/check-clean/content");
    assert!(out.starts_with("exit: 0\n"), "{out}");
    insta::assert_snapshot!("check_clean", out);
}

#[test]
fn a_slug_collision_by_case_names_both_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).expect("mkdir");
    let text = "---\ntitle: T\nkind: practice\ndate: 2022-01-01\n---\n";
    std::fs::write(content.join("A.md"), text).expect("write");
    std::fs::write(content.join("a.md"), text).expect("write");
    if std::fs::read_dir(&content).expect("list").count() < 2 {
        return; // A case-insensitive file system keeps one file: nothing collides.
    }
    let out = check(dir.path(), "content");
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("content/a.md:1:1: error: slug `a` is already used by `A.md`"),
        "{out}"
    );
}

#[test]
fn check_notes_content_health_without_failing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("change")).expect("mkdir");
    let write = |rel: &str, text: &str| std::fs::write(content.join(rel), text).expect("write");
    write(
        "change/cab.md",
        "---\ntitle: We copied a CAB\nkind: mistake\npractices: [change-enablement]\ndate: 2022-03-10\nrelated: [change/freeze, change/nowhere]\n---\n## Mistake to avoid\n\nCopying a change process 1:1.\n",
    );
    write(
        "change/freeze.md",
        "---\ntitle: Change freeze\nkind: lesson\ndate: 2026-01-10\nreview_after: 2026-06-01\n---\n## Lesson learned\n\nAgree the freeze early.\n",
    );
    write(
        "change/notes.md",
        "---\ntitle: Notes\nkind: practice\ndate: 2026-02-01\nconfidence: validated\n---\nOnly notes.\n",
    );
    let out = check_with(dir.path(), &["content"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let notes: Vec<&str> = out.lines().filter(|l| l.contains(": note: ")).collect();
    assert_eq!(
        notes[..4],
        [
            "content/change/cab.md: note: due for review: dated 2022-03-10, more than 730 days ago, and not `confidence: validated`",
            "content/change/freeze.md: note: due for review: review_after 2026-06-01 has passed",
            "content/change/notes.md: note: a practice with no \"Lesson learned\" and no \"Mistake to avoid\" section",
            "content/change/cab.md: note: broken link: related `change/nowhere` is no write-up",
        ],
        "{out}"
    );
    assert!(
        notes[4].starts_with("content: note: no published write-up for 33 of 34 practices: "),
        "{out}"
    );
    assert_eq!(notes.len(), 5, "{out}");
    // A longer review age, and no note for the old write-up.
    let out = check_with(dir.path(), &["content", "--review-age-days", "2000"]);
    assert!(!out.contains("cab.md: note: due for review"), "{out}");
    // Files alone are checked without the folder's health.
    let out = check_with(dir.path(), &["content/change/cab.md"]);
    assert!(!out.contains(": note: "), "{out}");
}

#[test]
fn check_help_says_what_content_health_it_notes() {
    let output = Command::new(env!("CARGO_BIN_EXE_erfa"))
        .args(["check", "--help"])
        .output()
        .expect("erfa runs");
    // Help is wrapped to the terminal: compare words, not lines.
    let text = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for part in [
        "note",
        "review_after",
        "confidence: validated",
        "translation_of",
        "without a published write-up",
        "--review-age-days",
        "--as-of",
        "do not fail",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
}

#[test]
fn meetings_are_checked_against_the_list_with_the_closest_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    std::fs::create_dir(&content).expect("mkdir");
    let writeup = |name: &str, meeting: &str| {
        std::fs::write(
            content.join(name),
            format!(
                "---\ntitle: Write-up {name}\nkind: practice\ndate: 2024-01-01\nmeeting: {meeting}\n---\n## Practice\n\nWe met and talked about {name}.\n"
            ),
        )
        .expect("write");
    };
    writeup("a.md", "2024-Q3");
    writeup("b.md", "efterår 2024");

    // Without a list any value passes, and erfa check suggests making one.
    let out = check(dir.path(), "content");
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(
        out.contains("content: note: 2 write-ups name a meeting, and there is no _meetings.yaml"),
        "{out}"
    );

    std::fs::write(
        content.join("_meetings.yaml"),
        "meetings:\n  - id: 2024-Q3\n    date: 2024-09-12\n    place: Aarhus\n    title: Netværksmøde 3/2024\n  - id: 2024-Q4\n    date: 2024-12-05\n    place: Odense\n    title: Netværksmøde 4/2024\n",
    )
    .expect("write list");
    let out = check(dir.path(), "content");
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("content/b.md:5:1: error: unknown meeting `efterår 2024`"),
        "{out}"
    );
    assert!(!out.contains("a.md:5"), "{out}");
    assert!(!out.contains("there is no _meetings.yaml"), "{out}");

    // The same when the write-up is checked alone, with a did-you-mean.
    writeup("b.md", "2024-q4");
    let out = check_with(dir.path(), &["--content", "content", "content/b.md"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("content/b.md:5:1: error: unknown meeting `2024-q4` (did you mean `2024-Q4`?"),
        "{out}"
    );

    // The list and the glossary are checked as what they are.
    std::fs::write(
        content.join("_meetings.yaml"),
        "meetings:\n  - id: 2024-Q3\n    date: 2024-09-31\n    place: Aarhus\n    title: Netværksmøde 3/2024\n",
    )
    .expect("write list");
    let out = check(dir.path(), "content/_meetings.yaml");
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains(
            "content/_meetings.yaml:2:1: error: meeting `2024-Q3` has no real date: `2024-09-31`"
        ),
        "{out}"
    );
    std::fs::write(
        content.join("_glossary.yaml"),
        "pairs:\n  - da: hændelse\n    en: incident\n",
    )
    .expect("write glossary");
    let out = check(dir.path(), "content/_glossary.yaml");
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(
        out.contains("checked 1 file: 0 errors, 0 warnings"),
        "{out}"
    );
    std::fs::write(
        content.join("_compounds.yaml"),
        "parts:\n  - læk\n  - to ord\n",
    )
    .expect("write compounds");
    let out = check(dir.path(), "content/_compounds.yaml");
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains(
            "content/_compounds.yaml:3:1: error: `to ord` is not one word of 3 to 30 letters"
        ),
        "{out}"
    );
}
