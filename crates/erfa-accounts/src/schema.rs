//! The tables of `state.db`, and how a database made by an older erfa is brought up to
//! date in place.
//!
//! `PRAGMA user_version` holds how many of [`MIGRATIONS`] a database has had. Opening it
//! runs the missing ones in order, each in one transaction together with the new version
//! number, so a database is always at one version or the next, never in between. A
//! database from a newer erfa is refused rather than guessed at.
//!
//! Before the first step, a database that holds anything is copied beside itself with
//! SQLite's online backup API, as `state.db.before-v{N}` (N the version it is upgraded
//! to), so an upgrade can be undone by putting that file back with the older erfa. An
//! existing copy of that name is kept: it is the older one, from before any attempt.
//!
//! Version 1 is the layout of the first release, which had no version number (0 then
//! means "made by the first release" or "empty": its statements only create what is
//! missing). Version 2 makes every record of a person refer to the account id instead of
//! the login name (see `docs/ARCHITECTURE.md`, "Invariants").

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::{Error, LINK_VALID_SECONDS, NO_ACCOUNT, Result};

/// One step of the schema.
struct Migration {
    /// What it does, for error messages.
    what: &'static str,
    /// The step; runs inside the transaction that also sets the new version.
    run: fn(&Transaction<'_>) -> Result<()>,
}

/// Every step, in order; a database at version `n` has had the first `n`.
const MIGRATIONS: &[Migration] = &[
    Migration {
        what: "the tables of the first release",
        run: first_release,
    },
    Migration {
        what: "records refer to account ids, accounts can be locked",
        run: account_ids,
    },
    Migration {
        what: "change requests keep the text they were made on",
        run: change_request_text,
    },
    Migration {
        what: "merges are recorded so that they can be undone",
        run: merges,
    },
    Migration {
        what: "members propose and vote on meeting topics",
        run: topics,
    },
    Migration {
        what: "members can say a write-up did not help them",
        run: not_helped,
    },
    Migration {
        what: "members ask the group and answer from experience",
        run: questions,
    },
    Migration {
        what: "members follow practices and tags, read their news, may give an e-mail address",
        run: news,
    },
    Migration {
        what: "an invitation may be mailed; its address becomes the new account's",
        run: invite_email,
    },
];

/// The schema version this erfa writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

fn version(db: &Connection) -> Result<i64> {
    Ok(db.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the database up to [`SCHEMA_VERSION`], first copying an older one that holds
/// anything to [`crate::snapshot::before_upgrade`] in `data_dir`.
pub(crate) fn migrate(db: &mut Connection, data_dir: &Path) -> Result<()> {
    let mut copied = false;
    loop {
        let found = version(db)?;
        if found > SCHEMA_VERSION {
            return Err(Error::NewerDatabase {
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        if !copied {
            copy_before_upgrade(db, data_dir)?;
            copied = true;
        }
        // Tables are rebuilt the way SQLite documents for changes ALTER TABLE cannot make:
        // with foreign keys off (it cannot be switched inside a transaction), checked
        // before the commit.
        db.pragma_update(None, "foreign_keys", false)?;
        let stepped = step(db, found);
        db.pragma_update(None, "foreign_keys", true)?;
        stepped?;
    }
}

/// Copies the database before its upgrade, unless it is new and empty or the copy exists.
fn copy_before_upgrade(db: &Connection, data_dir: &Path) -> Result<()> {
    let tables: i64 = db.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    let dest = crate::snapshot::before_upgrade(data_dir, SCHEMA_VERSION);
    if tables == 0 || dest.exists() {
        return Ok(());
    }
    crate::snapshot::copy(db, &dest)
}

fn step(db: &mut Connection, from: i64) -> Result<()> {
    // IMMEDIATE: another process opening the same database (the server and `erfa user`)
    // waits here, and then finds the step done.
    let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if version(&tx)? != from {
        return Ok(());
    }
    let migration = &MIGRATIONS[from as usize];
    (migration.run)(&tx).map_err(|e| Error::Migration {
        version: from + 1,
        what: migration.what,
        cause: e.to_string(),
    })?;
    let broken: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    if let Some(table) = broken {
        return Err(Error::Migration {
            version: from + 1,
            what: migration.what,
            cause: format!("a row of {table} refers to nothing"),
        });
    }
    tx.pragma_update(None, "user_version", from + 1)?;
    tx.commit()?;
    Ok(())
}

/// Version 1: the tables as the first release made them (by name: `user_name`, `member`).
fn first_release(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS users (
             id INTEGER PRIMARY KEY,
             name TEXT NOT NULL UNIQUE,
             role TEXT NOT NULL,
             password_hash TEXT NOT NULL,
             created INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS sessions (
             hash TEXT PRIMARY KEY,
             user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
             created INTEGER NOT NULL,
             last_seen INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS tokens (
             hash TEXT PRIMARY KEY,
             user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
             kind TEXT NOT NULL,
             created INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS links (
             hash TEXT PRIMARY KEY,
             purpose TEXT NOT NULL,
             role TEXT NOT NULL,
             user_name TEXT,
             created_by TEXT NOT NULL,
             expires INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS submissions (
             path TEXT PRIMARY KEY,
             user_name TEXT NOT NULL,
             created INTEGER NOT NULL,
             updated INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS submissions_by_user ON submissions (user_name, created);
         CREATE TABLE IF NOT EXISTS audit (
             id INTEGER PRIMARY KEY,
             at INTEGER NOT NULL,
             actor TEXT NOT NULL,
             action TEXT NOT NULL,
             target TEXT NOT NULL
         );
         CREATE TABLE IF NOT EXISTS signals (
             writeup TEXT NOT NULL,
             member TEXT NOT NULL,
             kind TEXT NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (writeup, member, kind)
         );
         CREATE TABLE IF NOT EXISTS flags (
             id INTEGER PRIMARY KEY,
             writeup TEXT NOT NULL,
             member TEXT NOT NULL,
             reason TEXT NOT NULL,
             comment TEXT NOT NULL,
             at INTEGER NOT NULL,
             state TEXT NOT NULL DEFAULT 'open',
             closed_by TEXT,
             closed_at INTEGER
         );
         CREATE TABLE IF NOT EXISTS review_notes (
             id INTEGER PRIMARY KEY,
             writeup TEXT NOT NULL,
             actor TEXT NOT NULL,
             comment TEXT NOT NULL,
             at INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS searches (
             id INTEGER PRIMARY KEY,
             day INTEGER NOT NULL,
             query TEXT NOT NULL,
             zero INTEGER NOT NULL,
             session_hash TEXT NOT NULL
         );
         CREATE INDEX IF NOT EXISTS searches_day ON searches (day);",
    )?;
    Ok(())
}

/// Turns the login names recorded by version 1 into account ids.
///
/// A name means the account of that name only if the account existed when the record was
/// made: a record from before (a previous holder of a name that was reused) is not given
/// to the new holder. Such records, and those of removed accounts, get an id of their own
/// per name that no account will ever have; `local` (local mode) becomes [`NO_ACCOUNT`].
struct Owners {
    former: HashMap<String, i64>,
    last_id: i64,
}

impl Owners {
    fn id(&mut self, tx: &Transaction<'_>, name: &str, at: i64) -> Result<i64> {
        let account: Option<i64> = tx
            .query_row(
                "SELECT id FROM users WHERE name = ?1 AND created <= ?2",
                params![name, at],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = account {
            return Ok(id);
        }
        if name == "local" {
            return Ok(NO_ACCOUNT);
        }
        let next = self.last_id + 1;
        let id = *self.former.entry(name.to_string()).or_insert(next);
        self.last_id = self.last_id.max(id);
        Ok(id)
    }
}

/// Version 2: account ids everywhere, ids never reused, accounts that can be locked.
fn account_ids(tx: &Transaction<'_>) -> Result<()> {
    // AUTOINCREMENT: an id is never given twice, not even after the account with the
    // highest id is removed, so records kept by id never pass to a later account.
    tx.execute_batch(
        "CREATE TABLE users_v2 (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             name TEXT NOT NULL UNIQUE,
             role TEXT NOT NULL,
             password_hash TEXT NOT NULL,
             created INTEGER NOT NULL,
             locked INTEGER NOT NULL DEFAULT 0
         );
         INSERT INTO users_v2 (id, name, role, password_hash, created)
             SELECT id, name, role, password_hash, created FROM users;
         DROP TABLE users;
         ALTER TABLE users_v2 RENAME TO users;
         DELETE FROM sessions WHERE user_id NOT IN (SELECT id FROM users);
         DELETE FROM tokens WHERE user_id NOT IN (SELECT id FROM users);",
    )?;
    // One-time links: a reset link names an account id, and every link the account that
    // made it (NULL: made without an account, in local mode). Links made before their
    // account existed, or by or for an account that is gone, are dropped.
    tx.execute_batch(&format!(
        "CREATE TABLE links_v2 (
             hash TEXT PRIMARY KEY,
             purpose TEXT NOT NULL,
             role TEXT NOT NULL,
             user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
             created_by INTEGER REFERENCES users(id) ON DELETE CASCADE,
             expires INTEGER NOT NULL
         );
         INSERT INTO links_v2 (hash, purpose, role, user_id, created_by, expires)
             SELECT l.hash, l.purpose, l.role, u.id, c.id, l.expires FROM links l
             LEFT JOIN users u ON l.purpose = 'reset' AND u.name = l.user_name
                 AND u.created <= l.expires - {LINK_VALID_SECONDS}
             LEFT JOIN users c ON c.name = l.created_by
                 AND c.created <= l.expires - {LINK_VALID_SECONDS}
             WHERE (l.purpose = 'invite' OR (l.purpose = 'reset' AND u.id IS NOT NULL))
                 AND (l.created_by = '' OR c.id IS NOT NULL);
         DROP TABLE links;
         ALTER TABLE links_v2 RENAME TO links;"
    ))?;

    let mut owners = Owners {
        former: HashMap::new(),
        last_id: tx.query_row("SELECT COALESCE(MAX(id), 0) FROM users", [], |r| r.get(0))?,
    };

    tx.execute_batch(
        "CREATE TABLE submissions_v2 (
             path TEXT PRIMARY KEY,
             account_id INTEGER NOT NULL,
             created INTEGER NOT NULL,
             updated INTEGER NOT NULL
         );",
    )?;
    let rows: Vec<(String, String, i64, i64)> = tx
        .prepare("SELECT path, user_name, created, updated FROM submissions")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (path, name, created, updated) in rows {
        let id = owners.id(tx, &name, created)?;
        tx.execute(
            "INSERT INTO submissions_v2 (path, account_id, created, updated) VALUES (?1, ?2, ?3, ?4)",
            params![path, id, created, updated],
        )?;
    }
    tx.execute_batch(
        "DROP TABLE submissions;
         ALTER TABLE submissions_v2 RENAME TO submissions;
         CREATE INDEX submissions_by_account ON submissions (account_id, created);
         CREATE TABLE signals_v2 (
             writeup TEXT NOT NULL,
             account_id INTEGER NOT NULL,
             kind TEXT NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (writeup, account_id, kind)
         );",
    )?;
    let rows: Vec<(String, String, String, i64)> = tx
        .prepare("SELECT writeup, member, kind, at FROM signals")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (writeup, name, kind, at) in rows {
        let id = owners.id(tx, &name, at)?;
        tx.execute(
            "INSERT OR IGNORE INTO signals_v2 (writeup, account_id, kind, at) VALUES (?1, ?2, ?3, ?4)",
            params![writeup, id, kind, at],
        )?;
    }
    tx.execute_batch(
        "DROP TABLE signals;
         ALTER TABLE signals_v2 RENAME TO signals;
         CREATE TABLE flags_v2 (
             id INTEGER PRIMARY KEY,
             writeup TEXT NOT NULL,
             account_id INTEGER NOT NULL,
             reason TEXT NOT NULL,
             comment TEXT NOT NULL,
             at INTEGER NOT NULL,
             state TEXT NOT NULL DEFAULT 'open',
             closed_by TEXT,
             closed_at INTEGER
         );",
    )?;
    type FlagRow = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<FlagRow> = tx
        .prepare(
            "SELECT id, writeup, member, reason, comment, at, state, closed_by, closed_at FROM flags",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, writeup, name, reason, comment, at, state, closed_by, closed_at) in rows {
        let account = owners.id(tx, &name, at)?;
        tx.execute(
            "INSERT INTO flags_v2 (id, writeup, account_id, reason, comment, at, state, closed_by, closed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, writeup, account, reason, comment, at, state, closed_by, closed_at],
        )?;
    }
    tx.execute_batch(
        "DROP TABLE flags;
         ALTER TABLE flags_v2 RENAME TO flags;
         ALTER TABLE audit ADD COLUMN actor_id INTEGER;
         ALTER TABLE audit ADD COLUMN target_id INTEGER;",
    )?;
    // The ids given to former holders are used up, like those of removed accounts.
    tx.execute(
        "DELETE FROM sqlite_sequence WHERE name IN ('users', 'users_v2')",
        [],
    )?;
    if owners.last_id > 0 {
        tx.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('users', ?1)",
            params![owners.last_id],
        )?;
    }
    Ok(())
}

/// Version 3: a change request keeps the write-up's text as it was when the change was
/// asked for, so that the review queue can show what changed since (NULL for older ones).
fn change_request_text(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch("ALTER TABLE review_notes ADD COLUMN text TEXT;")?;
    Ok(())
}

/// Version 4: each merge keeps both files as they were before and after it, so that it
/// can be undone while nobody has changed them since.
fn merges(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE merges (
             id INTEGER PRIMARY KEY,
             at INTEGER NOT NULL,
             actor TEXT NOT NULL,
             old_slug TEXT NOT NULL,
             kept_slug TEXT NOT NULL,
             old_path TEXT NOT NULL,
             kept_path TEXT NOT NULL,
             old_before TEXT NOT NULL,
             kept_before TEXT NOT NULL,
             old_after TEXT NOT NULL,
             kept_after TEXT NOT NULL,
             undone_at INTEGER
         );",
    )?;
    Ok(())
}

/// Version 5: meeting topics, votes, comments and outcomes. Account ids have no foreign
/// key, like signals and flags: a removed account's topics stay, without a name.
fn topics(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE topics (
             id INTEGER PRIMARY KEY,
             meeting TEXT NOT NULL,
             title TEXT NOT NULL,
             why TEXT NOT NULL,
             link TEXT NOT NULL,
             author_id INTEGER NOT NULL,
             named INTEGER NOT NULL,
             state TEXT NOT NULL DEFAULT 'proposed',
             note TEXT NOT NULL DEFAULT '',
             created INTEGER NOT NULL,
             decided INTEGER
         );
         CREATE INDEX topics_by_meeting ON topics (meeting);
         CREATE TABLE topic_votes (
             topic INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
             account_id INTEGER NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (topic, account_id)
         );
         CREATE INDEX topic_votes_by_account ON topic_votes (account_id);
         CREATE TABLE topic_comments (
             topic INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
             account_id INTEGER NOT NULL,
             text TEXT NOT NULL,
             at INTEGER NOT NULL
         );
         CREATE TABLE topic_outcomes (
             topic INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
             slug TEXT NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (topic, slug)
         );",
    )?;
    Ok(())
}

/// Version 6: "did not help us", with an optional reason for the facilitator.
fn not_helped(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE not_helped (
             writeup TEXT NOT NULL,
             account_id INTEGER NOT NULL,
             reason TEXT NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (writeup, account_id)
         );",
    )?;
    Ok(())
}

/// Version 7: questions, answers, "we have been through this too", and the write-ups a
/// thread became. Account ids have no foreign key: a removed account's questions and
/// answers stay, without a name.
fn questions(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE questions (
             id INTEGER PRIMARY KEY,
             title TEXT NOT NULL,
             situation TEXT NOT NULL,
             tried TEXT NOT NULL,
             practices TEXT NOT NULL,
             tags TEXT NOT NULL,
             author_id INTEGER NOT NULL,
             named INTEGER NOT NULL,
             state TEXT NOT NULL DEFAULT 'open',
             hidden INTEGER NOT NULL DEFAULT 0,
             created INTEGER NOT NULL,
             updated INTEGER NOT NULL
         );
         CREATE INDEX questions_by_author ON questions (author_id);
         CREATE TABLE answers (
             id INTEGER PRIMARY KEY,
             question INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
             author_id INTEGER NOT NULL,
             named INTEGER NOT NULL,
             body TEXT NOT NULL,
             meet INTEGER NOT NULL,
             hidden INTEGER NOT NULL DEFAULT 0,
             helpful INTEGER NOT NULL DEFAULT 0,
             created INTEGER NOT NULL,
             updated INTEGER NOT NULL
         );
         CREATE INDEX answers_by_question ON answers (question);
         CREATE INDEX answers_by_author ON answers (author_id);
         CREATE TABLE question_same (
             question INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
             account_id INTEGER NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (question, account_id)
         );
         CREATE TABLE question_writeups (
             question INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
             path TEXT NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (question, path)
         );",
    )?;
    Ok(())
}

/// Version 8: what members follow, how far they have read their news (the items
/// themselves are computed when read, from the other tables), and an optional e-mail
/// address with its verification link (stored hashed) and digest choice. All three end
/// with the account (offboarding and erasure).
fn news(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE follows (
             account_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
             kind TEXT NOT NULL CHECK (kind IN ('practice', 'tag')),
             target TEXT NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (account_id, kind, target)
         );
         CREATE TABLE news_read (
             account_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
             until INTEGER NOT NULL
         );
         CREATE TABLE emails (
             account_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
             address TEXT NOT NULL,
             verified INTEGER NOT NULL DEFAULT 0,
             verify_hash TEXT,
             verify_expires INTEGER,
             digest TEXT NOT NULL DEFAULT 'daily' CHECK (digest IN ('daily', 'at-once', 'none')),
             last_sent INTEGER NOT NULL DEFAULT 0,
             set_at INTEGER NOT NULL
         );",
    )?;
    Ok(())
}

/// Version 9: the address an invitation was mailed to. Whoever uses the link received
/// it there, so the new account starts with that address, confirmed.
fn invite_email(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch("ALTER TABLE links ADD COLUMN email TEXT;")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Accounts, DB_FILE, Role};

    /// A database as the first release left it: the version 1 tables with their rows,
    /// `user_version` 0.
    fn first_release_database(dir: &std::path::Path) -> Connection {
        let mut db = Connection::open(dir.join(DB_FILE)).expect("db");
        let tx = db.transaction().expect("tx");
        first_release(&tx).expect("tables");
        tx.commit().expect("commit");
        assert_eq!(version(&db).expect("version"), 0);
        db
    }

    #[test]
    fn a_first_release_database_keeps_its_accounts_and_submissions() {
        let dir = tempfile::tempdir().expect("dir");
        let db = first_release_database(dir.path());
        // An Argon2id hash, as the first release stored it.
        let hash = crate::hash_password("a long enough password").expect("hash");
        let day = 86_400;
        let now = crate::now();
        db.execute_batch(&format!(
            "INSERT INTO users (id, name, role, password_hash, created) VALUES
                 (1, 'fran', 'facilitator', '{hash}', {t0}),
                 (2, 'jane', 'contributor', '{hash}', {t0}),
                 (3, 'Old Name', 'member', '{hash}', {t0}),
                 (7, 'bo', 'contributor', '{hash}', {bo});
             INSERT INTO submissions (path, user_name, created, updated) VALUES
                 ('submissions/jane.md', 'jane', {t1}, {t2}),
                 ('submissions/local.md', 'local', {t1}, {t1}),
                 ('submissions/gone.md', 'gone', {t1}, {t1}),
                 ('submissions/old-bo.md', 'bo', {t1}, {t1}),
                 ('submissions/new-bo.md', 'bo', {recent}, {recent});
             INSERT INTO signals (writeup, member, kind, at) VALUES
                 ('cab', 'jane', 'helped', {t1}),
                 ('cab', 'gone', 'helped', {t1});
             INSERT INTO flags (writeup, member, reason, comment, at) VALUES
                 ('cab', 'jane', 'outdated', 'ITIL 4 now', {t1});
             INSERT INTO audit (at, actor, action, target) VALUES
                 ({t1}, 'fran', 'user add', 'jane');
             INSERT INTO links (hash, purpose, role, user_name, created_by, expires) VALUES
                 ('{reset_jane}', 'reset', 'contributor', 'jane', 'fran', {links}),
                 ('{reset_old_bo}', 'reset', 'contributor', 'bo', 'fran', {links}),
                 ('{invite}', 'invite', 'member', NULL, 'fran', {links}),
                 ('{invite_gone}', 'invite', 'member', NULL, 'gone', {links});",
            t0 = now - 30 * day,
            t1 = now - 29 * day,
            t2 = now - 28 * day,
            bo = now - day,
            recent = now - 60,
            // Made two days ago, a day before the current bo's account.
            links = now - 2 * day + LINK_VALID_SECONDS,
            reset_jane = crate::secret_hash("reset-jane"),
            reset_old_bo = crate::secret_hash("reset-old-bo"),
            invite = crate::secret_hash("invite"),
            invite_gone = crate::secret_hash("invite-gone"),
        ))
        .expect("rows");
        drop(db);

        let accounts = Accounts::open(dir.path()).expect("migrated");
        assert_eq!(
            version(&accounts.db()).expect("version"),
            SCHEMA_VERSION,
            "at the current version"
        );
        let users = accounts.users().expect("users");
        let names: Vec<(i64, &str, Role, bool)> = users
            .iter()
            .map(|u| (u.id, u.name.as_str(), u.role, u.locked))
            .collect();
        assert_eq!(
            names,
            [
                (3, "Old Name", Role::Member, false),
                (7, "bo", Role::Contributor, false),
                (1, "fran", Role::Facilitator, false),
                (2, "jane", Role::Contributor, false),
            ]
        );
        // Passwords still work, also for a name that does not fit today's rules.
        for name in ["jane", "Old Name"] {
            assert!(
                accounts
                    .verify_password(name, "a long enough password")
                    .expect("verify")
                    .is_some(),
                "{name}"
            );
        }
        // Submissions belong to the account that existed when they were made.
        let jane = accounts.submissions_of(2).expect("jane's");
        assert_eq!(jane.len(), 1);
        assert_eq!(jane[0].path, "submissions/jane.md");
        assert_eq!(
            (jane[0].created, jane[0].updated),
            (now - 29 * day, now - 28 * day)
        );
        let bo: Vec<String> = accounts
            .submissions_of(7)
            .expect("bo's")
            .into_iter()
            .map(|s| s.path)
            .collect();
        assert_eq!(bo, ["submissions/new-bo.md"], "not the previous bo's");
        assert_eq!(
            accounts.submissions_of(NO_ACCOUNT).expect("local")[0].path,
            "submissions/local.md"
        );
        let gone = accounts
            .submission("submissions/gone.md")
            .expect("lookup")
            .expect("kept");
        let old_bo = accounts
            .submission("submissions/old-bo.md")
            .expect("lookup")
            .expect("kept");
        assert!(gone.account_id > 7 && old_bo.account_id > 7);
        assert_ne!(gone.account_id, old_bo.account_id);
        // Signals and flags by id; counts unchanged.
        assert_eq!(accounts.signal_counts("cab").expect("counts").helped, 2);
        assert_eq!(
            accounts.member_signals("cab", 2).expect("jane's"),
            [crate::Signal::Helped]
        );
        assert_eq!(
            accounts.flags(None).expect("flags")[0].comment,
            "ITIL 4 now"
        );
        // The audit log keeps its entries; they predate ids.
        let log = accounts.audit_log(5).expect("log");
        assert_eq!((log[0].actor.as_str(), log[0].actor_id), ("fran", None));
        // Links: the live reset of the current jane and fran's invitation stay; a reset
        // made for the previous holder of a name, and an invitation from a removed
        // account, do not.
        assert!(matches!(
            accounts.link("reset-jane").expect("link"),
            Some(crate::Link::Reset { id: 2, .. })
        ));
        assert!(accounts.link("invite").expect("link").is_some());
        assert!(accounts.link("reset-old-bo").expect("link").is_none());
        assert!(accounts.link("invite-gone").expect("link").is_none());
        // New accounts get ids no record has.
        let new = accounts
            .add_user("new", Role::Member, "a long enough password")
            .expect("added");
        assert!(
            new.id > gone.account_id.max(old_bo.account_id),
            "{}",
            new.id
        );
        assert!(accounts.submissions_of(new.id).expect("none").is_empty());
        // Opening again changes nothing.
        drop(accounts);
        let again = Accounts::open(dir.path()).expect("reopened");
        assert_eq!(again.users().expect("users").len(), 5);
        assert_eq!(again.submissions_of(2).expect("jane's").len(), 1);
    }

    #[test]
    fn an_empty_folder_gets_the_current_version() {
        let dir = tempfile::tempdir().expect("dir");
        let accounts = Accounts::open(dir.path()).expect("open");
        assert_eq!(version(&accounts.db()).expect("version"), SCHEMA_VERSION);
        let on: i64 = accounts
            .db()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(on, 1, "foreign keys are on again after migrating");
    }

    #[test]
    fn a_database_from_a_newer_erfa_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        drop(Accounts::open(dir.path()).expect("open"));
        let db = Connection::open(dir.path().join(DB_FILE)).expect("db");
        db.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("pragma");
        drop(db);
        let error = Accounts::open(dir.path()).expect_err("refused");
        assert!(matches!(error, Error::NewerDatabase { .. }), "{error}");
        let message = error.to_string();
        assert!(message.contains("use the erfa that made it"), "{message}");
        assert!(message.contains("state.db.before-v"), "{message}");
        let untouched: i64 = Connection::open(dir.path().join(DB_FILE))
            .expect("db")
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(
            untouched,
            SCHEMA_VERSION + 1,
            "a newer database is left alone"
        );
    }

    #[test]
    fn an_older_database_is_copied_before_the_upgrade() {
        let dir = tempfile::tempdir().expect("dir");
        drop(Accounts::open(dir.path()).expect("open"));
        // The database as the previous release left it: one version back, with a row.
        let previous = SCHEMA_VERSION - 1;
        let db = Connection::open(dir.path().join(DB_FILE)).expect("db");
        db.execute_batch(&format!(
            "ALTER TABLE links DROP COLUMN email;
             PRAGMA user_version = {previous};
             INSERT INTO audit (at, actor, action, target) VALUES (1, 'local', 'kept', 'x');"
        ))
        .expect("previous version");
        drop(db);

        let accounts = Accounts::open(dir.path()).expect("upgraded");
        assert_eq!(version(&accounts.db()).expect("version"), SCHEMA_VERSION);
        drop(accounts);

        let copy = crate::snapshot::before_upgrade(dir.path(), SCHEMA_VERSION);
        assert!(copy.ends_with(format!("state.db.before-v{SCHEMA_VERSION}")));
        assert_eq!(crate::snapshot::check(&copy).expect("opens"), previous);
        let old = Connection::open(&copy).expect("copy");
        let kept: String = old
            .query_row("SELECT action FROM audit", [], |r| r.get(0))
            .expect("row");
        assert_eq!(kept, "kept");
        // The newest migration's column (schema 9) is not in the copy.
        let newest: i64 = old
            .query_row(
                "SELECT count(*) FROM pragma_table_info('links') WHERE name = 'email'",
                [],
                |r| r.get(0),
            )
            .expect("tables");
        assert_eq!(newest, 0, "the copy is the database before the upgrade");
        let leftovers = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .count();
        assert_eq!(leftovers, 0, "no temporary files are left");
    }

    #[test]
    fn a_new_database_leaves_no_copy() {
        let dir = tempfile::tempdir().expect("dir");
        drop(Accounts::open(dir.path()).expect("open"));
        let copy = crate::snapshot::before_upgrade(dir.path(), SCHEMA_VERSION);
        assert!(!copy.exists());
    }
}
