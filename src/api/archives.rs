//! The archive endpoints: list and show the volume archives (owners see
//! their own, operators all), archive an environment now, delete an archive.
//! Restoring is the create endpoint's `from_archive`. Each is the same
//! library call as the CLI's `envctl archive`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{ApiError, ErrorBody, Shared, blocking, body};
use crate::access::Caller;
use crate::archives::{ArchiveSummary, Manifest, VolumeEntry};
use crate::ops::archive::{self, ArchiveRequest, Archived};
use crate::ops::progress::Silent;
use crate::store::Environment;

/// One archive as the API shows it: the manifest without the template
/// (its env values may hold credentials typed into the config).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArchiveDetail {
    #[serde(flatten)]
    pub summary: ArchiveSummary,
    pub volumes_detail: Vec<VolumeEntry>,
    /// The record as it was when archived.
    pub record: Environment,
}

impl From<Manifest> for ArchiveDetail {
    fn from(m: Manifest) -> ArchiveDetail {
        ArchiveDetail {
            summary: m.summary(),
            volumes_detail: m.volumes,
            record: m.environment,
        }
    }
}

#[utoipa::path(get, path = "/api/onboarding/archives", operation_id = "list_archives", tag = "archives",
    responses((status = 200, description = "The archives the caller may see, newest first", body = [ArchiveSummary]),
              (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "The database busy", body = ErrorBody)))]
pub(super) async fn list(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    let caller = caller?;
    let list = blocking(&app, move |ctx| archive::list(ctx, &caller, None)).await?;
    Ok(Json(list).into_response())
}

#[utoipa::path(get, path = "/api/onboarding/archives/{id}", operation_id = "show_archive", tag = "archives",
    params(("id" = String, Path, description = "Archive id, or an environment name for its newest archive")),
    responses((status = 200, description = "The archive", body = ArchiveDetail),
              (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "Not the owner, nor an operator", body = ErrorBody), (status = 404, description = "No such archive", body = ErrorBody), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody)))]
pub(super) async fn show(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = caller?;
    let manifest = blocking(&app, move |ctx| archive::show(ctx, &caller, &id)).await?;
    Ok(Json(ArchiveDetail::from(manifest)).into_response())
}

#[utoipa::path(delete, path = "/api/onboarding/archives/{id}", operation_id = "delete_archive", tag = "archives",
    params(("id" = String, Path, description = "Archive id, or an environment name for its newest archive")),
    responses((status = 200, description = "Deleted", body = ArchiveSummary),
              (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "Not the owner, nor an operator", body = ErrorBody), (status = 404, description = "No such archive", body = ErrorBody), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody)))]
pub(super) async fn delete(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = caller?;
    let deleted = blocking(&app, move |ctx| archive::delete(ctx, &caller, &id)).await?;
    Ok(Json(deleted).into_response())
}

#[utoipa::path(post, path = "/api/onboarding/environments/{id}/archive", operation_id = "archive_environment", tag = "archives",
    params(("id" = String, Path, description = "Environment id or name")),
    request_body(content = Option<ArchiveRequest>, description = "Every field is optional"),
    responses((status = 201, description = "Archived (answers when the copy is done)", body = Archived),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment", body = ErrorBody), (status = 409, description = "Nothing to archive, or another archive of it is under way", body = ErrorBody), (status = 413, description = "Body over 64 KiB"), (status = 422, description = "Invalid value", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn create(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = caller?;
    let request: ArchiveRequest = body(&bytes)?;
    let ctx = app.ctx.clone();
    let done =
        super::detached(
            async move { archive::create(&ctx, &caller, &id, &request, &Silent).await },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(done)).into_response())
}
