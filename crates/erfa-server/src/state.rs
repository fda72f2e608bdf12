//! What every handler shares: the search engine, the store it reads, and the settings.
//!
//! [`AppState`] is cloned per request, so everything in it is an `Arc` or already cheap to
//! clone (the engine holds tantivy readers, which are `Arc`s).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use erfa_index::{Engine, Scope, SearchRequest, Store};

use crate::error::AppError;

/// The folder of `content/` that the share form writes into: contributors' submissions.
pub const SUBMISSIONS: &str = "submissions";

/// The server's settings, resolved once by the binary from flags, `ERFA_*` environment and
/// the optional TOML file. The library never reads the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The folder that holds the write-ups; attachments are served from it.
    pub content_dir: PathBuf,
    /// The folder that holds the index and erfa's own state.
    pub data_dir: PathBuf,
    /// Where to listen. Without accounts only a loopback address is accepted.
    pub bind: SocketAddr,
    /// The scope every request is served with when there is no account database. In
    /// local mode the person at this machine is the facilitator; tests use other scopes
    /// to check what other viewers would see. With accounts, the viewer decides.
    pub scope: Scope,
    /// With accounts: whether anonymous visitors may search public write-ups. Off by
    /// default: then every page but login, `robots.txt` and static files asks for login.
    pub public_access: bool,
    /// Whether the session cookie is `Secure` (named `__Host-erfa-session`). Browsers
    /// keep such cookies only over HTTPS or from `localhost`; turn it off only for a test
    /// over plain HTTP on a private network.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (for login throttling), and
    /// whose single-sign-on header is believed when `sso_header` is set.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Single sign-on through a trusted reverse proxy: the header (e.g. `X-Remote-User`)
    /// in which a proxy from `trusted_proxies` names the logged-in user. From any other
    /// address the header is ignored.
    pub sso_header: Option<axum::http::HeaderName>,
    /// The address members use, e.g. `https://erfa.example.dk`, for links in feeds,
    /// OpenSearch, invitations and password resets. Without it: `http://` and the bind
    /// address (the `Host` in local mode).
    pub public_url: Option<String>,
    /// The SMTP server mail goes through, `smtp://host:port`: a relay on the same machine
    /// or network, without TLS or login (the relay forwards it on). Without it nothing is
    /// sent and nothing fails.
    pub smtp_url: Option<String>,
    /// The sender of erfa's mail.
    pub mail_from: String,
    /// How often (seconds) erfa looks for members whose news is due by mail.
    pub mail_every_secs: u64,
    /// Whether local mode's rules apply: loopback `Host` only, no proxy headers, a banner.
    pub local: bool,
    /// Time limits and the connection cap.
    pub limits: Limits,
    /// Poll the content folder instead of listening to file-system events.
    pub poll: bool,
    /// Commit after every this many write-ups while bringing the index up to date at start
    /// (0: once, at the end).
    pub commit_every: usize,
    /// Whether searches are recorded, without identity, for the facilitator's search
    /// insights (on by default).
    pub insights: bool,
    /// How many weeks searches are kept for insights; older ones are deleted.
    pub insights_weeks: u32,
    /// Published write-ups older than this many days without `confidence: validated` are
    /// listed for review in content health.
    pub review_age_days: u32,
    /// `/api/health` warns when a disk holding the content or data folder has less free
    /// space than this share, in per cent (0: never).
    pub low_disk_percent: u64,
    /// Audit entries about changes are kept this many days (0: for good).
    pub audit_days: u32,
    /// Login and logout records are kept this many days (0: for good); each account's
    /// latest login stays.
    pub login_days: u32,
}

impl Config {
    /// Local mode over `content_dir` and `data_dir` on `127.0.0.1:8080` with default limits.
    pub fn local(content_dir: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Config {
        Config {
            content_dir: content_dir.into(),
            data_dir: data_dir.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            scope: Scope::Facilitator,
            public_access: false,
            secure_cookies: true,
            trusted_proxies: Vec::new(),
            sso_header: None,
            public_url: None,
            smtp_url: None,
            mail_from: "erfa <erfa@localhost>".to_string(),
            mail_every_secs: 300,
            local: true,
            limits: Limits::default(),
            poll: false,
            commit_every: 0,
            insights: true,
            insights_weeks: 26,
            review_age_days: 730,
            low_disk_percent: 5,
            audit_days: 730,
            login_days: 90,
        }
    }
}

/// Time limits and the connection cap of the HTTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest time a whole request may take before it gets 408.
    pub request_timeout: Duration,
    /// Longest time a client may take to send the request headers (slow-loris guard).
    pub header_read_timeout: Duration,
    /// Most connections open at once. When all are open, a connection idle for a while is
    /// closed for a new client; when none is, the new client's request gets 503 with
    /// `Retry-After` (docs/ARCHITECTURE.md, "Overload").
    pub max_connections: usize,
    /// Most connections open at once from one peer address. A new connection from an
    /// address at its cap closes that address's connection idle for a while; when none
    /// is, the new connection's request gets 503 with `Retry-After`.
    pub max_connections_per_address: usize,
    /// Most requests being answered at once; more get 503 with `Retry-After` at once
    /// instead of waiting behind the others (`/api/health` and the assets are always answered).
    pub max_requests_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_connections_per_address: 128,
            max_requests_in_flight: 128,
        }
    }
}

