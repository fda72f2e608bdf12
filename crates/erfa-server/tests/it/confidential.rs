//! What the outside security test broke, each as a test: attachments served only under
//! the write-up that links to them, bounded answers, merges that never widen an
//! audience, and search insights that anonymous visitors cannot fill.

use erfa_accounts::TokenKind;

use crate::auth::{Site, get_as, get_bearer, owned, site};
use crate::support::{PNG, sample, write};

fn front(title: &str, visibility: &str, status: &str) -> String {
    format!(
        "---\ntitle: {title}\nkind: lesson\nlanguage: en\ndate: 2024-02-01\nvisibility: {visibility}\nstatus: {status}\n---\n"
    )
}

/// Write-ups whose folders hold files they link to, and files nobody links to.
fn attachment_site() -> Site {
    let mut files = owned(sample());
    files.extend([
        (
            "zzconf/public-1.md".to_string(),
            front("Public one", "public", "published")
                + "## Lesson learned\n\n![flow](diagram-1.png) and [the notes](sub/notes%20one.txt#top).\n",
        ),
        (
            "zzconf/members-1.md".to_string(),
            front("Members one", "members", "published")
                + "## Lesson learned\n\nSee [the plan](members-plan.csv).\n",
        ),
        (
            "zzconf/draft-1.md".to_string(),
            front("Draft one", "members", "draft")
                + "## Lesson learned\n\nSee [the draft plan](draft-plan.csv).\n",
        ),
        (
            "root-public.md".to_string(),
            front("Root public", "public", "published") + "## Lesson learned\n\nNo files.\n",
        ),
    ]);
    let site = site(&files, true);
    let root = site.content.path();
    write(root, "zzconf/diagram-1.png", PNG);
    write(root, "zzconf/sub/notes one.txt", b"linked notes");
    write(root, "zzconf/secret-1-budget.csv", b"zqxbudgetcanary,1");
    write(root, "zzconf/members-plan.csv", b"zqxplancanary,1");
    write(root, "zzconf/draft-plan.csv", b"zqxdraftcanary,1");
    write(root, "change/notes.txt", b"zqxnotescanary");
    site
}

#[tokio::test]
async fn attachments_are_served_only_under_a_readable_write_up_that_links_them() {
    let site = attachment_site();
    let token = site
        .accounts
        .create_token(&site.accounts.require("mia").expect("mia"), TokenKind::Api)
        .expect("token");
    let missing = get_as(&site.router, "/w/zzconf/public-1/no-such-file.csv", None).await;
    assert_eq!(missing.status, 404);
    // (uri, anonymous may read, a member may read)
    for (uri, anonymous, member) in [
        ("/w/zzconf/public-1/diagram-1.png", true, true),
        ("/w/zzconf/public-1/sub/notes%20one.txt", true, true),
        // In the folder of a public write-up, but it does not link to them.
        ("/w/zzconf/public-1/secret-1-budget.csv", false, false),
        ("/w/zzconf/public-1/members-plan.csv", false, false),
        ("/w/zzconf/public-1/draft-plan.csv", false, false),
        // A public write-up at the root does not own the tree.
        ("/w/root-public/change/notes.txt", false, false),
        ("/w/root-public/zzconf/members-plan.csv", false, false),
        // The members-only write-up's own file.
        ("/w/zzconf/members-1/members-plan.csv", false, true),
        ("/w/zzconf/members-1/secret-1-budget.csv", false, false),
        // A draft's file is nobody's but the facilitator's.
        ("/w/zzconf/draft-1/draft-plan.csv", false, false),
    ] {
        let anon = get_as(&site.router, uri, None).await;
        let mem = get_bearer(&site.router, uri, &token).await;
        for (resp, allowed, who) in [(&anon, anonymous, "anonymous"), (&mem, member, "member")] {
            if allowed {
                assert_eq!(resp.status, 200, "{who} {uri}");
            } else {
                assert_eq!(resp.status, 404, "{who} {uri}");
                assert!(!resp.text().contains("zqx"), "{who} {uri}");
            }
        }
        if !anonymous {
            // Refused exactly as a file that does not exist.
            assert_eq!(anon.bytes, missing.bytes, "{uri}");
        }
    }
}

