//! The event log: one JSON object per line for every operation (create,
//! delete, start, stop, extend, pin, cleanup and each removal it made,
//! sync, reset, restore, pool claims and misses, archives) from every door,
//! and the server's own lines (start, stop, a usage sample a minute). It is
//! the history the report ([`crate::ops::report`]) is computed from, so a
//! line says who (`user`, `via`), what (`action`, `environment`, `id`,
//! `template`, `owner`, `labels`), how long (`duration_ms`) and how it ended
//! (`outcome`, and on failure the error `code` and the first line of its
//! message as `cause`). Every field but `time` and `action` may be missing:
//! lines written by older versions read back with what they have.
//!
//! Where the lines live and how they rotate is [`files`]. Writing never fails
//! an operation: a log that cannot be written is skipped.

pub mod files;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Caller;
use crate::store::Environment;

pub use files::{Limits, configure};

/// One template's resources at one sample of the server's monitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Usage {
    /// Running environments of the template sampled.
    pub environments: u32,
    /// Memory they used, in bytes.
    pub memory_used: u64,
    /// The sum of their services' memory limits, in bytes (services
    /// without a limit add nothing).
    pub memory_limit: u64,
    /// CPU they used, in percent of one CPU.
    pub cpu_percent: f64,
    /// The sum of their services' CPU limits, in percent of one CPU.
    pub cpu_limit: f64,
}

/// One event to write: built from its action, then told what it is about.
///
/// ```ignore
/// Entry::new("create").environment(&env).since(started).result(&result).write(dir, caller);
/// ```
#[derive(Debug, Clone, Default, Serialize)]
pub struct Entry {
    action: String,
    /// The environment's name (or another target's, such as an archive id).
    environment: Option<String>,
    outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<DateTime<Utc>>,
    /// A warm pool's member (not yet claimed): the template whose pool holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pool: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<BTreeMap<String, Usage>>,
}

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    /// Who asked: the token's user through the API or the web, the OS user locally.
    user: &'a str,
    /// Which door: cli, api, web, server.
    via: &'a str,
    pid: u32,
    #[serde(flatten)]
    entry: &'a Entry,
}

impl Entry {
    /// An event of `action` that went well (until told otherwise).
    pub fn new(action: &str) -> Entry {
        Entry {
            action: action.to_owned(),
            outcome: "ok".to_owned(),
            ..Entry::default()
        }
    }

    /// About `env`: its name, id, template, owner, labels and creation time.
    pub fn environment(mut self, env: &Environment) -> Entry {
        self.environment = Some(env.name.clone());
        self.id = Some(env.id.clone());
        self.template = Some(env.template.clone());
        self.owner = Some(env.owner.clone());
        self.labels = env.labels.clone();
        self.created_at = Some(env.created_at);
        self.pool = env.pool.clone();
        self
    }

    /// About the target named `name` (when there is no record to describe).
    pub fn target(mut self, name: &str) -> Entry {
        self.environment = Some(name.to_owned());
        self
    }

    pub fn template(mut self, template: &str) -> Entry {
        self.template = Some(template.to_owned());
        self
    }

    pub fn owner(mut self, owner: &str) -> Entry {
        self.owner = Some(owner.to_owned());
        self
    }

