//! Opening the two indexes in the data folder, and throwing them away when they cannot
//! be trusted.
//!
//! `data/index/full` holds every write-up; `data/index/public` holds only public,
//! published ones, so anonymous searches never see statistics, snippets or vocabulary of
//! members-only text. Both are caches of `content/`: deleting them is always safe.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::directory::MmapDirectory;

use crate::error::{Error, Result};
use crate::index::schema::{Fields, INDEX_VERSION};
use crate::index::unmapped::UnmappedDirectory;

/// What erfa writes into each commit of both indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// [`INDEX_VERSION`] of the binary that wrote the commit.
    pub version: u32,
    /// Counts erfa's commits; the public index commits first, so it is never behind.
    pub generation: u64,
    /// Which of the group's own compound parts the documents were split with
    /// ([`crate::content::compounds::fingerprint`]; 0 for the shipped parts alone).
    #[serde(default)]
    pub compounds: u64,
}

impl Payload {
    /// The payload of a committed index, if any.
    pub fn of(index: &Index) -> Result<Option<Payload>> {
        let metas = index.load_metas()?;
        match metas.payload {
            None => Ok(None),
            Some(text) => Ok(serde_json::from_str(&text).ok()),
        }
    }
}

/// The pair of indexes erfa keeps.
#[derive(Clone)]
pub struct Store {
    /// Where the indexes live (`None` when in memory).
    pub dir: Option<PathBuf>,
    /// Every write-up, any status and visibility.
    pub full: Index,
    /// Public and published write-ups only.
    pub public: Index,
    /// The schema's fields.
    pub fields: Fields,
    /// Which of the group's own compound parts the analyzers split with now.
    compounds: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// How the store was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Both indexes were there and fit this binary.
    Existing,
    /// There was no index yet.
    Created,
    /// The indexes were discarded and created empty: why.
    Reset(String),
}

impl Store {
    /// The index folder inside a data folder.
    pub fn index_dir(data_dir: &Path) -> PathBuf {
        data_dir.join("index")
    }

    /// A store in memory, for tests.
    pub fn in_ram() -> Store {
        let fields = Fields::new();
        let create = || {
            Index::builder()
                .schema(fields.schema.clone())
                .settings(settings())
                .create_in_ram()
                .expect("an index in memory is always created")
        };
        let full = create();
        let public = create();
        Fields::register_analyzers(&full);
        Fields::register_analyzers(&public);
        Store {
            dir: None,
            full,
            public,
            fields,
            compounds: Default::default(),
        }
    }

    /// Opens the indexes in `data_dir`, creating them when missing and discarding them when
    /// their version, schema or state cannot be trusted. The caller rebuilds an empty index
    /// from `content/`.
    pub fn open(data_dir: &Path) -> Result<(Store, Opened)> {
        let dir = Self::index_dir(data_dir);
        let fields = Fields::new();
        let full_dir = dir.join("full");
        let public_dir = dir.join("public");
        let exists = full_dir.join("meta.json").exists() || public_dir.join("meta.json").exists();
        let opened = if exists {
            match Self::try_open(&full_dir, &public_dir, &fields) {
                Ok((full, public)) => {
                    let store = Store {
                        dir: Some(dir),
                        full,
                        public,
                        fields,
                        compounds: Default::default(),
                    };
                    return Ok((store, Opened::Existing));
                }
                Err(reason) => Opened::Reset(reason),
            }
        } else {
            Opened::Created
        };
        for sub in [&full_dir, &public_dir] {
            if sub.exists() {
                std::fs::remove_dir_all(sub).map_err(|e| Error::io("removing", sub, e))?;
            }
            std::fs::create_dir_all(sub).map_err(|e| Error::io("creating", sub, e))?;
        }
        let create = |dir: &Path| {
            Index::create(
                UnmappedDirectory::stores_read(dir)?,
                fields.schema.clone(),
                settings(),
            )
        };
        let full = create(&full_dir)?;
        let public = create(&public_dir)?;
        Fields::register_analyzers(&full);
        Fields::register_analyzers(&public);
        Ok((
            Store {
                dir: Some(dir),
                full,
                public,
                fields,
                compounds: Default::default(),
            },
            opened,
        ))
    }

