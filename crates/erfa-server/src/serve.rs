//! Starting and running the server: open the store, bring the index up to date, check
//! the address, then serve with a header-read timeout, connection caps (overall and per
//! peer address, closing idle connections to make room) and a graceful shutdown on
//! Ctrl-C or SIGTERM.
//!
//! `axum::serve` has no header-read timeout (a slow client could hold a connection open
//! forever), so connections are served by hyper's HTTP/1 builder with a timer.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use erfa_index::{Engine, Indexer, Mode, Opened, Progress, Store, UpdateReport, WriterOptions};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore, TryAcquireError};
use tower::ServiceExt;

use crate::state::{AppState, Config, Limits};

/// What can stop the server from starting.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Local mode may only listen on loopback.
    #[error(
        "refusing to listen on {0}: erfa has no accounts yet, so it runs in local mode and listens only on a loopback address such as 127.0.0.1:8080 or [::1]:8080; to share erfa on the network, add the first account (erfa user add NAME --role facilitator) and start erfa serve again"
    )]
    NotLoopback(SocketAddr),
    /// The mail settings do not parse.
    #[error("{0}")]
    Mail(String),
    /// The account database could not be opened.
    #[error("opening the account database: {0}")]
    Accounts(#[from] erfa_accounts::Error),
    /// Opening or updating the index failed.
    #[error(transparent)]
    Index(#[from] erfa_index::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {}", bind_reason(cause))]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause: in the message once, so not also a `source` that `{:#}` would
        /// print a second time.
        cause: std::io::Error,
    },
    /// The async runtime could not start.
    #[error("starting the server runtime: {0}")]
    Runtime(std::io::Error),
}

/// Why an address could not be bound, in words: a port in use says what to do.
fn bind_reason(cause: &std::io::Error) -> String {
    match cause.kind() {
        std::io::ErrorKind::AddrInUse => {
            "the port is in use by another program (another erfa serve?); stop it or choose another port with --bind".to_string()
        }
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need privileges); choose another port with --bind".to_string()
        }
        _ => cause.to_string(),
    }
}

/// Refuses a non-loopback address while erfa runs in local mode (no accounts).
pub fn check_bind(config: &Config) -> Result<(), ServeError> {
    if config.local && !config.bind.ip().is_loopback() {
        return Err(ServeError::NotLoopback(config.bind));
    }
    Ok(())
}

/// Opens the database of accounts and state in the data folder; erfa runs in local mode
/// (and `config` says so) while it holds no account.
pub fn open_accounts(config: &mut Config) -> Result<Arc<erfa_accounts::Accounts>, ServeError> {
    let accounts = erfa_accounts::Accounts::open(&config.data_dir)?;
    config.local = accounts.is_empty()?;
    Ok(Arc::new(accounts))
}

/// A server ready to run: the state over the index, and how that came about.
#[derive(Debug)]
pub struct Prepared {
    /// The state to serve.
    pub state: AppState,
    /// How the store was opened (created, existing, reset and why).
    pub opened: Opened,
    /// What bringing the index up to date before serving did: nothing (an empty report)
    /// when the last committed index is served at once and brought up to date behind it
    /// (`reconciling`).
    pub report: UpdateReport,
    /// Whether the index is brought up to date with the content folder after the server
    /// listens, by the watcher's first reconciliation; until it commits, health says
    /// `starting` and every public and members' hit is checked against its file.
    pub reconciling: bool,
    /// The data folder's lock, held while the server runs: it owns the index writer.
    pub lock: erfa_index::lock::DataLock,
}

/// Checks the address, opens the store in the data folder, loads the glossary and starts
/// watching the content folder for changes. Blocking.
///
/// An index that opens cleanly is served as last committed, at once: the watcher's first
/// reconciliation brings it up to date with the content folder after the server listens,
/// and until it commits every public and members' hit is checked against its file's
/// current front matter (docs/ARCHITECTURE.md, "What is served while starting"). A new
/// or reset index is built first (calling `progress` as files are read): an empty index
/// would answer "nothing found" for write-ups that exist.
///
/// With accounts in the data folder erfa asks viewers to log in; without, it runs in
/// local mode (and `config.local` is set accordingly before the address is checked).
pub fn prepare(config: Config, progress: &mut dyn FnMut(Progress)) -> Result<Prepared, ServeError> {
    prepare_with_faults(config, progress, |_| {})
}

