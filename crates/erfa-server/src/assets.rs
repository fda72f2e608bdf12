//! Static assets, embedded in the binary: the stylesheet, one small script for progressive
//! enhancement, and the icon. Their URLs carry a content hash, so browsers may keep them
//! for a year; a new build gets new URLs.

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const ICON: &str = include_str!("../static/icon.svg");

/// Where the assets are served: `/static/{name}`.
pub(crate) const PREFIX: &str = "/static/";

/// One embedded file.
#[derive(Debug)]
pub(crate) struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
    pub etag: String,
}

/// The embedded files and their hashes.
#[derive(Debug)]
pub(crate) struct Assets {
    files: Vec<Asset>,
}

impl Assets {
    pub fn new() -> Assets {
        let make = |name, content_type, body: &'static str| Asset {
            name,
            content_type,
            body,
            etag: blake3::hash(body.as_bytes()).to_hex()[..16].to_string(),
        };
        Assets {
            files: vec![
                make("app.css", "text/css; charset=utf-8", CSS),
                make("app.js", "text/javascript; charset=utf-8", JS),
                make("icon.svg", "image/svg+xml", ICON),
            ],
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Asset> {
        self.files.iter().find(|a| a.name == name)
    }

    /// The URL of an asset, with its hash so that caches never serve a stale copy.
    pub fn url(&self, name: &str) -> String {
        match self.get(name) {
            Some(asset) => format!("{PREFIX}{}?v={}", asset.name, asset.etag),
            None => format!("{PREFIX}{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CSS;

    /// Every block of the style sheet is closed, and only `@media` blocks hold others: an
    /// unclosed block would silently move every later rule into it.
    #[test]
    fn the_style_sheet_nests_only_inside_media_queries_and_page_rules() {
        // Comments out first: they may hold anything.
        let mut css = String::new();
        let mut rest = CSS;
        while let Some(start) = rest.find("/*") {
            css.push_str(&rest[..start]);
            let end = rest[start..].find("*/").expect("a closed comment");
            rest = &rest[start + end + 2..];
        }
        css.push_str(rest);
        let mut depth = 0usize;
        let mut opened_by_media = Vec::new();
        let mut selector = String::new();
        for c in css.chars() {
            match c {
                '{' => {
                    // `@page` holds its margin boxes (`@bottom-right { … }`).
                    let is_media = ["@media", "@page"]
                        .iter()
                        .any(|at| selector.trim_start().starts_with(at));
                    assert!(
                        depth == 0 || (depth == 1 && opened_by_media == [true]),
                        "a block inside a rule: {}",
                        selector.trim()
                    );
                    opened_by_media.push(is_media);
                    depth += 1;
                    selector.clear();
                }
                '}' => {
                    assert!(depth > 0, "a `}}` without its `{{`");
                    depth -= 1;
                    opened_by_media.pop();
                    selector.clear();
                }
                ';' => selector.clear(),
                _ => selector.push(c),
            }
        }
        assert_eq!(depth, 0, "{depth} block(s) left open");
    }
}
