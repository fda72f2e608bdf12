//! Bilingual terms at query time: the glossary and the shipped lexicon analyzed as
//! queries are, the query's language, and Danish compounds split into parts that the
//! lexicon translates.

use std::collections::{HashMap, HashSet};

use crate::content::glossary::Glossary;
use crate::content::lexicon::Lexicon;
use crate::content::vocab::Language;

/// A pair with its terms analyzed as queries are.
#[derive(Debug)]
pub(crate) struct Entry {
    pub da: String,
    pub en: String,
    /// From the shipped lexicon rather than the group's glossary.
    pub lexicon: bool,
}

impl Entry {
    /// How many words the Danish (or English) term has as written.
    pub fn words(&self, danish: bool) -> usize {
        if danish { &self.da } else { &self.en }
            .split_whitespace()
            .count()
    }
}

/// The glossary and the lexicon, ready for lookups.
#[derive(Debug, Default)]
pub(crate) struct Terms {
    pub entries: Vec<Entry>,
    /// Analyzed Danish term → entries; in use, a glossary term hides the lexicon's
    /// entries for the same term.
    by_da: HashMap<Vec<String>, Vec<usize>>,
    by_en: HashMap<Vec<String>, Vec<usize>>,
    /// The most tokens of an analyzed term.
    pub max_tokens: usize,
    /// Lower-cased Danish words compounds are split into, with an English translation
    /// where the lexicon or the glossary has one.
    parts: HashMap<String, Option<String>>,
    /// Lower-cased words of one side only (a word in both says nothing of the language).
    words_da: HashSet<String>,
    words_en: HashSet<String>,
    /// Single-word terms, lower-cased, for correcting typed terms: (word, Danish side).
    single: Vec<(String, bool)>,
    /// Corrections already found, by lower-cased word: the index in `single`, if any.
    /// They depend only on these terms, so they hold until the glossary changes (which
    /// builds new terms), across commits of the index.
    corrected: std::sync::Mutex<HashMap<String, Option<usize>>>,
    /// The lower-cased words of every term, in both languages, once asked for.
    all_words: std::sync::OnceLock<HashSet<String>>,
}

/// Linking letters between compound parts, tried first ("netværks-læk", not "netværk-slæk").
const LINKS: [&str; 3] = ["s", "e", ""];
/// Endings of an inflected last part.
const ENDINGS: [&str; 14] = [
    "", "e", "en", "ens", "er", "erne", "ernes", "et", "ets", "s", "ne", "n", "r", "rne",
];
/// The shortest compound part.
const MIN_PART: usize = 3;
/// The shortest word that is split.
const MIN_COMPOUND: usize = 7;
/// The most parts of a hyphenated word that is split.
const MAX_HYPHENATED: usize = 3;

impl Terms {
    /// The lower-cased words of every term (glossary and lexicon), in both languages.
    pub fn all_words(&self) -> &HashSet<String> {
        self.all_words.get_or_init(|| {
            self.entries
                .iter()
                .flat_map(|e| [e.da.as_str(), e.en.as_str()])
                .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        })
    }

