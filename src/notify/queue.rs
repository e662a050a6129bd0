//! The spool: `<data dir>/notifications/`, one file per notice per endpoint,
//! written atomically, so a restart or a cron run loses nothing.
//!
//! A file is named `<nanoseconds>-<random>-<endpoint key>.json`, so the names
//! sort in the order the notices were queued. A deliverer *claims* a file by
//! renaming it to `<name>.claim-<unix seconds>` (a rename succeeds for one
//! process only: the server and a cron run never send the same file twice),
//! then removes it once sent, or writes the retry back under its old name.
//! A claim older than [`STALE_CLAIM`] (its process died) is given back.
//!
//! Bounded: past [`MAX_PENDING`] files the oldest are dropped, each with a
//! log line and an event (`notify-drop`).

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Counts, Notice};
use crate::access::Caller;
use crate::config::notifications::Endpoint;
use crate::error::{Error, Result};

/// The spool's directory under the data directory.
pub const SPOOL_DIR: &str = "notifications";
/// At most this many notices wait (over all endpoints).
pub const MAX_PENDING: usize = 1000;
/// A notice not delivered this long after it was queued is dropped.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The longest wait between two tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// A claim this old belongs to a process that died: given back.
pub const STALE_CLAIM: Duration = Duration::from_secs(300);

const CLAIM: &str = ".claim-";

/// One queued notice for one endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// [`Endpoint::key`] of the endpoint it goes to.
    pub endpoint: String,
    /// [`Endpoint::label`] when it was queued, for listings.
    pub label: String,
    pub queued_at: DateTime<Utc>,
    /// Tries so far.
    pub attempts: u32,
    pub next_try: DateTime<Utc>,
    #[serde(default)]
    pub last_error: Option<String>,
    pub notice: Notice,
}

/// A spool file as listed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The unclaimed name (`...json`), which sorts in queue order.
    pub name: String,
    /// Where it is now (the claimed name while claimed).
    pub path: PathBuf,
    /// When it was claimed (unix seconds), if it is.
    pub claimed_at: Option<i64>,
}

impl Entry {
    /// The key of the endpoint it goes to.
    pub fn endpoint(&self) -> &str {
        self.name
            .trim_end_matches(".json")
            .rsplit('-')
            .next()
            .unwrap_or("")
    }

    fn unclaimed_path(&self) -> PathBuf {
        self.path.with_file_name(&self.name)
    }
}

pub fn spool(data_dir: &Path) -> PathBuf {
    data_dir.join(SPOOL_DIR)
}

/// The wait after the `attempts`-th failed try: `retry_after`, doubled
/// each time, at most [`MAX_BACKOFF`].
pub fn backoff(retry_after: Duration, attempts: u32) -> Duration {
    let factor = 1u32 << attempts.saturating_sub(1).min(20);
    retry_after
        .checked_mul(factor)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF)
}

/// Queues `notice` for `endpoint`, then drops the oldest past [`MAX_PENDING`].
pub fn enqueue(
    data_dir: &Path,
    endpoint: &Endpoint,
    notice: &Notice,
    counts: &Counts,
    caller: &Caller,
) -> Result<()> {
    enqueue_bounded(data_dir, endpoint, notice, counts, caller, MAX_PENDING)
}

fn enqueue_bounded(
    data_dir: &Path,
    endpoint: &Endpoint,
    notice: &Notice,
    counts: &Counts,
    caller: &Caller,
    max: usize,
) -> Result<()> {
    use rand::Rng;
    let dir = spool(data_dir);
    crate::store::ensure_private_dir(&dir)?;
    let now = Utc::now();
    let nanos = now.timestamp_nanos_opt().unwrap_or_default();
    let name = format!(
        "{nanos:020}-{:08x}-{}.json",
        rand::thread_rng().r#gen::<u32>(),
        endpoint.key()
    );
    let pending = Pending {
        endpoint: endpoint.key(),
        label: endpoint.label(),
        queued_at: now,
        attempts: 0,
        next_try: now,
        last_error: None,
        notice: notice.clone(),
    };
    let bytes = serde_json::to_vec_pretty(&pending)
        .map_err(|e| Error::Failed(format!("cannot write a notice: {e}")))?;
    crate::store::write_atomic(&dir.join(name), &bytes)?;
    let entries = entries(data_dir);
    if entries.len() > max {
        for old in entries
            .iter()
            .filter(|e| e.claimed_at.is_none())
            .take(entries.len() - max)
        {
            if let Ok(p) = read(&old.path) {
                drop_pending(data_dir, &old.path, &p, "the queue is full", counts, caller);
            }
        }
    }
    Ok(())
}

