//! A member's optional e-mail address on their account page: set it (a verification
//! link goes to it, and nothing else does until it is used), choose how often news comes
//! by mail, remove it. Mail itself is the core's `mail`: fixed neutral text and a link.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{Digest, NO_ACCOUNT};
use serde::Deserialize;

use crate::access::Access;
use crate::error::AppError;
use crate::extract::{Form, Path};
use crate::i18n::Lang;
use crate::mail::Notice;
use crate::page::{Ctx, render};
use crate::route::Route;

/// The routes of this module.
pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::post(
            "/account/email",
            Access::Member,
            "Set or remove one's e-mail address; a new one gets a verification link",
            set,
        ),
        Route::post(
            "/account/email/digest",
            Access::Member,
            "Choose news by mail: daily, at once or none",
            digest,
        ),
        Route::get(
            "/account/email/verify/{link}",
            Access::Open,
            "The page of an e-mail verification link: a button that uses it",
            verify_page,
        ),
        Route::post(
            "/account/email/verify/{link}",
            Access::Open,
            "Use an e-mail verification link",
            verify,
        ),
    ]
}

/// The e-mail section's words.
pub(super) struct Words {
    pub(super) heading: &'static str,
    pub(super) text: &'static str,
    pub(super) no_smtp: &'static str,
    pub(super) address: &'static str,
    pub(super) save: &'static str,
    pub(super) remove: &'static str,
    pub(super) unverified: &'static str,
    pub(super) verified: &'static str,
    pub(super) digest: &'static str,
    pub(super) daily: &'static str,
    pub(super) at_once: &'static str,
    pub(super) none: &'static str,
    pub(super) digest_save: &'static str,
    pub(super) verify_title: &'static str,
    pub(super) verify_text: &'static str,
    pub(super) verify_button: &'static str,
    pub(super) verify_bad: &'static str,
}

const EN: Words = Words {
    heading: "E-mail",
    text: "erfa can tell you by mail that there is news for you. A mail never contains what members wrote: only that there is something, and a link into erfa.",
    no_smtp: "This erfa sends no mail (no mail server is configured).",
    address: "Your e-mail address",
    save: "Save address",
    remove: "Remove address",
    unverified: "Not confirmed yet: use the link we sent to this address.",
    verified: "Confirmed.",
    digest: "News by mail",
    daily: "At most one mail a day",
    at_once: "At once",
    none: "No news by mail",
    digest_save: "Save choice",
    verify_title: "Confirm your e-mail address",
    verify_text: "Confirm that erfa may send mail to the address you gave.",
    verify_button: "Confirm address",
    verify_bad: "This link is unknown, used or expired: set the address again on your account page",
};

const DA: Words = Words {
    heading: "E-mail",
    text: "erfa kan fortælle dig på mail, at der er nyt til dig. En mail indeholder aldrig, hvad medlemmer har skrevet: kun at der er noget, og et link ind i erfa.",
    no_smtp: "Denne erfa sender ikke mail (der er ikke sat en mailserver op).",
    address: "Din e-mailadresse",
    save: "Gem adresse",
    remove: "Fjern adresse",
    unverified: "Ikke bekræftet endnu: brug linket, vi sendte til adressen.",
    verified: "Bekræftet.",
    digest: "Nyt på mail",
    daily: "Højst én mail om dagen",
    at_once: "Med det samme",
    none: "Intet nyt på mail",
    digest_save: "Gem valg",
    verify_title: "Bekræft din e-mailadresse",
    verify_text: "Bekræft, at erfa må sende mail til den adresse, du har angivet.",
    verify_button: "Bekræft adresse",
    verify_bad: "Linket er ukendt, brugt eller udløbet: angiv adressen igen på din kontoside",
};

impl Words {
    pub(super) fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::En => &EN,
            Lang::Da => &DA,
        }
    }
}

/// What the account page shows about e-mail.
pub(super) struct EmailSection {
    pub(super) w: &'static Words,
    /// Whether mail goes out at all.
    pub(super) mail_on: bool,
    pub(super) address: String,
    pub(super) has_address: bool,
    pub(super) verified: bool,
    pub(super) digest: &'static str,
}

