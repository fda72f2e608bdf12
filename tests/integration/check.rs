//! Golden `erfa check` output: every problem of every file, with stable relative paths,
//! and the exit code (1 with errors, 0 without).

use std::path::Path;
use std::process::Command;

/// Runs `erfa check ARG` from `cwd` and renders exit code, stdout and stderr.
fn check(cwd: &Path, arg: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_erfa"))
        .arg("check")
        .arg(arg)
        .current_dir(cwd)
        .env_remove("ERFA_CONTENT")
        .env_remove("ERFA_DATA")
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
