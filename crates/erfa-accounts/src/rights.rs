//! People's rights over their data: everything erfa holds about a person, and erasing it.
//!
//! Erasing removes the account with its sessions, tokens and links, and replaces the
//! person's name wherever a record kept it as text (the audit log, review notes, closed
//! flags, merges) by a pseudonym, `erased-<id>`. What the person contributed — topics,
//! comments, questions, answers, flags, "did not help us" reasons, submitted files — stays, tied only to an
//! account id that no longer has a name and is never given again.

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value;

use crate::{Accounts, Actor, Result, User};

/// Everything erfa's database holds about one person, as `erfa user export` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonalData {
    /// The account.
    pub account: AccountData,
    /// Sessions: when each began and was last used (never their secrets).
    pub sessions: Vec<Dated>,
    /// API tokens and feed addresses: their kind and when they were made.
    pub tokens: Vec<Row>,
    /// Files the person sent through the share form.
    pub submissions: Vec<Row>,
    /// "This helped" and "We saw this too".
    pub signals: Vec<Row>,
    /// Flags on write-ups, with their comments.
    pub flags: Vec<Row>,
    /// "Did not help us", with the reasons.
    pub not_helped: Vec<Row>,
    /// Meeting topics proposed.
    pub topics: Vec<Row>,
    /// Votes on meeting topics.
    pub topic_votes: Vec<Row>,
    /// Comments on meeting topics.
    pub topic_comments: Vec<Row>,
    /// Questions asked of the group.
    pub questions: Vec<Row>,
    /// Answers given.
    pub answers: Vec<Row>,
    /// "We have been through this too".
    pub question_same: Vec<Row>,
    /// The e-mail address and the digest chosen (never the verification secret).
    pub email: Vec<Row>,
    /// The practices and tags followed.
    pub follows: Vec<Row>,
    /// Audit entries by or about the person.
    pub audit: Vec<Row>,
    /// Records that keep one of the person's names as text: review notes they wrote,
    /// flags they closed, merges they made.
    pub by_name: Vec<Row>,
}

/// The account itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountData {
    /// The account id.
    pub id: i64,
    /// The login name.
    pub name: String,
    /// The role.
    pub role: String,
    /// Whether it is locked.
    pub locked: bool,
    /// When it was made (Unix seconds).
    pub created: i64,
}

/// Two times of a record (Unix seconds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dated {
    /// When it began.
    pub created: i64,
    /// When it was last used.
    pub last_seen: i64,
}

/// One record: its fields by name.
pub type Row = serde_json::Map<String, Value>;

/// Runs `sql` with the account id as `?1` and turns each row into named fields; every
/// column is text, a whole number or null.
fn rows(db: &Connection, sql: &str, id: i64, names: &[&'static str]) -> Result<Vec<Row>> {
    let mut stmt = db.prepare(sql)?;
    let found = stmt.query_map(params![id], |r| {
        let mut row = Row::new();
        for (i, name) in names.iter().enumerate() {
            let value = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Integer(n) => Value::from(n),
                rusqlite::types::ValueRef::Text(t) => {
                    Value::from(String::from_utf8_lossy(t).into_owned())
                }
                rusqlite::types::ValueRef::Real(f) => Value::from(f),
                rusqlite::types::ValueRef::Null | rusqlite::types::ValueRef::Blob(_) => Value::Null,
            };
            row.insert((*name).to_string(), value);
        }
        Ok(row)
    })?;
    Ok(found.collect::<rusqlite::Result<_>>()?)
}

/// As [`rows`], with a name as `?1`.
fn rows_named(db: &Connection, sql: &str, name: &str, names: &[&str]) -> Result<Vec<Row>> {
    let mut stmt = db.prepare(sql)?;
    let found = stmt.query_map(params![name], |r| {
        let mut row = Row::new();
        for (i, column) in names.iter().enumerate() {
            let value = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Integer(n) => Value::from(n),
                rusqlite::types::ValueRef::Text(t) => {
                    Value::from(String::from_utf8_lossy(t).into_owned())
                }
                _ => Value::Null,
            };
            row.insert((*column).to_string(), value);
        }
        Ok(row)
    })?;
    Ok(found.collect::<rusqlite::Result<_>>()?)
}

