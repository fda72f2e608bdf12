//! The single writer: brings the index up to date with `content/`.
//!
//! An update compares the content hashes in the index with the files on disk and touches
//! only added, changed and deleted files (a rename is a delete plus an add). Both indexes
//! get the same operations; the public index commits first, so a write-up that narrows
//! its audience leaves the public index before the full one says it changed.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tantivy::indexer::NoMergePolicy;
use tantivy::{IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::content::catalog;
use crate::content::diagnostic::Diagnostic;
use crate::content::document::Document;
use crate::error::{Error, Result};
use crate::index::queue::{IN_FLIGHT, Queued, Slots};
use crate::index::schema::{Fields, INDEX_VERSION};
use crate::index::store::{Payload, Store};
use crate::index::unmapped::UnmappedDirectory;

/// How much the writer may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    /// Indexing threads of the full index; as many threads read and parse files during an
    /// update.
    pub threads: usize,
    /// Memory budget of the full index's writer, in bytes, shared by its threads
    /// (tantivy's minimum is 15 MB per thread); the public index's writer gets half the
    /// threads and half the budget. A writer that fills it writes a segment and starts
    /// afresh, so peak memory does not grow with the corpus beyond it.
    pub memory_budget: usize,
}

impl Default for WriterOptions {
    /// Two threads (the cores of a small server) and 40 MB for the full index: the build
    /// of 10,000 write-ups in docs/BENCHMARKS.md ("Indexing") stays under 150 MB.
    fn default() -> Self {
        WriterOptions {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
            memory_budget: 40 * 1024 * 1024,
        }
    }
}

impl WriterOptions {
    /// The public index's share: it holds only public write-ups, a small part of most
    /// groups' write-ups, so half the threads (at least one) and half the budget.
    fn for_public(self) -> WriterOptions {
        WriterOptions {
            threads: self.threads.div_ceil(2).max(1),
            memory_budget: self.memory_budget / 2,
        }
    }
}

/// Write-ups each reading thread may have read ahead of the writers.
const READ_AHEAD: usize = 16;

/// What a reading thread made of one file.
enum Outcome {
    /// Its hash is the indexed one: nothing to do.
    Unchanged,
    /// Read and parsed; a valid write-up comes with its documents for both indexes.
    Loaded(Box<(crate::content::document::Parsed, Option<Built>)>),
}

/// A write-up's documents: for the full index, and for the public one if it is public.
struct Built {
    full: TantivyDocument,
    public: Option<TantivyDocument>,
}

impl Built {
    fn new(fields: &Fields, doc: &Document) -> Built {
        Built {
            full: fields.to_tantivy(doc, false),
            public: doc.is_public().then(|| fields.to_tantivy(doc, true)),
        }
    }
}

/// Reads (hash first, when the file was indexed), parses and builds the documents of one
/// listed file.
fn read_entry(fields: &Fields, entry: &catalog::Entry, previous: Option<&String>) -> Outcome {
    if entry.slug_taken_by.is_none()
        && let Some(previous) = previous
        && let Ok(bytes) = crate::content::source::read(&entry.file)
        && crate::content::document::content_hash(&bytes) == *previous
    {
        // An unchanged file is not parsed again.
        return Outcome::Unchanged;
    }
    let (parsed, _hash) = catalog::load(entry);
    let built = parsed.document.as_ref().map(|doc| Built::new(fields, doc));
    Outcome::Loaded(Box::new((parsed, built)))
}

/// Incremental or full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Touch only what changed.
    Incremental,
    /// Drop everything and index every file.
    Rebuild,
}

/// What an update did. Its `Display` is the summary line of `erfa index`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateReport {
    /// Files indexed that were not in the index.
    pub added: usize,
    /// Files whose content changed.
    pub changed: usize,
    /// Files removed from the index (gone from disk, or now invalid).
    pub deleted: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files with errors, not indexed.
    pub errors: usize,
    /// The diagnostics of the files that were read (unchanged files are not read).
    pub diagnostics: Vec<Diagnostic>,
    /// Write-ups now in the full index.
    pub documents: usize,
    /// Time taken.
    pub elapsed: Duration,
}

impl UpdateReport {
    /// Whether the update changed the index.
    pub fn touched(&self) -> bool {
        self.added + self.changed + self.deleted > 0
    }
}

impl std::fmt::Display for UpdateReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {}, changed {}, deleted {}, unchanged {}, errors {}",
            self.added, self.changed, self.deleted, self.unchanged, self.errors
        )
    }
}

/// Progress of an update: files looked at so far, of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Files done.
    pub done: usize,
    /// Files in all.
    pub total: usize,
}

