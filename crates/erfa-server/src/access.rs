//! Who is asking, and what they may see: the viewer's [`Rank`], the least [`Access`] a
//! route needs, and [`allows`], the one rule that compares the two. Every route states
//! its access in the route table (docs/routes.md). Handlers read the viewer's scope from
//! the [`Viewer`], never from the configuration.
//!
//! Without an account database (local mode, and tests of other scopes) the viewer is
//! fixed by the configuration.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use erfa_accounts::{Actor, Role, User};
use erfa_index::Scope;

use crate::error::AppError;
use crate::state::AppState;

/// The name the audit log gives the person at this machine in local mode, where nobody
/// logs in; their submissions are recorded under [`erfa_accounts::NO_ACCOUNT`].
pub const LOCAL_ACTOR: &str = "local";

/// The session cookie's name when cookies are `Secure` (the `__Host-` prefix pins it to
/// this host and path `/`).
pub const SESSION_COOKIE_SECURE: &str = "__Host-erfa-session";
/// The session cookie's name on plain HTTP (`--insecure-cookies`).
pub const SESSION_COOKIE_PLAIN: &str = "erfa-session";

/// A viewer's rank: each includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rank {
    /// Not logged in.
    Anonymous,
    /// Reads published write-ups.
    Member,
    /// Also shares write-ups.
    Contributor,
    /// Everything.
    Facilitator,
}

impl Rank {
    /// All ranks, lowest first.
    pub const ALL: [Rank; 4] = [
        Rank::Anonymous,
        Rank::Member,
        Rank::Contributor,
        Rank::Facilitator,
    ];

    /// The search scope of this rank.
    pub fn scope(self) -> Scope {
        match self {
            Rank::Anonymous => Scope::Public,
            Rank::Member | Rank::Contributor => Scope::Members,
            Rank::Facilitator => Scope::Facilitator,
        }
    }

    /// `anonymous`, `member`, `contributor` or `facilitator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rank::Anonymous => "anonymous",
            Rank::Member => "member",
            Rank::Contributor => "contributor",
            Rank::Facilitator => "facilitator",
        }
    }
}

impl From<Role> for Rank {
    fn from(role: Role) -> Rank {
        match role {
            Role::Member => Rank::Member,
            Role::Contributor => Rank::Contributor,
            Role::Facilitator => Rank::Facilitator,
        }
    }
}

/// The least a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, always: login, `robots.txt`, static assets.
    Open,
    /// Anyone when public access is on; otherwise members.
    Public,
    /// Members and up.
    Member,
    /// Contributors and up.
    Contributor,
    /// The facilitator only.
    Facilitator,
    /// The facilitator, or a metrics token (which reads nothing else).
    Metrics,
}

impl Access {
    /// `open`, `public`, `member`, `contributor` or `facilitator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::Public => "public",
            Access::Member => "member",
            Access::Contributor => "contributor",
            Access::Facilitator => "facilitator",
            Access::Metrics => "metrics",
        }
    }
}

/// Whether `rank` may use a route that needs `access`.
pub fn allows(access: Access, rank: Rank, public_access: bool) -> bool {
    match access {
        Access::Open => true,
        Access::Public => public_access || rank >= Rank::Member,
        Access::Member => rank >= Rank::Member,
        Access::Contributor => rank >= Rank::Contributor,
        Access::Facilitator | Access::Metrics => rank >= Rank::Facilitator,
    }
}

/// How the viewer proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Nothing: the configuration decides (local mode, tests).
    Fixed,
    /// No credential.
    None,
    /// A session cookie; holds the session id.
    Session(String),
    /// An API token.
    Token,
    /// A personal feed token.
    Feed,
    /// A facilitator's metrics token: the viewer is anonymous everywhere but `/metrics`.
    Metrics,
    /// Named by a trusted reverse proxy (single sign-on).
    Proxy,
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// What they may do.
    pub rank: Rank,
    /// Their account, when logged in.
    pub user: Option<User>,
    /// How they proved it.
    pub credential: Credential,
}

impl Viewer {
    /// Nobody in particular.
    pub fn anonymous() -> Viewer {
        Viewer {
            rank: Rank::Anonymous,
            user: None,
            credential: Credential::None,
        }
    }

    /// The viewer the configuration fixes when there are no accounts.
    pub fn fixed(scope: Scope) -> Viewer {
        Viewer {
            rank: match scope {
                Scope::Public => Rank::Anonymous,
                Scope::Members => Rank::Member,
                Scope::Facilitator => Rank::Facilitator,
            },
            user: None,
            credential: Credential::Fixed,
        }
    }

    /// A logged-in user, and how they proved it.
    pub(crate) fn user(user: User, credential: Credential) -> Viewer {
        Viewer {
            rank: user.role.into(),
            user: Some(user),
            credential,
        }
    }

