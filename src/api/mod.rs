//! `envctl serve`: the REST API over the same database as the CLI.
//!
//! [`app`] builds the whole service, so tests call it with `oneshot` and no
//! socket. Around the seed's five endpoints: health, readiness, metrics, the
//! OpenAPI spec, events and admin endpoints; token auth with roles, rate
//! limiting, request ids, a body limit, a timeout, access logs and one error
//! shape; and the upkeep loop that runs while the server does.
//!
//! A handler translates (path, query, body, the `Caller` extractor) into a
//! request of [`crate::ops::requests`], calls one operation and renders its
//! answer; validation, authorisation and the event log are the operation's.
//!
//! Must not: hold a rule of its own (a check, a policy, an event).

mod admin;
mod archives;
mod cache;
mod environments;
mod error;
mod events;
mod exec;
mod limits;
mod logs;
mod metrics;
mod monitor;
pub(crate) mod openapi;
mod reports;
mod server;
mod stats;
mod upkeep;
mod web;

use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

pub use error::ApiError;
use error::ErrorBody;
pub use server::serve;

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::tokens::{Token, Tokens};

/// Everything a handler needs.
pub struct App {
    pub ctx: Arc<Context>,
    pub tokens: Tokens,
    pub(crate) limits: Option<limits::Limits>,
    streams: limits::Streams,
    metrics: metrics::Metrics,
    monitor: monitor::Monitor,
    sessions: web::Sessions,
    events: tokio::sync::broadcast::Sender<events::StatusChange>,
    watching: std::sync::atomic::AtomicBool,
    caches: cache::Caches,
    /// Set when the server stops: interrupts creates still provisioning.
    stopping: tokio::sync::watch::Sender<bool>,
    /// Set when the server is asked to stop: ends the event streams, which
    /// would otherwise keep their connections (and the shutdown) open.
    closing: tokio::sync::watch::Sender<bool>,
    in_flight: std::sync::atomic::AtomicUsize,
    idle: tokio::sync::Notify,
    /// Wakes the upkeep loop to refill the warm pools (after a claim or a miss).
    pool_wake: tokio::sync::Notify,
    /// True while a pool reconcile runs in the background.
    refilling: std::sync::atomic::AtomicBool,
}

impl App {
    pub fn new(ctx: Context, tokens: Tokens) -> App {
        let limits = limits::Limits::new(&ctx.config.api.rate_limit);
        App {
            ctx: Arc::new(ctx),
            tokens,
            limits,
            streams: limits::Streams::default(),
            metrics: metrics::Metrics::default(),
            monitor: monitor::Monitor::default(),
            sessions: web::Sessions::default(),
            events: tokio::sync::broadcast::channel(1024).0,
            watching: std::sync::atomic::AtomicBool::new(false),
            caches: cache::Caches::default(),
            stopping: tokio::sync::watch::channel(false).0,
            closing: tokio::sync::watch::channel(false).0,
            in_flight: std::sync::atomic::AtomicUsize::new(0),
            idle: tokio::sync::Notify::new(),
            pool_wake: tokio::sync::Notify::new(),
            refilling: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

type Shared = Arc<App>;

/// The whole service.
pub fn app(state: Arc<App>) -> Router {
    let api = Router::new()
        .route("/api/onboarding/environments", get(environments::list))
        .route(
            "/api/onboarding/environments/{id}",
            get(environments::show)
                .put(environments::update)
                .delete(environments::delete),
        )
        .route("/api/onboarding/environments/{id}/logs", get(logs::logs))
        .route("/api/onboarding/environments/{id}/exec", get(exec::exec))
        .route(
            "/api/onboarding/environments/{id}/secrets",
            get(environments::secrets),
        )
        .route(
            "/api/onboarding/environments/{id}/stats",
            get(stats::environment),
        )
        .route(
            "/api/onboarding/environments/{id}/services/{service}/restart",
            axum::routing::post(environments::restart_service),
        )
        .route("/api/onboarding/stats", get(stats::overview))
        .route("/api/onboarding/report", get(reports::report))
        .route(
            "/api/onboarding/new-environment",
            axum::routing::post(environments::create),
        )
        .route("/api/onboarding/templates", get(environments::templates))
        .route("/api/onboarding/archives", get(archives::list))
        .route(
            "/api/onboarding/archives/{id}",
            get(archives::show).delete(archives::delete),
        )
        .route(
            "/api/onboarding/environments/{id}/archive",
            axum::routing::post(archives::create),
        )
        .route("/api/onboarding/events", get(events::stream))
        .route("/api/admin/cleanup", axum::routing::post(admin::cleanup))
        .route("/api/admin/sync", axum::routing::post(admin::sync))
        .route(
            "/api/admin/backups",
            get(admin::backups).post(admin::create_backup),
        )
        .route("/api/admin/reset", axum::routing::post(admin::reset))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit,
        ));
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(prometheus))
        .route("/api/openapi.json", get(openapi::spec))
        .merge(api)
        .merge(web::routes(state.clone()))
        .layer(axum::middleware::from_fn(error_shape))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            count_request,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            std::time::Duration::from_secs(60),
        ))
        .layer(access_log())
        .layer(tower_http::request_id::PropagateRequestIdLayer::new(
            request_id.clone(),
        ))
        .layer(tower_http::request_id::SetRequestIdLayer::new(
            request_id,
            RequestIds::default(),
        ))
        .with_state(state)
}

