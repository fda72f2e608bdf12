//! The desk's front page: what waits for the facilitator, and the audit log.

use super::*;

struct DeskLink {
    href: &'static str,
    label: &'static str,
    count: Option<usize>,
}

struct AuditView {
    at: String,
    actor: String,
    action: String,
    target: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct DashboardTemplate {
    layout: Layout,
    links: Vec<DeskLink>,
    audit: Vec<AuditView>,
}

pub(super) async fn dashboard(ctx: Ctx) -> Result<Response, AppError> {
    let (survey_counts, flags, audit) = blocking(&ctx.state, |s| {
        let survey = survey(&s.config.content_dir)?;
        let review = survey
            .entries
            .iter()
            .filter(|e| matches!(e.status().as_str(), "draft" | "review"))
            .count();
        let errors = survey
            .entries
            .iter()
            .filter(|e| e.diagnostics.iter().any(Diagnostic::is_error))
            .count();
        let (flags, audit) = match &s.accounts {
            Some(a) => (
                a.flags(Some(FlagState::Open))
                    .map_err(AppError::from)?
                    .len(),
                a.audit_log(15).map_err(AppError::from)?,
            ),
            None => (0, Vec::new()),
        };
        Ok(((review, errors), flags, audit))
    })
    .await?;
    let t = ctx.lang.t();
    let template = DashboardTemplate {
        layout: desk_layout(&ctx, t.desk_title),
        links: vec![
            DeskLink {
                href: "/admin/review",
                label: t.desk_review,
                count: Some(survey_counts.0),
            },
            DeskLink {
                href: "/admin/flags",
                label: t.desk_flags,
                count: Some(flags),
            },
            DeskLink {
                href: "/admin/health",
                label: t.desk_health,
                count: Some(survey_counts.1),
            },
            DeskLink {
                href: "/admin/merge",
                label: t.desk_merge,
                count: None,
            },
            DeskLink {
                href: "/admin/insights",
                label: t.desk_insights,
                count: None,
            },
            DeskLink {
                href: "/admin/meeting",
                label: t.desk_meeting,
                count: None,
            },
            DeskLink {
                href: "/digest",
                label: t.desk_digest,
                count: None,
            },
        ],
        audit: audit
            .into_iter()
            .map(|a| AuditView {
                at: crate::clock::danish_minute(a.at),
                actor: a.actor,
                action: a.action,
                target: a.target,
            })
            .collect(),
    };
    render(&template, StatusCode::OK)
}