    /// Opens the indexes in `data_dir` to read them only: never created, discarded or
    /// written, and no lock taken, so that reading commands (`erfa stats`, `erfa export`)
    /// run beside the process that writes them. Fails when they are missing or cannot be
    /// trusted.
    pub fn open_read_only(data_dir: &Path) -> Result<Store> {
        let dir = Self::index_dir(data_dir);
        let fields = Fields::new();
        let (full, public) = Self::try_open(&dir.join("full"), &dir.join("public"), &fields)
            .map_err(|reason| Error::Corrupt {
                path: dir.clone(),
                reason,
            })?;
        Ok(Store {
            dir: Some(dir),
            full,
            public,
            fields,
            compounds: Default::default(),
        })
    }

    fn try_open(
        full_dir: &Path,
        public_dir: &Path,
        fields: &Fields,
    ) -> std::result::Result<(Index, Index), String> {
        let open = |dir: &Path| -> std::result::Result<(Index, Option<Payload>), String> {
            let directory = UnmappedDirectory::stores_read(dir)
                .map_err(|e| format!("cannot open {}: {e}", dir.display()))?;
            let index = Index::open(directory)
                .map_err(|e| format!("cannot open {}: {e}", dir.display()))?;
            if index.schema() != fields.schema {
                return Err(format!("{} has another schema", dir.display()));
            }
            let metas = index
                .load_metas()
                .map_err(|e| format!("cannot read {}: {e}", dir.join("meta.json").display()))?;
            let payload = match &metas.payload {
                None if metas.segments.is_empty() => None,
                None => return Err(format!("{} has no erfa version", dir.display())),
                Some(text) => Some(
                    serde_json::from_str::<Payload>(text)
                        .map_err(|_| format!("{} has no erfa version", dir.display()))?,
                ),
            };
            if let Some(p) = payload
                && p.version != INDEX_VERSION
            {
                return Err(format!(
                    "index version {} differs from this erfa's {INDEX_VERSION}",
                    p.version
                ));
            }
            Fields::register_analyzers(&index);
            Ok((index, payload))
        };
        let (full, full_payload) = open(full_dir)?;
        let (public, public_payload) = open(public_dir)?;
        // Every segment file carries a checksum; a flipped byte or a truncated file is
        // found here rather than in the middle of a search.
        validate_checksums(&[full_dir, public_dir])?;
        for (index, dir) in [(&full, full_dir), (&public, public_dir)] {
            index
                .reader()
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        }
        let generation = |p: Option<Payload>| p.map_or(0, |p| p.generation);
        if generation(public_payload) < generation(full_payload) {
            return Err("the public index is behind the full index".to_string());
        }
        Ok((full, public))
    }

    /// The generation of the last complete commit (that of the full index).
    pub fn generation(&self) -> Result<u64> {
        Ok(Payload::of(&self.full)?.map_or(0, |p| p.generation))
    }

    /// Makes both indexes split Danish compounds with the shipped parts and `extra` (the
    /// group's own, `content/_compounds.yaml`).
    pub fn use_compound_parts(&self, extra: &[String]) {
        use std::sync::atomic::Ordering;
        let fingerprint = crate::content::compounds::fingerprint(extra);
        if self.compounds.load(Ordering::SeqCst) == fingerprint {
            return;
        }
        Fields::register_compounds(&self.full, extra);
        Fields::register_compounds(&self.public, extra);
        self.compounds.store(fingerprint, Ordering::SeqCst);
    }

