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
//! A person is their account id, never their name: sessions, tokens, one-time links, who
//! shared which submission, signals, flags and audit entries all hold the id, and ids are
//! never given twice. Removing an account ends its sessions, tokens and links at once, and
//! a later account of the same name starts with nothing. Login names are normalised (see
//! [`normalise_name`]); the database's layout is versioned and upgraded in place when
//! opened (see `schema`).
//!
//! ```
//! use erfa_accounts::{Accounts, Role};
//!
//! let dir = tempfile::tempdir()?;
//! let accounts = Accounts::open(dir.path())?;
//! accounts.add_user("Jane", Role::Member, "correct horse battery")?;
//! let user = accounts.verify_password("jane", "correct horse battery")?.expect("right password");
//! assert_eq!(user.name, "jane");
//! let session = accounts.create_session(&user)?;
//! assert_eq!(accounts.session_user(&session)?.map(|u| u.id), Some(user.id));
//! assert!(accounts.verify_password("jane", "wrong")?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Unsafe code is for the binary alone (its call into the allocator).
#![forbid(unsafe_code)]

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

pub mod desk;
mod names;
mod news;
mod people;
mod questions;
mod retention;
mod rights;
mod schema;
pub mod snapshot;
mod topics;

pub use desk::{
    Flag, FlagReason, FlagState, Insights, MergeRecord, NotHelped, QueryCount, ReviewNote,
    SearchRecord, Signal, SignalCounts,
};
pub use names::{MAX_NAME_CHARS, NAME_RULE, check_name, name_fits, normalise_name};
pub use news::{
    Digest, Email, FollowKind, MAX_EMAIL, QuestionNews, QuestionNewsKind, ReviewNews,
    ReviewNewsKind, TopicNews, email_fits,
};
pub use people::{LinkPurpose, PendingLink};
pub use questions::{
    Answer, MAX_ANSWERS_PER_QUESTION, MAX_QUESTION_TEXT, MAX_QUESTION_TITLE, NewAnswer,
    NewQuestion, Question, QuestionState,
};
pub use retention::Forgotten;
pub use rights::{AccountData, Dated, PersonalData, Row};
pub use schema::SCHEMA_VERSION;
pub use topics::{MAX_TOPIC_TEXT, MAX_TOPIC_TITLE, NewTopic, Topic, TopicComment, TopicState};

/// The database's file name in the data folder.
pub const DB_FILE: &str = "state.db";
/// Sessions end after this long without a request.
pub const SESSION_IDLE_SECONDS: i64 = 8 * 60 * 60;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// How long a one-time link (invitation or password reset) stays valid, in seconds.
pub const LINK_VALID_SECONDS: i64 = 7 * 24 * 60 * 60;
/// How long after one reset link asked for from the login page another is refused: a
/// stranger who knows a name cannot fill its holder's inbox.
pub const RESET_BY_MAIL_SECONDS: i64 = 15 * 60;
/// The id recorded for someone who acts without an account: the person at this machine in
/// local mode (their submissions, signals and flags), or the command line. No account has
/// it: account ids start at 1.
pub const NO_ACCOUNT: i64 = 0;
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
    #[error("{NAME_RULE}; `{0}` is not one")]
    BadName(String),
    /// The password is too short.
    #[error("passwords need at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    /// A one-time link is unknown, used or expired.
    #[error(
        "this link is unknown, was used already or has expired; ask the facilitator for a new one"
    )]
    BadLink,
    /// The account is locked (`erfa user revoke`).
    #[error("the account `{0}` is locked; `erfa user unlock {0}` opens it again")]
    Locked(String),
    /// The database was made by a newer erfa.
    #[error(
        "the account database is at schema version {found}, newer than this erfa knows ({known}); use the erfa that made it, or put back the copy that erfa kept before its upgrade (state.db.before-v{found}) in place of state.db"
    )]
    NewerDatabase {
        /// The database's version.
        found: i64,
        /// The newest version this erfa knows.
        known: i64,
    },
    /// Upgrading the database failed; it is left as it was.
    #[error("upgrading the account database to version {version} ({what}): {cause}")]
    Migration {
        /// The version it was upgraded to.
        version: i64,
        /// What that version changes.
        what: &'static str,
        /// What failed.
        cause: String,
    },
    /// Input that cannot be stored, with what is wrong.
    #[error("{0}")]
    Invalid(String),
    /// The current password given to change it is not the account's.
    #[error("the current password is not right")]
    WrongPassword,
    /// The data folder cannot be used.
    #[error("data folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A file beside the database (a copy of it) cannot be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A database failed SQLite's `PRAGMA integrity_check`.
    #[error("the database is damaged (integrity check: {0}); use an earlier backup")]
    Corrupt(String),
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
    /// The account id: who this is. Never changes, and never passes to another account.
    pub id: i64,
    /// Login name (it may change: `erfa user rename`).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Locked accounts (`erfa user revoke`) cannot log in and have no sessions, tokens or
    /// one-time links.
    pub locked: bool,
}

/// Who does something, as the records keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The account id, or [`NO_ACCOUNT`].
    pub id: i64,
    /// The login name at the time, or what stands for someone without an account (`cli`,
    /// `local`); for people reading the audit log.
    pub name: String,
}

impl Actor {
    /// An account.
    pub fn account(user: &User) -> Actor {
        Actor {
            id: user.id,
            name: user.name.clone(),
        }
    }

    /// Someone without an account: `label` says who (`cli`, `local`).
    pub fn without_account(label: &str) -> Actor {
        Actor {
            id: NO_ACCOUNT,
            name: label.to_string(),
        }
    }

    /// The account id, when there is an account.
    pub fn account_id(&self) -> Option<i64> {
        (self.id != NO_ACCOUNT).then_some(self.id)
    }
}

impl From<&User> for Actor {
    fn from(user: &User) -> Actor {
        Actor::account(user)
    }
}