/// Structured access logs (tracing): one span per request with its method,
/// path and request id, and one event per response with status and latency.
fn access_log() -> tower_http::trace::TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    impl Fn(&axum::http::Request<axum::body::Body>) -> tracing::Span + Clone,
> {
    tower_http::trace::TraceLayer::new_for_http()
        .make_span_with(|request: &axum::http::Request<axum::body::Body>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        })
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
}

/// Request ids: a random per-process prefix and a counter.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds {
            prefix: rand::random(),
            next: Arc::default(),
        }
    }
}

impl tower_http::request_id::MakeRequestId for RequestIds {
    fn make_request_id<B>(
        &mut self,
        _: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{:08x}-{n}", self.prefix);
        Some(tower_http::request_id::RequestId::new(id.parse().ok()?))
    }
}

/// Counts an API request against its caller's quota; past it, 429 with
/// Retry-After. The caller is the authenticated token (however its header is
/// spaced); a request without a valid token counts against its client
/// address, so failed authentication is limited too.
async fn rate_limit(State(app): State<Shared>, mut request: Request, next: Next) -> Response {
    let Some(limits) = &app.limits else {
        return next.run(request).await;
    };
    let create = request.method() == axum::http::Method::POST
        && request.uri().path() == "/api/onboarding/new-environment";
    let token = authenticated(&app, request.headers()).await;
    let key = match &token {
        Some(token) => limits::Key::Token(token.id.clone()),
        None => limits::Key::Address(client_address(&request)),
    };
    // The handler's `caller` uses this answer instead of looking again.
    request.extensions_mut().insert(Authenticated(token));
    match limits.check(key, create) {
        Ok(()) => next.run(request).await,
        Err(wait) => limits::too_many(wait),
    }
}

/// The client's address, as the listener saw it.
pub(crate) fn client_address(request: &Request) -> Option<std::net::IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The secret of `Authorization: Bearer <token>`, however it is spaced: the
/// one reading of the header, for authentication and for rate limits alike.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, secret) = value.split_once(|c: char| c.is_ascii_whitespace())?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(secret.trim())
        .filter(|s| !s.is_empty())
}

/// The token a request presents, if it is valid. Reads the token file only
/// when it changed, off the async workers.
async fn authenticated(app: &Shared, headers: &HeaderMap) -> Option<Token> {
    let secret = bearer(headers)?.to_owned();
    // The usual case: the token file has not changed, a `stat` says so.
    if let Some(list) = app.caches.current_tokens(&app.tokens) {
        return crate::tokens::find(&list, &secret);
    }
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.caches.authenticate(&app.tokens, &secret))
        .await
        .ok()?
        .ok()?
}

/// The token the rate limiter already authenticated for this request.
#[derive(Clone)]
struct Authenticated(Option<Token>);

/// Who is calling, from `Authorization: Bearer <token>`: what every API
/// handler takes (as `Result<Caller, ApiError>`, to decide when a missing
/// token answers 401). The rate limiter's answer is reused when it ran.
impl axum::extract::FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &Shared,
    ) -> Result<Caller, ApiError> {
        bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        let token = match parts.extensions.get::<Authenticated>() {
            Some(Authenticated(token)) => token.clone(),
            None => authenticated(app, &parts.headers).await,
        };
        token
            .map(|t| Caller::token(&t, "api"))
            .ok_or_else(ApiError::unauthorized)
    }
}

/// The caller may do `action` (to no environment in particular).
fn require(caller: &Caller, action: Action) -> Result<(), ApiError> {
    caller.authorize(action, None).map_err(ApiError::from)
}

/// A JSON object body; empty or `null` is the default (every field absent).
/// Anything but an object (an array, a string) is refused.
fn body<T: for<'de> Deserialize<'de> + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    let bad = |e: String| ApiError::bad_request(format!("invalid JSON body: {e}"));
    if bytes.is_empty() {
        return Ok(T::default());
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(bad("expected a JSON object, got only white space".into())),
        Some(b'{') | Some(b'n') => serde_json::from_slice::<Option<T>>(bytes)
            .map(Option::unwrap_or_default)
            .map_err(|e| bad(e.to_string())),
        Some(_) => Err(bad("expected a JSON object".into())),
    }
}

