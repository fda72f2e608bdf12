//! Stemming, with exceptions where Snowball gives one stem to words that name different
//! things in service management.
//!
//! Snowball's English stemmer (tantivy's) turns "severity", "severe" and "several" into
//! "sever", so "severity levels" finds every write-up that says "several"; "authority",
//! "authorization" and "author" into "author"; "experience" and "experiment" into
//! "experi"; "business" and "busy" into "busi". [`Stem`] gives each of those words a stem
//! of its own and leaves every other word to Snowball. The list is short on purpose: it
//! holds only conflations of words that mean different things in this domain, not
//! inflections Snowball joins rightly.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use crate::content::vocab::Language;
use crate::index::rewrite::{Rewrite, Rewriting};
use crate::index::schema::lang_index;

/// How many words each thread remembers the stem of, per language: past that, words are
/// stemmed each time they come. Word frequencies fall steeply, so the first thousand
/// distinct words a thread meets are most of the words it will meet; four times as many
/// gained no time and cost the server memory ("Stems remembered" in docs/BENCHMARKS.md).
/// `RemoveLongFilter` keeps only words under 48 bytes, so a thread remembers at most about
/// a third of a megabyte for both languages.
const REMEMBERED_WORDS: usize = 1_024;

/// Words met and their stems, `None` where the stem is the word.
type Stems = HashMap<Box<str>, Option<Box<str>>>;

thread_local! {
    /// Per thread, so that no thread waits on another: each word met and its stem, one
    /// map per [`Language`] (at [`lang_index`]); the remembered stems of one language are
    /// those of one algorithm with one list of exceptions, as each language has one
    /// constructor of [`Stem`]. Snowball is a pure function of the word and the exceptions
    /// are fixed, so a remembered stem is the stem.
    static REMEMBERED_STEMS: RefCell<[Stems; 2]> =
        RefCell::new([HashMap::new(), HashMap::new()]);
}

/// Stemming: Snowball's algorithm for the language, after its exceptions.
#[derive(Clone, Copy)]
pub(crate) struct Stem {
    stemmer: frostem::Stemmer,
    exceptions: fn(&str) -> Option<&'static str>,
    language: Language,
}

impl Stem {
    /// English, with [`english_exception`].
    pub(crate) fn english() -> Rewriting<Stem> {
        Rewriting(Stem {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            exceptions: english_exception,
            language: Language::En,
        })
    }

    /// Danish, as Snowball stems it.
    pub(crate) fn danish() -> Rewriting<Stem> {
        Rewriting(Stem {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Danish),
            exceptions: |_| None,
            language: Language::Da,
        })
    }

    /// The stem of `word`, `None` when it is the word itself.
    fn stem(&self, word: &str) -> Option<String> {
        let stemmed: Cow<'_, str> = match (self.exceptions)(word) {
            Some(stem) => stem.into(),
            None => self.stemmer.stem(word),
        };
        (stemmed != word).then(|| stemmed.into_owned())
    }
}

/// The stem of an English word that Snowball would conflate with a word of another
/// meaning; `None` for every other word.
fn english_exception(word: &str) -> Option<&'static str> {
    Some(match word {
        "severity" | "severities" => "severity",
        "severe" | "severely" | "severer" | "severest" => "severe",
        "several" => "several",
        "authority" | "authorities" => "authority",
        "authorization" | "authorizations" | "authorisation" | "authorisations" | "authorize"
        | "authorized" | "authorizes" | "authorizing" | "authorise" | "authorised"
        | "authorises" | "authorising" => "authoriz",
        "experience" | "experiences" | "experienced" | "experiencing" => "experience",
        "experiment" | "experiments" | "experimental" | "experimentally" | "experimented"
        | "experimenting" | "experimentation" => "experiment",
        "business" | "businesses" => "business",
        "busy" | "busier" | "busiest" => "busy",
        "international" | "internationally" => "international",
        _ => return None,
    })
}

impl Rewrite for Stem {
    fn rewrite(&self, text: &mut String) {
        let remembered = REMEMBERED_STEMS.try_with(|remembered| {
            let mut remembered = remembered.borrow_mut();
            let known = &mut remembered[lang_index(self.language)];
            if let Some(stem) = known.get(text.as_str()) {
                if let Some(stem) = stem {
                    text.clear();
                    text.push_str(stem);
                }
                return;
            }
            let stem = self.stem(text);
            if known.len() < REMEMBERED_WORDS {
                known.insert(text.as_str().into(), stem.as_deref().map(Box::from));
            }
            if let Some(stem) = stem {
                *text = stem;
            }
        });
        // A thread whose remembered stems are gone (it is ending) stems as it comes.
        if remembered.is_err()
            && let Some(stem) = self.stem(text)
        {
            *text = stem;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    fn stems(stem: Rewriting<Stem>, text: &str) -> Vec<String> {
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(stem)
            .build();
        tokens(analyzer, text)
    }

    #[test]
    fn words_of_different_meaning_keep_stems_of_their_own() {
        let words = "severity several severe authority authorization author \
                     experience experiment business busy international internal";
        let got = stems(Stem::english(), words);
        let mut distinct = got.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), got.len(), "{got:?}");
    }

    #[test]
    fn inflections_still_meet() {
        for group in [
            "severity severities",
            "authorization authorizations authorized authorise",
            "experiences experienced",
            "incident incidents",
            "restore restored restoring",
        ] {
            let got = stems(Stem::english(), group);
            assert!(got.iter().all(|s| *s == got[0]), "{group}: {got:?}");
        }
    }

