//! Mail against a real SMTP server on loopback (Python's aiosmtpd, started by the test):
//! the verification, news and change-request mails arrive with a neutral subject, a link
//! that works over HTTP, and none of the words members wrote (canaries); an unverified
//! address gets nothing but its verification; choosing "no news by mail" stops news
//! mails; offboarding removes the address. Invitations and password links go by mail
//! too, and only to a confirmed address (or the one an invitation was sent to).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::auth::{get_as, login, post_form, sample_files, site_with};
use crate::support::enc;

/// Writes each message it receives, decoded, to a file in the folder it is given.
const SERVER: &str = r#"
import email, email.policy, itertools, pathlib, sys, time
from aiosmtpd.controller import Controller
out = pathlib.Path(sys.argv[2])
numbers = itertools.count()
class Keep:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = "To: %s\nSubject: %s\n\n%s" % (",".join(envelope.rcpt_tos), msg["subject"], msg.get_content())
        path = out / ("%04d.txt" % next(numbers))
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.rename(path)
        return "250 OK"
controller = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

/// The SMTP server; stopped when dropped.
struct Smtp {
    child: Child,
    port: u16,
    inbox: tempfile::TempDir,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Python that has aiosmtpd (Debian's python3-aiosmtpd installs it for /usr/bin/python3).
fn python() -> &'static str {
    for candidate in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(candidate)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return candidate;
        }
    }
    panic!("these tests need aiosmtpd: apt-get install python3-aiosmtpd (.ci/run does)");
}

fn start_smtp() -> Smtp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port();
    let inbox = tempfile::tempdir().expect("a temp dir");
    let mut child = Command::new(python())
        .args(["-c", SERVER, &port.to_string()])
        .arg(inbox.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("aiosmtpd starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a line");
    assert_eq!(line.trim(), "ready");
    Smtp { child, port, inbox }
}

/// The mails received so far, oldest first.
fn mails(inbox: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(inbox)
        .expect("the inbox")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a mail"))
        .collect()
}

