//! The API's one error shape, `{"error": {"code": "...", "message": "..."}}`,
//! with one status per kind. Internal details are logged, not sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::Error;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid `Authorization: Bearer <token>` is required",
        )
    }

    pub fn forbidden(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this token's role may not {what}"),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let (status, code) = match &e {
            Error::InvalidInput(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Error::NotFound { .. } | Error::UnknownTemplate(_) => {
                (StatusCode::NOT_FOUND, "not_found")
            }
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::PortsExhausted { .. } => (StatusCode::CONFLICT, "ports_exhausted"),
            Error::DockerUnreachable { .. } => {
                (StatusCode::SERVICE_UNAVAILABLE, "docker_unreachable")
            }
            Error::MaintenanceBusy { .. } => (StatusCode::CONFLICT, "maintenance_running"),
            Error::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            // An operation on the environment failed (it is now `failed`, with the reason).
            Error::Failed(_) | Error::ServiceExited { .. } | Error::FailedWithOutput { .. } => {
                (StatusCode::CONFLICT, "failed")
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR
            || matches!(e, Error::DockerUnreachable { .. } | Error::Busy { .. })
        {
            tracing::error!(error = %e.chain_text(), code, "request failed");
            match code {
                "docker_unreachable" => "the Docker engine is not reachable".to_owned(),
                "busy" => "the database is busy; try again".to_owned(),
                _ => "internal error; see the server's log".to_owned(),
            }
        } else {
            // Never a container's output (see Error::chain_text).
            e.chain_text()
        };
        ApiError {
            status,
            code,
            message,
        }
    }
}

/// The error shape, for the OpenAPI spec.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: unauthorized, forbidden, not_found, conflict, invalid, rate_limited, ...
    pub code: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
