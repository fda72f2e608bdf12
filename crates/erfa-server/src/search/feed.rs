//! The Atom feed and the OpenSearch description.

use askama::Template;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use erfa_index::Sort;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::page::{Ctx, Layout, html};

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
pub(super) async fn feed(ctx: Ctx) -> Result<Response, AppError> {
    let scope = ctx.scope();
    let results = ctx
        .state
        .blocking(move |s| {
            let mut request =
                erfa_index::SearchRequest::new("", scope).filter("status", "published");
            request.sort = Sort::Newest;
            request.per_page = 30;
            request.facets = false;
            s.search(&request)
        })
        .await?;
    let lang = ctx.lang;
    let entries: Vec<FeedEntry> = results
        .hits
        .into_iter()
        .map(|h| FeedEntry {
            updated: atom_date(h.published.as_deref().or(h.date.as_deref())),
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
    let xml = template.render()?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "opensearch.xml")]
struct OpenSearchTemplate {
    base: String,
    description: &'static str,
}

/// `GET /opensearch.xml`: lets a browser add erfa as a search engine.
pub(super) async fn opensearch(ctx: Ctx) -> Result<Response, AppError> {
    let template = OpenSearchTemplate {
        base: ctx.base_url(),
        description: ctx.lang.t().opensearch_description,
    };
    let xml = template.render()?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/opensearchdescription+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

/// The feed page's words.
struct FeedWords {
    title: &'static str,
    intro: &'static str,
    steps: [&'static str; 3],
    public_heading: &'static str,
    public_text: &'static str,
    local_heading: &'static str,
    local_text: &'static str,
    personal_heading: &'static str,
    personal_text: &'static str,
    readers_heading: &'static str,
    readers_text: &'static str,
}

const FEED_EN: FeedWords = FeedWords {
    title: "Follow erfa in a feed reader",
    intro: "A feed reader shows new write-ups as they are published, so you need not visit erfa to see what is new. Give your reader erfa's feed address:",
    steps: [
        "Copy the address below.",
        "In your feed reader, choose “Add feed” or “Subscribe” and paste the address.",
        "New published write-ups appear in the reader the next time it checks.",
    ],
    public_heading: "The public feed",
    public_text: "Public write-ups only, for anyone:",
    local_heading: "The feed on this machine",
    local_text: "Every published write-up erfa shows you here:",
    personal_heading: "Your personal feed",
    personal_text: "Members-only write-ups too. Create your personal address here; it is shown once, with a button that copies it.",
    readers_heading: "Feed readers",
    readers_text: "Most mail programs (Thunderbird, Outlook) and many apps (NetNewsWire, Feedly, Inoreader) read feeds. erfa's feed is Atom, which they all understand.",
};

const FEED_DA: FeedWords = FeedWords {
    title: "Følg erfa i en feedlæser",
    intro: "En feedlæser viser nye erfaringer, når de offentliggøres, så du ikke behøver at besøge erfa for at se, hvad der er nyt. Giv din feedlæser erfas feedadresse:",
    steps: [
        "Kopiér adressen herunder.",
        "Vælg “Tilføj feed” eller “Abonnér” i din feedlæser, og indsæt adressen.",
        "Nye offentliggjorte erfaringer dukker op i feedlæseren, næste gang den henter.",
    ],
    public_heading: "Det offentlige feed",
    public_text: "Kun offentlige erfaringer, for alle:",
    local_heading: "Feedet på denne maskine",
    local_text: "Alle offentliggjorte erfaringer, som erfa viser dig her:",
    personal_heading: "Dit personlige feed",
    personal_text: "Også erfaringer kun for medlemmer. Opret din personlige adresse her; den vises én gang, med en knap, der kopierer den.",
    readers_heading: "Feedlæsere",
    readers_text: "De fleste mailprogrammer (Thunderbird, Outlook) og mange apps (NetNewsWire, Feedly, Inoreader) kan læse feeds. erfas feed er Atom, som de alle forstår.",
};

#[derive(Template)]
#[template(path = "feed_page.html")]
struct FeedPageTemplate {
    layout: Layout,
    w: &'static FeedWords,
    shared_url: Option<String>,
    shared_heading: &'static str,
    shared_text: &'static str,
    personal: bool,
    personal_url: Option<String>,
}

fn feed_page_with(ctx: &Ctx, personal_url: Option<String>) -> Result<Response, AppError> {
    let w = match ctx.lang {
        Lang::En => &FEED_EN,
        Lang::Da => &FEED_DA,
    };
    let logins = ctx.state.logins();
    // With logins, the address without a token shows public write-ups only: offered
    // only where the site has them.
    let shared_url =
        (!logins || ctx.state.public_access()).then(|| format!("{}/feed.atom", ctx.base_url()));
    let (shared_heading, shared_text) = if logins {
        (w.public_heading, w.public_text)
    } else {
        (w.local_heading, w.local_text)
    };
    html(&FeedPageTemplate {
        layout: ctx.layout(w.title.to_string(), "feed", true),
        w,
        shared_url,
        shared_heading,
        shared_text,
        personal: logins && ctx.viewer.user.is_some(),
        personal_url,
    })
}

/// `GET /feed`: following erfa in a feed reader, with the addresses to give it.
pub(super) async fn feed_page(ctx: Ctx) -> Result<Response, AppError> {
    feed_page_with(&ctx, None)
}

/// `POST /feed/personal`: a new personal feed address, shown once with a copy button.
pub(super) async fn feed_page_new(ctx: Ctx) -> Result<Response, AppError> {
    let token = crate::access::new_token(
        &ctx.state,
        &ctx.viewer,
        ctx.lang.t().error_401_text,
        erfa_accounts::TokenKind::Feed,
    )
    .await?;
    let url = format!("{}/feed.atom?token={token}", ctx.base_url());
    feed_page_with(&ctx, Some(url))
}