    /// Builds the lookups; `analyze(danish, text)` analyzes a term as the Danish or the
    /// English text fields do. `lexicon` is the shipped lexicon, when in use.
    pub fn build(
        glossary: &Glossary,
        lexicon: &Lexicon,
        compound_parts: &str,
        analyze: impl Fn(bool, &str) -> Vec<String>,
    ) -> Terms {
        let mut terms = Terms::default();
        // What `single` holds, for a look-up in constant time: thousands of pairs.
        let mut single_seen: HashSet<(String, bool)> = HashSet::new();
        let sources = glossary
            .pairs
            .iter()
            .map(|p| (p, false))
            .chain(lexicon.pairs.iter().map(|p| (p, true)));
        for (pair, from_lexicon) in sources {
            let da = analyze(true, &pair.da);
            let en = analyze(false, &pair.en);
            if da.is_empty() || en.is_empty() {
                continue;
            }
            let index = terms.entries.len();
            terms.max_tokens = terms.max_tokens.max(da.len()).max(en.len());
            terms.by_da.entry(da).or_default().push(index);
            terms.by_en.entry(en).or_default().push(index);
            for word in pair.da.split_whitespace() {
                terms.words_da.insert(word.to_lowercase());
            }
            for word in pair.en.split_whitespace() {
                terms.words_en.insert(word.to_lowercase());
            }
            for (side, danish) in [(&pair.da, true), (&pair.en, false)] {
                if !side.contains(char::is_whitespace) {
                    let word = side.to_lowercase();
                    if single_seen.insert((word.clone(), danish)) {
                        terms.single.push((word, danish));
                    }
                }
            }
            if !pair.da.contains(char::is_whitespace) {
                let word = pair.da.to_lowercase();
                if word.chars().all(char::is_alphabetic) {
                    terms
                        .parts
                        .entry(word)
                        .or_insert_with(|| Some(pair.en.to_lowercase()));
                }
            }
            terms.entries.push(Entry {
                da: pair.da.clone(),
                en: pair.en.clone(),
                lexicon: from_lexicon,
            });
        }
        let both: HashSet<String> = terms
            .words_da
            .intersection(&terms.words_en)
            .cloned()
            .collect();
        terms.words_da.retain(|w| !both.contains(w));
        terms.words_en.retain(|w| !both.contains(w));
        for word in &lexicon.same {
            terms
                .parts
                .entry(word.clone())
                .or_insert_with(|| Some(word.clone()));
        }
        for word in compound_parts.lines().map(str::trim) {
            if !word.is_empty() && !word.starts_with('#') {
                terms.parts.entry(word.to_lowercase()).or_insert(None);
            }
        }
        terms
    }

    /// The entries whose analyzed term in `danish` (or English) is `tokens`: the
    /// glossary's when it is in use and has the term, else the lexicon's when in use.
    /// Of those, the entries whose term has as many words as the text typed (`words`),
    /// when there are any: stop words leave the analyzed terms, so Danish "log ind"
    /// and "log" are both `log`, and the phrase typed means the entry of the phrase.
    pub fn lookup(
        &self,
        danish: bool,
        tokens: &[String],
        words: usize,
        glossary: bool,
        lexicon: bool,
    ) -> Vec<&Entry> {
        let map = if danish { &self.by_da } else { &self.by_en };
        let all: Vec<&Entry> = map
            .get(tokens)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
            .collect();
        let mut found: Vec<&Entry> = if glossary && all.iter().any(|e| !e.lexicon) {
            all.into_iter().filter(|e| !e.lexicon).collect()
        } else {
            all.into_iter().filter(|e| lexicon && e.lexicon).collect()
        };
        let sized = |e: &&Entry| e.words(danish) == words;
        if found.iter().any(sized) {
            found.retain(sized);
        } else {
            // A term that lost a stop word to analysis ("går ned" is analyzed as "går"
            // is) is met only by as many words typed: "går" alone is not "goes down".
            found.retain(|e| e.words(danish) <= tokens.len());
        }
        found
    }

    /// The other-language terms of the glossary's entries (not the lexicon's) whose
    /// analyzed Danish (or English) term occurs whole among `tokens`: related write-ups
    /// across languages.
    pub fn glossary_translations(&self, danish: bool, tokens: &HashSet<String>) -> Vec<String> {
        let map = if danish { &self.by_da } else { &self.by_en };
        let mut out: Vec<String> = Vec::new();
        let mut found: Vec<(&Vec<String>, &Vec<usize>)> = map
            .iter()
            .filter(|(term, _)| !term.is_empty() && term.iter().all(|t| tokens.contains(t)))
            .collect();
        found.sort();
        for (_, indices) in found {
            for &i in indices {
                let entry = &self.entries[i];
                if entry.lexicon {
                    continue;
                }
                let to = if danish { &entry.en } else { &entry.da };
                if !out.contains(to) {
                    out.push(to.clone());
                }
            }
        }
        out
    }

    /// Whether `tokens`, analyzed in either language, is a term of the glossary or the
    /// lexicon (a known word, not a typo).
    pub fn knows(&self, da: &[String], en: &[String]) -> bool {
        (!da.is_empty() && self.by_da.contains_key(da))
            || (!en.is_empty() && self.by_en.contains_key(en))
    }