/// Failures a test can inject into an [`Indexer`], to show what erfa does when a commit
/// fails or the indexing thread panics, or while an update is held up. Nothing in erfa
/// sets them; each counter counts down to 0, and the gate is open unless a test closes it.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Faults {
    /// Commits of the public index to fail (before anything of the commit is written).
    pub public_commit_failures: AtomicUsize,
    /// Updates to panic at their start.
    pub panics: AtomicUsize,
    /// While closed, full updates wait at their start (to hold a window open).
    pub hold: Hold,
}

/// A gate full updates wait at while it is closed ([`Faults::hold`]); open by default.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Hold {
    closed: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
}

impl Hold {
    /// Makes the next full updates wait.
    pub fn close(&self) {
        *self.closed.lock().unwrap_or_else(|e| e.into_inner()) = true;
    }

    /// Lets waiting and later updates go on.
    pub fn open(&self) {
        *self.closed.lock().unwrap_or_else(|e| e.into_inner()) = false;
        self.opened.notify_all();
    }

    fn wait(&self) {
        let mut closed = self.closed.lock().unwrap_or_else(|e| e.into_inner());
        while *closed {
            closed = self.opened.wait(closed).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Faults {
    fn take(counter: &AtomicUsize) -> bool {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    fn maybe_panic(&self) {
        if Self::take(&self.panics) {
            panic!("injected panic in the indexer");
        }
    }
}

/// Owns the writers of both indexes. One per data folder at a time.
pub struct Indexer {
    store: Store,
    faults: Arc<Faults>,
    /// Commit after this many added, changed or removed write-ups (0: only at the end).
    commit_every: usize,
    /// Changes since the last commit.
    pending: usize,
    /// Threads that read and parse files during an update.
    readers: usize,
    /// Bounds the documents queued in both writers.
    slots: Arc<Slots>,
    full: IndexWriter<Queued>,
    public: IndexWriter<Queued>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

/// The index a writer of `index` writes through: on disk, the same folder (`name` in the
/// store's `dir`) read with `pread` instead of mapped ([`UnmappedDirectory`]), sharing
/// `index`'s analyzers; in memory, `index` itself.
fn writing_view(index: &tantivy::Index, dir: Option<&Path>, name: &str) -> Result<tantivy::Index> {
    let Some(dir) = dir else {
        return Ok(index.clone());
    };
    let mut view = tantivy::Index::open(UnmappedDirectory::open(&dir.join(name))?)?;
    view.set_tokenizers(index.tokenizers().clone());
    view.set_fast_field_tokenizers(index.fast_field_tokenizer().clone());
    Ok(view)
}

fn writer(
    index: &tantivy::Index,
    options: WriterOptions,
    dir: Option<&Path>,
    name: &str,
) -> Result<IndexWriter<Queued>> {
    let threads = options.threads.max(1);
    let budget = options.memory_budget.max(threads * 16 * 1024 * 1024);
    let writer = writing_view(index, dir, name)?
        .writer_with_num_threads(threads, budget)
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(_, _) => Error::Locked {
                path: dir.map(Path::to_path_buf).unwrap_or_default(),
                holder: None,
            },
            other => Error::Tantivy(other),
        })?;
    // Merges happen when erfa asks for them (after each commit), so that deleted
    // documents never linger in the statistics that ranking reads.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    Ok(writer)
}

impl Indexer {
    /// Takes the writers of `store`.
    pub fn new(store: &Store, options: WriterOptions) -> Result<Indexer> {
        let dir = store.dir.as_deref();
        Ok(Indexer {
            full: writer(&store.full, options, dir, "full")?,
            public: writer(&store.public, options.for_public(), dir, "public")?,
            store: store.clone(),
            faults: Arc::default(),
            commit_every: 0,
            pending: 0,
            readers: options.threads.max(1),
            slots: Slots::new(IN_FLIGHT),
        })
    }

    /// Commits after every `n` changed write-ups during an update (0, the default: once,
    /// at the end). A long first run is then searchable early, and an interrupted one
    /// keeps what it committed; the next update finishes the rest by content hash.
    pub fn set_commit_every(&mut self, n: usize) {
        self.commit_every = n;
    }

    fn count_change(&mut self) -> Result<()> {
        self.pending += 1;
        if self.commit_every > 0 && self.pending >= self.commit_every {
            self.commit_with(Compact::No)?;
        }
        Ok(())
    }

    /// The failures to inject into this indexer (tests only).
    #[doc(hidden)]
    pub fn faults(&self) -> Arc<Faults> {
        self.faults.clone()
    }

    /// The store this indexer writes.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Path → content hash of every write-up in the full index.
    pub fn indexed_hashes(&self) -> Result<HashMap<String, String>> {
        let reader = self
            .store
            .full
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut out = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (Some(paths), Some(hashes)) = (fast.str("path")?, fast.str("hash")?) else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut path = String::new();
            let mut hash = String::new();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                    continue;
                }
                let (Some(p), Some(h)) =
                    (paths.term_ords(doc).next(), hashes.term_ords(doc).next())
                else {
                    continue;
                };
                path.clear();
                hash.clear();
                paths
                    .ord_to_str(p, &mut path)
                    .map_err(|e| Error::io("reading", "index", e))?;
                hashes
                    .ord_to_str(h, &mut hash)
                    .map_err(|e| Error::io("reading", "index", e))?;
                out.insert(path.clone(), hash.clone());
            }
        }
        Ok(out)
    }

