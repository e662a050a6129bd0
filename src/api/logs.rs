//! `GET /api/onboarding/environments/{id}/logs`: a service's output, or every
//! service's, as JSON lines (`{"service": ..., "text": ...}`), streamed as it
//! comes with `follow=true`. What `envctl logs` prints in remote mode.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{ApiError, ErrorBody, Shared};
use crate::access::Caller;
use crate::ops;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct LogsQuery {
    /// Only this service.
    service: Option<String>,
    /// Keep the response open and send new output as it comes.
    #[serde(default)]
    follow: bool,
    /// Only the last N lines of each service.
    #[param(minimum = 0, maximum = 1000000)]
    tail: Option<usize>,
}

#[utoipa::path(get, path = "/api/onboarding/environments/{id}/logs", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name"), LogsQuery),
    responses((status = 200, description = "JSON lines: {\"service\": ..., \"text\": ...}", content_type = "application/x-ndjson", body = String),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment or service", body = ErrorBody), (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn logs(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    query: Result<Query<LogsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let caller = caller?;
    let tail = q.tail.map(|t| t.min(1_000_000));
    // Held as long as a followed stream is open.
    let slot = if q.follow {
        Some(app.streams.open(
            caller.token.as_deref().unwrap_or("-"),
            app.ctx.config.api.max_streams,
        )?)
    } else {
        None
    };
    // Authorised there: logs may hold secrets, so the owner's or an operator's.
    let stream = ops::logs(&app.ctx, &caller, &id, q.service.as_deref(), q.follow, tail).await?;
    // A followed stream ends when the server stops, so it cannot hold the shutdown open.
    let mut closing = app.closing.subscribe();
    let until_closing = async move {
        let _ = closing.wait_for(|c| *c).await;
    };
    let lines = stream.take_until(until_closing).map(move |chunk| {
        let _held = &slot;
        let line = match chunk {
            Ok(chunk) => serde_json::to_string(&chunk),
            Err(e) => serde_json::to_string(&serde_json::json!({"error": e.chain_text()})),
        };
        line.map(|mut l| {
            l.push('\n');
            l
        })
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(lines),
    )
        .into_response())
}
