//! Live reindexing: file-system events on `content/` become index updates.
//!
//! A debouncer batches events (an editor's save is several events; a `git checkout` is
//! thousands); a worker thread that owns the [`Indexer`] applies each batch path by path,
//! commits, and reloads the searcher side (a [`Live`], the search engine) so the next search sees the change. When events
//! may have been lost — a watcher error, a queue overflow, a rescan flag — right after
//! start, and after a failed update (a full disk, say: the writers are rolled back, and
//! the worker tries again by itself), the worker reconciles the whole folder with the
//! index by content hash.
//! When the watcher cannot start (inotify limits) or polling is asked for, it polls.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, PollWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, RecommendedCache};

use crate::content::diagnostic::Diagnostic;
use crate::content::glossary::Glossary;
use crate::content::source;
use crate::error::{Error, Result};
use crate::index::writer::{Indexer, Mode, UpdateReport};

/// What the watch keeps current after each update: the search engine, which implements
/// it. The index defines it so that it depends on nothing of the search side.
pub trait Live: Send + 'static {
    /// Makes the next search see the latest commit.
    fn reload(&self) -> Result<()>;
    /// Applies an edited glossary, which takes effect at query time.
    fn set_glossary(&self, glossary: &Glossary);
    /// Called once, after the first reconciliation since start has committed and been
    /// reloaded: from now on the index equals the disk but for changes on their way.
    fn reconciled(&self) {}
}

/// How to watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchOptions {
    /// How long a burst of events may go on before it is applied.
    pub debounce: Duration,
    /// Poll instead of listening to events (network and container mounts send none).
    pub poll: bool,
    /// How often to poll.
    pub poll_interval: Duration,
    /// The index may be behind the folder (erfa serves the last committed index at
    /// start): [`WatchStatus::reconciled`] stays false until the first reconciliation
    /// commits, which commits as often as the indexer was set to
    /// ([`Indexer::set_commit_every`]), and once at the end after it. Otherwise the index
    /// was just brought up to date and it starts true.
    pub behind: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            debounce: Duration::from_millis(30),
            poll: false,
            poll_interval: Duration::from_secs(2),
            behind: false,
        }
    }
}

/// How changes are noticed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WatchMode {
    /// File-system events.
    Events,
    /// Polling, with the reason.
    Polling,
}

/// What the watcher has done, for logs and the facilitator's health view.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WatchStatus {
    /// Events or polling.
    pub mode: WatchMode,
    /// Why polling, when polling.
    pub poll_reason: Option<String>,
    /// Updates applied since start.
    pub updates: u64,
    /// Full reconciliations since start.
    pub reconciliations: u64,
    /// The summary of the last update that changed something.
    pub last_change: Option<String>,
    /// The last failure, if the last update failed.
    pub last_error: Option<String>,
    /// Set when the last update panicked: the worker caught it, rolled back, and tries
    /// again by itself with a growing pause; cleared by the next update that succeeds.
    pub last_panic: Option<String>,
    /// Panics caught since start.
    pub panics: u64,
    /// When the last update succeeded (Unix seconds).
    pub last_success: Option<i64>,
    /// How long the last update took, from taking up its changes to searchable, in
    /// milliseconds.
    pub last_update_ms: Option<u64>,
    /// Since when the update under way runs (Unix milliseconds); `None` when idle.
    pub busy_since: Option<i64>,
    /// Errors of write-ups that are left out of the index now, by path.
    pub invalid: BTreeMap<String, Vec<Diagnostic>>,
    /// Whether the index is known to equal the folder (but for changes under way): false
    /// from a start on an index that may be behind it ([`WatchOptions::behind`]) until
    /// the first reconciliation commits; health says `starting` meanwhile.
    pub reconciled: bool,
}

enum Message {
    Paths(BTreeSet<String>),
    /// Paths to update now; the sender hears when the update is committed and searchable.
    Now(BTreeSet<String>, Sender<std::result::Result<(), String>>),
    Reconcile,
    Stop,
}

