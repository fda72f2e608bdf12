//! erfa-server's integration tests: the router without a socket, the server loop on a
//! loopback socket, the XSS corpus, and end-to-end runs in headless Chromium.

mod admin;
mod auth;
mod badinput;
mod browser;
mod confidential;
mod connections;
mod faults;
mod help;
mod history;
mod mail;
mod news;
mod observe;
mod openapi;
mod people;
mod questions;
mod routes;
mod searching;
mod security;
mod starting;
mod submit;
mod support;
mod topics;
mod xss;
