//! The index: parsed write-ups written into tantivy, and read back.
//!
//! Builds on [`crate::content`] and never on [`crate::search`]: it writes and stores what
//! searches later read.
//!
//! - [`schema`] is the only home of field names and analyzers (`stem`: Snowball with
//!   exceptions for words it would wrongly join); [`store`] opens (and
//!   throws away) the two indexes in the data folder, and [`lock`] keeps one writer per
//!   data folder.
//! - [`writer`] brings the index up to date with `content/`; [`watch`] does it live from
//!   file-system events; `queue` bounds the documents waiting in the writers.
//! - `stored` reads a stored write-up only as far as a caller needs; `stats` gives
//!   BM25 statistics that do not depend on how the index was written; `reads` notes the
//!   statistics a search read, so that its answer can outlive a commit.

pub(crate) mod acronym;
pub(crate) mod digit_tail;
pub mod lock;
pub(crate) mod queue;
pub(crate) mod reads;
pub(crate) mod rewrite;
pub mod schema;
pub(crate) mod stats;
pub(crate) mod stem;
pub mod store;
pub(crate) mod stored;
pub(crate) mod unmapped;
pub mod watch;
pub mod writer;
