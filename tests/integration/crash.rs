//! Killing `erfa serve` or `erfa index` with SIGKILL in the middle of a reindex loses
//! nothing: the next run finishes the work by content hash, with no manual step
//! (the data-folder invariants in docs/ARCHITECTURE.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use erfa_index::{Indexer, Store, WriterOptions};

const FILES: usize = 2000;
const COMMIT_EVERY: usize = 200;

fn write_content(dir: &Path, round: usize) {
    for i in 0..FILES {
        let folder = dir.join(format!("topic-{}", i % 10));
        std::fs::create_dir_all(&folder).expect("mkdir");
        let text = format!(
            "---\ntitle: Write-up {i} round {round}\nkind: lesson\nlanguage: en\ndate: 2021-01-01\n---\n## Lesson learned\n\nIncident {i} taught us lesson {round}. The change board met on day {}.\n",
            i % 28 + 1
        );
        std::fs::write(folder.join(format!("w{i:05}.md")), text).expect("write");
    }
}

/// The generation of the last commit of the full index, from its meta.json payload.
fn generation(data: &Path) -> u64 {
    let meta = data.join("index/full/meta.json");
    let Ok(text) = std::fs::read_to_string(meta) else {
        return 0;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return 0;
    };
    json.get("payload")
        .and_then(|p| p.as_str())
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .and_then(|p| p.get("generation").and_then(|g| g.as_u64()))
        .unwrap_or(0)
}

fn erfa(content: &Path, data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_erfa"));
    cmd.arg("--content").arg(content).arg("--data").arg(data);
    cmd
}

fn disk_hashes(content: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walkdir(content)
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(content)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&p).expect("read");
            (rel, erfa_index::document::content_hash(&bytes))
        })
        .collect();
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    out
}

#[test]
fn sigkill_during_reindex_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    write_content(&content, 0);
    let status = erfa(&content, &data)
        .arg("index")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    assert!(status.success());

    for round in 1..=5 {
        write_content(&content, round);
        let before = generation(&data);
        // Odd rounds kill the server during its start-up reindex, even rounds `erfa index`.
        let command: &[&str] = if round % 2 == 1 {
            &["serve", "--bind", "127.0.0.1:0"]
        } else {
            &["index"]
        };
        let mut child = erfa(&content, &data)
            .args(command)
            .args(["--commit-every", &COMMIT_EVERY.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Wait for the first commit of this reindex, then kill at once.
        let deadline = Instant::now() + Duration::from_secs(120);
        while generation(&data) == before {
            assert!(
                child.try_wait().expect("wait").is_none(),
                "round {round}: finished before its first commit was seen"
            );
            assert!(
                Instant::now() < deadline,
                "round {round}: no commit within 120 s"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "round {round}: finished before the kill"
        );
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let at_kill = generation(&data);
        let all_commits = (FILES / COMMIT_EVERY) as u64 + 1;
        assert!(
            at_kill > before && at_kill < before + all_commits,
            "round {round}: the kill fell between the first and the last commit ({before} < {at_kill} < {})",
            before + all_commits
        );
    }

    // Restart the server with no manual step: the stale lock of the killed process is
    // taken over, and its first reconciliation, behind the first answers, finishes the
    // work; health says 200 once it has committed.
    let (mut server, port) = start_server_with(&content, &data, None);
    let deadline = Instant::now() + Duration::from_secs(120);
    while http(port, "GET", "/api/health", "").map(|(status, ..)| status) != Some(200) {
        assert!(Instant::now() < deadline, "health never said ok");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill().expect("stop");
    server.wait().expect("reap");
    let output = erfa(&content, &data).arg("index").output().expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains(&format!(
            "added 0, changed 0, deleted 0, unchanged {FILES}, errors 0"
        )),
        "the restarted server left work undone: {summary}"
    );

    // index == disk: the same paths with the same content hashes.
    let (store, _) = Store::open(&data).expect("open");
    let indexer = Indexer::new(&store, WriterOptions::default()).expect("writer");
    let mut indexed: Vec<(String, String)> = indexer
        .indexed_hashes()
        .expect("hashes")
        .into_iter()
        .collect();
    indexed.sort();
    assert_eq!(indexed, disk_hashes(&content));
}

#[test]
fn a_second_writer_is_refused_naming_the_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    write_content(&content, 0);
    // The first writer is this test process, holding the data folder's lock as a running
    // `erfa serve` or `erfa index` does, so the second writer always meets it.
    let first = erfa_index::lock::DataLock::acquire(&data).expect("lock");
    let second = erfa(&content, &data).arg("index").output().expect("run");
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("in use by another erfa process")
            && stderr.contains(&std::process::id().to_string()),
        "{stderr}"
    );
    drop(first);
}

