//! Admin endpoints: cleanup (with dry run) and sync for operators; backups
//! and reset for admins. Each runs the same library call as the CLI command.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiError, ErrorBody, Shared, body, duration_field, require};
use crate::access::{Action, Caller};
use crate::ops::cleanup::{self, CleanupOptions};
use crate::ops::reset::{self, ResetOptions};
use crate::ops::sync::{self, SyncOptions};
use crate::retention::RetentionPolicy;

/// A whole number from 0 to 1,000,000 (JSON may write it 12 or 12.0).
fn keep(n: Option<serde_json::Number>) -> Result<Option<usize>, ApiError> {
    let Some(n) = n else { return Ok(None) };
    let value = n
        .as_f64()
        .filter(|v| v.fract() == 0.0 && (0.0..=1_000_000.0).contains(v));
    value.map(|v| Some(v as usize)).ok_or_else(|| {
        ApiError::new(
            crate::error::ErrorCode::Invalid,
            "keep: a whole number from 0 to 1000000",
        )
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub(super) struct CleanupBody {
    /// Keep only this many of the most recent.
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 1000000)]
    keep: Option<serde_json::Number>,
    #[schema(pattern = "^([0-9]{1,8}s|[0-9]{1,6}m|[0-9]{1,4}h|[0-9]{1,3}d|[0-9]{1,2}w)$")]
    older_than: Option<String>,
    #[schema(pattern = "^([0-9]{1,8}s|[0-9]{1,6}m|[0-9]{1,4}h|[0-9]{1,3}d|[0-9]{1,2}w)$")]
    failed_grace: Option<String>,
    per_owner: Option<bool>,
    #[serde(default)]
    dry_run: bool,
}

/// `POST /api/admin/cleanup`: the retention policy of the config, with the
/// body's fields overriding it. Never waits for another maintenance run (503).
#[utoipa::path(post, path = "/api/admin/cleanup", tag = "admin", request_body(content = Option<CleanupBody>, description = "Every field is optional"),
    responses((status = 200, description = "The cleanup report", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Another cleanup, sync or reset is running", body = ErrorBody), (status = 413), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn cleanup(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    require(&caller, Action::Maintain)?;
    let b: CleanupBody = body(&bytes)?;
    let c = &app.ctx.config.cleanup;
    let opts = CleanupOptions {
        policy: RetentionPolicy {
            keep: keep(b.keep)?.or(c.keep),
            older_than: duration_field("older_than", b.older_than.as_deref())?.or(c.older_than),
            failed_grace: duration_field("failed_grace", b.failed_grace.as_deref())?
                .or(c.failed_grace),
            per_owner: b.per_owner.unwrap_or(c.per_owner),
        },
        dry_run: b.dry_run,
        concurrency: c.concurrency,
        wait_for_lock: false,
    };
    let report = cleanup::cleanup(&app.ctx, &caller, &opts).await?;
    if !opts.dry_run {
        app.metrics.cleanup(&report);
    }
    Ok(Json(report).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub(super) struct SyncBody {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    remove_orphans: bool,
    #[serde(default)]
    adopt: bool,
}

/// `POST /api/admin/sync`.
#[utoipa::path(post, path = "/api/admin/sync", tag = "admin", request_body(content = Option<SyncBody>, description = "Every field is optional"),
    responses((status = 200, description = "The sync report", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Another cleanup, sync or reset is running", body = ErrorBody), (status = 413), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn sync(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    require(&caller, Action::Maintain)?;
    let b: SyncBody = body(&bytes)?;
    let opts = SyncOptions {
        dry_run: b.dry_run,
        remove_orphans: b.remove_orphans,
        adopt: b.adopt,
        wait_for_lock: false,
    };
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
    require(&caller?, Action::Administer)?;
    let list = super::blocking(&app, |ctx| crate::ops::backup::list(&ctx.store)).await?;
    Ok(Json(list).into_response())
}

/// `POST /api/admin/backups`: back the database up now.
#[utoipa::path(post, path = "/api/admin/backups", tag = "admin",
    responses((status = 201, description = "The new backup", body = Object), (status = 401, body = ErrorBody), (status = 409, description = "No database yet", body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn create_backup(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    require(&caller?, Action::Administer)?;
    let made = super::blocking(&app, |ctx| {
        crate::ops::backup::create(&ctx.store, "api", &ctx.config.backups)
    })
    .await?;
    match made {
        Some(backup) => Ok((StatusCode::CREATED, Json(backup)).into_response()),
        None => Err(ApiError::new(
            crate::error::ErrorCode::Conflict,
            "there is no database yet; nothing to back up",
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub(super) struct ResetBody {
    #[serde(default)]
    empty: bool,
}

/// `POST /api/admin/reset`: back up, then rebuild the database from Docker
/// (`{"empty": true}` removes every environment).
#[utoipa::path(post, path = "/api/admin/reset", tag = "admin", request_body(content = Option<ResetBody>, description = "Every field is optional"),
    responses((status = 200, description = "The reset report", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "Another cleanup, sync or reset is running", body = ErrorBody), (status = 413), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn reset(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    require(&caller, Action::Administer)?;
    let b: ResetBody = body(&bytes)?;
    let opts = ResetOptions {
        empty: b.empty,
        wait_for_lock: false,
        concurrency: app.ctx.config.cleanup.concurrency,
    };
    Ok(Json(reset::reset(&app.ctx, &caller, &opts).await?).into_response())
}
