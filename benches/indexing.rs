//! Indexing benchmark (issue 2): erfa's full and incremental builds next to raw tantivy.
//!
//! ```text
//! cargo bench --bench indexing                          # 1k and 10k generated write-ups
//! cargo bench --bench indexing -- --sizes 1000 --runs 5
//! cargo bench --bench indexing -- --corpus ../shared/corpora/ir-cranfield
//! ```
//!
//! Every measurement runs in a fresh child process (this binary, started again with
//! `__child`), so peak memory (`VmHWM`) belongs to that measurement alone and no cache
//! or allocator state carries over. Medians of `--runs` runs are reported.
//!
//! - **erfa full**: `Store::open` on an empty data folder, `Indexer::new`, then
//!   `update(Mode::Rebuild)`: walking, reading, parsing, both indexes (full and public),
//!   commit and compaction.
//! - **erfa, public 0%**: the same corpus with every write-up `visibility: members`
//!   (otherwise byte-identical), so the public index stays empty: the cost of the
//!   public index is the difference.
//! - **parse**: `catalog::list` and `catalog::load` (read, hash, decode, `Document::parse`)
//!   of every file, nothing else.
//! - **raw tantivy**: the same documents, parsed and turned into tantivy documents with
//!   `Fields::to_tantivy` before the clock starts, indexed into the same schema and
//!   analyzers with the same threads and memory budget, one commit, then
//!   `wait_merging_threads`.
//! - **incremental**: after a full build, modify 1 file, modify 1%, then delete 1% and add
//!   1%; each `Mode::Incremental` update is timed and its summary line checked.

#[path = "support/synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use erfa_index::catalog;
use erfa_index::schema::Fields;
use erfa_index::{Indexer, Mode, Store, WriterOptions};
use serde_json::{Value, json};
use tantivy::{Index, IndexWriter, TantivyDocument};

const USAGE: &str = "\
usage: cargo bench --bench indexing -- [options]

  --sizes N,N,...     generated corpus sizes (default 1000,10000; 0 for none)
  --corpus DIR        also run on a folder of Markdown files (repeatable); files without
                      front matter are wrapped in minimal erfa front matter in a copy
  --runs N            runs per measurement, medians reported (default 3)
  --threads N         indexing threads per index writer (default as `erfa index`: 2)
  --budget-mb N       memory budget per index writer in MB (default as `erfa index`: 40)
  --seed N            generator seed (default 2026)
  --no-incremental    skip the incremental measurements
";

struct Options {
    sizes: Vec<usize>,
    corpora: Vec<PathBuf>,
    runs: usize,
    threads: usize,
    budget: usize,
    seed: u64,
    incremental: bool,
}

