//! The git history of `content/`: erfa's own writes become one commit each by erfa's
//! service identity, nothing else is committed, and the facilitator reads and restores a
//! write-up's versions. Real repositories, made with the `git` command.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::admin::{Desk, desk_in};
use crate::support::{sample, write};

/// Runs `git args` in `dir` and returns its output; panics when git fails.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Outside Person")
        .env("GIT_AUTHOR_EMAIL", "outside@example.org")
        .env("GIT_COMMITTER_NAME", "Outside Person")
        .env("GIT_COMMITTER_EMAIL", "outside@example.org")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commits(dir: &Path) -> usize {
    git(dir, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .expect("a count")
}

/// The write-ups the tests act on, besides the sample collection.
fn files() -> Vec<(&'static str, String)> {
    let older = "---\ntitle: CMDB owners, first try\nkind: lesson\ndate: 2021-01-01\nvisibility: members\n---\n## Lesson learned\n\nOwners first.\n";
    let newer = "---\ntitle: CMDB owners\nkind: lesson\ndate: 2023-06-01\nvisibility: members\n---\n## Lesson learned\n\nEvery configuration item needs an owner.\n";
    let mut files = sample();
    files.push(("cmdb/first.md", older.to_string()));
    files.push(("cmdb/owners.md", newer.to_string()));
    files.push((
        "submissions/queue.md",
        "---\ntitle: One queue for all\nkind: lesson\nlanguage: en\nvisibility: public\nstatus: review\n---\n## Lesson learned\n\nOne queue beats five.\n".to_string(),
    ));
    files
}

/// Makes `dir` a git repository with every file in it committed.
pub(crate) fn commit_all(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "Start"]);
}

/// A desk whose content folder is a git repository with every file committed.
fn desk_in_git(watch: bool) -> Desk {
    let content = tempfile::tempdir().expect("a temp dir");
    for (path, text) in files() {
        write(content.path(), path, text.as_bytes());
    }
    commit_all(content.path());
    desk_in(content, watch, false)
}

/// The share form, filled in.
fn share(word: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", format!("Triage by {word}")),
        ("summary", format!("Queues shrank once {word} ran triage.")),
        ("kind", "lesson".into()),
        ("practices", "service-desk".into()),
        ("language", "en".into()),
        ("date", "2024-05-02".into()),
        ("visibility", "members".into()),
        ("problem", "Tickets waited three days.".into()),
        ("lesson", format!("Triage by {word} beats a shared inbox.")),
        ("action", "confirm".into()),
    ]
}

async fn post(desk: &Desk, uri: &str, who: &str, form: &[(&str, String)]) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = desk.post(uri, Some(who), &pairs).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{uri}: {}", resp.text());
}

