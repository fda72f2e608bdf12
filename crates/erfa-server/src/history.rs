//! The version history of `content/` when it is the root of a git working tree: every
//! change erfa writes becomes one commit by a service identity, and the facilitator reads
//! a write-up's earlier versions back.
//!
//! A commit is built from HEAD's tree plus only the paths erfa just wrote, never from the
//! git index, so whatever else is staged or changed in the working tree stays out of it.
//! Afterwards the index entries of exactly those paths are updated, so `git status` shows
//! them clean. Messages name the action and the write-up, never a person: who did what
//! is in the audit log in `state.db`, which offboarding can reach and git history cannot.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use git2::{Index, IndexEntry, IndexTime, Oid, Repository, Signature};

/// The name and address every commit of erfa's is made by.
const IDENTITY: (&str, &str) = ("erfa", "erfa@localhost");

/// How many earlier versions of one write-up are read back at most.
const MAX_VERSIONS: usize = 200;

/// The git repository whose working tree is `content/`.
#[derive(Debug)]
pub struct History {
    root: PathBuf,
    /// One commit at a time: two writes at once would otherwise both build on one HEAD.
    lock: Mutex<()>,
}

/// One version of a write-up: the commit that made it and its text then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The commit's id, in full hex.
    pub id: String,
    /// When it was committed, in seconds since the epoch.
    pub time: i64,
    /// The first line of the commit message.
    pub summary: String,
    /// The file's text in that commit; `None` where the commit removed it.
    pub text: Option<String>,
}

impl History {
    /// The history of `content_dir`, when `content_dir/.git` exists and the repository's
    /// working tree is `content_dir` itself; `None` otherwise (a folder inside another
    /// repository has no history of its own here).
    pub fn open(content_dir: &Path) -> Option<History> {
        if !content_dir.join(".git").exists() {
            return None;
        }
        let repo = match Repository::open(content_dir) {
            Ok(repo) => repo,
            Err(e) => {
                tracing::warn!(cause = %e, "content/.git is not a repository erfa can open");
                return None;
            }
        };
        let same = |p: &Path| std::fs::canonicalize(p).ok();
        if repo.workdir().and_then(same) != same(content_dir) {
            return None;
        }
        tracing::info!("content/ is a git repository: erfa commits the changes it writes");
        Some(History {
            root: content_dir.to_path_buf(),
            lock: Mutex::new(()),
        })
    }

    /// Commits `paths` (relative to `content/`, with `/`) as they are on disk now, on top
    /// of HEAD, with `message`; a path missing from disk is removed. Nothing is committed
    /// when the tree would not change. Returns the new commit's id.
    pub fn commit(&self, paths: &[&str], message: &str) -> Result<Option<Oid>, git2::Error> {
        let _turn = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let repo = Repository::open(&self.root)?;
        let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let mut tree = Index::new()?;
        if let Some(head) = &head {
            tree.read_tree(&head.tree()?)?;
        }
        for path in paths {
            match std::fs::read(self.root.join(path)) {
                Ok(bytes) => tree.add(&entry(path, repo.blob(&bytes)?, bytes.len()))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    tree.remove_path(Path::new(path))?;
                }
                Err(e) => return Err(git2::Error::from_str(&format!("reading {path}: {e}"))),
            }
        }
        let tree_id = tree.write_tree_to(&repo)?;
        if head.as_ref().is_some_and(|h| h.tree_id() == tree_id) {
            return Ok(None);
        }
        let tree = repo.find_tree(tree_id)?;
        let who = Signature::now(IDENTITY.0, IDENTITY.1)?;
        let parents: Vec<&git2::Commit> = head.iter().collect();
        let id = repo.commit(Some("HEAD"), &who, &who, message, &tree, &parents)?;
        let mut index = repo.index()?;
        for path in paths {
            if self.root.join(path).exists() {
                index.add_path(Path::new(path))?;
            } else {
                index.remove_path(Path::new(path))?;
            }
        }
        index.write()?;
        Ok(Some(id))
    }

    /// Commits `paths` with `message`, logging a failure: the write itself is already
    /// safe on disk, and a missing commit never takes it back.
    pub fn record(&self, paths: &[&str], message: &str) {
        if let Err(e) = self.commit(paths, message) {
            tracing::error!(cause = %e, "a change to content/ is not in its git history");
        }
    }

    /// The versions of `rel`, newest first: each commit reachable from HEAD (first
    /// parents) that changed the file.
    pub fn versions(&self, rel: &str) -> Result<Vec<Version>, git2::Error> {
        let repo = Repository::open(&self.root)?;
        let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(Vec::new());
        };
        let blob_at = |c: &git2::Commit| -> Option<Oid> {
            c.tree().ok()?.get_path(Path::new(rel)).ok().map(|e| e.id())
        };
        let mut versions = Vec::new();
        let mut next = Some(head);
        while let Some(commit) = next {
            let parent = commit.parent(0).ok();
            let now = blob_at(&commit);
            if now != parent.as_ref().and_then(blob_at) {
                let text = match now {
                    Some(id) => {
                        Some(String::from_utf8_lossy(repo.find_blob(id)?.content()).into_owned())
                    }
                    None => None,
                };
                versions.push(Version {
                    id: commit.id().to_string(),
                    time: commit.time().seconds(),
                    summary: commit.summary().unwrap_or_default().to_string(),
                    text,
                });
                if versions.len() == MAX_VERSIONS {
                    break;
                }
            }
            next = parent;
        }
        Ok(versions)
    }
}

/// An index entry for a regular file at `path` with blob `id`.
fn entry(path: &str, id: Oid, len: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100_644,
        uid: 0,
        gid: 0,
        file_size: u32::try_from(len).unwrap_or(u32::MAX),
        id,
        flags: u16::try_from(path.len()).unwrap_or(0xfff).min(0xfff),
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_commit_starts_the_history_and_an_unchanged_file_adds_none() {
        let dir = tempfile::tempdir().expect("a temp dir");
        Repository::init(dir.path()).expect("a repository");
        std::fs::create_dir(dir.path().join("a")).expect("a folder");
        std::fs::write(dir.path().join("a/b.md"), "one\n").expect("written");
        let history = History::open(dir.path()).expect("a history");
        let first = history
            .commit(&["a/b.md"], "submit: a/b")
            .expect("committed");
        assert!(first.is_some());
        assert_eq!(history.commit(&["a/b.md"], "edit: a/b").expect("ok"), None);
        std::fs::write(dir.path().join("a/b.md"), "two\n").expect("written");
        history.commit(&["a/b.md"], "edit: a/b").expect("committed");
        let versions = history.versions("a/b.md").expect("versions");
        let texts: Vec<_> = versions.iter().map(|v| v.text.as_deref()).collect();
        assert_eq!(texts, [Some("two\n"), Some("one\n")]);
        assert_eq!(versions[0].summary, "edit: a/b");
        std::fs::remove_file(dir.path().join("a/b.md")).expect("removed");
        history
            .commit(&["a/b.md"], "remove: a/b")
            .expect("committed");
        assert_eq!(history.versions("a/b.md").expect("versions")[0].text, None);
    }

    #[test]
    fn a_folder_inside_another_repository_has_no_history() {
        let dir = tempfile::tempdir().expect("a temp dir");
        Repository::init(dir.path()).expect("a repository");
        std::fs::create_dir(dir.path().join("content")).expect("a folder");
        assert!(History::open(&dir.path().join("content")).is_none());
    }
}
