//! `/api/questions…`: the questions as JSON, for members only, with the same names the
//! pages show (an anonymous asker's or answerer's name only for the facilitator).

use axum::Json;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::pages::{AskForm, ListQuery, Similar, find, similar};
use super::view::{QuestionView, Viewer, load};
use crate::error::{AppError, ErrorBody};
use crate::extract::{Path, Query};
use crate::page::Ctx;

/// A question as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionJson {
    /// Its id; the thread is at `/questions/{id}`.
    pub id: i64,
    /// The question in a line.
    pub title: String,
    /// "Our situation".
    pub situation: String,
    /// "What we have tried".
    pub tried: String,
    /// ITIL 4 practice slugs.
    pub practices: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Who asked, as the viewer may know ("a member" unless the asker chose to be named).
    pub by: String,
    /// `open`, `resolved` or `closed`.
    pub state: String,
    /// Answers the viewer can read.
    pub answers: u64,
    /// Answers the asker marked as helpful.
    pub helpful: u64,
    /// Members who have been through this too.
    pub same: u64,
    /// "Question — 3 answers, resolved", in the viewer's language.
    pub label: String,
    /// Write-ups the thread became that the viewer may read, as `/w/…` links.
    pub writeups: Vec<String>,
    /// The passage that matched a search, as HTML; absent without a query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

impl QuestionJson {
    fn new(q: QuestionView, snippet: Option<String>) -> QuestionJson {
        QuestionJson {
            id: q.id,
            title: q.title,
            situation: q.situation,
            tried: q.tried,
            practices: q.practices.into_iter().map(|(slug, _)| slug).collect(),
            tags: q.tags,
            by: q.by,
            state: q.state.to_string(),
            answers: q.answers,
            helpful: q.helpful,
            same: q.same,
            label: q.kind_label,
            writeups: q.writeups.into_iter().map(|(href, _)| href).collect(),
            snippet,
        }
    }
}

/// Questions found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionsResponse {
    /// The query as typed.
    pub query: String,
    /// The questions, best first (newest first without a query).
    pub questions: Vec<QuestionJson>,
    /// A corrected query when nothing matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
}

/// An answer as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerJson {
    /// Its id.
    pub id: i64,
    /// Who answered, as the viewer may know.
    pub by: String,
    /// The answer as sanitised HTML.
    pub html: String,
    /// "Talk to me at the meeting".
    pub meet: bool,
    /// Marked as helpful by the asker.
    pub helpful: bool,
}

/// A question with its answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThreadResponse {
    /// The question.
    pub question: QuestionJson,
    /// The answers the viewer can read, oldest first.
    pub answers: Vec<AnswerJson>,
}

/// Write-ups and questions like one being asked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarResponse {
    /// Write-ups the viewer may read, best first.
    pub writeups: Vec<Similar>,
    /// Earlier questions, best first.
    pub questions: Vec<Similar>,
}

/// `GET /api/questions?q=…&state=…`: questions, searched with the write-ups' query
/// language (stemming, glossary, typo tolerance); members only.
#[utoipa::path(
    get,
    path = "/api/questions",
    params(
        ("q" = Option<String>, Query, description = "What to look for; all questions, newest first, when empty"),
        ("state" = Option<String>, Query, description = "`open`, `resolved` or `closed`"),
    ),
    responses(
        (status = 200, description = "Questions", body = QuestionsResponse),
        (status = 400, description = "A bad state", body = ErrorBody),
    )
)]
pub(crate) async fn search(
    ctx: Ctx,
    query: Result<Query<ListQuery>, AppError>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    if !query.state.is_empty() && erfa_accounts::QuestionState::parse(&query.state).is_none() {
        return Err(AppError::bad_request(
            "bad_state",
            "state: expected open, resolved or closed",
        ));
    }
    let viewer = Viewer::of(&ctx)?;
    let (text, state) = (query.q.clone(), query.state.clone());
    let (items, did_you_mean) = ctx
        .state
        .blocking(move |s| find(s, &viewer, &text, &state))
        .await?;
    Ok(Json(QuestionsResponse {
        query: query.q,
        questions: items
            .into_iter()
            .map(|i| QuestionJson::new(i.q, i.snippet))
            .collect(),
        did_you_mean,
    })
    .into_response())
}

/// `GET /api/questions/{id}`: a question with its answers; members only.
#[utoipa::path(
    get,
    path = "/api/questions/{id}",
    params(("id" = i64, Path, description = "The question's id")),
    responses(
        (status = 200, description = "The thread", body = ThreadResponse),
        (status = 404, description = "No such question for this viewer", body = ErrorBody),
    )
)]
pub(crate) async fn thread(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let viewer = Viewer::of(&ctx)?;
    let found = ctx
        .state
        .blocking(move |s| {
            let accounts = s.accounts()?;
            Ok(load(&accounts, &viewer, id)?
                .map(|(q, answers)| (viewer.question(s, &q), viewer.answers(&answers))))
        })
        .await?;
    let Some((q, answers)) = found else {
        return Err(AppError::not_found());
    };
    Ok(Json(ThreadResponse {
        question: QuestionJson::new(q, None),
        answers: answers
            .into_iter()
            .map(|a| AnswerJson {
                id: a.id,
                by: a.by,
                html: a.html,
                meet: a.meet,
                helpful: a.helpful,
            })
            .collect(),
    })
    .into_response())
}

/// `POST /api/questions/similar` (a form: `title`, `situation`, `tried`): write-ups and
/// earlier questions like the question being asked, in either language; members only.
#[utoipa::path(
    post,
    path = "/api/questions/similar",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`title`, `situation`, `tried`"),
    responses((status = 200, description = "Similar write-ups and questions", body = SimilarResponse))
)]
pub(crate) async fn similar_json(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    let form = AskForm::parse(&body);
    let viewer = Viewer::of(&ctx)?;
    let scope = ctx.scope();
    let (writeups, questions) = ctx
        .state
        .blocking(move |s| similar(s, &viewer, scope, &form))
        .await?;
    Ok(Json(SimilarResponse {
        writeups,
        questions,
    })
    .into_response())
}
