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

/// Creates `path` with `bytes`, durably; fails with [`Error::AlreadyExists`] if it exists.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
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

/// Removes temporary files a crash left under `root`; returns how many.
pub fn sweep_temporary_files(root: &Path) -> Result<usize> {
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let Ok(entry) = entry else { continue };
        let is_temp = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX));
        if is_temp && entry.file_type().is_file() {
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
    fn sweep_removes_leftovers() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(format!("{TEMP_PREFIX}1-1")), "x").expect("write");
        std::fs::write(dir.path().join("keep.md"), "x").expect("write");
        assert_eq!(sweep_temporary_files(dir.path()).expect("sweep"), 1);
        assert!(dir.path().join("keep.md").exists());
    }
}
