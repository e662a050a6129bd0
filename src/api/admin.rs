//! Admin endpoints: cleanup (with dry run) and sync for operators; backups
//! and reset for admins. Each runs the same library call as the CLI command.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{ApiError, ErrorBody, Shared, body, require};
use crate::access::{Action, Caller};
use crate::ops::cleanup;
use crate::ops::requests::CleanupRequest;
use crate::ops::reset::{self, ResetOptions};
use crate::ops::sync::{self, SyncOptions};

/// `POST /api/admin/cleanup`: the retention policy of the config, with the
/// body's fields overriding it. Never waits for another maintenance run (503).
#[utoipa::path(post, path = "/api/admin/cleanup", tag = "admin", request_body(content = Option<CleanupRequest>, description = "Every field is optional"),
    responses((status = 200, description = "The cleanup report", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Another cleanup, sync or reset is running", body = ErrorBody), (status = 413), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn cleanup(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    require(&caller, Action::Maintain)?;
    let opts = body::<CleanupRequest>(&bytes)?.options(&app.ctx.config.cleanup)?;
    let (ctx, run) = (app.ctx.clone(), opts.clone());
    let report =
        super::detached(async move { cleanup::cleanup(&ctx, &caller, &run).await }).await?;
    if !opts.dry_run {
        app.metrics.cleanup(&report);
    }
    Ok(Json(report).into_response())
}

/// `POST /api/admin/sync`.
#[utoipa::path(post, path = "/api/admin/sync", tag = "admin", request_body(content = Option<SyncOptions>, description = "Every field is optional"),
    responses((status = 200, description = "The sync report", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Another cleanup, sync or reset is running", body = ErrorBody), (status = 413), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn sync(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    require(&caller, Action::Maintain)?;
    let opts: SyncOptions = body(&bytes)?;
    let report = sync::sync(&app.ctx, &caller, &opts).await?;
    if !opts.dry_run {
        app.metrics.sync(&report);
    }
    Ok(Json(report).into_response())
}

/// `GET /api/admin/backups`.
#[utoipa::path(get, path = "/api/admin/backups", tag = "admin",
    responses((status = 200, description = "The backups, oldest first", body = [Object]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn backups(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    let caller = caller?;
    require(&caller, Action::Administer)?;
    let list = super::blocking(&app, move |ctx| crate::ops::backup::list_for(ctx, &caller)).await?;
    Ok(Json(list).into_response())
}

/// `POST /api/admin/backups`: back the database up now.
#[utoipa::path(post, path = "/api/admin/backups", tag = "admin",
    responses((status = 201, description = "The new backup", body = Object), (status = 401, body = ErrorBody), (status = 409, description = "No database yet", body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn create_backup(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    let caller = caller?;
    let backup = super::blocking(&app, move |ctx| {
        crate::ops::backup::take(ctx, &caller, "api")
    })
    .await?;
    Ok((StatusCode::CREATED, Json(backup)).into_response())
}

/// `POST /api/admin/reset`: back up, then rebuild the database from Docker
/// (`{"empty": true}` removes every environment).
#[utoipa::path(post, path = "/api/admin/reset", tag = "admin", request_body(content = Option<ResetOptions>, description = "Every field is optional"),
    responses((status = 200, description = "The reset report", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Another cleanup, sync or reset is running", body = ErrorBody), (status = 413), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn reset(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    require(&caller, Action::Administer)?;
    let opts: ResetOptions = body(&bytes)?;
    Ok(Json(reset::reset(&app.ctx, &caller, &opts).await?).into_response())
}