/// Filters the search routes read (one per facet); every route gets all of them.
const FILTERS: [&str; 10] = erfa_index::schema::FACETS;

/// Hostile query strings, each at most 8 KB: repeated filters at the cap, long values,
/// odd numbers, query syntax and encodings.
fn hostile_queries() -> Vec<String> {
    let long = |n: usize| "x".repeat(n);
    let mut out = Vec::new();
    // One filter at the cap of 20 values, long values.
    for name in FILTERS {
        out.push(
            (0..20)
                .map(|i| format!("{name}={i}{}", long(380)))
                .collect::<Vec<_>>()
                .join("&"),
        );
    }
    // Every filter with as many values as fit, each value different.
    out.push(
        FILTERS
            .iter()
            .flat_map(|name| (0..20).map(move |i| format!("{name}=v{i}")))
            .collect::<Vec<_>>()
            .join("&"),
    );
    // As many values as fit in all, of a middling length.
    out.push(
        FILTERS
            .iter()
            .flat_map(|name| (0..6).map(move |i| format!("{name}={i}{}", long(120))))
            .collect::<Vec<_>>()
            .join("&"),
    );
    out.push(
        FILTERS
            .iter()
            .flat_map(|name| (0..2).map(move |i| format!("{name}={i}{}", long(380))))
            .collect::<Vec<_>>()
            .join("&"),
    );
    out.push(format!("q={}", "cab%20OR%20".repeat(700)));
    out.push(format!("q={}", "%22".repeat(2700)));
    // One long quoted phrase of many words, each found apart too.
    out.push(format!(
        "q=%22{}%22",
        (0..400)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join("+")
    ));
    out.push(format!("q=%22{}%22", "incident+".repeat(600)));
    out.push(format!("q={}&page=2&per_page=100", "a+".repeat(4000)));
    out.push("page=999999999999999999999&per_page=-1&sort=x&section=y".to_string());
    out.push("page=1000&per_page=100&sort=newest".to_string());
    out.push(format!("next={}", "%2F".repeat(2700)));
    out.push(format!("since={}&token={}", long(4000), long(4000)));
    out.push(format!("ids={}", "a,".repeat(4000)));
    out.push(format!(
        "slugs={}",
        "change%2Fcab-copied&slugs=".repeat(290)
    ));
    out.push(format!("q=%00%ff%fe{}", "%C3%A6".repeat(1300)));
    out
}

#[tokio::test]
async fn every_route_with_hostile_parameters_answers_small_and_without_a_5xx() {
    let site = site(&owned(sample()), true);
    let cookie = crate::auth::login(&site.router, "fran").await;
    let mut slowest = (std::time::Duration::ZERO, String::new());
    let mut largest = (0usize, String::new());
    let mut probes = 0;
    for spec in erfa_server::routes::table() {
        if spec.method != axum::http::Method::GET {
            continue;
        }
        let path = crate::auth::concrete(spec.path);
        for query in hostile_queries() {
            assert!(query.len() <= 8 * 1024, "{} bytes", query.len());
            let uri = format!("{path}?{query}");
            for who in [None, Some(cookie.as_str())] {
                let started = std::time::Instant::now();
                let resp = get_as(&site.router, &uri, who).await;
                let took = started.elapsed();
                probes += 1;
                let what = format!("GET {path}?{}… as {who:?}", &query[..query.len().min(60)]);
                assert!(!resp.status.is_server_error(), "{what}: {}", resp.status);
                assert!(
                    resp.bytes.len() <= 2 * 1024 * 1024,
                    "{what}: {} bytes",
                    resp.bytes.len()
                );
                if took > slowest.0 {
                    slowest = (took, what.clone());
                }
                if resp.bytes.len() > largest.0 {
                    largest = (resp.bytes.len(), what);
                }
            }
        }
    }
    // Forms: every POST route with long, repeated and odd fields.
    let forms = [
        format!("title={}&summary={}", "t".repeat(8000), "s".repeat(8000)),
        (0..200)
            .map(|i| format!("tags=t{i}&practices=p{i}&slugs=s{i}"))
            .collect::<Vec<_>>()
            .join("&"),
        "action=%00&kind=%ff&status=published&visibility=public&into=..%2F..%2Fetc".to_string(),
    ];
    for spec in erfa_server::routes::table() {
        if spec.method != axum::http::Method::POST || spec.path == "/logout" {
            continue;
        }
        let path = crate::auth::concrete(spec.path);
        for form in &forms {
            for who in [None, Some(cookie.as_str())] {
                let resp = crate::auth::post_form(&site.router, &path, form, who).await;
                probes += 1;
                assert!(
                    !resp.status.is_server_error(),
                    "POST {path} as {who:?}: {}",
                    resp.status
                );
                assert!(resp.bytes.len() <= 2 * 1024 * 1024, "POST {path}");
            }
        }
    }
    println!(
        "{probes} probes; largest answer {} bytes ({}); slowest {:?} ({}) in a test build",
        largest.0, largest.1, slowest.0, slowest.1
    );
}

