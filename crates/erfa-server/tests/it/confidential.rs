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
