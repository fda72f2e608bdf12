//! Integration tests of erfa-index: parsing, the content walk, incremental indexing,
//! Danish analysis, scopes and the result shape. One binary, one module per concern.

mod common;
mod cross_language;
mod danish;
mod differential;
mod incremental;
mod model;
mod parse_table;
mod regressions;
mod result_shape;
mod stored_cost;
mod tags;
mod tiers;
mod tree;
mod typing;
