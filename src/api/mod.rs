//! `envctl serve`: the REST API over the same database as the CLI.
//!
//! [`app`] builds the whole service, so tests call it with `oneshot` and no
//! socket. Around the seed's five endpoints: health, readiness, metrics, the
//! OpenAPI spec, events and admin endpoints; token auth with roles, rate
//! limiting, request ids, a body limit, a timeout, access logs and one error
//! shape; and the upkeep loop that runs while the server does.

mod admin;
mod cache;
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

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

pub use error::ApiError;
use error::ErrorBody;

use crate::context::Context;
use crate::ops::{self, DeleteOptions};
use crate::progress::Silent;
use crate::provision::{self, CreateOptions};
use crate::store::{Environment, Status};
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
        .route("/api/onboarding/environments", get(list))
        .route(
            "/api/onboarding/environments/{id}",
            get(show).put(update).delete(delete),
        )
        .route("/api/onboarding/environments/{id}/logs", get(logs::logs))
        .route(
            "/api/onboarding/environments/{id}/stats",
            get(stats::environment),
        )
        .route("/api/onboarding/stats", get(stats::overview))
        .route(
            "/api/onboarding/new-environment",
            axum::routing::post(create),
        )
        .route("/api/onboarding/templates", get(templates))
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

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    owner: Option<String>,
    template: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// Page size when `limit` is not given, and the largest allowed.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1000;
const MAX_OFFSET: usize = 1_000_000_000;

#[utoipa::path(get, path = "/api/onboarding/environments", tag = "environments",
    params(
        ("status" = Option<Status>, Query, description = "Only this status"),
        ("owner" = Option<String>, Query, description = "Only this owner"),
        ("template" = Option<String>, Query, description = "Only this template"),
        ("limit" = Option<usize>, Query, description = "Page size (default 100, at most 1000)", minimum = 0, maximum = 1000),
        ("offset" = Option<usize>, Query, description = "Skip this many", minimum = 0, maximum = 1000000000),
    ),
    responses((status = 200, description = "A page of environments, oldest first", body = [Environment],
               headers(("x-total-count" = usize, description = "How many match"))),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
async fn list(
    State(app): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    require(&caller(&app, &headers)?, Role::Viewer, "read environments")?;
    let status = q.status.as_deref().map(str::parse::<Status>).transpose()?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if q.offset.is_some_and(|o| o > MAX_OFFSET) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("offset may be at most {MAX_OFFSET}"),
        ));
    }
    if limit > MAX_PAGE {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("limit may be at most {MAX_PAGE}"),
        ));
    }
    let envs = cached_environments(&app).await?;
    let matching = envs.list.iter().filter(|e| {
        status.is_none_or(|s| e.status == s)
            && q.owner.as_deref().is_none_or(|o| &*e.owner == o)
            && q.template.as_deref().is_none_or(|t| &*e.template == t)
    });
    let mut total = 0usize;
    let mut body = String::with_capacity(limit.min(envs.list.len()) * 900 + 2);
    body.push('[');
    for (i, e) in matching.enumerate() {
        total += 1;
        if i >= q.offset.unwrap_or(0) && i < q.offset.unwrap_or(0).saturating_add(limit) {
            if body.len() > 1 {
                body.push(',');
            }
            body.push_str(&e.json);
        }
    }
    body.push(']');
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (HeaderName::from_static("x-total-count"), total.to_string()),
        ],
        body,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/onboarding/environments/{id}", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name")),
    responses((status = 200, description = "The environment", body = Environment), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
async fn show(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require(&caller(&app, &headers)?, Role::Viewer, "read environments")?;
    Ok(Json(blocking(&app, move |ctx| ops::show(ctx, &id)).await?).into_response())
}

#[utoipa::path(get, path = "/api/onboarding/templates", tag = "environments",
    responses((status = 200, description = "The templates environments can be made from, by name", body = BTreeMap<String, crate::config::TemplateSummary>),
              (status = 401, description = "No or a bad token", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody)))]
