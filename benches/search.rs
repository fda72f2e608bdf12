//! Search benchmark (issue 3): in-process latency of `Engine::search` over a mixed query
//! set, next to raw tantivy top-10 + count on the same index, in the same run.
//!
//! ```text
//! cargo bench --bench search                        # 10k and 100k generated write-ups
//! cargo bench --bench search -- --sizes 10000 --passes 10
//! cargo bench --bench search -- --list-queries      # print the query set and exit
//! ```
//!
//! The index of each size is built once with erfa's own indexer (both indexes, full and
//! public) and cached under the target folder, keyed by the corpus and
//! `INDEX_VERSION`; `--rebuild` builds it again. Every mode runs every query once per
//! pass, modes take turns within a pass so that machine noise hits all of them alike, and
//! one warm-up pass is not counted.

#[path = "support/synth.rs"]
mod synth;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use erfa_index::query::{self, Atom};
use erfa_index::schema::{Fields, INDEX_VERSION, KEYWORDS_WEIGHT, TextPart};
use erfa_index::vocab::Language;
use erfa_index::{Engine, Indexer, Mode, Opened, Scope, SearchRequest, Store, WriterOptions};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, Searcher, Term};

const USAGE: &str = "\
usage: cargo bench --bench search -- [options]

  --sizes N,N,...   generated corpus sizes (default 10000,100000)
  --passes N        measured passes over the query set (default 5)
  --seed N          generator seed (default 2026)
  --modes N,N,...   run only these modes (0-4, see the table; for profiling)
  --rebuild         build the cached indexes again
  --only TEXT       run only the queries whose text contains TEXT (for profiling)
  --list-queries    print the query set and exit
";

struct Options {
    sizes: Vec<usize>,
    passes: usize,
    seed: u64,
    rebuild: bool,
    list: bool,
    modes: Vec<usize>,
    only: Option<String>,
}

fn parse_options() -> Result<Options> {
    let mut o = Options {
        sizes: vec![10_000, 100_000],
        passes: 5,
        seed: synth::DEFAULT_SEED,
        rebuild: false,
        list: false,
        modes: (0..MODES.len()).collect(),
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--sizes" => {
                o.sizes = value()?
                    .split(',')
                    .map(|s| s.trim().replace('_', "").parse::<usize>())
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .context("--sizes: expected numbers separated by commas")?;
                o.sizes.retain(|&n| n > 0);
            }
            "--passes" => o.passes = value()?.parse::<usize>().context("--passes")?.max(1),
            "--seed" => o.seed = value()?.parse().context("--seed")?,
            "--modes" => {
                o.modes = value()?
                    .split(',')
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .context("--modes: expected numbers separated by commas")?;
                o.modes.retain(|&m| m < MODES.len());
            }
            "--rebuild" => o.rebuild = true,
            "--only" => o.only = Some(value()?),
            "--list-queries" => o.list = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(o)
}

/// One benchmark query: the text as typed, request filters, and its category.
#[derive(Debug, Clone)]
struct BenchQuery {
    category: &'static str,
    text: String,
    filters: Vec<(&'static str, String)>,
}

fn q(category: &'static str, text: &str) -> BenchQuery {
    BenchQuery {
        category,
        text: text.to_string(),
        filters: Vec::new(),
    }
}

fn qf(category: &'static str, text: &str, filters: &[(&'static str, &str)]) -> BenchQuery {
    BenchQuery {
        category,
        text: text.to_string(),
        filters: filters.iter().map(|(k, v)| (*k, v.to_string())).collect(),
    }
}