    /// The fingerprint of the compound parts the analyzers split with now.
    pub fn compound_parts(&self) -> u64 {
        self.compounds.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The fingerprint of the compound parts the committed documents were split with.
    pub fn committed_compound_parts(&self) -> Result<u64> {
        Ok(Payload::of(&self.full)?.map_or(0, |p| p.compounds))
    }
}

/// Checks the checksum of every file of the indexes' segments, the largest first, on two
/// threads: the check reads every byte of the index, which at 100,000 write-ups is a good
/// part of the time to the first answer. The error names the first corrupt file.
///
/// The files are read through maps of their own, dropped when the check ends: tantivy
/// reads a file whole to check it, and through the searchers' view (`unmapped`) each
/// document store would be copied into memory (at 100,000 write-ups private memory
/// after a load was 232 MB instead of 57 MB, docs/BENCHMARKS.md, "The stores read, not
/// mapped").
fn validate_checksums(dirs: &[&Path]) -> std::result::Result<(), String> {
    let views = dirs
        .iter()
        .map(|dir| {
            let cannot =
                |e: &dyn std::fmt::Display| format!("cannot verify {}: {e}", dir.display());
            let directory = MmapDirectory::open(dir).map_err(|e| cannot(&e))?;
            let view = Index::open(directory).map_err(|e| cannot(&e))?;
            Ok((view, *dir))
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    let mut files = Vec::new();
    for (index, dir) in &views {
        // Live segments, with the opstamp of their current deletes.
        let segments: HashMap<String, Option<u64>> = index
            .searchable_segment_metas()
            .map_err(|e| format!("cannot verify {}: {e}", dir.display()))?
            .iter()
            .map(|meta| (meta.id().uuid_string(), meta.delete_opstamp()))
            .collect();
        // The files tantivy manages that a live segment reads: `<id>.<component>`, and of
        // its deletes only the current `<id>.<opstamp>.del`.
        for file in index.directory().list_managed_files() {
            let live = file
                .to_str()
                .and_then(|name| name.split_once('.'))
                .is_some_and(|(stem, rest)| {
                    match (segments.get(stem), rest.strip_suffix(".del")) {
                        (None, _) => false,
                        (Some(_), None) => true,
                        (Some(deletes), Some(opstamp)) => {
                            deletes.is_some_and(|d| opstamp == d.to_string())
                        }
                    }
                });
            if live {
                let size = std::fs::metadata(dir.join(&file)).map_or(0, |m| m.len());
                files.push((size, index, *dir, file));
            }
        }
    }
    files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.3.cmp(&b.3)));
    // Largest first, each to the thread with fewer bytes so far.
    let mut shares: [(u64, Vec<_>); 2] = [(0, Vec::new()), (0, Vec::new())];
    for file in files {
        let share = if shares[0].0 <= shares[1].0 { 0 } else { 1 };
        shares[share].0 += file.0;
        shares[share].1.push(file);
    }
    let check = |share: &[(u64, &Index, &Path, PathBuf)]| {
        let mut corrupt = Vec::new();
        for (_, index, dir, file) in share {
            let intact = index
                .directory()
                .validate_checksum(file)
                .map_err(|e| format!("cannot verify {}: {e}", dir.join(file).display()))?;
            if !intact {
                corrupt.push(dir.join(file));
            }
        }
        Ok::<_, String>(corrupt)
    };
    let outcomes = std::thread::scope(|scope| {
        let threads: Vec<_> = shares
            .iter()
            .map(|(_, share)| scope.spawn(|| check(share)))
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join())
            .collect::<Vec<_>>()
    });
    // A panic goes on as if the check had run on this thread; a corrupt file is named
    // before a file that could not be read.
    let mut corrupt = Vec::new();
    let mut failed = None;
    for outcome in outcomes {
        match outcome {
            Ok(Ok(files)) => corrupt.extend(files),
            Ok(Err(e)) => failed = failed.or(Some(e)),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
    match (corrupt.iter().min(), failed) {
        (Some(file), _) => Err(format!("{} is corrupt (checksum mismatch)", file.display())),
        (None, Some(e)) => Err(e),
        (None, None) => Ok(()),
    }
}

/// How a new index stores documents. A search reads the stored document of each hit,
/// and tantivy decompresses a whole block to read one document. A stored write-up is
/// about 7.7 KB, so a 16 KiB block holds two or three and a hit decompresses them all; in
/// return the store takes a fifth less room on disk and in memory than with a block per
/// write-up (docs/BENCHMARKS.md, "Indexing").
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: DOCSTORE_BLOCKSIZE,
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        ..tantivy::IndexSettings::default()
    }
}

/// Bytes of stored documents per compressed block (tantivy's default).
const DOCSTORE_BLOCKSIZE: usize = 16384;