    /// Votes for the language of lower-cased `words`: Danish letters and Danish-only
    /// terms for Danish, English-only terms for English. `stop_da(w)` and `stop_en(w)`
    /// say whether a word is a stop word of that language only.
    pub fn language_votes(&self, words: &[String]) -> (usize, usize) {
        let (mut da, mut en) = (0, 0);
        for word in words {
            if word.contains(['æ', 'ø', 'å']) {
                da += 2;
            } else if self.words_da.contains(word) || self.words_da.contains(&strip_ending(word)) {
                da += 1;
            } else if self.words_en.contains(word) {
                en += 1;
            }
        }
        (da, en)
    }

    /// `word` split into Danish compound parts (two or three, each a known word, with a
    /// linking -s- or -e- and an inflected last part allowed); `None` when it is not
    /// made of known parts or is itself a known word.
    pub fn split_compound(&self, word: &str) -> Option<Vec<String>> {
        let word = word.to_lowercase();
        if word.chars().count() < MIN_COMPOUND || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        if self.words_da.contains(&word) || self.last_part(&word).is_some() {
            return None;
        }
        self.split_from(&word, 3)
    }

    /// A Danish word joined by hyphens ("dns-fejl", "cab-mødet", "sms-leverandør")
    /// split at them, lower-cased, the last part in its dictionary form when that is a
    /// part the terms translate and the form typed is not. `None` for a word without a
    /// hyphen between letters, of more than [`MAX_HYPHENATED`] parts, with a part of
    /// anything but letters and digits, or whose last part is no Danish word: a Danish
    /// compound ends in its Danish head, and English "read-only" or "sign-off" stays
    /// whole.
    pub fn split_hyphenated(&self, word: &str) -> Option<Vec<String>> {
        let word = word.to_lowercase();
        let mut parts: Vec<String> = word.split('-').map(str::to_string).collect();
        if !(2..=MAX_HYPHENATED).contains(&parts.len())
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.chars().all(char::is_alphanumeric))
            || !parts.iter().any(|p| p.chars().any(char::is_alphabetic))
        {
            return None;
        }
        let translated = |w: &str| matches!(self.parts.get(w), Some(Some(_)));
        if let Some(last) = parts.last_mut()
            && !translated(last)
            && let Some(base) = ENDINGS.iter().chain(&DANISH_ENDINGS).find_map(|ending| {
                let stem = last.strip_suffix(ending)?;
                (!ending.is_empty() && stem.chars().count() >= MIN_PART && translated(stem))
                    .then(|| stem.to_string())
            })
        {
            *last = base;
        }
        let last = parts.last()?;
        let danish = general_danish(last)
            || self.words_da.contains(last)
            || (self.parts.contains_key(last) && !self.words_en.contains(last));
        danish.then_some(parts)
    }

    /// The English of a hyphenated Danish word's `parts` ([`Terms::split_hyphenated`]),
    /// each part as [`Terms::translate_hyphenated_part`] has it: `None` when a part has
    /// no English, or when every part reads the same in English ("dns-fejl" is "dns
    /// error", "cab-mødet" "cab meeting").
    pub fn translate_hyphenated(&self, parts: &[String]) -> Option<String> {
        let english: Vec<&str> = parts
            .iter()
            .map(|p| self.translate_hyphenated_part(p))
            .collect::<Option<_>>()?;
        english
            .iter()
            .zip(parts)
            .any(|(e, p)| e != p)
            .then(|| english.join(" "))
    }

    /// The English of one part of a hyphenated Danish word: the lexicon's translation,
    /// or the part as typed when it is no word of general Danish (abbreviations and
    /// names, "dns", "cab", "os2mo", read the same in English); `None` for a Danish word
    /// the lexicon does not translate.
    pub fn translate_hyphenated_part<'a>(&'a self, part: &'a str) -> Option<&'a str> {
        match self.parts.get(part) {
            Some(Some(english)) => Some(english),
            Some(None) => None,
            None => (!general_danish(part)).then_some(part),
        }
    }

    /// Whether `word` is a compound part: a word of the lexicon, of the compound list or
    /// of general Danish.
    fn is_part(&self, word: &str) -> bool {
        self.parts.contains_key(word) || general_words().contains(word)
    }

    fn split_from(&self, rest: &str, max_parts: usize) -> Option<Vec<String>> {
        let chars: Vec<(usize, char)> = rest.char_indices().collect();
        // Longest first part first: "produktionsdatabase" is produktion + database.
        for cut in (MIN_PART..chars.len()).rev() {
            let at = chars[cut].0;
            let head = &rest[..at];
            if !self.is_part(head) {
                continue;
            }
            for link in LINKS {
                let Some(tail) = rest[at..].strip_prefix(link) else {
                    continue;
                };
                if tail.chars().count() < MIN_PART {
                    continue;
                }
                if let Some(last) = self.last_part(tail) {
                    return Some(vec![head.to_string(), last]);
                }
                if max_parts > 2
                    && let Some(mut more) = self.split_from(tail, max_parts - 1)
                {
                    more.insert(0, head.to_string());
                    return Some(more);
                }
            }
        }
        None
    }

    /// The dictionary form of an inflected last part.
    fn last_part(&self, tail: &str) -> Option<String> {
        ENDINGS.iter().find_map(|ending| {
            let stem = tail.strip_suffix(ending)?;
            (stem.chars().count() >= MIN_PART && self.is_part(stem)).then(|| stem.to_string())
        })
    }

    /// The single-word term closest to a mistyped `word` (one edit, two from nine
    /// letters, æ, ø and å kept apart), with whether it is Danish; `None` for a word of
    /// fewer than five letters, a known one (a term, or a word of general Danish), or
    /// none close.
    pub fn correct(&self, word: &str) -> Option<(&str, bool)> {
        let word = word.to_lowercase();
        let cached = self
            .corrected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&word)
            .copied();
        let found = match cached {
            Some(found) => found,
            None => {
                let found = self.closest_single(&word);
                let mut corrected = self.corrected.lock().unwrap_or_else(|e| e.into_inner());
                if corrected.len() >= CORRECTIONS_KEPT {
                    corrected.clear();
                }
                corrected.insert(word, found);
                found
            }
        };
        found.map(|i| (self.single[i].0.as_str(), self.single[i].1))
    }

    /// [`Terms::correct`] for a lower-cased word, without the memo: the index in
    /// `single` of the closest term.
    fn closest_single(&self, word: &str) -> Option<usize> {
        let len = word.chars().count();
        // A word of general Danish ("stribe", "sluttede") is no typo, whatever term is
        // close to it.
        if len < 5 || self.single.iter().any(|(w, _)| *w == word) || general_danish(word) {
            return None;
        }
        let max = if len >= 9 { 2 } else { 1 };
        let mut best: Option<(usize, usize)> = None;
        for (i, (candidate, _)) in self.single.iter().enumerate() {
            if candidate.chars().count().abs_diff(len) > max
                || !crate::search::letters::same_danish_letters(word, candidate)
            {
                continue;
            }
            let d = distance(word, candidate);
            if d <= max && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// The English translation of a compound part, if known.
    pub fn translate_part(&self, part: &str) -> Option<&str> {
        self.parts.get(part)?.as_deref()
    }
}

/// The most corrections [`Terms::correct`] keeps; beyond it they are found afresh.
const CORRECTIONS_KEPT: usize = 10_000;

/// General Danish words (`words_da.txt`, from the Danish hunspell dictionary), parsed once.
fn general_words() -> &'static HashSet<&'static str> {
    static WORDS: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        crate::content::lexicon::WORDS_DA
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .collect()
    })
}

