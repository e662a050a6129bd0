//! The API's one error shape, `{"error": {"code": "...", "message": "..."}}`,
//! with one status per kind. Internal details are logged, not sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::{Error, ErrorCode};

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            ErrorCode::Unauthorized,
            "a valid `Authorization: Bearer <token>` is required",
        )
    }

    pub fn forbidden(what: &str) -> ApiError {
        ApiError::new(
            ErrorCode::Forbidden,
            format!("this token's role may not {what}"),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::BadRequest, message)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let code = e.code();
        let message = match code {
            // Internal details are logged, not sent.
            ErrorCode::Internal | ErrorCode::DockerUnreachable | ErrorCode::Busy => {
                tracing::error!(error = %e.chain_text(), code = %code, "request failed");
                match code {
                    ErrorCode::DockerUnreachable => "the Docker engine is not reachable",
                    ErrorCode::Busy => "the database is busy; try again",
                    _ => "internal error; see the server's log",
                }
                .to_owned()
            }
            // Never a container's output (see Error::chain_text).
            _ => e.chain_text(),
        };
        ApiError { code, message }
    }
}

/// The error shape, for the OpenAPI spec.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable (`crate::error::ErrorCode`): unauthorized, forbidden, not_found,
    /// unknown_template, conflict, invalid, bad_request, rate_limited, ports_exhausted,
    /// docker_unreachable, maintenance_running, busy, failed, internal, ...
    pub code: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str().to_owned(),
                message: self.message,
            },
        };
        (status, Json(body)).into_response()
    }
}
