//! What the facilitator's desk keeps in `state.db`: members' signals on write-ups ("this
//! helped", "we saw this too"), flags, the facilitator's review notes, and search insights.
//!
//! None of it lives in `content/`: it is about how write-ups are used, not what they say.
//! Signals and flags name the account id that gave them, never the login name. The
//! tables are made in `schema`.
//!
//! Search insights store no identity. A search is kept as its normalised query, whether
//! it found nothing, the day, and a keyed hash of the searcher's session. The key is
//! random per process and never written anywhere, so the stored hash cannot be matched
//! against sessions, tokens or names — not even by someone holding the database — and
//! serves only to count distinct sessions. A query is shown only once
//! [`MIN_SESSIONS`] distinct sessions made it.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::{Accounts, Result, now};

/// A query is shown in search insights only once this many distinct sessions made it.
pub const MIN_SESSIONS: u64 = 3;
/// Longest normalised query stored, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Longest flag comment or review note stored, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// A member's signal on a write-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// "This helped".
    Helped,
    /// "We saw this too".
    SawToo,
}

impl Signal {
    /// `helped` or `saw_too`.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Helped => "helped",
            Signal::SawToo => "saw_too",
        }
    }

    /// Parses the names above.
    pub fn parse(text: &str) -> Option<Signal> {
        match text {
            "helped" => Some(Signal::Helped),
            "saw_too" => Some(Signal::SawToo),
            _ => None,
        }
    }
}

/// A member's "did not help us".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotHelped {
    /// The write-up.
    pub writeup: String,
    /// Who said so; `None` when the account was removed.
    pub member: Option<String>,
    /// Why, if they said; for the facilitator only.
    pub reason: String,
    /// When (Unix seconds).
    pub at: i64,
}

/// How many members gave each signal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SignalCounts {
    /// "This helped".
    pub helped: u64,
    /// "We saw this too".
    pub saw_too: u64,
}

/// Why a member flagged a write-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlagReason {
    /// No longer true.
    Outdated,
    /// Wrong.
    Wrong,
    /// Says what another write-up says.
    Duplicate,
    /// Something else (see the comment).
    Other,
}

impl FlagReason {
    /// All reasons, in the order of the form.
    pub const ALL: [FlagReason; 4] = [
        FlagReason::Outdated,
        FlagReason::Wrong,
        FlagReason::Duplicate,
        FlagReason::Other,
    ];

    /// `outdated`, `wrong`, `duplicate` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagReason::Outdated => "outdated",
            FlagReason::Wrong => "wrong",
            FlagReason::Duplicate => "duplicate",
            FlagReason::Other => "other",
        }
    }

    /// Parses the names above.
    pub fn parse(text: &str) -> Option<FlagReason> {
        FlagReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// Where a flag stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlagState {
    /// Waiting for the facilitator.
    Open,
    /// Acted on.
    Resolved,
    /// Not acted on.
    Dismissed,
}

impl FlagState {
    /// `open`, `resolved` or `dismissed`.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagState::Open => "open",
            FlagState::Resolved => "resolved",
            FlagState::Dismissed => "dismissed",
        }
    }

    /// Parses the names above.
    pub fn parse(text: &str) -> Option<FlagState> {
        [FlagState::Open, FlagState::Resolved, FlagState::Dismissed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A flag on a write-up. Who flagged it is kept (one member cannot flood the queue
/// unseen) but not shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Database id.
    pub id: i64,
    /// The write-up's slug.
    pub writeup: String,
    /// Why.
    pub reason: FlagReason,
    /// The member's words.
    pub comment: String,
    /// Seconds since 1970.
    pub at: i64,
    /// Open, resolved or dismissed.
    pub state: FlagState,
}

/// A note from the facilitator on a write-up in review ("request changes").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewNote {
    /// The write-up's slug.
    pub writeup: String,
    /// The facilitator.
    pub actor: String,
    /// What to change.
    pub comment: String,
    /// Seconds since 1970.
    pub at: i64,
    /// The write-up's text when the change was asked for (none for notes without it).
    pub text: Option<String>,
}

/// A merge as it was done: both files before and after, relative to the content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRecord {
    /// Its id (0 before it is recorded).
    pub id: i64,
    /// Seconds since 1970.
    pub at: i64,
    /// Who merged.
    pub actor: String,
    /// The write-up retired as a duplicate.
    pub old_slug: String,
    /// The write-up kept.
    pub kept_slug: String,
    /// The retired one's file.
    pub old_path: String,
    /// The kept one's file.
    pub kept_path: String,
    /// The retired one's text before the merge.
    pub old_before: String,
    /// The kept one's text before the merge.
    pub kept_before: String,
    /// The retired one's text after the merge.
    pub old_after: String,
    /// The kept one's text after the merge.
    pub kept_after: String,
}

