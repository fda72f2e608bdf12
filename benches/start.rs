//! Server start to first answer: how long `erfa serve` takes from process start to its
//! first HTTP 200 for a search, with an index on disk, and until health says `ok` (the
//! index reconciled with the content folder behind the first answers).
//!
//! `cargo bench --bench start [-- --size N --runs N]` (defaults: 10,000 write-ups, 7 runs).
//! Copies a generated corpus to a temporary folder, builds the index once with `erfa
//! index`, then starts the release `erfa serve` binary again and again on it, polling
//! `GET /api/search?q=lesson` every 2 ms over a fresh connection (as the peer comparison
//! does) and then `GET /api/health`. Also times `erfa index` on the unchanged folder: the
//! work a start did before it answered, before erfa served the last committed index at
//! once.

#[path = "support/synth.rs"]
mod synth;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ERFA: &str = env!("CARGO_BIN_EXE_erfa");

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The status of one GET, or `None` when nothing answers yet.
fn status(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).ok()?;
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_string();
    head.split(' ').nth(1)?.parse().ok()
}

/// Polls `path` every 2 ms until it answers 200.
fn until_ok(addr: SocketAddr, path: &str, since: Instant) -> Duration {
    loop {
        if status(addr, path) == Some(200) {
            return since.elapsed();
        }
        assert!(
            since.elapsed() < Duration::from_secs(120),
            "{path} never answered 200"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn erfa(content: &Path, data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(ERFA);
    command
        .arg("--content")
        .arg(content)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// What checking hits against their files costs while starting (in process, members'
/// scope, as the first search after a start meets it and once the files were read once),
/// against the same search without the check.
fn window_cost(content: &Path, data: &Path) {
    use erfa_index::{Engine, Scope, SearchRequest, Store};
    let store = Store::open_read_only(data).expect("the index");
    let engine = Engine::new(&store).expect("engine");
    engine.reload().expect("reload");
    engine.set_result_cache(0);
    let search = |engine: &Engine| {
        let started = Instant::now();
        let results = engine
            .search(&SearchRequest::new("lesson", Scope::Members))
            .expect("search");
        (ms(started.elapsed()), results.total)
    };
    let (plain, total) = search(&engine);
    let (plain_again, _) = search(&engine);
    engine.recheck_against(content);
    let (first, checked_total) = search(&engine);
    let (again, _) = search(&engine);
    assert_eq!(total, checked_total, "the files allow what the index says");
    println!(
        "members' search `lesson` ({total} hits, facets and snippets): {plain:.1} ms, again {plain_again:.1} ms; \
         checked against the files while starting: first {first:.1} ms, again {again:.1} ms"
    );
}

fn main() {
    let size = arg("--size", 10_000);
    let runs = arg("--runs", 7).max(1);
    let (corpus, _) = synth::cached_corpus(synth::Config::new(size)).expect("corpus");
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&content).expect("mkdir");
    synth::copy_tree(&corpus, &content).expect("copy");
    let built = Instant::now();
    let ok = erfa(&content, &data, &["index"])
        .status()
        .expect("erfa index");
    assert!(ok.success(), "erfa index failed");
    println!(
        "{size} write-ups: index built in {:.0} ms",
        ms(built.elapsed())
    );

    let mut incremental = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let ok = erfa(&content, &data, &["index"])
            .status()
            .expect("erfa index");
        assert!(ok.success());
        incremental.push(ms(started.elapsed()));
    }
    println!(
        "erfa index on the unchanged folder (what a start did before answering): median {:.0} ms",
        median(incremental)
    );

    let (mut first, mut ready) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let bind = format!("127.0.0.1:{port}");
        let started = Instant::now();
        let mut child = erfa(&content, &data, &["serve", "--bind", &bind])
            .spawn()
            .expect("erfa serve");
        let answer = until_ok(addr, "/api/search?q=lesson", started);
        let health = until_ok(addr, "/api/health", started);
        child.kill().expect("stopped");
        child.wait().expect("waited");
        println!(
            "run {run}: first search answer {:.1} ms, health ok {:.1} ms",
            ms(answer),
            ms(health)
        );
        first.push(ms(answer));
        ready.push(ms(health));
    }
    window_cost(&content, &data);
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "start to first answer over {runs} runs: median {:.1} ms, best {:.1} ms",
        median(first.clone()),
        min(&first)
    );
    println!(
        "start to health ok (reconciled) over {runs} runs: median {:.1} ms, best {:.1} ms",
        median(ready.clone()),
        min(&ready)
    );
}