/// What [`AppState::search_or_kept`] found.
pub(crate) enum Found {
    /// An answer the engine keeps, shared.
    Kept(Arc<erfa_index::Answer>),
    /// Results searched afresh.
    Fresh(erfa_index::SearchResults),
}

impl Found {
    /// The results found.
    pub(crate) fn results(&self) -> &erfa_index::SearchResults {
        match self {
            Found::Kept(answer) => answer.results(),
            Found::Fresh(results) => results,
        }
    }

    /// The results found, copied when kept.
    pub(crate) fn into_results(self) -> erfa_index::SearchResults {
        match self {
            Found::Kept(answer) => answer.results().clone(),
            Found::Fresh(results) => results,
        }
    }
}

/// The state every handler gets, shared: every request clones it a few times, and a clone
/// is one reference count. Its parts are `Shared`'s, read through `Deref`. Cloning every
/// part instead (fourteen reference counts that every thread touches) took 9% of the
/// server's CPU under cached searches (docs/BENCHMARKS.md, "One reference count a
/// request").
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Setting a part (`state.watch = …`, while the server is put together) changes this
/// state only, as with any clone: a state shared with others is copied first, part by
/// part, which clones each part's `Arc`.
impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

/// The parts of [`AppState`]: only `Arc`s and small copies.
#[derive(Clone)]
pub struct Shared {
    /// Searches the index.
    pub engine: Arc<Engine>,
    /// The index itself, for its generation.
    pub store: Arc<Store>,
    /// Settings.
    pub config: Arc<Config>,
    pub(crate) assets: Arc<crate::assets::Assets>,
    /// The watcher that keeps the index up to date with the content folder, when one runs.
    pub watch: Option<Arc<erfa_index::watch::Watch>>,
    /// The database of accounts and erfa's other state (`state.db`). `erfa serve` always
    /// opens it; whether viewers log in is [`AppState::logins`].
    pub accounts: Option<Arc<erfa_accounts::Accounts>>,
    /// Login throttling and hashing permits.
    pub guards: Arc<crate::guards::Guards>,
    /// The queue to the thread that records searches for insights, started by the first
    /// search (see `desk`).
    pub(crate) insights:
        Arc<std::sync::OnceLock<std::sync::mpsc::SyncSender<erfa_accounts::SearchRecord>>>,
    /// Turns for [`AppState::blocking`]: a few per core, granted in order of arrival.
    turns: Arc<tokio::sync::Semaphore>,
    /// The meetings list, read again when it changes.
    meetings: Arc<crate::meetings::Cache>,
    /// The git history of `content/`, when `content/` is the root of a git working tree.
    pub(crate) history: Option<Arc<crate::history::History>>,
    /// What `/metrics` reports.
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
    /// The members' questions and answers as a side index in memory, built from
    /// `state.db` when first needed and updated after each change (see `questions`).
    pub(crate) questions_index: Arc<std::sync::OnceLock<Arc<erfa_index::side::SideIndex>>>,
    /// Mail through the configured SMTP server; sends nothing without one.
    pub mailer: Arc<crate::mail::Mailer>,
}

/// Blocking jobs (searches, page loads) run at most this many per core at a time. Under
/// load, more only share the same cores while each takes longer; waiting in line instead
/// keeps the slowest answers much faster at the same throughput. Two per core answer
/// fresh searches as fast as four did, with a lower p99 and less memory: each thread
/// that has searched keeps memory its allocator handed it (docs/BENCHMARKS.md, "Where
/// the memory after load is").
const TURNS_PER_CORE: usize = 2;

/// Threads of the blocking pool kept beyond the turns, for the jobs that take no turn:
/// one for each password check that may run at once and one for session look-ups, so
/// that none of them waits for a search to end.
const SHORT_JOB_THREADS: usize = crate::guards::HASHING_AT_ONCE + 1;

