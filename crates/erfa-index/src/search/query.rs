//! The query language members type, parsed leniently: user input never errors.
//!
//! Free words, `"phrases"`, `-word` and `-"phrase"` to exclude, `+word` and `a AND b`
//! for words a write-up must contain, `a OR b`, and `field:value` filters with the
//! front-matter names (`kind:mistake`, `tags:cab`, `year:2022`). Free words only rank:
//! write-ups with all of them first. Parentheses and stray operators are ignored. Length
//! and term count are capped before anything else, so hostile input (10,000 nested
//! parentheses, NUL bytes, a 100 KB query) costs next to nothing.

/// Longest query looked at, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words and phrases looked at; the rest are ignored.
pub const MAX_TERMS: usize = 24;

/// One searchable unit: a word or a phrase, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// A single word.
    Word(String),
    /// Words together, in order: write-ups with them so rank first, and a required
    /// phrase (`+"…"`) must be there.
    Phrase(String),
}

impl Atom {
    /// The text as typed, or in lower case when the whole query was typed with caps lock
    /// (see [`parse`]).
    pub fn text(&self) -> &str {
        match self {
            Atom::Word(t) | Atom::Phrase(t) => t,
        }
    }
}

/// Something the query asks for: one of several alternatives (`a OR b`), or just one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Any of these satisfies the clause.
    pub alternatives: Vec<Atom>,
    /// Whether every write-up found must satisfy the clause (`+word`, `a AND b`); other
    /// clauses only rank those that satisfy them all first.
    pub required: bool,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// What a write-up should contain; those containing all clauses rank first.
    pub clauses: Vec<Clause>,
    /// What a write-up must not contain.
    pub excluded: Vec<Atom>,
    /// `field:value` filters, with the front-matter name of the field.
    pub filters: Vec<(String, String)>,
}

impl UserQuery {
    /// Whether there is nothing to match text against.
    pub fn has_text(&self) -> bool {
        !self.clauses.is_empty()
    }
}

/// Maps a field name as typed to the front-matter name of a filter, when it is one.
pub fn filter_field(name: &str) -> Option<&'static str> {
    Some(match name.to_lowercase().as_str() {
        "kind" => "kind",
        "practice" | "practices" => "practices",
        "tag" | "tags" => "tags",
        "year" => "year",
        "language" | "lang" => "language",
        "sector" => "sector",
        "org_size" | "size" => "org_size",
        "tool" | "tools" => "tools",
        "meeting" => "meeting",
        "confidence" => "confidence",
        "status" => "status",
        "section" => "section",
        _ => return None,
    })
}

/// Whether values of this filter are lower-case by definition (closed lists).
fn lowercase_values(field: &str) -> bool {
    matches!(
        field,
        "kind" | "practices" | "language" | "sector" | "status" | "section" | "tags" | "confidence"
    )
}

/// Parses `input` leniently. A query typed with caps lock on reads as typed in lower case
/// (see `lower_case_if_all_capitals`).
pub fn parse(input: &str) -> UserQuery {
    let text: String = input
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut out = UserQuery::default();
    let mut i = 0;
    let mut pending_or = false;
    let mut pending_and = false;
    let mut terms = 0;
    while i < chars.len() && terms < MAX_TERMS {
        let c = chars[i];
        if c.is_whitespace() || c == '(' || c == ')' {
            i += 1;
            continue;
        }
        // `-` and `+` mark the word or phrase right after them; alone, `+` is ignored.
        let marks = i + 1 < chars.len() && !chars[i + 1].is_whitespace();
        let negate = c == '-' && marks;
        let plus = c == '+' && marks;
        if c == '+' && !plus {
            i += 1;
            continue;
        }
        if negate || plus {
            i += 1;
        }
        let atom_text: String;
        let mut phrase = false;
        if chars[i] == '"' {
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&c| c == '"')
                .map_or(chars.len(), |p| start + p);
            atom_text = chars[start..end].iter().collect();
            phrase = true;
            i = (end + 1).min(chars.len());
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '"' | '(' | ')')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // field:value and field:"a value"
            if let Some((name, value)) = word.split_once(':')
                && let Some(field) = filter_field(name)
            {
                let value = if value.is_empty() && i < chars.len() && chars[i] == '"' {
                    let start = i + 1;
                    let end = chars[start..]
                        .iter()
                        .position(|&c| c == '"')
                        .map_or(chars.len(), |p| start + p);
                    i = (end + 1).min(chars.len());
                    chars[start..end].iter().collect::<String>()
                } else {
                    value.to_string()
                };
                let value = value.trim();
                if !value.is_empty() && !negate {
                    let value = if lowercase_values(field) {
                        value.to_lowercase()
                    } else {
                        value.to_string()
                    };
                    out.filters.push((field.to_string(), value));
                    terms += 1;
                }
                continue;
            }
            if word == "OR" || word == "||" {
                pending_or = !out.clauses.is_empty();
                pending_and = false;
                continue;
            }
            if word == "AND" || word == "&&" {
                pending_and = !out.clauses.is_empty();
                pending_or = false;
                continue;
            }
            if word == "NOT" {
                continue;
            }
            atom_text = word;
        }
        let atom_text = atom_text.trim().to_string();
        if !atom_text.chars().any(char::is_alphanumeric) {
            continue;
        }
        let atom = if phrase && atom_text.split_whitespace().count() > 1 {
            Atom::Phrase(atom_text)
        } else {
            Atom::Word(atom_text)
        };
        terms += 1;
        if negate {
            out.excluded.push(atom);
            pending_or = false;
            pending_and = false;
        } else if pending_or {
            let clause = out
                .clauses
                .last_mut()
                .expect("pending_or is set only after a clause");
            clause.alternatives.push(atom);
            clause.required |= plus;
            pending_or = false;
        } else {
            if pending_and {
                // `a AND b`: both sides are required.
                out.clauses
                    .last_mut()
                    .expect("pending_and is set only after a clause")
                    .required = true;
            }
            out.clauses.push(Clause {
                alternatives: vec![atom],
                required: plus || pending_and,
            });
            pending_and = false;
        }
    }
    lower_case_if_all_capitals(&mut out);
    out
}

