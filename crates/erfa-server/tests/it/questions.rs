//! Ask the group over HTTP: asking with similar write-ups, answering, "been through this
//! too", helpful marks, resolving, a draft write-up from the thread through review to
//! publication and the links between them; search with stemming and typos; names only
//! where chosen; who may edit; the facilitator's moderation with confirmation; offboarding.

use crate::auth::{Site, get_as, login, post_form, sample_files, site, site_with};
use crate::support::enc;
use erfa_index::markdown::Section;

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Asks as `cookie`; the new question's id.
async fn ask(site: &Site, cookie: &str, pairs: &[(&str, &str)]) -> i64 {
    let resp = post_form(&site.router, "/questions", &form(pairs), Some(cookie)).await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    let location = resp.header("location").to_string();
    let id = location
        .strip_prefix("/questions/")
        .and_then(|rest| rest.strip_suffix("?done=asked"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a thread: {location}"));
    assert!(site.accounts.question(id).expect("read").is_some());
    id
}

async fn answer(site: &Site, cookie: &str, id: i64, body: &str, named: bool) -> i64 {
    let mut pairs = vec![("body", body)];
    if named {
        pairs.push(("named", "yes"));
    }
    let resp = post_form(
        &site.router,
        &format!("/questions/{id}/answers"),
        &form(&pairs),
        Some(cookie),
    )
    .await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    resp.header("location")
        .rsplit_once("#answer-")
        .and_then(|(_, a)| a.parse().ok())
        .expect("an answer anchor")
}

const CAB_QUESTION: &[(&str, &str)] = &[
    ("title", "How small can a change advisory board be?"),
    (
        "situation",
        "We are five people in IT and copied the CAB of a bank. Every change waits a week.",
    ),
    ("tried", "Skipping the CAB for standard changes."),
    ("practices", "change-enablement"),
    ("tags", "cab, governance"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_goes_from_question_to_published_write_up() {
    let site = site_with(&sample_files(), false, true, |_| {});
    let app = &site.router;
    let (mia, carl, target, fran) = (
        login(app, "mia").await,
        login(app, "carl").await,
        login(app, "target").await,
        login(app, "fran").await,
    );

    // While asking: the similar write-ups, without saving anything.
    let preview = post_form(
        app,
        "/questions",
        &format!("{}&action=preview", form(CAB_QUESTION)),
        Some(&mia),
    )
    .await;
    assert_eq!(preview.status, 200);
    let html = preview.text();
    assert!(
        html.contains("Maybe someone has written about this already"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/w/change/cab-copied\""),
        "the write-up about the same problem: {html}"
    );
    assert!(site.accounts.questions().expect("none").is_empty());
    let similar = post_form(
        app,
        "/api/questions/similar",
        &form(CAB_QUESTION),
        Some(&mia),
    )
    .await;
    assert_eq!(similar.status, 200);
    let json = similar.json();
    assert!(
        json["writeups"]
            .as_array()
            .expect("a list")
            .iter()
            .any(|w| w["href"] == "/w/change/cab-copied"),
        "{json}"
    );

    let id = ask(&site, &mia, CAB_QUESTION).await;
    let thread = get_as(app, &format!("/questions/{id}"), Some(&carl)).await;
    assert_eq!(thread.status, 200);
    let html = thread.text();
    assert!(html.contains("How small can a change advisory board be?"));
    assert!(html.contains("Asked by a member"), "anonymous by default");
    assert!(html.contains("Question — 0 answers, open"), "{html}");

    // Two members answer; one has been through it too.
    let first = answer(
        &site,
        &carl,
        id,
        "We made **standard changes** the rule.\n\nThe CAB meets only for the rest.",
        true,
    )
    .await;
    answer(&site, &target, id, "We never had a CAB.", false).await;
    let same = post_form(
        app,
        &format!("/questions/{id}/same"),
        "on=yes",
        Some(&target),
    )
    .await;
    assert_eq!(same.status, 303);
    let html = get_as(app, &format!("/questions/{id}"), Some(&mia))
        .await
        .text();
    assert!(
        html.contains("<strong>standard changes</strong>"),
        "rendered Markdown"
    );
    assert!(html.contains("Answered by carl"), "named by choice");
    assert!(!html.contains("Answered by target"), "anonymous by choice");
    assert!(
        html.contains("1 members have been through this too"),
        "{html}"
    );

    // Only the asker marks answers as helpful.
    let refused = post_form(
        app,
        &format!("/questions/{id}/helpful"),
        &format!("answer={first}&on=yes"),
        Some(&carl),
    )
    .await;
    assert_eq!(refused.status, 403);
    let marked = post_form(
        app,
        &format!("/questions/{id}/helpful"),
        &format!("answer={first}&on=yes"),
        Some(&mia),
    )
    .await;
    assert_eq!(marked.status, 303);
    let resolved = post_form(
        app,
        &format!("/questions/{id}/state"),
        "state=resolved",
        Some(&mia),
    )
    .await;
    assert_eq!(resolved.status, 303);
    let q = site.accounts.question(id).expect("read").expect("there");
    assert_eq!((q.answers, q.helpful, q.state.as_str()), (2, 1, "resolved"));
    let list = get_as(app, "/questions?state=resolved", Some(&carl))
        .await
        .text();
    assert!(list.contains("Question — 2 answers, resolved"), "{list}");

    // The draft: made, and so owned, by the answerer whose answer helped; nobody is made
    // the owner of a submission they did not make.
    let page = get_as(app, &format!("/questions/{id}"), Some(&target))
        .await
        .text();
    assert!(
        !page.contains(&format!("/questions/{id}/draft")),
        "no draft form for an answer that did not help"
    );
    let draft = post_form(app, &format!("/questions/{id}/draft"), "", Some(&target)).await;
    assert_eq!(
        draft.status, 403,
        "an answer that did not help makes no draft"
    );
    let page = get_as(app, &format!("/questions/{id}"), Some(&carl))
        .await
        .text();
    assert!(
        page.contains(&format!("action=\"/questions/{id}/draft\"")),
        "{page}"
    );
    assert!(page.contains("You will own the draft"), "{page}");
    assert!(
        !page.contains("name=\"owner\""),
        "no owner to choose for others"
    );
    let draft = post_form(
        app,
        &format!("/questions/{id}/draft"),
        // A field naming someone else as the owner changes nothing.
        "owner=asker",
        Some(&carl),
    )
    .await;
    assert_eq!(draft.status, 303, "{}", draft.text());
    let q = site.accounts.question(id).expect("read").expect("there");
    let path = q.writeups.first().expect("linked").clone();
    assert!(path.starts_with("submissions/"), "{path}");
    // One draft per thread: asking again writes nothing more.
    let again = post_form(app, &format!("/questions/{id}/draft"), "", Some(&mia)).await;
    assert_eq!(again.status, 400, "{}", again.text());
    assert_eq!(
        std::fs::read_dir(site.content.path().join("submissions"))
            .expect("the folder")
            .count(),
        1,
        "one draft"
    );
    let text = std::fs::read_to_string(site.content.path().join(&path)).expect("written");
    assert!(text.contains("status: review"), "{text}");
    assert!(text.contains("We made **standard changes** the rule."));
    assert!(
        !text.contains("We never had a CAB."),
        "only helpful answers"
    );
    assert!(!text.contains("mia") && !text.contains("carl"), "no names");
    let carl_id = site.accounts.user("carl").expect("db").expect("carl").id;
    assert!(
        site.accounts
            .submissions_of(carl_id)
            .expect("submissions")
            .iter()
            .any(|s| s.path == path),
        "owned by the answerer who made it"
    );
    let mia_id = site.accounts.user("mia").expect("db").expect("mia").id;
    assert!(
        !site
            .accounts
            .submissions_of(mia_id)
            .expect("submissions")
            .iter()
            .any(|s| s.path == path),
        "the asker owns nothing she did not make"
    );

    // The answers were written for members: the owner cannot widen the draft.
    let name = path
        .trim_start_matches("submissions/")
        .trim_end_matches(".md")
        .to_string();
    let edit = get_as(app, &format!("/mine/{name}"), Some(&carl)).await;
    assert_eq!(edit.status, 200);
    let html = edit.text();
    assert!(html.contains("it stays members-only"), "{html}");
    assert!(
        html.contains("name=\"visibility\" value=\"members\""),
        "{html}"
    );
    assert!(
        !html.contains("name=\"visibility\" value=\"public\""),
        "no public choice: {html}"
    );
    let doc = erfa_index::Document::parse(&path, &text)
        .document
        .expect("valid");
    let edit_form = |visibility: &str, action: &str| {
        let mut fields = vec![
            ("title", doc.front.title.clone()),
            ("kind", "lesson".to_string()),
            ("language", "en".to_string()),
            ("visibility", visibility.to_string()),
            ("action", action.to_string()),
        ];
        for (section, name) in [
            (Section::Problem, "problem"),
            (Section::Context, "context"),
            (Section::WhatHappened, "what_happened"),
            (Section::Lesson, "lesson"),
        ] {
            fields.push((name, doc.sections.get(section).unwrap_or("").to_string()));
        }
        fields
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let kept = post_form(
        app,
        &format!("/mine/{name}"),
        &edit_form("members", "preview"),
        Some(&carl),
    )
    .await;
    assert_eq!(kept.status, 200, "the form as it is: {}", kept.text());
    let widened = post_form(
        app,
        &format!("/mine/{name}"),
        &edit_form("public", "send"),
        Some(&carl),
    )
    .await;
    assert_eq!(widened.status, 400, "{}", widened.text());
    assert!(widened.text().contains("it stays members-only"));
    let after = std::fs::read_to_string(site.content.path().join(&path)).expect("kept");
    assert_eq!(after, text, "nothing written");

    // The facilitator reviews and publishes it; thread and write-up link to each other.
    let slug = path.trim_end_matches(".md").to_string();
    let queue = get_as(app, "/admin/review", Some(&fran)).await.text();
    assert!(queue.contains(&slug), "{queue}");
    let published = post_form(
        app,
        &format!("/admin/review/{slug}"),
        "action=publish",
        Some(&fran),
    )
    .await;
    assert_eq!(published.status, 303, "{}", published.text());
    let mut found = false;
    for _ in 0..100 {
        let html = get_as(app, &format!("/questions/{id}"), Some(&target))
            .await
            .text();
        if html.contains(&format!("href=\"/w/{slug}\"")) {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found, "the thread links to the published write-up");
    let page = get_as(app, &format!("/w/{slug}"), Some(&target)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains(&format!("href=\"/questions/{id}\"")),
        "the write-up links back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_askers_name_is_shown_only_to_the_facilitator() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let (mia, carl, fran) = (
        login(app, "mia").await,
        login(app, "carl").await,
        login(app, "fran").await,
    );
    let id = ask(&site, &mia, CAB_QUESTION).await;
    answer(&site, &mia, id, "Adding: we are in a municipality.", false).await;
    for uri in [
        format!("/questions/{id}"),
        "/questions".to_string(),
        "/questions?q=advisory".to_string(),
        format!("/api/questions/{id}"),
        "/api/questions?q=cab".to_string(),
    ] {
        let resp = get_as(app, &uri, Some(&carl)).await;
        assert_eq!(resp.status, 200, "{uri}");
        let text = resp.text();
        assert!(text.contains("a member"), "{uri}: {text}");
        assert!(!text.contains("mia"), "{uri}: the name leaks: {text}");
        let own = get_as(app, &uri, Some(&mia)).await.text();
        assert!(own.contains("you"), "{uri}: the asker sees it is theirs");
        let desk = get_as(app, &uri, Some(&fran)).await.text();
        assert!(desk.contains("mia"), "{uri}: the facilitator sees who");
    }
    let json = get_as(app, &format!("/api/questions/{id}"), Some(&carl))
        .await
        .json();
    assert_eq!(json["question"]["by"], "a member");
    assert_eq!(json["answers"][0]["by"], "a member");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contributor_cannot_edit_another_members_question_or_answer() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let (mia, carl, fran) = (
        login(app, "mia").await,
        login(app, "carl").await,
        login(app, "fran").await,
    );
    let id = ask(&site, &mia, CAB_QUESTION).await;
    let mine = answer(&site, &mia, id, "Original answer.", true).await;
    let edit = form(&[
        ("title", "Defaced"),
        ("situation", "Defaced"),
        ("tried", ""),
    ]);
    let resp = post_form(app, &format!("/questions/{id}/edit"), &edit, Some(&carl)).await;
    assert_eq!(resp.status, 403);
    let resp = post_form(
        app,
        &format!("/questions/{id}/answers/{mine}/edit"),
        "body=Defaced",
        Some(&carl),
    )
    .await;
    assert_eq!(resp.status, 403);
    let resp = post_form(
        app,
        &format!("/questions/{id}/state"),
        "state=resolved",
        Some(&carl),
    )
    .await;
    assert_eq!(resp.status, 403);
    let q = site.accounts.question(id).expect("read").expect("there");
    assert_eq!(q.title, "How small can a change advisory board be?");
    assert_eq!(q.state.as_str(), "open");
    assert_eq!(
        site.accounts
            .answer(mine)
            .expect("read")
            .expect("there")
            .body,
        "Original answer."
    );
    // Its author and the facilitator may.
    let resp = post_form(
        app,
        &format!("/questions/{id}/answers/{mine}/edit"),
        "body=Clearer+answer.",
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 303);
    let resp = post_form(app, &format!("/questions/{id}/edit"), &edit, Some(&fran)).await;
    assert_eq!(resp.status, 303);
    assert_eq!(
        site.accounts
            .question(id)
            .expect("read")
            .expect("there")
            .title,
        "Defaced"
    );
    assert!(
        site.accounts
            .audit_log(50)
            .expect("log")
            .iter()
            .any(|e| e.action == "question.edit" && e.actor == "fran")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_are_found_with_stemming_typos_and_the_state_filter() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let (mia, carl) = (login(app, "mia").await, login(app, "carl").await);
    let da = ask(
        &site,
        &mia,
        &[
            ("title", "Hvordan håndterer I hændelser om natten?"),
            ("situation", "Vores vagtordning er slidt op."),
        ],
    )
    .await;
    let en = ask(&site, &mia, CAB_QUESTION).await;
    answer(
        &site,
        &carl,
        en,
        "Our swarming experiment helped here.",
        false,
    )
    .await;
    let ids = |json: serde_json::Value| -> Vec<i64> {
        json["questions"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|q| q["id"].as_i64().expect("an id"))
            .collect()
    };
    for (query, expected) in [
        ("hændelse", vec![da]),
        ("vagtordningen", vec![da]),
        ("advisroy", vec![en]),
        ("swarming", vec![en]),
        ("printer", vec![]),
    ] {
        let uri = format!("/api/questions?q={}", enc(query));
        let resp = get_as(app, &uri, Some(&carl)).await;
        assert_eq!(resp.status, 200);
        assert_eq!(ids(resp.json()), expected, "{query}");
    }
    let page = get_as(app, "/questions?q=vagtordning", Some(&carl))
        .await
        .text();
    assert!(
        page.contains("<mark>"),
        "the matching passage is highlighted: {page}"
    );
    assert!(page.contains("Question — 0 answers, open"), "{page}");
    // The search page lists them as their own kind beside the write-ups, with the filter.
    let page = get_as(app, "/?q=vagtordning", Some(&carl)).await.text();
    assert!(page.contains("Questions members asked"), "{page}");
    assert!(
        page.contains(&format!("href=\"/questions/{da}\"")),
        "{page}"
    );
    assert!(page.contains("Question — 0 answers, open"), "{page}");
    assert!(page.contains("href=\"/questions?q=vagtordning\""), "{page}");
    let page = get_as(app, "/?q=printer", Some(&carl)).await.text();
    assert!(!page.contains("Questions members asked"), "none match");
    let resp = get_as(app, "/api/questions?state=open", Some(&carl)).await;
    assert_eq!(ids(resp.json()), vec![en, da], "newest first");
    let resp = get_as(app, "/questions?state=maybe", Some(&carl)).await;
    assert_eq!(resp.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_hides_and_closes_after_a_confirmation() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let (mia, carl, fran) = (
        login(app, "mia").await,
        login(app, "carl").await,
        login(app, "fran").await,
    );
    let id = ask(&site, &mia, CAB_QUESTION).await;
    let rude = answer(&site, &carl, id, "A rude answer about zebras.", true).await;

    let refused = post_form(
        app,
        &format!("/admin/questions/{id}"),
        "action=hide",
        Some(&carl),
    )
    .await;
    assert_ne!(refused.status, 303, "members do not moderate");
    let asked = post_form(
        app,
        &format!("/admin/questions/{id}"),
        &format!("action=hide-answer&answer={rude}"),
        Some(&fran),
    )
    .await;
    assert_eq!(asked.status, 200);
    assert!(asked.text().contains("Hide this answer?"));
    assert!(!site.accounts.answer(rude).expect("read").expect("a").hidden);
    let done = post_form(
        app,
        &format!("/admin/questions/{id}"),
        &format!("action=hide-answer&answer={rude}&confirm=yes"),
        Some(&fran),
    )
    .await;
    assert_eq!(done.status, 303);
    let html = get_as(app, &format!("/questions/{id}"), Some(&mia))
        .await
        .text();
    assert!(!html.contains("zebras"), "hidden from members");
    let json = get_as(app, "/api/questions?q=zebras", Some(&mia))
        .await
        .json();
    assert_eq!(json["questions"].as_array().map(Vec::len), Some(0));
    assert!(
        get_as(app, &format!("/questions/{id}"), Some(&fran))
            .await
            .text()
            .contains("zebras"),
        "the facilitator still sees it"
    );

    let closed = post_form(
        app,
        &format!("/admin/questions/{id}"),
        "action=close&confirm=yes",
        Some(&fran),
    )
    .await;
    assert_eq!(closed.status, 303);
    let late = post_form(
        app,
        &format!("/questions/{id}/answers"),
        "body=Late",
        Some(&carl),
    )
    .await;
    assert_eq!(late.status, 400);

    let hidden = post_form(
        app,
        &format!("/admin/questions/{id}"),
        "action=hide&confirm=yes",
        Some(&fran),
    )
    .await;
    assert_eq!(hidden.status, 303);
    for uri in [format!("/questions/{id}"), format!("/api/questions/{id}")] {
        assert_eq!(get_as(app, &uri, Some(&mia)).await.status, 404, "{uri}");
    }
    assert!(
        !get_as(app, "/questions", Some(&mia))
            .await
            .text()
            .contains("advisory board")
    );
    let log = site.accounts.audit_log(50).expect("log");
    for action in ["answer.hide", "question.closed", "question.hide"] {
        assert!(
            log.iter().any(|e| e.action == action && e.actor == "fran"),
            "{action}"
        );
    }
    let bad = post_form(
        app,
        &format!("/admin/questions/{id}"),
        "action=explode",
        Some(&fran),
    )
    .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_questions_and_answers_get_a_clear_400() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let mia = login(app, "mia").await;
    let resp = post_form(
        app,
        "/questions",
        &form(&[
            ("title", ""),
            ("situation", ""),
            ("practices", "change-management"),
        ]),
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 400);
    let html = resp.text();
    for message in [
        "Write your question in one line",
        "Describe your situation.",
        "Choose practices from the list.",
    ] {
        assert!(html.contains(message), "{message}: {html}");
    }
    assert!(site.accounts.questions().expect("none").is_empty());
    let id = ask(&site, &mia, CAB_QUESTION).await;
    let resp = post_form(
        app,
        &format!("/questions/{id}/answers"),
        "body=+",
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 400);
    // Answers go through the write-ups' sanitiser.
    answer(
        &site,
        &mia,
        id,
        "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
        false,
    )
    .await;
    let html = get_as(app, &format!("/questions/{id}"), Some(&mia))
        .await
        .text();
    for bad in ["<script>", "href=\"javascript", "onerror=alert(3)>"] {
        assert!(!html.contains(bad), "{bad}: {html}");
    }
    let resp = post_form(
        app,
        &format!("/questions/{id}/same"),
        "on=maybe",
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 400);
    let resp = post_form(app, "/questions/999/answers", "body=Hello", Some(&mia)).await;
    assert_eq!(resp.status, 404);
    let resp = post_form(
        app,
        &format!("/questions/{id}/draft"),
        "owner=asker",
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 400, "no helpful answer yet");
    assert!(resp.text().contains("Mark the answers that helped first."));
}

/// What one request can make erfa do is bounded: practices (each once, no more values
/// than there are practices), what the similar preview looks up, answers in a thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_are_bounded_in_practices_lookups_and_answers() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let mia = login(app, "mia").await;
    // The same practice three times is one practice.
    let mut pairs = CAB_QUESTION.to_vec();
    pairs.push(("practices", "change-enablement"));
    pairs.push(("practices", "change-enablement"));
    let id = ask(&site, &mia, &pairs).await;
    let q = site.accounts.question(id).expect("read").expect("there");
    assert_eq!(q.practices, vec!["change-enablement".to_string()]);
    // Fifty thousand values are refused with the list's message, not stored or compared.
    let many: String = (0..50_000).map(|i| format!("&practices=p{i}")).collect();
    let resp = post_form(
        app,
        "/questions",
        &format!("{}{many}", form(CAB_QUESTION)),
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("Choose practices from the list."));
    assert_eq!(site.accounts.questions().expect("read").len(), 1);

    // Text longer than a question may be is not looked up while typing.
    let long = "change ".repeat(3_000);
    let resp = post_form(
        app,
        "/api/questions/similar",
        &form(&[("title", "CAB"), ("situation", &long)]),
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let json = resp.json();
    assert_eq!(json["writeups"], serde_json::json!([]), "{json}");
    assert_eq!(json["questions"], serde_json::json!([]), "{json}");
    let short = post_form(
        app,
        "/api/questions/similar",
        &form(&[("title", "CAB"), ("situation", "change advisory board")]),
        Some(&mia),
    )
    .await;
    assert_ne!(
        short.json()["writeups"],
        serde_json::json!([]),
        "the same form, short"
    );

    // A thread takes at most 500 answers; the 501st is told why.
    let carl = site.accounts.require("carl").expect("carl");
    let by = erfa_accounts::Actor::account(&carl);
    for n in 0..erfa_accounts::MAX_ANSWERS_PER_QUESTION {
        let body = format!("Answer {n}");
        let added = site
            .accounts
            .answer_question(
                id,
                &by,
                erfa_accounts::NewAnswer {
                    body: &body,
                    named: false,
                    meet: false,
                },
            )
            .expect("stored");
        assert!(added.is_some(), "answer {n}");
    }
    let resp = post_form(
        app,
        &format!("/questions/{id}/answers"),
        "body=One+more",
        Some(&mia),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.text().contains("500 answers"), "{}", resp.text());
    let again = site
        .accounts
        .answer_question(
            id,
            &by,
            erfa_accounts::NewAnswer {
                body: "Past the bound",
                named: false,
                meet: false,
            },
        )
        .expect("no error");
    assert_eq!(again, None, "the database keeps the bound too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboarding_keeps_questions_and_answers_without_the_name() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let (mia, carl) = (login(app, "mia").await, login(app, "carl").await);
    let named: Vec<(&str, &str)> = CAB_QUESTION
        .iter()
        .copied()
        .chain([("named", "yes")])
        .collect();
    let id = ask(&site, &mia, &named).await;
    answer(&site, &mia, id, "Follow-up from the asker.", true).await;
    let before = get_as(app, &format!("/questions/{id}"), Some(&carl))
        .await
        .text();
    assert!(before.contains("Asked by mia"), "named by choice");
    let user = site.accounts.user("mia").expect("db").expect("mia");
    site.accounts
        .erase(&user, &erfa_accounts::Actor::without_account("cli"))
        .expect("erased");
    let after = get_as(app, &format!("/questions/{id}"), Some(&carl))
        .await
        .text();
    assert!(
        after.contains("Follow-up from the asker."),
        "the answer stays"
    );
    assert!(after.contains("a former member"), "{after}");
    assert!(!after.contains("mia"), "no name: {after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_lists_open_questions_nobody_answered() {
    let site = site(&sample_files(), false);
    let app = &site.router;
    let (mia, fran) = (login(app, "mia").await, login(app, "fran").await);
    let id = ask(&site, &mia, CAB_QUESTION).await;
    let desk = get_as(app, "/admin", Some(&fran)).await.text();
    assert!(
        !desk.contains(&format!("/questions/{id}\"")),
        "not yet 14 days old"
    );
    let db = rusqlite::Connection::open(site._data.path().join(erfa_accounts::DB_FILE))
        .expect("state.db");
    db.execute(
        "UPDATE questions SET created = created - 15 * 86400 WHERE id = ?1",
        [id],
    )
    .expect("older");
    let desk = get_as(app, "/admin", Some(&fran)).await.text();
    assert!(
        desk.contains(&format!("href=\"/questions/{id}\"")),
        "{desk}"
    );
    assert!(desk.contains("How small can a change advisory board be?"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_local_mode_the_person_at_the_machine_asks_marks_and_makes_a_draft() {
    use axum::body::Body;
    use axum::http::Request;
    let content = tempfile::tempdir().expect("a temp dir");
    for (path, text) in crate::support::sample() {
        crate::support::write(content.path(), path, text.as_bytes());
    }
    let data = tempfile::tempdir().expect("a temp dir");
    let store = erfa_index::Store::in_ram();
    let indexed = crate::support::index(&store, content.path());
    let accounts = std::sync::Arc::new(erfa_accounts::Accounts::open(data.path()).expect("db"));
    let config = erfa_server::Config::local(content.path(), data.path());
    let state =
        erfa_server::AppState::new(store, indexed.engine, config).with_accounts(accounts.clone());
    let app = erfa_server::router(state);
    let post = |uri: &str, body: String| {
        Request::post(uri)
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a request")
    };
    let resp = crate::support::send(&app, post("/questions", form(CAB_QUESTION))).await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    let id = accounts.questions().expect("q")[0].id;
    let resp = crate::support::send(
        &app,
        post(
            &format!("/questions/{id}/answers"),
            "body=Standard+changes.".to_string(),
        ),
    )
    .await;
    assert_eq!(resp.status, 303);
    let answer = accounts.answers(Some(id)).expect("a")[0].id;
    for (uri, body) in [
        (
            format!("/questions/{id}/helpful"),
            format!("answer={answer}&on=yes"),
        ),
        (
            format!("/questions/{id}/state"),
            "state=resolved".to_string(),
        ),
        (format!("/questions/{id}/draft"), "owner=asker".to_string()),
    ] {
        let resp = crate::support::send(&app, post(&uri, body)).await;
        assert_eq!(resp.status, 303, "{uri}: {}", resp.text());
    }
    let q = accounts.question(id).expect("read").expect("there");
    assert_eq!(
        (q.helpful, q.state.as_str(), q.writeups.len()),
        (1, "resolved", 1)
    );
    assert!(content.path().join(&q.writeups[0]).is_file());
}