fn parse_options() -> Result<Options> {
    let mut o = Options {
        sizes: vec![1_000, 10_000],
        corpora: Vec::new(),
        runs: 3,
        threads: WriterOptions::default().threads,
        budget: WriterOptions::default().memory_budget,
        seed: synth::DEFAULT_SEED,
        incremental: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--sizes" => {
                o.sizes = value()?
                    .split(',')
                    .map(|s| s.trim().replace('_', "").parse::<usize>())
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .context("--sizes: expected numbers separated by commas")?;
                o.sizes.retain(|&n| n > 0);
            }
            "--corpus" => o.corpora.push(PathBuf::from(value()?)),
            "--runs" => o.runs = value()?.parse::<usize>().context("--runs")?.max(1),
            "--threads" => o.threads = value()?.parse::<usize>().context("--threads")?.max(1),
            "--budget-mb" => o.budget = value()?.parse::<usize>().context("--budget-mb")? << 20,
            "--seed" => o.seed = value()?.parse().context("--seed")?,
            "--no-incremental" => o.incremental = false,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(o)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__child") {
        let result = child(&args[2..])?;
        println!("RESULT {result}");
        return Ok(());
    }
    let options = parse_options()?;
    println!(
        "erfa indexing benchmark: {} run(s) each, {} thread(s) and {} MB per index writer, {} CPU(s)",
        options.runs,
        options.threads,
        options.budget >> 20,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut rows = Vec::new();
    let mut incremental_rows = Vec::new();
    for &n in &options.sizes {
        let config = synth::Config {
            n,
            seed: options.seed,
            public_share: 0.2,
        };
        let started = Instant::now();
        let (dir, stats) = synth::cached_corpus(config)?;
        let (dir0, _) = synth::cached_corpus(synth::Config {
            public_share: 0.0,
            ..config
        })?;
        println!(
            "\n== {n} generated write-ups ({:.1} MB, {}; ready in {:.1}s)",
            mb(stats.bytes),
            dir.display(),
            started.elapsed().as_secs_f64()
        );
        let name = format!("generated {n}");
        rows.push(measure_corpus(&name, &dir, Some(&dir0), &options)?);
        if options.incremental {
            incremental_rows.push((name, incremental(&dir, &options)?));
        }
    }
    for corpus in &options.corpora {
        let tmp = tempfile::tempdir()?;
        let (files, wrapped) = prepare_external(corpus, tmp.path())?;
        println!(
            "\n== {} ({files} Markdown files, {wrapped} wrapped in front matter)",
            corpus.display()
        );
        let name = corpus.file_name().map_or_else(
            || corpus.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        rows.push(measure_corpus(&name, tmp.path(), None, &options)?);
        if options.incremental {
            incremental_rows.push((name, incremental(tmp.path(), &options)?));
        }
    }
    print_tables(&rows, &incremental_rows, &options);
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Runs this binary as a child measurement and returns its `RESULT` JSON.
fn run_child(args: &[String]) -> Result<Value> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .arg("__child")
        .args(args)
        .output()
        .context("starting a child measurement")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "child {args:?} failed: {}\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .with_context(|| format!("child {args:?} printed no result:\n{stdout}"))?;
    Ok(serde_json::from_str(line)?)
}

/// Wall times, CPU times and peak memory of repeated runs of one measurement.
#[derive(Default)]
struct Samples {
    wall: Vec<f64>,
    cpu: Vec<f64>,
    rss: Vec<f64>,
    anon: Vec<f64>,
}

impl Samples {
    fn push(&mut self, v: &Value) {
        let get = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        self.wall.push(get("wall_s"));
        self.cpu.push(get("cpu_s"));
        self.rss.push(get("rss_mb"));
        self.anon.push(get("anon_mb"));
    }

    fn anon(&self) -> f64 {
        median(&mut self.anon.clone())
    }

    fn wall(&self) -> f64 {
        median(&mut self.wall.clone())
    }

    fn cpu(&self) -> f64 {
        median(&mut self.cpu.clone())
    }

    fn rss(&self) -> f64 {
        median(&mut self.rss.clone())
    }
}

struct Row {
    name: String,
    documents: u64,
    bytes: u64,
    erfa: Samples,
    erfa0: Option<Samples>,
    raw: Samples,
    raw_base_mb: f64,
    raw_anon_base_mb: f64,
    raw_segments: u64,
    parse: Samples,
    public_docs: u64,
    segments: u64,
}

fn measure_corpus(name: &str, dir: &Path, dir0: Option<&Path>, o: &Options) -> Result<Row> {
    let common = |kind: &str, dir: &Path| -> Vec<String> {
        vec![
            kind.to_string(),
            dir.display().to_string(),
            o.threads.to_string(),
            o.budget.to_string(),
        ]
    };
    let mut erfa = Samples::default();
    let mut erfa0 = dir0.map(|_| Samples::default());
    let mut raw = Samples::default();
    let mut parse = Samples::default();
    let mut raw_base = Vec::new();
    let mut raw_anon_base = Vec::new();
    let mut raw_segments = 0;
    let mut last_erfa = Value::Null;
    let mut last_parse = Value::Null;
    // Warm the page cache, so the first measured run does not pay for the disk.
    run_child(&common("parse", dir))?;
    for run in 1..=o.runs {
        // Measurements take turns, so that noise from other work on the machine is spread
        // over all of them.
        let e = run_child(&common("erfa", dir))?;
        erfa.push(&e);
        let mut e0_line = String::new();
        if let (Some(dir0), Some(samples)) = (dir0, erfa0.as_mut()) {
            let e0 = run_child(&common("erfa", dir0))?;
            samples.push(&e0);
            e0_line = format!(
                "  erfa public 0% {:.3}s/{:.2}",
                e0["wall_s"].as_f64().unwrap_or(f64::NAN),
                e0["cpu_s"].as_f64().unwrap_or(f64::NAN)
            );
        }
        let r = run_child(&common("raw", dir))?;
        raw.push(&r);
        raw_base.push(r["rss_before_mb"].as_f64().unwrap_or(f64::NAN));
        raw_anon_base.push(r["anon_before_mb"].as_f64().unwrap_or(f64::NAN));
        raw_segments = r["segments"].as_u64().unwrap_or(0);
        let p = run_child(&common("parse", dir))?;
        parse.push(&p);
        let wc = |v: &Value| {
            format!(
                "{:.3}s/{:.2}",
                v["wall_s"].as_f64().unwrap_or(f64::NAN),
                v["cpu_s"].as_f64().unwrap_or(f64::NAN)
            )
        };
        println!(
            "  run {run} (wall/CPU s): erfa {}{e0_line}  raw {}  parse {}   [{}]",
            wc(&e),
            wc(&r),
            wc(&p),
            e["report"].as_str().unwrap_or("")
        );
        if e["documents"] != r["documents"] {
            bail!(
                "erfa indexed {} documents, raw tantivy {}",
                e["documents"],
                r["documents"]
            );
        }
        last_erfa = e;
        last_parse = p;
    }
    Ok(Row {
        name: name.to_string(),
        documents: last_erfa["documents"].as_u64().unwrap_or(0),
        bytes: last_parse["bytes"].as_u64().unwrap_or(0),
        erfa,
        erfa0,
        raw,
        raw_base_mb: median(&mut raw_base),
        raw_anon_base_mb: median(&mut raw_anon_base),
        raw_segments,
        parse,
        public_docs: last_erfa["public_documents"].as_u64().unwrap_or(0),
        segments: last_erfa["segments"].as_u64().unwrap_or(0),
    })
}

struct Step {
    name: String,
    wall: f64,
    cpu: f64,
    report: String,
    expected: String,
}

fn incremental(dir: &Path, o: &Options) -> Result<Vec<Step>> {
    let mut per_run: Vec<Vec<Value>> = Vec::new();
    for _ in 0..o.runs {
        let v = run_child(&[
            "incremental".to_string(),
            dir.display().to_string(),
            o.threads.to_string(),
            o.budget.to_string(),
        ])?;
        let steps = v["steps"].as_array().cloned().unwrap_or_default();
        for s in &steps {
            println!(
                "  incremental {:<26} {:>8.3}s wall {:>7.2}s CPU  {}{}",
                s["name"].as_str().unwrap_or(""),
                s["wall_s"].as_f64().unwrap_or(f64::NAN),
                s["cpu_s"].as_f64().unwrap_or(f64::NAN),
                s["report"].as_str().unwrap_or(""),
                if s["report"] == s["expected"] {
                    String::new()
                } else {
                    format!(
                        "   MISMATCH, expected: {}",
                        s["expected"].as_str().unwrap_or("")
                    )
                }
            );
        }
        per_run.push(steps);
    }
    let count = per_run.first().map_or(0, Vec::len);
    let mut out = Vec::new();
    for i in 0..count {
        let values = |key: &str| -> f64 {
            let mut v: Vec<f64> = per_run
                .iter()
                .filter_map(|r| r.get(i)?[key].as_f64())
                .collect();
            median(&mut v)
        };
        let (wall, cpu) = (values("wall_s"), values("cpu_s"));
        let first = &per_run[0][i];
        // A step is as expected only when every run printed the expected line.
        let all_as_expected = per_run
            .iter()
            .all(|r| r.get(i).is_some_and(|s| s["report"] == s["expected"]));
        out.push(Step {
            name: first["name"].as_str().unwrap_or("").to_string(),
            wall,
            cpu,
            report: if all_as_expected {
                first["report"].as_str().unwrap_or("").to_string()
            } else {
                "differs between runs or from the expected line".to_string()
            },
            expected: first["expected"].as_str().unwrap_or("").to_string(),
        });
    }
    Ok(out)
}

fn print_tables(rows: &[Row], incremental: &[(String, Vec<Step>)], o: &Options) {
    println!(
        "\n## Full build (medians of {} runs; {} thread(s), {} MB per writer; times in s, wall / CPU)\n",
        o.runs,
        o.threads,
        o.budget >> 20
    );
    println!(
        "| corpus | docs | MB | erfa | docs/s | MB/s | erfa, public 0% | raw tantivy | erfa/raw (wall, CPU) | public 0%/raw (wall, CPU) | parse | parse share (wall, CPU) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let wc = |s: &Samples| format!("{:.3} / {:.2}", s.wall(), s.cpu());
    for r in rows {
        let (e0, e0_ratio) = match &r.erfa0 {
            Some(s) => (
                wc(s),
                format!(
                    "{:.2}, {:.2}",
                    s.wall() / r.raw.wall(),
                    s.cpu() / r.raw.cpu()
                ),
            ),
            None => ("–".to_string(), "–".to_string()),
        };
        println!(
            "| {} | {} | {:.1} | {} | {:.0} | {:.1} | {} | {} | {:.2}, {:.2} | {} | {} | {:.0}%, {:.0}% |",
            r.name,
            r.documents,
            mb(r.bytes),
            wc(&r.erfa),
            r.documents as f64 / r.erfa.wall(),
            mb(r.bytes) / r.erfa.wall(),
            e0,
            wc(&r.raw),
            r.erfa.wall() / r.raw.wall(),
            r.erfa.cpu() / r.raw.cpu(),
            e0_ratio,
            wc(&r.parse),
            100.0 * r.parse.wall() / r.erfa.wall(),
            100.0 * r.parse.cpu() / r.erfa.cpu()
        );
    }
    println!(
        "\n## Peak memory (MB, medians): VmHWM (all resident pages, mapped index files included) / peak RssAnon (private memory)\n"
    );
    println!(
        "| corpus | erfa | erfa, public 0% | raw tantivy | raw: documents held before indexing | writer budgets |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for r in rows {
        println!(
            "| {} | {:.0} / {:.0} | {} | {:.0} / {:.0} | {:.0} / {:.0} | erfa 2 x {} MB (full + public), raw 1 x {} MB |",
            r.name,
            r.erfa.rss(),
            r.erfa.anon(),
            r.erfa0.as_ref().map_or("–".to_string(), |s| format!(
                "{:.0} / {:.0}",
                s.rss(),
                s.anon()
            )),
            r.raw.rss(),
            r.raw.anon(),
            r.raw_base_mb,
            r.raw_anon_base_mb,
            o.budget >> 20,
            o.budget >> 20,
        );
    }
    for r in rows {
        println!(
            "\n{}: {} of {} documents in the public index; segments after the build: erfa {} (full index), raw {}",
            r.name, r.public_docs, r.documents, r.segments, r.raw_segments
        );
    }
    println!(
        "\nTargets: erfa/raw <= 1.30; parse share < 25%; peak memory bounded by the writer budget."
    );
    if !incremental.is_empty() {
        println!(
            "\n## Incremental updates (medians of {} runs; wall / CPU s)\n",
            o.runs
        );
        println!("| corpus | step | wall / CPU s | summary | as expected |");
        println!("|---|---|---:|---|---|");
        for (name, steps) in incremental {
            for s in steps {
                println!(
                    "| {name} | {} | {:.3} / {:.2} | {} | {} |",
                    s.name,
                    s.wall,
                    s.cpu,
                    s.report,
                    if s.report == s.expected {
                        "yes".to_string()
                    } else {
                        format!("**no**, expected {}", s.expected)
                    }
                );
            }
        }
    }
}

/// Copies the Markdown files of an external corpus, wrapping those without front matter in
/// a minimal erfa header (title from the first heading or the file name, `kind: lesson`).
fn prepare_external(from: &Path, to: &Path) -> Result<(usize, usize)> {
    let walk = erfa_index::source::walk(from)?;
    let mut wrapped = 0;
    for file in &walk.files {
        let text = std::fs::read_to_string(&file.abs)
            .with_context(|| format!("reading {}", file.abs.display()))?;
        let target = to.join(&file.rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let starts_with_front_matter = text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .is_some_and(|l| l.trim_end() == "---");
        if starts_with_front_matter {
            std::fs::write(&target, text)?;
        } else {
            wrapped += 1;
            let title = text
                .lines()
                .find_map(|l| l.strip_prefix("# "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| {
                    Path::new(&file.rel)
                        .file_stem()
                        .map_or("untitled".to_string(), |s| s.to_string_lossy().into_owned())
                });
            // A JSON string is a valid YAML scalar, whatever the title holds.
            let header = format!("---\ntitle: {}\nkind: lesson\n---\n", json!(title));
            std::fs::write(&target, header + &text)?;
        }
    }
    Ok((walk.files.len(), wrapped))
}

// ---------------------------------------------------------------------------------------
// Child measurements: one per process.

fn peak_rss_mb() -> f64 {
    status_kb("VmHWM:") / 1024.0
}

fn rss_mb() -> f64 {
    status_kb("VmRSS:") / 1024.0
}

/// CPU time (user + system) of this process and all its threads so far, in seconds.
/// On a shared machine this is steadier than wall time: waiting for a core is not counted.
fn cpu_s() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name, which may hold spaces, start at field 3 (state);
    // utime and stime are fields 14 and 15, in clock ticks of 1/100 s on Linux.
    let Some((_, rest)) = stat.rsplit_once(") ") else {
        return f64::NAN;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn status_kb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .unwrap_or(f64::NAN)
}

/// Samples `RssAnon` (heap and other private memory, not the mapped index files) every
/// 5 ms on a thread, and keeps the largest value: `VmHWM` also counts the pages of the
/// memory-mapped index files that merging reads, which the writer budget does not cover.
struct AnonPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<f64>,
}

impl AnonPeak {
    fn start() -> AnonPeak {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0.0f64;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(status_kb("RssAnon:") / 1024.0);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            peak.max(status_kb("RssAnon:") / 1024.0)
        });
        AnonPeak { stop, thread }
    }

    fn stop(self) -> f64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or(f64::NAN)
    }
}

