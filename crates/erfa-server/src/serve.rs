//! Starting and running the server: open the store, bring the index up to date, check
//! the address, then serve with a header-read timeout, a connection cap and a graceful
//! shutdown on Ctrl-C or SIGTERM.
//!
//! `axum::serve` has no header-read timeout (a slow client could hold a connection open
//! forever), so connections are served by hyper's HTTP/1 builder with a timer.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use erfa_index::{Engine, Indexer, Mode, Opened, Progress, Store, UpdateReport, WriterOptions};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Layer;

use crate::state::{AppState, Config, Limits};

/// What can stop the server from starting.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Local mode may only listen on loopback.
    #[error(
        "refusing to listen on {0}: erfa has no accounts yet, so it runs in local mode and listens only on a loopback address such as 127.0.0.1:8080 or [::1]:8080; to share erfa on the network, add the first account (erfa user add NAME --role facilitator) and start erfa serve again"
    )]
    NotLoopback(SocketAddr),
    /// The account database could not be opened.
    #[error("opening the account database: {0}")]
    Accounts(#[from] erfa_accounts::Error),
    /// Opening or updating the index failed.
    #[error(transparent)]
    Index(#[from] erfa_index::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The async runtime could not start.
    #[error("starting the server runtime: {0}")]
    Runtime(std::io::Error),
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

/// A server ready to run: the state over an up-to-date index, and how that came about.
#[derive(Debug)]
pub struct Prepared {
    /// The state to serve.
    pub state: AppState,
    /// How the store was opened (created, existing, reset and why).
    pub opened: Opened,
    /// What bringing the index up to date did.
    pub report: UpdateReport,
    /// The data folder's lock, held while the server runs: it owns the index writer.
    pub lock: erfa_index::lock::DataLock,
}

/// Checks the address, opens the store in the data folder, brings the index up to date
/// with the content folder (calling `progress` as files are read), loads the glossary and
/// starts watching the content folder for changes. Blocking.
///
/// With accounts in the data folder erfa asks viewers to log in; without, it runs in
/// local mode (and `config.local` is set accordingly before the address is checked).
pub fn prepare(
    mut config: Config,
    progress: &mut dyn FnMut(Progress),
) -> Result<Prepared, ServeError> {
    let accounts = open_accounts(&mut config)?;
    check_bind(&config)?;
    let lock = erfa_index::lock::DataLock::acquire(&config.data_dir)?;
    // Temporary files of writes that a crash interrupted are never write-ups.
    erfa_index::durable::sweep_temporary_files(&config.content_dir)?;
    let (store, opened) = Store::open(&config.data_dir)?;
    let mode = if matches!(opened, Opened::Reset(_)) {
        Mode::Rebuild
    } else {
        Mode::Incremental
    };
    let mut indexer = Indexer::new(&store, WriterOptions::default())?;
    indexer.set_commit_every(config.commit_every);
    let report = indexer.update(&config.content_dir, mode, progress)?;
    indexer.set_commit_every(0);
    let engine = Engine::new(&store)?;
    engine.reload()?;
    engine.set_glossary(&erfa_index::glossary::Glossary::load(&config.content_dir).glossary);
    let options = erfa_index::watch::WatchOptions {
        poll: config.poll,
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
    let mut state = AppState::new(store, engine, config).with_accounts(accounts);
    state.watch = Some(std::sync::Arc::new(watch));
    Ok(Prepared {
        state,
        opened,
        report,
        lock,
    })
}

/// Serves `state` on its configured address until Ctrl-C or SIGTERM. Blocking: starts
/// its own runtime. Logs one line with the URL once it listens.
pub fn run(state: AppState) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let addr = state.config.bind;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let local = listener.local_addr().unwrap_or(addr);
        let mode = if state.config.local {
            " (local mode: you are the facilitator; only this computer can connect)"
        } else if state.config.public_access {
            " (members log in; public write-ups are open to everyone)"
        } else {
            " (members only: visitors are asked to log in)"
        };
        tracing::info!("erfa is serving http://{local}/{mode}");
        let limits = state.config.limits;
        serve(listener, crate::router(state), limits, shutdown_signal()).await;
        tracing::info!("erfa stopped");
        Ok(())
    })
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
/// Each connection gets a header-read timeout; at most `limits.max_connections` are open
/// at once (further clients wait in the listen backlog).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The peer address, for login throttling.
        let service = TowerToHyperService::new(
            axum::Extension(axum::extract::ConnectInfo(peer)).layer(router.clone()),
        );
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _permit = permit;
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(crate::SHUTDOWN_GRACE) => {
            tracing::warn!("stopping with requests still open");
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
