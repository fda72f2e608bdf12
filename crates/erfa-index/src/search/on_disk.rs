//! While erfa starts on the last committed index, before the first reconciliation with
//! the content folder has committed, the index may be behind the disk: a write-up made
//! members-only, withdrawn or deleted while erfa was down is still in the public index.
//! Until then every document a public or members' query matches is checked again against
//! its file's current front matter, here (docs/ARCHITECTURE.md, "What is served while
//! starting").
//!
//! [`OnDisk`] reads a file's front matter (and nothing else) and remembers the verdict
//! while the file's size and modification time stay the same. `Recheck` is the query
//! that applies it: it wraps the scope's filter, so every search, read by slug, feed,
//! count and related list passes it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tantivy::columnar::StrColumn;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::content::document::content_hash;
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

/// What was read of a file, kept while its size and modification time stay the same.
#[derive(Debug, Clone)]
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
    /// The content hash of the bytes read; `None` when they could not be read.
    hash: Option<String>,
    /// What its front matter allows, once parsed (`None` inside: it does not parse).
    allows: Option<Option<Allows>>,
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
    ///
    /// `indexed` is the content hash the index holds for `rel`, when the caller has
    /// already found that the index lets `scope` read it: a file whose bytes still have
    /// that hash is not parsed again.
    pub fn allows(&self, rel: &str, scope: Scope, indexed: Option<&str>) -> bool {
        if scope == Scope::Facilitator {
            return true;
        }
        let Some(seen) = self.look(rel) else {
            return false;
        };
        if seen.hash.is_some() && seen.hash.as_deref() == indexed {
            return true;
        }
        let allows = match seen.allows {
            Some(allows) => allows,
            None => self.parse(rel, &seen),
        };
        let Some(allows) = allows else {
            return false;
        };
        match scope {
            Scope::Public => allows.published && allows.public,
            Scope::Members => allows.published,
            Scope::Facilitator => true,
        }
    }

    fn file(&self, rel: &str) -> SourceFile {
        SourceFile {
            rel: rel.to_string(),
            abs: self.root.join(rel),
        }
    }

    /// The file's size, time and hash, read again when its size or time changed; `None`
    /// when it is not a regular file.
    fn look(&self, rel: &str) -> Option<Seen> {
        let file = self.file(rel);
        let meta = std::fs::symlink_metadata(&file.abs).ok()?;
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
                return Some(s.clone());
            }
        }
        let bytes = source::read(&file).ok();
        let seen = Seen {
            len,
            modified,
            hash: bytes.as_deref().map(content_hash),
            allows: bytes.is_none().then_some(None),
        };
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), seen.clone());
        Some(seen)
    }

    /// Parses the front matter of the file `seen` describes, and keeps what it allows.
    fn parse(&self, rel: &str, seen: &Seen) -> Option<Allows> {
        let bytes = source::read(&self.file(rel)).ok()?;
        // Changed since it was looked at: never judge one version by another's hash.
        if seen.hash.as_deref() != Some(content_hash(&bytes).as_str()) {
            return None;
        }
        let allows = front(rel, &bytes);
        if let Some(s) = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(rel)
            && s.hash == seen.hash
        {
            s.allows = Some(allows);
        }
        allows
    }
}

/// What the front matter in `bytes` allows; `None` when it does not parse.
fn front(rel: &str, bytes: &[u8]) -> Option<Allows> {
    let text = source::decode(rel, bytes).ok()?;
    let text = crate::content::document::normalise(text);
    let split = front_matter::split(rel, &text).ok()?;
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
            hashes: reader.fast_fields().str("hash")?,
            scope: self.scope,
            disk: self.disk.clone(),
            path: String::new(),
            hash: String::new(),
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
    hashes: Option<StrColumn>,
    scope: Scope,
    disk: Arc<OnDisk>,
    path: String,
    hash: String,
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
        // The inner query is the scope filter: the index lets the scope read this one.
        self.hash.clear();
        let indexed = self.hashes.as_ref().and_then(|hashes| {
            let ord = hashes.term_ords(doc).next()?;
            hashes
                .ord_to_str(ord, &mut self.hash)
                .unwrap_or(false)
                .then_some(self.hash.as_str())
        });
        self.disk.allows(&self.path, self.scope, indexed)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, visibility: &str, status: &str) {
        std::fs::write(
            root.join(rel),
            format!(
                "---\ntitle: T\nkind: lesson\ndate: 2022-01-01\nvisibility: {visibility}\nstatus: {status}\n---\nText.\n"
            ),
        )
        .expect("write");
    }

    fn hash(root: &Path, rel: &str) -> String {
        content_hash(&std::fs::read(root.join(rel)).expect("read"))
    }

    #[test]
    fn files_decide_what_each_scope_may_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "public.md", "public", "published");
        write(root, "members.md", "members", "published");
        write(root, "archived.md", "public", "archived");
        std::fs::write(root.join("broken.md"), "---\ntitle: [broken\n---\n").expect("write");
        let disk = OnDisk::new(root);
        let allows = |rel: &str, scope: Scope| disk.allows(rel, scope, None);
        assert!(allows("public.md", Scope::Public));
        assert!(allows("public.md", Scope::Members));
        assert!(!allows("members.md", Scope::Public));
        assert!(allows("members.md", Scope::Members));
        for rel in ["archived.md", "broken.md", "missing.md"] {
            assert!(!allows(rel, Scope::Public), "{rel}");
            assert!(!allows(rel, Scope::Members), "{rel}");
            assert!(allows(rel, Scope::Facilitator), "{rel}");
        }
    }

    #[test]
    fn an_unchanged_file_keeps_the_index_verdict_and_a_changed_one_is_read_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "w.md", "public", "published");
        let indexed = hash(root, "w.md");
        let disk = OnDisk::new(root);
        assert!(disk.allows("w.md", Scope::Public, Some(&indexed)));
        // Narrowed since it was indexed (another length, so another size).
        write(root, "w.md", "members", "published");
        assert!(!disk.allows("w.md", Scope::Public, Some(&indexed)));
        assert!(disk.allows("w.md", Scope::Members, Some(&indexed)));
        std::fs::remove_file(root.join("w.md")).expect("rm");
        assert!(!disk.allows("w.md", Scope::Members, Some(&indexed)));
    }
}