/// Waits until `count` mails have arrived, and returns them.
async fn wait_for_mails(inbox: &Path, count: usize) -> Vec<String> {
    for _ in 0..200 {
        let got = mails(inbox);
        if got.len() >= count {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {count} mails, got {:?}", mails(inbox));
}

/// The path of the erfa link in `mail` (after the public address).
fn link_in(mail: &str) -> String {
    mail.split("https://erfa.example")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a link into erfa")
        .to_string()
}

const CANARIES: [&str; 5] = [
    "CANARYQTITLE",
    "CANARYSITUATION",
    "CANARYANSWER",
    "CANARYCOMMENT",
    "CANARYWRITEUP",
];

fn assert_neutral(mail: &str) {
    for canary in CANARIES {
        assert!(!mail.contains(canary), "{canary} in a mail: {mail}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mails_are_neutral_verified_optional_and_end_with_the_account() {
    let smtp = start_smtp();
    let inbox = smtp.inbox.path().to_path_buf();
    let mut files = sample_files();
    files.push((
        "submissions/carl-idea.md".to_string(),
        "---\ntitle: CANARYWRITEUP idea\nkind: lesson\npractices: [service-desk]\nlanguage: en\ndate: 2026-01-01\nstatus: review\n---\n## Lesson learned\n\nWords.\n".to_string(),
    ));
    let port = smtp.port;
    let site = site_with(&files, false, false, move |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_from = "erfa <erfa@example.dk>".to_string();
        c.mail_every_secs = 1;
    });
    let app = &site.router;
    let (mia, carl, fran) = (
        login(app, "mia").await,
        login(app, "carl").await,
        login(app, "fran").await,
    );

    // A bad address is refused with what was expected.
    let bad = post_form(app, "/account/email", "address=nope", Some(&mia)).await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.text().contains("name@example.dk"), "{}", bad.text());

    // Mia gives an address: the verification mail is all it gets until she uses it.
    let set = post_form(
        app,
        "/account/email",
        &format!("address={}", enc("mia@example.dk")),
        Some(&mia),
    )
    .await;
    assert_eq!(set.status, 303, "{}", set.text());
    let verification = wait_for_mails(&inbox, 1).await.remove(0);
    assert!(
        verification.starts_with("To: mia@example.dk\n"),
        "{verification}"
    );
    assert!(verification.contains("Subject: erfa: confirm your e-mail address"));
    let verify_path = link_in(&verification);
    assert!(
        verify_path.starts_with("/account/email/verify/"),
        "{verify_path}"
    );

    // News while unverified: nothing is sent.
    let asked = post_form(
        app,
        "/questions",
        &format!(
            "title={}&situation={}&practices=change-enablement",
            enc("CANARYQTITLE how"),
            enc("CANARYSITUATION here")
        ),
        Some(&mia),
    )
    .await;
    assert_eq!(asked.status, 303, "{}", asked.text());
    let question = asked
        .header("location")
        .split('?')
        .next()
        .expect("path")
        .to_string();
    let answer = |body: &'static str| {
        let question = question.clone();
        let carl = carl.clone();
        async move {
            let r = post_form(
                app,
                &format!("{question}/answers"),
                &format!("body={}", enc(body)),
                Some(&carl),
            )
            .await;
            assert_eq!(r.status, 303, "{}", r.text());
        }
    };
    answer("CANARYANSWER one").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        mails(&inbox).len(),
        1,
        "an unverified address gets only its link"
    );

    // Following the link over HTTP: a page with a button, which verifies the address.
    let page = get_as(app, &verify_path, None).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let used = post_form(app, &verify_path, "", None).await;
    assert_eq!(used.status, 303, "{}", used.text());
    let again = post_form(app, &verify_path, "", None).await;
    assert_eq!(again.status, 400, "one time: {}", again.text());
    let account = get_as(app, "/account", Some(&mia)).await.text();
    assert!(account.contains("Confirmed."), "{account}");

    // "At once": the news mail comes, neutral, with a link to News that works.
    let digest = post_form(app, "/account/email/digest", "digest=at-once", Some(&mia)).await;
    assert_eq!(digest.status, 303, "{}", digest.text());
    let got = wait_for_mails(&inbox, 2).await;
    let news = &got[1];
    assert!(news.starts_with("To: mia@example.dk\n"), "{news}");
    assert!(
        news.contains("Subject: erfa: there is news for you"),
        "{news}"
    );
    assert!(
        news.contains("There is a new answer to your question in erfa."),
        "{news}"
    );
    assert_eq!(link_in(news), "/news");
    assert_neutral(news);
    let read = get_as(app, "/news", Some(&mia)).await;
    assert_eq!(read.status, 200);
    assert!(
        read.text().contains("CANARYQTITLE"),
        "the link leads to the news"
    );

    // No news by mail: a new answer sends nothing.
    let off = post_form(app, "/account/email/digest", "digest=none", Some(&mia)).await;
    assert_eq!(off.status, 303);
    answer("CANARYANSWER two").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(mails(&inbox).len(), 2, "opting out stops news mail");

    // A change request: Carl, who shared the write-up, hears of it without its words.
    let carl_user = site.accounts.user("carl").expect("lookup").expect("carl");
    site.accounts
        .record_submission(
            &erfa_accounts::Actor::account(&carl_user),
            "submissions/carl-idea.md",
        )
        .expect("recorded");
    post_form(
        app,
        "/account/email",
        &format!("address={}", enc("carl@example.dk")),
        Some(&carl),
    )
    .await;
    let got = wait_for_mails(&inbox, 3).await;
    let carl_link = link_in(&got[2]);
    assert_eq!(post_form(app, &carl_link, "", None).await.status, 303);
    let changes = post_form(
        app,
        "/admin/review/submissions/carl-idea",
        &format!("action=changes&comment={}", enc("CANARYCOMMENT fix it")),
        Some(&fran),
    )
    .await;
    assert_eq!(changes.status, 303, "{}", changes.text());
    let got = wait_for_mails(&inbox, 4).await;
    let change = got
        .iter()
        .find(|m| m.contains("Subject: erfa: changes requested"))
        .expect("a change-request mail");
    assert!(change.starts_with("To: carl@example.dk\n"), "{change}");
    assert_eq!(link_in(change), "/mine");
    assert_eq!(get_as(app, "/mine", Some(&carl)).await.status, 200);
    for mail in &got {
        assert_neutral(mail);
    }

    // Offboarding removes the address.
    let mia_user = site.accounts.user("mia").expect("lookup").expect("mia");
    assert!(site.accounts.email(mia_user.id).expect("email").is_some());
    site.accounts.remove_user(&mia_user).expect("offboarded");
    assert!(site.accounts.email(mia_user.id).expect("email").is_none());
}

