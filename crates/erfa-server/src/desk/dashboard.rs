//! The desk's front page: what needs the facilitator first, with counts, and what people
//! did lately, in words.

use super::*;

/// One thing that may need the facilitator, with how many.
struct Attention {
    href: &'static str,
    label: &'static str,
    count: usize,
}

struct ActivityView {
    at: String,
    actor: String,
    /// What was done, in words (or the action's code when it has none).
    what: String,
    target: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct DashboardTemplate {
    layout: Layout,
    attention: Vec<Attention>,
    activity: Vec<ActivityView>,
}

/// The counts behind the attention list.
struct Counts {
    review: usize,
    drafts: usize,
    broken: usize,
    flags: usize,
    zero_topics: usize,
}

/// How many weeks of searches the zero-result topics count.
const ZERO_RESULT_WEEKS: u32 = 12;

pub(super) async fn dashboard(ctx: Ctx) -> Result<Response, AppError> {
    let (counts, activity) = blocking(&ctx.state, |s| {
        let survey = survey(&s.config.content_dir)?;
        let with_status = |status: &str| {
            survey
                .entries
                .iter()
                .filter(|e| e.status() == status)
                .count()
        };
        let broken = survey
            .entries
            .iter()
            .filter(|e| e.diagnostics.iter().any(Diagnostic::is_error))
            .count();
        let (flags, zero_topics, activity) = match &s.accounts {
            Some(a) => (
                a.flags(Some(FlagState::Open))
                    .map_err(AppError::from)?
                    .len(),
                a.search_insights(ZERO_RESULT_WEEKS, 50)
                    .map_err(AppError::from)?
                    .zero
                    .len(),
                a.activity(20).map_err(AppError::from)?,
            ),
            None => (0, 0, Vec::new()),
        };
        let counts = Counts {
            review: with_status("review"),
            drafts: with_status("draft"),
            broken,
            flags,
            zero_topics,
        };
        Ok((counts, activity))
    })
    .await?;
    let lang = ctx.lang;
    let t = lang.t();
    let template = DashboardTemplate {
        layout: desk_layout(&ctx, t.desk_title),
        attention: attention(t, &counts),
        activity: activity
            .into_iter()
            .map(|a| ActivityView {
                at: crate::clock::danish_minute(a.at),
                actor: a.actor,
                what: i18n::activity(lang, &a.action).map_or(a.action, str::to_string),
                target: a.target,
            })
            .collect(),
    };
    render(&template, StatusCode::OK)
}

/// What needs the facilitator, most urgent first; what needs nothing comes last.
fn attention(t: &'static Strings, c: &Counts) -> Vec<Attention> {
    let mut list = vec![
        Attention {
            href: "/admin/review",
            label: t.desk_attention_review,
            count: c.review,
        },
        Attention {
            href: "/admin/flags",
            label: t.desk_attention_flags,
            count: c.flags,
        },
        Attention {
            href: "/admin/health",
            label: t.desk_attention_broken,
            count: c.broken,
        },
        Attention {
            href: "/admin/insights",
            label: t.desk_attention_zero,
            count: c.zero_topics,
        },
        Attention {
            href: "/admin/review",
            label: t.desk_attention_drafts,
            count: c.drafts,
        },
    ];
    // A stable sort: the order above decides among the ones that need something.
    list.sort_by_key(|a| a.count == 0);
    list
}
