//! The remote side of [`crate::client::Backend`]: one method per endpoint of
//! `envctl serve`, turning its answers into the library's types and its
//! errors into [`Error`]s with the same exit codes as local mode. The waiting
//! (until ready, until gone) is the backend's, shared by both sides.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::config::TemplateSummary;
use crate::engine::{Bytes, ExecInput, ExecOutput, ExecOutputStream, TerminalSize};
use crate::error::{Error, ErrorCode, Result};
use crate::ops::cleanup::CleanupReport;
use crate::ops::create::CreateOptions;
use crate::ops::exec::ExecRequest;
use crate::ops::requests::{
    CleanupRequest, CreateRequest, DeleteAnswer, DeleteRequest, UpdateRequest,
};
use crate::ops::stats::{EnvironmentStats, Overview};
use crate::ops::sync::{SyncOptions, SyncReport};
use crate::ops::{DeleteOptions, Deleted, ListFilter, LogChunk, LogStream};
use crate::store::Environment;
use crate::wire::{self, Frame};

/// How long one request may take (a synchronous delete stops containers).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// How long, in all, to honour `429 Retry-After` before giving up.
const RATE_LIMIT_PATIENCE: Duration = Duration::from_secs(60);
/// The largest page the server serves.
const PAGE: usize = 1000;