/// A running watcher. Dropping it (or [`Watch::stop`]) ends the worker.
pub struct Watch {
    sender: Sender<Message>,
    status: Arc<Mutex<WatchStatus>>,
    worker: Option<JoinHandle<()>>,
    /// The file-system watcher or poller, kept alive while watching; set by the worker
    /// once it has started.
    _watcher: Arc<Mutex<Option<Box<dyn Send>>>>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

fn relative_paths(root: &Path, event_paths: &[PathBuf]) -> BTreeSet<String> {
    event_paths
        .iter()
        .filter_map(|p| source::relative(root, p))
        .filter(|rel| !rel.is_empty())
        .collect()
}

/// Whether an event only reports that a file was opened or read — as erfa's own reading
/// does. Such events never change content, and acting on them would make every update
/// trigger the next one.
fn is_read_only(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    matches!(kind, notify::EventKind::Access(access)
        if !matches!(access, AccessKind::Close(AccessMode::Write)))
}

fn handler(
    root: PathBuf,
    sender: Sender<Message>,
) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| match result {
        Ok(events) => {
            let mut paths = BTreeSet::new();
            let mut rescan = false;
            for event in &events {
                if event.need_rescan() {
                    rescan = true;
                }
                if is_read_only(&event.kind) {
                    continue;
                }
                paths.extend(relative_paths(&root, &event.paths));
            }
            if rescan {
                let _ = sender.send(Message::Reconcile);
            } else if !paths.is_empty() {
                let _ = sender.send(Message::Paths(paths));
            }
        }
        // Events may have been lost: look at everything again.
        Err(_) => {
            let _ = sender.send(Message::Reconcile);
        }
    }
}

impl Watch {
    /// Starts watching `root` (the content folder) on the worker thread, which then
    /// reconciles once; returns without waiting for either.
    pub fn start(
        indexer: Indexer,
        engine: impl Live,
        root: &Path,
        options: WatchOptions,
    ) -> Result<Watch> {
        let root = root
            .canonicalize()
            .map_err(|_| Error::ContentNotFound(root.to_path_buf()))?;
        let (sender, receiver) = mpsc::channel();
        let mut status = WatchStatus {
            mode: WatchMode::Events,
            poll_reason: None,
            updates: 0,
            reconciliations: 0,
            last_change: None,
            last_error: None,
            last_panic: None,
            panics: 0,
            last_success: None,
            last_update_ms: None,
            busy_since: None,
            invalid: BTreeMap::new(),
            reconciled: !options.behind,
        };
        if options.poll {
            status.mode = WatchMode::Polling;
            status.poll_reason = Some("polling was asked for".to_string());
        }
        let status = Arc::new(Mutex::new(status));
        let watcher = Arc::new(Mutex::new(None));
        let worker_status = status.clone();
        let worker_root = root.clone();
        let worker_sender = sender.clone();
        let worker_watcher = watcher.clone();
        let worker = std::thread::Builder::new()
            .name("erfa-reindex".to_string())
            .spawn(move || {
                // Watching starts here rather than before `start` returns: registering
                // every folder of a large content folder takes a while, and answering
                // need not wait for it. The first reconciliation comes after it, so
                // nothing that changed meanwhile is missed.
                let started = Self::watching(&worker_root, &worker_sender, options, &worker_status);
                drop(worker_sender);
                *worker_watcher.lock().unwrap_or_else(|e| e.into_inner()) = started;
                work(indexer, engine, &worker_root, &receiver, &worker_status)
            })
            .map_err(|e| Error::io("starting", "the reindex thread", e))?;
        let _ = sender.send(Message::Reconcile);
        Ok(Watch {
            sender,
            status,
            worker: Some(worker),
            _watcher: watcher,
        })
    }

