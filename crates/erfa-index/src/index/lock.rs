//! One writer per data folder: an advisory lock held on an open file, `erfa.pid`.
//!
//! tantivy's own lock protects each index; this one guards the whole data folder, and its
//! file names the process that holds it, so that a second `erfa serve` or `erfa index` can
//! say who is in the way. The lock belongs to the open file, so it ends with the process
//! however that ends (a crash, `kill -9`, a reboot): a restart never finds a stale lock,
//! whatever process id it gets.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "erfa.pid";

/// Holds the data folder until dropped.
#[derive(Debug)]
pub struct DataLock {
    path: PathBuf,
    /// The open file that carries the lock.
    file: File,
}

impl DataLock {
    /// Takes the lock on `data_dir`, creating the folder when needed. Fails with
    /// [`Error::Locked`], naming the process, while another process holds it.
    pub fn acquire(data_dir: &Path) -> Result<DataLock> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io("creating", data_dir, e))?;
        let path = data_dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io("opening", &path, e))?;
        match try_lock_briefly(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = match text.trim().parse::<u32>() {
                    Ok(pid) => {
                        format!("process {pid}; stop it first, or use another --data folder")
                    }
                    Err(_) => {
                        "another process; stop it first, or use another --data folder".to_string()
                    }
                };
                return Err(Error::Locked {
                    path: data_dir.to_path_buf(),
                    holder: Some(holder),
                });
            }
            Err(TryLockError::Error(e)) => return Err(Error::io("locking", &path, e)),
        }
        // Held: the file now names this process (for the message above only).
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("writing", &path, e))?;
        Ok(DataLock { path, file })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Attempts at the lock, [`LOCK_PAUSE`] apart, before it counts as held by another.
const LOCK_ATTEMPTS: u32 = 10;
/// The pause between attempts at the lock.
const LOCK_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// Tries the lock a few times over a moment: a lock that is being released (a process
/// ending, or a child process another thread is starting, which holds a copy of the
/// open file until it runs its program) is free within moments, and a second erfa in
/// the way still fails within a fifth of a second.
fn try_lock_briefly(file: &File) -> std::result::Result<(), TryLockError> {
    let mut attempt = 1;
    loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if attempt < LOCK_ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(LOCK_PAUSE);
            }
            other => return other,
        }
    }
}

impl Drop for DataLock {
    fn drop(&mut self) {
        // The file stays (removing it would let a waiting opener lock a file nobody else
        // sees); it no longer names anyone, and closing it ends the lock.
        let _ = self.file.set_len(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_one_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lock = DataLock::acquire(dir.path()).expect("first");
        let err = DataLock::acquire(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains(&std::process::id().to_string()),
            "{err}"
        );
        drop(lock);
        let _again = DataLock::acquire(dir.path()).expect("free once dropped");
    }

    #[test]
    fn a_process_id_left_in_the_file_never_blocks_a_start() {
        let dir = tempfile::tempdir().expect("tempdir");
        // After a crash the file may name anyone: this very process (as after a container
        // restart, where erfa is process 1 again), a live unrelated one, or nonsense.
        for left in [
            std::process::id().to_string(),
            "1".to_string(),
            "4194305".to_string(),
            "not a number".to_string(),
        ] {
            std::fs::write(dir.path().join(LOCK_FILE), format!("{left}\n")).expect("write");
            let lock = DataLock::acquire(dir.path()).expect("taken over");
            let named = std::fs::read_to_string(lock.path()).expect("read");
            assert_eq!(named.trim(), std::process::id().to_string(), "{left}");
        }
    }

    #[test]
    fn another_process_holding_the_lock_is_in_the_way_until_it_ends() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOCK_FILE);
        std::fs::write(&path, "").expect("write");
        // `flock(1)` holds the same kind of lock from another process (without a child
        // that would inherit it).
        let Ok(mut holder) = std::process::Command::new("flock")
            .args(["--exclusive", "--no-fork"])
            .arg(&path)
            .arg("sleep")
            .arg("30")
            .spawn()
        else {
            return;
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match DataLock::acquire(dir.path()) {
                Err(Error::Locked { .. }) => break,
                Ok(lock) => {
                    // flock(1) has not taken it yet.
                    drop(lock);
                    assert!(std::time::Instant::now() < deadline, "flock never held it");
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => panic!("{e}"),
            }
        }
        holder.kill().expect("killed");
        holder.wait().expect("ended");
        let _lock = DataLock::acquire(dir.path()).expect("free after the holder died");
    }
}