/// Endings of inflected Danish words, for telling a word of general Danish (the word
/// list holds base forms): those of nouns, as [`ENDINGS`] for a compound's last part
/// has them, and those of verbs and adjectives ("sluttede", "afsætte", "sluttende").
const DANISH_ENDINGS: [&str; 18] = [
    "erne", "ende", "ene", "ede", "ere", "nde", "er", "en", "et", "es", "te", "de", "ne", "e", "s",
    "r", "t", "n",
];

/// Whether `word` (lower case) is a word of general Danish: on the word list, or a base
/// form of four letters or more on it with an inflection's ending ("sluttede",
/// "afsætte").
pub(crate) fn general_danish(word: &str) -> bool {
    let words = general_words();
    words.contains(word)
        || DANISH_ENDINGS.iter().any(|ending| {
            word.strip_suffix(ending)
                .is_some_and(|base| base.chars().count() >= 4 && words.contains(base))
        })
}

/// Optimal string alignment distance (adjacent swaps count one edit).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// `word` without a common Danish inflection ending, for recognising inflected forms.
fn strip_ending(word: &str) -> String {
    for ending in ["erne", "ene", "en", "et", "er", "ne", "e"] {
        if let Some(stem) = word.strip_suffix(ending)
            && stem.chars().count() >= 3
        {
            return stem.to_string();
        }
    }
    word.to_string()
}