#[tokio::test]
async fn too_many_filter_values_and_long_query_strings_are_refused_clearly() {
    let site = site(&owned(sample()), true);
    let many = (0..21)
        .map(|i| format!("tags=t{i}"))
        .collect::<Vec<_>>()
        .join("&");
    for path in ["/", "/api/search", "/api/facets"] {
        let resp = get_as(&site.router, &format!("{path}?{many}"), None).await;
        assert_eq!(resp.status, 400, "{path}");
        assert!(
            resp.text().contains("at most 20 values"),
            "{path}: {}",
            resp.text()
        );
    }
    let resp = get_as(&site.router, &format!("/api/search?{many}"), None).await;
    assert_eq!(resp.json()["error"]["code"], "too_many_values");
    let long = format!("q={}", "a".repeat(8 * 1024));
    for path in ["/", "/api/search", "/w/change/cab-copied", "/nope"] {
        let resp = get_as(&site.router, &format!("{path}?{long}"), None).await;
        assert_eq!(resp.status, 414, "{path}");
        assert!(resp.text().contains("at most 8192"), "{path}");
    }
    let resp = get_as(&site.router, &format!("/api/search?{long}"), None).await;
    assert_eq!(resp.json()["error"]["code"], "query_too_long");
    // What the outside test sent: a thousand tags made a 42 MB page.
    let thousand = (0..1000)
        .map(|i| format!("tags={i}"))
        .collect::<Vec<_>>()
        .join("&");
    let resp = get_as(&site.router, &format!("/?{thousand}"), None).await;
    assert!(resp.status == 400 || resp.status == 414, "{}", resp.status);
    assert!(resp.bytes.len() < 64 * 1024);
}

/// Drafts, submissions under review and archived write-ups, each with a canary and the
/// sample's words, so that they would move a member's scores, typo expansion and "did you
/// mean" if they counted.
fn unpublished() -> Vec<(String, String)> {
    (0..30)
        .map(|i| {
            let status = ["draft", "review", "archived"][i % 3];
            let folder = if status == "review" { "submissions" } else { "drafts" };
            let visibility = if i % 2 == 0 { "public" } else { "members" };
            (
                format!("{folder}/unpublished-{i}.md"),
                front(&format!("zqxunpub{i}canary change board cab"), visibility, status)
                    .replacen("---\n", "---\ntags: [cab, governance, zqxunpubtag]\ntools: [TOPdesk]\n", 1)
                    + &format!(
                        "## Lesson learned\n\nzqxunpub{i}canary changes to the change board, printer queues and incident swarming; chnage monitorng.\n"
                    ),
            )
        })
        .collect()
}