    /// Brings the index up to date with the content folder `root`.
    pub fn update(
        &mut self,
        root: &Path,
        mode: Mode,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<UpdateReport> {
        self.faults.hold.wait();
        self.faults.maybe_panic();
        let started = Instant::now();
        let mode = if self.compound_parts_changed(root)? {
            Mode::Rebuild
        } else {
            mode
        };
        let listing = catalog::list(root)?;
        let indexed = match mode {
            Mode::Incremental => self.indexed_hashes()?,
            Mode::Rebuild => {
                self.full.delete_all_documents()?;
                self.public.delete_all_documents()?;
                HashMap::new()
            }
        };
        // Skipped entries (symbolic links, FIFOs, unreadable folders) are errors in the
        // summary too, as `erfa check` counts them.
        let mut report = UpdateReport {
            diagnostics: listing.skipped.clone(),
            errors: listing.skipped.len(),
            ..UpdateReport::default()
        };
        let total = listing.entries.len();
        // Reading threads take the files in turns (file i goes to thread i % readers) and
        // hand them on through small bounded channels; this thread takes them back in
        // listing order and feeds the writers, whose own threads index meanwhile.
        let readers = self.readers.min(total.max(1));
        let fields = self.store.fields.clone();
        let entries = &listing.entries;
        let indexed_ref = &indexed;
        std::thread::scope(|scope| -> Result<()> {
            let mut outcomes = Vec::with_capacity(readers);
            for first in 0..readers {
                let (send, receive) = std::sync::mpsc::sync_channel(READ_AHEAD);
                outcomes.push(receive);
                let fields = &fields;
                scope.spawn(move || {
                    for entry in entries.iter().skip(first).step_by(readers) {
                        let previous = indexed_ref.get(entry.file.rel.as_str());
                        if send.send(read_entry(fields, entry, previous)).is_err() {
                            // The update stopped early.
                            return;
                        }
                    }
                });
            }
            for (i, entry) in entries.iter().enumerate() {
                let rel = entry.file.rel.as_str();
                // A reading thread that panicked has dropped its sender: stop here, and the
                // scope passes the panic on.
                let Ok(outcome) = outcomes[i % readers].recv() else {
                    break;
                };
                match outcome {
                    Outcome::Unchanged => report.unchanged += 1,
                    Outcome::Loaded(loaded) => {
                        let (parsed, built) = *loaded;
                        self.apply(
                            rel,
                            indexed_ref.contains_key(rel),
                            parsed,
                            built,
                            &mut report,
                        )?;
                    }
                }
                progress(Progress { done: i + 1, total });
            }
            Ok(())
        })?;
        for path in indexed.keys() {
            // The listing is sorted by relative path.
            let on_disk = entries
                .binary_search_by(|e| e.file.rel.as_str().cmp(path.as_str()))
                .is_ok();
            if !on_disk {
                report.deleted += 1;
                self.remove(path);
                self.count_change()?;
            }
        }
        report.documents = indexed.len() + report.added - report.deleted;
        if report.touched() || mode == Mode::Rebuild || self.store.generation()? == 0 {
            // An update that wrote many write-ups, half of them or more (a first build,
            // a rebuild, a sweeping change), leaves them in as few segments as the cap
            // on a merge's input allows (one, up to 512 MB of index): one term
            // dictionary instead of one per writer thread and batch, a tenth less on
            // disk and fewer segments for every search to visit, for merges that cost
            // less than the update did. Edits a few at a time keep the tidy rule.
            let rewritten = report.added + report.changed;
            let whole = rewritten >= BULK && rewritten * 2 >= report.documents;
            self.commit_with(if whole { Compact::All } else { Compact::Tidy })?;
        }
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Applies what changed at some paths (relative to `root`, forward slashes), as
    /// file-system events report them: a file that is there is indexed (or left alone
    /// when its hash is unchanged), a file that is gone leaves the index. Anything this
    /// cannot decide path by path — a folder created, moved or removed, or a slug that
    /// another file on disk shares — falls back to a full [`Mode::Incremental`] update.
    ///
    /// Every fallback is decided before anything is applied: the full update reads the
    /// committed index, so a write-up put but not yet committed would be put twice.
    pub fn update_paths<'a>(
        &mut self,
        root: &Path,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Result<UpdateReport> {
        self.faults.maybe_panic();
        if self.compound_parts_changed(root)? {
            return self.update(root, Mode::Rebuild, &mut |_| {});
        }
        let started = Instant::now();
        let mut paths: Vec<&str> = paths.into_iter().collect();
        paths.sort_unstable();
        paths.dedup();
        // Look up only the paths at hand: reading every path and hash of a large index
        // would cost more than the change itself.
        let indexed = IndexedView::new(&self.store)?;
        // The walk reads no file, only folders: cheap next to the files' hashes, and it
        // gives the slugs exactly as a full update sees them.
        let listing = catalog::list(root)?;
        let mut by_slug: HashMap<&str, usize> = HashMap::new();
        for entry in &listing.entries {
            *by_slug.entry(entry.slug.as_str()).or_default() += 1;
        }
        let entries: HashMap<&str, &catalog::Entry> = listing
            .entries
            .iter()
            .map(|e| (e.file.rel.as_str(), e))
            .collect();
        // A folder stands for the write-ups in it, on disk and in the index: one that was
        // created, moved or removed, or whose listing changed as a file was saved in it.
        let mut expanded: Vec<String> = Vec::with_capacity(paths.len());
        for rel in paths {
            if crate::content::source::is_writeup_path(rel) {
                expanded.push(rel.to_string());
                continue;
            }
            // Hidden and data files never matter.
            if rel.split('/').any(|p| p.starts_with('.')) {
                continue;
            }
            let prefix = format!("{rel}/");
            if std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_dir()) {
                expanded.extend(
                    entries
                        .keys()
                        .filter(|k| k.starts_with(&prefix))
                        .map(|k| k.to_string()),
                );
            }
            // Write-ups indexed under a folder that moved or went away.
            expanded.extend(indexed.paths_with_prefix(&prefix)?);
        }
        expanded.sort_unstable();
        expanded.dedup();
        let mut writeups = Vec::with_capacity(expanded.len());
        for rel in expanded.iter().map(String::as_str) {
            // A file that is gone is a deletion wherever its folder went; one that is there
            // must be reached without symbolic links, as the walk reaches files.
            let exists = std::fs::symlink_metadata(root.join(rel)).is_ok();
            if exists && !inside_without_links(root, rel) {
                return self.update(root, Mode::Incremental, &mut |_| {});
            }
            // A slug that two files share decides which of them is indexed: a change to
            // either can change the other.
            let slug = crate::content::slug::from_path(rel);
            let on_disk = usize::from(entries.contains_key(rel));
            if by_slug.get(slug.as_str()).copied().unwrap_or(0) > on_disk {
                return self.update(root, Mode::Incremental, &mut |_| {});
            }
            writeups.push((rel, slug));
        }

        let mut report = UpdateReport::default();
        for (rel, slug) in writeups {
            let abs = root.join(rel);
            let previous = indexed.hash(rel)?;
            let previous = previous.as_ref();
            match std::fs::symlink_metadata(&abs) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if previous.is_some() {
                        report.deleted += 1;
                        self.remove(rel);
                    }
                    continue;
                }
                _ => {}
            }
            let entry = catalog::Entry {
                file: crate::content::source::SourceFile {
                    rel: rel.to_string(),
                    abs: abs.clone(),
                },
                slug,
                slug_taken_by: None,
            };
            let is_regular = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_file());
            if is_regular
                && let Some(previous) = previous
                && let Ok(bytes) = crate::content::source::read(&entry.file)
                && crate::content::document::content_hash(&bytes) == *previous
            {
                report.unchanged += 1;
                continue;
            }
            let (parsed, _) = if is_regular {
                catalog::load(&entry)
            } else {
                (
                    crate::content::document::Parsed {
                        document: None,
                        diagnostics: vec![crate::Diagnostic::new(
                            crate::diagnostic::Code::NotAFile,
                            rel,
                            1,
                            1,
                            "not a regular file; skipped",
                        )],
                    },
                    None,
                )
            };
            self.apply(rel, previous.is_some(), parsed, None, &mut report)?;
        }
        report.documents = indexed.count() + report.added - report.deleted;
        if report.touched() {
            self.commit()?;
        }
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Reads the group's own compound parts (`content/_compounds.yaml`) and splits with
    /// them from now on; whether the committed documents were split otherwise, so that
    /// every write-up must be indexed again.
    fn compound_parts_changed(&mut self, root: &Path) -> Result<bool> {
        let parts = crate::content::compounds::load(root).parts;
        self.store.use_compound_parts(&parts);
        let committed = self.store.committed_compound_parts()?;
        Ok(committed != self.store.compound_parts())
    }

    /// Indexes the outcome of reading one file that was (`indexed`) or was not in the
    /// index, and counts it: a valid write-up is added or replaced (with its documents
    /// `built` by a reading thread, or built here), an invalid one leaves.
    fn apply(
        &mut self,
        rel: &str,
        indexed: bool,
        parsed: crate::content::document::Parsed,
        built: Option<Built>,
        report: &mut UpdateReport,
    ) -> Result<()> {
        report.diagnostics.extend(parsed.diagnostics);
        match parsed.document {
            Some(doc) => {
                if indexed {
                    report.changed += 1;
                } else {
                    report.added += 1;
                }
                let built = built.unwrap_or_else(|| Built::new(&self.store.fields, &doc));
                self.put_built(&doc.path, built, indexed)?;
            }
            None => {
                report.errors += 1;
                if !indexed {
                    return Ok(());
                }
                report.deleted += 1;
                self.remove(rel);
            }
        }
        self.count_change()
    }

    /// Adds or replaces one write-up in both indexes (not committed).
    pub fn put(&mut self, doc: &Document, replace: bool) -> Result<()> {
        let built = Built::new(&self.store.fields, doc);
        self.put_built(&doc.path, built, replace)
    }

    /// Adds or replaces the documents of the write-up at `path`, once the writers' queues
    /// have room for them.
    fn put_built(&mut self, path: &str, built: Built, replace: bool) -> Result<()> {
        if replace {
            self.remove(path);
        }
        if let Some(public) = built.public {
            self.public
                .add_document(Queued::new(public, self.slots.take()))?;
        }
        self.full
            .add_document(Queued::new(built.full, self.slots.take()))?;
        Ok(())
    }

    /// Removes the write-up at `path` from both indexes (not committed).
    pub fn remove(&mut self, path: &str) {
        let term = Term::from_field_text(self.store.fields.path, path);
        self.public.delete_term(term.clone());
        self.full.delete_term(term);
    }

    /// Drops the changes since the last commit and replaces writers that a failure (a full
    /// disk, say) has stopped, so that the next update can start afresh: `content/` is the
    /// source of truth, and an update by content hash puts back what was dropped.
    pub fn rollback(&mut self) -> Result<()> {
        self.pending = 0;
        for writer in [&mut self.public, &mut self.full] {
            writer.rollback()?;
            // The new writer starts with tantivy's merge policy.
            writer.set_merge_policy(Box::new(NoMergePolicy));
        }
        Ok(())
    }

    /// Commits both indexes, the public one first, then merges away deleted documents.
    pub fn commit(&mut self) -> Result<()> {
        self.commit_with(Compact::Tidy)
    }

    fn commit_with(&mut self, compact_after: Compact) -> Result<()> {
        self.pending = 0;
        let generation = self.store.generation()? + 1;
        let payload = serde_json::to_string(&Payload {
            version: INDEX_VERSION,
            generation,
            compounds: self.store.compound_parts(),
        })
        .expect("a payload always serialises");
        if Faults::take(&self.faults.public_commit_failures) {
            return Err(Error::Update(
                "injected failure of the public index's commit".to_string(),
            ));
        }
        for writer in [&mut self.public, &mut self.full] {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
        }
        for writer in [&mut self.public, &mut self.full] {
            match compact_after {
                Compact::No => {}
                Compact::Tidy => compact(writer, false)?,
                // The write-ups are committed: a merge of everything that fails (a disk
                // too full for a second copy of the index) leaves the segments as they
                // are, and searches are as right, only slower.
                Compact::All => {
                    let _ = compact(writer, true);
                }
            }
        }
        Ok(())
    }
}

