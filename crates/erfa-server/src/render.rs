//! Markdown to safe HTML: pulldown-cmark renders, then `ammonia` sanitises as the very
//! last step, so nothing added afterwards can undo it.
//!
//! pulldown-cmark passes raw HTML through and keeps `javascript:` links; it is not meant
//! to be XSS-safe on its own. The sanitiser is an allow-list on a real HTML parser: no
//! script or style, no event handlers, only `http`, `https` and `mailto` URLs (so no
//! `javascript:`, `vbscript:` or `data:` in any spelling), no SVG or MathML (mXSS), no
//! `<base>`, forms, frames or `<meta>`. Links get `rel="noopener noreferrer"`.
//!
//! Relative URLs are rewritten inside the sanitiser: an image next to the write-up
//! (`![](diagram.png)` in `content/change/cab.md`) is served at
//! `/w/change/cab/diagram.png`, with the write-up's visibility, and a link to another
//! write-up's file (`other.md`) goes to its page.
//!
//! HTML put together by hand (a snippet, the share form's preview) escapes its text with
//! [`escape`], the one escaping helper.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use ammonia::{Builder, UrlRelative};
use erfa_index::markdown::Section;
use percent_encoding::percent_decode_str;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

/// Where a write-up lives, for rewriting its relative URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The write-up's slug, e.g. `change/cab`.
    pub slug: String,
    /// Its folder relative to the content root, e.g. `change` (empty at the root).
    pub dir: String,
}

impl Base {
    /// The base of the write-up at `path` (relative to the content root) with `slug`.
    pub fn new(slug: &str, path: &str) -> Base {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
        Base {
            slug: slug.to_string(),
            dir,
        }
    }

    /// Where a relative URL of the write-up points, or `None` to drop it (it leaves the
    /// content folder). URLs that start with `/`, `#` or `?` are kept as they are, which
    /// also makes sanitising twice give the same result.
    pub fn rewrite(&self, url: &str) -> Option<String> {
        if url.starts_with(['/', '#', '?']) {
            return Some(url.to_string());
        }
        let (path, fragment) = match url.find(['#', '?']) {
            Some(i) => url.split_at(i),
            None => (url, ""),
        };
        let mut parts: Vec<&str> = if self.dir.is_empty() {
            Vec::new()
        } else {
            self.dir.split('/').collect()
        };
        let depth = parts.len();
        for segment in path.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                other => parts.push(other),
            }
        }
        let joined = parts.join("/");
        if joined.to_ascii_lowercase().ends_with(".md") {
            let slug = erfa_index::slug::from_path(&joined);
            return Some(format!("/w/{slug}{fragment}"));
        }
        // An attachment: it must sit in the write-up's folder or below it.
        let inside = parts.len() > depth
            && (self.dir.is_empty() || joined.starts_with(&format!("{}/", self.dir)));
        if !inside {
            return None;
        }
        let rest = &joined[if self.dir.is_empty() {
            0
        } else {
            self.dir.len() + 1
        }..];
        Some(format!("/w/{}/{rest}{fragment}", self.slug))
    }
}

/// A text that makes rendering panic when a write-up contains it: set only by tests, to
/// show what a panic in a handler does (one generic 500, nothing else affected).
#[doc(hidden)]
pub static PANIC_MARKER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Renders a write-up's Markdown body to sanitised HTML.
pub fn writeup_html(markdown: &str, base: &Base) -> String {
    if let Some(marker) = PANIC_MARKER.get()
        && markdown.contains(marker.as_str())
    {
        panic!("injected panic while rendering {}", base.slug);
    }
    let html = markdown_to_unsafe_html(markdown);
    sanitizer(Some(base.clone())).clean(&html).to_string()
}

/// The attachments a write-up's page links to: the paths below `/w/{slug}/` that its
/// rendered HTML points at, percent-decoded, without query or fragment. These, and only
/// these, are served under the write-up's URL (every byte has an owner, docs/SECURITY.md).
pub fn linked_attachments(markdown: &str, base: &Base) -> HashSet<String> {
    let html = markdown_to_unsafe_html(markdown);
    let seen: Seen = Arc::default();
    let mut builder = sanitizer(Some(base.clone()));
    builder.url_relative(UrlRelative::Custom(Box::new(Rewriter(
        Some(base.clone()),
        Some(seen.clone()),
    ))));
    let _ = builder.clean(&html);
    let prefix = format!("/w/{}/", base.slug);
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    seen.iter()
        .filter_map(|url| url.strip_prefix(&prefix))
        .map(|rest| rest.split(['#', '?']).next().unwrap_or_default())
        .filter(|rest| !rest.is_empty())
        .map(|rest| percent_decode_str(rest).decode_utf8_lossy().into_owned())
        .collect()
}

/// URLs a rewriter produced, when someone wants to know.
type Seen = Arc<Mutex<Vec<String>>>;

/// Sanitises HTML with the write-up policy, without a base (relative URLs are dropped).
/// Sanitising erfa's own output again must change nothing: tests check that.
pub fn clean(html: &str) -> String {
    sanitizer(None).clean(html).to_string()
}

