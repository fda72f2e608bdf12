//! Acronyms are words, even where their lower-case form is a stop word.
//!
//! Stop words are dropped after lower-casing, so "MED" (the works council of Danish
//! public employers, as in "MED-udvalg") was dropped as the Danish "med" (with), and
//! "IT" as the English "it". [`LowerWords`] lower-cases every token but an acronym
//! before the stop words are dropped, so the stop-word filter, which compares exactly,
//! keeps "MED" and drops "med" and "Med"; tantivy's `LowerCaser` after it lower-cases
//! the acronyms, so "MED" is indexed and searched as "med".
//!
//! Only the two language analyzers do this. Words in capitals in code or headings ("IN",
//! "AND" in SQL) are indexed too, and count towards a field's length. The analyzer of
//! Danish compound parts lower-cases first, as before: a part is never an acronym.

use crate::index::rewrite::Rewrite;

/// Whether `word` is written as an acronym: at least two letters or digits, at least one
/// upper-case letter and no lower-case one ("MED", "IT", "K8S"; not "I", "Med" or "2024").
fn is_acronym(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(char::is_uppercase)
        && !word.chars().any(char::is_lowercase)
}

/// Lower-cases every token but an acronym (see the module documentation); a filter as
/// `Rewriting(LowerWords)`.
#[derive(Clone, Copy)]
pub(crate) struct LowerWords;

impl Rewrite for LowerWords {
    fn rewrite(&self, text: &mut String) {
        if text.chars().any(char::is_uppercase) && !is_acronym(text) {
            if text.is_ascii() {
                text.make_ascii_lowercase();
            } else {
                *text = text.to_lowercase();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_told_from_words() {
        for word in ["MED", "IT", "K8S", "ÆØÅ", "SD"] {
            assert!(is_acronym(word), "{word}");
        }
        for word in ["I", "Med", "med", "2024", "iOS", "x"] {
            assert!(!is_acronym(word), "{word}");
        }
    }
}
