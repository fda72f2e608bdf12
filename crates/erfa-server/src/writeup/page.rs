//! The write-up page: the write-up, its facts, related write-ups and members' signals;
//! its attachments; redirects from old URLs.

use askama::Template;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use erfa_accounts::{FlagReason, Signal};
use erfa_index::Scope;
use erfa_index::vocab::{Confidence, Status, Visibility};

use crate::access::Rank;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::i18n::{self, Lang, Strings};
use crate::page::{Ctx, Layout, html, moved_permanently};
use crate::query::filter_link;
use crate::writeup::{self, Loaded, Lookup};

/// The signal buttons and counts on a write-up page.
pub(crate) struct SignalsView {
    pub slug: String,
    pub helped: u64,
    pub saw_too: u64,
    pub mine_helped: bool,
    pub mine_saw_too: bool,
    /// Whether the viewer said it did not help them.
    pub mine_not_helped: bool,
    /// For the facilitator: who said it did not help, why, and when.
    pub not_helped: Vec<(String, String, String)>,
    pub reasons: Vec<(&'static str, &'static str)>,
    /// What the member just sent, confirmed in place.
    pub notice: Option<&'static str>,
    /// Why the flag was not sent, beside its field; the form opens again.
    pub flag_error: Option<&'static str>,
    /// The flag reason chosen before, kept.
    pub chosen_reason: String,
}

/// What the page says about a signal just sent (`?sent=…`, `?flag_error=…&reason=…`).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct SignalQuery {
    #[serde(default)]
    sent: String,
    #[serde(default)]
    flag_error: String,
    #[serde(default)]
    reason: String,
}

/// The signals of `slug` for the viewer: only for members and up, with a state database.
pub(crate) async fn signals_view(
    ctx: &Ctx,
    slug: &str,
    query: &SignalQuery,
) -> Option<SignalsView> {
    if ctx.viewer.rank < Rank::Member {
        return None;
    }
    let accounts = ctx.state.accounts.clone()?;
    let member = ctx.viewer.actor()?.id;
    let writeup = slug.to_string();
    let facilitator = ctx.viewer.rank >= Rank::Facilitator;
    let loaded = tokio::task::spawn_blocking(move || {
        let counts = accounts.signal_counts(&writeup)?;
        let mine = accounts.member_signals(&writeup, member)?;
        let mine_not_helped = accounts.said_not_helped(&writeup, member)?;
        let not_helped: Vec<erfa_accounts::NotHelped> = if facilitator {
            accounts
                .not_helped()?
                .into_iter()
                .filter(|n| n.writeup == writeup)
                .collect()
        } else {
            Vec::new()
        };
        Ok::<_, erfa_accounts::Error>((counts, (mine, mine_not_helped, not_helped)))
    })
    .await;
    let (counts, (mine, mine_not_helped, not_helped)) = match loaded {
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
        mine_not_helped,
        not_helped: not_helped
            .into_iter()
            .map(|n| {
                (
                    n.member.unwrap_or_else(|| t.topic_former.to_string()),
                    if n.reason.is_empty() {
                        t.desk_no_reason.to_string()
                    } else {
                        n.reason
                    },
                    crate::clock::danish_minute(n.at),
                )
            })
            .collect(),
        reasons: FlagReason::ALL
            .into_iter()
            .map(|r| (r.as_str(), i18n::flag_reason(t, r)))
            .collect(),
        notice: match query.sent.as_str() {
            "flag" => Some(t.desk_flag_sent),
            "not-helped" => Some(t.desk_not_helped_sent),
            _ => None,
        },
        flag_error: (query.flag_error == "comment").then_some(t.desk_flag_comment_needed),
        chosen_reason: FlagReason::parse(&query.reason)
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
    })
}

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
    /// Whether the group validated it (a badge under the title).
    validated: bool,
    /// Where "back to search" goes: the search the reader came from, or the search page.
    back_href: String,
    /// For the facilitator: the form that sets its confidence.
    confidence_form: Option<ConfidenceForm>,
}