/// zstd's level for the document store: its default, fast enough to keep up with indexing.
const DOCSTORE_ZSTD_LEVEL: i32 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Indexer, Mode, WriterOptions};

    fn build(data: &Path, content: &Path) {
        let (store, _) = Store::open(data).expect("open");
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        indexer
            .update(content, Mode::Incremental, &mut |_| {})
            .expect("update");
    }

    fn content() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..20 {
            std::fs::write(
                dir.path().join(format!("w{i}.md")),
                format!("---\ntitle: Write-up {i}\nkind: practice\ndate: 2020-01-01\n---\nText number {i}.\n"),
            )
            .expect("write");
        }
        dir
    }

    #[test]
    fn a_healthy_index_opens_as_it_is() {
        let (data, content) = (tempfile::tempdir().expect("tempdir"), content());
        build(data.path(), content.path());
        let (_, opened) = Store::open(data.path()).expect("open");
        assert_eq!(opened, Opened::Existing);
    }

    #[test]
    fn a_flipped_byte_in_a_segment_resets_the_index() {
        let (data, content) = (tempfile::tempdir().expect("tempdir"), content());
        build(data.path(), content.path());
        let full = Store::index_dir(data.path()).join("full");
        let segment = std::fs::read_dir(&full)
            .expect("list")
            .map(|e| e.expect("entry").path())
            .find(|p| p.extension().is_some_and(|e| e == "store"))
            .expect("a store file");
        let mut bytes = std::fs::read(&segment).expect("read");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&segment, bytes).expect("write");
        let (_, opened) = Store::open(data.path()).expect("open");
        let Opened::Reset(reason) = opened else {
            panic!("expected a reset, got {opened:?}");
        };
        assert!(reason.contains("corrupt"), "{reason}");
        // And it rebuilds from content/.
        build(data.path(), content.path());
        let (store, opened) = Store::open(data.path()).expect("open");
        assert_eq!(opened, Opened::Existing);
        assert!(store.generation().expect("generation") > 0);
    }

    #[test]
    fn a_flipped_byte_in_any_file_a_segment_reads_resets_the_index() {
        // 120 write-ups, half of them public: a first build leaves one segment in each
        // index.
        let content = tempfile::tempdir().expect("tempdir");
        let write = |i: usize, text: &str| {
            let visibility = if i.is_multiple_of(2) {
                "public"
            } else {
                "members"
            };
            std::fs::write(
                content.path().join(format!("w{i:03}.md")),
                format!("---\ntitle: Write-up {i}\nkind: practice\nvisibility: {visibility}\n---\n{text}\n"),
            )
            .expect("write");
        };
        for i in 0..120 {
            write(i, "Text.");
        }
        let seed = tempfile::tempdir().expect("tempdir");
        build(seed.path(), content.path());
        // One edit: the large segments keep their deletes in files of their own.
        write(0, "Changed.");
        build(seed.path(), content.path());
        let files: Vec<String> = ["full", "public"]
            .iter()
            .flat_map(|sub| {
                std::fs::read_dir(Store::index_dir(seed.path()).join(sub))
                    .expect("list")
                    .map(|e| format!("{sub}/{}", e.expect("entry").file_name().to_string_lossy()))
                    .filter(|name| name.split('/').nth(1).is_some_and(|n| n.len() > 33))
                    .collect::<Vec<_>>()
            })
            .collect();
        let extensions: std::collections::BTreeSet<&str> = files
            .iter()
            .filter_map(|name| name.rsplit('.').next())
            .collect();
        for component in ["store", "idx", "pos", "term", "fast", "fieldnorm", "del"] {
            assert!(
                extensions.contains(component),
                "no .{component} in {files:?}"
            );
        }
        for file in &files {
            let data = tempfile::tempdir().expect("tempdir");
            copy_dir(
                &Store::index_dir(seed.path()),
                &Store::index_dir(data.path()),
            );
            let path = Store::index_dir(data.path()).join(file);
            let mut bytes = std::fs::read(&path).expect("read");
            bytes[0] ^= 0xff;
            std::fs::write(&path, bytes).expect("write");
            let (_, opened) = Store::open(data.path()).expect("open");
            let Opened::Reset(reason) = opened else {
                panic!("{file}: expected a reset, got {opened:?}");
            };
            assert!(reason.contains("corrupt"), "{file}: {reason}");
        }
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("list") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }

    #[test]
    fn a_truncated_meta_json_resets_the_index() {
        let (data, content) = (tempfile::tempdir().expect("tempdir"), content());
        build(data.path(), content.path());
        let meta = Store::index_dir(data.path()).join("full/meta.json");
        let text = std::fs::read(&meta).expect("read");
        std::fs::write(&meta, &text[..text.len() / 2]).expect("truncate");
        let (_, opened) = Store::open(data.path()).expect("open");
        assert!(matches!(opened, Opened::Reset(_)), "{opened:?}");
    }

    #[test]
    fn a_missing_segment_file_resets_the_index() {
        let (data, content) = (tempfile::tempdir().expect("tempdir"), content());
        build(data.path(), content.path());
        let full = Store::index_dir(data.path()).join("full");
        let idx = std::fs::read_dir(&full)
            .expect("list")
            .map(|e| e.expect("entry").path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .expect("an idx file");
        std::fs::remove_file(idx).expect("rm");
        let (_, opened) = Store::open(data.path()).expect("open");
        assert!(matches!(opened, Opened::Reset(_)), "{opened:?}");
    }
}