/// Invitations and password links by mail: an invitation mailed to an address gives the
/// new account that address, confirmed; the facilitator sets a member's address (it gets
/// its verification and nothing else: a reset link is not mailed to it until it is
/// confirmed); a reset link goes to a confirmed address; on the login page anyone may ask
/// for one, and the answer is the same for every name, at most one mail per quarter hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_and_password_links_go_by_mail_to_confirmed_addresses_only() {
    let smtp = start_smtp();
    let inbox = smtp.inbox.path().to_path_buf();
    let port = smtp.port;
    let site = site_with(&sample_files(), false, false, move |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_from = "erfa <erfa@example.dk>".to_string();
    });
    let app = &site.router;
    let fran = login(app, "fran").await;

    // The invitation form offers an address; a bad one is refused with what was expected.
    let people = get_as(app, "/admin/people", Some(&fran)).await.text();
    assert!(people.contains("id=\"invite-email\""), "{people}");
    let bad = post_form(
        app,
        "/admin/people/invite",
        "role=member&email=nope",
        Some(&fran),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.text().contains("name@example.dk"), "{}", bad.text());
    assert!(mails(&inbox).is_empty());

    // Mailed: the page says where, and still shows the link to copy.
    let invited = post_form(
        app,
        "/admin/people/invite",
        &format!("role=member&email={}", enc("nora@example.dk")),
        Some(&fran),
    )
    .await;
    assert_eq!(invited.status, 200, "{}", invited.text());
    assert!(
        invited
            .text()
            .contains("The link was mailed to nora@example.dk"),
        "{}",
        invited.text()
    );
    let invitation = wait_for_mails(&inbox, 1).await.remove(0);
    assert!(
        invitation.starts_with("To: nora@example.dk\n"),
        "{invitation}"
    );
    assert!(
        invitation.contains("Subject: erfa: you are invited"),
        "{invitation}"
    );
    let invite_path = link_in(&invitation);
    assert!(invite_path.starts_with("/invite/"), "{invite_path}");
    assert!(
        invited.text().contains(&invite_path),
        "the same link to copy"
    );
    assert_eq!(get_as(app, &invite_path, None).await.status, 200);
    let new_password = "a new password of nora's";
    let joined = post_form(
        app,
        &invite_path,
        &format!(
            "name=nora&password={}&password_again={}",
            enc(new_password),
            enc(new_password)
        ),
        None,
    )
    .await;
    assert_eq!(joined.status, 303, "{}", joined.text());
    let nora = site.accounts.user("nora").expect("lookup").expect("nora");
    let address = site
        .accounts
        .email(nora.id)
        .expect("email")
        .expect("an address");
    assert_eq!(address.address, "nora@example.dk");
    assert!(address.verified, "the invitation came to it");

    // The facilitator sets Mia's address: it gets its verification, nothing else.
    let mia = site.accounts.user("mia").expect("lookup").expect("mia");
    let set = post_form(
        app,
        "/admin/people/mia/email",
        &format!("account={}&address={}", mia.id, enc("mia@example.dk")),
        Some(&fran),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert!(
        set.text().contains("The address is saved"),
        "{}",
        set.text()
    );
    assert!(set.text().contains("not confirmed yet"), "{}", set.text());
    let got = wait_for_mails(&inbox, 2).await;
    assert!(got[1].starts_with("To: mia@example.dk\n"), "{}", got[1]);
    assert!(got[1].contains("Subject: erfa: confirm your e-mail address"));
    let verify_path = link_in(&got[1]);
    // A reset while unconfirmed: the link is shown to copy, and not mailed.
    let reset = post_form(
        app,
        "/admin/people/mia/reset",
        &format!("account={}", mia.id),
        Some(&fran),
    )
    .await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert!(!reset.text().contains("was mailed"), "{}", reset.text());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        mails(&inbox).len(),
        2,
        "an unconfirmed address gets only its link"
    );
    // Confirmed, a reset goes to it.
    assert_eq!(post_form(app, &verify_path, "", None).await.status, 303);
    let reset = post_form(
        app,
        "/admin/people/mia/reset",
        &format!("account={}", mia.id),
        Some(&fran),
    )
    .await;
    assert!(
        reset
            .text()
            .contains("The link was mailed to mia@example.dk"),
        "{}",
        reset.text()
    );
    let got = wait_for_mails(&inbox, 3).await;
    assert!(got[2].starts_with("To: mia@example.dk\n"), "{}", got[2]);
    assert!(
        got[2].contains("Subject: erfa: choose a new password"),
        "{}",
        got[2]
    );
    assert!(link_in(&got[2]).starts_with("/invite/"));

    // The login page: the same answer for Mia, for a name nobody has and for Nora asking
    // twice; one mail to Mia and one to Nora, whose link sets her password.
    let login_page = get_as(app, "/login", None).await.text();
    assert!(
        login_page.contains("action=\"/login/reset\""),
        "{login_page}"
    );
    let mut answers = Vec::new();
    for name in ["mia", "nobody", "nora", "nora"] {
        let asked = post_form(app, "/login/reset", &format!("name={name}"), None).await;
        assert_eq!(asked.status, 200, "{}", asked.text());
        assert!(asked.text().contains("is on its way"), "{}", asked.text());
        answers.push(asked.text());
    }
    assert!(
        answers.windows(2).all(|pair| pair[0] == pair[1]),
        "the answer tells nothing about the name"
    );
    let got = wait_for_mails(&inbox, 5).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got_now = mails(&inbox);
    assert_eq!(
        got_now.len(),
        5,
        "one mail each, none for nobody: {got_now:?}"
    );
    assert!(got[3].starts_with("To: mia@example.dk\n"), "{}", got[3]);
    assert!(got[4].starts_with("To: nora@example.dk\n"), "{}", got[4]);
    let newer = "nora's newer password";
    let used = post_form(
        app,
        &link_in(&got[4]),
        &format!("password={}&password_again={}", enc(newer), enc(newer)),
        None,
    )
    .await;
    assert_eq!(used.status, 303, "{}", used.text());
    crate::auth::login_with(app, "nora", newer).await;
    for mail in &got_now {
        assert!(!mail.contains("You can choose which mail"), "{mail}");
    }

    // An empty address removes it.
    let removed = post_form(
        app,
        "/admin/people/mia/email",
        &format!("account={}&address=", mia.id),
        Some(&fran),
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.text());
    assert!(site.accounts.email(mia.id).expect("email").is_none());
}

