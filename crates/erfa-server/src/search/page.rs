//! The search page: the search box, filters, hits and pages of results.

use askama::Template;
use axum::response::Response;
use erfa_index::meetings::Meetings;
use erfa_index::{SearchResults, SectionFilter, Sort};

use crate::error::AppError;
use crate::extract::Query;
use crate::i18n::{Lang, Strings};
use crate::meetings;
use crate::page::{Ctx, Layout, html};
use crate::query::{SearchParams, search_href};

use super::HitView;
use super::words::{Words, words};

struct FacetValueView {
    /// The value as indexed, for ordering.
    value: String,
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
    /// "Show 4 more".
    more_label: String,
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
    /// Open-list values that no write-up the viewer may read has, each with the value
    /// meant (its label and the search with it instead) when one is close.
    unknown: Vec<(String, Option<(String, String)>)>,
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
    /// When the query as typed found nothing and its Danish spelling did, says so.
    searched_for: Option<String>,
    /// The corrected query searched, the query as typed and the link that searches it
    /// exactly as typed.
    correction: Option<(String, String, String)>,
    /// The glossary's terms searched besides the words typed, joined.
    expanded: Option<String>,
    /// A page past the last: what it says, and the last page's label and link.
    past_last: Option<(String, String, String)>,
    /// The sort switch, shown only with words to rank by.
    show_sort: bool,
    /// Active filters, for the drawer's button.
    active_count: usize,
    w: &'static Words,
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
    /// Questions members asked that match, for members and up (never anonymous visitors).
    questions: Option<QuestionsView>,
}

/// The questions beside the write-ups: their own kind of hit, and the filter to them.
struct QuestionsView {
    heading: &'static str,
    /// (href, title, "Question — 3 answers, resolved", snippet HTML).
    hits: Vec<(String, String, String, String)>,
    all_href: String,
    all_label: &'static str,
}

/// How many matching questions the search page lists.
const QUESTIONS_SHOWN: usize = 3;