/// A query that reads as typed with caps lock on reads as typed in lower case: no letter
/// in lower case, and three words or more, or two with one of five letters or more
/// ("HVORDAN HÅNDTERER VI"). Otherwise a word in capitals stays as typed, an acronym
/// that the analyzers keep although its lower case may be a stop word ("MED-udvalg",
/// "IT TEAM", "MED 2024"; `index::acronym`).
fn lower_case_if_all_capitals(query: &mut UserQuery) {
    let atoms = || {
        query
            .clauses
            .iter()
            .flat_map(|c| &c.alternatives)
            .chain(&query.excluded)
    };
    if atoms().any(|a| a.text().chars().any(char::is_lowercase)) {
        return;
    }
    // The words with letters, by how many letters each has.
    let letters: Vec<usize> = atoms()
        .flat_map(|a| a.text().split(|c: char| !c.is_alphanumeric()))
        .map(|w| w.chars().filter(|c| c.is_alphabetic()).count())
        .filter(|&n| n > 0)
        .collect();
    let caps_lock = letters.len() >= 3 || (letters.len() == 2 && letters.iter().any(|&n| n >= 5));
    if !caps_lock {
        return;
    }
    for atom in query
        .clauses
        .iter_mut()
        .flat_map(|c| &mut c.alternatives)
        .chain(&mut query.excluded)
    {
        let (Atom::Word(text) | Atom::Phrase(text)) = atom;
        *text = text.to_lowercase();
    }
}