    /// Starts the file-system watcher of `root`, or polling when that fails or was asked
    /// for (recorded in `status`); `None`, with the error in `status`, when neither
    /// starts: changes are then found only by reconciliations.
    fn watching(
        root: &Path,
        sender: &Sender<Message>,
        options: WatchOptions,
        status: &Mutex<WatchStatus>,
    ) -> Option<Box<dyn Send>> {
        if !options.poll {
            match Self::events(root, sender, options) {
                Ok(d) => return Some(d),
                Err(e) => {
                    let mut status = status.lock().unwrap_or_else(|e| e.into_inner());
                    status.mode = WatchMode::Polling;
                    status.poll_reason =
                        Some(format!("the file-system watcher could not start ({e})"));
                }
            }
        }
        match Self::polling(root, sender, options) {
            Ok(d) => Some(d),
            Err(e) => {
                status.lock().unwrap_or_else(|e| e.into_inner()).last_error =
                    Some(format!("watching the content folder: {e}"));
                None
            }
        }
    }

    fn events(
        root: &Path,
        sender: &Sender<Message>,
        options: WatchOptions,
    ) -> notify::Result<Box<dyn Send>> {
        let mut debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache> =
            notify_debouncer_full::new_debouncer(
                options.debounce,
                Some(options.debounce / 4),
                handler(root.to_path_buf(), sender.clone()),
            )?;
        debouncer.watch(root, RecursiveMode::Recursive)?;
        Ok(Box::new(debouncer))
    }

    fn polling(
        root: &Path,
        sender: &Sender<Message>,
        options: WatchOptions,
    ) -> Result<Box<dyn Send>> {
        let config = notify::Config::default()
            .with_poll_interval(options.poll_interval)
            .with_compare_contents(true);
        let mut debouncer: Debouncer<PollWatcher, NoCache> =
            notify_debouncer_full::new_debouncer_opt(
                options.debounce,
                Some(options.debounce / 4),
                handler(root.to_path_buf(), sender.clone()),
                NoCache,
                config,
            )
            .map_err(|e| Error::io("watching", root, std::io::Error::other(e.to_string())))?;
        debouncer
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| Error::io("watching", root, std::io::Error::other(e.to_string())))?;
        Ok(Box::new(debouncer))
    }

    /// What the watcher has done so far.
    pub fn status(&self) -> WatchStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Asks for a full reconciliation of the folder with the index, as after lost events.
    pub fn reconcile(&self) {
        let _ = self.sender.send(Message::Reconcile);
    }

    /// Asks for these paths (relative to the content folder) to be looked at now, without
    /// waiting for the debouncer: for writes erfa makes itself.
    pub fn touch(&self, paths: impl IntoIterator<Item = String>) {
        let _ = self
            .sender
            .send(Message::Paths(paths.into_iter().collect()));
    }

    /// Updates the index for these paths (relative to the content folder) and returns once
    /// the update is committed and the engine reloaded, so the next search finds it: for
    /// writes whose answer promises that (the web form). Blocking.
    pub fn update_now(&self, paths: impl IntoIterator<Item = String>) -> Result<()> {
        let (sender, receiver) = mpsc::channel();
        self.sender
            .send(Message::Now(paths.into_iter().collect(), sender))
            .map_err(|_| Error::Update("the reindex thread has stopped".to_string()))?;
        match receiver.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Error::Update(e)),
            Err(_) => Err(Error::Update(
                "the reindex thread stopped before answering".to_string(),
            )),
        }
    }

    /// Whether the worker that applies changes still runs. When it does not, nothing in
    /// the content folder reaches the index any more: health must say so.
    pub fn alive(&self) -> bool {
        self.worker.as_ref().is_some_and(|w| !w.is_finished())
    }

    /// Ends the worker without waiting for it (the watcher stays in place, dead): what
    /// a crashed worker looks like, for the health check and its tests.
    pub fn halt(&self) {
        let _ = self.sender.send(Message::Stop);
    }

    /// Stops watching; waits for the update in progress to finish.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.sender.send(Message::Stop);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The longest the worker waits before it tries a failed update again by itself.
const LONGEST_RETRY: Duration = Duration::from_secs(30);

