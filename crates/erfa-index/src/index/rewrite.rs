//! Token filters that rewrite each token's text in place, one word at a time: the
//! stemmer with its exceptions (`stem`) and the lower-casing that spares acronyms
//! (`acronym`) are each a [`Rewrite`], made a tantivy filter by [`Rewriting`].

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// How a filter rewrites the text of one token.
pub(crate) trait Rewrite: Clone + Send + Sync + 'static {
    /// Rewrites `text`, one token's, in place.
    fn rewrite(&self, text: &mut String);
}

/// The token filter of a [`Rewrite`].
#[derive(Clone, Copy)]
pub(crate) struct Rewriting<R>(pub(crate) R);

impl<R: Rewrite> TokenFilter for Rewriting<R> {
    type Tokenizer<T: Tokenizer> = RewritingTokenizer<R, T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RewritingTokenizer<R, T> {
        RewritingTokenizer {
            rewrite: self.0,
            inner: tokenizer,
        }
    }
}

/// A tokenizer followed by a [`Rewrite`].
#[derive(Clone)]
pub(crate) struct RewritingTokenizer<R, T> {
    rewrite: R,
    inner: T,
}

impl<R: Rewrite, T: Tokenizer> Tokenizer for RewritingTokenizer<R, T> {
    type TokenStream<'a> = RewritingStream<'a, R, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RewritingStream {
            rewrite: &self.rewrite,
            tail: self.inner.token_stream(text),
        }
    }
}

/// The tokens of a [`RewritingTokenizer`].
pub(crate) struct RewritingStream<'a, R, T> {
    rewrite: &'a R,
    tail: T,
}

impl<R: Rewrite, T: TokenStream> TokenStream for RewritingStream<'_, R, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.rewrite.rewrite(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
