//! Search insights: the page of what members searched for.

use super::*;

#[derive(Template)]
#[template(path = "admin_insights.html")]
struct InsightsTemplate {
    layout: Layout,
    enabled: bool,
    weeks: u32,
    min_sessions: u64,
    insights: erfa_accounts::Insights,
}

pub(super) async fn insights(ctx: Ctx) -> Result<Response, AppError> {
    let enabled = ctx.state.config.insights;
    let weeks = ctx.state.config.insights_weeks;
    let insights = match (&ctx.state.accounts, enabled) {
        (Some(accounts), true) => {
            let accounts = accounts.clone();
            blocking(&ctx.state, move |_| {
                accounts.purge_searches(weeks).map_err(AppError::from)?;
                accounts.search_insights(weeks, 30).map_err(AppError::from)
            })
            .await?
        }
        _ => erfa_accounts::Insights::default(),
    };
    let t = ctx.lang.t();
    let template = InsightsTemplate {
        layout: desk_layout(&ctx, t.desk_insights),
        enabled,
        weeks,
        min_sessions: erfa_accounts::desk::MIN_SESSIONS,
        insights,
    };
    render(&template, StatusCode::OK)
}
