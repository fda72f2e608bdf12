//! Write-ups: the write-up page and the write-up API, and what both share: loading a
//! write-up for a viewer (the stored record, its rendered body, and every link to another
//! write-up that the viewer may read). Links to write-ups the viewer may not read are left
//! out, so their slugs never leak.
//!
//! Also attachments: files next to a write-up in `content/` that its Markdown links to,
//! served with its visibility and only under its URL.

pub(crate) mod api;
mod own;
mod page;

use std::path::{Component, Path};

use erfa_index::{LinkedBy, Scope, Stored};

use crate::access::Access;
use crate::error::AppError;
use crate::render::{self, Base};
use crate::route::Route;
use crate::state::AppState;

/// The routes of write-ups.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/w/{*slug}",
            Access::Public,
            "A write-up, its attachments, alias redirects",
            page::writeup_page,
        ),
        Route::get(
            "/api/writeups/{*slug}",
            Access::Public,
            "A write-up as JSON, or `…/related`",
            api::writeup,
        ),
    ]
}

/// Another write-up, as a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub slug: String,
    pub title: String,
    pub language: String,
}

/// A write-up ready to show.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub stored: Stored,
    pub html: String,
    pub translation_of: Option<Link>,
    pub translations: Vec<Link>,
    pub related: Vec<Link>,
    pub supersedes: Vec<Link>,
    pub superseded_by: Vec<Link>,
    pub duplicate_of: Option<Link>,
    /// Old slugs that redirect here, less those that name a write-up of their own that
    /// the viewer may not read (a merged draft's slug is made from its title).
    pub aliases: Vec<String>,
}

/// What a slug names for a viewer.
#[derive(Debug)]
pub(crate) enum Lookup {
    Found(Box<Loaded>),
    /// An alias (or another spelling) of this current slug.
    Moved(String),
    Missing,
}

fn link(state: &AppState, slug: &str, scope: Scope) -> Result<Option<Link>, AppError> {
    Ok(state.engine.get(slug, scope)?.map(|s| Link {
        slug: s.record.slug,
        title: s.record.front.title,
        language: s.record.language.as_str().to_string(),
    }))
}

fn links(state: &AppState, slugs: &[String], scope: Scope) -> Result<Vec<Link>, AppError> {
    let mut out: Vec<Link> = Vec::new();
    for slug in slugs {
        if let Some(l) = link(state, slug, scope)?
            && !out.contains(&l)
        {
            out.push(l);
        }
    }
    Ok(out)
}

/// Loads `slug` for `scope`. Blocking.
pub(crate) fn load(state: &AppState, slug: &str, scope: Scope) -> Result<Lookup, AppError> {
    let Some(stored) = state.engine.get(slug, scope)? else {
        let wanted = slug.trim_matches('/').to_lowercase();
        // A slug that names a write-up of its own is never an alias for viewers who may
        // not read that write-up: it stays "not found", as for a slug that does not exist,
        // so an alias cannot reveal that a members-only or unpublished write-up exists.
        let alias = match state
            .engine
            .linked(LinkedBy::Alias, &wanted)?
            .into_iter()
            .next()
        {
            Some(target) if state.engine.get(&wanted, Scope::Facilitator)?.is_none() => {
                Some(target)
            }
            _ => None,
        };
        let target = alias.or_else(|| {
            let normal = erfa_index::slug::from_path(&wanted);
            (normal != slug).then_some(normal)
        });
        if let Some(target) = target
            && target != slug
            && state.engine.get(&target, scope)?.is_some()
        {
            return Ok(Lookup::Moved(target));
        }
        return Ok(Lookup::Missing);
    };
    let front = &stored.record.front;
    // A write-up merged into another (its `duplicate_of` lists this slug among its
    // aliases) redirects there, as long as the viewer may read the kept one.
    if let Some(kept) = &front.duplicate_of
        && state
            .engine
            .linked(LinkedBy::Alias, &stored.record.slug)?
            .first()
            == Some(kept)
        && state.engine.get(kept, scope)?.is_some()
    {
        return Ok(Lookup::Moved(kept.clone()));
    }
    let base = Base::new(&stored.record.slug, &stored.record.path);
    let html = render::writeup_html(&stored.markdown, &base);
    let translation_of = match &front.translation_of {
        Some(other) => link(state, other, scope)?,
        None => None,
    };
    let translations = links(
        state,
        &state
            .engine
            .linked(LinkedBy::TranslationOf, &stored.record.slug)?,
        scope,
    )?;
    let related = links(state, &front.related, scope)?;
    let supersedes = links(state, &front.supersedes, scope)?;
    let superseded_by = links(
        state,
        &state
            .engine
            .linked(LinkedBy::Supersedes, &stored.record.slug)?,
        scope,
    )?;
    let duplicate_of = match &front.duplicate_of {
        Some(other) => link(state, other, scope)?,
        None => None,
    };
    let mut aliases = Vec::new();
    for alias in &front.aliases {
        if state.engine.get(alias, Scope::Facilitator)?.is_none()
            || state.engine.get(alias, scope)?.is_some()
        {
            aliases.push(alias.clone());
        }
    }
    Ok(Lookup::Found(Box::new(Loaded {
        stored,
        html,
        translation_of,
        translations,
        related,
        supersedes,
        superseded_by,
        duplicate_of,
        aliases,
    })))
}

