//! The pages: the list with search, asking (with the similar write-ups and questions),
//! the thread, and what members do there.

use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{
    MAX_QUESTION_TEXT, MAX_QUESTION_TITLE, NewAnswer, NewQuestion, Question, QuestionState,
};
use erfa_index::vocab::{self, Language};
use erfa_index::{Document, Draft, Hit, Scope};
use serde::Deserialize;

use super::view::{AnswerView, QuestionView, Viewer, actor, load};
use super::words::Words;
use crate::error::AppError;
use crate::extract::{Form, Path, Query};
use crate::page::{Ctx, Layout, render};
use crate::question_index as index;

/// How many similar write-ups and questions the form lists.
pub(super) const SIMILAR: usize = 5;
/// The most tags a question takes, and their longest.
const MAX_TAGS: usize = 10;
const MAX_TAG_CHARS: usize = 50;

/// A hit in the list of questions.
pub(crate) struct ListItem {
    pub(crate) q: QuestionView,
    /// The passage that matched, as HTML (escaped, matches in `<mark>`).
    pub(crate) snippet: Option<String>,
}

#[derive(Template)]
#[template(path = "questions.html")]
struct ListTemplate {
    layout: Layout,
    w: &'static Words,
    labels: &'static crate::question_index::Labels,
    q: String,
    state: String,
    items: Vec<ListItem>,
    /// (href, corrected query).
    did_you_mean: Option<(String, String)>,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    pub(super) q: String,
    #[serde(default)]
    pub(super) state: String,
    #[serde(default)]
    done: String,
}

/// The questions `viewer` may see that match `query` (all of them, newest first, when it
/// is blank) in `state` (any with an empty one), with their snippets; and the
/// did-you-mean. Blocking.
pub(super) fn find(
    s: &crate::state::AppState,
    viewer: &Viewer,
    query: &str,
    state: &str,
) -> Result<(Vec<ListItem>, Option<String>), AppError> {
    let accounts = s.accounts()?;
    let all = accounts.questions()?;
    let wanted = |q: &Question| viewer.sees(q) && (state.is_empty() || q.state.as_str() == state);
    if query.trim().is_empty() {
        let items = all
            .iter()
            .filter(|q| wanted(q))
            .map(|q| ListItem {
                q: viewer.question(s, q),
                snippet: None,
            })
            .collect();
        return Ok((items, None));
    }
    let found = index::search(s, query, erfa_index::search::MAX_PER_PAGE)?;
    let items = found
        .hits
        .iter()
        .filter(|(q, _)| wanted(q))
        .map(|(q, snippet)| ListItem {
            q: viewer.question(s, q),
            snippet: Some(crate::query::snippet_html(snippet)),
        })
        .collect();
    Ok((items, found.did_you_mean))
}

/// `GET /questions`.
pub(super) async fn list(
    ctx: Ctx,
    query: Result<Query<ListQuery>, AppError>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let w = Words::of(ctx.lang);
    let state = match QuestionState::parse(&query.state) {
        Some(state) => state.as_str().to_string(),
        None if query.state.is_empty() => String::new(),
        None => {
            return Err(AppError::bad_request(
                "bad_state",
                "state: expected open, resolved or closed",
            ));
        }
    };
    let viewer = Viewer::of(&ctx)?;
    let (text, wanted) = (query.q.clone(), state.clone());
    let (items, did_you_mean) = ctx
        .state
        .blocking(move |s| find(s, &viewer, &text, &wanted))
        .await?;
    let notice = (query.done == "asked").then_some(w.done_asked);
    render(
        &ListTemplate {
            layout: ctx.layout(w.title.to_string(), "questions", false),
            w,
            labels: crate::question_index::Labels::of(ctx.lang),
            q: query.q,
            state,
            items,
            did_you_mean: did_you_mean.map(|better| {
                let q: String = form_urlencoded::byte_serialize(better.as_bytes()).collect();
                (format!("/questions?q={q}"), better)
            }),
            notice,
        },
        StatusCode::OK,
    )
}

