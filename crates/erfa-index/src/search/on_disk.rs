//! While erfa starts on the last committed index, before the first reconciliation with
//! the content folder has committed, the index may be behind the disk: a write-up made
//! members-only, withdrawn or deleted while erfa was down is still in the public index.
//! Until then every document a public or members' query matches is checked again against
//! its file's current front matter, here (docs/ARCHITECTURE.md, "What is served while
//! starting").
//!
//! [`OnDisk`] reads a file's front matter (and nothing else) and remembers the verdict
//! while the file's size and modification time stay the same. [`Recheck`] is the query
//! that applies it: it wraps the scope's filter, so every search, read by slug, feed,
//! count and related list passes it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tantivy::columnar::StrColumn;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::content::front_matter;
use crate::content::source::{self, SourceFile};
use crate::content::vocab::{Status, Visibility};
use crate::search::scope::Scope;

/// What a file's front matter allows, as read from disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Allows {
    published: bool,
    public: bool,
}

/// A file's verdict, kept while its size and modification time stay the same.
#[derive(Debug, Clone, Copy)]
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
    allows: Option<Allows>,
}

/// Checks write-ups against their files' current front matter in the content folder.
#[derive(Debug)]
pub struct OnDisk {
    root: PathBuf,
    seen: Mutex<HashMap<String, Seen>>,
}

impl OnDisk {
    /// A checker for the content folder `root`.
    pub fn new(root: &Path) -> OnDisk {
        OnDisk {
            root: root.to_path_buf(),
            seen: Mutex::default(),
        }
    }

    /// Whether `scope` may read the write-up at `rel` (relative to the content folder)
    /// as its file says now: it exists, its front matter is valid and published, and for
    /// the public, public. The facilitator reads everything. Anything that cannot be
    /// read fails closed.
    pub fn allows(&self, rel: &str, scope: Scope) -> bool {
        if scope == Scope::Facilitator {
            return true;
        }
        let Some(allows) = self.read(rel) else {
            return false;
        };
        match scope {
            Scope::Public => allows.published && allows.public,
            Scope::Members => allows.published,
            Scope::Facilitator => true,
        }
    }

    fn read(&self, rel: &str) -> Option<Allows> {
        let abs = self.root.join(rel);
        let meta = std::fs::symlink_metadata(&abs).ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        let (len, modified) = (meta.len(), meta.modified().ok());
        {
            let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(s) = seen.get(rel)
                && s.len == len
                && s.modified == modified
                && modified.is_some()
            {
                return s.allows;
            }
        }
        let file = SourceFile {
            rel: rel.to_string(),
            abs,
        };
        let allows = source::read(&file).ok().and_then(|bytes| front(rel, &bytes));
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                rel.to_string(),
                Seen {
                    len,
                    modified,
                    allows,
                },
            );
        allows
    }
}

/// What the front matter in `bytes` allows; `None` when it does not parse.
fn front(rel: &str, bytes: &[u8]) -> Option<Allows> {
    let text = source::decode(rel, bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let normalised;
    let text = if text.contains('\r') {
        normalised = text.replace("\r\n", "\n");
        normalised.as_str()
    } else {
        text
    };
    let split = front_matter::split(rel, text).ok()?;
    let (front, _) = front_matter::parse(rel, &split);
    let front = front?;
    Some(Allows {
        published: front.status == Status::Published,
        public: front.visibility == Visibility::Public,
    })
}

/// The documents `inner` matches whose files still allow `scope` to read them.
pub(crate) struct Recheck {
    pub(crate) inner: Box<dyn Query>,
    pub(crate) scope: Scope,
    pub(crate) disk: Arc<OnDisk>,
}

impl Clone for Recheck {
    fn clone(&self) -> Self {
        Recheck {
            inner: self.inner.box_clone(),
            scope: self.scope,
            disk: self.disk.clone(),
        }
    }
}

impl std::fmt::Debug for Recheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recheck")
            .field("inner", &self.inner)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl Query for Recheck {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(RecheckWeight {
            inner: self.inner.weight(enable_scoring)?,
            scope: self.scope,
            disk: self.disk.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct RecheckWeight {
    inner: Box<dyn Weight>,
    scope: Scope,
    disk: Arc<OnDisk>,
}

impl Weight for RecheckWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let mut scorer = RecheckScorer {
            inner,
            paths: reader.fast_fields().str("path")?,
            scope: self.scope,
            disk: self.disk.clone(),
            path: String::new(),
        };
        let doc = scorer.inner.doc();
        if doc != TERMINATED && !scorer.allowed(doc) {
            scorer.advance();
        }
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct RecheckScorer {
    inner: Box<dyn Scorer>,
    paths: Option<StrColumn>,
    scope: Scope,
    disk: Arc<OnDisk>,
    path: String,
}

impl RecheckScorer {
    fn allowed(&mut self, doc: DocId) -> bool {
        let Some(paths) = &self.paths else {
            return false;
        };
        let Some(ord) = paths.term_ords(doc).next() else {
            return false;
        };
        self.path.clear();
        if !paths.ord_to_str(ord, &mut self.path).unwrap_or(false) {
            return false;
        }
        self.disk.allows(&self.path, self.scope)
    }

    /// From the inner scorer's current document on, the first one allowed.
    fn settle(&mut self, mut doc: DocId) -> DocId {
        while doc != TERMINATED && !self.allowed(doc) {
            doc = self.inner.advance();
        }
        doc
    }
}

impl DocSet for RecheckScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.inner.advance();
        self.settle(doc)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.inner.seek(target);
        self.settle(doc)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for RecheckScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