/// A client of one `envctl serve`.
#[derive(Debug, Clone)]
pub struct Remote {
    /// The server's URL, without a trailing slash.
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Remote {
    /// A client of the server at `url` (http or https), sending `token`.
    pub fn new(url: &str, token: Option<String>) -> Result<Remote> {
        let parsed = reqwest::Url::parse(url).map_err(|e| {
            Error::InvalidInput(format!(
                "server URL '{url}' is not a URL ({e}); expected one like http://envctl.internal:8080"
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(Error::InvalidInput(format!(
                "server URL '{url}' must start with http:// or https:// and name a host"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("envctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Failed(format!("cannot make an HTTP client: {e}")))?;
        Ok(Remote {
            base: url.trim_end_matches('/').to_owned(),
            token: token.filter(|t| !t.is_empty()),
            http,
        })
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        &self.base
    }

    pub async fn show(&self, target: &str) -> Result<Environment> {
        let r = self
            .call(Method::GET, &env_path(target), &[], None, true)
            .await?;
        self.decode(r).await
    }

    /// An environment's generated secrets.
    pub async fn secrets(
        &self,
        target: &str,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        let path = format!("{}/secrets", env_path(target));
        let r = self.call(Method::GET, &path, &[], None, true).await?;
        self.decode(r).await
    }

    /// Every matching environment as the server stores it (its JSON text),
    /// fetched a page at a time.
    pub async fn list_raw(&self, filter: &ListFilter) -> Result<Vec<Box<RawValue>>> {
        let mut all: Vec<Box<RawValue>> = Vec::new();
        loop {
            let mut query = vec![
                ("limit", PAGE.to_string()),
                ("offset", all.len().to_string()),
            ];
            if let Some(s) = filter.status {
                query.push(("status", s.as_str().to_owned()));
            }
            if let Some(o) = &filter.owner {
                query.push(("owner", o.clone()));
            }
            if let Some(t) = &filter.template {
                query.push(("template", t.clone()));
            }
            if filter.all {
                query.push(("all", "true".to_owned()));
            }
            let r = self
                .call(
                    Method::GET,
                    "/api/onboarding/environments",
                    &query,
                    None,
                    true,
                )
                .await?;
            let total = r
                .headers()
                .get("x-total-count")
                .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
            let page: Vec<Box<RawValue>> = self.decode(r).await?;
            let more = page.len() == PAGE && total.is_none_or(|t| all.len() + PAGE < t);
            all.extend(page);
            if !more {
                return Ok(all);
            }
        }
    }

    pub async fn templates(&self) -> Result<BTreeMap<String, TemplateSummary>> {
        let r = self
            .call(Method::GET, "/api/onboarding/templates", &[], None, true)
            .await?;
        self.decode(r).await
    }

    pub async fn environment_stats(&self, target: &str) -> Result<EnvironmentStats> {
        let path = format!("{}/stats", env_path(target));
        let r = self.call(Method::GET, &path, &[], None, true).await?;
        self.decode(r).await
    }

    pub async fn overview(&self, all: bool) -> Result<Overview> {
        let query = [("all", all.to_string())];
        let r = self
            .call(Method::GET, "/api/onboarding/stats", &query, None, true)
            .await?;
        self.decode(r).await
    }

    /// The report of a range the client already resolved to times.
    pub async fn report(
        &self,
        request: &crate::ops::report::ReportRequest,
    ) -> Result<crate::ops::report::Report> {
        let query = [
            ("since", request.since.to_rfc3339()),
            ("until", request.until.to_rfc3339()),
            ("by", request.by.to_string()),
        ];
        let r = self
            .call(Method::GET, "/api/onboarding/report", &query, None, true)
            .await?;
        self.decode(r).await
    }

    /// Asks for a create; the answer is the reserved (`creating`) record.
    pub async fn create(&self, opts: &CreateOptions) -> Result<Environment> {
        let body = CreateRequest::from_options(opts);
        let path = "/api/onboarding/new-environment";
        self.send(Method::POST, path, &[], &body).await
    }

    /// Starts the containers; the server probes readiness in the background
    /// (the environment `failed` past `timeout`).
    pub async fn start(&self, target: &str, timeout: Option<Duration>) -> Result<Environment> {
        self.update(target, &UpdateRequest::start(timeout)).await
    }

    pub async fn stop(&self, target: &str) -> Result<Environment> {
        self.update(target, &UpdateRequest::stop()).await
    }

    pub async fn set_pinned(&self, target: &str, pinned: bool) -> Result<Environment> {
        self.update(target, &UpdateRequest::pin(pinned)).await
    }

    /// Restarts one service (`POST .../services/{service}/restart`).
    pub async fn restart_service(&self, target: &str, service: &str) -> Result<Environment> {
        let path = format!(
            "{}/services/{}/restart",
            env_path(target),
            env_path(service).trim_start_matches("/api/onboarding/environments/")
        );
        self.send(Method::POST, &path, &[], &serde_json::json!({}))
            .await
    }

    /// Changes an environment (`PUT`).
    pub async fn update(&self, target: &str, body: &UpdateRequest) -> Result<Environment> {
        self.send(Method::PUT, &env_path(target), &[], body).await
    }

    /// Deletes and waits until it is gone (`DELETE ?wait=true`).
    pub async fn delete(&self, target: &str, opts: &DeleteOptions) -> Result<Option<Deleted>> {
        let query = DeleteRequest {
            wait: true,
            keep_volumes: opts.keep_volumes,
            no_archive: opts.no_archive,
        };
        let query = [
            ("wait", query.wait.to_string()),
            ("keep_volumes", query.keep_volumes.to_string()),
            ("no_archive", query.no_archive.to_string()),
        ];
        let r = self
            .call(Method::DELETE, &env_path(target), &query, None, true)
            .await?;
        let answer: DeleteAnswer = self.decode(r).await?;
        match answer.into_deleted() {
            Some(deleted) => Ok(Some(deleted)),
            None if opts.if_exists => Ok(None),
            None => Err(Error::not_found(target)),
        }
    }

    /// A service's output, or every service's, as the server streams it.
    pub async fn logs(
        &self,
        target: &str,
        service: Option<&str>,
        follow: bool,
        tail: Option<usize>,
    ) -> Result<LogStream> {
        let mut query = vec![("follow", follow.to_string())];
        if let Some(s) = service {
            query.push(("service", s.to_owned()));
        }
        if let Some(t) = tail {
            query.push(("tail", t.to_string()));
        }
        let path = format!("{}/logs", env_path(target));
        // No overall timeout: a followed log lasts as long as the user wants.
        let r = self.call(Method::GET, &path, &query, None, false).await?;
        let base = self.base.clone();
        let bytes = r.bytes_stream();
        let lines = futures_util::stream::unfold(
            (bytes, Vec::<u8>::new(), false),
            move |(mut bytes, mut buf, done)| {
                let base = base.clone();
                async move {
                    loop {
                        if let Some(at) = buf.iter().position(|&b| b == b'\n') {
                            let line: Vec<u8> = buf.drain(..=at).collect();
                            return Some((log_line(&line), (bytes, buf, done)));
                        }
                        if done {
                            return None;
                        }
                        match bytes.next().await {
                            Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
                            Some(Err(e)) => {
                                let error = Error::ServerUnreachable {
                                    url: base,
                                    reason: format!("the log stream broke: {e}"),
                                };
                                return Some((Err(error), (bytes, Vec::new(), true)));
                            }
                            None if buf.is_empty() => return None,
                            None => {
                                buf.push(b'\n');
                                return Some((log_line(&buf), (bytes, Vec::new(), true)));
                            }
                        }
                    }
                }
            },
        );
        Ok(Box::pin(lines))
    }

    /// Runs a command over the exec endpoint's upgraded connection (frames
    /// of [`crate::wire`]): its output, its stdin, and what resizes its
    /// terminal and reads its exit code.
    pub async fn exec(
        &self,
        target: &str,
        request: &ExecRequest,
    ) -> Result<(ExecOutputStream, ExecInput, RemoteExec)> {
        let mut query: Vec<(&str, String)> = vec![
            ("tty", request.tty.to_string()),
            ("stdin", request.stdin.to_string()),
        ];
        if let Some(s) = &request.service {
            query.push(("service", s.clone()));
        }
        if let Some(size) = request.size {
            query.push(("cols", size.cols.to_string()));
            query.push(("rows", size.rows.to_string()));
        }
        for arg in request.command.iter().flatten() {
            query.push(("cmd", arg.clone()));
        }
        // An upgrade needs HTTP/1.1, whatever TLS would negotiate.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("envctl/", env!("CARGO_PKG_VERSION")))
            .http1_only()
            .build()
            .map_err(|e| Error::Failed(format!("cannot make an HTTP client: {e}")))?;
        let url = format!("{}{}/exec", self.base, env_path(target));
        // No overall timeout: a shell lasts as long as the user wants (the
        // server answers the upgrade at once; the connect is bounded).
        let mut waited = Duration::ZERO;
        let response = loop {
            let mut call = http
                .get(&url)
                .query(&query)
                .header(reqwest::header::CONNECTION, "upgrade")
                .header(reqwest::header::UPGRADE, wire::PROTOCOL);
            if let Some(token) = &self.token {
                call = call.bearer_auth(token);
            }
            let response = call.send().await.map_err(|e| self.unreachable(&e))?;
            match response.status() {
                StatusCode::SWITCHING_PROTOCOLS => break response,
                // Rate limited: waited out as every other call does.
                StatusCode::TOO_MANY_REQUESTS => {
                    let after = retry_after(&response);
                    if waited + after > RATE_LIMIT_PATIENCE {
                        return Err(self.refusal(response).await);
                    }
                    tokio::time::sleep(after).await;
                    waited += after;
                }
                _ => return Err(self.refusal(response).await),
            }
        };
        let upgraded = response.upgrade().await.map_err(|e| self.unreachable(&e))?;
        let (mut from_server, mut to_server) = tokio::io::split(upgraded);
        let (out_tx, mut out_rx) = tokio::sync::mpsc::channel::<ExecOutput>(64);
        let (exit_tx, exit_rx) = tokio::sync::oneshot::channel::<Result<i64>>();
        let base = self.base.clone();
        tokio::spawn(async move {
            let end = loop {
                match wire::read(&mut from_server).await {
                    Ok(Some(Frame::Stdout(b))) => {
                        let _ = out_tx.send(ExecOutput::Stdout(b)).await;
                    }
                    Ok(Some(Frame::Stderr(b))) => {
                        let _ = out_tx.send(ExecOutput::Stderr(b)).await;
                    }
                    Ok(Some(Frame::Exit(code))) => break Ok(i64::from(code)),
                    Ok(Some(Frame::Error { code, message })) => {
                        break Err(Error::Remote {
                            url: base.clone(),
                            code: ErrorCode::parse(&code),
                            message,
                        });
                    }
                    Ok(Some(_)) => {
                        break Err(Error::Failed(format!(
                            "{base} sent an exec frame only a client sends"
                        )));
                    }
                    Ok(None) => {
                        break Err(Error::ServerUnreachable {
                            url: base.clone(),
                            reason: "the connection closed before the command's exit code came"
                                .into(),
                        });
                    }
                    Err(e) => {
                        break Err(Error::ServerUnreachable {
                            url: base.clone(),
                            reason: format!("the exec connection broke: {e}"),
                        });
                    }
                }
            };
            drop(out_tx);
            let _ = exit_tx.send(end);
        });
        // Stdin is written into one end of a pipe; its other end becomes frames.
        let (input, mut stdin_pipe) = tokio::io::duplex(64 * 1024);
        let (resize_tx, mut resize_rx) = tokio::sync::mpsc::unbounded_channel::<TerminalSize>();
        let forward_stdin = request.stdin;
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let mut buf = vec![0u8; 32 * 1024];
            let mut stdin_open = forward_stdin;
            let mut resize_open = true;
            while stdin_open || resize_open {
                let frame = tokio::select! {
                    read = stdin_pipe.read(&mut buf), if stdin_open => match read {
                        Ok(0) | Err(_) => {
                            stdin_open = false;
                            Frame::StdinEnd
                        }
                        Ok(n) => Frame::Stdin(Bytes::copy_from_slice(&buf[..n])),
                    },
                    size = resize_rx.recv(), if resize_open => match size {
                        Some(size) => Frame::Resize(size),
                        None => {
                            resize_open = false;
                            continue;
                        }
                    },
                };
                if wire::write(&mut to_server, &frame).await.is_err() {
                    break;
                }
            }
        });
        let output =
            futures_util::stream::poll_fn(move |cx| out_rx.poll_recv(cx).map(|o| o.map(Ok)));
        Ok((
            Box::pin(output),
            Box::pin(input),
            RemoteExec {
                resize: resize_tx,
                exit: std::sync::Mutex::new(Some(exit_rx)),
            },
        ))
    }

    pub async fn cleanup(&self, request: &CleanupRequest) -> Result<CleanupReport> {
        self.send(Method::POST, "/api/admin/cleanup", &[], request)
            .await
    }

    pub async fn sync(&self, opts: &SyncOptions) -> Result<SyncReport> {
        self.send(Method::POST, "/api/admin/sync", &[], opts).await
    }

    /// `GET path` as a health probe: the status and the JSON body (null
    /// when it is not JSON), whatever the status, within `limit`.
    pub async fn probe(&self, path: &str, limit: Duration) -> Result<(u16, serde_json::Value)> {
        let url = format!("{}{path}", self.base);
        let failed = |e: reqwest::Error| match e.is_timeout() {
            true => Error::ServerUnreachable {
                url: self.base.clone(),
                reason: format!("no answer within {}s", limit.as_secs()),
            },
            false => self.unreachable(&e),
        };
        let response = self
            .http
            .get(&url)
            .timeout(limit)
            .send()
            .await
            .map_err(failed)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(failed)?;
        Ok((
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        ))
    }

    /// Sends `body` as JSON and decodes the answer.
    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: &impl serde::Serialize,
    ) -> Result<T> {
        let body = serde_json::to_value(body)
            .map_err(|e| Error::Failed(format!("cannot encode the request: {e}")))?;
        let r = self.call(method, path, query, Some(body), true).await?;
        self.decode(r).await
    }

    /// Sends one request; waits out rate limits (`429 Retry-After`) for up to
    /// a minute; turns every non-2xx answer into an [`Error`].
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
        bounded: bool,
    ) -> Result<reqwest::Response> {
        let url = format!("{}{path}", self.base);
        let mut waited = Duration::ZERO;
        loop {
            let mut request = self.http.request(method.clone(), &url).query(query);
            if bounded {
                request = request.timeout(REQUEST_TIMEOUT);
            }
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(|e| self.unreachable(&e))?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let after = retry_after(&response);
                if waited + after <= RATE_LIMIT_PATIENCE {
                    tokio::time::sleep(after).await;
                    waited += after;
                    continue;
                }
            }
            return Err(self.refusal(response).await);
        }
    }

    /// The server's error answer as an [`Error`].
    async fn refusal(&self, response: reqwest::Response) -> Error {
        #[derive(Deserialize)]
        struct Body {
            error: Detail,
        }
        #[derive(Deserialize)]
        struct Detail {
            code: String,
            message: String,
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        match serde_json::from_str::<Body>(&text) {
            Ok(Body { error }) => {
                let code = ErrorCode::parse(&error.code);
                let message = match (&code, &self.token) {
                    (ErrorCode::Unauthorized, None) => format!(
                        "the server at {} needs a token, and ENVCTL_TOKEN is not set",
                        self.base
                    ),
                    (ErrorCode::Unauthorized, Some(_)) => format!(
                        "the server at {} did not accept ENVCTL_TOKEN (unknown or revoked)",
                        self.base
                    ),
                    _ => error.message,
                };
                Error::Remote {
                    url: self.base.clone(),
                    code,
                    message,
                }
            }
            Err(_) => Error::Remote {
                url: self.base.clone(),
                code: ErrorCode::Other(format!("http_{}", status.as_u16())),
                message: format!(
                    "{} answered {status} without an envctl error; is it an envctl server?",
                    self.base
                ),
            },
        }
    }

    fn unreachable(&self, e: &reqwest::Error) -> Error {
        // The innermost cause says it best ("Connection refused (os error 111)").
        let mut cause: &dyn std::error::Error = e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let reason = if e.is_timeout() {
            format!("no answer within {}s", REQUEST_TIMEOUT.as_secs())
        } else {
            cause.to_string()
        };
        Error::ServerUnreachable {
            url: self.base.clone(),
            reason,
        }
    }

    async fn decode<T: DeserializeOwned>(&self, response: reqwest::Response) -> Result<T> {
        let text = response.text().await.map_err(|e| self.unreachable(&e))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Failed(format!(
                "unexpected answer from {}: {e}; is it an envctl server of this version?",
                self.base
            ))
        })
    }
}

/// How long a `429` asks to wait (`Retry-After`, in seconds), within reason.
fn retry_after(response: &reqwest::Response) -> Duration {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .map_or(Duration::from_secs(1), Duration::from_secs)
        .clamp(Duration::from_millis(100), Duration::from_secs(30))
}

/// What resizes a remote command's terminal and reads its exit code.
#[derive(Debug)]
pub struct RemoteExec {
    resize: tokio::sync::mpsc::UnboundedSender<TerminalSize>,
    exit: std::sync::Mutex<Option<tokio::sync::oneshot::Receiver<Result<i64>>>>,
}

impl RemoteExec {
    pub fn resize(&self, size: TerminalSize) {
        let _ = self.resize.send(size);
    }

    /// The command's exit code, or why there is none. Once.
    pub async fn exit_code(&self) -> Result<i64> {
        let receiver = self.exit.lock().unwrap_or_else(|e| e.into_inner()).take();
        match receiver {
            Some(r) => r.await.unwrap_or_else(|_| {
                Err(Error::Failed("the exec connection's reader stopped".into()))
            }),
            None => Err(Error::Failed("the exit code was already read".into())),
        }
    }
}

/// The URL path of one environment, its id or name percent-encoded.
fn env_path(target: &str) -> String {
    let mut path = String::from("/api/onboarding/environments/");
    for b in target.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            path.push(b as char);
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    path
}

/// One JSON line of the logs endpoint.
fn log_line(line: &[u8]) -> Result<LogChunk> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Line {
        Chunk(LogChunk),
        Error { error: String },
    }
    match serde_json::from_slice::<Line>(line) {
        Ok(Line::Chunk(chunk)) => Ok(chunk),
        Ok(Line::Error { error }) => Err(Error::Failed(error)),
        Err(e) => Err(Error::Failed(format!(
            "malformed log line from the server: {e}"
        ))),
    }
}

/// Durations sent to the server as whole seconds ("90s").
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_percent_encoded() {
        assert_eq!(
            env_path("alice-1a2b"),
            "/api/onboarding/environments/alice-1a2b"
        );
        assert_eq!(
            env_path("a/b?c d"),
            "/api/onboarding/environments/a%2Fb%3Fc%20d"
        );
    }

    #[test]
    fn server_urls_are_checked() {
        assert!(Remote::new("http://127.0.0.1:8080/", None).is_ok());
        assert_eq!(
            Remote::new("https://envctl.example/prefix/", None)
                .unwrap()
                .url(),
            "https://envctl.example/prefix"
        );
        for bad in ["127.0.0.1:8080", "ftp://host", "http://", "not a url"] {
            let e = Remote::new(bad, None).unwrap_err();
            assert_eq!(e.exit_code(), crate::exit::USAGE, "{bad}: {e}");
        }
    }

    #[test]
    fn log_lines_decode_chunks_and_errors() {
        let chunk = log_line(br#"{"service":"web","text":"hi\n"}"#).unwrap();
        assert_eq!(
            (chunk.service.as_str(), chunk.text.as_str()),
            ("web", "hi\n")
        );
        let e = log_line(br#"{"error":"container gone"}"#).unwrap_err();
        assert_eq!(e.to_string(), "container gone");
        assert!(log_line(b"<html>").is_err());
    }
}