/// Endings Danish gives a borrowed English noun: definite ("podden", "tokenet"),
/// definite plural of an English plural ("podsene") and of a Danish one ("tokenerne"),
/// and plural ("tokener").
const LOAN_ENDINGS: [&str; 8] = ["sene", "erne", "ene", "en", "et", "er", "ne", "e"];

/// The English words a Danish form of a borrowed English noun may be ("podden" is
/// "pod", "tokenet" "token", "podsene" "pods"), most likely first: `word` (lower case)
/// less a Danish ending, and less the consonant Danish doubles after a short vowel;
/// none of fewer than three letters, and none for a word of general Danish
/// ("kunden"). The word list has no words of three letters, so "taget" (Danish, not
/// "tag") gets "tag" here; what keeps it Danish is the group's Danish write-ups, which
/// have its stem ([`crate::Engine`] asks for a form no write-up has).
pub fn english_loan_bases(word: &str) -> Vec<String> {
    if general_danish(word) || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for ending in LOAN_ENDINGS {
        let Some(stem) = word.strip_suffix(ending) else {
            continue;
        };
        let chars: Vec<char> = stem.chars().collect();
        let doubled = chars.len() >= 4
            && chars[chars.len() - 1] == chars[chars.len() - 2]
            && !"aeiouy".contains(chars[chars.len() - 1]);
        let mut bases = Vec::new();
        if doubled {
            bases.push(chars[..chars.len() - 1].iter().collect::<String>());
        }
        bases.push(stem.to_string());
        if ending == "sene" {
            bases.push(format!("{stem}s"));
        }
        for base in bases {
            if base.chars().count() >= 3 && !out.contains(&base) {
                out.push(base);
            }
        }
    }
    out
}

