//! Closed lists of the write-up format: the only place their values are spelled.
//!
//! docs/FORMAT.md: values of closed lists are exact and lower-case; `Public` is an error,
//! never public. Each list is an enum with `ALL`, `as_str` and a strict `parse`.

use serde::{Deserialize, Serialize};

macro_rules! closed_list {
    ($(#[$doc:meta])* $name:ident, $key:literal { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in the order the format lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The front-matter key this list belongs to.
            pub const KEY: &'static str = $key;

            /// The exact spelling used in front matter, URLs and JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the exact, lower-case spelling; anything else is `None`.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The allowed values, joined for messages: "`a`, `b` or `c`".
            pub fn expected() -> String {
                join_expected(Self::ALL.iter().map(|v| v.as_str()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_list!(
    /// What a write-up is.
    Kind, "kind" {
        /// Something learned.
        Lesson => "lesson",
        /// Something that went wrong, to avoid.
        Mistake => "mistake",
        /// A practice that worked.
        Practice => "practice",
    }
);

closed_list!(
    /// The language a write-up is written in.
    Language, "language" {
        /// Danish.
        Da => "da",
        /// English.
        En => "en",
    }
);

closed_list!(
    /// The sector of the organisation the experience comes from.
    Sector, "sector" {
        /// Public sector.
        Public => "public",
        /// Private sector.
        Private => "private",
        /// Non-profit.
        NonProfit => "non-profit",
    }
);

closed_list!(
    /// People in IT at the organisation.
    OrgSize, "org_size" {
        /// 1 to 50.
        Small => "1-50",
        /// 50 to 250.
        Medium => "50-250",
        /// 250 to 1000.
        Large => "250-1000",
        /// Over 1000.
        VeryLarge => "1000+",
    }
);

closed_list!(
    /// Where a write-up is in its life.
    Status, "status" {
        /// Being written.
        Draft => "draft",
        /// Waiting for the facilitator.
        Review => "review",
        /// Visible to its audience.
        Published => "published",
        /// Kept, but no longer current.
        Archived => "archived",
    }
);

closed_list!(
    /// Who may read a write-up. A missing or invalid value is never public.
    Visibility, "visibility" {
        /// Members of the group only.
        Members => "members",
        /// Anyone, when the site allows public access.
        Public => "public",
    }
);

closed_list!(
    /// How sure the group is of a write-up.
    Confidence, "confidence" {
        /// Work in progress.
        Wip => "wip",
        /// Not validated yet.
        NotValidated => "not-validated",
        /// Validated by experience.
        Validated => "validated",
    }
);

closed_list!(
    /// How much the experience mattered.
    Impact, "impact" {
        /// Low impact.
        Low => "low",
        /// Medium impact.
        Medium => "medium",
        /// High impact.
        High => "high",
    }
);

impl Default for Language {
    /// English, the language erfa assumes when it cannot tell.
    fn default() -> Self {
        Language::En
    }
}

/// The 34 ITIL 4 practice slugs, the closed list for `practices`.
pub const PRACTICES: &[&str] = &[
    // General management practices.
    "architecture-management",
    "continual-improvement",
    "information-security-management",
    "knowledge-management",
    "measurement-and-reporting",
    "organizational-change-management",
    "portfolio-management",
    "project-management",
    "relationship-management",
    "risk-management",
    "service-financial-management",
    "strategy-management",
    "supplier-management",
    "workforce-and-talent-management",
    // Service management practices.
    "availability-management",
    "business-analysis",
    "capacity-and-performance-management",
    "change-enablement",
    "incident-management",
    "it-asset-management",
    "monitoring-and-event-management",
    "problem-management",
    "release-management",
    "service-catalogue-management",
    "service-configuration-management",
    "service-continuity-management",
    "service-design",
    "service-desk",
    "service-level-management",
    "service-request-management",
    "service-validation-and-testing",
    // Technical management practices.
    "deployment-management",
    "infrastructure-and-platform-management",
    "software-development-and-management",
];

/// Whether `slug` is one of the ITIL 4 practice slugs.
pub fn is_practice(slug: &str) -> bool {
    PRACTICES.contains(&slug)
}

/// Names from ITIL v3 and everyday speech for ITIL 4 practices, for hints.
const PRACTICE_ALIASES: &[(&str, &str)] = &[
    ("change-management", "change-enablement"),
    (
        "configuration-management",
        "service-configuration-management",
    ),
    ("asset-management", "it-asset-management"),
    ("event-management", "monitoring-and-event-management"),
    ("request-fulfilment", "service-request-management"),
    ("request-fulfillment", "service-request-management"),
    ("continuity-management", "service-continuity-management"),
    ("capacity-management", "capacity-and-performance-management"),
    ("supplier-management", "supplier-management"),
    ("deployment", "deployment-management"),
];

/// Up to three known values closest to `input`, best first, for "did you mean" hints.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let input = input.to_lowercase();
    let alias = PRACTICE_ALIASES
        .iter()
        .find(|(old, _)| *old == input)
        .map(|(_, new)| *new);
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let mut score = strsim::jaro_winkler(&input, c);
            if alias == Some(c) {
                score += 1.0;
            }
            if input.len() >= 3 && c.contains(input.as_str()) {
                score += 0.2;
            }
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// The values a search filter on a closed list takes, by facet name; `None` for the
/// open lists (tags, tools, meetings, years), whose values come from the write-ups.
pub fn closed_facet(facet: &str) -> Option<Vec<&'static str>> {
    fn all<T: Copy>(values: &[T], text: fn(T) -> &'static str) -> Vec<&'static str> {
        values.iter().map(|v| text(*v)).collect()
    }
    Some(match facet {
        "kind" => all(Kind::ALL, Kind::as_str),
        "language" => all(Language::ALL, Language::as_str),
        "sector" => all(Sector::ALL, Sector::as_str),
        "org_size" => all(OrgSize::ALL, OrgSize::as_str),
        "confidence" => all(Confidence::ALL, Confidence::as_str),
        "practices" => PRACTICES.to_vec(),
        _ => return None,
    })
}

/// The value of a closed list meant by `input`, for a "did you mean" hint: for
/// `org_size`, the range that holds a number (`100` → `50-250`); else the closest value.
pub fn closest_value(key: &str, input: &str, candidates: &[&'static str]) -> Option<&'static str> {
    if key == OrgSize::KEY
        && let Ok(n) = input.trim().trim_end_matches('+').trim().parse::<u64>()
    {
        return Some(
            match n {
                0..50 => OrgSize::Small,
                50..250 => OrgSize::Medium,
                250..1000 => OrgSize::Large,
                _ => OrgSize::VeryLarge,
            }
            .as_str(),
        );
    }
    closest(input, candidates.iter().copied()).first().copied()
}

/// "`a`, `b` or `c`".
pub fn join_expected<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let values: Vec<String> = values.map(|v| format!("`{v}`")).collect();
    match values.len() {
        0 => String::new(),
        1 => values[0].clone(),
        n => format!("{} or {}", values[..n - 1].join(", "), values[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_org_size_number_suggests_the_range_that_holds_it() {
        let sizes = closed_facet("org_size").expect("closed");
        for (input, range) in [
            ("100", "50-250"),
            ("12", "1-50"),
            ("50", "50-250"),
            ("999", "250-1000"),
            ("5000", "1000+"),
            ("1000+", "1000+"),
        ] {
            assert_eq!(
                closest_value("org_size", input, &sizes),
                Some(range),
                "{input}"
            );
        }
        assert_eq!(
            closest_value("kind", "mistke", &closed_facet("kind").expect("closed")),
            Some("mistake")
        );
        assert_eq!(closed_facet("tags"), None);
    }

    #[test]
    fn there_are_34_practices_without_duplicates() {
        let mut sorted = PRACTICES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 34);
    }

    #[test]
    fn closed_lists_are_exact() {
        assert_eq!(Visibility::parse("public"), Some(Visibility::Public));
        assert_eq!(Visibility::parse("Public"), None);
        assert_eq!(OrgSize::parse("1000+"), Some(OrgSize::VeryLarge));
        assert_eq!(Kind::expected(), "`lesson`, `mistake` or `practice`");
    }

    #[test]
    fn closest_practice_suggestions() {
        assert_eq!(
            closest("change-management", PRACTICES.iter().copied())[0],
            "change-enablement"
        );
        assert!(closest("incident", PRACTICES.iter().copied()).contains(&"incident-management"));
    }
}
