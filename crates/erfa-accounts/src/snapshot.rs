//! Consistent copies of `state.db` through SQLite's online backup API.
//!
//! A file copy of a database in WAL mode can miss what is still in the `-wal` file, or
//! catch a page half written; the backup API reads one committed state while the server
//! keeps writing. The copy is written beside its final name, flushed and renamed, so a
//! crash never leaves a half-written copy under that name.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, MAIN_DB, OpenFlags};

use crate::{Error, Result};

/// Writes a consistent copy of the open database `db` to `dest`, atomically.
pub(crate) fn copy(db: &Connection, dest: &Path) -> Result<()> {
    let temp = temporary_name(dest);
    let _ = std::fs::remove_file(&temp);
    let written = write(db, &temp, dest);
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

fn write(db: &Connection, temp: &Path, dest: &Path) -> Result<()> {
    let io = |source| Error::File {
        path: dest.display().to_string(),
        source,
    };
    db.backup(MAIN_DB, temp, None::<fn(rusqlite::backup::Progress)>)?;
    // The copy carries the original's journal mode; a copy is one file, so leave it in
    // rollback mode (no `-wal` to keep beside it).
    let copy = Connection::open(temp)?;
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    drop(copy);
    std::fs::File::open(temp)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    std::fs::rename(temp, dest).map_err(io)?;
    let dir = dest.parent().filter(|p| !p.as_os_str().is_empty());
    std::fs::File::open(dir.unwrap_or(Path::new(".")))
        .and_then(|f| f.sync_all())
        .map_err(io)
}

fn temporary_name(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    dest.with_file_name(name)
}

/// Writes a consistent copy of the database file `source` to `dest`, atomically, while
/// other processes (the server) may keep writing to it. The source is opened read-only
/// and never upgraded.
pub fn snapshot(source: &Path, dest: &Path) -> Result<()> {
    if !source.is_file() {
        return Err(Error::File {
            path: source.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such database"),
        });
    }
    let db = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    db.busy_timeout(std::time::Duration::from_secs(10))?;
    copy(&db, dest)
}

/// What a copy of `state.db` holds, checked: its schema version, after SQLite's
/// `PRAGMA integrity_check` passed.
pub fn check(path: &Path) -> Result<i64> {
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(Error::Corrupt(verdict));
    }
    Ok(db.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// The name of the copy made before upgrading to schema version `to`:
/// `state.db.before-v{to}`, beside the database.
pub fn before_upgrade(data_dir: &Path, to: i64) -> PathBuf {
    data_dir.join(format!("{}.before-v{to}", crate::DB_FILE))
}
