//! The page frame every HTML page shares: the request context ([`Ctx`]), the layout
//! around each page ([`Layout`]), rendering, and error pages.

use std::convert::Infallible;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use erfa_index::Scope;

use crate::access::Viewer;
use crate::error::AppError;
use crate::i18n::{Lang, Strings};
use crate::state::AppState;

/// What every page handler needs from the request.
pub(crate) struct Ctx {
    pub(crate) state: AppState,
    pub(crate) lang: Lang,
    /// Who is asking.
    pub(crate) viewer: Viewer,
    /// Path and query of this request, for the language switch to come back to.
    here: String,
    /// The `Host` the request named (checked by local mode when it applies).
    host: Option<String>,
    /// How many News items the logged-in member has not read (pages show it in the
    /// header); `None` for API calls, posts and viewers without an account.
    news_unread: Option<usize>,
}

/// The unread count of the viewer's News, for page views (`GET` of a page, not of the
/// API, a feed or an asset) by a member logged in with a session. A failure only costs
/// the count. Computed off the async threads, like every read of state.db.
async fn news_unread(parts: &Parts, state: &AppState, viewer: &Viewer) -> Option<usize> {
    let path = parts.uri.path();
    if parts.method != axum::http::Method::GET
        || path.starts_with("/api")
        || path.starts_with("/assets")
        || path.ends_with(".atom")
        || !matches!(viewer.credential, crate::access::Credential::Session(_))
        || viewer.rank < crate::access::Rank::Member
    {
        return None;
    }
    let account = viewer.user.as_ref()?.id;
    let scope = viewer.scope();
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let accounts = state.accounts().ok()?;
        crate::news_items::unread(&state, &accounts, account, scope).ok()
    })
    .await
    .ok()
    .flatten()
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::of(&parts.extensions);
        Ok(Ctx {
            news_unread: news_unread(parts, state, &viewer).await,
            state: state.clone(),
            lang: Lang::negotiate(&parts.headers),
            viewer,
            here: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
            host: parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string),
        })
    }
}

impl Ctx {
    pub(crate) fn layout(&self, title: String, nav: &'static str, public_page: bool) -> Layout {
        Layout::new(
            &self.state,
            self.lang,
            &self.viewer,
            title,
            nav,
            public_page,
            &self.here,
            self.news_unread,
        )
    }

    /// The viewer's search scope.
    pub(crate) fn scope(&self) -> Scope {
        self.viewer.scope()
    }

    /// The absolute base URL for feeds and OpenSearch: the state's, except in local mode
    /// without `public_url`, where the request's `Host` (checked to be a loopback name)
    /// is the address the person at the machine uses.
    pub(crate) fn base_url(&self) -> String {
        match (&self.host, self.state.config.local) {
            (Some(host), true) if self.state.config.public_url.is_none() => {
                format!("http://{host}")
            }
            _ => self.state.base_url(),
        }
    }
}

/// Shared parts of every page.
pub(crate) struct Layout {
    pub(crate) t: &'static Strings,
    /// The logged-in user's name.
    pub(crate) user: Option<String>,
    /// Whether to offer a login link (accounts exist, nobody is logged in).
    pub(crate) offer_login: bool,
    /// Whether the viewer may search (not so for anonymous visitors without public
    /// access: they are only offered the login).
    pub(crate) can_search: bool,
    /// Whether to link the people page (facilitator with accounts).
    pub(crate) people: bool,
    /// Whether to link the facilitator's desk.
    pub(crate) admin: bool,
    /// Whether to link the digest (members and up).
    pub(crate) member: bool,
    /// Whether to link the form for sharing an experience (contributors and up).
    pub(crate) share: bool,
    pub(crate) title: String,
    pub(crate) local: bool,
    pub(crate) noindex: bool,
    pub(crate) css: String,
    pub(crate) js: String,
    pub(crate) icon: String,
    pub(crate) switch_href: String,
    pub(crate) switch_lang: &'static str,
    pub(crate) nav: &'static str,
    /// The unread count of the member's News, shown by its link in the header.
    pub(crate) news: Option<usize>,
}