/// The mixed query set: hand-written queries of every kind, then generated ones whose
/// words follow the corpus's own frequencies (as real queries mostly ask for common
/// words), some with a filter.
fn queries(seed: u64) -> Vec<BenchQuery> {
    let mut out = Vec::new();
    for w in [
        "hændelse",
        "hændelser",
        "leverandør",
        "nedbrud",
        "servicedesk",
        "beredskabsplan",
        "ændring",
        "vagtordning",
        "overvågning",
        "ransomware",
        "kontrakt",
        "udbrændthed",
        "backup",
        "sla",
        "eskalering",
        "kommunikation",
    ] {
        out.push(q("word da", w));
    }
    for w in [
        "incident",
        "incidents",
        "change",
        "outage",
        "supplier",
        "on-call",
        "postmortem",
        "escalation",
        "rollback",
        "capacity",
        "certificate",
        "burnout",
        "freeze",
        "kubernetes",
        "ServiceNow",
        "cab",
    ] {
        out.push(q("word en", w));
    }
    for t in [
        "change freeze",
        "major incident",
        "service desk",
        "root cause analysis",
        "leverandør kontrakt",
        "nedbrud database",
        "vagt udbrændthed",
        "incident communication status page",
        "backup gendannelse test",
        "cab approval",
        "hændelse servicedesk brugere",
        "supplier contract penalty",
        "ændringsråd godkendelse",
        "monitoring alerts night",
        "beredskabsplan øvelse",
        "cloud migration",
    ] {
        out.push(q("words", t));
    }
    for t in [
        "\"change freeze\"",
        "\"root cause\"",
        "\"service desk\"",
        "\"status page\"",
        "\"major incident\" communication",
        "\"hændelse og\"",
        "\"kritisk hændelse\"",
        "\"leverandøren har\"",
    ] {
        out.push(q("phrase", t));
    }
    for t in [
        "kind:mistake change",
        "practices:incident-management outage",
        "year:2020 hændelse",
        "tags:cab approval",
        "lang:da nedbrud",
        "section:lesson kommunikation",
        "section:mistake supplier",
        "change -freeze",
        "hændelse -leverandør",
        "cmdb OR konfiguration",
        "outage OR nedbrud",
        "sector:public beredskabsplan",
    ] {
        out.push(q("query syntax", t));
    }
    out.push(qf("filters", "incident", &[("kind", "lesson")]));
    out.push(qf(
        "filters",
        "hændelse",
        &[("sector", "public"), ("org_size", "50-250")],
    ));
    out.push(qf("filters", "change", &[("year", "2019..2022")]));
    out.push(qf(
        "filters",
        "leverandør",
        &[("practices", "supplier-management")],
    ));
    out.push(qf(
        "filters",
        "outage",
        &[("tags", "major-incident"), ("tags", "on-call")],
    ));
    out.push(qf("filters", "backup", &[("tools", "ServiceNow")]));
    out.push(qf(
        "filters",
        "nedbrud",
        &[("language", "da"), ("kind", "mistake")],
    ));
    out.push(qf("filters", "capacity planning", &[("year", "2024")]));
    for t in [
        "hændlse",
        "leverndør",
        "incidnet",
        "chnage",
        "outtage",
        "servcedesk",
        "postmortme",
        "beredskapsplan",
    ] {
        out.push(q("typo", t));
    }
    for t in [
        "xylophone",
        "zzzqqqxx",
        "quantum entanglement",
        "\"freeze change\"",
        "blockchain",
        "photosynthesis",
    ] {
        out.push(q("zero hits", t));
    }
    out.push(qf("empty + filters", "", &[("kind", "mistake")]));
    out.push(qf(
        "empty + filters",
        "",
        &[("practices", "incident-management"), ("year", "2020")],
    ));
    out.push(qf("empty + filters", "", &[("language", "da")]));
    out.push(qf("empty + filters", "", &[("tags", "cab")]));
    out.push(qf(
        "empty + filters",
        "",
        &[("sector", "non-profit"), ("org_size", "1000+")],
    ));
    out.push(qf("empty + filters", "", &[("year", "2015..2017")]));

    // Generated: words with the corpus's frequencies, 1 to 3 per query.
    let generator = synth::Generator::new(synth::Config::new(0));
    let mut rng = synth::Rng::new(seed ^ 0x5EA2C4);
    let filter_values: [(&str, &[&str]); 4] = [
        ("kind", &["lesson", "mistake", "practice"]),
        ("language", &["da", "en"]),
        ("sector", &["public", "private", "non-profit"]),
        ("year", &["2018", "2021", "2023..2026"]),
    ];
    while out.len() < 240 {
        let danish = rng.chance(0.5);
        let words = 1 + rng.below(3);
        let text: Vec<String> = (0..words)
            .map(|_| generator.word(danish, &mut rng))
            .collect();
        let mut query = BenchQuery {
            category: match words {
                1 => "generated 1 word",
                _ => "generated 2-3 words",
            },
            text: text.join(" "),
            filters: Vec::new(),
        };
        if rng.chance(0.2) {
            let (name, values) = rng.pick(&filter_values);
            query.filters.push((name, rng.pick(values).to_string()));
            query.category = "generated + filter";
        }
        out.push(query);
    }
    out
}

