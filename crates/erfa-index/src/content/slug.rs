//! Slugs: a write-up's path relative to `content/`, without `.md`, as a URL-safe name.

/// The slug for a path relative to the content root (forward slashes), e.g.
/// `Change/CAB kopieret.md` → `change/cab-kopieret`.
///
/// Lower-cased; æ, ø, å become ae, oe, aa; other characters outside `[a-z0-9-/]` become
/// `-`; runs of `-` collapse and `-` is trimmed from each path segment.
pub fn from_path(rel_path: &str) -> String {
    let stem = rel_path.strip_suffix(".md").unwrap_or(rel_path);
    stem.split('/')
        .map(segment)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// A tag as the index files it: lower-cased, white space and `_` as `-`, runs of `-`
/// made one and trimmed, other characters kept (`Change Freeze` → `change-freeze`,
/// `CMDB` → `cmdb`, `hændelse` stays). Spellings of one tag filter and count as one; pages
/// show the most common spelling.
pub fn tag(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.trim().chars().flat_map(char::to_lowercase) {
        if ch.is_whitespace() || ch == '_' || ch == '-' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(ch);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// One path segment as a slug: no `/`.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match ch {
            'a'..='z' | '0'..='9' => out.push(ch),
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            'ó' | 'ò' | 'ô' => out.push('o'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ú' | 'ù' | 'û' => out.push('u'),
            'ß' => out.push_str("ss"),
            _ => {
                if !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_tag_s_spellings_share_one_key() {
        for (spelling, key) in [
            ("CMDB", "cmdb"),
            ("Change Freeze", "change-freeze"),
            ("change_freeze", "change-freeze"),
            ("  change -- freeze ", "change-freeze"),
            ("Hændelse", "hændelse"),
            ("ISO 27001", "iso-27001"),
            ("", ""),
        ] {
            assert_eq!(tag(spelling), key, "{spelling:?}");
        }
    }

    use super::*;

    #[test]
    fn slug_examples_from_the_format() {
        assert_eq!(from_path("change/cab-copied.md"), "change/cab-copied");
        assert_eq!(from_path("Change/CAB Kopieret.md"), "change/cab-kopieret");
        assert_eq!(
            from_path("hændelser/nedbrud på løn.md"),
            "haendelser/nedbrud-paa-loen"
        );
        assert_eq!(from_path("a/b_c  d!.md"), "a/b-c-d");
        assert_eq!(from_path("top.md"), "top");
    }

    #[test]
    fn slug_has_only_safe_characters() {
        for input in ["../../x.md", "€€€.md", "🙂/x.md", "a//b.md", "-a-/-b-.md"] {
            let slug = from_path(input);
            assert!(
                slug.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/'),
                "{input} -> {slug}"
            );
            assert!(!slug.contains("//") && !slug.starts_with('/'), "{slug}");
        }
    }
}
