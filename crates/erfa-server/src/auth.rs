//! Logging in: where a login may send the browser next, and how a refused login answers.
//! The access rule itself is in the core (`access.rs`); its types stay reachable here.

use axum::http::StatusCode;

use crate::i18n::Lang;

pub use crate::access::{Access, Rank, allows};

/// A `next` target that stays on this site: a path, not `//host` or `/\host`.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok { next } else { "/" }
}

/// The status and message of a refused login, the same for unknown names and wrong
/// passwords.
pub(crate) fn login_refused(lang: Lang) -> (StatusCode, &'static str) {
    (StatusCode::UNAUTHORIZED, lang.t().login_failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_here() {
        assert_eq!(safe_next("/w/x?q=1"), "/w/x?q=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "x",
            "/\n",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
