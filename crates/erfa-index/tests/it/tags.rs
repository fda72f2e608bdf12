//! Issue 17: a tag's spellings filter and count as one tag, shown by its most common
//! spelling among the write-ups the viewer may read.

use erfa_index::{Scope, SearchRequest};

use crate::common::{rebuilt, search, write};

fn writeup(root: &std::path::Path, name: &str, visibility: &str, tags: &str) {
    write(
        root,
        &format!("{name}.md"),
        &format!(
            "---\ntitle: {name}\nkind: lesson\nlanguage: en\ndate: 2022-03-10\nvisibility: {visibility}\ntags: [{tags}]\n---\n## Lesson learned\n\nText.\n"
        ),
    );
}

#[test]
fn spellings_of_a_tag_are_one_tag_shown_as_the_viewer_s_most_common() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    writeup(root, "a", "public", "CMDB, Change Freeze");
    writeup(root, "b", "public", "cmdb");
    writeup(root, "c", "public", "CMDB");
    writeup(root, "d", "members", "cmdb, Secret Project");
    writeup(root, "e", "members", "cmdb, change_freeze");
    let (_store, engine) = rebuilt(root);

    let public = search(&engine, &SearchRequest::new("", Scope::Public));
    let tags: Vec<(String, u64)> = public.facets["tags"]
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    assert_eq!(
        tags,
        [("cmdb".to_string(), 3), ("change-freeze".to_string(), 1)]
    );
    let labels = engine.tag_labels(Scope::Public).expect("labels");
    assert_eq!(labels["cmdb"], "CMDB");
    assert_eq!(labels["change-freeze"], "Change Freeze");
    assert!(!labels.contains_key("secret-project"), "{labels:?}");
    // Members read two more "cmdb" than "CMDB".
    let members = engine.tag_labels(Scope::Members).expect("labels");
    assert_eq!(members["cmdb"], "cmdb");
    assert_eq!(members["secret-project"], "Secret Project");

    // Any spelling filters as the tag.
    for value in ["CMDB", "cmdb", " Cmdb "] {
        let found = search(
            &engine,
            &SearchRequest::new("", Scope::Public).filter("tags", value),
        );
        assert_eq!(found.total, 3, "{value}");
    }
    let freeze = search(
        &engine,
        &SearchRequest::new("", Scope::Members).filter("tags", "change freeze"),
    );
    assert_eq!(freeze.total, 2);
    assert_eq!(
        search(&engine, &SearchRequest::new("tags:CMDB", Scope::Public)).total,
        3
    );

    // Suggestions show the label and filter by the key.
    let suggested = engine.suggest("cm", Scope::Public, 8).expect("suggest");
    let tag = suggested.iter().find(|s| s.kind == "tag").expect("a tag");
    assert_eq!(
        (tag.text.as_str(), tag.value.as_deref()),
        ("CMDB", Some("cmdb"))
    );
    assert!(
        engine
            .suggest("secret", Scope::Public, 8)
            .expect("suggest")
            .is_empty()
    );
}
