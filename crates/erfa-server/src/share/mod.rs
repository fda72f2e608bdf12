//! Sharing an experience from the browser: the contributor's form, its preview, the
//! duplicate warning, durable saving into `content/submissions/`, and "My write-ups".
//!
//! The form is one page that works without JavaScript: "Preview" sends it back rendered
//! with the same Markdown pipeline as the write-up page, and with the closest existing
//! write-ups (more-like-this within the viewer's scope). With JavaScript the preview and
//! the similar write-ups follow the typing through `POST /share/preview`.
//!
//! A submission is written the way `erfa new` plus careful editing would be: front matter
//! with every free-text value quoted unless it is plainly a string, then the sections.
//! The text is checked with the indexer's own parser before anything is written, so a
//! file the form saves is never one the index refuses. Saving links a flushed temporary
//! file to the first free name (`<slug>.md`, `<slug>-2.md`, …), flushes the folder, and
//! waits for the index to commit — only then does the form answer. Who shared what is
//! recorded in the state database, never in `content/` unless they name themselves.
//!
//! Two failures keep the contributor's work. A full disk saves nothing: the form comes
//! back as it was sent, with a 507 and the reason at the top. An index that cannot be
//! updated after the file is saved loses nothing either, since `content/` is the source of
//! truth: the answer is the usual one, saying that search will find the write-up once the
//! index has caught up.

mod file;
mod form;
mod mine;
mod page;
mod preview;

use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use erfa_accounts::Actor;
use erfa_index::markdown::Section;
use erfa_index::meetings::Meetings;
use erfa_index::vocab::{self, Kind, Language, OrgSize, Sector, Status, Visibility};
use erfa_index::{Date, Document, Draft, FrontMatter, Hit};
use serde::Serialize;

use crate::access::Access;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::i18n::{Lang, Strings};
use crate::page::{Ctx, Layout, render};
use crate::route::Route;

use file::*;
use form::*;
use mine::*;
use page::*;
use preview::*;

/// The folder of `content/` that the form writes into.
pub use crate::state::SUBMISSIONS as FOLDER;
/// How many similar write-ups the duplicate warning shows.
const SIMILAR: usize = 3;
/// The longest one-line value accepted (titles, summaries, names).
const MAX_LINE_CHARS: usize = 500;

