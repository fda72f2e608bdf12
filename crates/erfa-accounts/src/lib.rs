//! erfa's accounts: users with roles, password logins, sessions and personal tokens; and
//! in [`desk`], what the facilitator's desk keeps (signals, flags, review notes, search
//! insights).
//!
//! Everything lives in one SQLite database in the data folder (`state.db`), apart from
//! the index: rebuilding the index never touches it, and a backup must include it.
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults: 19 MiB, two passes);
//! session ids and tokens are random 256-bit values stored only as hashes, so a copy of
//! the database does not let anyone in.
//!
//! ```
//! use erfa_accounts::{Accounts, Role};
//!
//! let dir = tempfile::tempdir()?;
//! let accounts = Accounts::open(dir.path())?;
//! accounts.add_user("jane", Role::Member, "correct horse battery")?;
//! let user = accounts.verify_password("jane", "correct horse battery")?.expect("right password");
//! let session = accounts.create_session(&user)?;
//! assert_eq!(accounts.session_user(&session)?.map(|u| u.name), Some("jane".to_string()));
//! assert!(accounts.verify_password("jane", "wrong")?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

pub mod desk;

pub use desk::{
    Flag, FlagReason, FlagState, Insights, QueryCount, ReviewNote, SearchRecord, Signal,
    SignalCounts,
};

/// The database's file name in the data folder.
pub const DB_FILE: &str = "state.db";
/// Sessions end after this long without a request.
pub const SESSION_IDLE_SECONDS: i64 = 8 * 60 * 60;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// How long a one-time link (invitation or password reset) stays valid, in seconds.
pub const LINK_VALID_SECONDS: i64 = 7 * 24 * 60 * 60;
/// A session's last use is written at most this often, so that reading a page is not a
/// disk write.
const SESSION_TOUCH_SECONDS: i64 = 60;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed.
    #[error("account database: {0}")]
    Database(#[from] rusqlite::Error),
    /// Hashing failed.
    #[error("password hashing failed")]
    Hashing,
    /// A user with that name exists.
    #[error("a user named `{0}` already exists")]
    UserExists(String),
    /// No user with that name.
    #[error("no user named `{0}`")]
    NoSuchUser(String),
    /// The name is not allowed.
    #[error("user names are 1–64 letters, digits, `.`, `-`, `_` or `@`; `{0}` is not")]
    BadName(String),
    /// The password is too short.
    #[error("passwords need at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    /// A one-time link is unknown, used or expired.
    #[error(
        "this link is unknown, was used already or has expired; ask the facilitator for a new one"
    )]
    BadLink,
    /// The data folder cannot be used.
    #[error("data folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a user may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads published write-ups.
    Member,
    /// Also submits and edits their own drafts.
    Contributor,
    /// Everything: review, publishing, accounts, analytics.
    Facilitator,
}

impl Role {
    /// `member`, `contributor` or `facilitator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Contributor => "contributor",
            Role::Facilitator => "facilitator",
        }
    }

    /// Parses the names above.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "member" => Some(Role::Member),
            "contributor" => Some(Role::Contributor),
            "facilitator" => Some(Role::Facilitator),
            _ => None,
        }
    }
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// What a live one-time link does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Creates a new account with this role.
    Invite {
        /// The new account's role.
        role: Role,
    },
    /// Sets a new password for this user.
    Reset {
        /// The user.
        name: String,
    },
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Seconds since 1970.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What, e.g. `user.add`.
    pub action: String,
    /// To what.
    pub target: String,
}

/// A write-up someone shared through the web form: who, which file, when. Kept here, in
/// the data folder, so that `content/` names nobody who chose to share anonymously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    /// Who shared it (`local` in local mode).
    pub user: String,
    /// The file, relative to the content folder, e.g. `submissions/cab.md`.
    pub path: String,
    /// When it was shared, seconds since 1970.
    pub created: i64,
    /// When it was last edited through the form, seconds since 1970.
    pub updated: i64,
}

/// What a personal token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// `Authorization: Bearer` on the API and pages.
    Api,
    /// The personal Atom feed URL.
    Feed,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::Feed => "feed",
        }
    }
}

