//! End-to-end tests of the `erfa` binary.

mod check;
mod cli;
mod crash;
