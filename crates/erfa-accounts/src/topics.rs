//! Topics members propose for a meeting: proposals, one vote per member per topic, short
//! comments, the facilitator's decision with a note, and the write-ups that came out of
//! an accepted topic. Everything refers to account ids; an account that is removed
//! leaves its topics, votes and comments behind without its name.

use std::collections::{BTreeMap, HashSet};

use rusqlite::{OptionalExtension, params};

use crate::{Accounts, Actor, Result, now};

/// The longest title of a topic.
pub const MAX_TOPIC_TITLE: usize = 200;
/// The longest "why it matters", comment or decision note.
pub const MAX_TOPIC_TEXT: usize = 2000;

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicState {
    /// Open for votes.
    Proposed,
    /// On the meeting's agenda.
    Accepted,
    /// Not taken up; the note says why.
    Declined,
}

impl TopicState {
    /// As stored and in forms: `proposed`, `accepted`, `declined`.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicState::Proposed => "proposed",
            TopicState::Accepted => "accepted",
            TopicState::Declined => "declined",
        }
    }

    /// The state named `text`.
    pub fn parse(text: &str) -> Option<TopicState> {
        match text {
            "proposed" => Some(TopicState::Proposed),
            "accepted" => Some(TopicState::Accepted),
            "declined" => Some(TopicState::Declined),
            _ => None,
        }
    }
}

/// A proposed topic, with its votes and outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// Its id.
    pub id: i64,
    /// The meeting it is proposed for (an id of the meetings list).
    pub meeting: String,
    /// What it is about.
    pub title: String,
    /// Why it matters to the member who proposed it.
    pub why: String,
    /// A write-up it refers to (a slug), or empty.
    pub link: String,
    /// The account that proposed it.
    pub author_id: i64,
    /// That account's name now; `None` when the account was removed.
    pub author: Option<String>,
    /// Whether other members see who proposed it (the facilitator always does).
    pub named: bool,
    /// Where it stands.
    pub state: TopicState,
    /// The facilitator's note on the decision, shown to the member who proposed it.
    pub note: String,
    /// When it was proposed (Unix seconds).
    pub created: i64,
    /// How many members vote for it.
    pub votes: u64,
    /// Write-ups that came out of it (slugs), in the order they were linked.
    pub outcomes: Vec<String>,
}

/// A member's short comment on a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicComment {
    /// The topic.
    pub topic: i64,
    /// The account that wrote it.
    pub author_id: i64,
    /// That account's name now; `None` when the account was removed.
    pub author: Option<String>,
    /// The comment.
    pub text: String,
    /// When (Unix seconds).
    pub at: i64,
}

/// What a member proposes.
#[derive(Debug, Clone, Copy)]
pub struct NewTopic<'a> {
    /// The meeting it is for.
    pub meeting: &'a str,
    /// What it is about.
    pub title: &'a str,
    /// Why it matters.
    pub why: &'a str,
    /// A write-up it refers to, or empty.
    pub link: &'a str,
    /// Whether other members see who proposed it.
    pub named: bool,
}

