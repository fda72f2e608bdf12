//! Content health: what in a collection of valid write-ups needs a facilitator's eye
//! beyond format errors. Published write-ups that may be out of date, write-ups without
//! their lesson or mistake, links to write-ups that do not exist, near-duplicates, and
//! how many published write-ups each ITIL practice has. The rules are in
//! `docs/FORMAT.md` ("Content health").
//!
//! The report is plain data: the desk's health page and `erfa check` word it their own
//! way.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::content::document::Document;
use crate::content::front_matter::Date;
use crate::content::markdown::Section;
use crate::content::vocab::{self, Confidence, Kind, Status};

/// Days after its `date` from which a published write-up without `confidence: validated`
/// counts as stale, unless configured otherwise.
pub const REVIEW_AGE_DAYS: u32 = 730;

/// Jaccard similarity of word triples from which two write-ups count as near-duplicates.
pub const DUPLICATE_SIMILARITY: f64 = 0.5;

/// A word triple in more write-ups than this is boilerplate, not a sign of copying, and
/// pairs no write-ups.
const COMMON_TRIPLE: usize = 50;

/// What the rules are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The day to judge ages on.
    pub today: Date,
    /// See [`REVIEW_AGE_DAYS`].
    pub review_age_days: u32,
}

impl Rules {
    /// Today's rules with the default review age.
    pub fn today() -> Rules {
        Rules {
            today: Date::today(),
            review_age_days: REVIEW_AGE_DAYS,
        }
    }
}

/// The write-up a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// URL name.
    pub slug: String,
    /// Path relative to the content root.
    pub path: String,
    /// Title.
    pub title: String,
}

impl Item {
    fn of(d: &Document) -> Item {
        Item {
            slug: d.slug.clone(),
            path: d.path.clone(),
            title: d.front.title.clone(),
        }
    }
}

/// Why a published write-up may be out of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleReason {
    /// Its `review_after` date has passed.
    ReviewAfterPassed,
    /// Its `date` is older than the review age and it is not `confidence: validated`.
    OldNotValidated,
}

/// A published write-up that may be out of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The write-up.
    pub item: Item,
    /// Why.
    pub reason: StaleReason,
    /// The `review_after` date that passed, or the write-up's `date`.
    pub date: Date,
}

/// What a write-up lacks of the sections its kind promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingSection {
    /// Neither "Lesson learned" nor "Mistake to avoid".
    LessonAndMistake,
    /// A lesson without "Lesson learned".
    Lesson,
    /// A mistake without "Mistake to avoid".
    Mistake,
}

/// A write-up without the section its kind promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The write-up.
    pub item: Item,
    /// Its kind.
    pub kind: Kind,
    /// What it lacks.
    pub section: MissingSection,
}

/// A link in the front matter to a write-up that does not exist (as slug or alias).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The write-up with the link.
    pub item: Item,
    /// `related`, `supersedes`, `duplicate_of` or `translation_of`.
    pub field: &'static str,
    /// The target as written.
    pub target: String,
}

/// Two write-ups that share most of their text and are not translations of each other.
#[derive(Debug, Clone, PartialEq)]
pub struct NearDuplicate {
    /// The earlier of the two, in the order of the collection.
    pub first: Item,
    /// The later one.
    pub later: Item,
    /// Jaccard similarity of their word triples, from [`DUPLICATE_SIMILARITY`] to 1.
    pub similarity: f64,
}

/// How many published write-ups name an ITIL practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The practice's slug.
    pub practice: &'static str,
    /// Published write-ups naming it.
    pub published: usize,
}

/// Everything content health finds, each list in the order of the collection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    /// Published write-ups that may be out of date.
    pub stale: Vec<Stale>,
    /// Write-ups without the section their kind promises.
    pub missing: Vec<Missing>,
    /// Links to write-ups that do not exist.
    pub broken: Vec<BrokenLink>,
    /// Pairs of write-ups with nearly the same text.
    pub near_duplicates: Vec<NearDuplicate>,
    /// Every ITIL practice, in the order of [`vocab::PRACTICES`].
    pub coverage: Vec<Coverage>,
}

