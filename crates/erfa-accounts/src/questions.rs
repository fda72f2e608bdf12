//! "Ask the group": questions members ask, answers from experience, "we have been through
//! this too", the answers the asker marks as helpful, and the write-ups a thread became.
//! Everything refers to account ids; an account that is removed leaves its questions and
//! answers behind without its name. Questions and answers live here only, never in
//! `content/`.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Row, params};

use crate::{Accounts, Actor, Result, now};

/// The longest title of a question.
pub const MAX_QUESTION_TITLE: usize = 200;
/// The longest text of a question's part or of an answer.
pub const MAX_QUESTION_TEXT: usize = 10_000;
/// The most answers a thread takes; a thread that long is better asked anew.
pub const MAX_ANSWERS_PER_QUESTION: usize = 500;

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionState {
    /// Waiting for answers.
    Open,
    /// The asker (or the facilitator) says it is answered.
    Resolved,
    /// Closed by the facilitator: no more answers.
    Closed,
}

impl QuestionState {
    /// As stored and in forms: `open`, `resolved`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionState::Open => "open",
            QuestionState::Resolved => "resolved",
            QuestionState::Closed => "closed",
        }
    }

    /// The state named `text`.
    pub fn parse(text: &str) -> Option<QuestionState> {
        match text {
            "open" => Some(QuestionState::Open),
            "resolved" => Some(QuestionState::Resolved),
            "closed" => Some(QuestionState::Closed),
            _ => None,
        }
    }
}

/// A question with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Its id.
    pub id: i64,
    /// What it is about, in a line.
    pub title: String,
    /// "Our situation".
    pub situation: String,
    /// "What we have tried".
    pub tried: String,
    /// ITIL practice slugs.
    pub practices: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The account that asked.
    pub author_id: i64,
    /// That account's name now; `None` when the account was removed.
    pub author: Option<String>,
    /// Whether other members see who asked (the facilitator always does).
    pub named: bool,
    /// Where it stands.
    pub state: QuestionState,
    /// Hidden by the facilitator: only the facilitator sees it.
    pub hidden: bool,
    /// When it was asked (Unix seconds).
    pub created: i64,
    /// When it or an answer last changed (Unix seconds).
    pub updated: i64,
    /// Answers that are not hidden.
    pub answers: u64,
    /// Answers the asker marked as helpful (not hidden).
    pub helpful: u64,
    /// Members who have been through this too.
    pub same: u64,
    /// Write-ups the thread became (paths under `content/`), oldest first.
    pub writeups: Vec<String>,
}

/// An answer from experience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Its id.
    pub id: i64,
    /// The question.
    pub question: i64,
    /// The account that answered.
    pub author_id: i64,
    /// That account's name now; `None` when the account was removed.
    pub author: Option<String>,
    /// Whether other members see who answered.
    pub named: bool,
    /// Markdown.
    pub body: String,
    /// "Talk to me at the meeting".
    pub meet: bool,
    /// Hidden by the facilitator.
    pub hidden: bool,
    /// Marked as helpful by the asker.
    pub helpful: bool,
    /// When (Unix seconds).
    pub created: i64,
}

/// What a member asks.
#[derive(Debug, Clone, Copy)]
pub struct NewQuestion<'a> {
    /// What it is about.
    pub title: &'a str,
    /// "Our situation".
    pub situation: &'a str,
    /// "What we have tried".
    pub tried: &'a str,
    /// Practice slugs.
    pub practices: &'a [String],
    /// Tags.
    pub tags: &'a [String],
    /// Whether other members see who asked.
    pub named: bool,
}

/// What a member answers.
#[derive(Debug, Clone, Copy)]
pub struct NewAnswer<'a> {
    /// Markdown.
    pub body: &'a str,
    /// Whether other members see who answered.
    pub named: bool,
    /// "Talk to me at the meeting".
    pub meet: bool,
}

