//! The facilitator's actions on a thread: hide or show a question or an answer, close or
//! reopen a question. Each is audit-logged (in `erfa_accounts`); hiding and closing ask
//! first, with the page frame's confirmation question.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::QuestionState;
use serde::Deserialize;

use super::view::actor;
use super::words::Words;
use crate::error::AppError;
use crate::extract::{Form, Path};
use crate::page::{ConfirmTemplate, Ctx, render};
use crate::question_index as index;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ModerateForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    answer: Option<i64>,
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/questions/{id}`: `action=hide|show|close|reopen`, or
/// `action=hide-answer|show-answer` with `answer`; hiding and closing want `confirm=yes`.
pub(super) async fn moderate(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let asks = match form.action.as_str() {
        "hide" => Some((w.confirm_hide_heading, w.confirm_hide_text, w.hide)),
        "close" => Some((w.confirm_close_heading, w.confirm_close_text, w.close)),
        "hide-answer" => Some((
            w.confirm_hide_answer_heading,
            w.confirm_hide_answer_text,
            w.hide_answer,
        )),
        "show" | "reopen" | "show-answer" => None,
        _ => return Err(AppError::bad_request("bad_action", w.err_action)),
    };
    if form.action.ends_with("-answer") && form.answer.is_none() {
        return Err(AppError::bad_request(
            "bad_answer",
            "answer: expected an id",
        ));
    }
    let accounts = ctx.state.accounts()?;
    let lookup = accounts.clone();
    let subject = ctx
        .state
        .blocking(move |_| {
            lookup
                .question(id)?
                .map(|q| q.title)
                .ok_or_else(AppError::not_found)
        })
        .await?;
    if let Some((heading, text, confirm)) = asks
        && form.confirm != "yes"
    {
        let mut fields = vec![("action".to_string(), form.action.clone())];
        if let Some(answer) = form.answer {
            fields.push(("answer".to_string(), answer.to_string()));
        }
        return render(
            &ConfirmTemplate {
                layout: ctx.layout(heading.to_string(), "questions", false),
                heading,
                subject,
                text,
                action: format!("/admin/questions/{id}"),
                fields,
                confirm,
                cancel_href: format!("/questions/{id}"),
            },
            StatusCode::OK,
        );
    }
    let by = actor(&ctx)?;
    let action = form.action.clone();
    let answer = form.answer;
    let anchor = ctx
        .state
        .blocking(move |s| {
            let anchor = match (action.as_str(), answer) {
                ("hide", _) => {
                    accounts.hide_question(id, true, &by)?;
                    String::new()
                }
                ("show", _) => {
                    accounts.hide_question(id, false, &by)?;
                    String::new()
                }
                ("close", _) => {
                    accounts.set_question_state(id, QuestionState::Closed, &by)?;
                    String::new()
                }
                ("reopen", _) => {
                    accounts.set_question_state(id, QuestionState::Open, &by)?;
                    String::new()
                }
                (hide_or_show, Some(answer)) => {
                    accounts
                        .answer(answer)?
                        .filter(|a| a.question == id)
                        .ok_or_else(AppError::not_found)?;
                    accounts.hide_answer(answer, hide_or_show == "hide-answer", &by)?;
                    format!("#answer-{answer}")
                }
                _ => return Err(AppError::bad_request("bad_action", w.err_action)),
            };
            index::update(s, id)?;
            Ok(anchor)
        })
        .await?;
    Ok(Redirect::to(&format!("/questions/{id}{anchor}")).into_response())
}
