//! Logging in and out. Passwords are checked on blocking threads behind a small
//! semaphore; failed logins are throttled per account and per client address; unknown
//! names and wrong passwords get the same answer. Every login is recorded in the audit log.
//!
//! The access rule itself is in the core (`access.rs`); its types stay reachable here.

use askama::Template;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::Actor;
use serde::Deserialize;

use crate::access::{self, Credential};
use crate::error::AppError;
use crate::extract::{Form, Query};
use crate::i18n::Lang;
use crate::page::{Ctx, Layout, render};
use crate::route::Route;

pub use crate::access::{Access, Rank, allows};

/// The routes of logging in and out.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get("/login", Access::Open, "Login form", login_form),
        Route::post("/login", Access::Open, "Log in; throttled", login),
        Route::post(
            "/login/reset",
            Access::Open,
            "Ask for a password link by mail (a confirmed address; one per 15 min); one answer for every name",
            reset_by_mail,
        ),
        Route::post(
            "/logout",
            Access::Open,
            "Log out (ends the session)",
            logout,
        ),
    ]
}

/// A `next` target that stays on this site: a path, not `//host` or `/\host`.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok { next } else { "/" }
}

/// The status and message of a refused login, the same for unknown names and wrong
/// passwords.
pub(crate) fn login_refused(lang: Lang) -> (StatusCode, &'static str) {
    (StatusCode::UNAUTHORIZED, lang.t().login_failed)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    layout: Layout,
    next: String,
    name: String,
    error: Option<String>,
    /// Whether erfa sends mail (the lost-password form is offered).
    mail_on: bool,
    /// Whether a password link was just asked for.
    sent: bool,
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_form(
    ctx: Ctx,
    query: Result<Query<NextQuery>, AppError>,
) -> Result<Response, AppError> {
    if !ctx.state.logins() {
        // Local mode: the person at this machine needs no login.
        return Ok(Redirect::to("/").into_response());
    }
    let next = query.map(|q| q.0.next).unwrap_or_default();
    let template = LoginTemplate {
        layout: ctx.layout(ctx.lang.t().login_title.to_string(), "login", true),
        next: safe_next(&next).to_string(),
        name: String::new(),
        error: None,
        mail_on: ctx.state.mailer.on(),
        sent: false,
    };
    render(&template, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct ResetForm {
    #[serde(default)]
    name: String,
}

/// `POST /login/reset`: mails a link to choose a new password to the account's confirmed
/// address (`Accounts::reset_by_mail` decides). The answer is the same whether the name
/// exists, has an address or was asked for a moment ago, so it tells nobody anything.
async fn reset_by_mail(ctx: Ctx, Form(form): Form<ResetForm>) -> Result<Response, AppError> {
    if !ctx.state.logins() {
        return Ok(Redirect::to("/").into_response());
    }
    let name = form.name.trim().to_string();
    if ctx.state.mailer.on() && !name.is_empty() && name.chars().count() <= 200 {
        let asked = ctx
            .state
            .blocking(move |s| Ok(s.accounts()?.reset_by_mail(&name)?))
            .await?;
        if let Some((link, to)) = asked {
            let href = ctx.state.link(&format!("/invite/{link}"));
            ctx.state
                .mailer
                .send(&to, crate::mail::Notice::Reset, &href, &[]);
        }
    }
    let template = LoginTemplate {
        layout: ctx.layout(ctx.lang.t().login_title.to_string(), "login", true),
        next: "/".to_string(),
        name: String::new(),
        error: None,
        mail_on: ctx.state.mailer.on(),
        sent: true,
    };
    render(&template, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    ctx: Ctx,
    extensions: axum::http::Extensions,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    login_inner(&ctx, peer, &headers, form).await
}

async fn login_inner(
    ctx: &Ctx,
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    form: LoginForm,
) -> Result<Response, AppError> {
    let accounts = ctx.state.accounts()?;
    let t = ctx.lang.t();
    let next = safe_next(&form.next).to_string();
    let address = access::client_address(peer, headers, &ctx.state.config.trusted_proxies);
    let refuse = |status: StatusCode, message: &str| {
        let template = LoginTemplate {
            layout: ctx.layout(t.login_title.to_string(), "login", true),
            next: next.clone(),
            name: form.name.clone(),
            error: Some(message.to_string()),
            mail_on: ctx.state.mailer.on(),
            sent: false,
        };
        render(&template, status)
    };
    if ctx.state.guards.throttle.blocked(&form.name, address) {
        ctx.state.metrics.login_failed();
        return refuse(StatusCode::TOO_MANY_REQUESTS, t.login_throttled);
    }
    let name = form.name.clone();
    let password = form.password.clone();
    let verified = access::hashing(&ctx.state, move |a| a.verify_password(&name, &password))
        .await?
        .map_err(AppError::from)?;
    let Some(user) = verified else {
        ctx.state.guards.throttle.failed(&form.name, address);
        ctx.state.metrics.login_failed();
        let (status, message) = login_refused(ctx.lang);
        return refuse(status, message);
    };
    ctx.state.guards.throttle.succeeded(&form.name);
    let old = match &ctx.viewer.credential {
        Credential::Session(id) => Some(id.clone()),
        _ => access::cookie(headers, access::session_cookie_name(&ctx.state)).map(str::to_string),
    };
    let session = tokio::task::spawn_blocking(move || {
        // A new id at every login: a session id planted before login is worthless.
        if let Some(old) = old {
            accounts.end_session(&old)?;
        }
        accounts.audit_user(&Actor::account(&user), "login", &user)?;
        accounts.create_session(&user)
    })
    .await
    .map_err(|e| AppError::internal(format!("login task: {e}")))?
    .map_err(AppError::from)?;
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        access::session_cookie(&ctx.state, &session),
    );
    Ok(response)
}

async fn logout(ctx: Ctx) -> Response {
    if let (Some(accounts), Credential::Session(id), Some(user)) = (
        ctx.state.accounts.clone(),
        ctx.viewer.credential.clone(),
        ctx.viewer.user.clone(),
    ) {
        let ended = tokio::task::spawn_blocking(move || {
            accounts.end_session(&id)?;
            accounts.audit_user(&Actor::account(&user), "logout", &user)
        })
        .await;
        if !matches!(ended, Ok(Ok(()))) {
            return AppError::internal("ending a session failed").into_response();
        }
    }
    let mut response = Redirect::to("/login").into_response();
    if ctx.state.logins() {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, access::clear_session_cookie(&ctx.state));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_here() {
        assert_eq!(safe_next("/w/x?q=1"), "/w/x?q=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "x",
            "/\n",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