/// Write-ups an update must write, besides half of them, to end in one segment.
const BULK: usize = 100;

/// What a commit merges afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compact {
    /// Nothing: a commit in the middle of an update.
    No,
    /// Segments with many deletions, and small segments when there are many.
    Tidy,
    /// Every segment that is not full, into as few as [`MERGE_INPUT_LIMIT`] allows.
    All,
}

/// The most bytes of segment files one merge reads. Writers read segments without mapping
/// them ([`UnmappedDirectory`]), but a merge still holds some of its inputs in buffers of
/// its own: every input's term dictionaries, read whole, and the document store of one
/// input at a time when it is copied as it is. The final merge of a build of 100,000
/// generated write-ups (289 MB) raised private memory by about a sixth of its input
/// (docs/BENCHMARKS.md, "The build's memory"). With this
/// cap and [`FULL_SEGMENT`], a merge's buffers stay bounded however large the index grows
/// (docs/ARCHITECTURE.md, "Invariants"). A first build of an index up to this size (some
/// 80,000 generated write-ups: 100,000 make a full index of 617 MB, in two segments) ends
/// in one segment; a larger one in segments of up to this size. A segment above it (from
/// an older erfa) is merged alone, and only to drop its deletions.
const MERGE_INPUT_LIMIT: u64 = 512 * 1024 * 1024;