/// Text as HTML text content or attribute value: `&`, `<`, `>`, `"` and `'` escaped. The
/// one escaping helper for HTML the server puts together by hand (templates escape their
/// own values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Sanitises HTML with the write-up policy and `base` for relative URLs.
pub fn clean_with_base(html: &str, base: &Base) -> String {
    sanitizer(Some(base.clone())).clean(html).to_string()
}

/// pulldown-cmark's HTML, before sanitising. Headings move down one level (the page title
/// is the only `<h1>`); the lesson and mistake sections get a class for their callout;
/// task list boxes become text (forms are not allowed).
fn markdown_to_unsafe_html(markdown: &str) -> String {
    let events: Vec<Event<'_>> =
        Parser::new_ext(markdown, erfa_index::markdown::options()).collect();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                id,
                classes: _,
                attrs: _,
            }) => {
                let level = demote(*level);
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() {
                    match &events[j] {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    j += 1;
                }
                let classes: Vec<CowStr<'_>> = match Section::from_heading(&text) {
                    Some(Section::Lesson) => vec![CowStr::Borrowed("section-lesson")],
                    Some(Section::Mistake) => vec![CowStr::Borrowed("section-mistake")],
                    _ => Vec::new(),
                };
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: id.clone(),
                    classes,
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(demote(*level))));
            }
            Event::TaskListMarker(done) => {
                out.push(Event::Text(CowStr::Borrowed(if *done {
                    "☑ "
                } else {
                    "☐ "
                })));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, bounded(out).into_iter());
    html
}

/// The deepest nesting of elements kept from Markdown. Deeper ones (`> > > …`, `1. 1. …`)
/// keep their text and lose their element: the sanitiser's HTML parser takes time that
/// grows with the square of the depth, so a page of nothing but `1. ` would take minutes.
const MAX_NESTING: usize = 32;

/// The most raw HTML tags (`<` in raw HTML) kept as HTML in one write-up; later raw HTML
/// is shown as text. Raw HTML nests just as deeply (`<div>` × 200,000), inside one event.
const MAX_RAW_HTML_TAGS: usize = 1000;

/// Bounds the HTML a write-up makes for the sanitiser: nesting at most [`MAX_NESTING`]
/// deep, at most [`MAX_RAW_HTML_TAGS`] raw tags. Every written-out page stays linear in
/// its size (docs/RELIABILITY.md, A5).
fn bounded(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut raw_tags = 0;
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Start(tag) => {
                let keep = depth < MAX_NESTING;
                kept.push(keep);
                if keep {
                    depth += 1;
                    out.push(Event::Start(tag));
                }
            }
            Event::End(tag) => {
                if kept.pop().unwrap_or(true) {
                    depth = depth.saturating_sub(1);
                    out.push(Event::End(tag));
                }
            }
            Event::Html(text) | Event::InlineHtml(text) => {
                raw_tags += text.matches('<').count();
                if raw_tags > MAX_RAW_HTML_TAGS {
                    out.push(Event::Text(text));
                } else {
                    out.push(Event::InlineHtml(text));
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H2,
        HeadingLevel::H3 => HeadingLevel::H3,
        HeadingLevel::H4 => HeadingLevel::H4,
        HeadingLevel::H5 => HeadingLevel::H5,
        HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Rewrites relative URLs inside the sanitiser: against the write-up's base when there is
/// one; without one only site-absolute URLs and fragments are kept.
struct Rewriter(Option<Base>, Option<Seen>);

impl ammonia::UrlRelativeEvaluate<'static> for Rewriter {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        match &self.0 {
            Some(base) => {
                let rewritten = base.rewrite(url)?;
                if let Some(seen) = &self.1 {
                    seen.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(rewritten.clone());
                }
                Some(Cow::Owned(rewritten))
            }
            None => url
                .starts_with(['/', '#', '?'])
                .then_some(Cow::Borrowed(url)),
        }
    }
}

/// The elements a write-up may contain.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements dropped together with what they contain.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "svg",
    "math",
    "template",
    "textarea",
    "title",
    "xmp",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "iframe",
    "object",
    "select",
];