/// A tiny xorshift generator: random kill moments without a dependency.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id());
        eprintln!("kill schedule seed: {seed}");
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Starts `erfa serve` in local mode on a free loopback port; returns it once it serves.
fn start_server(content: &Path, data: &Path) -> (std::process::Child, u16) {
    start_server_with(content, data, None)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// As [`start_server`]; with `trace`, under `strace` writing its log there.
fn start_server_with(
    content: &Path,
    data: &Path,
    trace: Option<&Path>,
) -> (std::process::Child, u16) {
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let mut command = match trace {
        Some(log) => {
            let mut c = Command::new("strace");
            c.args(["-f", "-y", "-qq", "-s", "64", "-e"])
                .arg("trace=fsync,fdatasync,link,linkat,rename,renameat,renameat2,write,writev,sendto,sendmsg")
                .arg("-o")
                .arg(log)
                .arg(env!("CARGO_BIN_EXE_erfa"))
                .arg("--content")
                .arg(content)
                .arg("--data")
                .arg(data);
            c
        }
        None => erfa(content, data),
    };
    let mut server = command
        .args(["serve", "--bind", &bind])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = std::io::BufReader::new(server.stderr.take().expect("stderr"));
    let mut line = String::new();
    loop {
        line.clear();
        let n = std::io::BufRead::read_line(&mut stderr, &mut line).expect("read");
        assert!(n > 0, "the server stopped before serving");
        if line.contains("is serving") {
            break;
        }
    }
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while std::io::BufRead::read_line(&mut stderr, &mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    (server, port)
}

/// One HTTP/1.1 request over a fresh connection: the status and the `Location`, or `None`
/// when the connection failed (the server was killed).
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String, String)> {
    use std::io::{Read, Write};
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    // Local mode wants a loopback Host; no cookie and no Origin, as a script would send.
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let location = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap_or_default()
        .trim()
        .to_string();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, location, body))
}

/// The end of submission `i`'s text: a file that has it was written whole.
fn marker(i: usize) -> String {
    format!("End of submission {i}.")
}