    /// An English query word searches the Danish side of every lexicon pair whose English
    /// side it meets after stemming, so a one-word English side must not stem onto a
    /// common IT word of another meaning: "important" stems to "import", "accounting" to
    /// "account", "savings" to "save", a building to "build", a train to "training".
    /// Each guarded word lists the Danish words that may translate it.
    #[test]
    fn no_english_side_stems_onto_a_common_it_word_of_another_meaning() {
        use crate::content::lexicon::Lexicon;
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stem::english())
            .build();
        let mut stems = |text: &str| -> Vec<String> {
            let mut stream = analyzer.token_stream(text);
            let mut out = Vec::new();
            while stream.advance() {
                out.push(stream.token().text.clone());
            }
            out
        };
        let guarded: [(&str, &[&str]); 22] = [
            ("import", &["importere", "import"]),
            ("minutes", &["minut", "minutter"]),
            ("account", &["konto", "konti"]),
            ("switch", &["switch"]),
            ("save", &[]),
            ("fine", &[]),
            ("press", &[]),
            ("group", &[]),
            ("leave", &[]),
            ("notice", &[]),
            ("build", &["bygge", "bygget"]),
            ("ticket", &["sag", "sager", "henvendelse", "henvendelser"]),
            ("port", &[]),
            ("platform", &[]),
            ("table", &["tabel", "tabeller"]),
            ("driver", &["driveren", "drivere", "driverne"]),
            ("share", &["fælles", "delte", "deling", "andel"]),
            ("state", &["tilstand"]),
            ("post", &["opslag", "kontering"]),
            ("load", &["belastning", "belastet", "indlæsning"]),
            (
                "train",
                &[
                    "træning",
                    "uddannelse",
                    "træne",
                    "trænet",
                    "oplære",
                    "oplæring",
                ],
            ),
            ("left", &[]),
        ];
        let guarded: Vec<(Vec<String>, &[&str])> = guarded
            .iter()
            .map(|(word, allowed)| (stems(word), *allowed))
            .collect();
        for pair in &Lexicon::shipped().pairs {
            let english = stems(&pair.en);
            for (stem, allowed) in &guarded {
                assert!(
                    english != *stem || allowed.contains(&pair.da.as_str()),
                    "{} = {} stems onto {stem:?}",
                    pair.da,
                    pair.en
                );
            }
        }
    }

    #[test]
    fn every_other_word_is_stemmed_as_snowball_stems_it() {
        let text = "incidents restored outages changes deployments rollbacks \
                    hændelser ændringer sikkerhedskopier";
        let snowball = |language| {
            let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(Stemmer::new(language))
                .build();
            tokens(analyzer, text)
        };
        use tantivy::tokenizer::Language;
        assert_eq!(stems(Stem::english(), text), snowball(Language::English));
        assert_eq!(stems(Stem::danish(), text), snowball(Language::Danish));
    }

    /// Every word of the lexicon, both sides, and every exception, rewritten on a fresh
    /// thread twice (first stemmed and remembered, then from what was remembered): the
    /// stem each time is the one stemming without remembering gives, in both languages.
    #[test]
    fn a_remembered_stem_is_the_stem() {
        use crate::content::lexicon::Lexicon;
        std::thread::spawn(|| {
            let mut words: Vec<String> = Lexicon::shipped()
                .pairs
                .iter()
                .flat_map(|pair| [pair.da.clone(), pair.en.clone()])
                .flat_map(|side| {
                    side.split_whitespace()
                        .map(str::to_lowercase)
                        .collect::<Vec<_>>()
                })
                .collect();
            words.extend(
                [
                    "severity",
                    "several",
                    "authorities",
                    "experiments",
                    "busiest",
                ]
                .map(String::from),
            );
            for Rewriting(stem) in [Stem::english(), Stem::danish()] {
                for pass in ["stemmed", "remembered"] {
                    for word in &words {
                        let mut text = word.clone();
                        stem.rewrite(&mut text);
                        let expected = stem.stem(word).unwrap_or_else(|| word.clone());
                        assert_eq!(text, expected, "{word}, {pass}, {:?}", stem.language);
                    }
                }
                REMEMBERED_STEMS.with(|r| {
                    let known = r.borrow()[lang_index(stem.language)].len();
                    assert_eq!(known, REMEMBERED_WORDS);
                });
            }
        })
        .join()
        .expect("the thread stems");
    }

    /// Past what a thread remembers, words are still stemmed, each time.
    #[test]
    fn words_past_what_a_thread_remembers_are_still_stemmed() {
        std::thread::spawn(|| {
            let filler: Vec<String> = (0..REMEMBERED_WORDS).map(|n| format!("w{n}ings")).collect();
            stems(Stem::english(), &filler.join(" "));
            let english = lang_index(Language::En);
            REMEMBERED_STEMS.with(|r| assert_eq!(r.borrow()[english].len(), REMEMBERED_WORDS));
            assert_eq!(
                stems(Stem::english(), "restoring outages restoring"),
                ["restor", "outag", "restor"]
            );
            REMEMBERED_STEMS.with(|r| assert_eq!(r.borrow()[english].len(), REMEMBERED_WORDS));
        })
        .join()
        .expect("the thread stems");
    }
}