/// The viewer's account id; e-mail needs an account.
fn account(ctx: &Ctx) -> Result<i64, AppError> {
    match ctx.viewer.user.as_ref() {
        Some(user) if user.id != NO_ACCOUNT => Ok(user.id),
        _ => Err(AppError::Unauthorized(
            ctx.lang.t().error_401_text.to_string(),
        )),
    }
}

/// The e-mail section of the viewer's account page.
pub(super) async fn on_account_page(ctx: &Ctx) -> Result<EmailSection, AppError> {
    let w = Words::of(ctx.lang);
    let email = match account(ctx) {
        Ok(me) => {
            ctx.state
                .blocking(move |s| Ok(s.accounts()?.email(me)?))
                .await?
        }
        Err(_) => None,
    };
    Ok(EmailSection {
        w,
        mail_on: ctx.state.mailer.on(),
        has_address: email.is_some(),
        verified: email.as_ref().is_some_and(|e| e.verified),
        digest: email.as_ref().map_or("daily", |e| e.digest.as_str()),
        address: email.map(|e| e.address).unwrap_or_default(),
    })
}

#[derive(Debug, Deserialize)]
struct SetForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    action: String,
}

/// `POST /account/email`: `address=…` sets it (unverified; the link goes to it), or
/// `action=remove` removes it.
async fn set(ctx: Ctx, Form(form): Form<SetForm>) -> Result<Response, AppError> {
    let me = account(&ctx)?;
    if form.action == "remove" {
        ctx.state
            .blocking(move |s| Ok(s.accounts()?.remove_email(me)?))
            .await?;
        return Ok(Redirect::to("/account#email").into_response());
    }
    let address = form.address.trim().to_string();
    if !erfa_accounts::email_fits(&address) {
        return Err(AppError::bad_request(
            "bad_address",
            "address: expected an e-mail address such as name@example.dk",
        ));
    }
    let to = address.clone();
    let link = ctx
        .state
        .blocking(move |s| Ok(s.accounts()?.set_email(me, &address)?))
        .await?;
    let href = ctx.state.link(&format!("/account/email/verify/{link}"));
    ctx.state.mailer.send(&to, Notice::Verify, &href, &[]);
    Ok(Redirect::to("/account#email").into_response())
}

#[derive(Debug, Deserialize)]
struct DigestForm {
    digest: String,
}

/// `POST /account/email/digest`: `digest=daily|at-once|none`.
async fn digest(ctx: Ctx, Form(form): Form<DigestForm>) -> Result<Response, AppError> {
    let me = account(&ctx)?;
    let Some(digest) = Digest::parse(&form.digest) else {
        return Err(AppError::bad_request(
            "bad_digest",
            "digest: expected daily, at-once or none",
        ));
    };
    ctx.state
        .blocking(move |s| Ok(s.accounts()?.set_digest(me, digest)?))
        .await?;
    Ok(Redirect::to("/account#email").into_response())
}

#[derive(askama::Template)]
#[template(path = "email_verify.html")]
struct VerifyTemplate {
    layout: crate::page::Layout,
    w: &'static Words,
    link: String,
}

/// `GET /account/email/verify/{link}`: a button, so that a mail scanner that fetches the
/// link does not use it.
async fn verify_page(ctx: Ctx, Path(link): Path<String>) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    if link.len() > 200
        || !link
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::bad_request("bad_link", w.verify_bad));
    }
    render(
        &VerifyTemplate {
            layout: ctx.layout(w.verify_title.to_string(), "account", false),
            w,
            link,
        },
        StatusCode::OK,
    )
}

/// `POST /account/email/verify/{link}`: the address is verified; the link is used up.
async fn verify(ctx: Ctx, Path(link): Path<String>) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let verified = ctx
        .state
        .blocking(move |s| Ok(s.accounts()?.verify_email(&link)?))
        .await?;
    match verified {
        Some(_) => Ok(Redirect::to("/account#email").into_response()),
        None => Err(AppError::bad_request("bad_link", w.verify_bad)),
    }
}