fn submission(i: usize) -> String {
    let long = "The change board met and nothing moved. ".repeat(200);
    let pairs = [
        ("title", format!("Crash test submission {i}")),
        ("kind", "lesson".to_string()),
        ("language", "en".to_string()),
        ("date", "2024-01-01".to_string()),
        ("visibility", "members".to_string()),
        ("what_happened", long),
        ("lesson", format!("crashmarker {}", marker(i))),
        ("action", "confirm".to_string()),
    ];
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// 200 submissions to `erfa serve`, SIGKILLed at random moments and
/// restarted; every acknowledged submission is on disk whole, no file is half-written,
/// and temporary files are swept at start, behind the first answer.
#[test]
fn sigkill_during_submissions_loses_nothing_acknowledged() {
    const TOTAL: usize = 200;
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    std::fs::create_dir_all(content.join("change")).expect("mkdir");
    std::fs::write(
        content.join("change/cab.md"),
        "---\ntitle: A CAB\nkind: lesson\ndate: 2022-01-01\n---\n## Lesson learned\n\nSmall.\n",
    )
    .expect("write");
    let mut rng = Rng::new();
    let mut acknowledged: Vec<(usize, String)> = Vec::new();
    let mut next = 0;
    let mut kills = 0;
    while next < TOTAL {
        let (mut server, port) = start_server(&content, &data);
        // Send until the server dies under us (or all are sent on the last run). A run that
        // is to be killed sends at most 35, so four kills always happen, whatever the speed.
        let stop_after = if kills < 4 {
            Some(Duration::from_millis(100 + rng.below(900)))
        } else {
            None
        };
        let client = {
            let start = next;
            let end = if stop_after.is_some() {
                (start + 35).min(TOTAL)
            } else {
                TOTAL
            };
            std::thread::spawn(move || {
                let mut acks = Vec::new();
                let mut i = start;
                while i < end {
                    match http(port, "POST", "/share", &submission(i)) {
                        Some((303, location, _)) => {
                            let slug = location
                                .strip_prefix("/mine?saved=")
                                .expect("a saved slug")
                                .to_string();
                            acks.push((i, slug));
                        }
                        Some((status, _, body)) => panic!("submission {i}: {status} {body}"),
                        None => return (acks, i + 1),
                    }
                    i += 1;
                }
                (acks, i)
            })
        };
        match stop_after {
            Some(delay) => {
                std::thread::sleep(delay);
                server.kill().expect("SIGKILL");
                server.wait().expect("reap");
                kills += 1;
                let (acks, reached) = client.join().expect("the client");
                acknowledged.extend(acks);
                next = reached;
            }
            None => {
                let (acks, reached) = client.join().expect("the client");
                acknowledged.extend(acks);
                next = reached;
                server.kill().expect("stop");
                server.wait().expect("reap");
            }
        }
    }
    assert!(kills >= 4, "the server was killed {kills} times");

    // A leftover of an interrupted write, as a crash between write and link leaves it.
    let folder = content.join("submissions");
    std::fs::write(folder.join(".erfa-tmp-999999-1"), "half").expect("planted");
    let (mut server, port) = start_server(&content, &data);
    let leftovers = || -> Vec<String> {
        std::fs::read_dir(&folder)
            .expect("the folder")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| n.starts_with(".erfa-tmp-"))
            .collect()
    };
    // Swept behind the first answer.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !leftovers().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(leftovers().is_empty(), "swept at start: {:?}", leftovers());

    // Every acknowledged submission is there, whole.
    for (i, slug) in &acknowledged {
        let path = folder.join(format!("{slug}.md"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("acknowledged submission {i} ({slug}) is missing: {e}"));
        assert!(
            text.ends_with(&format!("{}\n", marker(*i))),
            "{slug} is cut short"
        );
        assert!(text.starts_with(&format!("---\ntitle: Crash test submission {i}\n")));
    }
    // No file is half-written, acknowledged or not.
    let mut files = 0;
    for entry in std::fs::read_dir(&folder).expect("the folder") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let parsed = erfa_index::Document::parse("submissions/x.md", &text);
        let doc = parsed
            .document
            .unwrap_or_else(|| panic!("{}: {text:?}", path.display()));
        let i: usize = doc
            .front
            .title
            .trim_start_matches("Crash test submission ")
            .parse()
            .expect("a number");
        assert!(
            text.ends_with(&format!("{}\n", marker(i))),
            "{} is cut short",
            path.display()
        );
        files += 1;
    }
    assert!(files >= acknowledged.len());
    assert!(
        acknowledged.len() >= TOTAL - kills - 1,
        "only {} of {TOTAL} acknowledged",
        acknowledged.len()
    );
    // And the index, rebuilt or reconciled at start, holds them all.
    let (status, _, body) =
        http(port, "GET", "/api/search?q=crashmarker&per_page=1", "").expect("a search");
    assert_eq!(status, 200);
    let total = body
        .split("\"total\":")
        .nth(1)
        .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("a total");
    assert_eq!(total, files);
    server.kill().expect("stop");
    server.wait().expect("reap");
}

/// The order of a durable submission as the kernel sees it (strace):
/// the temporary file is flushed, linked to its name, the folder flushed, and only then
/// does the answer go out. Skips without `strace`, except under `CI=true`.
#[test]
fn a_submission_is_flushed_linked_and_flushed_again_before_the_answer() {
    if Command::new("strace").arg("-V").output().is_err() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "this test needs strace");
        eprintln!("skipping: strace is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    std::fs::create_dir_all(content.join("submissions")).expect("mkdir");
    let log = dir.path().join("strace.log");
    let (mut server, port) = start_server_with(&content, &data, Some(&log));
    let mut slugs = Vec::new();
    for i in 0..5 {
        let (status, location, body) =
            http(port, "POST", "/share", &submission(i)).expect("an answer");
        assert_eq!(status, 303, "{body}");
        slugs.push(
            location
                .strip_prefix("/mine?saved=")
                .expect("a saved slug")
                .to_string(),
        );
    }
    // Stop erfa itself (the data folder's lock names it), so strace finishes its log.
    let pid = std::fs::read_to_string(data.join("erfa.pid")).expect("the pid file");
    let pid = pid.split_whitespace().next().expect("a pid").to_string();
    let stopped = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(stopped.success());
    server.wait().expect("reap");
    let log = std::fs::read_to_string(&log).expect("the strace log");
    let lines: Vec<&str> = log.lines().collect();
    let folder = content
        .join("submissions")
        .canonicalize()
        .expect("the folder");
    let folder = folder.to_string_lossy();
    let find = |from: usize, what: &dyn Fn(&str) -> bool| -> Option<usize> {
        lines[from..].iter().position(|l| what(l)).map(|i| from + i)
    };
    let mut at = 0;
    for slug in &slugs {
        let name = format!("/{slug}.md\"");
        let link = find(at, &|l: &str| {
            (l.contains(" link(") || l.contains(" linkat("))
                && l.contains(&name)
                && (l.ends_with("= 0") || l.ends_with("<unfinished ...>"))
        })
        .unwrap_or_else(|| panic!("no link to {slug}.md:\n{log}"));
        let temp = lines[link]
            .split('"')
            .find(|part| part.contains(".erfa-tmp-"))
            .expect("linked from a temporary file")
            .rsplit('/')
            .next()
            .expect("a name")
            .to_string();
        let flushed_file = find(at, &|l: &str| {
            (l.contains(" fsync(") || l.contains(" fdatasync(")) && l.contains(&format!("/{temp}>"))
        });
        assert!(
            flushed_file.is_some_and(|f| f < link),
            "{slug}: the temporary file {temp} is not flushed before the link"
        );
        // The folder's descriptor, as strace prints it both for a whole call and for one
        // cut by another thread's call (`fsync(5</…/submissions> <unfinished ...>`).
        let dir_flush = format!("<{folder}>");
        let flushed_dir = find(link, &|l: &str| {
            l.contains(" fsync(") && l.contains(&dir_flush)
        })
        .unwrap_or_else(|| panic!("{slug}: the folder is not flushed after the link"));
        let answered = find(link, &|l: &str| l.contains("HTTP/1.1 303"))
            .unwrap_or_else(|| panic!("{slug}: no answer in the trace"));
        assert!(
            flushed_dir < answered,
            "{slug}: answered before the folder was flushed"
        );
        at = answered + 1;
    }
}