impl Accounts {
    /// Everything the database holds about `user`.
    pub fn personal_data(&self, user: &User) -> Result<PersonalData> {
        let db = self.db();
        let id = user.id;
        let (created, locked): (i64, bool) = db.query_row(
            "SELECT created, locked FROM users WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let sessions = {
            let mut stmt = db.prepare(
                "SELECT created, last_seen FROM sessions WHERE user_id = ?1 ORDER BY created",
            )?;
            let found = stmt.query_map(params![id], |r| {
                Ok(Dated {
                    created: r.get(0)?,
                    last_seen: r.get(1)?,
                })
            })?;
            found.collect::<rusqlite::Result<Vec<_>>>()?
        };
        Ok(PersonalData {
            account: AccountData {
                id,
                name: user.name.clone(),
                role: user.role.as_str().to_string(),
                locked,
                created,
            },
            sessions,
            tokens: rows(
                &db,
                "SELECT kind, created FROM tokens WHERE user_id = ?1 ORDER BY created",
                id,
                &["kind", "created"],
            )?,
            submissions: rows(
                &db,
                "SELECT path, created, updated FROM submissions WHERE account_id = ?1 ORDER BY created",
                id,
                &["path", "created", "updated"],
            )?,
            signals: rows(
                &db,
                "SELECT writeup, kind, at FROM signals WHERE account_id = ?1 ORDER BY at",
                id,
                &["writeup", "kind", "at"],
            )?,
            flags: rows(
                &db,
                "SELECT writeup, reason, comment, at, state FROM flags WHERE account_id = ?1 ORDER BY at",
                id,
                &["writeup", "reason", "comment", "at", "state"],
            )?,
            not_helped: rows(
                &db,
                "SELECT writeup, reason, at FROM not_helped WHERE account_id = ?1 ORDER BY at",
                id,
                &["writeup", "reason", "at"],
            )?,
            topics: rows(
                &db,
                "SELECT id, meeting, title, why, link, named, state, note, created FROM topics
                 WHERE author_id = ?1 ORDER BY created",
                id,
                &[
                    "id", "meeting", "title", "why", "link", "named", "state", "note", "created",
                ],
            )?,
            topic_votes: rows(
                &db,
                "SELECT topic, at FROM topic_votes WHERE account_id = ?1 ORDER BY at",
                id,
                &["topic", "at"],
            )?,
            topic_comments: rows(
                &db,
                "SELECT topic, text, at FROM topic_comments WHERE account_id = ?1 ORDER BY at",
                id,
                &["topic", "text", "at"],
            )?,
            questions: rows(
                &db,
                "SELECT id, title, situation, tried, practices, tags, named, state, hidden,
                        created FROM questions WHERE author_id = ?1 ORDER BY created, id",
                id,
                &[
                    "id",
                    "title",
                    "situation",
                    "tried",
                    "practices",
                    "tags",
                    "named",
                    "state",
                    "hidden",
                    "created",
                ],
            )?,
            answers: rows(
                &db,
                "SELECT id, question, body, named, meet, hidden, helpful, created FROM answers
                 WHERE author_id = ?1 ORDER BY created, id",
                id,
                &[
                    "id", "question", "body", "named", "meet", "hidden", "helpful", "created",
                ],
            )?,
            question_same: rows(
                &db,
                "SELECT question, at FROM question_same WHERE account_id = ?1 ORDER BY at",
                id,
                &["question", "at"],
            )?,
            email: rows(
                &db,
                "SELECT address, verified, digest, last_sent, set_at FROM emails
                 WHERE account_id = ?1",
                id,
                &["address", "verified", "digest", "last_sent", "set_at"],
            )?,
            follows: rows(
                &db,
                "SELECT kind, target, at FROM follows WHERE account_id = ?1 ORDER BY kind, target",
                id,
                &["kind", "target", "at"],
            )?,
            audit: rows(
                &db,
                "SELECT at, actor, action, target FROM audit
                 WHERE actor_id = ?1 OR target_id = ?1 ORDER BY at, id",
                id,
                &["at", "actor", "action", "target"],
            )?,
            by_name: {
                let mut found = Vec::new();
                for name in Self::names_of(&db, id, Some(&user.name))? {
                    for (table, sql, columns) in [
                        (
                            "review_notes",
                            "SELECT writeup, comment, at FROM review_notes WHERE actor = ?1 ORDER BY at",
                            &["writeup", "comment", "at"][..],
                        ),
                        (
                            "flags_closed",
                            "SELECT writeup, state, closed_at FROM flags WHERE closed_by = ?1 ORDER BY closed_at",
                            &["writeup", "state", "closed_at"][..],
                        ),
                        (
                            "merges",
                            "SELECT old_slug, kept_slug, at FROM merges WHERE actor = ?1 ORDER BY at",
                            &["old_slug", "kept_slug", "at"][..],
                        ),
                    ] {
                        for mut row in rows_named(&db, sql, &name, columns)? {
                            row.insert("record".to_string(), Value::from(table));
                            row.insert("name".to_string(), Value::from(name.clone()));
                            found.push(row);
                        }
                    }
                }
                found
            },
        })
    }