/// One finding as a line of text (English, as diagnostics are), for `erfa check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The write-up's path relative to the content root; empty for the whole folder.
    pub path: String,
    /// What was found.
    pub message: String,
}

impl Health {
    /// The findings as notes: stale write-ups, practices without a lesson or a mistake,
    /// broken links, then the ITIL practices without a published write-up. What `erfa
    /// check` warns about already is left out: near-duplicates, and lessons and mistakes
    /// without their section.
    pub fn notes(&self, rules: &Rules) -> Vec<Note> {
        let note = |item: &Item, message: String| Note {
            path: item.path.clone(),
            message,
        };
        let mut notes: Vec<Note> = Vec::new();
        notes.extend(self.stale.iter().map(|s| {
            note(
                &s.item,
                match s.reason {
                    StaleReason::ReviewAfterPassed => {
                        format!("due for review: review_after {} has passed", s.date)
                    }
                    StaleReason::OldNotValidated => format!(
                        "due for review: dated {}, more than {} days ago, and not `confidence: validated`",
                        s.date, rules.review_age_days
                    ),
                },
            )
        }));
        notes.extend(
            self.missing
                .iter()
                .filter(|m| m.kind == Kind::Practice)
                .map(|m| {
                    let what =
                        "a practice with no \"Lesson learned\" and no \"Mistake to avoid\" section";
                    note(&m.item, what.to_string())
                }),
        );
        notes.extend(self.broken.iter().map(|b| {
            let message = format!("broken link: {} `{}` is no write-up", b.field, b.target);
            note(&b.item, message)
        }));
        let uncovered: Vec<&str> = self
            .coverage
            .iter()
            .filter(|c| c.published == 0)
            .map(|c| c.practice)
            .collect();
        if !uncovered.is_empty() {
            notes.push(Note {
                path: String::new(),
                message: format!(
                    "no published write-up for {} of {} practices: {}",
                    uncovered.len(),
                    self.coverage.len(),
                    uncovered.join(", ")
                ),
            });
        }
        notes
    }
}

/// The health of `documents`, the valid write-ups of one content folder.
pub fn health<'a>(documents: impl IntoIterator<Item = &'a Document>, rules: &Rules) -> Health {
    let documents: Vec<&Document> = documents.into_iter().collect();
    let mut known: BTreeSet<&str> = documents.iter().map(|d| d.slug.as_str()).collect();
    known.extend(
        documents
            .iter()
            .flat_map(|d| &d.front.aliases)
            .map(String::as_str),
    );
    let mut report = Health::default();
    for d in documents.iter().copied() {
        report.stale.extend(stale(d, rules));
        report.missing.extend(missing(d));
        report.broken.extend(broken_links(d, &known));
    }
    report.near_duplicates = similar_pairs(&documents)
        .into_iter()
        .map(|(a, b, similarity)| NearDuplicate {
            first: Item::of(documents[a]),
            later: Item::of(documents[b]),
            similarity,
        })
        .collect();
    report.coverage = coverage(&documents);
    report
}

/// Why a published write-up may be out of date: `review_after` passed, or else dated
/// longer ago than the review age and not validated.
fn stale(d: &Document, rules: &Rules) -> Option<Stale> {
    if d.front.status != Status::Published {
        return None;
    }
    let (reason, date) = if let Some(after) = d.front.review_after
        && after < rules.today
    {
        (StaleReason::ReviewAfterPassed, after)
    } else if d.front.confidence != Some(Confidence::Validated)
        && let Some(date) = d.front.date
        && rules.today.ordinal().saturating_sub(date.ordinal()) > rules.review_age_days
    {
        (StaleReason::OldNotValidated, date)
    } else {
        return None;
    };
    Some(Stale {
        item: Item::of(d),
        reason,
        date,
    })
}

