//! Pages about people: the member's own account (personal feed and API tokens), the
//! facilitator's people page (invite, change role, reset link, offboard) and the one-time
//! links that invitations and resets send.
//!
//! Passwords are checked on blocking threads behind a small semaphore. Every change is
//! recorded in the audit log.

use askama::Template;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{Actor, Link, LinkPurpose, PendingLink, Role, TokenKind, User};
use serde::Deserialize;

use crate::access::{self, Access, Credential, Rank};
use crate::error::AppError;
use crate::extract::{Form, Path};
use crate::page::{ConfirmTemplate, Ctx, Layout, render};
use crate::route::Route;

mod email;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    let mut routes = email::routes();
    routes.extend(vec![
        Route::get(
            "/invite/{link}",
            Access::Open,
            "Accept an invitation or a password reset",
            link_form,
        ),
        Route::post(
            "/invite/{link}",
            Access::Open,
            "Create the account or set the password",
            link_use,
        ),
        Route::get(
            "/account",
            Access::Member,
            "Own account: feed, API tokens, e-mail, what one follows, password",
            account,
        ),
        Route::post(
            "/account/feed",
            Access::Member,
            "Create a personal feed address",
            account_feed,
        ),
        Route::post(
            "/account/token",
            Access::Member,
            "Create an API token",
            account_token,
        ),
        Route::post(
            "/account/password",
            Access::Member,
            "Change one's own password; other sessions end",
            account_password,
        ),
        Route::get(
            "/admin/people",
            Access::Facilitator,
            "People: invite, roles, reset, offboard, open links, last logins",
            people,
        ),
        Route::post(
            "/admin/people/invite",
            Access::Facilitator,
            "Create an invitation link; with `email=` erfa also mails it",
            people_invite,
        ),
        Route::post(
            "/admin/people/{name}/role",
            Access::Facilitator,
            "Change a role",
            people_role,
        ),
        Route::post(
            "/admin/people/{name}/reset",
            Access::Facilitator,
            "Create a password reset link; mailed to a confirmed address too",
            people_reset,
        ),
        Route::post(
            "/admin/people/{name}/email",
            Access::Facilitator,
            "Set or remove a member's e-mail address; a new one gets a verification link",
            people_email,
        ),
        Route::post(
            "/admin/people/{name}/offboard",
            Access::Facilitator,
            "Remove an account, its sessions and tokens (asks first; `confirm=yes` does it)",
            people_offboard,
        ),
        Route::post(
            "/admin/people/links/{id}/withdraw",
            Access::Facilitator,
            "Withdraw an invitation or reset link nobody has used",
            people_withdraw,
        ),
    ]);
    routes
}

/// The absolute URL of a path on this server, for links to send by mail.
fn absolute(ctx: &Ctx, path: &str) -> String {
    format!("{}{path}", ctx.base_url())
}

// ---------------------------------------------------------------------------------------
// One-time links

