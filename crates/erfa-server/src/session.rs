//! The session layers every request passes.
//!
//! [`authenticate`] works out the [`Viewer`] once per request (from a session cookie, an
//! `Authorization: Bearer` token, a personal feed token, or nobody) and puts it in the
//! request's extensions (and the answer's, for the edge).
//!
//! Unsafe methods pass [`csrf`] first: a browser's `Sec-Fetch-Site` must say
//! `same-origin` or `none`, or else the `Origin` must be this host; a request that names
//! neither is accepted only when it carries no session cookie.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use erfa_accounts::TokenKind;

use crate::access::{Credential, Viewer, clear_session_cookie, cookie, session_cookie_name};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// The feed token of a `/feed.atom?token=…` or `/news.atom?token=…` request.
fn feed_token(request: &Request) -> Option<String> {
    if !matches!(request.uri().path(), "/feed.atom" | "/news.atom") {
        return None;
    }
    form_urlencoded::parse(request.uri().query()?.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// Works out the viewer, stores it in the request, and marks the answer private when a
/// person is logged in.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(accounts) = state.accounts.clone().filter(|_| state.logins()) else {
        let viewer = Viewer::fixed(state.config.scope);
        request.extensions_mut().insert(viewer.clone());
        let mut response = next.run(request).await;
        response.extensions_mut().insert(viewer);
        return response;
    };
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let session = cookie(headers, session_cookie_name(&state)).map(str::to_string);
    let feed = feed_token(&request);
    let proxied = sso_user(&state, &request);
    let lookup = tokio::task::spawn_blocking(move || -> Result<LookedUp, erfa_accounts::Error> {
        if let Some(value) = bearer {
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .map(str::trim)
                .unwrap_or_default();
            if let Some(user) = accounts.token_user(token, TokenKind::Api)? {
                return Ok(LookedUp::Viewer(Viewer::user(user, Credential::Token)));
            }
            // A metrics token names nobody: anonymous everywhere but `/metrics`, and only
            // while its owner is the facilitator.
            return Ok(match accounts.token_user(token, TokenKind::Metrics)? {
                Some(user) if user.role == erfa_accounts::Role::Facilitator => {
                    LookedUp::Viewer(Viewer {
                        credential: Credential::Metrics,
                        ..Viewer::anonymous()
                    })
                }
                _ => LookedUp::BadToken,
            });
        }
        if let Some(name) = proxied {
            // The name is found as at login (normalised); a locked account is refused.
            return Ok(match accounts.user(&name)? {
                Some(user) if user.locked => LookedUp::LockedProxyUser,
                Some(user) => LookedUp::Viewer(Viewer::user(user, Credential::Proxy)),
                None => LookedUp::UnknownProxyUser,
            });
        }
        if let Some(token) = feed {
            return Ok(match accounts.token_user(&token, TokenKind::Feed)? {
                Some(user) => LookedUp::Viewer(Viewer::user(user, Credential::Feed)),
                None => LookedUp::BadToken,
            });
        }
        if let Some(id) = session {
            return Ok(match accounts.session_user(&id)? {
                Some(user) => LookedUp::Viewer(Viewer::user(user, Credential::Session(id))),
                None => LookedUp::StaleSession,
            });
        }
        Ok(LookedUp::Viewer(Viewer::anonymous()))
    })
    .await;
    let looked_up = match lookup {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return AppError::internal(format!("account lookup: {e}")).into_response(),
        Err(e) => return AppError::internal(format!("account lookup: {e}")).into_response(),
    };
    let (viewer, clear_cookie) = match looked_up {
        LookedUp::Viewer(viewer) => (viewer, false),
        LookedUp::StaleSession => (Viewer::anonymous(), true),
        refused @ (LookedUp::UnknownProxyUser | LookedUp::LockedProxyUser) => {
            let lang = Lang::negotiate(request.headers());
            let error = match refused {
                LookedUp::LockedProxyUser => AppError::Forbidden {
                    code: "locked",
                    message: lang.t().sso_locked.to_string(),
                },
                _ => AppError::Forbidden {
                    code: "unknown_user",
                    message: lang.t().sso_unknown.to_string(),
                },
            };
            return error.into_response();
        }
        LookedUp::BadToken => {
            let error = AppError::Unauthorized(
                "the token is unknown or was revoked; create a new one on your account page"
                    .to_string(),
            );
            let mut response = error.into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    };
    let logged_in = viewer.logged_in();
    // Static assets are the same for everyone and keep their long public caching.
    let path_is_static = request.uri().path().starts_with(crate::assets::PREFIX);
    request.extensions_mut().insert(viewer.clone());
    let mut response = next.run(request).await;
    // The edge (`security::edge`) renders error pages for answers that carry only a
    // status; it learns the viewer here, as it runs outside this layer.
    response.extensions_mut().insert(viewer);
    let h = response.headers_mut();
    if logged_in && !path_is_static {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    h.append(header::VARY, HeaderValue::from_static("Cookie"));
    h.append(header::VARY, HeaderValue::from_static("Authorization"));
    if clear_cookie {
        h.append(header::SET_COOKIE, clear_session_cookie(&state));
    }
    response
}

enum LookedUp {
    Viewer(Viewer),
    StaleSession,
    BadToken,
    UnknownProxyUser,
    LockedProxyUser,
}

/// The user a trusted proxy names in the single-sign-on header, when single sign-on is
/// configured and the request comes from one of the trusted proxies.
fn sso_user(state: &AppState, request: &Request) -> Option<String> {
    let header_name = state.config.sso_header.as_ref()?;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !state.config.trusted_proxies.contains(&peer) {
        return None;
    }
    let name = request.headers().get(header_name)?.to_str().ok()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Refuses state-changing requests that a browser made for another site.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let verdict = match headers.get("sec-fetch-site").map(HeaderValue::to_str) {
        Some(Ok("same-origin" | "none")) => true,
        Some(_) => false,
        None => match headers.get(header::ORIGIN) {
            Some(origin) => same_origin(origin, headers.get(header::HOST)),
            // Not a browser, or a very old one: only requests without ambient
            // credentials (a session cookie, or a proxy's single sign-on) may go without
            // either header: logins, Bearer tokens.
            None => {
                cookie(headers, session_cookie_name(&state)).is_none()
                    && sso_user(&state, &request).is_none()
            }
        },
    };
    if verdict {
        return next.run(request).await;
    }
    let lang = Lang::negotiate(headers);
    let error = AppError::Forbidden {
        code: "csrf",
        message: lang.t().csrf_refused.to_string(),
    };
    error.into_response()
}

/// Whether `Origin` names the host the request was sent to.
fn same_origin(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), host.map(HeaderValue::to_str)) else {
        return false;
    };
    let Some((_, rest)) = origin.split_once("://") else {
        return false;
    };
    rest.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let host = HeaderValue::from_static("erfa.example:8443");
        assert!(same_origin(
            &HeaderValue::from_static("https://erfa.example:8443"),
            Some(&host)
        ));
        assert!(!same_origin(
            &HeaderValue::from_static("https://evil.example"),
            Some(&host)
        ));
        assert!(!same_origin(&HeaderValue::from_static("null"), Some(&host)));
        assert!(!same_origin(
            &HeaderValue::from_static("https://erfa.example:8443"),
            None
        ));
    }
}
