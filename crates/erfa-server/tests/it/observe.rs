//! What the person who runs erfa sees: `/metrics` in the Prometheus text format (only for
//! the facilitator; never a query, a name or a slug) and a request id on every answer.

use erfa_accounts::TokenKind;
use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};

use crate::auth::{get_as, get_bearer, login, owned, post_form, site_with};
use crate::support::sample;

type Exposition = MetricsExposition<PrometheusType, PrometheusValue>;

fn scrape(text: &str) -> Exposition {
    parse_prometheus(text).unwrap_or_else(|e| panic!("not Prometheus text ({e:?}):\n{text}"))
}

/// A sample's value (a histogram's count) by family name and labels.
fn sample_value(scrape: &Exposition, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let family = scrape.families.get(name)?;
    family
        .iter_samples()
        .find(|s| {
            let set = s.get_labelset().expect("labels");
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|s| match &s.value {
            PrometheusValue::Unknown(n) | PrometheusValue::Gauge(n) => n.as_f64(),
            PrometheusValue::Counter(c) => c.value.as_f64(),
            PrometheusValue::Histogram(h) => h.count.map_or(f64::NAN, |c| c as f64),
            PrometheusValue::Summary(_) => f64::NAN,
        })
}

/// A monitoring system's scraper gets a metrics token: it reads `/metrics` and is an
/// anonymous visitor everywhere else, and only while its owner is the facilitator.
#[tokio::test]
async fn a_metrics_token_reads_the_metrics_and_nothing_else() {
    let site = site_with(&owned(sample()), true, true, |_| {});
    let mia = site.accounts.require("mia").expect("mia");
    let fran = site.accounts.require("fran").expect("fran");
    let scraper = site
        .accounts
        .create_token(&fran, TokenKind::Metrics)
        .expect("token");
    let resp = get_bearer(&site.router, "/metrics", &scraper).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    scrape(&resp.text());

    // Elsewhere it is nobody: byte for byte what an anonymous visitor gets.
    for path in [
        "/api/search?q=change",
        "/api/search?q=cab&scope=members",
        "/api/facets",
        "/admin",
        "/mine",
        "/api/health",
    ] {
        let anonymous = get_as(&site.router, path, None).await;
        let token = get_bearer(&site.router, path, &scraper).await;
        assert_eq!(token.status, anonymous.status, "{path}");
        assert_eq!(token.text(), anonymous.text(), "{path}");
    }

    // A member's metrics token opens nothing, and the facilitator's ends with the role.
    let members = site
        .accounts
        .create_token(&mia, TokenKind::Metrics)
        .expect("token");
    assert_eq!(
        get_bearer(&site.router, "/metrics", &members).await.status,
        401
    );
    site.accounts
        .set_role(&fran, erfa_accounts::Role::Member)
        .expect("demoted");
    assert_eq!(
        get_bearer(&site.router, "/metrics", &scraper).await.status,
        401
    );
    // An API token is not a metrics token, nor the other way round.
    assert_eq!(
        get_bearer(&site.router, "/api/search?q=change", &members)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn metrics_are_the_facilitator_s_and_hold_no_query_name_or_slug() {
    let site = site_with(&owned(sample()), true, true, |_| {});
    let mia = site.accounts.require("mia").expect("mia");
    let fran = site.accounts.require("fran").expect("fran");
    let member_token = site
        .accounts
        .create_token(&mia, TokenKind::Api)
        .expect("token");
    let scraper = site
        .accounts
        .create_token(&fran, TokenKind::Api)
        .expect("token");

    // Anonymous visitors and members are refused, by cookie and by token.
    assert_ne!(get_as(&site.router, "/metrics", None).await.status, 200);
    let cookie = login(&site.router, "mia").await;
    assert_eq!(
        get_as(&site.router, "/metrics", Some(&cookie)).await.status,
        403
    );
    assert_eq!(
        get_bearer(&site.router, "/metrics", &member_token)
            .await
            .status,
        403
    );

    // Some traffic with words that must not reach the metrics.
    let search = get_bearer(&site.router, "/api/search?q=zebrafinke", &member_token).await;
    assert_eq!(search.status, 200);
    let page = get_as(&site.router, "/w/change/cab-copied", Some(&cookie)).await;
    assert_eq!(page.status, 200);
    let refused = post_form(
        &site.router,
        "/login",
        "name=canaryname&password=wrong-password-here&next=/",
        None,
    )
    .await;
    assert_eq!(refused.status, 401);
    assert_eq!(
        get_as(&site.router, "/no/such/thing-here", None)
            .await
            .status,
        404
    );

    let resp = get_bearer(&site.router, "/metrics", &scraper).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.header("content-type"),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = resp.text();
    for secret in [
        "zebrafinke",
        "canaryname",
        "cab-copied",
        "mia",
        "thing-here",
    ] {
        assert!(
            !text.contains(secret),
            "the metrics hold {secret:?}:\n{text}"
        );
    }
    let scrape = scrape(&text);
    let value = |name: &str, labels: &[(&str, &str)]| {
        sample_value(&scrape, name, labels).unwrap_or_else(|| panic!("{name} {labels:?}:\n{text}"))
    };
    assert_eq!(
        value(
            "erfa_http_requests_total",
            &[
                ("route", "/api/search"),
                ("method", "GET"),
                ("status", "200")
            ]
        ),
        1.0
    );
    assert_eq!(
        value(
            "erfa_http_requests_total",
            &[("route", "/w/{*slug}"), ("status", "200")]
        ),
        1.0
    );
    assert_eq!(
        value(
            "erfa_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ),
        1.0
    );
    assert_eq!(
        value(
            "erfa_http_requests_total",
            &[("route", "/metrics"), ("status", "403")]
        ),
        2.0
    );
    assert!(
        value(
            "erfa_http_request_duration_seconds",
            &[("route", "/api/search")]
        ) >= 1.0
    );
    assert!(value("erfa_search_duration_seconds", &[]) >= 1.0);
    assert_eq!(value("erfa_login_failures_total", &[]), 1.0);
    let all = sample().len() as f64;
    assert_eq!(
        value("erfa_index_documents", &[("scope", "facilitator")]),
        all
    );
    assert!(value("erfa_index_documents", &[("scope", "public")]) < all);
    assert!(value("erfa_index_generation", &[]) >= 1.0);
    assert_eq!(value("erfa_watcher_alive", &[]), 1.0);
    assert!(value("erfa_insights_queue", &[]) >= 0.0);
}

#[tokio::test]
async fn every_answer_names_its_own_request_id_and_ignores_the_client_s() {
    let site = site_with(&owned(sample()), true, false, |_| {});
    let a = get_as(&site.router, "/api/search?q=cab", None).await;
    let request = axum::http::Request::get("/nope")
        .header("host", "erfa.example")
        .header("x-request-id", "client-chosen")
        .body(axum::body::Body::empty())
        .expect("a request");
    let b = crate::support::send(&site.router, request).await;
    assert_eq!(b.status, 404);
    let (a, b) = (a.header("x-request-id"), b.header("x-request-id"));
    assert!(!a.is_empty() && !b.is_empty());
    assert_ne!(a, b);
    assert_ne!(b, "client-chosen");
}
