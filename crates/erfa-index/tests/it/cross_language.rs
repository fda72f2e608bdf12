//! Issue 17: related write-ups cross languages: through translations (`translation_of`,
//! both ways), the glossary, and shared tags and practices.

use erfa_index::{Scope, glossary::Glossary};

use crate::common::{rebuilt, write};

fn front(title: &str, language: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nkind: lesson\nlanguage: {language}\ndate: 2022-03-10\nvisibility: public\n{extra}---\n"
    )
}

#[test]
fn related_write_ups_cross_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "en/cmdb.md",
        &(front(
            "Our CMDB failed",
            "en",
            "tags: [cmdb]\npractices: [service-configuration-management]\n",
        ) + "## Lesson learned\n\nNobody owned the configuration items, so the data rotted within a year.\n"),
    );
    write(
        root,
        "da/cmdb.md",
        &(front(
            "Vores CMDB fejlede",
            "da",
            "tags: [cmdb]\ntranslation_of: en/cmdb\n",
        ) + "## Læring\n\nIngen ejede konfigurationselementerne, så data forfaldt inden for et år.\n"),
    );
    write(
        root,
        "da/kortlaegning.md",
        &(front("Kortlægning af servere", "da", "tags: [cmdb]\n")
            + "## Læring\n\nStart med de vigtigste servere.\n"),
    );
    write(
        root,
        "da/haendelse.md",
        &(front("Hændelser om natten", "da", "")
            + "## Læring\n\nEn hændelse om natten kræver en vagt.\n"),
    );
    write(
        root,
        "en/incident.md",
        &(front("Night-time incidents", "en", "")
            + "## Lesson learned\n\nAn incident at night needs someone on call.\n"),
    );
    write(
        root,
        "en/backup.md",
        &(front("Backups nobody tested", "en", "") + "## Lesson learned\n\nTest the restore.\n"),
    );
    write(
        root,
        "_glossary.yaml",
        "pairs:\n  - da: hændelse\n    en: incident\n",
    );
    let (_store, engine) = rebuilt(root);
    engine.set_glossary(&Glossary::load(root).glossary);
    let related = |slug: &str| -> Vec<String> {
        engine
            .related(slug, Scope::Public, 5)
            .expect("related")
            .into_iter()
            .map(|h| h.slug)
            .collect()
    };
    // The translation first, both ways; then a write-up with the same tag.
    let en = related("en/cmdb");
    assert_eq!(en.first().map(String::as_str), Some("da/cmdb"), "{en:?}");
    assert!(en.contains(&"da/kortlaegning".to_string()), "{en:?}");
    let da = related("da/cmdb");
    assert_eq!(da.first().map(String::as_str), Some("en/cmdb"), "{da:?}");
    // Through the glossary: "hændelse" is "incident".
    assert_eq!(
        related("da/haendelse").first().map(String::as_str),
        Some("en/incident")
    );
    assert_eq!(
        related("en/incident").first().map(String::as_str),
        Some("da/haendelse")
    );
    assert!(!related("en/incident").contains(&"en/backup".to_string()));
}