/// More segments than this are merged after an edit, the smaller ones except the largest.
const MANY_SEGMENTS: usize = 8;

/// A segment this large or larger is full: it is merged again only to drop its deletions,
/// which copies its document store block by block. A merge copies the document store of
/// a segment without deletions whole, so this bounds that buffer too.
const FULL_SEGMENT: u64 = 64 * 1024 * 1024;

/// Keeps the index tidy: merges segments whose deleted documents make up a tenth or more
/// of them, and the smaller segments when there are more than eight (or, with `all`,
/// every segment that is not full), each merge reading at most [`MERGE_INPUT_LIMIT`]
/// bytes. Ranking does not depend on it (search counts only live documents), so a
/// one-file edit does not have to rewrite a large segment.
fn compact(writer: &mut IndexWriter<Queued>, all: bool) -> Result<()> {
    // No segment meta may be held past this block: tantivy keeps the files of every
    // segment whose meta is alive in the writer's view, and would keep the merged
    // segments' files.
    let segments = {
        let metas = writer.index().searchable_segment_metas()?;
        // The common commit of a few edits: nothing to merge, and no file to look at.
        if !all && metas.len() <= MANY_SEGMENTS && !metas.iter().any(many_deleted) {
            return Ok(());
        }
        segment_sizes(writer.index(), &metas)
    };
    let groups = merge_groups(&segments, all, MERGE_INPUT_LIMIT, FULL_SEGMENT);
    if groups.is_empty() {
        return Ok(());
    }
    // One merge at a time, so that only one group's buffers are held at once. The files
    // of what did merge are collected even when a later merge fails.
    let mut merged = Ok(());
    for group in groups {
        let ids: Vec<_> = group.into_iter().map(|i| segments[i].id).collect();
        if let Err(e) = writer.merge(&ids).wait() {
            merged = Err(e.into());
            break;
        }
    }
    let _ = writer.garbage_collect_files().wait();
    merged
}

