//! From a thread to a draft write-up: the question becomes the problem and the context,
//! the answers that helped become what happened and, their first paragraphs, the lesson
//! learned; practices and tags come along. The file is written into
//! `content/submissions/` by the durable writer (a new, numbered file, never an
//! overwrite), recorded as a submission of whoever made it (the asker, an answerer whose
//! answer helped, or the facilitator: nobody is made an owner without asking) with status
//! `review`, so it goes through the facilitator's review like
//! any shared write-up. The thread records the file and links to it; the write-up links
//! back to the thread. No name goes into the file: write-ups from questions start
//! anonymous, and their owner may add a name while the draft is in review. The answers
//! were written for members, so the draft stays members-only while its owner edits it.

use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{Answer, Question};
use erfa_index::markdown::Section;
use erfa_index::yaml;

use super::pages::forbidden;
use super::view::{Viewer, actor};
use super::words::Words;
use crate::error::AppError;
use crate::extract::Path;
use crate::i18n::Lang;
use crate::page::Ctx;
use crate::state::SUBMISSIONS;

/// The write-up's text, with the headings and the note on its source in `lang` (the
/// language of the person who makes the draft, also its `language`).
pub(super) fn writeup_text(q: &Question, helpful: &[&Answer], today: &str, lang: Lang) -> String {
    let heading = |section: Section| match lang {
        Lang::Da => section.heading_da(),
        Lang::En => section.heading_en(),
    };
    let mut entries: Vec<(&str, String)> = vec![
        ("title", yaml::scalar(&q.title)),
        ("kind", "lesson".to_string()),
    ];
    if !q.practices.is_empty() {
        entries.push(("practices", yaml::list(&q.practices)));
    }
    if !q.tags.is_empty() {
        entries.push(("tags", yaml::list(&q.tags)));
    }
    entries.push(("language", lang.code().to_string()));
    entries.push(("date", yaml::date(today)));
    entries.push(("status", "review".to_string()));
    entries.push(("visibility", "members".to_string()));
    let mut text = yaml::block(&entries);
    let source = match lang {
        Lang::Da => "Spørgsmålet [{title}](/questions/{id}) i Spørg gruppen.",
        Lang::En => "The question [{title}](/questions/{id}) in Ask the group.",
    };
    text.push('\n');
    text.push_str(
        &source
            .replace("{title}", &q.title.replace(['[', ']'], ""))
            .replace("{id}", &q.id.to_string()),
    );
    text.push('\n');
    text.push_str(&format!("\n## {}\n\n", heading(Section::Problem)));
    text.push_str(q.situation.trim());
    text.push_str(&format!("\n\n## {}\n\n", heading(Section::Context)));
    text.push_str(q.tried.trim());
    text.push_str(&format!("\n\n## {}\n\n", heading(Section::WhatHappened)));
    for a in helpful {
        text.push_str(a.body.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!("## {}\n\n", heading(Section::Lesson)));
    for a in helpful {
        let first = a.body.trim().split("\n\n").next().unwrap_or_default();
        text.push_str("- ");
        text.push_str(&first.replace('\n', " "));
        text.push('\n');
    }
    text
}

/// `POST /questions/{id}/draft`: by the asker, an answerer whose answer helped, or the
/// facilitator. Whoever makes the draft owns it: nobody is made the owner of a submission
/// without asking for it.
pub(super) async fn make_draft(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let lang = ctx.lang;
    let by = actor(&ctx)?;
    let viewer = Viewer::of(&ctx)?;
    ctx.state
        .blocking(move |s| {
            let accounts = s.accounts()?;
            let q = accounts
                .question(id)?
                .filter(|q| viewer.sees(q))
                .ok_or_else(AppError::not_found)?;
            let answers = accounts.answers(Some(id))?;
            let helpful: Vec<&Answer> = answers.iter().filter(|a| a.helpful && !a.hidden).collect();
            if !viewer.may_edit(q.author_id) && !helpful.iter().any(|a| a.author_id == by.id) {
                return Err(forbidden(w));
            }
            // One draft per thread: asking again makes no pile of submissions.
            if !q.writeups.is_empty() {
                return Err(AppError::bad_request("draft_exists", w.draft_exists));
            }
            if helpful.is_empty() {
                return Err(AppError::bad_request("no_helpful_answers", w.draft_needs_helpful));
            }
            let text = writeup_text(&q, &helpful, &crate::clock::danish_today(), lang);
            // Like every file the web form writes, the draft passes the checks first.
            if erfa_index::Document::parse("submissions/draft.md", &text)
                .document
                .is_none()
            {
                return Err(AppError::bad_request("draft_invalid", w.draft_needs_helpful));
            }
            let base = {
                let mut base = erfa_index::template::slug_from_title(&q.title);
                let room = erfa_index::template::MAX_SLUG_CHARS - "-10000".len();
                if base.len() > room {
                    base.truncate(room);
                    base = base.trim_end_matches('-').to_string();
                }
                base
            };
            let dir = s.config.content_dir.join(SUBMISSIONS);
            let path = erfa_index::durable::create_numbered(&dir, &base, text.as_bytes())?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rel = format!("{SUBMISSIONS}/{name}");
            s.record_history(&[&rel], &format!("submit: {}", rel.trim_end_matches(".md")));
            accounts.record_submission(&by, &rel)?;
            accounts.link_question_writeup(id, &rel, &by)?;
            if let Some(watch) = &s.watch
                && let Err(e) = watch.update_now([rel.clone()])
            {
                // The file is safe, and the watcher reconciles at its next update.
                tracing::error!(path = rel, cause = %e, "a draft from a question is not indexed yet");
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/questions/{id}?done=draft")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draft_is_a_valid_write_up_in_review_without_names() {
        let q = Question {
            id: 3,
            title: "CAB: how small can it be?".to_string(),
            situation: "Five people in IT.".to_string(),
            tried: "A weekly meeting.".to_string(),
            practices: vec!["change-enablement".to_string()],
            tags: vec!["cab".to_string()],
            author_id: 1,
            author: Some("asker name".to_string()),
            named: false,
            state: erfa_accounts::QuestionState::Resolved,
            hidden: false,
            created: 0,
            updated: 0,
            answers: 1,
            helpful: 1,
            same: 0,
            writeups: Vec::new(),
        };
        let a = Answer {
            id: 9,
            question: 3,
            author_id: 2,
            author: Some("answer name".to_string()),
            named: true,
            body: "We use standard changes.\n\nAnd a short list.".to_string(),
            meet: false,
            hidden: false,
            helpful: true,
            created: 0,
        };
        let text = writeup_text(&q, &[&a], "2026-12-04", Lang::En);
        let parsed = erfa_index::Document::parse("submissions/cab.md", &text);
        let doc = parsed.document.expect("valid");
        assert_eq!(doc.front.title, q.title);
        assert_eq!(doc.front.practices, ["change-enablement"]);
        assert_eq!(doc.front.status.as_str(), "review");
        let lesson = doc
            .sections
            .get(erfa_index::markdown::Section::Lesson)
            .expect("a lesson");
        assert!(lesson.contains("We use standard changes."), "{lesson}");
        assert!(!text.contains("asker name") && !text.contains("answer name"));
        assert!(text.contains("(/questions/3)"));
        assert!(
            !lesson.contains("/questions/3"),
            "the source note is no lesson"
        );

        // Made from the Danish interface: Danish headings, `language: da`.
        let text = writeup_text(&q, &[&a], "2026-12-04", Lang::Da);
        let doc = erfa_index::Document::parse("submissions/cab.md", &text)
            .document
            .expect("valid");
        assert_eq!(doc.front.language.map(|l| l.as_str()), Some("da"));
        assert!(text.contains("## Læring\n") && text.contains("i Spørg gruppen."));
        assert!(
            doc.sections
                .get(erfa_index::markdown::Section::Problem)
                .is_some()
        );
    }
}
