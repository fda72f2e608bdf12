//! Accounts over HTTP: the route table walked for every rank, login and sessions,
//! cookies, CSRF, throttling, tokens, caching, and the confidentiality probes (canaries,
//! differential, existence, downgrade, field privacy).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use erfa_accounts::{Accounts, Role, TokenKind};
use erfa_index::{Scope, Store};
use erfa_server::auth::{Access, Rank};
use erfa_server::{AppState, Config, router, routes};

use crate::support::{Indexed, PNG, Resp, enc, index, sample, send, write};

/// A server with logins over a content folder, and its account database.
pub struct Site {
    pub router: Router,
    pub content: tempfile::TempDir,
    /// The data folder (kept alive for the account database).
    pub _data: tempfile::TempDir,
    pub accounts: Arc<Accounts>,
}

pub const PASSWORD: &str = "a long enough password";

/// Users of every role: `mia` (member), `carl` (contributor), `fran` (facilitator), and
/// `target` (a member the people-page actions act on).
pub fn site(files: &[(String, String)], public_access: bool) -> Site {
    site_with(files, public_access, false, |_| {})
}

/// As [`site`]; `watched` keeps the index on disk under a live watcher (for changes made
/// to the files during the test), and `configure` adjusts the settings.
pub fn site_with(
    files: &[(String, String)],
    public_access: bool,
    watched: bool,
    configure: impl FnOnce(&mut Config),
) -> Site {
    let content = tempfile::tempdir().expect("a temp dir");
    for (path, text) in files {
        write(content.path(), path, text.as_bytes());
    }
    write(content.path(), "change/diagram.png", PNG);
    let data = tempfile::tempdir().expect("a temp dir");
    let store = if watched {
        Store::open(&data.path().join("index")).expect("a store").0
    } else {
        Store::in_ram()
    };
    let Indexed {
        indexer, engine, ..
    } = index(&store, content.path());
    let watch = watched.then(|| {
        Arc::new(
            erfa_index::watch::Watch::start(
                indexer,
                engine.clone(),
                content.path(),
                erfa_index::watch::WatchOptions::default(),
            )
            .expect("watching"),
        )
    });
    let accounts = Arc::new(Accounts::open(data.path()).expect("accounts"));
    for (name, role) in [
        ("mia", Role::Member),
        ("carl", Role::Contributor),
        ("fran", Role::Facilitator),
        ("target", Role::Member),
    ] {
        accounts.add_user(name, role, PASSWORD).expect("user added");
    }
    let mut config = Config::local(content.path(), data.path());
    config.local = false;
    config.scope = Scope::Public;
    config.public_access = public_access;
    config.public_url = Some("https://erfa.example".to_string());
    configure(&mut config);
    let mailer = erfa_server::Mailer::start(config.smtp_url.as_deref(), &config.mail_from)
        .expect("mail settings");
    let mut state = AppState::new(store, engine, config)
        .with_accounts(accounts.clone())
        .with_mailer(mailer);
    state.watch = watch;
    Site {
        router: router(state),
        content,
        _data: data,
        accounts,
    }
}

/// The sample collection as owned pairs.
pub fn sample_files() -> Vec<(String, String)> {
    owned(sample())
}

pub(crate) fn owned(files: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    files.into_iter().map(|(p, t)| (p.to_string(), t)).collect()
}

const HOST: &str = "erfa.example";

fn req(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST)
        .extension(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 40000))))
}

pub(crate) async fn get_as(router: &Router, uri: &str, cookie: Option<&str>) -> Resp {
    let mut r = req(Method::GET, uri);
    if let Some(cookie) = cookie {
        r = r.header("cookie", cookie);
    }
    send(router, r.body(Body::empty()).expect("a request")).await
}

pub(crate) async fn get_bearer(router: &Router, uri: &str, token: &str) -> Resp {
    let r = req(Method::GET, uri).header("authorization", format!("Bearer {token}"));
    send(router, r.body(Body::empty()).expect("a request")).await
}

pub(crate) async fn post_form(
    router: &Router,
    uri: &str,
    form: &str,
    cookie: Option<&str>,
) -> Resp {
    let mut r = req(Method::POST, uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("origin", format!("https://{HOST}"));
    if let Some(cookie) = cookie {
        r = r.header("cookie", cookie);
    }
    send(
        router,
        r.body(Body::from(form.to_string())).expect("a request"),
    )
    .await
}

/// Logs in and returns the `name=value` of the session cookie.
pub(crate) async fn login(router: &Router, name: &str) -> String {
    let resp = post_form(
        router,
        "/login",
        &format!("name={name}&password={}&next=/", enc(PASSWORD)),
        None,
    )
    .await;
    assert_eq!(resp.status, 303, "login of {name}: {}", resp.text());
    let set = resp.header("set-cookie");
    set.split(';').next().expect("a cookie").to_string()
}

fn rank_user(rank: Rank) -> Option<&'static str> {
    match rank {
        Rank::Anonymous => None,
        Rank::Member => Some("mia"),
        Rank::Contributor => Some("carl"),
        Rank::Facilitator => Some("fran"),
    }
}

/// A concrete path for a route pattern.
pub(crate) fn concrete(path: &str) -> String {
    path.replace("{*slug}", "change/cab-copied")
        .replace("{code}", "da")
        .replace("/static/{name}", "/static/app.css")
        .replace("{link}", "0000")
        .replace("{name}", "target")
}

fn is_login_redirect(resp: &Resp) -> bool {
    resp.status == 303 && resp.header("location").starts_with("/login?next=")
}

#[tokio::test]
async fn every_route_answers_every_rank_as_the_table_says() {
    for public_access in [false, true] {
        let site = site(&owned(sample()), public_access);
        let mut cookies = Vec::new();
        for rank in Rank::ALL {
            let cookie = match rank_user(rank) {
                Some(name) => Some(login(&site.router, name).await),
                None => None,
            };
            cookies.push((rank, cookie));
        }
        let table = routes::table();
        assert!(table.len() >= 20, "the table lists every route");
        for spec in &table {
            if spec.method == Method::POST && (spec.path == "/login" || spec.path == "/logout") {
                // Open by design; their behaviour has tests of its own below (a logout here
                // would end the sessions the walk uses).
                assert_eq!(spec.access, Access::Open);
                continue;
            }
            for (rank, cookie) in &cookies {
                let uri = concrete(spec.path);
                let resp = if spec.method == Method::GET {
                    get_as(&site.router, &uri, cookie.as_deref()).await
                } else {
                    post_form(&site.router, &uri, "role=member", cookie.as_deref()).await
                };
                let allowed = erfa_server::auth::allows(spec.access, *rank, public_access);
                let what = format!(
                    "{} {uri} as {} (public access {public_access}): {} {}",
                    spec.method,
                    rank.as_str(),
                    resp.status,
                    resp.header("location")
                );
                if allowed {
                    assert!(
                        resp.status != 401 && resp.status != 403 && !is_login_redirect(&resp),
                        "allowed but refused: {what}"
                    );
                } else if *rank == Rank::Anonymous {
                    // Exactly what a path that does not exist answers (see below).
                    if public_access {
                        assert_eq!(resp.status, 404, "{what}");
                    } else if uri.starts_with("/api/") {
                        assert_eq!(resp.status, 401, "{what}");
                        assert_eq!(resp.json()["error"]["code"], "login_required", "{what}");
                    } else {
                        assert!(is_login_redirect(&resp), "{what}");
                    }
                } else {
                    assert_eq!(resp.status, 403, "{what}");
                }
            }
        }
        // Unknown paths follow the `public` rule too.
        let anon = get_as(&site.router, "/no/such/page", None).await;
        if public_access {
            assert_eq!(anon.status, 404);
        } else {
            assert!(is_login_redirect(&anon));
        }
    }
}

