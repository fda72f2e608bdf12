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
        .create_token("mia", TokenKind::Api)
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