/// As [`prepare`], with failures injected into the indexer before the watcher starts
/// (tests only: holding the first reconciliation, say).
#[doc(hidden)]
pub fn prepare_with_faults(
    mut config: Config,
    progress: &mut dyn FnMut(Progress),
    faults: impl FnOnce(Arc<erfa_index::writer::Faults>),
) -> Result<Prepared, ServeError> {
    let started = std::time::SystemTime::now();
    let accounts = open_accounts(&mut config)?;
    check_bind(&config)?;
    let lock = erfa_index::lock::DataLock::acquire(&config.data_dir)?;
    let (store, opened) = Store::open(&config.data_dir)?;
    let mode = if matches!(opened, Opened::Reset(_)) {
        Mode::Rebuild
    } else {
        Mode::Incremental
    };
    let mut indexer = Indexer::new(&store, WriterOptions::default())?;
    faults(indexer.faults());
    let reconciling = opened == Opened::Existing && store.generation()? > 0;
    // A long update commits every so often, so that an interrupted one keeps what it
    // did; the watcher's first reconciliation too, which goes back to one commit after.
    indexer.set_commit_every(config.commit_every);
    let report = if reconciling {
        // Queries split Danish compounds with the group's parts as they are now.
        store.use_compound_parts(&erfa_index::compounds::load(&config.content_dir).parts);
        UpdateReport::default()
    } else {
        // Nothing is served yet: the build may have freed memory handed back at once.
        let report =
            erfa_index::memory::eagerly(|| indexer.update(&config.content_dir, mode, progress))?;
        indexer.set_commit_every(0);
        erfa_index::memory::release();
        report
    };
    let engine = Engine::new(&store)?;
    engine.reload()?;
    if reconciling {
        engine.recheck_against(&config.content_dir);
    }
    engine.set_glossary(&erfa_index::glossary::Glossary::load(&config.content_dir).glossary);
    let options = erfa_index::watch::WatchOptions {
        poll: config.poll,
        behind: reconciling,
        ..erfa_index::watch::WatchOptions::default()
    };
    let watch =
        erfa_index::watch::Watch::start(indexer, engine.clone(), &config.content_dir, options)?;
    let status = watch.status();
    if let Some(reason) = &status.poll_reason {
        tracing::warn!(
            "watching {} by polling: {reason}",
            config.content_dir.display()
        );
    }
    let mailer = crate::mail::Mailer::start(config.smtp_url.as_deref(), &config.mail_from)
        .map_err(ServeError::Mail)?;
    let mut state = AppState::new(store, engine, config)
        .with_accounts(accounts)
        .with_mailer(mailer);
    state.watch = Some(std::sync::Arc::new(watch));
    // Temporary files of writes that a crash interrupted are never write-ups, and
    // neither the index nor the watcher takes them for one: they are removed behind the
    // first answer, as a walk of the whole folder would delay it.
    let content = state.config.content_dir.clone();
    let sweep = std::thread::Builder::new()
        .name("erfa-sweep".to_string())
        .spawn(
            move || match erfa_index::durable::sweep_temporary_files(&content, started) {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!("removed {n} temporary files that an interrupted write left")
                }
                Err(e) => {
                    tracing::warn!("removing temporary files left by interrupted writes: {e}")
                }
            },
        );
    if let Err(e) = sweep {
        tracing::warn!("not removing temporary files left by interrupted writes: {e}");
    }
    Ok(Prepared {
        state,
        opened,
        report,
        reconciling,
        lock,
    })
}