/// An answer with the request's own path (percent-encoded, as in the login page's `next`
/// parameter) replaced by `{here}` and without its request id (every request has its
/// own), so that answers for two paths can be compared.
fn normalised(resp: &Resp, uri: &str) -> (u16, Vec<(String, String)>, String) {
    let encoded = enc(uri);
    let strip = |text: &str| text.replace(&encoded, "{here}");
    let mut headers: Vec<(String, String)> = resp
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "x-request-id")
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                strip(value.to_str().unwrap_or("<binary>")),
            )
        })
        .collect();
    headers.sort();
    (resp.status.as_u16(), headers, strip(&resp.text()))
}

async fn anonymous(router: &Router, method: Method, uri: &str) -> Resp {
    send(router, req(method, uri).body(Body::empty()).expect("req")).await
}

#[tokio::test]
async fn anonymous_viewers_cannot_tell_a_protected_route_from_a_missing_one() {
    for public_access in [false, true] {
        let site = site(&owned(sample()), public_access);
        let protected: Vec<_> = routes::table()
            .into_iter()
            .filter(|spec| !erfa_server::auth::allows(spec.access, Rank::Anonymous, public_access))
            .collect();
        assert!(protected.len() >= 10, "{protected:?}");
        for spec in &protected {
            let uri = concrete(spec.path);
            // A missing path of the same kind (API or page) and the same depth.
            let missing = if uri.starts_with("/api/") {
                "/api/zz-missing".to_string()
            } else {
                "/zz-missing".to_string()
            };
            for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::POST] {
                let route = anonymous(&site.router, method.clone(), &uri).await;
                let gone = anonymous(&site.router, method.clone(), &missing).await;
                let what = format!("{method} {uri} (public access {public_access})");
                assert_eq!(
                    normalised(&route, &uri),
                    normalised(&gone, &missing),
                    "{what}: a protected route answers unlike a missing path"
                );
                assert!(route.headers.get("allow").is_none(), "{what}");
                assert_ne!(route.status, 204, "{what}");
                assert_ne!(route.status, 405, "{what}");
            }
        }
    }
}

#[tokio::test]
async fn allow_lists_the_methods_only_for_viewers_who_may_use_them() {
    let site = site(&owned(sample()), false);
    let fran = login(&site.router, "fran").await;
    let mia = login(&site.router, "mia").await;
    let as_user = |method: Method, uri: &'static str, cookie: &str| {
        req(method, uri)
            .header("cookie", cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .expect("req")
    };
    for (uri, allow) in [
        ("/login", "GET, HEAD, POST"),
        ("/account/token", "POST"),
        ("/admin/merge", "GET, HEAD, POST"),
        ("/admin/people/target/role", "POST"),
        ("/api/search", "GET, HEAD"),
        ("/w/change/cab-copied", "GET, HEAD"),
    ] {
        let options = send(&site.router, as_user(Method::OPTIONS, uri, &fran)).await;
        assert_eq!(options.status, 204, "OPTIONS {uri}");
        assert_eq!(options.header("allow"), allow, "OPTIONS {uri}");
        crate::security::assert_security_headers(&options, uri);
        let delete = send(&site.router, as_user(Method::DELETE, uri, &fran)).await;
        assert_eq!(delete.status, 405, "DELETE {uri}");
        assert_eq!(delete.header("allow"), allow, "DELETE {uri}");
    }
    // A member may not use the facilitator's routes: 403 as for the route's own methods,
    // and no list of methods.
    for uri in ["/admin/merge", "/admin/people/target/role"] {
        for method in [Method::OPTIONS, Method::DELETE] {
            let resp = send(&site.router, as_user(method.clone(), uri, &mia)).await;
            assert_eq!(resp.status, 403, "{method} {uri}");
            assert!(resp.headers.get("allow").is_none(), "{method} {uri}");
        }
    }
    // A GET of a POST-only route names POST.
    let get = send(&site.router, as_user(Method::GET, "/account/token", &mia)).await;
    assert_eq!(get.status, 405);
    assert_eq!(get.header("allow"), "POST");
}

#[tokio::test]
async fn forged_credentials_give_no_rights() {
    let site = site(&owned(sample()), false);
    for cookie in [
        "__Host-erfa-session=0000000000000000000000000000000000000000000000000000000000000000",
        "__Host-erfa-session=",
        "erfa-session=anything; role=facilitator",
    ] {
        let resp = get_as(&site.router, "/admin/people", Some(cookie)).await;
        assert!(is_login_redirect(&resp), "{cookie}: {}", resp.status);
    }
    let resp = send(
        &site.router,
        req(Method::GET, "/api/search?q=cab")
            .header("x-erfa-role", "facilitator")
            .header("x-remote-user", "fran")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(resp.status, 401);
    let resp = get_bearer(&site.router, "/api/search?q=cab", "not-a-token").await;
    assert_eq!(resp.status, 401);
    assert_eq!(resp.header("www-authenticate"), "Bearer");
}

#[test]
fn the_route_table_is_documented() {
    const BEGIN: &str = "<!-- route table: begin -->\n";
    const END: &str = "<!-- route table: end -->";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/routes.md");
    let doc = std::fs::read_to_string(path).expect("docs/routes.md");
    let (before, rest) = doc.split_once(BEGIN).expect("the begin marker");
    let (documented, after) = rest.split_once(END).expect("the end marker");
    let table = routes::markdown();
    if documented != table && std::env::var_os("ERFA_UPDATE_DOCS").is_some() {
        std::fs::write(path, format!("{before}{BEGIN}{table}{END}{after}")).expect("written");
        return;
    }
    assert_eq!(
        documented, table,
        "docs/routes.md lists other routes than the code; ERFA_UPDATE_DOCS=1 rewrites it"
    );
    for spec in routes::table() {
        assert!(
            spec.access != Access::Open || !spec.path.starts_with("/admin"),
            "{} must not be open",
            spec.path
        );
    }
}

#[tokio::test]
async fn the_session_cookie_is_host_only_secure_and_http_only() {
    let site = site(&owned(sample()), false);
    let resp = post_form(
        &site.router,
        "/login",
        &format!("name=mia&password={}&next=/browse", enc(PASSWORD)),
        None,
    )
    .await;
    assert_eq!(resp.status, 303);
    assert_eq!(resp.header("location"), "/browse");
    // Reached over HTTPS (the public URL says so): browsers are told to stay on it.
    assert_eq!(resp.header("strict-transport-security"), "max-age=31536000");
    let set = resp.header("set-cookie");
    assert!(set.starts_with("__Host-erfa-session="), "{set}");
    let attributes: Vec<String> = set.split(';').map(|a| a.trim().to_lowercase()).collect();
    for wanted in ["secure", "httponly", "samesite=lax", "path=/"] {
        assert!(attributes.iter().any(|a| a == wanted), "{wanted} in {set}");
    }
    assert!(!attributes.iter().any(|a| a.starts_with("domain")), "{set}");
    let id = set
        .split(';')
        .next()
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v)
        .unwrap_or("");
    assert_eq!(id.len(), 64, "256 random bits");

    // A `next` that leaves the site goes home instead.
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let resp = post_form(
            &site.router,
            "/login",
            &format!("name=mia&password={}&next={}", enc(PASSWORD), enc(next)),
            None,
        )
        .await;
        assert_eq!(resp.header("location"), "/", "{next}");
    }
}

