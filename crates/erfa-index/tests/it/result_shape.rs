//! The one result shape (issue 3), pinned: what the CLI's `--json` and the HTTP API
//! are made from. `path` is there for members and absent for the public; a snippet is
//! plain text with its matches as byte ranges (the server makes the HTML).

use erfa_index::{Scope, SearchRequest};

use crate::common::{rebuilt, search, write};

fn fixture(root: &std::path::Path) {
    write(
        root,
        "change/cab-copied.md",
        "---\ntitle: We copied another organisation's change process 1:1 — it did not fit\nsummary: A CAB model from a large bank failed in a municipality with 40 IT staff.\nkind: mistake\npractices: [change-enablement]\ntags: [cab, governance]\nlanguage: en\ndate: 2022-03-10\norganisation: Example Kommune\nsector: public\norg_size: 50-250\ntools: [TOPdesk]\nvisibility: public\nmeeting: 2022-Q1\n---\n## Problem\n\nChanges waited two weeks for the CAB.\n\n## Mistake to avoid\n\nCopying a <b>change</b> process 1:1 from an organisation ten times your size & expecting it to fit.\n\n## Lesson learned\n\nStart with standard changes.\n",
    );
    write(
        root,
        "change/ændringsfrys.md",
        "---\ntitle: Ændringsfrys i julen\nkind: lesson\npractices: [change-enablement, release-management]\ntags: [freeze]\nlanguage: da\ndate: 2021-12-01\nsector: private\n---\n## Læring\n\nEn change freeze skal aftales med forretningen i god tid.\n",
    );
    write(
        root,
        "incident/no-date.md",
        "---\ntitle: Undated change notes\nkind: practice\nlanguage: en\nvisibility: public\n---\nSome notes on change.\n",
    );
}

#[test]
fn the_result_shape_is_pinned() {
    let dir = tempfile::tempdir().expect("tempdir");
    fixture(dir.path());
    let (_store, engine) = rebuilt(dir.path());
    let members = search(&engine, &SearchRequest::new("change", Scope::Members));
    insta::assert_json_snapshot!("members", members);
    let public = search(&engine, &SearchRequest::new("change", Scope::Public));
    insta::assert_json_snapshot!("public", public);
    assert!(members.hits.iter().all(|h| h.path.is_some()));
    assert!(public.hits.iter().all(|h| h.path.is_none()));
}
