//! Server-rendered HTML pages: search, write-up, browse, feeds and the small files around
//! them. Every page works without JavaScript; all state is in the URL.
//!
//! Templates are askama's, compiled in and escaped automatically. The only HTML inserted
//! raw is the sanitised write-up body and the index's snippets (escaped text and `<mark>`).

use askama::Template;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::{Query, QueryRejection};
use erfa_index::{Hit, Scope, SearchResults, SectionFilter, Sort};

use crate::access::{Access, Rank};
use crate::api::SearchParams;
use crate::error::ApiError;
use crate::i18n::{self, Lang};
use crate::page::{Ctx, Layout, html, moved_permanently};
use crate::route::Route;
use crate::writeup::{self, Lookup};
use erfa_accounts::{FlagReason, Signal};

/// The page routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get("/", Access::Public, "Search page", search),
        Route::get(
            "/w/{*slug}",
            Access::Public,
            "A write-up, its attachments, alias redirects",
            writeup_page,
        ),
        Route::get(
            "/browse",
            Access::Public,
            "Browse by practice, tag, meeting, newest",
            browse,
        ),
        Route::get(
            "/feed.atom",
            Access::Public,
            "Atom feed; `?token=` for a member's personal feed",
            feed,
        ),
        Route::get(
            "/opensearch.xml",
            Access::Public,
            "OpenSearch description",
            opensearch,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Members' signals on a write-up page.

/// The signal buttons and counts on a write-up page.
pub(crate) struct SignalsView {
    pub slug: String,
    pub helped: u64,
    pub saw_too: u64,
    pub mine_helped: bool,
    pub mine_saw_too: bool,
    pub reasons: Vec<(&'static str, &'static str)>,
}

/// The signals of `slug` for the viewer: only for members and up, with a state database.
pub(crate) async fn signals_view(ctx: &Ctx, slug: &str) -> Option<SignalsView> {
    if ctx.viewer.rank < Rank::Member {
        return None;
    }
    let accounts = ctx.state.accounts.clone()?;
    let member = ctx.viewer.actor()?.id;
    let writeup = slug.to_string();
    let loaded = tokio::task::spawn_blocking(move || {
        let counts = accounts.signal_counts(&writeup)?;
        let mine = accounts.member_signals(&writeup, member)?;
        Ok::<_, erfa_accounts::Error>((counts, mine))
    })
    .await;
    let (counts, mine) = match loaded {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            tracing::error!(cause = %e, "loading signals");
            return None;
        }
        Err(e) => {
            tracing::error!(cause = %e, "loading signals");
            return None;
        }
    };
    let t = ctx.lang.t();
    Some(SignalsView {
        slug: slug.to_string(),
        helped: counts.helped,
        saw_too: counts.saw_too,
        mine_helped: mine.contains(&Signal::Helped),
        mine_saw_too: mine.contains(&Signal::SawToo),
        reasons: FlagReason::ALL
            .into_iter()
            .map(|r| (r.as_str(), i18n::flag_reason(t, r)))
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------
// Search.

/// A hit as the templates show it.
pub(crate) struct HitView {
    href: String,
    title: String,
    kind: &'static str,
    kind_label: String,
    date: String,
    practices: String,
    language: &'static str,
    snippet_section: &'static str,
    snippet_label: &'static str,
    snippet_html: String,
    /// Draft, in review or archived (only the facilitator finds those).
    status: Option<(&'static str, &'static str)>,
}

impl HitView {
    fn new(hit: Hit, lang: Lang) -> HitView {
        HitView {
            status: hit
                .status
                .map(|s| (s.as_str(), lang.status_name(s.as_str()))),
            href: format!("/w/{}", hit.slug),
            kind: hit.kind.as_str(),
            kind_label: lang.facet_value("kind", hit.kind.as_str()),
            date: hit.date.unwrap_or_else(|| lang.t().undated.to_string()),
            practices: hit
                .practices
                .iter()
                .map(|p| i18n::practice_name(p))
                .collect::<Vec<_>>()
                .join(" · "),
            language: hit.language.as_str(),
            snippet_section: hit.snippet.section,
            snippet_label: lang.section_label(hit.snippet.section),
            // Escaped by the index; only <mark> is markup.
            snippet_html: hit.snippet.html,
            title: hit.title,
        }
    }
}

struct FacetValueView {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

struct FacetView {
    name: &'static str,
    label: &'static str,
    shown: Vec<FacetValueView>,
    more: Vec<FacetValueView>,
}

struct Chip {
    label: String,
    aria: String,
    href: String,
}

struct SwitchOption {
    label: &'static str,
    href: String,
    current: bool,
}

struct PageLink {
    n: usize,
    label: String,
    href: String,
    current: bool,
    gap: bool,
}

struct EmptyView {
    message: String,
    did_you_mean: Option<(String, String)>,
    drop: Vec<Chip>,
    advice: &'static str,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate {
    layout: Layout,
    q: String,
    autofocus: bool,
    compact: bool,
    hidden_fields: Vec<(String, String)>,
    heading: &'static str,
    summary: String,
    first: u64,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
    active: Vec<Chip>,
    clear_href: String,
    section_options: Vec<SwitchOption>,
    sort_options: Vec<SwitchOption>,
    empty: Option<EmptyView>,
    pages: Vec<PageLink>,
    prev_href: Option<String>,
    next_href: Option<String>,
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

fn hidden_fields(params: &SearchParams) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, values) in params.filters() {
        for v in values.iter().filter(|v| !v.trim().is_empty()) {
            out.push((name.to_string(), v.clone()));
        }
    }
    if let Some(section) = params
        .section
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "all")
    {
        out.push(("section".to_string(), section.to_string()));
    }
    if let Some(sort) = params
        .sort
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "relevance")
    {
        out.push(("sort".to_string(), sort.to_string()));
    }
    out
}

/// `GET /`: the search page; with nothing typed, the newest write-ups.
async fn search(ctx: Ctx, params: Result<Query<SearchParams>, QueryRejection>) -> Response {
    let params = match params {
        Ok(Query(p)) => p,
        Err(e) => return ctx.error(crate::error::query_error(e)).into_response(),
    };
    match search_page(&ctx, params).await {
        Ok(r) => r,
        Err(e) => ctx.error(e).into_response(),
    }
}

async fn search_page(ctx: &Ctx, params: SearchParams) -> Result<Response, ApiError> {
    let lang = ctx.lang;
    let t = lang.t();
    let request = params.to_request(ctx.scope())?;
    let section = request.section;
    let sort = request.sort;
    let first_page = request.page <= 1;
    let results: SearchResults = ctx
        .state
        .blocking(move |s| Ok(s.engine.search(&request)?))
        .await?;
    if first_page {
        crate::insights::record_search(&ctx.state, &ctx.viewer, &params.q, results.total == 0);
    }
    let q = params.q.clone();
    let has_query = !q.trim().is_empty();
    let has_filters = params
        .filters()
        .iter()
        .any(|(_, v)| v.iter().any(|x| !x.trim().is_empty()))
        || section.is_some();

    // Facets: values with counts; selected values first, always shown.
    let mut facets = Vec::new();
    for (name, values) in params.filters() {
        let selected: Vec<&str> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let counts = results.facets.get(name).cloned().unwrap_or_default();
        let mut items: Vec<FacetValueView> = Vec::new();
        for c in &counts {
            let is_selected = selected.contains(&c.value.as_str());
            items.push(FacetValueView {
                label: lang.facet_value(name, &c.value),
                count: c.count,
                href: toggle(&params, name, &c.value),
                selected: is_selected,
            });
        }
        for s in &selected {
            if !counts.iter().any(|c| c.value == *s) {
                items.push(FacetValueView {
                    label: lang.facet_value(name, s),
                    count: 0,
                    href: toggle(&params, name, s),
                    selected: true,
                });
            }
        }
        if items.is_empty() {
            continue;
        }
        items.sort_by_key(|i| !i.selected);
        let limit = if name == "practices" || name == "tags" {
            8
        } else {
            6
        };
        let more = if items.len() > limit && !items[limit..].iter().any(|i| i.selected) {
            items.split_off(limit)
        } else {
            Vec::new()
        };
        facets.push(FacetView {
            name,
            label: lang.facet_name(name),
            shown: items,
            more,
        });
    }

    // Active filters as removable chips.
    let mut active = Vec::new();
    for (name, values) in params.filters() {
        for v in values.iter().filter(|v| !v.trim().is_empty()) {
            let label = format!(
                "{}: {}",
                lang.facet_name(name),
                lang.facet_value(name, v.trim())
            );
            active.push(Chip {
                aria: lang.remove_filter(lang.facet_name(name), &lang.facet_value(name, v.trim())),
                label,
                href: toggle(&params, name, v),
            });
        }
    }
    let clear_href = search_href(&SearchParams {
        q: params.q.clone(),
        sort: params.sort.clone(),
        ..SearchParams::default()
    });

    let with = |f: &dyn Fn(&mut SearchParams)| {
        let mut p = params.clone();
        p.page = None;
        f(&mut p);
        search_href(&p)
    };
    let section_options = vec![
        SwitchOption {
            label: t.section_all,
            href: with(&|p| p.section = None),
            current: section.is_none(),
        },
        SwitchOption {
            label: t.section_lesson,
            href: with(&|p| p.section = Some("lesson".to_string())),
            current: section == Some(SectionFilter::Lesson),
        },
        SwitchOption {
            label: t.section_mistake,
            href: with(&|p| p.section = Some("mistake".to_string())),
            current: section == Some(SectionFilter::Mistake),
        },
    ];
    let sort_options = vec![
        SwitchOption {
            label: t.sort_relevance,
            href: with(&|p| p.sort = None),
            current: sort == Sort::Relevance,
        },
        SwitchOption {
            label: t.sort_newest,
            href: with(&|p| p.sort = Some("newest".to_string())),
            current: sort == Sort::Newest,
        },
    ];

    // Pagination.
    let per_page = results.per_page.max(1) as u64;
    let last_page = results
        .total
        .div_ceil(per_page)
        .min((erfa_index::search::MAX_RESULT_WINDOW as u64).div_ceil(per_page))
        .min(crate::api::MAX_PAGE as u64) as usize;
    let page = results.page;
    let page_href = |n: usize| {
        let mut p = params.clone();
        p.page = Some(n.to_string());
        search_href(&p)
    };
    let mut pages = Vec::new();
    if last_page > 1 {
        let mut previous = 0;
        for n in 1..=last_page {
            let near = n == 1 || n == last_page || n.abs_diff(page) <= 2;
            if !near {
                continue;
            }
            if previous != 0 && n > previous + 1 {
                pages.push(PageLink {
                    n: 0,
                    label: String::new(),
                    href: String::new(),
                    current: false,
                    gap: true,
                });
            }
            pages.push(PageLink {
                n,
                label: lang.page_n(n),
                href: page_href(n),
                current: n == page,
                gap: false,
            });
            previous = n;
        }
    }
    let prev_href = (page > 1 && page <= last_page + 1).then(|| page_href(page - 1));
    let next_href = (page < last_page).then(|| page_href(page + 1));

    let first = (page as u64 - 1) * per_page + 1;
    let shown = results.hits.len() as u64;
    let summary = if shown == 0 {
        lang.count_writeups(results.total)
    } else {
        lang.showing(first, first + shown - 1, results.total)
    };

    let empty = if results.hits.is_empty() {
        let message = if !has_query && !has_filters && results.total == 0 {
            t.empty_collection.to_string()
        } else {
            lang.no_results(&q)
        };
        let did_you_mean = results.did_you_mean.clone().map(|text| {
            let mut p = params.clone();
            p.q = text.clone();
            p.page = None;
            (text, search_href(&p))
        });
        let mut drop = active
            .iter()
            .map(|c| Chip {
                label: c.label.clone(),
                aria: c.aria.clone(),
                href: c.href.clone(),
            })
            .collect::<Vec<_>>();
        if section.is_some() {
            drop.push(Chip {
                label: t.section_all.to_string(),
                aria: t.section_all.to_string(),
                href: with(&|p| p.section = None),
            });
        }
        Some(EmptyView {
            message,
            did_you_mean,
            drop,
            advice: t.no_results_advice,
        })
    } else {
        None
    };

    let heading = if has_query || has_filters {
        t.results_heading
    } else {
        t.newest_heading
    };
    let title = if has_query {
        lang.search_title(&q)
    } else {
        String::new()
    };
    let template = SearchTemplate {
        layout: ctx.layout(title, "search", false),
        autofocus: !has_query,
        compact: has_query || has_filters,
        hidden_fields: hidden_fields(&params),
        q,
        heading,
        summary,
        first,
        hits: results
            .hits
            .into_iter()
            .map(|h| HitView::new(h, lang))
            .collect(),
        facets,
        active,
        clear_href,
        section_options,
        sort_options,
        empty,
        pages,
        prev_href,
        next_href,
    };
    html(&template)
}

/// The search URL with `value` of `facet` switched on or off, back on page 1.
fn toggle(params: &SearchParams, facet: &str, value: &str) -> String {
    let mut p = params.clone();
    p.page = None;
    if let Some(values) = p.filter_mut(facet) {
        let value = value.trim();
        if values.iter().any(|v| v.trim() == value) {
            values.retain(|v| v.trim() != value);
        } else {
            values.push(value.to_string());
        }
    }
    search_href(&p)
}

// ---------------------------------------------------------------------------------------
// Write-up.

struct Banner {
    class: &'static str,
    text: &'static str,
    links: Vec<(String, String)>,
}

struct MetaValue {
    text: String,
    href: Option<String>,
    external: bool,
}

struct MetaRow {
    label: &'static str,
    values: Vec<MetaValue>,
}

struct RelatedView {
    title: String,
    href: String,
    language: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "writeup.html")]
