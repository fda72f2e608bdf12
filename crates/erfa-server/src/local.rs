//! Local mode, as PRODUCT.md defines it: without accounts erfa serves only the person at
//! this machine. The server listens on loopback (checked at start, in `serve`), and every
//! request must name a loopback host and carry no proxy header; otherwise it is refused
//! with 403 and an explanation of how to add accounts.
//!
//! The `Host` check stops DNS rebinding (a web page that points its own name at
//! 127.0.0.1); the proxy-header check stops a reverse proxy on this machine from turning
//! local mode into public access.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;

/// Whether a `Host` value names this machine: `localhost`, `127.0.0.1` or `[::1]`, with an
/// optional port.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inner, "")) => return inner == "::1",
            Some((inner, port)) => {
                return inner == "::1" && port.strip_prefix(':').is_some_and(valid_port);
            }
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if valid_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1"
}

fn valid_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Whether any header says the request came through a proxy.
pub fn has_proxy_headers(headers: &HeaderMap) -> bool {
    headers.keys().any(|name| {
        let name = name.as_str();
        name == "forwarded" || name.starts_with("x-forwarded-") || name == "x-real-ip"
    })
}

/// Refuses requests that local mode does not serve.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.config.local {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host_ok = match request.uri().authority() {
        Some(authority) => {
            is_loopback_host(authority.as_str())
                && headers
                    .get(HOST)
                    .and_then(|h| h.to_str().ok())
                    .is_none_or(is_loopback_host)
        }
        None => headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(is_loopback_host),
    };
    if host_ok && !has_proxy_headers(headers) {
        return next.run(request).await;
    }
    let lang = Lang::negotiate(headers);
    let error = ApiError::Forbidden {
        code: "local_mode",
        message: lang.t().local_refused.to_string(),
    };
    if request.uri().path().starts_with("/api") {
        error.into_response()
    } else {
        crate::pages::error_page(&state, lang, crate::auth::Viewer::anonymous(), &error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1",
            "127.0.0.1:1",
            "[::1]",
            "[::1]:8080",
            "LOCALHOST",
            "localhost.",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "",
            "example.org",
            "localhost.example.org",
            "127.0.0.1.nip.io",
            "10.0.0.1",
            "[::2]",
            "localhost:abc",
            "[::1]x",
            "evil:localhost",
            "127.0.0.1:",
            "0.0.0.0",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