/// What the ask form holds.
#[derive(Debug, Default, Clone)]
pub(super) struct AskForm {
    pub(super) title: String,
    pub(super) situation: String,
    pub(super) tried: String,
    pub(super) practices: Vec<String>,
    /// More `practices` values arrived than there are practices.
    pub(super) too_many_practices: bool,
    pub(super) tags: String,
    pub(super) named: bool,
    pub(super) action: String,
}

impl AskForm {
    pub(super) fn parse(body: &[u8]) -> AskForm {
        let mut form = AskForm::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "title" => form.title = value,
                "situation" => form.situation = value,
                "tried" => form.tried = value,
                // Each practice once; more values than there are practices is an error.
                "practices" => {
                    if form.practices.len() > vocab::PRACTICES.len() {
                        form.too_many_practices = true;
                    } else if !form.practices.contains(&value) {
                        form.practices.push(value);
                    }
                }
                "tags" => form.tags = value,
                "named" => form.named = !value.is_empty(),
                "action" => form.action = value,
                _ => {}
            }
        }
        form
    }

    pub(super) fn tags(&self) -> Vec<String> {
        self.tags
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// The field errors: (field id, message).
    fn check(&self, w: &'static Words) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MAX_QUESTION_TITLE || title.contains('\n') {
            errors.push(("q-title", w.err_title));
        }
        let situation = self.situation.trim();
        if situation.is_empty() {
            errors.push(("q-situation", w.err_situation));
        } else if situation.chars().count() > MAX_QUESTION_TEXT {
            errors.push(("q-situation", w.err_text));
        }
        if self.tried.trim().chars().count() > MAX_QUESTION_TEXT {
            errors.push(("q-tried", w.err_text));
        }
        if self.too_many_practices || !self.practices.iter().all(|p| vocab::is_practice(p)) {
            errors.push(("q-practices", w.err_practice));
        }
        let tags = self.tags();
        if tags.len() > MAX_TAGS
            || tags
                .iter()
                .any(|t| t.chars().count() > MAX_TAG_CHARS || t.chars().any(char::is_control))
        {
            errors.push(("q-tags", w.err_tags));
        }
        errors
    }

    /// Whether there is anything to look for similar write-ups with: something typed,
    /// and no field longer than a question may be (the check says so; nothing is looked
    /// up for text that cannot be saved).
    pub(super) fn is_blank(&self) -> bool {
        (self.title.trim().is_empty() && self.situation.trim().is_empty())
            || self.title.chars().count() > MAX_QUESTION_TITLE
            || self.situation.chars().count() > MAX_QUESTION_TEXT
            || self.tried.chars().count() > MAX_QUESTION_TEXT
    }
}

/// A similar write-up or question, as the form lists it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Similar {
    /// Title.
    pub(crate) title: String,
    /// Where it is, e.g. `/w/change/cab` or `/questions/3`.
    pub(crate) href: String,
    /// What it is: the write-up's kind, or "Question — 2 answers, open".
    pub(crate) label: String,
}

/// Write-ups (in the viewer's scope) and earlier questions like the one being asked, in
/// either language. Blocking.
pub(super) fn similar(
    s: &crate::state::AppState,
    viewer: &Viewer,
    scope: Scope,
    form: &AskForm,
) -> Result<(Vec<Similar>, Vec<Similar>), AppError> {
    if form.is_blank() {
        return Ok((Vec::new(), Vec::new()));
    }
    let text = format!(
        "---\ntitle: {}\nkind: practice\n---\n## Problem\n{}\n\n## Context\n{}\n",
        erfa_index::yaml::quoted(form.title.trim()),
        form.situation,
        form.tried
    );
    let language = Document::parse("questions/new.md", &text)
        .document
        .map_or(Language::En, |d| d.language);
    let draft = |language| Draft {
        title: form.title.clone(),
        body: format!("{}\n{}", form.situation, form.tried),
        language,
        ..Draft::default()
    };
    let other = match language {
        Language::Da => Language::En,
        Language::En => Language::Da,
    };
    let both = |search: &dyn Fn(&Draft) -> erfa_index::Result<Vec<Hit>>| {
        let mut hits = search(&draft(language))?;
        for hit in search(&draft(other))? {
            if !hits.iter().any(|h| h.slug == hit.slug) {
                hits.push(hit);
            }
        }
        Ok::<_, AppError>(hits)
    };
    let lang = viewer.lang;
    let writeups = both(&|d| s.engine.similar(d, scope, SIMILAR))?
        .into_iter()
        .take(SIMILAR)
        .map(|h| Similar {
            label: lang.facet_value("kind", h.kind.as_str()),
            href: format!("/w/{}", h.slug),
            title: h.title,
        })
        .collect();
    let side = index::side(s)?;
    let accounts = s.accounts()?;
    let mut questions = Vec::new();
    for hit in both(&|d| side.engine().similar(d, Scope::Members, SIMILAR))? {
        let Some(q) = index::id_of(&hit.slug).and_then(|id| accounts.question(id).ok()?) else {
            continue;
        };
        if viewer.sees(&q) && questions.len() < SIMILAR {
            questions.push(Similar {
                title: q.title.clone(),
                href: format!("/questions/{}", q.id),
                label: super::view::kind_label(lang, &q),
            });
        }
    }
    Ok((writeups, questions))
}

