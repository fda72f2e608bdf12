//! What searches share: their parameters as the search page and the JSON API read them,
//! the search page's URL for them, and a hit as the JSON API shows it, with its snippet
//! as HTML.

use erfa_index::search::Snippet;
use erfa_index::{Hit, Scope, SearchRequest, SectionFilter, Sort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::render::escape;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The highest page number accepted.
pub const MAX_PAGE: usize = 1000;

/// The most values one filter takes at a time (`tags=a&tags=b…`). Every answer repeats
/// the selected values in its links, so without a cap the page would grow with the
/// square of what was asked (docs/SECURITY.md, "every request is bounded").
pub const MAX_FILTER_VALUES: usize = 20;

/// The most filter values of all filters together.
pub const MAX_ALL_FILTER_VALUES: usize = 60;

/// Search parameters, shared by `/api/search`, `/api/facets` and the search page. Every
/// filter may repeat (`tags=a&tags=b`): values of one filter are alternatives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text in Danish or English: "phrases", +word or a AND b to require, -word to
    /// exclude, a OR b for either, field:value.
    #[serde(default)]
    pub q: String,
    /// lesson | mistake | practice.
    #[serde(default)]
    pub kind: Vec<String>,
    /// ITIL 4 practice slugs.
    #[serde(default)]
    pub practices: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// da | en.
    #[serde(default)]
    pub language: Vec<String>,
    /// Years, or ranges such as 2019..2022.
    #[serde(default)]
    pub year: Vec<String>,
    /// public | private | non-profit.
    #[serde(default)]
    pub sector: Vec<String>,
    /// 1-50 | 50-250 | 250-1000 | 1000+.
    #[serde(default)]
    pub org_size: Vec<String>,
    /// ITSM tools.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Meetings, e.g. 2022-Q1.
    #[serde(default)]
    pub meeting: Vec<String>,
    /// validated | not-validated | wip.
    #[serde(default)]
    pub confidence: Vec<String>,
    /// Only the "Lesson learned" or only the "Mistake to avoid" sections: lesson | mistake.
    #[serde(default)]
    pub section: Option<String>,
    /// relevance (default) | newest.
    #[serde(default)]
    pub sort: Option<String>,
    /// Page, from 1.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Hits per page, 1–100 (default 10; larger values are capped at 100).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub per_page: Option<String>,
    /// `last`: the last word typed also matches the words it starts, for search while
    /// typing ("cha" finds "change"); unset, words match whole.
    #[serde(default)]
    pub prefix: Option<String>,
    /// `1`: the words exactly as typed, without typo correction ("search instead for").
    #[serde(default)]
    pub literal: Option<String>,
}

impl SearchParams {
    /// The filters as (facet, values), in the order of `erfa_index::schema::FACETS`.
    pub fn filters(&self) -> Vec<(&'static str, &Vec<String>)> {
        vec![
            ("kind", &self.kind),
            ("practices", &self.practices),
            ("tags", &self.tags),
            ("year", &self.year),
            ("language", &self.language),
            ("sector", &self.sector),
            ("org_size", &self.org_size),
            ("tools", &self.tools),
            ("meeting", &self.meeting),
            ("confidence", &self.confidence),
        ]
    }

    /// Mutable access to a filter's values by facet name.
    pub fn filter_mut(&mut self, facet: &str) -> Option<&mut Vec<String>> {
        Some(match facet {
            "kind" => &mut self.kind,
            "practices" => &mut self.practices,
            "tags" => &mut self.tags,
            "year" => &mut self.year,
            "language" => &mut self.language,
            "sector" => &mut self.sector,
            "org_size" => &mut self.org_size,
            "tools" => &mut self.tools,
            "meeting" => &mut self.meeting,
            "confidence" => &mut self.confidence,
            _ => return None,
        })
    }