struct WriteupTemplate {
    layout: Layout,
    title: String,
    summary: Option<String>,
    kind: &'static str,
    kind_label: String,
    date: String,
    language: &'static str,
    banners: Vec<Banner>,
    translation: Option<(&'static str, String, String)>,
    html: String,
    meta: Vec<MetaRow>,
    contact_ok: bool,
    related: Vec<RelatedView>,
    signals: Option<SignalsView>,
}

fn filter_link(facet: &str, value: &str) -> String {
    let mut p = SearchParams::default();
    if let Some(values) = p.filter_mut(facet) {
        values.push(value.to_string());
    }
    search_href(&p)
}

/// Whether a front-matter URL may become a link: only plain http(s).
fn web_url(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// `GET /w/{slug}`: a write-up, an alias redirect, or an attachment next to it.
async fn writeup_page(ctx: Ctx, slug: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(slug)) = slug else {
        return ctx.error(ApiError::not_found()).into_response();
    };
    match writeup_or_attachment(&ctx, slug).await {
        Ok(r) => r,
        Err(e) => ctx.error(e).into_response(),
    }
}

async fn writeup_or_attachment(ctx: &Ctx, slug: String) -> Result<Response, ApiError> {
    let scope = ctx.scope();
    if writeup::looks_like_attachment(&slug) {
        let rest = slug.clone();
        let found = ctx
            .state
            .blocking(move |s| writeup::attachment(s, &rest, scope))
            .await?;
        let Some(file) = found else {
            return Err(ApiError::not_found());
        };
        let disposition = if file.inline { "inline" } else { "attachment" };
        let name: String = file
            .file_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let disposition = HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\""))
            .map_err(|e| ApiError::internal(format!("content-disposition: {e}")))?;
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(file.content_type),
                ),
                (header::CONTENT_DISPOSITION, disposition),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            file.bytes,
        )
            .into_response());
    }
    let lookup = slug.clone();
    let loaded = ctx
        .state
        .blocking(move |s| writeup::load(s, &lookup, scope))
        .await?;
    let loaded = match loaded {
        Lookup::Found(l) => *l,
        Lookup::Moved(target) => {
            return Ok(moved_permanently(&format!("/w/{target}")));
        }
        Lookup::Missing => return Err(ApiError::not_found()),
    };
    let related_slug = loaded.stored.record.slug.clone();
    let more = ctx
        .state
        .blocking(move |s| Ok(s.engine.related(&related_slug, scope, 6)?))
        .await?;

    let lang = ctx.lang;
    let t = lang.t();
    let record = &loaded.stored.record;
    let front = &record.front;

    let mut banners = Vec::new();
    if front.status.as_str() == "archived" {
        banners.push(Banner {
            class: "archived",
            text: t.banner_archived,
            links: Vec::new(),
        });
    } else if front.status.as_str() != "published" {
        banners.push(Banner {
            class: "unpublished",
            text: t.banner_unpublished,
            links: Vec::new(),
        });
    }
    if !loaded.superseded_by.is_empty() {
        banners.push(Banner {
            class: "superseded",
            text: t.banner_superseded,
            links: loaded
                .superseded_by
                .iter()
                .map(|l| (l.title.clone(), format!("/w/{}", l.slug)))
                .collect(),
        });
    }
    if let Some(dup) = &loaded.duplicate_of {
        banners.push(Banner {
            class: "superseded",
            text: t.banner_duplicate,
            links: vec![(dup.title.clone(), format!("/w/{}", dup.slug))],
        });
    }

    let translation = loaded
        .translation_of
        .iter()
        .chain(loaded.translations.iter())
        .find(|l| l.language != record.language.as_str())
        .or(loaded.translation_of.as_ref())
        .map(|l| {
            (
                lang.read_in(&l.language),
                format!("/w/{}", l.slug),
                l.language.clone(),
            )
        });

    let mut meta = Vec::new();
    let plain = |text: String| MetaValue {
        text,
        href: None,
        external: false,
    };
    if !front.practices.is_empty() {
        meta.push(MetaRow {
            label: t.facet_practices,
            values: front
                .practices
                .iter()
                .map(|p| MetaValue {
                    text: i18n::practice_name(p),
                    href: Some(filter_link("practices", p)),
                    external: false,
                })
                .collect(),
        });
    }
    if !front.tags.is_empty() {
        meta.push(MetaRow {
            label: t.facet_tags,
            values: front
                .tags
                .iter()
                .map(|tag| MetaValue {
                    text: tag.clone(),
                    href: Some(filter_link("tags", tag)),
                    external: false,
                })
                .collect(),
        });
    }
    meta.push(MetaRow {
        label: t.meta_authors,
        values: if front.authors.is_empty() {
            vec![plain(t.anonymous.to_string())]
        } else {
            front.authors.iter().cloned().map(plain).collect()
        },
    });
    if scope != Scope::Public
        && let Some(org) = &front.organisation
    {
        meta.push(MetaRow {
            label: t.meta_organisation,
            values: vec![plain(org.clone())],
        });
    }
    if let Some(sector) = front.sector {
        meta.push(MetaRow {
            label: t.facet_sector,
            values: vec![MetaValue {
                text: lang.facet_value("sector", sector.as_str()),
                href: Some(filter_link("sector", sector.as_str())),
                external: false,
            }],
        });
    }
    if let Some(size) = front.org_size {
        meta.push(MetaRow {
            label: t.facet_org_size,
            values: vec![MetaValue {
                text: size.as_str().to_string(),
                href: Some(filter_link("org_size", size.as_str())),
                external: false,
            }],
        });
    }
    if !front.tools.is_empty() {
        meta.push(MetaRow {
            label: t.meta_tools,
            values: front
                .tools
                .iter()
                .map(|tool| MetaValue {
                    text: tool.clone(),
                    href: Some(filter_link("tools", tool)),
                    external: false,
                })
                .collect(),
        });
    }
    if let Some(meeting) = &front.meeting {
        meta.push(MetaRow {
            label: t.facet_meeting,
            values: vec![MetaValue {
                text: meeting.clone(),
                href: Some(filter_link("meeting", meeting)),
                external: false,
            }],
        });
    }
    meta.push(MetaRow {
        label: t.facet_language,
        values: vec![plain(
            lang.facet_value("language", record.language.as_str()),
        )],
    });
    if scope != Scope::Public {
        meta.push(MetaRow {
            label: t.meta_visibility,
            values: vec![plain(
                if front.visibility.as_str() == "public" {
                    t.visibility_public
                } else {
                    t.visibility_members
                }
                .to_string(),
            )],
        });
        if front.status.as_str() != "published" {
            meta.push(MetaRow {
                label: t.meta_status,
                values: vec![plain(lang.status_name(front.status.as_str()).to_string())],
            });
        }
    }
    let link_value = |text: &String| {
        if web_url(text) {
            MetaValue {
                text: text.clone(),
                href: Some(text.trim().to_string()),
                external: true,
            }
        } else {
            plain(text.clone())
        }
    };
    if let Some(source) = &front.source {
        meta.push(MetaRow {
            label: t.meta_source,
            values: vec![link_value(source)],
        });
    }
    if !front.references.is_empty() {
        meta.push(MetaRow {
            label: t.meta_references,
            values: front.references.iter().map(link_value).collect(),
        });
    }

    // Related: the ones the author named first, then more like this.
    let mut related: Vec<RelatedView> = Vec::new();
    for l in loaded.related.iter().chain(loaded.supersedes.iter()) {
        if related.iter().all(|r| r.href != format!("/w/{}", l.slug)) {
            related.push(RelatedView {
                title: l.title.clone(),
                href: format!("/w/{}", l.slug),
                language: l.language.clone(),
                detail: String::new(),
            });
        }
    }
    for hit in more {
        let href = format!("/w/{}", hit.slug);
        if hit.slug != record.slug && related.iter().all(|r| r.href != href) {
            related.push(RelatedView {
                detail: format!(
                    "{} · {}",
                    lang.facet_value("kind", hit.kind.as_str()),
                    hit.date.clone().unwrap_or_else(|| t.undated.to_string())
                ),
                title: hit.title,
                href,
                language: hit.language.as_str().to_string(),
            });
        }
    }
    related.truncate(8);

    let public_page = front.visibility.as_str() == "public" && front.status.as_str() == "published";
    let signals = signals_view(ctx, &record.slug).await;
    let template = WriteupTemplate {
        layout: ctx.layout(front.title.clone(), "", public_page),
        title: front.title.clone(),
        summary: front.summary.clone(),
        kind: front.kind.as_str(),
        kind_label: lang.facet_value("kind", front.kind.as_str()),
        date: front.date.map(|d| d.to_string()).unwrap_or_default(),
        language: record.language.as_str(),
        banners,
        translation,
        html: loaded.html.clone(),
        meta,
        contact_ok: front.contact_ok == Some(true),
        related,
        signals,
    };
    html(&template)
}