async fn templates(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    require(&caller(&app, &headers)?, Role::Viewer, "read templates")?;
    Ok(Json(app.ctx.config.template_summaries()).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub(crate) struct CreateBody {
    #[schema(pattern = "^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")]
    name: Option<String>,
    /// One of the config's templates (404 for another).
    template: Option<String>,
    #[schema(pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    owner: Option<String>,
    /// Time to live: a number and a unit (s, m, h, d, w).
    #[schema(pattern = "^[0-9]{1,6}[smhdw]$")]
    ttl: Option<String>,
    #[serde(default)]
    #[schema(schema_with = openapi::labels_schema)]
    labels: BTreeMap<String, String>,
    /// Probe readiness after starting (default true); false leaves `ready` false.
    wait: Option<bool>,
    /// Give up (and roll back) after this long: a number and a unit (s, m, h, d, w).
    #[schema(pattern = "^[1-9][0-9]{0,5}[smhdw]$")]
    timeout: Option<String>,
    /// On failure keep the containers for inspection.
    keep_on_failure: Option<bool>,
    /// Never let cleanup remove it.
    pinned: Option<bool>,
}

/// A duration field of a request body ("90s", "8h").
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

#[utoipa::path(post, path = "/api/onboarding/new-environment", tag = "environments",
    request_body(content = Option<CreateBody>, description = "Every field is optional"),
    responses((status = 202, description = "Reserved (status creating); provisioning goes on", body = Environment,
               headers(("location" = String, description = "The environment's URL"))),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such template", body = ErrorBody), (status = 409, description = "Conflict with the current state", body = ErrorBody), (status = 413, description = "Body over 64 KiB"), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
async fn create(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let token = caller(&app, &headers)?;
    require(&token, Role::Developer, "create environments")?;
    let body: CreateBody = self::body(&body)?;
    if let Some(o) = &body.owner
        && (o.is_empty()
            || o.len() > 64
            || !o
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b)))
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "owner: 1 to 64 letters, digits, '.', '_', '@' or '-'",
        ));
    }
    // Developers create for themselves; operators and admins may name an owner.
    let owner = match body.owner {
        Some(o) if token.role >= Role::Operator => o,
        Some(o) if o != token.user() => {
            return Err(ApiError::forbidden("create environments for someone else"));
        }
        _ => token.user().to_owned(),
    };
    let ttl = duration_field("ttl", body.ttl.as_deref())?;
    let timeout = duration_field("timeout", body.timeout.as_deref())?;
    if timeout.is_some_and(|t| t.is_zero()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "timeout: must be more than zero",
        ));
    }
    for (k, v) in &body.labels {
        crate::names::parse_label(&format!("{k}={v}"))?;
    }
    let opts = CreateOptions {
        name: body.name,
        template: body.template,
        owner: Some(owner),
        labels: body.labels,
        ttl,
        wait: body.wait.unwrap_or(true),
        timeout,
        keep_on_failure: body.keep_on_failure.unwrap_or(false),
        pinned: body.pinned.unwrap_or(false),
    };
    if let Some(t) = &opts.template
        && !app.ctx.config.templates.contains_key(t)
    {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no template named '{t}'"),
        ));
    }
    let env = begin_create(&app, opts).await?;
    let location = format!("/api/onboarding/environments/{}", env.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(env),
    )
        .into_response())
}

/// Reserves the environment and provisions it in the background (the API's
/// and the web page's create): answers the `creating` record.
async fn begin_create(app: &Shared, opts: CreateOptions) -> Result<Environment, ApiError> {
    let reservation = provision::reserve_environment(&app.ctx, &opts).await?;
    let env = reservation.env.clone();
    let task_app = app.clone();
    let mut stopping = app.stopping.subscribe();
    app.in_flight
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    tokio::spawn(async move {
        let ctx = &task_app.ctx;
        let started = std::time::Instant::now();
        // The server stopping interrupts the create, which then rolls back.
        let cancel = async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        let result = provision::provision(ctx, reservation, &opts, &Silent, cancel).await;
        task_app
            .metrics
            .provisioned(started.elapsed().as_secs_f64());
        crate::ops::log(
            ctx,
            "create",
            &opts.name.clone().unwrap_or_default(),
            &result,
        );
        if task_app
            .in_flight
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst)
            == 1
        {
            task_app.idle.notify_waiters();
        }
    });
    Ok(env)
}

/// Starts the containers, answers, and probes readiness in the background.
async fn begin_start(
    app: &Shared,
    env: &Environment,
    timeout: Option<std::time::Duration>,
) -> Result<Environment, ApiError> {
    let started = ops::begin_start(&app.ctx, &env.id, timeout, &Silent).await;
    ops::log(&app.ctx, "start", &env.name, &started);
    let started = started?;
    let ctx = app.ctx.clone();
    let env = started.clone();
    tokio::spawn(async move {
        let _ = ops::finish_start(&ctx, &env, timeout, &Silent).await;
    });
    Ok(started)
}

