//! Security headers and the error shape on every response, and local mode's refusals.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{Method, Request};

use crate::support::{Resp, app_configured, get, sample, sample_app, send};

pub fn assert_security_headers(resp: &Resp, what: &str) {
    let csp = resp.header("content-security-policy");
    for part in [
        "default-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(part), "{what}: CSP lacks {part}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}");
    assert_eq!(resp.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(resp.header("referrer-policy"), "same-origin", "{what}");
    assert_eq!(resp.header("x-frame-options"), "DENY", "{what}");
    assert_eq!(
        resp.header("cross-origin-opener-policy"),
        "same-origin",
        "{what}"
    );
    assert!(!resp.header("permissions-policy").is_empty(), "{what}");
    assert!(!resp.header("cache-control").is_empty(), "{what}");
}

/// A request body that never arrives.
struct Stalled;

impl HttpBody for Stalled {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, Infallible>>> {
        Poll::Pending
    }
}

fn local(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "localhost")
}

#[tokio::test]
async fn every_error_answer_carries_the_security_headers_and_the_error_shape() {
    let app = app_configured(&sample(), |config| {
        config.limits.request_timeout = Duration::from_millis(300);
    });
    let big = vec![b'a'; 2 * 1024 * 1024];
    let long = "q".repeat(20 * 1024);
    let announced = |uri: &str| {
        local(Method::POST, uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("content-length", big.len())
            .body(Body::from(big.clone()))
            .expect("a request")
    };
    let plain = |method: Method, uri: &str| local(method, uri).body(Body::empty()).expect("req");
    let form = |uri: &str, body: &'static str| {
        local(Method::POST, uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a request")
    };
    // What, the request, the status, and under `/api` the error code.
    let cases: Vec<(&str, Request<Body>, u16, Option<&str>)> = vec![
        (
            "API: oversized body",
            announced("/api/search"),
            413,
            Some("payload_too_large"),
        ),
        (
            "API: long address",
            plain(Method::GET, &format!("/api/search?q={long}")),
            414,
            Some("uri_too_long"),
        ),
        (
            "API: unknown path",
            plain(Method::GET, "/api/nope"),
            404,
            Some("not_found"),
        ),
        (
            "API: wrong method",
            plain(Method::DELETE, "/api/search"),
            405,
            Some("method_not_allowed"),
        ),
        (
            "API: malformed query",
            plain(Method::GET, "/api/search?page=x&page=y"),
            400,
            Some("bad_query_string"),
        ),
        (
            "API: malformed path",
            plain(Method::GET, "/api/writeups/%FF"),
            404,
            Some("not_found"),
        ),
        ("page: oversized body", announced("/share"), 413, None),
        (
            "page: oversized body, streamed",
            local(Method::POST, "/share")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(big.clone()))
                .expect("a request"),
            413,
            None,
        ),
        (
            "page: oversized form, streamed",
            local(Method::POST, "/admin/flags/1")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(big.clone()))
                .expect("a request"),
            413,
            None,
        ),
        (
            "page: body that never arrives",
            local(Method::POST, "/share")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::new(Stalled))
                .expect("a request"),
            408,
            None,
        ),
        (
            "page: long address",
            plain(Method::GET, &format!("/?q={long}")),
            414,
            None,
        ),
        ("page: unknown path", plain(Method::GET, "/nope"), 404, None),
        (
            "page: wrong method",
            plain(Method::DELETE, "/browse"),
            405,
            None,
        ),
        (
            "page: malformed form",
            form("/signal/change/cab-copied", "nothing=1"),
            400,
            None,
        ),
        (
            "page: malformed query",
            plain(Method::GET, "/?page=1&page=2"),
            400,
            None,
        ),
        (
            "page: malformed path",
            plain(Method::GET, "/static/%FF"),
            400,
            None,
        ),
        (
            "page: malformed path of a form",
            plain(Method::POST, "/admin/people/%FF/reset"),
            400,
            None,
        ),
    ];
    for (what, request, status, code) in cases {
        let resp = send(&app.router, request).await;
        assert_eq!(resp.status.as_u16(), status, "{what}: {}", resp.text());
        assert_security_headers(&resp, what);
        assert_eq!(resp.header("cache-control"), "no-store", "{what}");
        match code {
            Some(code) => {
                assert_eq!(resp.mime(), "application/json", "{what}");
                assert_eq!(resp.json()["error"]["code"], code, "{what}");
                assert!(
                    resp.json()["error"]["message"]
                        .as_str()
                        .is_some_and(|m| !m.is_empty()),
                    "{what}"
                );
            }
            None => {
                assert_eq!(resp.mime(), "text/html", "{what}: {}", resp.text());
                assert!(
                    resp.text()
                        .contains(&format!("<p class=\"error-status\">{status}</p>")),
                    "{what}: {}",
                    resp.text()
                );
            }
        }
        if status == 405 {
            assert!(!resp.header("allow").is_empty(), "{what}");
        }
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = sample_app();
    for uri in [
        "/",
        "/?q=cab",
        "/?page=x",
        "/w/change/cab-copied",
        "/w/nope",
        "/w/old/cab",
        "/w/change/cab-copied/diagram.png",
        "/browse",
        "/feed.atom",
        "/opensearch.xml",
        "/robots.txt",
        "/static/app.css",
        "/static/app.js",
        "/static/icon.svg",
        "/favicon.ico",
        "/lang/da",
        "/nope",
        "/api/search?q=x",
        "/api/search?page=x",
        "/api/writeups/nope",
        "/api/health",
        "/api/openapi.json",
        "/api/nope",
        "/api/suggest?q=x",
        "/api/facets",
    ] {
        let resp = get(&app.router, uri).await;
        assert_security_headers(&resp, uri);
    }
    let post = Request::post("/")
        .header("host", "localhost")
        .body(Body::empty())
        .expect("req");
    assert_security_headers(&send(&app.router, post).await, "POST /");
    let refused = Request::get("/")
        .header("host", "evil.example")
        .body(Body::empty())
        .expect("req");
    assert_security_headers(&send(&app.router, refused).await, "403");
}

