//! The web interface at `/` of `envctl serve`: server-rendered HTML (maud),
//! a small script for live updates (Server-Sent Events) and a stylesheet,
//! both embedded in the binary, so it works offline and with a strict
//! Content-Security-Policy. Every state-changing form carries the session's
//! CSRF secret; every page is signed in with an API token.

// Handlers answer with a page either way; the error side is simply the page
// to send instead.
#![allow(clippy::result_large_err)]

mod charts;
mod pages;
mod session;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::Markup;
use serde::Deserialize;

pub use session::Sessions;

use super::environments::{begin_create, begin_start, spawn_delete};
use super::{ApiError, Shared};
use crate::cleanup::{self, CleanupOptions};
use crate::ops::{self, DeleteOptions};
use crate::progress::Silent;
use crate::provision::CreateOptions;
use crate::retention::RetentionPolicy;
use crate::store::Environment;
use crate::sync::{self, SyncOptions};
use crate::tokens::{Role, Token};
use pages::Viewer;

const CSS: &str = include_str!("app.css");
const JS: &str = include_str!("app.js");

/// What every page may load: only itself. No inline script or style.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(list))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/environments", post(create))
        .route("/environments/{id}", get(environment))
        .route("/environments/{id}/panel", get(panel))
        .route("/environments/{id}/row", get(row))
        .route("/environments/{id}/{action}", post(act))
        .route("/dashboard", get(dashboard))
        .route("/admin", get(admin))
        .route("/admin/cleanup", post(run_cleanup))
        .route("/admin/sync", post(run_sync))
        .route("/ui/events", get(events))
        .route("/static/app.css", get(|| async { asset(CSS, "text/css") }))
        .route(
            "/static/app.js",
            get(|| async { asset(JS, "text/javascript") }),
        )
        .layer(axum::middleware::from_fn(security_headers))
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, format!("{kind}; charset=utf-8")),
            (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
        ],
        body,
    )
        .into_response()
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The signed-in user of a request.
struct User {
    token: Token,
    session: String,
    csrf: String,
}

impl User {
    fn viewer(&self) -> Viewer<'_> {
        Viewer {
            token: &self.token,
            csrf: &self.csrf,
        }
    }

    /// Refuses a form whose CSRF field is not this session's.
    fn check(&self, csrf: &str) -> Result<(), Response> {
        if session::same_secret(csrf, &self.csrf) {
            Ok(())
        } else {
            Err(page(
                StatusCode::FORBIDDEN,
                pages::error(
                    Some(&self.viewer()),
                    "The form was stale or did not come from this site. Reload the page and try again.",
                ),
            ))
        }
    }
}

/// The session's user, if the cookie names a live session whose token is
/// still valid (a revoked token ends its sessions at once).
fn signed_in(app: &Shared, headers: &HeaderMap) -> Option<User> {
    let id = session::cookie(headers, session::COOKIE)?;
    let s = app.sessions.get(id)?;
    let token = app
        .tokens
        .list()
        .ok()?
        .into_iter()
        .find(|t| t.id == s.token_id)?;
    Some(User {
        token,
        session: id.to_owned(),
        csrf: s.csrf,
    })
}

/// The user, or the response to send instead: to the sign-in page for a
/// page, 401 for what a script fetches.
fn require_user(app: &Shared, headers: &HeaderMap, page_request: bool) -> Result<User, Response> {
    signed_in(app, headers).ok_or_else(|| {
        if page_request {
            Redirect::to("/login").into_response()
        } else {
            StatusCode::UNAUTHORIZED.into_response()
        }
    })
}

fn page(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

fn fail(user: &User, e: ApiError) -> Response {
    page(e.status, pages::error(Some(&user.viewer()), &e.message))
}

fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https")
}

async fn read_envs(app: &Shared) -> Result<Vec<Environment>, ApiError> {
    super::blocking(app, |ctx| ctx.store.read().map(|db| db.environments)).await
}

async fn find(app: &Shared, id: String) -> Result<Environment, ApiError> {
    super::blocking(app, move |ctx| ops::show(ctx, &id)).await
}

// ----- sign in and out -----

async fn login_page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if signed_in(&app, &headers).is_some() {
        return Redirect::to("/").into_response();
    }
    let csrf = session::random_hex();
    let mut response = page(StatusCode::OK, pages::login(&csrf, None));
    set_cookie(
        &mut response,
        &session::set_cookie(session::LOGIN_COOKIE, &csrf, Some(600), secure(&headers)),
    );
    response
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
    csrf: String,
}

