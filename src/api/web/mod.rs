//! The web interface at `/` of `envctl serve`: server-rendered HTML (maud),
//! a small script for live updates (Server-Sent Events) and a stylesheet,
//! both embedded in the binary, so it works offline and with a strict
//! Content-Security-Policy. Every state-changing form carries the session's
//! CSRF secret; every page is signed in with an API token.

// Handlers answer with a page either way; the error side is simply the page
// to send instead.
#![allow(clippy::result_large_err)]

mod admin;
mod backups;
mod charts;
mod environments;
mod pages;
mod report;
mod session;
mod signin;
mod tokens;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;
use serde::Deserialize;

pub use session::Sessions;

use super::{ApiError, Shared};
use crate::ops;
use crate::store::Environment;
use crate::tokens::Token;
use pages::Viewer;

const CSS: &str = include_str!("app.css");
const JS: &str = include_str!("app.js");

/// What every page may load: only itself. No inline script or style.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn routes(state: Shared) -> Router<Shared> {
    Router::new()
        .route("/", get(environments::list))
        .route("/login", get(signin::login_page).post(signin::login))
        .route("/logout", post(signin::logout))
        .route("/environments", post(environments::create))
        .route("/environments/{id}", get(environments::environment))
        .route("/environments/{id}/panel", get(environments::panel))
        .route("/environments/{id}/row", get(environments::row))
        .route("/environments/{id}/{action}", post(environments::act))
        .route(
            "/environments/{id}/services/{service}/restart",
            post(environments::restart_service),
        )
        .route("/dashboard", get(report::dashboard))
        .route("/admin", get(admin::admin))
        .route("/admin/cleanup", post(admin::run_cleanup))
        .route("/admin/sync", get(admin::plan_sync).post(admin::run_sync))
        .route(
            "/admin/reset",
            get(admin::plan_reset).post(admin::run_reset),
        )
        .route("/admin/backups", post(backups::create))
        .route("/admin/backups/verify", post(backups::verify))
        .route(
            "/admin/backups/restore",
            get(backups::plan_restore).post(backups::restore),
        )
        .route("/admin/tokens", post(tokens::create))
        .route("/admin/tokens/revoke", post(tokens::revoke))
        .route("/ui/events", get(environments::events))
        .route("/static/app.css", get(|| async { asset(CSS, "text/css") }))
        .route(
            "/static/app.js",
            get(|| async { asset(JS, "text/javascript") }),
        )
        .layer(axum::middleware::from_fn_with_state(state, rate_limit))
        .layer(axum::middleware::from_fn(security_headers))
}

/// The API's limits, for the web interface: the same general and create
/// quotas (a create through the form counts as one through the API, for
/// the same token), and a strict quota on sign-in attempts per client
/// address.
async fn rate_limit(
    axum::extract::State(app): axum::extract::State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let Some(limits) = &app.limits else {
        return next.run(request).await;
    };
    let post = request.method() == axum::http::Method::POST;
    let path = request.uri().path();
    let address = super::client_address(&request);
    if post
        && path == "/login"
        && let Err(wait) = limits.check_sign_in(address)
    {
        return too_many(wait);
    }
    let create = post && path == "/environments";
    let key = match signed_in(&app, request.headers()) {
        Some(user) => super::limits::Key::Token(user.token.id),
        None => super::limits::Key::Address(address),
    };
    match limits.check(key, create) {
        Ok(()) => next.run(request).await,
        Err(wait) => too_many(wait),
    }
}

/// The web's `429`: a page saying when to try again, with `Retry-After`.
fn too_many(wait: std::time::Duration) -> Response {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut response = page(
        StatusCode::TOO_MANY_REQUESTS,
        pages::error(None, &format!("Too many requests; try again in {secs} s.")),
    );
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
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
    /// The caller of the operations this user asks for.
    fn caller(&self) -> crate::access::Caller {
        crate::access::Caller::token(&self.token, "web")
    }

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
        .caches
        .tokens(&app.tokens)
        .ok()?
        .iter()
        .find(|t| t.id == s.token_id)?
        .clone();
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

/// The user of a state-changing form: signed in, with this session's CSRF
/// secret, and (when `needs` says so) allowed action `needs.0` by the core's
/// rule; else the page to send instead (`needs.1` says what it may not do).
/// The operation asks again: this only spares a refused form its work.
fn form_user(
    app: &Shared,
    headers: &HeaderMap,
    csrf: &str,
    needs: Option<(crate::access::Action, &str)>,
) -> Result<User, Response> {
    let user = require_user(app, headers, true)?;
    user.check(csrf)?;
    if let Some((action, what)) = needs
        && !user.caller().may(action, None)
    {
        return Err(fail(&user, ApiError::forbidden(what)));
    }
    Ok(user)
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
    page(e.status(), pages::error(Some(&user.viewer()), &e.message))
}

fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https")
}

/// The environments a list shows (warm pool members are not among them).
async fn read_envs(app: &Shared) -> Result<Vec<Environment>, ApiError> {
    super::blocking(app, |ctx| ops::list(ctx, &ops::ListFilter::default())).await
}

async fn find(app: &Shared, id: String) -> Result<Environment, ApiError> {
    super::blocking(app, move |ctx| ops::show(ctx, &id)).await
}

/// A form with nothing but the CSRF secret (sign out, start, stop, delete, ...).
#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
    /// The extend form's duration ("1d").
    #[serde(default)]
    by: Option<String>,
}
