//! Issue 17: the help page in both languages, with examples that are live searches, and
//! the feed page with the addresses to give a feed reader.

use erfa_index::Scope;

use crate::auth::{get_as, login, owned, post_form, shown, site};
use crate::support::{get, sample, sample_app_for};

#[tokio::test]
async fn the_help_page_explains_searching_and_writing_in_both_languages() {
    let app = sample_app_for(Scope::Members);
    let en = get(&app.router, "/help").await;
    assert_eq!(en.status, 200);
    let en = en.text();
    for part in [
        "How to search",
        "How to write a good write-up",
        "Mistake to avoid",
        "What stays anonymous",
        "The organisation field",
        "<a href=\"/?q=kind%3Amistake+cab\"><code>kind:mistake cab</code></a>",
        "<a href=\"/?q=incidnet\">",
    ] {
        assert!(en.contains(part), "{part}");
    }
    // Every example is a live search that finds something or says what it did.
    let hrefs: Vec<&str> = en
        .split("<a href=\"/?q=")
        .skip(1)
        .map(|s| s.split('"').next().expect("an href"))
        .collect();
    assert!(hrefs.len() >= 10, "{hrefs:?}");
    for q in hrefs {
        let api = get(&app.router, &format!("/api/search?q={q}")).await;
        assert_eq!(api.status, 200, "{q}");
        let _ = api.json()["total"].as_u64().expect("a total");
    }
    let da = crate::support::send(
        &app.router,
        crate::support::request("/help")
            .header("cookie", "lang=da")
            .body(axum::body::Body::empty())
            .expect("a request"),
    )
    .await
    .text();
    assert!(da.contains("Sådan søger du"), "{da}");
    assert!(da.contains("Sådan skriver du en god erfaring"), "{da}");
    // Linked from the search box and the share form.
    assert!(
        get(&app.router, "/")
            .await
            .text()
            .contains("href=\"/help#search\"")
    );
}

#[tokio::test]
async fn the_feed_page_gives_the_addresses_to_follow() {
    // Local mode: one feed, everything this machine shows.
    let app = sample_app_for(Scope::Facilitator);
    let page = get(&app.router, "/feed").await;
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("Follow erfa in a feed reader"), "{text}");
    assert!(text.contains("/feed.atom</code>"), "{text}");
    assert!(text.contains("data-copy=\"shared-feed-url\""));
    // The navigation links the page; the raw feed stays where it was.
    assert!(
        get(&app.router, "/")
            .await
            .text()
            .contains("<a href=\"/feed\"")
    );
    assert_eq!(get(&app.router, "/feed.atom").await.status, 200);

    // With accounts: a member makes a personal address on the page, shown once.
    let site = site(&owned(sample()), false);
    let mia = login(&site.router, "mia").await;
    let page = get_as(&site.router, "/feed", Some(&mia)).await.text();
    assert!(page.contains("Your personal feed"), "{page}");
    assert!(
        !page.contains("shared-feed-url"),
        "no public feed without public access"
    );
    let made = post_form(&site.router, "/feed/personal", "", Some(&mia)).await;
    assert_eq!(made.status, 200);
    let made = made.text();
    assert!(made.contains("data-copy=\"feed-url\""));
    let url = shown(&made, "https://erfa.example/feed.atom?token=");
    let feed = get_as(&site.router, &url["https://erfa.example".len()..], None).await;
    assert_eq!(feed.status, 200);
    assert!(feed.text().contains("<feed"));
    // Nobody else makes one.
    assert_ne!(
        post_form(&site.router, "/feed/personal", "", None)
            .await
            .status,
        200
    );
}
