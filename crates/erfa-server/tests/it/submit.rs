//! Sharing an experience over HTTP (issue 8): the form, preview, duplicate warning,
//! durable saving into `content/submissions/`, search at once, "My write-ups", hostile
//! titles and a burst of same-title submissions.
//!
//! The state is the real thing: a content folder on disk, the index kept by a running
//! watcher, and the state database in a temp data folder. A full disk is a real one too: a
//! small tmpfs mounted over `content/submissions/` or the index folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use erfa_accounts::{Accounts, Role};
use erfa_index::watch::{Watch, WatchOptions};
use erfa_index::{Engine, Scope, Store};
use erfa_server::{AppState, Config, router};

use crate::support::{Indexed, Resp, enc, get, index, request, sample, send, write};

/// A running app over the sample collection: a watcher and a state database.
struct Fixture {
    /// Local mode: the facilitator.
    router: Router,
    /// The same index, as a member sees it.
    members: Router,
    state: AppState,
    accounts: Arc<Accounts>,
    content: PathBuf,
    /// Unmounted after the watcher and the index have let go of them, before `dir` goes.
    mounts: Vec<Tmpfs>,
    dir: tempfile::TempDir,
}

/// A tmpfs mounted over a folder for one test, and unmounted when dropped: the real way to
/// a full disk.
struct Tmpfs {
    at: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `64k`) at `at`, creating the folder; `None`, said
    /// loudly, where mounting is not permitted (the test then checks nothing).
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("the mount point");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output();
        let why = match mounted {
            Ok(out) if out.status.success() => {
                return Some(Tmpfs {
                    at: at.to_path_buf(),
                });
            }
            Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
            Err(e) => e.to_string(),
        };
        eprintln!(
            "\n*** SKIPPED: cannot mount a tmpfs at {} ({why}); this test needs root or \
             CAP_SYS_ADMIN to make a full disk, and checked nothing ***\n",
            at.display()
        );
        None
    }

    /// Fills the file system to the last page with a dot-file, which the walk skips.
    fn fill(&self) {
        let mut file = std::fs::File::create(self.at.join(".fill")).expect("the filler");
        let page = [0u8; 4096];
        loop {
            if let Err(e) = file.write_all(&page) {
                assert!(erfa_index::error::is_storage_full(&e), "{e}");
                return;
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = std::process::Command::new("umount")
            .arg(&self.at)
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            // Something still holds a file open; detach it now, freed once closed.
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.at)
                .status();
        }
    }
}

fn state_for(
    store: &Store,
    engine: &Engine,
    content: &Path,
    data: &Path,
    scope: Scope,
    local: bool,
) -> AppState {
    let mut config = Config::local(content, data);
    config.scope = scope;
    config.local = local;
    config.secure_cookies = false;
    // Health's disk warning depends on the machine, not on what these tests check.
    config.low_disk_percent = 0;
    AppState::new(store.clone(), engine.clone(), config)
}

fn fixture_with(local: bool) -> Fixture {
    let dir = tempfile::tempdir().expect("a temp dir");
    fixture_in(dir, Store::in_ram(), local, Vec::new())
}

/// The app over the sample collection in `dir`, indexed into `store`, keeping `mounts`
/// until it is dropped.
fn fixture_in(dir: tempfile::TempDir, store: Store, local: bool, mounts: Vec<Tmpfs>) -> Fixture {
    // The content folder is the temp dir itself; the data folder is a dot-folder in it,
    // which the walk skips.
    let content = dir.path().to_path_buf();
    let data = dir.path().join(".erfa");
    for (path, text) in sample() {
        write(&content, path, text.as_bytes());
    }
    let Indexed {
        indexer, engine, ..
    } = index(&store, &content);
    let watch = Arc::new(
        Watch::start(indexer, engine.clone(), &content, WatchOptions::default()).expect("watching"),
    );
    let accounts = Arc::new(Accounts::open(&data).expect("the state database"));
    let mut state = state_for(&store, &engine, &content, &data, Scope::Facilitator, local)
        .with_accounts(accounts.clone());
    state.watch = Some(watch);
    let members = state_for(&store, &engine, &content, &data, Scope::Members, true);
    Fixture {
        router: router(state.clone()),
        members: router(members),
        state,
        accounts,
        content,
        mounts,
        dir,
    }
}

/// The sharing app as the browser tests start it: local mode, a watcher, a database.
pub fn share_app() -> crate::support::App {
    let f = fixture();
    crate::support::App {
        router: f.router,
        content: f.dir,
    }
}

fn fixture() -> Fixture {
    fixture_with(true)
}

