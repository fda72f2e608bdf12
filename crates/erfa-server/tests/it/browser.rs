//! End to end in real headless Chromium, driven through ChromeDriver with fantoccini: the
//! real server on `127.0.0.1:0`, a fresh browser profile per run.
//!
//! Without Chromium and ChromeDriver the tests skip with a message, except under
//! `CI=true`, where a missing browser fails the run. Screenshots of the main pages go to
//! `target/tmp/screenshots/`.

use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use erfa_index::Scope;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::support::{App, sample_app_for};

const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--lang=en-US",
];

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The browser and driver, or `None` (skip) when they are missing outside CI.
fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let chromium = which(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = which(&["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            let message = "browser tests need `chromium` and `chromedriver` on PATH (Debian: apt-get install chromium chromium-driver)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{message}");
            }
            eprintln!("skipping browser tests: {message}");
            None
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running ChromeDriver, Chromium session and erfa server; all stopped on drop.
struct Session {
    client: Client,
    driver: Child,
    base: String,
    stop: Option<oneshot::Sender<()>>,
    _profile: tempfile::TempDir,
    /// What the router needs to stay alive (content and data folders).
    _keep: Box<dyn std::any::Any + Send>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // ChromeDriver leaves Chromium running when it is killed without ending the
        // session: end its whole process group, Chromium included.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--"])
            .arg(format!("-{}", self.driver.id()))
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn start(app: App) -> Option<Session> {
    let router = app.router.clone();
    start_router(router, Box::new(app)).await
}

async fn start_router(
    router: axum::Router,
    keep: Box<dyn std::any::Any + Send>,
) -> Option<Session> {
    start_router_logging(router, keep, false).await
}

/// As [`start_router`]; with `performance_log`, ChromeDriver keeps the DevTools events of
/// the pages (every request the browser makes) for [`requests_made`].
async fn start_router_logging(
    router: axum::Router,
    keep: Box<dyn std::any::Any + Send>,
    performance_log: bool,
) -> Option<Session> {
    let (chromium, chromedriver) = browser_binaries()?;
    let port = free_port();
    let driver = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        // A process group of its own, so that Chromium ends with it (see `Drop`).
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().expect("a profile dir");
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": chromium, "args": args }),
    );
    if performance_log {
        caps.insert("goog:loggingPrefs".into(), json!({ "performance": "ALL" }));
    }
    // Leave any dialog open, so that a fired alert() is seen by the next check.
    caps.insert("unhandledPromptBehavior".into(), json!("ignore"));
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a socket");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(erfa_server::serve::serve(
        listener,
        router,
        erfa_server::Limits::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    Some(Session {
        client,
        driver,
        base: format!("http://{addr}"),
        stop: Some(stop),
        _profile: profile,
        _keep: keep,
    })
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("a screenshot folder");
    dir
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("saved");
}

async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the hit list as it is now; empty while the page swaps it.
async fn hits_text(client: &Client) -> String {
    match client.find(Locator::Id("hits")).await {
        Ok(list) => list.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Clicks the element with `id`, trying again while scripts still change the page (a
/// click can meet a replaced or covered element under load).
async fn click_when_ready(client: &Client, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let clicked = match client.find(Locator::Id(id)).await {
            Ok(element) => element.click().await.map(|_| ()),
            Err(e) => Err(e),
        };
        match clicked {
            Ok(()) => return,
            Err(e) => {
                assert!(Instant::now() < deadline, "could not click #{id}: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.expect("script runs")
}

async fn press(client: &Client, key: char) {
    let keys = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(keys).await.expect("keys pressed");
}

async fn active_id(client: &Client) -> String {
    js(client, "return document.activeElement ? (document.activeElement.id || document.activeElement.getAttribute('href') || '') : ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// axe-core from the npm registry, cached under target/tmp; `None` when npm cannot get it.
///
/// The browser tests run in parallel, so the download happens once per process and is
/// unpacked into a folder of its own that is renamed into place: no test ever reads a
/// half-written `axe.min.js`.
fn axe_source() -> Option<String> {
    static SOURCE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SOURCE.get_or_init(fetch_axe).clone()
}

fn fetch_axe() -> Option<String> {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("axe-core-4.10.2");
    let file = dir.join("package/axe.min.js");
    if !file.is_file() {
        let staging = tmp.join(format!("axe-core-staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).ok()?;
        let packed = Command::new("npm")
            .args(["pack", "axe-core@4.10.2", "--silent", "--pack-destination"])
            .arg(&staging)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        if !packed.success() {
            return None;
        }
        let tarball = std::fs::read_dir(&staging)
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "tgz"))?;
        let unpacked = Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&staging)
            .status()
            .ok()?;
        if !unpacked.success() || !staging.join("package/axe.min.js").is_file() {
            return None;
        }
        // Another process may have won the race; its copy is as good as ours.
        if std::fs::rename(&staging, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
    }
    std::fs::read_to_string(file).ok()
}

/// Runs axe-core on the current page and returns serious and critical violations.
async fn axe(client: &Client, source: &str) -> Vec<Value> {
    client.execute(source, vec![]).await.expect("axe loads");
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { resultTypes: ['violations'] })\
               .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))))\
               .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e) }]));",
            vec![],
        )
        .await
        .expect("axe runs");
    result
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_searches_filters_reads_and_switches_language() {
    let Some(session) = start(sample_app_for(Scope::Facilitator)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;

    // The home page: the newest write-ups, the search box focused.
    c.goto(&format!("{base}/")).await.expect("home");
    assert_eq!(active_id(c).await, "q", "the search box has focus");
    screenshot(c, "home").await;

    // Search with the form.
    let q = c.find(Locator::Id("q")).await.expect("the box");
    q.send_keys("copying").await.expect("typed");
    c.find(Locator::Css(".search-button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submitted");
    wait_for("the results page", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.query().is_some_and(|q| q.contains("q=copying")))
    })
    .await;
    // The script may still swap in the state typing started: read the hits once they
    // settle, finding the list again each time.
    wait_for("the hits for copying", || async {
        hits_text(c).await.contains("We copied a bank")
    })
    .await;
    let hits = hits_text(c).await;
    assert!(hits.contains("Mistake to avoid:"), "{hits}");
    screenshot(c, "search-results").await;

    // A facet click filters, and the filter shows as a chip.
    c.find(Locator::XPath(
        "//a[@data-facet='tags'][.//span[@class='facet-label' and text()='governance']]",
    ))
    .await
    .expect("the governance facet")
    .click()
    .await
    .expect("clicked");
    wait_for("the filtered page", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.query().is_some_and(|q| q.contains("tags=governance")))
    })
    .await;
    let chips = c
        .find(Locator::Css(".active-filters"))
        .await
        .expect("chips")
        .text()
        .await
        .expect("text");
    assert!(chips.contains("governance"), "{chips}");

    // Keyboard: "/" focuses the box from anywhere, arrows walk the results.
    c.goto(&format!("{base}/?q=incident"))
        .await
        .expect("a search");
    js(c, "document.activeElement.blur(); document.body.focus();").await;
    press(c, '/').await;
    assert_eq!(active_id(c).await, "q", "/ focuses the search box");
    press(c, Key::Down.into()).await;
    let first = active_id(c).await;
    assert!(
        first.starts_with("/w/"),
        "ArrowDown moves to the first result: {first:?}"
    );
    press(c, Key::Down.into()).await;
    let second = active_id(c).await;
    assert!(
        second.starts_with("/w/") && second != first,
        "and on to the next: {second:?}"
    );
    press(c, Key::Up.into()).await;
    assert_eq!(active_id(c).await, first);

    // Open a write-up.
    c.goto(&format!("{base}/?q=copying"))
        .await
        .expect("a search");
    c.find(Locator::Css(".hit-title a"))
        .await
        .expect("a hit")
        .click()
        .await
        .expect("opened");
    wait_for("the write-up", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.path() == "/w/change/cab-copied")
    })
    .await;
    let title = c
        .find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .expect("text");
    assert!(title.contains("We copied a bank"), "{title}");
    let image_ok = js(c, "const i = document.querySelector('.prose img'); return !!i && i.complete && i.naturalWidth > 0;").await;
    assert_eq!(image_ok, json!(true), "the attachment image loads");
    screenshot(c, "writeup").await;

    // The language switch: Danish, remembered on the next page, and back.
    c.find(Locator::Css("a.lang-switch"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("clicked");
    wait_for("Danish", || async {
        js(c, "return document.documentElement.lang").await == json!("da")
    })
    .await;
    assert_eq!(
        c.current_url().await.expect("url").path(),
        "/w/change/cab-copied",
        "the switch comes back to the page"
    );
    c.goto(&format!("{base}/browse")).await.expect("browse");
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .expect("text");
    assert_eq!(heading, "Gennemse");
    screenshot(c, "browse-da").await;
    c.find(Locator::Css("a.lang-switch"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("clicked");
    wait_for("English", || async {
        js(c, "return document.documentElement.lang").await == json!("en")
    })
    .await;

    // Search as you type: results change without submitting, and the URL follows.
    c.goto(&format!("{base}/")).await.expect("home");
    let q = c.find(Locator::Id("q")).await.expect("the box");
    q.send_keys("swarming").await.expect("typed");
    wait_for("live results", || async {
        let text = hits_text(c).await;
        let first = js(
            c,
            "const a = document.querySelector('#hits .hit-title a'); return a ? a.textContent : ''",
        )
        .await;
        text.contains("Swarming instead of tiers") && first == json!("Swarming instead of tiers")
    })
    .await;
    wait_for("the URL to follow", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.query() == Some("q=swarming&prefix=last"))
    })
    .await;
    let marks = js(c, "return document.querySelectorAll('#hits mark').length").await;
    assert!(
        marks.as_u64().unwrap_or(0) > 0,
        "live snippets are highlighted"
    );
    // A word typed with oe for ø: the live results say which spelling was searched.
    q.clear().await.expect("cleared");
    q.send_keys("stoerre").await.expect("typed");
    wait_for("the Danish spelling", || async {
        js(
            c,
            "const n = document.getElementById('searched-for'); return n && !n.hidden ? n.textContent : ''",
        )
        .await
            == json!("No write-ups match “stoerre”; showing those for “større”.")
    })
    .await;

    // Phone width.
    c.set_window_size(390, 844).await.expect("resized");
    c.goto(&format!("{base}/?q=cab")).await.expect("a search");
    let overflow = js(
        c,
        "return document.documentElement.scrollWidth > window.innerWidth + 1",
    )
    .await;
    assert_eq!(
        overflow,
        json!(false),
        "no sideways scrolling at phone width"
    );
    screenshot(c, "search-phone").await;
    c.goto(&format!("{base}/w/change/cab-copied"))
        .await
        .expect("a write-up");
    screenshot(c, "writeup-phone").await;
    c.set_window_size(1280, 900).await.expect("resized");

    // Accessibility: no serious or critical axe-core violations on the main pages.
    match axe_source() {
        Some(source) => {
            for path in [
                "/",
                "/?q=cab",
                "/?q=nothingmatchesthis",
                "/w/change/cab-copied",
                "/browse",
                "/nope",
            ] {
                c.goto(&format!("{base}{path}")).await.expect("a page");
                let violations = axe(c, &source).await;
                assert!(violations.is_empty(), "{path}: {violations:#?}");
            }
        }
        None => eprintln!("skipping the axe-core scan: `npm pack axe-core` did not work here"),
    }
    // Nothing above ever opened a dialog.
    assert!(c.get_alert_text().await.is_err());
    let _ = session.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pages_run_no_script_in_chromium() {
    let Some(session) = start(crate::xss::corpus_app(Scope::Facilitator)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    let origin = base.clone();
    let mut pages: Vec<String> = crate::xss::corpus()
        .into_iter()
        .map(|(path, _)| format!("/w/{}", path.trim_end_matches(".md")))
        .collect();
    for q in crate::xss::QUERIES {
        pages.push(format!("/?q={}", crate::support::enc(q)));
    }
    let trap = "window.__fired = window.__fired || [];\
        ['alert','confirm','prompt','print'].forEach(n => { window[n] = function () { window.__fired.push(n); }; });\
        return true;";
    for page in &pages {
        c.goto(&format!("{base}{page}")).await.expect("a page");
        if let Ok(text) = c.get_alert_text().await {
            let _ = c.dismiss_alert().await;
            panic!("{page}: a dialog opened while loading: {text:?}");
        }
        js(c, trap).await;
        // Hover and focus everything that could carry a handler, then look again.
        js(c, "document.querySelectorAll('main *').forEach(e => { ['mouseover','focus','animationstart','toggle','error','load'].forEach(t => { try { e.dispatchEvent(new Event(t)); } catch (x) {} }); }); return true;").await;
        let fired = js(c, "return window.__fired").await;
        assert_eq!(fired, json!([]), "{page}: {fired}");
        let foreign = js(
            c,
            &format!("return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith({origin:?}));"),
        )
        .await;
        assert_eq!(foreign, json!([]), "{page}: requests to other origins");
    }
    screenshot(c, "xss-last-page").await;
    let _ = session.client.clone().close().await;
}

/// Waits until the browser is at `path`.
async fn wait_for_path(client: &Client, path: &str) {
    wait_for(path, || async {
        client.current_url().await.is_ok_and(|u| u.path() == path)
    })
    .await;
}

/// Logs in as `name` on the login page the browser shows.
async fn log_in_through_the_form(client: &Client, name: &str) {
    client
        .find(Locator::Id("login-name"))
        .await
        .expect("name")
        .send_keys(name)
        .await
        .expect("typed");
    client
        .find(Locator::Id("login-password"))
        .await
        .expect("password")
        .send_keys(crate::auth::PASSWORD)
        .await
        .expect("typed");
    client
        .find(Locator::Css("form.stacked-form button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submitted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_logs_in_reads_members_only_write_ups_and_logs_out() {
    let site = crate::auth::site(&crate::auth::sample_files(), false);
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;

    // Without a session every page asks for login, and comes back after it.
    c.goto(&format!("{base}/w/change/cab-kopieret"))
        .await
        .expect("a members-only page");
    wait_for_path(c, "/login").await;
    assert_eq!(active_id(c).await, "login-name", "the name field has focus");
    if let Some(source) = axe_source() {
        let violations = axe(c, &source).await;
        assert!(violations.is_empty(), "login page: {violations:#?}");
    }
    screenshot(c, "login").await;
    log_in_through_the_form(c, "mia").await;
    wait_for_path(c, "/w/change/cab-kopieret").await;
    let title = c
        .find(Locator::Css("h1"))
        .await
        .expect("a heading")
        .text()
        .await
        .expect("text");
    assert!(title.contains("Vi kopierede"), "{title}");
    // The session cookie is out of reach of scripts.
    let cookies = js(c, "return document.cookie").await;
    assert!(
        !cookies.as_str().unwrap_or("").contains("erfa-session"),
        "{cookies}"
    );
    let header = c
        .find(Locator::Css(".site-nav"))
        .await
        .expect("nav")
        .text()
        .await
        .expect("text");
    assert!(header.contains("Log out"), "{header}");

    // Log out: back to the login page, and the write-up asks for login again.
    c.find(Locator::Css(".logout-form button"))
        .await
        .expect("logout")
        .click()
        .await
        .expect("clicked");
    wait_for_path(c, "/login").await;
    c.goto(&format!("{base}/w/change/cab-kopieret"))
        .await
        .expect("again");
    wait_for_path(c, "/login").await;
    let body = c
        .find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text");
    assert!(!body.contains("Vi kopierede"), "{body}");

    // The facilitator's people page: invite someone; the page and the account page pass
    // the accessibility checks.
    log_in_through_the_form(c, "fran").await;
    wait_for_path(c, "/w/change/cab-kopieret").await;
    c.find(Locator::Css("a[href='/admin/people']"))
        .await
        .expect("the people link")
        .click()
        .await
        .expect("clicked");
    wait_for_path(c, "/admin/people").await;
    c.find(Locator::Css("form[action='/admin/people/invite'] button"))
        .await
        .expect("the invite button")
        .click()
        .await
        .expect("clicked");
    wait_for("the invitation link", || async {
        c.find(Locator::Css(".secret code")).await.is_ok()
    })
    .await;
    let link = c
        .find(Locator::Css(".secret code"))
        .await
        .expect("the link")
        .text()
        .await
        .expect("text");
    assert!(link.starts_with("https://erfa.example/invite/"), "{link}");
    screenshot(c, "people").await;
    if let Some(source) = axe_source() {
        let violations = axe(c, &source).await;
        assert!(violations.is_empty(), "people page: {violations:#?}");
        c.goto(&format!("{base}/account")).await.expect("account");
        let violations = axe(c, &source).await;
        assert!(violations.is_empty(), "account page: {violations:#?}");
        let path = link.trim_start_matches("https://erfa.example");
        c.goto(&format!("{base}{path}")).await.expect("invitation");
        let violations = axe(c, &source).await;
        assert!(violations.is_empty(), "invitation page: {violations:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contributor_fills_the_form_previews_and_sends() {
    let Some(session) = start(crate::submit::share_app()).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    c.goto(&format!("{base}/share")).await.expect("the form");
    c.find(Locator::Id("f-title"))
        .await
        .expect("title")
        .send_keys("Night shift kanban for the printer fleet")
        .await
        .expect("typed");
    c.find(Locator::Id("f-summary"))
        .await
        .expect("summary")
        .send_keys("A wall board kept the night shift honest.")
        .await
        .expect("typed");
    c.find(Locator::Css("input[name='kind'][value='lesson']"))
        .await
        .expect("kind")
        .click()
        .await
        .expect("chosen");
    c.find(Locator::Css(
        "input[name='practices'][value='service-desk']",
    ))
    .await
    .expect("a practice")
    .click()
    .await
    .expect("checked");
    c.find(Locator::Id("f-lesson"))
        .await
        .expect("lesson")
        .send_keys("**Visible** work gets done.")
        .await
        .expect("typed");
    // The live preview follows the typing.
    wait_for("the live preview", || async {
        js(
            c,
            "const s = document.querySelector('#preview strong'); return s ? s.textContent : ''",
        )
        .await
            == json!("Visible")
    })
    .await;
    screenshot(c, "share-live-preview").await;

    // The Preview button works as a plain form post too.
    c.find(Locator::Css("button[value='preview']"))
        .await
        .expect("preview")
        .click()
        .await
        .expect("clicked");
    wait_for("the preview page", || async {
        js(
            c,
            "const s = document.querySelector('#preview strong'); return s ? s.textContent : ''",
        )
        .await
            == json!("Visible")
            && js(c, "return document.getElementById('f-title').value").await
                == json!("Night shift kanban for the printer fleet")
    })
    .await;

    // Send; if similar write-ups are shown first, send anyway. The page the button was
    // on is marked, so that the answer is told from it (the preview page may already
    // offer "send anyway", and then the first click saves).
    js(c, "window.erfaSent = true; return true").await;
    click_when_ready(c, "send-button").await;
    wait_for("an answer", || async {
        js(
            c,
            "return !window.erfaSent && document.readyState === 'complete'",
        )
        .await
            == json!(true)
    })
    .await;
    if c.current_url().await.expect("url").path() != "/mine" {
        // The second step: the similar write-ups next to "send anyway", in focus.
        assert_eq!(active_id(c).await, "second-step");
        assert_accessible(c, "the second step").await;
        screenshots_at_both_widths(c, "share-second-step").await;
        click_when_ready(c, "send-button").await;
    }
    wait_for("the confirmation", || async {
        c.current_url().await.is_ok_and(|u| u.path() == "/mine")
    })
    .await;
    let saved = c
        .find(Locator::Id("saved"))
        .await
        .expect("the confirmation")
        .text()
        .await
        .expect("text");
    assert!(saved.contains("Thank you"), "{saved}");
    assert!(
        saved.contains("Night shift kanban for the printer fleet"),
        "the title, not a file path: {saved}"
    );
    screenshot(c, "share-saved").await;
    if let Some(source) = axe_source() {
        for path in ["/share", "/mine"] {
            c.goto(&format!("{base}{path}")).await.expect("a page");
            let violations = axe(c, &source).await;
            assert!(violations.is_empty(), "{path}: {violations:#?}");
        }
    }
    let _ = session.client.clone().close().await;
}

/// Runs axe-core on the current page (when npm could fetch it) and fails on serious or
/// critical violations.
async fn assert_accessible(client: &Client, page: &str) {
    if let Some(source) = axe_source() {
        // Judge the page as it settles, not halfway through a swap the script started.
        wait_for("the page to settle", || async {
            js(
                client,
                "return document.querySelectorAll('[aria-busy=true]').length",
            )
            .await
                == json!(0)
        })
        .await;
        let violations = axe(client, &source).await;
        assert!(violations.is_empty(), "{page}: {violations:#?}");
    }
}

/// Screenshots of the current page at desktop and phone width, named `{name}-1280` and
/// `{name}-390`; the page must not scroll sideways on the phone.
async fn screenshots_at_both_widths(client: &Client, name: &str) {
    client.set_window_size(1280, 900).await.expect("resized");
    screenshot(client, &format!("{name}-1280")).await;
    client.set_window_size(390, 844).await.expect("resized");
    let overflow = js(
        client,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )
    .await;
    screenshot(client, &format!("{name}-390")).await;
    if overflow.as_i64().unwrap_or(0) > 0 {
        let wide = js(
            client,
            "const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))",
        )
        .await;
        panic!("{name} scrolls sideways at 390 px by {overflow} px: {wide}");
    }
    client.set_window_size(1280, 900).await.expect("resized");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_invites_withdraws_and_offboards_only_after_confirming() {
    let site = crate::auth::site(&crate::auth::sample_files(), false);
    let accounts = site.accounts.clone();
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    c.goto(&format!("{base}/admin/people"))
        .await
        .expect("people");
    wait_for_path(c, "/login").await;
    log_in_through_the_form(c, "fran").await;
    wait_for_path(c, "/admin/people").await;

    // An invitation: the link is shown once, with a copy button that works.
    click_when_ready(c, "invite-submit").await;
    wait_for("the new link", || async {
        c.find(Locator::Id("new-link")).await.is_ok()
    })
    .await;
    let copy = c
        .find(Locator::Css("button[data-copy='new-link']"))
        .await
        .expect("a copy button");
    assert!(
        copy.is_displayed().await.expect("shown"),
        "with script it shows"
    );
    let open_links = c
        .find(Locator::Css("#pending-heading + p + div table"))
        .await
        .expect("the open links")
        .text()
        .await
        .expect("text");
    assert!(open_links.contains("Invitation"), "{open_links}");
    assert_accessible(c, "people page with a new link").await;
    screenshots_at_both_widths(c, "people-en").await;

    // Withdraw it, by keyboard: focus the button and press Enter.
    js(
        c,
        "document.querySelector('form[action^=\"/admin/people/links/\"] button').focus(); return true",
    )
    .await;
    press(c, Key::Enter.into()).await;
    wait_for("the withdrawal", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("The link is withdrawn"))
    })
    .await;
    assert!(accounts.pending_links().expect("db").is_empty());

    // Offboarding carl asks first; Cancel leaves him be, Enter on the confirmation does it.
    js(
        c,
        "document.querySelector('form[action=\"/admin/people/carl/offboard\"] button').focus(); return true",
    )
    .await;
    press(c, Key::Enter.into()).await;
    wait_for("the question", || async {
        c.find(Locator::Id("confirm-heading")).await.is_ok()
    })
    .await;
    assert_accessible(c, "offboarding confirmation").await;
    screenshots_at_both_widths(c, "offboard-confirm-en").await;
    assert!(accounts.user("carl").expect("db").is_some(), "not yet");
    c.find(Locator::LinkText("Cancel"))
        .await
        .expect("cancel")
        .click()
        .await
        .expect("clicked");
    wait_for_path(c, "/admin/people").await;
    assert!(accounts.user("carl").expect("db").is_some(), "cancelled");
    js(
        c,
        "document.querySelector('form[action=\"/admin/people/carl/offboard\"] button').focus(); return true",
    )
    .await;
    press(c, Key::Enter.into()).await;
    wait_for("the question again", || async {
        c.find(Locator::Id("confirm-heading")).await.is_ok()
    })
    .await;
    js(
        c,
        "document.querySelector('.confirm button').focus(); return true",
    )
    .await;
    press(c, Key::Enter.into()).await;
    wait_for("the offboarding", || async {
        accounts.user("carl").is_ok_and(|u| u.is_none())
    })
    .await;

    // The same pages in Danish.
    c.goto(&format!("{base}/lang/da?next=/admin/people"))
        .await
        .expect("Danish");
    wait_for_path(c, "/admin/people").await;
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .expect("text");
    assert_eq!(heading, "Personer");
    assert_accessible(c, "people page in Danish").await;
    screenshots_at_both_widths(c, "people-da").await;

    // The account page: a wrong current password is explained, a right one works.
    c.goto(&format!("{base}/account")).await.expect("account");
    assert_accessible(c, "account page in Danish").await;
    screenshots_at_both_widths(c, "account-da").await;
    for (id, text) in [
        ("current-password", "not the password"),
        ("new-password", "fran's new password"),
        ("new-password-again", "fran's new password"),
    ] {
        c.find(Locator::Id(id))
            .await
            .expect("a field")
            .send_keys(text)
            .await
            .expect("typed");
    }
    c.find(Locator::Css("form[action='/account/password'] button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("sent");
    wait_for("the refusal", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("Den nuværende adgangskode er forkert."))
    })
    .await;
    assert_accessible(c, "account page with an error").await;
    for (id, text) in [
        ("current-password", crate::auth::PASSWORD),
        ("new-password", "fran's new password"),
        ("new-password-again", "fran's new password"),
    ] {
        c.find(Locator::Id(id))
            .await
            .expect("a field")
            .send_keys(text)
            .await
            .expect("typed");
    }
    c.find(Locator::Css("form[action='/account/password'] button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("sent");
    wait_for("the change", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("Din adgangskode er skiftet"))
    })
    .await;
    assert!(
        accounts
            .verify_password("fran", "fran's new password")
            .expect("db")
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_reviews_archives_with_a_question_and_undoes_it() {
    let mut files = crate::auth::sample_files();
    files.push((
        "submissions/ready.md".to_string(),
        "---\ntitle: Ready for review\nsummary: A lesson about change windows.\nkind: lesson\nlanguage: en\nstatus: review\n---\n## Lesson learned\n\nAgree change windows with the business.\n".to_string(),
    ));
    let site = crate::auth::site(&files, false);
    let content = site.content.path().to_path_buf();
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    let status = || {
        let text = std::fs::read_to_string(content.join("submissions/ready.md")).expect("read");
        text.lines()
            .find_map(|l| l.strip_prefix("status: "))
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or_default()
            .to_string()
    };
    c.goto(&format!("{base}/admin/review"))
        .await
        .expect("queue");
    wait_for_path(c, "/login").await;
    log_in_through_the_form(c, "fran").await;
    wait_for_path(c, "/admin/review").await;
    assert_accessible(c, "review queue").await;
    screenshots_at_both_widths(c, "review-en").await;

    // Archive, by keyboard: the question first, then the answer.
    js(
        c,
        "document.querySelector('form.archive-form[action=\"/admin/review/submissions/ready\"] button').focus(); return true",
    )
    .await;
    press(c, Key::Enter.into()).await;
    wait_for("the question", || async {
        c.find(Locator::Id("confirm-heading")).await.is_ok()
    })
    .await;
    assert_eq!(status(), "review", "not yet");
    assert_accessible(c, "archive question").await;
    screenshots_at_both_widths(c, "archive-confirm-en").await;
    js(
        c,
        "document.querySelector('.confirm button').focus(); return true",
    )
    .await;
    press(c, Key::Enter.into()).await;
    wait_for("the archive", || async { status() == "archived" }).await;

    // The notice offers the undo.
    wait_for("the undo", || async {
        c.source().await.is_ok_and(|s| s.contains("Undo: restore"))
    })
    .await;
    assert_accessible(c, "review queue with undo").await;
    screenshots_at_both_widths(c, "review-undo-en").await;
    c.find(Locator::Css(".notice form button"))
        .await
        .expect("undo")
        .click()
        .await
        .expect("clicked");
    wait_for("the restore", || async { status() == "review" }).await;

    // In Danish.
    c.goto(&format!("{base}/lang/da?next=/admin/review"))
        .await
        .expect("Danish");
    wait_for_path(c, "/admin/review").await;
    assert_accessible(c, "review queue in Danish").await;
    screenshots_at_both_widths(c, "review-da").await;

    // The desk's front page, in Danish: what needs attention, what happened.
    c.goto(&format!("{base}/admin")).await.expect("the desk");
    let activity = c
        .find(Locator::Css("#activity-heading + div table"))
        .await
        .expect("the activity")
        .text()
        .await
        .expect("text");
    assert!(activity.contains("arkiverede"), "{activity}");
    assert!(!activity.contains("login"), "{activity}");
    assert_accessible(c, "desk in Danish").await;
    screenshots_at_both_widths(c, "desk-da").await;

    // Merging: both pickers start empty, and the page fits a phone.
    c.goto(&format!("{base}/admin/merge")).await.expect("merge");
    for id in ["merge-first", "merge-second"] {
        let chosen = js(c, &format!("return document.getElementById('{id}').value")).await;
        assert_eq!(chosen, json!(""), "{id}");
    }
    assert_accessible(c, "merge page in Danish").await;
    screenshots_at_both_widths(c, "merge-da").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_reads_a_write_up_s_history_and_restores_a_version() {
    let mut files = crate::auth::sample_files();
    files.push((
        "submissions/ready.md".to_string(),
        "---\ntitle: Ready for review\nsummary: A lesson about change windows.\nkind: lesson\nlanguage: en\nstatus: review\n---\n## Lesson learned\n\nAgree change windows with the business.\n".to_string(),
    ));
    let site = crate::auth::site_with(&files, false, false, |config| {
        crate::history::commit_all(&config.content_dir);
    });
    let content = site.content.path().to_path_buf();
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    let text = || std::fs::read_to_string(content.join("submissions/ready.md")).expect("read");
    as_user(c, base, "fran", "/admin/review").await;
    click_css(
        c,
        "form[action=\"/admin/review/submissions/ready\"] input[value=\"publish\"] + button",
    )
    .await;
    wait_for("the publication", || async {
        text().contains("status: published")
    })
    .await;

    c.goto(&format!("{base}/w/submissions/ready"))
        .await
        .expect("the write-up");
    click_css(c, "a[href=\"/admin/history/submissions/ready\"]").await;
    wait_for_path(c, "/admin/history/submissions/ready").await;
    let page = c.source().await.expect("the page");
    assert!(page.contains("publish: submissions/ready"), "{page}");
    assert!(page.contains("+ status: published"), "{page}");
    assert_accessible(c, "history").await;
    screenshots_at_both_widths(c, "history-en").await;

    click_css(c, ".history-version form button").await;
    wait_for("the restore", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("The version is restored"))
    })
    .await;
    assert!(text().contains("status: review"), "{}", text());
    assert_accessible(c, "history after a restore").await;
}

/// Clicks the first element matching `css`, trying again while the page still changes.
async fn click_css(client: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let clicked = match client.find(Locator::Css(css)).await {
            Ok(element) => element.click().await.map(|_| ()),
            Err(e) => Err(e),
        };
        match clicked {
            Ok(()) => return,
            Err(e) => {
                assert!(Instant::now() < deadline, "could not click {css}: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Ends the browser's session and signs in as `name` on the way to `path`.
async fn as_user(client: &Client, base: &str, name: &str, path: &str) {
    client.delete_all_cookies().await.expect("signed out");
    client.goto(&format!("{base}{path}")).await.expect("a page");
    wait_for_path(client, "/login").await;
    log_in_through_the_form(client, name).await;
    wait_for("the page after signing in", || async {
        client
            .current_url()
            .await
            .is_ok_and(|u| u.path() != "/login")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contributor_a_facilitator_and_a_member_take_a_write_up_from_sharing_to_reading() {
    let site = crate::auth::site_with(&crate::auth::sample_files(), false, true, |_| {});
    let content = site.content.path().to_path_buf();
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    let submission = || -> Option<(String, String)> {
        let dir = content.join("submissions");
        let entry = std::fs::read_dir(dir).ok()?.flatten().next()?;
        let name = entry
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".md")
            .to_string();
        let text = std::fs::read_to_string(entry.path()).ok()?;
        let status = text
            .lines()
            .find_map(|l| l.strip_prefix("status: "))?
            .trim()
            .to_string();
        Some((name, status))
    };

    // The contributor shares.
    as_user(c, base, "carl", "/share").await;
    wait_for_path(c, "/share").await;
    c.find(Locator::Id("f-title"))
        .await
        .expect("title")
        .send_keys("A wall board for the night shift")
        .await
        .expect("typed");
    click_css(c, "input[name='kind'][value='lesson']").await;
    click_css(c, "input[name='practices'][value='service-desk']").await;
    c.find(Locator::Id("f-lesson"))
        .await
        .expect("lesson")
        .send_keys("The zebrafinch board made night work visible.")
        .await
        .expect("typed");
    js(c, "window.erfaSent = true; return true").await;
    click_when_ready(c, "send-button").await;
    wait_for("an answer", || async {
        js(
            c,
            "return !window.erfaSent && document.readyState === 'complete'",
        )
        .await
            == json!(true)
    })
    .await;
    if c.current_url().await.expect("url").path() != "/mine" {
        click_when_ready(c, "send-button").await;
    }
    wait_for_path(c, "/mine").await;
    let (name, status) = submission().expect("the submission");
    assert_eq!(status, "review");
    let slug = format!("submissions/{name}");

    // The facilitator asks for a change.
    as_user(c, base, "fran", "/admin/review").await;
    wait_for_path(c, "/admin/review").await;
    c.find(Locator::Css(&format!(
        "form[action='/admin/review/{slug}'] textarea"
    )))
    .await
    .expect("the request field")
    .send_keys("Please say which board you used.")
    .await
    .expect("typed");
    click_css(
        c,
        &format!("form[action='/admin/review/{slug}']:has(textarea) button"),
    )
    .await;
    wait_for("the change request", || async {
        submission().is_some_and(|(_, s)| s == "draft")
    })
    .await;

    // The contributor sees the request beside the form, edits and sends it again.
    as_user(c, base, "carl", &format!("/mine/{name}")).await;
    wait_for("the request beside the form", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("Please say which board you used."))
    })
    .await;
    assert_accessible(c, "editing after a change request").await;
    screenshots_at_both_widths(c, "walk-edit-en").await;
    c.find(Locator::Id("f-lesson"))
        .await
        .expect("lesson")
        .send_keys(" It was a magnetic whiteboard.")
        .await
        .expect("typed");
    click_when_ready(c, "resubmit-button").await;
    wait_for("sent again", || async {
        submission().is_some_and(|(_, s)| s == "review")
    })
    .await;

    // The facilitator sees what changed since the request, and publishes.
    as_user(c, base, "fran", "/admin/review").await;
    wait_for_path(c, "/admin/review").await;
    let page = c.source().await.expect("the queue");
    assert!(
        page.contains("Sent again after your change request"),
        "{page}"
    );
    assert!(page.contains("magnetic whiteboard"), "the change: {page}");
    assert_accessible(c, "review queue with a resubmission").await;
    screenshots_at_both_widths(c, "walk-review-en").await;
    click_css(
        c,
        &format!("form[action='/admin/review/{slug}']:has(input[value='publish']) button"),
    )
    .await;
    wait_for("published", || async {
        submission().is_some_and(|(_, s)| s == "published")
    })
    .await;

    // A member finds it and reads it.
    as_user(c, base, "mia", "/?q=zebrafinch").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = c
            .source()
            .await
            .is_ok_and(|s| s.contains("A wall board for the night shift"));
        if found {
            break;
        }
        assert!(Instant::now() < deadline, "the member never found it");
        tokio::time::sleep(Duration::from_millis(200)).await;
        c.goto(&format!("{base}/?q=zebrafinch"))
            .await
            .expect("search");
    }
    click_css(c, &format!("a[href='/w/{slug}']")).await;
    wait_for_path(c, &format!("/w/{slug}")).await;
    let page = c.source().await.expect("the write-up");
    assert!(page.contains("magnetic whiteboard"), "{page}");
    assert_accessible(c, "the published write-up").await;
    screenshots_at_both_widths(c, "walk-read-en").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_propose_and_vote_on_topics_and_the_facilitator_puts_one_on_the_agenda() {
    let next_year = erfa_index::Date::today().year + 1;
    let mut files = crate::auth::sample_files();
    files.push((
        "_meetings.yaml".to_string(),
        format!(
            "meetings:\n  - id: next\n    date: {next_year}-01-15\n    place: Vejle\n    title: Netværksmøde 1/{next_year}\n    theme: Overvågning\n"
        ),
    ));
    let site = crate::auth::site(&files, false);
    let accounts = site.accounts.clone();
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;

    // A member proposes, by keyboard to the button.
    as_user(c, base, "mia", "/meetings").await;
    wait_for_path(c, "/meetings").await;
    assert_accessible(c, "meetings without topics").await;
    c.find(Locator::Id("topic-title"))
        .await
        .expect("title")
        .send_keys("Running a CAB with five people")
        .await
        .expect("typed");
    c.find(Locator::Id("topic-why"))
        .await
        .expect("why")
        .send_keys("We are five; how do the others keep it light?")
        .await
        .expect("typed");
    js(
        c,
        "document.querySelector('form[action=\"/meetings/topics\"] button').focus(); return true",
    )
    .await;
    press(c, Key::Enter.into()).await;
    wait_for("the proposal", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("your topic is proposed"))
    })
    .await;
    let id = accounts.topics(None).expect("topics")[0].id;

    // Another member votes for it.
    as_user(c, base, "carl", "/meetings").await;
    click_css(c, &format!("#topic-{id} form[action$='/vote'] button")).await;
    wait_for("the vote", || async {
        accounts
            .topic(id)
            .ok()
            .flatten()
            .is_some_and(|t| t.votes == 1)
    })
    .await;
    wait_for("the vote shown", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("You vote for this."))
    })
    .await;
    assert_accessible(c, "meetings with a vote").await;
    screenshots_at_both_widths(c, "meetings-en").await;

    // The facilitator puts it on the agenda.
    as_user(c, base, "fran", "/admin/meeting").await;
    wait_for_path(c, "/admin/meeting").await;
    assert_accessible(c, "agenda with proposals").await;
    screenshots_at_both_widths(c, "agenda-proposals-en").await;
    c.find(Locator::Id(&format!("note-{id}")))
        .await
        .expect("the note")
        .send_keys("First item in the morning.")
        .await
        .expect("typed");
    click_css(c, &format!("#topic-{id} button[value='accept']")).await;
    wait_for("accepted", || async {
        accounts
            .topic(id)
            .ok()
            .flatten()
            .is_some_and(|t| t.state == erfa_accounts::TopicState::Accepted)
    })
    .await;

    // The proposer sees it on the agenda, with the note, in Danish too.
    as_user(c, base, "mia", "/meetings").await;
    wait_for("the note", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("First item in the morning."))
    })
    .await;
    c.goto(&format!("{base}/lang/da?next=/meetings"))
        .await
        .expect("Danish");
    wait_for("Danish", || async {
        c.source().await.is_ok_and(|s| s.contains("På dagsordenen"))
    })
    .await;
    assert_accessible(c, "meetings in Danish").await;
    screenshots_at_both_widths(c, "meetings-da").await;
}

/// Types `text` into the field with `id`.
async fn type_into(client: &Client, id: &str, text: &str) {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .send_keys(text)
        .await
        .expect("typed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_ask_answer_and_a_thread_becomes_a_write_up_in_review() {
    let site = crate::auth::site_with(&crate::auth::sample_files(), false, true, |_| {});
    let accounts = site.accounts.clone();
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;

    // A member asks; the write-up about the same problem shows up while they type.
    as_user(c, base, "mia", "/questions").await;
    wait_for_path(c, "/questions").await;
    assert_accessible(c, "questions without any").await;
    click_css(c, "a[href='/questions/ask']").await;
    wait_for_path(c, "/questions/ask").await;
    type_into(c, "q-title", "How small can a change advisory board be?").await;
    type_into(
        c,
        "q-situation",
        "We are five people in IT and copied the CAB of a bank. Every change waits a week.",
    )
    .await;
    wait_for("similar write-ups while typing", || async {
        c.find(Locator::Css(
            "#question-similar-writeups a[href='/w/change/cab-copied']",
        ))
        .await
        .is_ok()
    })
    .await;
    assert_accessible(c, "asking with similar write-ups").await;
    js(
        c,
        "document.getElementById('q-situation').scrollIntoView(); return true",
    )
    .await;
    screenshots_at_both_widths(c, "question-ask-en").await;
    click_css(c, "button[value='ask']").await;
    wait_for("the question", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("Your question is posted."))
    })
    .await;
    let id = accounts.questions().expect("questions")[0].id;

    // Two members answer; one named, one not.
    for (name, text, named) in [
        (
            "carl",
            "We made standard changes the rule; the CAB meets only for the rest.",
            true,
        ),
        (
            "target",
            "We never had a CAB; a weekly change review is enough.",
            false,
        ),
    ] {
        as_user(c, base, name, &format!("/questions/{id}")).await;
        type_into(c, "answer-body", text).await;
        if named {
            click_css(c, "input[name='named']").await;
        }
        click_css(c, "form[action$='/answers'] button").await;
        wait_for("the answer shown", || async {
            c.source().await.is_ok_and(|s| s.contains(text))
        })
        .await;
    }
    assert_accessible(c, "a thread with answers").await;

    // The asker marks the helpful answer, resolves, and turns the thread into a draft.
    as_user(c, base, "mia", &format!("/questions/{id}")).await;
    let answers = accounts.answers(Some(id)).expect("answers");
    let helpful = answers
        .iter()
        .find(|a| a.body.starts_with("We made standard changes"))
        .expect("carl's")
        .id;
    click_css(
        c,
        &format!("#answer-{helpful} form[action$='/helpful'] button"),
    )
    .await;
    wait_for("marked", || async {
        accounts
            .answer(helpful)
            .ok()
            .flatten()
            .is_some_and(|a| a.helpful)
    })
    .await;
    click_css(c, "form[action$='/state'] button").await;
    wait_for("resolved", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("Question — 2 answers, resolved"))
    })
    .await;
    assert_accessible(c, "a resolved thread").await;
    screenshots_at_both_widths(c, "question-thread-en").await;
    assert!(
        c.source()
            .await
            .expect("source")
            .contains("The facilitator reviews the draft"),
        "a member has no My write-ups: the page says what happens instead"
    );

    // The answerer whose answer helped makes the draft, and so owns it.
    as_user(c, base, "carl", &format!("/questions/{id}")).await;
    wait_for("the draft form", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("You will own the draft"))
    })
    .await;
    click_css(c, "form[action$='/draft'] button").await;
    wait_for("the draft", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("The draft write-up is made"))
    })
    .await;
    let path = accounts
        .question(id)
        .expect("read")
        .expect("there")
        .writeups[0]
        .clone();
    let slug = path.trim_end_matches(".md").to_string();

    // Its maker owns it and edits it under My write-ups; it stays members-only.
    let name = slug.trim_start_matches("submissions/");
    c.goto(&format!("{base}/mine/{name}")).await.expect("edit");
    wait_for("the edit form", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("it stays members-only"))
    })
    .await;
    assert!(
        !c.source()
            .await
            .expect("source")
            .contains("name=\"visibility\" value=\"public\""),
        "no public choice for a draft from a thread"
    );
    assert_accessible(c, "editing a draft from a thread").await;
    screenshots_at_both_widths(c, "question-draft-edit-en").await;

    // The facilitator finds it in the review queue.
    as_user(c, base, "fran", "/admin/review").await;
    wait_for("the draft in review", || async {
        c.source().await.is_ok_and(|s| s.contains(&slug))
    })
    .await;
    c.goto(&format!("{base}/questions/{id}"))
        .await
        .expect("thread");
    wait_for("the facilitator's view", || async {
        c.source().await.is_ok_and(|s| s.contains("Asked by mia"))
    })
    .await;

    // A member's search lists the question as its own kind beside the write-ups.
    as_user(c, base, "target", "/?q=advisory+board").await;
    wait_for("the question among the hits", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("Question — 2 answers, resolved"))
    })
    .await;
    assert_accessible(c, "search with questions").await;
    screenshots_at_both_widths(c, "search-questions-en").await;

    // In Danish.
    c.goto(&format!("{base}/questions/{id}"))
        .await
        .expect("thread");
    c.goto(&format!("{base}/lang/da?next=/questions/{id}"))
        .await
        .expect("Danish");
    wait_for("Danish", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("Spørgsmål — 2 svar, løst"))
    })
    .await;
    assert!(
        !c.source().await.expect("source").contains("mia"),
        "an anonymous asker's name is not shown to members"
    );
    assert_accessible(c, "a thread in Danish").await;
    screenshots_at_both_widths(c, "question-thread-da").await;
    c.goto(&format!("{base}/questions")).await.expect("list");
    wait_for("the list", || async {
        c.source().await.is_ok_and(|s| s.contains("Spørg gruppen"))
    })
    .await;
    assert_accessible(c, "the questions in Danish").await;
    screenshots_at_both_widths(c, "questions-da").await;
}

