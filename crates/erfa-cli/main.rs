//! `erfa`: a knowledge base of shared IT service management experiences.
//!
//! The binary parses arguments, resolves them once into a configuration, calls the
//! libraries and prints what they return. It has no logic of its own.

// The doc comments of the argument types are the `--help` text, where addresses are
// written as people read them, not as rustdoc links.
#![allow(rustdoc::bare_urls)]

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `println!` that returns the error instead of panicking: a closed pipe (`erfa search
/// … | head`) ends the command quietly, as Unix tools do (see `main`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?;
    }};
}

mod backup;
mod user;

/// A search allocates many small, short-lived values on several threads at once; under
/// load mimalloc spends far less time on them than the system allocator (measured in
/// docs/BENCHMARKS.md). Its version 2 (feature `v2`) hands freed memory back to the
/// system within milliseconds where version 3 waits a second, and `no_thp` keeps it from
/// asking for transparent huge pages, each of which counts as 2 MiB resident however
/// little of it is in use: under write churn the two halved the server's peak private
/// memory (docs/BENCHMARKS.md, "Search under write churn").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hands the pages the calling thread freed back to the system: mimalloc keeps them until
/// the thread allocates again, which a thread that waits after a long job does not do.
/// This and [`hand_back_at_once`] are erfa's only `unsafe` blocks: calls into the
/// allocator's C interface.
#[allow(unsafe_code)]
fn release_memory() {
    // SAFETY: `mi_collect` takes no pointers and may be called on any thread at any time;
    // it only returns this thread's free pages (and abandoned ones) to the system.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// mimalloc's option `purge_delay`: milliseconds before freed pages go back to the
/// system (10 by default). Its number in the version 2 header that libmimalloc-sys
/// builds, which names no constant for it (a test checks the default behind it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The purge delay to go back to after a build.
static PURGE_DELAY_BEFORE: std::sync::Mutex<std::ffi::c_long> = std::sync::Mutex::new(10);

/// Makes mimalloc hand freed pages back at once (`true`), or as before (`false`), for
/// `erfa_index::memory::eagerly`: a build's peak memory falls by a third (10,000
/// write-ups: 134 → 98 MB, docs/BENCHMARKS.md) for no time measured, where a busy server
/// would lose half its speed.
#[allow(unsafe_code)]
fn hand_back_at_once(on: bool) {
    let mut saved = PURGE_DELAY_BEFORE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // SAFETY: `mi_option_get` and `mi_option_set` take no pointers; they read and write
    // one aligned integer setting, which allocating threads read without a lock and so
    // see either the old or the new value. `erfa_index::memory::eagerly` calls this
    // once before its first job and once after its last.
    unsafe {
        if on {
            *saved = libmimalloc_sys::mi_option_get(PURGE_DELAY);
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        } else {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, *saved);
        }
    }
}

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use erfa_index::{
    Engine, Indexer, Mode, Opened, Scope, SearchRequest, Store, UpdateReport, WriterOptions,
};