/// A form body from pairs.
fn body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A filled-in form: a lesson with every field of the content standard.
fn filled(title: &str, word: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_string()),
        (
            "summary",
            format!("Ticket queues shrank once {word} ran the triage."),
        ),
        ("kind", "lesson".into()),
        ("practices", "service-desk".into()),
        ("practices", "incident-management".into()),
        ("tags", "triage, queues".into()),
        ("language", "en".into()),
        ("date", "2024-05-02".into()),
        ("authors", String::new()),
        ("organisation", "Nordby Kommune".into()),
        ("sector", "public".into()),
        ("org_size", "50-250".into()),
        ("tools", "TOPdesk".into()),
        ("meeting", "2024-Q2".into()),
        ("visibility", "members".into()),
        (
            "problem",
            "Tickets waited three days before anyone looked at them.".into(),
        ),
        (
            "what_happened",
            format!("We let {word} sort the queue every morning.\r\n\r\nIt took a week."),
        ),
        (
            "lesson",
            "Triage by one named person beats a shared inbox.".into(),
        ),
    ]
}

async fn post(router: &Router, uri: &str, pairs: &[(&str, String)]) -> Resp {
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    send(
        router,
        Request::post(uri)
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body(&pairs)))
            .expect("a request"),
    )
    .await
}