/// The search page's state as the page shows it: the URL's query, the box, the heading,
/// the total in the summary, the sum of the kind facet's counts, and whether a
/// pagination is visible.
async fn search_state(client: &Client) -> Value {
    js(
        client,
        "const s = document.getElementById('results-summary');\
         const m = s ? s.textContent.match(/of ([0-9]+)/) : null;\
         const kinds = Array.from(document.querySelectorAll('a.facet-value[data-facet=kind] .facet-count')).map(e => +e.textContent);\
         const p = document.querySelector('.pagination');\
         return { url: location.search, q: document.getElementById('q').value,\
                  heading: document.getElementById('results-heading').textContent,\
                  total: m ? +m[1] : 0, kinds: kinds.reduce((a, b) => a + b, 0),\
                  hits: document.querySelectorAll('#hits .hit').length,\
                  pagination: !!p && p.offsetParent !== null };",
    )
    .await
}

/// Issue 17: typing, a filter, a page and Back all move one state that the URL, the box,
/// the heading, the hits, the facets and the pagination follow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_page_keeps_one_state_through_typing_filters_pages_and_back() {
    let Some(session) = start(sample_app_for(Scope::Members)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    c.goto(&format!("{base}/")).await.expect("home");
    assert_eq!(search_state(c).await["heading"], json!("Newest write-ups"));

    // A part of a word finds while typing; heading, facets and URL follow.
    let q = c.find(Locator::Id("q")).await.expect("the box");
    q.send_keys("cha").await.expect("typed");
    wait_for("results for the prefix", || async {
        let s = search_state(c).await;
        s["url"] == json!("?q=cha&prefix=last") && s["hits"].as_u64().unwrap_or(0) > 0
    })
    .await;
    let typed = search_state(c).await;
    assert_eq!(typed["heading"], json!("Results"), "{typed}");
    assert_eq!(
        typed["total"], typed["kinds"],
        "facet counts follow: {typed}"
    );
    // The results come before the filters in reading and tab order.
    let order = js(
        c,
        "return !!(document.querySelector('#hits a').compareDocumentPosition(document.querySelector('a.facet-value')) & Node.DOCUMENT_POSITION_FOLLOWING)",
    )
    .await;
    assert_eq!(order, json!(true));
    // The first hit is an early tab stop (it was about the 123rd behind the facets).
    let stop = js(
        c,
        "const f = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')).filter(e => e.tabIndex >= 0 && e.offsetParent !== null); return f.indexOf(document.querySelector('#hits a')) + 1",
    )
    .await;
    eprintln!("the first hit is tab stop {stop}");
    assert!(
        stop.as_u64().is_some_and(|n| (1..=25).contains(&n)),
        "{stop}"
    );

    // A filter: a history entry of its own.
    let mistake = c
        .find(Locator::Css(
            "a.facet-value[data-facet=kind][href*='kind=mistake']",
        ))
        .await
        .expect("the mistake filter");
    mistake.click().await.expect("clicked");
    wait_for("the filtered state", || async {
        let s = search_state(c).await;
        s["url"] == json!("?q=cha&kind=mistake&prefix=last")
    })
    .await;
    let filtered = search_state(c).await;
    assert_eq!(filtered["q"], json!("cha"), "{filtered}");
    // The kind facet counts without its own filter, so its sum stays the unfiltered
    // total, while the hits are the mistakes only.
    assert_eq!(filtered["kinds"], typed["total"], "{filtered}");
    let kinds = js(c, "return Array.from(document.querySelectorAll('#hits .badge')).every(b => b.classList.contains('badge-mistake'))").await;
    assert_eq!(kinds, json!(true));
    let chips = js(
        c,
        "return document.querySelector('.active-filters').textContent",
    )
    .await;
    assert!(chips.to_string().contains("Mistake"), "{chips}");

    // Nothing found: no pagination left over.
    q.send_keys("zzqx").await.expect("typed");
    wait_for("no results", || async {
        let s = search_state(c).await;
        s["url"] == json!("?q=chazzqx&kind=mistake&prefix=last") && s["hits"] == json!(0)
    })
    .await;
    assert_eq!(search_state(c).await["pagination"], json!(false));
    screenshot(c, "state-nothing-found").await;

    // Back: the filtered state again, box included; Back again: before the filter.
    c.back().await.expect("back");
    wait_for("the filtered state after Back", || async {
        search_state(c).await == filtered
    })
    .await;
    c.back().await.expect("back");
    wait_for("the typed state after Back", || async {
        search_state(c).await == typed
    })
    .await;

    // Pages: page 2 of the newest, then Back to page 1.
    c.goto(&format!("{base}/?per_page=1")).await.expect("home");
    let home = search_state(c).await;
    assert_eq!(home["pagination"], json!(true), "{home}");
    c.find(Locator::Css(".pagination a[rel=next]"))
        .await
        .expect("next")
        .click()
        .await
        .expect("clicked");
    wait_for("page 2", || async {
        search_state(c).await["url"] == json!("?per_page=1&page=2")
    })
    .await;
    assert_eq!(
        active_id(c).await,
        "results-heading",
        "focus moves to the new results"
    );
    let start = js(c, "return document.getElementById('hits').start").await;
    assert_eq!(start, json!(2));
    c.back().await.expect("back");
    wait_for("page 1 after Back", || async {
        search_state(c).await == home
    })
    .await;

    // A page past the last offers the last.
    c.goto(&format!("{base}/?q=cab&page=99"))
        .await
        .expect("page 99");
    let past = c
        .find(Locator::Id("past-last"))
        .await
        .expect("the past-last note")
        .text()
        .await
        .expect("text");
    assert!(past.contains("Go to page 1"), "{past}");
    assert_accessible(c, "/?q=cab&page=99").await;
    let _ = session.client.clone().close().await;
}

