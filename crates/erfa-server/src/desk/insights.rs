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
    /// For each zero-result query, how many write-ups members find for it now (the
    /// collection may have grown since): (count, "3 write-ups", link to the search).
    found_now: Vec<(u64, String, String)>,
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
    let queries: Vec<String> = insights.zero.iter().map(|q| q.query.clone()).collect();
    let lang = ctx.lang;
    let found_now = blocking(&ctx.state, move |s| {
        queries
            .iter()
            .map(|q| {
                let mut request = SearchRequest::new(q, Scope::Members);
                request.per_page = 1;
                request.facets = false;
                request.snippets = false;
                let total = s.engine.search(&request).map_or(0, |r| r.total);
                let href = format!(
                    "/?q={}",
                    form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
                );
                Ok((total, lang.count_writeups(total), href))
            })
            .collect::<Result<Vec<_>, AppError>>()
    })
    .await?;
    let t = ctx.lang.t();
    let template = InsightsTemplate {
        layout: desk_layout(&ctx, t.desk_insights),
        enabled,
        weeks,
        min_sessions: erfa_accounts::desk::MIN_SESSIONS,
        insights,
        found_now,
    };
    render(&template, StatusCode::OK)
}
