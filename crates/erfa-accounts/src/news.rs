//! "News for you", the stored part: the practices and tags a member follows, how far
//! they have read their news, and their optional e-mail address (verified by a one-time
//! link, stored hashed like every other link) with the digest they chose. The news items
//! themselves are not stored: they are computed when read from the other tables, so what
//! a member sees is always checked against what they may read now. Everything here ends
//! with the account (`ON DELETE CASCADE`): offboarding and erasure remove it.

use rusqlite::{OptionalExtension, params};

use crate::{Accounts, Error, LINK_VALID_SECONDS, Result, now, secret, secret_hash};

/// The longest e-mail address accepted (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// What a member follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FollowKind {
    /// An ITIL practice, by slug.
    Practice,
    /// A tag.
    Tag,
}

impl FollowKind {
    /// As stored and in forms: `practice`, `tag`.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowKind::Practice => "practice",
            FollowKind::Tag => "tag",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<FollowKind> {
        match text {
            "practice" => Some(FollowKind::Practice),
            "tag" => Some(FollowKind::Tag),
            _ => None,
        }
    }
}

/// How often news goes out by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    /// At most one mail a day.
    Daily,
    /// A mail for each item.
    AtOnce,
    /// No news by mail.
    None,
}

impl Digest {
    /// As stored and in forms: `daily`, `at-once`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Digest::Daily => "daily",
            Digest::AtOnce => "at-once",
            Digest::None => "none",
        }
    }

    /// The choice named `text`.
    pub fn parse(text: &str) -> Option<Digest> {
        match text {
            "daily" => Some(Digest::Daily),
            "at-once" => Some(Digest::AtOnce),
            "none" => Some(Digest::None),
            _ => None,
        }
    }
}

/// A member's e-mail address and what they chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The address.
    pub address: String,
    /// Whether its holder used the verification link; nothing but that link is sent
    /// to an address that is not verified.
    pub verified: bool,
    /// How often news goes out.
    pub digest: Digest,
    /// When the last news mail went out (Unix seconds; 0 never).
    pub last_sent: i64,
}