    /// The viewer [`authenticate`] stored in a request's extensions; nobody without it.
    pub fn of(extensions: &axum::http::Extensions) -> Viewer {
        extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or_else(Viewer::anonymous)
    }

    /// The search scope.
    pub fn scope(&self) -> Scope {
        self.rank.scope()
    }

    /// Whether a person is logged in (their answers must not be cached anywhere shared).
    pub fn logged_in(&self) -> bool {
        self.user.is_some()
    }

    /// The login name, when logged in.
    pub fn name(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.name.as_str())
    }

    /// The account id, when logged in.
    pub fn account_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    /// Who the viewer is in the records (submissions, signals, flags, the audit log): their
    /// account; where the configuration fixes the viewer (local mode), the person at this
    /// machine, who has no account; nobody otherwise.
    pub fn actor(&self) -> Option<Actor> {
        match (&self.user, &self.credential) {
            (Some(user), _) => Some(Actor::account(user)),
            (None, Credential::Fixed) => Some(Actor::without_account(LOCAL_ACTOR)),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // `authenticate` runs before every handler; without it nobody is trusted.
        Ok(Viewer::of(&parts.extensions))
    }
}

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
}

/// The session cookie's name under this configuration.
pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE_PLAIN
    }
}

/// `Set-Cookie` for a new session.
pub(crate) fn session_cookie(state: &AppState, id: &str) -> HeaderValue {
    set_session_cookie(state, id, "")
}

/// `Set-Cookie` that removes the session cookie.
pub(crate) fn clear_session_cookie(state: &AppState) -> HeaderValue {
    set_session_cookie(state, "", "; Max-Age=0")
}

fn set_session_cookie(state: &AppState, value: &str, max_age: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}",
        session_cookie_name(state)
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("x=; Max-Age=0"))
}

/// The client's address: the peer, or — only when the peer is a trusted proxy — the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

/// Runs password work on a blocking thread behind the hashing permits.
pub(crate) async fn hashing<T, F>(state: &AppState, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&erfa_accounts::Accounts) -> T + Send + 'static,
{
    let accounts: Arc<erfa_accounts::Accounts> =
        state.accounts.clone().ok_or_else(AppError::not_found)?;
    let _permit = state
        .guards
        .hashing
        .acquire()
        .await
        .map_err(|_| AppError::internal("hashing permits closed"))?;
    tokio::task::spawn_blocking(move || work(&accounts))
        .await
        .map_err(|e| AppError::internal(format!("hashing task failed: {e}")))
}

/// Creates a token of `kind` for the logged-in viewer and records it in the audit log
/// (for the account page and the feed page). Without a login: 401 with `denied`.
pub(crate) async fn new_token(
    state: &AppState,
    viewer: &Viewer,
    denied: &str,
    kind: erfa_accounts::TokenKind,
) -> Result<String, AppError> {
    let accounts = state.accounts()?;
    let user = viewer
        .user
        .clone()
        .ok_or_else(|| AppError::Unauthorized(denied.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let token = accounts.create_token(&user, kind)?;
        let action = match kind {
            erfa_accounts::TokenKind::Api => "token.create",
            erfa_accounts::TokenKind::Feed => "feed.create",
            erfa_accounts::TokenKind::Metrics => "metrics.create",
        };
        accounts.audit_user(&Actor::account(&user), action, &user)?;
        Ok::<_, erfa_accounts::Error>(token)
    })
    .await
    .map_err(|e| AppError::internal(format!("token task: {e}")))?
    .map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_access_rule() {
        for rank in Rank::ALL {
            assert!(allows(Access::Open, rank, false));
            assert!(allows(Access::Public, rank, true));
            assert_eq!(allows(Access::Public, rank, false), rank >= Rank::Member);
            assert_eq!(allows(Access::Member, rank, true), rank >= Rank::Member);
            assert_eq!(
                allows(Access::Contributor, rank, true),
                rank >= Rank::Contributor
            );
            assert_eq!(
                allows(Access::Facilitator, rank, true),
                rank == Rank::Facilitator
            );
        }
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let headers = |xff: &'static str| {
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", HeaderValue::from_static(xff));
            h
        };
        assert_eq!(
            client_address(
                Some("192.0.2.7".parse().expect("ip")),
                &headers("203.0.113.9"),
                &[proxy]
            ),
            Some("192.0.2.7".parse().expect("ip"))
        );
        assert_eq!(
            client_address(Some(proxy), &headers("198.51.100.1, 203.0.113.9"), &[proxy]),
            Some("203.0.113.9".parse().expect("ip"))
        );
        assert_eq!(
            client_address(None, &headers("203.0.113.9"), &[proxy]),
            None
        );
    }
}
