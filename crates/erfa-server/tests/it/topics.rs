//! Meeting topics over HTTP: propose, vote once, withdraw and vote again, comment, the
//! facilitator's decision on the agenda (page and Markdown), the note the proposer sees,
//! write-ups linked as outcomes; members-only throughout, and offboarding keeps topics
//! without the name.

use crate::auth::{Site, get_as, login, owned, post_form, site};
use crate::support::{enc, sample};

/// The sample collection with a meetings list: one meeting long past, one ahead.
fn with_meetings(public_access: bool) -> Site {
    let next_year = erfa_index::Date::today().year + 1;
    let mut files = owned(sample());
    files.push((
        "_meetings.yaml".to_string(),
        format!(
            "meetings:\n  - id: 2023-Q2\n    date: 2023-05-11\n    place: Odense\n    title: Netværksmøde 2/2023\n  - id: next\n    date: {next_year}-01-15\n    place: Vejle\n    title: Netværksmøde 1/{next_year}\n"
        ),
    ));
    site(&files, public_access)
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn propose(site: &Site, cookie: &str, title: &str, named: bool) -> i64 {
    let mut pairs = vec![
        ("meeting", "next"),
        ("title", title),
        ("why", "We are five people; how do the others do it?"),
        ("link", "change/cab-copied"),
    ];
    if named {
        pairs.push(("named", "yes"));
    }
    let resp = post_form(
        &site.router,
        "/meetings/topics",
        &form(&pairs),
        Some(cookie),
    )
    .await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    assert_eq!(resp.header("location"), "/meetings?done=proposed");
    site.accounts
        .topics(None)
        .expect("topics")
        .into_iter()
        .find(|t| t.title == title)
        .expect("stored")
        .id
}

async fn vote(site: &Site, cookie: &str, id: i64, yes: bool) -> u16 {
    let body = if yes { "vote=yes" } else { "vote=no" };
    post_form(
        &site.router,
        &format!("/meetings/topics/{id}/vote"),
        body,
        Some(cookie),
    )
    .await
    .status
    .as_u16()
}

fn votes(site: &Site, id: i64) -> u64 {
    site.accounts.topic(id).expect("read").expect("there").votes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_propose_vote_and_comment_and_the_facilitator_decides() {
    let site = with_meetings(false);
    let app = &site.router;
    let (mia, carl, fran) = (
        login(app, "mia").await,
        login(app, "carl").await,
        login(app, "fran").await,
    );

    let page = get_as(app, "/meetings", Some(&mia)).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Netværksmøde 1/"), "{html}");
    assert!(
        html.contains("No topics proposed yet. Be the first."),
        "{html}"
    );
    assert!(
        html.contains("aria-current=\"page\">Meetings</a>"),
        "in the menu"
    );

    // Anonymous to other members unless the proposer chose otherwise.
    let cab = propose(&site, &mia, "Running a CAB with five people", false).await;
    let html = get_as(app, "/meetings", Some(&carl)).await.text();
    assert!(html.contains("Running a CAB with five people"), "{html}");
    assert!(html.contains("Proposed by a member"), "{html}");
    assert!(!html.contains("Proposed by mia"), "{html}");
    assert!(
        html.contains("href=\"/w/change/cab-copied\""),
        "the write-up it is about"
    );
    assert!(
        get_as(app, "/meetings", Some(&mia))
            .await
            .text()
            .contains("Proposed by you")
    );

    // One vote per member, withdrawable, and given again.
    assert_eq!(vote(&site, &carl, cab, true).await, 303);
    assert_eq!(vote(&site, &carl, cab, true).await, 303);
    assert_eq!(votes(&site, cab), 1);
    assert_eq!(vote(&site, &mia, cab, true).await, 303);
    assert_eq!(votes(&site, cab), 2);
    assert_eq!(vote(&site, &carl, cab, false).await, 303);
    assert_eq!(votes(&site, cab), 1);
    let mut many = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (router, cookie) = (app.clone(), carl.clone());
        many.spawn(async move {
            post_form(
                &router,
                &format!("/meetings/topics/{cab}/vote"),
                "vote=yes",
                Some(&cookie),
            )
            .await
            .status
        });
    }
    while let Some(status) = many.join_next().await {
        assert_eq!(status.expect("a request"), 303);
    }
    assert_eq!(votes(&site, cab), 2, "eight requests at once count once");
    let html = get_as(app, "/meetings", Some(&carl)).await.text();
    assert!(html.contains("You vote for this."), "{html}");
    assert!(html.contains("2 votes"), "{html}");

    // A named proposal, and a comment, which names nobody to members.
    let oncall = propose(&site, &carl, "On-call without burning out", true).await;
    let resp = post_form(
        app,
        &format!("/meetings/topics/{oncall}/comment"),
        "text=We+rotate+weekly.",
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 303);
    let html = get_as(app, "/meetings", Some(&fran)).await.text();
    assert!(html.contains("Proposed by carl"), "{html}");
    assert!(
        html.contains("mia · "),
        "the facilitator sees who commented: {html}"
    );
    let html = get_as(app, "/meetings", Some(&carl)).await.text();
    assert!(html.contains("a member · "), "{html}");
    assert!(html.contains("We rotate weekly."), "{html}");

    // The facilitator sees the proposals ranked by votes, with names, on the agenda.
    let html = get_as(app, "/admin/meeting", Some(&fran)).await.text();
    let first = html
        .find("Running a CAB with five people")
        .expect("proposed");
    let second = html.find("On-call without burning out").expect("proposed");
    assert!(first < second, "most votes first");
    assert!(html.contains("Proposed by mia"), "{html}");
    let resp = post_form(
        app,
        &format!("/admin/topics/{cab}"),
        "action=accept&note=A+good+one+for+the+morning.",
        Some(&fran),
    )
    .await;
    assert_eq!(
        (resp.status.as_u16(), resp.header("location")),
        (303, "/admin/meeting?done=topic")
    );
    let resp = post_form(
        app,
        &format!("/admin/topics/{oncall}"),
        "action=decline&note=We+had+it+in+2025.",
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 303);
    let html = get_as(app, "/admin/meeting?done=topic", Some(&fran))
        .await
        .text();
    assert!(html.contains("Topics from the members"), "{html}");
    // Printed for the meeting, the agenda names no proposer.
    assert!(
        html.contains("<span class=\"no-print\"> · Proposed by mia</span>"),
        "{html}"
    );
    assert!(html.contains("The decision is saved"), "{html}");
    let md = get_as(app, "/admin/meeting.md", Some(&fran)).await.text();
    assert!(
        md.contains("## Topics from the members\n\n- Running a CAB with five people — We are five people; how do the others do it? (2 votes)\n"),
        "{md}"
    );
    assert!(
        !md.contains("On-call"),
        "declined topics are not on the agenda: {md}"
    );

    // Decided topics take no votes; the proposers see what became of them.
    assert_eq!(vote(&site, &carl, cab, false).await, 303);
    assert_eq!(votes(&site, cab), 2);
    let html = get_as(app, "/meetings", Some(&mia)).await.text();
    assert!(html.contains("On the agenda"), "{html}");
    assert!(
        html.contains("A good one for the morning."),
        "the proposer sees the note"
    );
    assert!(
        !html.contains("We had it in 2025."),
        "not someone else's note"
    );
    assert!(
        !html.contains("On-call without burning out"),
        "declined: gone for others"
    );
    let html = get_as(app, "/meetings", Some(&carl)).await.text();
    assert!(html.contains("Not taken up"), "{html}");
    assert!(html.contains("We had it in 2025."), "{html}");
    assert!(!html.contains("A good one for the morning."), "{html}");

    // What came out of it.
    let resp = post_form(
        app,
        &format!("/admin/topics/{cab}"),
        "action=link&slug=%2Fw%2Fincident%2Fswarming&back=meetings",
        Some(&fran),
    )
    .await;
    assert_eq!(resp.header("location"), format!("/meetings#topic-{cab}"));
    let html = get_as(app, "/meetings", Some(&mia)).await.text();
    assert!(html.contains("Came out of it"), "{html}");
    assert!(html.contains("href=\"/w/incident/swarming\""), "{html}");
}

#[tokio::test]
async fn bad_proposals_are_explained_and_nothing_is_stored() {
    let site = with_meetings(false);
    let app = &site.router;
    let mia = login(app, "mia").await;
    for (pairs, message) in [
        (
            vec![("meeting", "next"), ("title", ""), ("why", "x")],
            "Give the topic a title of at most 200 characters.",
        ),
        (
            vec![("meeting", "next"), ("title", "T"), ("why", "")],
            "Say in a few words why it matters",
        ),
        (
            vec![("meeting", "2023-Q2"), ("title", "T"), ("why", "x")],
            "Choose one of the coming meetings.",
        ),
        (
            vec![
                ("meeting", "next"),
                ("title", "T"),
                ("why", "x"),
                ("link", "drafts/idea"),
            ],
            "No write-up you can read has that address.",
        ),
    ] {
        let resp = post_form(app, "/meetings/topics", &form(&pairs), Some(&mia)).await;
        assert_eq!(resp.status, 400, "{pairs:?}");
        assert!(resp.text().contains(message), "{pairs:?}: {}", resp.text());
    }
    assert!(site.accounts.topics(None).expect("topics").is_empty());
    let long = "x".repeat(201);
    let resp = post_form(
        app,
        "/meetings/topics",
        &form(&[("meeting", "next"), ("title", &long), ("why", "x")]),
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains(&long), "the form keeps what was typed");
    assert_eq!(vote(&site, &mia, 9999, true).await, 404);
    let resp = post_form(app, "/meetings/topics/1/vote", "vote=maybe", Some(&mia)).await;
    assert_eq!(resp.status, 400);
}

#[tokio::test]
async fn topics_never_reach_anonymous_visitors_and_outlive_their_proposer_s_name() {
    let site = with_meetings(true);
    let app = &site.router;
    let mia = login(app, "mia").await;
    let uris = [
        "/",
        "/?q=cab",
        "/api/search?q=cab",
        "/api/suggest?q=zq",
        "/browse",
        "/feed.atom",
    ];
    let mut before = Vec::new();
    for uri in uris {
        before.push((
            get_as(app, uri, None).await.text(),
            get_as(app, uri, Some(&mia)).await.text(),
        ));
    }
    let id = propose(&site, &mia, "zqxcanarytopic about CAB", true).await;
    post_form(
        app,
        &format!("/meetings/topics/{id}/comment"),
        "text=zqxcanarycomment",
        Some(&mia),
    )
    .await;

    // Anonymous visitors cannot tell the page from a missing one, and no public answer
    // carries a topic's words.
    let missing = get_as(app, "/no-such-page", None).await;
    let page = get_as(app, "/meetings", None).await;
    assert_eq!((page.status, page.text()), (missing.status, missing.text()));
    // Answers are byte-identical with and without topics, for visitors and members.
    for (uri, (anonymous, member)) in uris.iter().zip(&before) {
        assert_eq!(&get_as(app, uri, None).await.text(), anonymous, "{uri}");
        assert_eq!(&get_as(app, uri, Some(&mia)).await.text(), member, "{uri}");
    }
    let resp = post_form(
        app,
        &format!("/meetings/topics/{id}/vote"),
        "vote=yes",
        None,
    )
    .await;
    assert_ne!(resp.status, 303);
    assert_eq!(votes(&site, id), 0);

    // Offboarding keeps the topic, without the name; the name used again starts empty.
    let user = site.accounts.require("mia").expect("mia");
    site.accounts.remove_user(&user).expect("removed");
    let fran = login(app, "fran").await;
    let html = get_as(app, "/meetings", Some(&fran)).await.text();
    assert!(html.contains("zqxcanarytopic about CAB"), "{html}");
    assert!(html.contains("Proposed by a former member"), "{html}");
    site.accounts
        .add_user("mia", erfa_accounts::Role::Member, crate::auth::PASSWORD)
        .expect("the name again");
    let again = login(app, "mia").await;
    let html = get_as(app, "/meetings", Some(&again)).await.text();
    assert!(!html.contains("Your proposals"), "{html}");
    assert!(!html.contains("Proposed by you"), "{html}");
}