#[derive(Template)]
#[template(path = "question_ask.html")]
struct AskTemplate {
    layout: Layout,
    w: &'static Words,
    errors: Vec<(&'static str, &'static str)>,
    form: AskForm,
    /// (slug, label, chosen).
    practices: Vec<(&'static str, String, bool)>,
    /// Whether similar ones were looked for (the preview).
    looked: bool,
    writeups: Vec<Similar>,
    questions: Vec<Similar>,
}

impl AskTemplate {
    fn error(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| *m)
    }
}

async fn ask_page(
    ctx: &Ctx,
    form: AskForm,
    errors: Vec<(&'static str, &'static str)>,
    looked: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let viewer = Viewer::of(ctx)?;
    let scope = ctx.scope();
    let (writeups, questions) = if looked {
        let form = form.clone();
        ctx.state
            .blocking(move |s| similar(s, &viewer, scope, &form))
            .await?
    } else {
        (Vec::new(), Vec::new())
    };
    let practices = vocab::PRACTICES
        .iter()
        .map(|p| {
            (
                *p,
                crate::i18n::practice_name(p),
                form.practices.iter().any(|c| c == p),
            )
        })
        .collect();
    render(
        &AskTemplate {
            layout: ctx.layout(w.ask_title.to_string(), "questions", false),
            w,
            errors,
            form,
            practices,
            looked,
            writeups,
            questions,
        },
        status,
    )
}

/// `GET /questions/ask`.
pub(super) async fn ask_form(ctx: Ctx) -> Result<Response, AppError> {
    ask_page(&ctx, AskForm::default(), Vec::new(), false, StatusCode::OK).await
}

/// `POST /questions`: `action=preview` shows the form again with the similar write-ups
/// and questions; otherwise the question is saved.
pub(super) async fn ask(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let form = AskForm::parse(&body);
    if form.action == "preview" {
        return ask_page(&ctx, form, Vec::new(), true, StatusCode::OK).await;
    }
    let errors = form.check(w);
    if !errors.is_empty() {
        return ask_page(&ctx, form, errors, true, StatusCode::BAD_REQUEST).await;
    }
    let by = actor(&ctx)?;
    let id = ctx
        .state
        .blocking(move |s| {
            let tags = form.tags();
            let id = s.accounts()?.ask_question(
                &by,
                NewQuestion {
                    title: &form.title,
                    situation: &form.situation,
                    tried: &form.tried,
                    practices: &form.practices,
                    tags: &tags,
                    named: form.named,
                },
            )?;
            index::update(s, id)?;
            Ok(id)
        })
        .await?;
    Ok(Redirect::to(&format!("/questions/{id}?done=asked")).into_response())
}

#[derive(Template)]
#[template(path = "question.html")]
struct ThreadTemplate {
    layout: Layout,
    w: &'static Words,
    q: QuestionView,
    answers: Vec<AnswerView>,
    /// Whether the viewer has been through this too.
    same: bool,
    /// Whether the viewer asked (or is the facilitator): may resolve and make a draft.
    asker: bool,
    can_edit: bool,
    facilitator: bool,
    open: bool,
    /// Whether the viewer may turn the thread into a draft (and would own it).
    may_draft: bool,
    /// What happens to the draft: edited under My write-ups (contributors), or only
    /// reviewed (members, who have no My write-ups).
    draft_note: &'static str,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ThreadQuery {
    #[serde(default)]
    done: String,
}