/// Issue 17: the suggestions are an ARIA 1.2 combobox that works with the keyboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suggestions_are_a_combobox_used_with_the_keyboard() {
    let Some(session) = start(sample_app_for(Scope::Members)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    c.goto(&format!("{base}/")).await.expect("home");
    let q = c.find(Locator::Id("q")).await.expect("the box");
    assert_eq!(
        js(c, "return [q.getAttribute('role'), q.getAttribute('aria-expanded'), q.getAttribute('aria-controls')]").await,
        json!(["combobox", "false", "q-suggestions"])
    );
    q.send_keys("cab").await.expect("typed");
    wait_for("the suggestions", || async {
        js(c, "return !document.getElementById('q-suggestions').hidden && document.querySelectorAll('#q-suggestions [role=option]').length > 0").await == json!(true)
    })
    .await;
    assert_eq!(
        js(c, "return q.getAttribute('aria-expanded')").await,
        json!("true")
    );
    assert_accessible(c, "/ with suggestions open").await;
    screenshot(c, "suggestions").await;
    press(c, Key::Down.into()).await;
    let state = js(c, "return [document.activeElement.id, q.getAttribute('aria-activedescendant'), document.getElementById('q-option-0').getAttribute('aria-selected')]").await;
    assert_eq!(
        state,
        json!(["q", "q-option-0", "true"]),
        "focus stays in the box"
    );
    press(c, Key::Up.into()).await;
    let wrapped = js(c, "const n = document.querySelectorAll('#q-suggestions [role=option]').length; return q.getAttribute('aria-activedescendant') === 'q-option-' + (n - 1)").await;
    assert_eq!(wrapped, json!(true), "Up from the first wraps to the last");
    press(c, Key::Escape.into()).await;
    assert_eq!(
        js(c, "return [document.getElementById('q-suggestions').hidden, q.getAttribute('aria-expanded'), q.hasAttribute('aria-activedescendant')]").await,
        json!([true, "false", false])
    );
    // Enter on a tag filters by it.
    q.clear().await.expect("cleared");
    q.send_keys("governa").await.expect("typed");
    wait_for("a tag suggestion", || async {
        js(c, "return Array.from(document.querySelectorAll('#q-suggestions [role=option]')).some(o => o.classList.contains('suggestion-tag'))").await == json!(true)
    })
    .await;
    let index = js(c, "return Array.from(document.querySelectorAll('#q-suggestions [role=option]')).findIndex(o => o.classList.contains('suggestion-tag'))").await;
    for _ in 0..=index.as_u64().expect("an index") {
        press(c, Key::Down.into()).await;
    }
    press(c, Key::Enter.into()).await;
    wait_for("the tag filter", || async {
        js(c, "return location.search + ' ' + document.getElementById('q').value + ' ' + !!document.querySelector('.active-filters')").await
            == json!("?tags=governance  true")
    })
    .await;
    // Enter on a suggestion takes it: a title opens its write-up.
    c.goto(&format!("{base}/")).await.expect("home");
    let q = c.find(Locator::Id("q")).await.expect("the box");
    q.send_keys("copied").await.expect("typed");
    wait_for("title suggestions", || async {
        js(c, "return Array.from(document.querySelectorAll('#q-suggestions [role=option]')).some(o => o.classList.contains('suggestion-title'))").await == json!(true)
    })
    .await;
    let index = js(c, "return Array.from(document.querySelectorAll('#q-suggestions [role=option]')).findIndex(o => o.classList.contains('suggestion-title'))").await;
    for _ in 0..=index.as_u64().expect("an index") {
        press(c, Key::Down.into()).await;
    }
    press(c, Key::Enter.into()).await;
    wait_for("the write-up", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.path().starts_with("/w/"))
    })
    .await;
    let _ = session.client.clone().close().await;
}

