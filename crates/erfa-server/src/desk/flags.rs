//! The flags queue: members' flags on write-ups.

use super::*;

struct FlagView {
    id: i64,
    slug: String,
    title: String,
    reason: &'static str,
    comment: String,
    at: String,
    state: &'static str,
    open: bool,
}

/// A member's "did not help us", for the facilitator.
struct NotHelpedView {
    slug: String,
    title: String,
    who: String,
    reason: String,
    at: String,
}

#[derive(Template)]
#[template(path = "admin_flags.html")]
struct FlagsTemplate {
    layout: Layout,
    open: Vec<FlagView>,
    closed: Vec<FlagView>,
    not_helped: Vec<NotHelpedView>,
    notice: Option<&'static str>,
}

fn flag_state_label(t: &Strings, state: FlagState) -> &'static str {
    match state {
        FlagState::Open => t.desk_flag_open,
        FlagState::Resolved => t.desk_flag_resolved,
        FlagState::Dismissed => t.desk_flag_dismissed,
    }
}

pub(super) async fn flags(
    ctx: Ctx,
    query: Result<Query<DoneQuery>, AppError>,
) -> Result<Response, AppError> {
    let done = query.map(|q| q.0.done).unwrap_or_default();
    let accounts = ctx.state.accounts()?;
    let t = ctx.lang.t();
    let views = blocking(&ctx.state, move |s| {
        let all = accounts.flags(None).map_err(AppError::from)?;
        let mut views = Vec::new();
        for f in all {
            let title = s
                .engine
                .get(&f.writeup, Scope::Facilitator)?
                .map_or_else(|| f.writeup.clone(), |st| st.record.front.title);
            views.push(FlagView {
                id: f.id,
                title,
                reason: i18n::flag_reason(t, f.reason),
                comment: f.comment,
                at: crate::clock::danish_minute(f.at),
                state: flag_state_label(t, f.state),
                open: f.state == FlagState::Open,
                slug: f.writeup,
            });
        }
        let not_helped = accounts
            .not_helped()
            .map_err(AppError::from)?
            .into_iter()
            .take(100)
            .map(|n| {
                let title = s
                    .engine
                    .get(&n.writeup, Scope::Facilitator)
                    .ok()
                    .flatten()
                    .map_or_else(|| n.writeup.clone(), |st| st.record.front.title);
                NotHelpedView {
                    title,
                    who: n.member.unwrap_or_else(|| t.topic_former.to_string()),
                    reason: if n.reason.is_empty() {
                        t.desk_no_reason.to_string()
                    } else {
                        n.reason
                    },
                    at: crate::clock::danish_minute(n.at),
                    slug: n.writeup,
                }
            })
            .collect::<Vec<_>>();
        Ok((views, not_helped))
    })
    .await?;
    let (views, not_helped) = views;
    let (open, closed): (Vec<FlagView>, Vec<FlagView>) = views.into_iter().partition(|f| f.open);
    let template = FlagsTemplate {
        layout: desk_layout(&ctx, t.desk_flags),
        open,
        closed: closed.into_iter().take(50).collect(),
        not_helped,
        notice: done_notice(t, &done),
    };
    render(&template, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub(super) struct FlagActionForm {
    #[serde(default)]
    action: String,
}

pub(super) async fn flag_action(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<FlagActionForm>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    let state = match form.action.as_str() {
        "resolve" => FlagState::Resolved,
        "dismiss" => FlagState::Dismissed,
        _ => return Err(bad_form("action: expected resolve or dismiss")),
    };
    let accounts = ctx.state.accounts()?;
    let me = actor(&ctx.viewer)?;
    let action = form.action.clone();
    blocking(&ctx.state, move |_| {
        let writeup = accounts
            .close_flag(id, state, &me.name)
            .map_err(AppError::from)?
            .ok_or_else(AppError::not_found)?;
        accounts
            .audit(&me, &format!("flag.{action}"), &writeup)
            .map_err(AppError::from)
    })
    .await?;
    Ok(Redirect::to(&format!("/admin/flags?done={}", form.action)).into_response())
}
