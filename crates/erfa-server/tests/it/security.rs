//! Security headers on every response, and local mode's refusals.

use axum::body::Body;
use axum::http::Request;

use crate::support::{Resp, get, sample_app, send};

fn assert_security_headers(resp: &Resp, what: &str) {
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
    assert!(!resp.header("cache-control").is_empty(), "{what}");
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
