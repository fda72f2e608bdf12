//! `erfa backup` and `erfa restore`, end to end: a server with accounts under a write load
//! (logins, submissions, signals, flags) is backed up; the backup checks out, restores
//! into empty folders, and the restored copy serves the same search answers, accounts and
//! audit log as the original. And the clear errors: a missing file, a damaged archive, a
//! checksum mismatch, a non-empty folder, a backup from a newer erfa.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "sesame-open-wide-42";

fn erfa(content: &Path, data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_erfa"));
    cmd.arg("--content").arg(content).arg("--data").arg(data);
    cmd
}

fn run(content: &Path, data: &Path, args: &[&str]) -> Output {
    erfa(content, data).args(args).output().expect("erfa runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(content: &Path, data: &Path) -> Server {
    let port = free_port();
    let child = erfa(content, data)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("erfa serve starts");
    let server = Server(child, port);
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// One request on a fresh connection; the whole response as text.
fn http(port: u16, method: &str, path: &str, headers: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n{headers}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

fn login(port: u16) -> String {
    let response = http(
        port,
        "POST",
        "/login",
        "",
        &format!("name=fran&password={PASSWORD}&next=%2F"),
    );
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    response
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string()
}

fn submission(i: usize) -> String {
    format!(
        "title=Backup+load+submission+{i}&kind=lesson&language=en&date=2024-01-01&visibility=members&what_happened=The+change+board+met.&lesson=loadmarker+{i}&action=confirm"
    )
}

/// The answers the restored copy must give alike: searches (by slug, in order), the
/// accounts, and the audit log.
fn answers(content: &Path, data: &Path, port: u16, token: &str) -> Vec<String> {
    let mut out = Vec::new();
    for q in ["loadmarker", "change", "incident", "kind:lesson"] {
        let response = http(
            port,
            "GET",
            &format!("/api/search?q={q}&per_page=100"),
            &format!("Authorization: Bearer {token}\r\n"),
            "",
        );
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let body = response.split_once("\r\n\r\n").expect("body").1;
        let json: serde_json::Value = serde_json::from_str(body).expect("json");
        out.push(format!("{q}: {} {}", json["total"], {
            let slugs: Vec<_> = json["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .map(|h| h["slug"].to_string())
                .collect();
            slugs.join(",")
        }));
    }
    let users = run(content, data, &["user", "list"]);
    assert!(users.status.success(), "{}", stderr(&users));
    out.push(String::from_utf8_lossy(&users.stdout).into_owned());
    out.extend(table(data, "audit"));
    out.extend(table(data, "signals"));
    out.extend(table(data, "flags"));
    out.extend(table(data, "submissions"));
    out
}

/// Every row of `table`, in rowid order, as text.
fn table(data: &Path, table: &str) -> Vec<String> {
    let db = rusqlite::Connection::open_with_flags(
        data.join("state.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("db");
    let mut stmt = db
        .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
        .expect("query");
    let columns = stmt.column_count();
    stmt.query_map([], |row| {
        let mut line = format!("{table}:");
        for i in 0..columns {
            let v: rusqlite::types::Value = row.get(i)?;
            line.push_str(&format!(" {v:?}"));
        }
        Ok(line)
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let root = tempfile::tempdir().expect("dir");
    let content = root.path().join("content");
    let data = root.path().join("data");
    std::fs::create_dir_all(content.join("incident")).expect("content");
    for i in 0..5 {
        std::fs::write(
            content.join(format!("incident/case-{i}.md")),
            format!("---\ntitle: Incident case {i}\nkind: lesson\nlanguage: en\ndate: 2022-01-0{}\nstatus: published\n---\n## Lesson learned\n\nThe incident and change board {i}.\n", i + 1),
        )
        .expect("write-up");
    }
    std::fs::write(
        content.join("incident/diagram.bin"),
        [0u8, 159, 146, 150, 255],
    )
    .expect("attachment");
    let mut add = erfa(&content, &data)
        .args([
            "user",
            "add",
            "fran",
            "--role",
            "facilitator",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("erfa user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("password");
    assert!(add.wait().expect("added").success());
    (root, content, data)
}

fn token(content: &Path, data: &Path) -> String {
    let out = run(content, data, &["user", "token", "fran"]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .find(|w| w.len() == 64 && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .expect("a token printed")
        .to_string()
}

#[test]
fn a_backup_under_load_restores_the_same_answers() {
    let (root, content, data) = setup();
    let token = token(&content, &data);
    let server = start(&content, &data);
    let port = server.1;

    // The write load: logins, submissions, signals and flags, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let load = {
        let (stop, done) = (stop.clone(), done.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let cookie = format!("Cookie: {}\r\n", login(port));
                let sent = http(port, "POST", "/share", &cookie, &submission(i));
                assert!(sent.starts_with("HTTP/1.1 303"), "{sent}");
                let slug = format!("incident/case-{}", i % 5);
                let signal = http(
                    port,
                    "POST",
                    &format!("/signal/{slug}"),
                    &cookie,
                    "signal=helped",
                );
                assert!(signal.starts_with("HTTP/1.1 303"), "{signal}");
                let flag = http(
                    port,
                    "POST",
                    &format!("/flag/{slug}"),
                    &cookie,
                    "reason=outdated&comment=old",
                );
                assert!(flag.starts_with("HTTP/1.1 303"), "{flag}");
                i += 1;
                done.store(i, Ordering::Relaxed);
            }
        })
    };
    while done.load(Ordering::Relaxed) < 3 {
        std::thread::sleep(Duration::from_millis(20));
    }

    // A backup under load is consistent: it checks out, and every submission state.db
    // records is a file in its content.
    let under_load = root.path().join("under-load.tar");
    let out = run(
        &content,
        &data,
        &["backup", "--out", under_load.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &content,
        &data,
        &["backup", "--verify", under_load.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (c1, d1) = (root.path().join("c1"), root.path().join("d1"));
    let out = run(
        &c1,
        &d1,
        &["restore", "--from", under_load.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for row in table(&d1, "submissions") {
        let path = row.split('"').nth(1).expect("a path");
        assert!(path.ends_with(".md"), "{row}");
        assert!(c1.join(path).is_file(), "{path} is recorded and restored");
    }
    let original_audit = table(&data, "audit");
    let restored_audit = table(&d1, "audit");
    assert!(!restored_audit.is_empty());
    assert_eq!(
        restored_audit[..],
        original_audit[..restored_audit.len()],
        "the restored audit log is the original's up to the snapshot"
    );

    stop.store(true, Ordering::Relaxed);
    load.join().expect("the load ran without failing");

    // Once writes stop, a backup restores to the very same answers.
    let quiet = root.path().join("quiet.tar");
    let out = run(
        &content,
        &data,
        &["backup", "--out", quiet.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (c2, d2) = (root.path().join("c2"), root.path().join("d2"));
    let out = run(
        &c2,
        &d2,
        &["restore", "--from", quiet.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let original = answers(&content, &data, port, &token);
    let restored_server = start(&c2, &d2);
    let restored = answers(&c2, &d2, restored_server.1, &token);
    assert_eq!(original, restored);
    let found: u64 = original[0]
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a total");
    assert!(found >= 3, "the submissions are found: {original:?}");
    assert!(
        original.iter().any(|l| l.starts_with("flags:")),
        "{original:?}"
    );
    drop(restored_server);
    drop(server);
    for file in walk(&content) {
        let rel = file.strip_prefix(&content).expect("under content");
        assert_eq!(
            std::fs::read(&file).expect("original"),
            std::fs::read(c2.join(rel)).expect("restored"),
            "{} is restored byte for byte",
            rel.display()
        );
    }
    assert!(
        d2.join("index")
            .read_dir()
            .expect("index rebuilt")
            .next()
            .is_some()
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry"))
    {
        if e.file_type().expect("type").is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn bad_backups_and_folders_get_clear_errors() {
    let (root, content, data) = setup();
    let file = root.path().join("b.tar");
    let name = file.to_str().expect("utf-8");
    assert!(
        run(&content, &data, &["backup", "--out", name])
            .status
            .success()
    );
    let bytes = std::fs::read(&file).expect("backup");
    let (c, d) = (root.path().join("c"), root.path().join("d"));

    let missing = root.path().join("missing.tar");
    let out = run(
        &c,
        &d,
        &["restore", "--from", missing.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("there is no backup at"),
        "{}",
        stderr(&out)
    );

    let short = root.path().join("short.tar");
    std::fs::write(&short, &bytes[..bytes.len() / 2]).expect("cut");
    let out = run(
        &c,
        &d,
        &["backup", "--verify", short.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));

    // One byte of the attachment changed: the tar headers still agree, the checksum not.
    let changed = root.path().join("changed.tar");
    let at = bytes
        .windows(5)
        .position(|w| w == [0u8, 159, 146, 150, 255])
        .expect("the attachment's bytes");
    let mut damaged = bytes.clone();
    damaged[at + 1] = 1;
    std::fs::write(&changed, &damaged).expect("changed");
    let out = run(
        &c,
        &d,
        &["restore", "--from", changed.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("checksum mismatch for content/incident/diagram.bin"),
        "{}",
        stderr(&out)
    );
    assert!(!c.exists(), "nothing is written from a damaged backup");

    // A manifest from a newer erfa: its format number is larger.
    let newer = root.path().join("newer.tar");
    let key = b"\"format\": 1,";
    let at = bytes
        .windows(key.len())
        .position(|w| w == key)
        .expect("the format in the manifest");
    let mut from_newer = bytes.clone();
    from_newer[at + key.len() - 2] = b'9';
    std::fs::write(&newer, &from_newer).expect("newer");
    let out = run(
        &c,
        &d,
        &["backup", "--verify", newer.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("written by a newer erfa"),
        "{}",
        stderr(&out)
    );

    // A state.db from a newer erfa's schema.
    let key = b"\"schema_version\": ";
    let at = bytes
        .windows(key.len())
        .position(|w| w == key)
        .expect("the schema version in the manifest");
    let mut newer_schema = bytes.clone();
    // The space before the version becomes a 9: a version with one digit more than any
    // erfa has written yet, and the archive keeps its length.
    newer_schema[at + key.len() - 1] = b'9';
    std::fs::write(&newer, &newer_schema).expect("newer schema");
    let out = run(
        &c,
        &d,
        &["restore", "--from", newer.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("newer than this erfa knows"),
        "{}",
        stderr(&out)
    );
    assert!(!c.exists(), "nothing is written from a newer backup");

    std::fs::create_dir_all(&c).expect("c");
    std::fs::write(c.join("keep.md"), "mine").expect("a file");
    let out = run(&c, &d, &["restore", "--from", name]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(c.join("keep.md")).expect("kept"),
        "mine"
    );
}

#[test]
fn a_data_folder_inside_the_content_folder_is_left_out() {
    let (root, content, _) = setup();
    let inner = content.join(".erfa");
    let out = run(&content, &inner, &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = root.path().join("b.tar");
    let out = run(
        &content,
        &inner,
        &["backup", "--out", file.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (c, d) = (root.path().join("c"), root.path().join("d"));
    let out = run(
        &c,
        &d,
        &["restore", "--from", file.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!c.join(".erfa").exists(), "the index is not in the backup");
    assert!(c.join("incident/diagram.bin").is_file());
}