#[tokio::test]
async fn sessions_change_at_login_end_at_logout_and_follow_role_changes() {
    let site = site(&owned(sample()), false);
    let first = login(&site.router, "fran").await;
    // Logging in again with the old cookie gives a new id and ends the old session.
    let resp = post_form(
        &site.router,
        "/login",
        &format!("name=fran&password={}&next=/", enc(PASSWORD)),
        Some(&first),
    )
    .await;
    let second = resp
        .header("set-cookie")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();
    assert_ne!(first, second);
    assert!(is_login_redirect(
        &get_as(&site.router, "/account", Some(&first)).await
    ));
    assert_eq!(
        get_as(&site.router, "/account", Some(&second)).await.status,
        200
    );

    // A role change applies from the next request.
    assert_eq!(
        get_as(&site.router, "/admin/people", Some(&second))
            .await
            .status,
        200
    );
    let fran = site.accounts.require("fran").expect("fran");
    site.accounts
        .set_role(&fran, Role::Member)
        .expect("role changed");
    assert_eq!(
        get_as(&site.router, "/admin/people", Some(&second))
            .await
            .status,
        403
    );

    // Logout ends the session and clears the cookie.
    let resp = post_form(&site.router, "/logout", "", Some(&second)).await;
    assert_eq!(resp.status, 303);
    assert!(resp.header("set-cookie").contains("Max-Age=0"));
    let after = get_as(&site.router, "/", Some(&second)).await;
    assert!(is_login_redirect(&after));
    // The stale cookie is cleared.
    assert!(after.header("set-cookie").contains("Max-Age=0"));
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let site = site(&owned(sample()), false);
    let cookie = login(&site.router, "fran").await;
    let attempt = |headers: Vec<(&'static str, String)>| {
        let mut r = req(Method::POST, "/admin/people/invite")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie.clone());
        for (name, value) in headers {
            r = r.header(name, value);
        }
        r.body(Body::from("role=facilitator")).expect("req")
    };
    for (what, headers) in [
        (
            "cross-site",
            vec![("sec-fetch-site", "cross-site".to_string())],
        ),
        (
            "same-site",
            vec![("sec-fetch-site", "same-site".to_string())],
        ),
        (
            "foreign origin",
            vec![("origin", "https://evil.example".to_string())],
        ),
        ("null origin", vec![("origin", "null".to_string())]),
        ("neither header", vec![]),
    ] {
        let resp = send(&site.router, attempt(headers)).await;
        assert_eq!(resp.status, 403, "{what}");
        assert!(resp.text().contains("another site"), "{what}");
    }
    for (what, headers) in [
        (
            "same-origin",
            vec![("sec-fetch-site", "same-origin".to_string())],
        ),
        ("own origin", vec![("origin", format!("https://{HOST}"))]),
    ] {
        let resp = send(&site.router, attempt(headers)).await;
        assert_eq!(resp.status, 200, "{what}");
        assert!(resp.text().contains("/invite/"), "{what}");
    }
    // GET never changes anything: there is no GET for the action.
    let resp = get_as(&site.router, "/admin/people/invite", Some(&cookie)).await;
    assert_eq!(resp.status, 405);
}