// ---------------------------------------------------------------------------------------
// Browse.

struct BrowseItem {
    label: String,
    count: u64,
    href: String,
}

struct BrowseGroup {
    id: &'static str,
    heading: &'static str,
    items: Vec<BrowseItem>,
    hits: Vec<HitView>,
}

#[derive(Template)]
#[template(path = "browse.html")]
struct BrowseTemplate {
    layout: Layout,
    groups: Vec<BrowseGroup>,
}

/// `GET /browse`: by practice, tag and meeting, and the newest write-ups.
async fn browse(ctx: Ctx) -> Response {
    match browse_page(&ctx).await {
        Ok(r) => r,
        Err(e) => ctx.error(e).into_response(),
    }
}

async fn browse_page(ctx: &Ctx) -> Result<Response, ApiError> {
    let lang = ctx.lang;
    let t = lang.t();
    let scope = ctx.scope();
    let results = ctx
        .state
        .blocking(move |s| {
            let mut request = erfa_index::SearchRequest::new("", scope);
            request.sort = Sort::Newest;
            request.per_page = 8;
            Ok(s.engine.search(&request)?)
        })
        .await?;
    let items = |facet: &str| -> Vec<BrowseItem> {
        let mut values = results.facets.get(facet).cloned().unwrap_or_default();
        if facet == "meeting" {
            values.sort_by(|a, b| b.value.cmp(&a.value));
        }
        values
            .into_iter()
            .map(|v| BrowseItem {
                label: lang.facet_value(facet, &v.value),
                count: v.count,
                href: filter_link(facet, &v.value),
            })
            .collect()
    };
    let groups = vec![
        BrowseGroup {
            id: "newest",
            heading: t.browse_newest,
            items: Vec::new(),
            hits: results
                .hits
                .clone()
                .into_iter()
                .map(|h| HitView::new(h, lang))
                .collect(),
        },
        BrowseGroup {
            id: "practices",
            heading: t.browse_practices,
            items: items("practices"),
            hits: Vec::new(),
        },
        BrowseGroup {
            id: "tags",
            heading: t.browse_tags,
            items: items("tags"),
            hits: Vec::new(),
        },
        BrowseGroup {
            id: "meetings",
            heading: t.browse_meetings,
            items: items("meeting"),
            hits: Vec::new(),
        },
    ];
    html(&BrowseTemplate {
        layout: ctx.layout(t.browse_heading.to_string(), "browse", true),
        groups,
    })
}

