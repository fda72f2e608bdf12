//! The write-up page: the write-up, its facts, related write-ups and members' signals;
//! its attachments; redirects from old URLs.

use askama::Template;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use erfa_accounts::{FlagReason, Signal};
use erfa_index::Scope;

use crate::access::Rank;
use crate::error::AppError;
use crate::i18n::{self};
use crate::page::{Ctx, Layout, html, moved_permanently};
use crate::query::filter_link;
use crate::writeup::{self, Lookup};

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

/// Whether a front-matter URL may become a link: only plain http(s).
fn web_url(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// `GET /w/{slug}`: a write-up, an alias redirect, or an attachment next to it.
pub(super) async fn writeup_page(ctx: Ctx, slug: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(slug)) = slug else {
        return ctx.error(AppError::not_found()).into_response();
    };
    match writeup_or_attachment(&ctx, slug).await {
        Ok(r) => r,
        Err(e) => ctx.error(e).into_response(),
    }
}

async fn writeup_or_attachment(ctx: &Ctx, slug: String) -> Result<Response, AppError> {
    let scope = ctx.scope();
    if writeup::looks_like_attachment(&slug) {
        let rest = slug.clone();
        let found = ctx
            .state
            .blocking(move |s| writeup::attachment(s, &rest, scope))
            .await?;
        let Some(file) = found else {
            return Err(AppError::not_found());
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
            .map_err(|e| AppError::internal(format!("content-disposition: {e}")))?;
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
        Lookup::Missing => return Err(AppError::not_found()),
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
