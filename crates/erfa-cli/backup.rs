//! `erfa backup` and `erfa restore`: one file with everything that is not a cache.
//!
//! A backup is a tar archive: `manifest.json` first (erfa version, backup format, the
//! schema version of `state.db`, counts, and the size and BLAKE3 checksum of every other
//! entry), then `state.db` (a snapshot taken with SQLite's online backup API while the
//! server keeps writing), then every regular file under the content folder as
//! `content/<path>`. The index is left out: `erfa restore` rebuilds it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use serde::{Deserialize, Serialize};

/// The layout of a backup this erfa writes; a larger number is refused.
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "state.db";
const CONTENT: &str = "content";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["out", "verify"])))]
pub struct BackupArgs {
    /// Write the backup to FILE (replaced atomically when it exists). Safe while erfa
    /// serve runs: state.db is copied with SQLite's online backup API, so the copy is one
    /// consistent state.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Check the backup in FILE without restoring it: the manifest, every checksum, and
    /// that its state.db opens and passes SQLite's integrity check.
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    verify: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore, written by erfa backup --out. Restores the content folder
    /// (--content, byte for byte) and state.db into the data folder (--data); both are
    /// created when missing and must be empty.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
}

/// What `manifest.json` says.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// [`FORMAT`] of the erfa that wrote it.
    format: u32,
    /// That erfa's version.
    erfa_version: String,
    /// When it was written, in seconds since 1970 (UTC).
    created: u64,
    /// `PRAGMA user_version` of the `state.db` snapshot; none when there was no database.
    schema_version: Option<i64>,
    /// The newest schema version the writing erfa knew.
    schema_version_known: i64,
    /// Regular files under the content folder, Markdown write-ups among them, and bytes.
    content_files: usize,
    writeups: usize,
    content_bytes: u64,
    /// Every entry after the manifest, in archive order.
    files: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: String,
    size: u64,
    blake3: String,
}

/// `erfa backup --out FILE` and `erfa backup --verify FILE`.
pub fn backup(content: &Path, data: &Path, args: BackupArgs) -> anyhow::Result<ExitCode> {
    if let Some(file) = args.verify {
        let scratch = tempfile::tempdir().context("creating a temporary folder")?;
        let manifest = read(&file, Target::Check(scratch.path()))?;
        outln!("{file}: ok, {}", summary(&manifest), file = file.display());
        return Ok(ExitCode::SUCCESS);
    }
    let out = args.out.expect("clap requires --out or --verify");
    let started = std::time::Instant::now();
    let manifest = write(content, data, &out)?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    outln!(
        "{}: {} ({size} bytes, {:.1?})",
        out.display(),
        summary(&manifest),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

fn summary(manifest: &Manifest) -> String {
    let database = match manifest.schema_version {
        Some(v) => format!("state.db at schema version {v}"),
        None => "no state.db".to_string(),
    };
    format!(
        "{} content files ({} write-ups, {} bytes), {database}",
        manifest.content_files, manifest.writeups, manifest.content_bytes
    )
}

/// `erfa restore --from FILE`: checks the whole backup, then restores it into empty
/// folders and rebuilds nothing itself (the caller rebuilds the index).
pub fn restore(content: &Path, data: &Path, args: &RestoreArgs) -> anyhow::Result<()> {
    let scratch = tempfile::tempdir().context("creating a temporary folder")?;
    // Everything is checked before anything is written.
    read(&args.from, Target::Check(scratch.path()))?;
    empty_folder(content, "content")?;
    empty_folder(data, "data")?;
    let manifest = read(&args.from, Target::Restore { content, data }).with_context(|| {
        format!(
            "the restore stopped part way; empty {} and {} before trying again",
            content.display(),
            data.display()
        )
    })?;
    sync_dir(content)?;
    sync_dir(data)?;
    outln!(
        "restored {} from {}",
        summary(&manifest),
        args.from.display()
    );
    Ok(())
}

/// Creates `dir` when missing; refuses one that holds anything.
fn empty_folder(dir: &Path, what: &str) -> anyhow::Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "the {what} folder {} is not empty; restore into a new or empty folder (erfa never overwrites)",
                    dir.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the {what} folder {}", dir.display())),
        Err(e) => Err(e).with_context(|| format!("reading the {what} folder {}", dir.display())),
    }
}

/// One regular file of the content folder, read once.
struct Source {
    path: String,
    bytes: Vec<u8>,
    mtime: u64,
}

