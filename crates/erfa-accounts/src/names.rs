//! Login names: how they are normalised and which ones are allowed.
//!
//! A name is normalised before it is stored or looked up: surrounding white space goes,
//! then Unicode NFKC (so that, e.g., a full-width `ｊａｎｅ` or a ligature `ﬁ` becomes the
//! plain letters), then lower case. A new name must then consist of 1 to
//! [`MAX_NAME_CHARS`] of the letters a–z, æ, ø and å, the digits 0–9, and `.`, `-`, `_`
//! and `@` (single sign-on names are often e-mail addresses).
//!
//! Accounts made before these rules keep their names and keep working; [`name_fits`]
//! tells which names a facilitator should rename (`erfa user rename`).

use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// The longest login name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// What a login name may consist of, for messages.
pub const NAME_RULE: &str = "login names are 1–64 characters: the letters a–z, æ, ø and å, \
     the digits 0–9, and `.`, `-`, `_` and `@` (capital letters count as small ones)";

/// A name as erfa stores and compares it: trimmed, Unicode NFKC, lower case.
///
/// ```
/// assert_eq!(erfa_accounts::normalise_name(" Jane.Doe@Example.DK "), "jane.doe@example.dk");
/// assert_eq!(erfa_accounts::normalise_name("ＳØＲＥＮ"), "søren");
/// ```
pub fn normalise_name(name: &str) -> String {
    name.trim().nfkc().collect::<String>().to_lowercase()
}

fn allowed(c: char) -> bool {
    matches!(c, 'a'..='z' | '0'..='9' | 'æ' | 'ø' | 'å' | '.' | '-' | '_' | '@')
}

/// Whether a stored name fits the rules for new names (accounts made before the rules
/// may not; they keep working).
pub fn name_fits(name: &str) -> bool {
    let count = name.chars().count();
    (1..=MAX_NAME_CHARS).contains(&count) && name.chars().all(allowed)
}

/// The normalised form of a new name, or [`Error::BadName`] saying which characters are
/// allowed.
pub fn check_name(name: &str) -> Result<String> {
    let normal = normalise_name(name);
    if name_fits(&normal) {
        Ok(normal)
    } else {
        Err(Error::BadName(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_nfkc_and_lower_case() {
        assert_eq!(normalise_name("Jane"), "jane");
        assert_eq!(normalise_name("  JANE\t"), "jane");
        // Full-width letters and digits (NFKC), then lower case.
        assert_eq!(normalise_name("Ｊａｎｅ１"), "jane1");
        // The Ångström sign is the letter Å (NFKC), then å.
        assert_eq!(normalise_name("\u{212b}se"), "åse");
        // A decomposed å (a + combining ring) is composed.
        assert_eq!(normalise_name("a\u{30a}se"), "åse");
        assert_eq!(normalise_name("ÆBLE.ØST"), "æble.øst");
        assert_eq!(normalise_name("ﬁn"), "fin");
    }

    #[test]
    fn new_names_are_letters_a_to_å_digits_and_four_signs() {
        for ok in [
            "jane",
            "Jane.Doe@Example.dk",
            "søren_k-2",
            "åse",
            "ÆØÅ",
            "x",
            &"a".repeat(64),
        ] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "   ",
            "a b",
            "jane!",
            "josé",
            "müller",
            "ｊａｎｅ ｄｏｅ",
            "анна",
            "a/b",
            "a\u{200b}b",
            "i\u{307}",
            &"a".repeat(65),
        ] {
            let error = check_name(bad).expect_err(bad);
            assert!(matches!(error, Error::BadName(_)), "{bad}");
            let message = error.to_string();
            for names in ["a–z", "æ, ø and å", "0–9", "`.`, `-`, `_` and `@`"] {
                assert!(message.contains(names), "{message}");
            }
        }
        assert_eq!(check_name(" Søren ").expect("fits"), "søren");
    }

    #[test]
    fn stored_names_that_do_not_fit_are_told_apart() {
        assert!(name_fits("jane"));
        assert!(!name_fits("Jane"));
        assert!(!name_fits("josé"));
        assert!(!name_fits("a b"));
    }
}