/// Issue 17: at phone width the filters are a drawer behind a "Filters" button.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filters_open_as_a_drawer_at_phone_width() {
    let Some(session) = start(sample_app_for(Scope::Members)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    c.set_window_size(390, 844).await.expect("resized");
    c.goto(&format!("{base}/?q=change"))
        .await
        .expect("a search");
    let closed = js(c, "return [getComputedStyle(document.getElementById('facets')).display, document.getElementById('filters-toggle').offsetParent !== null]").await;
    assert_eq!(
        closed,
        json!(["none", true]),
        "filters closed, the button shown"
    );
    screenshot(c, "drawer-closed-390").await;
    click_when_ready(c, "filters-toggle").await;
    let open = js(c, "const f = document.getElementById('facets'); const r = f.getBoundingClientRect(); return [getComputedStyle(f).display, f.getAttribute('role'), document.activeElement.id, r.top <= 0 && r.bottom >= window.innerHeight - 1]").await;
    assert_eq!(open, json!(["block", "dialog", "facets-heading", true]));
    assert_eq!(
        js(
            c,
            "return document.getElementById('filters-toggle').getAttribute('aria-expanded')"
        )
        .await,
        json!("true")
    );
    assert_accessible(c, "/?q=change with the drawer open").await;
    screenshot(c, "drawer-open-390").await;
    // A filter in the drawer closes it and filters.
    c.find(Locator::Css("#facets a.facet-value[data-facet=language]"))
        .await
        .expect("a language filter")
        .click()
        .await
        .expect("clicked");
    wait_for("the filtered state", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.query().is_some_and(|q| q.contains("language=")))
    })
    .await;
    wait_for("the drawer closed", || async {
        js(
            c,
            "return getComputedStyle(document.getElementById('facets')).display",
        )
        .await
            == json!("none")
    })
    .await;
    // Escape closes it and gives the focus back to the button.
    click_when_ready(c, "filters-toggle").await;
    press(c, Key::Escape.into()).await;
    assert_eq!(active_id(c).await, "filters-toggle");
    let overflow = js(
        c,
        "return document.documentElement.scrollWidth > window.innerWidth + 1",
    )
    .await;
    assert_eq!(overflow, json!(false));
    let _ = session.client.clone().close().await;
}