fn main() -> Result<()> {
    let options = parse_options()?;
    let mut queries = queries(options.seed);
    if let Some(only) = &options.only {
        queries.retain(|q| q.text.contains(only.as_str()));
        if queries.is_empty() {
            bail!("--only {only:?}: no query of the set contains it (see --list-queries)");
        }
    }
    if options.list {
        for q in &queries {
            println!("{:<22} {:<40} {:?}", q.category, q.text, q.filters);
        }
        return Ok(());
    }
    println!(
        "erfa search benchmark: {} queries, {} measured pass(es) + 1 warm-up, {} CPU(s)",
        queries.len(),
        options.passes,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut summaries = Vec::new();
    for &n in &options.sizes {
        summaries.push(run_size(n, &queries, &options)?);
    }
    println!("\n## Targets\n");
    println!(
        "| size | mode | p50 ms | p99 ms | best-of-passes p50 ms | best-of-passes p99 ms | target | pass (all samples) | pass (best of passes) |"
    );
    println!("|---:|---|---:|---:|---:|---:|---|---|---|");
    for (n, stats) in &summaries {
        for (mode, s, c) in stats {
            let target = match (*n, mode.as_str()) {
                (10_000, "erfa members, no facets/snippets") => Some((0.1, 2.0)),
                (10_000, "erfa members, facets+snippets") => Some((1.0, 5.0)),
                (n, "erfa members, facets+snippets") if n >= 100_000 => Some((f64::INFINITY, 15.0)),
                _ => None,
            };
            if let Some((p50, p99)) = target {
                let pass = s.p50 < p50 && s.p99 < p99;
                let best_pass = c.p50 < p50 && c.p99 < p99;
                println!(
                    "| {n} | {mode} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {} | {} |",
                    s.p50,
                    s.p99,
                    c.p50,
                    c.p99,
                    if p50.is_finite() {
                        format!("p50 < {p50} ms, p99 < {p99} ms")
                    } else {
                        format!("p99 < {p99} ms")
                    },
                    if pass { "yes" } else { "**no**" },
                    if best_pass { "yes" } else { "**no**" }
                );
            }
        }
    }
    Ok(())
}

/// Latency statistics of one mode, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Stats {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| -> f64 {
        if ms.is_empty() {
            return f64::NAN;
        }
        // Nearest rank.
        let rank = ((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len());
        ms[rank - 1]
    };
    Stats {
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: ms.last().copied().unwrap_or(f64::NAN),
        mean: ms.iter().sum::<f64>() / ms.len().max(1) as f64,
    }
}

/// The data folder of `config`, built by erfa's indexer once and reused.
fn cached_index(config: synth::Config, rebuild: bool) -> Result<(PathBuf, String)> {
    let data = synth::cache_dir().join(format!("index-{}-v{INDEX_VERSION}", config.key()));
    let marker = data.join("bench-build.txt");
    if !rebuild && let Ok(note) = std::fs::read_to_string(&marker) {
        let (store, opened) = Store::open(&data)?;
        let engine = Engine::new(&store)?;
        if opened == Opened::Existing && engine.count(Scope::Facilitator)? == config.n as u64 {
            return Ok((data, format!("cached; {}", note.trim())));
        }
    }
    let (content, stats) = synth::cached_corpus(config)?;
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    let options = WriterOptions::default();
    println!(
        "  building the index of {} write-ups ({:.0} MB) with {} thread(s), {} MB per writer...",
        config.n,
        stats.bytes as f64 / 1e6,
        options.threads,
        options.memory_budget >> 20
    );
    let started = Instant::now();
    let (store, _) = Store::open(&data)?;
    let mut indexer = Indexer::new(&store, options)?;
    let report = indexer.update(&content, Mode::Rebuild, &mut |_| {})?;
    drop(indexer);
    let seconds = started.elapsed().as_secs_f64();
    let public: u32 = store
        .public
        .searchable_segment_metas()?
        .iter()
        .map(|m| m.num_docs())
        .sum();
    let note = format!(
        "built in {seconds:.1}s ({:.0} docs/s, {:.1} MB/s) with the public index included ({public} public of {} documents), {} thread(s), {} MB per writer; {report}",
        config.n as f64 / seconds,
        stats.bytes as f64 / 1e6 / seconds,
        report.documents,
        options.threads,
        options.memory_budget >> 20
    );
    std::fs::write(&marker, &note)?;
    Ok((data, note))
}

/// The raw-tantivy equivalent of an erfa query: the same term and phrase queries over
/// the same fields with the same weights, OR-ed, with the same filters, collected by
/// `TopDocs` (top 10 by score) and `Count`. No tiers, facets or snippets.
struct Raw {
    fields: Fields,
    searcher: Searcher,
    index: Index,
}

