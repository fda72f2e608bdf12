//! News for you over HTTP: answers to one's question and in threads one answered, new
//! questions in a followed practice; hidden questions never appear; marking read; bad
//! follow input is refused with a clear 400.

use crate::auth::{get_as, login, post_form, sample_files, site_with};
use crate::support::enc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_shows_answers_and_followed_questions_but_never_hidden_ones() {
    let site = site_with(&sample_files(), false, true, |_| {});
    let app = &site.router;
    let (mia, carl) = (login(app, "mia").await, login(app, "carl").await);

    // Carl follows change enablement; bad input is refused with a message.
    let bad = post_form(app, "/news/follow", "kind=team&target=x", Some(&carl)).await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.text().contains("practice or tag"), "{}", bad.text());
    let bad = post_form(
        app,
        "/news/follow",
        "kind=practice&target=nope",
        Some(&carl),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    let ok = post_form(
        app,
        "/news/follow",
        "kind=practice&target=change-enablement",
        Some(&carl),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.text());

    let ask = |title: &'static str| {
        format!(
            "title={}&situation={}&practices=change-enablement",
            enc(title),
            enc("Our situation")
        )
    };
    let asked = post_form(
        app,
        "/questions",
        &ask("Followed PLUMTREE question"),
        Some(&mia),
    )
    .await;
    assert_eq!(asked.status, 303, "{}", asked.text());
    let id: i64 = asked
        .header("location")
        .trim_start_matches("/questions/")
        .trim_end_matches("?done=asked")
        .parse()
        .expect("id");
    let hidden = post_form(
        app,
        "/questions",
        &ask("Hidden CANARYWORD question"),
        Some(&mia),
    )
    .await;
    let hidden_id: i64 = hidden
        .header("location")
        .trim_start_matches("/questions/")
        .trim_end_matches("?done=asked")
        .parse()
        .expect("id");
    site.accounts
        .hide_question(
            hidden_id,
            true,
            &erfa_accounts::Actor::without_account("cli"),
        )
        .expect("hide");
    let answered = post_form(
        app,
        &format!("/questions/{id}/answers"),
        &format!("body={}", enc("We did this.")),
        Some(&carl),
    )
    .await;
    assert_eq!(answered.status, 303, "{}", answered.text());

    let news = get_as(app, "/news", Some(&carl)).await;
    assert_eq!(news.status, 200);
    let text = news.text();
    assert!(text.contains("Followed PLUMTREE question"), "{text}");
    assert!(text.contains(&format!("/questions/{id}")), "{text}");
    assert!(
        !text.contains("CANARYWORD"),
        "a hidden question is never news"
    );
    assert!(text.contains("change-enablement"), "the follow is listed");

    let news = get_as(app, "/news", Some(&mia)).await;
    let text = news.text();
    assert!(text.contains("New answer to your question"), "{text}");
    assert!(text.contains("(1 unread)"), "{text}");
    let until = text
        .split("name=\"until\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a mark-read form")
        .to_string();
    let read = post_form(app, "/news/read", &format!("until={until}"), Some(&mia)).await;
    assert_eq!(read.status, 303);
    let text = get_as(app, "/news", Some(&mia)).await.text();
    assert!(!text.contains("unread)"), "{text}");
    assert!(
        text.contains("Followed PLUMTREE question"),
        "read items stay listed"
    );

    // Anonymous visitors do not get the page.
    assert_ne!(get_as(app, "/news", None).await.status, 200);
}