/// Every spool file, in queue order.
pub fn entries(data_dir: &Path) -> Vec<Entry> {
    let Ok(dir) = std::fs::read_dir(spool(data_dir)) else {
        return Vec::new();
    };
    let mut out: Vec<Entry> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().into_string().ok()?;
            if file.starts_with('.') {
                return None;
            }
            let (name, claimed_at) = match file.split_once(CLAIM) {
                Some((name, at)) => (name.to_owned(), Some(at.parse().unwrap_or(0))),
                None => (file.clone(), None),
            };
            name.ends_with(".json").then(|| Entry {
                name,
                path: e.path(),
                claimed_at,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn read(path: &Path) -> Result<Pending> {
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Failed(format!("{} is not a queued notice: {e}", path.display())))
}

/// Every pending notice, in queue order (unreadable files left out).
pub fn list(data_dir: &Path) -> Vec<Pending> {
    entries(data_dir)
        .iter()
        .filter_map(|e| read(&e.path).ok())
        .collect()
}

/// Takes `entry` for sending; `None` when another process has it.
pub fn claim(entry: &Entry) -> Option<PathBuf> {
    let claimed =
        entry
            .path
            .with_file_name(format!("{}{CLAIM}{}", entry.name, Utc::now().timestamp()));
    std::fs::rename(&entry.path, &claimed).ok()?;
    Some(claimed)
}

/// Gives a claim back whose process must have died; true if it did.
pub fn release_if_stale(entry: &Entry, now: DateTime<Utc>) -> bool {
    let Some(at) = entry.claimed_at else {
        return false;
    };
    if now.timestamp() - at < STALE_CLAIM.as_secs() as i64 {
        return false;
    }
    std::fs::rename(&entry.path, entry.unclaimed_path()).is_ok()
}

/// Puts a claimed notice back, with its new attempt count and next try.
pub fn put_back(entry: &Entry, claimed: &Path, pending: &Pending) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(pending)
        .map_err(|e| Error::Failed(format!("cannot write a notice: {e}")))?;
    crate::store::write_atomic(&entry.unclaimed_path(), &bytes)?;
    let _ = std::fs::remove_file(claimed);
    Ok(())
}

/// A claimed notice was delivered: gone.
pub fn done(claimed: &Path) {
    let _ = std::fs::remove_file(claimed);
}

/// Removes a notice that will never be sent, with a log line and an event.
pub fn drop_pending(
    data_dir: &Path,
    path: &Path,
    pending: &Pending,
    why: &str,
    counts: &Counts,
    caller: &Caller,
) {
    let _ = std::fs::remove_file(path);
    counts.dropped.fetch_add(1, Ordering::Relaxed);
    let detail = format!(
        "{} notice to {} dropped after {} attempt(s): {why}{}",
        pending.notice.kind,
        pending.label,
        pending.attempts,
        pending
            .last_error
            .as_ref()
            .map(|e| format!(" (last error: {e})"))
            .unwrap_or_default()
    );
    log_drop(
        data_dir,
        caller,
        pending.notice.environment.as_deref(),
        &detail,
    );
}

/// Removes a spool file that is not a notice (`error`: why), with a log
/// line and an event, so it does not hold its endpoint up forever.
pub fn drop_corrupt(data_dir: &Path, path: &Path, error: &str, counts: &Counts, caller: &Caller) {
    let _ = std::fs::remove_file(path);
    counts.dropped.fetch_add(1, Ordering::Relaxed);
    let detail = format!(
        "unreadable queued notice {} dropped: {error}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    log_drop(data_dir, caller, None, &detail);
}

/// A dropped notice: a log line and a `notify-drop` event.
fn log_drop(data_dir: &Path, caller: &Caller, environment: Option<&str>, detail: &str) {
    tracing::warn!("{detail}");
    crate::store::events::record(
        data_dir,
        caller,
        "notify-drop",
        environment,
        "error",
        Some(detail),
    );
}

/// The earliest next try among the endpoints' first notices, if any: a
/// notice queued behind its endpoint's first one goes only after it, so its
/// own `next_try` says nothing. An endpoint whose first notice is claimed is
/// being served by another process (a stale claim is given back by the
/// periodic round). Only endpoints in `known` (their keys) count: the
/// others' notices wait for a process that knows them.
pub fn next_due(data_dir: &Path, known: &[String]) -> Option<DateTime<Utc>> {
    let mut seen = std::collections::BTreeSet::new();
    entries(data_dir)
        .iter()
        .filter(|e| known.iter().any(|k| k == e.endpoint()))
        .filter(|e| seen.insert(e.endpoint().to_owned()))
        .filter(|e| e.claimed_at.is_none())
        .filter_map(|e| read(&e.path).ok())
        .map(|p| p.next_try)
        .min()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn endpoint() -> Endpoint {
        let text = "[[notifications]]\nurl = \"http://127.0.0.1:1/\"\n";
        crate::config::Config::parse(text, Path::new("t.toml"))
            .unwrap()
            .notifications[0]
            .clone()
    }

    /// The `notify-drop` events in the event log.
    pub(crate) fn drops(dir: &Path) -> usize {
        let (from, to) = (
            Utc::now() - chrono::Duration::hours(1),
            Utc::now() + chrono::Duration::hours(1),
        );
        crate::store::events::read(dir, from, to)
            .iter()
            .filter(|e| e.action == "notify-drop")
            .count()
    }

    fn queue(dir: &Path, n: usize, max: usize, counts: &Counts) {
        for i in 0..n {
            let notice = Notice::pool_miss(&format!("t{i}"), None);
            enqueue_bounded(dir, &endpoint(), &notice, counts, &Caller::local(), max).unwrap();
        }
    }

    #[test]
    fn a_full_queue_drops_its_oldest_and_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        let counts = Counts::default();
        queue(dir.path(), 5, 3, &counts);
        let kept: Vec<_> = list(dir.path())
            .into_iter()
            .map(|p| p.notice.template)
            .collect();
        let names = |t: &[&str]| t.iter().map(|t| Some(t.to_string())).collect::<Vec<_>>();
        assert_eq!(
            kept,
            names(&["t2", "t3", "t4"]),
            "in queue order, the oldest gone"
        );
        assert_eq!(counts.dropped.load(Ordering::Relaxed), 2);
        assert_eq!(drops(dir.path()), 2);
    }

    #[test]
    fn a_notice_is_claimed_once_and_a_dead_claim_is_given_back() {
        let dir = tempfile::tempdir().unwrap();
        queue(dir.path(), 1, 10, &Counts::default());
        let entry = entries(dir.path()).remove(0);
        assert!(claim(&entry).is_some());
        assert!(claim(&entry).is_none(), "the second claimant loses");
        let claimed = entries(dir.path()).remove(0);
        assert!(claimed.claimed_at.is_some());
        assert!(
            !release_if_stale(&claimed, Utc::now()),
            "a fresh claim is kept"
        );
        let later = Utc::now() + chrono::Duration::minutes(6);
        assert!(release_if_stale(&claimed, later));
        let back = entries(dir.path()).remove(0);
        assert_eq!((back.claimed_at, back.name), (None, entry.name));
    }

    #[test]
    fn next_due_looks_only_at_each_endpoints_first_notice() {
        let dir = tempfile::tempdir().unwrap();
        queue(dir.path(), 2, 10, &Counts::default());
        let first = entries(dir.path()).remove(0);
        let mut p = read(&first.path).unwrap();
        let later = Utc::now() + chrono::Duration::minutes(10);
        p.next_try = later;
        crate::store::write_atomic(&first.path, &serde_json::to_vec(&p).unwrap()).unwrap();
        assert_eq!(
            next_due(dir.path(), &[endpoint().key()]),
            Some(later),
            "the second notice waits for the first one's retry"
        );
    }

    #[test]
    fn backoff_doubles_from_retry_after_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 5), Duration::from_secs(480));
        assert_eq!(backoff(base, 8), MAX_BACKOFF);
        assert_eq!(backoff(base, 500), MAX_BACKOFF);
    }
}
