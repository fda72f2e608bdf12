//! Routes and the access rule at work: every route erfa serves states the least access it
//! needs ([`Route`]), and the router is built from the table of them (assembled in
//! `lib.rs`) and nothing else, so a route cannot exist without stating who may use it
//! (deny by default); the tests walk the table for every rank and `docs/routes.md` is
//! checked against it. Other methods at a known path, `OPTIONS` included, are answered
//! from the table too: only viewers who may use the path learn which methods it has.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use axum::http::HeaderMap;
use axum::response::Redirect;

use crate::access::{Access, Credential, Rank, Viewer, allows};
use crate::error::AppError;
use crate::i18n::Lang;
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

/// The specs of `routes`, in their order.
pub(crate) fn specs(routes: Vec<Route>) -> Vec<RouteSpec> {
    routes.into_iter().map(|r| r.spec).collect()
}

/// `specs` as the Markdown table in `docs/routes.md`.
pub(crate) fn markdown(specs: &[RouteSpec]) -> String {
    let mut out = String::from("| Method | Path | Least access | What |\n|---|---|---|---|\n");
    for spec in specs {
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

/// The router of every route in the table, each behind its access check
/// ([`require`]). Every other method at a route's path is answered by
/// [`other_method`], from the same table.
pub(crate) fn router(state: &AppState, routes: Vec<Route>) -> Router<AppState> {
    // One method router per path, in the table's order, with the methods it serves.
    let mut paths: Vec<PathRoutes> = Vec::new();
    for route in routes {
        let access = route.spec.access;
        let guard = middleware::from_fn_with_state(
            state.clone(),
            move |State(state): State<AppState>, request: Request, next: Next| {
                require(access, state, request, next)
            },
        );
        let handler = route.handler.route_layer(guard);
        let method = (route.spec.method, access);
        match paths.iter_mut().find(|p| p.path == route.spec.path) {
            Some(p) => {
                p.router = std::mem::take(&mut p.router).merge(handler);
                p.methods.push(method);
            }
            None => paths.push(PathRoutes {
                path: route.spec.path,
                router: handler,
                methods: vec![method],
            }),
        }
    }
    let mut router = Router::new();
    for PathRoutes {
        path,
        router: method_router,
        methods,
    } in paths
    {
        let methods: Arc<[(Method, Access)]> = methods.into();
        // `any` answers every method the table does not list, and leaves the `Allow`
        // header to `other_method`: axum would otherwise add it to every such answer,
        // refusals included.
        let others = axum::routing::any(move |State(state): State<AppState>, request: Request| {
            let methods = methods.clone();
            async move { other_method(&methods, &state, request) }
        });
        router = router.route(path, method_router.merge(others));
    }
    router
}

/// The routes of one path: their handlers, each behind its guard, and their methods with
/// the access each needs.
struct PathRoutes {
    path: &'static str,
    router: MethodRouter<AppState>,
    methods: Vec<(Method, Access)>,
}

/// A method the table does not list at a path it knows. A viewer who may use none of the
/// path's routes gets [`deny`] (for anonymous viewers, exactly what a path that does
/// not exist answers); only a viewer who may use some of them learns which methods there
/// are: `OPTIONS` answers 204, any other method 405, both with `Allow`.
fn other_method(methods: &[(Method, Access)], state: &AppState, request: Request) -> Response {
    let viewer = Viewer::of(request.extensions());
    let allowed: Vec<&Method> = methods
        .iter()
        .filter(|(_, access)| allows(*access, viewer.rank, state.public_access()))
        .map(|(method, _)| method)
        .collect();
    if allowed.is_empty() {
        return deny(state, &viewer, request.headers(), request.uri());
    }
    let mut names: Vec<&str> = Vec::new();
    for method in allowed {
        if *method == Method::GET {
            names.extend(["GET", "HEAD"]);
        } else {
            names.push(method.as_str());
        }
    }
    let allow = [(header::ALLOW, names.join(", "))];
    if request.method() == Method::OPTIONS {
        return (StatusCode::NO_CONTENT, allow).into_response();
    }
    (allow, AppError::MethodNotAllowed).into_response()
}

/// What a path that does not exist answers `viewer`. Unknown paths follow the `public`
/// rule: without public access an anonymous visitor is asked to log in, as on every other
/// page; everyone else gets 404 (JSON under `/api`, the HTML page elsewhere).
pub(crate) fn missing(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
) -> Response {
    let lang = Lang::negotiate(headers);
    let path = uri.path();
    if !allows(Access::Public, viewer.rank, state.public_access()) {
        if crate::is_api(path) {
            return AppError::Unauthorized(lang.t().error_401_text.to_string()).into_response();
        }
        let here = uri.path_and_query().map_or("/", |p| p.as_str());
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    AppError::not_found().into_response()
}

/// What a viewer who may not use a route gets. An anonymous viewer gets exactly what a
/// path that does not exist answers ([`missing`]): asked to log in without public access,
/// 404 with it, so that nobody can list the routes they may not use (docs/routes.md).
/// A logged-in viewer whose role is too low gets 403.
pub(crate) fn deny(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
) -> Response {
    if viewer.rank == Rank::Anonymous {
        return missing(state, viewer, headers, uri);
    }
    let lang = Lang::negotiate(headers);
    let error = AppError::Forbidden {
        code: "forbidden",
        message: lang.t().forbidden_role.to_string(),
    };
    error.into_response()
}

/// Lets the request through when the viewer may use a route that needs `access`.
pub(crate) async fn require(
    access: Access,
    state: AppState,
    request: Request,
    next: Next,
) -> Response {
    let viewer = Viewer::of(request.extensions());
    match refuse(access, &state, &viewer, &request) {
        Some(denied) => denied,
        None => next.run(request).await,
    }
}

/// The answer for a viewer who may not use a route that needs `access`, or `None` when
/// they may.
pub(crate) fn refuse(
    access: Access,
    state: &AppState,
    viewer: &Viewer,
    request: &Request,
) -> Option<Response> {
    let scraper = access == Access::Metrics && viewer.credential == Credential::Metrics;
    (!scraper && !allows(access, viewer.rank, state.public_access()))
        .then(|| deny(state, viewer, request.headers(), request.uri()))
}