/// erfa keeps the experiences an IT service management network group shares — lessons
/// learned, mistakes to avoid, practices that worked — and makes them findable in a second.
///
/// Write-ups are Markdown files with YAML front matter in the content folder; the index
/// in the data folder is a cache that erfa rebuilds from them whenever needed.
#[derive(Debug, Parser)]
#[command(name = "erfa", version, about, long_about, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Global {
    /// Folder with the write-ups (Markdown files with front matter).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "ERFA_CONTENT",
        default_value = "content"
    )]
    content: PathBuf,
    /// Folder for the index and erfa's own state; the index part is a cache, safe to delete.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "ERFA_DATA",
        default_value = ".erfa"
    )]
    data: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Counts of the write-ups by kind, practice, language, status, visibility and year,
    /// and the content's health (errors and warnings of `erfa check`).
    Stats {
        /// Whose view to count.
        #[arg(long, value_enum, default_value_t = ScopeArg::Facilitator)]
        scope: ScopeArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Every write-up a scope sees, as structured data (front matter and Markdown body).
    Export {
        /// `json` (one array) or `jsonl` (one write-up per line).
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Whose view to export: public leaves out members-only write-ups and organisations.
        #[arg(long, value_enum, default_value_t = ScopeArg::Members)]
        scope: ScopeArg,
    },
    /// Measure search relevance against judged queries.
    ///
    /// Indexes the content folder in memory (the data folder is not touched), runs every
    /// query of QUERIES (TSV: id, group, query) 100 results deep, and prints nDCG@10, MAP
    /// and recall@100 overall and per group against QRELS (TSV: id, slug, grade 0–2).
    Eval(EvalArgs),
    /// Manage accounts: members, contributors and facilitators.
    ///
    /// Accounts live in the data folder (state.db), apart from the index; rebuilding the
    /// index never touches them. Once an account exists, erfa serve asks visitors to log in.
    User(user::UserArgs),
    /// Write everything that is not a cache into one file, or check such a file.
    ///
    /// The file (a tar archive) holds a manifest (erfa version, schema version, counts,
    /// checksums), a consistent snapshot of state.db (accounts, sessions, the audit log,
    /// signals and flags) and every file under the content folder. The index is left out:
    /// it is rebuilt from the content. Safe to run while erfa serve runs.
    Backup(backup::BackupArgs),
    /// Restore a backup into empty folders, then rebuild the index.
    ///
    /// The content folder (--content) and the data folder (--data) are created when
    /// missing and must be empty otherwise. The whole backup is checked before anything
    /// is written.
    Restore(backup::RestoreArgs),
    /// Bring the index up to date with the content folder.
    ///
    /// Only added, changed and deleted files are touched; the summary line says how many of
    /// each. Files with errors are reported and left out; the others are indexed.
    Index {
        /// Drop the index and index every file again.
        #[arg(long)]
        rebuild: bool,
        /// Commit after every N changed write-ups, so a long run is searchable early and
        /// an interrupted one keeps its work (0: once, at the end).
        #[arg(long, value_name = "N", default_value_t = 0)]
        commit_every: usize,
    },
    /// Search the write-ups.
    ///
    /// Free words in Danish or English, "phrases" in quotes, +word or a AND b to require,
    /// -word to exclude, a OR b for either, and filters such as kind:mistake,
    /// practices:change-enablement, tags:cab, language:da, year:2022, confidence:validated.
    /// Builds the index first when there is none.
    Search(SearchArgs),
    /// Check write-ups against the format and print every problem, then content health.
    ///
    /// Prints `path:line:column: error|warning: message` for every problem in every file.
    /// Then, for every folder checked, content health as `path: note: message`: published
    /// write-ups due for review (past `review_after`, or dated longer ago than
    /// --review-age-days and not `confidence: validated`), practices with neither "Lesson
    /// learned" nor "Mistake to avoid", `related`, `supersedes`, `duplicate_of` and
    /// `translation_of` links to write-ups that do not exist, and the ITIL practices
    /// without a published write-up. Near-duplicates, and lessons and mistakes without
    /// their section, are warnings.
    ///
    /// With a meetings list (content/_meetings.yaml), a `meeting` that is not one of its
    /// ids is an error, with the closest ids; without one, a note suggests making it.
    /// Given the path of `_glossary.yaml`, `_meetings.yaml` or `_compounds.yaml`, checks
    /// that file alone.
    ///
    /// Exits 1 when there is any error, 0 otherwise (warnings and notes alone do not fail).
    Check {
        /// Files or folders to check (default: the content folder).
        paths: Vec<PathBuf>,
        /// A published write-up older than this many days without `confidence: validated`
        /// is due for review.
        #[arg(long, value_name = "DAYS", env = "ERFA_REVIEW_AGE_DAYS", default_value_t = erfa_index::health::REVIEW_AGE_DAYS)]
        review_age_days: u32,
        /// Judge ages as on this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<erfa_index::Date>,
    },
    /// Serve the search pages and the JSON API in a browser.
    ///
    /// Brings the index up to date first (progress on a terminal), then serves
    /// http://127.0.0.1:8080 until Ctrl-C or SIGTERM. Until accounts exist erfa runs in local
    /// mode: it listens on loopback only, answers only requests from this computer, and the
    /// person using it is the facilitator (drafts and members-only write-ups are shown).
    /// Once an account exists (erfa user add), viewers log in and see what their role
    /// allows; see the README for running behind a TLS reverse proxy.
    ///
    /// Settings come from flags, then ERFA_* environment variables, then the TOML file given
    /// with --config (keys: bind, request_timeout_secs, header_read_timeout_secs,
    /// max_connections, max_requests_in_flight, poll, public_access, public_url, smtp_url,
    /// mail_from, trusted_proxies, insecure_cookies, sso_header, insights, insights_weeks,
    /// review_age_days), then
    /// defaults. Log detail: ERFA_LOG (e.g. debug).
    Serve(ServeArgs),
    /// Create a new write-up from the template, ready to fill in.
    ///
    /// The file is named after the title and never overwrites an existing one.
    New {
        /// The write-up's title.
        title: String,
        /// What it is.
        #[arg(long, value_enum, default_value_t = KindArg::Lesson)]
        kind: KindArg,
        /// The language it is written in (section headings follow it).
        #[arg(long = "lang", value_enum, default_value_t = LangArg::Da)]
        lang: LangArg,
        /// Sub-folder of the content folder, named after the topic (e.g. change).
        #[arg(long, value_name = "TOPIC")]
        folder: Option<String>,
    },
}

