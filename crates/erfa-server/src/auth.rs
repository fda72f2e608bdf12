//! Who is asking, and what they may see.
//!
//! Every request passes [`authenticate`] once: it works out the [`Viewer`] (from a
//! session cookie, an `Authorization: Bearer` token, a personal feed token, or nobody) and
//! puts it in the request's extensions (and the answer's, for the edge). Every route states the least [`Access`] it needs
//! in the route table (`routes.rs`); [`allows`] is the one rule that compares the two.
//! Handlers read the viewer's scope from the viewer, never from the configuration.
//!
//! Without an account database (local mode, and tests of other scopes) the viewer is
//! fixed by the configuration.
//!
//! Unsafe methods pass [`csrf`] first: a browser's `Sec-Fetch-Site` must say
//! `same-origin` or `none`, or else the `Origin` must be this host; a request that names
//! neither is accepted only when it carries no session cookie.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::{Actor, Role, TokenKind, User};
use erfa_index::Scope;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;

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
        Access::Facilitator => rank >= Rank::Facilitator,
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

    fn user(user: User, credential: Credential) -> Viewer {
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
            (None, Credential::Fixed) => Some(Actor::without_account(crate::submit::LOCAL_ACTOR)),
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

/// The feed token of a `/feed.atom?token=…` request.
fn feed_token(request: &Request) -> Option<String> {
    if request.uri().path() != "/feed.atom" {
        return None;
    }
    form_urlencoded::parse(request.uri().query()?.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// Works out the viewer, stores it in the request, and marks the answer private when a
/// person is logged in.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(accounts) = state.accounts.clone().filter(|_| state.logins()) else {
        let viewer = Viewer::fixed(state.config.scope);
        request.extensions_mut().insert(viewer.clone());
        let mut response = next.run(request).await;
        response.extensions_mut().insert(viewer);
        return response;
    };
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let session = cookie(headers, session_cookie_name(&state)).map(str::to_string);
    let feed = feed_token(&request);
    let proxied = sso_user(&state, &request);
    let lookup = tokio::task::spawn_blocking(move || -> Result<LookedUp, erfa_accounts::Error> {
        if let Some(value) = bearer {
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .map(str::trim)
                .unwrap_or_default();
            return Ok(match accounts.token_user(token, TokenKind::Api)? {
                Some(user) => LookedUp::Viewer(Viewer::user(user, Credential::Token)),
                None => LookedUp::BadToken,
            });
        }
        if let Some(name) = proxied {
            // The name is found as at login (normalised); a locked account is refused.
            return Ok(match accounts.user(&name)? {
                Some(user) if user.locked => LookedUp::LockedProxyUser,
                Some(user) => LookedUp::Viewer(Viewer::user(user, Credential::Proxy)),
                None => LookedUp::UnknownProxyUser,
            });
        }
        if let Some(token) = feed {
            return Ok(match accounts.token_user(&token, TokenKind::Feed)? {
                Some(user) => LookedUp::Viewer(Viewer::user(user, Credential::Feed)),
                None => LookedUp::BadToken,
            });
        }
        if let Some(id) = session {
            return Ok(match accounts.session_user(&id)? {
                Some(user) => LookedUp::Viewer(Viewer::user(user, Credential::Session(id))),
                None => LookedUp::StaleSession,
            });
        }
        Ok(LookedUp::Viewer(Viewer::anonymous()))
    })
    .await;
    let looked_up = match lookup {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return ApiError::internal(format!("account lookup: {e}")).into_response(),
        Err(e) => return ApiError::internal(format!("account lookup: {e}")).into_response(),
    };
    let (viewer, clear_cookie) = match looked_up {
        LookedUp::Viewer(viewer) => (viewer, false),
        LookedUp::StaleSession => (Viewer::anonymous(), true),
        refused @ (LookedUp::UnknownProxyUser | LookedUp::LockedProxyUser) => {
            let lang = Lang::negotiate(request.headers());
            let error = match refused {
                LookedUp::LockedProxyUser => ApiError::Forbidden {
                    code: "locked",
                    message: lang.t().sso_locked.to_string(),
                },
                _ => ApiError::Forbidden {
                    code: "unknown_user",
                    message: lang.t().sso_unknown.to_string(),
                },
            };
            return if crate::is_api(request.uri().path()) {
                error.into_response()
            } else {
                crate::page::error_page(&state, lang, Viewer::anonymous(), &error)
            };
        }
        LookedUp::BadToken => {
            let lang = Lang::negotiate(request.headers());
            let error = ApiError::Unauthorized(
                "the token is unknown or was revoked; create a new one on your account page"
                    .to_string(),
            );
            let mut response = if crate::is_api(request.uri().path()) {
                error.into_response()
            } else {
                crate::page::error_page(&state, lang, Viewer::anonymous(), &error)
            };
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    };
    let logged_in = viewer.logged_in();
    // Static assets are the same for everyone and keep their long public caching.
    let path_is_static = request.uri().path().starts_with("/static/");
    request.extensions_mut().insert(viewer.clone());
    let mut response = next.run(request).await;
    // The edge (`security::edge`) renders error pages for answers that carry only a
    // status; it learns the viewer here, as it runs outside this layer.
    response.extensions_mut().insert(viewer);
    let h = response.headers_mut();
    if logged_in && !path_is_static {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    h.append(header::VARY, HeaderValue::from_static("Cookie"));
    h.append(header::VARY, HeaderValue::from_static("Authorization"));
    if clear_cookie {
        h.append(header::SET_COOKIE, clear_session_cookie(&state));
    }
    response
}

enum LookedUp {
    Viewer(Viewer),
    StaleSession,
    BadToken,
    UnknownProxyUser,
    LockedProxyUser,
}

/// The user a trusted proxy names in the single-sign-on header, when single sign-on is
/// configured and the request comes from one of the trusted proxies.
fn sso_user(state: &AppState, request: &Request) -> Option<String> {
    let header_name = state.config.sso_header.as_ref()?;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !state.config.trusted_proxies.contains(&peer) {
        return None;
    }
    let name = request.headers().get(header_name)?.to_str().ok()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// What a path that does not exist answers `viewer`. Unknown paths follow the `public`
/// rule: without public access an anonymous visitor is asked to log in, as on every other
/// page; everyone else gets 404 (JSON under `/api`, the HTML page elsewhere).
pub(crate) fn missing(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
) -> Response {
    let lang = Lang::negotiate(headers);
    let path = uri.path();
    if !allows(Access::Public, viewer.rank, state.public_access()) {
        if crate::is_api(path) {
            return ApiError::Unauthorized(lang.t().error_401_text.to_string()).into_response();
        }
        let here = uri.path_and_query().map_or("/", |p| p.as_str());
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let error = ApiError::not_found();
    if crate::is_api(path) {
        error.into_response()
    } else {
        crate::page::error_page(state, lang, viewer.clone(), &error)
    }
}

/// What a viewer who may not use a route gets. An anonymous viewer gets exactly what a
/// path that does not exist answers ([`missing`]): asked to log in without public access,
/// 404 with it, so that nobody can list the routes they may not use (docs/routes.md).
/// A logged-in viewer whose role is too low gets 403.
pub(crate) fn deny(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
) -> Response {
    if viewer.rank == Rank::Anonymous {
        return missing(state, viewer, headers, uri);
    }
    let lang = Lang::negotiate(headers);
    let error = ApiError::Forbidden {
        code: "forbidden",
        message: lang.t().forbidden_role.to_string(),
    };
    if crate::is_api(uri.path()) {
        error.into_response()
    } else {
        crate::page::error_page(state, lang, viewer.clone(), &error)
    }
}

/// Lets the request through when the viewer may use a route that needs `access`.
pub(crate) async fn require(
    access: Access,
    state: AppState,
    request: Request,
    next: Next,
) -> Response {
    let viewer = Viewer::of(request.extensions());
    match refuse(access, &state, &viewer, &request) {
        Some(denied) => denied,
        None => next.run(request).await,
    }
}

/// The answer for a viewer who may not use a route that needs `access`, or `None` when
/// they may.
pub(crate) fn refuse(
    access: Access,
    state: &AppState,
    viewer: &Viewer,
    request: &Request,
) -> Option<Response> {
    (!allows(access, viewer.rank, state.public_access()))
        .then(|| deny(state, viewer, request.headers(), request.uri()))
}

/// Refuses state-changing requests that a browser made for another site.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let verdict = match headers.get("sec-fetch-site").map(HeaderValue::to_str) {
        Some(Ok("same-origin" | "none")) => true,
        Some(_) => false,
        None => match headers.get(header::ORIGIN) {
            Some(origin) => same_origin(origin, headers.get(header::HOST)),
            // Not a browser, or a very old one: only requests without ambient
            // credentials (a session cookie, or a proxy's single sign-on) may go without
            // either header: logins, Bearer tokens.
            None => {
                cookie(headers, session_cookie_name(&state)).is_none()
                    && sso_user(&state, &request).is_none()
            }
        },
    };
    if verdict {
        return next.run(request).await;
    }
    let lang = Lang::negotiate(headers);
    let error = ApiError::Forbidden {
        code: "csrf",
        message: lang.t().csrf_refused.to_string(),
    };
    if crate::is_api(request.uri().path()) {
        error.into_response()
    } else {
        crate::page::error_page(&state, lang, Viewer::anonymous(), &error)
    }
}

/// Whether `Origin` names the host the request was sent to.
fn same_origin(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), host.map(HeaderValue::to_str)) else {
        return false;
    };
    let Some((_, rest)) = origin.split_once("://") else {
        return false;
    };
    rest.eq_ignore_ascii_case(host)
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

/// The peer address of a request's connection, when the server recorded it.
pub fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

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

/// Runs password work on a blocking thread behind the hashing permits.
pub(crate) async fn hashing<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&erfa_accounts::Accounts) -> T + Send + 'static,
{
    let accounts: Arc<erfa_accounts::Accounts> =
        state.accounts.clone().ok_or_else(ApiError::not_found)?;
    let _permit = state
        .guards
        .hashing
        .acquire()
        .await
        .map_err(|_| ApiError::internal("hashing permits closed"))?;
    tokio::task::spawn_blocking(move || work(&accounts))
        .await
        .map_err(|e| ApiError::internal(format!("hashing task failed: {e}")))
}

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

    #[test]
    fn origins() {
        let host = HeaderValue::from_static("erfa.example:8443");
        assert!(same_origin(
            &HeaderValue::from_static("https://erfa.example:8443"),
            Some(&host)
        ));
        assert!(!same_origin(
            &HeaderValue::from_static("https://evil.example"),
            Some(&host)
        ));
        assert!(!same_origin(&HeaderValue::from_static("null"), Some(&host)));
        assert!(!same_origin(
            &HeaderValue::from_static("https://erfa.example:8443"),
            None
        ));
    }
}
