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

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Whether `word` is written as an acronym: at least two letters or digits, at least one
/// upper-case letter and no lower-case one ("MED", "IT", "K8S"; not "I", "Med" or "2024").
pub(crate) fn is_acronym(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(char::is_uppercase)
        && !word.chars().any(char::is_lowercase)
}

/// A filter that lower-cases every token but an acronym (see the module documentation).
#[derive(Clone, Copy)]
pub(crate) struct LowerWords;

impl TokenFilter for LowerWords {
    type Tokenizer<T: Tokenizer> = LowerWordsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> LowerWordsFilter<T> {
        LowerWordsFilter { inner: tokenizer }
    }
}

/// A tokenizer followed by [`LowerWords`].
#[derive(Clone)]
pub(crate) struct LowerWordsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for LowerWordsFilter<T> {
    type TokenStream<'a> = LowerWordsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        LowerWordsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The tokens of a [`LowerWordsFilter`].
pub(crate) struct LowerWordsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for LowerWordsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.chars().any(char::is_uppercase) && !is_acronym(&token.text) {
            if token.text.is_ascii() {
                token.text.make_ascii_lowercase();
            } else {
                token.text = token.text.to_lowercase();
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
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
