//! A member's printable digest.

use super::*;

#[derive(Debug, Default, Deserialize)]
pub(super) struct DigestQuery {
    #[serde(default)]
    meeting: String,
    #[serde(default)]
    slug: Vec<String>,
}

struct DigestItem {
    title: String,
    summary: Option<String>,
    kind: String,
    date: String,
    practices: String,
    confidential: bool,
    language: &'static str,
    html: String,
}

#[derive(Template)]
#[template(path = "digest.html")]
struct DigestTemplate {
    layout: Layout,
    /// The meetings to choose from, newest first: (id, label).
    meetings: Vec<(String, String)>,
    meeting: String,
    items: Vec<DigestItem>,
    any_confidential: bool,
    /// What the printed header names: the meeting.
    print_heading: String,
    /// The day it is printed.
    printed: String,
}

/// `GET /digest`: write-ups of one meeting (or chosen by `slug`), as the viewer may read
/// them, printable; never the organisation or the authors.
pub(super) async fn digest(
    ctx: Ctx,
    Query(query): Query<DigestQuery>,
) -> Result<Response, AppError> {
    let scope = ctx.scope();
    let lang = ctx.lang;
    let meeting = query.meeting.trim().to_string();
    let wanted = meeting.clone();
    let (meetings, items) = blocking(&ctx.state, move |s| {
        let mut request = SearchRequest::new("", scope).filter("status", "published");
        request.per_page = erfa_index::search::MAX_PER_PAGE;
        request.snippets = false;
        // Every meeting to choose from, not only the most frequent.
        request.facet_limit = usize::MAX;
        let facets = s.engine.search(&request)?;
        let mut meetings: Vec<String> = facets
            .facets
            .get("meeting")
            .map(|v| v.iter().map(|f| f.value.clone()).collect())
            .unwrap_or_default();
        let list = s.meetings();
        meetings::sort_newest_first(list.as_ref().as_ref(), &mut meetings, |m| m);
        let meetings: Vec<(String, String)> = meetings
            .into_iter()
            .map(|m| {
                let label = meetings::label(list.as_ref().as_ref(), &m);
                (m, label)
            })
            .collect();
        let mut slugs: Vec<String> = query.slug.iter().map(|s| s.trim().to_string()).collect();
        if slugs.is_empty() && !wanted.is_empty() {
            let mut request = SearchRequest::new("", scope)
                .filter("status", "published")
                .filter("meeting", &wanted);
            request.sort = Sort::Newest;
            request.per_page = erfa_index::search::MAX_PER_PAGE;
            request.facets = false;
            request.snippets = false;
            slugs = s
                .engine
                .search(&request)?
                .hits
                .into_iter()
                .map(|h| h.slug)
                .collect();
        }
        let mut items = Vec::new();
        for slug in slugs.iter().take(100) {
            // The same check as the write-up page: what the viewer may not read is
            // left out as if it did not exist.
            let Some(stored) = s.engine.get(slug, scope)? else {
                continue;
            };
            let record = &stored.record;
            let front = &record.front;
            let base = crate::render::Base::new(&record.slug, &record.path);
            items.push(DigestItem {
                title: front.title.clone(),
                summary: front.summary.clone(),
                kind: lang.facet_value("kind", front.kind.as_str()),
                date: front.date.map(|d| d.to_string()).unwrap_or_default(),
                practices: front
                    .practices
                    .iter()
                    .map(|p| i18n::practice_name(p))
                    .collect::<Vec<_>>()
                    .join(", "),
                confidential: front.visibility.as_str() != "public",
                language: record.language.as_str(),
                html: crate::render::writeup_html(&stored.markdown, &base),
            });
        }
        Ok((meetings, items))
    })
    .await?;
    let t = lang.t();
    let list = ctx.state.meetings();
    let named = list.as_ref().as_ref().and_then(|l| l.get(&meeting));
    let template = DigestTemplate {
        layout: ctx.layout(t.desk_digest.to_string(), "digest", false),
        any_confidential: items.iter().any(|i| i.confidential),
        print_heading: match named {
            Some(m) => format!("{} · {}", t.desk_digest, meetings::describe(m)),
            None if meeting.is_empty() => t.desk_digest.to_string(),
            None => format!("{} · {} {meeting}", t.desk_digest, t.facet_meeting),
        },
        printed: crate::clock::danish_today(),
        meetings,
        meeting,
        items,
    };
    render(&template, StatusCode::OK)
}