/// The questions that match `q`, for a viewer who may read them; `None` for anyone else,
/// without accounts, or when none match. A failure is logged and leaves the write-ups
/// alone.
async fn questions(ctx: &Ctx, q: &str) -> Option<QuestionsView> {
    if q.trim().is_empty()
        || ctx.viewer.rank < crate::access::Rank::Member
        || ctx.state.accounts.is_none()
    {
        return None;
    }
    let text = q.to_string();
    let found = match ctx
        .state
        .blocking(move |s| crate::question_index::search(s, &text, QUESTIONS_SHOWN))
        .await
    {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(cause = %e, "questions could not be searched");
            return None;
        }
    };
    if found.hits.is_empty() {
        return None;
    }
    let labels = crate::question_index::Labels::of(ctx.lang);
    let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    Some(QuestionsView {
        heading: labels.found,
        hits: found
            .hits
            .iter()
            .map(|(question, snippet)| {
                (
                    format!("/questions/{}", question.id),
                    question.title.clone(),
                    labels.hit(question),
                    crate::query::snippet_html(snippet),
                )
            })
            .collect(),
        all_href: format!("/questions?q={encoded}"),
        all_label: labels.all,
    })
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
pub(super) async fn search(
    ctx: Ctx,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let t = lang.t();
    let request = match params.to_request(ctx.scope()) {
        Ok(request) => request,
        Err(AppError::BadRequest {
            code: "bad_parameter",
            message,
        }) => {
            return refused(&ctx, &params, message);
        }
        Err(e) => return Err(e),
    };
    let section = request.section;
    let sort = request.sort;
    let page_one = request.page <= 1;
    // A word still being typed is no search of its own for the insights.
    let first_page = page_one && !request.prefix_last;
    let results: SearchResults = ctx.state.search_soon(request).await?;
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
    let meetings = ctx.state.meetings();
    // Anonymous visitors see meetings named only where public write-ups name them: a
    // value they type is echoed as typed, so the list cannot be probed.
    let public_meetings = (ctx.scope() == erfa_index::Scope::Public).then(|| {
        let shown: Vec<&str> = results
            .facets
            .get("meeting")
            .map(|v| v.iter().map(|f| f.value.as_str()).collect())
            .unwrap_or_default();
        meetings.as_ref().as_ref().map(|m| {
            erfa_index::meetings::Meetings::new(
                m.all()
                    .iter()
                    .filter(|x| shown.contains(&x.id.as_str()))
                    .cloned()
                    .collect(),
            )
        })
    });
    let list = match &public_meetings {
        Some(public) => public.as_ref(),
        None => meetings.as_ref().as_ref(),
    };
    let tags = super::tag_labels(&ctx).await?;
    let active = active_chips(lang, &params, list, &tags);
    let pages = Pages::new(lang, &params, &results);
    let shown = results.hits.len() as u64;
    let summary = if shown == 0 {
        lang.count_writeups(results.total)
    } else {
        lang.showing(pages.first, pages.first + shown - 1, results.total)
    };
    let unknown = if results.total == 0 {
        unknown_values(&ctx, &params, list, &tags).await?
    } else {
        Vec::new()
    };
    let empty = (results.hits.is_empty() && results.total == 0).then(|| {
        let everything = !has_query && !has_filters && results.total == 0;
        let mut view = empty_view(lang, &params, &results, &active, section, everything);
        view.unknown = unknown;
        view
    });
    let (section_options, sort_options) = switches(t, &params, section, sort);
    let questions = if page_one {
        questions(&ctx, &q).await
    } else {
        None
    };
    let w = words(lang);
    let correction = match (&results.corrected_from, &results.searched_for) {
        (Some(typed), Some(searched)) => {
            let mut p = params.clone();
            p.page = None;
            p.prefix = None;
            p.literal = Some("1".to_string());
            Some((searched.clone(), typed.clone(), search_href(&p)))
        }
        _ => None,
    };
    let past_last = (results.hits.is_empty() && results.total > 0 && pages.last > 0).then(|| {
        let mut p = params.clone();
        p.page = Some(pages.last.to_string());
        (
            if pages.last == 1 {
                w.past_last_page_one.to_string()
            } else {
                w.past_last_page.replace("{n}", &pages.last.to_string())
            },
            w.go_to_page.replace("{n}", &pages.last.to_string()),
            search_href(&p),
        )
    });
    let template = SearchTemplate {
        layout: ctx.layout(
            if has_query {
                lang.search_title(&q)
            } else {
                String::new()
            },
            "search",
            false,
        ),
        autofocus: !has_query,
        compact: has_query || has_filters,
        hidden_fields: hidden_fields(&params),
        q,
        heading: if has_query || has_filters {
            t.results_heading
        } else {
            t.newest_heading
        },
        summary,
        searched_for: results
            .searched_for
            .as_deref()
            .filter(|_| results.corrected_from.is_none())
            .map(|searched| lang.searched_for(&params.q, searched)),
        correction,
        expanded: (!results.expanded.is_empty()).then(|| results.expanded.join(", ")),
        past_last,
        show_sort: has_query,
        active_count: active.len() + usize::from(section.is_some()),
        w,
        first: pages.first,
        facets: facet_views(lang, &params, &results, list, &tags),
        hits: results
            .hits
            .into_iter()
            .map(|h| HitView::new(h, lang))
            .collect(),
        active,
        clear_href: search_href(&SearchParams {
            q: params.q.clone(),
            sort: params.sort.clone(),
            ..SearchParams::default()
        }),
        section_options,
        sort_options,
        empty,
        pages: pages.links,
        prev_href: pages.prev_href,
        next_href: pages.next_href,
        questions,
    };
    html(&template)
}

#[derive(Template)]
#[template(path = "search_refused.html")]
struct RefusedTemplate {
    layout: Layout,
    heading: &'static str,
    message: String,
    /// The search with the values meant, and what the link says.
    instead: Option<(String, &'static str)>,
}

/// A search refused for a value outside a closed list: 400, what was wrong, and the
/// search with the values meant (or without the ones nothing is close to).
fn refused(ctx: &Ctx, params: &SearchParams, message: String) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let corrected = params.corrected();
    let instead = (corrected.to_request(ctx.scope()).is_ok() && corrected != *params)
        .then(|| (search_href(&corrected), words(ctx.lang).search_corrected));
    let template = RefusedTemplate {
        layout: ctx.layout(t.error_400.to_string(), "search", false),
        heading: t.error_400,
        message,
        instead,
    };
    crate::page::render(&template, axum::http::StatusCode::BAD_REQUEST)
}

/// The search URL of `params` changed by `change`, back on page 1.
fn changed(params: &SearchParams, change: &dyn Fn(&mut SearchParams)) -> String {
    let mut p = params.clone();
    p.page = None;
    change(&mut p);
    search_href(&p)
}

/// Values of a facet shown before "show more".
const FACET_VALUES_SHOWN: usize = 8;