/// What a live one-time link does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Creates a new account with this role.
    Invite {
        /// The new account's role.
        role: Role,
    },
    /// Sets a new password for one account.
    Reset {
        /// The account's id.
        id: i64,
        /// The account's login name now.
        name: String,
    },
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Seconds since 1970.
    pub at: i64,
    /// Who, by name at the time.
    pub actor: String,
    /// Who, by account id (none for the command line, local mode and entries older than
    /// ids).
    pub actor_id: Option<i64>,
    /// What, e.g. `user.add`.
    pub action: String,
    /// To what.
    pub target: String,
    /// The account acted on, when the target is one.
    pub target_id: Option<i64>,
}

/// A write-up someone shared through the web form: who, which file, when. Kept here, in
/// the data folder, so that `content/` names nobody who chose to share anonymously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    /// Who shared it: the account id ([`NO_ACCOUNT`] in local mode). Only that account
    /// sees it in "My write-ups"; a later account of the same name does not.
    pub account_id: i64,
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
    /// Reads `/metrics` and nothing else (a monitoring system's scraper); only a
    /// facilitator's works, and it ends with their role.
    Metrics,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::Feed => "feed",
            TokenKind::Metrics => "metrics",
        }
    }
}

/// A hash verified when a login names an unknown user, so that unknown users and wrong
/// passwords take the same time. It is Argon2's default parameters, as every stored hash
/// (a test holds them equal); it is written out rather than computed at start, which
/// would cost each start 19 MiB of memory and a hash's time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$DDCXEtjdW7xw3eT5Rr9C3g$4mcuQyiJmzh5gOr6yGUkKGd5Z+NEGW7Y2S5P0A+h7sU";

/// The account database.
pub struct Accounts {
    db: Mutex<Connection>,
    /// How many password hashes were verified, for tests and metrics.
    password_checks: std::sync::atomic::AtomicU64,
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
pub(crate) fn secret_hash(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| Error::Hashing)
}

pub(crate) fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(Error::WeakPassword)
    } else {
        Ok(())
    }
}

const USER_COLUMNS: &str = "id, name, role, locked";

fn row_user(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(2)?;
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        // A role this version does not know gets the least rights.
        role: Role::parse(&role).unwrap_or(Role::Member),
        locked: row.get(3)?,
    })
}

fn user_where(
    db: &Connection,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<User>> {
    Ok(db
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE {condition}"),
            [value],
            row_user,
        )
        .optional()?)
}

/// The account a typed name means: the name exactly as stored; else its normalised form;
/// else the one account (made before names were normalised) whose name normalises to the
/// same.
fn find(db: &Connection, typed: &str) -> Result<Option<User>> {
    if let Some(user) = user_where(db, "name = ?1", &typed)? {
        return Ok(Some(user));
    }
    let normal = normalise_name(typed);
    if normal.is_empty() {
        return Ok(None);
    }
    if let Some(user) = user_where(db, "name = ?1", &normal)? {
        return Ok(Some(user));
    }
    let mut alike = all_users(db)?
        .into_iter()
        .filter(|u| normalise_name(&u.name) == normal);
    Ok(match (alike.next(), alike.next()) {
        (Some(user), None) => Some(user),
        _ => None,
    })
}

fn all_users(db: &Connection) -> Result<Vec<User>> {
    let mut stmt = db.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
    let users = stmt
        .query_map([], row_user)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(users)
}

/// Whether an account other than `except` has a name that normalises to `normal`.
fn name_taken(db: &Connection, normal: &str, except: Option<i64>) -> Result<bool> {
    Ok(all_users(db)?
        .iter()
        .any(|u| Some(u.id) != except && normalise_name(&u.name) == normal))
}

