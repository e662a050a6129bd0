//! `GET /api/onboarding/report`: the report of a time range (see
//! [`crate::ops::report`]), for whoever may read figures.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::{ApiError, ErrorBody, Shared, blocking};
use crate::access::Caller;
use crate::ops::report::{Report, ReportRequest, report as compute};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportQuery {
    /// The range's start: a duration back from `until` (`30d`, `12h`) or a
    /// time (RFC 3339). Default: 30 days before `until`.
    since: Option<String>,
    /// The range's end: a duration back from now (`1d`) or a time. Default: now.
    until: Option<String>,
    /// `owner` (default), `template` or `label:KEY` (a label key, e.g. `label:team`).
    #[param(pattern = "^(owner|template|label:[a-z][a-z0-9-]{0,30})$")]
    by: Option<String>,
}

#[utoipa::path(get, path = "/api/onboarding/report", tag = "stats", params(ReportQuery),
    responses((status = 200, description = "Created, alive and removed environments, environment-hours, provisioning time, failures, cleanup, pools, utilisation and uptime of the range", body = Report),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 422, description = "A bad `since`, `until` or `by`", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "The database busy", body = ErrorBody)))]
pub(super) async fn report(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Report>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let caller = caller?;
    let request = ReportRequest::parse(
        q.since.as_deref(),
        q.until.as_deref(),
        q.by.as_deref(),
        chrono::Utc::now(),
    )?;
    Ok(Json(
        blocking(&app, move |ctx| compute(ctx, &caller, &request)).await?,
    ))
}