#[tokio::test]
async fn members_answers_over_http_are_the_same_with_or_without_unpublished_write_ups() {
    let mut files = owned(sample());
    files.extend(unpublished());
    let leaky = site(&files, false);
    let clean = site(&owned(sample()), false);
    let tokens = [&leaky, &clean].map(|s| {
        s.accounts
            .create_token(&s.accounts.require("mia").expect("mia"), TokenKind::Api)
            .expect("token")
    });
    let mut probes: Vec<String> = [
        "/api/search?q=cab",
        "/api/search?q=change+board",
        "/api/search?q=chnage",
        "/api/search?q=monitorng",
        "/api/search?q=zqxunpub1canary",
        "/api/search?q=zqxunpub",
        "/api/search?q=printer+queues&per_page=100",
        "/api/search?q=&per_page=100",
        "/api/search?q=&sort=newest",
        "/api/search?tags=governance",
        "/api/search?tools=TOPdesk",
        "/api/facets",
        "/api/facets?q=cab",
        "/api/suggest?q=zq",
        "/api/suggest?q=ch",
        "/api/suggest?q=gov",
        "/api/search?q=zqxunp&prefix=last",
        "/api/search?q=cha&prefix=last",
        "/api/search?q=chnage+boa&prefix=last",
        "/api/search?q=monitorng",
        "/api/search?q=swarmnig",
        "/api/writeups/change/cab-copied",
        "/api/writeups/change/cab-copied/related",
        "/api/writeups/drafts/unpublished-0",
        "/api/writeups/submissions/unpublished-1",
    ]
    .map(String::from)
    .to_vec();
    probes.extend((0..30).map(|i| format!("/api/search?q=zqxunpub{i}canary")));
    for uri in &probes {
        let a = get_bearer(&leaky.router, uri, &tokens[0]).await;
        let b = get_bearer(&clean.router, uri, &tokens[1]).await;
        assert_eq!(a.status, b.status, "{uri}");
        assert_eq!(
            a.text(),
            b.text(),
            "{uri}: a member's answer depends on unpublished write-ups"
        );
    }
}

/// A contributor opens their own submission as a page before it is published; for anyone
/// else the address names nothing, exactly as a missing write-up.
#[tokio::test]
async fn a_submission_s_page_is_for_its_author_until_published() {
    let mut files = crate::auth::sample_files();
    files.push((
        "submissions/carls-lesson.md".to_string(),
        "---\ntitle: Carl's lesson zqxcarlword\nkind: lesson\nlanguage: en\nstatus: review\n---\n## Lesson learned\n\nzqxcarlword: agree change windows with the business.\n".to_string(),
    ));
    let site = crate::auth::site(&files, false);
    let app = &site.router;
    let carl = site.accounts.require("carl").expect("carl");
    site.accounts
        .record_submission(
            &erfa_accounts::Actor::account(&carl),
            "submissions/carls-lesson.md",
        )
        .expect("recorded");
    let author = crate::auth::login(app, "carl").await;
    let page = crate::auth::get_as(app, "/w/submissions/carls-lesson", Some(&author)).await;
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("agree change windows"), "{text}");
    assert!(text.contains("Not published yet"), "{text}");
    assert!(text.contains("href=\"/mine/carls-lesson\""), "{text}");
    assert_eq!(page.header("cache-control"), "private, no-store");
    let mine = crate::auth::get_as(app, "/mine", Some(&author))
        .await
        .text();
    assert!(
        mine.contains("href=\"/w/submissions/carls-lesson\""),
        "{mine}"
    );

    // Another member, and a contributor who did not write it: a missing page.
    let other = crate::auth::login(app, "mia").await;
    let missing = crate::auth::get_as(app, "/w/submissions/no-such-lesson", Some(&other)).await;
    let theirs = crate::auth::get_as(app, "/w/submissions/carls-lesson", Some(&other)).await;
    assert_eq!(theirs.status, 404);
    assert_eq!(
        theirs.text().replace("carls-lesson", "no-such-lesson"),
        missing.text(),
        "no different from a missing page"
    );
    assert!(!theirs.text().contains("zqxcarlword"));
    // Anonymous visitors are asked to log in, as for any page.
    let anonymous = crate::auth::get_as(app, "/w/submissions/carls-lesson", None).await;
    assert_eq!(anonymous.status, 303);

    // Published, it is an ordinary write-up; archived, it is gone for its author too.
    let path = site.content.path().join("submissions/carls-lesson.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("status: review", "status: archived")).expect("write");
    let gone = crate::auth::get_as(app, "/w/submissions/carls-lesson", Some(&author)).await;
    assert_eq!(gone.status, 404);
}

