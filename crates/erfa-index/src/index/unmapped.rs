//! The writers' view of an index folder: files read with `pread`, not mapped.
//!
//! Tantivy's default directory maps every file it reads, and a mapped page it has read
//! stays in the process's resident memory until the file is closed. Searches want that:
//! the kernel keeps what they read at hand. A writer does not: merging segments reads
//! each of them once, start to end, and with mapped files a merge of the whole index
//! held the whole index resident until it ended (318 MB at 100,000 write-ups). Through
//! this directory a merge reads into buffers of its own, which it drops as it goes, and
//! the page cache keeps the files without counting them as erfa's.
//!
//! Everything but reading is the wrapped [`MmapDirectory`]'s: writing, deleting, locks
//! (file locks, so the readers' view of the same folder sees them) and watching
//! `meta.json`. One difference follows from the writers' view being an index of its own:
//! when it collects the files of merged segments, it does not know which segments the
//! searchers still read. A searcher maps every file of a segment when it opens it, and a
//! mapped file stays readable after it is deleted, so this is safe where erfa runs
//! (Unix); tantivy's lock on `meta.json` keeps a reload from opening a segment whose
//! files are being collected. Elsewhere files are mapped as before.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
#[cfg(unix)]
use std::{fs::File, ops::Range, sync::Mutex};

#[cfg(unix)]
use tantivy::directory::OwnedBytes;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// Reads shorter than this are served from a window of this size read ahead: a merge
/// reads one term's postings at a time, in file order.
#[cfg(unix)]
const WINDOW: usize = 64 * 1024;

/// An index folder whose files are read with `pread` (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) struct UnmappedDirectory {
    #[cfg_attr(not(unix), allow(dead_code))]
    root: PathBuf,
    inner: MmapDirectory,
}

impl UnmappedDirectory {
    /// Opens the index folder `root`.
    pub(crate) fn open(root: &Path) -> tantivy::Result<UnmappedDirectory> {
        Ok(UnmappedDirectory {
            root: root.to_path_buf(),
            inner: MmapDirectory::open(root)?,
        })
    }
}

impl Directory for UnmappedDirectory {
    #[cfg(not(unix))]
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    #[cfg(unix)]
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len() as usize;
        Ok(Arc::new(ReadFile {
            path: path.to_path_buf(),
            file,
            len,
            window: Mutex::new(Window::default()),
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// Bytes of a file read ahead, and where they start.
#[cfg(unix)]
#[derive(Debug, Default)]
struct Window {
    start: usize,
    bytes: Vec<u8>,
}

/// One file of a segment, read with `pread`.
#[cfg(unix)]
#[derive(Debug)]
struct ReadFile {
    path: PathBuf,
    file: File,
    len: usize,
    window: Mutex<Window>,
}

#[cfg(unix)]
impl ReadFile {
    fn read_at(&self, start: usize, len: usize) -> io::Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        let mut bytes = vec![0; len];
        self.file
            .read_exact_at(&mut bytes, start as u64)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.path.display())))?;
        Ok(bytes)
    }
}

#[cfg(unix)]
impl tantivy::HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

#[cfg(unix)]
impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "{}: bytes {range:?} of a file of {} bytes",
                    self.path.display(),
                    self.len
                ),
            ));
        }
        if range.len() >= WINDOW {
            return Ok(OwnedBytes::new(self.read_at(range.start, range.len())?));
        }
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let inside = range.start >= window.start && range.end <= window.start + window.bytes.len();
        if !inside {
            let len = WINDOW.min(self.len - range.start);
            window.bytes = self.read_at(range.start, len)?;
            window.start = range.start;
        }
        let from = range.start - window.start;
        Ok(OwnedBytes::new(
            window.bytes[from..from + range.len()].to_vec(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use tantivy::directory::TerminatingWrite;

    #[test]
    fn reads_any_range_of_a_file_as_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let directory = UnmappedDirectory::open(dir.path()).expect("open");
        let mut out = directory.open_write(Path::new("f.bin")).expect("write");
        out.write_all(&bytes).expect("write");
        out.terminate().expect("terminate");
        let handle = directory
            .get_file_handle(Path::new("f.bin"))
            .expect("handle");
        assert_eq!(tantivy::HasLen::len(&*handle), bytes.len());
        for range in [
            0..0,
            0..10,
            5..70_000,
            65_530..65_540,
            10..20,
            100_000..100_001,
            199_990..200_000,
            0..200_000,
        ] {
            let read = handle.read_bytes(range.clone()).expect("read");
            assert_eq!(read.as_slice(), &bytes[range]);
        }
        assert!(handle.read_bytes(199_990..200_001).is_err());
        assert!(matches!(
            directory.get_file_handle(Path::new("missing")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
