//! The event log: `<data dir>/events.log`, one JSON object per line (time,
//! user, action, environment, outcome, detail) for every create, delete,
//! start, stop, cleanup, sync, reset and restore. Rotated by size to
//! `events.log.1`. Writing it never fails an operation: a log that cannot be
//! written is skipped.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use chrono::Utc;
use serde::Serialize;

use crate::access::Caller;

pub const EVENT_LOG: &str = "events.log";
/// Rotate when the log passes this size.
pub const MAX_LOG_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Debug, Serialize)]
struct Event<'a> {
    time: String,
    /// Who asked: the token's user through the API or the web, the OS user locally.
    user: &'a str,
    /// Which door: cli, api, web, server.
    via: &'a str,
    pid: u32,
    action: &'a str,
    environment: Option<&'a str>,
    outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
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
    let event = Event {
        time: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        user: &caller.user,
        via: caller.door,
        pid: std::process::id(),
        action,
        environment,
        outcome,
        detail,
    };
    let Ok(mut line) = serde_json::to_vec(&event) else {
        return;
    };
    line.push(b'\n');
    let path = data_dir.join(EVENT_LOG);
    crate::store::off_worker(|| append(data_dir, &path, &line));
}

fn append(data_dir: &Path, path: &Path, line: &[u8]) {
    if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_LOG_BYTES) {
        let _ = std::fs::rename(path, data_dir.join(format!("{EVENT_LOG}.1")));
    }
    // One write of a short line with O_APPEND: lines from concurrent
    // processes do not interleave. 0600, and never through a planted symlink.
    if let Ok(mut file) = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
    {
        // A log made by an older envctl may be readable by others: not any more.
        use std::os::unix::fs::PermissionsExt;
        if file
            .metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
        {
            let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
        let _ = file.write_all(line);
    }
}

/// `Ok` → "ok", `Err` → "error" with the message as detail.
pub fn record_result<T>(
    data_dir: &Path,
    caller: &Caller,
    action: &str,
    environment: Option<&str>,
    result: &crate::Result<T>,
) {
    match result {
        Ok(_) => record(data_dir, caller, action, environment, "ok", None),
        Err(e) => record(
            data_dir,
            caller,
            action,
            environment,
            "error",
            Some(&e.chain_text()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_json_lines_and_the_log_rotates_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let me = Caller::local();
        record(dir.path(), &me, "create", Some("a"), "ok", None);
        record(dir.path(), &me, "delete", Some("a"), "error", Some("boom"));
        let text = std::fs::read_to_string(dir.path().join(EVENT_LOG)).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["action"], "delete");
        assert_eq!(lines[1]["detail"], "boom");
        assert_eq!(lines[1]["user"], me.user.as_str());
        assert_eq!(lines[1]["via"], "cli");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(EVENT_LOG))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);

        let log = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(EVENT_LOG))
            .unwrap();
        log.set_len(MAX_LOG_BYTES + 1).unwrap();
        record(dir.path(), &me, "sync", None, "ok", None);
        let rotated = std::fs::metadata(dir.path().join(format!("{EVENT_LOG}.1"))).unwrap();
        assert_eq!(rotated.len(), MAX_LOG_BYTES + 1);
        let fresh = std::fs::read_to_string(dir.path().join(EVENT_LOG)).unwrap();
        assert_eq!(fresh.lines().count(), 1);
    }

    #[test]
    fn the_log_never_follows_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim");
        std::fs::write(&target, "untouched\n").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(EVENT_LOG)).unwrap();
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

/// One line of the event log, read back.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Logged {
    pub time: String,
    pub user: String,
    pub action: String,
    pub environment: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
}

/// The last `limit` events about an environment (named by its id or its
/// name), newest first: its status history.
pub fn history(data_dir: &Path, id: &str, name: &str, limit: usize) -> Vec<Logged> {
    let Ok(text) = std::fs::read_to_string(data_dir.join(EVENT_LOG)) else {
        return Vec::new();
    };
    text.lines()
        .rev()
        .filter(|l| l.contains(id) || l.contains(name))
        .filter_map(|l| serde_json::from_str::<Logged>(l).ok())
        .filter(|e| matches!(e.environment.as_deref(), Some(t) if t == id || t == name))
        .take(limit)
        .collect()
}

/// One pool event (`pool-claim`, `pool-miss`), read back with its time.
#[derive(Debug, Clone)]
pub struct PoolEvent {
    pub time: chrono::DateTime<Utc>,
    pub action: String,
    /// The template.
    pub detail: Option<String>,
}

/// Every pool claim and miss in the log and its rotated predecessor, oldest first.
pub fn pool_events(data_dir: &Path) -> Vec<PoolEvent> {
    let mut out = Vec::new();
    for file in [format!("{EVENT_LOG}.1"), EVENT_LOG.to_owned()] {
        let Ok(text) = std::fs::read_to_string(data_dir.join(file)) else {
            continue;
        };
        for line in text.lines().filter(|l| l.contains("\"pool-")) {
            let Ok(e) = serde_json::from_str::<Logged>(line) else {
                continue;
            };
            if !matches!(e.action.as_str(), "pool-claim" | "pool-miss") {
                continue;
            }
            let Ok(time) = chrono::DateTime::parse_from_rfc3339(&e.time) else {
                continue;
            };
            out.push(PoolEvent {
                time: time.with_timezone(&Utc),
                action: e.action,
                detail: e.detail,
            });
        }
    }
    out
}
