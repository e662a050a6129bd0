//! Readiness probes: is a service answering yet?
//!
//! A probe polls (every 25 ms for two seconds, then backing off to every half second) until the service
//! answers or its deadline passes, and fails at once when the container exits,
//! with the tail of its output in the error.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::config::Probe;
use crate::engine::{Engine, Health, RunState, Runtime};
use crate::error::{Error, Result};

const FAST_POLL: Duration = Duration::from_millis(25);
const FAST_PHASE: Duration = Duration::from_secs(2);
const MAX_POLL: Duration = Duration::from_millis(500);
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Waits until `container` is ready by `probe` on `address` (the host its
/// port is published on, and the port), or `deadline`.
pub async fn wait_ready(
    engine: &Engine,
    service: &str,
    container: &str,
    probe: &Probe,
    address: Option<(&str, u16)>,
    deadline: Instant,
) -> Result<()> {
    // Most services answer within a few seconds: poll often at first, then back off.
    let started = Instant::now();
    let mut pause = FAST_POLL;
    loop {
        let state = engine.container_state(container).await?.ok_or_else(|| {
            Error::Failed(format!(
                "service {service}: container {container} disappeared"
            ))
        })?;
        let running = state.state == RunState::Running;
        let exited = state.state == RunState::Stopped;
        if *probe == Probe::Completed && exited && state.exit_code == 0 {
            return Ok(());
        }
        if !running && state.state != RunState::Created {
            let code = state.exit_code;
            let tail = engine.tail(container, 5).await;
            return Err(Error::ServiceExited {
                service: service.to_owned(),
                code,
                output: tail.trim().to_owned(),
            });
        }
        if running {
            let ready = match probe {
                Probe::Running => true,
                // Still running: a job is done only when it exits 0.
                Probe::Completed => false,
                Probe::Health => state.health == Health::Healthy,
                Probe::Tcp => tcp_answers(address).await,
                Probe::Http(path) => http_answers(address, path).await,
            };
            if ready {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(Error::Failed(format!(
                "service {service} was not ready in time ({})",
                describe(probe)
            )));
        }
        tokio::time::sleep(pause.min(deadline.saturating_duration_since(Instant::now()))).await;
        if started.elapsed() > FAST_PHASE {
            pause = (pause * 2).min(MAX_POLL);
        }
    }
}

/// One quick look at a service whose container is known to run: its probe
/// passes now, no waiting. For a claim from a warm pool, whose member passed
/// its full probes when it was made: a TCP probe is a connect (Docker's proxy
/// accepts for a dead service too, but then its container is not running).
/// A health check cannot be read without the engine: it counts as passed.
pub async fn answers_now(service: &str, probe: &Probe, address: Option<(&str, u16)>) -> Result<()> {
    let ready = match probe {
        Probe::Running | Probe::Health | Probe::Completed => true,
        Probe::Tcp => tcp_open(address, Duration::ZERO).await,
        Probe::Http(path) => http_answers(address, path).await,
    };
    if ready {
        Ok(())
    } else {
        Err(Error::Failed(format!(
            "service {service} does not answer ({})",
            describe(probe)
        )))
    }
}

fn describe(probe: &Probe) -> String {
    match probe {
        Probe::Http(path) => format!("HTTP GET {path} did not answer 2xx or 3xx"),
        Probe::Tcp => "its port did not accept connections".into(),
        Probe::Health => "its health check did not pass".into(),
        Probe::Running => "it did not start".into(),
        Probe::Completed => "it did not finish".into(),
    }
}

/// A TCP connect that the far end keeps open. Docker's userland proxy accepts
/// on the published port even when nothing listens in the container, then
/// closes at once; that close is "not ready".
async fn tcp_answers(address: Option<(&str, u16)>) -> bool {
    tcp_open(address, Duration::from_millis(150)).await
}

/// [`tcp_answers`], watching the connection for `window`.
async fn tcp_open(address: Option<(&str, u16)>, window: Duration) -> bool {
    let Some(address) = address else { return false };
    let Ok(Ok(mut stream)) = tokio::time::timeout(PROBE_TIMEOUT, TcpStream::connect(address)).await
    else {
        return false;
    };
    let mut byte = [0u8; 1];
    match tokio::time::timeout(window, stream.read(&mut byte)).await {
        Err(_) => true,     // still open, silent: a server waiting for us
        Ok(Ok(n)) => n > 0, // a greeting (SSH, SMTP, ...) or an immediate close
        Ok(Err(_)) => false,
    }
}

/// HTTP/1.0 GET of `path` on the published port answers 2xx or 3xx.
async fn http_answers(address: Option<(&str, u16)>, path: &str) -> bool {
    let Some(address) = address else { return false };
    let attempt = async {
        let mut stream = TcpStream::connect(address).await.ok()?;
        let request =
            format!("GET {path} HTTP/1.0\r\nHost: localhost\r\nUser-Agent: envctl\r\n\r\n");
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut head = Vec::with_capacity(64);
        let mut buf = [0u8; 64];
        while !head.contains(&b'\n') && head.len() < 1024 {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        status_code(&head)
    };
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, attempt).await,
        Ok(Some(200..=399))
    )
}

fn status_code(head: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(head).ok()?.lines().next()?;
    let mut parts = line.split_whitespace();
    parts.next().filter(|v| v.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_parse() {
        assert_eq!(status_code(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(
            status_code(b"HTTP/1.0 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(status_code(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(status_code(b""), None);
    }

    #[tokio::test]
    async fn http_probe_needs_a_success_status() {
        use tokio::net::TcpListener;
        async fn serve(answer: &'static str) -> u16 {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            tokio::spawn(async move {
                while let Ok((mut s, _)) = listener.accept().await {
                    let mut buf = [0u8; 512];
                    let _ = s.read(&mut buf).await;
                    let _ = s.write_all(answer.as_bytes()).await;
                }
            });
            port
        }
        let ok = serve("HTTP/1.0 200 OK\r\n\r\nok").await;
        let down = serve("HTTP/1.0 503 Unavailable\r\n\r\n").await;
        assert!(http_answers(Some(("127.0.0.1", ok)), "/").await);
        assert!(!http_answers(Some(("127.0.0.1", down)), "/").await);
        assert!(!http_answers(None, "/").await);
    }
}