fn with_action(
    mut pairs: Vec<(&'static str, String)>,
    action: &str,
) -> Vec<(&'static str, String)> {
    pairs.push(("action", action.to_string()));
    pairs
}

/// The files in `content/submissions/`, sorted.
fn submissions(content: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(content.join("submissions")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The saved slug from a `303 → /mine?saved=…` answer.
fn saved(resp: &Resp) -> String {
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    resp.header("location")
        .strip_prefix("/mine?saved=")
        .unwrap_or_else(|| panic!("location {}", resp.header("location")))
        .to_string()
}

async fn slugs(router: &Router, q: &str) -> Vec<String> {
    let resp = get(router, &format!("/api/search?q={}", enc(q))).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    resp.json()["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["slug"].as_str().expect("a slug").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_renders_in_both_languages() {
    let f = fixture();
    let resp = get(&f.router, "/share").await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    assert!(html.contains("<h1 class=\"page-title\">Share an experience</h1>"));
    assert!(
        html.contains("href=\"/share\" aria-current=\"page\""),
        "nav link"
    );
    for id in [
        "f-title",
        "f-summary",
        "f-tags",
        "f-date",
        "f-authors",
        "f-organisation",
        "f-sector",
        "f-org_size",
        "f-tools",
        "f-meeting",
        "f-problem",
        "f-context",
        "f-what_happened",
        "f-lesson",
        "f-mistake",
        "f-differently",
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">")),
            "{id} has a label"
        );
    }
    assert_eq!(html.matches("name=\"practices\"").count(), 34);
    assert!(
        html.contains("<option value=\"cab\">"),
        "existing tags are suggested"
    );
    assert!(html.contains("name=\"visibility\" value=\"members\" checked"));
    assert!(html.contains("id=\"f-authors\" name=\"authors\" type=\"text\" value=\"\""));
    let da = send(
        &f.router,
        request("/share")
            .header("accept-language", "da")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    let html = da.text();
    assert!(html.contains("Del en erfaring"));
    assert!(html.contains("Fejl at undgå"));
    assert!(html.contains("name=\"language\" value=\"da\" checked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_renders_sanitised_markdown_and_writes_nothing() {
    let f = fixture();
    let mut pairs = filled("Preview only", "previewword");
    pairs.push((
        "context",
        "**Bold** and <script>alert(1)</script><img src=x onerror=alert(2)>".into(),
    ));
    let resp = post(&f.router, "/share", &with_action(pairs.clone(), "preview")).await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    assert!(html.contains("Preview only"), "the form keeps its values");
    assert!(
        html.contains("script&#62;alert(1)"),
        "and the text as typed, escaped"
    );
    let start = html.find("id=\"preview\"").expect("the preview");
    let preview = &html[start..html[start..].find("</aside>").expect("its end") + start];
    assert!(preview.contains("<strong>Bold</strong>"), "{preview}");
    assert!(!preview.contains("<script"), "{preview}");
    assert!(!preview.contains("onerror"), "{preview}");
    assert!(submissions(&f.content).is_empty());

    // The live preview answers JSON from the same pipeline.
    let resp = post(&f.router, "/share/preview", &pairs).await;
    assert_eq!(resp.status, StatusCode::OK);
    let json = resp.json();
    let preview = json["html"].as_str().expect("html");
    assert!(preview.contains("<strong>Bold</strong>"));
    assert!(!preview.contains("<script"));
    assert!(
        preview.contains("<p class=\"writeup-title\">Preview only</p>"),
        "{preview}"
    );
    assert!(json["notes"].as_array().expect("notes").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_listed_and_linked_to_their_fields() {
    let f = fixture();
    let resp = post(
        &f.router,
        "/share",
        &[
            ("title", String::new()),
            ("kind", "Mistake".into()),
            ("date", "10/03/2024".into()),
            ("language", "en".into()),
            ("visibility", "members".into()),
            ("action", "send".into()),
        ],
    )
    .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    let html = resp.text();
    assert!(html.contains("id=\"error-summary\""));
    for id in ["f-title", "f-kind", "f-date"] {
        assert!(html.contains(&format!("href=\"#{id}\"")), "{id}");
        assert!(html.contains(&format!("id=\"{id}-error\"")), "{id}");
    }
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(submissions(&f.content).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_near_copy_is_warned_about_before_saving() {
    let f = fixture();
    let pairs = vec![
        (
            "title",
            "We copied a bank's change advisory board and it did not fit".to_string(),
        ),
        ("kind", "mistake".into()),
        ("language", "en".into()),
        ("visibility", "members".into()),
        ("date", "2024-01-10".into()),
        (
            "mistake",
            "Copying a change process 1:1 from a much larger organisation.".into(),
        ),
    ];
    let resp = post(&f.router, "/share", &with_action(pairs.clone(), "send")).await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    assert!(
        html.contains("Someone may already have written this"),
        "{html}"
    );
    assert!(html.contains("href=\"/w/change/cab-copied\""), "{html}");
    assert!(html.contains("name=\"action\" value=\"confirm\""));
    assert!(submissions(&f.content).is_empty(), "nothing saved yet");
    let resp = post(&f.router, "/share", &with_action(pairs, "confirm")).await;
    let slug = saved(&resp);
    assert_eq!(
        submissions(&f.content),
        [format!("{slug}.md")],
        "sent anyway"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_is_durable_clean_searchable_at_once_and_members_wait() {
    let f = fixture();
    let title = "Triage by one person: \"the sorter\" — it worked";
    let resp = post(
        &f.router,
        "/share",
        &with_action(filled(title, "zorbalix"), "confirm"),
    )
    .await;
    let slug = saved(&resp);
    assert_eq!(slug, "triage-by-one-person-the-sorter-it-worked");
    let rel = format!("submissions/{slug}.md");
    let text = std::fs::read_to_string(f.content.join(&rel)).expect("the file");
    assert_eq!(
        text,
        "---\ntitle: \"Triage by one person: \\\"the sorter\\\" — it worked\"\nsummary: Ticket queues shrank once zorbalix ran the triage.\nkind: lesson\npractices: [service-desk, incident-management]\ntags: [triage, queues]\nlanguage: en\ndate: 2024-05-02\norganisation: Nordby Kommune\nsector: public\norg_size: 50-250\ntools: [TOPdesk]\nstatus: review\nvisibility: members\nmeeting: 2024-Q2\n---\n\n## Problem\n\nTickets waited three days before anyone looked at them.\n\n## What happened\n\nWe let zorbalix sort the queue every morning.\n\nIt took a week.\n\n## Lesson learned\n\nTriage by one named person beats a shared inbox.\n"
    );
    assert!(!text.contains("authors"), "anonymous by default");
    // `erfa check`: no error and no warning for this file.
    let check = erfa_index::catalog::check(&f.content).expect("checked");
    let own: Vec<_> = check.diagnostics.iter().filter(|d| d.path == rel).collect();
    assert!(own.is_empty(), "{own:?}");
    // Found by the facilitator at once, with no waiting; not by members.
    assert_eq!(
        slugs(&f.router, "zorbalix").await,
        [format!("submissions/{slug}")]
    );
    assert!(slugs(&f.members, "zorbalix").await.is_empty());
    // Who sent it is in the state database, not in the file.
    let mine = f
        .accounts
        .submissions_of(erfa_accounts::NO_ACCOUNT)
        .expect("listed");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].path, rel);
    let log = f.accounts.audit_log(5).expect("the audit log");
    assert_eq!(log[0].action, "submission.create");
    assert_eq!(log[0].target, rel);

    // My write-ups: listed with its status and the confirmation.
    let resp = get(&f.router, &format!("/mine?saved={slug}")).await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    assert!(html.contains("waits for the facilitator"), "{html}");
    assert!(!html.contains(".md"), "no file paths: {html}");
    assert!(html.contains("In review"));
    assert!(html.contains(&format!("href=\"/mine/{slug}\"")));

    // An edit is written the same way, indexed at once, and audited.
    let resp = get(&f.router, &format!("/mine/{slug}")).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.text().contains("zorbalix sort the queue"));
    let mut edited = filled(title, "quintavex");
    edited.push(("action", "send".into()));
    let resp = post(&f.router, &format!("/mine/{slug}"), &edited).await;
    assert_eq!(saved(&resp), slug);
    assert_eq!(
        slugs(&f.router, "quintavex").await,
        [format!("submissions/{slug}")]
    );
    assert!(slugs(&f.router, "zorbalix").await.is_empty());
    assert_eq!(submissions(&f.content), [format!("{slug}.md")]);
    let log = f.accounts.audit_log(1).expect("the audit log");
    assert_eq!(log[0].action, "submission.edit");

    // The facilitator asks for changes in the review queue; the contributor reads the
    // comment in My write-ups.
    let resp = post(
        &f.router,
        &format!("/admin/review/submissions/{slug}"),
        &[
            ("action", "changes".to_string()),
            ("comment", "Please add the mistake to avoid.".to_string()),
        ],
    )
    .await;
    assert!(resp.status.is_redirection(), "{}", resp.status);
    let html = get(&f.router, "/mine").await.text();
    assert!(html.contains("Please add the mistake to avoid."), "{html}");
    let text = std::fs::read_to_string(f.content.join(&rel)).expect("the file");
    assert!(
        text.contains("status: draft"),
        "back to the contributor: {text}"
    );

    // The edit page shows the request beside the form, says where the write-up stands
    // and sends it for review again; the queue marks it as sent again.
    let page = get(&f.router, &format!("/mine/{slug}")).await.text();
    assert!(page.contains("Please add the mistake to avoid."), "{page}");
    assert!(page.contains("the facilitator asked for changes"), "{page}");
    assert!(page.contains("value=\"resubmit\""), "{page}");
    let mut draft = filled(title, "quintavex");
    draft.push(("action", "send".into()));
    let resp = post(&f.router, &format!("/mine/{slug}"), &draft).await;
    assert_eq!(saved(&resp), slug);
    let mine = get(&f.router, &format!("/mine?saved={slug}")).await.text();
    assert!(mine.contains("Saved as a draft."), "{mine}");
    let mut again = filled(title, "quintavex");
    again[1].1 = "Ticket queues shrank once quintavex ran the triage; zeddicus was added.".into();
    again.push(("action", "resubmit".into()));
    let resp = post(&f.router, &format!("/mine/{slug}"), &again).await;
    assert_eq!(saved(&resp), slug);
    let text = std::fs::read_to_string(f.content.join(&rel)).expect("the file");
    assert!(text.contains("status: review"), "sent again: {text}");
    let mine = get(&f.router, &format!("/mine?saved={slug}")).await.text();
    assert!(mine.contains("waits for the facilitator"), "{mine}");
    let queue = get(&f.router, "/admin/review").await.text();
    assert!(
        queue.contains("Sent again after your change request"),
        "{queue}"
    );
    // What changed since the request, line by line.
    assert!(queue.contains("What changed since your request"), "{queue}");
    let added = queue
        .find("<span class=\"diff-added\">+ summary: ")
        .expect("the new summary, added");
    assert!(queue[added..].contains("zeddicus was added."), "{queue}");
    assert!(
        queue.contains("<span class=\"diff-removed\">− summary:"),
        "{queue}"
    );
    assert!(
        f.accounts
            .audit_log(5)
            .expect("the audit log")
            .iter()
            .any(|e| e.action == "review.resubmit")
    );

    // Published by the facilitator: members find it, and the form no longer edits it.
    let text = std::fs::read_to_string(f.content.join(&rel)).expect("the file");
    std::fs::write(
        f.content.join(&rel),
        text.replace("status: review", "status: published")
            .replace("status: draft", "status: published"),
    )
    .expect("published");
    f.state
        .watch
        .as_ref()
        .expect("a watcher")
        .update_now([rel.clone()])
        .expect("indexed");
    assert_eq!(
        slugs(&f.members, "quintavex").await,
        [format!("submissions/{slug}")]
    );
    let resp = get(&f.router, &format!("/mine/{slug}")).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    let resp = post(&f.router, &format!("/mine/{slug}"), &edited).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_titles_stay_in_the_folder_and_save() {
    let f = fixture();
    let long = "a".repeat(300);
    // The long title twice: the second copy needs a suffix and still fits in 80.
    let long_again = long.clone();
    let titles = [
        "../../x",
        "a/b\\c",
        "CON",
        ".hidden",
        "🙂🙂🙂",
        long.as_str(),
        long_again.as_str(),
        "x: y\n---\nstatus: published",
        "nul\0byte",
        "change/cab-copied",
    ];
    for title in titles {
        let mut pairs = filled(title, "hostileword");
        pairs.push(("action", "confirm".into()));
        let resp = post(&f.router, "/share", &pairs).await;
        let slug = saved(&resp);
        assert!(
            slug.len() <= 80
                && slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !slug.starts_with('-'),
            "{title:?} → {slug:?}"
        );
        let text = std::fs::read_to_string(f.content.join(format!("submissions/{slug}.md")))
            .unwrap_or_else(|e| panic!("{title:?}: {e}"));
        let parsed = erfa_index::Document::parse("submissions/x.md", &text);
        let doc = parsed.document.expect("valid");
        assert_eq!(doc.front.status.as_str(), "review", "{title:?}");
        assert!(!doc.front.title.contains('\n'));
    }
    assert_eq!(submissions(&f.content).len(), titles.len());
    // Nothing was written anywhere else.
    let mut outside = Vec::new();
    for entry in walk(f.dir.path()) {
        let rel = entry
            .strip_prefix(f.dir.path())
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".md")
            && !rel.starts_with("submissions/")
            && !sample().iter().any(|(p, _)| rel == *p)
        {
            outside.push(rel);
        }
    }
    assert!(outside.is_empty(), "{outside:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_parallel_submissions_with_one_title_give_fifty_files() {
    let f = fixture();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let router = f.router.clone();
            tokio::spawn(async move {
                let mut pairs = filled("The same title every time", &format!("word{i}"));
                pairs.push(("context", format!("Submission number {i}.")));
                pairs.push(("action", "confirm".into()));
                saved(&post(&router, "/share", &pairs).await)
            })
        })
        .collect();
    let mut slugs = Vec::new();
    for task in tasks {
        slugs.push(task.await.expect("a task"));
    }
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), 50);
    let files = submissions(&f.content);
    assert_eq!(files.len(), 50, "no temporary files left: {files:?}");
    let mut numbers: Vec<usize> = files
        .iter()
        .map(|name| {
            let text =
                std::fs::read_to_string(f.content.join("submissions").join(name)).expect("a file");
            let at = text.find("Submission number ").expect("its own text") + 18;
            text[at..]
                .split('.')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a number")
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (0..50).collect::<Vec<_>>(), "none overwritten");
    assert_eq!(
        f.accounts
            .submissions_of(erfa_accounts::NO_ACCOUNT)
            .expect("listed")
            .len(),
        50
    );
    let resp = get(
        &f.router,
        "/api/search?q=%2B%22same+title+every+time%22&per_page=100",
    )
    .await;
    assert_eq!(resp.json()["total"], 50, "all indexed at once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_contributors_share_and_only_their_own_write_ups() {
    let f = fixture_with(false);
    let login = |name: &str, role: Role| {
        let user = f
            .accounts
            .add_user(name, role, "a long enough password")
            .expect("a user");
        f.accounts.create_session(&user).expect("a session")
    };
    let ann = login("ann", Role::Contributor);
    let bob = login("bob", Role::Contributor);
    let mia = login("mia", Role::Member);
    let as_user = |session: &str, builder: axum::http::request::Builder| {
        builder
            .header("cookie", format!("erfa-session={session}"))
            .header("sec-fetch-site", "same-origin")
    };
    let mut pairs = filled("Ann's triage", "annword");
    pairs.push(("action", "confirm".into()));
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = send(
        &f.router,
        as_user(&ann, Request::post("/share"))
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body(&pairs)))
            .expect("a request"),
    )
    .await;
    let slug = saved(&resp);
    assert_eq!(
        f.accounts
            .submissions_of(f.accounts.require("ann").expect("ann").id)
            .expect("listed")[0]
            .path,
        format!("submissions/{slug}.md")
    );
    let page = |session: &str, uri: &str| {
        as_user(session, request(uri))
            .body(Body::empty())
            .expect("a request")
    };
    assert_eq!(
        send(&f.router, page(&ann, &format!("/mine/{slug}")))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        send(&f.router, page(&bob, &format!("/mine/{slug}")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let bobs = send(&f.router, page(&bob, "/mine")).await.text();
    assert!(!bobs.contains("Ann's triage"));
    assert_eq!(
        send(&f.router, page(&mia, "/share")).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !send(&f.router, page(&mia, "/"))
            .await
            .text()
            .contains("href=\"/share\""),
        "members get no share link"
    );
    assert!(
        send(&f.router, page(&bob, "/"))
            .await
            .text()
            .contains("href=\"/share\"")
    );
    // Anonymous visitors are asked to log in.
    let resp = get(&f.router, "/share").await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
}

/// A form post in the language `lang`.
async fn post_in(router: &Router, uri: &str, pairs: &[(&str, String)], lang: &str) -> Resp {
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    send(
        router,
        Request::post(uri)
            .header("host", "127.0.0.1:8080")
            .header("accept-language", lang)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body(&pairs)))
            .expect("a request"),
    )
    .await
}

/// `text` as the templates escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Asserts that the form in `html` holds every value of `pairs` as it was sent.
fn holds_values(html: &str, pairs: &[(&str, String)]) {
    for (name, value) in pairs {
        let value = value.replace("\r\n", "\n");
        let shown = match *name {
            "practices" | "kind" | "language" | "visibility" => {
                format!("name=\"{name}\" value=\"{value}\" checked")
            }
            "sector" | "org_size" => format!("<option value=\"{value}\" selected"),
            "problem" | "context" | "what_happened" | "lesson" | "mistake" | "differently" => {
                format!(
                    "name=\"{name}\" rows=\"5\" aria-describedby=\"sections-hint\">{}</textarea>",
                    escaped(&value)
                )
            }
            "action" => continue,
            _ => format!(
                "name=\"{name}\" type=\"{}\" value=\"{}\"",
                if *name == "date" { "date" } else { "text" },
                escaped(&value)
            ),
        };
        assert!(html.contains(&shown), "{name}: {shown}\n{html}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_saves_nothing_and_gives_the_form_back_as_typed() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let Some(disk) = Tmpfs::mount(&dir.path().join("submissions"), "64k") else {
        return;
    };
    let f = fixture_in(dir, Store::in_ram(), true, vec![disk]);
    // One write-up saved while there was room, to edit later.
    let own = saved(
        &post(
            &f.router,
            "/share",
            &with_action(filled("Saved while there was room", "roomword"), "confirm"),
        )
        .await,
    );
    let own_text =
        std::fs::read_to_string(f.content.join(format!("submissions/{own}.md"))).expect("saved");
    f.mounts[0].fill();
    let before = submissions(&f.content);
    assert_eq!(before, [".fill".to_string(), format!("{own}.md")]);

    // A new write-up: 507, the form as it was sent, the reason at the top.
    let title = "Kept as typed: \"quotes\" & <angles> — æøå";
    let pairs = with_action(filled(title, "fullword"), "confirm");
    let resp = post(&f.router, "/share", &pairs).await;
    assert_eq!(resp.status, StatusCode::INSUFFICIENT_STORAGE);
    let html = resp.text();
    assert!(html.contains("id=\"error-summary\""), "{html}");
    assert!(
        html.contains(
            "<p id=\"save-failure\">Nothing was saved: the server&#39;s disk is full. Your \
             text is still in the form below. Please try again later, or tell the \
             facilitator.</p>"
        ),
        "{html}"
    );
    assert!(html.contains("action=\"/share\""));
    holds_values(&html, &pairs);
    assert_eq!(
        submissions(&f.content),
        before,
        "no file, no temporary file"
    );
    assert!(slugs(&f.router, "fullword").await.is_empty());

    // An edit of one's own write-up, in Danish: 507, the edit kept, the file unchanged.
    let edit = with_action(filled("Saved while there was room", "editword"), "send");
    let resp = post_in(&f.router, &format!("/mine/{own}"), &edit, "da").await;
    assert_eq!(resp.status, StatusCode::INSUFFICIENT_STORAGE);
    let html = resp.text();
    assert!(
        html.contains(
            "Intet blev gemt: serverens disk er fuld. Din tekst står stadig i formularen nedenfor."
        ),
        "{html}"
    );
    assert!(html.contains(&format!("action=\"/mine/{own}\"")));
    holds_values(&html, &edit);
    assert_eq!(submissions(&f.content), before, "no temporary file");
    assert_eq!(
        std::fs::read_to_string(f.content.join(format!("submissions/{own}.md"))).expect("kept"),
        own_text
    );

    // Once there is room again, sending the same form saves it.
    std::fs::remove_file(f.content.join("submissions/.fill")).expect("room again");
    let slug = saved(&post(&f.router, "/share", &pairs).await);
    assert_eq!(
        slugs(&f.router, "fullword").await,
        [format!("submissions/{slug}")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_up_the_index_cannot_take_is_saved_and_said_to_be() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let data = dir.path().join(".erfa");
    // The content folder has room; the index folder is a disk that fills up.
    let Some(disk) = Tmpfs::mount(&Store::index_dir(&data), "16m") else {
        return;
    };
    let (store, _) = Store::open(&data).expect("an index on disk");
    let f = fixture_in(dir, store, true, vec![disk]);
    let watch = f.state.watch.as_ref().expect("a watcher");
    watch
        .update_now(Vec::<String>::new())
        .expect("the first reconciliation");
    let indexed_before = f.state.engine.count(Scope::Facilitator).expect("a count");
    f.mounts[0].fill();

    let resp = post(
        &f.router,
        "/share",
        &with_action(
            filled("Saved while the index was full", "pendingword"),
            "confirm",
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    let location = resp.header("location").to_string();
    let slug = location
        .strip_prefix("/mine?saved=")
        .and_then(|l| l.strip_suffix("&index=pending"))
        .unwrap_or_else(|| panic!("location {location}"));
    let rel = format!("submissions/{slug}.md");
    let text = std::fs::read_to_string(f.content.join(&rel)).expect("the file is saved");
    assert!(text.contains("pendingword"));
    assert!(
        erfa_index::Document::parse(&rel, &text).document.is_some(),
        "{text}"
    );
    assert_eq!(
        f.accounts
            .submissions_of(erfa_accounts::NO_ACCOUNT)
            .expect("listed")[0]
            .path,
        rel
    );
    assert!(watch.status().last_error.is_some(), "the index failed");

    // My write-ups lists it, says it is saved, and that search catches up by itself.
    let resp = get(&f.router, &location).await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    assert!(
        html.contains(&format!(
            "Your write-up is saved and waits for the facilitator&#39;s review: \
             <a href=\"/mine/{}\">",
            rel.trim_start_matches("submissions/")
                .trim_end_matches(".md")
        )),
        "{html}"
    );
    assert!(
        html.contains("</a> Search will find it as soon as the index has caught up"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/mine/{slug}\"")));

    // An edit is saved the same way.
    let edit = with_action(
        filled("Saved while the index was full", "laterword"),
        "send",
    );
    let resp = post(&f.router, &format!("/mine/{slug}"), &edit).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    assert_eq!(
        resp.header("location"),
        format!("/mine?saved={slug}&index=pending")
    );
    let text = std::fs::read_to_string(f.content.join(&rel)).expect("the file");
    assert!(text.contains("laterword"), "{text}");
    assert_eq!(submissions(&f.content), [format!("{slug}.md")]);
    assert!(slugs(&f.router, "laterword").await.is_empty());

    // Once there is room, the index catches up from `content/` with no one touching it:
    // no change, no nudge, no restart (B4). The worker's retries back off from 1 s to at
    // most 30 s; this outage was short, so the bound is generous for a debug build.
    std::fs::remove_file(Store::index_dir(&f.dir.path().join(".erfa")).join(".fill"))
        .expect("room again");
    let freed = std::time::Instant::now();
    while slugs(&f.router, "laterword").await.is_empty() {
        assert!(
            freed.elapsed() < Duration::from_secs(20),
            "the index did not catch up: {:?}",
            watch.status()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "B4: the index caught up {:?} after space was freed",
        freed.elapsed()
    );
    // The index equals the disk: the edit at its slug, the first text gone, and one
    // document per write-up in the folder.
    assert_eq!(
        slugs(&f.router, "laterword").await,
        [format!("submissions/{slug}")]
    );
    assert!(slugs(&f.router, "pendingword").await.is_empty());
    assert_eq!(
        f.state.engine.count(Scope::Facilitator).expect("a count"),
        indexed_before + 1
    );
    assert!(watch.status().last_error.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meeting_is_chosen_from_the_group_s_list_when_there_is_one() {
    let f = fixture();
    // Without a list the meeting is free text, as before.
    let html = get(&f.router, "/share").await.text();
    assert!(
        html.contains("id=\"f-meeting\" name=\"meeting\" type=\"text\""),
        "{html}"
    );

    std::fs::write(
        f.content.join("_meetings.yaml"),
        "meetings:\n  - id: 2024-Q3\n    date: 2024-09-12\n    place: Aarhus\n    title: Netværksmøde 3/2024\n  - id: 2024-Q4\n    date: 2024-12-05\n    place: Odense\n    title: Netværksmøde 4/2024\n",
    )
    .expect("the list");
    let html = get(&f.router, "/share").await.text();
    let start = html
        .find("<select id=\"f-meeting\"")
        .expect("a choice of meetings");
    let select = &html[start..start + html[start..].find("</select>").expect("its end")];
    let q4 = select
        .find("<option value=\"2024-Q4\">Netværksmøde 4/2024 (2024-12-05)</option>")
        .expect("the newer meeting");
    let q3 = select
        .find("<option value=\"2024-Q3\">Netværksmøde 3/2024 (2024-09-12)</option>")
        .expect("the older meeting");
    assert!(q4 < q3, "newest first: {select}");

    // A meeting outside the list is refused at its field, and nothing is written.
    let mut pairs = filled("Met in the autumn", "autumnword");
    pairs.push(("meeting", "efterår 2024".into()));
    let resp = post(&f.router, "/share", &with_action(pairs, "send")).await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    let html = resp.text();
    assert!(
        html.contains("Choose one of the group&#39;s meetings from the list, or none.")
            || html.contains("Choose one of the group's meetings from the list, or none."),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"efterår 2024\" selected>"),
        "kept as typed"
    );
    assert!(submissions(&f.content).is_empty());

    // One from the list is written as its id.
    let mut pairs = filled("Met in the autumn", "autumnword");
    pairs.push(("meeting", "2024-Q4".into()));
    let resp = post(&f.router, "/share", &with_action(pairs, "confirm")).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    let saved = submissions(&f.content);
    assert_eq!(saved.len(), 1);
    let text =
        std::fs::read_to_string(f.content.join("submissions").join(&saved[0])).expect("the file");
    assert!(text.contains("\nmeeting: 2024-Q4\n"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_fails_when_changes_no_longer_reach_the_index() {
    let f = fixture();
    let health = get(&f.router, "/api/health").await;
    assert_eq!(health.status, StatusCode::OK);
    let json = health.json();
    assert_eq!(
        (json["status"].as_str(), json["ready"].as_bool()),
        (Some("ok"), Some(true))
    );
    // An update brought about now is when the index was last brought up to date.
    std::fs::write(
        f.content.join("change/health.md"),
        "---\ntitle: Health\nkind: lesson\ndate: 2022-01-01\n---\n## Lesson learned\n\nChecked.\n",
    )
    .expect("write");
    let watch = f.state.watch.clone().expect("a watcher");
    tokio::task::spawn_blocking(move || watch.update_now(["change/health.md".to_string()]))
        .await
        .expect("joined")
        .expect("updated");
    let json = get(&f.router, "/api/health").await.json();
    assert!(json["index"]["last_success"].is_i64(), "{json}");

    f.state.watch.as_ref().expect("a watcher").halt();
    let start = std::time::Instant::now();
    let json = loop {
        let health = get(&f.router, "/api/health").await;
        if health.status == StatusCode::SERVICE_UNAVAILABLE {
            break health.json();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "still {}",
            health.status
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(json["status"], "failing");
    assert_eq!(json["ready"], false);
    assert!(
        json["warnings"][0]
            .as_str()
            .is_some_and(|w| w.contains("changes no longer reach the index")),
        "{json}"
    );
}

/// One request on a kept-alive connection: the status, the `Location` header and the
/// body. Blocking; answers must give their length, as erfa's do.
fn exchange(
    stream: &mut std::net::TcpStream,
    request: &str,
) -> std::io::Result<(u16, String, Vec<u8>)> {
    use std::io::{Read, Write};
    stream.write_all(request.as_bytes())?;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16384];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::other("closed before the answer"));
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status: {head}")))?;
    let header = |name: &str| {
        head.lines()
            .find_map(|line| {
                let (n, v) = line.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let length: usize = header("content-length").parse().unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::other("closed in the body"));
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Ok((status, header("location"), buffer[head_end..].to_vec()))
}

/// The resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// C2 in the suite: 8 s of mixed load from 8 kept-alive connections on the real server
/// loop — searches, write-up pages, the home page and submissions, while the watcher
/// indexes each submission. No request fails or gets an unexpected status, every
/// acknowledged submission is one file on disk and findable at once, none is duplicated
/// or lost, and memory stays bounded. The timings are the benchmark's
/// (docs/BENCHMARKS.md); here they are only printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_mixed_load_on_a_real_socket_loses_and_duplicates_nothing() {
    use std::time::{Duration, Instant};

    let f = fixture();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a socket");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(erfa_server::serve::serve(
        listener,
        f.router.clone(),
        erfa_server::Limits::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    let rss_before = rss_kib();
    let (acknowledged, requests, errors, took) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let until = started + Duration::from_secs(8);
        let clients: Vec<_> = (0..8)
            .map(|client| {
                std::thread::spawn(move || {
                    let mut stream = std::net::TcpStream::connect(addr).expect("connects");
                    stream
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .expect("a timeout");
                    let mut acknowledged = Vec::new();
                    let mut errors = Vec::new();
                    let mut requests = 0;
                    let mut round = 0usize;
                    while Instant::now() < until {
                        round += 1;
                        let get = |path: &str| {
                            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")
                        };
                        let word = format!("loadword{client}x{round}");
                        let (request, expected) = match round % 5 {
                            0 => {
                                let mut pairs = filled(&format!("Load {client} {round}"), &word);
                                pairs.push(("action", "confirm".into()));
                                let pairs: Vec<(&str, &str)> =
                                    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                                let form = body(&pairs);
                                (
                                    format!(
                                        "POST /share HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                                        form.len()
                                    ),
                                    303,
                                )
                            }
                            1 => (get("/api/search?q=cab"), 200),
                            2 => (get("/w/change/cab-copied"), 200),
                            3 => (get("/?q=swarming"), 200),
                            _ => (get("/api/search?q=triage+queues&page=2"), 200),
                        };
                        requests += 1;
                        match exchange(&mut stream, &request) {
                            Ok((status, location, _)) if status == expected => {
                                if expected == 303 {
                                    acknowledged.push((
                                        word,
                                        location
                                            .strip_prefix("/mine?saved=")
                                            .unwrap_or_default()
                                            .to_string(),
                                    ));
                                }
                            }
                            Ok((status, _, body)) => errors.push(format!(
                                "{status}: {}",
                                String::from_utf8_lossy(&body).chars().take(200).collect::<String>()
                            )),
                            Err(e) => {
                                errors.push(e.to_string());
                                stream = std::net::TcpStream::connect(addr).expect("reconnects");
                            }
                        }
                    }
                    (acknowledged, requests, errors)
                })
            })
            .collect();
        let mut acknowledged = Vec::new();
        let mut requests = 0;
        let mut errors = Vec::new();
        for client in clients {
            let (a, r, e) = client.join().expect("a client");
            acknowledged.extend(a);
            requests += r;
            errors.extend(e);
        }
        (acknowledged, requests, errors, started.elapsed())
    })
    .await
    .expect("the clients");
    let rss_after = rss_kib();
    println!(
        "{requests} requests ({} submissions) in {took:?} from 8 connections; RSS {} → {} MiB",
        acknowledged.len(),
        rss_before / 1024,
        rss_after / 1024
    );
    assert!(
        errors.is_empty(),
        "{} errors: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(!acknowledged.is_empty(), "submissions were made");
    // Every acknowledged submission is one file of its own, and findable now.
    let mut slugs: Vec<&str> = acknowledged.iter().map(|(_, s)| s.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(
        slugs.len(),
        acknowledged.len(),
        "no slug acknowledged twice"
    );
    let files = submissions(&f.content);
    assert_eq!(
        files.len(),
        acknowledged.len(),
        "one file per acknowledgement, no temporary files"
    );
    for (word, slug) in &acknowledged {
        assert!(
            f.content.join(format!("submissions/{slug}.md")).is_file(),
            "{slug} is on disk"
        );
        let found = self::slugs(&f.router, word).await;
        assert!(
            found.contains(&format!("submissions/{slug}")),
            "{word}: {found:?}"
        );
    }
    // Generous (other tests share the process): the bound catches a leak per request,
    // not the allocator's moods or the index writers' arenas.
    assert!(
        rss_after < rss_before + 768 * 1024,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .expect("the server stops")
        .expect("the server task");
}
