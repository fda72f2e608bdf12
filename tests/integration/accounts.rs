//! `erfa serve` with accounts, end to end over a real socket: the first account switches
//! local mode off, a member logs in and searches, tokens work — and the server's log (at
//! debug level) holds no password, session id, token, query, write-up text or slug
//! (docs/SECURITY.md). And `erfa user`: `revoke` locks, `remove` offboards, `passwd`
//! ends reset links, names are checked and old ones listed with a hint.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "sesame-open-wide-42";
const SECRET_TEXT: &str = "zqxlogcanary";

fn erfa(content: &Path, data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_erfa"));
    cmd.arg("--content").arg(content).arg("--data").arg(data);
    cmd
}

/// One HTTP/1.1 request on a fresh connection; the whole response as text.
fn http(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

fn get(port: u16, path: &str, extra: &str) -> String {
    http(
        port,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
        ),
    )
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.split("\r\n\r\n").next()?.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

struct Server {
    child: Child,
    port: u16,
    log: std::sync::mpsc::Receiver<String>,
}

fn start(content: &Path, data: &Path, extra: &[&str]) -> Server {
    let mut child = erfa(content, data)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .env("ERFA_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("erfa serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no serving line; log so far: {seen:#?}");
        };
        if let Some(rest) = line.split("serving http://127.0.0.1:").nth(1) {
            let port: u16 = rest
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("a port");
            assert!(
                line.contains("members only"),
                "with an account erfa asks visitors to log in: {line}"
            );
            return Server {
                child,
                port,
                log: rx,
            };
        }
        seen.push(line);
    }
}

#[test]
fn a_server_with_accounts_logs_no_secrets() {
    let (log, _) = serve_and_log(&[]);
    assert!(log.contains("/api/search"), "requests are logged: {log}");
    assert!(
        log.contains("/w/{*slug}"),
        "a write-up's page is logged by its route: {log}"
    );
}

/// `--log-format json`: one JSON object per line, each request's lines carrying its id,
/// the id the answer named in `X-Request-Id`; and still no secret.
#[test]
fn json_logs_carry_request_ids_and_no_secrets() {
    let (log, ids) = serve_and_log(&["--log-format", "json"]);
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let search = lines
        .iter()
        .find(|l| l["span"]["path"] == "/api/search")
        .unwrap_or_else(|| panic!("the search is logged: {log}"));
    let id = search["span"]["id"].as_str().expect("a request id");
    assert!(ids.iter().any(|i| i == id), "{id} not among {ids:?}");
    assert!(
        lines
            .iter()
            .all(|l| l["level"].is_string() && l["timestamp"].is_string()),
        "{log}"
    );
}

/// Runs a server with accounts (and `extra` arguments), logs in, searches, fails a login,
/// stops it, checks that the log holds no secret, and returns the log and the request ids
/// the answers named.
fn serve_and_log(extra: &[&str]) -> (String, Vec<String>) {
    let content = tempfile::tempdir().expect("dir");
    let data = tempfile::tempdir().expect("dir");
    std::fs::write(
        content.path().join(format!("{SECRET_TEXT}-merger.md")),
        format!("---\ntitle: The {SECRET_TEXT} review\nkind: lesson\nlanguage: en\norganisation: Hemmelig Kommune\n---\n## Lesson learned\n\nThe {SECRET_TEXT} board met weekly.\n"),
    )
    .expect("write-up");
    let mut add = erfa(content.path(), data.path())
        .args(["user", "add", "mia", "--role", "member", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("erfa user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("password sent");
    let added = add.wait_with_output().expect("done");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let token = erfa(content.path(), data.path())
        .args(["user", "token", "mia"])
        .output()
        .expect("erfa user token");
    assert!(token.status.success());
    let token = String::from_utf8_lossy(&token.stdout)
        .split_whitespace()
        .find(|w| w.len() == 64 && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .expect("a token printed")
        .to_string();

    let mut server = start(content.path(), data.path(), extra);
    let port = server.port;

    // Anonymous: asked to log in; the write-up stays hidden.
    let anon = get(port, &format!("/?q={SECRET_TEXT}"), "");
    assert!(anon.starts_with("HTTP/1.1 303"), "{anon}");
    assert!(!anon.contains("weekly"));
    // A non-loopback Host is fine now: local mode is off.
    let remote = http(
        port,
        "GET /login HTTP/1.1\r\nHost: erfa.example\r\nConnection: close\r\n\r\n",
    );
    assert!(remote.starts_with("HTTP/1.1 200"), "{remote}");

    // Log in.
    let form = format!("name=mia&password={PASSWORD}&next=%2F");
    let login = http(
        port,
        &format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
    );
    assert!(login.starts_with("HTTP/1.1 303"), "{login}");
    let cookie = header(&login, "set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let session_id = cookie
        .split_once('=')
        .map(|(_, v)| v.to_string())
        .expect("id");
    let page = get(
        port,
        &format!("/?q={SECRET_TEXT}"),
        &format!("Cookie: {cookie}\r\n"),
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("weekly"), "the member finds it");
    // The write-up's own page: its slug names it, and the log must not.
    let writeup = get(
        port,
        &format!("/w/{SECRET_TEXT}-merger"),
        &format!("Cookie: {cookie}\r\n"),
    );
    assert!(writeup.starts_with("HTTP/1.1 200"), "{writeup}");
    let api = get(
        port,
        &format!("/api/search?q={SECRET_TEXT}+board"),
        &format!("Authorization: Bearer {token}\r\n"),
    );
    assert!(api.contains("\"total\":1"), "{api}");
    let ids: Vec<String> = [&page, &api]
        .iter()
        .map(|r| header(r, "x-request-id").expect("a request id").to_string())
        .collect();
    assert_ne!(ids[0], ids[1], "each request has its own id");
    let wrong = format!("name=mia&password=wrong-{PASSWORD}&next=%2F");
    let refused = http(
        port,
        &format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{wrong}",
            wrong.len()
        ),
    );
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");

    // Stop, and read everything it logged.
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    let status = server.child.wait().expect("stopped");
    assert!(status.success(), "graceful stop: {status:?}");
    let log: Vec<String> = server.log.try_iter().collect();
    let log = log.join("\n");
    for secret in [
        PASSWORD,
        session_id.as_str(),
        token.as_str(),
        SECRET_TEXT,
        "weekly",
        "Hemmelig",
    ] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    (log, ids)
}

/// Runs `erfa user …` with `stdin` as standard input; (success, stdout, stderr).
fn user(data: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    let content = data.join("content");
    std::fs::create_dir_all(&content).expect("content folder");
    let mut child = erfa(&content, data)
        .arg("user")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("erfa user");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin sent");
    let out = child.wait_with_output().expect("done");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn add(data: &Path, name: &str) {
    let (ok, _, err) = user(
        data,
        &["add", name, "--role", "contributor", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{err}");
}

/// The token `erfa user token` prints on its last line.
fn token(data: &Path, args: &[&str]) -> String {
    let (ok, out, err) = user(data, args, "");
    assert!(ok, "{err}");
    out.lines().last().expect("a token line").to_string()
}

/// `erfa user token --metrics` is made for the facilitator only, and works only as one.
#[test]
fn metrics_tokens_are_the_facilitator_s() {
    let data = tempfile::tempdir().expect("dir");
    add(data.path(), "mia");
    let (ok, _, err) = user(data.path(), &["token", "mia", "--metrics"], "");
    assert!(!ok, "a contributor gets no metrics token");
    assert!(err.contains("made for the facilitator's account"), "{err}");
    let (ok, _, err) = user(data.path(), &["token", "mia", "--metrics", "--feed"], "");
    assert!(!ok && err.contains("cannot be used with"), "{err}");
    let (ok, _, err) = user(data.path(), &["role", "mia", "facilitator"], "");
    assert!(ok, "{err}");
    let metrics = token(data.path(), &["token", "mia", "--metrics"]);
    let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
    assert!(
        accounts
            .token_user(&metrics, erfa_accounts::TokenKind::Metrics)
            .expect("lookup")
            .is_some()
    );
    assert!(
        accounts
            .token_user(&metrics, erfa_accounts::TokenKind::Api)
            .expect("lookup")
            .is_none(),
        "not an API token"
    );
}

/// `erfa user revoke` locks the account: no login, its sessions, tokens and feed
/// addresses end; its help says so; `erfa user list` shows it; `unlock` opens it again.
#[test]
fn revoke_locks_the_account() {
    let data = tempfile::tempdir().expect("dir");
    add(data.path(), "mia");
    let api = token(data.path(), &["token", "mia"]);
    let feed = token(data.path(), &["token", "mia", "--feed"]);
    let (ok, help, _) = user(data.path(), &["revoke", "--help"], "");
    assert!(ok);
    assert!(help.contains("Lock an account"), "{help}");
    assert!(help.contains("can no longer log in"), "{help}");
    assert!(help.contains("erfa user unlock"), "{help}");
    {
        let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
        let mia = accounts.require("mia").expect("mia");
        let session = accounts.create_session(&mia).expect("a session");
        let (ok, out, err) = user(data.path(), &["revoke", "mia"], "");
        assert!(ok, "{err}");
        assert!(out.starts_with("locked mia"), "{out}");
        assert!(
            accounts
                .verify_password("mia", PASSWORD)
                .expect("verify")
                .is_none(),
            "no login with the old password"
        );
        assert!(accounts.session_user(&session).expect("lookup").is_none());
        assert!(
            accounts
                .token_user(&api, erfa_accounts::TokenKind::Api)
                .expect("lookup")
                .is_none()
        );
        assert!(
            accounts
                .token_user(&feed, erfa_accounts::TokenKind::Feed)
                .expect("lookup")
                .is_none()
        );
    }
    let (ok, list, _) = user(data.path(), &["list"], "");
    assert!(ok);
    let line = list.lines().find(|l| l.starts_with("mia ")).expect("mia");
    assert!(line.ends_with("contributor locked"), "{line}");
    let (ok, _, err) = user(data.path(), &["token", "mia"], "");
    assert!(!ok);
    assert!(err.contains("locked"), "{err}");

    let (ok, out, err) = user(data.path(), &["unlock", "mia"], "");
    assert!(ok, "{err}");
    assert_eq!(out, "unlocked mia\n");
    let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
    assert!(
        accounts
            .verify_password("mia", PASSWORD)
            .expect("verify")
            .is_some()
    );
    assert!(
        accounts
            .token_user(&api, erfa_accounts::TokenKind::Api)
            .expect("lookup")
            .is_none(),
        "old tokens stay dead"
    );
}

/// `erfa user remove` offboards: a reset link made before is dead, and a new account of
/// the same name starts without the previous holder's submissions. `erfa user passwd`
/// ends the account's reset links.
#[test]
fn remove_offboards_and_passwd_ends_reset_links() {
    let data = tempfile::tempdir().expect("dir");
    add(data.path(), "jane");
    let (reset, other) = {
        let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
        let jane = accounts.require("jane").expect("jane");
        let by = erfa_accounts::Actor::without_account("test");
        accounts
            .record_submission(&erfa_accounts::Actor::account(&jane), "submissions/a.md")
            .expect("shared");
        let reset = accounts.create_reset(&jane, &by).expect("reset");
        let other = accounts.create_reset(&jane, &by).expect("reset");
        (reset, other)
    };
    let (ok, out, err) = user(
        data.path(),
        &["passwd", "jane", "--password-stdin"],
        "another long password\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("reset links"), "{out}");
    let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
    assert!(accounts.link(&reset).expect("link").is_none());
    assert!(accounts.link(&other).expect("link").is_none());
    let jane = accounts.require("jane").expect("jane");
    let reset = accounts
        .create_reset(&jane, &erfa_accounts::Actor::without_account("test"))
        .expect("reset");

    let (ok, out, err) = user(data.path(), &["remove", "jane"], "");
    assert!(ok, "{err}");
    assert_eq!(out, "removed jane\n");
    add(data.path(), "jane");
    let new = accounts.require("jane").expect("the new jane");
    assert_ne!(new.id, jane.id);
    assert!(accounts.submissions_of(new.id).expect("mine").is_empty());
    assert!(accounts.link(&reset).expect("link").is_none());
    assert!(matches!(
        accounts.use_link(&reset, "", "an attacker's password"),
        Err(erfa_accounts::Error::BadLink)
    ));
}

/// New names are normalised and checked with a message that says what is allowed;
/// accounts whose names do not fit keep working and are listed with a hint to rename.
#[test]
fn names_are_checked_and_old_ones_listed_with_a_hint() {
    let data = tempfile::tempdir().expect("dir");
    let (ok, _, err) = user(
        data.path(),
        &["add", "Jane Doe", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(!ok);
    for allowed in ["a–z", "æ, ø and å", "0–9", "`.`, `-`, `_` and `@`"] {
        assert!(err.contains(allowed), "{err}");
    }
    let (ok, out, err) = user(
        data.path(),
        &["add", "Søren.K@Example.DK", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{err}");
    assert_eq!(out, "added søren.k@example.dk (member)\n");
    // An account from before the rules, with a name that does not fit them.
    let db = rusqlite::Connection::open(data.path().join("state.db")).expect("db");
    db.execute(
        "INSERT INTO users (name, role, password_hash, created)
         SELECT 'Jane Doe', 'member', password_hash, created FROM users",
        [],
    )
    .expect("an old account");
    drop(db);
    let (ok, list, _) = user(data.path(), &["list"], "");
    assert!(ok);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[0].starts_with("Jane Doe "), "{list}");
    assert!(
        lines[0].contains("member  (this name does not fit the login-name rules; rename it: erfa user rename \"Jane Doe\" NEW)"),
        "{list}"
    );
    assert!(lines[1].starts_with("søren.k@example.dk "), "{list}");
    assert!(lines[1].trim_end().ends_with("member"), "{list}");
    let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
    assert!(
        accounts
            .verify_password("Jane Doe", PASSWORD)
            .expect("verify")
            .is_some(),
        "the old account still logs in"
    );
    let (ok, out, err) = user(data.path(), &["rename", "Jane Doe", "Jane.Doe"], "");
    assert!(ok, "{err}");
    assert_eq!(out, "renamed Jane Doe to jane.doe\n");
    assert!(
        accounts
            .verify_password("jane.doe", PASSWORD)
            .expect("verify")
            .is_some()
    );
    let (_, list, _) = user(data.path(), &["list"], "");
    assert!(!list.contains("rename"), "{list}");
}

/// `erfa user export` prints what erfa holds about a person as JSON; `erfa user erase`
/// removes the account and their name from every record, and a script needs no answer.
#[test]
fn export_prints_a_person_s_data_and_erase_leaves_no_name() {
    let data = tempfile::tempdir().expect("dir");
    add(data.path(), "bodil");
    let _api = token(data.path(), &["token", "bodil"]);
    {
        let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
        let bodil = accounts.require("bodil").expect("bodil");
        accounts
            .set_not_helped("change/cab", bodil.id, Some("Not for a small shop."))
            .expect("not helped");
    }
    let (ok, out, err) = user(data.path(), &["export", "bodil"], "");
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["account"]["name"], "bodil");
    assert_eq!(json["account"]["role"], "contributor");
    assert_eq!(json["tokens"][0]["kind"], "api");
    assert_eq!(json["not_helped"][0]["reason"], "Not for a small shop.");
    assert!(!out.contains("hash"), "no secrets: {out}");

    let (ok, help, _) = user(data.path(), &["erase", "--help"], "");
    assert!(
        ok && help.to_lowercase().contains("cannot be undone"),
        "{help}"
    );
    let (ok, out, err) = user(data.path(), &["erase", "bodil"], "");
    assert!(ok, "{err}");
    assert!(out.starts_with("erased bodil"), "{out}");
    let (ok, list, _) = user(data.path(), &["list"], "");
    assert!(ok && !list.contains("bodil"), "{list}");
    let (ok, _, err) = user(data.path(), &["export", "bodil"], "");
    assert!(!ok && err.contains("bodil"), "{err}");
    let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
    let log = accounts.audit_log(100).expect("log");
    assert!(
        log.iter()
            .all(|a| !a.actor.contains("bodil") && !a.target.contains("bodil"))
    );
    assert!(log.iter().any(|a| a.action == "user erase"));
    drop(accounts);

    // Someone offboarded earlier is erased by account id: the audit log kept the name.
    add(data.path(), "karsten");
    let id = {
        let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
        accounts.require("karsten").expect("karsten").id
    };
    let (ok, _, err) = user(data.path(), &["remove", "karsten"], "");
    assert!(ok, "{err}");
    let (ok, out, err) = user(data.path(), &["erase", "--id", &id.to_string()], "");
    assert!(ok, "{err}");
    assert!(out.starts_with(&format!("erased account {id}")), "{out}");
    let accounts = erfa_accounts::Accounts::open(data.path()).expect("accounts");
    let log = accounts.audit_log(100).expect("log");
    assert!(log.iter().all(|a| !a.target.contains("karsten")), "{log:?}");
}

/// The log is written by a thread of its own, and loses nothing: of 400 searches on eight
/// connections at once, every one is in the log by the time the server has stopped.
#[test]
fn every_request_is_logged_by_the_time_the_server_stops() {
    let data = tempfile::tempdir().expect("dir");
    add(data.path(), "mia");
    let mut server = start(&data.path().join("content"), data.path(), &[]);
    let port = server.port;
    let workers: Vec<_> = (0..8)
        .map(|worker| {
            std::thread::spawn(move || {
                for i in 0..50 {
                    let answer = get(port, &format!("/api/search?q=word{worker}x{i}"), "");
                    assert!(answer.starts_with("HTTP/1.1 "), "{answer}");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("searched");
    }
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    let status = server.child.wait().expect("stopped");
    assert!(status.success(), "graceful stop: {status:?}");
    // The reader of the server's standard error may still be reading the pipe.
    let mut log: Vec<String> = Vec::new();
    while let Ok(line) = server.log.recv_timeout(Duration::from_secs(10)) {
        log.push(line);
    }
    let searches = log
        .iter()
        .filter(|l| l.contains("path=/api/search") && l.contains("finished processing request"))
        .count();
    assert_eq!(searches, 400, "{:#?}", &log[log.len().saturating_sub(5)..]);
    assert!(
        log.last().is_some_and(|l| l.contains("erfa stopped")),
        "{:?}",
        log.last()
    );
}
