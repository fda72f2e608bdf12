//! erfa-server's integration tests: the router without a socket, the XSS corpus, and
//! end-to-end runs in headless Chromium.

mod admin;
mod auth;
mod browser;
mod confidential;
mod openapi;
mod routes;
mod security;
mod submit;
mod support;
mod xss;