fn child(args: &[String]) -> Result<Value> {
    let kind = args.first().context("child kind")?.as_str();
    let dir = PathBuf::from(args.get(1).context("child corpus")?);
    let threads: usize = args.get(2).context("threads")?.parse()?;
    let budget: usize = args.get(3).context("budget")?.parse()?;
    let options = WriterOptions {
        threads,
        memory_budget: budget,
    };
    match kind {
        "erfa" => child_erfa(&dir, options),
        "parse" => child_parse(&dir),
        "raw" => child_raw(&dir, options),
        "incremental" => child_incremental(&dir, options),
        other => bail!("unknown child kind {other}"),
    }
}

fn child_erfa(dir: &Path, options: WriterOptions) -> Result<Value> {
    let data = tempfile::tempdir()?;
    let anon = AnonPeak::start();
    let cpu = cpu_s();
    let started = Instant::now();
    let (store, _) = Store::open(data.path())?;
    let mut indexer = Indexer::new(&store, options)?;
    let report = indexer.update(dir, Mode::Rebuild, &mut |_| {})?;
    drop(indexer);
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_s() - cpu;
    let anon = anon.stop();
    let public_documents: u64 = store
        .public
        .searchable_segment_metas()?
        .iter()
        .map(|m| u64::from(m.num_docs()))
        .sum();
    Ok(json!({
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_mb": peak_rss_mb(),
        "anon_mb": anon,
        "documents": report.documents,
        "public_documents": public_documents,
        "segments": store.full.searchable_segment_metas()?.len(),
        "errors": report.errors,
        "report": report.to_string(),
    }))
}

