//! `erfa serve` with accounts, end to end over a real socket: the first account switches
//! local mode off, a member logs in and searches, tokens work — and the server's log (at
//! debug level) holds no password, session id, token, query or write-up text
//! (RELIABILITY.md E9).

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

fn start(content: &Path, data: &Path) -> Server {
    let mut child = erfa(content, data)
        .args(["serve", "--bind", "127.0.0.1:0"])
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
    let content = tempfile::tempdir().expect("dir");
    let data = tempfile::tempdir().expect("dir");
    std::fs::write(
        content.path().join("secret.md"),
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

    let mut server = start(content.path(), data.path());
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
    let api = get(
        port,
        &format!("/api/search?q={SECRET_TEXT}+board"),
        &format!("Authorization: Bearer {token}\r\n"),
    );
    assert!(api.contains("\"total\":1"), "{api}");
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
    assert!(log.contains("/api/search"), "requests are logged: {log}");
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
}