/// One query of search insights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryCount {
    /// The normalised query.
    pub query: String,
    /// How often it was searched.
    pub searches: u64,
    /// From how many distinct sessions.
    pub sessions: u64,
}

/// Search insights over a time window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Insights {
    /// All searches recorded in the window.
    pub searches: u64,
    /// Searches that found nothing.
    pub zero_searches: u64,
    /// The most frequent queries (from at least [`MIN_SESSIONS`] sessions).
    pub top: Vec<QueryCount>,
    /// The most frequent queries that found nothing (the same threshold).
    pub zero: Vec<QueryCount>,
    /// Distinct queries not shown because too few sessions made them.
    pub hidden: u64,
}

/// One search to record for insights, before normalising and hashing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord {
    /// The query as typed.
    pub query: String,
    /// Whether it found nothing.
    pub zero: bool,
    /// What tells this searcher's session from others; only a keyed hash is stored.
    pub session: String,
}

/// A query as insights store it: lower case, trimmed, runs of white space as one space,
/// at most [`MAX_QUERY_CHARS`] characters.
pub fn normalise_query(query: &str) -> String {
    query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect()
}

fn cap(text: &str) -> String {
    text.trim().chars().take(MAX_COMMENT_CHARS).collect()
}

/// Days since 1970, the day bucket of a search.
pub fn today() -> i64 {
    now().div_euclid(86_400)
}

impl Accounts {
    /// Turns the signal of the account `account_id` ([`crate::NO_ACCOUNT`] in local mode)
    /// on `writeup` on or off; returns whether it is on now.
    pub fn toggle_signal(&self, writeup: &str, account_id: i64, signal: Signal) -> Result<bool> {
        let db = self.db();
        let removed = db.execute(
            "DELETE FROM signals WHERE writeup = ?1 AND account_id = ?2 AND kind = ?3",
            params![writeup, account_id, signal.as_str()],
        )?;
        if removed > 0 {
            return Ok(false);
        }
        db.execute(
            "INSERT INTO signals (writeup, account_id, kind, at) VALUES (?1, ?2, ?3, ?4)",
            params![writeup, account_id, signal.as_str(), now()],
        )?;
        Ok(true)
    }

    /// Records that `writeup` did not help the account `account_id` (with an optional
    /// `reason` for the facilitator), or takes it back (`reason` `None`).
    pub fn set_not_helped(
        &self,
        writeup: &str,
        account_id: i64,
        reason: Option<&str>,
    ) -> Result<()> {
        let db = self.db();
        match reason {
            Some(reason) => db.execute(
                "INSERT INTO not_helped (writeup, account_id, reason, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (writeup, account_id) DO UPDATE SET reason = ?3, at = ?4",
                params![writeup, account_id, cap(reason), now()],
            )?,
            None => db.execute(
                "DELETE FROM not_helped WHERE writeup = ?1 AND account_id = ?2",
                params![writeup, account_id],
            )?,
        };
        Ok(())
    }

