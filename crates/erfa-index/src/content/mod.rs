//! Content: the write-ups in `content/` as files, text and checked values.
//!
//! Everything here works on files and strings and never touches tantivy; it depends on
//! nothing else in the crate but [`crate::error`]. The index and search build on it.
//!
//! - [`source`] walks `content/` in a fixed order and reads files safely;
//!   [`slug`] names a write-up by its path.
//! - [`front_matter`] splits off and checks the YAML header, with the closed lists of
//!   [`vocab`]; [`markdown`] turns the body into plain-text sections.
//! - [`document`] puts those together into one parsed write-up; [`catalog`] does it for
//!   the whole folder; [`diagnostic`] locates every problem found on the way.
//! - [`health`] finds what needs a facilitator's eye in the valid write-ups: stale ones,
//!   missing sections, broken links, near-duplicates, coverage of the practices.
//! - [`glossary`] reads the bilingual ITSM glossary and [`lexicon`] holds the one
//!   compiled into erfa; [`meetings`] the group's meetings;
//!   [`compounds`] the Danish compound parts the group adds.
//! - Writing into `content/`: [`template`] makes new write-ups, [`edit`] changes one line
//!   of an existing one, and both go through [`durable`]'s atomic writes; every value they
//!   (and the web form) write is spelled by [`yaml`].

pub mod catalog;
pub mod compounds;
mod data_file;
pub mod diagnostic;
pub mod document;
pub mod durable;
pub mod edit;
pub mod front_matter;
pub mod glossary;
pub mod health;
pub mod lexicon;
pub mod markdown;
pub mod meetings;
pub mod slug;
pub mod source;
pub mod template;
pub mod vocab;
pub mod yaml;