/// How long the worker waits after failed updates (a full disk, say) before it tries
/// again by itself: a second after the first, doubling after each further one, at most
/// [`LONGEST_RETRY`]. Freeing space sends no event, so these retries are what bring the
/// index back to the disk: within a second or two after a short outage, within
/// [`LONGEST_RETRY`] after a long one (docs/RELIABILITY.md, B4).
fn retry_after_failures(failures: u32) -> Duration {
    Duration::from_secs(1)
        .saturating_mul(1 << failures.saturating_sub(1).min(8))
        .min(LONGEST_RETRY)
}

/// How long the worker waits after a panic before it tries again: half a second after
/// the first, doubling after each further one, at most [`LONGEST_RETRY`].
fn retry_after_panics(panics: u32) -> Duration {
    Duration::from_millis(500)
        .saturating_mul(1 << panics.saturating_sub(1).min(8))
        .min(LONGEST_RETRY)
}

/// The text of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

/// The worker: batches messages, applies them, reloads the engine.
///
/// The worker supervises itself: a panic while applying a batch (a bug in parsing or
/// indexing one write-up, say) is caught, the writers are rolled back, health says
/// `failing` while [`WatchStatus::last_panic`] is set, and the whole folder is reconciled
/// again after a short pause — so a change that was under way (a write-up narrowed to
/// members) still reaches the index once the cause is gone, and the worker never dies
/// silently.
fn work(
    mut indexer: Indexer,
    engine: impl Live,
    root: &Path,
    receiver: &Receiver<Message>,
    status: &Mutex<WatchStatus>,
) {
    // Failed updates in a row; 0 after an update that succeeded.
    let mut failures: u32 = 0;
    // Panics in a row; 0 after an update that did not panic.
    let mut panics: u32 = 0;
    loop {
        let wait = if panics > 0 {
            retry_after_panics(panics)
        } else if failures > 0 {
            retry_after_failures(failures)
        } else {
            Duration::from_secs(3600)
        };
        let first = match receiver.recv_timeout(wait) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) if failures > 0 => None,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut paths = BTreeSet::new();
        let mut reconcile = false;
        let mut stop = false;
        let mut waiting = Vec::new();
        let mut absorb = |m: Message| match m {
            Message::Paths(p) => paths.extend(p),
            Message::Now(p, reply) => {
                paths.extend(p);
                waiting.push(reply);
            }
            Message::Reconcile => reconcile = true,
            Message::Stop => stop = true,
        };
        if let Some(first) = first {
            absorb(first);
        }
        // Take whatever else is queued, so a burst becomes one commit.
        while let Ok(m) = receiver.try_recv() {
            absorb(m);
        }
        // A failed update dropped whatever it held, for paths no event will name again:
        // the next one looks at the whole folder.
        if failures > 0 && !stop {
            reconcile = true;
        }
        if reconcile || paths.contains(crate::content::glossary::FILE_NAME) {
            // The glossary applies at query time: a saved edit takes effect at once.
            engine.set_glossary(&Glossary::load(root).glossary);
        }
        if reconcile || !paths.is_empty() {
            let started = Instant::now();
            status.lock().unwrap_or_else(|e| e.into_inner()).busy_since = Some(unix_millis());
            let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let result = if reconcile {
                    indexer.update(root, Mode::Incremental, &mut |_| {})
                } else {
                    indexer.update_paths(root, paths.iter().map(String::as_str))
                };
                result.and_then(|report| engine.reload().map(|()| report))
            }));
            let panicked = applied.as_ref().err().map(|p| panic_text(p.as_ref()));
            let mut reloaded = applied.unwrap_or_else(|_| {
                Err(Error::Update(format!(
                    "the reindex worker panicked: {}",
                    panicked.as_deref().unwrap_or_default()
                )))
            });
            panics = if panicked.is_some() {
                panics.saturating_add(1)
            } else {
                0
            };
            failures = if reloaded.is_err() {
                failures.saturating_add(1)
            } else {
                0
            };
            if let Err(e) = &reloaded
                && let Err(r) = indexer.rollback()
            {
                reloaded = Err(Error::Update(format!("{e}; then rolling back: {r}")));
            }
            let first_reconciliation = reconcile
                && reloaded.is_ok()
                && !status.lock().unwrap_or_else(|e| e.into_inner()).reconciled;
            if first_reconciliation {
                // Before the status says so: once health answers `ok`, nothing is
                // checked against the disk any more.
                engine.reconciled();
            }
            if first_reconciliation {
                // Commits along the way were for a long first run only.
                indexer.set_commit_every(0);
            }
            let mut s = status.lock().unwrap_or_else(|e| e.into_inner());
            if first_reconciliation {
                s.reconciled = true;
            }
            s.updates += 1;
            s.busy_since = None;
            s.last_update_ms = Some(started.elapsed().as_millis() as u64);
            if reconcile {
                s.reconciliations += 1;
            }
            if let Some(p) = &panicked {
                s.panics += 1;
                s.last_panic = Some(p.clone());
            }
            let answer = match &reloaded {
                Ok(_) => Ok(()),
                Err(e) => Err(e.to_string()),
            };
            for reply in waiting.drain(..) {
                let _ = reply.send(answer.clone());
            }
            match reloaded {
                Ok(report) => {
                    s.last_error = None;
                    s.last_panic = None;
                    s.last_success = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .ok()
                        .map(|d| d.as_secs() as i64);
                    record(&mut s, &report, reconcile, &paths);
                    if report.touched() {
                        s.last_change = Some(format!("{report} in {:?}", started.elapsed()));
                    }
                }
                Err(e) => s.last_error = Some(e.to_string()),
            }
        }
        for reply in waiting {
            let _ = reply.send(Ok(()));
        }
        if reconcile {
            // A reconciliation walks, hashes and lists the whole folder; this thread
            // may now wait for a long time.
            crate::memory::release();
        }
        if stop {
            return;
        }
    }
}