/// Whether `address` looks like an e-mail address: one `@`, something either side, a
/// dot in the domain, no spaces or control characters, not too long.
pub fn email_fits(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    address.len() <= MAX_EMAIL
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

impl Accounts {
    /// Follows `target` (a practice slug or a tag) for the account `account_id`.
    pub fn follow(&self, account_id: i64, kind: FollowKind, target: &str) -> Result<()> {
        let target = target.trim();
        if target.is_empty() || target.len() > 100 {
            return Err(Error::Invalid("what to follow is empty or too long".into()));
        }
        self.db().execute(
            "INSERT OR IGNORE INTO follows (account_id, kind, target, at) VALUES (?1, ?2, ?3, ?4)",
            params![account_id, kind.as_str(), target, now()],
        )?;
        Ok(())
    }

    /// Stops following `target`.
    pub fn unfollow(&self, account_id: i64, kind: FollowKind, target: &str) -> Result<()> {
        self.db().execute(
            "DELETE FROM follows WHERE account_id = ?1 AND kind = ?2 AND target = ?3",
            params![account_id, kind.as_str(), target.trim()],
        )?;
        Ok(())
    }

    /// What the account follows, sorted.
    pub fn follows(&self, account_id: i64) -> Result<Vec<(FollowKind, String)>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT kind, target FROM follows WHERE account_id = ?1 ORDER BY kind, target",
        )?;
        let rows = stmt.query_map(params![account_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, target) = row?;
            if let Some(kind) = FollowKind::parse(&kind) {
                out.push((kind, target));
            }
        }
        Ok(out)
    }

    /// Until when (Unix seconds) the account has read its news; 0 when never.
    pub fn news_read_until(&self, account_id: i64) -> Result<i64> {
        Ok(self
            .db()
            .query_row(
                "SELECT until FROM news_read WHERE account_id = ?1",
                params![account_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Marks everything up to `until` read (never moving the mark back).
    pub fn mark_news_read(&self, account_id: i64, until: i64) -> Result<()> {
        self.db().execute(
            "INSERT INTO news_read (account_id, until) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET until = max(until, excluded.until)",
            params![account_id, until],
        )?;
        Ok(())
    }

    /// The account's e-mail address, if it gave one.
    pub fn email(&self, account_id: i64) -> Result<Option<Email>> {
        Ok(self
            .db()
            .query_row(
                "SELECT address, verified, digest, last_sent FROM emails WHERE account_id = ?1",
                params![account_id],
                |r| {
                    Ok(Email {
                        address: r.get(0)?,
                        verified: r.get(1)?,
                        digest: Digest::parse(&r.get::<_, String>(2)?).unwrap_or(Digest::None),
                        last_sent: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every account's e-mail address, by account id (the people page).
    pub fn emails(&self) -> Result<std::collections::HashMap<i64, Email>> {
        let db = self.db();
        let mut stmt =
            db.prepare("SELECT account_id, address, verified, digest, last_sent FROM emails")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                Email {
                    address: r.get(1)?,
                    verified: r.get(2)?,
                    digest: Digest::parse(&r.get::<_, String>(3)?).unwrap_or(Digest::None),
                    last_sent: r.get(4)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets (or replaces) the account's e-mail address, unverified, and returns the
    /// one-time verification secret (only its hash is stored). The digest choice stays.
    pub fn set_email(&self, account_id: i64, address: &str) -> Result<String> {
        let address = address.trim();
        if !email_fits(address) {
            return Err(Error::Invalid("this is not an e-mail address".into()));
        }
        let link = secret();
        let t = now();
        self.db().execute(
            "INSERT INTO emails (account_id, address, verified, verify_hash, verify_expires, set_at)
             VALUES (?1, ?2, 0, ?3, ?4, ?5)
             ON CONFLICT (account_id) DO UPDATE SET address = excluded.address, verified = 0,
                 verify_hash = excluded.verify_hash, verify_expires = excluded.verify_expires,
                 set_at = excluded.set_at",
            params![account_id, address, secret_hash(&link), t + LINK_VALID_SECONDS, t],
        )?;
        Ok(link)
    }

    /// Uses a verification secret: the address it was made for is verified and the
    /// secret is gone. Returns the account id, or `None` for an unknown or expired one.
    pub fn verify_email(&self, link: &str) -> Result<Option<i64>> {
        let db = self.db();
        let id: Option<i64> = db
            .query_row(
                "SELECT account_id FROM emails WHERE verify_hash = ?1 AND verify_expires >= ?2",
                params![secret_hash(link), now()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = id {
            db.execute(
                "UPDATE emails SET verified = 1, verify_hash = NULL, verify_expires = NULL
                 WHERE account_id = ?1",
                params![id],
            )?;
        }
        Ok(id)
    }

    /// Removes the account's e-mail address.
    pub fn remove_email(&self, account_id: i64) -> Result<()> {
        self.db().execute(
            "DELETE FROM emails WHERE account_id = ?1",
            params![account_id],
        )?;
        Ok(())
    }

    /// Chooses how often news goes out by e-mail.
    pub fn set_digest(&self, account_id: i64, digest: Digest) -> Result<()> {
        let changed = self.db().execute(
            "UPDATE emails SET digest = ?2 WHERE account_id = ?1",
            params![account_id, digest.as_str()],
        )?;
        if changed == 0 {
            return Err(Error::Invalid(
                "there is no e-mail address to send to".into(),
            ));
        }
        Ok(())
    }

    /// Records that a news mail went out at `at`.
    pub fn email_sent(&self, account_id: i64, at: i64) -> Result<()> {
        self.db().execute(
            "UPDATE emails SET last_sent = ?2 WHERE account_id = ?1",
            params![account_id, at],
        )?;
        Ok(())
    }
}

/// Why a question is in someone's news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionNewsKind {
    /// Someone answered the member's question.
    AnswerToMine,
    /// Someone else answered in a thread the member answered.
    AnswerWhereIAnswered,
    /// A new question in a practice or with a tag the member follows.
    Followed,
}

/// One news item from "Ask the group". Questions are members-only: the title is for the
/// News page, never for an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionNews {
    /// Why it is news.
    pub kind: QuestionNewsKind,
    /// The question.
    pub question: i64,
    /// Its title.
    pub title: String,
    /// When it happened (Unix seconds).
    pub at: i64,
}

impl Accounts {
    /// The news from "Ask the group" for `account_id` since `since` (Unix seconds), newest
    /// first, computed now: hidden questions and answers never appear, nor what the member
    /// did themselves.
    pub fn question_news(&self, account_id: i64, since: i64) -> Result<Vec<QuestionNews>> {
        let follows = self.follows(account_id)?;
        let db = self.db();
        let mut items = Vec::new();
        let mut stmt = db.prepare(
            "SELECT q.id, q.title, a.created, q.author_id = ?1 FROM answers a
             JOIN questions q ON q.id = a.question
             WHERE a.created > ?2 AND a.hidden = 0 AND q.hidden = 0 AND a.author_id != ?1
               AND (q.author_id = ?1 OR EXISTS (SELECT 1 FROM answers m
                    WHERE m.question = q.id AND m.author_id = ?1 AND m.hidden = 0))",
        )?;
        let rows = stmt.query_map(params![account_id, since], |r| {
            Ok(QuestionNews {
                kind: if r.get::<_, bool>(3)? {
                    QuestionNewsKind::AnswerToMine
                } else {
                    QuestionNewsKind::AnswerWhereIAnswered
                },
                question: r.get(0)?,
                title: r.get(1)?,
                at: r.get(2)?,
            })
        })?;
        for row in rows {
            items.push(row?);
        }
        if !follows.is_empty() {
            let mut stmt = db.prepare(
                "SELECT id, title, created, practices, tags FROM questions
                 WHERE created > ?2 AND hidden = 0 AND author_id != ?1",
            )?;
            let rows = stmt.query_map(params![account_id, since], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?;
            for row in rows {
                let (id, title, at, practices, tags) = row?;
                let followed = follows.iter().any(|(kind, target)| {
                    let list = match kind {
                        FollowKind::Practice => &practices,
                        FollowKind::Tag => &tags,
                    };
                    list.split('\n').any(|t| t.eq_ignore_ascii_case(target))
                });
                if followed {
                    items.push(QuestionNews {
                        kind: QuestionNewsKind::Followed,
                        question: id,
                        title,
                        at,
                    });
                }
            }
        }
        items.sort_by(|a, b| b.at.cmp(&a.at).then(b.question.cmp(&a.question)));
        Ok(items)
    }
}

/// What the facilitator did with a member's submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewNewsKind {
    /// It was published.
    Published,
    /// Changes were requested.
    ChangesRequested,
}

/// One news item from the review loop: a member's own submission was published or sent
/// back with a change request. Only the slug is given; the server looks the write-up up
/// with the member's own access when it shows the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewNews {
    /// Published or changes requested.
    pub kind: ReviewNewsKind,
    /// The write-up's slug (its path in the content folder without `.md`).
    pub writeup: String,
    /// When (Unix seconds).
    pub at: i64,
}

/// One decision on a member's meeting topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicNews {
    /// The topic.
    pub topic: i64,
    /// The meeting it was proposed for.
    pub meeting: String,
    /// Its title (the member's own words).
    pub title: String,
    /// Accepted or declined.
    pub state: crate::TopicState,
    /// When it was decided (Unix seconds).
    pub at: i64,
}

impl Accounts {
    /// Publications of and change requests on the write-ups `account_id` shared, since
    /// `since`, newest first (from the audit log the review loop writes).
    pub fn review_news(&self, account_id: i64, since: i64) -> Result<Vec<ReviewNews>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT a.action, a.target, a.at FROM audit a
             JOIN submissions s ON s.path = a.target || '.md'
             WHERE s.account_id = ?1 AND a.at > ?2
               AND a.action IN ('review.publish', 'review.changes')
             ORDER BY a.at DESC, a.id DESC",
        )?;
        let rows = stmt.query_map(params![account_id, since], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (action, writeup, at) = row?;
            let kind = if action == "review.publish" {
                ReviewNewsKind::Published
            } else {
                ReviewNewsKind::ChangesRequested
            };
            out.push(ReviewNews { kind, writeup, at });
        }
        Ok(out)
    }

    /// When the write-up `writeup` was last published through the review queue (Unix
    /// seconds), if it was.
    pub fn published_at(&self, writeup: &str) -> Result<Option<i64>> {
        Ok(self.db().query_row(
            "SELECT max(at) FROM audit WHERE action = 'review.publish' AND target = ?1",
            params![writeup],
            |r| r.get(0),
        )?)
    }

    /// Decisions (accepted, declined) on the meeting topics `account_id` proposed, since
    /// `since`, newest first.
    pub fn topic_news(&self, account_id: i64, since: i64) -> Result<Vec<TopicNews>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT id, meeting, title, state, decided FROM topics
             WHERE author_id = ?1 AND decided > ?2 AND state != 'proposed'
             ORDER BY decided DESC, id DESC",
        )?;
        let rows = stmt.query_map(params![account_id, since], |r| {
            Ok(TopicNews {
                topic: r.get(0)?,
                meeting: r.get(1)?,
                title: r.get(2)?,
                state: crate::TopicState::parse(&r.get::<_, String>(3)?)
                    .unwrap_or(crate::TopicState::Proposed),
                at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;
    use crate::tests::accounts;

    #[test]
    fn follows_and_read_marks_are_kept_per_account() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, "correct horse 1")
            .expect("ann");
        accounts
            .follow(ann.id, FollowKind::Practice, "change")
            .expect("follow");
        accounts
            .follow(ann.id, FollowKind::Tag, "cab")
            .expect("follow");
        accounts
            .follow(ann.id, FollowKind::Tag, "cab")
            .expect("twice is once");
        assert!(accounts.follow(ann.id, FollowKind::Tag, "  ").is_err());
        assert_eq!(
            accounts.follows(ann.id).expect("follows"),
            vec![
                (FollowKind::Practice, "change".to_string()),
                (FollowKind::Tag, "cab".to_string())
            ]
        );
        accounts
            .unfollow(ann.id, FollowKind::Tag, "cab")
            .expect("unfollow");
        assert_eq!(accounts.follows(ann.id).expect("follows").len(), 1);

        assert_eq!(accounts.news_read_until(ann.id).expect("read"), 0);
        accounts.mark_news_read(ann.id, 100).expect("mark");
        accounts.mark_news_read(ann.id, 50).expect("never back");
        assert_eq!(accounts.news_read_until(ann.id).expect("read"), 100);
    }

    #[test]
    fn an_address_is_verified_once_by_its_link() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, "correct horse 1")
            .expect("ann");
        assert!(accounts.set_email(ann.id, "not an address").is_err());
        assert!(accounts.set_email(ann.id, "a@b").is_err());
        assert!(
            accounts.set_digest(ann.id, Digest::AtOnce).is_err(),
            "no address yet"
        );
        let link = accounts.set_email(ann.id, " ann@example.dk ").expect("set");
        let email = accounts.email(ann.id).expect("email").expect("some");
        assert_eq!(email.address, "ann@example.dk");
        assert!(!email.verified);
        assert_eq!(email.digest, Digest::Daily);
        // Only the hash is stored.
        let stored: i64 = accounts
            .db()
            .query_row(
                "SELECT count(*) FROM emails WHERE verify_hash = ?1",
                params![link],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(stored, 0);
        assert_eq!(accounts.verify_email("nope").expect("verify"), None);
        assert_eq!(accounts.verify_email(&link).expect("verify"), Some(ann.id));
        assert_eq!(
            accounts.verify_email(&link).expect("again"),
            None,
            "one time"
        );
        assert!(
            accounts
                .email(ann.id)
                .expect("email")
                .expect("some")
                .verified
        );
        accounts.set_digest(ann.id, Digest::None).expect("digest");
        // A new address must be verified again; the choice stays.
        accounts.set_email(ann.id, "ann@other.dk").expect("set");
        let email = accounts.email(ann.id).expect("email").expect("some");
        assert!(!email.verified);
        assert_eq!(email.digest, Digest::None);
        accounts.remove_email(ann.id).expect("remove");
        assert_eq!(accounts.email(ann.id).expect("email"), None);
    }

    #[test]
    fn a_mailed_invitation_gives_the_new_account_its_address_confirmed() {
        use crate::Actor;
        let (_dir, accounts) = accounts();
        let fran = accounts
            .add_user("fran", Role::Facilitator, "correct horse 1")
            .expect("fran");
        let by = Actor::account(&fran);
        assert!(
            accounts
                .create_invite_to(Role::Member, &by, "not an address")
                .is_err()
        );
        let mailed = accounts
            .create_invite_to(Role::Member, &by, " new@example.dk ")
            .expect("invite");
        let ann = accounts
            .use_link(&mailed, "ann", "correct horse 2")
            .expect("used");
        let email = accounts.email(ann.id).expect("email").expect("an address");
        assert_eq!(email.address, "new@example.dk");
        assert!(email.verified);
        // An invitation copied from the screen gives no address.
        let copied = accounts.create_invite(Role::Member, &by).expect("invite");
        let bob = accounts
            .use_link(&copied, "bob", "correct horse 3")
            .expect("used");
        assert_eq!(accounts.email(bob.id).expect("email"), None);
    }

    #[test]
    fn a_reset_by_mail_needs_a_confirmed_address_and_comes_once_a_quarter_hour() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, "correct horse 1")
            .expect("ann");
        assert_eq!(accounts.reset_by_mail("nobody").expect("ask"), None);
        assert_eq!(
            accounts.reset_by_mail("ann").expect("ask"),
            None,
            "no address"
        );
        let verify = accounts.set_email(ann.id, "ann@example.dk").expect("set");
        assert_eq!(
            accounts.reset_by_mail("ann").expect("ask"),
            None,
            "unconfirmed"
        );
        accounts.verify_email(&verify).expect("verified");
        let (link, to) = accounts.reset_by_mail("ann").expect("ask").expect("a link");
        assert_eq!(to, "ann@example.dk");
        assert_eq!(
            accounts.reset_by_mail("ann").expect("again"),
            None,
            "one per quarter hour"
        );
        let used = accounts
            .use_link(&link, "", "correct horse 9")
            .expect("used");
        assert_eq!(used.id, ann.id);
        accounts.lock(&used).expect("locked");
        assert_eq!(accounts.reset_by_mail("ann").expect("ask"), None, "locked");
    }

    #[test]
    fn question_news_shows_answers_and_followed_questions_but_nothing_hidden() {
        use crate::{Actor, NewAnswer, NewQuestion};
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, "correct horse 1")
            .expect("ann");
        let bob = accounts
            .add_user("bob", Role::Member, "correct horse 2")
            .expect("bob");
        let cid = accounts
            .add_user("cid", Role::Member, "correct horse 3")
            .expect("cid");
        let (a, b, c) = (
            Actor::account(&ann),
            Actor::account(&bob),
            Actor::account(&cid),
        );
        let fac = Actor::without_account("local");
        let ask = |by: &Actor, title: &str, practice: &str| {
            accounts
                .ask_question(
                    by,
                    NewQuestion {
                        title,
                        situation: "s",
                        tried: "",
                        practices: &[practice.to_string()],
                        tags: &[],
                        named: true,
                    },
                )
                .expect("asked")
        };
        let reply = |q: i64, by: &Actor| {
            accounts
                .answer_question(
                    q,
                    by,
                    NewAnswer {
                        body: "b",
                        named: true,
                        meet: false,
                    },
                )
                .expect("answered")
                .expect("open")
        };
        accounts
            .follow(bob.id, FollowKind::Practice, "change")
            .expect("follow");
        let mine = ask(&a, "Ann asks", "incident");
        reply(mine, &b);
        reply(mine, &c);
        let followed = ask(&c, "Cid asks about change", "change");
        let hidden = ask(&c, "CANARY hidden question", "change");
        accounts.hide_question(hidden, true, &fac).expect("hide");
        let hidden_answer = reply(followed, &a);
        accounts
            .hide_answer(hidden_answer, true, &fac)
            .expect("hide");

        let ann_news = accounts.question_news(ann.id, 0).expect("news");
        assert_eq!(ann_news.len(), 2, "{ann_news:?}");
        assert!(
            ann_news
                .iter()
                .all(|n| n.kind == QuestionNewsKind::AnswerToMine)
        );
        let bob_news = accounts.question_news(bob.id, 0).expect("news");
        let kinds: Vec<_> = bob_news.iter().map(|n| (n.kind, n.question)).collect();
        assert!(
            kinds.contains(&(QuestionNewsKind::AnswerWhereIAnswered, mine)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&(QuestionNewsKind::Followed, followed)),
            "{kinds:?}"
        );
        assert!(
            bob_news.iter().all(|n| !n.title.contains("CANARY")),
            "a hidden question is never news"
        );
        assert_eq!(
            bob_news.len(),
            2,
            "own answers and hidden ones are not news"
        );
        // Read up to now: nothing new.
        let later = bob_news.iter().map(|n| n.at).max().expect("some");
        assert!(
            accounts
                .question_news(bob.id, later)
                .expect("news")
                .is_empty()
        );
    }

    #[test]
    fn review_and_topic_news_concern_only_the_author() {
        use crate::{Actor, NewTopic, TopicState};
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Contributor, "correct horse 1")
            .expect("ann");
        let bob = accounts
            .add_user("bob", Role::Contributor, "correct horse 2")
            .expect("bob");
        let fac = Actor::without_account("local");
        accounts
            .record_submission(&Actor::account(&ann), "submissions/ann-cab.md")
            .expect("shared");
        accounts
            .record_submission(&Actor::account(&bob), "submissions/bob-cab.md")
            .expect("shared");
        accounts
            .audit(&fac, "review.changes", "submissions/ann-cab")
            .expect("audit");
        accounts
            .audit(&fac, "review.publish", "submissions/ann-cab")
            .expect("audit");
        accounts
            .audit(&fac, "review.archive", "submissions/ann-cab")
            .expect("audit");
        accounts
            .audit(&fac, "review.publish", "submissions/bob-cab")
            .expect("audit");
        let news = accounts.review_news(ann.id, 0).expect("news");
        let kinds: Vec<_> = news.iter().map(|n| n.kind).collect();
        assert_eq!(
            kinds,
            vec![ReviewNewsKind::Published, ReviewNewsKind::ChangesRequested],
            "archiving is not news; bob's publication is not ann's"
        );
        assert!(news.iter().all(|n| n.writeup == "submissions/ann-cab"));

        let topic = accounts
            .propose_topic(
                &Actor::account(&ann),
                NewTopic {
                    meeting: "2026-spring",
                    title: "CAB for small teams",
                    why: "w",
                    link: "",
                    named: true,
                },
            )
            .expect("proposed");
        assert!(accounts.topic_news(ann.id, 0).expect("news").is_empty());
        accounts
            .decide_topic(topic, TopicState::Accepted, "yes", &fac)
            .expect("decided");
        let news = accounts.topic_news(ann.id, 0).expect("news");
        assert_eq!(news.len(), 1);
        assert_eq!(news[0].state, TopicState::Accepted);
        assert!(accounts.topic_news(bob.id, 0).expect("news").is_empty());
    }

    #[test]
    fn offboarding_and_erasure_remove_address_and_follows() {
        let (_dir, accounts) = accounts();
        let ann = accounts
            .add_user("ann", Role::Member, "correct horse 1")
            .expect("ann");
        let bob = accounts
            .add_user("bob", Role::Member, "correct horse 2")
            .expect("bob");
        for user in [&ann, &bob] {
            accounts.set_email(user.id, "x@example.dk").expect("set");
            accounts
                .follow(user.id, FollowKind::Practice, "change")
                .expect("follow");
            accounts.mark_news_read(user.id, 10).expect("mark");
        }
        let data = accounts.personal_data(&ann).expect("export");
        assert_eq!(data.email[0]["address"], "x@example.dk");
        assert_eq!(data.follows[0]["target"], "change");
        accounts.remove_user(&ann).expect("offboard");
        accounts
            .erase(&bob, &crate::Actor::without_account("local"))
            .expect("erase");
        let db = accounts.db();
        for table in ["emails", "follows", "news_read"] {
            let left: i64 = db
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .expect("count");
            assert_eq!(left, 0, "{table} ends with the account");
        }
    }
}
