//! The sorted walk over `content/`: which files are write-ups, and reading them safely.
//!
//! Only regular `*.md` files count. Dot-folders and dot-files (`.git`, emacs' `.#x.md`
//! lock links) and `_`-prefixed data files (`_glossary.yaml`, `_template.md`) are not
//! write-ups. Symbolic links are not followed, so nothing outside the content root is
//! read; FIFOs and other special files are reported and never opened.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::content::diagnostic::{Code, Diagnostic};
use crate::error::{Error, Result};

/// The largest write-up accepted: 1 MiB, so that its page stays under the 2 MB every
/// answer is held to (docs/SECURITY.md, "every request is bounded").
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A write-up file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the content root, forward slashes.
    pub rel: String,
    /// Full path on disk.
    pub abs: PathBuf,
}

/// What the walk found: write-up files in sorted order, and files it had to skip.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular `*.md` files, sorted by relative path.
    pub files: Vec<SourceFile>,
    /// One diagnostic per skipped entry (symlinks, special files, unreadable folders).
    pub skipped: Vec<Diagnostic>,
}

/// Whether a relative path (forward slashes) names a write-up by its name alone: ends in
/// `.md`, and no part starts with `.` or (the file) with `_`.
pub fn is_writeup_path(rel: &str) -> bool {
    if !rel.ends_with(".md") {
        return false;
    }
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        if part.is_empty() || part.starts_with('.') {
            return false;
        }
        if parts.peek().is_none() && (part.starts_with('_') || part.starts_with('#')) {
            return false;
        }
    }
    true
}

/// `path` relative to `root` with forward slashes, when it is valid UTF-8.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for part in rel.components() {
        parts.push(part.as_os_str().to_str()?);
    }
    Some(parts.join("/"))
}

/// `path` relative to `root` with forward slashes, invalid UTF-8 replaced by `�`.
fn relative_lossy(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks `root` in sorted order.
pub fn walk(root: &Path) -> Result<Walk> {
    let meta = std::fs::metadata(root).map_err(|_| Error::ContentNotFound(root.to_path_buf()))?;
    if !meta.is_dir() {
        return Err(Error::ContentNotFound(root.to_path_buf()));
    }
    let mut out = Walk::default();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|name| name.starts_with('.'))
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let rel = err
                    .path()
                    .and_then(|p| relative(root, p))
                    .unwrap_or_else(|| ".".to_string());
                out.skipped.push(
                    Diagnostic::new(Code::Unreadable, &rel, 1, 1, format!("cannot read: {err}"))
                        .with_hint("check the folder's permissions"),
                );
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        let Some(rel) = relative(root, entry.path()) else {
            // Only a name that would be a write-up is worth a report: an image or a
            // backup file with an odd name is none of erfa's business.
            let shown = relative_lossy(root, entry.path());
            if is_writeup_path(&shown) {
                out.skipped.push(
                    Diagnostic::new(
                        Code::BadFileName,
                        &shown,
                        1,
                        1,
                        "file name is not valid UTF-8; skipped",
                    )
                    .with_hint("rename the file using UTF-8 characters"),
                );
            }
            continue;
        };
        if !is_writeup_path(&rel) {
            continue;
        }
        if file_type.is_symlink() {
            out.skipped.push(
                Diagnostic::new(Code::Symlink, &rel, 1, 1, "symbolic link; skipped")
                    .with_hint("erfa reads only regular files inside the content folder; copy or move the file here"),
            );
            continue;
        }
        if !file_type.is_file() {
            out.skipped.push(
                Diagnostic::new(Code::NotAFile, &rel, 1, 1, "not a regular file; skipped")
                    .with_hint("write-ups are regular Markdown files"),
            );
            continue;
        }
        out.files.push(SourceFile {
            rel,
            abs: entry.into_path(),
        });
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// Reads a write-up's bytes, refusing what is too large or not a regular file.
///
/// Returns a diagnostic (not an error) for problems with this one file: the caller goes
/// on with the others.
pub fn read(file: &SourceFile) -> std::result::Result<Vec<u8>, Diagnostic> {
    let rel = &file.rel;
    let meta = std::fs::symlink_metadata(&file.abs)
        .map_err(|e| Diagnostic::new(Code::Unreadable, rel, 1, 1, format!("cannot read: {e}")))?;
    if !meta.file_type().is_file() {
        return Err(Diagnostic::new(
            Code::NotAFile,
            rel,
            1,
            1,
            "not a regular file; skipped",
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(rel, meta.len()));
    }
    let handle = File::open(&file.abs)
        .map_err(|e| Diagnostic::new(Code::Unreadable, rel, 1, 1, format!("cannot read: {e}")))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    handle
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::new(Code::Unreadable, rel, 1, 1, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(rel, bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(rel: &str, len: u64) -> Diagnostic {
    Diagnostic::new(
        Code::FileTooLarge,
        rel,
        1,
        1,
        format!(
            "file is {:.1} MiB; write-ups may be at most {} MiB",
            len as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
    .with_hint("split it, or move attachments next to it")
}

/// The bytes as text, or a diagnostic naming the line of the first bad byte.
pub fn decode<'a>(rel: &str, bytes: &'a [u8]) -> std::result::Result<&'a str, Diagnostic> {
    // UTF-16 text is full of NUL bytes; name the encoding rather than call it binary.
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(
            Diagnostic::new(Code::Utf16, rel, 1, 1, "file is UTF-16, not UTF-8")
                .with_hint("the file looks like UTF-16; save it as UTF-8"),
        );
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(Diagnostic::new(
            Code::Binary,
            rel,
            line,
            1,
            "file contains NUL bytes; it looks binary",
        )
        .with_hint("write-ups are UTF-8 text files"));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        Diagnostic::new(Code::InvalidUtf8, rel, line, column, "invalid UTF-8")
            .with_hint("save the file as UTF-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writeup_paths() {
        assert!(is_writeup_path("change/cab.md"));
        assert!(is_writeup_path("top.md"));
        assert!(!is_writeup_path("change/cab.MD.bak"));
        assert!(!is_writeup_path(".git/x.md"));
        assert!(!is_writeup_path("change/.#cab.md"));
        assert!(!is_writeup_path("_template.md"));
        assert!(is_writeup_path("_drafts-folder/x.md"));
        assert!(!is_writeup_path("notes.txt"));
    }

    #[test]
    fn decode_names_the_line_of_the_bad_byte() {
        let d = decode("x.md", b"ok\nstill ok\nbad \xff here").unwrap_err();
        assert_eq!((d.line, d.column), (3, 5));
        assert_eq!(decode("x.md", b"a\n\0").unwrap_err().line, 2);
        assert!(decode("x.md", b"\xff\xfeh\0i").is_err());
    }

    #[test]
    fn walk_skips_what_is_not_a_writeup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/.git")).expect("mkdir");
        std::fs::write(root.join("b/z.md"), "x").expect("write");
        std::fs::write(root.join("a.md"), "x").expect("write");
        std::fs::write(root.join("b/.git/c.md"), "x").expect("write");
        std::fs::write(root.join("_glossary.yaml"), "x").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a.md", root.join("link.md")).expect("symlink");
            std::os::unix::fs::symlink("nowhere", root.join(".#lock.md")).expect("symlink");
        }
        let walk = walk(root).expect("walk");
        let rels: Vec<_> = walk.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.md", "b/z.md"]);
        #[cfg(unix)]
        assert_eq!(walk.skipped.len(), 1, "{:?}", walk.skipped);
    }
}
