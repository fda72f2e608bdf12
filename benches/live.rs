//! Live updates: how long from saving a file until a search finds it, how long a burst of
//! 1,000 files takes to become searchable, and search latency during the burst.
//!
//! `cargo bench --bench live [-- --size N --saves N]` (defaults: 10,000 write-ups, 100
//! saves). Runs `erfa_index::watch::Watch` on a copy of a generated corpus in a temporary
//! folder with the real file-system watcher, as `erfa serve` does.

#[path = "support/synth.rs"]
mod synth;

use std::path::Path;
use std::time::{Duration, Instant};

use erfa_index::watch::{Watch, WatchOptions};
use erfa_index::{Engine, Indexer, Mode, Scope, SearchRequest, Store, WriterOptions};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn total(engine: &Engine, query: &str) -> u64 {
    let mut request = SearchRequest::new(query, Scope::Facilitator);
    request.facets = false;
    request.snippets = false;
    engine.search(&request).map(|r| r.total).unwrap_or(0)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("list") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn doc(i: usize, word: &str) -> String {
    format!(
        "---\ntitle: Live write-up {i}\nkind: lesson\nlanguage: en\ndate: 2024-01-01\n---\n## Lesson learned\n\nThe marker is {word}.\n"
    )
}

fn main() {
    if std::env::args().any(|a| a == "--bench") && std::env::args().count() <= 2 {
        // `cargo bench` passes --bench; nothing else to parse.
    }
    let size = arg("--size", 10_000);
    let saves = arg("--saves", 100);
    let (corpus, _) = synth::cached_corpus(synth::Config::new(size)).expect("corpus");
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).expect("mkdir");
    copy_dir(&corpus, &content);
    let (store, _) = Store::open(&dir.path().join("data")).expect("store");
    let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
    let started = Instant::now();
    let report = indexer
        .update(&content, Mode::Incremental, &mut |_| {})
        .expect("index");
    println!(
        "initial index of {size} write-ups: {report} in {:.1?}",
        started.elapsed()
    );
    let engine = Engine::new(&store).expect("engine");
    engine.reload().expect("reload");
    // Markers differ by one character from save to save: without this, typo tolerance
    // would find the previous save's marker and end the wait early.
    engine.set_tuning(erfa_index::Tuning {
        typos: false,
        ..erfa_index::Tuning::default()
    });
    let watch =
        Watch::start(indexer, engine.clone(), &content, WatchOptions::default()).expect("watch");
    // Let the start-up reconciliation finish.
    let settle = Instant::now();
    while watch.status().reconciliations == 0 && settle.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(10));
    }

    std::fs::create_dir_all(content.join("live")).expect("mkdir");
    let mut latencies = Vec::with_capacity(saves);
    for i in 0..saves {
        let word = format!("livemarker{i}x");
        let saved = Instant::now();
        std::fs::write(content.join(format!("live/w{}.md", i % 10)), doc(i, &word)).expect("write");
        while total(&engine, &word) == 0 {
            assert!(
                saved.elapsed() < Duration::from_secs(60),
                "save {i} never became searchable"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        latencies.push(saved.elapsed());
    }
    latencies.sort();
    let status = watch.status();
    println!(
        "last save as applied by the watcher: {:?} ({} updates, {} full reconciliations)",
        status.last_change, status.updates, status.reconciliations
    );
    println!(
        "save to searchable over {saves} saves: p50 {:.1?}, p99 {:.1?}, max {:.1?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );

    let burst_dir = content.join("burst");
    std::fs::create_dir_all(&burst_dir).expect("mkdir");
    let burst = Instant::now();
    for i in 0..1000 {
        std::fs::write(burst_dir.join(format!("b{i:04}.md")), doc(i, "burstmarker"))
            .expect("write");
    }
    let written = burst.elapsed();
    let mut during = Vec::new();
    loop {
        let q = Instant::now();
        let found = total(&engine, "burstmarker");
        during.push(q.elapsed());
        if found == 1000 {
            break;
        }
        assert!(
            burst.elapsed() < Duration::from_secs(300),
            "burst never fully searchable"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let searchable = burst.elapsed();
    during.sort();
    println!(
        "1,000-file burst: written in {written:.1?}, all searchable after {searchable:.1?}; {} searches meanwhile: p50 {:.2?}, p99 {:.2?}, 0 errors",
        during.len(),
        percentile(&during, 0.5),
        percentile(&during, 0.99)
    );
    println!("watcher: {:?}", watch.status().last_change);
    watch.stop();
}