fn write(content: &Path, data: &Path, out: &Path) -> anyhow::Result<Manifest> {
    if !content.is_dir() {
        return Err(erfa_index::Error::ContentNotFound(content.to_path_buf()).into());
    }
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let scratch = tempfile::Builder::new()
        .prefix(".erfa-backup-")
        .tempdir_in(dir)
        .with_context(|| format!("creating a temporary folder in {}", dir.display()))?;

    let mut files = Vec::new();
    let mut sources = Vec::new();
    let db = data.join(erfa_accounts::DB_FILE);
    let snapshot = scratch.path().join(DATABASE);
    let schema_version = if db.exists() {
        erfa_accounts::snapshot::snapshot(&db, &snapshot)
            .with_context(|| format!("copying {}", db.display()))?;
        let bytes = std::fs::read(&snapshot).context("reading the copy of state.db")?;
        let version = erfa_accounts::snapshot::check(&snapshot)?;
        files.push(entry(DATABASE, &bytes));
        sources.push(Source {
            path: DATABASE.to_string(),
            bytes,
            mtime: now(),
        });
        Some(version)
    } else {
        None
    };
    let mut walked = Vec::new();
    // A data folder kept inside the content folder holds the index, a cache, and
    // state.db, which is in the backup already as a snapshot: leave it out.
    let skip = std::fs::canonicalize(data).ok();
    walk(content, skip.as_deref(), &mut walked)?;
    let (mut writeups, mut content_bytes) = (0, 0);
    for path in &walked {
        let rel = path
            .strip_prefix(content)
            .expect("walked under content")
            .to_str()
            .with_context(|| format!("{} is not a UTF-8 name", path.display()))?
            .replace(std::path::MAIN_SEPARATOR, "/");
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let mtime = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        writeups += usize::from(rel.ends_with(".md"));
        content_bytes += bytes.len() as u64;
        let name = format!("{CONTENT}/{rel}");
        files.push(entry(&name, &bytes));
        sources.push(Source {
            path: name,
            bytes,
            mtime,
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        erfa_version: env!("CARGO_PKG_VERSION").to_string(),
        created: now(),
        schema_version,
        schema_version_known: erfa_accounts::SCHEMA_VERSION,
        content_files: walked.len(),
        writeups,
        content_bytes,
        files,
    };

    let temp = scratch.path().join("backup.tar");
    let file = File::create(&temp).context("creating the backup file")?;
    let mut tar = tar::Builder::new(io::BufWriter::new(file));
    let json = serde_json::to_vec_pretty(&manifest).context("writing the manifest")?;
    append(&mut tar, MANIFEST, &json, manifest.created)?;
    for source in &sources {
        append(&mut tar, &source.path, &source.bytes, source.mtime)?;
    }
    let file = tar
        .into_inner()
        .and_then(|w| w.into_inner().map_err(io::IntoInnerError::into_error))
        .context("writing the backup file")?;
    file.sync_all().context("flushing the backup file")?;
    drop(file);
    std::fs::rename(&temp, out).with_context(|| format!("writing {}", out.display()))?;
    sync_dir(dir)?;
    Ok(manifest)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn entry(path: &str, bytes: &[u8]) -> Entry {
    Entry {
        path: path.to_string(),
        size: bytes.len() as u64,
        blake3: blake3::hash(bytes).to_hex().to_string(),
    }
}

fn append(
    tar: &mut tar::Builder<impl Write>,
    path: &str,
    bytes: &[u8],
    mtime: u64,
) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, bytes)
        .with_context(|| format!("adding {path} to the backup"))
}

/// Every regular file under `dir`, sorted, but none under `skip`; symbolic links are
/// reported and left out.
fn walk(dir: &Path, skip: Option<&Path>, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<io::Result<_>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let kind = e.file_type()?;
        let path = e.path();
        if kind.is_dir() {
            if skip.is_some_and(|s| std::fs::canonicalize(&path).is_ok_and(|p| p == s)) {
                continue;
            }
            walk(&path, skip, out)?;
        } else if kind.is_file() {
            out.push(path);
        } else {
            eprintln!(
                "erfa: left out of the backup (not a regular file): {}",
                path.display()
            );
        }
    }
    Ok(())
}

/// Where the entries of a backup go while it is read.
enum Target<'a> {
    /// Checked only; `state.db` goes to the folder given, for its integrity check.
    Check(&'a Path),
    /// Restored into these folders.
    Restore { content: &'a Path, data: &'a Path },
}

