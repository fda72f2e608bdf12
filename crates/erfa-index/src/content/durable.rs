//! Writing into `content/`: atomically, durably, and never over an existing file.
//!
//! The only module that writes write-ups. A file is written to a temporary name in the
//! same folder, flushed to disk, then linked to its final name — which fails if that
//! name exists, so nothing is ever overwritten — and the folder is flushed too. A crash
//! at any moment leaves either no file or the whole file, plus at most a temporary file
//! that [`sweep_temporary_files`] removes.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Temporary files start with this; they are dot-files, so the walk never sees them.
pub const TEMP_PREFIX: &str = ".erfa-tmp-";

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_path(dir: &Path) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!("{TEMP_PREFIX}{}-{n}", std::process::id()))
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("syncing", dir, e))
}

fn write_temp(dir: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let temp = temp_path(dir);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(|e| Error::io("creating", &temp, e))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io("writing", &temp, e));
    }
    Ok(temp)
}

/// Creates `dir` and any missing parents, flushing each parent that gained an entry, so a
/// new folder survives a crash as surely as the file written into it.
fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at {
        if d.as_os_str().is_empty() || d.is_dir() {
            break;
        }
        missing.push(d);
        at = d.parent();
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    for d in missing.iter().rev() {
        if let Some(parent) = d.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
    }
    Ok(())
}

/// Creates `path` with `bytes`, durably; fails with [`Error::AlreadyExists`] if it exists.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    ensure_dir(dir)?;
    let temp = write_temp(dir, bytes)?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => sync_dir(dir),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(Error::AlreadyExists(path.to_path_buf()))
        }
        Err(e) => Err(Error::io("creating", path, e)),
    }
}

/// Creates the first free name of `base.md`, `base-2.md`, `base-3.md`, … in `dir` with
/// `bytes`, durably, and returns its path. The bytes are written and flushed once; each
/// name is then tried with a link, which fails on an existing name, so two writers racing
/// for the same name each get their own file and nothing is ever overwritten.
pub fn create_numbered(dir: &Path, base: &str, bytes: &[u8]) -> Result<PathBuf> {
    ensure_dir(dir)?;
    let temp = write_temp(dir, bytes)?;
    let mut outcome = Err(Error::AlreadyExists(dir.join(format!("{base}.md"))));
    for n in 1..=MAX_SUFFIX {
        let name = if n == 1 {
            format!("{base}.md")
        } else {
            format!("{base}-{n}.md")
        };
        let path = dir.join(name);
        match std::fs::hard_link(&temp, &path) {
            Ok(()) => {
                outcome = Ok(path);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                outcome = Err(Error::io("creating", &path, e));
                break;
            }
        }
    }
    let _ = std::fs::remove_file(&temp);
    let path = outcome?;
    sync_dir(dir)?;
    Ok(path)
}

/// The most suffixes [`create_numbered`] tries before it gives up.
pub const MAX_SUFFIX: usize = 10_000;

/// Replaces `path` with `bytes`, durably (temporary file, flush, rename, flush folder).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = write_temp(dir, bytes)?;
    if let Err(e) = std::fs::rename(&temp, path) {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io("replacing", path, e));
    }
    sync_dir(dir)
}

/// Removes temporary files a crash left under `root`: those last changed before
/// `started` and not this process's own, so that a write in progress (of this process or
/// of another started since) keeps its file. Returns how many.
pub fn sweep_temporary_files(root: &Path, started: std::time::SystemTime) -> Result<usize> {
    let own = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let Ok(entry) = entry else { continue };
        let is_temp = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX) && !n.starts_with(&own));
        let before = || {
            entry
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .is_some_and(|changed| changed < started)
        };
        if is_temp && entry.file_type().is_file() && before() {
            std::fs::remove_file(entry.path())
                .map_err(|e| Error::io("removing", entry.path(), e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_new_never_overwrites_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/a.md");
        create_new(&path, b"one").expect("first");
        let err = create_new(&path, b"two").unwrap_err();
        assert!(matches!(err, Error::AlreadyExists(_)));
        assert_eq!(std::fs::read(&path).expect("read"), b"one");
        replace(&path, b"three").expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"three");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["a.md"]);
    }

    #[test]
    fn numbered_names_never_overwrite_even_in_a_race() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("new/submissions");
        let paths: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let folder = folder.clone();
                    s.spawn(move || {
                        create_numbered(&folder, "same", format!("text {i}").as_bytes())
                            .expect("created")
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("joined"))
                .collect()
        });
        let mut names: Vec<String> = paths
            .iter()
            .map(|p| {
                p.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 16);
        assert!(names.contains(&"same.md".to_string()));
        assert!(names.contains(&"same-16.md".to_string()));
        let mut texts: Vec<String> = paths
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("read"))
            .collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), 16, "every writer kept its own text");
        let listed = std::fs::read_dir(&folder).expect("list").count();
        assert_eq!(listed, 16, "no temporary file is left");
    }

    #[test]
    fn sweep_removes_leftovers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let leftover = dir.path().join(format!("{TEMP_PREFIX}1-1"));
        std::fs::write(&leftover, "x").expect("write");
        std::fs::write(dir.path().join("keep.md"), "x").expect("write");
        // This process's own temporary file: a write in progress.
        let own = dir
            .path()
            .join(format!("{TEMP_PREFIX}{}-1", std::process::id()));
        std::fs::write(&own, "x").expect("write");
        let started = std::time::SystemTime::now() + std::time::Duration::from_secs(1);
        assert_eq!(
            sweep_temporary_files(dir.path(), started).expect("sweep"),
            1
        );
        assert!(!leftover.exists());
        assert!(dir.path().join("keep.md").exists());
        assert!(own.exists());
    }

    #[test]
    fn sweep_keeps_temporary_files_newer_than_the_start() {
        let dir = tempfile::tempdir().expect("tempdir");
        let started = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        let newer = dir.path().join(format!("{TEMP_PREFIX}1-1"));
        std::fs::write(&newer, "x").expect("write");
        assert_eq!(
            sweep_temporary_files(dir.path(), started).expect("sweep"),
            0
        );
        assert!(newer.exists(), "another process's write in progress");
    }
}