fn capped(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

impl Accounts {
    /// Records the proposal of `by` (an account, or the person at the machine in local
    /// mode); its id.
    pub fn propose_topic(&self, by: &Actor, topic: NewTopic<'_>) -> Result<i64> {
        let id = {
            let db = self.db();
            db.execute(
                "INSERT INTO topics (meeting, title, why, link, author_id, named, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    topic.meeting,
                    capped(topic.title, MAX_TOPIC_TITLE),
                    capped(topic.why, MAX_TOPIC_TEXT),
                    topic.link.trim(),
                    by.id,
                    topic.named,
                    now()
                ],
            )?;
            db.last_insert_rowid()
        };
        self.audit(by, "topic.propose", &format!("topic {id}"))?;
        Ok(id)
    }

    /// The topics proposed for `meeting` (every meeting with `None`), most votes first,
    /// then oldest first.
    pub fn topics(&self, meeting: Option<&str>) -> Result<Vec<Topic>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT t.id, t.meeting, t.title, t.why, t.link, t.author_id, u.name, t.named,
                    t.state, t.note, t.created,
                    (SELECT COUNT(*) FROM topic_votes v WHERE v.topic = t.id) AS votes
             FROM topics t LEFT JOIN users u ON u.id = t.author_id
             WHERE ?1 IS NULL OR t.meeting = ?1
             ORDER BY votes DESC, t.created, t.id",
        )?;
        let rows = stmt.query_map(params![meeting], |r| {
            let state: String = r.get(8)?;
            Ok(Topic {
                id: r.get(0)?,
                meeting: r.get(1)?,
                title: r.get(2)?,
                why: r.get(3)?,
                link: r.get(4)?,
                author_id: r.get(5)?,
                author: r.get(6)?,
                named: r.get(7)?,
                state: TopicState::parse(&state).unwrap_or(TopicState::Proposed),
                note: r.get(9)?,
                created: r.get(10)?,
                votes: r.get::<_, i64>(11)? as u64,
                outcomes: Vec::new(),
            })
        })?;
        let mut topics: Vec<Topic> = rows.collect::<rusqlite::Result<_>>()?;
        let mut outcomes: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let mut stmt = db.prepare("SELECT topic, slug FROM topic_outcomes ORDER BY at, slug")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (topic, slug) = row?;
            outcomes.entry(topic).or_default().push(slug);
        }
        for topic in &mut topics {
            topic.outcomes = outcomes.remove(&topic.id).unwrap_or_default();
        }
        Ok(topics)
    }

    /// The topic `id`.
    pub fn topic(&self, id: i64) -> Result<Option<Topic>> {
        let meeting: Option<String> = self
            .db()
            .query_row(
                "SELECT meeting FROM topics WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(meeting) = meeting else {
            return Ok(None);
        };
        Ok(self
            .topics(Some(&meeting))?
            .into_iter()
            .find(|t| t.id == id))
    }

    /// Gives (`on`) or withdraws the vote of `account_id` for the topic `id`, which must
    /// be open for votes; whether anything changed. One vote per member per topic, however
    /// many requests arrive at once (the primary key).
    pub fn vote_topic(&self, id: i64, account_id: i64, on: bool) -> Result<bool> {
        let db = self.db();
        let open: Option<String> = db
            .query_row("SELECT state FROM topics WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .optional()?;
        if open.as_deref() != Some(TopicState::Proposed.as_str()) {
            return Ok(false);
        }
        let changed = if on {
            db.execute(
                "INSERT OR IGNORE INTO topic_votes (topic, account_id, at) VALUES (?1, ?2, ?3)",
                params![id, account_id, now()],
            )?
        } else {
            db.execute(
                "DELETE FROM topic_votes WHERE topic = ?1 AND account_id = ?2",
                params![id, account_id],
            )?
        };
        Ok(changed > 0)
    }

    /// The topics `account_id` votes for.
    pub fn topic_votes_of(&self, account_id: i64) -> Result<HashSet<i64>> {
        let db = self.db();
        let mut stmt = db.prepare("SELECT topic FROM topic_votes WHERE account_id = ?1")?;
        let rows = stmt.query_map(params![account_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds the comment of `by` to the topic `id`; whether the topic exists.
    pub fn comment_topic(&self, id: i64, by: &Actor, text: &str) -> Result<bool> {
        let added = self.db().execute(
            "INSERT INTO topic_comments (topic, account_id, text, at)
             SELECT id, ?2, ?3, ?4 FROM topics WHERE id = ?1",
            params![id, by.id, capped(text, MAX_TOPIC_TEXT), now()],
        )?;
        Ok(added > 0)
    }

    /// The comments on the topics of `meeting`, oldest first.
    pub fn topic_comments(&self, meeting: &str) -> Result<Vec<TopicComment>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT c.topic, c.account_id, u.name, c.text, c.at
             FROM topic_comments c JOIN topics t ON t.id = c.topic
             LEFT JOIN users u ON u.id = c.account_id
             WHERE t.meeting = ?1 ORDER BY c.at, c.rowid",
        )?;
        let rows = stmt.query_map(params![meeting], |r| {
            Ok(TopicComment {
                topic: r.get(0)?,
                author_id: r.get(1)?,
                author: r.get(2)?,
                text: r.get(3)?,
                at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The facilitator's decision on the topic `id`, with a note for the member who
    /// proposed it; whether there is such a topic. `Proposed` opens it for votes again.
    pub fn decide_topic(
        &self,
        id: i64,
        state: TopicState,
        note: &str,
        actor: &Actor,
    ) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE topics SET state = ?2, note = ?3, decided = ?4 WHERE id = ?1",
            params![id, state.as_str(), capped(note, MAX_TOPIC_TEXT), now()],
        )?;
        if changed > 0 {
            self.audit(
                actor,
                &format!("topic.{}", state.as_str()),
                &format!("topic {id}"),
            )?;
        }
        Ok(changed > 0)
    }

    /// Links (`on`) or unlinks the write-up `slug` as an outcome of the topic `id`;
    /// whether anything changed.
    pub fn topic_outcome(&self, id: i64, slug: &str, on: bool, actor: &Actor) -> Result<bool> {
        let changed = if on {
            self.db().execute(
                "INSERT OR IGNORE INTO topic_outcomes (topic, slug, at)
                 SELECT id, ?2, ?3 FROM topics WHERE id = ?1",
                params![id, slug, now()],
            )?
        } else {
            self.db().execute(
                "DELETE FROM topic_outcomes WHERE topic = ?1 AND slug = ?2",
                params![id, slug],
            )?
        };
        if changed > 0 {
            let action = if on { "topic.link" } else { "topic.unlink" };
            self.audit(actor, action, &format!("topic {id} → {slug}"))?;
        }
        Ok(changed > 0)
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

    fn proposal<'a>(meeting: &'a str, title: &'a str) -> NewTopic<'a> {
        NewTopic {
            meeting,
            title,
            why: "We struggle with it.",
            link: "",
            named: false,
        }
    }

    #[test]
    fn votes_rank_topics_once_per_member_and_can_be_withdrawn() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let bob = accounts
            .add_user("bob", Role::Member, PASSWORD)
            .expect("bob");
        let first = accounts
            .propose_topic(&Actor::account(&ann), proposal("2026-Q4", "CAB"))
            .expect("one");
        let second = accounts
            .propose_topic(&Actor::account(&bob), proposal("2026-Q4", "On-call"))
            .expect("two");
        accounts
            .propose_topic(&Actor::account(&bob), proposal("2027-Q1", "Later"))
            .expect("three");
        assert!(accounts.vote_topic(second, ann.id, true).expect("vote"));
        assert!(
            !accounts.vote_topic(second, ann.id, true).expect("again"),
            "once"
        );
        assert!(accounts.vote_topic(second, bob.id, true).expect("vote"));
        let ranked: Vec<(i64, u64)> = accounts
            .topics(Some("2026-Q4"))
            .expect("topics")
            .iter()
            .map(|t| (t.id, t.votes))
            .collect();
        assert_eq!(ranked, [(second, 2), (first, 0)]);
        assert!(
            accounts
                .vote_topic(second, ann.id, false)
                .expect("withdrawn")
        );
        assert_eq!(
            accounts.topic(second).expect("read").expect("there").votes,
            1
        );
        assert_eq!(
            accounts.topic_votes_of(bob.id).expect("votes"),
            HashSet::from([second])
        );
    }

    #[test]
    fn decided_topics_take_no_votes_and_keep_the_note_and_outcomes() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let fran = accounts
            .add_user("fran", Role::Facilitator, PASSWORD)
            .expect("fran");
        let id = accounts
            .propose_topic(&Actor::account(&ann), proposal("2026-Q4", "CAB"))
            .expect("one");
        let actor = Actor::account(&fran);
        assert!(
            accounts
                .decide_topic(id, TopicState::Declined, "Covered in 2025.", &actor)
                .expect("declined")
        );
        assert!(!accounts.vote_topic(id, ann.id, true).expect("closed"));
        let topic = accounts.topic(id).expect("read").expect("there");
        assert_eq!(
            (topic.state, topic.note.as_str()),
            (TopicState::Declined, "Covered in 2025.")
        );
        accounts
            .decide_topic(id, TopicState::Accepted, "", &actor)
            .expect("accepted");
        assert!(
            accounts
                .topic_outcome(id, "change/cab", true, &actor)
                .expect("linked")
        );
        assert!(
            !accounts
                .topic_outcome(id, "change/cab", true, &actor)
                .expect("once")
        );
        assert!(
            !accounts
                .topic_outcome(999, "change/cab", true, &actor)
                .expect("no topic")
        );
        assert_eq!(
            accounts.topic(id).expect("read").expect("there").outcomes,
            ["change/cab"]
        );
        assert!(
            accounts
                .topic_outcome(id, "change/cab", false, &actor)
                .expect("unlinked")
        );
    }

    #[test]
    fn a_removed_account_leaves_its_topics_and_comments_without_its_name() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let id = accounts
            .propose_topic(
                &Actor::account(&ann),
                NewTopic {
                    named: true,
                    ..proposal("2026-Q4", "CAB")
                },
            )
            .expect("one");
        assert!(
            accounts
                .comment_topic(id, &Actor::account(&ann), "  Us too.  ")
                .expect("comment")
        );
        assert!(accounts.vote_topic(id, ann.id, true).expect("vote"));
        accounts.remove_user(&ann).expect("removed");
        // A new account with the same name inherits nothing.
        let again = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann again");
        let topic = accounts.topic(id).expect("read").expect("kept");
        assert_eq!((topic.author.as_deref(), topic.votes), (None, 1));
        assert_ne!(topic.author_id, again.id);
        let comments = accounts.topic_comments("2026-Q4").expect("comments");
        assert_eq!(comments.len(), 1);
        assert_eq!(
            (comments[0].author.as_deref(), comments[0].text.as_str()),
            (None, "Us too.")
        );
        assert!(accounts.topic_votes_of(again.id).expect("votes").is_empty());
    }

    #[test]
    fn one_vote_per_member_when_many_arrive_at_once() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("ann");
        let id = accounts
            .propose_topic(&Actor::account(&ann), proposal("2026-Q4", "CAB"))
            .expect("one");
        let accounts = std::sync::Arc::new(accounts);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let accounts = accounts.clone();
                std::thread::spawn(move || accounts.vote_topic(id, ann.id, true).expect("vote"))
            })
            .collect();
        let changed = threads
            .into_iter()
            .map(|t| t.join().expect("joined"))
            .filter(|c| *c)
            .count();
        assert_eq!(changed, 1);
        assert_eq!(accounts.topic(id).expect("read").expect("there").votes, 1);
    }
}