    pub fn duration(mut self, d: Duration) -> Entry {
        self.duration_ms = Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// The time since `started`, as the duration.
    pub fn since(self, started: Instant) -> Entry {
        self.duration(started.elapsed())
    }

    pub fn outcome(mut self, outcome: &str) -> Entry {
        self.outcome = outcome.to_owned();
        self
    }

    pub fn detail(mut self, detail: &str) -> Entry {
        self.detail = Some(detail.to_owned());
        self
    }

    /// The retention rule that removed it (cleanup's removals).
    pub fn rule(mut self, rule: &str) -> Entry {
        self.rule = Some(rule.to_owned());
        self
    }

    pub fn usage(mut self, usage: BTreeMap<String, Usage>) -> Entry {
        self.usage = Some(usage);
        self
    }

    /// A failure: outcome `error`, the error's code, the first line of its
    /// message as the cause, its whole chain as the detail.
    pub fn failed(mut self, e: &crate::Error) -> Entry {
        let text = e.chain_text();
        self.outcome = "error".to_owned();
        self.code = Some(e.code().as_str().to_owned());
        self.cause = Some(first_line(&e.to_string()));
        self.detail = Some(text);
        self
    }

    /// `Ok` leaves it as it is; `Err` makes it a failure.
    pub fn result<T>(self, result: &crate::Result<T>) -> Entry {
        match result {
            Ok(_) => self,
            Err(e) => self.failed(e),
        }
    }

    /// Appends the event to the log in `data_dir`, naming `caller`.
    pub fn write(&self, data_dir: &Path, caller: &Caller) {
        self.write_at(data_dir, caller, Utc::now());
    }

    /// As [`Entry::write`], at a given time (tests, benchmarks).
    pub fn write_at(&self, data_dir: &Path, caller: &Caller, time: DateTime<Utc>) {
        let line = Line {
            time: time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            user: &caller.user,
            via: caller.door,
            pid: std::process::id(),
            entry: self,
        };
        let Ok(mut bytes) = serde_json::to_vec(&line) else {
            return;
        };
        bytes.push(b'\n');
        crate::store::off_worker(|| files::append(data_dir, time, &bytes));
    }
}

/// The first line of a message, at most 200 characters: what groups failures
/// into causes.
fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

/// Appends one event to the log in `data_dir`, naming `caller`.
pub fn record(
    data_dir: &Path,
    caller: &Caller,
    action: &str,
    environment: Option<&str>,
    outcome: &str,
    detail: Option<&str>,
) {
    let mut entry = Entry::new(action).outcome(outcome);
    if let Some(name) = environment {
        entry = entry.target(name);
    }
    if let Some(detail) = detail {
        entry = entry.detail(detail);
    }
    entry.write(data_dir, caller);
}

/// `Ok` → "ok", `Err` → "error" with the code, cause and message.
pub fn record_result<T>(
    data_dir: &Path,
    caller: &Caller,
    action: &str,
    environment: Option<&str>,
    result: &crate::Result<T>,
) {
    let mut entry = Entry::new(action).result(result);
    if let Some(name) = environment {
        entry = entry.target(name);
    }
    entry.write(data_dir, caller);
}

/// One line of the event log, read back. Lines of older versions lack the
/// newer fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Logged {
    pub time: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub via: String,
    pub action: String,
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub pool: Option<String>,
    #[serde(default)]
    pub duration_ms: Option<u64>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub rule: Option<String>,
    #[serde(default)]
    pub usage: Option<BTreeMap<String, Usage>>,
}