    /// Every name the account `id` has had, as the audit log recorded it (renames
    /// included), with `current` when it still exists.
    fn names_of(db: &Connection, id: i64, current: Option<&str>) -> Result<Vec<String>> {
        let mut stmt = db.prepare(
            "SELECT actor FROM audit WHERE actor_id = ?1
             UNION SELECT target FROM audit WHERE target_id = ?1",
        )?;
        let found = stmt.query_map(params![id], |r| r.get::<_, String>(0))?;
        let mut names: Vec<String> = found.collect::<rusqlite::Result<_>>()?;
        names.extend(current.map(str::to_string));
        names.retain(|n| !n.is_empty() && !n.starts_with("erased-"));
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Erases `user`: the account, its sessions, tokens and links go; every name it had
    /// is replaced by the pseudonym `erased-<id>` wherever a record kept it; what the
    /// person contributed stays without a name. Returns the pseudonym.
    pub fn erase(&self, user: &User, by: &Actor) -> Result<String> {
        self.erase_id(user.id, Some(&user.name), by)
    }

    /// Erases the person with account id `id`, also when the account was removed
    /// before (offboarding keeps names in the audit log): as [`Accounts::erase`].
    pub fn erase_id(&self, id: i64, current: Option<&str>, by: &Actor) -> Result<String> {
        let pseudonym = format!("erased-{id}");
        {
            let mut db = self.db();
            let names = Self::names_of(&db, id, current)?;
            // Freed pages are overwritten, so the name does not linger in the file.
            db.pragma_update(None, "secure_delete", true)?;
            let tx = db.transaction()?;
            tx.execute(
                "UPDATE audit SET actor = ?2 WHERE actor_id = ?1",
                params![id, pseudonym],
            )?;
            tx.execute(
                "UPDATE audit SET target = ?2 WHERE target_id = ?1",
                params![id, pseudonym],
            )?;
            for name in &names {
                for sql in [
                    "UPDATE audit SET actor = ?2 WHERE actor = ?1 AND actor_id IS NULL",
                    "UPDATE review_notes SET actor = ?2 WHERE actor = ?1",
                    "UPDATE flags SET closed_by = ?2 WHERE closed_by = ?1",
                    "UPDATE merges SET actor = ?2 WHERE actor = ?1",
                ] {
                    tx.execute(sql, params![name, pseudonym])?;
                }
            }
            tx.execute("DELETE FROM users WHERE id = ?1", params![id])?;
            tx.commit()?;
            // Old frames of the write-ahead log hold the name too: fold them into the
            // database file, where secure delete has overwritten it, and empty the log.
            db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        self.audit(by, "user erase", &pseudonym)?;
        Ok(pseudonym)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::accounts;
    use crate::{NewAnswer, NewQuestion, NewTopic, Role, Signal};

    const PASSWORD: &str = "a long enough password";

    #[test]
    fn the_export_holds_what_erfa_keeps_and_erasing_leaves_no_name() {
        let (dir, accounts) = accounts();
        let ann = accounts
            .add_user("annemette", Role::Facilitator, PASSWORD)
            .expect("ann");
        let actor = Actor::account(&ann);
        accounts.audit_user(&actor, "login", &ann).expect("audit");
        accounts
            .toggle_signal("change/cab", ann.id, Signal::Helped)
            .expect("signal");
        accounts
            .set_not_helped("change/cab", ann.id, Some("Too big for us."))
            .expect("not helped");
        let topic = accounts
            .propose_topic(
                &actor,
                NewTopic {
                    meeting: "2026-Q4",
                    title: "CAB light",
                    why: "We are small.",
                    link: "",
                    named: true,
                },
            )
            .expect("topic");
        accounts
            .comment_topic(topic, &actor, "Anyone?")
            .expect("comment");
        accounts
            .add_change_request("change/cab", "annemette", "Say more.", None)
            .expect("note");
        let question = accounts
            .ask_question(
                &actor,
                NewQuestion {
                    title: "Who runs problem management alone?",
                    situation: "One person.",
                    tried: "",
                    practices: &[],
                    tags: &[],
                    named: true,
                },
            )
            .expect("question");
        accounts
            .answer_question(
                question,
                &actor,
                NewAnswer {
                    body: "We pair up.",
                    named: true,
                    meet: true,
                },
            )
            .expect("answer");
        accounts
            .question_same(question, ann.id, true)
            .expect("same");
        let data = accounts.personal_data(&ann).expect("export");
        assert_eq!(
            data.questions[0]["title"],
            "Who runs problem management alone?"
        );
        assert_eq!(data.answers[0]["body"], "We pair up.");
        assert_eq!(data.question_same.len(), 1);
        assert_eq!(data.account.name, "annemette");
        assert_eq!(data.signals.len(), 1);
        assert_eq!(data.not_helped[0]["reason"], "Too big for us.");
        assert_eq!(data.topics[0]["title"], "CAB light");
        assert_eq!(data.topic_comments.len(), 1);
        assert!(data.audit.iter().any(|r| r["action"] == "login"));

        // Renamed before it is erased: the old name goes too.
        let ann = accounts.rename(&ann, "ann.mette").expect("renamed");
        accounts
            .audit_user(&Actor::without_account("cli"), "user rename", &ann)
            .expect("audit");
        let data = accounts.personal_data(&ann).expect("export");
        assert!(
            data.by_name.iter().any(|r| r["record"] == "review_notes"),
            "{:?}",
            data.by_name
        );
        let cli = Actor::without_account("cli");
        let pseudonym = accounts.erase(&ann, &cli).expect("erased");
        assert_eq!(pseudonym, format!("erased-{}", ann.id));
        assert!(accounts.user("annemette").expect("db").is_none());
        let log = accounts.audit_log(50).expect("log");
        assert!(
            log.iter()
                .all(|a| a.actor != "annemette" && a.target != "annemette")
        );
        assert!(
            log.iter()
                .any(|a| a.action == "user erase" && a.target == pseudonym)
        );
        let topic = accounts.topic(topic).expect("read").expect("kept");
        assert_eq!(
            (topic.title.as_str(), topic.author.as_deref()),
            ("CAB light", None)
        );
        let kept = accounts.question(question).expect("read").expect("kept");
        assert_eq!((kept.author.as_deref(), kept.answers), (None, 1));
        assert!(
            accounts
                .answers(Some(question))
                .expect("answers")
                .iter()
                .all(|a| a.author.is_none())
        );
        drop(accounts);
        let bytes = std::fs::read(dir.path().join(crate::DB_FILE)).expect("the file");
        let wal =
            std::fs::read(dir.path().join(format!("{}-wal", crate::DB_FILE))).unwrap_or_default();
        for file in [&bytes, &wal] {
            assert!(
                !file.windows(b"annemette".len()).any(|w| w == b"annemette"),
                "the name is gone from the database files"
            );
        }
    }
}
