//! `GET /api/onboarding/environments/{id}/stats` and `GET /api/onboarding/stats`:
//! resource figures. The monitor's latest sample is answered when it is
//! fresh (within two `stats_interval`s); otherwise a new one is taken.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use super::{ApiError, App, ErrorBody, Shared, blocking, require};
use crate::access::{Action, Caller};
use crate::ops;
use crate::ops::stats::{EnvironmentStats, Overview};
use crate::store::{Environment, Status};

/// The figures of `envs`: the monitor's when fresh, else sampled now.
async fn figures(app: &App, envs: &[Environment]) -> Result<Vec<EnvironmentStats>, ApiError> {
    let interval = app.ctx.config.api.stats_interval;
    let fresh_after = Utc::now() - chrono::Duration::from_std(interval * 2).unwrap_or_default();
    let found: Vec<EnvironmentStats> = envs
        .iter()
        .filter_map(|e| {
            app.monitor
                .latest_of(&e.id)
                .filter(|s| s.status == e.status && s.sampled_at >= fresh_after)
        })
        .collect();
    if !interval.is_zero() && found.len() == envs.len() {
        return Ok(found);
    }
    Ok(app.monitor.sample(app, envs).await?)
}

#[utoipa::path(get, path = "/api/onboarding/environments/{id}/stats", tag = "stats",
    params(("id" = String, Path, description = "Environment id or name")),
    responses((status = 200, description = "CPU, memory, network and block I/O, restarts and uptime, per service and in total", body = EnvironmentStats),
              (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn environment(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require(&caller?, Action::Read)?;
    let env = blocking(&app, move |ctx| ops::show(ctx, &id)).await?;
    let mut stats = figures(&app, std::slice::from_ref(&env)).await?;
    Ok(Json(stats.remove(0)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct OverviewQuery {
    /// Every environment, not only the running ones.
    #[serde(default)]
    all: bool,
}

#[utoipa::path(get, path = "/api/onboarding/stats", tag = "stats", params(OverviewQuery),
    responses((status = 200, description = "Host figures and every running environment's", body = Overview),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn overview(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    query: Result<Query<OverviewQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    require(&caller?, Action::Read)?;
    let envs = blocking(&app, |ctx| ctx.store.read().map(|db| db.environments)).await?;
    let measured: Vec<Environment> = envs
        .iter()
        .filter(|e| q.all || e.status == Status::Running)
        .cloned()
        .collect();
    let environments = figures(&app, &measured).await?;
    let (volumes, bytes) = app.monitor.volumes(&app).await?;
    let host = crate::ops::stats::host_figures(&app.ctx, &envs, volumes, bytes);
    Ok(Json(Overview { host, environments }).into_response())
}
