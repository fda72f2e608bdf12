//! Killing `erfa serve` or `erfa index` with SIGKILL in the middle of a reindex loses
//! nothing: the next run finishes the work by content hash, with no manual step
//! (RELIABILITY.md B1, B3).

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
    // taken over, and its start-up update finishes the work.
    let mut server = erfa(&content, &data)
        .args(["serve", "--bind", "127.0.0.1:0"])
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