/// The facilitator's control for a write-up's `confidence`.
struct ConfidenceForm {
    slug: String,
    /// Whether `content/` has a git history, so the write-up's versions can be shown.
    history: bool,
    /// (value, label, chosen).
    choices: Vec<(&'static str, String, bool)>,
}

fn confidence_form(
    lang: Lang,
    slug: &str,
    now: Option<Confidence>,
    history: bool,
) -> ConfidenceForm {
    ConfidenceForm {
        slug: slug.to_string(),
        history,
        choices: [
            Confidence::Validated,
            Confidence::NotValidated,
            Confidence::Wip,
        ]
        .into_iter()
        .map(|c| {
            (
                c.as_str(),
                lang.facet_value("confidence", c.as_str()),
                now == Some(c),
            )
        })
        .collect(),
    }
}

/// The search the reader came from, when the `Referer` names this site's search page
/// (browsers send it within the site only: the referrer policy is `same-origin`);
/// otherwise the search page.
fn back_to_search(headers: &axum::http::HeaderMap) -> String {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
    };
    let (Some(referer), Some(host)) = (
        text(axum::http::header::REFERER),
        text(axum::http::header::HOST),
    ) else {
        return "/".to_string();
    };
    let Some((_, rest)) = referer.split_once("://") else {
        return "/".to_string();
    };
    let (referer_host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let fits = referer_host.eq_ignore_ascii_case(host)
        && (path == "/" || path.starts_with("/?"))
        && path.len() <= crate::limits::MAX_QUERY_BYTES
        && !path.contains(['"', '<', '>', '\\', ' ']);
    if fits {
        path.to_string()
    } else {
        "/".to_string()
    }
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
pub(super) async fn writeup_page(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    slug: Result<Path<String>, AppError>,
    query: Result<Query<SignalQuery>, AppError>,
) -> Result<Response, AppError> {
    let query = query.map(|q| q.0).unwrap_or_default();
    let Path(slug) = slug.map_err(|_| AppError::not_found())?;
    let scope = ctx.scope();
    if writeup::looks_like_attachment(&slug) {
        return attachment(&ctx, slug).await;
    }
    let requested = slug.clone();
    let loaded = ctx
        .state
        .blocking(move |s| writeup::load(s, &slug, scope))
        .await?;
    let loaded = match loaded {
        Lookup::Found(l) => *l,
        Lookup::Moved(target) => return Ok(moved_permanently(&format!("/w/{target}"))),
        Lookup::Missing => {
            // A contributor's own submission, not published yet, for its author only.
            return match super::own::own_submission(&ctx, &requested).await? {
                Some(page) => Ok(page),
                None => Err(AppError::not_found()),
            };
        }
    };
    let related_slug = loaded.stored.record.slug.clone();
    let more = ctx
        .state
        .blocking(move |s| Ok(s.engine.related(&related_slug, scope, 6)?))
        .await?;

    let lang = ctx.lang;
    let record = &loaded.stored.record;
    let front = &record.front;
    let public_page = front.visibility == Visibility::Public && front.status == Status::Published;
    let signals = signals_view(&ctx, &record.slug, &query).await;
    let template = WriteupTemplate {
        layout: ctx.layout(front.title.clone(), "", public_page),
        title: front.title.clone(),
        summary: front.summary.clone(),
        kind: front.kind.as_str(),
        kind_label: lang.facet_value("kind", front.kind.as_str()),
        date: front.date.map(|d| d.to_string()).unwrap_or_default(),
        language: record.language.as_str(),
        banners: banners(lang.t(), &loaded),
        translation: translation(lang, &loaded),
        html: loaded.html.clone(),
        meta: meta_rows(lang, scope, &loaded, ctx.state.meetings().as_ref().as_ref()),
        contact_ok: front.contact_ok == Some(true),
        related: related_views(lang, &loaded, more),
        validated: front.confidence == Some(Confidence::Validated),
        back_href: back_to_search(&headers),
        confidence_form: (ctx.viewer.rank >= Rank::Facilitator).then(|| {
            let history = ctx.state.history.is_some();
            confidence_form(lang, &record.slug, front.confidence, history)
        }),
        signals,
    };
    html(&template)
}

/// An attachment of a write-up the viewer may read, which links it.
async fn attachment(ctx: &Ctx, path: String) -> Result<Response, AppError> {
    let scope = ctx.scope();
    let found = ctx
        .state
        .blocking(move |s| writeup::attachment(s, &path, scope))
        .await?;
    let file = found.ok_or_else(AppError::not_found)?;
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
        .map_err(|e| AppError::internal(format!("content-disposition: {e}")))?;
    Ok((
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
        .into_response())
}

/// The banners above a write-up: archived or unpublished, superseded, a duplicate.
fn banners(t: &Strings, loaded: &Loaded) -> Vec<Banner> {
    let front = &loaded.stored.record.front;
    let mut banners = Vec::new();
    match front.status {
        Status::Published => {}
        Status::Archived => banners.push(Banner {
            class: "archived",
            text: t.banner_archived,
            links: Vec::new(),
        }),
        Status::Draft | Status::Review => banners.push(Banner {
            class: "unpublished",
            text: t.banner_unpublished,
            links: Vec::new(),
        }),
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
    banners
}

/// The link to the write-up in the other language: "read in …", its URL, its language.
fn translation(lang: Lang, loaded: &Loaded) -> Option<(&'static str, String, String)> {
    let own = loaded.stored.record.language.as_str();
    loaded
        .translation_of
        .iter()
        .chain(loaded.translations.iter())
        .find(|l| l.language != own)
        .or(loaded.translation_of.as_ref())
        .map(|l| {
            (
                lang.read_in(&l.language),
                format!("/w/{}", l.slug),
                l.language.clone(),
            )
        })
}

fn plain(text: String) -> MetaValue {
    MetaValue {
        text,
        href: None,
        external: false,
    }
}

/// A value that links to the search filtered by it.
fn filtered(text: String, facet: &str, value: &str) -> MetaValue {
    MetaValue {
        text,
        href: Some(filter_link(facet, value)),
        external: false,
    }
}

/// A front-matter URL: a link when it is plain http(s), else text.
fn link_value(text: &str) -> MetaValue {
    if web_url(text) {
        MetaValue {
            text: text.to_string(),
            href: Some(text.trim().to_string()),
            external: true,
        }
    } else {
        plain(text.to_string())
    }
}

/// The facts beside a write-up. Organisation, visibility and status are for members.
fn meta_rows(
    lang: Lang,
    scope: Scope,
    loaded: &Loaded,
    meetings: Option<&erfa_index::meetings::Meetings>,
) -> Vec<MetaRow> {
    let t = lang.t();
    let record = &loaded.stored.record;
    let front = &record.front;
    let mut meta = Vec::new();
    let mut row = |label: &'static str, values: Vec<MetaValue>| {
        if !values.is_empty() {
            meta.push(MetaRow { label, values });
        }
    };
    let list = |facet: &str, values: &[String]| -> Vec<MetaValue> {
        values
            .iter()
            .map(|v| filtered(v.clone(), facet, v))
            .collect()
    };
    row(
        t.facet_practices,
        front
            .practices
            .iter()
            .map(|p| filtered(i18n::practice_name(p), "practices", p))
            .collect(),
    );
    row(t.facet_tags, list("tags", &front.tags));
    if let Some(published) = front.published.filter(|p| Some(*p) != front.date) {
        row(t.meta_published, vec![plain(published.to_string())]);
    }
    row(
        t.meta_authors,
        if front.authors.is_empty() {
            vec![plain(t.anonymous.to_string())]
        } else {
            front.authors.iter().cloned().map(plain).collect()
        },
    );
    if scope != Scope::Public
        && let Some(org) = &front.organisation
    {
        row(t.meta_organisation, vec![plain(org.clone())]);
    }
    if let Some(sector) = front.sector {
        let text = lang.facet_value("sector", sector.as_str());
        row(
            t.facet_sector,
            vec![filtered(text, "sector", sector.as_str())],
        );
    }
    if let Some(size) = front.org_size {
        let text = size.as_str().to_string();
        row(
            t.facet_org_size,
            vec![filtered(text, "org_size", size.as_str())],
        );
    }
    row(t.meta_tools, list("tools", &front.tools));
    if let Some(meeting) = &front.meeting {
        row(
            t.facet_meeting,
            vec![filtered(
                crate::meetings::label(meetings, meeting),
                "meeting",
                meeting,
            )],
        );
    }
    row(
        t.facet_language,
        vec![plain(
            lang.facet_value("language", record.language.as_str()),
        )],
    );
    if scope != Scope::Public {
        let visibility = match front.visibility {
            Visibility::Public => t.visibility_public,
            Visibility::Members => t.visibility_members,
        };
        row(t.meta_visibility, vec![plain(visibility.to_string())]);
        if front.status != Status::Published {
            let status = lang.status_name(front.status.as_str()).to_string();
            row(t.meta_status, vec![plain(status)]);
        }
    }
    if let Some(source) = &front.source {
        row(t.meta_source, vec![link_value(source)]);
    }
    row(
        t.meta_references,
        front.references.iter().map(|r| link_value(r)).collect(),
    );
    meta
}

/// Related write-ups: the ones the author named first, then more like this; at most 8.
fn related_views(lang: Lang, loaded: &Loaded, more: Vec<erfa_index::Hit>) -> Vec<RelatedView> {
    let t = lang.t();
    let own = &loaded.stored.record.slug;
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
        if hit.slug != *own && related.iter().all(|r| r.href != href) {
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
    related
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert!(web_url("https://example.org/a"));
        assert!(!web_url("javascript:alert(1)"));
        assert!(!web_url(" JaVaScript:alert(1)"));
        assert!(!web_url("https://x.org/\"onmouseover=alert(1)"));
        assert!(!web_url("data:text/html,x"));
    }
}

#[cfg(test)]
mod back_tests {
    use super::*;

    fn back(referer: Option<&str>, host: &str) -> String {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::HOST, host.parse().expect("a host"));
        if let Some(r) = referer {
            headers.insert(axum::http::header::REFERER, r.parse().expect("a referer"));
        }
        back_to_search(&headers)
    }

    #[test]
    fn back_to_search_returns_to_this_site_s_search_only() {
        let host = "erfa.example:8080";
        assert_eq!(
            back(
                Some("https://erfa.example:8080/?q=cab&tags=cab&page=2"),
                host
            ),
            "/?q=cab&tags=cab&page=2"
        );
        assert_eq!(back(Some("https://erfa.example:8080/"), host), "/");
        assert_eq!(back(None, host), "/");
        assert_eq!(
            back(Some("https://evil.example/?q=cab"), host),
            "/",
            "another site"
        );
        assert_eq!(
            back(Some("https://erfa.example:8080/w/change/cab"), host),
            "/",
            "not a search"
        );
        assert_eq!(
            back(Some("https://erfa.example:8080//evil.example/"), host),
            "/"
        );
        assert_eq!(back(Some("not a url"), host), "/");
    }
}
