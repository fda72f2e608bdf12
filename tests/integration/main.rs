//! End-to-end tests of the `erfa` binary.

mod accounts;
mod backup;
mod check;
mod cli;
mod crash;
mod service;
