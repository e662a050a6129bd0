//! Sending: one HTTP POST per notice and endpoint (reqwest), signed with the
//! endpoint's secret; the rounds that empty the spool; the server's
//! background task; and `notify test`.
//!
//! A 2xx answer is delivered. A 4xx other than 408 and 429 means the receiver
//! will never take this body: dropped at once (logged). Anything else (no
//! answer, a timeout, 5xx, 408, 429) is retried after the endpoint's backoff
//! until [`queue::GIVE_UP_AFTER`], then dropped. Each endpoint's notices go in
//! the order they were queued: a round stops at an endpoint's first notice
//! that is not due, fails, or is claimed by another process.

use std::path::Path;
use std::sync::Weak;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;

use super::queue::{self, Entry};
use super::{Counts, Kind, Notice, format};
use crate::access::Caller;
use crate::config::Config;
use crate::config::notifications::Endpoint;
use crate::context::Context;

/// Header with the unix time (seconds) the request was signed at.
pub const TIMESTAMP_HEADER: &str = "X-Envctl-Timestamp";
/// Header `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
pub const SIGNATURE_HEADER: &str = "X-Envctl-Signature";
/// Header with the notice's kind.
pub const EVENT_HEADER: &str = "X-Envctl-Event";
/// Header with the notice's id (the same on every retry).
pub const DELIVERY_HEADER: &str = "X-Envctl-Delivery";

/// What a receiver answered.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub status: u16,
    /// The start of the body (at most 200 characters, one line).
    pub excerpt: String,
}

/// Why a send did not deliver.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub message: String,
    /// The receiver's answer, when there was one.
    pub answer: Option<Answer>,
    /// True when retrying cannot help (a 4xx other than 408 and 429, no secret).
    pub permanent: bool,
}

/// HMAC-SHA256 of `<timestamp>.<body>` with `secret`, as the signature header
/// carries it: `sha256=<lowercase hex>`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let mut ctx = ring::hmac::Context::with_key(&key);
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    let tag = ctx.sign();
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// The endpoint's secret, from the config or its environment variable.
fn secret(endpoint: &Endpoint) -> Result<Option<String>, String> {
    if let Some(s) = &endpoint.secret {
        return Ok(Some(s.clone()));
    }
    match &endpoint.secret_env {
        None => Ok(None),
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Some(v)),
            _ => Err(format!(
                "secret_env {var} is not set in this process's environment; set it (or use `secret`) so the request can be signed"
            )),
        },
    }
}

