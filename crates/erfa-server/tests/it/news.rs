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

/// Today's date (UTC), as write-ups name it.
fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    erfa_index::Date::from_days(now.div_euclid(86_400)).to_string()
}

/// Asks `check` again until it holds (the watcher re-indexes after a change).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never happened: {what}");
}

/// The review loop, meeting topics and followed write-ups in News, in the header count and
/// in the member's news feed; what a member may not read (someone's draft, a write-up
/// unpublished again, a hidden question, anything's body) never appears.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_follows_reviews_topics_and_followed_writeups_but_only_what_one_may_read() {
    use erfa_accounts::{Actor, NewTopic, TokenKind, TopicState};
    let day = today();
    let mut files = sample_files();
    files.push((
        "problem/fresh.md".to_string(),
        format!("---\ntitle: Fresh KIWIFRUIT write-up\nkind: lesson\npractices: [problem-management]\nlanguage: en\ndate: {day}\n---\n## Lesson learned\n\nBODYCANARY problem owners matter.\n"),
    ));
    files.push((
        "problem/old.md".to_string(),
        "---\ntitle: Old DUSTYOLD write-up\nkind: lesson\npractices: [problem-management]\nlanguage: en\ndate: 2019-01-01\n---\n## Lesson learned\n\nOld.\n".to_string(),
    ));
    files.push((
        "drafts/other.md".to_string(),
        format!("---\ntitle: Someone's CANARYDRAFT\nkind: lesson\npractices: [problem-management]\nlanguage: en\ndate: {day}\nstatus: draft\n---\n## Lesson learned\n\nNot yet.\n"),
    ));
    files.push((
        "submissions/carl-idea.md".to_string(),
        format!("---\ntitle: Carl PEARTREE idea\nkind: lesson\npractices: [service-desk]\nlanguage: en\ndate: {day}\nstatus: review\n---\n## Lesson learned\n\nBODYCANARY carl's words.\n"),
    ));
    let site = site_with(&files, false, true, |_| {});
    let app = &site.router;
    let carl_user = site.accounts.user("carl").expect("lookup").expect("carl");
    site.accounts
        .record_submission(&Actor::account(&carl_user), "submissions/carl-idea.md")
        .expect("recorded");
    let (mia, carl, fran) = (
        login(app, "mia").await,
        login(app, "carl").await,
        login(app, "fran").await,
    );

    // Mia follows problem management: the fresh write-up is news, the old one and
    // someone's draft are not.
    let ok = post_form(
        app,
        "/news/follow",
        "kind=practice&target=problem-management",
        Some(&mia),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.text());
    let text = get_as(app, "/news", Some(&mia)).await.text();
    assert!(text.contains("New write-up in what you follow"), "{text}");
    assert!(text.contains("Fresh KIWIFRUIT write-up"), "{text}");
    assert!(text.contains("/w/problem/fresh"), "{text}");
    for canary in ["DUSTYOLD", "CANARYDRAFT", "BODYCANARY", "PEARTREE"] {
        assert!(!text.contains(canary), "{canary} in mia's news: {text}");
    }
    // The header counts it, with words for screen readers.
    let home = get_as(app, "/", Some(&mia)).await.text();
    assert!(home.contains("(1)</span>"), "{home}");
    assert!(home.contains(", 1 unread</span>"), "{home}");

    // The same item in Mia's news feed; its body never.
    let mia_user = site.accounts.user("mia").expect("lookup").expect("mia");
    let token = site
        .accounts
        .create_token(&mia_user, TokenKind::Feed)
        .expect("token");
    let feed = get_as(app, &format!("/news.atom?token={token}"), None).await;
    assert_eq!(feed.status, 200, "{}", feed.text());
    assert!(
        feed.header("content-type")
            .starts_with("application/atom+xml"),
        "{}",
        feed.header("content-type")
    );
    let xml = feed.text();
    assert!(xml.contains("Fresh KIWIFRUIT write-up"), "{xml}");
    assert!(
        xml.contains("https://erfa.example/w/problem/fresh"),
        "{xml}"
    );
    for canary in ["DUSTYOLD", "CANARYDRAFT", "BODYCANARY", "PEARTREE"] {
        assert!(!xml.contains(canary), "{canary} in the feed: {xml}");
    }
    // Without a token, or with a wrong one, there is no news feed.
    assert_ne!(get_as(app, "/news.atom", None).await.status, 200);
    assert_ne!(get_as(app, "/news.atom?token=nope", None).await.status, 200);

    // The facilitator asks Carl for changes: Carl hears of it, Mia does not.
    let changes = post_form(
        app,
        "/admin/review/submissions/carl-idea",
        &format!("action=changes&comment={}", enc("Please add the context")),
        Some(&fran),
    )
    .await;
    assert_eq!(changes.status, 303, "{}", changes.text());
    let text = get_as(app, "/news", Some(&carl)).await.text();
    assert!(
        text.contains("Changes requested on your write-up"),
        "{text}"
    );
    assert!(text.contains("Carl PEARTREE idea"), "{text}");
    assert!(text.contains("href=\"/mine\""), "{text}");
    assert!(
        !get_as(app, "/news", Some(&mia))
            .await
            .text()
            .contains("PEARTREE")
    );

    // Published: Carl's news links the write-up, once the index has it.
    let published = post_form(
        app,
        "/admin/review/submissions/carl-idea",
        "action=publish",
        Some(&fran),
    )
    .await;
    assert_eq!(published.status, 303, "{}", published.text());
    eventually("carl's publication is news", || async {
        get_as(app, "/news", Some(&carl))
            .await
            .text()
            .contains("Your write-up was published")
    })
    .await;
    let text = get_as(app, "/news", Some(&carl)).await.text();
    assert!(text.contains("/w/submissions/carl-idea"), "{text}");
    assert!(!text.contains("BODYCANARY"), "{text}");

    // Unpublished again: the item is gone, since Carl may no longer read it there.
    let back = post_form(
        app,
        "/admin/review/submissions/carl-idea",
        "action=unpublish",
        Some(&fran),
    )
    .await;
    assert_eq!(back.status, 303, "{}", back.text());
    eventually("an unpublished write-up leaves the news", || async {
        !get_as(app, "/news", Some(&carl))
            .await
            .text()
            .contains("Your write-up was published")
    })
    .await;

    // A decision on Carl's meeting topic.
    let topic = site
        .accounts
        .propose_topic(
            &Actor::account(&carl_user),
            NewTopic {
                meeting: "2026-Q1",
                title: "Topic LEMONTREE",
                why: "why",
                link: "",
                named: true,
            },
        )
        .expect("proposed");
    site.accounts
        .decide_topic(
            topic,
            TopicState::Accepted,
            "yes",
            &Actor::without_account("cli"),
        )
        .expect("decided");
    let text = get_as(app, "/news", Some(&carl)).await.text();
    assert!(
        text.contains("Your meeting topic is on the agenda"),
        "{text}"
    );
    assert!(text.contains(&format!("/meetings#topic-{topic}")), "{text}");
    assert!(
        !get_as(app, "/news", Some(&mia))
            .await
            .text()
            .contains("LEMONTREE")
    );

    // Mark all read: the header count goes.
    let text = get_as(app, "/news", Some(&mia)).await.text();
    let until = text
        .split("name=\"until\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a mark-read form")
        .to_string();
    post_form(app, "/news/read", &format!("until={until}"), Some(&mia)).await;
    let home = get_as(app, "/", Some(&mia)).await.text();
    assert!(!home.contains("unread</span>"), "{home}");
}