fn child_parse(dir: &Path) -> Result<Value> {
    let cpu = cpu_s();
    let started = Instant::now();
    let listing = catalog::list(dir)?;
    let mut bytes = 0u64;
    let mut documents = 0u64;
    for entry in &listing.entries {
        let (parsed, _) = catalog::load(entry);
        if let Some(doc) = parsed.document {
            documents += 1;
            bytes += doc.markdown.len() as u64;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_s() - cpu;
    // Bytes of the files (front matter included), outside the timing.
    let file_bytes: u64 = listing
        .entries
        .iter()
        .filter_map(|e| std::fs::metadata(&e.file.abs).ok())
        .map(|m| m.len())
        .sum();
    Ok(json!({
        "wall_s": wall,
        "cpu_s": cpu,
        "files": listing.entries.len(),
        "documents": documents,
        "markdown_bytes": bytes,
        "bytes": file_bytes,
    }))
}

fn child_raw(dir: &Path, options: WriterOptions) -> Result<Value> {
    let fields = Fields::new();
    let listing = catalog::list(dir)?;
    let docs: Vec<TantivyDocument> = listing
        .entries
        .iter()
        .filter_map(|e| catalog::load(e).0.document)
        .map(|d| fields.to_tantivy(&d, false))
        .collect();
    let documents = docs.len();
    let rss_before = rss_mb();
    let anon_before = status_kb("RssAnon:") / 1024.0;
    let data = tempfile::tempdir()?;
    let anon = AnonPeak::start();
    let cpu = cpu_s();
    let started = Instant::now();
    let index = Index::create_in_dir(data.path(), fields.schema.clone())?;
    Fields::register_analyzers(&index);
    // The same rule as erfa's writer: at least 16 MB per thread.
    let threads = options.threads.max(1);
    let budget = options.memory_budget.max(threads * 16 * 1024 * 1024);
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, budget)?;
    for doc in docs {
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_s() - cpu;
    let anon = anon.stop();
    let segments = index.searchable_segment_metas()?.len();
    Ok(json!({
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_mb": peak_rss_mb(),
        "rss_before_mb": rss_before,
        "anon_mb": anon,
        "anon_before_mb": anon_before,
        "segments": segments,
        "documents": documents,
    }))
}

fn child_incremental(source: &Path, options: WriterOptions) -> Result<Value> {
    let work = tempfile::tempdir()?;
    let content = work.path().join("content");
    synth::copy_tree(source, &content)?;
    let data = work.path().join("data");
    let (store, _) = Store::open(&data)?;
    let mut indexer = Indexer::new(&store, options)?;
    let base = indexer.update(&content, Mode::Rebuild, &mut |_| {})?;
    let errors = base.errors;
    // Only files that are in the index are edited or deleted, so the expected counts hold
    // for external corpora with invalid files too.
    let mut valid: Vec<String> = indexer.indexed_hashes()?.into_keys().collect();
    valid.sort();
    let n = valid.len();
    let k = (n / 100).max(1);
    let stride = (n / k).max(1);
    let generator = synth::Generator::new(synth::Config::new(0));
    let mut steps = Vec::new();
    let mut step = |name: &str, expected: String, indexer: &mut Indexer| -> Result<()> {
        let cpu = cpu_s();
        let started = Instant::now();
        let report = indexer.update(&content, Mode::Incremental, &mut |_| {})?;
        let wall = started.elapsed().as_secs_f64();
        steps.push(json!({
            "name": name,
            "wall_s": wall,
            "cpu_s": cpu_s() - cpu,
            "report": report.to_string(),
            "expected": expected,
        }));
        Ok(())
    };
    let edit = |rel: &str, round: usize| -> Result<()> {
        let path = content.join(rel);
        let mut text = std::fs::read_to_string(&path)?;
        text.push_str(&format!("\n\nEdited for the benchmark, round {round}.\n"));
        std::fs::write(&path, text)?;
        Ok(())
    };

    step(
        "nothing changed",
        format!("added 0, changed 0, deleted 0, unchanged {n}, errors {errors}"),
        &mut indexer,
    )?;

    edit(&valid[n / 2], 1)?;
    step(
        "modify 1 file",
        format!(
            "added 0, changed 1, deleted 0, unchanged {}, errors {errors}",
            n - 1
        ),
        &mut indexer,
    )?;

    let modified: Vec<&String> = valid.iter().step_by(stride).take(k).collect();
    for rel in &modified {
        edit(rel, 2)?;
    }
    step(
        &format!("modify 1% ({k} files)"),
        format!(
            "added 0, changed {}, deleted 0, unchanged {}, errors {errors}",
            modified.len(),
            n - modified.len()
        ),
        &mut indexer,
    )?;

    let deleted: Vec<&String> = valid
        .iter()
        .skip(stride / 2)
        .step_by(stride)
        .take(k)
        .collect();
    for rel in &deleted {
        std::fs::remove_file(content.join(rel))?;
    }
    for j in 0..k {
        let w = generator.writeup(50_000_000 + j);
        let path = content.join("added").join(&w.rel);
        std::fs::create_dir_all(path.parent().expect("a file has a folder"))?;
        std::fs::write(path, w.text)?;
    }
    step(
        &format!("delete 1% + add 1% ({k}+{k})"),
        format!(
            "added {k}, changed 0, deleted {}, unchanged {}, errors {errors}",
            deleted.len(),
            n - deleted.len()
        ),
        &mut indexer,
    )?;
    Ok(json!({ "base": base.to_string(), "steps": steps }))
}
