//! Members' signals on write-ups: "this helped", "we saw this too" and flags.

use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct SignalForm {
    #[serde(default)]
    signal: String,
}

/// `POST /signal/{slug}`: turns a signal on or off, then back to the write-up.
pub(super) async fn signal(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<SignalForm>,
) -> Result<Response, AppError> {
    let wrong = || bad_form("signal: expected helped or saw_too");
    let signal = Signal::parse(&form.signal).ok_or_else(wrong)?;
    let accounts = ctx.state.accounts()?;
    let scope = ctx.scope();
    let member = actor(&ctx.viewer)?.id;
    let slug = blocking(&ctx.state, move |s| {
        let slug = readable(s, &slug, scope)?;
        accounts
            .toggle_signal(&slug, member, signal)
            .map_err(AppError::from)?;
        Ok(slug)
    })
    .await?;
    Ok(Redirect::to(&format!("/w/{slug}#signals")).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct NotHelpedForm {
    /// `yes` to say it, `no` to take it back.
    #[serde(default)]
    said: String,
    #[serde(default)]
    reason: String,
}

/// `POST /not-helped/{slug}`: "did not help us", with an optional reason only the
/// facilitator sees, or taking it back; then back to the write-up.
pub(super) async fn not_helped(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<NotHelpedForm>,
) -> Result<Response, AppError> {
    let said = form.said == "yes";
    let reason = match form.said.as_str() {
        "yes" => Some(form.reason),
        "no" => None,
        _ => return Err(bad_form("said: expected yes or no")),
    };
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > erfa_accounts::MAX_TOPIC_TEXT)
    {
        return Err(bad_form("reason: at most 2,000 characters"));
    }
    let accounts = ctx.state.accounts()?;
    let scope = ctx.scope();
    let member = actor(&ctx.viewer)?.id;
    let slug = blocking(&ctx.state, move |s| {
        let slug = readable(s, &slug, scope)?;
        accounts
            .set_not_helped(&slug, member, reason.as_deref())
            .map_err(AppError::from)?;
        Ok((slug, said))
    })
    .await?;
    let (slug, said) = slug;
    let sent = if said { "?sent=not-helped" } else { "" };
    Ok(Redirect::to(&format!("/w/{slug}{sent}#signals")).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct FlagForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    comment: String,
}

/// `POST /flag/{slug}`: records a flag for the facilitator, then back to the write-up.
pub(super) async fn flag(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<FlagForm>,
) -> Result<Response, AppError> {
    let reason = FlagReason::parse(&form.reason)
        .ok_or_else(|| bad_form("reason: expected outdated, wrong, duplicate or other"))?;
    if reason == FlagReason::Other && form.comment.trim().is_empty() {
        // Back to the form, open, with the message beside the field and the reason kept.
        let scope = ctx.scope();
        let slug = blocking(&ctx.state, move |s| readable(s, &slug, scope)).await?;
        return Ok(Redirect::to(&format!(
            "/w/{slug}?flag_error=comment&reason=other#flag-form"
        ))
        .into_response());
    }
    let accounts = ctx.state.accounts()?;
    let scope = ctx.scope();
    let member = actor(&ctx.viewer)?.id;
    let slug = blocking(&ctx.state, move |s| {
        let slug = readable(s, &slug, scope)?;
        accounts
            .add_flag(&slug, member, reason, &form.comment)
            .map_err(AppError::from)?;
        Ok(slug)
    })
    .await?;
    Ok(Redirect::to(&format!("/w/{slug}?sent=flag#signals")).into_response())
}