// ---------------------------------------------------------------------------------------
// Feed, OpenSearch, robots, language switch.

struct FeedEntry {
    title: String,
    slug: String,
    updated: String,
    author: String,
    categories: Vec<String>,
    summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct FeedTemplate {
    lang: &'static str,
    title: &'static str,
    base: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

fn atom_date(date: Option<&str>) -> String {
    match date {
        Some(d) => format!("{d}T00:00:00Z"),
        None => "1970-01-01T00:00:00Z".to_string(),
    }
}

/// `GET /feed.atom`: the newest published write-ups the viewer may read.
async fn feed(ctx: Ctx) -> Response {
    let scope = ctx.scope();
    let results = ctx
        .state
        .blocking(move |s| {
            let mut request =
                erfa_index::SearchRequest::new("", scope).filter("status", "published");
            request.sort = Sort::Newest;
            request.per_page = 30;
            request.facets = false;
            Ok(s.engine.search(&request)?)
        })
        .await;
    let results = match results {
        Ok(r) => r,
        Err(e) => return ctx.error(e).into_response(),
    };
    let lang = ctx.lang;
    let entries: Vec<FeedEntry> = results
        .hits
        .into_iter()
        .map(|h| FeedEntry {
            updated: atom_date(h.date.as_deref()),
            author: "erfa".to_string(),
            categories: h.practices.iter().chain(h.tags.iter()).cloned().collect(),
            summary: h
                .summary
                .clone()
                .unwrap_or_else(|| lang.facet_value("kind", h.kind.as_str())),
            title: h.title,
            slug: h.slug,
        })
        .collect();
    let template = FeedTemplate {
        lang: lang.code(),
        title: lang.t().feed_title,
        base: ctx.base_url(),
        updated: entries
            .first()
            .map_or_else(|| atom_date(None), |e| e.updated.clone()),
        entries,
    };
    match template.render() {
        Ok(xml) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            )],
            xml,
        )
            .into_response(),
        Err(e) => ctx.error(e.into()).into_response(),
    }
}

