//! The members' questions ("Ask the group") as a side index, and how a question is
//! labelled as a kind of hit: the `questions` feature writes and shows them, the search
//! page lists the ones that match beside the write-ups.
//!
//! Each visible question with its visible answers is one document (`questions/<id>.md`),
//! indexed in memory with the write-ups' analyzers ([`erfa_index::side::SideIndex`]).
//! Built from `state.db` the first time it is needed after a start, and updated after
//! every change to a question or its answers, so it never holds what the database no
//! longer shows. Hidden questions and answers are left out; names never go in. Only
//! members and up may search it: callers check the viewer's rank first.

use std::sync::Arc;

use erfa_accounts::{Accounts, Answer, Question, QuestionState};
use erfa_index::search::Snippet;
use erfa_index::side::SideIndex;
use erfa_index::{Document, Scope, SearchRequest, yaml};

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// The words of a question as a kind of hit.
#[derive(Debug)]
pub(crate) struct Labels {
    pub(crate) kind: &'static str,
    pub(crate) answer_one: &'static str,
    pub(crate) answer_many: &'static str,
    pub(crate) open: &'static str,
    pub(crate) resolved: &'static str,
    pub(crate) closed: &'static str,
    /// The search page's heading over the matching questions.
    pub(crate) found: &'static str,
    /// The search page's link to all matching questions.
    pub(crate) all: &'static str,
}

const EN: Labels = Labels {
    kind: "Question",
    answer_one: "answer",
    answer_many: "answers",
    open: "open",
    resolved: "resolved",
    closed: "closed",
    found: "Questions members asked",
    all: "Only questions",
};

const DA: Labels = Labels {
    kind: "Spørgsmål",
    answer_one: "svar",
    answer_many: "svar",
    open: "åbent",
    resolved: "løst",
    closed: "lukket",
    found: "Spørgsmål fra medlemmerne",
    all: "Kun spørgsmål",
};

impl Labels {
    /// The words in `lang`.
    pub(crate) fn of(lang: Lang) -> &'static Labels {
        match lang {
            Lang::En => &EN,
            Lang::Da => &DA,
        }
    }

    /// "open", "resolved", "closed".
    pub(crate) fn state(&self, state: QuestionState) -> &'static str {
        match state {
            QuestionState::Open => self.open,
            QuestionState::Resolved => self.resolved,
            QuestionState::Closed => self.closed,
        }
    }

    /// "Question — 3 answers, resolved".
    pub(crate) fn hit(&self, q: &Question) -> String {
        let answers = if q.answers == 1 {
            format!("1 {}", self.answer_one)
        } else {
            format!("{} {}", q.answers, self.answer_many)
        };
        format!("{} — {answers}, {}", self.kind, self.state(q.state))
    }
}

/// Questions that match a query, best first.
pub(crate) struct Found {
    /// Each with the passage that matched.
    pub(crate) hits: Vec<(Question, Snippet)>,
    /// A corrected query when nothing matched.
    pub(crate) did_you_mean: Option<String>,
}

/// The questions that match `query` with the write-ups' query language, best first, at
/// most `limit`; hidden ones never. For members and up only. Blocking.
pub(crate) fn search(state: &AppState, query: &str, limit: usize) -> Result<Found, AppError> {
    let side = side(state)?;
    let mut request = SearchRequest::new(query, Scope::Members);
    request.per_page = limit.clamp(1, erfa_index::search::MAX_PER_PAGE);
    request.facets = false;
    let results = side.engine().search(&request)?;
    let accounts = state.accounts()?;
    let mut hits = Vec::new();
    for hit in results.hits {
        let Some(id) = id_of(&hit.slug) else {
            continue;
        };
        if let Some(q) = accounts.question(id)?.filter(|q| !q.hidden) {
            hits.push((q, hit.snippet));
        }
    }
    Ok(Found {
        hits,
        did_you_mean: results.did_you_mean,
    })
}

/// The folder the documents pretend to live in: a hit's slug is `questions/<id>`.
const FOLDER: &str = "questions";

/// The question a side-index slug names.
pub(crate) fn id_of(slug: &str) -> Option<i64> {
    slug.strip_prefix(FOLDER)?.strip_prefix('/')?.parse().ok()
}

fn path_of(id: i64) -> String {
    format!("{FOLDER}/{id}.md")
}