/// The content types of attachments erfa serves, by extension. Nothing that a browser
/// would run (HTML, SVG, XML) is on the list, and Markdown sources never are.
fn attachment_type(name: &str) -> Option<(&'static str, bool)> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    // (content type, shown inline)
    Some(match ext.as_str() {
        "png" => ("image/png", true),
        "jpg" | "jpeg" => ("image/jpeg", true),
        "gif" => ("image/gif", true),
        "webp" => ("image/webp", true),
        "avif" => ("image/avif", true),
        "pdf" => ("application/pdf", false),
        "txt" | "log" => ("text/plain; charset=utf-8", false),
        "csv" => ("text/csv; charset=utf-8", false),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            false,
        ),
        "docx" => (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            false,
        ),
        "pptx" => (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            false,
        ),
        _ => return None,
    })
}

/// An attachment found for a request.
#[derive(Debug)]
pub(crate) struct Attachment {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub inline: bool,
    pub file_name: String,
}

/// The largest attachment served.
const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

/// Whether a path under `/w/` looks like an attachment (its last segment has a dot).
pub(crate) fn looks_like_attachment(rest: &str) -> bool {
    rest.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// The attachment at `/w/{rest}` for `scope`: `rest` is a readable write-up's slug
/// followed by a path inside that write-up's folder, and that write-up's Markdown links
/// to the file. A file no readable write-up links to is never served, whatever folder it
/// sits in (docs/SECURITY.md, "every byte has an owner"). Blocking.
pub(crate) fn attachment(
    state: &AppState,
    rest: &str,
    scope: Scope,
) -> Result<Option<Attachment>, AppError> {
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| !safe_segment(s)) {
        return Ok(None);
    }
    let Some(last) = segments.last() else {
        return Ok(None);
    };
    let Some((content_type, inline)) = attachment_type(last) else {
        return Ok(None);
    };
    // A prefix that is a write-up this viewer may read, and that links to the file,
    // owns it; the longest such prefix wins.
    for split in (1..segments.len()).rev() {
        let slug = segments[..split].join("/");
        let Some(stored) = state.engine.get(&slug, scope)? else {
            continue;
        };
        let base = Base::new(&stored.record.slug, &stored.record.path);
        if !render::linked_attachments(&stored.markdown, &base)
            .contains(&segments[split..].join("/"))
        {
            continue;
        }
        let dir = stored
            .record
            .path
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir)
            .to_string();
        let mut path = state.config.content_dir.join(&dir);
        for segment in &segments[split..] {
            path.push(segment);
        }
        if let Some(bytes) = read_inside(&state.config.content_dir, &path)? {
            return Ok(Some(Attachment {
                bytes,
                content_type,
                inline,
                file_name: (*last).to_string(),
            }));
        }
    }
    Ok(None)
}

fn safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && !segment.starts_with('.')
        && !segment.contains(['\\', '\0', ':'])
        && Path::new(segment)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Reads `path` when it is a regular file inside `root` after resolving symbolic links.
fn read_inside(root: &Path, path: &Path) -> Result<Option<Vec<u8>>, AppError> {
    let Ok(root) = root.canonicalize() else {
        return Ok(None);
    };
    let Ok(real) = path.canonicalize() else {
        return Ok(None);
    };
    if !real.starts_with(&root) {
        return Ok(None);
    }
    let Ok(meta) = std::fs::metadata(&real) else {
        return Ok(None);
    };
    if !meta.is_file() || meta.len() > MAX_ATTACHMENT_BYTES {
        return Ok(None);
    }
    if real
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
    {
        return Ok(None);
    }
    match std::fs::read(&real) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) => Err(AppError::internal(format!("reading an attachment: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_segments_are_refused() {
        for bad in ["", ".", "..", ".git", "a\\b", "c:", "x\0"] {
            assert!(!safe_segment(bad), "{bad:?}");
        }
        assert!(safe_segment("diagram.png"));
    }

    #[test]
    fn only_listed_types_are_attachments() {
        assert_eq!(attachment_type("a.PNG"), Some(("image/png", true)));
        assert_eq!(attachment_type("a.md"), None);
        assert_eq!(attachment_type("a.svg"), None);
        assert_eq!(attachment_type("a.html"), None);
        assert_eq!(attachment_type("noext"), None);
    }
}