#[derive(Template)]
#[template(path = "opensearch.xml")]
struct OpenSearchTemplate {
    base: String,
    description: &'static str,
}

/// `GET /opensearch.xml`: lets a browser add erfa as a search engine.
async fn opensearch(ctx: Ctx) -> Response {
    let template = OpenSearchTemplate {
        base: ctx.base_url(),
        description: ctx.lang.t().opensearch_description,
    };
    match template.render() {
        Ok(xml) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/opensearchdescription+xml; charset=utf-8"),
            )],
            xml,
        )
            .into_response(),
        Err(e) => ctx.error(e.into()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_urls_keep_only_what_differs() {
        let mut p = SearchParams::default();
        assert_eq!(search_href(&p), "/");
        p.q = "cab & co".to_string();
        p.tags = vec!["a".into(), "b c".into()];
        p.sort = Some("relevance".into());
        p.page = Some("2".into());
        assert_eq!(search_href(&p), "/?q=cab+%26+co&tags=a&tags=b+c&page=2");
        assert_eq!(toggle(&p, "tags", "a"), "/?q=cab+%26+co&tags=b+c");
        assert_eq!(
            toggle(&p, "kind", "mistake"),
            "/?q=cab+%26+co&kind=mistake&tags=a&tags=b+c"
        );
    }

    #[test]
    fn only_web_urls_become_links() {
        assert!(web_url("https://example.org/a"));
        assert!(!web_url("javascript:alert(1)"));
        assert!(!web_url(" JaVaScript:alert(1)"));
        assert!(!web_url("https://x.org/\"onmouseover=alert(1)"));
        assert!(!web_url("data:text/html,x"));
    }
}