#[derive(Template)]
#[template(path = "invite.html")]
struct LinkTemplate {
    layout: Layout,
    heading: &'static str,
    action: String,
    /// Whether the visitor chooses a name (an invitation) or it is fixed (a reset).
    choose_name: bool,
    fixed_name: String,
    name: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LinkForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

async fn link_form(ctx: Ctx, Path(link): Path<String>) -> Result<Response, AppError> {
    link_page(&ctx, &link, None, None, StatusCode::OK).await
}

async fn link_page(
    ctx: &Ctx,
    link: &str,
    name: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let accounts = ctx.state.accounts()?;
    let t = ctx.lang.t();
    let secret = link.to_string();
    let found = tokio::task::spawn_blocking(move || accounts.link(&secret))
        .await
        .map_err(|e| AppError::internal(format!("link task: {e}")))?
        .map_err(AppError::from)?;
    let Some(found) = found else {
        return Err(AppError::NotFound(t.link_bad.to_string()));
    };
    let (title, choose_name, fixed_name) = match found {
        Link::Invite { .. } => (t.invite_title, true, String::new()),
        Link::Reset { name, .. } => (t.reset_title, false, name),
    };
    let template = LinkTemplate {
        layout: ctx.layout(title.to_string(), "", false),
        heading: title,
        action: format!("/invite/{link}"),
        choose_name,
        fixed_name,
        name: name.unwrap_or_default(),
        error,
    };
    render(&template, status)
}

async fn link_use(
    ctx: Ctx,
    Path(link): Path<String>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    if form.password != form.password_again {
        return link_page(
            &ctx,
            &link,
            Some(form.name),
            Some(t.passwords_differ.to_string()),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let secret = link.clone();
    let name = form.name.clone();
    let password = form.password.clone();
    let used = access::hashing(&ctx.state, move |a| {
        let user = a.use_link(&secret, &name, &password)?;
        a.audit_user(&Actor::account(&user), "link.use", &user)?;
        let session = a.create_session(&user)?;
        Ok::<_, erfa_accounts::Error>(session)
    })
    .await?;
    match used {
        Ok(session) => {
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                access::session_cookie(&ctx.state, &session),
            );
            Ok(response)
        }
        Err(erfa_accounts::Error::BadLink) => Err(AppError::NotFound(t.link_bad.to_string())),
        Err(
            e @ (erfa_accounts::Error::WeakPassword
            | erfa_accounts::Error::BadName(_)
            | erfa_accounts::Error::UserExists(_)),
        ) => {
            link_page(
                &ctx,
                &link,
                Some(form.name),
                Some(e.to_string()),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// The member's own account

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate {
    layout: Layout,
    name: String,
    role: &'static str,
    feed_url: Option<String>,
    token: Option<String>,
    notice: Option<&'static str>,
    password_error: Option<&'static str>,
    /// The e-mail section.
    email: email::EmailSection,
    /// What the member follows (none without an account).
    follow: Option<crate::follows::FollowsSection>,
}

fn role_name(t: &crate::i18n::Strings, rank: Rank) -> &'static str {
    match rank {
        Rank::Anonymous => "",
        Rank::Member => t.role_member,
        Rank::Contributor => t.role_contributor,
        Rank::Facilitator => t.role_facilitator,
    }
}

/// What the account page shows besides the account: a secret made just now, or the
/// outcome of a password change.
#[derive(Default)]
struct AccountExtras {
    feed_url: Option<String>,
    token: Option<String>,
    notice: Option<&'static str>,
    password_error: Option<&'static str>,
}

async fn account_page(
    ctx: &Ctx,
    extras: AccountExtras,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let email = email::on_account_page(ctx).await?;
    let follow = crate::follows::FollowsSection::of_viewer(ctx, "account").await?;
    let template = AccountTemplate {
        email,
        follow,
        layout: ctx.layout(t.account_title.to_string(), "account", false),
        name: ctx.viewer.name().unwrap_or_default().to_string(),
        role: role_name(t, ctx.viewer.rank),
        feed_url: extras.feed_url,
        token: extras.token,
        notice: extras.notice,
        password_error: extras.password_error,
    };
    render(&template, status)
}

async fn account(ctx: Ctx) -> Result<Response, AppError> {
    if !ctx.state.logins() {
        return Ok(Redirect::to("/").into_response());
    }
    account_page(&ctx, AccountExtras::default(), StatusCode::OK).await
}

async fn new_token(ctx: &Ctx, kind: TokenKind) -> Result<String, AppError> {
    crate::access::new_token(&ctx.state, &ctx.viewer, ctx.lang.t().error_401_text, kind).await
}

async fn account_feed(ctx: Ctx) -> Result<Response, AppError> {
    let token = new_token(&ctx, TokenKind::Feed).await?;
    let url = absolute(&ctx, &format!("/feed.atom?token={token}"));
    let extras = AccountExtras {
        feed_url: Some(url),
        ..AccountExtras::default()
    };
    account_page(&ctx, extras, StatusCode::OK).await
}

async fn account_token(ctx: Ctx) -> Result<Response, AppError> {
    let token = new_token(&ctx, TokenKind::Api).await?;
    let extras = AccountExtras {
        token: Some(token),
        ..AccountExtras::default()
    };
    account_page(&ctx, extras, StatusCode::OK).await
}

/// The account page again, with `message` about the password form.
async fn refuse_password(ctx: &Ctx, message: &'static str) -> Result<Response, AppError> {
    let extras = AccountExtras {
        password_error: Some(message),
        ..AccountExtras::default()
    };
    account_page(ctx, extras, StatusCode::BAD_REQUEST).await
}

/// The longest password read, in characters.
const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    new_again: String,
}

/// `POST /account/password`: a new password for the viewer, who knows the current one.
/// This session stays; every other one ends.
async fn account_password(ctx: Ctx, Form(form): Form<PasswordForm>) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    // Only a person logged in with their password changes it: not an API token, and not
    // single sign-on, whose provider owns the login.
    let Credential::Session(keep) = ctx.viewer.credential.clone() else {
        return Err(AppError::Forbidden {
            code: "session_only",
            message: t.account_password_session_only.to_string(),
        });
    };
    let user = ctx
        .viewer
        .user
        .clone()
        .ok_or_else(|| AppError::Unauthorized(t.error_401_text.to_string()))?;
    // Guesses at the current password count as failed logins.
    if ctx.state.guards.throttle.blocked(&user.name, None) {
        return refuse_password(&ctx, t.login_throttled).await;
    }
    if form.new != form.new_again {
        return refuse_password(&ctx, t.passwords_differ).await;
    }
    if [&form.current, &form.new]
        .iter()
        .any(|p| p.chars().count() > MAX_PASSWORD_CHARS)
    {
        return refuse_password(&ctx, t.account_password_long).await;
    }
    let name = user.name.clone();
    let changed = access::hashing(&ctx.state, move |a| {
        a.change_password(&user, &form.current, &form.new, Some(&keep))?;
        a.audit_user(&Actor::account(&user), "password.change", &user)
    })
    .await?;
    match changed {
        Ok(()) => {
            let extras = AccountExtras {
                notice: Some(t.account_password_changed),
                ..AccountExtras::default()
            };
            account_page(&ctx, extras, StatusCode::OK).await
        }
        Err(erfa_accounts::Error::WrongPassword) => {
            ctx.state.guards.throttle.failed(&name, None);
            refuse_password(&ctx, t.account_password_wrong).await
        }
        Err(erfa_accounts::Error::WeakPassword) => {
            refuse_password(&ctx, t.account_password_weak).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// The facilitator's people page

#[derive(Template)]
#[template(path = "people.html")]
struct PeopleTemplate {
    layout: Layout,
    people: Vec<PersonRow>,
    pending: Vec<PendingRow>,
    roles: Vec<(&'static str, &'static str)>,
    link: Option<String>,
    /// The address a new link was also mailed to.
    mailed_to: Option<String>,
    notice: Option<&'static str>,
    /// Whether erfa sends mail (the invitation form offers an address).
    mail_on: bool,
}

struct PersonRow {
    /// The account id, sent with every action so that it acts on this account only.
    id: i64,
    name: String,
    /// The name as a path segment.
    segment: String,
    role: &'static str,
    role_name: &'static str,
    locked: bool,
    is_self: bool,
    /// When the account last logged in, or "never".
    last_login: String,
    /// The account's e-mail address, if any.
    email: String,
    /// Whether the member confirmed it.
    email_confirmed: bool,
}

/// An invitation or reset link nobody has used yet.
struct PendingRow {
    id: i64,
    /// Sent back with a withdrawal, so that it never ends a later link of the same id.
    expires: i64,
    expires_text: String,
    kind: &'static str,
    /// The role an invitation gives, or the account a reset is for.
    target: String,
    by: String,
}

/// What the people page shows besides the people: a link made just now (and where it was
/// mailed), or the outcome of an action.
#[derive(Default)]
struct PeopleExtras {
    link: Option<String>,
    mailed_to: Option<String>,
    notice: Option<&'static str>,
}

async fn people_page(ctx: &Ctx, extras: PeopleExtras) -> Result<Response, AppError> {
    let accounts = ctx.state.accounts()?;
    let (users, last_logins, links, emails) = tokio::task::spawn_blocking(move || {
        Ok::<_, erfa_accounts::Error>((
            accounts.users()?,
            accounts.last_logins()?,
            accounts.pending_links()?,
            accounts.emails()?,
        ))
    })
    .await
    .map_err(|e| AppError::internal(format!("people task: {e}")))?
    .map_err(AppError::from)?;
    let t = ctx.lang.t();
    let me = ctx.viewer.account_id();
    let template = PeopleTemplate {
        layout: ctx.layout(t.people_title.to_string(), "people", false),
        people: users
            .into_iter()
            .map(|u| PersonRow {
                id: u.id,
                is_self: Some(u.id) == me,
                locked: u.locked,
                role: u.role.as_str(),
                role_name: role_name(t, u.role.into()),
                last_login: last_logins.get(&u.id).map_or_else(
                    || t.people_never.to_string(),
                    |at| crate::clock::danish_minute(*at),
                ),
                segment: form_urlencoded::byte_serialize(u.name.as_bytes()).collect(),
                email: emails
                    .get(&u.id)
                    .map(|e| e.address.clone())
                    .unwrap_or_default(),
                email_confirmed: emails.get(&u.id).is_some_and(|e| e.verified),
                name: u.name,
            })
            .collect(),
        pending: links.into_iter().map(|l| pending_row(t, l)).collect(),
        roles: [Role::Member, Role::Contributor, Role::Facilitator]
            .into_iter()
            .map(|r| (r.as_str(), role_name(t, r.into())))
            .collect(),
        link: extras.link,
        mailed_to: extras.mailed_to,
        notice: extras.notice,
        mail_on: ctx.state.mailer.on(),
    };
    render(&template, StatusCode::OK)
}

fn pending_row(t: &crate::i18n::Strings, link: PendingLink) -> PendingRow {
    let (kind, target) = match link.purpose {
        LinkPurpose::Invite => (
            t.people_link_invite,
            role_name(t, link.role.into()).to_string(),
        ),
        LinkPurpose::Reset => (t.people_link_reset, link.user.unwrap_or_default()),
    };
    PendingRow {
        id: link.id,
        expires: link.expires,
        expires_text: crate::clock::danish_minute(link.expires),
        kind,
        target,
        by: link
            .created_by
            .unwrap_or_else(|| t.people_link_server.to_string()),
    }
}

async fn people(ctx: Ctx) -> Result<Response, AppError> {
    people_page(&ctx, PeopleExtras::default()).await
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
    /// The account id the people page showed for this person (optional: see [`change`]).
    #[serde(default)]
    account: Option<String>,
    /// An invitation's address to mail it to (optional).
    #[serde(default)]
    email: Option<String>,
}

/// The form of the reset and offboard actions: the optional account id, and for
/// offboarding whether the facilitator confirmed it.
#[derive(Debug, Deserialize)]
struct AccountForm {
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    confirm: Option<String>,
}

/// A form's fields; a missing or malformed body gives none (the caller says what it
/// needed), and a body over the limit is 413.
fn form_body<T>(form: Result<Form<T>, AppError>) -> Result<Option<T>, AppError> {
    match form {
        Ok(Form(f)) => Ok(Some(f)),
        Err(AppError::PayloadTooLarge) => Err(AppError::PayloadTooLarge),
        Err(_) => Ok(None),
    }
}

fn parse_role(form: Option<&RoleForm>) -> Result<Role, AppError> {
    form.and_then(|f| Role::parse(&f.role)).ok_or_else(|| {
        AppError::bad_request(
            "bad_form",
            "role: expected member, contributor or facilitator",
        )
    })
}

/// The account id a people-page form names, if any.
fn expected_account(account: Option<&str>) -> Result<Option<i64>, AppError> {
    match account.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| AppError::bad_request("bad_form", "account: expected an account id")),
    }
}

/// Runs an account change for the facilitator on the account called `target` now. When
/// the form names the account id the page showed (`expected`), another account of that
/// name is "not found": a page loaded before an offboarding never acts on a later holder
/// of the name. Changes to the facilitator's own account are refused (they could lock the
/// group out of its only facilitator).
async fn change<T, F>(
    ctx: &Ctx,
    target: &str,
    expected: Option<i64>,
    work: F,
) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&erfa_accounts::Accounts, &Actor, &User) -> erfa_accounts::Result<T> + Send + 'static,
{
    let accounts = ctx.state.accounts()?;
    let me = ctx
        .viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized(ctx.lang.t().error_401_text.to_string()))?;
    let my_id = ctx.viewer.account_id();
    let target = target.to_string();
    let own = AppError::Forbidden {
        code: "own_account",
        message: ctx.lang.t().people_self.to_string(),
    };
    tokio::task::spawn_blocking(move || {
        let user = accounts
            .user(&target)
            .map_err(AppError::from)?
            .filter(|u| expected.is_none_or(|id| id == u.id))
            .ok_or_else(AppError::not_found)?;
        if Some(user.id) == my_id {
            return Err(own);
        }
        work(&accounts, &me, &user).map_err(|e| match e {
            erfa_accounts::Error::NoSuchUser(_) => AppError::not_found(),
            e @ erfa_accounts::Error::Locked(_) => AppError::Forbidden {
                code: "locked",
                message: e.to_string(),
            },
            other => other.into(),
        })
    })
    .await
    .map_err(|e| AppError::internal(format!("people task: {e}")))?
}

async fn people_invite(
    ctx: Ctx,
    form: Result<Form<RoleForm>, AppError>,
) -> Result<Response, AppError> {
    let form = form_body(form)?;
    let role = parse_role(form.as_ref())?;
    let email = form
        .and_then(|f| f.email)
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if let Some(address) = &email {
        if !ctx.state.mailer.on() {
            return Err(AppError::bad_request(
                "no_mail",
                "email: this erfa sends no mail (no mail server is configured); leave it empty and send the link yourself",
            ));
        }
        if !erfa_accounts::email_fits(address) {
            return Err(AppError::bad_request(
                "bad_address",
                "email: expected an e-mail address such as name@example.dk",
            ));
        }
    }
    let accounts = ctx.state.accounts()?;
    let me = ctx
        .viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized(ctx.lang.t().error_401_text.to_string()))?;
    let to = email.clone();
    let link = tokio::task::spawn_blocking(move || {
        let link = match &to {
            Some(address) => accounts.create_invite_to(role, &me, address)?,
            None => accounts.create_invite(role, &me)?,
        };
        let action = if to.is_some() {
            "invite.mail"
        } else {
            "invite.create"
        };
        accounts.audit(&me, action, role.as_str())?;
        Ok::<_, erfa_accounts::Error>(link)
    })
    .await
    .map_err(|e| AppError::internal(format!("invite task: {e}")))?
    .map_err(AppError::from)?;
    let url = absolute(&ctx, &format!("/invite/{link}"));
    let mailed_to = email.filter(|address| {
        ctx.state
            .mailer
            .send(address, crate::mail::Notice::Invite, &url, &[])
    });
    let extras = PeopleExtras {
        link: Some(url),
        mailed_to,
        ..PeopleExtras::default()
    };
    people_page(&ctx, extras).await
}

async fn people_role(
    ctx: Ctx,
    Path(name): Path<String>,
    form: Result<Form<RoleForm>, AppError>,
) -> Result<Response, AppError> {
    let form = form_body(form)?;
    let role = parse_role(form.as_ref())?;
    let expected = expected_account(form.as_ref().and_then(|f| f.account.as_deref()))?;
    change(&ctx, &name, expected, move |a, me, user| {
        a.set_role(user, role)?;
        a.audit_user(me, &format!("role.{}", role.as_str()), user)
    })
    .await?;
    let extras = PeopleExtras {
        notice: Some(ctx.lang.t().people_role_changed),
        ..PeopleExtras::default()
    };
    people_page(&ctx, extras).await
}

/// The account id an action's form names, if any; a missing or unreadable body names none
/// (scripts may post nothing).
fn action_account(form: Result<Form<AccountForm>, AppError>) -> Result<Option<i64>, AppError> {
    expected_account(form_body(form)?.and_then(|f| f.account).as_deref())
}

async fn people_reset(
    ctx: Ctx,
    Path(name): Path<String>,
    form: Result<Form<AccountForm>, AppError>,
) -> Result<Response, AppError> {
    let expected = action_account(form)?;
    let (link, email) = change(&ctx, &name, expected, move |a, me, user| {
        let link = a.create_reset(user, me)?;
        a.audit_user(me, "reset.create", user)?;
        Ok((link, a.email(user.id)?.filter(|e| e.verified)))
    })
    .await?;
    let url = absolute(&ctx, &format!("/invite/{link}"));
    // A confirmed address gets the link too; an unconfirmed one gets nothing but its
    // verification.
    let mailed_to = email.map(|e| e.address).filter(|address| {
        ctx.state
            .mailer
            .send(address, crate::mail::Notice::Reset, &url, &[])
    });
    let extras = PeopleExtras {
        link: Some(url),
        mailed_to,
        ..PeopleExtras::default()
    };
    people_page(&ctx, extras).await
}

#[derive(Debug, Deserialize)]
struct EmailForm {
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    address: String,
}

/// `POST /admin/people/{name}/email`: `address=…` sets the member's address, unconfirmed
/// (the verification link goes to it, and nothing else until it is used); an empty one
/// removes it.
async fn people_email(
    ctx: Ctx,
    Path(name): Path<String>,
    form: Result<Form<EmailForm>, AppError>,
) -> Result<Response, AppError> {
    let form = form_body(form)?;
    let expected = expected_account(form.as_ref().and_then(|f| f.account.as_deref()))?;
    let address = form
        .map(|f| f.address.trim().to_string())
        .unwrap_or_default();
    let t = ctx.lang.t();
    if address.is_empty() {
        change(&ctx, &name, expected, move |a, me, user| {
            a.remove_email(user.id)?;
            a.audit_user(me, "email.remove", user)
        })
        .await?;
        let extras = PeopleExtras {
            notice: Some(t.people_email_removed),
            ..PeopleExtras::default()
        };
        return people_page(&ctx, extras).await;
    }
    if !erfa_accounts::email_fits(&address) {
        return Err(AppError::bad_request(
            "bad_address",
            "address: expected an e-mail address such as name@example.dk",
        ));
    }
    let to = address.clone();
    let link = change(&ctx, &name, expected, move |a, me, user| {
        let link = a.set_email(user.id, &address)?;
        a.audit_user(me, "email.set", user)?;
        Ok(link)
    })
    .await?;
    let href = ctx.state.link(&format!("/account/email/verify/{link}"));
    ctx.state
        .mailer
        .send(&to, crate::mail::Notice::Verify, &href, &[]);
    let extras = PeopleExtras {
        notice: Some(t.people_email_saved),
        ..PeopleExtras::default()
    };
    people_page(&ctx, extras).await
}

async fn people_offboard(
    ctx: Ctx,
    Path(name): Path<String>,
    form: Result<Form<AccountForm>, AppError>,
) -> Result<Response, AppError> {
    let form = form_body(form)?;
    let expected = expected_account(form.as_ref().and_then(|f| f.account.as_deref()))?;
    let t = ctx.lang.t();
    if form.and_then(|f| f.confirm).as_deref() != Some("yes") {
        // It cannot be undone: ask first, about the account the page showed.
        let user = change(&ctx, &name, expected, |_, _, user| Ok(user.clone())).await?;
        let segment: String = form_urlencoded::byte_serialize(user.name.as_bytes()).collect();
        let template = ConfirmTemplate {
            layout: ctx.layout(t.people_offboard_confirm_title.to_string(), "people", false),
            heading: t.people_offboard_confirm_title,
            subject: format!("{} · {}", user.name, role_name(t, user.role.into())),
            text: t.people_offboard_confirm_text,
            action: format!("/admin/people/{segment}/offboard"),
            fields: vec![("account".to_string(), user.id.to_string())],
            confirm: t.people_offboard_confirm,
            cancel_href: "/admin/people".to_string(),
        };
        return render(&template, StatusCode::OK);
    }
    change(&ctx, &name, expected, move |a, me, user| {
        a.remove_user(user)?;
        a.audit_user(me, "user.offboard", user)
    })
    .await?;
    let extras = PeopleExtras {
        notice: Some(t.people_offboarded),
        ..PeopleExtras::default()
    };
    people_page(&ctx, extras).await
}

#[derive(Debug, Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    expires: String,
}

/// `POST /admin/people/links/{id}/withdraw`: an open link stops working.
async fn people_withdraw(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    let expires: i64 = form.expires.trim().parse().map_err(|_| {
        AppError::bad_request("bad_form", "expires: expected the link's expiry time")
    })?;
    let t = ctx.lang.t();
    let accounts = ctx.state.accounts()?;
    let me = ctx
        .viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized(t.error_401_text.to_string()))?;
    let withdrawn = tokio::task::spawn_blocking(move || {
        let withdrawn = accounts.withdraw_link(id, expires)?;
        if withdrawn {
            accounts.audit(&me, "link.withdraw", &id.to_string())?;
        }
        Ok::<_, erfa_accounts::Error>(withdrawn)
    })
    .await
    .map_err(|e| AppError::internal(format!("withdraw task: {e}")))?
    .map_err(AppError::from)?;
    if !withdrawn {
        return Err(AppError::not_found());
    }
    let extras = PeopleExtras {
        notice: Some(t.people_withdrawn),
        ..PeopleExtras::default()
    };
    people_page(&ctx, extras).await
}
