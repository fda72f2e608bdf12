//! The `erfa` command line end to end, on temp copies of `tests/fixtures/cli-small`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("list") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A temp folder holding a copy of the small fixture as `content/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli-small/content");
    copy_dir(&fixture, &dir.path().join("content"));
    dir
}

/// Runs erfa in `cwd` (so `./content` and `./.erfa` are the defaults).
fn erfa(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_erfa"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ERFA_CONTENT")
        .env_remove("ERFA_DATA")
        .output()
        .expect("erfa runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("--json prints JSON")
}

#[test]
fn index_prints_the_summary_and_a_second_run_changes_nothing() {
    let dir = workspace();
    let first = erfa(dir.path(), &["index"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        stdout(&first),
        "added 4, changed 0, deleted 0, unchanged 0, errors 0\n"
    );
    let second = erfa(dir.path(), &["index"]);
    assert_eq!(
        stdout(&second),
        "added 0, changed 0, deleted 0, unchanged 4, errors 0\n"
    );
    let rebuild = erfa(dir.path(), &["index", "--rebuild"]);
    assert_eq!(
        stdout(&rebuild),
        "added 4, changed 0, deleted 0, unchanged 0, errors 0\n"
    );
}

#[test]
fn index_reports_a_broken_file_and_exits_1() {
    let dir = workspace();
    std::fs::write(dir.path().join("content/broken.md"), "---\ntitle: x\n").expect("write");
    let out = erfa(dir.path(), &["index"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "added 4, changed 0, deleted 0, unchanged 0, errors 1\n"
    );
    assert!(
        stderr(&out).contains("content/broken.md:1:1: error: unclosed front matter"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn search_builds_the_index_when_there_is_none() {
    let dir = workspace();
    let out = erfa(dir.path(), &["search", "change"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("built the index"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("We copied a bank's CAB"),
        "{}",
        stdout(&out)
    );
    assert!(dir.path().join(".erfa").is_dir());
}

#[test]
fn search_json_has_the_result_shape() {
    let dir = workspace();
    let v = json(&erfa(dir.path(), &["search", "change", "--json"]));
    assert_eq!(v["total"], 2, "{v:#}");
    let hits = v["hits"].as_array().expect("hits");
    for hit in hits {
        assert!(
            hit["slug"].is_string() && hit["title"].is_string() && hit["score"].is_number(),
            "{hit}"
        );
        let path = hit["path"].as_str().expect("members see the path");
        assert!(
            path.ends_with(".md") && !path.starts_with('/') && !path.contains('\\'),
            "{path}"
        );
    }
    let slugs: Vec<_> = hits
        .iter()
        .map(|h| h["slug"].as_str().expect("slug"))
        .collect();
    assert!(
        slugs.contains(&"change/freeze") && slugs.contains(&"change/cab-copied"),
        "{slugs:?}"
    );
    assert!(v["facets"]["kind"].is_array());
}

#[test]
fn public_scope_hides_members_only_write_ups_and_paths() {
    let dir = workspace();
    let v = json(&erfa(
        dir.path(),
        &["search", "change", "--json", "--scope", "public"],
    ));
    let hits = v["hits"].as_array().expect("hits");
    let slugs: Vec<_> = hits
        .iter()
        .map(|h| h["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(slugs, ["change/cab-copied"]);
    assert_eq!(v["total"], 1);
    assert!(hits.iter().all(|h| h.get("path").is_none()), "{v:#}");
    // The facilitator sees the draft too.
    let v = json(&erfa(
        dir.path(),
        &["search", "change", "--json", "--scope", "facilitator"],
    ));
    assert_eq!(v["total"], 3, "{v:#}");
}

#[test]
fn new_creates_a_write_up_that_check_accepts_and_never_overwrites() {
    let dir = workspace();
    let first = erfa(
        dir.path(),
        &[
            "new",
            "Our CAB: lessons",
            "--kind",
            "mistake",
            "--lang",
            "en",
        ],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let path = PathBuf::from(stdout(&first).trim());
    assert!(path.ends_with("our-cab-lessons.md"), "{path:?}");
    let created = dir.path().join(&path);
    let text = std::fs::read_to_string(&created).expect("the file exists");
    assert!(text.contains("## Mistake to avoid"), "{text}");
    let check = erfa(dir.path(), &["check", path.to_str().expect("utf-8")]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert!(!stdout(&check).contains("error"), "{}", stdout(&check));

    let second = erfa(
        dir.path(),
        &[
            "new",
            "Our CAB: lessons",
            "--kind",
            "mistake",
            "--lang",
            "en",
        ],
    );
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stdout(&second).trim().ends_with("our-cab-lessons-2.md"),
        "{}",
        stdout(&second)
    );
    assert_eq!(
        std::fs::read_to_string(&created).expect("still there"),
        text
    );
}

#[test]
fn every_command_explains_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [
        &["--help"][..],
        &["index", "--help"],
        &["search", "--help"],
        &["check", "--help"],
        &["new", "--help"],
        &["serve", "--help"],
        &["backup", "--help"],
        &["restore", "--help"],
    ] {
        let out = erfa(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("Usage:") && text.contains("--content"),
            "{args:?}: {text}"
        );
    }
}

#[test]
fn serve_help_names_the_search_insights_switches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = erfa(dir.path(), &["serve", "--help"]);
    let text = stdout(&out);
    for flag in ["--no-insights", "--insights-weeks", "--review-age-days"] {
        assert!(text.contains(flag), "{flag}: {text}");
    }
}

#[test]
fn a_missing_content_folder_is_a_clear_error_with_exit_code_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [
        &["index"][..],
        &["search", "change"],
        &["check"],
        &["new", "A title"],
        &["index", "--content", "nowhere"],
    ] {
        let out = erfa(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("erfa: error: ") && err.contains("not found"),
            "{args:?}: {err}"
        );
    }
    assert!(
        !dir.path().join(".erfa").exists(),
        "a failed command left a data folder behind"
    );
}

#[test]
fn single_sign_on_needs_a_trusted_proxy_and_a_header_name() {
    let dir = workspace();
    let out = erfa(dir.path(), &["serve", "--sso-header", "X-Remote-User"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("--trusted-proxy"), "{}", stderr(&out));
    let out = erfa(
        dir.path(),
        &[
            "serve",
            "--sso-header",
            "not a header",
            "--trusted-proxy",
            "127.0.0.1",
        ],
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("expected a header name"),
        "{}",
        stderr(&out)
    );
}