/// Serves `state` on its configured address until Ctrl-C or SIGTERM. Blocking: starts
/// its own runtime. Logs one line with the URL once it listens.
pub fn run(state: AppState) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(crate::state::blocking_threads())
        // Idle threads stay: a thread that ends leaves the memory its allocator held
        // behind, to be taken up only slowly.
        .thread_keep_alive(Duration::from_secs(3600))
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let addr = state.config.bind;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|cause| ServeError::Bind { addr, cause })?;
        let local = listener.local_addr().unwrap_or(addr);
        let mode = if state.config.local {
            " (local mode: you are the facilitator; only this computer can connect)"
        } else if state.config.public_access {
            " (members log in; public write-ups are open to everyone)"
        } else {
            " (members only: visitors are asked to log in)"
        };
        tracing::info!("erfa is serving http://{local}/{mode}");
        if let Some(accounts) = state.accounts.clone() {
            tokio::spawn(forget_old_records(
                accounts,
                state.config.audit_days,
                state.config.login_days,
            ));
        }
        let limits = state.config.limits;
        let proxies = state.config.trusted_proxies.clone();
        serve_with(
            listener,
            crate::router(state),
            limits,
            &proxies,
            shutdown_signal(),
        )
        .await;
        tracing::info!("erfa stopped");
        Ok(())
    })
}

/// How often old records about people are forgotten while erfa runs.
const FORGET_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Forgets old audit entries, login records and ended sessions now and then daily
/// (`erfa_accounts::Accounts::forget_old_records`); a failure is logged and tried again
/// the next day.
async fn forget_old_records(
    accounts: Arc<erfa_accounts::Accounts>,
    audit_days: u32,
    login_days: u32,
) {
    let mut every = tokio::time::interval(FORGET_EVERY);
    loop {
        every.tick().await;
        let accounts = accounts.clone();
        let round = tokio::task::spawn_blocking(move || {
            accounts.forget_old_records(audit_days, login_days)
        })
        .await;
        match round {
            Ok(Ok(forgotten)) if !forgotten.is_empty() => tracing::info!(
                audit = forgotten.audit,
                logins = forgotten.logins,
                sessions = forgotten.sessions,
                "forgot old records (kept: audit {audit_days} days, logins {login_days} days; 0 is for good)"
            ),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(cause = %e, "forgetting old records failed"),
            Err(e) => tracing::warn!(cause = %e, "forgetting old records stopped"),
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open requests finish
/// for up to [`crate::SHUTDOWN_GRACE`].
///
/// The most a request's head (request line and headers) may take, and the connection's
/// read buffer: a larger head gets 431 from hyper. hyper's default is about 400 KB; erfa's
/// own requests stay far below (a request target is at most 16 KiB, cookies are short). hyper also refuses more than 100
/// headers with 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Each connection gets a header-read timeout, which also ends keep-alive connections that
/// stay idle as long. Idle connections never keep a client out: at most
/// `limits.max_connections_per_address` are open from one address, and a new one closes
/// that address's connection idle the longest; when `limits.max_connections` are open, a
/// new client closes the connection idle the longest of all. Only a connection idle for
/// [`EVICTABLE_AFTER`] is closed, so a client between two requests is not cut off. When
/// none is, the new connection is over the caps: it is served as one of at most half
/// `max_connections` more, whose requests all get 503 with `Retry-After` and which close
/// after one answer (and after [`OVER_CAP_HEAD_TIMEOUT`] without a head); past those, it
/// is closed at once (docs/ARCHITECTURE.md, "Overload").
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    serve_with(listener, router, limits, &[], shutdown).await;
}

/// As [`serve`], with addresses that the per-address cap does not apply to: trusted
/// reverse proxies, whose one address stands for every client behind them (the overall
/// cap still applies).
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    uncapped: &[std::net::IpAddr],
    shutdown: impl Future<Output = ()> + Send,
) {
    let max = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let permits = Arc::new(Semaphore::new(max));
    let over_cap_permits = Arc::new(Semaphore::new((max / 2).max(1)));
    let mut connections = Connections::new(limits.max_connections_per_address.clamp(1, max));
    connections.uncapped = uncapped.to_vec();
    let open = Arc::new(connections);
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    let mut over_cap_builder = builder.clone();
    over_cap_builder
        .header_read_timeout(OVER_CAP_HEAD_TIMEOUT.min(limits.header_read_timeout))
        .keep_alive(false);
    tokio::pin!(shutdown);
    'serve: loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let mut place = None;
        if let Some(registration) = open.register(peer.ip()) {
            place = loop {
                match permits.clone().try_acquire_owned() {
                    Ok(permit) => break Some((permit, registration)),
                    Err(TryAcquireError::Closed) => break 'serve,
                    Err(TryAcquireError::NoPermits) => {}
                }
                if !open.make_room() {
                    break None;
                }
                tokio::select! {
                    permit = permits.clone().acquire_owned() => match permit {
                        Ok(permit) => break Some((permit, registration)),
                        Err(_) => break 'serve,
                    },
                    // The connection asked to close may take a moment.
                    () = tokio::time::sleep(ROOM_RETRY) => {},
                    () = &mut shutdown => break 'serve,
                }
            };
        }
        let Some((permit, registration)) = place else {
            // Over the caps: answer 503 on it, or close it when too many are answered so.
            let Ok(over_cap_permit) = over_cap_permits.clone().try_acquire_owned() else {
                tracing::debug!(address = %peer.ip(), "connection closed: over every cap");
                continue;
            };
            let service = ConnService {
                router: router.clone(),
                peer,
                activity: Arc::new(Activity::new(Instant::now())),
                over_cap: true,
            };
            let connection = over_cap_builder.serve_connection(TokioIo::new(stream), service);
            tokio::spawn(async move {
                let _permit = over_cap_permit;
                if let Err(e) = connection.await {
                    tracing::debug!(error = %e, "a connection over the caps ended with an error");
                }
            });
            continue;
        };
        let service = ConnService {
            router: router.clone(),
            peer,
            activity: registration.activity.clone(),
            over_cap: false,
        };
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let activity = registration.activity.clone();
            let _registration = registration;
            let mut connection = std::pin::pin!(connection);
            let mut closing = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    _ = stopping.wait_for(|stop| *stop), if !closing => {
                        // Finish the request in flight, if any, then close.
                        connection.as_mut().graceful_shutdown();
                        closing = true;
                    }
                    () = activity.evict.notified(), if !closing => {
                        if activity.idle() {
                            // No request in flight: close at once, even halfway through
                            // a request head.
                            break;
                        }
                        connection.as_mut().graceful_shutdown();
                        closing = true;
                    }
                }
            }
        });
    }
    drop(listener);
    stop.send_replace(true);
    tokio::select! {
        _ = permits.acquire_many(max as u32) => {},
        () = tokio::time::sleep(crate::SHUTDOWN_GRACE) => {
            tracing::warn!("stopping with requests still open");
        },
    }
}

