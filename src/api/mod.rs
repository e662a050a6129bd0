//! `envctl serve`: the REST API over the same database as the CLI.
//!
//! [`app`] builds the whole service, so tests call it with `oneshot` and no
//! socket. Around the seed's five endpoints: health, readiness, metrics, the
//! OpenAPI spec, events and admin endpoints; token auth with roles, rate
//! limiting, request ids, a body limit, a timeout, access logs and one error
//! shape; and the upkeep loop that runs while the server does.

mod admin;
mod cache;
mod environments;
mod error;
mod events;
mod limits;
mod logs;
mod metrics;
mod monitor;
mod openapi;
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

use crate::context::Context;
use crate::store::Environment;
use crate::tokens::{Role, Token, Tokens};

/// Everything a handler needs.
pub struct App {
    pub ctx: Arc<Context>,
    pub tokens: Tokens,
    limits: Option<limits::Limits>,
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
}

impl App {
    pub fn new(ctx: Context, tokens: Tokens) -> App {
        let limits = limits::Limits::new(&ctx.config.api.rate_limit);
        App {
            ctx: Arc::new(ctx),
            tokens,
            limits,
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
        .route(
            "/api/onboarding/environments/{id}/stats",
            get(stats::environment),
        )
        .route("/api/onboarding/stats", get(stats::overview))
        .route(
            "/api/onboarding/new-environment",
            axum::routing::post(environments::create),
        )
        .route("/api/onboarding/templates", get(environments::templates))
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
        .merge(web::routes())
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

/// Counts the request against its caller's quota (the token presented, else
/// the client address); past it, 429 with Retry-After.
async fn rate_limit(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let Some(limits) = &app.limits else {
        return next.run(request).await;
    };
    let key = match request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(auth) => format!("token:{}", crate::tokens::fingerprint(auth)),
        None => {
            let addr = request
                .extensions()
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip());
            format!("addr:{}", addr.map_or("unknown".into(), |a| a.to_string()))
        }
    };
    let create = request.method() == axum::http::Method::POST
        && request.uri().path() == "/api/onboarding/new-environment";
    match limits.check(&key, create) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; retry in {secs} s"),
            )
            .into_response();
            if let Ok(v) = secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
    }
}

/// Who is calling, from `Authorization: Bearer <token>`.
fn caller(app: &App, headers: &HeaderMap) -> Result<Token, ApiError> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    app.caches
        .authenticate(&app.tokens, secret.trim())?
        .ok_or_else(ApiError::unauthorized)
}

fn require(token: &Token, role: Role, what: &str) -> Result<(), ApiError> {
    if token.role >= role {
        Ok(())
    } else {
        Err(ApiError::forbidden(what))
    }
}

/// Developers may change only their own environments; operators and admins any.
fn require_owner(token: &Token, env: &Environment, what: &str) -> Result<(), ApiError> {
    require(token, Role::Developer, what)?;
    if token.role >= Role::Operator || env.owner == token.user() {
        Ok(())
    } else {
        Err(ApiError::forbidden(&format!(
            "{what} an environment owned by someone else"
        )))
    }
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

/// A duration field of a request body ("90s", "8h"); 422 when malformed.
fn duration_field(
    field: &str,
    text: Option<&str>,
) -> Result<Option<std::time::Duration>, ApiError> {
    text.map(humantime::parse_duration)
        .transpose()
        .map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("{field}: {e}"),
            )
        })
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

#[utoipa::path(get, path = "/metrics", tag = "health", security(), responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
async fn prometheus(State(app): State<Shared>) -> Result<Response, ApiError> {
    let envs = blocking(&app, |ctx| ctx.store.read().map(|db| db.environments)).await?;
    let mut text = app.metrics.render(&envs);
    // Without Docker the volume figures are left out, not the whole scrape.
    let (volumes, bytes) = app.monitor.volumes(&app).await.unwrap_or((0, None));
    let host = crate::stats::host_figures(&app.ctx, &envs, volumes, bytes);
    metrics::render_resources(&mut text, &app.monitor.latest(), &host);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}

#[utoipa::path(get, path = "/healthz", tag = "health", security(), responses((status = 200, description = "Alive")))]
async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/readyz", tag = "health", security(), responses((status = 200, description = "Database readable and Docker reachable"), (status = 503, description = "Not ready")))]
async fn readyz(State(app): State<Shared>) -> Response {
    let db = app.ctx.store.read().map(|_| ());
    let docker = crate::docker::Engine::connect().await.map(|_| ());
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

/// Serves `app` on `listen` until Ctrl-C or SIGTERM, letting requests in flight finish.
pub async fn serve(state: Arc<App>, listen: std::net::SocketAddr) -> crate::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| crate::Error::Failed(format!("cannot listen on {listen}: {e}")))?;
    tokio::spawn(upkeep::run(Arc::downgrade(&state)));
    tokio::spawn(monitor::run(Arc::downgrade(&state)));
    let service = app(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown({
            let state = state.clone();
            async move {
                shutdown().await;
                state.closing.send_replace(true);
            }
        })
        .await
        .map_err(|e| crate::Error::Failed(format!("server error: {e}")));
    // Requests are done; creates still provisioning are interrupted and roll
    // back (bounded), so nothing is left half made.
    state.stopping.send_replace(true);
    let settled = async {
        while state.in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            let idle = state.idle.notified();
            if state.in_flight.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                break;
            }
            idle.await;
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(60), settled).await;
    served
}

async fn shutdown() {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