/// The section a write-up's kind promises and it lacks.
fn missing(d: &Document) -> Option<Missing> {
    let has = |s: Section| d.sections.get(s).is_some();
    let section = if !has(Section::Lesson) && !has(Section::Mistake) {
        MissingSection::LessonAndMistake
    } else if d.front.kind == Kind::Lesson && !has(Section::Lesson) {
        MissingSection::Lesson
    } else if d.front.kind == Kind::Mistake && !has(Section::Mistake) {
        MissingSection::Mistake
    } else {
        return None;
    };
    Some(Missing {
        item: Item::of(d),
        kind: d.front.kind,
        section,
    })
}

/// The front-matter links of `d` whose target is no slug or alias in `known`.
fn broken_links(d: &Document, known: &BTreeSet<&str>) -> Vec<BrokenLink> {
    let front = &d.front;
    let targets = front
        .related
        .iter()
        .map(|t| ("related", t))
        .chain(front.supersedes.iter().map(|t| ("supersedes", t)))
        .chain(front.duplicate_of.iter().map(|t| ("duplicate_of", t)))
        .chain(front.translation_of.iter().map(|t| ("translation_of", t)));
    targets
        .filter(|(_, target)| !known.contains(target.trim_matches('/')))
        .map(|(field, target)| BrokenLink {
            item: Item::of(d),
            field,
            target: target.clone(),
        })
        .collect()
}

/// Published write-ups per ITIL practice.
fn coverage(documents: &[&Document]) -> Vec<Coverage> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in documents
        .iter()
        .filter(|d| d.front.status == Status::Published)
    {
        for p in &d.front.practices {
            *counts.entry(p.as_str()).or_default() += 1;
        }
    }
    vocab::PRACTICES
        .iter()
        .map(|p| Coverage {
            practice: p,
            published: counts.get(p).copied().unwrap_or(0),
        })
        .collect()
}

