//! erfa-server's integration tests: the router without a socket, the server loop on a
//! loopback socket, the XSS corpus, and end-to-end runs in headless Chromium.

mod admin;
mod auth;
mod badinput;
mod browser;
mod confidential;
mod connections;
mod faults;
mod history;
mod observe;
mod openapi;
mod people;
mod routes;
mod security;
mod submit;
mod support;
mod topics;
mod xss;
