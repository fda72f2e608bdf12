//! A check result in plain words for the people who read the desk: what is wrong with a
//! write-up in the page's language, without file positions or format jargon. The
//! details a message carries (a field, a value, the closest values) are kept as written.

use erfa_index::Diagnostic;
use erfa_index::diagnostic::Code;

use crate::i18n::Lang;

/// The text between the first pair of backticks in `text`, e.g. `tilte` in
/// "unknown field `tilte`".
fn first_quoted(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let end = text[start..].find('`')? + start;
    Some(&text[start..end])
}

/// Every backticked value in `text`, as "`a`, `b`".
fn quoted_values(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The values a "did you mean …" hint offers, in the page's language.
fn did_you_mean(lang: Lang, d: &Diagnostic) -> String {
    let Some(hint) = d.hint.as_deref().filter(|h| h.starts_with("did you mean")) else {
        return String::new();
    };
    let end = hint.find('?').unwrap_or(hint.len());
    let values = quoted_values(&hint[..end]);
    if values.is_empty() {
        return String::new();
    }
    let ask = match lang {
        Lang::En => "Did you mean",
        Lang::Da => "Mente du",
    };
    format!(" {ask} {}?", one_of(lang, &values))
}

/// Values as “a”, “b” or “c” in `lang`.
fn one_of(lang: Lang, values: &[&str]) -> String {
    let or = match lang {
        Lang::En => " or ",
        Lang::Da => " eller ",
    };
    let quoted: Vec<String> = values.iter().map(|v| format!("“{v}”")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}{or}{last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The diagnostic in plain words in `lang`.
pub(crate) fn plain(lang: Lang, d: &Diagnostic) -> String {
    let t = lang.t();
    let x = first_quoted(&d.message).unwrap_or_default();
    let da = lang == Lang::Da;
    let pick = |en: String, dk: String| if da { dk } else { en };
    let text = match d.code {
        Code::MissingDate => t.warn_date.to_string(),
        Code::MissingLesson => t.warn_lesson.to_string(),
        Code::MissingMistake => t.warn_mistake.to_string(),
        Code::UnknownMeeting => t.err_meeting_unknown.to_string(),
        Code::Unreadable => pick(
            "erfa cannot read the file; check its permissions.".into(),
            "erfa kan ikke læse filen; tjek dens rettigheder.".into(),
        ),
        Code::BadFileName => pick(
            "The file name has characters erfa cannot read; rename the file.".into(),
            "Filnavnet har tegn, som erfa ikke kan læse; omdøb filen.".into(),
        ),
        Code::Symlink => pick(
            "The file is a link to another file; erfa reads only real files in the content folder.".into(),
            "Filen er en genvej til en anden fil; erfa læser kun rigtige filer i indholdsmappen.".into(),
        ),
        Code::NotAFile => pick(
            "This is not an ordinary file.".into(),
            "Det er ikke en almindelig fil.".into(),
        ),
        Code::FileTooLarge => pick(
            "The file is larger than a write-up may be; shorten it or move long material into an attachment.".into(),
            "Filen er større, end en beskrivelse må være; gør den kortere, eller flyt langt materiale til et bilag.".into(),
        ),
        Code::Utf16 | Code::InvalidUtf8 => pick(
            "The file is not saved as UTF-8 text; save it again as UTF-8.".into(),
            "Filen er ikke gemt som UTF-8-tekst; gem den igen som UTF-8.".into(),
        ),
        Code::Binary => pick(
            "The file is not text; it looks like a program or an image.".into(),
            "Filen er ikke tekst; den ligner et program eller et billede.".into(),
        ),
        Code::MissingFrontMatter => pick(
            "The facts at the top are missing: a line with ---, then title and kind, then ---.".into(),
            "Oplysningerne øverst mangler: en linje med ---, så titel og type, så ---.".into(),
        ),
        Code::FrontMatterTooLong => pick(
            "The facts at the top are too long.".into(),
            "Oplysningerne øverst er for lange.".into(),
        ),
        Code::UnclosedFrontMatter => pick(
            "The facts at the top have no closing --- line.".into(),
            "Oplysningerne øverst mangler den afsluttende linje ---.".into(),
        ),
        Code::BadYaml | Code::NotAMapping | Code::BadKey => pick(
            "The facts at the top cannot be read; each line should be a field, a colon and a value.".into(),
            "Oplysningerne øverst kan ikke læses; hver linje skal være et felt, et kolon og en værdi.".into(),
        ),
        Code::DuplicateKey => pick(
            format!("The field “{x}” is given twice."),
            format!("Feltet “{x}” er angivet to gange."),
        ),
        Code::UnknownField => pick(
            format!("erfa does not know the field “{x}”; it is ignored."),
            format!("erfa kender ikke feltet “{x}”; det bliver ignoreret."),
        ),
        Code::MissingTitle => pick("It has no title.".into(), "Den har ingen titel.".into()),
        Code::MissingKind => pick(
            "It does not say whether it is a lesson, a mistake or a practice.".into(),
            "Den siger ikke, om det er en læring, en fejl eller en praksis.".into(),
        ),
        Code::WrongType => pick(
            format!("The field “{x}” has a value of the wrong form."),
            format!("Feltet “{x}” har en værdi af forkert form."),
        ),
        Code::BadValue => {
            let expected = d.message.split("expected ").nth(1).unwrap_or_default();
            let allowed = one_of(lang, &quoted_values(expected));
            pick(
                format!("“{x}” is not allowed; allowed: {allowed}."),
                format!("“{x}” er ikke tilladt; tilladt: {allowed}."),
            )
        }
        Code::BadDate => pick(
            format!("“{x}” is not a real date; write it as YYYY-MM-DD."),
            format!("“{x}” er ikke en rigtig dato; skriv den som ÅÅÅÅ-MM-DD."),
        ),
        Code::UnknownPractice => pick(
            format!("“{x}” is not one of the ITIL 4 practices."),
            format!("“{x}” er ikke en af ITIL 4-praksisserne."),
        ),
        Code::DuplicateSlug => {
            let other = quoted_values(&d.message).last().copied().unwrap_or_default();
            pick(
                format!("Its address is already used by {other}; rename one of the two files."),
                format!("Dens adresse bruges allerede af {other}; omdøb en af de to filer."),
            )
        }
        Code::NearDuplicate => pick(
            format!("It reads much like {x}; extend that one instead, or make the difference clear."),
            format!("Den ligner {x} meget; udvid den i stedet, eller gør forskellen tydelig."),
        ),
        Code::UnpublishedValidated => pick(
            "It is marked validated before it is published; validate it once it is published.".into(),
            "Den er markeret som valideret, før den er udgivet; valider den, når den er udgivet.".into(),
        ),
        Code::PublicOrganisation => pick(
            "It is public and names its organisation: anonymous visitors do not see the organisation, but every member does.".into(),
            "Den er offentlig og nævner sin organisation: anonyme besøgende ser ikke organisationen, men det gør alle medlemmer.".into(),
        ),
        Code::UnknownDuplicate => pick(
            "It is marked as a duplicate of a write-up that does not exist.".into(),
            "Den er markeret som en dublet af en beskrivelse, der ikke findes.".into(),
        ),
        // The glossary and the meetings list are files of their own, for whoever keeps
        // them: their message and hint say exactly where.
        Code::GlossaryBadYaml
        | Code::GlossaryBadPair
        | Code::GlossaryLongTerm
        | Code::GlossarySameTerm
        | Code::GlossaryDuplicatePair
        | Code::MeetingsBadYaml
        | Code::MeetingsBadEntry
        | Code::MeetingsDuplicateId
        | Code::CompoundsBadYaml
        | Code::CompoundsBadPart
        | Code::CompoundsDuplicatePart => {
            let mut text = d.message.clone();
            if let Some(first) = text.get(..1) {
                text.replace_range(..1, &first.to_uppercase());
            }
            return match &d.hint {
                Some(hint) => format!("{text} — {hint}"),
                None => text,
            };
        }
    };
    text + &did_you_mean(lang, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diagnostics `erfa check` gives for `front` as a write-up's front matter.
    fn diagnostics(front: &str) -> Vec<Diagnostic> {
        erfa_index::Document::parse(
            "x.md",
            &format!("---\n{front}---\n## Lesson learned\n\nText.\n"),
        )
        .diagnostics
    }

    #[test]
    fn every_write_up_code_has_words_in_both_languages_without_positions() {
        for front in [
            "title: T\nkind: lesson\ndate: 2022-01-01\ntilte: x\n",
            "title: T\nkind: lesson\ndate: 2022-13-01\n",
            "title: T\nkind: lessn\ndate: 2022-01-01\n",
            "title: T\nkind: lesson\ndate: 2022-01-01\npractices: [incident-managment]\n",
            "kind: lesson\ndate: 2022-01-01\n",
            "title: T\ndate: 2022-01-01\n",
            "title: T\nkind: lesson\ndate: 2022-01-01\ntags: {a: b}\n",
            "title: T\ntitle: U\nkind: lesson\ndate: 2022-01-01\n",
        ] {
            let found = diagnostics(front);
            assert!(!found.is_empty(), "{front}");
            for d in &found {
                for lang in [Lang::En, Lang::Da] {
                    let words = plain(lang, d);
                    assert!(!words.contains("x.md"), "{words}");
                    assert!(!words.contains("front matter"), "{words}");
                    assert!(!words.contains('`'), "{lang:?} {:?}: {words}", d.code);
                }
            }
        }
    }

    #[test]
    fn details_and_closest_values_are_kept() {
        let d = &diagnostics("title: T\nkind: lesson\ndate: 2022-01-01\ntilte: x\n")[0];
        assert_eq!(
            plain(Lang::Da, d),
            "erfa kender ikke feltet “tilte”; det bliver ignoreret. Mente du “title”?"
        );
        assert_eq!(
            plain(Lang::En, d),
            "erfa does not know the field “tilte”; it is ignored. Did you mean “title”?"
        );
        let d = &diagnostics("title: T\nkind: lessn\ndate: 2022-01-01\n")[0];
        assert!(
            plain(Lang::En, d).starts_with("“kind: lessn” is not allowed; allowed:"),
            "{}",
            plain(Lang::En, d)
        );
    }
}