/// `GET /questions/{id}`.
pub(super) async fn thread(
    ctx: Ctx,
    Path(id): Path<i64>,
    query: Result<Query<ThreadQuery>, AppError>,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let done = query.map(|q| q.0.done).unwrap_or_default();
    let viewer = Viewer::of(&ctx)?;
    let found = ctx
        .state
        .blocking(move |s| {
            let accounts = s.accounts()?;
            let Some((q, answers)) = load(&accounts, &viewer, id)? else {
                return Ok(None);
            };
            let same = accounts.question_same_of(viewer.me)?.contains(&id);
            Ok(Some((
                viewer.question(s, &q),
                viewer.answers(&answers),
                q,
                same,
            )))
        })
        .await?;
    let Some((view, answers, q, same)) = found else {
        return Err(AppError::not_found());
    };
    let asker = viewer.may_edit(q.author_id);
    let may_draft = asker || answers.iter().any(|a| a.mine && a.helpful && !a.hidden);
    let notice = match done.as_str() {
        "asked" => Some(w.done_asked),
        "draft" => Some(w.draft_done),
        _ => None,
    };
    render(
        &ThreadTemplate {
            layout: ctx.layout(q.title.clone(), "questions", false),
            w,
            open: q.state != QuestionState::Closed,
            can_edit: asker,
            asker,
            facilitator: viewer.facilitator,
            q: view,
            answers,
            same,
            may_draft,
            draft_note: if ctx.viewer.rank >= crate::access::Rank::Contributor {
                w.draft_owner
            } else {
                w.draft_owner_member
            },
            notice,
        },
        StatusCode::OK,
    )
}

/// The question `id` when the viewer may see it; a 404 otherwise. Blocking.
fn visible(s: &crate::state::AppState, viewer: &Viewer, id: i64) -> Result<Question, AppError> {
    s.accounts()?
        .question(id)?
        .filter(|q| viewer.sees(q))
        .ok_or_else(AppError::not_found)
}

fn back(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/questions/{id}{anchor}")).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    named: String,
    #[serde(default)]
    meet: String,
}