async fn login(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = session::cookie(&headers, session::LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !session::same_secret(&form.csrf, expected) {
        return page(
            StatusCode::FORBIDDEN,
            pages::login(
                &session::random_hex(),
                Some("The sign-in form was stale; reload the page."),
            ),
        );
    }
    let token = match app.caches.authenticate(&app.tokens, form.token.trim()) {
        Ok(Some(t)) => t,
        _ => {
            let csrf = session::random_hex();
            let mut response = page(
                StatusCode::UNAUTHORIZED,
                pages::login(&csrf, Some("That token is not valid (unknown or revoked).")),
            );
            set_cookie(
                &mut response,
                &session::set_cookie(session::LOGIN_COOKIE, &csrf, Some(600), secure(&headers)),
            );
            return response;
        }
    };
    let (id, _) = app.sessions.create(&token);
    crate::events::record(
        app.ctx.store.dir(),
        "web-sign-in",
        None,
        "ok",
        Some(&token.name),
    );
    let mut response = Redirect::to("/").into_response();
    set_cookie(
        &mut response,
        &session::set_cookie(
            session::COOKIE,
            &id,
            Some(session::lifetime_secs()),
            secure(&headers),
        ),
    );
    set_cookie(
        &mut response,
        &session::set_cookie(session::LOGIN_COOKIE, "", Some(0), secure(&headers)),
    );
    response
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = user.check(&form.csrf) {
        return r;
    }
    app.sessions.remove(&user.session);
    let mut response = Redirect::to("/login").into_response();
    set_cookie(
        &mut response,
        &session::set_cookie(session::COOKIE, "", Some(0), secure(&headers)),
    );
    response
}

// ----- environments -----

#[derive(Deserialize, Default)]
struct ListQuery {
    deleted: Option<String>,
}

async fn list(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    list_page(
        &app,
        &user,
        q.deleted.map(|n| format!("Deleting {n}.")).as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn list_page(
    app: &Shared,
    user: &User,
    notice: Option<&str>,
    problem: Option<&str>,
    status: StatusCode,
) -> Response {
    match read_envs(app).await {
        Ok(envs) => page(
            status,
            pages::environments(
                &user.viewer(),
                &envs,
                &app.ctx.config.template_summaries(),
                notice,
                problem,
            ),
        ),
        Err(e) => fail(user, e),
    }
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    template: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    ttl: String,
}

async fn create(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CreateForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = user.check(&form.csrf) {
        return r;
    }
    if user.token.role < Role::Developer {
        return fail(&user, ApiError::forbidden("create environments"));
    }
    let ttl = match form.ttl.trim() {
        "" => None,
        t => match humantime::parse_duration(t) {
            Ok(d) => Some(d),
            Err(e) => {
                let problem = format!("Time to live: {e} (write it like 8h or 7d).");
                return list_page(
                    &app,
                    &user,
                    None,
                    Some(&problem),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let opts = CreateOptions {
        name: Some(form.name.trim().to_owned()).filter(|n| !n.is_empty()),
        template: Some(form.template),
        owner: Some(user.token.user().to_owned()),
        ttl,
        wait: true,
        ..Default::default()
    };
    if let Some(t) = &opts.template
        && !app.ctx.config.templates.contains_key(t)
    {
        let problem = format!("There is no template named '{t}'.");
        return list_page(
            &app,
            &user,
            None,
            Some(&problem),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match begin_create(&app, opts).await {
        Ok(env) => Redirect::to(&format!("/environments/{}", env.id)).into_response(),
        Err(e) => list_page(&app, &user, None, Some(&e.message), e.status).await,
    }
}

/// Figures for the page: the monitor's latest when the environment runs.
fn figures(app: &Shared, env: &Environment) -> Option<crate::stats::EnvironmentStats> {
    app.monitor.latest().into_iter().find(|s| s.id == env.id)
}

async fn environment(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let env = match find(&app, id).await {
        Ok(env) => env,
        Err(e) => return fail(&user, e),
    };
    let figures = figures(&app, &env);
    let panel = pages::panel(
        &user.viewer(),
        &env,
        figures.as_ref(),
        &app.monitor.history(&env.id),
    );
    let dir = app.ctx.store.dir().to_owned();
    let (id, name) = (env.id.clone(), env.name.clone());
    let events = tokio::task::spawn_blocking(move || crate::events::history(&dir, &id, &name, 30))
        .await
        .unwrap_or_default();
    let mut logs = Vec::new();
    if let Ok(engine) = app.ctx.engine().await {
        for (service, s) in &env.services {
            logs.push((service.clone(), engine.tail(&s.container, 40).await));
        }
    }
    page(
        StatusCode::OK,
        pages::environment(&user.viewer(), &env, panel, &events, &logs),
    )
}

async fn panel(State(app): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let user = match require_user(&app, &headers, false) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match find(&app, id).await {
        Ok(env) => {
            let figures = figures(&app, &env);
            let html = pages::panel(
                &user.viewer(),
                &env,
                figures.as_ref(),
                &app.monitor.history(&env.id),
            );
            page(StatusCode::OK, html)
        }
        Err(e) => (e.status, e.message).into_response(),
    }
}

async fn row(State(app): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(r) = require_user(&app, &headers, false) {
        return r;
    }
    match find(&app, id).await {
        Ok(env) => page(StatusCode::OK, pages::row(&env)),
        Err(e) => (e.status, e.message).into_response(),
    }
}

async fn act(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = user.check(&form.csrf) {
        return r;
    }
    let env = match find(&app, id).await {
        Ok(env) => env,
        Err(e) => return fail(&user, e),
    };
    if !user.viewer().may_change(&env) {
        return fail(
            &user,
            ApiError::forbidden(&format!("{action} an environment owned by someone else")),
        );
    }
    let back = Redirect::to(&format!("/environments/{}", env.id)).into_response();
    let result = match action.as_str() {
        "start" => begin_start(&app, &env, None).await.map(|_| back),
        "stop" => ops::stop(&app.ctx, &env.id, &Silent)
            .await
            .map(|_| back)
            .map_err(ApiError::from),
        "delete" => {
            spawn_delete(
                &app,
                &env.id,
                DeleteOptions {
                    if_exists: true,
                    ..Default::default()
                },
            );
            let name: String = url_safe(&env.name);
            Ok(Redirect::to(&format!("/?deleted={name}")).into_response())
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    result.unwrap_or_else(|e| fail(&user, e))
}

/// Environment names are [a-z0-9-]; anything else is dropped from a URL.
fn url_safe(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

async fn events(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = require_user(&app, &headers, false) {
        return r;
    }
    super::events::subscribe(&app).await.into_response()
}

// ----- dashboard and admin -----

async fn dashboard(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let envs = match read_envs(&app).await {
        Ok(envs) => envs,
        Err(e) => return fail(&user, e),
    };
    let overall = app.monitor.overall();
    let latest = app.monitor.latest();
    let m = &app.metrics;
    let view = pages::DashboardView {
        envs: &envs,
        overall: &overall,
        latest: &latest,
        provisioning: m.provisioning_percentiles(),
        cleanups: [
            ("Cleanups run", m.counter("envctl_cleanup_runs_total")),
            (
                "Environments they removed",
                m.counter("envctl_cleanup_removed_total"),
            ),
            (
                "Removals that failed",
                m.counter("envctl_cleanup_failed_total"),
            ),
            ("Syncs run", m.counter("envctl_sync_runs_total")),
        ],
    };
    page(StatusCode::OK, pages::dashboard(&user.viewer(), &view))
}

fn policy(app: &Shared) -> CleanupOptions {
    let c = &app.ctx.config.cleanup;
    CleanupOptions {
        policy: RetentionPolicy {
            keep: c.keep,
            older_than: c.older_than,
            failed_grace: c.failed_grace,
            per_owner: c.per_owner,
        },
        dry_run: true,
        concurrency: c.concurrency,
        wait_for_lock: false,
    }
}

async fn admin_page(app: &Shared, user: &User, outcome: Option<&str>) -> Response {
    if user.token.role < Role::Operator {
        return fail(user, ApiError::forbidden("see the admin page"));
    }
    let cleanup = cleanup::cleanup(&app.ctx, &policy(app))
        .await
        .map_err(|e| ApiError::from(e).message);
    let sync = sync::sync(
        &app.ctx,
        &SyncOptions {
            dry_run: true,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| ApiError::from(e).message);
    let backups = (user.token.role >= Role::Admin)
        .then(|| crate::backup::list(&app.ctx.store).map_err(|e| ApiError::from(e).message));
    let view = pages::AdminView {
        cleanup,
        sync,
        backups,
        outcome,
    };
    page(StatusCode::OK, pages::admin(&user.viewer(), &view))
}

async fn admin(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    admin_page(&app, &user, None).await
}

async fn run_cleanup(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = user.check(&form.csrf) {
        return r;
    }
    if user.token.role < Role::Operator {
        return fail(&user, ApiError::forbidden("run cleanups"));
    }
    let mut opts = policy(&app);
    opts.dry_run = false;
    let outcome = match cleanup::cleanup(&app.ctx, &opts).await {
        Ok(report) => {
            app.metrics.cleanup(&report);
            format!(
                "Cleanup done: {} removed, {} failed{}.",
                report.removed(),
                report.failed(),
                report
                    .backup
                    .as_deref()
                    .map(|b| format!("; backup {b}"))
                    .unwrap_or_default()
            )
        }
        Err(e) => format!("Cleanup did not run: {}", ApiError::from(e).message),
    };
    admin_page(&app, &user, Some(&outcome)).await
}

async fn run_sync(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = user.check(&form.csrf) {
        return r;
    }
    if user.token.role < Role::Operator {
        return fail(&user, ApiError::forbidden("run syncs"));
    }
    let outcome = match sync::sync(&app.ctx, &SyncOptions::default()).await {
        Ok(report) => {
            app.metrics.sync(&report);
            format!("Sync done: {} records corrected.", report.changes.len())
        }
        Err(e) => format!("Sync did not run: {}", ApiError::from(e).message),
    };
    admin_page(&app, &user, Some(&outcome)).await
}