/// The newest commit's author, committer and message, and the paths it changed.
fn head(dir: &Path) -> (String, String) {
    let who = git(dir, &["log", "-1", "--format=%an <%ae>|%cn <%ce>|%B"]);
    let paths = git(dir, &["show", "--name-only", "--format=", "HEAD"]);
    (who, paths)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_write_is_one_commit_by_erfa_that_names_nobody_and_leaves_other_files() {
    let desk = desk_in_git(false);
    let dir = desk.content.path().to_path_buf();
    // Someone's unfinished work: a changed file and a staged one, neither erfa's.
    write(
        &dir,
        "incident/swarming.md",
        b"---\ntitle: half-edited\n---\n",
    );
    write(&dir, "notes/staged.md", b"---\ntitle: staged\n---\n");
    git(&dir, &["add", "notes/staged.md"]);
    let mut count = commits(&dir);
    let mut messages = Vec::new();
    let mut step = |action: &str, path: &str| {
        count += 1;
        assert_eq!(commits(&dir), count, "{action}: one commit");
        let (who, paths) = head(&dir);
        assert!(
            who.starts_with("erfa <erfa@localhost>|erfa <erfa@localhost>|"),
            "{who}"
        );
        assert!(who.contains(action), "{action}: {who}");
        assert!(paths.contains(path), "{action}: {paths}");
        assert!(
            !paths.contains("swarming") && !paths.contains("staged"),
            "{paths}"
        );
        messages.push(who);
    };

    post(&desk, "/share", "contributor", &share("zqxword")).await;
    step(
        "submit: submissions/triage-by-zqxword",
        "submissions/triage-by-zqxword.md",
    );
    let mut edit = share("zqxword");
    edit[1].1 = "Queues shrank by half.".into();
    edit.retain(|(k, _)| *k != "action");
    edit.push(("action", "send".into()));
    post(&desk, "/mine/triage-by-zqxword", "contributor", &edit).await;
    step(
        "edit: submissions/triage-by-zqxword",
        "submissions/triage-by-zqxword.md",
    );
    let publish = [("action", "publish".to_string())];
    post(
        &desk,
        "/admin/review/submissions/queue",
        "facilitator",
        &publish,
    )
    .await;
    step("publish: submissions/queue", "submissions/queue.md");
    let merge = [
        ("first", "cmdb/first".to_string()),
        ("second", "cmdb/owners".to_string()),
        ("append", "on".to_string()),
        ("confirm", "yes".to_string()),
    ];
    post(&desk, "/admin/merge", "facilitator", &merge).await;
    step(
        "merge: cmdb/first → cmdb/owners",
        "cmdb/first.md\ncmdb/owners.md",
    );
    let page = desk.get("/admin/merge", Some("facilitator")).await.text();
    let marker = "action=\"/admin/merge/";
    let start = page.find(marker).expect("an undo form") + marker.len();
    let id: String = page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    post(
        &desk,
        &format!("/admin/merge/{id}/undo"),
        "facilitator",
        &[],
    )
    .await;
    step(
        "undo merge: cmdb/first → cmdb/owners",
        "cmdb/first.md\ncmdb/owners.md",
    );
    let validated = [("confidence", "validated".to_string())];
    post(
        &desk,
        "/admin/confidence/cmdb/owners",
        "facilitator",
        &validated,
    )
    .await;
    step("confidence validated: cmdb/owners", "cmdb/owners.md");
    let archive = [
        ("action", "archive".to_string()),
        ("confirm", "yes".to_string()),
    ];
    post(
        &desk,
        "/admin/review/submissions/queue",
        "facilitator",
        &archive,
    )
    .await;
    step("archive: submissions/queue", "submissions/queue.md");

    for message in &messages {
        for name in ["contributor", "facilitator", "Outside"] {
            assert!(!message.contains(name), "{message}");
        }
    }
    // erfa's paths are clean in `git status`; the others are as they were left.
    let status = git(&dir, &["status", "--porcelain"]);
    assert_eq!(status, " M incident/swarming.md\nA  notes/staged.md\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_commit_is_indexed_and_not_committed_again() {
    let desk = desk_in_git(true);
    let dir = desk.content.path().to_path_buf();
    write(
        &dir,
        "pulled/news.md",
        b"---\ntitle: Pulled zqxpulled\nkind: lesson\nvisibility: members\n---\n## Lesson learned\n\nPulled in.\n",
    );
    git(&dir, &["add", "pulled/news.md"]);
    git(&dir, &["commit", "-q", "-m", "From elsewhere"]);
    let count = commits(&dir);
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let resp = desk.get("/w/pulled/news", Some("member")).await;
        if resp.status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < until, "the watcher never indexed it");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(commits(&dir), count);
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_reads_the_history_and_a_restore_returns_to_review_never_wider() {
    let desk = desk_in_git(false);
    let dir = desk.content.path().to_path_buf();
    let uri = "/admin/history/submissions/queue";
    let publish = [("action", "publish".to_string())];
    post(
        &desk,
        "/admin/review/submissions/queue",
        "facilitator",
        &publish,
    )
    .await;
    // Narrowed to members by hand and committed from outside.
    let now = String::from_utf8(desk.read("submissions/queue.md")).expect("text");
    let narrowed = now.replace("visibility: public", "visibility: members");
    write(&dir, "submissions/queue.md", narrowed.as_bytes());
    git(&dir, &["commit", "-q", "-am", "Members only"]);

    let page = desk.get(uri, Some("facilitator")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("publish: submissions/queue"), "{html}");
    assert!(html.contains("Members only"), "{html}");
    assert!(html.contains("Start"), "{html}");
    assert!(html.contains("+ status: published"), "{html}");
    assert!(html.contains("− status: review"), "{html}");
    // Each version is headed by its date and time, `YYYY-MM-DD HH:MM`.
    let heading = html.find("<h2>").expect("a version") + "<h2>".len();
    let date = &html[heading..heading + 16];
    assert!(
        date.as_bytes()[4] == b'-' && date.as_bytes()[13] == b':',
        "{date}"
    );
    let writeup = desk.get("/w/submissions/queue", Some("facilitator")).await;
    assert!(writeup.text().contains(&format!("href=\"{uri}\"")));

    // Members are refused as on every desk page; anonymous visitors get a missing page.
    let member = desk.get(uri, Some("member")).await;
    assert_eq!(member.status, StatusCode::FORBIDDEN);
    let missing = desk.get("/no/such/page", None).await;
    let anonymous = desk.get(uri, None).await;
    assert_eq!(anonymous.status, missing.status);
    assert!(anonymous.header("location").starts_with("/login?next="));
    let member_writeup = desk.get("/w/submissions/queue", Some("member")).await;
    assert!(!member_writeup.text().contains(uri));

    // Restoring the first version: one new commit, in review, still members only.
    let first = git(&dir, &["rev-list", "--max-parents=0", "HEAD"]);
    let count = commits(&dir);
    let restore = [("version", first.trim().to_string())];
    post(&desk, uri, "facilitator", &restore).await;
    assert_eq!(commits(&dir), count + 1);
    let (who, _) = head(&dir);
    assert!(who.contains("restore "), "{who}");
    let text = String::from_utf8(desk.read("submissions/queue.md")).expect("text");
    assert!(text.contains("status: review"), "{text}");
    assert!(text.contains("visibility: members"), "{text}");
    assert!(!text.contains("published:"), "{text}");
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
    let page = desk
        .get(&format!("{uri}?done=restore"), Some("facilitator"))
        .await;
    assert!(page.text().contains("The version is restored"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_folder_inside_another_repository_gets_no_commits() {
    let outer = tempfile::tempdir().expect("a temp dir");
    git(outer.path(), &["init", "-q", "-b", "main"]);
    write(outer.path(), "README", b"outer\n");
    git(outer.path(), &["add", "README"]);
    git(outer.path(), &["commit", "-q", "-m", "Outer"]);
    let content = tempfile::Builder::new()
        .prefix("content")
        .tempdir_in(outer.path())
        .expect("a content folder");
    for (path, text) in files() {
        write(content.path(), path, text.as_bytes());
    }
    let desk = desk_in(content, false, false);
    let publish = [("action", "publish".to_string())];
    post(
        &desk,
        "/admin/review/submissions/queue",
        "facilitator",
        &publish,
    )
    .await;
    post(&desk, "/share", "contributor", &share("zqxinner")).await;
    assert_eq!(commits(outer.path()), 1);
    let page = desk
        .get("/admin/history/submissions/queue", Some("facilitator"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("No versions"), "{}", page.text());
}