/// `POST /questions/{id}/answers`.
pub(super) async fn answer(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let body = form.body.trim().to_string();
    if body.is_empty() || body.chars().count() > MAX_QUESTION_TEXT {
        return Err(AppError::bad_request("bad_answer", w.err_answer));
    }
    let by = actor(&ctx)?;
    let viewer = Viewer::of(&ctx)?;
    let (named, meet) = (!form.named.is_empty(), !form.meet.is_empty());
    let added = ctx
        .state
        .blocking(move |s| {
            let q = visible(s, &viewer, id)?;
            let added = s.accounts()?.answer_question(
                id,
                &by,
                NewAnswer {
                    body: &body,
                    named,
                    meet,
                },
            )?;
            // Refused although open and shown: the thread has all the answers it takes.
            if added.is_none() && q.state != QuestionState::Closed && !q.hidden {
                return Err(AppError::bad_request("thread_full", w.err_full));
            }
            index::update(s, id)?;
            Ok(added)
        })
        .await?;
    match added {
        Some(answer) => Ok(back(id, &format!("#answer-{answer}"))),
        None => Err(AppError::bad_request("question_closed", w.closed_note)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct OnForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    answer: Option<i64>,
}

fn on_off(value: &str) -> Result<bool, AppError> {
    match value {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(AppError::bad_request("bad_on", "on: expected yes or no")),
    }
}

/// `POST /questions/{id}/same`: `on=yes` or `on=no`.
pub(super) async fn same(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<OnForm>,
) -> Result<Response, AppError> {
    let on = on_off(&form.on)?;
    let viewer = Viewer::of(&ctx)?;
    ctx.state
        .blocking(move |s| {
            visible(s, &viewer, id)?;
            s.accounts()?.question_same(id, viewer.me, on)?;
            Ok(())
        })
        .await?;
    Ok(back(id, "#same"))
}

/// `POST /questions/{id}/helpful`: `answer=<id>&on=yes|no`; only the asker may.
pub(super) async fn helpful(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<OnForm>,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let on = on_off(&form.on)?;
    let Some(answer) = form.answer else {
        return Err(AppError::bad_request(
            "bad_answer",
            "answer: expected an id",
        ));
    };
    let by = actor(&ctx)?;
    let viewer = Viewer::of(&ctx)?;
    ctx.state
        .blocking(move |s| {
            let q = visible(s, &viewer, id)?;
            if !viewer.is(q.author_id) {
                return Err(forbidden(w));
            }
            let accounts = s.accounts()?;
            // A hidden answer is as missing as one that never was, but for the facilitator.
            if accounts
                .answer(answer)?
                .is_none_or(|a| a.question != id || (a.hidden && !viewer.facilitator))
            {
                return Err(AppError::not_found());
            }
            accounts.mark_helpful(answer, &by, on)?;
            index::update(s, id)
        })
        .await?;
    Ok(back(id, &format!("#answer-{answer}")))
}

pub(super) fn forbidden(w: &Words) -> AppError {
    AppError::Forbidden {
        code: "not_yours",
        message: w.not_yours.to_string(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct StateForm {
    #[serde(default)]
    state: String,
}

/// `POST /questions/{id}/state`: `state=resolved` or `state=open`, by the asker or the
/// facilitator (who closes through `/admin/questions/{id}`).
pub(super) async fn set_state(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<StateForm>,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let state = match form.state.as_str() {
        "resolved" => QuestionState::Resolved,
        "open" => QuestionState::Open,
        _ => {
            return Err(AppError::bad_request(
                "bad_state",
                "state: expected resolved or open",
            ));
        }
    };
    let by = actor(&ctx)?;
    let viewer = Viewer::of(&ctx)?;
    ctx.state
        .blocking(move |s| {
            let q = visible(s, &viewer, id)?;
            if !viewer.may_edit(q.author_id) {
                return Err(forbidden(w));
            }
            if q.state == QuestionState::Closed && !viewer.facilitator {
                return Err(AppError::bad_request("question_closed", w.closed_note));
            }
            s.accounts()?.set_question_state(id, state, &by)?;
            Ok(())
        })
        .await?;
    Ok(back(id, ""))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    situation: String,
    #[serde(default)]
    tried: String,
}

/// `POST /questions/{id}/edit`: by the asker or the facilitator.
pub(super) async fn edit_question(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let checked = AskForm {
        title: form.title.clone(),
        situation: form.situation.clone(),
        tried: form.tried.clone(),
        ..AskForm::default()
    }
    .check(w);
    if let Some((_, message)) = checked.first() {
        return Err(AppError::bad_request("bad_question", *message));
    }
    let by = actor(&ctx)?;
    let viewer = Viewer::of(&ctx)?;
    ctx.state
        .blocking(move |s| {
            let q = visible(s, &viewer, id)?;
            if !viewer.may_edit(q.author_id) {
                return Err(forbidden(w));
            }
            s.accounts()?
                .edit_question(id, &form.title, &form.situation, &form.tried, &by)?;
            index::update(s, id)
        })
        .await?;
    Ok(back(id, ""))
}

/// `POST /questions/{id}/answers/{answer}/edit`: by whoever answered or the facilitator.
pub(super) async fn edit_answer(
    ctx: Ctx,
    Path((id, answer)): Path<(i64, i64)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    let w = Words::of(ctx.lang);
    let body = form.body.trim().to_string();
    if body.is_empty() || body.chars().count() > MAX_QUESTION_TEXT {
        return Err(AppError::bad_request("bad_answer", w.err_answer));
    }
    let by = actor(&ctx)?;
    let viewer = Viewer::of(&ctx)?;
    ctx.state
        .blocking(move |s| {
            visible(s, &viewer, id)?;
            let accounts = s.accounts()?;
            let found = accounts
                .answer(answer)?
                .filter(|a| a.question == id && (!a.hidden || viewer.facilitator))
                .ok_or_else(AppError::not_found)?;
            if !viewer.may_edit(found.author_id) {
                return Err(forbidden(w));
            }
            accounts.edit_answer(answer, &body, &by)?;
            index::update(s, id)
        })
        .await?;
    Ok(back(id, &format!("#answer-{answer}")))
}