impl Layout {
    #[allow(clippy::too_many_arguments)]
    fn new(
        state: &AppState,
        lang: Lang,
        viewer: &Viewer,
        title: String,
        nav: &'static str,
        public_page: bool,
        here: &str,
        news: Option<usize>,
    ) -> Layout {
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        Layout {
            t: lang.t(),
            user: viewer.name().map(str::to_string),
            offer_login: state.logins() && !viewer.logged_in(),
            can_search: crate::access::allows(
                crate::access::Access::Public,
                viewer.rank,
                state.public_access(),
            ),
            people: state.logins() && viewer.rank == crate::access::Rank::Facilitator,
            admin: viewer.rank == crate::access::Rank::Facilitator,
            member: viewer.rank >= crate::access::Rank::Member,
            share: viewer.rank >= crate::access::Rank::Contributor,
            title: if title.is_empty() {
                "erfa".to_string()
            } else {
                format!("{title} · erfa")
            },
            local: state.config.local,
            // Pages rendered for members or the facilitator stay out of search engines.
            noindex: !(public_page && viewer.scope() == Scope::Public),
            css: state.assets.url("app.css"),
            js: state.assets.url("app.js"),
            icon: state.assets.url("icon.svg"),
            switch_href: format!("/lang/{}?next={next}", lang.other().code()),
            switch_lang: lang.other().code(),
            nav,
            news,
        }
    }
}

/// The page that asks before an action that cannot be undone: what it is about, what it
/// does, a button that posts the same form again with `confirm=yes`, and a way back.
#[derive(Template)]
#[template(path = "confirm.html")]
pub(crate) struct ConfirmTemplate {
    pub(crate) layout: Layout,
    pub(crate) heading: &'static str,
    /// What the action is about (an account, a write-up).
    pub(crate) subject: String,
    /// What the action does, and that it cannot be undone.
    pub(crate) text: &'static str,
    /// Where the confirmed form posts.
    pub(crate) action: String,
    /// The form's other fields, sent again.
    pub(crate) fields: Vec<(String, String)>,
    /// The confirming button.
    pub(crate) confirm: &'static str,
    /// Where "Cancel" goes.
    pub(crate) cancel_href: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    layout: Layout,
    status: u16,
    heading: &'static str,
    message: String,
}

/// Renders `error` as an HTML page with its status. Only the edge calls this
/// (`security::edge`); everything else answers with the [`AppError`] itself.
pub(crate) fn error_page(
    state: &AppState,
    lang: Lang,
    viewer: Viewer,
    error: &AppError,
) -> Response {
    let t = lang.t();
    let (heading, message) = match error {
        AppError::NotFound(_) => (t.error_404, t.error_404_text.to_string()),
        AppError::BadRequest { message, .. } => (t.error_400, message.clone()),
        AppError::Forbidden { message, .. } => (t.error_403, message.clone()),
        AppError::Unauthorized(_) => (t.error_401, t.error_401_text.to_string()),
        AppError::TooManyRequests(message) => (t.error_429, message.clone()),
        AppError::MethodNotAllowed => (t.error_405, String::new()),
        AppError::RequestTimeout => (t.error_408, t.error_408_text.to_string()),
        AppError::PayloadTooLarge => (t.error_413, t.error_413_text.to_string()),
        AppError::UriTooLong => (t.error_414, t.error_414_text.to_string()),
        AppError::Status(_) => (t.error_400, error.public_message()),
        AppError::QueryTooLong(message) => (t.error_414, message.clone()),
        AppError::InsufficientStorage(_) => (t.error_507, t.error_507_text.to_string()),
        AppError::Busy => (t.error_503, t.error_503_text.to_string()),
        AppError::Internal(_) => (t.error_500, t.error_500_text.to_string()),
    };
    let page = ErrorTemplate {
        layout: Layout::new(
            state,
            lang,
            &viewer,
            heading.to_string(),
            "",
            false,
            "/",
            None,
        ),
        status: error.status().as_u16(),
        heading,
        message,
    };
    match page.render() {
        Ok(html) => (error.status(), Html(html)).into_response(),
        Err(e) => {
            tracing::error!(cause = %e, "rendering the error page");
            (error.status(), "error").into_response()
        }
    }
}

/// A rendered page with `200 OK`.
pub(crate) fn html(template: &impl Template) -> Result<Response, AppError> {
    render(template, StatusCode::OK)
}

/// A rendered page with `status`; it varies with the language and the viewer.
pub(crate) fn render(template: &impl Template, status: StatusCode) -> Result<Response, AppError> {
    let html = template.render()?;
    Ok((
        status,
        [(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        )],
        Html(html),
    )
        .into_response())
}

/// `301 Moved Permanently` to `location` (old URLs of a write-up: aliases, other
/// spellings), the redirect search engines and bookmarks follow best.
pub(crate) fn moved_permanently(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