/// `query` written back in the query language, so that [`parse`] reads it the same:
/// for a corrected query offered to the member.
pub fn display(query: &UserQuery) -> String {
    // A word that would read as an operator, a mark, a filter or with a bracket cut off
    // goes in quotes.
    let operator = |w: &str| {
        matches!(w, "OR" | "||" | "AND" | "&&" | "NOT")
            || w.starts_with(['-', '+'])
            || w.contains(['(', ')'])
            || w.split_once(':')
                .is_some_and(|(name, _)| filter_field(name).is_some())
    };
    let atom = |a: &Atom| match a {
        Atom::Word(w) if !operator(w) => w.clone(),
        Atom::Word(p) | Atom::Phrase(p) => format!("\"{p}\""),
    };
    let mut parts: Vec<String> = query
        .clauses
        .iter()
        .map(|c| {
            let alternatives: Vec<String> = c.alternatives.iter().map(atom).collect();
            let plus = if c.required { "+" } else { "" };
            format!("{plus}{}", alternatives.join(" OR "))
        })
        .collect();
    parts.extend(query.excluded.iter().map(|a| format!("-{}", atom(a))));
    parts.extend(query.filters.iter().map(|(field, value)| {
        if value
            .chars()
            .any(|c| c.is_whitespace() || c == '(' || c == ')')
        {
            format!("{field}:\"{value}\"")
        } else {
            format!("{field}:{value}")
        }
    }));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_query_all_in_capitals_reads_as_lower_case_but_an_acronym_stays() {
        let words = |q: &UserQuery| -> Vec<String> {
            q.clauses
                .iter()
                .flat_map(|c| &c.alternatives)
                .chain(&q.excluded)
                .map(|a| a.text().to_string())
                .collect()
        };
        assert_eq!(
            words(&parse("HVORDAN HÅNDTERER VI OR EN -HÆNDELSE")),
            ["hvordan", "håndterer", "vi", "en", "hændelse"]
        );
        assert_eq!(
            parse("HVORDAN OR VI").clauses.len(),
            1,
            "operators still work"
        );
        assert_eq!(words(&parse("\"MED UDVALGET\"")), ["med udvalget"]);
        assert_eq!(words(&parse("MED")), ["MED"]);
        assert_eq!(words(&parse("MED-udvalg IT")), ["MED-udvalg", "IT"]);
        assert_eq!(
            words(&parse("IT-afdeling og MED")),
            ["IT-afdeling", "og", "MED"]
        );
        // Acronyms on their own are not caps lock.
        assert_eq!(words(&parse("IT TEAM")), ["IT", "TEAM"]);
        assert_eq!(words(&parse("MED OR IT")), ["MED", "IT"]);
        assert_eq!(words(&parse("MED -IT")), ["MED", "IT"]);
        assert_eq!(words(&parse("MED 2024")), ["MED", "2024"]);
        assert_eq!(words(&parse("IT SERVICE")), ["it", "service"]);
    }

    fn words(q: &UserQuery) -> Vec<Vec<String>> {
        q.clauses
            .iter()
            .map(|c| {
                c.alternatives
                    .iter()
                    .map(|a| a.text().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn words_phrases_exclusions_and_filters() {
        let q = parse(r#"change "freeze period" -christmas kind:Mistake tags:"cab" foo:bar"#);
        assert_eq!(words(&q), [["change"], ["freeze period"], ["foo:bar"]]);
        assert_eq!(
            q.clauses[1].alternatives[0],
            Atom::Phrase("freeze period".into())
        );
        assert_eq!(q.excluded, [Atom::Word("christmas".into())]);
        assert_eq!(
            q.filters,
            [
                ("kind".into(), "mistake".into()),
                ("tags".into(), "cab".into())
            ]
        );
    }

    #[test]
    fn or_joins_neighbours() {
        let q = parse("cmdb OR konfiguration database");
        assert_eq!(
            words(&q),
            vec![vec!["cmdb", "konfiguration"], vec!["database"]]
        );
        let q = parse("OR OR x OR");
        assert_eq!(words(&q), [["x"]]);
    }

    /// Each query with its clauses, a clause written as its alternatives joined by `|`
    /// and prefixed with `+` when required, and its exclusions.
    #[test]
    fn operator_table() {
        let table: &[(&str, &[&str], &[&str])] = &[
            ("cmdb swarming", &["cmdb", "swarming"], &[]),
            ("cmdb AND swarming", &["+cmdb", "+swarming"], &[]),
            ("cmdb && swarming", &["+cmdb", "+swarming"], &[]),
            ("+cmdb swarming", &["+cmdb", "swarming"], &[]),
            ("cmdb +swarming", &["cmdb", "+swarming"], &[]),
            ("a AND b c", &["+a", "+b", "c"], &[]),
            ("a b AND c", &["a", "+b", "+c"], &[]),
            ("+\"change freeze\" cab", &["+change freeze", "cab"], &[]),
            ("cmdb OR swarming", &["cmdb|swarming"], &[]),
            ("a OR b AND c", &["+a|b", "+c"], &[]),
            ("a AND b OR c", &["+a", "+b|c"], &[]),
            ("+a OR b", &["+a|b"], &[]),
            ("a OR +b", &["+a|b"], &[]),
            ("a -b", &["a"], &["b"]),
            ("a AND -b c", &["a", "c"], &["b"]),
            ("AND a", &["a"], &[]),
            ("a AND", &["a"], &[]),
            ("a AND AND b", &["+a", "+b"], &[]),
            ("a AND OR b", &["a|b"], &[]),
            ("and or", &["and", "or"], &[]),
            ("+ a", &["a"], &[]),
            ("a + b", &["a", "b"], &[]),
            ("c++ +c#", &["c++", "+c#"], &[]),
            ("a NOT b", &["a", "b"], &[]),
        ];
        for (input, clauses, excluded) in table {
            let q = parse(input);
            let got: Vec<String> = q
                .clauses
                .iter()
                .map(|c| {
                    let alternatives: Vec<&str> = c.alternatives.iter().map(Atom::text).collect();
                    format!(
                        "{}{}",
                        if c.required { "+" } else { "" },
                        alternatives.join("|")
                    )
                })
                .collect();
            assert_eq!(got, *clauses, "clauses of {input:?}");
            let got: Vec<&str> = q.excluded.iter().map(Atom::text).collect();
            assert_eq!(got, *excluded, "exclusions of {input:?}");
        }
    }

    #[test]
    fn display_reads_back_the_same() {
        for (input, shown) in [
            ("cmdb swarming", "cmdb swarming"),
            ("cmdb AND swarming", "+cmdb +swarming"),
            ("a OR b +c", "a OR b +c"),
            (
                r#"+"change freeze" -jul -"cab møde" kind:mistake tags:"a b""#,
                r#"+"change freeze" -jul -"cab møde" kind:mistake tags:"a b""#,
            ),
        ] {
            let q = parse(input);
            assert_eq!(display(&q), shown, "{input}");
            assert_eq!(parse(&display(&q)), q, "{input}");
        }
    }

    /// Queries made of the language's own pieces, in any order.
    fn pieces() -> impl Strategy<Value = String> {
        let piece = proptest::sample::select(vec![
            " ", "cab", "rød", "faar", "+", "-", "\"", "(", ")", "OR", "AND", "NOT", "&&", "||",
            "kind:", "tags:", "mistake", ":", "x:y", "\u{0}", "é",
        ]);
        proptest::collection::vec(piece, 0..30).prop_map(|p| p.concat())
    }

    proptest! {
        /// What `display` writes, `parse` reads back as the same query.
        #[test]
        fn display_round_trips(input in prop_oneof![pieces(), any::<String>()]) {
            let query = parse(&input);
            let shown = display(&query);
            prop_assume!(shown.chars().count() <= MAX_QUERY_CHARS);
            prop_assert_eq!(parse(&shown), query, "{:?} shown as {:?}", input, shown);
        }

        /// Whatever comes in — long, nested, binary, made of operators — parsing never
        /// panics and its output is bounded by the caps, not by the input: at most
        /// `MAX_TERMS` clauses and exclusions, no atom, filter or shown query longer than
        /// the input's first `MAX_QUERY_CHARS` characters allow.
        #[test]
        fn parsing_anything_is_bounded(
            input in prop_oneof![
                pieces(),
                any::<String>(),
                proptest::collection::vec(pieces(), 1..40).prop_map(|p| p.concat()),
                ("[(]{0,3000}", "[a-z ]{0,20}", "[)]{0,3000}")
                    .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
            ]
        ) {
            let query = parse(&input);
            prop_assert!(query.clauses.len() <= MAX_TERMS);
            prop_assert!(query.excluded.len() <= MAX_TERMS);
            let atoms = query.clauses.iter().map(|c| c.alternatives.len()).sum::<usize>()
                + query.excluded.len()
                + query.filters.len();
            prop_assert!(atoms <= MAX_QUERY_CHARS, "{} atoms", atoms);
            for atom in query.clauses.iter().flat_map(|c| &c.alternatives).chain(&query.excluded) {
                prop_assert!(atom.text().chars().count() <= MAX_QUERY_CHARS);
                prop_assert!(!atom.text().contains('\0'));
            }
            for (field, value) in &query.filters {
                prop_assert!(field.chars().count() + value.chars().count() <= MAX_QUERY_CHARS);
            }
            let shown = display(&query);
            prop_assert!(shown.chars().count() <= 4 * MAX_QUERY_CHARS, "{:?}", shown);
            // What is shown parses back to a query no larger.
            let again = parse(&shown);
            prop_assert!(again.clauses.len() <= query.clauses.len().max(1) * 2);
        }
    }

    #[test]
    fn hostile_input_is_harmless() {
        let nested = "(".repeat(10_000) + "x" + &")".repeat(10_000);
        assert_eq!(parse(&nested).clauses.len(), 0, "the cap cuts before x");
        let q = parse("\"unbalanced ( quote");
        assert_eq!(
            q.clauses[0].alternatives[0],
            Atom::Phrase("unbalanced ( quote".into())
        );
        let q = parse("a\0b - -- \"\" : :x -:");
        assert_eq!(words(&q), [["a"], ["b"], [":x"]]);
        let many = "w ".repeat(1000);
        assert_eq!(parse(&many).clauses.len(), MAX_TERMS);
    }
}