#[derive(Debug, Args)]
struct EvalArgs {
    /// Judged queries: `id<TAB>group<TAB>query` per line.
    #[arg(long, value_name = "FILE")]
    queries: PathBuf,
    /// Judgments: `id<TAB>slug<TAB>grade` per line (2 answers, 1 partly, 0 not).
    #[arg(long, value_name = "FILE")]
    qrels: PathBuf,
    /// Also write the results as a TREC run file.
    #[arg(long, value_name = "FILE")]
    run: Option<PathBuf>,
    /// Whose view to search.
    #[arg(long, value_enum, default_value_t = ScopeArg::Facilitator)]
    scope: ScopeArg,
    /// Switch off the bilingual glossary (`_glossary.yaml`).
    #[arg(long)]
    no_glossary: bool,
    /// Switch off the bilingual lexicon compiled into erfa.
    #[arg(long)]
    no_lexicon: bool,
    /// Switch off matching inside Danish compounds and splitting the query's compounds.
    #[arg(long)]
    no_compounds: bool,
    /// Switch off telling the query's language (its stop words then match the other
    /// language's text, and its known words get typo tolerance).
    #[arg(long)]
    no_language_aware: bool,
    /// Switch off typo tolerance.
    #[arg(long)]
    no_typos: bool,
    /// Switch off ranking a question's matches also by the words its best matches share.
    #[arg(long)]
    no_feedback: bool,
    /// Rank write-ups with every word first only for queries of at most N words.
    #[arg(long, value_name = "N", default_value_t = erfa_index::Tuning::default().max_tier_clauses)]
    max_tier_words: usize,
    /// Weight of a title match (body text weighs 1).
    #[arg(long, value_name = "W", default_value_t = erfa_index::schema::TextPart::Title.weight())]
    title_weight: f32,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// What to look for.
    query: String,
    /// Print the result as JSON (the same shape as the HTTP API).
    #[arg(long)]
    json: bool,
    /// Hits per page (at most 100).
    #[arg(long, default_value_t = 10, value_name = "N")]
    limit: usize,
    /// Page of results, from 1.
    #[arg(long, default_value_t = 1, value_name = "N")]
    page: usize,
    /// Whose view: public (anonymous visitors), members, or facilitator (drafts too).
    #[arg(long, value_enum, default_value_t = ScopeArg::Members)]
    scope: ScopeArg,
    /// Filter, repeatable: FIELD=VALUE with a front-matter name (kind, practices, tags,
    /// year, language, sector, org_size, tools, meeting).
    #[arg(long = "filter", value_name = "FIELD=VALUE")]
    filters: Vec<String>,
    /// Newest first instead of best match first.
    #[arg(long)]
    newest: bool,
    /// The words exactly as typed: no correction of typing errors.
    #[arg(long)]
    literal: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on; without accounts only loopback is allowed [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR", env = "ERFA_BIND")]
    bind: Option<String>,
    /// Settings file (TOML).
    #[arg(long, value_name = "FILE", env = "ERFA_CONFIG")]
    config: Option<PathBuf>,
    /// Longest time a request may take, in seconds [default: 30]
    #[arg(long, value_name = "SECS", env = "ERFA_REQUEST_TIMEOUT_SECS")]
    request_timeout_secs: Option<u64>,
    /// Longest time a client may take to send request headers, in seconds [default: 10]
    #[arg(long, value_name = "SECS", env = "ERFA_HEADER_READ_TIMEOUT_SECS")]
    header_read_timeout_secs: Option<u64>,
    /// Most connections served at once [default: 512]
    #[arg(long, value_name = "N", env = "ERFA_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Most requests answered at once; more get 503 with Retry-After at once instead of
    /// waiting [default: 128]
    #[arg(long, value_name = "N", env = "ERFA_MAX_REQUESTS_IN_FLIGHT")]
    max_requests_in_flight: Option<usize>,
    /// Poll the content folder for changes instead of listening to file-system events
    /// (for network and container mounts, which send none).
    #[arg(long, env = "ERFA_POLL")]
    poll: bool,
    /// While bringing the index up to date at start, commit after every N changed
    /// write-ups, so a long first run is searchable early and an interrupted one keeps
    /// its work (0: once, at the end).
    #[arg(long, value_name = "N", default_value_t = 0)]
    commit_every: usize,
    /// Let visitors who are not logged in search and read public write-ups (with
    /// accounts; off by default, when every page asks for login).
    #[arg(long, env = "ERFA_PUBLIC_ACCESS")]
    public_access: bool,
    /// The address members use, e.g. https://erfa.example.dk, for links in feeds,
    /// invitations and password resets.
    #[arg(long, value_name = "URL", env = "ERFA_PUBLIC_URL")]
    public_url: Option<String>,
    /// The SMTP server erfa mails through, smtp://host:port (a relay without TLS or login,
    /// e.g. smtp://127.0.0.1:25). Without it erfa sends no mail and offers links to copy.
    #[arg(long, value_name = "URL", env = "ERFA_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of erfa's mail, e.g. "erfa <erfa@example.dk>".
    #[arg(long, value_name = "MAILBOX", env = "ERFA_MAIL_FROM")]
    mail_from: Option<String>,
    /// A reverse proxy whose X-Forwarded-For is believed for login throttling; repeat for
    /// several.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Send the session cookie without `Secure`, for a test over plain HTTP on a private
    /// network. Browsers keep `Secure` cookies over HTTPS and from localhost only.
    #[arg(long, env = "ERFA_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// Single sign-on: the header in which a --trusted-proxy names the logged-in user
    /// (e.g. X-Remote-User). The user needs an account of that name; from any other
    /// address the header is ignored.
    #[arg(long, value_name = "HEADER", env = "ERFA_SSO_HEADER")]
    sso_header: Option<String>,
    /// Do not record searches for the facilitator's search insights. When on (the
    /// default) a search is kept as its normalised query, whether it found anything, the
    /// day and a hash that only tells sessions apart: never a name or session.
    #[arg(long, env = "ERFA_NO_INSIGHTS")]
    no_insights: bool,
    /// How many weeks searches are kept for insights [default: 26]
    #[arg(long, value_name = "WEEKS", env = "ERFA_INSIGHTS_WEEKS")]
    insights_weeks: Option<u32>,
    /// Content health lists published write-ups older than this many days that are not
    /// `confidence: validated` [default: 730]
    #[arg(long, value_name = "DAYS", env = "ERFA_REVIEW_AGE_DAYS")]
    review_age_days: Option<u32>,
    /// How many days the audit log keeps entries about changes (reviews, merges, flags,
    /// topics, …); older ones are forgotten daily. Entries about accounts stay: erasing a
    /// person finds every name they had through them. 0 keeps them for good
    /// [default: 730]
    #[arg(long, value_name = "DAYS", env = "ERFA_AUDIT_DAYS")]
    audit_days: Option<u32>,
    /// How many days records of logins and logouts are kept; each account's latest login
    /// stays, for the people page. 0 keeps them for good [default: 90]
    #[arg(long, value_name = "DAYS", env = "ERFA_LOGIN_DAYS")]
    login_days: Option<u32>,
    /// How the log on standard error looks: text for people, or json (one object per
    /// line, with the request id) for a log collector [default: text]
    #[arg(long, value_name = "FORMAT", env = "ERFA_LOG_FORMAT")]
    log_format: Option<LogFormat>,
}

/// The log's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object per line.
    Json,
}

/// The optional settings file of `erfa serve`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeFile {
    public_access: Option<bool>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    trusted_proxies: Option<Vec<std::net::IpAddr>>,
    insecure_cookies: Option<bool>,
    sso_header: Option<String>,
    bind: Option<String>,
    poll: Option<bool>,
    request_timeout_secs: Option<u64>,
    header_read_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    max_requests_in_flight: Option<usize>,
    insights: Option<bool>,
    insights_weeks: Option<u32>,
    review_age_days: Option<u32>,
    audit_days: Option<u32>,
    login_days: Option<u32>,
    log_format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScopeArg {
    Public,
    Members,
    Facilitator,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Lesson,
    Mistake,
    Practice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Da,
    En,
}

