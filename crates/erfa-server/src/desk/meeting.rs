//! The next meeting: its agenda as a page and as Markdown.

use super::*;

use erfa_accounts::{NO_ACCOUNT, Topic, TopicState};

use crate::i18n::Lang;
use crate::topics::{Shown, TopicView};

struct AgendaItem {
    slug: String,
    title: String,
    detail: String,
}

/// The agenda's data, for the page and the Markdown export.
struct Agenda {
    /// The next meeting in the list, described in one line.
    next: Option<String>,
    /// Its topics accepted from members' proposals: the members' part of the agenda.
    accepted: Vec<TopicView>,
    /// Its topics proposed by members and not decided yet, most votes first.
    proposed: Vec<TopicView>,
    since: Option<Date>,
    last_meeting: Option<String>,
    zero: Vec<QueryCount>,
    flags: Vec<AgendaItem>,
    saw_too: Vec<AgendaItem>,
    added: Vec<AgendaItem>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AgendaQuery {
    #[serde(default)]
    since: String,
    #[serde(default)]
    done: String,
}

/// Drafts the agenda. Blocking.
fn agenda(state: &AppState, since: &str, lang: Lang) -> Result<Agenda, AppError> {
    let t = lang.t();
    let survey = survey(&state.config.content_dir)?;
    let meetings = state.meetings();
    let today = Date::parse(&crate::clock::danish_today()).unwrap_or_else(Date::today);
    // With a list, the meetings are its dates; without one, the ids write-ups name.
    let next_id = meetings
        .as_ref()
        .as_ref()
        .and_then(|l| l.next_from(today))
        .map(|m| m.id.clone());
    let (accepted, proposed) = match (&next_id, &state.accounts) {
        (Some(id), Some(_)) => {
            let shown = Shown::load(state, &[id], NO_ACCOUNT, true, lang)?;
            let (accepted, proposed): (Vec<_>, Vec<_>) = shown
                .of(id)
                .filter(|x| x.state != TopicState::Declined)
                .partition(|x| x.state == TopicState::Accepted);
            let view = |x: &Topic| shown.view(state, Scope::Facilitator, x);
            (
                accepted.into_iter().map(view).collect(),
                proposed.into_iter().map(view).collect(),
            )
        }
        _ => (Vec::new(), Vec::new()),
    };
    let (next, last) = match meetings.as_ref() {
        Some(list) => (
            list.next_from(today).map(meetings::describe),
            list.last_before(today)
                .map(|m| (m.date, meetings::label(Some(list), &m.id))),
        ),
        None => (
            None,
            survey
                .docs()
                .filter_map(|d| d.front.meeting.clone())
                .filter_map(|m| Some((meetings::date_in_id(&m)?, m)))
                .max(),
        ),
    };
    let (last_date, last_meeting) = last.unzip();
    let since = match since.trim() {
        "" => last_date,
        text => Some(Date::parse(text).ok_or_else(|| {
            AppError::bad_request("bad_date", "since: expected a date as YYYY-MM-DD")
        })?),
    };
    let mut added: Vec<AgendaItem> = survey
        .docs()
        .filter(|d| d.front.status == Status::Published && d.front.meeting.is_none())
        // Added: published in erfa since then, or (when erfa did not record it) dated since.
        .filter(|d| match (since, d.front.published.or(d.front.date)) {
            (Some(since), Some(date)) => date >= since,
            (None, _) => true,
            (Some(_), None) => false,
        })
        .map(|d| AgendaItem {
            slug: d.slug.clone(),
            title: d.front.title.clone(),
            detail: d
                .front
                .published
                .or(d.front.date)
                .map(|x| x.to_string())
                .unwrap_or_default(),
        })
        .collect();
    added.sort_by(|a, b| b.detail.cmp(&a.detail).then(a.slug.cmp(&b.slug)));
    let (zero, flags, saw_too) = match &state.accounts {
        Some(accounts) => {
            let zero = if state.config.insights {
                accounts
                    .search_insights(state.config.insights_weeks, 20)
                    .map_err(AppError::from)?
                    .zero
            } else {
                Vec::new()
            };
            let flags = accounts
                .flags(Some(FlagState::Open))
                .map_err(AppError::from)?
                .into_iter()
                .map(|f| AgendaItem {
                    title: survey.title_of(&f.writeup),
                    detail: if f.comment.is_empty() {
                        i18n::flag_reason(t, f.reason).to_string()
                    } else {
                        format!("{}: {}", i18n::flag_reason(t, f.reason), f.comment)
                    },
                    slug: f.writeup,
                })
                .collect();
            let mut saw_too: Vec<(u64, AgendaItem)> = accounts
                .all_signal_counts()
                .map_err(AppError::from)?
                .into_iter()
                .filter(|(_, c)| c.saw_too >= AGENDA_SAW_TOO)
                .filter_map(|(slug, c)| {
                    let doc = survey.entry(&slug)?.doc.as_ref()?;
                    (doc.front.confidence != Some(Confidence::Validated)).then(|| {
                        (
                            c.saw_too,
                            AgendaItem {
                                title: doc.front.title.clone(),
                                detail: format!("{} × {}", c.saw_too, t.desk_saw_too),
                                slug,
                            },
                        )
                    })
                })
                .collect();
            saw_too.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.slug.cmp(&b.1.slug)));
            (zero, flags, saw_too.into_iter().map(|x| x.1).collect())
        }
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    Ok(Agenda {
        next,
        accepted,
        proposed,
        since,
        last_meeting,
        zero,
        flags,
        saw_too,
        added,
    })
}

