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
    /// Published write-ups many members saw too, not validated yet: (slug, title, count).
    to_validate: Vec<(String, String, u64)>,
    /// Open questions nobody has answered for [`UNANSWERED_DAYS`]: (id, title, asked).
    unanswered: Vec<(i64, String, String)>,
    unanswered_words: &'static Unanswered,
}

/// After how many days without an answer an open question is listed on the desk.
const UNANSWERED_DAYS: i64 = 14;

/// The words of the desk's list of unanswered questions.
struct Unanswered {
    heading: &'static str,
    text: &'static str,
    asked: &'static str,
}

const UNANSWERED_EN: Unanswered = Unanswered {
    heading: "Questions nobody has answered",
    text: "Open questions without an answer for 14 days or more. Perhaps someone you know has been through this, or it belongs on the next meeting's agenda.",
    asked: "asked",
};

const UNANSWERED_DA: Unanswered = Unanswered {
    heading: "Spørgsmål, ingen har svaret på",
    text: "Åbne spørgsmål uden svar i 14 dage eller mere. Måske kender du en, der har været igennem det, eller det hører til på næste mødes dagsorden.",
    asked: "spurgt",
};

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
    let counts = blocking(&ctx.state, |s| {
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
        let to_validate: Vec<(String, String, u64)> = match &s.accounts {
            Some(a) => {
                let mut found: Vec<(String, String, u64)> = a
                    .all_signal_counts()
                    .map_err(AppError::from)?
                    .into_iter()
                    .filter(|(_, c)| c.saw_too >= AGENDA_SAW_TOO)
                    .filter_map(|(slug, c)| {
                        let doc = survey.entry(&slug)?.doc.as_ref()?;
                        (doc.front.status == Status::Published
                            && doc.front.confidence != Some(Confidence::Validated))
                        .then(|| (slug, doc.front.title.clone(), c.saw_too))
                    })
                    .collect();
                found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
                found.truncate(20);
                found
            }
            None => Vec::new(),
        };
        let unanswered: Vec<(i64, String, String)> = match &s.accounts {
            Some(a) => a
                .unanswered_questions(UNANSWERED_DAYS * 24 * 60 * 60)
                .map_err(AppError::from)?
                .into_iter()
                .map(|q| (q.id, q.title, crate::clock::danish_minute(q.created)))
                .collect(),
            None => Vec::new(),
        };
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
        Ok((counts, activity, to_validate, unanswered))
    })
    .await?;
    let (counts, activity, to_validate, unanswered) = counts;
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
        to_validate,
        unanswered,
        unanswered_words: match lang {
            i18n::Lang::Da => &UNANSWERED_DA,
            i18n::Lang::En => &UNANSWERED_EN,
        },
    };
    render(&template, StatusCode::OK)
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ConfidenceForm {
    #[serde(default)]
    confidence: String,
    /// `desk` to come back to the desk; otherwise back to the write-up.
    #[serde(default)]
    back: String,
}

/// `POST /admin/confidence/{slug}`: sets `confidence:` in the write-up's file (a line
/// edit, like a status change), recorded in the audit log.
pub(super) async fn confidence(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<ConfidenceForm>,
) -> Result<Response, AppError> {
    let value = Confidence::parse(form.confidence.trim())
        .ok_or_else(|| bad_form("confidence: expected validated, not-validated or wip"))?;
    let me = actor(&ctx.viewer)?;
    let slug = blocking(&ctx.state, move |s| {
        let entry = path_of(&s.config.content_dir, slug.trim_matches('/'))?;
        edit_file(s, &entry.file.rel, |text| {
            edit::set_scalar(text, "confidence", value.as_str())
        })?;
        let message = format!("confidence {}: {}", value.as_str(), entry.slug);
        s.record_history(&[&entry.file.rel], &message);
        if let Some(accounts) = &s.accounts {
            accounts
                .audit(&me, &format!("confidence.{}", value.as_str()), &entry.slug)
                .map_err(AppError::from)?;
        }
        Ok(entry.slug)
    })
    .await?;
    let to = if form.back == "desk" {
        "/admin".to_string()
    } else {
        format!("/w/{slug}")
    };
    Ok(Redirect::to(&to).into_response())
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
