//! `/metrics` in the Prometheus text format, for the person who runs erfa.
//!
//! Requests are counted by route *pattern* (`/w/{*slug}`, never the slug), method and
//! status; latencies go into histograms. Searches are timed where they run. What the
//! index and the watcher are doing is read when the metrics are asked for. No label
//! ever holds a query, a name, a slug or anything else a member typed: paths that match
//! no route count as `unmatched` (docs/SECURITY.md).
//!
//! Only a facilitator's session or API token may read them (the route table; the route
//! is in `api`); a Prometheus scraper uses a facilitator's token
//! (`Authorization: Bearer …`).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The labels of a counted request.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route pattern, or `unmatched`.
    route: String,
    method: String,
    status: String,
}

/// A route pattern, the label of the latency histograms.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

/// Which index a figure is about.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScopeLabel {
    scope: String,
}

/// Latency buckets in seconds: from half a millisecond to ten seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Everything `/metrics` reports; one per server.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Family<RouteLabel, Histogram, fn() -> Histogram>,
    search_seconds: Histogram,
    login_failures: Counter,
    documents: Family<ScopeLabel, Gauge>,
    generation: Gauge,
    watcher_alive: Gauge,
    watcher_last_success: Gauge,
    watcher_busy_seconds: FloatGauge,
    watcher_last_update_seconds: FloatGauge,
    insights_queue: Gauge,
    /// Searches queued for the insights thread, counted by who queues and who takes.
    queued: AtomicI64,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A registry with every metric at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("erfa");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            requests.clone(),
        );
        let request_seconds =
            Family::<RouteLabel, Histogram, fn() -> Histogram>::new_with_constructor(
                latency_histogram as fn() -> Histogram,
            );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route pattern",
            request_seconds.clone(),
        );
        let search_seconds = latency_histogram();
        registry.register(
            "search_duration_seconds",
            "Time one search takes in the index, facets and snippets included",
            search_seconds.clone(),
        );
        let login_failures = Counter::default();
        registry.register(
            "login_failures",
            "Logins refused: an unknown name, a wrong password or a locked account",
            login_failures.clone(),
        );
        let documents = Family::<ScopeLabel, Gauge>::default();
        registry.register(
            "index_documents",
            "Write-ups in the index, by who may find them (facilitator: all; members: published; public)",
            documents.clone(),
        );
        let generation = Gauge::default();
        registry.register(
            "index_generation",
            "The index generation: one more with every commit",
            generation.clone(),
        );
        let watcher_alive = Gauge::default();
        registry.register(
            "watcher_alive",
            "1 while the watcher brings changes of the content folder into the index",
            watcher_alive.clone(),
        );
        let watcher_last_success = Gauge::default();
        registry.register(
            "watcher_last_success_timestamp_seconds",
            "When the watcher last committed an update (Unix time; 0: not yet)",
            watcher_last_success.clone(),
        );
        let watcher_busy_seconds = FloatGauge::default();
        registry.register(
            "watcher_busy_seconds",
            "How long the update under way has run: the watcher's lag behind the content folder (0 when idle)",
            watcher_busy_seconds.clone(),
        );
        let watcher_last_update_seconds = FloatGauge::default();
        registry.register(
            "watcher_last_update_seconds",
            "How long the last update took, from taking up its changes to searchable",
            watcher_last_update_seconds.clone(),
        );
        let insights_queue = Gauge::default();
        registry.register(
            "insights_queue",
            "Searches waiting to be recorded for search insights",
            insights_queue.clone(),
        );
        Metrics {
            registry,
            requests,
            request_seconds,
            search_seconds,
            login_failures,
            documents,
            generation,
            watcher_alive,
            watcher_last_success,
            watcher_busy_seconds,
            watcher_last_update_seconds,
            insights_queue,
            queued: AtomicI64::new(0),
        }
    }

    /// Counts one answered request.
    fn request(&self, route: &str, method: &Method, status: u16, seconds: f64) {
        let method = match *method {
            Method::GET => "GET",
            Method::HEAD => "HEAD",
            Method::POST => "POST",
            Method::OPTIONS => "OPTIONS",
            _ => "other",
        };
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method: method.to_string(),
                status: status.to_string(),
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabel {
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// Times one search.
    pub fn search(&self, seconds: f64) {
        self.search_seconds.observe(seconds);
    }

    /// Counts one refused login.
    pub fn login_failed(&self) {
        self.login_failures.inc();
    }

    /// One search more waits for the insights thread.
    pub fn insights_queued(&self) {
        self.queued.fetch_add(1, Ordering::Relaxed);
    }

    /// The insights thread took `n` searches.
    pub fn insights_taken(&self, n: usize) {
        self.queued.fetch_sub(n as i64, Ordering::Relaxed);
    }

    /// The metrics as Prometheus text, after reading the figures of the moment.
    pub(crate) fn encode(&self, figures: &Figures) -> Result<String, std::fmt::Error> {
        for (scope, count) in [
            ("facilitator", figures.writeups),
            ("members", figures.published),
            ("public", figures.public),
        ] {
            self.documents
                .get_or_create(&ScopeLabel {
                    scope: scope.to_string(),
                })
                .set(count as i64);
        }
        self.generation.set(figures.generation as i64);
        self.watcher_alive.set(i64::from(figures.watcher_alive));
        self.watcher_last_success
            .set(figures.watcher_last_success.unwrap_or(0));
        self.watcher_busy_seconds.set(figures.watcher_busy_seconds);
        self.watcher_last_update_seconds
            .set(figures.watcher_last_update_seconds);
        self.insights_queue
            .set(self.queued.load(Ordering::Relaxed).max(0));
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// What is read from the index and the watcher when metrics are asked for.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    pub writeups: u64,
    pub published: u64,
    pub public: u64,
    pub generation: u64,
    pub watcher_alive: bool,
    pub watcher_last_success: Option<i64>,
    pub watcher_busy_seconds: f64,
    pub watcher_last_update_seconds: f64,
}

/// The layer that counts and times every request by its route pattern.
pub(crate) async fn measure(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().clone();
    let response = next.run(request).await;
    metrics.request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_pattern_and_the_text_parses() {
        let metrics = Metrics::new();
        metrics.request("/w/{*slug}", &Method::GET, 200, 0.003);
        metrics.request("/w/{*slug}", &Method::GET, 200, 0.2);
        metrics.request("unmatched", &Method::DELETE, 404, 0.001);
        metrics.search(0.004);
        metrics.login_failed();
        metrics.insights_queued();
        metrics.insights_queued();
        metrics.insights_taken(1);
        let text = metrics
            .encode(&Figures {
                writeups: 7,
                generation: 3,
                ..Figures::default()
            })
            .expect("encode");
        let scrape = openmetrics_parser::prometheus::parse_prometheus(&text).expect("parses");
        let value = |name: &str, label: Option<(&str, &str)>| {
            scrape.families.get(name).and_then(|family| {
                family
                    .iter_samples()
                    .find(|s| {
                        label.is_none_or(|(k, v)| {
                            s.get_labelset().expect("labels").get_label_value(k) == Some(v)
                        })
                    })
                    .cloned()
            })
        };
        use openmetrics_parser::PrometheusValue as V;
        let number = |name: &str, label: Option<(&str, &str)>| match value(name, label)
            .unwrap_or_else(|| panic!("{name} {label:?}:\n{text}"))
            .value
        {
            V::Counter(c) => c.value.as_f64(),
            V::Gauge(n) | V::Unknown(n) => n.as_f64(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            number("erfa_http_requests_total", Some(("route", "/w/{*slug}"))),
            2.0
        );
        assert_eq!(
            number("erfa_http_requests_total", Some(("method", "other"))),
            1.0
        );
        assert_eq!(number("erfa_login_failures_total", None), 1.0);
        assert_eq!(
            number("erfa_index_documents", Some(("scope", "facilitator"))),
            7.0
        );
        assert_eq!(number("erfa_insights_queue", None), 1.0);
        let histogram = value(
            "erfa_http_request_duration_seconds",
            Some(("route", "/w/{*slug}")),
        )
        .expect("a histogram");
        let V::Histogram(histogram) = histogram.value else {
            panic!("{text}")
        };
        assert_eq!(histogram.count, Some(2));
        assert!(
            histogram
                .buckets
                .iter()
                .any(|b| b.upper_bound == 0.005 && b.count.as_f64() == 1.0),
            "{text}"
        );
    }
}