// ---------------------------------------------------------------------------------------
// Ask the group: questions and answers are members-only, always.

/// Asks questions and answers them with canary words in every field, named and
/// anonymous; the ids.
async fn ask_with_canaries(site: &Site) -> Vec<i64> {
    use crate::auth::{login, post_form};
    use crate::support::enc;
    let (mia, carl) = (
        login(&site.router, "mia").await,
        login(&site.router, "carl").await,
    );
    let mut ids = Vec::new();
    for i in 0..6 {
        let named = if i % 2 == 0 { "&named=yes" } else { "" };
        let body = format!(
            "title={}&situation={}&tried={}&practices=change-enablement&tags={}{named}",
            enc(&format!("zqxq{i}titlecanary change board cab")),
            enc(&format!(
                "Our zqxq{i}situationcanary incident swarming at Zqxorgcanary Kommune."
            )),
            enc(&format!("zqxq{i}triedcanary weekly review")),
            enc(&format!("zqxq{i}tagcanary, cab")),
        );
        let resp = post_form(&site.router, "/questions", &body, Some(&mia)).await;
        assert_eq!(resp.status, 303, "{}", resp.text());
        let id: i64 = resp
            .header("location")
            .trim_start_matches("/questions/")
            .trim_end_matches("?done=asked")
            .parse()
            .expect("an id");
        let answer = format!(
            "body={}{named}&meet=yes",
            enc(&format!("We zqxa{i}answercanary changed the change board."))
        );
        let resp = post_form(
            &site.router,
            &format!("/questions/{id}/answers"),
            &answer,
            Some(&carl),
        )
        .await;
        assert_eq!(resp.status, 303, "{}", resp.text());
        ids.push(id);
    }
    ids
}

/// What anonymous visitors could try: the questions' own routes, and every place a
/// write-up's text reaches them (search, suggestions, facets, feeds, related write-ups).
fn question_probes(ids: &[i64]) -> Vec<String> {
    let mut uris: Vec<String> = [
        "/",
        "/browse",
        "/feed.atom",
        "/opensearch.xml",
        "/api/facets",
        "/api/openapi.json",
        "/questions",
        "/questions/ask",
        "/questions?q=cab",
        "/api/questions",
        "/api/questions?q=change+board",
        "/?q=cab",
        "/?q=change+board",
        "/?q=kommune",
        "/api/search?q=change+board&per_page=100",
        "/api/search?q=zqx",
        "/api/search?q=",
        "/api/suggest?q=zq",
        "/api/suggest?q=ch",
        "/api/facets?q=cab",
        "/api/writeups/change/cab-copied/related",
        "/w/change/cab-copied",
    ]
    .map(String::from)
    .to_vec();
    for id in ids.iter().chain(&[999]) {
        uris.push(format!("/questions/{id}"));
        uris.push(format!("/api/questions/{id}"));
    }
    for i in 0..6 {
        for word in [
            format!("zqxq{i}titlecanary"),
            format!("zqxq{i}situationcanary"),
            format!("zqxa{i}answercanary"),
        ] {
            uris.push(format!("/?q={word}"));
            uris.push(format!("/api/search?q={word}"));
            uris.push(format!("/api/suggest?q={}", &word[..6]));
            uris.push(format!("/api/questions?q={word}"));
        }
        uris.push(format!("/?tags=zqxq{i}tagcanary"));
        uris.push(format!("/api/facets?tags=zqxq{i}tagcanary"));
    }
    uris
}

