//! The site's small files and switches: the style sheet, script and icon, `robots.txt`,
//! and the interface language.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::Access;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::i18n::{self, Lang};
use crate::page::Ctx;
use crate::route::Route;
use crate::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/robots.txt",
            Access::Open,
            "Crawlers: public pages only",
            robots,
        ),
        Route::get(
            "/lang/{code}",
            Access::Open,
            "Remember the interface language",
            switch_language,
        ),
        Route::get(
            "/static/{name}",
            Access::Open,
            "Style sheet, script, icon",
            static_file,
        ),
        Route::get("/favicon.ico", Access::Open, "The icon", favicon),
    ]
}

/// `GET /static/{name}`.
async fn static_file(
    ctx: Ctx,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(asset) = ctx.state.assets.get(&name) else {
        return Err(AppError::not_found());
    };
    let etag = format!("\"{}\"", asset.etag);
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    let etag_value = HeaderValue::from_str(&etag).expect("a hex etag is a valid header");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response())
}

/// `GET /robots.txt`: only public pages may be crawled: the home page, browse and
/// write-up pages (members-only write-ups answer 404 to anonymous crawlers and carry
/// `noindex` anyway).
async fn robots() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        "User-agent: *\nAllow: /$\nAllow: /w/\nAllow: /browse$\nAllow: /static/\nDisallow: /\n",
    )
        .into_response()
}

/// `GET /favicon.ico`: browsers ask for it; the icon is an SVG.
async fn favicon(State(state): State<AppState>) -> Response {
    Redirect::permanent(&state.assets.url("icon.svg")).into_response()
}

#[derive(Debug, Deserialize)]
struct Next {
    #[serde(default)]
    next: Option<String>,
}

/// A local path to come back to: starts with one `/`, no scheme, no host.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// `GET /lang/{da|en}?next=/path`: remembers the language in a cookie and goes back.
async fn switch_language(
    code: Result<Path<String>, AppError>,
    next: Result<Query<Next>, AppError>,
) -> Result<Response, AppError> {
    let Some(lang) = code.ok().and_then(|Path(c)| Lang::parse(&c)) else {
        return Err(AppError::not_found());
    };
    let next = next.ok().and_then(|Query(n)| n.next);
    let target = safe_next(next.as_deref());
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        i18n::COOKIE_NAME,
        lang.code()
    );
    let mut response = Redirect::to(&target).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    *response.status_mut() = StatusCode::SEE_OTHER;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/?q=cab")), "/?q=cab");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
