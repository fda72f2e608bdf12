//! Odd things in the content tree (docs/FORMAT.md, "Slugs, folders and files"): links,
//! FIFOs, editor files, huge, binary and mis-encoded files. The walk ends, nothing blocks,
//! only regular `*.md` write-ups are indexed, and each problem is reported once.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use erfa_index::{Engine, Mode, Scope, SearchRequest, Store, UpdateReport};

use crate::common::{search, slugs, update, write, writeup};

/// Builds the odd tree; returns the content root (inside `dir`).
fn odd_tree(dir: &Path) -> PathBuf {
    let root = dir.join("content");
    let outside = dir.join("outside");
    let good = |title: &str| writeup(title, "practice", "en", "members", "Text.");
    write(&root, "good/a.md", &good("Good one"));
    write(&root, "good/b.md", &good("Good two"));
    write(&outside, "secret.md", &good("zqxoutside secret"));

    // Links: a loop, a link to itself, a dangling link, a link out of the content folder.
    symlink(".", root.join("good/self")).expect("symlink");
    symlink("loop.md", root.join("loop.md")).expect("symlink");
    symlink("nowhere.md", root.join("dangling.md")).expect("symlink");
    symlink(outside.join("secret.md"), root.join("outside.md")).expect("symlink");
    symlink(&outside, root.join("outside-folder")).expect("symlink");
    // Editor litter: emacs lock link, vim's write test, swap and backup files.
    symlink("user@host.1234:1700000000", root.join("good/.#a.md")).expect("symlink");
    write(&root, "good/4913", "");
    write(&root, "good/.a.md.swp", "\0swap");
    write(&root, "good/a.md~", &good("Backup"));
    // Not write-ups by name: dot-folders and `_` files.
    write(&root, ".git/x.md", &good("In git"));
    write(&root, "_template.md", &good("Template"));
    // A FIFO that would block whoever opens it.
    let fifo = root.join("x.md");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo failed");
    // Too large, binary, mis-encoded.
    let mut big = good("Big");
    big.push_str(&"A line of filler text for a very long write-up.\n".repeat(64 * 1024));
    assert!(big.len() > 3 * 1024 * 1024);
    write(&root, "big.md", &big);
    std::fs::write(
        root.join("image.md"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
    )
    .expect("write");
    std::fs::write(
        root.join("latin1.md"),
        b"---\ntitle: Caf\xe9\nkind: practice\n---\n",
    )
    .expect("write");
    let mut wide = vec![0xff, 0xfe];
    for unit in good("Wide").encode_utf16() {
        wide.extend(unit.to_le_bytes());
    }
    std::fs::write(root.join("wide.md"), wide).expect("write");
    // File names that are not UTF-8: a write-up is reported, an image is not.
    let name = |bytes: &[u8]| root.join(std::ffi::OsStr::from_bytes(bytes));
    std::fs::write(name(b"caf\xe9.md"), good("Latin-1 name")).expect("write");
    std::fs::write(name(b"logo-\xe9.png"), b"\x89PNG").expect("write");
    root
}

/// The paths expected to be reported, each exactly once.
const PROBLEMS: [&str; 9] = [
    "big.md",
    "caf\u{fffd}.md",
    "dangling.md",
    "image.md",
    "latin1.md",
    "loop.md",
    "outside.md",
    "wide.md",
    "x.md",
];

/// Runs `f` on another thread and fails the test if it does not finish in 20 s.
fn within_20s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the walk did not finish: something blocked (a FIFO opened?) or looped")
}

fn counts(paths: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for p in paths {
        *out.entry(p).or_default() += 1;
    }
    out
}

fn expected_counts() -> BTreeMap<String, usize> {
    PROBLEMS.iter().map(|p| (p.to_string(), 1)).collect()
}

#[test]
fn indexing_an_odd_tree_ends_and_indexes_only_the_good_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = odd_tree(dir.path());
    let store = Store::in_ram();
    let report: UpdateReport = within_20s({
        let store = store.clone();
        let root = root.clone();
        move || update(&store, &root, Mode::Incremental)
    });
    assert_eq!(
        counts(report.diagnostics.iter().map(|d| d.path.clone())),
        expected_counts(),
        "{:#?}",
        report.diagnostics
    );
    assert!(report.diagnostics.iter().all(|d| d.is_error()));
    assert_eq!(
        (report.added, report.errors),
        (2, PROBLEMS.len()),
        "{report}"
    );
    let engine = Engine::new(&store).expect("engine");
    engine.reload().expect("reload");
    let all = search(&engine, &SearchRequest::new("", Scope::Facilitator));
    let mut found = slugs(&all);
    found.sort();
    assert_eq!(found, ["good/a", "good/b"]);
    let outside = search(
        &engine,
        &SearchRequest::new("zqxoutside", Scope::Facilitator),
    );
    assert_eq!(
        outside.total, 0,
        "a link out of the content folder was followed"
    );
}

#[test]
fn check_reports_each_problem_of_an_odd_tree_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = odd_tree(dir.path());
    let check = within_20s(move || erfa_index::catalog::check(&root).expect("check"));
    assert_eq!(
        counts(check.diagnostics.iter().map(|d| d.path.clone())),
        expected_counts(),
        "{:#?}",
        check.diagnostics
    );
    assert_eq!(check.documents.len(), 2);
    assert_eq!(check.errors(), PROBLEMS.len());
    let by_path = |p: &str| {
        check
            .diagnostics
            .iter()
            .find(|d| d.path == p)
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(by_path("x.md").contains("not a regular file"));
    assert!(by_path("loop.md").contains("symbolic link"));
    assert!(by_path("outside.md").contains("symbolic link"));
    assert!(by_path("big.md").contains("at most 1 MiB"));
    assert!(by_path("image.md").contains("NUL bytes"));
    assert!(by_path("latin1.md").contains("invalid UTF-8"));
    assert!(by_path("wide.md").contains("UTF-16"));
    assert!(by_path("caf\u{fffd}.md").contains("not valid UTF-8"));
}

#[test]
fn a_second_update_of_an_odd_tree_reports_the_same_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = odd_tree(dir.path());
    let store = Store::in_ram();
    let first = update(&store, &root, Mode::Incremental);
    let second = within_20s({
        let store = store.clone();
        move || update(&store, &root, Mode::Incremental)
    });
    assert_eq!(
        second.to_string(),
        "added 0, changed 0, deleted 0, unchanged 2, errors 9"
    );
    assert_eq!(first.diagnostics, second.diagnostics);
}

/// A4: a 50 MB write-up (sparse: it takes no disk) is refused by the size cap at once,
/// without being read, and the good file beside it is indexed.
#[test]
fn a_fifty_megabyte_file_is_refused_without_being_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("content");
    write(
        &root,
        "good.md",
        &writeup("Good", "practice", "en", "public", "Text."),
    );
    let huge = std::fs::File::create(root.join("huge.md")).expect("create");
    huge.set_len(50 * 1024 * 1024).expect("sparse");
    let started = std::time::Instant::now();
    let report = update(&Store::in_ram(), &root, Mode::Rebuild);
    let took = started.elapsed();
    assert_eq!(
        (report.added, report.errors),
        (1, 1),
        "{:?}",
        report.diagnostics
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.path == "huge.md" && d.message.contains("at most 1 MiB")),
        "{:?}",
        report.diagnostics
    );
    assert!(took < Duration::from_secs(1), "{took:?}");
}
