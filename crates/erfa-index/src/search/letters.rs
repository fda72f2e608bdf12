//! æ, ø and å: letters of their own, never folded into a, o or e ("rød" is not "rod").
//!
//! Two rules live here. A member on an English keyboard types `aa`, `oe` and `ae` for å,
//! ø and æ ("faar" for "får"): [`danish_spellings`] lists the words such a word may have
//! meant, which the engine tries only when the word as typed finds nothing. And a
//! correction (typo tolerance, "did you mean") never adds, drops or changes one of the
//! three letters ([`same_danish_letters`]), so "rød" is never offered for "rod", nor
//! "red" for "rød".

/// The English-keyboard spellings and the Danish letters they stand for.
const SPELLINGS: [(&str, char); 3] = [("aa", 'å'), ("oe", 'ø'), ("ae", 'æ')];

/// The most spellings tried for one word.
const MAX_SPELLINGS: usize = 16;

/// The words `word` may stand for with some of its `aa`, `oe` and `ae` written as å, ø
/// and æ (lower-cased, the word itself left out), fewest changes first: "faar" gives
/// "får", "haandbog" "håndbog", "kaaae" "kaaæ", "kaåe", "kåae" and "kåæ".
pub fn danish_spellings(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.to_lowercase().chars().collect();
    let mut out: Vec<(usize, String)> = Vec::new();
    spell(&chars, 0, String::new(), 0, &mut out);
    out.retain(|(changes, _)| *changes > 0);
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    out.dedup();
    out.into_iter()
        .take(MAX_SPELLINGS)
        .map(|(_, word)| word)
        .collect()
}

fn spell(chars: &[char], at: usize, done: String, changes: usize, out: &mut Vec<(usize, String)>) {
    if out.len() >= MAX_SPELLINGS * 4 {
        return;
    }
    let Some(&c) = chars.get(at) else {
        out.push((changes, done));
        return;
    };
    if let Some(&next) = chars.get(at + 1) {
        for (pair, letter) in SPELLINGS {
            let mut p = pair.chars();
            if p.next() == Some(c) && p.next() == Some(next) {
                let mut with = done.clone();
                with.push(letter);
                spell(chars, at + 2, with, changes + 1, out);
            }
        }
    }
    let mut without = done;
    without.push(c);
    spell(chars, at + 1, without, changes, out);
}

/// Whether `typed` can be spelled the Danish way (it holds `aa`, `oe` or `ae`).
pub fn has_english_spelling(typed: &str) -> bool {
    let lower = typed.to_lowercase();
    SPELLINGS.iter().any(|(pair, _)| lower.contains(pair))
}

/// Whether `a` and `b` have the same æ, ø and å in the same order: a correction from
/// one to the other does not cross the line between these letters and a, o and e.
pub fn same_danish_letters(a: &str, b: &str) -> bool {
    let danish = |w: &str| -> Vec<char> {
        w.chars()
            .flat_map(char::to_lowercase)
            .filter(|c| matches!(c, 'æ' | 'ø' | 'å'))
            .collect()
    };
    danish(a) == danish(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keyboard_spellings_become_danish_letters() {
        assert_eq!(danish_spellings("faar"), ["får"]);
        assert_eq!(danish_spellings("Roed"), ["rød"]);
        assert_eq!(danish_spellings("Aendring"), ["ændring"]);
        assert_eq!(
            danish_spellings("paa foer"),
            ["paa før", "på foer", "på før"]
        );
        assert_eq!(danish_spellings("kaaae"), ["kaaæ", "kaåe", "kåae", "kåæ"]);
        assert!(danish_spellings("rod").is_empty(), "o is never ø");
        assert!(danish_spellings("red").is_empty(), "e is never æ");
        assert!(danish_spellings("år").is_empty());
        assert!(danish_spellings(&"aa".repeat(50)).len() <= MAX_SPELLINGS);
        assert!(has_english_spelling("FAAR"));
        assert!(!has_english_spelling("rod"));
    }

    #[test]
    fn corrections_never_cross_the_danish_letters() {
        assert!(!same_danish_letters("rød", "rod"));
        assert!(!same_danish_letters("rød", "red"));
        assert!(!same_danish_letters("rod", "rød"));
        assert!(!same_danish_letters("faar", "får"));
        assert!(!same_danish_letters("hændelse", "hendelse"));
        assert!(!same_danish_letters("blåbær", "blæbår"));
        assert!(same_danish_letters("hændlse", "hændelse"));
        assert!(same_danish_letters("Ændring", "ændringer"));
        assert!(same_danish_letters("chan", "change"));
    }
}
