//! The route table: every route erfa serves, with the least access it needs.
//!
//! The router is built from this table and nothing else, so a route cannot exist without
//! stating who may use it (deny by default); the tests walk the table for every rank and
//! `docs/routes.md` is checked against it.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::routing::MethodRouter;

use crate::auth::{self, Access};
use crate::state::AppState;

/// One route: method, path pattern, least access, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    /// `GET` (which also answers `HEAD`) or `POST`.
    pub method: Method,
    /// The path pattern, in axum's syntax.
    pub path: &'static str,
    /// The least access needed.
    pub access: Access,
    /// What the route is for, one line.
    pub what: &'static str,
}

/// A route with its handler.
pub(crate) struct Route {
    pub spec: RouteSpec,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    /// A `GET` route.
    pub fn get<H, T>(path: &'static str, access: Access, what: &'static str, handler: H) -> Route
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        Route {
            spec: RouteSpec {
                method: Method::GET,
                path,
                access,
                what,
            },
            handler: axum::routing::get(handler),
        }
    }

    /// A `POST` route.
    pub fn post<H, T>(path: &'static str, access: Access, what: &'static str, handler: H) -> Route
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        Route {
            spec: RouteSpec {
                method: Method::POST,
                path,
                access,
                what,
            },
            handler: axum::routing::post(handler),
        }
    }
}

fn all() -> Vec<Route> {
    let mut routes = crate::api::routes();
    routes.extend(crate::pages::routes());
    routes.extend(crate::people::routes());
    routes.extend(crate::desk::routes());
    routes.extend(crate::submit::routes());
    routes
}

/// Every route erfa serves.
pub fn table() -> Vec<RouteSpec> {
    all().into_iter().map(|r| r.spec).collect()
}

/// The table as the Markdown table in `docs/routes.md`.
pub fn markdown() -> String {
    let mut out = String::from("| Method | Path | Least access | What |\n|---|---|---|---|\n");
    for spec in table() {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            spec.method,
            spec.path,
            spec.access.as_str(),
            spec.what
        ));
    }
    out
}

/// The router of every route in the table, each behind its access check.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for route in all() {
        let access = route.spec.access;
        let guard = middleware::from_fn_with_state(
            state.clone(),
            move |State(state): State<AppState>, request: Request, next: Next| {
                auth::require(access, state, request, next)
            },
        );
        router = router.route(route.spec.path, route.handler.route_layer(guard));
    }
    router
}