impl Raw {
    fn analyze(&self, name: &str, text: &str) -> Vec<(usize, String)> {
        let Some(mut analyzer) = self.index.tokenizers().get(name) else {
            return Vec::new();
        };
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.position, token.text.clone()));
        }
        out
    }

    fn atom(&self, atom: &Atom, out: &mut Vec<(Occur, Box<dyn Query>)>) {
        let mut add = |field: Field, tokens: &[(usize, String)], weight: f32| {
            let query: Box<dyn Query> = match tokens {
                [] => return,
                [(_, t)] => Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                )),
                many => Box::new(PhraseQuery::new_with_offset(
                    many.iter()
                        .map(|(p, t)| (p - many[0].0, Term::from_field_text(field, t)))
                        .collect(),
                )),
            };
            out.push((Occur::Should, Box::new(BoostQuery::new(query, weight))));
        };
        let da = self.analyze(erfa_index::schema::ANALYZER_DA, atom.text());
        let en = self.analyze(erfa_index::schema::ANALYZER_EN, atom.text());
        let plain = self.analyze(erfa_index::schema::ANALYZER_PLAIN, atom.text());
        for part in TextPart::ALL {
            add(self.fields.text(part, Language::Da), &da, part.weight());
            add(self.fields.text(part, Language::En), &en, part.weight());
        }
        add(self.fields.keywords, &plain, KEYWORDS_WEIGHT);
    }

    fn term(&self, name: &str, value: &str) -> Option<Box<dyn Query>> {
        let field = self.fields.facet(name)?;
        Some(Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        )))
    }

    fn query(&self, q: &BenchQuery) -> Box<dyn Query> {
        let user = query::parse(&q.text);
        let mut text = Vec::new();
        for clause in &user.clauses {
            for atom in &clause.alternatives {
                self.atom(atom, &mut text);
            }
        }
        let mut subs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if text.is_empty() {
            subs.push((Occur::Must, Box::new(AllQuery)));
        } else {
            subs.push((Occur::Must, Box::new(BooleanQuery::new(text))));
        }
        subs.extend(self.term("status", "published").map(|t| (Occur::Must, t)));
        let mut by_field: BTreeMap<&str, Vec<Box<dyn Query>>> = BTreeMap::new();
        for (name, value) in q
            .filters
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .chain(user.filters.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        {
            // Year ranges become the list of years, as erfa does.
            let values: Vec<String> = match value.split_once("..") {
                Some((a, b)) if name == "year" => {
                    let a: u16 = a.parse().unwrap_or(1900);
                    let b: u16 = b.parse().unwrap_or(2100);
                    (a..=b).map(|y| y.to_string()).collect()
                }
                _ => vec![value.to_string()],
            };
            for v in values {
                if let Some(t) = self.term(name, &v) {
                    by_field.entry(name).or_default().push(t);
                }
            }
        }
        for (_, alternatives) in by_field {
            subs.push((
                Occur::Must,
                Box::new(BooleanQuery::new(
                    alternatives
                        .into_iter()
                        .map(|t| (Occur::Should, t))
                        .collect(),
                )),
            ));
        }
        for atom in &user.excluded {
            let mut not = Vec::new();
            self.atom(atom, &mut not);
            if !not.is_empty() {
                subs.push((Occur::MustNot, Box::new(BooleanQuery::new(not))));
            }
        }
        Box::new(BooleanQuery::new(subs))
    }

    fn search(&self, q: &BenchQuery) -> Result<u64> {
        let query = self.query(q);
        let (top, count) = self
            .searcher
            .search(&*query, &(TopDocs::with_limit(10).order_by_score(), Count))?;
        std::hint::black_box(top);
        Ok(count as u64)
    }
}

const MODES: [&str; 5] = [
    "erfa members, no facets/snippets",
    "erfa members, facets+snippets",
    "erfa public, no facets/snippets",
    "erfa public, facets+snippets",
    "raw tantivy top-10 + count (full index)",
];

fn request(q: &BenchQuery, mode: usize) -> SearchRequest {
    let scope = if mode == 2 || mode == 3 {
        Scope::Public
    } else {
        Scope::Members
    };
    let mut r = SearchRequest::new(q.text.clone(), scope);
    for (name, value) in &q.filters {
        r = r.filter(name, value);
    }
    let full = mode == 1 || mode == 3;
    r.facets = full;
    r.snippets = full;
    r
}

type ModeStats = Vec<(String, Stats, Stats)>;