/// Issue 17: a corrected query and the glossary's terms are said, and the words as
/// typed can still be searched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_and_glossary_terms_are_shown() {
    let app = crate::support::sample_app_with_glossary(
        Scope::Members,
        "pairs:\n  - da: hændelse\n    en: incident\n",
    );
    let Some(session) = start(app).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    c.goto(&format!("{base}/?q=incidnet"))
        .await
        .expect("a search");
    let note = c
        .find(Locator::Id("correction"))
        .await
        .expect("the correction")
        .text()
        .await
        .expect("text");
    assert_eq!(
        note,
        "Showing results for incident — search instead for incidnet"
    );
    assert_accessible(c, "/?q=incidnet").await;
    screenshot(c, "correction").await;
    c.find(Locator::Css("#correction a"))
        .await
        .expect("the link")
        .click()
        .await
        .expect("clicked");
    wait_for("the words as typed", || async {
        js(
            c,
            "return location.search + ' ' + (document.getElementById('empty') ? 'empty' : '')",
        )
        .await
            == json!("?q=incidnet&literal=1 empty")
    })
    .await;
    c.goto(&format!("{base}/?q=h%C3%A6ndelse"))
        .await
        .expect("a search");
    let expanded = c
        .find(Locator::Id("expanded"))
        .await
        .expect("the glossary note")
        .text()
        .await
        .expect("text");
    assert!(expanded.starts_with("Also searched: "), "{expanded}");
    assert!(expanded.contains("incident"), "{expanded}");
    let _ = session.client.clone().close().await;
}