/// Blocking jobs that may run at once ([`TURNS_PER_CORE`] per core).
pub(crate) fn turns() -> usize {
    TURNS_PER_CORE * std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Threads of the blocking pool: one per turn and [`SHORT_JOB_THREADS`]. Each thread
/// keeps memory the allocator has handed it, so a pool that grows with the load (tokio's
/// default allows 512) holds far more than the jobs running at once need
/// (docs/BENCHMARKS.md, "Search under write churn").
pub(crate) fn blocking_threads() -> usize {
    turns() + SHORT_JOB_THREADS
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an opened store and its engine.
    pub fn new(store: Store, engine: Engine, config: Config) -> AppState {
        AppState(Arc::new(Shared {
            engine: Arc::new(engine),
            store: Arc::new(store),
            assets: Arc::new(crate::assets::Assets::new()),
            watch: None,
            accounts: None,
            guards: Arc::new(crate::guards::Guards::default()),
            insights: Arc::new(std::sync::OnceLock::new()),
            turns: Arc::new(tokio::sync::Semaphore::new(turns())),
            meetings: Arc::new(crate::meetings::Cache::default()),
            history: crate::history::History::open(&config.content_dir).map(Arc::new),
            metrics: Arc::new(crate::metrics::Metrics::new()),
            questions_index: Arc::new(std::sync::OnceLock::new()),
            mailer: Arc::new(crate::mail::Mailer::off()),
            config: Arc::new(config),
        }))
    }

    /// Searches the index, timed for `/metrics`.
    pub(crate) fn search(
        &self,
        request: &SearchRequest,
    ) -> Result<erfa_index::SearchResults, AppError> {
        let started = std::time::Instant::now();
        let results = self.engine.search(request)?;
        self.metrics.search(started.elapsed().as_secs_f64());
        Ok(results)
    }

    /// [`AppState::search`] without waiting for a turn when the engine's result cache
    /// holds the answer (a look-up, done here); otherwise in turn on the blocking pool.
    /// Under load, answers already found need not queue behind searches run afresh.
    pub(crate) async fn search_soon(
        &self,
        request: SearchRequest,
    ) -> Result<erfa_index::SearchResults, AppError> {
        Ok(self.search_or_kept(request).await?.into_results())
    }

    /// [`AppState::search_soon`], with a kept answer shared as it is kept rather than
    /// copied, so that a rendering of it can be kept with it.
    pub(crate) async fn search_or_kept(&self, request: SearchRequest) -> Result<Found, AppError> {
        let started = std::time::Instant::now();
        if let Some(answer) = self.engine.kept(&request) {
            self.metrics.search(started.elapsed().as_secs_f64());
            return Ok(Found::Kept(answer));
        }
        Ok(Found::Fresh(
            self.blocking(move |s| s.search(&request)).await?,
        ))
    }

    /// Records what erfa just wrote into `content/` (the `paths`) as one commit, when
    /// `content/` has a git history; a failure is logged and the write stands.
    pub(crate) fn record_history(&self, paths: &[&str], message: &str) {
        if let Some(history) = &self.history {
            history.record(paths, message);
        }
    }

    /// The content folder's meetings list (`_meetings.yaml`), or `None` without one.
    pub(crate) fn meetings(&self) -> Arc<Option<erfa_index::meetings::Meetings>> {
        self.meetings.get(&self.config.content_dir)
    }

    /// State with the database of accounts. Viewers log in unless the configuration says
    /// local mode (which `erfa serve` chooses while the database holds no account).
    pub fn with_accounts(mut self, accounts: Arc<erfa_accounts::Accounts>) -> AppState {
        self.accounts = Some(accounts);
        self
    }

    /// State that sends mail through `mailer` (see [`crate::mail::Mailer::start`]).
    pub fn with_mailer(mut self, mailer: crate::mail::Mailer) -> AppState {
        self.mailer = Arc::new(mailer);
        self
    }

    /// The absolute base URL where no request names the host (mail): `public_url`, else
    /// `http://` and the bind address.
    pub(crate) fn base_url(&self) -> String {
        match &self.config.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.config.bind),
        }
    }

    /// The absolute address of `path` for mail (see [`AppState::base_url`]).
    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The state database; "not found" where there is none (router tests without it).
    pub(crate) fn accounts(&self) -> Result<Arc<erfa_accounts::Accounts>, AppError> {
        self.accounts.clone().ok_or_else(AppError::not_found)
    }

    /// Whether viewers log in. Otherwise the configuration fixes the viewer: the
    /// facilitator in local mode, other scopes in tests.
    pub fn logins(&self) -> bool {
        self.accounts.is_some() && !self.config.local
    }

    /// Whether anonymous visitors may use `public` routes: always without logins (the
    /// configured scope decides what they see), else as configured.
    pub fn public_access(&self) -> bool {
        !self.logins() || self.config.public_access
    }

    /// Runs blocking index work on the blocking pool, in turn ([`TURNS_PER_CORE`]); index
    /// errors become 500s.
    pub(crate) async fn blocking<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        let _turn = self
            .turns
            .acquire()
            .await
            .map_err(|e| AppError::internal(format!("waiting for a turn: {e}")))?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || work(&state))
            .await
            .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn blocking_jobs_take_turns() {
        let store = Store::in_ram();
        let engine = Engine::new(&store).expect("engine");
        let state = AppState::new(store, engine, Config::local("unused", "unused"));
        let allowed = turns();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..allowed * 3)
            .map(|_| {
                let (state, running, most) = (state.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    state
                        .blocking(move |_| {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                            Ok(())
                        })
                        .await
                })
            })
            .collect();
        for job in jobs {
            job.await.expect("joined").expect("job");
        }
        let most = most.load(Ordering::SeqCst);
        assert!(most <= allowed, "{most} jobs at once, {allowed} allowed");
        assert!(most > 1, "jobs still run side by side");
    }
}
