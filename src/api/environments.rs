//! The environment endpoints: the seed's five (list, show, create, update,
//! delete) and the templates; and the background work a create, start or
//! delete leaves running after the answer (shared with the web pages).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{ApiError, ErrorBody, Shared, blocking, body, cached_environments, require};
use crate::access::{Action, Caller};
use crate::ops;
use crate::ops::create::{self, CreateOptions};
use crate::ops::progress::Silent;
use crate::ops::requests::{
    CreateRequest, DeleteAnswer, DeleteRequest, ListRequest, UpdateRequest,
};
use crate::store::{Environment, Status};

#[utoipa::path(get, path = "/api/onboarding/environments", tag = "environments",
    params(
        ("status" = Option<Status>, Query, description = "Only this status"),
        ("owner" = Option<String>, Query, description = "Only this owner"),
        ("template" = Option<String>, Query, description = "Only this template"),
        ("limit" = Option<usize>, Query, description = "Page size (default 100, at most 1000)", minimum = 0, maximum = 1000),
        ("offset" = Option<usize>, Query, description = "Skip this many", minimum = 0, maximum = 1000000000),
        ("all" = Option<bool>, Query, description = "Also warm pool members (hidden otherwise)"),
    ),
    responses((status = 200, description = "A page of environments, oldest first", body = [Environment],
               headers(("x-total-count" = usize, description = "How many match"))),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn list(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    query: Result<Query<ListRequest>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    require(&caller?, Action::Read)?;
    let page = q.into_page()?;
    let (body, total) = cached_environments(&app).await?.page(&page);
    let headers = [
        (header::CONTENT_TYPE, "application/json".to_owned()),
        (HeaderName::from_static("x-total-count"), total.to_string()),
    ];
    Ok((headers, body).into_response())
}

#[utoipa::path(get, path = "/api/onboarding/environments/{id}", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name")),
    responses((status = 200, description = "The environment", body = Environment), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn show(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require(&caller?, Action::Read)?;
    // From the same in-memory copy as the list: no read and parse per request.
    let envs = cached_environments(&app).await?;
    let found = envs
        .find(&id)
        .ok_or_else(|| crate::error::Error::not_found(id.clone()))?;
    let json = found.shown()?.to_owned();
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

#[utoipa::path(get, path = "/api/onboarding/environments/{id}/secrets", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name")),
    responses((status = 200, description = "The environment's generated secrets by name (its template's [secrets]); for its owner and admins only", body = BTreeMap<String, String>), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "Not the owner, nor an admin", body = ErrorBody), (status = 404, description = "No such environment", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "The database busy", body = ErrorBody)))]
pub(super) async fn secrets(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = caller?;
    // Authorised there: the owner and admins only.
    let secrets = blocking(&app, move |ctx| ops::secrets(ctx, &caller, &id)).await?;
    Ok(Json(secrets).into_response())
}

#[utoipa::path(get, path = "/api/onboarding/templates", tag = "environments",
    responses((status = 200, description = "The templates environments can be made from, by name", body = BTreeMap<String, crate::config::TemplateSummary>),
              (status = 401, description = "No or a bad token", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody)))]
pub(super) async fn templates(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    require(&caller?, Action::Read)?;
    Ok(Json(app.ctx.config.template_summaries()).into_response())
}

#[utoipa::path(post, path = "/api/onboarding/new-environment", tag = "environments",
    request_body(content = Option<CreateRequest>, description = "Every field is optional"),
    responses((status = 202, description = "Reserved (status creating); provisioning goes on", body = Environment,
               headers(("location" = String, description = "The environment's URL"))),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such template", body = ErrorBody), (status = 409, description = "Conflict with the current state", body = ErrorBody), (status = 413, description = "Body over 64 KiB"), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn create(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    let opts = self::body::<CreateRequest>(&body)?.into_options()?;
    let env = begin_create(&app, &caller, opts).await?;
    let location = format!("/api/onboarding/environments/{}", env.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(env),
    )
        .into_response())
}

/// Claims a warm pool member (answered at once; the pool is refilled in the
/// background), or reserves the environment and provisions it in the
/// background (the API's and the web page's create): answers the record.
pub(super) async fn begin_create(
    app: &Shared,
    caller: &Caller,
    opts: CreateOptions,
) -> Result<Environment, ApiError> {
    let started = std::time::Instant::now();
    let reservation = match create::reserve_environment(&app.ctx, caller, &opts).await? {
        create::Start::Claimed(env) => {
            app.metrics.pool_claimed(started.elapsed().as_secs_f64());
            app.pool_wake.notify_one();
            return Ok(env);
        }
        create::Start::Cold(reservation) => reservation,
    };
    if reservation.pool_miss {
        app.metrics.pool_missed();
        app.pool_wake.notify_one();
    }
    let env = reservation.env.clone();
    let task_app = app.clone();
    let caller = caller.clone();
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
        // Logs the create, naming the caller and the record's name.
        let _ = create::provision(ctx, &caller, reservation, &opts, &Silent, cancel).await;
        task_app
            .metrics
            .provisioned(started.elapsed().as_secs_f64());
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
pub(super) async fn begin_start(
    app: &Shared,
    caller: &Caller,
    env: &Environment,
    timeout: Option<std::time::Duration>,
) -> Result<Environment, ApiError> {
    Ok(ops::start_in_background(&app.ctx, caller, &env.id, timeout).await?)
}

#[utoipa::path(put, path = "/api/onboarding/environments/{id}", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name")),
    request_body(content = Option<UpdateRequest>, description = "Every field is optional"),
    responses((status = 200, description = "The environment after the change", body = Environment),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment", body = ErrorBody), (status = 409, description = "Conflict with the current state", body = ErrorBody), (status = 413, description = "Body over 64 KiB"), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn update(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let change = self::body::<UpdateRequest>(&body)?.into_change(chrono::Utc::now())?;
    let env = ops::change(&app.ctx, &caller?, &id, &change).await?;
    Ok(Json(env).into_response())
}

#[utoipa::path(post, path = "/api/onboarding/environments/{id}/services/{service}/restart", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name"), ("service" = String, Path, description = "One of its services")),
    responses((status = 200, description = "Restarted: its container was stopped and started again; the environment", body = Environment),
              (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not change this environment", body = ErrorBody), (status = 404, description = "No such environment or service", body = ErrorBody), (status = 409, description = "The environment is not running, or busy", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn restart_service(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path((id, service)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (caller, ctx) = (caller?, app.ctx.clone());
    let env = super::detached(async move {
        ops::lifecycle::restart_service(&ctx, &caller, &id, &service).await
    })
    .await?;
    Ok(Json(env).into_response())
}

#[utoipa::path(delete, path = "/api/onboarding/environments/{id}", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name"), DeleteRequest),
    responses((status = 200, description = "Deleted (with wait=true), or already gone", body = Object),
              (status = 202, description = "Being deleted (or already gone)", body = Object),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 409, description = "The removal failed", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn delete(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    query: Result<Query<DeleteRequest>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (caller, opts) = (caller?, q.options());
    let answer = if q.wait {
        let ctx = app.ctx.clone();
        let deleted =
            super::detached(async move { ops::delete(&ctx, &caller, &id, &opts).await }).await?;
        DeleteAnswer::removed(deleted)
    } else {
        DeleteAnswer::accepted(ops::delete_in_background(&app.ctx, &caller, &id, &opts).await?)
    };
    let status = if q.wait {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(answer)).into_response())
}