/// Deletes in the background.
fn spawn_delete(app: &Shared, id: &str, opts: DeleteOptions) {
    let ctx = app.ctx.clone();
    let target = id.to_owned();
    tokio::spawn(async move {
        let _ = ops::delete(&ctx, &target, &opts).await;
    });
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub(crate) struct UpdateBody {
    /// "running" starts the environment, "stopped" stops it.
    #[schema(pattern = "^(running|stopped)$")]
    status: Option<String>,
    /// A new time to live from now (s, m, h, d, w). With `expires_at` too, the earlier end wins.
    #[schema(pattern = "^[0-9]{1,6}[smhdw]$")]
    ttl: Option<String>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    #[schema(schema_with = openapi::optional_labels_schema)]
    labels: Option<BTreeMap<String, String>>,
    pinned: Option<bool>,
    /// With status "running": how long readiness may take before the environment is `failed`.
    #[schema(pattern = "^[1-9][0-9]{0,5}[smhdw]$")]
    timeout: Option<String>,
}

#[utoipa::path(put, path = "/api/onboarding/environments/{id}", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name")),
    request_body(content = Option<UpdateBody>, description = "Every field is optional"),
    responses((status = 200, description = "The environment after the change", body = Environment),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment", body = ErrorBody), (status = 409, description = "Conflict with the current state", body = ErrorBody), (status = 413, description = "Body over 64 KiB"), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
async fn update(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let token = caller(&app, &headers)?;
    let body: UpdateBody = self::body(&body)?;
    let env = blocking(&app, move |ctx| ops::show(ctx, &id)).await?;
    require_owner(&token, &env, "change")?;
    // Both given: the earlier end wins.
    let timeout = duration_field("timeout", body.timeout.as_deref())?;
    if timeout.is_some_and(|t| t.is_zero()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "timeout: must be more than zero",
        ));
    }
    let from_ttl = match duration_field("ttl", body.ttl.as_deref())? {
        Some(d) => {
            let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
            Some(
                chrono::Utc::now()
                    .checked_add_signed(d)
                    .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
            )
        }
        None => None,
    };
    let expires_at = match (from_ttl, body.expires_at) {
        (Some(a), Some(b)) => Some(Some(a.min(b))),
        (Some(t), None) | (None, Some(t)) => Some(Some(t)),
        (None, None) => None,
    };
    if let Some(labels) = &body.labels {
        for (k, v) in labels {
            crate::names::parse_label(&format!("{k}={v}"))?;
        }
    }
    if expires_at.is_some() || body.labels.is_some() || body.pinned.is_some() {
        let (id, labels, pinned) = (env.id.clone(), body.labels.clone(), body.pinned);
        blocking(&app, move |ctx| {
            ctx.store.update(|db| {
                let e = db.get_mut(&id)?;
                if let Some(t) = expires_at {
                    e.expires_at = t;
                }
                if let Some(labels) = labels {
                    e.labels = labels;
                }
                if let Some(p) = pinned {
                    e.pinned = p;
                }
                e.updated_at = chrono::Utc::now();
                Ok(())
            })
        })
        .await?;
    }
    let env = match body.status.as_deref() {
        None => {
            let id = env.id.clone();
            blocking(&app, move |ctx| ops::show(ctx, &id)).await?
        }
        Some("stopped") => ops::stop(&app.ctx, &env.id, &Silent).await?,
        // Answer once the containers run; readiness is probed in the
        // background and shows in `ready` (or the record turns `failed`).
        Some("running") => begin_start(&app, &env, timeout).await?,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("status may be \"running\" or \"stopped\", not \"{other}\""),
            ));
        }
    };
    Ok(Json(env).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeleteQuery {
    /// Answer when the environment is gone (200, with what was removed), not at once (202).
    #[serde(default)]
    wait: bool,
    /// Keep its named volumes.
    #[serde(default)]
    keep_volumes: bool,
}

#[utoipa::path(delete, path = "/api/onboarding/environments/{id}", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name"), DeleteQuery),
    responses((status = 200, description = "Deleted (with wait=true), or already gone", body = Object),
              (status = 202, description = "Being deleted (or already gone)", body = Object),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 409, description = "The removal failed", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
async fn delete(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    query: Result<Query<DeleteQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let token = caller(&app, &headers)?;
    require(&token, Role::Developer, "delete environments")?;
    let answered = if q.wait {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    let env = match blocking(&app, move |ctx| ops::show(ctx, &id)).await {
        Ok(env) => env,
        // Idempotent: deleting what is gone is accepted.
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return Ok((
                answered,
                Json(serde_json::json!({"deleted": false, "environment": null})),
            )
                .into_response());
        }
        Err(e) => return Err(e),
    };
    require_owner(&token, &env, "delete")?;
    let opts = DeleteOptions {
        if_exists: true,
        keep_volumes: q.keep_volumes,
        ..Default::default()
    };
    if q.wait {
        let body = match ops::delete(&app.ctx, &env.id, &opts).await? {
            Some(d) => {
                serde_json::json!({"deleted": true, "environment": d.environment, "removed": d.removed})
            }
            None => serde_json::json!({"deleted": false, "environment": null}),
        };
        return Ok((StatusCode::OK, Json(body)).into_response());
    }
    spawn_delete(&app, &env.id, opts);
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({"deleted": true, "environment": env})),
    )
        .into_response())
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
