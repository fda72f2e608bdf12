//! The index crate's error type: internal failures, apart from content problems.
//!
//! Content problems (bad front matter, unknown practice, …) are not errors of this crate's
//! API: they are [`Diagnostic`](crate::Diagnostic)s, reported per file while the other
//! files go on. This enum is for what stops an operation as a whole.

use std::path::PathBuf;

/// What can stop an index operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file or folder failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What erfa was doing, e.g. "reading".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The content folder does not exist or is not a folder.
    #[error("content folder {} not found (pass --content DIR, or run erfa from the folder that holds content/)", .0.display())]
    ContentNotFound(PathBuf),
    /// Another process holds the index writer.
    #[error("the index in {} is in use by another erfa process{}", path.display(), holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Locked {
        /// The index folder.
        path: PathBuf,
        /// Who holds it, when known.
        holder: Option<String>,
    },
    /// A file that should be created already exists.
    #[error("{} already exists; erfa never overwrites a write-up", .0.display())]
    AlreadyExists(PathBuf),
    /// Updating the index for a write erfa made failed (the file itself is saved).
    #[error("updating the index: {0}")]
    Update(String),
    /// tantivy failed (I/O inside the index, a corrupt segment, …).
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index on disk is not usable (wrong version, unreadable metadata, …).
    #[error("index in {}: {reason}", path.display())]
    Corrupt {
        /// The index folder.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A write-up could not be edited in place (see [`crate::content::edit`]); it is unchanged.
    #[error("cannot edit {}: {reason}", path.display())]
    Edit {
        /// The file.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
}

impl Error {
    /// An I/O error while `action`ing `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Whether the disk, or the owner's quota on it, was full: nothing was written, and the
    /// same write may succeed once there is room again.
    pub fn is_storage_full(&self) -> bool {
        match self {
            Error::Io { source, .. } => is_storage_full(source),
            Error::Tantivy(tantivy::TantivyError::IoError(source)) => is_storage_full(source),
            _ => false,
        }
    }
}

/// Whether `err` says the disk or the quota is full (`ENOSPC`, `EDQUOT`).
pub fn is_storage_full(err: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        err.kind(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded
    )
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_or_quota_is_told_apart_from_other_failures() {
        use std::io::{Error as IoError, ErrorKind};
        let full = |e: IoError| Error::io("writing", "submissions/x.md", e).is_storage_full();
        assert!(full(IoError::from(ErrorKind::StorageFull)));
        assert!(full(IoError::from(ErrorKind::QuotaExceeded)));
        // What the kernel reports: ENOSPC and EDQUOT on Linux.
        #[cfg(target_os = "linux")]
        {
            assert!(full(IoError::from_raw_os_error(28)));
            assert!(full(IoError::from_raw_os_error(122)));
        }
        assert!(!full(IoError::from(ErrorKind::PermissionDenied)));
        assert!(!full(IoError::other("no space left on device")));
        let tantivy = Error::Tantivy(tantivy::TantivyError::IoError(std::sync::Arc::new(
            IoError::from(ErrorKind::StorageFull),
        )));
        assert!(tantivy.is_storage_full());
        assert!(!Error::Update("disk full".to_string()).is_storage_full());
    }
}