/// The facets with their values and counts; selected values first, always shown.
fn facet_views(
    lang: Lang,
    params: &SearchParams,
    results: &SearchResults,
    list: Option<&Meetings>,
    tags: &super::TagLabels,
) -> Vec<FacetView> {
    let mut facets = Vec::new();
    for (name, values) in params.filters() {
        // Tags are counted by key: a tag asked for in another spelling is the same tag.
        let selected: Vec<String> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| {
                if name == "tags" {
                    erfa_index::slug::tag(v)
                } else {
                    v.to_string()
                }
            })
            .collect();
        let counts = results.facets.get(name).cloned().unwrap_or_default();
        let mut items: Vec<FacetValueView> = Vec::new();
        for c in &counts {
            items.push(FacetValueView {
                value: c.value.clone(),
                label: super::facet_label(lang, list, tags, name, &c.value),
                count: c.count,
                href: toggle(params, name, &c.value),
                selected: selected.contains(&c.value),
            });
        }
        for s in &selected {
            if !counts.iter().any(|c| c.value == *s) {
                items.push(FacetValueView {
                    value: s.to_string(),
                    label: super::facet_label(lang, list, tags, name, s),
                    count: 0,
                    href: toggle(params, name, s),
                    selected: true,
                });
            }
        }
        if items.is_empty() {
            continue;
        }
        // Year and meeting in their own order, newest first; the rest by count.
        if name == "meeting" {
            meetings::sort_newest_first(list, &mut items, |i| i.value.as_str());
        } else if name == "year" {
            items.sort_by(|a, b| b.value.cmp(&a.value));
        }
        items.sort_by_key(|i| !i.selected);
        let limit = FACET_VALUES_SHOWN;
        let more = if items.len() > limit && !items[limit..].iter().any(|i| i.selected) {
            items.split_off(limit)
        } else {
            Vec::new()
        };
        facets.push(FacetView {
            name,
            label: lang.facet_name(name),
            shown: items,
            more_label: words(lang)
                .show_more
                .replace("{n}", &more.len().to_string()),
            more,
        });
    }
    facets
}

/// The active filters as removable chips.
fn active_chips(
    lang: Lang,
    params: &SearchParams,
    list: Option<&Meetings>,
    tags: &super::TagLabels,
) -> Vec<Chip> {
    let mut active = Vec::new();
    for (name, values) in params.filters() {
        for v in values.iter().filter(|v| !v.trim().is_empty()) {
            let value = super::facet_label(lang, list, tags, name, v.trim());
            active.push(Chip {
                label: format!("{}: {value}", lang.facet_name(name)),
                aria: lang.remove_filter(lang.facet_name(name), &value),
                href: toggle(params, name, v),
            });
        }
    }
    active
}

/// The section switch (all, lessons, mistakes) and the sort switch.
fn switches(
    t: &Strings,
    params: &SearchParams,
    section: Option<SectionFilter>,
    sort: Sort,
) -> (Vec<SwitchOption>, Vec<SwitchOption>) {
    let sections = vec![
        SwitchOption {
            label: t.section_all,
            href: changed(params, &|p| p.section = None),
            current: section.is_none(),
        },
        SwitchOption {
            label: t.section_lesson,
            href: changed(params, &|p| p.section = Some("lesson".to_string())),
            current: section == Some(SectionFilter::Lesson),
        },
        SwitchOption {
            label: t.section_mistake,
            href: changed(params, &|p| p.section = Some("mistake".to_string())),
            current: section == Some(SectionFilter::Mistake),
        },
    ];
    let sorts = vec![
        SwitchOption {
            label: t.sort_relevance,
            href: changed(params, &|p| p.sort = None),
            current: sort == Sort::Relevance,
        },
        SwitchOption {
            label: t.sort_newest,
            href: changed(params, &|p| p.sort = Some("newest".to_string())),
            current: sort == Sort::Newest,
        },
    ];
    (sections, sorts)
}

/// The pages of results: numbered links near the current page, with gaps.
struct Pages {
    links: Vec<PageLink>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// The number of the first hit on this page, from 1.
    first: u64,
    /// The last page with hits (0 when there are none).
    last: usize,
}