#[derive(Template)]
#[template(path = "admin_meeting.html")]
struct MeetingTemplate {
    layout: Layout,
    agenda: Agenda,
    since: String,
    markdown_href: String,
    /// What the printed header names: the agenda and the period it covers.
    print_heading: String,
    /// The day it is printed.
    printed: String,
    notice: Option<&'static str>,
}

fn since_param(query: &Result<Query<AgendaQuery>, AppError>) -> String {
    query
        .as_ref()
        .map(|q| q.0.since.clone())
        .unwrap_or_default()
}

pub(super) async fn meeting(
    ctx: Ctx,
    query: Result<Query<AgendaQuery>, AppError>,
) -> Result<Response, AppError> {
    let since = since_param(&query);
    let notice = query
        .as_ref()
        .is_ok_and(|q| q.0.done == "topic")
        .then_some(ctx.lang.t().topic_done_decided);
    let t = ctx.lang.t();
    let lang = ctx.lang;
    let wanted = since.clone();
    let agenda = blocking(&ctx.state, move |s| agenda(s, &wanted, lang)).await?;
    let shown = agenda.since.map(|d| d.to_string()).unwrap_or_default();
    let markdown_href = if since.trim().is_empty() {
        "/admin/meeting.md".to_string()
    } else {
        format!(
            "/admin/meeting.md?since={}",
            form_urlencoded::byte_serialize(since.trim().as_bytes()).collect::<String>()
        )
    };
    let print_heading = match (&agenda.next, shown.is_empty()) {
        (Some(next), _) => format!("{} · {next}", t.desk_meeting),
        (None, true) => t.desk_meeting.to_string(),
        (None, false) => format!("{} · {} {shown}", t.desk_meeting, t.desk_since),
    };
    let template = MeetingTemplate {
        layout: desk_layout(&ctx, t.desk_meeting),
        agenda,
        since: shown,
        markdown_href,
        print_heading,
        printed: crate::clock::danish_today(),
        notice,
    };
    render(&template, StatusCode::OK)
}

/// Markdown-escapes text that goes into a list item or link text.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The agenda as Markdown, with links relative to `base`.
fn agenda_markdown(agenda: &Agenda, t: &Strings, base: &str) -> String {
    let mut out = format!("# {}\n\n", t.desk_meeting);
    if let Some(next) = &agenda.next {
        out.push_str(&format!("{}\n\n", md(next)));
    }
    if let Some(since) = agenda.since {
        out.push_str(&format!("{} {since}", t.desk_since));
        if let Some(m) = &agenda.last_meeting {
            out.push_str(&format!(" ({} {})", t.desk_last_meeting, md(m)));
        }
        out.push_str("\n\n");
    }
    let section = |out: &mut String, heading: &str, items: &[AgendaItem]| {
        out.push_str(&format!("## {heading}\n\n"));
        if items.is_empty() {
            out.push_str(&format!("- {}\n", t.desk_nothing));
        }
        for i in items {
            out.push_str(&format!("- [{}]({base}/w/{})", md(&i.title), i.slug));
            if !i.detail.is_empty() {
                out.push_str(&format!(" — {}", md(&i.detail)));
            }
            out.push('\n');
        }
        out.push('\n');
    };
    if !agenda.accepted.is_empty() {
        out.push_str(&format!("## {}\n\n", t.desk_topics_accepted));
        for x in &agenda.accepted {
            out.push_str(&format!(
                "- {} — {} ({})\n",
                md(&x.title),
                md(&x.why),
                x.votes_label
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!("## {}\n\n", t.desk_agenda_zero));
    if agenda.zero.is_empty() {
        out.push_str(&format!("- {}\n", t.desk_nothing));
    }
    for q in &agenda.zero {
        out.push_str(&format!(
            "- “{}” — {} × {}\n",
            md(&q.query),
            q.searches,
            t.desk_searches
        ));
    }
    out.push('\n');
    section(&mut out, t.desk_agenda_flags, &agenda.flags);
    section(&mut out, t.desk_agenda_saw_too, &agenda.saw_too);
    section(&mut out, t.desk_agenda_added, &agenda.added);
    out
}

pub(super) async fn meeting_markdown(
    ctx: Ctx,
    query: Result<Query<AgendaQuery>, AppError>,
) -> Result<Response, AppError> {
    let since = since_param(&query);
    let t = ctx.lang.t();
    let lang = ctx.lang;
    let agenda = blocking(&ctx.state, move |s| agenda(s, &since, lang)).await?;
    let text = agenda_markdown(&agenda, t, &ctx.base_url());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/markdown; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline; filename=\"agenda.md\""),
            ),
            (
                header::VARY,
                HeaderValue::from_static("Accept-Language, Cookie"),
            ),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_is_escaped() {
        assert_eq!(md("a *b* [c](d)\nx"), "a \\*b\\* \\[c\\](d) x");
    }
}
