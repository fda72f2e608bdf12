//! The whole content folder at once: every file read, parsed and checked, slug
//! collisions found. Used by `erfa check` and by the indexer.

use std::collections::HashMap;
use std::path::Path;

use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::document::{Document, Parsed, content_hash};
use crate::content::health;
use crate::content::slug;
use crate::content::source::{self, SourceFile};
use crate::error::Result;

/// A file the walk found, with its slug and whether an earlier file already has that slug.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file.
    pub file: SourceFile,
    /// Its slug.
    pub slug: String,
    /// The path of an earlier file (in sorted order) with the same slug.
    pub slug_taken_by: Option<String>,
}

/// The walk of a content folder, with slugs assigned.
#[derive(Debug, Default)]
pub struct Listing {
    /// Write-up files in sorted order.
    pub entries: Vec<Entry>,
    /// Entries the walk skipped, as diagnostics.
    pub skipped: Vec<Diagnostic>,
}

/// Walks `root` and assigns slugs; the first file in sorted order keeps a contested slug.
pub fn list(root: &Path) -> Result<Listing> {
    let walk = source::walk(root)?;
    let mut entries: Vec<Entry> = walk
        .files
        .into_iter()
        .map(|file| Entry {
            slug: slug::from_path(&file.rel),
            file,
            slug_taken_by: None,
        })
        .collect();
    // Which earlier entry has each slug, by index: the listing of a large folder stays
    // one copy of each path and slug.
    let mut first_with_slug: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if let Some(&first) = first_with_slug.get(entry.slug.as_str()) {
            taken.push((i, first));
        } else {
            first_with_slug.insert(&entry.slug, i);
        }
    }
    drop(first_with_slug);
    for (i, first) in taken {
        entries[i].slug_taken_by = Some(entries[first].file.rel.clone());
    }
    Ok(Listing {
        entries,
        skipped: walk.skipped,
    })
}

/// The diagnostic for a slug collision.
pub fn slug_collision(entry: &Entry, first: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateSlug,
        &entry.file.rel,
        1,
        1,
        format!("slug `{}` is already used by `{first}`", entry.slug),
    )
    .with_hint("rename one of the two files; their URLs would be the same")
}

/// Reads and parses one entry: the parse outcome, and the hash of the bytes.
pub fn load(entry: &Entry) -> (Parsed, Option<String>) {
    let rel = &entry.file.rel;
    let bytes = match source::read(&entry.file) {
        Ok(bytes) => bytes,
        Err(d) => {
            return (
                Parsed {
                    document: None,
                    diagnostics: vec![d],
                },
                None,
            );
        }
    };
    let hash = content_hash(&bytes);
    let text = match source::decode(rel, &bytes) {
        Ok(text) => text,
        Err(d) => {
            return (
                Parsed {
                    document: None,
                    diagnostics: vec![d],
                },
                Some(hash),
            );
        }
    };
    let mut parsed = Document::parse(rel, text);
    if let Some(first) = &entry.slug_taken_by {
        parsed.document = None;
        parsed.diagnostics.insert(0, slug_collision(entry, first));
    }
    (parsed, Some(hash))
}

/// Everything `erfa check` reports about a content folder.
#[derive(Debug, Default)]
pub struct Check {
    /// The valid write-ups.
    pub documents: Vec<Document>,
    /// All diagnostics, file by file in sorted order.
    pub diagnostics: Vec<Diagnostic>,
    /// Files looked at.
    pub files: usize,
    /// Whether the folder has a meetings list (`_meetings.yaml`).
    pub meetings_listed: bool,
}