/// A canary (or a name of someone who asked) in `text` that the request did not name.
fn leaked(uri: &str, text: &str) -> Option<String> {
    let mut lower = text.to_lowercase();
    for word in uri
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.starts_with("zqx"))
    {
        lower = lower.replace(word, "");
    }
    ["canary", "zqx"]
        .iter()
        .find_map(|needle| lower.find(needle))
        .map(|at| lower[at.saturating_sub(30)..(at + 20).min(lower.len())].to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_and_answers_never_reach_anonymous_visitors() {
    for public_access in [true, false] {
        let site = site(&owned(sample()), public_access);
        let ids = ask_with_canaries(&site).await;
        // The members-only answers to compare with: a page, and a question that does
        // not exist.
        let page = get_as(&site.router, "/meetings", None).await;
        let api = get_as(&site.router, "/api/questions/999", None).await;
        for uri in question_probes(&ids) {
            let resp = get_as(&site.router, &uri, None).await;
            assert!(resp.status != 500, "{uri}");
            if let Some(found) = leaked(&uri, &resp.text()) {
                panic!("{uri} (public access {public_access}) leaks: …{found}…");
            }
            for (name, value) in &resp.headers {
                let value = value.to_str().unwrap_or("");
                if name != "location" {
                    assert!(leaked(&uri, value).is_none(), "{uri}: {name}: {value}");
                }
            }
            if uri.starts_with("/questions") {
                assert_eq!(resp.status, page.status, "{uri}: a members-only page");
            }
            if uri.starts_with("/api/questions") {
                assert_eq!(
                    (resp.status, resp.text()),
                    (api.status, api.text()),
                    "{uri}: the same as a question that does not exist"
                );
            }
        }
        // Nothing of them is in the content folder, so no index, feed or export of
        // write-ups can hold them.
        for entry in walk(site.content.path()) {
            let bytes = std::fs::read(&entry).expect("a file");
            assert!(
                !String::from_utf8_lossy(&bytes).contains("canary"),
                "{}",
                entry.display()
            );
        }
        // The control: members find them.
        let token = site
            .accounts
            .create_token(
                &site.accounts.require("target").expect("a member"),
                TokenKind::Api,
            )
            .expect("token");
        let resp = get_bearer(&site.router, "/api/questions?q=zqxa3answercanary", &token).await;
        assert_eq!(resp.json()["questions"][0]["id"], ids[3], "{}", resp.text());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_about_write_ups_are_byte_identical_with_and_without_questions() {
    let with = site(&owned(sample()), true);
    let without = site(&owned(sample()), true);
    let ids = ask_with_canaries(&with).await;
    let tokens = [&with, &without].map(|s| {
        s.accounts
            .create_token(&s.accounts.require("mia").expect("mia"), TokenKind::Api)
            .expect("token")
    });
    let mut probes = question_probes(&ids);
    // Write-up answers a member gets: questions never move their scores, suggestions or
    // facets.
    let member_probes: Vec<String> = [
        "/api/search?q=change+board&per_page=100",
        "/api/search?q=incident+swarming",
        "/api/search?q=chnage",
        "/api/search?q=kommune",
        "/api/suggest?q=ch",
        "/api/suggest?q=zq",
        "/api/facets?q=cab",
        "/api/writeups/change/cab-copied/related",
    ]
    .map(String::from)
    .to_vec();
    probes.retain(|uri| !uri.contains("/questions"));
    for uri in &probes {
        let a = get_as(&with.router, uri, None).await;
        let b = get_as(&without.router, uri, None).await;
        assert_eq!(a.status, b.status, "{uri}");
        assert_eq!(
            a.text(),
            b.text(),
            "{uri}: an anonymous answer depends on questions"
        );
    }
    for uri in &member_probes {
        let a = get_bearer(&with.router, uri, &tokens[0]).await;
        let b = get_bearer(&without.router, uri, &tokens[1]).await;
        assert_eq!(a.status, b.status, "{uri}");
        assert_eq!(
            a.text(),
            b.text(),
            "{uri}: a member's write-up answer depends on questions"
        );
    }
}