/// SIGTERM while submissions and searches arrive: the server stops by itself, every
/// acknowledged submission is on disk and in the index, requests that were answered were
/// answered whole (a search with its total, or a clean 503), and the next start needs no
/// repair.
#[test]
fn sigterm_during_submissions_finishes_cleanly_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    std::fs::create_dir_all(content.join("submissions")).expect("mkdir");
    let (mut server, port) = start_server(&content, &data);
    let sending = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let sending = sending.clone();
            std::thread::spawn(move || {
                let mut acks = Vec::new();
                let mut i = c * 10_000;
                while sending.load(std::sync::atomic::Ordering::SeqCst) {
                    match http(port, "POST", "/share", &submission(i)) {
                        Some((303, location, _)) => acks.push((
                            i,
                            location
                                .strip_prefix("/mine?saved=")
                                .expect("a saved slug")
                                .to_string(),
                        )),
                        // A clean refusal while stopping; anything else is a defect.
                        Some((503, _, _)) | None => {}
                        Some((status, _, body)) => panic!("submission {i}: {status} {body}"),
                    }
                    i += 1;
                }
                acks
            })
        })
        .collect();
    let searchers: Vec<_> = (0..2)
        .map(|_| {
            let sending = sending.clone();
            std::thread::spawn(move || {
                let mut answered = 0;
                while sending.load(std::sync::atomic::Ordering::SeqCst) {
                    match http(port, "GET", "/api/search?q=crashmarker&per_page=1", "") {
                        Some((200, _, body)) => {
                            assert!(body.contains("\"total\":"), "a whole answer: {body}");
                            answered += 1;
                        }
                        Some((503, _, _)) | None => {}
                        Some((status, _, body)) => panic!("search: {status} {body}"),
                    }
                }
                answered
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "still running 30 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    sending.store(false, std::sync::atomic::Ordering::SeqCst);
    let acknowledged: Vec<(usize, String)> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("a client"))
        .collect();
    let searched: usize = searchers
        .into_iter()
        .map(|s| s.join().expect("a searcher"))
        .sum();
    assert!(
        searched > 0,
        "searches were answered while submissions arrived"
    );
    assert!(status.success(), "erfa exits 0 on SIGTERM: {status}");
    assert!(
        !acknowledged.is_empty(),
        "some submissions were acknowledged"
    );
    for (i, slug) in &acknowledged {
        let text = std::fs::read_to_string(content.join(format!("submissions/{slug}.md")))
            .unwrap_or_else(|e| panic!("acknowledged submission {i} ({slug}) is missing: {e}"));
        assert!(
            text.ends_with(&format!("{}\n", marker(*i))),
            "{slug} is cut short"
        );
    }
    let on_disk = std::fs::read_dir(content.join("submissions"))
        .expect("the folder")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".md"))
        })
        .count();
    assert!(on_disk >= acknowledged.len());

    // The next start serves them all at once, with nothing to repair: the lock is free and
    // the index holds every file.
    let (mut again, port) = start_server(&content, &data);
    let (status, _, body) =
        http(port, "GET", "/api/search?q=crashmarker&per_page=1", "").expect("a search");
    assert_eq!(status, 200);
    let total = body
        .split("\"total\":")
        .nth(1)
        .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("a total");
    assert_eq!(total, on_disk);
    again.kill().expect("stop");
    again.wait().expect("reap");
}