fn run_size(n: usize, queries: &[BenchQuery], o: &Options) -> Result<(usize, ModeStats)> {
    let config = synth::Config {
        n,
        seed: o.seed,
        public_share: 0.2,
    };
    println!("\n== {n} generated write-ups");
    let (data, note) = cached_index(config, o.rebuild)?;
    println!("  index {}: {note}", data.display());
    let (store, _) = Store::open(&data)?;
    let engine = Engine::new(&store)?;
    // Every pass repeats the same queries: measure the search, not the result cache.
    engine.set_result_cache(0);
    engine.reload()?;
    let full = Index::open_in_dir(Store::index_dir(&data).join("full"))?;
    Fields::register_analyzers(&full);
    let reader = full.reader()?;
    let raw = Raw {
        fields: store.fields.clone(),
        searcher: reader.searcher(),
        index: full,
    };
    println!(
        "  full index: {} segment(s); public index: {} segment(s); members see {}, public {}",
        store.full.searchable_segment_metas()?.len(),
        store.public.searchable_segment_metas()?.len(),
        engine.count(Scope::Members)?,
        engine.count(Scope::Public)?
    );

    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); MODES.len()];
    // Per mode and query, the time of each pass: the fastest pass of a query is its
    // latency when nothing else on the machine got in the way.
    let mut per_query: Vec<Vec<Vec<Duration>>> = vec![vec![Vec::new(); queries.len()]; MODES.len()];
    let mut by_category: Vec<BTreeMap<&str, Vec<Duration>>> = vec![BTreeMap::new(); MODES.len()];
    let mut hits: Vec<u64> = vec![0; MODES.len()];
    let mut slowest: Vec<(Duration, usize, usize)> = Vec::new();
    let requests: Vec<Vec<SearchRequest>> = (0..4)
        .map(|m| queries.iter().map(|q| request(q, m)).collect())
        .collect();
    for pass in 0..=o.passes {
        for &mode in &o.modes {
            for (i, q) in queries.iter().enumerate() {
                let started = Instant::now();
                let total = if mode < 4 {
                    let results = engine.search(&requests[mode][i])?;
                    let total = results.total;
                    std::hint::black_box(results);
                    total
                } else {
                    raw.search(q)?
                };
                let took = started.elapsed();
                if pass == 0 {
                    hits[mode] += total;
                    continue;
                }
                samples[mode].push(took);
                per_query[mode][i].push(took);
                by_category[mode].entry(q.category).or_default().push(took);
                slowest.push((took, mode, i));
            }
        }
    }

    println!(
        "\n### {n} write-ups: latency over {} queries x {} passes (ms)\n",
        queries.len(),
        o.passes
    );
    println!(
        "| mode | p50 | p90 | p99 | max | mean | best-of-passes p50 | p99 | max | mean total hits |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut out = Vec::new();
    for (mode, name) in MODES.iter().enumerate() {
        if !o.modes.contains(&mode) {
            continue;
        }
        let s = stats(&samples[mode]);
        let best: Vec<Duration> = per_query[mode]
            .iter()
            .filter_map(|times| times.iter().min().copied())
            .collect();
        let c = stats(&best);
        println!(
            "| {name} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.0} |",
            s.p50,
            s.p90,
            s.p99,
            s.max,
            s.mean,
            c.p50,
            c.p99,
            c.max,
            hits[mode] as f64 / queries.len() as f64
        );
        out.push((name.to_string(), s, c));
    }
    println!("\n### {n} write-ups: p50 / p99 by query category, all samples (ms)\n");
    println!(
        "| category | queries | members, no facets | members, facets+snippets | public, facets+snippets | raw tantivy |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let categories: Vec<&str> = {
        let mut c: Vec<&str> = Vec::new();
        for q in queries {
            if !c.contains(&q.category) {
                c.push(q.category);
            }
        }
        c
    };
    for cat in categories {
        let count = queries.iter().filter(|q| q.category == cat).count();
        let cell = |mode: usize| -> String {
            let s = stats(by_category[mode].get(cat).map_or(&[][..], Vec::as_slice));
            format!("{:.3} / {:.3}", s.p50, s.p99)
        };
        println!(
            "| {cat} | {count} | {} | {} | {} | {} |",
            cell(0),
            cell(1),
            cell(3),
            cell(4)
        );
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!("\nslowest single searches:");
    for (took, mode, i) in slowest.iter().take(8) {
        println!(
            "  {:>8.3} ms  {:<40} {:?} [{}]",
            took.as_secs_f64() * 1e3,
            format!("{:?}", queries[*i].text),
            queries[*i].filters,
            MODES[*mode]
        );
    }
    Ok((n, out))
}