/// Word triples (hashed) of a write-up's title and text, lower-cased.
fn shingles(doc: &Document) -> HashSet<u64> {
    use std::hash::{Hash, Hasher};
    let text = format!("{} {}", doc.front.title, doc.sections.all_text()).to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(3)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Pairs `(a, b, similarity)` of indexes into `documents`, `a < b`, sorted, whose word
/// triples have a Jaccard similarity of at least [`DUPLICATE_SIMILARITY`], leaving out
/// translations of each other. Only write-ups that share a triple are compared (each
/// triple lists the write-ups that have it), so the cost grows with the overlap, not
/// with the square of the collection.
pub fn similar_pairs<D: Borrow<Document>>(documents: &[D]) -> Vec<(usize, usize, f64)> {
    let sets: Vec<HashSet<u64>> = documents.iter().map(|d| shingles(d.borrow())).collect();
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for s in set {
            postings.entry(*s).or_default().push(i);
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for docs in postings.values().filter(|docs| docs.len() <= COMMON_TRIPLE) {
        for (k, &a) in docs.iter().enumerate() {
            for &b in &docs[k + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
    }
    let translation = |x: &Document, y: &Document| {
        x.front.translation_of.as_deref() == Some(y.slug.as_str())
            || y.front.translation_of.as_deref() == Some(x.slug.as_str())
    };
    let mut pairs: Vec<(usize, usize, f64)> = shared
        .into_iter()
        .filter_map(|((a, b), n)| {
            let union = sets[a].len() + sets[b].len() - n;
            let similarity = n as f64 / union.max(1) as f64;
            (similarity >= DUPLICATE_SIMILARITY).then_some((a, b, similarity))
        })
        .filter(|(a, b, _)| !translation(documents[*a].borrow(), documents[*b].borrow()))
        .collect();
    pairs.sort_unstable_by_key(|&(a, b, _)| (a, b));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, front: &str, body: &str) -> Document {
        Document::parse(path, &format!("---\n{front}---\n{body}"))
            .document
            .expect("valid")
    }

    fn rules(today: &str) -> Rules {
        Rules {
            today: Date::parse(today).expect("date"),
            review_age_days: 730,
        }
    }

    const LESSON: &str = "## Lesson learned\n\nStart with standard changes.\n";

    #[test]
    fn stale_write_ups_say_why_and_since_when() {
        let docs = [
            doc(
                "a.md",
                "title: A\nkind: lesson\ndate: 2020-01-01\nreview_after: 2021-06-01\n",
                LESSON,
            ),
            doc("b.md", "title: B\nkind: lesson\ndate: 2020-01-01\n", LESSON),
            doc(
                "c.md",
                "title: C\nkind: lesson\ndate: 2020-01-01\nconfidence: validated\n",
                LESSON,
            ),
            doc("d.md", "title: D\nkind: lesson\ndate: 2021-01-01\n", LESSON),
            doc(
                "e.md",
                "title: E\nkind: lesson\ndate: 2010-01-01\nstatus: draft\n",
                LESSON,
            ),
            doc("f.md", "title: F\nkind: lesson\n", LESSON),
        ];
        let report = health(&docs, &rules("2022-06-01"));
        let stale: Vec<(&str, StaleReason, String)> = report
            .stale
            .iter()
            .map(|s| (s.item.slug.as_str(), s.reason, s.date.to_string()))
            .collect();
        assert_eq!(
            stale,
            [
                ("a", StaleReason::ReviewAfterPassed, "2021-06-01".into()),
                ("b", StaleReason::OldNotValidated, "2020-01-01".into()),
            ]
        );
        // One day past the review age, not on it.
        let day = |d: &str| Date::parse(d).expect("date").ordinal();
        let on_the_age = day("2020-01-01") + 730;
        let report = health(&docs[1..2], &rules("2021-12-31"));
        assert_eq!(day("2021-12-31"), on_the_age);
        assert!(report.stale.is_empty());
        assert_eq!(health(&docs[1..2], &rules("2022-01-01")).stale.len(), 1);
    }

    #[test]
    fn broken_links_name_field_and_target_and_aliases_count() {
        let docs = [
            doc(
                "change/cab.md",
                "title: CAB\nkind: lesson\nrelated: [change/freeze, /change/old-name, nowhere]\nduplicate_of: gone\n",
                LESSON,
            ),
            doc(
                "change/freeze.md",
                "title: Freeze\nkind: lesson\naliases: [change/old-name]\ntranslation_of: change/cab\nsupersedes: [older]\n",
                LESSON,
            ),
        ];
        let report = health(&docs, &rules("2022-06-01"));
        let broken: Vec<(&str, &str, &str)> = report
            .broken
            .iter()
            .map(|b| (b.item.slug.as_str(), b.field, b.target.as_str()))
            .collect();
        assert_eq!(
            broken,
            [
                ("change/cab", "related", "nowhere"),
                ("change/cab", "duplicate_of", "gone"),
                ("change/freeze", "supersedes", "older"),
            ]
        );
    }

    #[test]
    fn missing_sections_follow_the_kind() {
        let docs = [
            doc("a.md", "title: A\nkind: practice\n", "Only a paragraph.\n"),
            doc(
                "b.md",
                "title: B\nkind: lesson\n",
                "## Mistake to avoid\n\nX.\n",
            ),
            doc("c.md", "title: C\nkind: mistake\n", LESSON),
            doc(
                "d.md",
                "title: D\nkind: mistake\n",
                "## Mistake to avoid\n\nX.\n",
            ),
        ];
        let report = health(&docs, &rules("2022-06-01"));
        let missing: Vec<(&str, MissingSection)> = report
            .missing
            .iter()
            .map(|m| (m.item.slug.as_str(), m.section))
            .collect();
        assert_eq!(
            missing,
            [
                ("a", MissingSection::LessonAndMistake),
                ("b", MissingSection::Lesson),
                ("c", MissingSection::Mistake),
            ]
        );
    }

    #[test]
    fn notes_word_every_finding_but_near_duplicates() {
        let docs = [
            doc(
                "a.md",
                "title: A\nkind: practice\ndate: 2020-01-01\nrelated: [gone]\n",
                "Only a paragraph.\n",
            ),
            doc(
                "b.md",
                "title: B\nkind: lesson\nreview_after: 2021-01-01\npractices: [change-enablement]\n",
                LESSON,
            ),
            doc("c.md", "title: C\nkind: lesson\n", "Only a paragraph.\n"),
        ];
        let rules = rules("2022-06-01");
        let lines: Vec<String> = health(&docs, &rules)
            .notes(&rules)
            .into_iter()
            .map(|n| format!("{}: {}", n.path, n.message))
            .collect();
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert_eq!(
            lines[..4],
            [
                "a.md: due for review: dated 2020-01-01, more than 730 days ago, and not `confidence: validated`",
                "b.md: due for review: review_after 2021-01-01 has passed",
                "a.md: a practice with no \"Lesson learned\" and no \"Mistake to avoid\" section",
                "a.md: broken link: related `gone` is no write-up",
            ]
        );
        assert!(
            lines[4].starts_with(": no published write-up for 33 of 34 practices: "),
            "{}",
            lines[4]
        );
        assert!(!lines[4].contains("change-enablement"), "{}", lines[4]);
    }

    #[test]
    fn coverage_counts_published_write_ups_for_every_practice() {
        let docs = [
            doc(
                "a.md",
                "title: A\nkind: lesson\npractices: [change-enablement, incident-management]\n",
                LESSON,
            ),
            doc(
                "b.md",
                "title: B\nkind: lesson\npractices: [change-enablement]\n",
                LESSON,
            ),
            doc(
                "c.md",
                "title: C\nkind: lesson\npractices: [change-enablement]\nstatus: draft\n",
                LESSON,
            ),
        ];
        let report = health(&docs, &rules("2022-06-01"));
        assert_eq!(report.coverage.len(), vocab::PRACTICES.len());
        let count = |p: &str| {
            report
                .coverage
                .iter()
                .find(|c| c.practice == p)
                .map(|c| c.published)
        };
        assert_eq!(count("change-enablement"), Some(2));
        assert_eq!(count("incident-management"), Some(1));
        assert_eq!(count("service-desk"), Some(0));
    }

    #[test]
    fn a_near_identical_pair_is_a_near_duplicate_and_an_unrelated_pair_is_not() {
        let cab = "## Lesson learned\n\nWe copied the change advisory board of a large bank and it did not fit our small municipality at all, so we rebuilt it from standard changes.\n";
        let cab_again = "## Lesson learned\n\nWe copied the change advisory board of a large bank and it did not fit our small municipality at all, so we rebuilt it around standard changes.\n";
        let swarming = "## Lesson learned\n\nSwarming on hard incidents instead of passing tickets between tiers halved the time to restore service for our users.\n";
        let docs = [
            doc("a.md", "title: CAB\nkind: lesson\n", cab),
            doc("b.md", "title: Swarming\nkind: lesson\n", swarming),
            doc("c.md", "title: CAB\nkind: lesson\n", cab_again),
        ];
        let report = health(&docs, &rules("2022-06-01"));
        let pairs: Vec<(&str, &str)> = report
            .near_duplicates
            .iter()
            .map(|n| (n.first.slug.as_str(), n.later.slug.as_str()))
            .collect();
        assert_eq!(pairs, [("a", "c")]);
        let similarity = report.near_duplicates[0].similarity;
        assert!(
            (DUPLICATE_SIMILARITY..1.0).contains(&similarity),
            "{similarity}"
        );
        assert!(similar_pairs(&docs[..2]).is_empty());
    }

    #[test]
    fn translations_are_not_near_duplicates() {
        let body = "## Lesson learned\n\nWe copied the change advisory board of a large bank and it did not fit.\n";
        let docs = [
            doc("a.md", "title: CAB\nkind: lesson\n", body),
            doc(
                "b.md",
                "title: CAB\nkind: lesson\ntranslation_of: a\n",
                body,
            ),
        ];
        assert!(similar_pairs(&docs).is_empty());
        assert_eq!(similar_pairs(&docs[..1]), Vec::<(usize, usize, f64)>::new());
    }
}