/// How often a server at its connection cap looks again for room while a connection it
/// asked to close has not yet closed.
const ROOM_RETRY: Duration = Duration::from_millis(20);

/// How long a connection must have been idle (no request in flight) before it may be
/// closed to make room. Long enough that a client reading one answer and sending its next
/// request is not cut off between the two; a connection that sends nothing, or keeps a
/// connection open between page views, is idle far longer.
pub const EVICTABLE_AFTER: Duration = Duration::from_millis(100);

/// The most a connection over the caps may take to send its request head before it is
/// closed.
pub const OVER_CAP_HEAD_TIMEOUT: Duration = Duration::from_secs(2);

/// The open connections, for the caps: who they come from and whether they are idle.
#[derive(Debug)]
struct Connections {
    /// Most connections from one address.
    per_address: usize,
    /// Addresses the per-address cap does not apply to (trusted proxies).
    uncapped: Vec<IpAddr>,
    /// How long a connection must have been idle to be closed for room.
    evictable_after: Duration,
    /// Activity times count from here.
    epoch: Instant,
    table: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    next_id: u64,
    open: HashMap<u64, Entry>,
}

#[derive(Debug)]
struct Entry {
    peer: IpAddr,
    activity: Arc<Activity>,
    /// Asked to close to make room; no longer counted for its address.
    evicting: bool,
}