/// The account database.
pub struct Accounts {
    db: Mutex<Connection>,
    /// A hash verified when a login names an unknown user, so that unknown users and
    /// wrong passwords take the same time.
    dummy_hash: String,
    /// The key of search insights' session hashes: random per process, never stored.
    insight_key: [u8; 32],
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts").finish_non_exhaustive()
    }
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A new random secret: 256 bits as 64 hex digits.
fn secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How secrets are stored: they are random, so a fast hash is enough.
fn secret_hash(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| Error::Hashing)
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::BadName(name.to_string()))
    }
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(Error::WeakPassword)
    } else {
        Ok(())
    }
}

impl Accounts {
    /// Opens (or creates) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Accounts> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::Folder {
            path: data_dir.display().to_string(),
            source,
        })?;
        let db = Connection::open(data_dir.join(DB_FILE))?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             CREATE TABLE IF NOT EXISTS users (
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
             );",
        )?;
        desk::create_tables(&db)?;
        let mut insight_key = [0u8; 32];
        OsRng.fill_bytes(&mut insight_key);
        Ok(Accounts {
            db: Mutex::new(db),
            dummy_hash: hash_password("erfa-dummy-password")?,
            insight_key,
        })
    }

    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records who did what, for the facilitator.
    pub fn audit(&self, actor: &str, action: &str, target: &str) -> Result<()> {
        self.db().execute(
            "INSERT INTO audit (at, actor, action, target) VALUES (?1, ?2, ?3, ?4)",
            params![now(), actor, action, target],
        )?;
        Ok(())
    }

    /// Whether any account exists (without accounts, erfa runs in local mode).
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .db()
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// Adds a user.
    pub fn add_user(&self, name: &str, role: Role, password: &str) -> Result<User> {
        check_name(name)?;
        check_password(password)?;
        let hash = hash_password(password)?;
        let db = self.db();
        let inserted = db.execute(
            "INSERT INTO users (name, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), hash, now()],
        );
        match inserted {
            Ok(_) => Ok(User {
                id: db.last_insert_rowid(),
                name: name.to_string(),
                role,
            }),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(Error::UserExists(name.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn row_user(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
        let role: String = row.get(2)?;
        Ok(User {
            id: row.get(0)?,
            name: row.get(1)?,
            // A role this version does not know gets the least rights.
            role: Role::parse(&role).unwrap_or(Role::Member),
        })
    }

    /// All users, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        let db = self.db();
        let mut stmt = db.prepare("SELECT id, name, role FROM users ORDER BY name")?;
        let users = stmt
            .query_map([], Self::row_user)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(users)
    }

    /// The user called `name`.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        Ok(self
            .db()
            .query_row(
                "SELECT id, name, role FROM users WHERE name = ?1",
                params![name],
                Self::row_user,
            )
            .optional()?)
    }

    fn require(&self, name: &str) -> Result<User> {
        self.user(name)?
            .ok_or_else(|| Error::NoSuchUser(name.to_string()))
    }

    /// Removes a user with their sessions and tokens.
    pub fn remove_user(&self, name: &str) -> Result<()> {
        let user = self.require(name)?;
        self.db()
            .execute("DELETE FROM users WHERE id = ?1", params![user.id])?;
        Ok(())
    }

    /// Sets a new password and ends the user's sessions.
    pub fn set_password(&self, name: &str, password: &str) -> Result<()> {
        check_password(password)?;
        let user = self.require(name)?;
        let hash = hash_password(password)?;
        let db = self.db();
        db.execute(
            "UPDATE users SET password_hash = ?1 WHERE id = ?2",
            params![hash, user.id],
        )?;
        db.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
        Ok(())
    }

    /// Changes a user's role; it applies from the next request.
    pub fn set_role(&self, name: &str, role: Role) -> Result<()> {
        let user = self.require(name)?;
        self.db().execute(
            "UPDATE users SET role = ?1 WHERE id = ?2",
            params![role.as_str(), user.id],
        )?;
        Ok(())
    }

    /// The user, when `password` is theirs. Unknown users cost the same time as wrong
    /// passwords. Slow by design (Argon2id): call it off async workers.
    pub fn verify_password(&self, name: &str, password: &str) -> Result<Option<User>> {
        let found: Option<(User, String)> = self
            .db()
            .query_row(
                "SELECT id, name, role, password_hash FROM users WHERE name = ?1",
                params![name],
                |row| Ok((Self::row_user(row)?, row.get(3)?)),
            )
            .optional()?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, self.dummy_hash.clone()),
        };
        let parsed = PasswordHash::new(&hash).map_err(|_| Error::Hashing)?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(user.filter(|_| matches))
    }

    /// Starts a session; returns its secret id for the cookie. Sessions idle too long are
    /// cleared out on the way.
    pub fn create_session(&self, user: &User) -> Result<String> {
        let id = secret();
        let t = now();
        let db = self.db();
        db.execute(
            "DELETE FROM sessions WHERE last_seen < ?1",
            params![t - SESSION_IDLE_SECONDS],
        )?;
        db.execute(
            "INSERT INTO sessions (hash, user_id, created, last_seen) VALUES (?1, ?2, ?3, ?3)",
            params![secret_hash(&id), user.id, t],
        )?;
        Ok(id)
    }

    /// The user of a live session, extending it; `None` when unknown or idle too long.
    pub fn session_user(&self, id: &str) -> Result<Option<User>> {
        self.session_user_at(id, now())
    }

    fn session_user_at(&self, id: &str, t: i64) -> Result<Option<User>> {
        let hash = secret_hash(id);
        let db = self.db();
        let user = db
            .query_row(
                "SELECT u.id, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?1 AND s.last_seen >= ?2",
                params![hash, t - SESSION_IDLE_SECONDS],
                Self::row_user,
            )
            .optional()?;
        if user.is_some() {
            db.execute(
                "UPDATE sessions SET last_seen = ?1 WHERE hash = ?2 AND last_seen < ?3",
                params![t, hash, t - SESSION_TOUCH_SECONDS],
            )?;
        }
        Ok(user)
    }

    /// Ends one session (logout).
    pub fn end_session(&self, id: &str) -> Result<()> {
        self.db().execute(
            "DELETE FROM sessions WHERE hash = ?1",
            params![secret_hash(id)],
        )?;
        Ok(())
    }

    /// Creates a personal token; returns the secret, shown once.
    pub fn create_token(&self, name: &str, kind: TokenKind) -> Result<String> {
        let user = self.require(name)?;
        let token = secret();
        self.db().execute(
            "INSERT INTO tokens (hash, user_id, kind, created) VALUES (?1, ?2, ?3, ?4)",
            params![secret_hash(&token), user.id, kind.as_str(), now()],
        )?;
        Ok(token)
    }

    /// The owner of a token of `kind`.
    pub fn token_user(&self, token: &str, kind: TokenKind) -> Result<Option<User>> {
        Ok(self
            .db()
            .query_row(
                "SELECT u.id, u.name, u.role FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?1 AND t.kind = ?2",
                params![secret_hash(token), kind.as_str()],
                Self::row_user,
            )
            .optional()?)
    }

    /// A one-time link that lets its holder create an account with `role`; returns the
    /// secret for the link, valid for [`LINK_VALID_SECONDS`].
    pub fn create_invite(&self, role: Role, created_by: &str) -> Result<String> {
        self.create_link("invite", role, None, created_by)
    }

    /// A one-time link that lets its holder set a new password for `name`.
    pub fn create_reset(&self, name: &str, created_by: &str) -> Result<String> {
        let user = self.require(name)?;
        self.create_link("reset", user.role, Some(&user.name), created_by)
    }

    fn create_link(
        &self,
        purpose: &str,
        role: Role,
        user_name: Option<&str>,
        created_by: &str,
    ) -> Result<String> {
        let link = secret();
        let t = now();
        let db = self.db();
        db.execute("DELETE FROM links WHERE expires < ?1", params![t])?;
        db.execute(
            "INSERT INTO links (hash, purpose, role, user_name, created_by, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![secret_hash(&link), purpose, role.as_str(), user_name, created_by, t + LINK_VALID_SECONDS],
        )?;
        Ok(link)
    }

    /// What a live one-time link is for, without using it up.
    pub fn link(&self, link: &str) -> Result<Option<Link>> {
        Ok(self
            .db()
            .query_row(
                "SELECT purpose, role, user_name FROM links WHERE hash = ?1 AND expires >= ?2",
                params![secret_hash(link), now()],
                |row| {
                    let purpose: String = row.get(0)?;
                    let role: String = row.get(1)?;
                    let user_name: Option<String> = row.get(2)?;
                    Ok((purpose, role, user_name))
                },
            )
            .optional()?
            .and_then(|(purpose, role, user_name)| {
                let role = Role::parse(&role).unwrap_or(Role::Member);
                match (purpose.as_str(), user_name) {
                    ("invite", _) => Some(Link::Invite { role }),
                    ("reset", Some(name)) => Some(Link::Reset { name }),
                    _ => None,
                }
            }))
    }

    /// Uses a one-time link: an invitation creates the user `name` (the name is the
    /// invitee's choice), a reset sets the named user's password (`name` is ignored) and
    /// ends their sessions. The link is gone afterwards, whatever happens.
    pub fn use_link(&self, link: &str, name: &str, password: &str) -> Result<User> {
        check_password(password)?;
        let found = self.link(link)?.ok_or(Error::BadLink)?;
        let hash = hash_password(password)?;
        let mut db = self.db();
        let tx = db.transaction()?;
        let removed = tx.execute(
            "DELETE FROM links WHERE hash = ?1",
            params![secret_hash(link)],
        )?;
        if removed == 0 {
            // Used by someone else in the meantime.
            return Err(Error::BadLink);
        }
        let user = match found {
            Link::Invite { role } => {
                check_name(name)?;
                let inserted = tx.execute(
                    "INSERT INTO users (name, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
                    params![name, role.as_str(), hash, now()],
                );
                match inserted {
                    Ok(_) => User {
                        id: tx.last_insert_rowid(),
                        name: name.to_string(),
                        role,
                    },
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        return Err(Error::UserExists(name.to_string()));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Link::Reset { name } => {
                let user = tx
                    .query_row(
                        "SELECT id, name, role FROM users WHERE name = ?1",
                        params![name],
                        Self::row_user,
                    )
                    .optional()?
                    .ok_or(Error::BadLink)?;
                tx.execute(
                    "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                    params![hash, user.id],
                )?;
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
                user
            }
        };
        tx.commit()?;
        Ok(user)
    }

    /// The latest audit entries, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let db = self.db();
        let mut stmt =
            db.prepare("SELECT at, actor, action, target FROM audit ORDER BY id DESC LIMIT ?1")?;
        let entries = stmt
            .query_map(params![limit as i64], |row| {
                Ok(AuditEntry {
                    at: row.get(0)?,
                    actor: row.get(1)?,
                    action: row.get(2)?,
                    target: row.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(entries)
    }

    /// Records that `user` shared the write-up at `path` (relative to the content folder),
    /// with its audit entry, in one transaction.
    pub fn record_submission(&self, user: &str, path: &str) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let at = now();
        tx.execute(
            "INSERT INTO submissions (path, user_name, created, updated) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(path) DO UPDATE SET user_name = ?2, created = ?3, updated = ?3",
            params![path, user, at],
        )?;
        tx.execute(
            "INSERT INTO audit (at, actor, action, target) VALUES (?1, ?2, 'submission.create', ?3)",
            params![at, user, path],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records an edit of a shared write-up by `user`, with its audit entry.
    pub fn record_submission_edit(&self, user: &str, path: &str) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let at = now();
        tx.execute(
            "UPDATE submissions SET updated = ?1 WHERE path = ?2",
            params![at, path],
        )?;
        tx.execute(
            "INSERT INTO audit (at, actor, action, target) VALUES (?1, ?2, 'submission.edit', ?3)",
            params![at, user, path],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The write-ups `user` shared, newest first.
    pub fn submissions_of(&self, user: &str) -> Result<Vec<Submission>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT user_name, path, created, updated FROM submissions
             WHERE user_name = ?1 ORDER BY created DESC, path",
        )?;
        let rows = stmt
            .query_map(params![user], Self::row_submission)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Who shared the write-up at `path`, if it came through the form.
    pub fn submission(&self, path: &str) -> Result<Option<Submission>> {
        Ok(self
            .db()
            .query_row(
                "SELECT user_name, path, created, updated FROM submissions WHERE path = ?1",
                params![path],
                Self::row_submission,
            )
            .optional()?)
    }

    fn row_submission(row: &rusqlite::Row<'_>) -> rusqlite::Result<Submission> {
        Ok(Submission {
            user: row.get(0)?,
            path: row.get(1)?,
            created: row.get(2)?,
            updated: row.get(3)?,
        })
    }

    /// Revokes all of a user's tokens and ends their sessions (offboarding).
    pub fn revoke(&self, name: &str) -> Result<()> {
        let user = self.require(name)?;
        let db = self.db();
        db.execute("DELETE FROM tokens WHERE user_id = ?1", params![user.id])?;
        db.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh database in a temp folder (shared with the `desk` tests).
    pub(crate) fn accounts() -> (tempfile::TempDir, Accounts) {
        let dir = tempfile::tempdir().expect("tempdir");
        let accounts = Accounts::open(dir.path()).expect("open");
        (dir, accounts)
    }

    #[test]
    fn stored_hashes_are_argon2id_with_owasp_parameters() {
        let (dir, accounts) = accounts();
        accounts
            .add_user("jane", Role::Member, "a long enough password")
            .expect("add");
        let db = Connection::open(dir.path().join(DB_FILE)).expect("db");
        let hash: String = db
            .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
            .expect("row");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(hash.contains("m=19456,t=2,p=1"), "{hash}");
        assert!(!hash.contains("a long enough password"));
    }

    #[test]
    fn login_sessions_and_logout() {
        let (_dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Contributor, "a long enough password")
            .expect("add");
        assert!(
            accounts
                .verify_password("jane", "wrong password!")
                .expect("verify")
                .is_none()
        );
        assert!(
            accounts
                .verify_password("nobody", "a long enough password")
                .expect("verify")
                .is_none()
        );
        let s1 = accounts.create_session(&jane).expect("session");
        let s2 = accounts.create_session(&jane).expect("session");
        assert_ne!(s1, s2, "a new id at every login");
        assert_eq!(
            accounts.session_user(&s1).expect("lookup"),
            Some(jane.clone())
        );
        accounts.end_session(&s1).expect("logout");
        assert_eq!(accounts.session_user(&s1).expect("lookup"), None);
        accounts.set_role("jane", Role::Facilitator).expect("role");
        assert_eq!(
            accounts.session_user(&s2).expect("lookup").map(|u| u.role),
            Some(Role::Facilitator)
        );
        accounts
            .set_password("jane", "another long password")
            .expect("passwd");
        assert_eq!(
            accounts.session_user(&s2).expect("lookup"),
            None,
            "a new password ends sessions"
        );
    }

    #[test]
    fn sessions_expire_after_eight_idle_hours_and_use_extends_them() {
        let (_dir, accounts) = accounts();
        let user = accounts
            .add_user("jane", Role::Member, "a long password")
            .expect("add");
        let session = accounts.create_session(&user).expect("session");
        let start = now();
        let hours = |h: i64| start + h * 60 * 60;
        assert!(
            accounts
                .session_user_at(&session, hours(7))
                .expect("lookup")
                .is_some()
        );
        // Used at 7 h: idle again from there.
        assert!(
            accounts
                .session_user_at(&session, hours(14))
                .expect("lookup")
                .is_some()
        );
        assert!(
            accounts
                .session_user_at(&session, hours(23))
                .expect("lookup")
                .is_none()
        );
    }

    #[test]
    fn invitations_and_resets_work_once() {
        let (_dir, accounts) = accounts();
        accounts
            .add_user("fac", Role::Facilitator, "facilitator password")
            .expect("add");
        let invite = accounts
            .create_invite(Role::Contributor, "fac")
            .expect("invite");
        assert_eq!(
            accounts.link(&invite).expect("link"),
            Some(Link::Invite {
                role: Role::Contributor
            })
        );
        assert!(matches!(
            accounts.use_link(&invite, "new", "short"),
            Err(Error::WeakPassword)
        ));
        let user = accounts
            .use_link(&invite, "new", "a long new password")
            .expect("accepted");
        assert_eq!(user.role, Role::Contributor);
        assert!(matches!(
            accounts.use_link(&invite, "other", "a long new password"),
            Err(Error::BadLink)
        ));
        assert!(accounts.link(&invite).expect("link").is_none());

        let session = accounts.create_session(&user).expect("session");
        let reset = accounts.create_reset("new", "fac").expect("reset");
        let again = accounts
            .use_link(&reset, "ignored", "another long password")
            .expect("reset used");
        assert_eq!(again.name, "new");
        assert!(accounts.session_user(&session).expect("lookup").is_none());
        assert!(
            accounts
                .verify_password("new", "another long password")
                .expect("verify")
                .is_some()
        );
        assert!(accounts.link("not a link").expect("link").is_none());
    }

    #[test]
    fn tokens_are_per_kind_and_revocable() {
        let (_dir, accounts) = accounts();
        accounts
            .add_user("jane", Role::Member, "a long enough password")
            .expect("add");
        let api = accounts
            .create_token("jane", TokenKind::Api)
            .expect("token");
        let feed = accounts
            .create_token("jane", TokenKind::Feed)
            .expect("token");
        assert_eq!(
            accounts
                .token_user(&api, TokenKind::Api)
                .expect("lookup")
                .map(|u| u.name),
            Some("jane".into())
        );
        assert_eq!(
            accounts.token_user(&api, TokenKind::Feed).expect("lookup"),
            None
        );
        accounts.revoke("jane").expect("revoke");
        assert_eq!(
            accounts.token_user(&feed, TokenKind::Feed).expect("lookup"),
            None
        );
    }

    #[test]
    fn submissions_remember_who_shared_what() {
        let (dir, accounts) = accounts();
        accounts
            .record_submission("jane", "submissions/a.md")
            .expect("record");
        accounts
            .record_submission("bob", "submissions/b.md")
            .expect("record");
        accounts
            .record_submission_edit("jane", "submissions/a.md")
            .expect("edit");
        let mine = accounts.submissions_of("jane").expect("list");
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].path, "submissions/a.md");
        assert!(accounts.submissions_of("nobody").expect("list").is_empty());
        assert_eq!(
            accounts
                .submission("submissions/b.md")
                .expect("lookup")
                .map(|s| s.user),
            Some("bob".to_string())
        );
        assert_eq!(
            accounts.submission("submissions/c.md").expect("lookup"),
            None
        );
        let actions: Vec<(String, String)> = accounts
            .audit_log(10)
            .expect("log")
            .into_iter()
            .map(|e| (e.actor, e.action))
            .collect();
        assert_eq!(
            actions,
            [
                ("jane".to_string(), "submission.edit".to_string()),
                ("bob".to_string(), "submission.create".to_string()),
                ("jane".to_string(), "submission.create".to_string()),
            ]
        );
        // The record survives reopening: it is state, not cache.
        drop(accounts);
        let again = Accounts::open(dir.path()).expect("reopen");
        assert_eq!(again.submissions_of("jane").expect("list").len(), 1);
    }

    #[test]
    fn names_passwords_and_duplicates_are_checked() {
        let (_dir, accounts) = accounts();
        assert!(matches!(
            accounts.add_user("a b", Role::Member, "a long enough password"),
            Err(Error::BadName(_))
        ));
        assert!(matches!(
            accounts.add_user("ab", Role::Member, "short"),
            Err(Error::WeakPassword)
        ));
        accounts
            .add_user("ab", Role::Member, "a long enough password")
            .expect("add");
        assert!(matches!(
            accounts.add_user("ab", Role::Member, "a long enough password"),
            Err(Error::UserExists(_))
        ));
        assert!(!accounts.is_empty().expect("count"));
        accounts.remove_user("ab").expect("remove");
        assert!(accounts.is_empty().expect("count"));
        assert!(matches!(
            accounts.remove_user("ab"),
            Err(Error::NoSuchUser(_))
        ));
    }
}
