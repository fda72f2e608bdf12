//! Questions and answers as one viewer may see them: names only where the author chose so
//! (or for the facilitator, or the author), hidden ones only for the facilitator, write-ups
//! only when the viewer may read them.

use erfa_accounts::{Accounts, Actor, Answer, Question};
use serde::Serialize;

use super::words::Words;
use crate::access::Rank;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::page::Ctx;
use crate::question_index::Labels;
use crate::state::AppState;

/// Who the viewer is in the records: their account, or the person at the machine in local
/// mode.
pub(super) fn actor(ctx: &Ctx) -> Result<Actor, AppError> {
    ctx.viewer
        .actor()
        .ok_or_else(|| AppError::Unauthorized(ctx.lang.t().error_401_text.to_string()))
}

/// What the viewer is to a thread.
#[derive(Debug, Clone, Copy)]
pub(super) struct Viewer {
    pub(super) me: i64,
    pub(super) facilitator: bool,
    pub(super) lang: Lang,
}

impl Viewer {
    pub(super) fn of(ctx: &Ctx) -> Result<Viewer, AppError> {
        Ok(Viewer {
            me: actor(ctx)?.id,
            facilitator: ctx.viewer.rank >= Rank::Facilitator,
            lang: ctx.lang,
        })
    }

    /// Whether `author_id` is the viewer: their account, or in local mode (where the
    /// viewer is the person at the machine, without an account) what that person wrote.
    pub(super) fn is(&self, author_id: i64) -> bool {
        author_id == self.me
    }

    /// Whether the viewer may edit what `author_id` wrote.
    pub(super) fn may_edit(&self, author_id: i64) -> bool {
        self.facilitator || self.is(author_id)
    }

    /// Who wrote something, as the viewer may know: "you", the name, "a member" or "a
    /// former member". An anonymous author's name is only ever shown to the facilitator.
    pub(super) fn by(&self, author_id: i64, author: Option<&str>, named: bool) -> String {
        let w = Words::of(self.lang);
        if self.is(author_id) {
            w.you.to_string()
        } else if self.facilitator || named {
            author.map_or_else(|| w.former.to_string(), str::to_string)
        } else {
            w.a_member.to_string()
        }
    }
}

/// A question as a list or the thread shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct QuestionView {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) situation: String,
    pub(crate) tried: String,
    /// (slug, label).
    pub(crate) practices: Vec<(String, String)>,
    pub(crate) tags: Vec<String>,
    pub(crate) by: String,
    /// Whether the viewer asked it.
    pub(crate) mine: bool,
    /// Whether other members see who asked.
    pub(crate) named: bool,
    /// `open`, `resolved` or `closed`.
    pub(crate) state: &'static str,
    pub(crate) state_label: &'static str,
    pub(crate) hidden: bool,
    pub(crate) answers: u64,
    pub(crate) helpful: u64,
    pub(crate) same: u64,
    /// "Question — 3 answers, resolved".
    pub(crate) kind_label: String,
    pub(crate) asked: String,
    /// The write-ups it became, that the viewer may read: (href, title).
    pub(crate) writeups: Vec<(String, String)>,
}

/// An answer as the thread shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AnswerView {
    pub(crate) id: i64,
    pub(crate) by: String,
    pub(crate) mine: bool,
    /// The Markdown as written, for its author's and the facilitator's edit form.
    #[serde(skip)]
    pub(crate) body: String,
    /// Sanitised HTML.
    pub(crate) html: String,
    pub(crate) meet: bool,
    pub(crate) helpful: bool,
    pub(crate) hidden: bool,
    #[serde(skip)]
    pub(crate) can_edit: bool,
    pub(crate) at: String,
}

/// "Question — 3 answers, resolved".
pub(super) fn kind_label(lang: Lang, q: &Question) -> String {
    Labels::of(lang).hit(q)
}

impl Viewer {
    /// Whether the viewer may see the question at all.
    pub(super) fn sees(&self, q: &Question) -> bool {
        !q.hidden || self.facilitator
    }

    pub(super) fn question(&self, state: &AppState, q: &Question) -> QuestionView {
        let scope = if self.facilitator {
            erfa_index::Scope::Facilitator
        } else {
            erfa_index::Scope::Members
        };
        let writeups = q
            .writeups
            .iter()
            .filter_map(|path| {
                let slug = erfa_index::slug::from_path(path);
                let stored = state.engine.get(&slug, scope).ok()??;
                Some((
                    format!("/w/{}", stored.record.slug),
                    stored.record.front.title,
                ))
            })
            .collect();
        QuestionView {
            id: q.id,
            title: q.title.clone(),
            situation: q.situation.clone(),
            tried: q.tried.clone(),
            practices: q
                .practices
                .iter()
                .map(|p| (p.clone(), crate::i18n::practice_name(p)))
                .collect(),
            tags: q.tags.clone(),
            by: self.by(q.author_id, q.author.as_deref(), q.named),
            mine: self.is(q.author_id),
            named: q.named,
            state: q.state.as_str(),
            state_label: Labels::of(self.lang).state(q.state),
            hidden: q.hidden,
            answers: q.answers,
            helpful: q.helpful,
            same: q.same,
            kind_label: kind_label(self.lang, q),
            asked: crate::clock::danish_minute(q.created),
            writeups,
        }
    }

    pub(super) fn answer(&self, a: &Answer) -> AnswerView {
        AnswerView {
            id: a.id,
            by: self.by(a.author_id, a.author.as_deref(), a.named),
            mine: self.is(a.author_id),
            body: a.body.clone(),
            html: answer_html(&a.body),
            meet: a.meet,
            helpful: a.helpful,
            hidden: a.hidden,
            can_edit: self.may_edit(a.author_id),
            at: crate::clock::danish_minute(a.created),
        }
    }

    /// The answers to show the viewer: hidden ones only to the facilitator.
    pub(super) fn answers(&self, all: &[Answer]) -> Vec<AnswerView> {
        all.iter()
            .filter(|a| !a.hidden || self.facilitator)
            .map(|a| self.answer(a))
            .collect()
    }
}

/// An answer's Markdown as HTML, through the write-ups' renderer and sanitiser.
pub(super) fn answer_html(markdown: &str) -> String {
    crate::render::writeup_html(
        markdown,
        &crate::render::Base::new("questions", "questions.md"),
    )
}

/// The question `id` when the viewer may see it, with its answers; `None` (a 404) when
/// there is none or it is hidden from the viewer. Blocking.
pub(super) fn load(
    accounts: &Accounts,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<(Question, Vec<Answer>)>, AppError> {
    let Some(q) = accounts.question(id)? else {
        return Ok(None);
    };
    if !viewer.sees(&q) {
        return Ok(None);
    }
    let answers = accounts.answers(Some(id))?;
    Ok(Some((q, answers)))
}
