//! How long erfa keeps records about people: the audit log and the history of logins.
//!
//! `erfa serve` forgets, once at start and then daily, audit entries older than the
//! audit period and login and logout records older than the login period — except each
//! account's latest login, which the people page shows, and entries about an account
//! (added, renamed, its role, offboarded): `erfa user erase` finds every name an account
//! had through them. Sessions that ended by idling
//! are deleted on the same round. Both periods are settings (docs/CONFIG.md); 0 keeps
//! records for good.

use rusqlite::params;

use crate::{Accounts, Result, SESSION_IDLE_SECONDS, now};

/// How many records one round forgot.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    /// Audit entries about changes (everything but logins and logouts, and but entries
    /// about an account, which `erfa user erase` needs to find every name it had).
    pub audit: usize,
    /// Login and logout records.
    pub logins: usize,
    /// Sessions that had ended by idling.
    pub sessions: usize,
}

impl Forgotten {
    /// Whether nothing was forgotten.
    pub fn is_empty(&self) -> bool {
        *self == Forgotten::default()
    }
}

const DAY: i64 = 24 * 60 * 60;

impl Accounts {
    /// Forgets audit entries older than `audit_days` and login records older than
    /// `login_days` (0: keep), keeping each account's latest login, and deletes ended
    /// sessions. One transaction.
    pub fn forget_old_records(&self, audit_days: u32, login_days: u32) -> Result<Forgotten> {
        self.forget_old_records_at(audit_days, login_days, now())
    }

    pub(crate) fn forget_old_records_at(
        &self,
        audit_days: u32,
        login_days: u32,
        t: i64,
    ) -> Result<Forgotten> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let mut forgotten = Forgotten::default();
        if audit_days > 0 {
            forgotten.audit = tx.execute(
                "DELETE FROM audit WHERE at < ?1 AND action NOT IN ('login', 'logout')
                 AND target_id IS NULL",
                params![t - i64::from(audit_days) * DAY],
            )?;
        }
        if login_days > 0 {
            forgotten.logins = tx.execute(
                "DELETE FROM audit WHERE at < ?1 AND action IN ('login', 'logout')
                 AND id NOT IN (
                     SELECT MAX(id) FROM audit
                     WHERE action = 'login' AND target_id IS NOT NULL GROUP BY target_id
                 )",
                params![t - i64::from(login_days) * DAY],
            )?;
        }
        forgotten.sessions = tx.execute(
            "DELETE FROM sessions WHERE last_seen < ?1",
            params![t - SESSION_IDLE_SECONDS],
        )?;
        tx.commit()?;
        Ok(forgotten)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::accounts;
    use crate::{Actor, Role};

    const PASSWORD: &str = "a long enough password";

    #[test]
    fn old_records_go_and_the_latest_login_of_each_account_stays() {
        let (_dir, accounts) = accounts();
        let jane = accounts
            .add_user("jane", Role::Member, PASSWORD)
            .expect("jane");
        let olaf = accounts
            .add_user("olaf", Role::Member, PASSWORD)
            .expect("olaf");
        let actor = Actor::account(&jane);
        // Three logins of jane's, one of olaf's, a logout and a change, all long ago;
        // then a recent change.
        for action in ["login", "logout", "login", "role"] {
            accounts.audit_user(&actor, action, &jane).expect("audit");
        }
        accounts
            .audit(&actor, "review.publish", "change/cab")
            .expect("audit");
        accounts
            .audit_user(&Actor::account(&olaf), "login", &olaf)
            .expect("audit");
        let session = accounts.create_session(&jane).expect("session");
        let old = now() - 400 * DAY;
        {
            let db = accounts.db();
            db.execute("UPDATE audit SET at = ?1", params![old])
                .expect("backdated");
            db.execute("UPDATE sessions SET last_seen = ?1", params![old])
                .expect("backdated");
        }
        accounts
            .audit_user(&actor, "offboard", &olaf)
            .expect("a recent entry");

        // A year of audit log and 90 days of logins: the old change goes (not the entry
        // about jane's account), and every login record but each account's latest.
        let forgotten = accounts.forget_old_records(365, 90).expect("forgotten");
        assert_eq!(
            forgotten,
            Forgotten {
                audit: 1,
                logins: 2,
                sessions: 1
            }
        );
        let log = accounts.audit_log(100).expect("log");
        let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["offboard", "login", "role", "login"], "{log:?}");
        let last = accounts.last_logins().expect("last logins");
        assert_eq!(last.get(&jane.id), Some(&old));
        assert_eq!(last.get(&olaf.id), Some(&old));
        assert!(accounts.session_user(&session).expect("lookup").is_none());

        // 0 keeps everything; a second round finds nothing more.
        assert!(accounts.forget_old_records(0, 0).expect("kept").is_empty());
        assert!(
            accounts
                .forget_old_records(365, 90)
                .expect("again")
                .is_empty()
        );
    }
}