fn capped(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn unlist(text: &str) -> Vec<String> {
    text.lines()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

const QUESTION_COLUMNS: &str = "q.id, q.title, q.situation, q.tried, q.practices, q.tags,
    q.author_id, u.name, q.named, q.state, q.hidden, q.created, q.updated,
    (SELECT COUNT(*) FROM answers a WHERE a.question = q.id AND a.hidden = 0),
    (SELECT COUNT(*) FROM answers a WHERE a.question = q.id AND a.hidden = 0 AND a.helpful = 1),
    (SELECT COUNT(*) FROM question_same s WHERE s.question = q.id)";

fn question_row(r: &Row<'_>) -> rusqlite::Result<Question> {
    let state: String = r.get(9)?;
    Ok(Question {
        id: r.get(0)?,
        title: r.get(1)?,
        situation: r.get(2)?,
        tried: r.get(3)?,
        practices: unlist(&r.get::<_, String>(4)?),
        tags: unlist(&r.get::<_, String>(5)?),
        author_id: r.get(6)?,
        author: r.get(7)?,
        named: r.get(8)?,
        state: QuestionState::parse(&state).unwrap_or(QuestionState::Open),
        hidden: r.get(10)?,
        created: r.get(11)?,
        updated: r.get(12)?,
        answers: r.get::<_, i64>(13)? as u64,
        helpful: r.get::<_, i64>(14)? as u64,
        same: r.get::<_, i64>(15)? as u64,
        writeups: Vec::new(),
    })
}

fn answer_row(r: &Row<'_>) -> rusqlite::Result<Answer> {
    Ok(Answer {
        id: r.get(0)?,
        question: r.get(1)?,
        author_id: r.get(2)?,
        author: r.get(3)?,
        named: r.get(4)?,
        body: r.get(5)?,
        meet: r.get(6)?,
        hidden: r.get(7)?,
        helpful: r.get(8)?,
        created: r.get(9)?,
    })
}

impl Accounts {
    /// Records the question of `by`; its id.
    pub fn ask_question(&self, by: &Actor, q: NewQuestion<'_>) -> Result<i64> {
        let id = {
            let db = self.db();
            let at = now();
            db.execute(
                "INSERT INTO questions (title, situation, tried, practices, tags, author_id,
                     named, created, updated)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![
                    capped(q.title, MAX_QUESTION_TITLE),
                    capped(q.situation, MAX_QUESTION_TEXT),
                    capped(q.tried, MAX_QUESTION_TEXT),
                    list(q.practices),
                    list(q.tags),
                    by.id,
                    q.named,
                    at
                ],
            )?;
            db.last_insert_rowid()
        };
        self.audit(by, "question.ask", &format!("question {id}"))?;
        Ok(id)
    }

    /// Every question, hidden ones too, newest first.
    pub fn questions(&self) -> Result<Vec<Question>> {
        let db = self.db();
        let mut stmt = db.prepare(&format!(
            "SELECT {QUESTION_COLUMNS} FROM questions q LEFT JOIN users u ON u.id = q.author_id
             ORDER BY q.created DESC, q.id DESC"
        ))?;
        let mut questions: Vec<Question> = stmt
            .query_map([], question_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt =
            db.prepare("SELECT question, path FROM question_writeups ORDER BY at, path")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, path) = row?;
            if let Some(q) = questions.iter_mut().find(|q| q.id == id) {
                q.writeups.push(path);
            }
        }
        Ok(questions)
    }

    /// The question `id`, hidden or not.
    pub fn question(&self, id: i64) -> Result<Option<Question>> {
        let db = self.db();
        let found = db
            .query_row(
                &format!(
                    "SELECT {QUESTION_COLUMNS} FROM questions q
                     LEFT JOIN users u ON u.id = q.author_id WHERE q.id = ?1"
                ),
                params![id],
                question_row,
            )
            .optional()?;
        let Some(mut q) = found else {
            return Ok(None);
        };
        let mut stmt =
            db.prepare("SELECT path FROM question_writeups WHERE question = ?1 ORDER BY at, path")?;
        q.writeups = stmt
            .query_map(params![id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(q))
    }

    /// The answers to `question` (every question with `None`), hidden ones too, oldest
    /// first.
    pub fn answers(&self, question: Option<i64>) -> Result<Vec<Answer>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT a.id, a.question, a.author_id, u.name, a.named, a.body, a.meet, a.hidden,
                    a.helpful, a.created
             FROM answers a LEFT JOIN users u ON u.id = a.author_id
             WHERE ?1 IS NULL OR a.question = ?1 ORDER BY a.created, a.id",
        )?;
        let rows = stmt.query_map(params![question], answer_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The answer `id`, hidden or not.
    pub fn answer(&self, id: i64) -> Result<Option<Answer>> {
        Ok(self
            .db()
            .query_row(
                "SELECT a.id, a.question, a.author_id, u.name, a.named, a.body, a.meet, a.hidden,
                        a.helpful, a.created
                 FROM answers a LEFT JOIN users u ON u.id = a.author_id WHERE a.id = ?1",
                params![id],
                answer_row,
            )
            .optional()?)
    }

    /// Adds the answer of `by` to the question `question`, which must be open or resolved
    /// and not hidden, with fewer than [`MAX_ANSWERS_PER_QUESTION`] answers; its id, or
    /// `None` when it takes no answers.
    pub fn answer_question(
        &self,
        question: i64,
        by: &Actor,
        answer: NewAnswer<'_>,
    ) -> Result<Option<i64>> {
        let id = {
            let db = self.db();
            let at = now();
            let added = db.execute(
                "INSERT INTO answers (question, author_id, named, body, meet, created, updated)
                 SELECT id, ?2, ?3, ?4, ?5, ?6, ?6 FROM questions
                 WHERE id = ?1 AND hidden = 0 AND state <> 'closed'
                   AND (SELECT COUNT(*) FROM answers WHERE question = ?1) < ?7",
                params![
                    question,
                    by.id,
                    answer.named,
                    capped(answer.body, MAX_QUESTION_TEXT),
                    answer.meet,
                    at,
                    MAX_ANSWERS_PER_QUESTION as i64
                ],
            )?;
            if added == 0 {
                return Ok(None);
            }
            let id = db.last_insert_rowid();
            db.execute(
                "UPDATE questions SET updated = ?2 WHERE id = ?1",
                params![question, at],
            )?;
            id
        };
        self.audit(
            by,
            "question.answer",
            &format!("question {question} answer {id}"),
        )?;
        Ok(Some(id))
    }

    /// Says (`on`) or takes back that `account_id` has been through the question `id`
    /// too; whether anything changed. Once per member, however many requests arrive.
    pub fn question_same(&self, id: i64, account_id: i64, on: bool) -> Result<bool> {
        let db = self.db();
        let changed = if on {
            db.execute(
                "INSERT OR IGNORE INTO question_same (question, account_id, at)
                 SELECT id, ?2, ?3 FROM questions WHERE id = ?1",
                params![id, account_id, now()],
            )?
        } else {
            db.execute(
                "DELETE FROM question_same WHERE question = ?1 AND account_id = ?2",
                params![id, account_id],
            )?
        };
        Ok(changed > 0)
    }

    /// The questions `account_id` has been through too.
    pub fn question_same_of(&self, account_id: i64) -> Result<HashSet<i64>> {
        let db = self.db();
        let mut stmt = db.prepare("SELECT question FROM question_same WHERE account_id = ?1")?;
        let rows = stmt.query_map(params![account_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks (`on`) or unmarks the answer `answer` as helpful; only the asker of its
    /// question may (`by`). Whether it was theirs to mark.
    pub fn mark_helpful(&self, answer: i64, by: &Actor, on: bool) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE answers SET helpful = ?3 WHERE id = ?1
               AND question IN (SELECT id FROM questions WHERE author_id = ?2)",
            params![answer, by.id, on],
        )?;
        Ok(changed > 0)
    }

    /// Sets the state of the question `id`; whether there is such a question.
    pub fn set_question_state(&self, id: i64, state: QuestionState, by: &Actor) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE questions SET state = ?2, updated = ?3 WHERE id = ?1",
            params![id, state.as_str(), now()],
        )?;
        if changed > 0 {
            self.audit(
                by,
                &format!("question.{}", state.as_str()),
                &format!("question {id}"),
            )?;
        }
        Ok(changed > 0)
    }

    /// Replaces the title and text of the question `id`; whether there is one.
    pub fn edit_question(
        &self,
        id: i64,
        title: &str,
        situation: &str,
        tried: &str,
        by: &Actor,
    ) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE questions SET title = ?2, situation = ?3, tried = ?4, updated = ?5
             WHERE id = ?1",
            params![
                id,
                capped(title, MAX_QUESTION_TITLE),
                capped(situation, MAX_QUESTION_TEXT),
                capped(tried, MAX_QUESTION_TEXT),
                now()
            ],
        )?;
        if changed > 0 {
            self.audit(by, "question.edit", &format!("question {id}"))?;
        }
        Ok(changed > 0)
    }

    /// Replaces the text of the answer `id`; whether there is one.
    pub fn edit_answer(&self, id: i64, body: &str, by: &Actor) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE answers SET body = ?2, updated = ?3 WHERE id = ?1",
            params![id, capped(body, MAX_QUESTION_TEXT), now()],
        )?;
        if changed > 0 {
            self.audit(by, "answer.edit", &format!("answer {id}"))?;
        }
        Ok(changed > 0)
    }

    /// Hides or shows again the question `id`; whether anything changed.
    pub fn hide_question(&self, id: i64, hidden: bool, by: &Actor) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE questions SET hidden = ?2 WHERE id = ?1 AND hidden <> ?2",
            params![id, hidden],
        )?;
        if changed > 0 {
            let action = if hidden {
                "question.hide"
            } else {
                "question.show"
            };
            self.audit(by, action, &format!("question {id}"))?;
        }
        Ok(changed > 0)
    }

    /// Hides or shows again the answer `id`; whether anything changed.
    pub fn hide_answer(&self, id: i64, hidden: bool, by: &Actor) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE answers SET hidden = ?2 WHERE id = ?1 AND hidden <> ?2",
            params![id, hidden],
        )?;
        if changed > 0 {
            let action = if hidden { "answer.hide" } else { "answer.show" };
            self.audit(by, action, &format!("answer {id}"))?;
        }
        Ok(changed > 0)
    }

    /// Records that the question `id` became the write-up at `path` (relative to
    /// `content/`); whether there is such a question.
    pub fn link_question_writeup(&self, id: i64, path: &str, by: &Actor) -> Result<bool> {
        let changed = self.db().execute(
            "INSERT OR IGNORE INTO question_writeups (question, path, at)
             SELECT id, ?2, ?3 FROM questions WHERE id = ?1",
            params![id, path, now()],
        )?;
        if changed > 0 {
            self.audit(by, "question.writeup", &format!("question {id} → {path}"))?;
        }
        Ok(changed > 0)
    }

    /// The questions a write-up at `path` came from.
    pub fn questions_of_writeup(&self, path: &str) -> Result<Vec<i64>> {
        let db = self.db();
        let mut stmt =
            db.prepare("SELECT question FROM question_writeups WHERE path = ?1 ORDER BY question")?;
        let rows = stmt.query_map(params![path], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Open, visible questions asked more than `seconds` ago that have no visible answer
    /// yet, oldest first: for the facilitator's desk.
    pub fn unanswered_questions(&self, seconds: i64) -> Result<Vec<Question>> {
        let before = now() - seconds;
        Ok(self
            .questions()?
            .into_iter()
            .rev()
            .filter(|q| {
                q.state == QuestionState::Open && !q.hidden && q.answers == 0 && q.created < before
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    const PASSWORD: &str = "a long enough password";

    fn accounts() -> (tempfile::TempDir, Accounts) {
        let dir = tempfile::tempdir().expect("tempdir");
        let accounts = Accounts::open(dir.path()).expect("open");
        (dir, accounts)
    }

    fn asked<'a>(title: &'a str, practices: &'a [String]) -> NewQuestion<'a> {
        NewQuestion {
            title,
            situation: "  We are five people.  ",
            tried: "A weekly CAB.",
            practices,
            tags: &[],
            named: false,
        }
    }

    fn answered(body: &str) -> NewAnswer<'_> {
        NewAnswer {
            body,
            named: true,
            meet: false,
        }
    }

    #[test]
    fn a_question_gathers_answers_signals_and_helpful_marks() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let bob = accounts
            .add_user("bob", Role::Member, PASSWORD)
            .expect("bob");
        let (a, b) = (Actor::account(&ann), Actor::account(&bob));
        let practices = vec!["change-enablement".to_string()];
        let id = accounts
            .ask_question(&a, asked("Small CAB?", &practices))
            .expect("asked");
        let first = accounts
            .answer_question(id, &b, answered("We dropped it."))
            .expect("answer")
            .expect("taken");
        accounts
            .answer_question(id, &a, answered("Thanks"))
            .expect("answer")
            .expect("taken");
        assert!(accounts.question_same(id, bob.id, true).expect("same"));
        assert!(!accounts.question_same(id, bob.id, true).expect("once"));
        assert!(!accounts.mark_helpful(first, &b, true).expect("not bob's"));
        assert!(accounts.mark_helpful(first, &a, true).expect("ann's"));
        let q = accounts.question(id).expect("read").expect("there");
        assert_eq!(
            (q.answers, q.helpful, q.same, q.situation.as_str()),
            (2, 1, 1, "We are five people.")
        );
        assert_eq!(q.practices, practices);
        assert!(accounts.answers(Some(id)).expect("answers")[0].helpful);
        assert_eq!(
            accounts.question_same_of(bob.id).expect("same"),
            HashSet::from([id])
        );
    }

    #[test]
    fn closed_and_hidden_questions_take_no_answers_and_hidden_answers_do_not_count() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let fran = accounts
            .add_user("fran", Role::Facilitator, PASSWORD)
            .expect("fran");
        let (a, f) = (Actor::account(&ann), Actor::account(&fran));
        let id = accounts.ask_question(&a, asked("CAB", &[])).expect("asked");
        let answer = accounts
            .answer_question(id, &a, answered("x"))
            .expect("ok")
            .expect("taken");
        assert!(accounts.hide_answer(answer, true, &f).expect("hidden"));
        assert!(!accounts.hide_answer(answer, true, &f).expect("already"));
        assert_eq!(accounts.question(id).expect("read").expect("q").answers, 0);
        assert!(
            accounts
                .set_question_state(id, QuestionState::Closed, &f)
                .expect("closed")
        );
        assert_eq!(
            accounts.answer_question(id, &a, answered("y")).expect("ok"),
            None
        );
        accounts
            .set_question_state(id, QuestionState::Open, &f)
            .expect("open");
        assert!(accounts.hide_question(id, true, &f).expect("hidden"));
        assert_eq!(
            accounts.answer_question(id, &a, answered("y")).expect("ok"),
            None
        );
        let log = accounts.audit_log(20).expect("log");
        for action in ["answer.hide", "question.closed", "question.hide"] {
            assert!(log.iter().any(|e| e.action == action), "{action} logged");
        }
    }

    #[test]
    fn a_removed_account_leaves_its_questions_and_answers_without_its_name() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let a = Actor::account(&ann);
        let id = accounts
            .ask_question(
                &a,
                NewQuestion {
                    named: true,
                    ..asked("CAB", &[])
                },
            )
            .expect("asked");
        accounts
            .answer_question(id, &a, answered("We did this."))
            .expect("ok");
        accounts.remove_user(&ann).expect("removed");
        let again = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("again");
        let q = accounts.question(id).expect("read").expect("kept");
        assert_eq!((q.author.as_deref(), q.answers), (None, 1));
        assert_ne!(q.author_id, again.id);
        let answers = accounts.answers(Some(id)).expect("answers");
        assert_eq!(
            (answers[0].author.as_deref(), answers[0].body.as_str()),
            (None, "We did this.")
        );
    }

    #[test]
    fn unanswered_questions_are_the_old_open_visible_ones_without_answers() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let a = Actor::account(&ann);
        let lonely = accounts.ask_question(&a, asked("Lonely", &[])).expect("q");
        let answered_id = accounts
            .ask_question(&a, asked("Answered", &[]))
            .expect("q");
        accounts
            .answer_question(answered_id, &a, answered("yes"))
            .expect("ok");
        let ids: Vec<i64> = accounts
            .unanswered_questions(-10)
            .expect("list")
            .iter()
            .map(|q| q.id)
            .collect();
        assert_eq!(ids, [lonely]);
        assert!(accounts.unanswered_questions(100).expect("list").is_empty());
        assert!(
            accounts
                .link_question_writeup(lonely, "submissions/lonely.md", &a)
                .expect("linked")
        );
        assert_eq!(
            accounts.question(lonely).expect("q").expect("q").writeups,
            ["submissions/lonely.md"]
        );
        assert_eq!(
            accounts
                .questions_of_writeup("submissions/lonely.md")
                .expect("back"),
            [lonely]
        );
    }
}