/// Adds an account in `db` (a transaction); `name` is normalised and checked already.
fn insert_user(db: &Connection, name: &str, role: Role, hash: &str) -> Result<User> {
    if name_taken(db, name, None)? {
        return Err(Error::UserExists(name.to_string()));
    }
    let inserted = db.execute(
        "INSERT INTO users (name, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
        params![name, role.as_str(), hash, now()],
    );
    match inserted {
        Ok(_) => Ok(User {
            id: db.last_insert_rowid(),
            name: name.to_string(),
            role,
            locked: false,
        }),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(Error::UserExists(name.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends an account's sessions and reset links (after a new password, which has one
/// session fewer to end: the caller starts it afterwards).
fn end_sessions_and_resets(db: &Connection, id: i64) -> Result<()> {
    db.execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
    db.execute(
        "DELETE FROM links WHERE purpose = 'reset' AND user_id = ?1",
        params![id],
    )?;
    Ok(())
}

impl Accounts {
    /// Opens (or creates) the database in `data_dir`, upgrading an older one in place.
    pub fn open(data_dir: &Path) -> Result<Accounts> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::Folder {
            path: data_dir.display().to_string(),
            source,
        })?;
        let mut db = Connection::open(data_dir.join(DB_FILE))?;
        db.busy_timeout(std::time::Duration::from_secs(10))?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )?;
        schema::migrate(&mut db, data_dir)?;
        let mut insight_key = [0u8; 32];
        OsRng.fill_bytes(&mut insight_key);
        Ok(Accounts {
            db: Mutex::new(db),
            password_checks: std::sync::atomic::AtomicU64::new(0),
            insight_key,
        })
    }

    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records who did what, for the facilitator.
    pub fn audit(&self, actor: &Actor, action: &str, target: &str) -> Result<()> {
        self.audit_with(actor, action, target, None)
    }

    /// Records who did what to an account.
    pub fn audit_user(&self, actor: &Actor, action: &str, target: &User) -> Result<()> {
        self.audit_with(actor, action, &target.name, Some(target.id))
    }

    fn audit_with(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        target_id: Option<i64>,
    ) -> Result<()> {
        self.db().execute(
            "INSERT INTO audit (at, actor, actor_id, action, target, target_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                now(),
                actor.name,
                actor.account_id(),
                action,
                target,
                target_id
            ],
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

    /// Adds a user. The name is normalised ([`normalise_name`]) and must fit
    /// [`NAME_RULE`]; no other account's name may normalise to the same.
    pub fn add_user(&self, name: &str, role: Role, password: &str) -> Result<User> {
        let name = check_name(name)?;
        check_password(password)?;
        let hash = hash_password(password)?;
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let user = insert_user(&tx, &name, role, &hash)?;
        tx.commit()?;
        Ok(user)
    }

    /// All users, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        all_users(&self.db())
    }

    /// The user a typed name means, as at login: the name as stored, or its normalised
    /// form (see [`normalise_name`]). Locked accounts are found too.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        find(&self.db(), name)
    }

    /// The user with account id `id`.
    pub fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        user_where(&self.db(), "id = ?1", &id)
    }

    /// [`Accounts::user`], or [`Error::NoSuchUser`].
    pub fn require(&self, name: &str) -> Result<User> {
        self.user(name)?
            .ok_or_else(|| Error::NoSuchUser(name.to_string()))
    }

    /// Runs `sql` with `value` as `?1` and the account id as `?2`; [`Error::NoSuchUser`]
    /// when the account is gone.
    fn change(&self, user: &User, sql: &str, value: &dyn rusqlite::ToSql) -> Result<()> {
        let changed = self.db().execute(sql, params![value, user.id])?;
        if changed == 0 {
            return Err(Error::NoSuchUser(user.name.clone()));
        }
        Ok(())
    }

    /// Removes an account (offboarding): its sessions, API tokens, feed addresses and
    /// one-time links (for it, and those it made) end with it. What it shared stays, under
    /// its id, which no later account gets.
    pub fn remove_user(&self, user: &User) -> Result<()> {
        let removed = self
            .db()
            .execute("DELETE FROM users WHERE id = ?1", params![user.id])?;
        if removed == 0 {
            return Err(Error::NoSuchUser(user.name.clone()));
        }
        Ok(())
    }

    /// Locks an account: it cannot log in (password or single sign-on), and its sessions,
    /// API tokens, feed addresses and one-time links (for it, and those it made) end at
    /// once. The account, its name and what it shared stay; [`Accounts::unlock`] opens it
    /// again (with no tokens).
    pub fn lock(&self, user: &User) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET locked = 1 WHERE id = ?1",
            params![user.id],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchUser(user.name.clone()));
        }
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
        tx.execute("DELETE FROM tokens WHERE user_id = ?1", params![user.id])?;
        tx.execute(
            "DELETE FROM links WHERE user_id = ?1 OR created_by = ?1",
            params![user.id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Opens a locked account again; it logs in with its password as before.
    pub fn unlock(&self, user: &User) -> Result<()> {
        self.change(user, "UPDATE users SET locked = ?1 WHERE id = ?2", &false)
    }

    /// Sets a new password; the account's sessions and outstanding reset links end.
    pub fn set_password(&self, user: &User, password: &str) -> Result<()> {
        check_password(password)?;
        let hash = hash_password(password)?;
        let mut db = self.db();
        let tx = db.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET password_hash = ?1 WHERE id = ?2",
            params![hash, user.id],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchUser(user.name.clone()));
        }
        end_sessions_and_resets(&tx, user.id)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes a user's role; it applies from the next request.
    ///
    /// A role below facilitator also ends the invitation and reset links the account
    /// made: they carry the facilitator's power (a reset link for another facilitator, an
    /// invitation as facilitator) that the account no longer has (docs/SECURITY.md).
    pub fn set_role(&self, user: &User, role: Role) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET role = ?1 WHERE id = ?2",
            params![role.as_str(), user.id],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchUser(user.name.clone()));
        }
        if role != Role::Facilitator {
            tx.execute("DELETE FROM links WHERE created_by = ?1", params![user.id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Gives an account a new login name (normalised and checked as for a new account);
    /// everything else about it stays, since records hold its id.
    pub fn rename(&self, user: &User, new_name: &str) -> Result<User> {
        let name = check_name(new_name)?;
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if name_taken(&tx, &name, Some(user.id))? {
            return Err(Error::UserExists(name));
        }
        let changed = tx
            .execute(
                "UPDATE users SET name = ?1 WHERE id = ?2",
                params![name, user.id],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::UserExists(name.clone())
                }
                other => other.into(),
            })?;
        if changed == 0 {
            return Err(Error::NoSuchUser(user.name.clone()));
        }
        let renamed = user_where(&tx, "id = ?1", &user.id)?
            .ok_or_else(|| Error::NoSuchUser(user.name.clone()))?;
        tx.commit()?;
        Ok(renamed)
    }

    /// The user, when `password` is theirs and the account is not locked. The name is
    /// found as [`Accounts::user`] finds it. Unknown users and locked accounts cost the
    /// same time as wrong passwords. Slow by design (Argon2id): call it off async workers.
    pub fn verify_password(&self, name: &str, password: &str) -> Result<Option<User>> {
        let (user, stored) = {
            let db = self.db();
            match find(&db, name)? {
                Some(user) => {
                    let hash: String = db.query_row(
                        "SELECT password_hash FROM users WHERE id = ?1",
                        params![user.id],
                        |r| r.get(0),
                    )?;
                    (Some(user), hash)
                }
                None => (None, DUMMY_HASH.to_string()),
            }
        };
        let parsed = PasswordHash::new(&stored).map_err(|_| Error::Hashing)?;
        self.password_checks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(user.filter(|u| matches && !u.locked))
    }

    /// How many password hashes [`Accounts::verify_password`] has verified since this
    /// handle was opened: one per login attempt, whether the name exists or not.
    pub fn password_checks(&self) -> u64 {
        self.password_checks
            .load(std::sync::atomic::Ordering::Relaxed)
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
        let inserted = db.execute(
            "INSERT INTO sessions (hash, user_id, created, last_seen)
             SELECT ?1, id, ?3, ?3 FROM users WHERE id = ?2 AND locked = 0",
            params![secret_hash(&id), user.id, t],
        )?;
        if inserted == 0 {
            return Err(Error::Locked(user.name.clone()));
        }
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
                "SELECT u.id, u.name, u.role, u.locked FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.hash = ?1 AND s.last_seen >= ?2 AND u.locked = 0",
                params![hash, t - SESSION_IDLE_SECONDS],
                row_user,
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

    /// Creates a personal token for the account; returns the secret, shown once.
    pub fn create_token(&self, user: &User, kind: TokenKind) -> Result<String> {
        let token = secret();
        let db = self.db();
        let inserted = db.execute(
            "INSERT INTO tokens (hash, user_id, kind, created)
             SELECT ?1, id, ?3, ?4 FROM users WHERE id = ?2 AND locked = 0",
            params![secret_hash(&token), user.id, kind.as_str(), now()],
        )?;
        if inserted == 0 {
            return Err(match user_where(&db, "id = ?1", &user.id)? {
                Some(_) => Error::Locked(user.name.clone()),
                None => Error::NoSuchUser(user.name.clone()),
            });
        }
        Ok(token)
    }

    /// The owner of a token of `kind`.
    pub fn token_user(&self, token: &str, kind: TokenKind) -> Result<Option<User>> {
        Ok(self
            .db()
            .query_row(
                "SELECT u.id, u.name, u.role, u.locked FROM tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.hash = ?1 AND t.kind = ?2 AND u.locked = 0",
                params![secret_hash(token), kind.as_str()],
                row_user,
            )
            .optional()?)
    }

    /// A one-time link that lets its holder create an account with `role`; returns the
    /// secret for the link, valid for [`LINK_VALID_SECONDS`]. It ends when the account
    /// that made it is removed or locked.
    pub fn create_invite(&self, role: Role, by: &Actor) -> Result<String> {
        self.create_link("invite", role, None, by, None)
    }

    /// An invitation as [`Accounts::create_invite`] makes, mailed to `email`: the account
    /// made with it starts with that address, confirmed (whoever uses the link got it
    /// there).
    pub fn create_invite_to(&self, role: Role, by: &Actor, email: &str) -> Result<String> {
        let email = email.trim();
        if !email_fits(email) {
            return Err(Error::Invalid("this is not an e-mail address".into()));
        }
        self.create_link("invite", role, None, by, Some(email))
    }

    /// A one-time link that lets its holder set a new password for the account `user`
    /// (by id: if the account is removed, the link ends with it).
    pub fn create_reset(&self, user: &User, by: &Actor) -> Result<String> {
        let current = self
            .user_by_id(user.id)?
            .ok_or_else(|| Error::NoSuchUser(user.name.clone()))?;
        if current.locked {
            return Err(Error::Locked(current.name));
        }
        self.create_link("reset", current.role, Some(current.id), by, None)
    }

    /// A reset link for the account called `name`, asked for by someone who says they
    /// hold it (the login page): only for an account that is not locked and has a
    /// confirmed address, and at most one every [`RESET_BY_MAIL_SECONDS`]. Returns the
    /// link and the address to mail it to; `None` in every other case, which the caller
    /// must not tell apart from success (that would say which names exist).
    pub fn reset_by_mail(&self, name: &str) -> Result<Option<(String, String)>> {
        let Some(user) = self.user(name)? else {
            return Ok(None);
        };
        if user.locked {
            return Ok(None);
        }
        let Some(email) = self.email(user.id)?.filter(|e| e.verified) else {
            return Ok(None);
        };
        let recent: i64 = self.db().query_row(
            "SELECT count(*) FROM links WHERE purpose = 'reset' AND user_id = ?1
                 AND created_by IS NULL AND expires > ?2",
            params![user.id, now() + LINK_VALID_SECONDS - RESET_BY_MAIL_SECONDS],
            |r| r.get(0),
        )?;
        if recent > 0 {
            return Ok(None);
        }
        let by = Actor::without_account("mail");
        let link = self.create_link("reset", user.role, Some(user.id), &by, None)?;
        self.audit_user(&by, "reset.mail", &user)?;
        Ok(Some((link, email.address)))
    }

    fn create_link(
        &self,
        purpose: &str,
        role: Role,
        user_id: Option<i64>,
        by: &Actor,
        email: Option<&str>,
    ) -> Result<String> {
        let link = secret();
        let t = now();
        let db = self.db();
        db.execute("DELETE FROM links WHERE expires < ?1", params![t])?;
        db.execute(
            "INSERT INTO links (hash, purpose, role, user_id, created_by, expires, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![secret_hash(&link), purpose, role.as_str(), user_id, by.account_id(), t + LINK_VALID_SECONDS, email],
        )?;
        Ok(link)
    }

    /// What a live one-time link is for, without using it up.
    pub fn link(&self, link: &str) -> Result<Option<Link>> {
        link_in(&self.db(), link)
    }

    /// Uses a one-time link: an invitation creates the user `name` (the invitee's choice,
    /// normalised and checked as [`Accounts::add_user`] does), a reset sets the password
    /// of the account the link was made for (`name` is ignored) and ends that account's
    /// sessions and every other reset link for it. A used link is gone; a refused name or
    /// password leaves it for another try.
    pub fn use_link(&self, link: &str, name: &str, password: &str) -> Result<User> {
        check_password(password)?;
        let found = self.link(link)?.ok_or(Error::BadLink)?;
        let name = match found {
            Link::Invite { .. } => check_name(name)?,
            Link::Reset { .. } => String::new(),
        };
        let hash = hash_password(password)?;
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read again inside the transaction: the account may have changed meanwhile.
        let found = link_in(&tx, link)?.ok_or(Error::BadLink)?;
        let mailed_to: Option<String> = tx
            .query_row(
                "SELECT email FROM links WHERE hash = ?1",
                params![secret_hash(link)],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        tx.execute(
            "DELETE FROM links WHERE hash = ?1",
            params![secret_hash(link)],
        )?;
        let user = match found {
            Link::Invite { role } => {
                let user = insert_user(&tx, &name, role, &hash)?;
                if let Some(address) = mailed_to {
                    tx.execute(
                        "INSERT INTO emails (account_id, address, verified, set_at) VALUES (?1, ?2, 1, ?3)",
                        params![user.id, address, now()],
                    )?;
                }
                user
            }
            Link::Reset { id, .. } => {
                let changed = tx.execute(
                    "UPDATE users SET password_hash = ?1 WHERE id = ?2 AND locked = 0",
                    params![hash, id],
                )?;
                if changed == 0 {
                    return Err(Error::BadLink);
                }
                end_sessions_and_resets(&tx, id)?;
                user_where(&tx, "id = ?1", &id)?.ok_or(Error::BadLink)?
            }
        };
        tx.commit()?;
        Ok(user)
    }

    /// The latest audit entries, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        self.audit_entries(false, limit)
    }

    /// The latest audit entries that change something, newest first: logins and logouts
    /// are left out.
    pub fn activity(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        self.audit_entries(true, limit)
    }

    fn audit_entries(&self, changes_only: bool, limit: usize) -> Result<Vec<AuditEntry>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT at, actor, actor_id, action, target, target_id FROM audit
             WHERE ?1 = 0 OR action NOT IN ('login', 'logout')
             ORDER BY id DESC LIMIT ?2",
        )?;
        let entries = stmt
            .query_map(params![changes_only, limit as i64], |row| {
                Ok(AuditEntry {
                    at: row.get(0)?,
                    actor: row.get(1)?,
                    actor_id: row.get(2)?,
                    action: row.get(3)?,
                    target: row.get(4)?,
                    target_id: row.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(entries)
    }

    /// Records that `by` shared the write-up at `path` (relative to the content folder),
    /// with its audit entry, in one transaction.
    pub fn record_submission(&self, by: &Actor, path: &str) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let at = now();
        tx.execute(
            "INSERT INTO submissions (path, account_id, created, updated) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(path) DO UPDATE SET account_id = ?2, created = ?3, updated = ?3",
            params![path, by.id, at],
        )?;
        tx.execute(
            "INSERT INTO audit (at, actor, actor_id, action, target) VALUES (?1, ?2, ?3, 'submission.create', ?4)",
            params![at, by.name, by.account_id(), path],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records an edit of a shared write-up by `by`, with its audit entry.
    pub fn record_submission_edit(&self, by: &Actor, path: &str) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let at = now();
        tx.execute(
            "UPDATE submissions SET updated = ?1 WHERE path = ?2",
            params![at, path],
        )?;
        tx.execute(
            "INSERT INTO audit (at, actor, actor_id, action, target) VALUES (?1, ?2, ?3, 'submission.edit', ?4)",
            params![at, by.name, by.account_id(), path],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The write-ups the account `account_id` shared ([`NO_ACCOUNT`]: in local mode),
    /// newest first.
    pub fn submissions_of(&self, account_id: i64) -> Result<Vec<Submission>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT account_id, path, created, updated FROM submissions
             WHERE account_id = ?1 ORDER BY created DESC, path",
        )?;
        let rows = stmt
            .query_map(params![account_id], Self::row_submission)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Who shared the write-up at `path`, if it came through the form.
    pub fn submission(&self, path: &str) -> Result<Option<Submission>> {
        Ok(self
            .db()
            .query_row(
                "SELECT account_id, path, created, updated FROM submissions WHERE path = ?1",
                params![path],
                Self::row_submission,
            )
            .optional()?)
    }

    fn row_submission(row: &rusqlite::Row<'_>) -> rusqlite::Result<Submission> {
        Ok(Submission {
            account_id: row.get(0)?,
            path: row.get(1)?,
            created: row.get(2)?,
            updated: row.get(3)?,
        })
    }
}

/// A live link in `db`: a reset only while its account exists and is not locked.
fn link_in(db: &Connection, link: &str) -> Result<Option<Link>> {
    Ok(db
        .query_row(
            "SELECT l.purpose, l.role, u.id, u.name, u.locked FROM links l
             LEFT JOIN users u ON u.id = l.user_id
             WHERE l.hash = ?1 AND l.expires >= ?2",
            params![secret_hash(link), now()],
            |row| {
                let purpose: String = row.get(0)?;
                let role: String = row.get(1)?;
                let id: Option<i64> = row.get(2)?;
                let name: Option<String> = row.get(3)?;
                let locked: Option<bool> = row.get(4)?;
                Ok((purpose, role, id, name, locked))
            },
        )
        .optional()?
        .and_then(|(purpose, role, id, name, locked)| {
            let role = Role::parse(&role).unwrap_or(Role::Member);
            match (purpose.as_str(), id, name, locked) {
                ("invite", ..) => Some(Link::Invite { role }),
                ("reset", Some(id), Some(name), Some(false)) => Some(Link::Reset { id, name }),
                _ => None,
            }
        }))
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

    const PASSWORD: &str = "a long enough password";

    fn fac() -> Actor {
        Actor::without_account("cli")
    }

    /// Unknown names and wrong passwords cost the same: each login verifies exactly one
    /// hash, and the stand-in hash for unknown names has the parameters of a real one.
    #[test]
    fn unknown_names_verify_one_hash_like_known_ones() {
        let (_dir, accounts) = accounts();
        accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("added");
        for (name, password) in [
            ("jane", "a wrong password here"),
            ("nobody", "a wrong password here"),
            ("jane", PASSWORD),
            ("Nobody Else", PASSWORD),
        ] {
            let before = accounts.password_checks();
            accounts.verify_password(name, password).expect("verified");
            assert_eq!(accounts.password_checks(), before + 1, "{name}");
        }
        let stored: String = accounts
            .db()
            .query_row(
                "SELECT password_hash FROM users WHERE name = 'jane'",
                [],
                |r| r.get(0),
            )
            .expect("a hash");
        let real = PasswordHash::new(&stored).expect("parses");
        let dummy = PasswordHash::new(DUMMY_HASH).expect("parses");
        assert_eq!(real.algorithm, dummy.algorithm);
        assert_eq!(real.version, dummy.version);
        assert_eq!(real.params.to_string(), dummy.params.to_string());
    }

    #[test]
    fn stored_hashes_are_argon2id_with_owasp_parameters() {
        let (dir, accounts) = accounts();
        accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("add");
        let db = Connection::open(dir.path().join(DB_FILE)).expect("db");
        let hash: String = db
            .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
            .expect("row");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(hash.contains("m=19456,t=2,p=1"), "{hash}");
        assert!(!hash.contains(PASSWORD));
    }

    #[test]
    fn login_sessions_and_logout() {
        let (_dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Contributor, PASSWORD)
            .expect("add");
        assert!(
            accounts
                .verify_password("jane", "wrong password!")
                .expect("verify")
                .is_none()
        );
        assert!(
            accounts
                .verify_password("nobody", PASSWORD)
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
        accounts.set_role(&jane, Role::Facilitator).expect("role");
        assert_eq!(
            accounts.session_user(&s2).expect("lookup").map(|u| u.role),
            Some(Role::Facilitator)
        );
        accounts
            .set_password(&jane, "another long password")
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
        let fran = accounts
            .add_user("fran", Role::Facilitator, "facilitator password")
            .expect("add");
        let invite = accounts
            .create_invite(Role::Contributor, &Actor::account(&fran))
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
        assert!(matches!(
            accounts.use_link(&invite, "new one", PASSWORD),
            Err(Error::BadName(_))
        ));
        assert!(matches!(
            accounts.use_link(&invite, "FRAN", PASSWORD),
            Err(Error::UserExists(_))
        ));
        // The invitee's name is normalised.
        let user = accounts
            .use_link(&invite, "New", "a long new password")
            .expect("accepted");
        assert_eq!((user.name.as_str(), user.role), ("new", Role::Contributor));
        assert!(matches!(
            accounts.use_link(&invite, "other", "a long new password"),
            Err(Error::BadLink)
        ));
        assert!(accounts.link(&invite).expect("link").is_none());

        let session = accounts.create_session(&user).expect("session");
        let reset = accounts
            .create_reset(&user, &Actor::account(&fran))
            .expect("reset");
        assert_eq!(
            accounts.link(&reset).expect("link"),
            Some(Link::Reset {
                id: user.id,
                name: "new".to_string()
            })
        );
        let again = accounts
            .use_link(&reset, "ignored", "another long password")
            .expect("reset used");
        assert_eq!(again.id, user.id);
        assert!(accounts.session_user(&session).expect("lookup").is_none());
        assert!(
            accounts
                .verify_password("new", "another long password")
                .expect("verify")
                .is_some()
        );
        assert!(matches!(
            accounts.use_link(&reset, "ignored", "a third long password"),
            Err(Error::BadLink)
        ));
        assert!(accounts.link("not a link").expect("link").is_none());
    }

    #[test]
    fn a_password_change_ends_other_sessions_and_every_other_reset_link() {
        let (_dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("add");
        let bob = accounts
            .add_user("bob", Role::Member, PASSWORD)
            .expect("add");
        let bobs_reset = accounts.create_reset(&bob, &fac()).expect("reset");

        // By reset link: the second link dies with the first one's use.
        let session = accounts.create_session(&jane).expect("session");
        let first = accounts.create_reset(&jane, &fac()).expect("reset");
        let second = accounts.create_reset(&jane, &fac()).expect("reset");
        accounts
            .use_link(&first, "", "a new long password")
            .expect("used");
        assert!(accounts.session_user(&session).expect("lookup").is_none());
        assert!(accounts.link(&second).expect("link").is_none());
        assert!(matches!(
            accounts.use_link(&second, "", "an attacker's password"),
            Err(Error::BadLink)
        ));
        assert!(
            accounts
                .verify_password("jane", "a new long password")
                .expect("verify")
                .is_some()
        );

        // By `erfa user passwd`: the same.
        let session = accounts.create_session(&jane).expect("session");
        let third = accounts.create_reset(&jane, &fac()).expect("reset");
        accounts
            .set_password(&jane, "yet another password")
            .expect("passwd");
        assert!(accounts.session_user(&session).expect("lookup").is_none());
        assert!(accounts.link(&third).expect("link").is_none());

        // Other accounts' links are not touched.
        assert!(accounts.link(&bobs_reset).expect("link").is_some());
    }

    #[test]
    fn ids_are_never_given_twice() {
        let (_dir, accounts) = accounts();
        accounts
            .add_user("ann", Role::Member, PASSWORD)
            .expect("add");
        let bob = accounts
            .add_user("bob", Role::Member, PASSWORD)
            .expect("add");
        accounts.remove_user(&bob).expect("removed");
        let bob_again = accounts
            .add_user("bob", Role::Member, PASSWORD)
            .expect("add");
        assert!(bob_again.id > bob.id, "{} after {}", bob_again.id, bob.id);
        assert!(bob.id > NO_ACCOUNT);
    }

    #[test]
    fn removing_an_account_ends_everything_and_a_reused_name_starts_empty() {
        let (_dir, accounts) = accounts();
        let fran = accounts
            .add_user("fran", Role::Facilitator, PASSWORD)
            .expect("add");
        let jane = accounts
            .add_user("jane", Role::Facilitator, PASSWORD)
            .expect("add");
        let as_jane = Actor::account(&jane);
        let session = accounts.create_session(&jane).expect("session");
        let api = accounts.create_token(&jane, TokenKind::Api).expect("token");
        let feed = accounts
            .create_token(&jane, TokenKind::Feed)
            .expect("token");
        let reset = accounts
            .create_reset(&jane, &Actor::account(&fran))
            .expect("reset");
        let invite = accounts
            .create_invite(Role::Facilitator, &as_jane)
            .expect("jane's invitation");
        accounts
            .record_submission(&as_jane, "submissions/jane.md")
            .expect("shared");
        accounts
            .toggle_signal("cab", jane.id, Signal::Helped)
            .expect("signal");

        accounts.remove_user(&jane).expect("offboarded");
        assert!(accounts.session_user(&session).expect("lookup").is_none());
        assert!(
            accounts
                .token_user(&api, TokenKind::Api)
                .expect("lookup")
                .is_none()
        );
        assert!(
            accounts
                .token_user(&feed, TokenKind::Feed)
                .expect("lookup")
                .is_none()
        );
        assert!(accounts.link(&reset).expect("link").is_none());
        assert!(
            accounts.link(&invite).expect("link").is_none(),
            "links she made end too"
        );

        // Someone new picks the name: nothing of the previous holder is theirs.
        let new = accounts
            .add_user("jane", Role::Contributor, "the new jane's password")
            .expect("name reused");
        assert_ne!(new.id, jane.id);
        assert!(accounts.submissions_of(new.id).expect("mine").is_empty());
        assert!(
            accounts
                .member_signals("cab", new.id)
                .expect("mine")
                .is_empty()
        );
        assert!(matches!(
            accounts.use_link(&reset, "", "an attacker's password"),
            Err(Error::BadLink)
        ));
        assert!(
            accounts
                .verify_password("jane", "the new jane's password")
                .expect("verify")
                .is_some()
        );
        // What the previous holder shared is still recorded, under her id.
        assert_eq!(
            accounts
                .submission("submissions/jane.md")
                .expect("lookup")
                .map(|s| s.account_id),
            Some(jane.id)
        );
        assert!(matches!(
            accounts.remove_user(&jane),
            Err(Error::NoSuchUser(_))
        ));
    }

    #[test]
    fn a_demoted_facilitator_s_links_end() {
        let (_dir, accounts) = accounts();
        let f1 = accounts
            .add_user("f1", Role::Facilitator, PASSWORD)
            .expect("add");
        let f2 = accounts
            .add_user("f2", Role::Facilitator, PASSWORD)
            .expect("add");
        let reset = accounts
            .create_reset(&f2, &Actor::account(&f1))
            .expect("reset");
        let invite = accounts
            .create_invite(Role::Facilitator, &Actor::account(&f1))
            .expect("invite");
        let by_f2 = accounts
            .create_invite(Role::Member, &Actor::account(&f2))
            .expect("invite");
        // A change between facilitator roles keeps them; a demotion ends them.
        accounts.set_role(&f1, Role::Facilitator).expect("role");
        assert!(accounts.link(&reset).expect("link").is_some());
        accounts.set_role(&f1, Role::Member).expect("role");
        assert!(accounts.link(&reset).expect("link").is_none());
        assert!(accounts.link(&invite).expect("link").is_none());
        assert!(accounts.link(&by_f2).expect("link").is_some());
    }

    #[test]
    fn a_locked_account_cannot_log_in_and_its_credentials_end() {
        let (_dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Facilitator, PASSWORD)
            .expect("add");
        let session = accounts.create_session(&jane).expect("session");
        let api = accounts.create_token(&jane, TokenKind::Api).expect("token");
        let feed = accounts
            .create_token(&jane, TokenKind::Feed)
            .expect("token");
        let reset = accounts.create_reset(&jane, &fac()).expect("reset");
        let invite = accounts
            .create_invite(Role::Member, &Actor::account(&jane))
            .expect("invite");

        accounts.lock(&jane).expect("locked");
        assert!(
            accounts
                .verify_password("jane", PASSWORD)
                .expect("verify")
                .is_none()
        );
        assert!(accounts.session_user(&session).expect("lookup").is_none());
        assert!(
            accounts
                .token_user(&api, TokenKind::Api)
                .expect("lookup")
                .is_none()
        );
        assert!(
            accounts
                .token_user(&feed, TokenKind::Feed)
                .expect("lookup")
                .is_none()
        );
        assert!(accounts.link(&reset).expect("link").is_none());
        assert!(accounts.link(&invite).expect("link").is_none());
        assert!(matches!(
            accounts.create_token(&jane, TokenKind::Api),
            Err(Error::Locked(_))
        ));
        assert!(matches!(
            accounts.create_reset(&jane, &fac()),
            Err(Error::Locked(_))
        ));
        assert!(matches!(
            accounts.create_session(&jane),
            Err(Error::Locked(_))
        ));
        let found = accounts.user("jane").expect("lookup").expect("still there");
        assert!(found.locked);

        accounts.unlock(&jane).expect("unlocked");
        assert!(
            accounts
                .verify_password("jane", PASSWORD)
                .expect("verify")
                .is_some()
        );
        assert!(
            accounts
                .token_user(&api, TokenKind::Api)
                .expect("lookup")
                .is_none(),
            "tokens stay dead"
        );
    }

    #[test]
    fn submissions_remember_who_shared_what() {
        let (dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Contributor, PASSWORD)
            .expect("add");
        let bob = accounts
            .add_user("bob", Role::Contributor, PASSWORD)
            .expect("add");
        accounts
            .record_submission(&Actor::account(&jane), "submissions/a.md")
            .expect("record");
        accounts
            .record_submission(&Actor::account(&bob), "submissions/b.md")
            .expect("record");
        accounts
            .record_submission(&Actor::without_account("local"), "submissions/l.md")
            .expect("record");
        accounts
            .record_submission_edit(&Actor::account(&jane), "submissions/a.md")
            .expect("edit");
        let mine = accounts.submissions_of(jane.id).expect("list");
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].path, "submissions/a.md");
        assert!(accounts.submissions_of(999).expect("list").is_empty());
        assert_eq!(
            accounts.submissions_of(NO_ACCOUNT).expect("local")[0].path,
            "submissions/l.md"
        );
        assert_eq!(
            accounts
                .submission("submissions/b.md")
                .expect("lookup")
                .map(|s| s.account_id),
            Some(bob.id)
        );
        assert_eq!(
            accounts.submission("submissions/c.md").expect("lookup"),
            None
        );
        let actions: Vec<(String, Option<i64>, String)> = accounts
            .audit_log(10)
            .expect("log")
            .into_iter()
            .map(|e| (e.actor, e.actor_id, e.action))
            .collect();
        assert_eq!(
            actions,
            [
                (
                    "jane".to_string(),
                    Some(jane.id),
                    "submission.edit".to_string()
                ),
                ("local".to_string(), None, "submission.create".to_string()),
                (
                    "bob".to_string(),
                    Some(bob.id),
                    "submission.create".to_string()
                ),
                (
                    "jane".to_string(),
                    Some(jane.id),
                    "submission.create".to_string()
                ),
            ]
        );
        // The record survives reopening: it is state, not cache.
        drop(accounts);
        let again = Accounts::open(dir.path()).expect("reopen");
        assert_eq!(again.submissions_of(jane.id).expect("list").len(), 1);
    }

    #[test]
    fn audit_entries_name_accounts_by_id() {
        let (_dir, accounts) = accounts();
        let fran = accounts
            .add_user("fran", Role::Facilitator, PASSWORD)
            .expect("add");
        let jane = accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("add");
        accounts
            .audit_user(&Actor::account(&fran), "reset.create", &jane)
            .expect("audit");
        accounts
            .audit(&Actor::without_account("cli"), "user add", "jane")
            .expect("audit");
        let log = accounts.audit_log(2).expect("log");
        assert_eq!(
            (log[0].actor_id, log[0].target_id, log[0].target.as_str()),
            (None, None, "jane")
        );
        assert_eq!(
            (log[1].actor_id, log[1].target_id, log[1].target.as_str()),
            (Some(fran.id), Some(jane.id), "jane")
        );
    }

    #[test]
    fn names_passwords_and_duplicates_are_checked() {
        let (_dir, accounts) = accounts();
        let error = accounts
            .add_user("a b", Role::Member, PASSWORD)
            .expect_err("a space");
        assert!(matches!(error, Error::BadName(_)));
        assert!(error.to_string().contains("a–z, æ, ø and å"), "{error}");
        assert!(matches!(
            accounts.add_user("ab", Role::Member, "short"),
            Err(Error::WeakPassword)
        ));
        let ab = accounts
            .add_user("AB", Role::Member, PASSWORD)
            .expect("add");
        assert_eq!(ab.name, "ab", "stored normalised");
        for again in ["ab", "Ab", " AB ", "ＡＢ"] {
            assert!(
                matches!(
                    accounts.add_user(again, Role::Member, PASSWORD),
                    Err(Error::UserExists(_))
                ),
                "{again}"
            );
        }
        // Logins find the account whatever the case or width typed.
        for typed in ["ab", "AB", " Ab", "ＡＢ"] {
            assert_eq!(
                accounts
                    .verify_password(typed, PASSWORD)
                    .expect("verify")
                    .map(|u| u.id),
                Some(ab.id),
                "{typed}"
            );
        }
        assert!(!accounts.is_empty().expect("count"));
        accounts.remove_user(&ab).expect("remove");
        assert!(accounts.is_empty().expect("count"));
        assert!(matches!(
            accounts.remove_user(&ab),
            Err(Error::NoSuchUser(_))
        ));
    }

    #[test]
    fn names_made_before_the_rules_keep_working_and_can_be_renamed() {
        let (_dir, accounts) = accounts();
        let hash = hash_password(PASSWORD).expect("hash");
        accounts
            .db()
            .execute_batch(&format!(
                "INSERT INTO users (name, role, password_hash, created) VALUES
                     ('Jane Doe', 'member', '{hash}', 1),
                     ('Bo', 'member', '{hash}', 1);"
            ))
            .expect("accounts of the first release");
        assert!(
            accounts
                .verify_password("Jane Doe", PASSWORD)
                .expect("verify")
                .is_some()
        );
        // A stored name that only differs in case is found from its normal form.
        let bo = accounts
            .verify_password("bo", PASSWORD)
            .expect("verify")
            .expect("found");
        assert_eq!(bo.name, "Bo");
        // Nobody new can take a name that normalises to an existing one.
        assert!(matches!(
            accounts.add_user("bo", Role::Member, PASSWORD),
            Err(Error::UserExists(_))
        ));
        let users = accounts.users().expect("users");
        let fits: Vec<(&str, bool)> = users
            .iter()
            .map(|u| (u.name.as_str(), name_fits(&u.name)))
            .collect();
        assert_eq!(fits, [("Bo", false), ("Jane Doe", false)]);
        // Renamed, the account keeps its id and password.
        let renamed = accounts.rename(&bo, "bo").expect("renamed");
        assert_eq!((renamed.id, renamed.name.as_str()), (bo.id, "bo"));
        let jane = accounts.require("Jane Doe").expect("found");
        assert!(matches!(
            accounts.rename(&jane, "bo"),
            Err(Error::UserExists(_))
        ));
        assert!(matches!(
            accounts.rename(&jane, "jane doe"),
            Err(Error::BadName(_))
        ));
        let jane = accounts.rename(&jane, "Jane.Doe").expect("renamed");
        assert_eq!(jane.name, "jane.doe");
        assert!(
            accounts
                .verify_password("jane.doe", PASSWORD)
                .expect("verify")
                .is_some()
        );
    }
}