    /// These parameters with every value outside a closed list replaced by the value
    /// meant, or dropped when none is close: the search a page offers instead of one it
    /// refused.
    pub(crate) fn corrected(&self) -> SearchParams {
        let mut p = self.clone();
        p.page = None;
        for name in [
            "kind",
            "practices",
            "language",
            "sector",
            "org_size",
            "confidence",
        ] {
            let Some(allowed) = erfa_index::vocab::closed_facet(name) else {
                continue;
            };
            if let Some(values) = p.filter_mut(name) {
                *values = values
                    .iter()
                    .filter_map(|v| {
                        let v = v.trim();
                        if v.is_empty() || allowed.contains(&v) {
                            Some(v.to_string())
                        } else {
                            erfa_index::vocab::closest_value(name, v, &allowed).map(str::to_string)
                        }
                    })
                    .collect();
            }
        }
        let fix = |name: &str, value: &Option<String>, allowed: &[&'static str]| {
            value.as_deref().map(str::trim).and_then(|v| {
                if v.is_empty() || allowed.contains(&v) {
                    Some(v.to_string())
                } else {
                    erfa_index::vocab::closest_value(name, v, allowed).map(str::to_string)
                }
            })
        };
        p.section = fix("section", &self.section, &["all", "lesson", "mistake"]);
        p.sort = fix("sort", &self.sort, &["relevance", "newest"]);
        p.prefix = fix("prefix", &self.prefix, &["last"]);
        p.literal = fix("literal", &self.literal, &["1", "0", "true", "false"]);
        p
    }

    /// Whether the last word is a prefix (`prefix=last`), checked.
    pub fn prefix_last(&self) -> Result<bool, AppError> {
        match self.prefix.as_deref().map(str::trim) {
            None | Some("") => Ok(false),
            Some("last") => Ok(true),
            Some(other) => Err(unknown("prefix", other, &["last"])),
        }
    }

    /// Whether the words are searched exactly as typed (`literal=1`), checked.
    pub fn literal(&self) -> Result<bool, AppError> {
        match self.literal.as_deref().map(str::trim) {
            None | Some("") | Some("0") | Some("false") => Ok(false),
            Some("1") | Some("true") => Ok(true),
            Some(other) => Err(unknown("literal", other, &["1", "0"])),
        }
    }

    /// The section filter, checked.
    pub fn section(&self) -> Result<Option<SectionFilter>, AppError> {
        match self.section.as_deref().map(str::trim) {
            None | Some("") | Some("all") => Ok(None),
            Some("lesson") => Ok(Some(SectionFilter::Lesson)),
            Some("mistake") => Ok(Some(SectionFilter::Mistake)),
            Some(other) => Err(unknown("section", other, &["lesson", "mistake"])),
        }
    }

    /// The sort order, checked.
    pub fn sort(&self) -> Result<Sort, AppError> {
        match self.sort.as_deref().map(str::trim) {
            None | Some("") | Some("relevance") => Ok(Sort::Relevance),
            Some("newest") => Ok(Sort::Newest),
            Some(other) => Err(unknown("sort", other, &["relevance", "newest"])),
        }
    }