/// `text` with the Danish ending after an apostrophe dropped ("borgerpc'erne" is
/// "borgerpc"), so that the word meets its uninflected form.
pub(crate) fn drop_apostrophe_endings(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\'', '’']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['\'', '’']) {
        out.push_str(&rest[..i]);
        let quote = rest[i..].chars().next().map_or(1, char::len_utf8);
        let after = &rest[i + quote..];
        let ending = after
            .find(|c: char| !c.is_alphabetic())
            .map_or(after, |end| &after[..end]);
        if [
            "s", "en", "er", "erne", "ene", "et", "ens", "ernes", "e", "ne",
        ]
        .contains(&ending.to_lowercase().as_str())
        {
            rest = &after[ending.len()..];
        } else {
            out.push_str(&rest[i..i + quote]);
            rest = after;
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The language `words` are in as the glossary and lexicon tell, with stop words of one
/// language only (`stop_da`, `stop_en`) counted for it.
pub(crate) fn detect(
    terms: &Terms,
    words: &[String],
    stop_da: usize,
    stop_en: usize,
) -> Option<Language> {
    let (da, en) = terms.language_votes(words);
    let (da, en) = (da + stop_da, en + stop_en);
    match da.cmp(&en) {
        std::cmp::Ordering::Greater => Some(Language::Da),
        std::cmp::Ordering::Less => Some(Language::En),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Terms {
        // Lower-cased words, unstemmed: enough for lookups of single words.
        Terms::build(
            &Glossary::default(),
            Lexicon::shipped(),
            crate::index::schema::COMPOUND_PARTS_DA,
            |_, text| text.split_whitespace().map(str::to_lowercase).collect(),
        )
    }

    #[test]
    fn danish_compounds_split_into_translated_parts() {
        let terms = terms();
        let split = |w: &str| terms.split_compound(w);
        let english = |w: &str| -> Option<String> {
            let parts = terms.split_compound(w)?;
            let english: Option<Vec<&str>> =
                parts.iter().map(|p| terms.translate_part(p)).collect();
            english.map(|e| e.join(" "))
        };
        assert_eq!(
            english("kundedatabasen").as_deref(),
            Some("customer database"),
            "linking -s-, inflected last part"
        );
        assert_eq!(english("netværkslækagen").as_deref(), Some("network leak"));
        assert_eq!(
            english("forretningshændelse").as_deref(),
            Some("business incident"),
            "general working words are parts too"
        );
        assert_eq!(
            split("vagtordningshåndtering"),
            Some(vec!["vagtordning".into(), "håndtering".into()])
        );
        assert_eq!(split("diskplads"), None, "a lexicon word stays whole");
        assert_eq!(
            split("netværkslæk"),
            Some(vec!["netværk".into(), "læk".into()])
        );
        assert_eq!(terms.translate_part("læk"), Some("leak"));
        assert_eq!(split("noderne"), None, "too short to be a compound");
        assert_eq!(
            split("kantinekaffen"),
            Some(vec!["kantine".into(), "kaffe".into()]),
            "general Danish"
        );
        assert_eq!(
            split("styregruppen"),
            None,
            "a word of general Danish stays whole"
        );
        assert_eq!(
            split("kaffemaskinen"),
            None,
            "a word of general Danish stays whole"
        );
        assert_eq!(english("kantinekaffen"), None, "kaffe has no translation");
    }

    #[test]
    fn danish_forms_of_english_nouns_lead_to_the_english_word() {
        let bases = |w: &str| english_loan_bases(w);
        assert_eq!(bases("podden")[0], "pod", "the doubled consonant undone");
        assert!(bases("podden").contains(&"podd".to_string()));
        assert_eq!(bases("tokenet")[0], "token");
        assert!(bases("podsene").contains(&"pods".to_string()));
        assert_eq!(bases("webhooken")[0], "webhook");
        assert!(bases("pod").is_empty(), "no ending");
        assert!(bases("ne").is_empty(), "too short");
        assert!(bases("hændelsen").is_empty(), "not English letters");
        assert!(bases("kunden").is_empty(), "a word of general Danish");
    }

    #[test]
    fn hyphenated_danish_words_split_at_their_hyphens() {
        let terms = terms();
        let split = |w: &str| terms.split_hyphenated(w);
        let english = |w: &str| terms.translate_hyphenated(&terms.split_hyphenated(w)?);
        assert_eq!(split("DNS-fejl"), Some(vec!["dns".into(), "fejl".into()]));
        assert_eq!(
            split("sms-leverandøren"),
            Some(vec!["sms".into(), "leverandør".into()]),
            "an inflected last part in its dictionary form"
        );
        assert_eq!(
            split("cab-mødet"),
            Some(vec!["cab".into(), "mødet".into()]),
            "a form the lexicon has stays"
        );
        assert_eq!(
            split("p1-hændelse"),
            Some(vec!["p1".into(), "hændelse".into()])
        );
        assert_eq!(split("dnsfejl"), None, "no hyphen");
        assert_eq!(split("-fejl"), None, "an empty part");
        assert_eq!(split("a-b-c-d"), None, "too many parts");
        assert_eq!(
            split("dns-fejl's"),
            None,
            "not a part of letters and digits"
        );
        assert_eq!(split("2024-11"), None, "no letters");
        assert_eq!(split("read-only"), None, "no Danish head");
        assert_eq!(split("sign-off"), None, "no Danish head");
        // Abbreviations and names read the same in English; Danish words are translated.
        assert_eq!(english("cab-mødet").as_deref(), Some("cab meeting"));
        assert_eq!(english("vpn-adgangen").as_deref(), Some("vpn access"));
        assert_eq!(
            english("kantine-kaffe"),
            None,
            "a Danish word without a translation"
        );
    }

    #[test]
    fn the_query_language_comes_from_letters_and_terms() {
        let terms = terms();
        let words = |s: &str| -> Vec<String> { s.split_whitespace().map(String::from).collect() };
        assert_eq!(
            detect(&terms, &words("skudsekund"), 0, 0),
            Some(Language::Da)
        );
        assert_eq!(
            detect(&terms, &words("certifikat udløb"), 0, 0),
            Some(Language::Da)
        );
        assert_eq!(
            detect(&terms, &words("leap second"), 0, 0),
            Some(Language::En)
        );
        assert_eq!(detect(&terms, &words("noderne"), 0, 0), Some(Language::Da));
        assert_eq!(detect(&terms, &words("kubernetes"), 0, 0), None);
        assert_eq!(
            detect(&terms, &words("kubernetes"), 1, 0),
            Some(Language::Da)
        );
    }

    #[test]
    fn the_glossary_overrides_the_lexicon_while_in_use() {
        let glossary =
            Glossary::parse("pairs:\n  - da: sikkerhedskopi\n    en: restore point\n").glossary;
        let terms = Terms::build(&glossary, Lexicon::shipped(), "", |_, text| {
            text.split_whitespace().map(str::to_lowercase).collect()
        });
        let en = |glossary: bool, lexicon: bool| -> Vec<&str> {
            terms
                .lookup(true, &["sikkerhedskopi".to_string()], 1, glossary, lexicon)
                .iter()
                .map(|e| e.en.as_str())
                .collect()
        };
        assert_eq!(en(true, true), ["restore point"]);
        assert_eq!(en(false, true), ["backup"]);
        assert!(en(false, false).is_empty());
    }

    #[test]
    fn a_term_that_lost_a_stop_word_needs_all_its_words_typed() {
        let lexicon = Lexicon::parse("går ned\tgoes down\ngå\tgo\nvagt\ton call\n");
        // "ned" is a stop word, as in the Danish text fields.
        let terms = Terms::build(&Glossary::default(), &lexicon, "", |_, text| {
            text.split(|c: char| c.is_whitespace() || c == '-')
                .filter(|w| *w != "ned")
                .map(str::to_lowercase)
                .collect()
        });
        // The other language's terms of `tokens`, typed as `words` words.
        let other = |danish: bool, tokens: &[&str], words: usize| -> Vec<String> {
            let tokens: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
            terms
                .lookup(danish, &tokens, words, false, true)
                .iter()
                .map(|e| if danish { &e.en } else { &e.da }.clone())
                .collect()
        };
        let en = |tokens: &[&str], words: usize| other(true, tokens, words);
        assert!(en(&["går"], 1).is_empty(), "{:?}", en(&["går"], 1));
        assert_eq!(en(&["går"], 2), ["goes down"]);
        assert_eq!(en(&["gå"], 1), ["go"]);
        // A term of several words typed as one ("on-call") keeps all its tokens.
        assert_eq!(other(false, &["on", "call"], 1), ["vagt"]);
    }

    #[test]
    fn mistyped_terms_are_corrected_to_the_lexicon() {
        let terms = terms();
        assert_eq!(terms.correct("skyldfi"), Some(("skyldfri", true)));
        assert_eq!(
            terms.correct("sikkerhedkopi"),
            Some(("sikkerhedskopi", true))
        );
        assert_eq!(terms.correct("evaluring"), Some(("evaluering", true)));
        assert_eq!(terms.correct("skyldfri"), None, "known");
        assert_eq!(terms.correct("nede"), None, "short");
        // Words of general Danish one letter from a term are words, not typos: "afgang"
        // (departure) is not "adgang" (access), "afløse" (relieve) not "aflyse" (cancel).
        assert_eq!(terms.correct("adgnag"), Some(("adgang", true)));
        assert_eq!(terms.correct("afgang"), None, "general Danish");
        assert_eq!(terms.correct("afløse"), None, "general Danish");
        assert_eq!(terms.correct("afsætte"), None, "general Danish, inflected");
        assert_eq!(terms.correct("sluttede"), None, "general Danish, inflected");
        assert_eq!(distance("ab", "ba"), 1);
    }

    #[test]
    fn apostrophe_endings_are_dropped() {
        assert_eq!(drop_apostrophe_endings("borgerpc'erne"), "borgerpc");
        assert_eq!(drop_apostrophe_endings("pc'en virker"), "pc virker");
        assert_eq!(drop_apostrophe_endings("I'm here"), "I'm here");
        assert_eq!(drop_apostrophe_endings("plain"), "plain");
    }
}
