//! "Ask the group": members ask a concrete question (while they type, the write-ups and
//! earlier questions that may already answer it are listed), answer from experience,
//! say "we have been through this too"; the asker marks the answers that helped and the
//! question resolved, and can turn the thread into a draft write-up in
//! `content/submissions/` that goes through the review. The facilitator edits, hides and
//! closes questions and answers (audit-logged, after a confirmation), and the desk lists
//! the open questions nobody has answered.
//!
//! Members-only, always: questions live in `state.db`, never in `content/` or the
//! write-up indexes, and refer to account ids. Who asked or answered is shown to other
//! members only when they chose so; the facilitator always sees who. Search goes through
//! a side index in memory (the core's `question_index`), built from the database with the write-ups'
//! analyzers and query language.
//!
//! - `view` — questions and answers as a viewer may see them (names, hidden ones).
//! - `pages` — the list with search, asking, the thread, the members' actions.
//! - `draft` — from a thread to a draft write-up.
//! - `moderate` — the facilitator's actions.
//! - `api` — `/api/questions…` as JSON.
//! - `words` — the feature's Danish and English text.

use crate::access::Access;
use crate::route::Route;

pub(crate) mod api;
mod draft;
mod moderate;
mod pages;
mod view;
mod words;

pub(crate) use pages::Similar;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/questions",
            Access::Member,
            "Ask the group: the questions, searched and filtered",
            pages::list,
        ),
        Route::get(
            "/questions/ask",
            Access::Member,
            "The form for asking the group, with similar write-ups and questions",
            pages::ask_form,
        ),
        Route::post(
            "/questions",
            Access::Member,
            "Ask a question (or, with action=preview, list similar write-ups first)",
            pages::ask,
        ),
        Route::get(
            "/questions/{id}",
            Access::Member,
            "A question with its answers",
            pages::thread,
        ),
        Route::post(
            "/questions/{id}/answers",
            Access::Member,
            "Answer a question from experience",
            pages::answer,
        ),
        Route::post(
            "/questions/{id}/same",
            Access::Member,
            "Say \"we have been through this too\", or take it back",
            pages::same,
        ),
        Route::post(
            "/questions/{id}/helpful",
            Access::Member,
            "The asker marks an answer as helpful, or unmarks it",
            pages::helpful,
        ),
        Route::post(
            "/questions/{id}/state",
            Access::Member,
            "The asker marks the question resolved, or opens it again",
            pages::set_state,
        ),
        Route::post(
            "/questions/{id}/edit",
            Access::Member,
            "Edit one's own question (the facilitator: any question)",
            pages::edit_question,
        ),
        Route::post(
            "/questions/{id}/answers/{answer}/edit",
            Access::Member,
            "Edit one's own answer (the facilitator: any answer)",
            pages::edit_answer,
        ),
        Route::post(
            "/questions/{id}/draft",
            Access::Member,
            "Turn the thread into a draft write-up owned by the asker or an answerer",
            draft::make_draft,
        ),
        Route::post(
            "/admin/questions/{id}",
            Access::Facilitator,
            "Hide, show, close or reopen a question; hide or show an answer",
            moderate::moderate,
        ),
        Route::get(
            "/api/questions",
            Access::Member,
            "Questions as JSON, searched with the write-ups' query language",
            api::search,
        ),
        Route::get(
            "/api/questions/{id}",
            Access::Member,
            "A question with its answers as JSON",
            api::thread,
        ),
        Route::post(
            "/api/questions/similar",
            Access::Member,
            "Write-ups and questions like a question being asked, as JSON",
            api::similar_json,
        ),
    ]
}
