//! Index folders whose files are read with `pread`, not mapped.
//!
//! Tantivy's default directory maps every file it reads, and a mapped page it has read
//! stays in the process's resident memory until the file is closed.
//!
//! - **The writers' view** ([`UnmappedDirectory::open`]) reads every file with `pread`.
//!   Merging segments reads each of them once, start to end, and with mapped files a
//!   merge of the whole index held the whole index resident until it ended (318 MB at
//!   100,000 write-ups). Through this view a merge reads into buffers of its own, which
//!   it drops as it goes.
//! - **The searchers' view** ([`UnmappedDirectory::stores_read`]) reads the document
//!   stores (`.store`) with `pread` and maps every other file. A search walks postings,
//!   term dictionaries and fast fields all over, and wants the kernel to keep them at
//!   hand; the store it reads a block at a time, only for the hits it shows, and
//!   tantivy keeps the blocks it decompressed. Mapped, every store page a search had
//!   ever read counted as erfa's until the segment closed: at 100,000 write-ups 86 to
//!   144 MB after a load, by what the page cache held before (docs/BENCHMARKS.md, "The
//!   build's memory").
//!
//! Either way the page cache keeps the files without counting them as erfa's. A searcher
//! keeps one open file for each document store of each segment it reads.
//!
//! Everything but reading is the wrapped [`MmapDirectory`]'s: writing, deleting, locks
//! (file locks, so the other view of the same folder sees them) and watching
//! `meta.json`. One difference follows from the writers' view being an index of its own:
//! when it collects the files of merged segments, it does not know which segments the
//! searchers still read. A searcher maps, or opens, every file of a segment when it opens
//! it, and a mapped or open file stays readable after it is deleted, so this is safe
//! where erfa runs (Unix); tantivy's lock on `meta.json` keeps a reload from opening a
//! segment whose files are being collected. Elsewhere files are mapped as before.

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
    #[cfg_attr(not(unix), allow(dead_code))]
    reads: Reads,
}

/// Which files a view reads with `pread`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// Every file, short reads through a window read ahead: the writers' view.
    All,
    /// The document stores, each read exactly as asked; the other files mapped: the
    /// searchers' view.
    Stores,
}

impl UnmappedDirectory {
    /// The writers' view of the index folder `root`: every file read with `pread`.
    pub(crate) fn open(root: &Path) -> tantivy::Result<UnmappedDirectory> {
        Self::with(root, Reads::All)
    }

    /// The searchers' view of the index folder `root`: document stores read with
    /// `pread`, every other file mapped.
    pub(crate) fn stores_read(root: &Path) -> tantivy::Result<UnmappedDirectory> {
        Self::with(root, Reads::Stores)
    }

    fn with(root: &Path, reads: Reads) -> tantivy::Result<UnmappedDirectory> {
        Ok(UnmappedDirectory {
            root: root.to_path_buf(),
            inner: MmapDirectory::open(root)?,
            reads,
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
        let window = match self.reads {
            Reads::All => Some(Mutex::new(Window::default())),
            Reads::Stores if path.extension().is_some_and(|e| e == "store") => None,
            Reads::Stores => return self.inner.get_file_handle(path),
        };
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
            window,
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
    /// The window short reads come from; `None` reads every range exactly as asked.
    window: Option<Mutex<Window>>,
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
        let window = match &self.window {
            Some(window) if range.len() < WINDOW => window,
            _ => return Ok(OwnedBytes::new(self.read_at(range.start, range.len())?)),
        };
        let mut window = window.lock().unwrap_or_else(|e| e.into_inner());
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
        let writers = UnmappedDirectory::open(dir.path()).expect("open");
        let searchers = UnmappedDirectory::stores_read(dir.path()).expect("open");
        for name in ["f.bin", "f.store"] {
            let mut out = writers.open_write(Path::new(name)).expect("write");
            out.write_all(&bytes).expect("write");
            out.terminate().expect("terminate");
        }
        for (directory, name) in [
            (&writers, "f.bin"),
            (&writers, "f.store"),
            (&searchers, "f.bin"),
            (&searchers, "f.store"),
        ] {
            let handle = directory.get_file_handle(Path::new(name)).expect("handle");
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
                assert_eq!(read.as_slice(), &bytes[range], "{name}");
            }
            // A mapped file's handle is tantivy's, which does not check its ranges.
            let read_here = !(std::ptr::eq(directory, &searchers) && name == "f.bin");
            if read_here {
                assert!(handle.read_bytes(199_990..200_001).is_err());
            }
            assert!(matches!(
                directory.get_file_handle(Path::new("missing.store")),
                Err(OpenReadError::FileDoesNotExist(_))
            ));
        }
    }

    /// The searchers' view maps every file but the document stores: the process's maps
    /// (`/proc/self/maps`) name the one and not the other.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_searchers_view_maps_every_file_but_the_stores() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a named folder")
            .to_string();
        let bytes = vec![7u8; 100_000];
        let searchers = UnmappedDirectory::stores_read(dir.path()).expect("open");
        for name in ["m.idx", "m.store"] {
            let mut out = searchers.open_write(Path::new(name)).expect("write");
            out.write_all(&bytes).expect("write");
            out.terminate().expect("terminate");
        }
        let postings = searchers.get_file_handle(Path::new("m.idx")).expect("idx");
        let store = searchers
            .get_file_handle(Path::new("m.store"))
            .expect("store");
        assert_eq!(
            postings.read_bytes(0..10).expect("read").as_slice(),
            &bytes[..10]
        );
        assert_eq!(
            store.read_bytes(0..10).expect("read").as_slice(),
            &bytes[..10]
        );
        let maps = std::fs::read_to_string("/proc/self/maps").expect("maps");
        let mapped = |name: &str| {
            maps.lines()
                .any(|l| l.ends_with(&format!("{folder}/{name}")))
        };
        assert!(mapped("m.idx"), "postings are mapped");
        assert!(!mapped("m.store"), "stores are read, not mapped");
    }

    /// A search may still read a segment the writers have merged away (see the module
    /// documentation): a store opened before its file is deleted stays readable.
    #[cfg(unix)]
    #[test]
    fn an_open_store_stays_readable_after_its_file_is_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes: Vec<u8> = (0..50_000u32).map(|i| (i % 241) as u8).collect();
        let searchers = UnmappedDirectory::stores_read(dir.path()).expect("open");
        let mut out = searchers.open_write(Path::new("s.store")).expect("write");
        out.write_all(&bytes).expect("write");
        out.terminate().expect("terminate");
        let handle = searchers
            .get_file_handle(Path::new("s.store"))
            .expect("handle");
        searchers.delete(Path::new("s.store")).expect("delete");
        assert!(!dir.path().join("s.store").exists());
        let read = handle.read_bytes(1_000..9_000).expect("read");
        assert_eq!(read.as_slice(), &bytes[1_000..9_000]);
    }
}