fn main() -> ExitCode {
    erfa_index::memory::set_release(release_memory);
    erfa_index::memory::set_eager(hand_back_at_once);
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`erfa search … | head`): nothing more to say.
        Err(err) if closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("erfa: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether `err` is a write to a closed pipe.
fn closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|e| e.io_error_kind())
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    match cli.command {
        Command::Index {
            rebuild,
            commit_every,
        } => {
            let mode = if rebuild {
                Mode::Rebuild
            } else {
                Mode::Incremental
            };
            let store = open_store(&global)?;
            let report = update_with(&global, &store, mode, commit_every)?;
            print_diagnostics(&global.content, &report.diagnostics);
            outln!("{report}");
            Ok(if report.errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Search(args) => search(&global, args),
        Command::User(args) => user::run(&global.data, args),
        Command::Backup(args) => backup::backup(&global.content, &global.data, args),
        Command::Restore(args) => {
            backup::restore(&global.content, &global.data, &args)?;
            let store = open_store(&global)?;
            let report = update_with(&global, &store, Mode::Rebuild, 0)?;
            print_diagnostics(&global.content, &report.diagnostics);
            outln!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(args) => eval(&global, args),
        Command::Stats { scope, json } => stats(&global, scope_of(scope), json),
        Command::Export { format, scope } => export(&global, format, scope_of(scope)),
        Command::Serve(args) => serve(&global, args),
        Command::Check {
            paths,
            review_age_days,
            as_of,
        } => {
            let rules = erfa_index::health::Rules {
                today: as_of.unwrap_or_else(erfa_index::Date::today),
                review_age_days: review_age_days.max(1),
            };
            check(&global, paths, &rules)
        }
        Command::New {
            title,
            kind,
            lang,
            folder,
        } => {
            let kind = match kind {
                KindArg::Lesson => erfa_index::vocab::Kind::Lesson,
                KindArg::Mistake => erfa_index::vocab::Kind::Mistake,
                KindArg::Practice => erfa_index::vocab::Kind::Practice,
            };
            let lang = match lang {
                LangArg::Da => erfa_index::vocab::Language::Da,
                LangArg::En => erfa_index::vocab::Language::En,
            };
            if !global.content.is_dir() {
                bail!(
                    "content folder {} not found (pass --content DIR)",
                    global.content.display()
                );
            }
            let path = erfa_index::template::create(
                &global.content,
                folder.as_deref(),
                &title,
                kind,
                lang,
                &erfa_index::template::today(),
            )
            .context("creating the write-up")?;
            let wanted = format!("{}.md", erfa_index::template::slug_from_title(&title));
            if path.file_name().is_some_and(|name| name != wanted.as_str()) {
                eprintln!(
                    "erfa: {} already exists, so this write-up is {}",
                    path.with_file_name(&wanted).display(),
                    path.display()
                );
            }
            outln!("{}", path.display());
            eprintln!(
                "created; fill in the sections, then run `erfa check {}`",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A progress bar for indexing, when stderr is a terminal.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing {pos}/{len} files {wide_bar} {eta}",
        )
        .expect("the template is valid"),
    );
    Some(bar)
}

fn open_store(global: &Global) -> anyhow::Result<Store> {
    // Every index comes from the content folder: without one, say so before a data
    // folder is created for nothing.
    if !global.content.is_dir() {
        return Err(erfa_index::Error::ContentNotFound(global.content.clone()).into());
    }
    let (store, opened) = Store::open(&global.data)
        .with_context(|| format!("opening the index in {}", global.data.display()))?;
    if let Opened::Reset(reason) = opened {
        eprintln!("erfa: the index was reset and will be rebuilt: {reason}");
    }
    Ok(store)
}

fn update(global: &Global, store: &Store, mode: Mode) -> anyhow::Result<UpdateReport> {
    update_with(global, store, mode, 0)
}

fn update_with(
    global: &Global,
    store: &Store,
    mode: Mode,
    commit_every: usize,
) -> anyhow::Result<UpdateReport> {
    let _lock = erfa_index::lock::DataLock::acquire(&global.data)?;
    let mut indexer = Indexer::new(store, WriterOptions::default())?;
    indexer.set_commit_every(commit_every);
    let bar = progress_bar();
    let report = erfa_index::memory::eagerly(|| {
        indexer.update(&global.content, mode, &mut |p| {
            if let Some(bar) = &bar {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
            }
        })
    })
    .with_context(|| format!("indexing {}", global.content.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(report)
}

/// Resolves flags, environment and the settings file into the server's `Config`, once.
fn serve_config(global: &Global, args: &ServeArgs) -> anyhow::Result<erfa_server::Config> {
    let file = serve_file(args)?;
    let bind_text = args
        .bind
        .clone()
        .or(file.bind)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let bind = resolve_bind(&bind_text)?;
    let mut config = erfa_server::Config::local(&global.content, &global.data);
    config.bind = bind;
    let secs = std::time::Duration::from_secs;
    if let Some(s) = args.request_timeout_secs.or(file.request_timeout_secs) {
        config.limits.request_timeout = secs(s.max(1));
    }
    if let Some(s) = args
        .header_read_timeout_secs
        .or(file.header_read_timeout_secs)
    {
        config.limits.header_read_timeout = secs(s.max(1));
    }
    if let Some(n) = args.max_connections.or(file.max_connections) {
        config.limits.max_connections = n.max(1);
    }
    if let Some(n) = args.max_requests_in_flight.or(file.max_requests_in_flight) {
        config.limits.max_requests_in_flight = n.max(1);
    }
    config.poll = args.poll || file.poll.unwrap_or(false);
    config.commit_every = args.commit_every;
    config.public_access = args.public_access || file.public_access.unwrap_or(false);
    config.public_url = args.public_url.clone().or(file.public_url);
    config.smtp_url = args.smtp_url.clone().or(file.smtp_url);
    if let Some(from) = args.mail_from.clone().or(file.mail_from) {
        config.mail_from = from;
    }
    if let Some(url) = &config.public_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        bail!("--public-url {url:?}: expected an address such as https://erfa.example.dk");
    }
    config.trusted_proxies = if args.trusted_proxies.is_empty() {
        file.trusted_proxies.unwrap_or_default()
    } else {
        args.trusted_proxies.clone()
    };
    config.secure_cookies = !(args.insecure_cookies || file.insecure_cookies.unwrap_or(false));
    if let Some(name) = args.sso_header.clone().or(file.sso_header) {
        let header = axum_header_name(&name)?;
        if config.trusted_proxies.is_empty() {
            bail!(
                "--sso-header {name}: single sign-on believes the header only from the reverse proxy; name its address with --trusted-proxy IP"
            );
        }
        config.sso_header = Some(header);
    }
    config.insights = !args.no_insights && file.insights.unwrap_or(true);
    if let Some(weeks) = args.insights_weeks.or(file.insights_weeks) {
        config.insights_weeks = weeks.max(1);
    }
    if let Some(days) = args.review_age_days.or(file.review_age_days) {
        config.review_age_days = days.max(1);
    }
    if let Some(days) = args.audit_days.or(file.audit_days) {
        config.audit_days = days;
    }
    if let Some(days) = args.login_days.or(file.login_days) {
        config.login_days = days;
    }
    Ok(config)
}

/// The settings file named by `--config`, or none.
fn serve_file(args: &ServeArgs) -> anyhow::Result<ServeFile> {
    Ok(match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("reading {}", path.display()))?
        }
        None => ServeFile::default(),
    })
}

/// Starts the log on standard error: `ERFA_LOG` chooses what (default `info`), the
/// format comes from `--log-format` or the settings file.
fn start_log(args: &ServeArgs) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let format = match args.log_format {
        Some(format) => format,
        None => serve_file(args)?.log_format.unwrap_or(LogFormat::Text),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ERFA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // The log is written to standard error by a thread of its own, in batches, flushed
    // whenever no line waits: a write per request on the requests' own threads took a
    // fifth to a third of the throughput of repeated searches (docs/BENCHMARKS.md, "The
    // access log off the requests' threads"). Not lossy: with the queue full, requests
    // wait rather than lines being dropped. The guard flushes what is left when dropped.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("erfa-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(false);
    match format {
        LogFormat::Text => log.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => log
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    Ok(guard)
}

/// A header name for `--sso-header`.
fn axum_header_name(name: &str) -> anyhow::Result<erfa_server::HeaderName> {
    erfa_server::HeaderName::from_bytes(name.trim().as_bytes()).with_context(|| {
        format!("--sso-header {name:?}: expected a header name such as X-Remote-User")
    })
}

/// `127.0.0.1:8080`, `[::1]:8080` or `localhost:8080` as one address (IPv4 preferred).
fn resolve_bind(text: &str) -> anyhow::Result<std::net::SocketAddr> {
    use std::net::ToSocketAddrs;
    let addrs: Vec<std::net::SocketAddr> = text
        .to_socket_addrs()
        .with_context(|| format!("--bind {text:?}: expected HOST:PORT, e.g. 127.0.0.1:8080"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .with_context(|| format!("--bind {text:?}: the name has no address"))
}

fn serve(global: &Global, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let _log = start_log(&args)?;
    let config = serve_config(global, &args)?;
    if !global.content.is_dir() {
        bail!(
            "content folder {} not found (pass --content DIR, or run erfa from the folder that holds content/)",
            global.content.display()
        );
    }
    let bar = progress_bar();
    let prepared = erfa_server::serve::prepare(config, &mut |p| {
        if let Some(bar) = &bar {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
        }
    })
    .with_context(|| format!("preparing the index in {}", global.data.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Opened::Reset(reason) = &prepared.opened {
        eprintln!("erfa: the index was reset and rebuilt: {reason}");
    }
    print_diagnostics(&global.content, &prepared.report.diagnostics);
    if prepared.reconciling {
        eprintln!(
            "erfa: serving the last committed index; bringing it up to date with {} in the background (health says \"starting\" until then)",
            global.content.display()
        );
    } else {
        eprintln!("erfa: index up to date: {}", prepared.report);
    }
    let erfa_server::serve::Prepared { state, lock, .. } = prepared;
    erfa_server::serve::run(state.clone())?;
    // Stop watching (finishing the update in progress) before the lock is let go.
    drop(state);
    drop(lock);
    Ok(ExitCode::SUCCESS)
}

fn print_diagnostics(content: &Path, diagnostics: &[erfa_index::Diagnostic]) {
    for d in diagnostics {
        let shown = content.join(&d.path);
        eprintln!("{}", d.render(&shown.to_string_lossy()));
    }
}

fn search(global: &Global, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    if store.generation()? == 0 {
        let report = update(global, &store, Mode::Incremental)?;
        eprintln!("erfa: built the index: {report}");
    }
    let engine = Engine::new(&store)?;
    let glossary = erfa_index::glossary::Glossary::load(&global.content);
    engine.set_glossary(&glossary.glossary);
    let scope = match args.scope {
        ScopeArg::Public => Scope::Public,
        ScopeArg::Members => Scope::Members,
        ScopeArg::Facilitator => Scope::Facilitator,
    };
    let mut request = SearchRequest::new(args.query.clone(), scope);
    request.per_page = args.limit;
    request.page = args.page;
    request.facets = args.json;
    if args.newest {
        request.sort = erfa_index::Sort::Newest;
    }
    request.literal = args.literal;
    for filter in &args.filters {
        let Some((field, value)) = filter.split_once('=') else {
            bail!("--filter {filter:?}: expected FIELD=VALUE, e.g. kind=mistake");
        };
        if !erfa_index::schema::FACETS.contains(&field) {
            bail!(
                "--filter {filter:?}: unknown field `{field}`; expected one of {}",
                erfa_index::schema::FACETS.join(", ")
            );
        }
        if let Some(allowed) = erfa_index::vocab::closed_facet(field)
            && !allowed.contains(&value)
        {
            let hint = erfa_index::vocab::closest_value(field, value, &allowed)
                .map(|v| format!(" (did you mean `{v}`?)"))
                .unwrap_or_default();
            let expected = if allowed.len() <= 6 {
                format!(
                    "; expected {}",
                    erfa_index::vocab::join_expected(allowed.iter().copied())
                )
            } else {
                String::new()
            };
            bail!("--filter {filter:?}: unknown {field} `{value}`{hint}{expected}");
        }
        request = request.filter(field, value);
    }
    let results = engine.search(&request)?;
    if args.json {
        let response = erfa_server::SearchResponse::from(results);
        outln!("{}", serde_json::to_string_pretty(&response)?);
        return Ok(ExitCode::SUCCESS);
    }
    let bold = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if results.hits.is_empty() {
        outln!(
            "No write-ups match \"{}\" in the {} scope.",
            args.query,
            scope.as_str()
        );
        if let Some(suggestion) = &results.did_you_mean {
            outln!("Did you mean: {suggestion}");
        }
        outln!("Try fewer or other words, the other language, or drop a filter.");
        return Ok(ExitCode::SUCCESS);
    }
    let first = (results.page - 1) * results.per_page + 1;
    match (&results.searched_for, &results.corrected_from) {
        (Some(searched), Some(typed)) => outln!(
            "Showing results for \"{searched}\"; search instead for \"{typed}\" with --literal."
        ),
        (Some(searched), None) => outln!(
            "No write-ups match \"{}\"; searched for \"{searched}\".",
            args.query
        ),
        _ => {}
    }
    if !results.expanded.is_empty() {
        outln!("Also searched: {}", results.expanded.join(", "));
    }
    outln!(
        "{} {} \"{}\" ({}); showing {}–{}:",
        results.total,
        if results.total == 1 {
            "write-up matches"
        } else {
            "write-ups match"
        },
        results.searched_for.as_deref().unwrap_or(&args.query),
        scope.as_str(),
        first,
        first + results.hits.len() - 1
    );
    for (i, hit) in results.hits.iter().enumerate() {
        outln!();
        outln!("{:>3}. {}", first + i, hit.title);
        outln!(
            "     {} · {} · {}",
            hit.kind,
            hit.date.as_deref().unwrap_or("undated"),
            hit.slug
        );
        let label = match hit.snippet.section {
            "mistake" => "Mistake to avoid",
            "lesson" => "Lesson learned",
            "summary" => "Summary",
            _ => "Text",
        };
        let text = terminal_text(&hit.snippet, bold);
        if !text.is_empty() {
            outln!("     {label}: {text}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A snippet as one line of terminal text: runs of white space made one space, and the
/// matches in bold when `bold`.
fn terminal_text(snippet: &erfa_index::search::Snippet, bold: bool) -> String {
    let mut out = String::with_capacity(snippet.text.len());
    let mut marks = snippet.highlights.iter().peekable();
    let mut in_mark = false;
    let mut space = false;
    for (i, c) in snippet.text.char_indices() {
        if in_mark && marks.peek().is_some_and(|m| m.end <= i) {
            marks.next();
            in_mark = false;
            out.push_str("\x1b[0m");
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if bold && !in_mark {
            while marks.peek().is_some_and(|m| m.end <= i) {
                marks.next();
            }
            if marks.peek().is_some_and(|m| m.start <= i) {
                in_mark = true;
                out.push_str("\x1b[1m");
            }
        }
        out.push(c);
    }
    if in_mark {
        out.push_str("\x1b[0m");
    }
    out
}

/// `YYYY-MM-DD` as a date, for `--as-of`.
fn parse_date(text: &str) -> Result<erfa_index::Date, String> {
    erfa_index::Date::parse(text).ok_or_else(|| format!("expected a date YYYY-MM-DD, got {text:?}"))
}

fn check(
    global: &Global,
    paths: Vec<PathBuf>,
    rules: &erfa_index::health::Rules,
) -> anyhow::Result<ExitCode> {
    let paths = if paths.is_empty() {
        vec![global.content.clone()]
    } else {
        paths
    };
    let (mut errors, mut warnings, mut files) = (0, 0, 0);
    let mut notes = Vec::new();
    for path in &paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("{} not found", path.display()))?;
        let diagnostics = if meta.is_dir() {
            let check = erfa_index::catalog::check(path)
                .with_context(|| format!("checking {}", path.display()))?;
            files += check.files;
            let health = erfa_index::health::health(&check.documents, rules);
            notes.extend(health.notes(rules).into_iter().map(|n| {
                let shown = if n.path.is_empty() {
                    path.clone()
                } else {
                    path.join(&n.path)
                };
                format!("{}: note: {}", shown.to_string_lossy(), n.message)
            }));
            let naming = check
                .documents
                .iter()
                .filter(|d| d.front.meeting.is_some())
                .count();
            if !check.meetings_listed && naming > 0 {
                notes.push(format!(
                    "{}: note: {naming} write-up{} name a meeting, and there is no {}: list the meetings there to have their names checked (docs/FORMAT.md)",
                    path.to_string_lossy(),
                    if naming == 1 { "" } else { "s" },
                    erfa_index::meetings::FILE_NAME,
                ));
            }
            check
                .diagnostics
                .into_iter()
                .map(|d| (path.join(&d.path), d))
                .collect::<Vec<_>>()
        } else {
            files += 1;
            check_file(global, path)
        };
        for (shown, d) in diagnostics {
            if d.is_error() {
                errors += 1;
            } else {
                warnings += 1;
            }
            outln!("{}", d.render(&shown.to_string_lossy()));
        }
    }
    for note in &notes {
        outln!("{note}");
    }
    eprintln!(
        "checked {files} file{}: {errors} error{}, {warnings} warning{}",
        if files == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Checks one file given on the command line: the glossary and the meetings list as
/// what they are, anything else as a write-up (its meeting against the content folder's
/// list).
fn check_file(global: &Global, path: &Path) -> Vec<(PathBuf, erfa_index::Diagnostic)> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let read = || std::fs::read_to_string(path);
    let diagnostics = match name {
        erfa_index::glossary::FILE_NAME => match read() {
            Ok(text) => erfa_index::glossary::Glossary::parse(&text).diagnostics,
            Err(_) => {
                erfa_index::glossary::Glossary::load(path.parent().unwrap_or(Path::new(".")))
                    .diagnostics
            }
        },
        erfa_index::compounds::FILE_NAME => match read() {
            Ok(text) => erfa_index::compounds::parse(&text).diagnostics,
            Err(_) => {
                erfa_index::compounds::load(path.parent().unwrap_or(Path::new("."))).diagnostics
            }
        },
        erfa_index::meetings::FILE_NAME => match read() {
            Ok(text) => erfa_index::meetings::Meetings::parse(&text).diagnostics,
            Err(_) => {
                erfa_index::meetings::Meetings::load(path.parent().unwrap_or(Path::new(".")))
                    .diagnostics
            }
        },
        _ => {
            let rel = relative_to_content(&global.content, path);
            let entry = erfa_index::catalog::Entry {
                slug: erfa_index::slug::from_path(&rel),
                file: erfa_index::source::SourceFile {
                    rel,
                    abs: path.to_path_buf(),
                },
                slug_taken_by: None,
            };
            let (parsed, _) = erfa_index::catalog::load(&entry);
            let mut diagnostics = parsed.diagnostics;
            if let (Some(doc), Some(list)) = (
                parsed.document,
                erfa_index::meetings::Meetings::load(&global.content).meetings,
            ) && let Some(id) = doc.front.meeting.as_deref()
                && list.get(id).is_none()
            {
                let line = std::fs::read_to_string(path)
                    .ok()
                    .and_then(|t| t.lines().position(|l| l.starts_with("meeting:")))
                    .map_or(1, |i| i + 1);
                diagnostics.push(list.unknown(&doc.path, line, id));
            }
            diagnostics
        }
    };
    diagnostics
        .into_iter()
        .map(|d| (path.to_path_buf(), d))
        .collect()
}

/// A file's path relative to the content folder when it is inside it (its slug depends
/// on that), else its file name.
fn relative_to_content(content: &Path, path: &Path) -> String {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (root, file) = (canonical(content), canonical(path));
    erfa_index::source::relative(&root, &file).unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

fn eval(global: &Global, args: EvalArgs) -> anyhow::Result<ExitCode> {
    use erfa_index::eval;
    let queries = eval::read_queries(&args.queries)
        .with_context(|| format!("reading {}", args.queries.display()))?;
    let qrels = eval::read_qrels(&args.qrels)
        .with_context(|| format!("reading {}", args.qrels.display()))?;
    let (engine, report) = Engine::in_memory(&global.content)
        .with_context(|| format!("indexing {}", global.content.display()))?;
    eprintln!("indexed {}: {report}", global.content.display());
    engine.set_tuning(erfa_index::Tuning {
        glossary: !args.no_glossary,
        lexicon: !args.no_lexicon,
        compounds: !args.no_compounds,
        language_aware: !args.no_language_aware,
        typos: !args.no_typos,
        max_tier_clauses: args.max_tier_words,
        title_weight: args.title_weight,
        feedback: !args.no_feedback,
    });
    let scope = match args.scope {
        ScopeArg::Public => Scope::Public,
        ScopeArg::Members => Scope::Members,
        ScopeArg::Facilitator => Scope::Facilitator,
    };
    let run = eval::try_run_queries(&queries, |text| -> anyhow::Result<Vec<(String, f32)>> {
        let mut request = SearchRequest::new(text, scope);
        request.per_page = 100;
        request.facets = false;
        request.snippets = false;
        let results = engine.search(&request)?;
        Ok(results
            .hits
            .into_iter()
            .map(|h| (h.slug, h.score))
            .collect())
    })?;
    if let Some(path) = &args.run {
        let mut file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        eval::write_run(&run, "erfa", &mut file)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    print!("{}", eval::evaluate(&queries, &qrels, &run));
    Ok(ExitCode::SUCCESS)
}

fn scope_of(scope: ScopeArg) -> Scope {
    match scope {
        ScopeArg::Public => Scope::Public,
        ScopeArg::Members => Scope::Members,
        ScopeArg::Facilitator => Scope::Facilitator,
    }
}

/// An engine over an up-to-date index of the content folder.
fn fresh_engine(global: &Global) -> anyhow::Result<Engine> {
    let store = open_store(global)?;
    let report = update(global, &store, Mode::Incremental)?;
    if report.touched() {
        eprintln!("erfa: updated the index: {report}");
    }
    let engine = Engine::new(&store)?;
    engine.reload()?;
    Ok(engine)
}

/// An engine for a command that only reads (`erfa stats`, `erfa export`): the index
/// brought up to date first when no other erfa process holds the data folder; while one
/// does (a running `erfa serve` keeps the index up to date), the index it committed,
/// opened read-only without the writer's lock.
fn reading_engine(global: &Global) -> anyhow::Result<Engine> {
    if !global.content.is_dir() {
        return Err(erfa_index::Error::ContentNotFound(global.content.clone()).into());
    }
    match erfa_index::lock::DataLock::acquire(&global.data) {
        Ok(lock) => {
            drop(lock);
            fresh_engine(global)
        }
        Err(erfa_index::Error::Locked { .. }) => {
            let store = Store::open_read_only(&global.data)
                .with_context(|| format!("reading the index in {}", global.data.display()))?;
            let engine = Engine::new(&store)?;
            engine.reload()?;
            Ok(engine)
        }
        Err(e) => Err(e.into()),
    }
}

fn stats(global: &Global, scope: Scope, json: bool) -> anyhow::Result<ExitCode> {
    let engine = reading_engine(global)?;
    let stats = engine.stats(scope)?;
    let check = erfa_index::catalog::check(&global.content)?;
    if json {
        let value = serde_json::json!({
            "stats": stats,
            "health": { "files": check.files, "errors": check.errors(), "warnings": check.warnings() },
        });
        outln!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{} write-ups ({} scope)", stats.total, scope.as_str());
    for (field, values) in &stats.by {
        let mut values: Vec<_> = values.iter().collect();
        if *field == "year" {
            // Years in their own order, not by count.
            values.sort_by(|a, b| a.0.cmp(b.0));
        } else {
            values.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        }
        let line: Vec<String> = values.iter().map(|(v, n)| format!("{v} {n}")).collect();
        outln!("  {field:<11} {}", line.join(", "));
    }
    outln!(
        "health: {} files, {} errors, {} warnings (details: erfa check)",
        check.files,
        check.errors(),
        check.warnings()
    );
    Ok(ExitCode::SUCCESS)
}

fn export(global: &Global, format: ExportFormat, scope: Scope) -> anyhow::Result<ExitCode> {
    let engine = reading_engine(global)?;
    let writeups = engine.export(scope)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    use std::io::Write;
    match format {
        ExportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &writeups)?;
            writeln!(out)?;
        }
        ExportFormat::Jsonl => {
            for w in &writeups {
                serde_json::to_writer(&mut out, w)?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    eprintln!(
        "exported {} write-ups ({} scope)",
        writeups.len(),
        scope.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads mimalloc's purge delay.
    #[allow(unsafe_code)]
    fn purge_delay() -> std::ffi::c_long {
        // SAFETY: as in `hand_back_at_once`.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
    }

    #[test]
    fn the_purge_delay_option_is_the_one_hand_back_at_once_sets() {
        // The option's default is mimalloc's documented 10 ms (14 and 16, its
        // neighbours, default to 1 and 0), unless the environment set it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(purge_delay(), 10);
        }
        let before = purge_delay();
        hand_back_at_once(true);
        assert_eq!(purge_delay(), 0);
        hand_back_at_once(false);
        assert_eq!(purge_delay(), before);
    }

    /// The settings-file keys of `erfa serve`, as `ServeFile` reads them.
    const SERVE_FILE_KEYS: &[&str] = &[
        "public_access",
        "public_url",
        "smtp_url",
        "mail_from",
        "trusted_proxies",
        "insecure_cookies",
        "sso_header",
        "bind",
        "poll",
        "request_timeout_secs",
        "header_read_timeout_secs",
        "max_connections",
        "insights",
        "insights_weeks",
        "review_age_days",
        "audit_days",
        "login_days",
        "log_format",
    ];

    /// One table row per option of `command`: flag, environment variable, default, and
    /// its help.
    fn option_rows(command: &clap::Command, out: &mut String) {
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else {
                continue;
            };
            if matches!(long, "help" | "version") {
                continue;
            }
            let env = arg
                .get_env()
                .map(|e| format!("`{}`", e.to_string_lossy()))
                .unwrap_or_default();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .map(|v| {
                    if v == usize::MAX.to_string() {
                        "no limit".to_string()
                    } else {
                        v
                    }
                })
                .collect();
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let first = help.trim_end_matches('.');
            let value = if arg.get_action().takes_values() {
                arg.get_value_names()
                    .and_then(|v| v.first().map(|n| format!(" {n}")))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            out.push_str(&format!(
                "| `--{long}{value}` | {env} | {} | {} |\n",
                defaults.join(", "),
                first.replace('|', "\\|").replace('\n', " ")
            ));
        }
    }

    /// docs/CONFIG.md's generated part: every option of every command.
    fn config_tables() -> String {
        use clap::CommandFactory;
        let cli = Cli::command();
        let mut out = String::from(
            "### Everywhere\n\n| option | environment | default | what |\n|---|---|---|---|\n",
        );
        option_rows(&cli, &mut out);
        let mut commands: Vec<&clap::Command> = cli.get_subcommands().collect();
        commands.sort_by_key(|c| c.get_name());
        for command in commands {
            let mut rows = String::new();
            option_rows(command, &mut rows);
            let mut subs: Vec<&clap::Command> = command.get_subcommands().collect();
            subs.sort_by_key(|c| c.get_name());
            for sub in subs {
                let mut sub_rows = String::new();
                option_rows(sub, &mut sub_rows);
                if !sub_rows.is_empty() {
                    out.push_str(&format!(
                        "\n### `erfa {} {}`\n\n| option | environment | default | what |\n|---|---|---|---|\n{sub_rows}",
                        command.get_name(),
                        sub.get_name()
                    ));
                }
            }
            if !rows.is_empty() {
                out.push_str(&format!(
                    "\n### `erfa {}`\n\n| option | environment | default | what |\n|---|---|---|---|\n{rows}",
                    command.get_name()
                ));
            }
        }
        out
    }

    #[test]
    fn the_configuration_doc_lists_every_option_and_settings_key() {
        const BEGIN: &str = "<!-- options: begin -->\n";
        const END: &str = "<!-- options: end -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CONFIG.md");
        let doc = std::fs::read_to_string(path).expect("docs/CONFIG.md");
        let (before, rest) = doc.split_once(BEGIN).expect("the begin marker");
        let (documented, after) = rest.split_once(END).expect("the end marker");
        let tables = config_tables();
        if documented != tables && std::env::var_os("ERFA_UPDATE_DOCS").is_some() {
            std::fs::write(path, format!("{before}{BEGIN}{tables}{END}{after}")).expect("written");
            return;
        }
        assert_eq!(
            documented, tables,
            "docs/CONFIG.md lists other options than the CLI; ERFA_UPDATE_DOCS=1 rewrites it"
        );
        // Every key of the settings file is documented, and the file reads each of them.
        for key in SERVE_FILE_KEYS {
            assert!(
                after.contains(&format!("`{key}`")),
                "{key} is not in docs/CONFIG.md"
            );
        }
        let all: String = SERVE_FILE_KEYS
            .iter()
            .map(|k| match *k {
                "public_access" | "insecure_cookies" | "poll" | "insights" => {
                    format!("{k} = true\n")
                }
                "trusted_proxies" => format!("{k} = [\"127.0.0.1\"]\n"),
                "public_url" => format!("{k} = \"https://erfa.example\"\n"),
                "smtp_url" => format!("{k} = \"smtp://127.0.0.1:25\"\n"),
                "mail_from" => format!("{k} = \"erfa <erfa@example.dk>\"\n"),
                "sso_header" => format!("{k} = \"x-user\"\n"),
                "bind" => format!("{k} = \"127.0.0.1:8080\"\n"),
                "log_format" => format!("{k} = \"json\"\n"),
                _ => format!("{k} = 1\n"),
            })
            .collect();
        let file: ServeFile = toml::from_str(&all).expect("every documented key is read");
        assert_eq!(file.review_age_days, Some(1));
        assert_eq!(file.log_format, Some(LogFormat::Json));
    }

    #[test]
    fn terminal_snippets_are_one_line_with_matches_in_bold() {
        let snippet = erfa_index::search::Snippet {
            section: "lesson",
            text: "En  ændring\n& <b>en</b> ændring.".to_string(),
            highlights: vec![4..12, 25..33],
        };
        assert_eq!(
            terminal_text(&snippet, false),
            "En ændring & <b>en</b> ændring."
        );
        assert_eq!(
            terminal_text(&snippet, true),
            "En \x1b[1mændring\x1b[0m & <b>en</b> \x1b[1mændring\x1b[0m."
        );
    }
}