/// Attributes allowed on particular elements.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("img", &["src", "alt", "width", "height"]),
    ("ol", &["start"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan"]),
    ("time", &["datetime"]),
];

/// The sanitiser policy.
fn sanitizer(base: Option<Base>) -> Builder<'static> {
    let mut builder = Builder::default();
    builder.tags(TAGS.iter().copied().collect());
    builder.clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect());
    builder.generic_attributes(["lang", "title"].into_iter().collect());
    builder.tag_attributes(
        TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
            .collect(),
    );
    let classes: HashSet<&str> = ["section-lesson", "section-mistake"].into_iter().collect();
    builder.allowed_classes(
        ["h2", "h3", "h4", "h5", "h6"]
            .into_iter()
            .map(|h| (h, classes.clone()))
            .collect(),
    );
    builder.url_schemes(["http", "https", "mailto"].into_iter().collect());
    builder.link_rel(Some("noopener noreferrer"));
    builder.strip_comments(true);
    // Images from other sites would leak that a member opened the page (and the CSP
    // blocks them anyway): drop their source, keep the alt text.
    builder.attribute_filter(|element, attribute, value| {
        if element == "img" && attribute == "src" {
            let lower = value.trim_start().to_ascii_lowercase();
            if lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//")
            {
                return None;
            }
        }
        Some(Cow::Borrowed(value))
    });
    builder.url_relative(UrlRelative::Custom(Box::new(Rewriter(base, None))));
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> String {
        writeup_html(md, &Base::new("change/cab", "change/cab.md"))
    }

    #[test]
    fn escape_leaves_no_markup() {
        assert_eq!(
            escape("<a href=\"x\">Tom's & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("æøå ÆØÅ"), "æøå ÆØÅ");
    }

    #[test]
    fn raw_html_and_script_urls_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n[y](JaVaScRiPt&#58;alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    /// Pieces hostile Markdown is made of: raw HTML that runs script, URLs with schemes
    /// that run it, entities that spell them, and the Markdown around them.
    const PIECES: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=//evil>",
        "<style>*{}</style>",
        "<form action=//evil><input>",
        "<details open ontoggle=alert(1)>",
        "<a href=\"javascript:alert(1)\">a</a>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt&#58;alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "![i](vbscript:msgbox)",
        "<math><mi xlink:href=\"javascript:alert(1)\">",
        "<base href=//evil>",
        "<meta http-equiv=refresh>",
        "<object data=x>",
        "<p style=\"background:url(javascript:alert(1))\">",
        "**bold**",
        "`code`",
        "\n\n",
        "\n# ",
        "\n> ",
        "\n- ",
        "```\n",
        "<",
        ">",
        "\"",
        "'",
        "&",
        "=",
        " ",
        "text",
        "[a](diagram.png)",
        "<a href=\"../../etc/passwd\">p</a>",
    ];

    proptest::proptest! {
        // 256 cases in the suite; `PROPTEST_CASES=100000` for a long run (docs/BENCHMARKS.md).
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
        ))]

        #[test]
        fn hostile_markdown_renders_to_html_that_runs_nothing_and_cleans_to_itself(
            picks in proptest::collection::vec(0..PIECES.len(), 1..24)
        ) {
            let markdown: String = picks.iter().map(|&i| PIECES[i]).collect();
            let base = Base::new("change/cab", "change/cab.md");
            let html = writeup_html(&markdown, &base);
            proptest::prop_assert_eq!(clean_with_base(&html, &base), html.clone());
            // Inside every tag: no element that runs or loads anything, no event handler,
            // no style, no URL with a scheme that runs script. (Text between tags may say
            // anything: it is text.)
            for segment in html.to_lowercase().split('<').skip(1) {
                let tag = segment.split('>').next().unwrap_or_default();
                let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or_default();
                proptest::prop_assert!(
                    !["script", "iframe", "svg", "style", "form", "input", "object", "base", "meta", "math"]
                        .contains(&name),
                    "<{}> in {}", name, html
                );
                for attribute in tag.split_whitespace().skip(1) {
                    proptest::prop_assert!(
                        !attribute.starts_with("on") && !attribute.starts_with("style"),
                        "{} in {}", attribute, html
                    );
                }
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    proptest::prop_assert!(!tag.contains(scheme), "{} in {}", scheme, html);
                }
            }
        }
    }

    #[test]
    fn headings_are_demoted_and_sections_marked() {
        let html = render("# Top\n\n## Mistake to avoid\n\nText.\n");
        assert!(html.contains("<h2>Top</h2>"), "{html}");
        assert!(
            html.contains("<h2 class=\"section-mistake\">Mistake to avoid</h2>"),
            "{html}"
        );
    }

    #[test]
    fn relative_urls_point_at_attachments_and_pages() {
        let base = Base::new("change/cab", "change/cab.md");
        assert_eq!(
            base.rewrite("diagram.png").as_deref(),
            Some("/w/change/cab/diagram.png")
        );
        assert_eq!(
            base.rewrite("./img/a.png").as_deref(),
            Some("/w/change/cab/img/a.png")
        );
        assert_eq!(
            base.rewrite("../incident/Swarming.md#x").as_deref(),
            Some("/w/incident/swarming#x")
        );
        assert_eq!(base.rewrite("../../etc/passwd"), None);
        assert_eq!(base.rewrite("../other/a.png"), None);
        assert_eq!(base.rewrite("/w/x").as_deref(), Some("/w/x"));
        let root = Base::new("cab", "cab.md");
        assert_eq!(root.rewrite("a.png").as_deref(), Some("/w/cab/a.png"));
    }

    #[test]
    fn links_get_rel_and_sanitising_twice_changes_nothing() {
        let html = render(
            "[ext](https://example.org) ![d](diagram.png) ![e](https://example.org/x.png)\n\n- [ ] todo\n- [x] done\n",
        );
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
        assert!(html.contains("src=\"/w/change/cab/diagram.png\""), "{html}");
        assert!(!html.contains("example.org/x.png"), "{html}");
        assert!(html.contains("☐ todo"), "{html}");
        assert_eq!(clean(&html), html);
    }
}
