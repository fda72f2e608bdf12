//! One writer per data folder: a lock file with the holder's process id.
//!
//! tantivy's own lock (an advisory file lock) protects each index; this one names the
//! process that holds the data folder, so a second `erfa serve` or `erfa index` can say
//! who is in the way, and a lock left by a killed process is taken over by itself.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "erfa.pid";

/// Holds the data folder until dropped.
#[derive(Debug)]
pub struct DataLock {
    path: PathBuf,
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    // On Linux a live process has a /proc entry; a zombie or reused id named something
    // other than erfa does not count.
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    if !proc_dir.exists() {
        return false;
    }
    match std::fs::read_to_string(proc_dir.join("stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next());
            state != Some("Z")
        }
        Err(_) => true,
    }
}

impl DataLock {
    /// Takes the lock on `data_dir`, creating the folder when needed. Fails with
    /// [`Error::Locked`] naming the process when another live process holds it.
    pub fn acquire(data_dir: &Path) -> Result<DataLock> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io("creating", data_dir, e))?;
        let path = data_dir.join(LOCK_FILE);
        for _ in 0..3 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    writeln!(file, "{}", std::process::id())
                        .and_then(|()| file.sync_all())
                        .map_err(|e| Error::io("writing", &path, e))?;
                    return Ok(DataLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    match text.trim().parse::<u32>() {
                        Ok(pid) if process_alive(pid) => {
                            return Err(Error::Locked {
                                path: data_dir.to_path_buf(),
                                holder: Some(format!(
                                    "process {pid}; stop it first, or use another --data folder"
                                )),
                            });
                        }
                        // A stale lock from a process that is gone, or a half-written
                        // one: take it over.
                        _ => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(Error::io("creating", &path, e)),
            }
        }
        Err(Error::Locked {
            path: data_dir.to_path_buf(),
            holder: None,
        })
    }
}

impl Drop for DataLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_a_stale_one_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lock = DataLock::acquire(dir.path()).expect("first");
        let err = DataLock::acquire(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains(&std::process::id().to_string()),
            "{err}"
        );
        drop(lock);
        assert!(!dir.path().join(LOCK_FILE).exists());
        // A pid that cannot be alive (beyond pid_max).
        std::fs::write(dir.path().join(LOCK_FILE), "4194305\n").expect("write");
        let _lock = DataLock::acquire(dir.path()).expect("stale lock taken over");
    }
}
