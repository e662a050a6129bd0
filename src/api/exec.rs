//! `GET /api/onboarding/environments/{id}/exec`: a command in a service's
//! container over an upgraded connection (`Upgrade: envctl-exec.v1`, frames
//! of [`crate::wire`]). What `envctl exec` and `envctl shell` use in remote
//! mode. Checked and authorised in [`ops::exec`] (like logs) before the
//! upgrade, so its errors are ordinary JSON answers; a request that passes
//! them without asking for the upgrade is a 426.

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;

use super::{ApiError, ErrorBody, Shared};
use crate::access::Caller;
use crate::engine::{ExecOutput, TerminalSize};
use crate::error::ErrorCode;
use crate::ops::{self, exec::ExecRequest, exec::Session};
use crate::wire::{self, Frame};

/// The query of the exec endpoint (for the spec; read by [`exec_request`]).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(super) struct ExecQuery {
    /// The service to run in; default: the template's first.
    service: Option<String>,
    /// The command and its arguments, one `cmd` parameter each, in order;
    /// none opens the service's shell (bash, else sh).
    cmd: Option<Vec<String>>,
    /// Give the command a terminal.
    tty: Option<bool>,
    /// Forward stdin frames to the command.
    stdin: Option<bool>,
    /// The terminal's width, with `tty`.
    #[param(minimum = 1, maximum = 10000)]
    cols: Option<u16>,
    /// The terminal's height, with `tty`.
    #[param(minimum = 1, maximum = 10000)]
    rows: Option<u16>,
}

/// The request the query spells; unknown parameters are ignored (as elsewhere).
fn exec_request(pairs: Vec<(String, String)>) -> Result<ExecRequest, ApiError> {
    let flag = |name: &str, v: &str| match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::bad_request(format!(
            "`{name}` is true or false, not '{v}'"
        ))),
    };
    let size = |name: &str, v: &str| {
        v.parse::<u16>()
            .ok()
            .filter(|n| (1..=10000).contains(n))
            .ok_or_else(|| ApiError::bad_request(format!("`{name}` is 1 to 10000, not '{v}'")))
    };
    let mut request = ExecRequest::default();
    let mut cmd: Vec<String> = Vec::new();
    let (mut cols, mut rows) = (None, None);
    for (key, value) in pairs {
        match key.as_str() {
            "service" => request.service = Some(value),
            "cmd" => cmd.push(value),
            "tty" => request.tty = flag("tty", &value)?,
            "stdin" => request.stdin = flag("stdin", &value)?,
            "cols" => cols = Some(size("cols", &value)?),
            "rows" => rows = Some(size("rows", &value)?),
            _ => {}
        }
    }
    if !cmd.is_empty() {
        request.command = Some(cmd);
    }
    if let (Some(cols), Some(rows)) = (cols, rows) {
        request.size = Some(TerminalSize { cols, rows });
    }
    Ok(request)
}

/// True when the request asks for this endpoint's protocol.
fn upgrading(headers: &HeaderMap) -> bool {
    let connection = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case("upgrade"));
    let protocol = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(wire::PROTOCOL));
    connection && protocol
}

#[utoipa::path(get, path = "/api/onboarding/environments/{id}/exec", tag = "environments",
    params(("id" = String, Path, description = "Environment id or name"), ExecQuery),
    description = "Runs a command in a service's container. Needs `Connection: Upgrade` and `Upgrade: envctl-exec.v1`; after `101 Switching Protocols` both sides send frames (one byte of kind, a four-byte big-endian length, the payload): 0 stdin, 5 stdin-end and 4 resize (cols, rows as u16) from the client; 1 stdout, 2 stderr, 3 exit (i32) and 6 error (JSON code and message) from the server. Authorised like logs. See docs/api.md.",
    responses((status = 101, description = "Switched to envctl-exec.v1 frames"),
              (status = 400, description = "Malformed request", body = ErrorBody), (status = 401, description = "No or a bad token", body = ErrorBody), (status = 403, description = "The token's role may not", body = ErrorBody), (status = 404, description = "No such environment or service", body = ErrorBody), (status = 409, description = "The environment is not running", body = ErrorBody), (status = 422, description = "An empty command", body = ErrorBody), (status = 426, description = "Asked without `Upgrade: envctl-exec.v1`", body = ErrorBody), (status = 429, description = "Rate limited, or too many open streams", body = ErrorBody), (status = 503, description = "Docker unreachable or the database busy", body = ErrorBody)))]