    pub(crate) fn number(
        name: &str,
        value: Option<&str>,
        default: usize,
    ) -> Result<usize, AppError> {
        match value.map(str::trim) {
            None | Some("") => Ok(default),
            Some(text) => match text.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(AppError::bad_request(
                    "bad_parameter",
                    format!("{name}: expected a whole number from 1"),
                )),
            },
        }
    }

    /// The page, checked.
    pub fn page(&self) -> Result<usize, AppError> {
        let page = Self::number("page", self.page.as_deref(), 1)?;
        if page > MAX_PAGE {
            return Err(AppError::bad_request(
                "bad_parameter",
                format!("page: expected at most {MAX_PAGE}"),
            ));
        }
        Ok(page)
    }

    /// The page size, checked and capped at 100.
    pub fn per_page(&self) -> Result<usize, AppError> {
        Ok(Self::number("per_page", self.per_page.as_deref(), 10)?
            .min(erfa_index::search::MAX_PER_PAGE))
    }

    /// The search core's request for this viewer.
    pub fn to_request(&self, scope: Scope) -> Result<SearchRequest, AppError> {
        if self.q.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::bad_request(
                "bad_parameter",
                format!("q: expected at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let mut request = SearchRequest::new(self.q.clone(), scope);
        let all: usize = self.filters().iter().map(|(_, v)| v.len()).sum();
        if all > MAX_ALL_FILTER_VALUES {
            return Err(AppError::bad_request(
                "too_many_values",
                format!(
                    "at most {MAX_ALL_FILTER_VALUES} filter values in all (this asked for {all})"
                ),
            ));
        }
        for (name, values) in self.filters() {
            if values.len() > MAX_FILTER_VALUES {
                return Err(AppError::bad_request(
                    "too_many_values",
                    format!(
                        "{name}: at most {MAX_FILTER_VALUES} values at a time (this asked for {})",
                        values.len()
                    ),
                ));
            }
            for value in values {
                let value = value.trim();
                closed_value(name, value)?;
                if !value.is_empty() {
                    request = request.filter(name, value);
                }
            }
        }
        request.section = self.section()?;
        request.sort = self.sort()?;
        request.prefix_last = self.prefix_last()?;
        request.literal = self.literal()?;
        request.page = self.page()?;
        request.per_page = self.per_page()?;
        Ok(request)
    }
}

/// A value outside a closed list: 400, with the value meant when one is close.
fn unknown(name: &str, value: &str, allowed: &[&'static str]) -> AppError {
    let mut message = format!("{name}: unknown value `{value}`");
    if let Some(close) = erfa_index::vocab::closest_value(name, value, allowed) {
        message.push_str(&format!(" (did you mean `{close}`?)"));
    }
    if allowed.len() <= 6 {
        message.push_str(&format!(
            "; expected {}",
            erfa_index::vocab::join_expected(allowed.iter().copied())
        ));
    }
    AppError::bad_request("bad_parameter", message)
}

/// Checks a filter value of a closed list (kind, language, sector, org_size,
/// confidence, practices); the open lists take any value.
fn closed_value(facet: &str, value: &str) -> Result<(), AppError> {
    match erfa_index::vocab::closed_facet(facet) {
        Some(allowed) if !value.is_empty() && !allowed.contains(&value) => {
            Err(unknown(facet, value, &allowed))
        }
        _ => Ok(()),
    }
}

/// The URL of the search page for `params`. Only what differs from the defaults is in it.
pub(crate) fn search_href(params: &SearchParams) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !params.q.trim().is_empty() {
        s.append_pair("q", &params.q);
    }
    for (name, values) in params.filters() {
        for v in values {
            if !v.trim().is_empty() {
                s.append_pair(name, v);
            }
        }
    }
    if let Some(section) = params
        .section
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "all")
    {
        s.append_pair("section", section);
    }
    if let Some(sort) = params
        .sort
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "relevance")
    {
        s.append_pair("sort", sort);
    }
    if let Some(per_page) = params.per_page.as_deref().filter(|s| !s.is_empty()) {
        s.append_pair("per_page", per_page);
    }
    if let Some(prefix) = params.prefix.as_deref().filter(|s| !s.is_empty()) {
        s.append_pair("prefix", prefix);
    }
    if let Some(literal) = params
        .literal
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "0")
    {
        s.append_pair("literal", literal);
    }
    if let Some(page) = params
        .page
        .as_deref()
        .filter(|p| !p.is_empty() && *p != "1")
    {
        s.append_pair("page", page);
    }
    let query = s.finish();
    if query.is_empty() {
        "/".to_string()
    } else {
        format!("/?{query}")
    }
}

/// The search page filtered to `value` of `facet`.
pub(crate) fn filter_link(facet: &str, value: &str) -> String {
    let mut p = SearchParams::default();
    if let Some(values) = p.filter_mut(facet) {
        values.push(value.to_string());
    }
    search_href(&p)
}

/// One search hit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HitJson {
    /// URL name: the write-up is at `/w/{slug}`.
    pub slug: String,
    /// Path relative to the content folder; absent for anonymous viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Title.
    pub title: String,
    /// lesson | mistake | practice.
    pub kind: String,
    /// ITIL 4 practice slugs.
    pub practices: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// `YYYY-MM-DD`, or null when undated.
    pub date: Option<String>,
    /// When it was first published in erfa, `YYYY-MM-DD`; absent when not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// da | en.
    pub language: String,
    /// Summary.
    pub summary: Option<String>,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
    /// The highlighted passage.
    pub snippet: SnippetJson,
    /// `draft`, `review` or `archived`; absent for published write-ups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// The passage of a hit that matched.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnippetJson {
    /// mistake | lesson | summary | body.
    pub section: String,
    /// HTML: text escaped, matches in `<mark>`.
    pub html: String,
}

impl From<Hit> for HitJson {
    fn from(h: Hit) -> Self {
        HitJson {
            slug: h.slug,
            path: h.path,
            title: h.title,
            kind: h.kind.as_str().to_string(),
            practices: h.practices,
            tags: h.tags,
            date: h.date,
            published: h.published,
            language: h.language.as_str().to_string(),
            summary: h.summary,
            score: h.score,
            snippet: SnippetJson {
                section: h.snippet.section.to_string(),
                html: snippet_html(&h.snippet),
            },
            status: h.status.map(|s| s.as_str().to_string()),
        }
    }
}

