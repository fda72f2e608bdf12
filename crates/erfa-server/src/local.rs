//! Local mode (docs/SECURITY.md, "trust boundaries"): without accounts erfa serves only the
//! person at this machine. The server listens on loopback (checked at start, in `serve`),
//! and every request must name a loopback host and carry no proxy header; otherwise it is
//! refused with 403 and an explanation of how to add accounts.
//!
//! The `Host` check stops DNS rebinding (a web page that points its own name at
//! 127.0.0.1), and a request with two `Host` headers is refused whatever they say; the
//! proxy-header check (`Forwarded`, `Via`, `X-Forwarded-*`, `X-Real-IP` and the other
//! client-address headers of proxies and CDNs) stops a reverse proxy on this machine from
//! turning local mode into public access.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
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

/// Headers by which proxies and CDNs name the client or themselves; any of them (or any
/// `X-Forwarded-*`) means the request came through a proxy.
pub const PROXY_HEADERS: [&str; 7] = [
    "forwarded",
    "via",
    "x-real-ip",
    "x-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "x-cluster-client-ip",
];

/// Whether any header says the request came through a proxy.
pub fn has_proxy_headers(headers: &HeaderMap) -> bool {
    headers.keys().any(|name| {
        let name = name.as_str();
        PROXY_HEADERS.contains(&name) || name.starts_with("x-forwarded-")
    })
}

/// Whether the request names one loopback host: the request target's authority (when
/// it has one) and a single `Host` header must both be loopback names. Two `Host`
/// headers are refused whatever they say, as proxies and servers may read either.
pub fn names_loopback_host(uri: &axum::http::Uri, headers: &HeaderMap) -> bool {
    let mut hosts = headers.get_all(HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return false;
    }
    let host = host.map(|h| h.to_str().ok().is_some_and(is_loopback_host));
    match uri.authority() {
        Some(authority) => is_loopback_host(authority.as_str()) && host.unwrap_or(true),
        None => host.unwrap_or(false),
    }
}

/// Refuses requests that local mode does not serve.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.config.local {
        return next.run(request).await;
    }
    let headers = request.headers();
    // HTTP/1.0 as well: a reverse proxy that adds no headers of its own (nginx's
    // `proxy_pass` by default names the upstream as `Host` and speaks HTTP/1.0) must not
    // pass for the person at this machine; browsers and tools on it speak HTTP/1.1 or
    // later.
    if names_loopback_host(request.uri(), headers)
        && !has_proxy_headers(headers)
        && request.version() >= axum::http::Version::HTTP_11
    {
        return next.run(request).await;
    }
    let lang = Lang::negotiate(headers);
    let error = AppError::Forbidden {
        code: "local_mode",
        message: lang.t().local_refused.to_string(),
    };
    error.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_loopback_host_only() {
        let uri: axum::http::Uri = "/".parse().expect("a uri");
        let headers = |hosts: &[&'static str]| {
            let mut h = HeaderMap::new();
            for host in hosts {
                h.append(HOST, axum::http::HeaderValue::from_static(host));
            }
            h
        };
        assert!(names_loopback_host(&uri, &headers(&["localhost"])));
        assert!(!names_loopback_host(&uri, &headers(&[])));
        assert!(!names_loopback_host(
            &uri,
            &headers(&["localhost", "localhost"])
        ));
        assert!(!names_loopback_host(
            &uri,
            &headers(&["localhost", "evil.example"])
        ));
        let absolute: axum::http::Uri = "http://localhost/".parse().expect("a uri");
        assert!(names_loopback_host(&absolute, &headers(&[])));
        assert!(!names_loopback_host(&absolute, &headers(&["evil.example"])));
        let absolute: axum::http::Uri = "http://evil.example/".parse().expect("a uri");
        assert!(!names_loopback_host(&absolute, &headers(&["localhost"])));
    }

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