pub(super) async fn exec(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
    mut request: Request,
) -> Result<Response, ApiError> {
    let Query(pairs) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let caller = caller?;
    let exec_request = exec_request(pairs)?;
    // Authorised there: the owner's, or an operator's (as logs); found,
    // and running. Errors are plain answers, before any upgrade.
    let prepared = ops::exec::prepare(&app.ctx, &caller, &id, &exec_request).await?;
    if !upgrading(request.headers()) {
        let mut response = ApiError::new(
            ErrorCode::UpgradeRequired,
            format!(
                "this endpoint speaks only over an upgraded connection: send `Connection: Upgrade` \
                 and `Upgrade: {}` (envctl exec does)",
                wire::PROTOCOL
            ),
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::UPGRADE, HeaderValue::from_static(wire::PROTOCOL));
        return Ok(response);
    }
    // Held as long as the command runs, like a followed log.
    let slot = app.streams.open(
        caller.token.as_deref().unwrap_or("-"),
        app.ctx.config.api.max_streams,
    )?;
    let session = prepared.start(&app.ctx, &caller).await?;
    let on_upgrade = hyper::upgrade::on(&mut request);
    let closing = app.closing.subscribe();
    tokio::spawn(async move {
        let _held = slot;
        match on_upgrade.await {
            Ok(upgraded) => pump(TokioIo::new(upgraded), session, closing).await,
            Err(e) => tracing::warn!(error = %e, "the exec connection was not upgraded"),
        }
    });
    let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static(wire::PROTOCOL));
    Ok(response)
}

/// Copies frames both ways until the command ends (then sends its exit
/// code), the client goes away, or the server stops.
async fn pump(
    io: impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
    session: Session,
    mut closing: tokio::sync::watch::Receiver<bool>,
) {
    let (mut from_client, mut to_client) = tokio::io::split(io);
    let (mut output, mut input, control) = session.split();
    let inbound_control = control.clone();
    // The client's frames: stdin, its end, resizes. Ends with the connection.
    let inbound = async move {
        while let Ok(Some(frame)) = wire::read(&mut from_client).await {
            match frame {
                Frame::Stdin(bytes) => {
                    if input.write_all(&bytes).await.is_err() {
                        break;
                    }
                    let _ = input.flush().await;
                }
                Frame::StdinEnd => {
                    let _ = input.shutdown().await;
                }
                Frame::Resize(size) => {
                    let _ = inbound_control.resize(size).await;
                }
                _ => break,
            }
        }
        // The client is gone: end of input, so a shell waiting on it ends.
        let _ = input.shutdown().await;
    };
    let outbound = async move {
        let ended = async {
            while let Some(chunk) = output.next().await {
                let frame = match chunk {
                    Ok(ExecOutput::Stdout(b)) => Frame::Stdout(b),
                    Ok(ExecOutput::Stderr(b)) => Frame::Stderr(b),
                    Err(e) => return Err(e),
                };
                if wire::write(&mut to_client, &frame).await.is_err() {
                    return Ok(None);
                }
            }
            control.exit_code().await.map(Some)
        };
        let last = tokio::select! {
            result = ended => match result {
                Ok(Some(code)) => Some(Frame::Exit(i32::try_from(code).unwrap_or(1))),
                Ok(None) => None,
                Err(e) => {
                    let e = ApiError::from(e);
                    Some(Frame::Error { code: e.code.as_str().to_owned(), message: e.message })
                }
            },
            _ = closing.wait_for(|c| *c) => Some(Frame::Error {
                code: ErrorCode::Failed.as_str().to_owned(),
                message: "the server is stopping; the command was left running".to_owned(),
            }),
        };
        if let Some(frame) = last {
            let _ = wire::write(&mut to_client, &frame).await;
        }
        let _ = to_client.shutdown().await;
    };
    // The command's end (or the server's) ends the session, and so does the
    // client's going away (envctl never closes only its side): the attach
    // is dropped, which hangs up a terminal, and the stream slot is freed.
    tokio::select! {
        () = outbound => {}
        () = inbound => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_spells_the_command_in_order() {
        let pairs = |p: &[(&str, &str)]| {
            p.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let r = exec_request(pairs(&[
            ("cmd", "sh"),
            ("service", "web"),
            ("cmd", "-c"),
            ("cmd", "exit 3"),
            ("tty", "true"),
            ("cols", "80"),
            ("rows", "24"),
        ]))
        .unwrap();
        assert_eq!(r.command.unwrap(), ["sh", "-c", "exit 3"]);
        assert_eq!(r.service.as_deref(), Some("web"));
        assert!(r.tty && !r.stdin);
        assert_eq!(r.size, Some(TerminalSize { cols: 80, rows: 24 }));
        assert!(exec_request(pairs(&[])).unwrap().command.is_none());
        assert!(exec_request(pairs(&[("tty", "yes")])).is_err());
        assert!(exec_request(pairs(&[("cols", "0")])).is_err());
    }
}