/// Issue 17: the help page and the feed page, in both languages, at both widths.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_help_and_feed_pages_read_well_at_both_widths() {
    let Some(session) = start(sample_app_for(Scope::Facilitator)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    // From the search box to the help, and from an example to its live search.
    c.goto(&format!("{base}/")).await.expect("home");
    c.find(Locator::Css("#search-hint a[href='/help#search']"))
        .await
        .expect("the help link")
        .click()
        .await
        .expect("clicked");
    wait_for_path(c, "/help").await;
    assert_accessible(c, "/help").await;
    screenshots_at_both_widths(c, "help-en").await;
    c.find(Locator::Css("a[href='/?q=incidnet']"))
        .await
        .expect("an example")
        .click()
        .await
        .expect("clicked");
    wait_for("the example's search", || async {
        js(
            c,
            "const n = document.getElementById('correction'); return n ? n.textContent : ''",
        )
        .await
            == json!("Showing results for incident — search instead for incidnet")
    })
    .await;
    // The feed page from the navigation.
    c.find(Locator::Css(".site-nav a[href='/feed']"))
        .await
        .expect("the feed link")
        .click()
        .await
        .expect("clicked");
    wait_for_path(c, "/feed").await;
    assert_accessible(c, "/feed").await;
    screenshots_at_both_widths(c, "feed-en").await;
    // Danish.
    c.find(Locator::Css("a.lang-switch"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("clicked");
    wait_for("Danish", || async {
        js(c, "return document.documentElement.lang").await == json!("da")
    })
    .await;
    assert_accessible(c, "/feed (da)").await;
    c.goto(&format!("{base}/help")).await.expect("help");
    assert_accessible(c, "/help (da)").await;
    screenshots_at_both_widths(c, "help-da").await;
    // A refused search offers the values meant.
    c.goto(&format!("{base}/?kind=mistke"))
        .await
        .expect("a refused search");
    assert_accessible(c, "/?kind=mistke").await;
    click_when_ready(c, "search-corrected").await;
    wait_for("the corrected search", || async {
        js(c, "return location.search").await == json!("?kind=mistake")
    })
    .await;
    // The share form links the writing part.
    c.goto(&format!("{base}/share")).await.expect("share");
    let link = js(c, "const a = document.querySelector('.share-intro a[href=\"/help#write\"]'); return a ? a.textContent : ''").await;
    assert_eq!(link, json!("Sådan skriver du en god erfaring"));
    let _ = session.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_follows_a_practice_and_reads_the_news() {
    // Mail is configured (to a port where nothing listens: what is sent is the mail
    // tests' business), so the pages show their mail forms.
    let site = crate::auth::site_with(&crate::auth::sample_files(), false, true, |c| {
        c.smtp_url = Some("smtp://127.0.0.1:9".to_string());
        c.mail_from = "erfa <erfa@example.dk>".to_string();
    });
    let accounts = site.accounts.clone();
    let router = site.router.clone();
    let Some(session) = start_router(router, Box::new(site)).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    let mia = accounts.user("mia").expect("read").expect("mia");
    let carl = accounts.user("carl").expect("read").expect("carl");

    // The login page offers a password link by mail.
    c.goto(&format!("{base}/login")).await.expect("login");
    wait_for("the lost-password form", || async {
        c.find(Locator::Id("forgot-name")).await.is_ok()
    })
    .await;
    assert_accessible(c, "login with mail").await;
    screenshots_at_both_widths(c, "login-mail-en").await;
    as_user(c, base, "carl", "/news").await;
    wait_for_path(c, "/news").await;
    assert_accessible(c, "news without any").await;
    // Following is chosen on the Account page too: a practice from the list, by keyboard.
    c.goto(&format!("{base}/account")).await.expect("account");
    wait_for_path(c, "/account").await;
    js(
        c,
        "document.getElementById('follow-practice').value = 'change-enablement'; return true",
    )
    .await;
    click_when_ready(c, "follow-practice-submit").await;
    wait_for("the follow", || async {
        c.source().await.is_ok_and(|s| {
            s.contains("Stop following") && s.contains("Practice: Change enablement")
        })
    })
    .await;
    wait_for_path(c, "/account").await;
    let practices = ["change-enablement".to_string()];
    accounts
        .ask_question(
            &erfa_accounts::Actor::account(&mia),
            erfa_accounts::NewQuestion {
                title: "How small can a change advisory board be?",
                situation: "We are five people in IT.",
                tried: "",
                practices: &practices,
                tags: &[],
                named: true,
            },
        )
        .expect("asked");
    assert_ne!(mia.id, carl.id);
    c.goto(&format!("{base}/news")).await.expect("news");
    wait_for("the news item", || async {
        c.source()
            .await
            .is_ok_and(|s| s.contains("How small can a change advisory board be?"))
    })
    .await;
    assert_accessible(c, "news with an item").await;
    screenshots_at_both_widths(c, "news-en").await;

    // The Account page with its e-mail section; then both pages in Danish.
    c.goto(&format!("{base}/account")).await.expect("account");
    wait_for("the e-mail section", || async {
        c.find(Locator::Css("form[action='/account/email']"))
            .await
            .is_ok()
    })
    .await;
    assert_accessible(c, "the account page with e-mail").await;
    screenshots_at_both_widths(c, "account-en").await;
    js(
        c,
        "document.getElementById('follows').scrollIntoView(); return true",
    )
    .await;
    screenshots_at_both_widths(c, "account-follows-en").await;
    c.goto(&format!("{base}/lang/da?next=/news"))
        .await
        .expect("Danish");
    wait_for("News in Danish", || async {
        c.source().await.is_ok_and(|s| s.contains("Nyt til dig"))
    })
    .await;
    assert_accessible(c, "news in Danish").await;
    screenshots_at_both_widths(c, "news-da").await;
    c.goto(&format!("{base}/account")).await.expect("account");
    wait_for("the account page in Danish", || async {
        c.source().await.is_ok_and(|s| s.contains("lang=\"da\""))
            && c.find(Locator::Css("form[action='/account/email']"))
                .await
                .is_ok()
    })
    .await;
    assert_accessible(c, "the account page in Danish").await;
    screenshots_at_both_widths(c, "account-da").await;

    // The facilitator's people page: an address for the invitation, each person's address.
    accounts
        .set_email(mia.id, "mia@example.dk")
        .expect("an address to confirm");
    as_user(c, base, "fran", "/admin/people").await;
    c.goto(&format!("{base}/lang/da?next=/admin/people"))
        .await
        .expect("Danish");
    wait_for("the people page in Danish", || async {
        c.source().await.is_ok_and(|s| s.contains("lang=\"da\""))
            && c.find(Locator::Id("invite-email")).await.is_ok()
    })
    .await;
    assert_accessible(c, "people with mail (da)").await;
    screenshots_at_both_widths(c, "people-mail-da").await;
    c.goto(&format!("{base}/lang/en?next=/admin/people"))
        .await
        .expect("English");
    wait_for("the people page in English", || async {
        c.source().await.is_ok_and(|s| s.contains("lang=\"en\""))
            && c.find(Locator::Id("invite-email")).await.is_ok()
    })
    .await;
    assert_accessible(c, "people with mail").await;
    screenshots_at_both_widths(c, "people-mail-en").await;
}

/// ChromeDriver's "get log" command for one log type.
#[derive(Debug)]
struct GetLog(&'static str);

impl fantoccini::wd::WebDriverCompatibleCommand for GetLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(json!({ "type": self.0 }).to_string()),
        )
    }
}

/// The URLs of the requests the browser made since the last call (ChromeDriver hands each
/// log entry over once): `Network.requestWillBeSent` in the performance log.
async fn requests_made(client: &Client) -> Vec<String> {
    let entries = client
        .issue_cmd(GetLog("performance"))
        .await
        .expect("the performance log");
    let entries = entries.as_array().expect("log entries");
    entries
        .iter()
        .filter_map(|entry| {
            let message: Value =
                serde_json::from_str(entry["message"].as_str()?).expect("a DevTools event");
            let event = &message["message"];
            (event["method"] == "Network.requestWillBeSent")
                .then(|| event["params"]["request"]["url"].as_str().map(String::from))
                .flatten()
        })
        .collect()
}

/// Loads `path`, lets its scripts and images finish, and asserts that every request the
/// browser made meanwhile went to `base` or stayed in the browser; returns them.
async fn visit(c: &Client, base: &str, path: &str) -> Vec<String> {
    c.goto(&format!("{base}{path}")).await.expect("a page");
    js(
        c,
        "return new Promise(done => setTimeout(() => done(1), 300))",
    )
    .await;
    let requests = requests_made(c).await;
    assert!(
        requests
            .iter()
            .any(|u| u.starts_with(&format!("{base}{path}"))),
        "{path}: the page itself is in the log: {requests:#?}"
    );
    let own = format!("{base}/");
    for url in &requests {
        assert!(
            url.starts_with(&own) || !leaves_the_browser(url),
            "{path} made a request to {url}"
        );
    }
    requests
}

/// Whether a request for `url` goes over the network: anything but the browser's own
/// schemes (`data:`, `blob:`, `about:`, and `chrome:` for its start page).
fn leaves_the_browser(url: &str) -> bool {
    !["data:", "blob:", "about:", "chrome:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// E7: loading the main pages — home, a search, a write-up with an image, help, login,
/// and, logged in, home and a members-only write-up — the browser asks nothing of
/// anyone but erfa's own origin. Every request Chromium makes is read from its DevTools
/// performance log; the only others are URLs that never leave the browser (`data:`, and
/// Chromium's own start page).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_make_no_request_beyond_the_own_origin() {
    let site = crate::auth::site(&crate::auth::sample_files(), true);
    let router = site.router.clone();
    let Some(session) = start_router_logging(router, Box::new(site), true).await else {
        return;
    };
    let c = &session.client;
    let base = &session.base;
    // What the browser's own start page loaded before any erfa page was asked for.
    let before = requests_made(c).await;
    assert!(before.iter().all(|u| !leaves_the_browser(u)), "{before:?}");
    let mut seen = Vec::new();
    seen.extend(visit(c, base, "/").await);
    seen.extend(visit(c, base, "/?q=cab").await);
    seen.extend(visit(c, base, "/w/change/cab-copied").await);
    seen.extend(visit(c, base, "/help").await);
    seen.extend(visit(c, base, "/login").await);
    log_in_through_the_form(c, "mia").await;
    wait_for_path(c, "/").await;
    seen.extend(visit(c, base, "/").await);
    seen.extend(visit(c, base, "/w/change/cab-kopieret").await);
    // The pages' own parts were asked for, so the log is the whole story.
    for part in [
        "/static/app.css",
        "/static/app.js",
        "/w/change/cab-copied/diagram.png",
    ] {
        assert!(
            seen.iter().any(|u| u.starts_with(&format!("{base}{part}"))),
            "{part} was requested: {seen:#?}"
        );
    }
    let own = seen.iter().filter(|u| u.starts_with(base.as_str())).count();
    eprintln!(
        "E7: {} requests over 7 page loads, {own} of them to {base}, none elsewhere",
        seen.len()
    );
}