/// One connection's activity: requests in flight and when it last was busy.
#[derive(Debug)]
struct Activity {
    epoch: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds from `epoch` to the connection's start or its last request's end.
    last: AtomicU64,
    /// Tells the connection to close to make room.
    evict: Notify,
}

impl Activity {
    fn new(epoch: Instant) -> Activity {
        let activity = Activity {
            epoch,
            in_flight: AtomicUsize::new(0),
            last: AtomicU64::new(0),
            evict: Notify::new(),
        };
        activity.touch();
        activity
    }

    fn touch(&self) {
        let millis = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(millis, Ordering::Relaxed);
    }

    /// No request in flight: waiting for a first request head, or kept alive between
    /// requests.
    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) == 0
    }

    /// Idle for at least `long`: may be closed to make room.
    fn evictable(&self, long: Duration) -> bool {
        let since = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.idle() && self.epoch.elapsed().saturating_sub(since) >= long
    }
}

/// A request in flight on a connection, from its head until its answer's body is sent.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Busy {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        activity.touch();
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Connections {
    fn new(per_address: usize) -> Connections {
        Connections {
            per_address,
            uncapped: Vec::new(),
            evictable_after: EVICTABLE_AFTER,
            epoch: Instant::now(),
            table: Mutex::new(Table::default()),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new connection from `peer`. At the address's cap, its connection idle
    /// the longest is asked to close; when none has been idle for `evictable_after`, the
    /// new connection is refused.
    fn register(self: &Arc<Self>, peer: IpAddr) -> Option<Registration> {
        let mut table = self.table();
        let from_peer = table
            .open
            .values()
            .filter(|e| e.peer == peer && !e.evicting)
            .count();
        if from_peer >= self.per_address && !self.uncapped.contains(&peer) {
            let oldest = table
                .open
                .values_mut()
                .filter(|e| {
                    e.peer == peer && !e.evicting && e.activity.evictable(self.evictable_after)
                })
                .min_by_key(|e| e.activity.last.load(Ordering::Relaxed))?;
            oldest.evict();
        }
        let id = table.next_id;
        table.next_id += 1;
        let activity = Arc::new(Activity::new(self.epoch));
        table.open.insert(
            id,
            Entry {
                peer,
                activity: activity.clone(),
                evicting: false,
            },
        );
        Some(Registration {
            id,
            activity,
            connections: self.clone(),
        })
    }

    /// At the overall cap: asks the connection idle the longest to close, unless an idle
    /// one is already closing. Whether room is coming: false when no connection has been
    /// idle for `evictable_after`.
    fn make_room(&self) -> bool {
        let mut table = self.table();
        if table.open.values().any(|e| e.evicting && e.activity.idle()) {
            return true;
        }
        match table
            .open
            .values_mut()
            .filter(|e| !e.evicting && e.activity.evictable(self.evictable_after))
            .min_by_key(|e| e.activity.last.load(Ordering::Relaxed))
        {
            Some(oldest) => {
                oldest.evict();
                true
            }
            None => false,
        }
    }
}

impl Entry {
    fn evict(&mut self) {
        self.evicting = true;
        self.activity.evict.notify_one();
    }
}

/// A connection's place in [`Connections`], given up when the connection ends.
struct Registration {
    id: u64,
    activity: Arc<Activity>,
    connections: Arc<Connections>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.connections.table().open.remove(&self.id);
    }
}

/// The router as one connection's service: records the peer address (for login
/// throttling) and whether a request is in flight, and marks the requests of a
/// connection over the caps ([`crate::limits::OverCap`]).
#[derive(Clone)]
struct ConnService {
    router: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
    over_cap: bool,
}

impl hyper::service::Service<hyper::Request<Incoming>> for ConnService {
    type Response = hyper::Response<TrackedBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, mut request: hyper::Request<Incoming>) -> Self::Future {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(self.peer));
        if self.over_cap {
            request.extensions_mut().insert(crate::limits::OverCap);
        }
        let busy = Busy::new(self.activity.clone());
        let router = self.router.clone();
        Box::pin(async move {
            let response = router.oneshot(request).await?;
            Ok(response.map(|body| TrackedBody { body, _busy: busy }))
        })
    }
}

