//! Mail through the SMTP server the group configures (`Config::smtp_url`). A mail never
//! carries members-only text: every subject and body here is fixed, neutral wording and a
//! link into erfa (docs/SECURITY.md, "What mail carries"); callers choose among the
//! [`Notice`]s, they cannot pass text of their own. Sending never blocks a request: mail
//! goes into a bounded queue that one thread empties, each mail tried a few times, a
//! failure logged (without the address) and dropped. Without an SMTP server nothing is
//! queued and nothing fails.
//!
//! The news round (`news_items::news_round`) decides who gets a news mail; this module
//! only sends. It knows nothing of the server's state, so the state can own a mailer.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};

/// How many mails may wait; more are dropped and logged (a full queue means the SMTP
/// server is down or slow, and requests must not wait for it).
pub(crate) const QUEUE: usize = 256;

/// How often one mail is tried before it is dropped.
pub(crate) const ATTEMPTS: u32 = 3;

/// What a mail is about. Each has fixed text, in Danish and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    /// The link that verifies a member's address (its path and query).
    Verify,
    /// An invitation link from the facilitator.
    Invite,
    /// A link to choose a new password, made by the facilitator or asked for on the
    /// login page.
    Reset,
    /// The facilitator asked for changes to a write-up the member shared.
    ChangesRequested,
    /// There is news for the member.
    News,
}

impl Notice {
    fn subject(self) -> &'static str {
        match self {
            Notice::Verify => "erfa: confirm your e-mail address / bekræft din e-mailadresse",
            Notice::Invite => "erfa: you are invited / du er inviteret",
            Notice::Reset => "erfa: choose a new password / vælg en ny adgangskode",
            Notice::ChangesRequested => {
                "erfa: changes requested on your write-up / ændringer ønsket i din erfaring"
            }
            Notice::News => "erfa: there is news for you / der er nyt til dig",
        }
    }

    fn text(self) -> (&'static str, &'static str) {
        match self {
            Notice::Verify => (
                "Someone gave this address for an account in erfa. If it was you, confirm it here:",
                "Nogen har angivet denne adresse til en konto i erfa. Var det dig, så bekræft den her:",
            ),
            Notice::Invite => (
                "You are invited to erfa, the group's shared experiences. Choose your name and password here (the link works once, for seven days):",
                "Du er inviteret til erfa, gruppens fælles erfaringer. Vælg dit navn og din adgangskode her (linket virker én gang, i syv dage):",
            ),
            Notice::Reset => (
                "A new password was asked for for your account in erfa. Choose one here (the link works once, for seven days). If you did not ask, ignore this mail: your password stays.",
                "Der er bedt om en ny adgangskode til din konto i erfa. Vælg den her (linket virker én gang, i syv dage). Har du ikke bedt om det, så se bort fra mailen: din adgangskode er uændret.",
            ),
            Notice::ChangesRequested => (
                "The facilitator asked for changes to a write-up you shared in erfa. See what to change here:",
                "Facilitatoren har bedt om ændringer i en erfaring, du har delt i erfa. Se hvad her:",
            ),
            Notice::News => (
                "There is news for you in erfa. Read it here:",
                "Der er nyt til dig i erfa. Læs det her:",
            ),
        }
    }
}

/// The host and port of `smtp://host[:port]` (port 25 by default).
pub(crate) fn smtp_host_port(url: &str) -> Result<(String, u16), String> {
    let expected =
        || format!("smtp_url {url:?}: expected smtp://host:port, e.g. smtp://127.0.0.1:25");
    let rest = url.strip_prefix("smtp://").ok_or_else(expected)?;
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() || rest.contains(['/', '@', '?', ' ']) {
        return Err(expected());
    }
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() => Ok((
            host.trim_matches(['[', ']']).to_string(),
            port.parse().map_err(|_| expected())?,
        )),
        Some(_) => Err(expected()),
        None => Ok((rest.to_string(), 25)),
    }
}

/// One mail as queued.
struct Mail {
    from: Mailbox,
    to: String,
    subject: &'static str,
    body: String,
}

/// The queue to the sending thread; empty without an SMTP server.
pub struct Mailer {
    queue: Option<SyncSender<Mail>>,
    from: Option<Mailbox>,
}