/// A snippet as HTML: its text escaped, each match in `<mark>`. The search page and
/// `/api/search` both show this.
pub(crate) fn snippet_html(snippet: &Snippet) -> String {
    let text = snippet.text.as_str();
    // `/api/search` keeps the bytes it has always had: in a passage with matches, an
    // apostrophe up to the last word is written `&#x27;`, after it (and in a passage
    // without matches) `&#39;`. Both mean the same to a browser.
    let words_end = if snippet.highlights.is_empty() {
        0
    } else {
        text.char_indices()
            .rfind(|(_, c)| c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8())
    };
    let push_text = |html: &mut String, from: usize, to: usize| {
        let split = words_end.clamp(from, to);
        html.push_str(&escape(&text[from..split]).replace("&#39;", "&#x27;"));
        html.push_str(&escape(&text[split..to]));
    };
    let mut html = String::with_capacity(text.len() + 16 * snippet.highlights.len());
    let mut at = 0;
    for mark in &snippet.highlights {
        // The index promises sorted ranges on character boundaries; anything else is
        // shown as plain text rather than trusted.
        if mark.start < at || mark.start >= mark.end || text.get(mark.clone()).is_none() {
            continue;
        }
        push_text(&mut html, at, mark.start);
        html.push_str("<mark>");
        push_text(&mut html, mark.start, mark.end);
        html.push_str("</mark>");
        at = mark.end;
    }
    push_text(&mut html, at, text.len());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str, highlights: &[std::ops::Range<usize>]) -> Snippet {
        Snippet {
            section: "mistake",
            text: text.to_string(),
            highlights: highlights.to_vec(),
        }
    }

    /// The text and highlights of a passage, from its old HTML form (`<mark>` around the
    /// matches, no other markup, text unescaped).
    fn from_marked(marked: &str) -> Snippet {
        let mut text = String::new();
        let mut highlights = Vec::new();
        for (i, part) in marked.split("<mark>").enumerate() {
            match part.split_once("</mark>") {
                Some((inside, after)) if i > 0 => {
                    let start = text.len();
                    text.push_str(inside);
                    highlights.push(start..text.len());
                    text.push_str(after);
                }
                _ => text.push_str(part),
            }
        }
        snippet(&text, &highlights)
    }

    #[test]
    fn snippets_render_as_the_html_the_api_has_always_shown() {
        for (marked, html) in [
            (
                "Copying a <mark>change</mark> process 1:1 from an organisation ten times your size & expecting it to fit.",
                "Copying a <mark>change</mark> process 1:1 from an organisation ten times your size &amp; expecting it to fit.",
            ),
            (
                "En <mark>change</mark> freeze skal aftales med forretningen i god tid.",
                "En <mark>change</mark> freeze skal aftales med forretningen i god tid.",
            ),
            (
                "Copying a <mark>change</mark> process 1:1 from a much larger organisation.",
                "Copying a <mark>change</mark> process 1:1 from a much larger organisation.",
            ),
            (
                "Some notes on <mark>change</mark>.",
                "Some notes on <mark>change</mark>.",
            ),
            (
                "…the <mark>incident</mark> had an owner…",
                "…the <mark>incident</mark> had an owner…",
            ),
            (
                "<mark>Ændring</mark> efter <mark>ændring</mark> & <script>alert('ø')</script>.'",
                "<mark>Ændring</mark> efter <mark>ændring</mark> &amp; &lt;script&gt;alert(&#x27;ø&#x27;)&lt;/script&gt;.&#39;",
            ),
            (
                "We copied the bank's <mark>CAB</mark>; it's &amp; \"it\" <mark>failed</mark>",
                "We copied the bank&#x27;s <mark>CAB</mark>; it&#x27;s &amp;amp; &quot;it&quot; <mark>failed</mark>",
            ),
        ] {
            assert_eq!(snippet_html(&from_marked(marked)), html, "{marked}");
        }
    }

    #[test]
    fn snippets_without_matches_are_escaped_text() {
        assert_eq!(
            snippet_html(&snippet("Tom's <b>CAB</b> & more…", &[])),
            "Tom&#39;s &lt;b&gt;CAB&lt;/b&gt; &amp; more…"
        );
        assert_eq!(snippet_html(&snippet("", &[])), "");
    }

    #[test]
    fn ranges_the_index_never_makes_are_shown_as_text() {
        // Out of order, overlapping, empty, past the end, inside a character.
        let s = snippet("æøå change", &[7..13, 1..3, 0..2, 2..4, 4..4, 8..99]);
        assert_eq!(snippet_html(&s), "æøå <mark>change</mark>");
        let s = snippet("æøå change", &[0..1, 7..20]);
        assert_eq!(snippet_html(&s), "æøå change");
    }
}