impl Logged {
    /// When it happened (`None` for a time that does not parse).
    pub fn at(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.time)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Every event from `since` (included) to `until` (excluded), oldest first.
/// Opens only the files of those days.
pub fn read(data_dir: &Path, since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Logged> {
    read_where(data_dir, since, until, |_| true)
}

/// The events of `since`..`until` whose raw line passes `keep` (a cheap
/// filter before decoding), oldest first.
pub fn read_where(
    data_dir: &Path,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    keep: impl Fn(&[u8]) -> bool,
) -> Vec<Logged> {
    let (from, to) = (stamp(since), stamp(until));
    let mut out: Vec<Logged> = Vec::new();
    for text in files::read_between(data_dir, since, until) {
        for line in text.bytes.split(|b| *b == b'\n') {
            if line.is_empty() || !keep(line) {
                continue;
            }
            let Ok(e) = serde_json::from_slice::<Logged>(line) else {
                continue;
            };
            // The times are written in one format (UTC, milliseconds): they
            // compare as text.
            if e.time.as_str() >= from.as_str() && e.time.as_str() < to.as_str() {
                out.push(e);
            }
        }
    }
    out.sort_by(|a, b| a.time.cmp(&b.time));
    out
}

/// How far back the readers of recent events (an environment's history, the
/// pools' demand, the last cleanup) look.
const RECENT_DAYS: i64 = 90;

fn contains(line: &[u8], needle: &str) -> bool {
    line.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The last `limit` events about an environment (named by its id or its
/// name) within the last 90 days, newest first: its status history.
pub fn history(data_dir: &Path, id: &str, name: &str, limit: usize) -> Vec<Logged> {
    let now = Utc::now();
    let mut events = read_where(
        data_dir,
        now - chrono::Duration::days(RECENT_DAYS),
        now + chrono::Duration::days(1),
        |l| contains(l, id) || contains(l, name),
    );
    events.retain(|e| {
        matches!(e.environment.as_deref(), Some(t) if t == id || t == name)
            || e.id.as_deref() == Some(id)
    });
    events.reverse();
    events.truncate(limit);
    events
}

/// The newest event of `action` within the last 90 days.
pub fn last_of(data_dir: &Path, action: &str) -> Option<Logged> {
    let now = Utc::now();
    let quoted = format!("\"{action}\"");
    read_where(
        data_dir,
        now - chrono::Duration::days(RECENT_DAYS),
        now + chrono::Duration::days(1),
        |l| contains(l, &quoted),
    )
    .into_iter()
    .rev()
    .find(|e| e.action == action)
}

/// One pool event (`pool-claim`, `pool-miss`), read back with its time.
#[derive(Debug, Clone)]
pub struct PoolEvent {
    pub time: DateTime<Utc>,
    pub action: String,
    /// The template.
    pub detail: Option<String>,
}

/// The pool claims and misses of the last 29 days (what the pools' demand
/// looks at), oldest first.
pub fn pool_events(data_dir: &Path) -> Vec<PoolEvent> {
    let now = Utc::now();
    read_where(
        data_dir,
        now - chrono::Duration::days(29),
        now + chrono::Duration::days(1),
        |l| contains(l, "\"pool-"),
    )
    .into_iter()
    .filter(|e| matches!(e.action.as_str(), "pool-claim" | "pool-miss"))
    .filter_map(|e| {
        Some(PoolEvent {
            time: e.at()?,
            detail: e.template.clone().or(e.detail),
            action: e.action,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(dir: &Path) -> Vec<serde_json::Value> {
        files::files(dir)
            .iter()
            .flat_map(|f| {
                std::fs::read_to_string(&f.path)
                    .unwrap()
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn events_are_json_lines_in_a_private_day_file() {
        let dir = tempfile::tempdir().unwrap();
        let me = Caller::local();
        record(dir.path(), &me, "create", Some("a"), "ok", None);
        record(dir.path(), &me, "delete", Some("a"), "error", Some("boom"));
        let lines = all_lines(dir.path());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["action"], "delete");
        assert_eq!(lines[1]["detail"], "boom");
        assert_eq!(lines[1]["user"], me.user.as_str());
        assert_eq!(lines[1]["via"], "cli");
        use std::os::unix::fs::PermissionsExt;
        let file = &files::files(dir.path())[0].path;
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(dir.path().join(files::DIR))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o077, 0);
    }

    #[test]
    fn an_entry_carries_what_a_report_needs() {
        let dir = tempfile::tempdir().unwrap();
        let failure: crate::Result<()> = Err(crate::Error::NotFound {
            what: "environment",
            name: "x".into(),
        });
        Entry::new("create")
            .target("x")
            .template("onboarding")
            .owner("ana")
            .duration(Duration::from_millis(1500))
            .result(&failure)
            .write(dir.path(), &Caller::local());
        let line = &all_lines(dir.path())[0];
        assert_eq!(line["outcome"], "error");
        assert_eq!(line["template"], "onboarding");
        assert_eq!(line["owner"], "ana");
        assert_eq!(line["duration_ms"], 1500);
        assert_eq!(line["code"], failure.as_ref().unwrap_err().code().as_str());
        assert!(line["cause"].as_str().unwrap().contains("'x' not found"));
        assert!(line.get("labels").is_none() && line.get("rule").is_none());
    }

    #[test]
    fn lines_of_older_versions_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let old = format!(
            "{{\"time\":\"{}\",\"user\":\"ana\",\"pid\":1,\"action\":\"create\",\"environment\":\"a\",\"outcome\":\"ok\"}}\n",
            stamp(now - chrono::Duration::minutes(5))
        );
        std::fs::write(dir.path().join("events.log"), &old).unwrap();
        // Read before any write (not migrated yet), then after.
        let before = read(dir.path(), now - chrono::Duration::hours(1), now);
        assert_eq!(before.len(), 1);
        assert_eq!(before[0].environment.as_deref(), Some("a"));
        assert!(before[0].template.is_none() && before[0].via.is_empty());
        record(
            dir.path(),
            &Caller::local(),
            "delete",
            Some("a"),
            "ok",
            None,
        );
        assert!(!dir.path().join("events.log").exists());
        let after = history(dir.path(), "id-a", "a", 10);
        assert_eq!(
            after.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["delete", "create"]
        );
    }

    #[test]
    fn the_log_never_follows_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(victim.path(), dir.path().join(files::DIR)).unwrap();
        record(
            dir.path(),
            &Caller::local(),
            "create",
            Some("a"),
            "ok",
            None,
        );
        assert_eq!(std::fs::read_dir(victim.path()).unwrap().count(), 0);

        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim");
        std::fs::write(&target, "untouched\n").unwrap();
        std::fs::create_dir(dir.path().join(files::DIR)).unwrap();
        let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
        std::os::unix::fs::symlink(
            &target,
            dir.path().join(files::DIR).join(format!("{today}.jsonl")),
        )
        .unwrap();
        record(
            dir.path(),
            &Caller::local(),
            "create",
            Some("a"),
            "ok",
            None,
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched\n");
    }
}