/// An answer's body; the request counts as in flight until it is sent (or dropped).
struct TrackedBody {
    body: axum::body::Body,
    _busy: Busy,
}

impl hyper::body::Body for TrackedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evicting(connections: &Connections, registration: &Registration) -> bool {
        connections.table().open[&registration.id].evicting
    }

    /// Connections whose idle ones may be closed at once.
    fn without_grace(per_address: usize) -> Connections {
        let mut connections = Connections::new(per_address);
        connections.evictable_after = Duration::ZERO;
        connections
    }

    #[test]
    fn an_address_at_its_cap_closes_its_connection_idle_the_longest() {
        let connections = Arc::new(without_grace(2));
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        let first = connections.register(a).expect("room");
        let second = connections.register(a).expect("room");
        let other = connections.register(b).expect("room");
        // The first is busy, so the second is the one idle the longest.
        let busy = Busy::new(first.activity.clone());
        let third = connections.register(a).expect("room made");
        assert!(!evicting(&connections, &first));
        assert!(evicting(&connections, &second));
        assert!(!evicting(&connections, &other));
        drop(second);
        // Every connection of `a` is busy now: a new one is refused.
        let _busy_too = Busy::new(third.activity.clone());
        assert!(connections.register(a).is_none());
        assert!(connections.register(b).is_some(), "other addresses are not");
        // Once the first request is over, the first connection is idle again.
        drop(busy);
        let _fourth = connections.register(a).expect("room made");
        assert!(evicting(&connections, &first));
    }

    #[test]
    fn a_trusted_proxy_is_not_held_to_the_per_address_cap() {
        let mut connections = Connections::new(2);
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        connections.uncapped = vec![proxy];
        let connections = Arc::new(connections);
        let held: Vec<Registration> = (0..5)
            .map(|_| {
                let r = connections.register(proxy).expect("room");
                std::mem::forget(Busy::new(r.activity.clone()));
                r
            })
            .collect();
        assert!(held.iter().all(|r| !evicting(&connections, r)));
    }

    #[test]
    fn at_the_overall_cap_the_connection_idle_the_longest_closes() {
        let connections = Arc::new(without_grace(10));
        let older = connections
            .register("192.0.2.1".parse().expect("ip"))
            .expect("room");
        std::thread::sleep(Duration::from_millis(5));
        let newer = connections
            .register("192.0.2.2".parse().expect("ip"))
            .expect("room");
        assert!(connections.make_room());
        assert!(evicting(&connections, &older));
        // One idle connection closing is room enough.
        assert!(connections.make_room());
        assert!(!evicting(&connections, &newer));
        drop(older);
        let _busy = Busy::new(newer.activity.clone());
        assert!(!connections.make_room(), "no room coming");
        assert!(!evicting(&connections, &newer), "busy connections stay");
    }

    #[test]
    fn a_connection_idle_only_a_moment_is_not_closed_for_room() {
        let connections = Arc::new(Connections::new(1));
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let between_requests = connections.register(a).expect("room");
        drop(Busy::new(between_requests.activity.clone()));
        assert!(!connections.make_room(), "just answered: not closed");
        assert!(connections.register(a).is_none(), "over the address's cap");
        assert!(!evicting(&connections, &between_requests));
        std::thread::sleep(EVICTABLE_AFTER + Duration::from_millis(20));
        assert!(connections.register(a).is_some(), "idle long enough now");
        assert!(evicting(&connections, &between_requests));
    }

    #[test]
    fn local_mode_refuses_other_addresses() {
        let mut config = Config::local("content", ".erfa");
        assert!(check_bind(&config).is_ok());
        config.bind = "[::1]:8080".parse().expect("an address");
        assert!(check_bind(&config).is_ok());
        config.bind = "0.0.0.0:8080".parse().expect("an address");
        let err = check_bind(&config).expect_err("refused").to_string();
        assert!(err.contains("refusing to listen on 0.0.0.0:8080"), "{err}");
        assert!(err.contains("erfa user add"), "{err}");
    }
}
