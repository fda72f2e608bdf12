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

/// Issue 17: `erfa search … | head` ends quietly when the reader goes away.
#[test]
fn search_into_a_closed_pipe_ends_quietly() {
    use std::process::Stdio;
    let dir = workspace();
    let built = erfa(dir.path(), &["index"]);
    assert!(built.status.success(), "{}", stderr(&built));
    for args in [
        &["search", "change", "--limit", "100"][..],
        &["export", "--format", "jsonl"][..],
        &["stats"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_erfa"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("ERFA_CONTENT")
            .env_remove("ERFA_DATA")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("erfa runs");
        // The reader is gone before erfa writes a line, as `head -0` would be.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("erfa ends");
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
    }
}

/// A running `erfa serve` in `dir`; stopped on drop.
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn serving(dir: &Path) -> Serving {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_erfa"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .env_remove("ERFA_CONTENT")
        .env_remove("ERFA_DATA")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("erfa serve starts");
    let server = Serving(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// Issue 17: the commands that only read run beside a running server, which holds the
/// writer's lock; the writing ones still refuse.
#[test]
fn stats_and_export_read_the_index_beside_a_running_server() {
    let dir = workspace();
    let _server = serving(dir.path());
    let stats = erfa(dir.path(), &["stats", "--json", "--scope", "facilitator"]);
    assert!(stats.status.success(), "{}", stderr(&stats));
    assert_eq!(json(&stats)["stats"]["total"], 4);
    let export = erfa(
        dir.path(),
        &["export", "--format", "jsonl", "--scope", "facilitator"],
    );
    assert!(export.status.success(), "{}", stderr(&export));
    assert_eq!(stdout(&export).lines().count(), 4);
    let search = erfa(dir.path(), &["search", "cab"]);
    assert!(search.status.success(), "{}", stderr(&search));
    let index = erfa(dir.path(), &["index"]);
    assert_eq!(index.status.code(), Some(2));
    assert!(
        stderr(&index).contains("in use by another erfa process"),
        "{}",
        stderr(&index)
    );
}

/// Issue 17: a value outside a closed list is an error with the value meant, exit 2.
#[test]
fn unknown_filter_values_are_errors_with_the_value_meant() {
    let dir = workspace();
    for (filter, meant) in [
        ("kind=mistke", "did you mean `mistake`?"),
        ("org_size=100", "did you mean `50-250`?"),
        ("language=english", "expected `da` or `en`"),
        (
            "practices=change-management",
            "did you mean `change-enablement`?",
        ),
    ] {
        let out = erfa(dir.path(), &["search", "cab", "--filter", filter]);
        assert_eq!(out.status.code(), Some(2), "{filter}");
        assert!(stderr(&out).contains(meant), "{filter}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{filter}");
    }
    // Open lists take any value.
    let out = erfa(dir.path(), &["search", "cab", "--filter", "tags=anything"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Issue 17: the messages of `erfa search`, `check`, `new`, `stats` and `serve`.
#[test]
fn messages_say_what_happened_in_plain_words() {
    let dir = workspace();
    // "1 write-up matches", "2 write-ups match".
    let one = erfa(dir.path(), &["search", "cab"]);
    assert!(
        stdout(&one).starts_with("1 write-up matches \"cab\""),
        "{}",
        stdout(&one)
    );
    let more = erfa(dir.path(), &["search", "change", "--scope", "facilitator"]);
    assert!(
        stdout(&more).contains(" write-ups match \"change\""),
        "{}",
        stdout(&more)
    );

    // A corrected word is said, with the way to search the words as typed.
    let corrected = erfa(dir.path(), &["search", "chnage"]);
    assert!(
        stdout(&corrected).starts_with(
            "Showing results for \"change\"; search instead for \"chnage\" with --literal.\n"
        ),
        "{}",
        stdout(&corrected)
    );
    let literal = erfa(dir.path(), &["search", "chnage", "--literal"]);
    assert!(
        stdout(&literal).contains("Did you mean: change"),
        "{}",
        stdout(&literal)
    );

    // A heading with nothing under it is empty, not missing; a size as a number gets
    // the range that holds it.
    std::fs::write(
        dir.path().join("content/change/empty.md"),
        "---\ntitle: Empty\nkind: mistake\nlanguage: en\ndate: 2024-01-01\n---\n## Problem\n\nX.\n\n## Mistake to avoid\n\n",
    )
    .expect("written");
    std::fs::write(
        dir.path().join("content/change/size.md"),
        "---\ntitle: Size\nkind: lesson\nlanguage: en\ndate: 2024-01-01\norg_size: 100\n---\n## Lesson learned\n\nX.\n",
    )
    .expect("written");
    let check = erfa(
        dir.path(),
        &["check", "content/change/empty.md", "content/change/size.md"],
    );
    let text = stdout(&check);
    assert!(
        text.contains("the \"Mistake to avoid\" section of a mistake is empty"),
        "{text}"
    );
    assert!(
        !text.contains("has no \"Mistake to avoid\" section"),
        "{text}"
    );
    assert!(text.contains("did you mean `50-250`?"), "{text}");
    for file in ["empty", "size"] {
        std::fs::remove_file(dir.path().join(format!("content/change/{file}.md")))
            .expect("removed");
    }

    // `erfa stats` lists years in year order.
    let stats = erfa(dir.path(), &["stats", "--scope", "facilitator"]);
    let years = stdout(&stats)
        .lines()
        .find(|l| l.trim_start().starts_with("year"))
        .expect("a year line")
        .to_string();
    assert!(years.ends_with("2021 1, 2022 1, 2023 2"), "{years}");

    // `erfa new` says when the name was taken and prints the file it made.
    let args = ["new", "Freeze", "--kind", "lesson", "--folder", "change"];
    let first = erfa(dir.path(), &args);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = erfa(dir.path(), &args);
    assert!(second.status.success(), "{}", stderr(&second));
    let made = stdout(&second).trim().to_string();
    assert!(made.ends_with("change/freeze-3.md"), "{made}");
    assert!(
        stderr(&second).contains(&format!(
            "change/freeze.md already exists, so this write-up is {made}"
        )),
        "{}",
        stderr(&second)
    );
    assert!(
        stderr(&first).contains(
            "change/freeze.md already exists, so this write-up is content/change/freeze-2.md"
        ),
        "{}",
        stderr(&first)
    );
    let fresh = erfa(dir.path(), &["new", "Nothing like it", "--kind", "lesson"]);
    assert!(
        !stderr(&fresh).contains("already exists"),
        "{}",
        stderr(&fresh)
    );

    // A port in use is said once, in words.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("an address").port();
    let serve = erfa(
        dir.path(),
        &["serve", "--bind", &format!("127.0.0.1:{port}")],
    );
    assert_eq!(serve.status.code(), Some(2));
    let err = stderr(&serve);
    assert!(err.contains("the port is in use"), "{err}");
    assert!(err.matches("os error").count() <= 1, "{err}");
}