fn login_request(name: &str, password: &str, address: [u8; 4], forwarded: &str) -> Request<Body> {
    Request::post("/login")
        .header("host", HOST)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", forwarded)
        .extension(ConnectInfo(SocketAddr::from((address, 40000))))
        .body(Body::from(format!(
            "name={}&password={}&next=/",
            enc(name),
            enc(password)
        )))
        .expect("req")
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account_whatever_the_forwarded_address() {
    let site = site(&owned(sample()), false);
    for attempt in 1..=20u8 {
        let resp = send(
            &site.router,
            login_request(
                "mia",
                "wrong password!",
                [198, 51, 100, attempt],
                &format!("203.0.113.{attempt}"),
            ),
        )
        .await;
        if attempt <= 5 {
            assert_eq!(resp.status, 401, "attempt {attempt}");
        } else {
            assert_eq!(resp.status, 429, "attempt {attempt}");
        }
    }
    // Even the right password waits now.
    let resp = send(
        &site.router,
        login_request("mia", PASSWORD, [198, 51, 100, 99], ""),
    )
    .await;
    assert_eq!(resp.status, 429);
    // Other accounts are not affected.
    let resp = send(
        &site.router,
        login_request("carl", PASSWORD, [198, 51, 100, 98], ""),
    )
    .await;
    assert_eq!(resp.status, 303);
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_look_the_same() {
    let site = site(&owned(sample()), false);
    // The answers: the same status and page, apart from the name typed.
    for (i, (known, unknown)) in [("target", "nobody99"), ("mia", "nobody98")]
        .iter()
        .enumerate()
    {
        let a = send(
            &site.router,
            login_request(known, "wrong password!", [198, 18, 1, i as u8], ""),
        )
        .await;
        let b = send(
            &site.router,
            login_request(unknown, "wrong password!", [198, 18, 2, i as u8], ""),
        )
        .await;
        assert_eq!((a.status.as_u16(), b.status.as_u16()), (401, 401));
        assert_eq!(
            a.text()
                .replace(&format!("value=\"{known}\""), "value=\"\""),
            b.text()
                .replace(&format!("value=\"{unknown}\""), "value=\"\"")
        );
    }
    // The cost: each verifies exactly one Argon2id hash, and the stand-in hash for
    // unknown names has the parameters of a real one (erfa-accounts tests that). How long
    // the two take is measured by `cargo bench -p erfa-accounts --bench login`.
    for (i, name) in ["target", "nobody97", "mia", "nobody96"].iter().enumerate() {
        let before = site.accounts.password_checks();
        let resp = send(
            &site.router,
            login_request(name, "wrong password!", [198, 19, 0, i as u8], ""),
        )
        .await;
        assert_eq!(resp.status, 401, "{name}");
        assert_eq!(site.accounts.password_checks(), before + 1, "{name}");
    }
}

#[tokio::test]
async fn tokens_and_feed_addresses_carry_their_owners_role() {
    let site = site(&owned(sample()), false);
    let api = site
        .accounts
        .create_token(&site.accounts.require("mia").expect("mia"), TokenKind::Api)
        .expect("token");
    let resp = get_bearer(&site.router, "/api/search?q=tiers", &api).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["scope"], "members");
    assert_eq!(resp.header("cache-control"), "private, no-store");
    // A feed token works only for the feed, an API token not as a feed token.
    let feed = site
        .accounts
        .create_token(&site.accounts.require("mia").expect("mia"), TokenKind::Feed)
        .expect("token");
    let resp = get_as(&site.router, &format!("/feed.atom?token={feed}"), None).await;
    assert_eq!(resp.status, 200);
    assert!(resp.text().contains("Vi kopierede"), "members-only entries");
    let resp = get_as(&site.router, &format!("/feed.atom?token={api}"), None).await;
    assert_eq!(resp.status, 401);
    let resp = get_bearer(&site.router, "/api/search?q=x", &feed).await;
    assert_eq!(resp.status, 401);
    // Offboarding ends everything at once.
    let cookie = login(&site.router, "mia").await;
    let mia = site.accounts.require("mia").expect("mia");
    site.accounts.lock(&mia).expect("locked");
    assert_eq!(
        get_bearer(&site.router, "/api/search?q=x", &api)
            .await
            .status,
        401
    );
    assert_eq!(
        get_as(&site.router, &format!("/feed.atom?token={feed}"), None)
            .await
            .status,
        401
    );
    assert!(is_login_redirect(
        &get_as(&site.router, "/", Some(&cookie)).await
    ));
}

#[tokio::test]
async fn answers_for_logged_in_people_are_private() {
    let site = site(&owned(sample()), true);
    let cookie = login(&site.router, "mia").await;
    for uri in [
        "/",
        "/?q=cab",
        "/w/change/cab-copied",
        "/api/search?q=cab",
        "/feed.atom",
        "/browse",
        "/nope",
    ] {
        let resp = get_as(&site.router, uri, Some(&cookie)).await;
        assert_eq!(resp.header("cache-control"), "private, no-store", "{uri}");
        let vary: Vec<&str> = resp
            .headers
            .get_all("vary")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        assert!(vary.iter().any(|v| v.contains("Cookie")), "{uri}: {vary:?}");
        let anon = get_as(&site.router, uri, None).await;
        assert!(anon.header("cache-control").contains("no-store"), "{uri}");
    }
    // After logout the member's URLs answer as for anyone.
    post_form(&site.router, "/logout", "", Some(&cookie)).await;
    let resp = get_as(&site.router, "/w/change/cab-kopieret", Some(&cookie)).await;
    assert_eq!(resp.status, 404);
}

#[tokio::test]
async fn invitations_create_accounts_and_resets_set_passwords() {
    let site = site(&owned(sample()), false);
    let fran = login(&site.router, "fran").await;
    let resp = post_form(
        &site.router,
        "/admin/people/invite",
        "role=contributor",
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 200);
    let page = resp.text();
    let start = page.find("https://erfa.example/invite/").expect("a link");
    let link: String = page[start + "https://erfa.example".len()..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert_eq!(get_as(&site.router, &link, None).await.status, 200);
    let resp = post_form(
        &site.router,
        &link,
        "name=newbie&password=one+long+password&password_again=another+password",
        None,
    )
    .await;
    assert_eq!(resp.status, 400, "passwords differ");
    let resp = post_form(
        &site.router,
        &link,
        "name=newbie&password=one+long+password&password_again=one+long+password",
        None,
    )
    .await;
    assert_eq!(resp.status, 303);
    let cookie = resp
        .header("set-cookie")
        .split(';')
        .next()
        .expect("c")
        .to_string();
    assert_eq!(
        get_as(&site.router, "/account", Some(&cookie)).await.status,
        200
    );
    assert_eq!(
        site.accounts.user("newbie").expect("db").map(|u| u.role),
        Some(Role::Contributor)
    );
    // The link works once.
    assert_eq!(get_as(&site.router, &link, None).await.status, 404);

    // Offboarding from the people page ends the user's session at once.
    let resp = post_form(
        &site.router,
        "/admin/people/newbie/offboard",
        "confirm=yes",
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert!(is_login_redirect(
        &get_as(&site.router, "/account", Some(&cookie)).await
    ));
    // The facilitator cannot lock themselves out.
    let resp = post_form(
        &site.router,
        "/admin/people/fran/role",
        "role=member",
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 403);
    let log = site.accounts.audit_log(20).expect("audit");
    assert!(
        log.iter()
            .any(|e| e.action == "user.offboard" && e.target == "newbie")
    );
    assert!(log.iter().any(|e| e.action == "invite.create"));
}

// ---------------------------------------------------------------------------------------
// Confidentiality

/// 200 members-only write-ups, each with its own canary word in the title, tags,
/// organisation and body, and one attachment.
fn canaries() -> Vec<(String, String)> {
    (0..200)
        .map(|i| {
            let w = canary(i);
            (
                format!("secret/{w}.md"),
                format!(
                    "---\ntitle: {w} change board lesson\nsummary: The {w} incident review.\nkind: lesson\npractices: [change-enablement]\ntags: [{w}tag, cab]\nlanguage: en\ndate: 2024-01-{:02}\norganisation: {w} Kommune\nsector: public\nmeeting: 2024-Q1\n---\n## Lesson learned\n\nThe {w} change board met weekly about incident swarming.\n",
                    i % 28 + 1
                ),
            )
        })
        .collect()
}

fn canary(i: usize) -> String {
    // Letters only, so that analysis keeps the word whole.
    let letters: String = format!("{i:03}")
        .bytes()
        .map(|b| (b'q' + (b - b'0')) as char)
        .collect();
    format!("zqx{letters}canary")
}

/// The sample, the canaries, and members-only write-ups that are broken (fail closed:
/// a write-up that cannot be read is never shown to anyone).
fn with_canaries() -> Vec<(String, String)> {
    let mut files = owned(sample());
    files.extend(canaries());
    files.push((
        "secret/broken-visibility.md".to_string(),
        "---\ntitle: zqxbrokenvisibilitycanary\nkind: lesson\nvisibility: publik\n---\n## Lesson learned\n\nzqxbrokenvisibilitycanary text.\n".to_string(),
    ));
    files.push((
        "secret/broken-yaml.md".to_string(),
        "---\ntitle: zqxbrokenyamlcanary\nkind: [lesson\nvisibility: public\n---\nzqxbrokenyamlcanary text.\n".to_string(),
    ));
    files.push((
        "secret/no-visibility.md".to_string(),
        "---\ntitle: zqxnovisibilitycanary lesson\nkind: lesson\nlanguage: en\n---\n## Lesson learned\n\nzqxnovisibilitycanary text.\n".to_string(),
    ));
    files
}

/// Every anonymous route, with queries that touch the canaries.
fn anonymous_probes() -> Vec<String> {
    let mut uris: Vec<String> = [
        "/",
        "/browse",
        "/feed.atom",
        "/opensearch.xml",
        "/robots.txt",
        "/api/health",
        "/api/facets",
        "/api/openapi.json",
        "/login",
        "/nope",
        "/api/nope",
        "/?q=cab",
        "/?q=change+board",
        "/?q=kommune",
        "/?q=incident+swarming",
        "/?tags=cab",
        "/?practices=change-enablement",
        "/?year=2024",
        "/api/search?q=change+board&per_page=100",
        "/api/search?q=zqx",
        "/api/search?q=",
        "/api/suggest?q=zq",
        "/api/search?q=broken",
        "/api/search?q=text",
        "/w/secret/broken-visibility",
        "/w/secret/broken-yaml",
        "/w/secret/no-visibility",
        "/api/suggest?q=chan",
        "/api/writeups/change/cab-copied/related",
        "/w/change/cab-copied",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in (0..200).step_by(7) {
        let w = canary(i);
        uris.push(format!("/?q={w}"));
        uris.push(format!("/api/search?q={w}"));
        uris.push(format!("/api/search?q={}", &w[..w.len() - 1]));
        uris.push(format!("/api/suggest?q={}", &w[..6]));
        uris.push(format!("/api/facets?tags={w}tag"));
        uris.push(format!("/?tags={w}tag"));
        uris.push(format!("/w/secret/{w}"));
        uris.push(format!("/api/writeups/secret/{w}"));
        uris.push(format!("/api/writeups/secret/{w}/related"));
        uris.push(format!("/w/secret/{w}/diagram.png"));
    }
    uris
}

/// A canary in `text` that the request itself did not name (a search box repeats the
/// query it was given; that is not a leak).
fn leaked_canary(uri: &str, text: &str) -> Option<String> {
    let mut lower = text.to_lowercase();
    let mut asked: Vec<String> = uri
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.starts_with("zqx"))
        .map(str::to_string)
        .collect();
    asked.sort_by_key(|w| std::cmp::Reverse(w.len()));
    for word in asked {
        lower = lower.replace(&word, "");
    }
    contains_canary(&lower)
}

fn contains_canary(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    lower
        .find("canary")
        .or_else(|| lower.find("zqx"))
        .map(|at| lower[at.saturating_sub(20)..(at + 20).min(lower.len())].to_string())
}

#[tokio::test]
async fn no_anonymous_response_contains_a_canary_and_a_member_sees_them_all() {
    for public_access in [true, false] {
        let site = site(&with_canaries(), public_access);
        for i in (0..200).step_by(7) {
            write(
                site.content.path(),
                &format!("secret/{}/diagram.png", canary(i)),
                PNG,
            );
        }
        for uri in anonymous_probes() {
            let resp = get_as(&site.router, &uri, None).await;
            assert!(resp.status != 500, "{uri}");
            if let Some(found) = leaked_canary(&uri, &resp.text()) {
                panic!("{uri} (public access {public_access}) leaks: …{found}…");
            }
            for (name, value) in &resp.headers {
                let value = value.to_str().unwrap_or("");
                if name != "location" {
                    assert!(
                        leaked_canary(&uri, value).is_none(),
                        "{uri}: header {name}: {value}"
                    );
                }
            }
        }
        // The control: a member's token finds every canary.
        let token = site
            .accounts
            .create_token(&site.accounts.require("mia").expect("mia"), TokenKind::Api)
            .expect("token");
        for i in 0..200 {
            let w = canary(i);
            let resp = get_bearer(&site.router, &format!("/api/search?q={w}"), &token).await;
            assert_eq!(resp.json()["hits"][0]["slug"], format!("secret/{w}"), "{w}");
        }
        let resp = get_bearer(&site.router, "/api/writeups/secret/zqxqqqcanary", &token).await;
        assert_eq!(resp.status, 200);
        assert!(
            resp.text().contains("zqxqqqcanary Kommune"),
            "members see organisations"
        );
    }
}

#[tokio::test]
async fn anonymous_answers_are_byte_identical_with_and_without_members_only_write_ups() {
    let with = site(&with_canaries(), true);
    let without = site(&owned(sample()), true);
    assert_eq!(get_as(&with.router, "/api/health", None).await.status, 200);
    for i in (0..200).step_by(7) {
        write(
            with.content.path(),
            &format!("secret/{}/diagram.png", canary(i)),
            PNG,
        );
    }
    let mut probes = anonymous_probes();
    // 200 queries in all: common words, filters, typos, suggestions.
    for word in [
        "cab",
        "change",
        "board",
        "incident",
        "swarming",
        "lesson",
        "tiers",
        "kommune",
        "weekly",
        "review",
        "chnage",
        "incdent",
        "bank",
        "CAB 1:1",
        "\"change board\"",
        // A phrase also finds its words apart: here a members-only canary's word.
        "\"zqxqqqcanary change\"",
        "\"board change\"",
        "-cab change",
        "cab OR tiers",
        "kind:lesson",
        "tags:cab",
        "year:2024",
    ] {
        for base in [
            "/?q=",
            "/api/search?q=",
            "/api/suggest?q=",
            "/api/facets?q=",
        ] {
            probes.push(format!("{base}{}", enc(word)));
        }
        probes.push(format!("/api/search?sort=newest&q={}", enc(word)));
        probes.push(format!("/?section=lessons&q={}", enc(word)));
    }
    assert!(probes.len() >= 200, "{} probes", probes.len());
    for uri in &probes {
        let a = get_as(&with.router, uri, None).await;
        let b = get_as(&without.router, uri, None).await;
        assert_eq!(a.status, b.status, "{uri}");
        assert_eq!(a.text(), b.text(), "{uri}");
        for header in [
            "content-type",
            "location",
            "cache-control",
            "vary",
            "set-cookie",
        ] {
            let va: Vec<_> = a.headers.get_all(header).iter().collect();
            let vb: Vec<_> = b.headers.get_all(header).iter().collect();
            assert_eq!(va, vb, "{uri}: {header}");
        }
    }
}

#[tokio::test]
async fn members_only_write_ups_do_not_exist_for_anonymous_visitors() {
    // With public access off, everything but the open routes asks for login, the same
    // for write-ups that exist and those that do not.
    let closed = site(&with_canaries(), false);
    for (present, absent) in [
        ("/w/secret/zqxqqqcanary", "/w/secret/zqxzzzcanary"),
        (
            "/api/writeups/secret/zqxqqqcanary",
            "/api/writeups/secret/zqxzzzcanary",
        ),
        ("/w/change/cab-kopieret", "/w/change/cab-kopierex"),
    ] {
        let a = get_as(&closed.router, present, None).await;
        let b = get_as(&closed.router, absent, None).await;
        assert_eq!(a.status, b.status, "{present}");
        assert_eq!(
            a.text().replace(present, "X"),
            b.text().replace(absent, "X"),
            "{present}"
        );
    }
    // With public access on, a members-only write-up is a plain 404.
    let open = site(&with_canaries(), true);
    let a = get_as(&open.router, "/api/writeups/secret/zqxqqqcanary", None).await;
    let b = get_as(&open.router, "/api/writeups/secret/zqxzzzcanary", None).await;
    assert_eq!((a.status.as_u16(), a.text()), (404, b.text()));
}

#[tokio::test]
async fn organisations_reach_members_only() {
    let site = site(&owned(sample()), true);
    let anon = get_as(&site.router, "/w/change/cab-copied", None).await;
    assert_eq!(anon.status, 200);
    assert!(!anon.text().contains("Secret Kommune"));
    // Sector, size and tool together name an organisation: public pages show neither
    // size nor tools.
    assert!(!anon.text().contains("1-50"), "organisation size hidden");
    assert!(!anon.text().contains("TOPdesk"), "tools hidden");
    let api = get_as(&site.router, "/api/writeups/change/cab-copied", None).await;
    assert!(!api.text().contains("Secret Kommune"));
    let search = get_as(&site.router, "/api/search?q=cab", None).await;
    assert!(!search.text().contains("Secret Kommune"));
    let cookie = login(&site.router, "mia").await;
    let member = get_as(&site.router, "/w/change/cab-copied", Some(&cookie)).await;
    assert!(member.text().contains("Secret Kommune"));
}

#[tokio::test]
async fn a_write_up_narrowed_to_members_disappears_for_anonymous_visitors_within_seconds() {
    let site = site_with(&owned(sample()), true, true, |_| {});
    let (app, content) = (&site.router, site.content.path());

    let probes = [
        "/api/search?q=printer+queues",
        "/w/change/cab-copied",
        "/feed.atom",
        "/?q=printer",
    ];
    for uri in probes {
        let resp = get_as(app, uri, None).await;
        assert!(
            resp.text().contains("We copied a bank"),
            "{uri} shows it first"
        );
    }
    let path = content.join("change/cab-copied.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("visibility: public", "visibility: members"),
    )
    .expect("w");
    let started = Instant::now();
    loop {
        let mut leaked = Vec::new();
        for uri in probes {
            let resp = get_as(app, uri, None).await;
            if resp.text().contains("We copied a bank")
                || resp.text().contains("reviewed every change")
            {
                leaked.push((uri, resp.text()));
            }
        }
        if leaked.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still shown after 5 s: {leaked:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(get_as(app, "/w/change/cab-copied", None).await.status, 404);
    let cookie = login(app, "mia").await;
    let member = get_as(app, "/w/change/cab-copied", Some(&cookie)).await;
    assert_eq!(member.status, 200, "members still read it");
}

/// What anonymous answers may show while visibility churns: generation by generation,
/// the flippers that may be public. A response may show what any generation during its
/// lifetime allowed.
struct Allowed {
    generations: std::sync::Mutex<Vec<std::collections::BTreeSet<usize>>>,
}

impl Allowed {
    fn now(&self) -> usize {
        self.generations.lock().expect("generations").len() - 1
    }

    fn push(&self, allowed: std::collections::BTreeSet<usize>) {
        self.generations.lock().expect("generations").push(allowed);
    }

    /// What any generation from `from` to now allowed.
    fn since(&self, from: usize) -> std::collections::BTreeSet<usize> {
        let generations = self.generations.lock().expect("generations");
        generations[from..].iter().flatten().copied().collect()
    }
}

/// While write-ups flip between public and members-only and new members-only write-ups
/// arrive, anonymous answers never show a word that was only ever members', and never a
/// write-up that was members-only when the index last caught up with the folder and is
/// still so (E10). Six clients ask without pause — searches, the home page, suggestions,
/// the feed, write-up pages — while rounds of edits go on until 10,000 answers have been
/// checked; each round waits until the index has caught up, which narrows what may show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_leak_while_visibility_churns() {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let flipper = |i: usize, public: bool| {
        format!(
            "---\ntitle: Flipping write-up zqxflip{} about change boards\nkind: lesson\nlanguage: en\nvisibility: {}\n---\n## Lesson learned\n\nThe change board zqxflip{} met weekly.\n",
            canary(i),
            if public { "public" } else { "members" },
            canary(i)
        )
    };
    let word = |i: usize| format!("zqxflip{}", canary(i));
    // The first half alternate between public and members-only every round; the second
    // half turn members-only in the first round and stay so.
    const FLIPPERS: usize = 20;
    const ALTERNATING: usize = FLIPPERS / 2;
    const MIN_ROUNDS: usize = 8;
    const ANSWERS: usize = 10_000;
    const CLIENTS: usize = 6;
    let files: Vec<(String, String)> = (0..FLIPPERS)
        .map(|i| (format!("flip/{i}.md"), flipper(i, true)))
        .collect();
    let site = site_with(&files, true, true, |_| {});
    let app = &site.router;
    let root = site.content.path().to_path_buf();
    std::fs::create_dir_all(root.join("new")).expect("a folder");
    let member = login(app, "mia").await;
    let mut queries: Vec<String> = [
        "/api/search?q=change+board&per_page=100",
        "/api/search?q=weekly&per_page=100",
        "/?q=change+board&per_page=100",
        "/api/suggest?q=zqx",
        "/feed.atom",
    ]
    .map(String::from)
    .to_vec();
    queries.extend((0..FLIPPERS).map(|i| format!("/w/flip/{i}")));

    // The public flippers as of the last time the index caught up: all, at the start.
    let allowed = Arc::new(Allowed {
        generations: std::sync::Mutex::new(vec![(0..FLIPPERS).collect()]),
    });
    let answers = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (app, queries) = (app.clone(), queries.clone());
            let (allowed, answers, done) = (allowed.clone(), answers.clone(), done.clone());
            tokio::spawn(async move {
                let mut n = client;
                while !done.load(Ordering::Relaxed) {
                    let uri = &queries[n % queries.len()];
                    n += CLIENTS + 1;
                    let from = allowed.now();
                    let resp = get_as(&app, uri, None).await;
                    let may = allowed.since(from);
                    assert!(
                        resp.status == 200 || (uri.starts_with("/w/") && resp.status == 404),
                        "{uri}: {}",
                        resp.status
                    );
                    let text = resp.text().to_lowercase();
                    assert!(
                        !text.contains("zqxnewmembers"),
                        "{uri}: a members-only write-up leaked"
                    );
                    for i in (0..FLIPPERS).filter(|i| !may.contains(i)) {
                        assert!(
                            !text.contains(&word(i)),
                            "{uri}: {} is members-only and shown",
                            word(i)
                        );
                    }
                    answers.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    let started = Instant::now();
    let mut settled: BTreeSet<usize> = (0..FLIPPERS).collect();
    let mut round = 0;
    while round < MIN_ROUNDS || answers.load(Ordering::Relaxed) < ANSWERS {
        if clients.iter().any(tokio::task::JoinHandle::is_finished) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "{} answers in {round} rounds",
            answers.load(Ordering::Relaxed)
        );
        let public: BTreeSet<usize> = (0..ALTERNATING).filter(|_| round % 2 == 1).collect();
        // While the edits are on their way, a flipper may show if it was public before
        // or is public now; nothing else may.
        allowed.push(settled.union(&public).copied().collect());
        for i in 0..FLIPPERS {
            std::fs::write(
                root.join(format!("flip/{i}.md")),
                flipper(i, public.contains(&i)),
            )
            .expect("w");
        }
        // A new members-only write-up, with a word no public write-up ever had.
        let newcomer = format!("zqxnewmembers{}", canary(100 + round));
        std::fs::write(
            root.join(format!("new/{round}.md")),
            format!("---\ntitle: {newcomer} change board\nkind: lesson\nlanguage: en\n---\n## Lesson learned\n\n{newcomer} change board.\n"),
        )
        .expect("new write-up");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let shown = get_as(app, &queries[0], None).await.text().to_lowercase();
            let caught_up = (0..FLIPPERS).all(|i| shown.contains(&word(i)) == public.contains(&i))
                && get_as(app, &format!("/api/search?q={newcomer}"), Some(&member))
                    .await
                    .json()["hits"]
                    .as_array()
                    .is_some_and(|hits| {
                        hits.iter()
                            .any(|h| h["slug"].as_str() == Some(&format!("new/{round}")))
                    });
            if caught_up {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: the index did not catch up within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        allowed.push(public.clone());
        settled = public;
        round += 1;
    }
    done.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.expect("a client found no leak");
    }
    let answers = answers.load(Ordering::Relaxed);
    eprintln!(
        "E10: {answers} answers checked over {round} rounds in {:?}",
        started.elapsed()
    );
    assert!(answers >= ANSWERS, "{answers} answers");
}

/// Single sign-on through a trusted reverse proxy: the header is believed from the proxy's
/// address only, names an existing account, and is ambient authority for the CSRF check.
#[tokio::test]
async fn a_trusted_proxy_signs_members_in_and_nobody_else_can() {
    let proxy = std::net::IpAddr::from([10, 0, 0, 5]);
    let site = site_with(&owned(sample()), false, false, |config| {
        config.trusted_proxies = vec![proxy];
        config.sso_header = Some(axum::http::HeaderName::from_static("x-remote-user"));
    });
    let app = &site.router;
    let from = |peer: std::net::IpAddr, user: &str, method: Method, uri: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("host", HOST)
            .header("x-remote-user", user)
            .extension(ConnectInfo(SocketAddr::new(peer, 40000)))
    };

    // From the proxy: mia, a member.
    let resp = send(
        app,
        from(proxy, "mia", Method::GET, "/w/change/cab-kopieret")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("cache-control"), "private, no-store");
    // The same header from anywhere else is nobody's.
    let resp = send(
        app,
        from(
            [192, 0, 2, 9].into(),
            "mia",
            Method::GET,
            "/w/change/cab-kopieret",
        )
        .body(Body::empty())
        .expect("req"),
    )
    .await;
    assert!(is_login_redirect(&resp), "{}", resp.status);
    // A name without an account is refused with an explanation.
    let resp = send(
        app,
        from(proxy, "stranger", Method::GET, "/api/search?q=cab")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(resp.status, 403);
    assert_eq!(resp.json()["error"]["code"], "unknown_user");
    // A form sent from another site through the proxy, without Origin or Sec-Fetch-Site,
    // is refused like one with a session cookie.
    let resp = send(
        app,
        from(proxy, "mia", Method::POST, "/account/token")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(resp.status, 403);
    let resp = send(
        app,
        from(proxy, "mia", Method::POST, "/account/token")
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(resp.status, 200);
}

// ---------------------------------------------------------------------------------------
// Identity is an account id, never a name (docs/ARCHITECTURE.md, "Invariants")

/// Logs in with `password` and returns the session cookie.
pub(crate) async fn login_with(router: &Router, name: &str, password: &str) -> String {
    let resp = post_form(
        router,
        "/login",
        &format!("name={}&password={}&next=/", enc(name), enc(password)),
        None,
    )
    .await;
    assert_eq!(resp.status, 303, "login of {name}: {}", resp.text());
    cookie_of(&resp)
}

fn cookie_of(resp: &Resp) -> String {
    resp.header("set-cookie")
        .split(';')
        .next()
        .expect("a cookie")
        .to_string()
}

/// The text of the first `<code>` after `marker` in a page: the one-time link, token or
/// feed address the page shows once.
pub(crate) fn shown(page: &str, marker: &str) -> String {
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {page}"));
    page[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect::<String>()
        .replace("&#38;", "&")
}

/// A one-time link the people page made, as a path (`/invite/…`).
pub(crate) async fn people_link(router: &Router, action: &str, form: &str, cookie: &str) -> String {
    let resp = post_form(router, action, form, Some(cookie)).await;
    assert_eq!(resp.status, 200, "{action}: {}", resp.text());
    shown(&resp.text(), "https://erfa.example/invite/")["https://erfa.example".len()..].to_string()
}

/// Accepts an invitation; returns the new account's session cookie.
pub(crate) async fn accept(router: &Router, link: &str, name: &str, password: &str) -> String {
    let resp = post_form(
        router,
        link,
        &format!(
            "name={}&password={}&password_again={}",
            enc(name),
            enc(password),
            enc(password)
        ),
        None,
    )
    .await;
    assert_eq!(resp.status, 303, "{name} accepts: {}", resp.text());
    cookie_of(&resp)
}

/// Uses a reset link; the answer.
async fn reset_with(router: &Router, link: &str, password: &str) -> Resp {
    post_form(
        router,
        link,
        &format!(
            "name=&password={}&password_again={}",
            enc(password),
            enc(password)
        ),
        None,
    )
    .await
}

/// A share form that names `word` in the title and `organisation`.
fn share_form(word: &str, organisation: &str) -> String {
    [
        ("title", format!("Triage by {word}")),
        ("summary", format!("Queues shrank once {word} ran triage.")),
        ("kind", "lesson".to_string()),
        ("practices", "service-desk".to_string()),
        ("language", "en".to_string()),
        ("date", "2024-05-02".to_string()),
        ("organisation", organisation.to_string()),
        ("sector", "public".to_string()),
        ("visibility", "members".to_string()),
        ("problem", "Tickets waited three days.".to_string()),
        ("lesson", format!("Triage by {word} beats a shared inbox.")),
        ("action", "confirm".to_string()),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", enc(v)))
    .collect::<Vec<_>>()
    .join("&")
}

/// Security findings 4 and 5, end to end: invite → share → offboard → the same name
/// invited again. Offboarding ends every credential at once; the new holder of the name
/// sees none of the previous holder's write-ups, and no reset link made for the previous
/// holder sets the new holder's password.
#[tokio::test]
async fn offboarding_ends_everything_and_a_reused_name_starts_empty() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let fran = login(app, "fran").await;

    // Jane joins and shares a write-up.
    let invite = people_link(app, "/admin/people/invite", "role=contributor", &fran).await;
    let jane = accept(app, &invite, "jane", "the first jane's password").await;
    let resp = post_form(
        app,
        "/share",
        &share_form("zqxjaneword", "Zqxjane Kommune"),
        Some(&jane),
    )
    .await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    let slug = resp
        .header("location")
        .strip_prefix("/mine?saved=")
        .expect("saved")
        .to_string();
    let mine = get_as(app, "/mine", Some(&jane)).await;
    assert!(mine.text().contains("zqxjaneword"), "{}", mine.text());
    let edit = get_as(app, &format!("/mine/{slug}"), Some(&jane)).await;
    assert!(edit.text().contains("Zqxjane Kommune"));

    // Her credentials: an API token, a feed address, two reset links.
    let page = post_form(app, "/account/token", "", Some(&jane))
        .await
        .text();
    let code = "<code id=\"api-token\">";
    let marker = page.find(code).expect("a token") + code.len();
    let token = shown(&page[marker..], "");
    assert_eq!(token.len(), 64, "{token}");
    let page = post_form(app, "/account/feed", "", Some(&jane))
        .await
        .text();
    let feed = shown(&page, "https://erfa.example/feed.atom?token=")
        ["https://erfa.example".len()..]
        .to_string();
    assert_eq!(get_as(app, &feed, None).await.status, 200);
    let first_reset = people_link(app, "/admin/people/jane/reset", "", &fran).await;
    let second_reset = people_link(app, "/admin/people/jane/reset", "", &fran).await;
    assert_eq!(get_as(app, &first_reset, None).await.status, 200);

    // Offboarded from the people page: everything ends at once.
    let resp = post_form(
        app,
        "/admin/people/jane/offboard",
        "confirm=yes",
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert!(is_login_redirect(&get_as(app, "/mine", Some(&jane)).await));
    assert_eq!(
        get_bearer(app, "/api/search?q=cab", &token).await.status,
        401
    );
    assert_eq!(get_as(app, &feed, None).await.status, 401);
    for link in [&first_reset, &second_reset] {
        assert_eq!(get_as(app, link, None).await.status, 404, "{link}");
    }

    // Someone new is invited and picks the same name (typed in capitals).
    let invite = people_link(app, "/admin/people/invite", "role=contributor", &fran).await;
    let new_jane = accept(app, &invite, "JANE", "the new jane's password").await;
    assert_eq!(
        site.accounts.user("jane").expect("db").map(|u| u.name),
        Some("jane".to_string())
    );
    let mine = get_as(app, "/mine", Some(&new_jane)).await;
    assert_eq!(mine.status, 200);
    assert!(
        !mine.text().to_lowercase().contains("zqxjane"),
        "the previous holder's write-ups: {}",
        mine.text()
    );
    assert_eq!(
        get_as(app, &format!("/mine/{slug}"), Some(&new_jane))
            .await
            .status,
        404
    );
    // The previous holder's reset links do not set the new holder's password.
    for link in [&first_reset, &second_reset] {
        assert_eq!(get_as(app, link, None).await.status, 404, "{link}");
        let resp = reset_with(app, link, "an attacker's password").await;
        assert_eq!(resp.status, 404, "{link}");
    }
    let resp = send(
        app,
        login_request("jane", "an attacker's password", [198, 51, 100, 7], ""),
    )
    .await;
    assert_eq!(resp.status, 401);
    login_with(app, "jane", "the new jane's password").await;
    // The audit log tells the two apart by account id.
    let log = site.accounts.audit_log(50).expect("audit");
    let offboarded = log
        .iter()
        .find(|e| e.action == "user.offboard")
        .and_then(|e| e.target_id)
        .expect("an offboarding entry with an id");
    let joined: Vec<Option<i64>> = log
        .iter()
        .filter(|e| e.action == "link.use")
        .map(|e| e.actor_id)
        .collect();
    assert_eq!(joined.len(), 2);
    assert!(joined.contains(&Some(offboarded)));
    assert_ne!(joined[0], joined[1]);
}

/// A password set through a reset link ends the account's other sessions and every other
/// outstanding reset link for it.
#[tokio::test]
async fn a_reset_ends_the_other_sessions_and_reset_links() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let fran = login(app, "fran").await;
    let before = login(app, "mia").await;
    let first = people_link(app, "/admin/people/mia/reset", "", &fran).await;
    let second = people_link(app, "/admin/people/mia/reset", "", &fran).await;
    let resp = reset_with(app, &first, "mia's new password").await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    let after = cookie_of(&resp);
    assert_eq!(get_as(app, "/account", Some(&after)).await.status, 200);
    assert!(is_login_redirect(
        &get_as(app, "/account", Some(&before)).await
    ));
    assert_eq!(get_as(app, &second, None).await.status, 404);
    assert_eq!(
        reset_with(app, &second, "someone else's password")
            .await
            .status,
        404
    );
    login_with(app, "mia", "mia's new password").await;
}

/// The people page's forms carry the account id they showed: a page loaded before an
/// offboarding does not act on a later account of the same name. Scripts that post
/// without the id keep working.
#[tokio::test]
async fn people_page_actions_act_on_the_account_the_page_showed() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let fran = login(app, "fran").await;
    let page = get_as(app, "/admin/people", Some(&fran)).await.text();
    let marker =
        "action=\"/admin/people/target/reset\"><input type=\"hidden\" name=\"account\" value=\"";
    let start = page.find(marker).expect("the account id in the form") + marker.len();
    let shown_id: String = page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let old = site.accounts.require("target").expect("target");
    assert_eq!(shown_id, old.id.to_string());

    site.accounts.remove_user(&old).expect("removed");
    let new = site
        .accounts
        .add_user("target", Role::Member, PASSWORD)
        .expect("name reused");
    for action in ["reset", "offboard"] {
        let resp = post_form(
            app,
            &format!("/admin/people/target/{action}"),
            &format!("account={shown_id}"),
            Some(&fran),
        )
        .await;
        assert_eq!(resp.status, 404, "{action}");
    }
    let resp = post_form(
        app,
        "/admin/people/target/role",
        &format!("role=facilitator&account={shown_id}"),
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 404);
    assert_eq!(
        site.accounts.require("target").expect("target").role,
        Role::Member
    );
    let resp = post_form(
        app,
        "/admin/people/target/reset",
        &format!("account={}", new.id),
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 200);
    let resp = post_form(app, "/admin/people/target/reset", "", Some(&fran)).await;
    assert_eq!(resp.status, 200, "without the id, as scripts post");
}

/// New names are normalised and checked when an invitation is accepted; logins find them
/// in any case.
#[tokio::test]
async fn invitation_names_are_normalised_and_checked() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let fran = login(app, "fran").await;
    let invite = people_link(app, "/admin/people/invite", "role=member", &fran).await;
    for bad in ["Søren Kierkegaard", "josé", "a/b"] {
        let resp = post_form(
            app,
            &invite,
            &format!(
                "name={}&password={}&password_again={}",
                enc(bad),
                enc(PASSWORD),
                enc(PASSWORD)
            ),
            None,
        )
        .await;
        assert_eq!(resp.status, 400, "{bad}");
        let text = resp.text();
        assert!(text.contains("a–z, æ, ø and å"), "{bad}: {text}");
        assert!(text.contains("the digits 0–9"), "{bad}: {text}");
    }
    // Taken, whatever the case.
    let resp = post_form(
        app,
        &invite,
        &format!(
            "name=MIA&password={}&password_again={}",
            enc(PASSWORD),
            enc(PASSWORD)
        ),
        None,
    )
    .await;
    assert_eq!(resp.status, 400);
    accept(app, &invite, "Søren.K", PASSWORD).await;
    assert!(site.accounts.user("søren.k").expect("db").is_some());
    login_with(app, "SØREN.K", PASSWORD).await;
}

/// A locked account (`erfa user revoke`) cannot log in by password or single sign-on,
/// and the people page says it is locked. Single sign-on names are normalised like
/// login names.
#[tokio::test]
async fn a_locked_account_cannot_log_in_by_password_or_single_sign_on() {
    let proxy = std::net::IpAddr::from([10, 0, 0, 5]);
    let site = site_with(&owned(sample()), false, false, |config| {
        config.trusted_proxies = vec![proxy];
        config.sso_header = Some(axum::http::HeaderName::from_static("x-remote-user"));
    });
    let app = &site.router;
    let sso = |user: &str| {
        Request::builder()
            .uri("/api/search?q=cab")
            .header("host", HOST)
            .header("x-remote-user", user)
            .extension(ConnectInfo(SocketAddr::new(proxy, 40000)))
            .body(Body::empty())
            .expect("req")
    };
    assert_eq!(send(app, sso("MIA")).await.status, 200, "normalised");
    let cookie = login(app, "mia").await;
    let mia = site.accounts.require("mia").expect("mia");
    site.accounts.lock(&mia).expect("locked");
    assert!(is_login_redirect(
        &get_as(app, "/account", Some(&cookie)).await
    ));
    let resp = send(app, login_request("mia", PASSWORD, [198, 51, 100, 3], "")).await;
    assert_eq!(resp.status, 401);
    let resp = send(app, sso("mia")).await;
    assert_eq!(resp.status, 403);
    assert_eq!(resp.json()["error"]["code"], "locked");
    let fran = login(app, "fran").await;
    let people = get_as(app, "/admin/people", Some(&fran)).await.text();
    assert!(
        people.contains("mia <span class=\"muted\">(locked"),
        "{people}"
    );
    // No reset link for a locked account.
    let resp = post_form(app, "/admin/people/mia/reset", "", Some(&fran)).await;
    assert_eq!(resp.status, 403);
    site.accounts.unlock(&mia).expect("unlocked");
    login(app, "mia").await;
}

/// C8: fifty logins at once (each an Argon2 hash of 19 MiB) while a member searches: the
/// hashes run on their own blocking threads behind their own permits, so every login
/// succeeds and searches keep being answered during the storm rather than after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_storm_leaves_searches_answered() {
    let site = site_with(&owned(sample()), true, false, |_| {});
    let app = site.router.clone();
    let cookie = login(&app, "mia").await;
    let started = Instant::now();
    let logins: Vec<_> = (0..50)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let cookie = login(&app, "mia").await;
                (cookie, started.elapsed())
            })
        })
        .collect();
    let mut searched = 0;
    let mut slowest = Duration::ZERO;
    while !logins.iter().all(|l| l.is_finished()) {
        let asked = Instant::now();
        let resp = get_as(&app, "/api/search?q=cab", Some(&cookie)).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        slowest = slowest.max(asked.elapsed());
        searched += 1;
    }
    let storm = started.elapsed();
    let mut longest = Duration::ZERO;
    for login in logins {
        let (cookie, took) = login.await.expect("a login");
        assert!(cookie.contains('='), "a session cookie");
        longest = longest.max(took);
    }
    println!(
        "50 logins in {storm:?} (longest {longest:?}); {searched} searches meanwhile, slowest {slowest:?}"
    );
    assert!(
        searched >= 3,
        "searches were answered during the storm: {searched}"
    );
    assert!(
        slowest < storm / 2 || storm < Duration::from_millis(200),
        "a search waited {slowest:?} in a storm of {storm:?}"
    );
}
