//! The bilingual IT service management lexicon compiled into erfa (`lexicon.tsv`): a
//! Danish query also finds English write-ups and back, on content whose words nobody put
//! in `content/_glossary.yaml`.
//!
//! Like the glossary it applies when a query is run. A glossary pair overrides the
//! lexicon's pairs for the same term and weighs at least what they would. Its Danish
//! words are also parts that Danish compounds are split into at query time.

use std::sync::OnceLock;

use crate::content::glossary::Pair;

/// The shipped lexicon's text.
pub const TEXT: &str = include_str!("lexicon.tsv");

/// General Danish words that compounds are split into: stems of the Danish hunspell
/// dictionary (MPL-1.1; the file's header says which and how).
pub const WORDS_DA: &str = include_str!("words_da.txt");

/// The most words one side of a lexicon pair may have.
pub const MAX_WORDS: usize = 4;

/// The lexicon: Danish–English pairs in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    /// The pairs.
    pub pairs: Vec<Pair>,
    /// Lower-cased words written the same in both languages ("database", "server"):
    /// no pair, but parts that Danish compounds are split into.
    pub same: Vec<String>,
}

impl Lexicon {
    /// The lexicon compiled into erfa, parsed once.
    pub fn shipped() -> &'static Lexicon {
        static SHIPPED: OnceLock<Lexicon> = OnceLock::new();
        SHIPPED.get_or_init(|| Lexicon::parse(TEXT))
    }

    /// Parses `Danish<TAB>English` lines; comments (`#`), blank lines, lines without
    /// both sides, sides of more than [`MAX_WORDS`] words and pairs that are the same
    /// word in both languages are left out, and so are repeated pairs.
    pub fn parse(text: &str) -> Lexicon {
        let mut pairs: Vec<Pair> = Vec::new();
        let mut same: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((da, en)) = line.split_once('\t') else {
                continue;
            };
            let (da, en) = (da.trim(), en.trim());
            let words = |s: &str| s.split_whitespace().count();
            if da.is_empty() || en.is_empty() || words(da) > MAX_WORDS || words(en) > MAX_WORDS {
                continue;
            }
            if da.to_lowercase() == en.to_lowercase() {
                if words(da) == 1 && !same.contains(&da.to_lowercase()) {
                    same.push(da.to_lowercase());
                }
                continue;
            }
            if seen.insert((da.to_lowercase(), en.to_lowercase())) {
                pairs.push(Pair {
                    da: da.to_string(),
                    en: en.to_string(),
                });
            }
        }
        Lexicon { pairs, same }
    }

    /// The lower-cased Danish terms of one word, with the first English term of each.
    pub fn danish_words(&self) -> impl Iterator<Item = (String, &str)> {
        self.pairs
            .iter()
            .filter(|p| !p.da.contains(char::is_whitespace))
            .map(|p| (p.da.to_lowercase(), p.en.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse_and_the_rest_is_left_out() {
        let lexicon = Lexicon::parse(
            "# a comment\n\nsikkerhedskopi\tbackup\nskudsekund\tleap second\n\
             server\tServer\nno tab here\n\tempty\nen to tre fire fem\tfive\n\
             sikkerhedskopi\tbackup\nskyldfri evaluering\tblameless postmortem\n",
        );
        let pairs: Vec<(&str, &str)> = lexicon
            .pairs
            .iter()
            .map(|p| (p.da.as_str(), p.en.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("sikkerhedskopi", "backup"),
                ("skudsekund", "leap second"),
                ("skyldfri evaluering", "blameless postmortem"),
            ]
        );
        let words: Vec<(String, &str)> = lexicon.danish_words().collect();
        assert_eq!(words.len(), 2, "phrases are not compound parts");
        assert_eq!(lexicon.same, ["server"]);
    }

    #[test]
    fn the_shipped_lexicon_is_large_and_knows_the_words_members_use() {
        let lexicon = Lexicon::shipped();
        assert!(lexicon.pairs.len() > 1_000, "{}", lexicon.pairs.len());
        for (da, en) in [
            ("sikkerhedskopi", "backup"),
            ("skudsekund", "leap second"),
            ("skyldfri", "blameless"),
            ("diskplads", "disk space"),
            ("hukommelseslæk", "memory leak"),
            ("certifikat", "certificate"),
            ("udløb", "expiry"),
            ("forretning", "business"),
            ("gennemgang", "review"),
            ("erklære", "declare"),
            ("referent", "note taker"),
            ("stjålet", "stolen"),
            ("måleenheder", "units of measurement"),
            ("kræver", "requires"),
            ("brød sammen", "collapsed"),
        ] {
            assert!(
                lexicon.pairs.iter().any(|p| p.da == da && p.en == en),
                "{da} = {en}"
            );
        }
    }
}
