//! A token filter for the Danish compound parts: a word with letters after a digit
//! ("os2borgerpc", "os2mo") is also indexed as the letters after its last digit
//! ("borgerpc", "mo"), the name people type without the prefix. Only the compound
//! parts' field uses it, so a name found that way weighs as a compound's part does,
//! below the word as written (docs/ARCHITECTURE.md, `index/`, `digit_tail`).

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// The fewest letters a tail must have to be indexed: one letter after a digit is a
/// version or a size ("v2a", "4k"), not a name.
const MIN_TAIL: usize = 2;

/// The letters after the last digit of `word`, when it has letters before that digit
/// too and at least [`MIN_TAIL`] letters after it.
fn tail(word: &str) -> Option<&str> {
    let last_digit = word.char_indices().rfind(|(_, c)| c.is_ascii_digit())?.0;
    let (head, rest) = word.split_at(last_digit + 1);
    let letters_before = head.chars().any(char::is_alphabetic);
    (letters_before && rest.chars().count() >= MIN_TAIL && rest.chars().all(char::is_alphabetic))
        .then_some(rest)
}

/// The filter: each token as it is, then its tail, if any, at the same position and
/// offsets.
#[derive(Clone, Copy, Default)]
pub(crate) struct DigitTail;

impl TokenFilter for DigitTail {
    type Tokenizer<T: Tokenizer> = DigitTailTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> DigitTailTokenizer<T> {
        DigitTailTokenizer { inner: tokenizer }
    }
}

/// A tokenizer followed by [`DigitTail`].
#[derive(Clone)]
pub(crate) struct DigitTailTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DigitTailTokenizer<T> {
    type TokenStream<'a> = DigitTailStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DigitTailStream {
            inner: self.inner.token_stream(text),
            pending: None,
            tail: None,
        }
    }
}

/// The stream of [`DigitTail`]: the inner stream's tokens, each followed by its tail.
///
/// The tail is taken from the word as it comes from the inner stream, before the filters
/// after this one rewrite it in place (a stemmer would otherwise cut the tail from its
/// stem), and held until the next call.
pub(crate) struct DigitTailStream<T> {
    inner: T,
    /// The tail of the inner stream's current token, not yet handed on.
    pending: Option<Token>,
    /// The tail handed on last, while it is the current token.
    tail: Option<Token>,
}

impl<T: TokenStream> TokenStream for DigitTailStream<T> {
    fn advance(&mut self) -> bool {
        self.tail = self.pending.take();
        if self.tail.is_some() {
            return true;
        }
        if !self.inner.advance() {
            return false;
        }
        let word = self.inner.token();
        // The whole word's offsets, as a compound's parts have: a snippet highlights the
        // word as written.
        self.pending = tail(&word.text).map(|rest| Token {
            text: rest.to_string(),
            ..word.clone()
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.as_ref().unwrap_or_else(|| self.inner.token())
    }

    fn token_mut(&mut self) -> &mut Token {
        match &mut self.tail {
            Some(token) => token,
            None => self.inner.token_mut(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    fn tokens(text: &str) -> Vec<(String, usize)> {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(DigitTail)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn a_name_after_a_digit_is_also_its_own_token() {
        let t = |s: &str| (s.to_string(), 0);
        assert_eq!(tokens("OS2borgerPC"), vec![t("os2borgerpc"), t("borgerpc")]);
        assert_eq!(
            tokens("os2mo og OS2sync"),
            vec![
                ("os2mo".to_string(), 0),
                ("mo".to_string(), 0),
                ("og".to_string(), 1),
                ("os2sync".to_string(), 2),
                ("sync".to_string(), 2),
            ]
        );
    }

    #[test]
    fn versions_sizes_and_plain_words_stay_as_they_are() {
        for word in [
            "ipv6", "s3", "x509", "4k", "v2a", "2fa", "borgerpc", "2025", "h2o",
        ] {
            assert_eq!(tokens(word), vec![(word.to_string(), 0)], "{word}");
        }
        assert!(tokens("").is_empty());
    }
}