/// Reads the backup `file` and checks it against its manifest as it goes.
fn read(file: &Path, target: Target<'_>) -> anyhow::Result<Manifest> {
    let opened = File::open(file).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            anyhow::anyhow!(
                "there is no backup at {}; check the path (erfa backup --out FILE writes one)",
                file.display()
            )
        } else {
            anyhow::Error::new(e).context(format!("opening {}", file.display()))
        }
    })?;
    let damaged = || {
        format!(
            "reading {}: the file is damaged or not a backup written by erfa backup",
            file.display()
        )
    };
    let mut archive = tar::Archive::new(io::BufReader::new(opened));
    let mut entries = archive.entries().with_context(damaged)?;
    let mut first = match entries.next() {
        Some(e) => e.with_context(damaged)?,
        None => bail!("{}: the file is empty or not a backup", damaged()),
    };
    if first.path_bytes().as_ref() != MANIFEST.as_bytes() {
        bail!("{}: it does not start with {MANIFEST}", damaged());
    }
    let mut json = Vec::new();
    first.read_to_end(&mut json).with_context(damaged)?;
    let manifest = manifest(&json).with_context(damaged)?;
    let mut expected: BTreeMap<&str, &Entry> = manifest
        .files
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    for entry in entries {
        let mut entry = entry.with_context(damaged)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(wanted) = expected.remove(name.as_str()) else {
            bail!("{}: {name} is not in its manifest", damaged());
        };
        let dest = destination(&name, &target)?;
        let (size, hash) = match &dest {
            Some(path) => copy_to(&mut entry, path),
            None => copy(&mut entry, &mut io::sink()),
        }
        .with_context(|| {
            format!(
                "copying {name} out of {} (a disk problem, or a damaged backup)",
                file.display()
            )
        })?;
        if size != wanted.size || hash != wanted.blake3 {
            bail!(
                "{}: checksum mismatch for {name} (the backup is damaged; use another one)",
                file.display()
            );
        }
        if name == DATABASE {
            let path = dest.expect("state.db always has a destination");
            let version = erfa_accounts::snapshot::check(&path)
                .with_context(|| format!("{}: its state.db", file.display()))?;
            if Some(version) != manifest.schema_version {
                bail!(
                    "{}: its state.db is at schema version {version}, its manifest says {:?}",
                    damaged(),
                    manifest.schema_version
                );
            }
        }
    }
    if let Some(missing) = expected.keys().next() {
        bail!(
            "{}: {missing} is missing (the file was cut short?)",
            damaged()
        );
    }
    Ok(manifest)
}

fn manifest(json: &[u8]) -> anyhow::Result<Manifest> {
    // The format number is read first, so that a newer layout gets a message about its
    // version rather than about a field this erfa does not know.
    let value: serde_json::Value = serde_json::from_slice(json).context("its manifest")?;
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    let version = value
        .get("erfa_version")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    if format.is_some_and(|f| f > u64::from(FORMAT)) {
        bail!(
            "the backup was written by a newer erfa ({version}); use that version or a later one to restore it"
        );
    }
    let manifest: Manifest = serde_json::from_value(value).context("its manifest")?;
    if let Some(found) = manifest
        .schema_version
        .filter(|&v| v > erfa_accounts::SCHEMA_VERSION)
    {
        bail!(
            "the backup's state.db is at schema version {found}, newer than this erfa knows ({}); use erfa {version} or later to restore it",
            erfa_accounts::SCHEMA_VERSION
        );
    }
    Ok(manifest)
}

/// Where entry `name` is written, if anywhere; refuses names that leave their folder.
fn destination(name: &str, target: &Target<'_>) -> anyhow::Result<Option<PathBuf>> {
    if name == DATABASE {
        return Ok(Some(match target {
            Target::Check(scratch) => scratch.join(DATABASE),
            Target::Restore { data, .. } => data.join(erfa_accounts::DB_FILE),
        }));
    }
    let rel = name
        .strip_prefix(CONTENT)
        .and_then(|r| r.strip_prefix('/'))
        .map(Path::new)
        .filter(|r| {
            r.components().count() > 0 && r.components().all(|c| matches!(c, Component::Normal(_)))
        })
        .with_context(|| format!("the backup holds an unexpected name: {name}"))?;
    Ok(match target {
        Target::Check(_) => None,
        Target::Restore { content, .. } => Some(content.join(rel)),
    })
}

/// Copies `from` into `to` and returns the size and BLAKE3 checksum.
fn copy(from: &mut impl Read, to: &mut impl Write) -> io::Result<(u64, String)> {
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0; 64 * 1024];
    let mut size = 0;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok((size, hasher.finalize().to_hex().to_string()))
}

/// Writes a new file at `path` through a flushed temporary file beside it.
fn copy_to(from: &mut impl Read, path: &Path) -> io::Result<(u64, String)> {
    let dir = path.parent().expect("a file in a folder");
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    let copied = copy(from, &mut temp)?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(path).map_err(|e| e.error)?;
    File::open(dir)?.sync_all()?;
    Ok(copied)
}

fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("flushing {}", dir.display()))
}