impl Check {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Reads, parses and checks every write-up under `root`; never stops at the first problem.
pub fn check(root: &Path) -> Result<Check> {
    let listing = list(root)?;
    let mut out = Check {
        diagnostics: listing.skipped,
        files: listing.entries.len(),
        ..Check::default()
    };
    out.diagnostics
        .extend(crate::content::glossary::Glossary::load(root).diagnostics);
    out.diagnostics
        .extend(crate::content::compounds::load(root).diagnostics);
    for entry in &listing.entries {
        let (parsed, _) = load(entry);
        out.diagnostics.extend(parsed.diagnostics);
        if let Some(doc) = parsed.document {
            out.documents.push(doc);
        }
    }
    out.diagnostics.extend(near_duplicates(&out.documents));
    out.diagnostics
        .extend(unknown_duplicates(root, &out.documents));
    let meetings = crate::content::meetings::Meetings::load(root);
    out.diagnostics.extend(meetings.diagnostics);
    if let Some(list) = &meetings.meetings {
        out.diagnostics
            .extend(list.unknown_in(root, &out.documents));
    }
    out.meetings_listed = meetings.meetings.is_some();
    out.diagnostics.sort_by(|a, b| {
        (a.path.as_str(), a.line, a.column).cmp(&(b.path.as_str(), b.line, b.column))
    });
    Ok(out)
}

/// A warning for each `duplicate_of` that names neither the slug nor an alias of a valid
/// write-up (leading and trailing `/` ignored), at its line (read from `root`).
pub fn unknown_duplicates(root: &Path, documents: &[Document]) -> Vec<Diagnostic> {
    let known: std::collections::HashSet<&str> = documents
        .iter()
        .flat_map(|d| {
            std::iter::once(d.slug.as_str())
                .chain(d.front.aliases.iter().map(|a| a.trim_matches('/')))
        })
        .collect();
    documents
        .iter()
        .filter_map(|d| {
            let target = d.front.duplicate_of.as_deref()?.trim_matches('/');
            if known.contains(target) {
                return None;
            }
            let line = std::fs::read_to_string(root.join(&d.path))
                .ok()
                .and_then(|text| {
                    text.lines()
                        .take(d.markdown_line.max(1))
                        .position(|l| l.starts_with("duplicate_of:"))
                })
                .map_or(1, |i| i + 1);
            Some(
                Diagnostic::new(
                    Code::UnknownDuplicate,
                    &d.path,
                    line,
                    1,
                    format!("`duplicate_of: {target}` names no write-up"),
                )
                .with_hint("name the slug of the write-up this one duplicates, or remove the line"),
            )
        })
        .collect()
}

/// A warning on the later of each pair of write-ups that share most of their text
/// ("looks like content/x.md — extend it instead?"). Translations of each other are not
/// duplicates; the pairs are content health's ([`health::similar_pairs`]).
pub fn near_duplicates(documents: &[Document]) -> Vec<Diagnostic> {
    health::similar_pairs(documents)
        .into_iter()
        .map(|(a, b, _)| {
            let (first, later) = (&documents[a], &documents[b]);
            Diagnostic::new(
                Code::NearDuplicate,
                &later.path,
                1,
                1,
                format!("looks like `{}`", first.path),
            )
            .with_hint("extend that write-up instead, or make the difference clear")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_are_warned_about_once_and_translations_are_not() {
        let body = "## Lesson learned\n\nWe copied the change advisory board of a large bank and it did not fit our small municipality at all, so we rebuilt it.\n";
        let make = |path: &str, extra: &str| {
            Document::parse(
                path,
                &format!("---\ntitle: CAB\nkind: lesson\ndate: 2022-01-01\n{extra}---\n{body}"),
            )
            .document
            .expect("valid")
        };
        let docs = vec![
            make("a.md", ""),
            make("b.md", ""),
            make("c.md", "translation_of: a\n"),
        ];
        let warnings = near_duplicates(&docs);
        let lines: Vec<String> = warnings.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "b.md:1:1: warning: looks like `a.md` (extend that write-up instead, or make the difference clear)",
                "c.md:1:1: warning: looks like `b.md` (extend that write-up instead, or make the difference clear)",
            ]
        );
    }
}

#[cfg(test)]
mod content_rules {
    use super::*;

    #[test]
    fn duplicates_of_nothing_validated_drafts_and_public_organisations_are_warned_about() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, extra: &str| {
            std::fs::write(
                dir.path().join(name),
                format!(
                    "---\ntitle: T {name}\nkind: practice\ndate: 2024-01-01\n{extra}---\nBody.\n"
                ),
            )
            .expect("write");
        };
        write("kept.md", "aliases: [old-name]\n");
        write("a.md", "duplicate_of: kept\n");
        write("b.md", "duplicate_of: /old-name/\n");
        write("c.md", "duplicate_of: gone\n");
        write("d.md", "status: draft\nconfidence: validated\n");
        write("e.md", "confidence: validated\n");
        write("f.md", "visibility: public\norganisation: Kommune\n");
        write("g.md", "organisation: Kommune\n");
        let check = check(dir.path()).expect("check");
        let lines: Vec<String> = check
            .diagnostics
            .iter()
            .filter(|d| {
                matches!(
                    d.code,
                    Code::UnknownDuplicate | Code::UnpublishedValidated | Code::PublicOrganisation
                )
            })
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            lines,
            [
                "c.md:5:1: warning: `duplicate_of: gone` names no write-up (name the slug of the write-up this one duplicates, or remove the line)",
                "d.md:6:1: warning: `confidence: validated` on a write-up in `status: draft` (validate it once it is published: remove the line until then)",
                "f.md:6:1: warning: `organisation` on a public write-up (anonymous visitors never see it, but every member does; remove it if the organisation should stay unnamed)",
            ]
        );
        assert_eq!(check.errors(), 0, "warnings only: all are indexed");
        assert_eq!(check.documents.len(), 8);
    }
}
