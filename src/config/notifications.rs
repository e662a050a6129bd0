//! `[[notifications]]`: the webhooks envctl tells when something goes wrong or
//! an environment is about to expire (see `docs/notifications.md`).
//!
//! Only the shape and the checks live here; `crate::notify` builds, queues
//! and delivers the notices.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::duration_text;

/// One webhook: where, in which format, for which events.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// A short name for output and logs; default: the URL's scheme and host
    /// (a webhook URL's path is often its secret, so it is never printed).
    #[serde(default)]
    pub name: Option<String>,
    /// The webhook, http or https.
    pub url: String,
    #[serde(default)]
    pub format: Format,
    /// The kinds of notice it wants; default: all of them.
    #[serde(default = "EventKind::all")]
    pub events: Vec<EventKind>,
    /// Only notices about this owner's environments.
    #[serde(default)]
    pub owner: Option<String>,
    /// Only notices about environments (and pools) of this template.
    #[serde(default)]
    pub template: Option<String>,
    /// Signs each request with HMAC-SHA256 (header `X-Envctl-Signature`).
    /// Never shown when the config is printed.
    #[serde(default, skip_serializing)]
    pub secret: Option<String>,
    /// Like `secret`, read from this environment variable when sending, so
    /// the config need not hold it.
    #[serde(default)]
    pub secret_env: Option<String>,
    /// How long before an environment's end the `expiring` warning goes.
    #[serde(default = "default_warn_before", with = "duration_text")]
    pub warn_before: Duration,
    /// How long one request may take.
    #[serde(default = "default_timeout", with = "duration_text")]
    pub timeout: Duration,
    /// The wait before the first retry; it doubles with each failure, up to an hour.
    #[serde(default = "default_retry_after", with = "duration_text")]
    pub retry_after: Duration,
}

/// The body's shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// envctl's own JSON notice (documented fields).
    #[default]
    Json,
    /// `{"text": ...}` with attachments: Slack, Mattermost and Rocket.Chat incoming webhooks.
    Slack,
    /// An Adaptive Card message, as Microsoft Teams workflow webhooks take.
    Teams,
}

/// The kinds of notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A create or start failed.
    Failed,
    /// An environment ends within `warn_before`.
    Expiring,
    /// An environment was removed because its TTL passed.
    Expired,
    /// A cleanup run removed something (one notice per run).
    Cleanup,
    /// A service died more often than `[api] restart_limit`; its environment is failed.
    RestartLimit,
    /// A create of a pooled template found no ready member.
    PoolMiss,
    /// A maintenance run (auto-cleanup, the server's upkeep) failed.
    MaintenanceFailed,
    /// A database backup could not be written.
    BackupFailed,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::Failed,
        EventKind::Expiring,
        EventKind::Expired,
        EventKind::Cleanup,
        EventKind::RestartLimit,
        EventKind::PoolMiss,
        EventKind::MaintenanceFailed,
        EventKind::BackupFailed,
    ];

    fn all() -> Vec<EventKind> {
        EventKind::ALL.to_vec()
    }

    /// The name used in the config, the payload and the headers.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Failed => "failed",
            EventKind::Expiring => "expiring",
            EventKind::Expired => "expired",
            EventKind::Cleanup => "cleanup",
            EventKind::RestartLimit => "restart_limit",
            EventKind::PoolMiss => "pool_miss",
            EventKind::MaintenanceFailed => "maintenance_failed",
            EventKind::BackupFailed => "backup_failed",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn default_warn_before() -> Duration {
    Duration::from_secs(24 * 3600)
}

fn default_timeout() -> Duration {
    Duration::from_secs(10)
}

fn default_retry_after() -> Duration {
    Duration::from_secs(30)
}

impl Endpoint {
    /// What output and logs call it: `name`, else the URL's scheme and host.
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        match reqwest::Url::parse(&self.url) {
            Ok(url) => format!(
                "{}://{}{}",
                url.scheme(),
                url.host_str().unwrap_or(""),
                url.port().map(|p| format!(":{p}")).unwrap_or_default()
            ),
            Err(_) => "(invalid url)".into(),
        }
    }

    /// A stable key for the queue and the warning state: the same URL and
    /// format are the same endpoint across restarts and config edits.
    pub fn key(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("{:?}\n{}", self.format, self.url));
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What a URL without a scheme shows in an error: the part before the first
/// `/` (the host, never the secret path).
fn url_host_part(url: &str) -> &str {
    url.split('/').next().unwrap_or("")
}

/// Every problem of the `[[notifications]]` entries, each naming its key.
pub fn problems(endpoints: &[Endpoint], problems: &mut Vec<String>) {
    for (i, e) in endpoints.iter().enumerate() {
        let key = format!("notifications[{i}]");
        match reqwest::Url::parse(&e.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {}
            Ok(url) => problems.push(format!(
                "key `{key}.url`: expected an http or https URL, got a {} URL",
                url.scheme()
            )),
            // Only the host part is shown: a webhook URL's path is its secret.
            Err(err) => problems.push(format!(
                "key `{key}.url`: \"{}/...\" is not a URL ({err}); it needs http:// or https://, e.g. \"https://hooks.example.com/envctl\"",
                crate::names::printable(url_host_part(&e.url), 60)
            )),
        }
        if let Some(j) = endpoints[..i]
            .iter()
            .position(|o| o.url == e.url && o.format == e.format)
        {
            problems.push(format!(
                "key `{key}.url`: the same url and format as notifications[{j}]; \
                 each endpoint once (they would share one queue)"
            ));
        }
        if e.events.is_empty() {
            problems.push(format!(
                "key `{key}.events`: empty; leave it out for every event, or name some of: {}",
                EventKind::ALL.map(EventKind::as_str).join(", ")
            ));
        }
        if e.secret.is_some() && e.secret_env.is_some() {
            problems.push(format!(
                "key `{key}.secret_env`: set secret or secret_env, not both"
            ));
        }
        if e.secret.as_deref() == Some("") {
            problems.push(format!(
                "key `{key}.secret`: empty; leave it out for unsigned requests"
            ));
        }
        if e.warn_before.is_zero() || e.warn_before > Duration::from_secs(90 * 24 * 3600) {
            problems.push(format!(
                "key `{key}.warn_before`: expected more than 0s and at most 90d, got {}",
                humantime::format_duration(e.warn_before)
            ));
        }
        if e.timeout < Duration::from_secs(1) || e.timeout > Duration::from_secs(60) {
            problems.push(format!(
                "key `{key}.timeout`: expected 1s to 60s, got {}",
                humantime::format_duration(e.timeout)
            ));
        }
        if e.retry_after < Duration::from_secs(1) || e.retry_after > Duration::from_secs(3600) {
            problems.push(format!(
                "key `{key}.retry_after`: expected 1s to 1h, got {}",
                humantime::format_duration(e.retry_after)
            ));
        }
    }
}
