//! Who is searching: the one value every part of search is keyed by.

use serde::{Deserialize, Serialize};

/// Who is searching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Anonymous visitors: public, published write-ups.
    Public,
    /// Members: every published write-up.
    #[default]
    Members,
    /// The facilitator: everything, drafts and archived included.
    Facilitator,
}

impl Scope {
    /// `public`, `members` or `facilitator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Public => "public",
            Scope::Members => "members",
            Scope::Facilitator => "facilitator",
        }
    }

    /// Parses the names above.
    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "public" => Some(Scope::Public),
            "members" => Some(Scope::Members),
            "facilitator" => Some(Scope::Facilitator),
            _ => None,
        }
    }
}
