//! New write-ups from the template (`erfa new`).

use std::path::{Path, PathBuf};

use crate::content::durable;
use crate::content::markdown::Section;
use crate::content::slug;
use crate::content::vocab::{Kind, Language};
use crate::content::yaml;
use crate::error::Result;

/// The longest slug made from a title.
pub const MAX_SLUG_CHARS: usize = 80;

/// A file-name-safe slug from a title: `[a-z0-9-]`, at most 80 characters, never empty.
pub fn slug_from_title(title: &str) -> String {
    let mut s = slug::segment(title);
    if s.len() > MAX_SLUG_CHARS {
        s.truncate(MAX_SLUG_CHARS);
        s = s.trim_end_matches('-').to_string();
    }
    if s.is_empty() {
        "write-up".to_string()
    } else {
        s
    }
}

/// Today's date as `YYYY-MM-DD` (UTC), for new write-ups.
pub fn today() -> String {
    crate::content::front_matter::Date::today().to_string()
}

/// The text of a new write-up: front matter with today's fields to fill in, and the
/// sections of the template in the chosen language.
pub fn render(title: &str, kind: Kind, language: Language, today: &str) -> String {
    let sections: &[Section] = match kind {
        Kind::Lesson => &[
            Section::Problem,
            Section::Context,
            Section::WhatHappened,
            Section::Lesson,
            Section::Differently,
        ],
        Kind::Mistake => &[
            Section::Problem,
            Section::Context,
            Section::WhatHappened,
            Section::Mistake,
            Section::Lesson,
            Section::Differently,
        ],
        Kind::Practice => &[
            Section::Problem,
            Section::Context,
            Section::WhatHappened,
            Section::DidItWork,
            Section::Lesson,
        ],
    };
    let mut out = yaml::block(&[
        ("title", yaml::quoted(title)),
        ("summary", String::new()),
        ("kind", kind.to_string()),
        ("practices", "[]".to_string()),
        ("tags", "[]".to_string()),
        ("language", language.to_string()),
        ("date", yaml::date(today)),
        ("sector", String::new()),
        ("org_size", String::new()),
        ("tools", "[]".to_string()),
        ("status", "draft".to_string()),
        ("visibility", "members".to_string()),
    ]);
    for section in sections {
        let heading = match language {
            Language::Da => section.heading_da(),
            Language::En => section.heading_en(),
        };
        out.push_str(&format!("\n## {heading}\n\n"));
    }
    out
}

/// Creates `content/<folder>/<slug>.md` from the template; never overwrites: a taken name
/// gets a suffix (`-2`, `-3`, …). Returns the new file's path.
pub fn create(
    content: &Path,
    folder: Option<&str>,
    title: &str,
    kind: Kind,
    language: Language,
    today: &str,
) -> Result<PathBuf> {
    let dir = match folder {
        Some(folder) => {
            let safe = slug::from_path(folder);
            if safe.is_empty() {
                content.to_path_buf()
            } else {
                content.join(safe)
            }
        }
        None => content.to_path_buf(),
    };
    let base = slug_from_title(title);
    let text = render(title, kind, language, today);
    for n in 1.. {
        let name = if n == 1 {
            format!("{base}.md")
        } else {
            format!("{base}-{n}.md")
        };
        let path = dir.join(name);
        match durable::create_new(&path, text.as_bytes()) {
            Ok(()) => return Ok(path),
            Err(crate::Error::AlreadyExists(_)) if n < 10_000 => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Document;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the title, the new write-up parses and carries it (trimmed, as the
        /// parser reads every title).
        #[test]
        fn any_title_survives_the_template(
            title in "\\PC{1,40}|[ :#\"'\\\\\n\t\u{85}\u{2028}\u{feff}a-z-]{1,20}",
        ) {
            prop_assume!(!title.trim().is_empty());
            let text = render(&title, Kind::Lesson, Language::En, "2026-11-28");
            let parsed = Document::parse("x.md", &text);
            let doc = parsed.document.ok_or_else(|| {
                TestCaseError::fail(format!("{:?}\n{text}", parsed.diagnostics))
            })?;
            prop_assert_eq!(doc.front.title, title.trim());
        }
    }

    #[test]
    fn slugs_from_hostile_titles() {
        assert_eq!(slug_from_title("../../x"), "x");
        assert_eq!(slug_from_title("🙂🙂"), "write-up");
        assert_eq!(slug_from_title("CON"), "con");
        assert_eq!(slug_from_title(&"a".repeat(300)).len(), 80);
        assert_eq!(slug_from_title("Vi lærte: CAB'en"), "vi-laerte-cab-en");
    }

    #[test]
    fn the_template_parses_and_suffixes_avoid_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = create(
            dir.path(),
            Some("change"),
            "Julefrys: \"nej\"",
            Kind::Mistake,
            Language::Da,
            "2026-11-28",
        )
        .expect("create");
        let b = create(
            dir.path(),
            Some("change"),
            "Julefrys: \"nej\"",
            Kind::Mistake,
            Language::Da,
            "2026-11-28",
        )
        .expect("create");
        assert!(a.ends_with("change/julefrys-nej.md"));
        assert!(b.ends_with("change/julefrys-nej-2.md"));
        let text = std::fs::read_to_string(&a).expect("read");
        let parsed = Document::parse("change/julefrys-nej.md", &text);
        let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let doc = parsed.document.expect("valid");
        assert_eq!(doc.front.title, "Julefrys: \"nej\"");
        assert!(text.contains("## Fejl at undgå"));
    }
}