/// Without an SMTP server, setting an address works, nothing is sent and nothing fails;
/// the account page says no mail goes out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_nothing_is_sent_and_nothing_fails() {
    let site = site_with(&sample_files(), false, false, |_| {});
    let app = &site.router;
    let mia = login(app, "mia").await;
    let set = post_form(
        app,
        "/account/email",
        &format!("address={}", enc("mia@example.dk")),
        Some(&mia),
    )
    .await;
    assert_eq!(set.status, 303, "{}", set.text());
    let page = get_as(app, "/account", Some(&mia)).await.text();
    assert!(page.contains("sends no mail"), "{page}");
    assert!(page.contains("mia@example.dk"), "{page}");
    // No address on invitations, no lost-password form: links are copied, as ever.
    let fran = login(app, "fran").await;
    let people = get_as(app, "/admin/people", Some(&fran)).await.text();
    assert!(!people.contains("id=\"invite-email\""), "{people}");
    let refused = post_form(
        app,
        "/admin/people/invite",
        &format!("role=member&email={}", enc("x@example.dk")),
        Some(&fran),
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert!(
        refused.text().contains("sends no mail"),
        "{}",
        refused.text()
    );
    let invited = post_form(
        app,
        "/admin/people/invite",
        "role=member&email=",
        Some(&fran),
    )
    .await;
    assert_eq!(invited.status, 200, "{}", invited.text());
    assert!(invited.text().contains("/invite/"), "{}", invited.text());
    let login_page = get_as(app, "/login", None).await.text();
    assert!(!login_page.contains("/login/reset"), "{login_page}");
    assert!(
        login_page.contains("The facilitator can send you a link"),
        "{login_page}"
    );
}