#[tokio::test]
async fn local_mode_refuses_two_hosts_and_every_proxy_header() {
    let app = sample_app();
    // What a reverse proxy sends when it adds nothing of its own (nginx's default
    // `proxy_pass` names the upstream as Host and speaks HTTP/1.0).
    let old = Request::get("/api/health")
        .version(axum::http::Version::HTTP_10)
        .header("host", "127.0.0.1:8080")
        .body(Body::empty())
        .expect("req");
    let r = send(&app.router, old).await;
    assert_eq!(r.status, 403, "HTTP/1.0");
    assert_eq!(r.json()["error"]["code"], "local_mode");
    for hosts in [
        &["localhost", "localhost"][..],
        &["localhost", "evil.example"],
        &["evil.example", "localhost"],
    ] {
        let mut request = Request::get("/api/health");
        for host in hosts {
            request = request.header("host", *host);
        }
        let r = send(&app.router, request.body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, 403, "{hosts:?}");
        assert_eq!(r.json()["error"]["code"], "local_mode", "{hosts:?}");
    }
    for (name, value) in [
        ("forwarded", "for=203.0.113.9"),
        ("via", "1.1 proxy.example"),
        ("x-forwarded-for", "203.0.113.9"),
        ("x-forwarded-host", "erfa.example"),
        ("x-forwarded-server", "proxy.example"),
        ("x-real-ip", "203.0.113.9"),
        ("x-client-ip", "203.0.113.9"),
        ("true-client-ip", "203.0.113.9"),
        ("cf-connecting-ip", "203.0.113.9"),
    ] {
        for uri in ["/api/health", "/"] {
            let r = send(
                &app.router,
                Request::get(uri)
                    .header("host", "localhost")
                    .header(name, value)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
            assert_eq!(r.status, 403, "{name} on {uri}");
            assert_security_headers(&r, name);
        }
    }
}

#[tokio::test]
async fn local_mode_refuses_foreign_hosts_and_proxies() {
    let app = sample_app();
    for host in [
        "localhost",
        "localhost:8080",
        "127.0.0.1:1234",
        "[::1]:8080",
    ] {
        let r = send(
            &app.router,
            Request::get("/api/health")
                .header("host", host)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_eq!(r.status, 200, "{host}");
    }
    for host in [
        "evil.example",
        "localhost.evil.example",
        "192.168.1.10:8080",
        "127.0.0.2",
    ] {
        let r = send(
            &app.router,
            Request::get("/api/health")
                .header("host", host)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_eq!(r.status, 403, "{host}");
        assert_eq!(r.json()["error"]["code"], "local_mode");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("erfa user add")
        );
        let page = send(
            &app.router,
            Request::get("/")
                .header("host", host)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_eq!(page.status, 403, "{host}");
        assert_eq!(page.mime(), "text/html");
        assert!(page.text().contains("local mode"), "{}", page.text());
    }
    let no_host = send(
        &app.router,
        Request::get("/").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(no_host.status, 403);
    for (name, value) in [
        ("x-forwarded-for", "203.0.113.9"),
        ("x-forwarded-host", "erfa.example"),
        ("x-forwarded-proto", "https"),
        ("forwarded", "for=203.0.113.9"),
        ("x-real-ip", "203.0.113.9"),
    ] {
        let r = send(
            &app.router,
            Request::get("/api/search?q=cab")
                .header("host", "localhost")
                .header(name, value)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_eq!(r.status, 403, "{name}");
        let r = send(
            &app.router,
            Request::get("/w/change/cab-copied")
                .header("host", "localhost")
                .header(name, value)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_eq!(r.status, 403, "{name}");
        assert!(!r.text().contains("CAB"), "nothing of the write-up leaks");
    }
    let r = get(&app.router, "/api/health").await;
    assert_eq!(r.status, 200);
}