impl Mailer {
    /// Starts the sending thread for `config`'s SMTP server; a mailer that sends nothing
    /// without one. An SMTP address or sender that does not parse is an error.
    pub fn start(smtp_url: Option<&str>, from: &str) -> Result<Mailer, String> {
        let Some(url) = smtp_url else {
            return Ok(Mailer::off());
        };
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("mail_from {from:?}: expected a name and address: {e}"))?;
        let (host, port) = smtp_host_port(url)?;
        let transport = SmtpTransport::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let (queue, waiting) = std::sync::mpsc::sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("erfa-mail".to_string())
            .spawn(move || send_all(&transport, &waiting))
            .map_err(|e| format!("starting the mail thread: {e}"))?;
        Ok(Mailer {
            queue: Some(queue),
            from: Some(from),
        })
    }

    /// A mailer that sends nothing.
    pub fn off() -> Mailer {
        Mailer {
            queue: None,
            from: None,
        }
    }

    /// Whether mail goes out.
    pub(crate) fn on(&self) -> bool {
        self.queue.is_some()
    }

    /// Queues `notice` to `to` with the link `href` (absolute) and, for news, one fixed
    /// line per kind of news there is; whether it was queued. Never blocks.
    pub(crate) fn send(
        &self,
        to: &str,
        notice: Notice,
        href: &str,
        lines: &[&'static str],
    ) -> bool {
        let Some(queue) = &self.queue else {
            return false;
        };
        let (en, da) = notice.text();
        let mut body = format!("{en}\n{href}\n\n{da}\n{href}\n");
        if !lines.is_empty() {
            body.push('\n');
            let mut lines = lines.to_vec();
            lines.dedup();
            for line in lines {
                body.push_str("- ");
                body.push_str(line);
                body.push('\n');
            }
        }
        if matches!(notice, Notice::News | Notice::ChangesRequested) {
            body.push_str(
                "\nYou can choose which mail erfa sends you on your account page.\nDu kan vælge, hvilke mails erfa sender dig, på din kontoside.\n",
            );
        }
        let Some(from) = self.from.clone() else {
            return false;
        };
        match queue.try_send(Mail {
            from,
            to: to.to_string(),
            subject: notice.subject(),
            body,
        }) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                tracing::warn!("mail queue full: a {notice:?} mail was dropped");
                false
            }
            Err(TrySendError::Disconnected(_)) => {
                tracing::error!("the mail thread has stopped: a {notice:?} mail was dropped");
                false
            }
        }
    }
}

/// The sending thread: each mail tried [`ATTEMPTS`] times, waiting longer each time.
fn send_all(transport: &SmtpTransport, waiting: &Receiver<Mail>) {
    while let Ok(mail) = waiting.recv() {
        let Ok(to) = mail.to.parse::<Mailbox>() else {
            tracing::warn!("a mail to an address that does not parse was dropped");
            continue;
        };
        let message = Message::builder()
            .from(mail.from)
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body);
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                tracing::error!("building a mail: {e}");
                continue;
            }
        };
        for attempt in 1..=ATTEMPTS {
            match transport.send(&message) {
                Ok(_) => break,
                Err(e) if attempt < ATTEMPTS => {
                    tracing::warn!("sending a mail (attempt {attempt}): {e}");
                    std::thread::sleep(Duration::from_secs(u64::from(attempt * attempt)));
                }
                Err(e) => tracing::error!("a mail was dropped after {ATTEMPTS} attempts: {e}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_smtp_nothing_is_queued_and_nothing_fails() {
        let mailer = Mailer::start(None, "x").expect("off");
        assert!(!mailer.on());
        assert!(!mailer.send("a@b.dk", Notice::News, "https://e/news", &[]));
    }

    #[test]
    fn a_bad_smtp_address_or_sender_is_refused_with_what_was_expected() {
        let err = Mailer::start(Some("smtp://127.0.0.1:2525"), "not a mailbox <")
            .err()
            .expect("refused");
        assert!(err.contains("mail_from"), "{err}");
        let err = Mailer::start(Some("ftp://x"), "erfa <erfa@example.dk>")
            .err()
            .expect("refused");
        assert!(err.contains("smtp_url"), "{err}");
        assert_eq!(
            smtp_host_port("smtp://127.0.0.1:2525"),
            Ok(("127.0.0.1".to_string(), 2525))
        );
        assert_eq!(
            smtp_host_port("smtp://mail.example.dk"),
            Ok(("mail.example.dk".to_string(), 25))
        );
        assert!(smtp_host_port("smtp://user:pw@host:25").is_err());
    }
}
