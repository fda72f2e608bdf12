//! The login guards: failed-login counts and the password hashing permits.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins per account and per client address, in a sliding window.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

/// Failed logins allowed per account in [`THROTTLE_WINDOW`]; the next attempt gets 429.
pub const FAILURES_PER_ACCOUNT: usize = 5;
/// Failed logins allowed per client address in [`THROTTLE_WINDOW`].
pub const FAILURES_PER_ADDRESS: usize = 20;
/// The window failures are counted in.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

impl Throttle {
    fn keys(name: &str, address: Option<IpAddr>) -> [(String, usize); 2] {
        [
            (
                // The name as login finds it, so that case or width do not give more tries.
                format!("account:{}", erfa_accounts::normalise_name(name)),
                FAILURES_PER_ACCOUNT,
            ),
            (
                format!(
                    "address:{}",
                    address.map(|a| a.to_string()).unwrap_or_default()
                ),
                FAILURES_PER_ADDRESS,
            ),
        ]
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Instant>>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a login for `name` from `address` must wait.
    pub fn blocked(&self, name: &str, address: Option<IpAddr>) -> bool {
        let now = Instant::now();
        let mut map = self.map();
        Self::keys(name, address).iter().any(|(key, limit)| {
            map.get_mut(key).is_some_and(|times| {
                times.retain(|t| now.duration_since(*t) < THROTTLE_WINDOW);
                times.len() >= *limit
            })
        })
    }

    /// Counts a failed login.
    pub fn failed(&self, name: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let mut map = self.map();
        if map.len() > 100_000 {
            // A flood of distinct names: forget the oldest state rather than grow.
            map.retain(|_, times| {
                times
                    .iter()
                    .any(|t| now.duration_since(*t) < THROTTLE_WINDOW)
            });
        }
        for (key, _) in Self::keys(name, address) {
            map.entry(key).or_default().push(now);
        }
    }

    /// Forgets an account's failures after a successful login.
    pub fn succeeded(&self, name: &str) {
        let [(key, _), _] = Self::keys(name, None);
        self.map().remove(&key);
    }
}

/// Password hashing runs on blocking threads, at most this many at once, so a burst of
/// logins cannot take every thread (or all memory: 19 MiB each).
pub const HASHING_AT_ONCE: usize = 2;

/// Shared by the login handlers: the throttle and the hashing permits.
#[derive(Debug)]
pub struct Guards {
    /// Failed-login counts.
    pub throttle: Throttle,
    /// Permits for password hashing.
    pub hashing: tokio::sync::Semaphore,
}

impl Default for Guards {
    fn default() -> Self {
        Guards {
            throttle: Throttle::default(),
            hashing: tokio::sync::Semaphore::new(HASHING_AT_ONCE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_counts_per_account_whatever_the_address() {
        let throttle = Throttle::default();
        for i in 0..FAILURES_PER_ACCOUNT {
            let address = Some(IpAddr::from([10, 0, 0, i as u8]));
            assert!(!throttle.blocked("Jane", address));
            throttle.failed("Jane", address);
        }
        assert!(throttle.blocked("jane", Some(IpAddr::from([10, 9, 9, 9]))));
        assert!(!throttle.blocked("other", Some(IpAddr::from([10, 9, 9, 9]))));
        throttle.succeeded("JANE");
        assert!(!throttle.blocked("jane", None));
    }
}