/// What [`merge_groups`] weighs of one segment.
#[derive(Debug, Clone, Copy)]
struct SegmentSize {
    id: tantivy::index::SegmentId,
    /// Its files' bytes on disk.
    bytes: u64,
    /// Documents, deleted ones included.
    max_doc: u32,
    /// Whether a tenth or more of its documents are deleted.
    many_deleted: bool,
}

/// Whether a tenth or more of a segment's documents are deleted.
fn many_deleted(meta: &tantivy::index::SegmentMeta) -> bool {
    meta.has_deletes() && meta.num_deleted_docs() * 10 >= meta.max_doc()
}

/// The segments of `metas` (of `index`) with their sizes on disk.
fn segment_sizes(
    index: &tantivy::Index,
    metas: &[tantivy::index::SegmentMeta],
) -> Vec<SegmentSize> {
    use tantivy::directory::Directory;
    use tantivy::index::SegmentComponent;
    let directory = index.directory();
    metas
        .iter()
        .map(|meta| {
            let bytes = [
                SegmentComponent::Postings,
                SegmentComponent::Positions,
                SegmentComponent::Terms,
                SegmentComponent::Store,
                SegmentComponent::FastFields,
                SegmentComponent::FieldNorms,
            ]
            .into_iter()
            .filter_map(|c| directory.get_file_handle(&meta.relative_path(c)).ok())
            .map(|file| file.len() as u64)
            .sum();
            SegmentSize {
                id: meta.id(),
                bytes,
                max_doc: meta.max_doc(),
                many_deleted: many_deleted(meta),
            }
        })
        .collect()
}

/// Which segments (indexes into `segments`) to merge, one group per merge.
///
/// A segment of `full` bytes or more stays as it is unless a tenth of it is deleted.
/// With `all`, every other segment is a candidate; otherwise only those with many
/// deletions, and, when there are more than eight segments, the smaller ones except the
/// largest, which a run of single edits should not rewrite. The candidates are packed
/// largest first into groups of at most `limit` bytes; a group of one is merged only to
/// drop its deleted documents.
fn merge_groups(segments: &[SegmentSize], all: bool, limit: u64, full: u64) -> Vec<Vec<usize>> {
    let full = |s: &SegmentSize| s.bytes >= full;
    let largest = (0..segments.len()).max_by_key(|&i| (segments[i].max_doc, segments[i].bytes));
    let mut candidates: Vec<usize> = (0..segments.len())
        .filter(|&i| {
            let s = &segments[i];
            s.many_deleted
                || (all && !full(s))
                || (segments.len() > MANY_SEGMENTS && !full(s) && Some(i) != largest)
        })
        .collect();
    candidates.sort_by_key(|&i| std::cmp::Reverse(segments[i].bytes));
    let mut groups: Vec<(u64, Vec<usize>)> = Vec::new();
    for i in candidates {
        let bytes = segments[i].bytes;
        match groups.iter_mut().find(|(total, _)| total + bytes <= limit) {
            Some((total, group)) => {
                *total += bytes;
                group.push(i);
            }
            None => groups.push((bytes, vec![i])),
        }
    }
    groups
        .into_iter()
        .map(|(_, group)| group)
        .filter(|group| group.len() > 1 || segments[group[0]].many_deleted)
        .collect()
}

