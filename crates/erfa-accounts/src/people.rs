//! What the people page and the account page need beyond creating and removing accounts:
//! the one-time links still open (and withdrawing one), when each account last logged
//! in, and changing one's own password.

use std::collections::HashMap;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use rusqlite::params;

use crate::{Accounts, Error, Result, Role, User, check_password, hash_password, now, secret_hash};

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// An invitation: whoever opens it creates an account.
    Invite,
    /// A password reset for one account.
    Reset,
}

/// A one-time link that is neither used nor expired. Its secret is never stored, so the
/// link itself cannot be shown again; it can be withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLink {
    /// What withdrawing names it by, together with [`PendingLink::expires`].
    pub id: i64,
    /// Invitation or reset.
    pub purpose: LinkPurpose,
    /// The role an invitation gives (for a reset: the account's role when it was made).
    pub role: Role,
    /// For a reset: the account it is for.
    pub user: Option<String>,
    /// The account that made it; `None` when it was made without one (local mode, CLI).
    pub created_by: Option<String>,
    /// Unix seconds after which it no longer opens.
    pub expires: i64,
}

impl Accounts {
    /// The one-time links still open, the one expiring last first.
    pub fn pending_links(&self) -> Result<Vec<PendingLink>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT l.rowid, l.purpose, l.role, u.name, c.name, l.expires FROM links l
             LEFT JOIN users u ON u.id = l.user_id
             LEFT JOIN users c ON c.id = l.created_by
             WHERE l.expires >= ?1
             ORDER BY l.expires DESC, l.rowid DESC",
        )?;
        let rows = stmt.query_map(params![now()], |r| {
            let purpose: String = r.get(1)?;
            let role: String = r.get(2)?;
            Ok(PendingLink {
                id: r.get(0)?,
                purpose: if purpose == "reset" {
                    LinkPurpose::Reset
                } else {
                    LinkPurpose::Invite
                },
                role: Role::parse(&role).unwrap_or(Role::Member),
                user: r.get(3)?,
                created_by: r.get(4)?,
                expires: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Withdraws the open link `id` that expires at `expires` (both as
    /// [`Accounts::pending_links`] gave them, so that a page shown before never withdraws
    /// a later link); whether there was one.
    pub fn withdraw_link(&self, id: i64, expires: i64) -> Result<bool> {
        let removed = self.db().execute(
            "DELETE FROM links WHERE rowid = ?1 AND expires = ?2",
            params![id, expires],
        )?;
        Ok(removed > 0)
    }

    /// When each account last logged in (Unix seconds), by account id; accounts that never
    /// did are missing.
    pub fn last_logins(&self) -> Result<HashMap<i64, i64>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT target_id, MAX(at) FROM audit
             WHERE action = 'login' AND target_id IS NOT NULL GROUP BY target_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes the password of `user`, who knows the `current` one. Every other session
    /// of the account ends, and its API tokens, feed addresses and reset links with them
    /// (a password is changed when it may be known to someone else); the session `keep`
    /// (the one making the change, by its secret id) stays logged in.
    pub fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<()> {
        let stored: String = self.db().query_row(
            "SELECT password_hash FROM users WHERE id = ?1 AND locked = 0",
            params![user.id],
            |r| r.get(0),
        )?;
        let parsed = PasswordHash::new(&stored).map_err(|_| Error::Hashing)?;
        if Argon2::default()
            .verify_password(current.as_bytes(), &parsed)
            .is_err()
        {
            return Err(Error::WrongPassword);
        }
        check_password(new)?;
        let hash = hash_password(new)?;
        let mut db = self.db();
        let tx = db.transaction()?;
        tx.execute(
            "UPDATE users SET password_hash = ?1 WHERE id = ?2",
            params![hash, user.id],
        )?;
        let keep = keep.map(secret_hash).unwrap_or_default();
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND hash != ?2",
            params![user.id, keep],
        )?;
        tx.execute(
            "DELETE FROM links WHERE purpose = 'reset' AND user_id = ?1",
            params![user.id],
        )?;
        tx.execute("DELETE FROM tokens WHERE user_id = ?1", params![user.id])?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Actor;
    use crate::tests::accounts;

    const PASSWORD: &str = "a long enough password";

    #[test]
    fn open_links_are_listed_and_a_withdrawn_one_no_longer_opens() {
        let (_dir, accounts) = accounts();
        let fran = accounts
            .add_user("fran", Role::Facilitator, PASSWORD)
            .expect("fran");
        let jane = accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("jane");
        let invite = accounts
            .create_invite(Role::Contributor, &Actor::account(&fran))
            .expect("invite");
        let reset = accounts
            .create_reset(&jane, &Actor::without_account("cli"))
            .expect("reset");
        let pending = accounts.pending_links().expect("pending");
        assert_eq!(pending.len(), 2, "{pending:?}");
        let open_invite = pending
            .iter()
            .find(|l| l.purpose == LinkPurpose::Invite)
            .expect("the invitation");
        assert_eq!(open_invite.role, Role::Contributor);
        assert_eq!(open_invite.created_by.as_deref(), Some("fran"));
        let open_reset = pending
            .iter()
            .find(|l| l.purpose == LinkPurpose::Reset)
            .expect("the reset");
        assert_eq!(open_reset.user.as_deref(), Some("jane"));
        assert_eq!(open_reset.created_by, None);

        // A stale page (wrong expiry) withdraws nothing; the right pair withdraws it.
        assert!(
            !accounts
                .withdraw_link(open_invite.id, open_invite.expires + 1)
                .expect("no-op")
        );
        assert!(
            accounts
                .withdraw_link(open_invite.id, open_invite.expires)
                .expect("withdrawn")
        );
        assert_eq!(accounts.link(&invite).expect("lookup"), None);
        assert!(matches!(
            accounts.use_link(&invite, "newbie", PASSWORD),
            Err(Error::BadLink)
        ));
        assert!(accounts.link(&reset).expect("lookup").is_some());
        assert_eq!(accounts.pending_links().expect("pending").len(), 1);
    }

    #[test]
    fn last_logins_come_from_the_audit_log() {
        let (_dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("jane");
        let bo = accounts.add_user("bo", Role::Member, PASSWORD).expect("bo");
        assert!(accounts.last_logins().expect("none").is_empty());
        accounts
            .audit_user(&Actor::account(&jane), "login", &jane)
            .expect("audit");
        let last = accounts.last_logins().expect("some");
        assert!(last.contains_key(&jane.id));
        assert!(!last.contains_key(&bo.id));
    }

    #[test]
    fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
        let (_dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("jane");
        let here = accounts.create_session(&jane).expect("a session");
        let elsewhere = accounts.create_session(&jane).expect("another");
        let token = accounts
            .create_token(&jane, crate::TokenKind::Api)
            .expect("a token");
        let new = "a brand new long password";
        assert!(matches!(
            accounts.change_password(&jane, "not the password", new, Some(&here)),
            Err(Error::WrongPassword)
        ));
        assert!(matches!(
            accounts.change_password(&jane, PASSWORD, "short", Some(&here)),
            Err(Error::WeakPassword)
        ));
        assert!(accounts.session_user(&elsewhere).expect("still").is_some());
        accounts
            .change_password(&jane, PASSWORD, new, Some(&here))
            .expect("changed");
        assert!(accounts.session_user(&here).expect("kept").is_some());
        assert!(accounts.session_user(&elsewhere).expect("ended").is_none());
        assert!(
            accounts
                .token_user(&token, crate::TokenKind::Api)
                .expect("looked up")
                .is_none(),
            "tokens end with the old password"
        );
        assert!(
            accounts
                .verify_password("jane", PASSWORD)
                .expect("old")
                .is_none()
        );
        assert!(
            accounts
                .verify_password("jane", new)
                .expect("new")
                .is_some()
        );
    }
}