/// The routes of this module.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/share",
            Access::Contributor,
            "Share an experience: the form",
            share_form,
        ),
        Route::post(
            "/share",
            Access::Contributor,
            "Preview, or save into `content/submissions/` (then 303 to `/mine`)",
            share_post,
        ),
        Route::post(
            "/share/preview",
            Access::Contributor,
            "Live preview as JSON: sanitised HTML, similar write-ups, notes",
            share_preview,
        ),
        Route::get(
            "/mine",
            Access::Contributor,
            "My write-ups: own submissions and their status",
            mine,
        ),
        Route::get(
            "/mine/{slug}",
            Access::Contributor,
            "Edit an own submission until it is published",
            mine_form,
        ),
        Route::post(
            "/mine/{slug}",
            Access::Contributor,
            "Preview, or save an edit of an own submission",
            mine_post,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Form {
        Form {
            title: "We copied a bank's CAB".into(),
            summary: "It did not fit.".into(),
            kind: "mistake".into(),
            practices: vec!["change-enablement".into()],
            tags: "cab, governance, 365".into(),
            language: "en".into(),
            date: "2024-03-10".into(),
            visibility: "members".into(),
            sections: [
                "The CAB met weekly.".into(),
                String::new(),
                String::new(),
                "Scale it.".into(),
                "Copying 1:1.".into(),
                String::new(),
            ],
            ..Form::default()
        }
    }

    #[test]
    fn a_filled_form_makes_a_clean_write_up() {
        let form = filled();
        let checked = check(
            &form,
            &Kept::default(),
            "submissions/x.md",
            Lang::En.t(),
            None,
        );
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert!(checked.notes.is_empty(), "{:?}", checked.notes);
        let doc = checked.document.expect("valid");
        assert!(faithful(&doc, &form));
        assert_eq!(doc.front.status, Status::Review);
        assert_eq!(doc.front.tags, ["cab", "governance", "365"]);
        assert!(
            checked
                .text
                .starts_with("---\ntitle: \"We copied a bank's CAB\"\n")
        );
        assert!(
            checked
                .text
                .contains("\ntags: [cab, governance, \"365\"]\n")
        );
        assert!(
            checked
                .text
                .contains("\n## Mistake to avoid\n\nCopying 1:1.\n")
        );
        assert_eq!(Form::from_document(&doc).sections, form.sections);
    }

    #[test]
    fn hostile_values_stay_inside_their_quotes() {
        for title in [
            "x: y\n---\nkind: practice",
            "\"quoted\" and \\ back",
            "- [a, b]",
            "&anchor *alias !tag %dir @at `tick`",
            "yes",
            "null",
            "1.5",
            "---",
            "# not a comment",
            "tab\there\u{2028}line",
        ] {
            let form = Form::parse(
                format!(
                    "title={}&kind=lesson&language=en&visibility=members&tags={}",
                    form_urlencoded::byte_serialize(title.as_bytes()).collect::<String>(),
                    form_urlencoded::byte_serialize(title.as_bytes()).collect::<String>()
                )
                .as_bytes(),
            );
            let checked = check(
                &form,
                &Kept::default(),
                "submissions/x.md",
                Lang::En.t(),
                None,
            );
            let doc = checked
                .document
                .unwrap_or_else(|| panic!("{title:?}: {:?}\n{}", checked.errors, checked.text));
            assert!(faithful(&doc, &form), "{title:?}\n{}", checked.text);
            assert_eq!(doc.front.kind, Kind::Lesson, "{title:?}");
        }
    }

    #[test]
    fn errors_point_at_their_fields() {
        let mut form = filled();
        form.title.clear();
        form.kind = "Mistake".into();
        form.date = "10/03/2024".into();
        form.practices.push("itil".into());
        let checked = check(
            &form,
            &Kept::default(),
            "submissions/x.md",
            Lang::En.t(),
            None,
        );
        let fields: Vec<&str> = checked.errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["f-title", "f-kind", "f-practices", "f-date"]);
        assert!(checked.document.is_none());
    }

    #[test]
    fn sections_split_back_from_markdown_in_either_language() {
        let sections =
            split_sections("Intro.\n\n## Problemet\n\nP.\n\n## Årsag\n\nWhy.\n\n## Læring\n\nL.\n");
        assert_eq!(sections[0], "Intro.\n\n\nP.\n\n## Årsag\n\nWhy.");
        assert_eq!(sections[3], "L.");
    }

    #[test]
    fn an_edit_keeps_the_status_and_the_keys_the_form_does_not_show() {
        let original = "---\ntitle: Vi lærte noget\nkind: lesson\nlanguage: da\ndate: 2023-01-02\nstatus: draft\nrelated: [change/cab]\naliases: [old/name]\ncontact_ok: true\nconfidence: validated\npublished: 2024-02-01\nsource: https://example.org/x\n---\n## Problemet\n\nP.\n\n## Læring\n\nL.\n";
        let doc = Document::parse("submissions/vi.md", original)
            .document
            .expect("valid");
        let mut form = Form::from_document(&doc);
        form.summary = "Nyt resumé.".into();
        let kept = Kept {
            status: Some(doc.front.status),
            front: Some(doc.front.clone()),
            members_only: false,
        };
        let checked = check(&form, &kept, "submissions/vi.md", Lang::Da.t(), None);
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        let edited = checked.document.expect("valid");
        assert_eq!(edited.front.status, Status::Draft);
        assert_eq!(edited.front.related, ["change/cab"]);
        assert_eq!(edited.front.aliases, ["old/name"]);
        assert_eq!(edited.front.contact_ok, Some(true));
        assert_eq!(
            edited.front.source.as_deref(),
            Some("https://example.org/x")
        );
        assert_eq!(edited.front.confidence, doc.front.confidence);
        assert_eq!(
            edited.front.published.map(|d| d.to_string()).as_deref(),
            Some("2024-02-01")
        );
        assert_eq!(edited.front.summary.as_deref(), Some("Nyt resumé."));
        assert!(checked.text.contains("\n## Problemet\n\nP.\n"));
        assert!(checked.text.contains("\n## Læring\n\nL.\n"));
    }

    #[test]
    fn a_save_the_index_missed_still_answers_saved() {
        let answer = |indexed| {
            let response = saved_redirect(&Saved {
                rel: "submissions/cab-2.md".to_string(),
                indexed,
            });
            let location = response.headers()[axum::http::header::LOCATION]
                .to_str()
                .expect("ASCII")
                .to_string();
            (response.status(), location)
        };
        assert_eq!(
            answer(true),
            (StatusCode::SEE_OTHER, "/mine?saved=cab-2".to_string())
        );
        assert_eq!(
            answer(false),
            (
                StatusCode::SEE_OTHER,
                "/mine?saved=cab-2&index=pending".to_string()
            )
        );
    }

    #[test]
    fn timestamps_are_danish_time() {
        assert_eq!(crate::clock::danish_minute(0), "1970-01-01 01:00");
        assert_eq!(
            crate::clock::danish_minute(1_709_999_999),
            "2024-03-09 16:59"
        );
    }
}