/// Now, in Unix milliseconds.
fn unix_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Keeps the list of write-ups left out of the index up to date.
fn record(status: &mut WatchStatus, report: &UpdateReport, full: bool, paths: &BTreeSet<String>) {
    if full {
        status.invalid.clear();
    } else {
        for p in paths {
            status.invalid.remove(p);
        }
    }
    for d in report.diagnostics.iter().filter(|d| d.is_error()) {
        status
            .invalid
            .entry(d.path.clone())
            .or_default()
            .push(d.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Scope, SearchRequest, Store, WriterOptions};

    /// Watch tests share inotify instances; one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    struct Fixture {
        dir: tempfile::TempDir,
        engine: Engine,
        watch: Watch,
    }

    fn doc(title: &str, word: &str) -> String {
        format!(
            "---\ntitle: {title}\nkind: lesson\nlanguage: en\ndate: 2022-01-01\n---\n## Lesson learned\n\nThe word is {word}.\n"
        )
    }

    fn start(poll: bool) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("content/change")).expect("mkdir");
        std::fs::write(
            dir.path().join("content/change/a.md"),
            doc("A", "alphaword"),
        )
        .expect("write");
        let store = Store::in_ram();
        let indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        let engine = Engine::new(&store).expect("engine");
        let options = WatchOptions {
            poll,
            poll_interval: Duration::from_millis(100),
            ..WatchOptions::default()
        };
        let watch = Watch::start(
            indexer,
            engine.clone(),
            &dir.path().join("content"),
            options,
        )
        .expect("watch");
        let f = Fixture { dir, engine, watch };
        f.wait_for("alphaword", &["change/a"]);
        f
    }

    impl Fixture {
        fn content(&self) -> PathBuf {
            self.dir.path().join("content")
        }

        fn slugs(&self, query: &str) -> Vec<String> {
            let mut request = SearchRequest::new(query, Scope::Facilitator);
            request.per_page = 100;
            request.facets = false;
            request.snippets = false;
            let results = self.engine.search(&request).expect("search");
            let mut slugs: Vec<String> = results.hits.into_iter().map(|h| h.slug).collect();
            slugs.sort();
            slugs
        }

        /// Waits (bounded) until `query` finds exactly `expected`.
        fn wait_for(&self, query: &str, expected: &[&str]) {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let slugs = self.slugs(query);
                if slugs == expected {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "{query}: expected {expected:?}, found {slugs:?}; status {:?}",
                    self.watch.status()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    #[test]
    fn retries_after_failures_back_off_from_one_second_to_thirty() {
        let waits: Vec<u64> = (1..=7).map(|n| retry_after_failures(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(retry_after_failures(u32::MAX), LONGEST_RETRY);
    }

    #[test]
    fn create_edit_rename_move_and_delete_show_up() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(false);
        let content = f.content();
        std::fs::write(content.join("change/b.md"), doc("B", "betaword")).expect("write");
        f.wait_for("betaword", &["change/b"]);
        std::fs::write(content.join("change/b.md"), doc("B", "gammaword")).expect("write");
        f.wait_for("gammaword", &["change/b"]);
        f.wait_for("betaword", &[]);
        std::fs::create_dir_all(content.join("incident")).expect("mkdir");
        std::fs::rename(content.join("change/b.md"), content.join("incident/c.md")).expect("mv");
        f.wait_for("gammaword", &["incident/c"]);
        // A whole folder moved at once.
        std::fs::rename(content.join("incident"), content.join("problem")).expect("mv dir");
        f.wait_for("gammaword", &["problem/c"]);
        std::fs::remove_file(content.join("problem/c.md")).expect("rm");
        f.wait_for("gammaword", &[]);
    }

    #[test]
    fn editor_saves_and_oddities() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(false);
        let content = f.content();
        // vim: write a new file, rename the original away, rename the new one in place.
        std::fs::write(content.join("change/4913"), "").expect("probe");
        std::fs::remove_file(content.join("change/4913")).expect("probe");
        std::fs::write(content.join("change/.a.md.swp"), "swap").expect("swap");
        std::fs::rename(content.join("change/a.md"), content.join("change/a.md~")).expect("backup");
        std::fs::write(content.join("change/a.md"), doc("A", "vimword")).expect("write");
        std::fs::remove_file(content.join("change/a.md~")).expect("rm backup");
        f.wait_for("vimword", &["change/a"]);
        // emacs lock link (dangling symlink, hidden name) and a symlink loop.
        std::os::unix::fs::symlink("user@host.1234", content.join("change/.#a.md")).expect("lock");
        std::os::unix::fs::symlink("loop", content.join("loop")).expect("loop");
        // A FIFO named like a write-up is never opened.
        let status = std::process::Command::new("mkfifo")
            .arg(content.join("change/x.md"))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        // A write-up that turns invalid leaves the index and is reported.
        std::fs::write(content.join("change/a.md"), "---\ntitle: [broken\n---\n").expect("write");
        f.wait_for("vimword", &[]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !f.watch.status().invalid.contains_key("change/a.md") {
            assert!(Instant::now() < deadline, "{:?}", f.watch.status());
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::write(content.join("change/ok.md"), doc("Ok", "stillworks")).expect("write");
        f.wait_for("stillworks", &["change/ok"]);
    }

    #[test]
    fn reading_is_not_a_change() {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
        for read in [
            EventKind::Access(AccessKind::Open(AccessMode::Read)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Any),
        ] {
            assert!(is_read_only(&read), "{read:?}");
        }
        for change in [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Modify(ModifyKind::Any),
            EventKind::Create(CreateKind::File),
            EventKind::Any,
        ] {
            assert!(!is_read_only(&change), "{change:?}");
        }
    }

    #[test]
    fn reading_files_does_not_trigger_more_updates() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(false);
        std::fs::write(f.content().join("change/b.md"), doc("B", "quietword")).expect("write");
        f.wait_for("quietword", &["change/b"]);
        // erfa's own reading of files must not feed back into the watcher: after the
        // writes, the watcher falls quiet. (A feedback loop never would; which events
        // count as reading is tested exactly in `reading_is_not_a_change`.)
        for (name, word) in [("c", "firstmarker"), ("d", "secondmarker")] {
            std::fs::write(
                f.content().join(format!("change/{name}.md")),
                doc(name, word),
            )
            .expect("write");
            f.wait_for(word, &[&format!("change/{name}")]);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let before = f.watch.status().updates;
            std::thread::sleep(Duration::from_millis(300));
            if f.watch.status().updates == before {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the watcher keeps updating itself"
            );
        }
    }

    #[test]
    fn update_now_answers_once_the_change_is_searchable() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(false);
        for (i, word) in ["kestrel", "walrus", "quokka", "narwhal", "pelican"]
            .into_iter()
            .enumerate()
        {
            let name = format!("change/now{i}.md");
            std::fs::write(f.content().join(&name), doc("Now", word)).expect("write");
            f.watch.update_now([name]).expect("updated");
            // No waiting: the answer means searchable.
            assert_eq!(f.slugs(word), [format!("change/now{i}")], "{word}");
        }
    }

    #[test]
    fn glossary_edits_apply_without_a_rebuild() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(false);
        f.wait_for("forandring", &[]);
        std::fs::write(
            f.content().join("_glossary.yaml"),
            "pairs:\n  - da: forandring\n    en: alphaword\n",
        )
        .expect("write");
        f.wait_for("forandring", &["change/a"]);
    }

    #[test]
    fn compound_parts_saved_while_running_reindex_everything() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(false);
        std::fs::write(
            f.content().join("change/laek.md"),
            "---\ntitle: Natten\nkind: lesson\nlanguage: da\ndate: 2022-01-01\n---\n## Læring\n\nEn hukommelseslæk fyldte serveren.\n",
        )
        .expect("write");
        f.wait_for("hukommelseslæk", &["change/laek"]);
        f.wait_for("læk", &[]);
        std::fs::write(
            f.content().join("_compounds.yaml"),
            "parts:\n  - hukommelse\n  - læk\n",
        )
        .expect("write");
        f.wait_for("læk", &["change/laek"]);
    }

    #[test]
    fn a_burst_of_a_thousand_files_becomes_searchable() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(false);
        let dir = f.content().join("burst");
        std::fs::create_dir_all(&dir).expect("mkdir");
        for i in 0..1000 {
            std::fs::write(
                dir.join(format!("w{i:04}.md")),
                doc(&format!("W{i}"), "burstword"),
            )
            .expect("write");
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut request = SearchRequest::new("burstword", Scope::Facilitator);
            request.facets = false;
            let total = f.engine.search(&request).expect("search").total;
            if total == 1000 {
                break;
            }
            assert!(Instant::now() < deadline, "found {total} of 1000");
            std::thread::sleep(Duration::from_millis(50));
        }
        let status = f.watch.status();
        assert!(
            status.updates < 200,
            "a burst is batched: {} updates",
            status.updates
        );
    }

    /// Lost events (B8): changes the watcher never reports — an inotify queue that
    /// overflowed — are made good by the rescan that notify then flags. The watcher here
    /// polls once an hour, so it sees none of the changes; the injected event is what the
    /// debouncer hands on after an overflow.
    #[test]
    fn after_lost_events_a_rescan_makes_the_index_equal_the_disk() {
        use notify::event::{EventKind, Flag};
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().expect("tempdir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("change")).expect("mkdir");
        // Letters only, each digit tripled: two words differ in three letters or more, past
        // the typo tolerance of a search.
        let word = |prefix: &str, i: usize| -> String {
            format!("{i:02}")
                .bytes()
                .map(|b| ((b'q' + (b - b'0')) as char).to_string().repeat(3))
                .fold(prefix.to_string(), |w, l| w + &l)
        };
        let write = |rel: &str, word: &str, visibility: &str| {
            std::fs::write(
                content.join(rel),
                format!(
                    "---\ntitle: T\nkind: lesson\nlanguage: en\ndate: 2022-01-01\nvisibility: {visibility}\n---\n## Lesson learned\n\nThe word is {word}.\n"
                ),
            )
            .expect("write");
        };
        for i in 0..30 {
            write(&format!("change/w{i}.md"), &word("zqx", i), "public");
        }
        let store = Store::in_ram();
        let indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        let engine = Engine::new(&store).expect("engine");
        let options = WatchOptions {
            poll: true,
            poll_interval: Duration::from_secs(3600),
            ..WatchOptions::default()
        };
        let watch = Watch::start(indexer, engine.clone(), &content, options).expect("watch");
        let settle = |before: u64| {
            let deadline = Instant::now() + Duration::from_secs(20);
            while watch.status().reconciliations <= before {
                assert!(Instant::now() < deadline, "{:?}", watch.status());
                std::thread::sleep(Duration::from_millis(10));
            }
        };
        settle(0);
        // A burst the watcher never reports: edits, deletions, a rename, narrowing.
        for i in 0..10 {
            write(&format!("change/w{i}.md"), &word("editmark", i), "public");
        }
        for i in 10..15 {
            std::fs::remove_file(content.join(format!("change/w{i}.md"))).expect("rm");
        }
        std::fs::rename(
            content.join("change/w15.md"),
            content.join("change/moved.md"),
        )
        .expect("mv");
        for i in 16..20 {
            write(&format!("change/w{i}.md"), &word("zqx", i), "members");
        }
        for i in 30..40 {
            write(&format!("change/w{i}.md"), &word("zqx", i), "public");
        }
        let before = watch.status().reconciliations;
        let mut overflow = handler(
            content.canonicalize().expect("canonical"),
            watch.sender.clone(),
        );
        overflow(Ok(vec![notify_debouncer_full::DebouncedEvent::new(
            notify::Event::new(EventKind::Other).set_flag(Flag::Rescan),
            std::time::Instant::now(),
        )]));
        settle(before);
        let find = |word: &str, scope: Scope| {
            let mut request = SearchRequest::new(word, scope);
            request.facets = false;
            request.snippets = false;
            let hits = engine.search(&request).expect("search").hits;
            hits.into_iter().map(|h| h.slug).collect::<Vec<_>>()
        };
        // The index equals the disk: every file found by its own word at its own slug and
        // in the right scope, nothing else.
        let mut on_disk = 0;
        for i in 0..40 {
            let (slug, word, public) = match i {
                0..10 => (format!("change/w{i}"), word("editmark", i), true),
                10..15 => (String::new(), word("zqx", i), false),
                15 => ("change/moved".to_string(), word("zqx", i), true),
                16..20 => (format!("change/w{i}"), word("zqx", i), false),
                _ => (format!("change/w{i}"), word("zqx", i), true),
            };
            let expected: Vec<String> = (!slug.is_empty()).then_some(slug).into_iter().collect();
            on_disk += expected.len();
            assert_eq!(find(&word, Scope::Facilitator), expected, "{word}");
            let public_expected = if public { expected.clone() } else { Vec::new() };
            assert_eq!(
                find(&word, Scope::Public),
                public_expected,
                "{word} in public"
            );
        }
        for i in 0..10 {
            assert!(find(&word("zqx", i), Scope::Facilitator).is_empty());
        }
        assert_eq!(
            engine.count(Scope::Facilitator).expect("count"),
            on_disk as u64
        );
    }

    #[test]
    fn an_injected_rescan_reconciles_and_polling_works() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let f = start(true);
        assert_eq!(f.watch.status().mode, WatchMode::Polling);
        std::fs::write(f.content().join("change/p.md"), doc("P", "pollword")).expect("write");
        f.wait_for("pollword", &["change/p"]);
        let before = f.watch.status().reconciliations;
        f.watch.reconcile();
        let deadline = Instant::now() + Duration::from_secs(20);
        while f.watch.status().reconciliations == before {
            assert!(Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