/// The question as a document: title, situation as the problem, what was tried as the
/// context, the answers as the body, the helpful ones as the lesson.
fn document(q: &Question, answers: &[Answer]) -> Option<Document> {
    let mut text = String::from("---\n");
    text.push_str(&format!("title: {}\n", yaml::scalar(&q.title)));
    text.push_str("kind: practice\nstatus: published\nvisibility: members\n");
    if !q.practices.is_empty() {
        text.push_str(&format!("practices: {}\n", yaml::list(&q.practices)));
    }
    if !q.tags.is_empty() {
        text.push_str(&format!("tags: {}\n", yaml::list(&q.tags)));
    }
    text.push_str("---\n## Problem\n");
    text.push_str(&q.situation);
    text.push_str("\n\n## Context\n");
    text.push_str(&q.tried);
    text.push('\n');
    let visible: Vec<&Answer> = answers.iter().filter(|a| !a.hidden).collect();
    let helpful: Vec<&&Answer> = visible.iter().filter(|a| a.helpful).collect();
    if !helpful.is_empty() {
        text.push_str("\n## Lesson learned\n");
        for a in &helpful {
            text.push_str(&a.body);
            text.push_str("\n\n");
        }
    }
    let rest: Vec<&&Answer> = visible.iter().filter(|a| !a.helpful).collect();
    if !rest.is_empty() {
        text.push_str("\n## Answers\n");
        for a in rest {
            text.push_str(&a.body);
            text.push_str("\n\n");
        }
    }
    let parsed = Document::parse(&path_of(q.id), &text);
    if parsed.document.is_none() {
        tracing::error!(
            question = q.id,
            "a question does not make a searchable document"
        );
    }
    parsed.document
}

/// Reading the database and writing what it says into the side index happen under this
/// lock, the first build included: two changes to one thread never land in the wrong
/// order, and a change made during the first build is never overwritten by older text.
static WRITES: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The side index, built from the database when first needed. Blocking.
pub(crate) fn side(state: &AppState) -> Result<Arc<SideIndex>, AppError> {
    if let Some(side) = state.questions_index.get() {
        return Ok(side.clone());
    }
    let _writes = WRITES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(side) = state.questions_index.get() {
        return Ok(side.clone());
    }
    let accounts = state.accounts()?;
    let side = SideIndex::new()?;
    side.set_glossary(&erfa_index::glossary::Glossary::load(&state.config.content_dir).glossary);
    side.rebuild(&documents(&accounts)?)?;
    let _ = state.questions_index.set(Arc::new(side));
    Ok(state
        .questions_index
        .get()
        .expect("set just now, by this request or another")
        .clone())
}

fn documents(accounts: &Accounts) -> Result<Vec<Document>, AppError> {
    let answers = accounts.answers(None)?;
    Ok(accounts
        .questions()?
        .iter()
        .filter(|q| !q.hidden)
        .filter_map(|q| {
            let own: Vec<Answer> = answers
                .iter()
                .filter(|a| a.question == q.id)
                .cloned()
                .collect();
            document(q, &own)
        })
        .collect())
}

/// Brings the question `id` up to date in the side index after a change (when the
/// index has been built; otherwise its first build reads the change). Blocking.
pub(crate) fn update(state: &AppState, id: i64) -> Result<(), AppError> {
    let _writes = WRITES.lock().unwrap_or_else(|e| e.into_inner());
    let Some(side) = state.questions_index.get() else {
        return Ok(());
    };
    let accounts = state.accounts()?;
    match accounts.question(id)? {
        Some(q) if !q.hidden => {
            let answers = accounts.answers(Some(id))?;
            match document(&q, &answers) {
                Some(doc) => side.put(&doc)?,
                None => side.remove(&path_of(id))?,
            }
        }
        _ => side.remove(&path_of(id))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(title: &str, tags: &[&str]) -> Question {
        Question {
            id: 7,
            title: title.to_string(),
            situation: "Vi er fem i IT.".to_string(),
            tried: String::new(),
            practices: vec!["change-enablement".to_string()],
            tags: tags.iter().map(|t| t.to_string()).collect(),
            author_id: 1,
            author: Some("secret name".to_string()),
            named: false,
            state: erfa_accounts::QuestionState::Open,
            hidden: false,
            created: 0,
            updated: 0,
            answers: 0,
            helpful: 0,
            same: 0,
            writeups: Vec::new(),
        }
    }

    #[test]
    fn any_title_and_tags_make_a_document_without_names() {
        for title in [
            "CAB: ja eller nej?",
            "\"quoted\" # not a comment",
            "- dash",
            "a\\b",
        ] {
            let q = question(title, &["a, b", "x: y", "[z]"]);
            let doc = document(&q, &[]).expect("a document");
            assert_eq!(doc.front.title, title);
            assert_eq!(doc.front.tags, ["a, b", "x: y", "[z]"]);
            assert_eq!(id_of(&doc.slug), Some(7));
        }
        let doc = document(&question("CAB", &[]), &[]).expect("doc");
        assert!(!format!("{doc:?}").contains("secret name"));
    }
}