impl Pages {
    fn new(lang: Lang, params: &SearchParams, results: &SearchResults) -> Pages {
        let per_page = results.per_page.max(1) as u64;
        let last_page = results
            .total
            .div_ceil(per_page)
            .min((erfa_index::search::MAX_RESULT_WINDOW as u64).div_ceil(per_page))
            .min(crate::query::MAX_PAGE as u64) as usize;
        let page = results.page;
        let page_href = |n: usize| {
            let mut p = params.clone();
            p.page = Some(n.to_string());
            search_href(&p)
        };
        let mut links = Vec::new();
        if last_page > 1 {
            let mut previous = 0;
            for n in 1..=last_page {
                let near = n == 1 || n == last_page || n.abs_diff(page) <= 2;
                if !near {
                    continue;
                }
                if previous != 0 && n > previous + 1 {
                    links.push(PageLink {
                        n: 0,
                        label: String::new(),
                        href: String::new(),
                        current: false,
                        gap: true,
                    });
                }
                links.push(PageLink {
                    n,
                    label: lang.page_n(n),
                    href: page_href(n),
                    current: n == page,
                    gap: false,
                });
                previous = n;
            }
        }
        Pages {
            links,
            prev_href: (page > 1 && page <= last_page + 1).then(|| page_href(page - 1)),
            next_href: (page < last_page).then(|| page_href(page + 1)),
            first: (page as u64 - 1) * per_page + 1,
            last: last_page,
        }
    }
}

/// What an empty result says: why, a correction, and the filters to drop.
fn empty_view(
    lang: Lang,
    params: &SearchParams,
    results: &SearchResults,
    active: &[Chip],
    section: Option<SectionFilter>,
    everything: bool,
) -> EmptyView {
    let t = lang.t();
    let message = if everything {
        t.empty_collection.to_string()
    } else {
        lang.no_results(&params.q)
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
            href: changed(params, &|p| p.section = None),
        });
    }
    EmptyView {
        message,
        did_you_mean,
        drop,
        advice: t.no_results_advice,
        unknown: Vec::new(),
    }
}

/// The open lists (tags, tools, meetings) take any value. A value that no write-up the
/// viewer may read has is named, with the closest value that one has: the values come
/// from the facets of the viewer's own scope, so nothing members-only reaches anyone
/// else.
async fn unknown_values(
    ctx: &Ctx,
    params: &SearchParams,
    list: Option<&Meetings>,
    tags: &super::TagLabels,
) -> Result<Vec<(String, Option<(String, String)>)>, AppError> {
    const OPEN: [&str; 3] = ["tags", "tools", "meeting"];
    let asked: Vec<(&'static str, String)> = params
        .filters()
        .into_iter()
        .filter(|(name, _)| OPEN.contains(name))
        .flat_map(|(name, values)| {
            values
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(move |v| (name, v.to_string()))
        })
        .collect();
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let mut everything = erfa_index::SearchRequest::new("", ctx.scope());
    everything.per_page = 1;
    everything.snippets = false;
    everything.facet_limit = 10_000;
    let all = ctx
        .state
        .blocking(move |s| Ok(s.engine.search(&everything)?))
        .await?;
    let lang = ctx.lang;
    let mut out = Vec::new();
    for (name, value) in asked {
        let known: Vec<&str> = all
            .facets
            .get(name)
            .map(|v| v.iter().map(|f| f.value.as_str()).collect())
            .unwrap_or_default();
        let key = if name == "tags" {
            erfa_index::slug::tag(&value)
        } else {
            value.clone()
        };
        if known.contains(&key.as_str()) {
            continue;
        }
        let message = words(lang)
            .value_unknown
            .replace("{facet}", &lang.facet_name(name).to_lowercase())
            .replace("{value}", &value);
        let meant = erfa_index::vocab::closest(&value, known.iter().copied())
            .first()
            .map(|close| {
                let mut p = params.clone();
                p.page = None;
                if let Some(values) = p.filter_mut(name) {
                    for v in values.iter_mut() {
                        if v.trim() == value {
                            *v = close.to_string();
                        }
                    }
                }
                (
                    super::facet_label(lang, list, tags, name, close),
                    search_href(&p),
                )
            });
        out.push((message, meant));
    }
    Ok(out)
}

/// The search URL with `value` of `facet` switched on or off, back on page 1.
fn toggle(params: &SearchParams, facet: &str, value: &str) -> String {
    let mut p = params.clone();
    p.page = None;
    if let Some(values) = p.filter_mut(facet) {
        let value = value.trim();
        // Tags by key: any spelling of the tag is the tag.
        let same = |v: &String| {
            if facet == "tags" {
                erfa_index::slug::tag(v) == erfa_index::slug::tag(value)
            } else {
                v.trim() == value
            }
        };
        if values.iter().any(same) {
            values.retain(|v| !same(v));
        } else {
            values.push(value.to_string());
        }
    }
    search_href(&p)
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
}