/// The environments as stored, from memory when the file has not changed.
async fn cached_environments(app: &Shared) -> Result<Arc<cache::Environments>, ApiError> {
    if let Some(envs) = app.caches.current_environments(&app.ctx.store) {
        return Ok(envs);
    }
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.caches.refresh_environments(&app.ctx.store))
        .await
        .map_err(|e| ApiError::from(crate::Error::Failed(format!("database task failed: {e}"))))?
        .map_err(ApiError::from)
}

/// Runs a database call off the async workers: the store's lock is a
/// blocking `flock` that may wait up to the lock timeout.
/// Runs `work` on a task of its own and waits for it: a request that times
/// out, or a client that goes away, stops the waiting, never the work, so an
/// archive or a removal is not cut off half way (it is logged as usual).
pub(crate) async fn detached<T: Send + 'static>(
    work: impl std::future::Future<Output = crate::Result<T>> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::spawn(work)
        .await
        .map_err(|e| ApiError::from(crate::Error::Failed(format!("the task failed: {e}"))))?
        .map_err(ApiError::from)
}

async fn blocking<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&Context) -> crate::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let ctx = app.ctx.clone();
    tokio::task::spawn_blocking(move || f(&ctx))
        .await
        .map_err(|e| ApiError::from(crate::Error::Failed(format!("database task failed: {e}"))))?
        .map_err(ApiError::from)
}

/// Answers the framework's own refusals of API requests (no such route,
/// method not allowed, body too large, wrong content type) in the API's
/// one error shape, like every other error.
async fn error_shape(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !api || json || !(response.status().is_client_error()) {
        return response;
    }
    let status = response.status();
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such endpoint"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not take that method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the body is over 64 KiB"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "send the body as application/json",
        ),
        _ => ("bad_request", "the request was refused"),
    };
    let mut shaped = ApiError::new(crate::error::ErrorCode::parse(code), message).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        shaped.headers_mut().insert(header::ALLOW, allow.clone());
    }
    shaped
}

/// Counts every answered request by route (the pattern, not the path) and status.
async fn count_request(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    app.metrics.request(&route, response.status().as_u16());
    response
}

#[utoipa::path(get, path = "/metrics", tag = "health", security(), responses((status = 200, description = "Prometheus text (0.0.4), or OpenMetrics when the scraper's Accept asks for application/openmetrics-text", content_type = "text/plain")))]
async fn prometheus(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    // An unreadable database is reported, not a failed scrape.
    let envs = blocking(&app, |ctx| ctx.store.read().map(|db| db.environments))
        .await
        .ok();
    let listed = envs.clone().unwrap_or_default();
    // Without Docker the volume figures are left out, not the whole scrape.
    let (volumes, bytes) = app.monitor.volumes(&app).await.unwrap_or((0, None));
    let host = crate::ops::stats::host_figures(&app.ctx, &listed, volumes, bytes);
    let latest = app.monitor.latest();
    let open_metrics = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(metrics::wants_open_metrics);
    let pools = blocking(&app, |ctx| {
        crate::ops::pool::status(ctx, crate::ops::pool::now())
    })
    .await
    .unwrap_or_default();
    let archives = blocking(&app, crate::ops::archive::usage).await.ok();
    let networks = app.monitor.networks(&app).await.ok();
    let runs = blocking(&app, |ctx| Ok(crate::store::runs::read(ctx.store.dir())))
        .await
        .unwrap_or_default();
    let notifications = crate::notify::figures(&app.ctx);
    let scrape = metrics::Scrape {
        environments: envs.as_deref(),
        pools: &pools,
        latest: &latest,
        host: &host,
        archives,
        networks,
        runs: &runs,
        notifications,
    };
    let text = app.metrics.render(&scrape, open_metrics);
    let kind = if open_metrics {
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    } else {
        "text/plain; version=0.0.4; charset=utf-8"
    };
    Ok(([(header::CONTENT_TYPE, kind)], text).into_response())
}

#[utoipa::path(get, path = "/healthz", tag = "health", security(), responses((status = 200, description = "Alive")))]
async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/readyz", tag = "health", security(), responses((status = 200, description = "Database readable and Docker reachable"), (status = 503, description = "Not ready")))]
async fn readyz(State(app): State<Shared>) -> Response {
    let db = app.ctx.store.read().map(|_| ());
    let docker = crate::engine::Engine::connect(&app.ctx.config.engine)
        .await
        .map(|_| ());
    let ok = db.is_ok() && docker.is_ok();
    let body = serde_json::json!({
        "database": if db.is_ok() { "ok" } else { "unreadable" },
        "docker": if docker.is_ok() { "ok" } else { "unreachable" },
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