/// Whether every folder between `root` and `rel` is a real folder, not a symbolic link:
/// the walk does not follow links, and neither may an update by path.
fn inside_without_links(root: &Path, rel: &str) -> bool {
    let mut current = root.to_path_buf();
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        if part.is_empty() || part == "." || part == ".." {
            return false;
        }
        current.push(part);
        if parts.peek().is_some() {
            match std::fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_dir() => {}
                _ => return false,
            }
        }
    }
    true
}

/// Point look-ups in the full index as last committed.
struct IndexedView {
    searcher: tantivy::Searcher,
    path: tantivy::schema::Field,
}

impl IndexedView {
    fn new(store: &Store) -> Result<IndexedView> {
        let reader: tantivy::IndexReader = store
            .full
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(IndexedView {
            searcher: reader.searcher(),
            path: store.fields.path,
        })
    }

    /// Live write-ups.
    fn count(&self) -> usize {
        self.searcher.num_docs() as usize
    }

    /// The content hash of the live write-up at `rel`, if indexed.
    fn hash(&self, rel: &str) -> Result<Option<String>> {
        let term = Term::from_field_text(self.path, rel);
        let io = |e| Error::io("reading", "index", e);
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(self.path)?;
            let Some(info) = inverted.get_term_info(&term).map_err(io)? else {
                continue;
            };
            let mut postings = inverted
                .read_postings_from_terminfo(&info, tantivy::schema::IndexRecordOption::Basic)
                .map_err(io)?;
            let alive = segment.alive_bitset();
            let hashes = segment.fast_fields().str("hash")?;
            let mut doc = tantivy::DocSet::doc(&postings);
            while doc != tantivy::TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc))
                    && let Some(hashes) = &hashes
                    && let Some(ord) = hashes.term_ords(doc).next()
                {
                    let mut hash = String::new();
                    hashes.ord_to_str(ord, &mut hash).map_err(io)?;
                    return Ok(Some(hash));
                }
                doc = tantivy::DocSet::advance(&mut postings);
            }
        }
        Ok(None)
    }

    /// Indexed paths that start with `prefix` (deleted ones may be among them; looking at
    /// a path that is not indexed changes nothing).
    fn paths_with_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(self.path)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()
                .map_err(|e| Error::io("reading", "index", e))?;
            while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
                if let Ok(path) = std::str::from_utf8(stream.key()) {
                    out.push(path.to_string());
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(word: &str) -> String {
        format!("---\ntitle: T {word}\nkind: practice\ndate: 2022-01-01\n---\nText {word}.\n")
    }

    fn sized(sizes: &[(u64, u32, bool)]) -> Vec<SegmentSize> {
        sizes
            .iter()
            .map(|&(bytes, max_doc, many_deleted)| SegmentSize {
                id: tantivy::index::SegmentId::generate_random(),
                bytes,
                max_doc,
                many_deleted,
            })
            .collect()
    }

    #[test]
    fn a_bulk_merge_reads_at_most_the_limit_at_once() {
        // Forty flushed segments of 7 units, a limit of 64: groups of nine (63), and no
        // segment in two groups.
        let segments = sized(&[(7, 2_500, false); 40]);
        let groups = merge_groups(&segments, true, 64, 32);
        assert_eq!(groups.len(), 5, "{groups:?}");
        let mut seen: Vec<usize> = groups.iter().flatten().copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..40).collect::<Vec<_>>());
        for group in &groups {
            let bytes: u64 = group.iter().map(|&i| segments[i].bytes).sum();
            assert!(bytes <= 64, "{bytes}");
        }
        // A small index still ends in one segment.
        let small = sized(&[(10, 3_000, false), (9, 3_000, false), (3, 900, false)]);
        assert_eq!(merge_groups(&small, true, 64, 32), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn full_segments_stay_unless_much_of_them_is_deleted() {
        // Two full segments (32 or more), one of them a tenth deleted, and
        // nine small ones from single edits.
        let mut sizes = vec![(40, 20_000, false), (33, 16_000, true)];
        sizes.extend(vec![(1, 1, false); 9]);
        let segments = sized(&sizes);
        let groups = merge_groups(&segments, false, 64, 32);
        // The deleted-from segment is merged (with small ones, within the limit); the
        // other full one is not touched; every small one is merged.
        assert!(groups.iter().flatten().all(|&i| i != 0), "{groups:?}");
        assert!(groups.iter().flatten().any(|&i| i == 1), "{groups:?}");
        assert_eq!(groups.iter().flatten().count(), 10);
        // Eight segments or fewer, none with deletions: nothing to do.
        let few = sized(&[(1, 1, false); 8]);
        assert!(merge_groups(&few, false, 64, 32).is_empty());
        // A lone small segment is not rewritten after a bulk update.
        let one = sized(&[(5, 100, false)]);
        assert!(merge_groups(&one, true, 64, 32).is_empty());
        // Many single edits: the largest segment is left out, as before.
        let mut edits = vec![(20, 9_000, false)];
        edits.extend(vec![(1, 1, false); 8]);
        let groups = merge_groups(&sized(&edits), false, 64, 32);
        assert_eq!(groups.len(), 1);
        assert!(!groups[0].contains(&0));
    }

    #[test]
    fn compaction_leaves_no_files_of_merged_segments() {
        let content = tempfile::tempdir().expect("tempdir");
        let data = tempfile::tempdir().expect("tempdir");
        let (store, _) = Store::open(data.path()).expect("open");
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        // One segment per update: the ninth makes more than eight, and they are merged
        // after its commit (a later commit would collect what that merge left).
        for i in 0..9 {
            std::fs::write(content.path().join(format!("w{i}.md")), doc("one")).expect("write");
            indexer
                .update(content.path(), Mode::Incremental, &mut |_| {})
                .expect("update");
        }
        let full = Store::index_dir(data.path()).join("full");
        let live: std::collections::BTreeSet<String> = store
            .full
            .searchable_segment_metas()
            .expect("metas")
            .iter()
            .map(|m| m.id().uuid_string())
            .collect();
        assert_eq!(live.len(), 2, "merged: {live:?}");
        let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(&full)
            .expect("read_dir")
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let (stem, _) = name.split_once('.')?;
                (stem.len() == 32).then(|| stem.to_string())
            })
            .collect();
        assert_eq!(on_disk, live);
    }

    #[test]
    fn a_first_build_ends_in_one_segment_and_a_later_edit_adds_one() {
        let content = tempfile::tempdir().expect("tempdir");
        let data = tempfile::tempdir().expect("tempdir");
        for i in 0..BULK + 20 {
            let visibility = if i % 2 == 0 { "public" } else { "members" };
            std::fs::write(
                content.path().join(format!("w{i:03}.md")),
                format!(
                    "---\ntitle: T {i}\nkind: practice\nvisibility: {visibility}\n---\nText.\n"
                ),
            )
            .expect("write");
        }
        let (store, _) = Store::open(data.path()).expect("open");
        // Two writer threads, and a commit every 30 write-ups: several segments before
        // the end of the build.
        let options = WriterOptions {
            threads: 2,
            ..WriterOptions::default()
        };
        let mut indexer = Indexer::new(&store, options).expect("indexer");
        indexer.set_commit_every(30);
        let report = indexer
            .update(content.path(), Mode::Incremental, &mut |_| {})
            .expect("build");
        assert_eq!(report.added, BULK + 20);
        let segments = |index: &tantivy::Index| index.searchable_segment_metas().expect("metas");
        for index in [&store.full, &store.public] {
            let metas = segments(index);
            assert_eq!(metas.len(), 1, "{metas:?}");
        }
        assert_eq!(segments(&store.full)[0].num_docs() as usize, BULK + 20);
        assert_eq!(
            segments(&store.public)[0].num_docs() as usize,
            BULK / 2 + 10
        );

        // One edit is one more segment: the large one is not rewritten for it.
        std::fs::write(content.path().join("w000.md"), doc("two")).expect("write");
        let report = indexer
            .update(content.path(), Mode::Incremental, &mut |_| {})
            .expect("edit");
        assert_eq!(report.changed, 1);
        assert_eq!(segments(&store.full).len(), 2);
    }

    #[test]
    fn updates_by_path_touch_only_those_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for i in 0..5 {
            std::fs::create_dir_all(root.join("a")).expect("mkdir");
            std::fs::write(root.join(format!("a/w{i}.md")), doc("one")).expect("write");
        }
        let store = Store::in_ram();
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        indexer
            .update(root, Mode::Incremental, &mut |_| {})
            .expect("update");
        std::fs::create_dir_all(root.join("live")).expect("mkdir");
        std::fs::write(root.join("live/x.md"), doc("two")).expect("write");
        let report = indexer
            .update_paths(root, ["live", "live/x.md"])
            .expect("update");
        assert_eq!(
            report.to_string(),
            "added 1, changed 0, deleted 0, unchanged 0, errors 0"
        );
        std::fs::write(root.join("a/w1.md"), doc("three")).expect("write");
        let report = indexer.update_paths(root, ["a/w1.md"]).expect("update");
        assert_eq!(
            report.to_string(),
            "added 0, changed 1, deleted 0, unchanged 0, errors 0"
        );
        std::fs::rename(root.join("a"), root.join("b")).expect("mv");
        let report = indexer.update_paths(root, ["a", "b"]).expect("update");
        assert_eq!(
            report.to_string(),
            "added 5, changed 0, deleted 5, unchanged 0, errors 0"
        );
    }
}