/// The HTTP client for webhooks: no redirects (a redirected POST is not
/// what the receiver asked for), rustls.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("envctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// POSTs `notice` to `endpoint` once, waiting at most `timeout`.
pub async fn send(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    notice: &Notice,
    timeout: Duration,
) -> Result<Answer, Failure> {
    let fail = |message: String, permanent| Failure {
        message,
        answer: None,
        permanent,
    };
    let secret = secret(endpoint).map_err(|m| fail(m, false))?;
    let body = serde_json::to_vec(&format::body(endpoint.format, notice))
        .map_err(|e| fail(e.to_string(), true))?;
    let timestamp = Utc::now().timestamp();
    let mut request = client
        .post(&endpoint.url)
        .timeout(timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(EVENT_HEADER, notice.kind.as_str())
        .header(DELIVERY_HEADER, &notice.id);
    if let Some(secret) = secret {
        request = request.header(SIGNATURE_HEADER, sign(secret.as_bytes(), timestamp, &body));
    }
    let response = request.body(body).send().await.map_err(|e| {
        // A webhook URL's path is often its secret: never in messages.
        let e = e.without_url();
        let what = if e.is_timeout() {
            format!("no answer within {}", humantime::format_duration(timeout))
        } else if e.is_connect() {
            "cannot connect".to_owned()
        } else {
            "the request failed".to_owned()
        };
        fail(format!("{what}: {}", error_chain(&e)), false)
    })?;
    let status = response.status();
    let text = tokio::time::timeout(Duration::from_secs(2), response.text())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let answer = Answer {
        status: status.as_u16(),
        excerpt: excerpt(&text),
    };
    if status.is_success() {
        return Ok(answer);
    }
    let code = status.as_u16();
    Err(Failure {
        message: format!("the receiver answered {status}"),
        permanent: status.is_client_error() && code != 408 && code != 429,
        answer: Some(answer),
    })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn excerpt(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    line.trim().to_owned()
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
    pub dropped: usize,
}

/// Sends every due notice in the spool (each endpoint in queue order, the
/// endpoints at once), stopping at `deadline`.
pub async fn deliver_due(
    config: &Config,
    dir: &Path,
    deadline: tokio::time::Instant,
    counts: &Counts,
    caller: &Caller,
) -> Round {
    let entries = crate::store::off_worker(|| queue::entries(dir));
    if entries.is_empty() {
        return Round::default();
    }
    let now = Utc::now();
    let client = client();
    let mut round = Round::default();
    // Notices for an endpoint not in this process's config may be another
    // process's (the server's, with another config): skipped, and dropped
    // only once they are past GIVE_UP_AFTER, as any undelivered notice.
    let give_up =
        chrono::Duration::from_std(queue::GIVE_UP_AFTER).unwrap_or(chrono::Duration::days(1));
    for entry in &entries {
        let known = config
            .notifications
            .iter()
            .any(|e| e.key() == entry.endpoint());
        if !known
            && entry.claimed_at.is_none()
            && let Ok(p) = queue::read(&entry.path)
            && now - p.queued_at > give_up
        {
            queue::drop_pending(
                dir,
                &entry.path,
                &p,
                "its endpoint is not in the config and it was not delivered within a day",
                counts,
                caller,
            );
            round.dropped += 1;
        }
        queue::release_if_stale(entry, now);
    }
    let rounds = config.notifications.iter().map(|endpoint| {
        let key = endpoint.key();
        let mine: Vec<&Entry> = entries.iter().filter(|e| e.endpoint() == key).collect();
        deliver_endpoint(endpoint, mine, dir, deadline, counts, caller, &client)
    });
    for r in futures_util::future::join_all(rounds).await {
        round.sent += r.sent;
        round.failed += r.failed;
        round.dropped += r.dropped;
    }
    round
}

async fn deliver_endpoint(
    endpoint: &Endpoint,
    entries: Vec<&Entry>,
    dir: &Path,
    deadline: tokio::time::Instant,
    counts: &Counts,
    caller: &Caller,
    client: &reqwest::Client,
) -> Round {
    let mut round = Round::default();
    for entry in entries {
        if entry.claimed_at.is_some() {
            break; // another process is at this endpoint's head
        }
        let mut pending = match std::fs::read(&entry.path) {
            // Claimed by another process since the listing: it has the head.
            Err(_) => break,
            Ok(bytes) => match serde_json::from_slice::<queue::Pending>(&bytes) {
                Ok(p) => p,
                Err(e) => {
                    // Not a notice (never written by envctl whole): dropped,
                    // or it would hold this endpoint up for ever.
                    let Some(claimed) = queue::claim(entry) else {
                        break;
                    };
                    queue::drop_corrupt(dir, &claimed, &e.to_string(), counts, caller);
                    round.dropped += 1;
                    continue;
                }
            },
        };
        let now = Utc::now();
        if pending.next_try > now {
            break;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left < Duration::from_millis(200) {
            break;
        }
        let Some(claimed) = queue::claim(entry) else {
            break;
        };
        let result = send(
            client,
            endpoint,
            &pending.notice,
            endpoint.timeout.min(left),
        )
        .await;
        pending.attempts += 1;
        match result {
            Ok(_) => {
                queue::done(&claimed);
                counts.sent.fetch_add(1, Ordering::Relaxed);
                round.sent += 1;
            }
            Err(failure) => {
                counts.failed_attempts.fetch_add(1, Ordering::Relaxed);
                round.failed += 1;
                pending.last_error = Some(failure.message.clone());
                let age = (Utc::now() - pending.queued_at)
                    .to_std()
                    .unwrap_or_default();
                let wait = queue::backoff(endpoint.retry_after, pending.attempts);
                let give_up = failure.permanent || age + wait > queue::GIVE_UP_AFTER;
                if give_up {
                    let why = if failure.permanent {
                        "the receiver refused it"
                    } else {
                        "not delivered within a day"
                    };
                    queue::drop_pending(dir, &claimed, &pending, why, counts, caller);
                    round.dropped += 1;
                    if failure.permanent {
                        continue;
                    }
                } else {
                    pending.next_try = Utc::now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                    tracing::info!(
                        endpoint = %endpoint.label(),
                        kind = %pending.notice.kind,
                        attempts = pending.attempts,
                        "notification not delivered ({}); next try in {}",
                        failure.message,
                        humantime::format_duration(wait)
                    );
                    if let Err(e) = queue::put_back(entry, &claimed, &pending) {
                        tracing::warn!("cannot put a notification back in the queue: {e}");
                    }
                }
                break;
            }
        }
    }
    round
}

/// The server's delivery task: a round whenever something is queued, when
/// the earliest retry is due, and at least every 30 s (a cron run may have
/// queued meanwhile). Ends when the server's context is dropped.
pub async fn run(ctx: Weak<Context>) {
    loop {
        let Some(strong) = ctx.upgrade() else { return };
        strong.notifier.serving();
        let caller = Caller::server();
        let far = tokio::time::Instant::now() + Duration::from_secs(3600);
        let dir = strong.store.dir().to_owned();
        if !strong.config.notifications.is_empty() {
            deliver_due(&strong.config, &dir, far, &strong.notifier.counts, &caller).await;
        }
        let known: Vec<String> = strong
            .config
            .notifications
            .iter()
            .map(|e| e.key())
            .collect();
        let wait = crate::store::off_worker(|| queue::next_due(&dir, &known))
            .map(|at| (at - Utc::now()).to_std().unwrap_or_default())
            .unwrap_or(Duration::from_secs(30))
            .clamp(Duration::from_millis(50), Duration::from_secs(30));
        let notifier = &strong.notifier;
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = notifier.woken() => {}
        }
    }
}

/// What one endpoint answered to `notify test`.
#[derive(Debug, Clone, Serialize)]
pub struct Tested {
    pub endpoint: String,
    pub format: super::Format,
    pub kind: Kind,
    pub ok: bool,
    pub status: Option<u16>,
    pub body: Option<String>,
    pub error: Option<String>,
}

/// Sends a sample notice of `kind` to every endpoint now (not through the
/// queue), all at once, and answers what each said.
pub async fn test(config: &Config, kind: Kind) -> Vec<Tested> {
    let client = client();
    let sends = config.notifications.iter().map(|endpoint| {
        let client = &client;
        async move {
            let notice = Notice::sample(kind, endpoint);
            let result = send(client, endpoint, &notice, endpoint.timeout).await;
            let (ok, answer, error) = match result {
                Ok(a) => (true, Some(a), None),
                Err(f) => (false, f.answer, Some(f.message)),
            };
            Tested {
                endpoint: endpoint.label(),
                format: endpoint.format,
                kind,
                ok,
                status: answer.as_ref().map(|a| a.status),
                body: answer.map(|a| a.excerpt),
                error,
            }
        }
    });
    futures_util::future::join_all(sends).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> Config {
        let text = format!("[[notifications]]\nurl = \"{url}\"\nretry_after = \"1h\"\n");
        Config::parse(&text, Path::new("t.toml")).unwrap()
    }

    async fn round(config: &Config, dir: &Path) -> Round {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        deliver_due(config, dir, deadline, &Counts::default(), &Caller::local()).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn another_configs_notices_are_skipped_until_a_day_old() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = config("http://127.0.0.1:1/theirs");
        let endpoint = &theirs.notifications[0];
        let counts = Counts::default();
        let notice = Notice::pool_miss("t", None);
        queue::enqueue(dir.path(), endpoint, &notice, &counts, &Caller::local()).unwrap();
        let mine = config("http://127.0.0.1:1/mine");
        assert_eq!(round(&mine, dir.path()).await.dropped, 0);
        assert_eq!(
            queue::list(dir.path()).len(),
            1,
            "the other config's notice stays"
        );
        // A day later it is dropped like any notice not delivered.
        let entry = queue::entries(dir.path()).remove(0);
        let mut p = queue::read(&entry.path).unwrap();
        p.queued_at -= chrono::Duration::hours(25);
        crate::store::write_atomic(&entry.path, &serde_json::to_vec(&p).unwrap()).unwrap();
        assert_eq!(round(&mine, dir.path()).await.dropped, 1);
        assert!(queue::list(dir.path()).is_empty());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_corrupt_head_is_dropped_with_an_event_not_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let config = config("http://127.0.0.1:1/");
        let endpoint = &config.notifications[0];
        let spool = queue::spool(dir.path());
        crate::store::ensure_private_dir(&spool).unwrap();
        let bad = spool.join(format!("{:020}-00000000-{}.json", 1, endpoint.key()));
        std::fs::write(&bad, b"{ not json").unwrap();
        let r = round(&config, dir.path()).await;
        assert_eq!(r.dropped, 1);
        assert!(
            queue::entries(dir.path()).is_empty(),
            "the corrupt file is gone"
        );
        assert_eq!(
            super::queue::tests::drops(dir.path()),
            1,
            "a notify-drop event"
        );
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test case 2 is HMAC("Jefe", "what do ya want for nothing?").
        let sig = sign(b"Jefe", 0, b"what do ya want for nothing?");
        assert_eq!(sig.len(), "sha256=".len() + 64);
        // The same key and message with the prefix written out by hand.
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"Jefe");
        let tag = ring::hmac::sign(&key, b"0.what do ya want for nothing?");
        let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(sig, format!("sha256={hex}"));
    }
}