    /// Whether the account `account_id` said `writeup` did not help it.
    pub fn said_not_helped(&self, writeup: &str, account_id: i64) -> Result<bool> {
        Ok(self
            .db()
            .query_row(
                "SELECT 1 FROM not_helped WHERE writeup = ?1 AND account_id = ?2",
                params![writeup, account_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Every "did not help us", newest first, for the facilitator: the write-up, who
    /// (`None` for a removed account), the reason and when.
    pub fn not_helped(&self) -> Result<Vec<NotHelped>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT n.writeup, u.name, n.reason, n.at FROM not_helped n
             LEFT JOIN users u ON u.id = n.account_id ORDER BY n.at DESC, n.writeup",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(NotHelped {
                writeup: r.get(0)?,
                member: r.get(1)?,
                reason: r.get(2)?,
                at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many members gave each signal on `writeup`.
    pub fn signal_counts(&self, writeup: &str) -> Result<SignalCounts> {
        let db = self.db();
        let mut stmt =
            db.prepare("SELECT kind, COUNT(*) FROM signals WHERE writeup = ?1 GROUP BY kind")?;
        let mut counts = SignalCounts::default();
        let rows = stmt.query_map(params![writeup], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (kind, n) = row?;
            match Signal::parse(&kind) {
                Some(Signal::Helped) => counts.helped = n as u64,
                Some(Signal::SawToo) => counts.saw_too = n as u64,
                None => {}
            }
        }
        Ok(counts)
    }

    /// The signals the account `account_id` gave on `writeup`.
    pub fn member_signals(&self, writeup: &str, account_id: i64) -> Result<Vec<Signal>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT kind FROM signals WHERE writeup = ?1 AND account_id = ?2 ORDER BY kind",
        )?;
        let kinds = stmt
            .query_map(params![writeup, account_id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(kinds.iter().filter_map(|k| Signal::parse(k)).collect())
    }

    /// Signal counts of every write-up that has any, by slug.
    pub fn all_signal_counts(&self) -> Result<Vec<(String, SignalCounts)>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT writeup, kind, COUNT(*) FROM signals GROUP BY writeup, kind ORDER BY writeup",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: Vec<(String, SignalCounts)> = Vec::new();
        for (writeup, kind, n) in rows {
            if out.last().is_none_or(|(w, _)| *w != writeup) {
                out.push((writeup, SignalCounts::default()));
            }
            let Some((_, counts)) = out.last_mut() else {
                continue;
            };
            match Signal::parse(&kind) {
                Some(Signal::Helped) => counts.helped = n as u64,
                Some(Signal::SawToo) => counts.saw_too = n as u64,
                None => {}
            }
        }
        Ok(out)
    }

    /// Records a flag by the account `account_id` ([`crate::NO_ACCOUNT`] in local mode);
    /// returns its id.
    pub fn add_flag(
        &self,
        writeup: &str,
        account_id: i64,
        reason: FlagReason,
        comment: &str,
    ) -> Result<i64> {
        let db = self.db();
        db.execute(
            "INSERT INTO flags (writeup, account_id, reason, comment, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![writeup, account_id, reason.as_str(), cap(comment), now()],
        )?;
        Ok(db.last_insert_rowid())
    }

    /// Flags, newest first; only those in `state` when given.
    pub fn flags(&self, state: Option<FlagState>) -> Result<Vec<Flag>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT id, writeup, reason, comment, at, state FROM flags
             WHERE ?1 IS NULL OR state = ?1 ORDER BY at DESC, id DESC",
        )?;
        let rows = stmt
            .query_map(params![state.map(FlagState::as_str)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .map(|(id, writeup, reason, comment, at, state)| Flag {
                id,
                writeup,
                reason: FlagReason::parse(&reason).unwrap_or(FlagReason::Other),
                comment,
                at,
                state: FlagState::parse(&state).unwrap_or(FlagState::Open),
            })
            .collect())
    }

    /// Closes an open flag as resolved or dismissed; returns the flagged write-up, or
    /// `None` when no open flag has that id.
    pub fn close_flag(&self, id: i64, state: FlagState, by: &str) -> Result<Option<String>> {
        let db = self.db();
        let writeup: Option<String> = db
            .query_row(
                "SELECT writeup FROM flags WHERE id = ?1 AND state = 'open'",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        if writeup.is_some() {
            db.execute(
                "UPDATE flags SET state = ?2, closed_by = ?3, closed_at = ?4 WHERE id = ?1",
                params![id, state.as_str(), by, now()],
            )?;
        }
        Ok(writeup)
    }

    /// Keeps the facilitator's note on a write-up (a change request).
    pub fn add_review_note(&self, writeup: &str, actor: &str, comment: &str) -> Result<()> {
        self.add_change_request(writeup, actor, comment, None)
    }

    /// Records a change request with the write-up's `text` as it is now, so that what
    /// changed since can be shown when it comes back.
    pub fn add_change_request(
        &self,
        writeup: &str,
        actor: &str,
        comment: &str,
        text: Option<&str>,
    ) -> Result<()> {
        self.db().execute(
            "INSERT INTO review_notes (writeup, actor, comment, at, text) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![writeup, actor, cap(comment), now(), text],
        )?;
        Ok(())
    }

    /// Records a merge; returns its id.
    pub fn record_merge(&self, merge: &MergeRecord) -> Result<i64> {
        let db = self.db();
        db.execute(
            "INSERT INTO merges (at, actor, old_slug, kept_slug, old_path, kept_path,
                 old_before, kept_before, old_after, kept_after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                now(),
                merge.actor,
                merge.old_slug,
                merge.kept_slug,
                merge.old_path,
                merge.kept_path,
                merge.old_before,
                merge.kept_before,
                merge.old_after,
                merge.kept_after
            ],
        )?;
        Ok(db.last_insert_rowid())
    }

    /// The latest merges not undone, newest first.
    pub fn merges(&self, limit: usize) -> Result<Vec<MergeRecord>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT id, at, actor, old_slug, kept_slug, old_path, kept_path, old_before,
                 kept_before, old_after, kept_after
             FROM merges WHERE undone_at IS NULL ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok(MergeRecord {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                old_slug: r.get(3)?,
                kept_slug: r.get(4)?,
                old_path: r.get(5)?,
                kept_path: r.get(6)?,
                old_before: r.get(7)?,
                kept_before: r.get(8)?,
                old_after: r.get(9)?,
                kept_after: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks the merge `id` undone; whether it was still open.
    pub fn mark_merge_undone(&self, id: i64) -> Result<bool> {
        let changed = self.db().execute(
            "UPDATE merges SET undone_at = ?1 WHERE id = ?2 AND undone_at IS NULL",
            params![now(), id],
        )?;
        Ok(changed > 0)
    }

    /// The notes on a write-up, newest first (for the contributor's "My write-ups").
    pub fn review_notes(&self, writeup: &str) -> Result<Vec<ReviewNote>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT writeup, actor, comment, at, text FROM review_notes WHERE writeup = ?1
             ORDER BY at DESC, id DESC",
        )?;
        let notes = stmt
            .query_map(params![writeup], |r| {
                Ok(ReviewNote {
                    writeup: r.get(0)?,
                    actor: r.get(1)?,
                    comment: r.get(2)?,
                    at: r.get(3)?,
                    text: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(notes)
    }

    /// The keyed hash that stands for a session in search insights.
    fn session_hash(&self, session: &str) -> String {
        let hash = blake3::keyed_hash(&self.insight_key, session.as_bytes());
        hash.to_hex()[..32].to_string()
    }

    /// Records one search for insights and forgets searches older than `keep_weeks`.
    /// `session` is anything that tells one session from another; only a keyed hash of
    /// it is stored. Empty queries are not recorded.
    pub fn record_search(
        &self,
        query: &str,
        zero: bool,
        session: &str,
        keep_weeks: u32,
    ) -> Result<()> {
        self.record_searches(
            &[SearchRecord {
                query: query.to_string(),
                zero,
                session: session.to_string(),
            }],
            keep_weeks,
        )
    }

    /// Records searches in one transaction (one disk flush for the lot), then forgets
    /// searches older than `keep_weeks`.
    pub fn record_searches(&self, searches: &[SearchRecord], keep_weeks: u32) -> Result<()> {
        let day = today();
        let rows: Vec<(String, bool, String)> = searches
            .iter()
            .map(|s| {
                (
                    normalise_query(&s.query),
                    s.zero,
                    self.session_hash(&s.session),
                )
            })
            .filter(|(q, _, _)| !q.is_empty())
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let mut db = self.db();
        // Insights are a sample: losing the last searches at a power cut is acceptable, so
        // they skip the flush that accounts need (WAL with `synchronous = NORMAL` stays
        // consistent). Accounts get `FULL` back before the lock is released.
        db.pragma_update(None, "synchronous", "NORMAL")?;
        let written = Self::insert_searches(&mut db, day, &rows, keep_weeks);
        db.pragma_update(None, "synchronous", "FULL")?;
        written
    }

    fn insert_searches(
        db: &mut Connection,
        day: i64,
        rows: &[(String, bool, String)],
        keep_weeks: u32,
    ) -> Result<()> {
        let tx = db.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO searches (day, query, zero, session_hash) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (query, zero, hash) in rows {
                insert.execute(params![day, query, zero, hash])?;
            }
        }
        tx.execute(
            "DELETE FROM searches WHERE day < ?1",
            params![day - i64::from(keep_weeks) * 7],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets searches older than `keep_weeks`; returns how many were removed.
    pub fn purge_searches(&self, keep_weeks: u32) -> Result<usize> {
        Ok(self.db().execute(
            "DELETE FROM searches WHERE day < ?1",
            params![today() - i64::from(keep_weeks) * 7],
        )?)
    }

    /// Search insights of the last `weeks` weeks: at most `limit` queries per list, each
    /// made from at least [`MIN_SESSIONS`] distinct sessions.
    pub fn search_insights(&self, weeks: u32, limit: usize) -> Result<Insights> {
        let since = today() - i64::from(weeks) * 7;
        let db = self.db();
        let (searches, zero_searches): (i64, i64) = db.query_row(
            "SELECT COUNT(*), COALESCE(SUM(zero), 0) FROM searches WHERE day >= ?1",
            params![since],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let list = |zero_only: bool| -> rusqlite::Result<Vec<QueryCount>> {
            let mut stmt = db.prepare(
                "SELECT query, COUNT(*) AS n, COUNT(DISTINCT session_hash) AS s FROM searches
                 WHERE day >= ?1 AND (?2 = 0 OR zero = 1)
                 GROUP BY query HAVING s >= ?3 ORDER BY n DESC, s DESC, query LIMIT ?4",
            )?;
            stmt.query_map(
                params![since, zero_only, MIN_SESSIONS as i64, limit as i64],
                |r| {
                    Ok(QueryCount {
                        query: r.get(0)?,
                        searches: r.get::<_, i64>(1)? as u64,
                        sessions: r.get::<_, i64>(2)? as u64,
                    })
                },
            )?
            .collect()
        };
        let top = list(false)?;
        let zero = list(true)?;
        let hidden: i64 = db.query_row(
            "SELECT COUNT(*) FROM (SELECT query FROM searches WHERE day >= ?1 GROUP BY query
             HAVING COUNT(DISTINCT session_hash) < ?2)",
            params![since, MIN_SESSIONS as i64],
            |r| r.get(0),
        )?;
        Ok(Insights {
            searches: searches as u64,
            zero_searches: zero_searches as u64,
            top,
            zero,
            hidden: hidden as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::accounts;

    #[test]
    fn did_not_help_is_kept_once_per_member_with_its_reason() {
        let (_dir, a) = accounts();
        a.set_not_helped("cab", 1, Some("  We are too small.  "))
            .expect("said");
        a.set_not_helped("cab", 1, Some("We are far too small."))
            .expect("said again");
        a.set_not_helped("cab", 2, Some("")).expect("said");
        assert!(a.said_not_helped("cab", 1).expect("read"));
        assert!(!a.said_not_helped("swarming", 1).expect("read"));
        let all = a.not_helped().expect("all");
        assert_eq!(all.len(), 2);
        assert!(all.iter().any(|n| n.reason == "We are far too small."));
        a.set_not_helped("cab", 1, None).expect("taken back");
        assert!(!a.said_not_helped("cab", 1).expect("read"));
        assert_eq!(a.not_helped().expect("all").len(), 1);
    }

    #[test]
    fn signals_toggle_once_per_member() {
        let (_dir, a) = accounts();
        let (jane, john) = (1, 2);
        assert!(a.toggle_signal("cab", jane, Signal::Helped).expect("on"));
        assert!(a.toggle_signal("cab", john, Signal::Helped).expect("on"));
        assert!(a.toggle_signal("cab", jane, Signal::SawToo).expect("on"));
        assert_eq!(
            a.signal_counts("cab").expect("counts"),
            SignalCounts {
                helped: 2,
                saw_too: 1
            }
        );
        assert!(!a.toggle_signal("cab", jane, Signal::Helped).expect("off"));
        assert_eq!(a.signal_counts("cab").expect("counts").helped, 1);
        assert_eq!(
            a.member_signals("cab", jane).expect("mine"),
            [Signal::SawToo]
        );
        assert_eq!(
            a.all_signal_counts().expect("all"),
            [(
                "cab".to_string(),
                SignalCounts {
                    helped: 1,
                    saw_too: 1
                }
            )]
        );
    }

    #[test]
    fn flags_open_and_close_once() {
        let (_dir, a) = accounts();
        let id = a
            .add_flag("cab", 1, FlagReason::Outdated, "  ITIL 4 now  ")
            .expect("flag");
        let open = a.flags(Some(FlagState::Open)).expect("open");
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].comment, "ITIL 4 now");
        assert_eq!(open[0].reason, FlagReason::Outdated);
        assert_eq!(
            a.close_flag(id, FlagState::Resolved, "fac").expect("close"),
            Some("cab".to_string())
        );
        assert_eq!(
            a.close_flag(id, FlagState::Dismissed, "fac")
                .expect("again"),
            None
        );
        assert!(a.flags(Some(FlagState::Open)).expect("open").is_empty());
        assert_eq!(a.flags(None).expect("all")[0].state, FlagState::Resolved);
    }

    #[test]
    fn review_notes_are_kept_per_writeup() {
        let (_dir, a) = accounts();
        a.add_review_note("cab", "fac", "Add the lesson")
            .expect("note");
        let notes = a.review_notes("cab").expect("notes");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].comment, "Add the lesson");
        assert!(a.review_notes("other").expect("none").is_empty());
    }

    #[test]
    fn queries_are_normalised() {
        assert_eq!(normalise_query("  CAB\t  Freeze \n"), "cab freeze");
        assert_eq!(normalise_query("   "), "");
        assert_eq!(
            normalise_query(&"x".repeat(500)).chars().count(),
            MAX_QUERY_CHARS
        );
    }

    #[test]
    fn insights_show_a_query_only_from_three_sessions_and_store_no_identity() {
        let (dir, a) = accounts();
        for session in ["s1", "s2", "s3"] {
            a.record_search("Change  Freeze", true, session, 26)
                .expect("record");
        }
        for session in ["s1", "s2", "s2"] {
            a.record_search("swarming", false, session, 26)
                .expect("record");
        }
        a.record_search("  ", true, "s1", 26).expect("empty");
        let synchronous: i64 = a
            .db()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(synchronous, 2, "accounts write with FULL again");
        let insights = a.search_insights(26, 10).expect("insights");
        assert_eq!(insights.searches, 6);
        assert_eq!(insights.zero_searches, 3);
        assert_eq!(insights.top.len(), 1);
        assert_eq!(insights.top[0].query, "change freeze");
        assert_eq!(insights.zero[0].sessions, 3);
        assert_eq!(insights.hidden, 1);
        let db = Connection::open(dir.path().join(crate::DB_FILE)).expect("db");
        let hashes: Vec<String> = db
            .prepare("SELECT session_hash FROM searches")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        for h in &hashes {
            assert!(!["s1", "s2", "s3"].contains(&h.as_str()));
            assert_ne!(h, &blake3::hash(b"s1").to_hex()[..32]);
        }
        // Another process (another key) cannot link its sessions to these rows.
        let b = Accounts::open(dir.path()).expect("reopen");
        assert_ne!(b.session_hash("s1"), a.session_hash("s1"));
    }

    #[test]
    fn old_searches_are_forgotten() {
        let (_dir, a) = accounts();
        a.record_search("old", true, "s1", 26).expect("record");
        a.db()
            .execute("UPDATE searches SET day = day - 400", [])
            .expect("age");
        assert_eq!(a.purge_searches(26).expect("purge"), 1);
        assert_eq!(a.search_insights(52, 10).expect("insights").searches, 0);
    }
}
