//! The run ledger: `<data dir>/runs.json`, how often each recurring task has
//! run and failed, and when it last did, whichever process ran it (the CLI,
//! cron, the server). It is what Prometheus alerts read through `/metrics`
//! ("maintenance has not run for a day", "backups are failing", "creates are
//! failing") without scanning the event log at every scrape: a few counters
//! and times, rewritten atomically under their own lock.
//!
//! Marking never fails or holds up an operation: a ledger that cannot be
//! locked within a moment, read or written is skipped, and a corrupt one
//! starts again from zero (Prometheus takes a counter reset in its stride).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const RUNS_FILE: &str = "runs.json";
/// How long a mark waits for another process's mark.
const LOCK_WAIT: Duration = Duration::from_millis(500);
/// An error kept in the ledger is cut to this many characters.
const MAX_ERROR: usize = 500;

/// The tasks the ledger counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// A cleanup run that could remove (not a dry run): cron's
    /// `auto-cleanup`, `cleanup`, the API's and the server's own.
    Cleanup,
    /// A backup of the database, taken before anything destructive.
    Backup,
    /// A create, by any door, finished (ready, or failed).
    Create,
}

impl Task {
    pub const ALL: [Task; 3] = [Task::Cleanup, Task::Backup, Task::Create];

    pub fn name(self) -> &'static str {
        match self {
            Task::Cleanup => "cleanup",
            Task::Backup => "backup",
            Task::Create => "create",
        }
    }
}

/// One task's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskRuns {
    /// Runs finished, successful or not.
    pub runs: u64,
    pub failures: u64,
    pub last_run: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_failure: Option<DateTime<Utc>>,
    /// The last failure's message.
    pub last_error: Option<String>,
}

/// The whole ledger, by task name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Runs {
    pub tasks: BTreeMap<String, TaskRuns>,
}

impl Runs {
    pub fn task(&self, task: Task) -> TaskRuns {
        self.tasks.get(task.name()).cloned().unwrap_or_default()
    }
}

/// Reads the ledger in `data_dir` (empty when missing or unreadable).
pub fn read(data_dir: &Path) -> Runs {
    super::state::read(data_dir, RUNS_FILE)
}

/// Counts one finished run of `task`: a failure when `error` is given.
pub fn mark(data_dir: &Path, task: Task, error: Option<&str>) {
    mark_at(data_dir, task, error, Utc::now());
}

/// Counts the outcome of `result` as one run of `task`.
pub fn mark_result<T>(data_dir: &Path, task: Task, result: &crate::Result<T>) {
    let error = result.as_ref().err().map(|e| e.chain_text());
    mark(data_dir, task, error.as_deref());
}

fn mark_at(data_dir: &Path, task: Task, error: Option<&str>, now: DateTime<Utc>) {
    // No data directory yet (a create refused before anything was made): nothing to count in.
    if !data_dir.is_dir() {
        return;
    }
    // A corrupt ledger starts again from zero; a busy or unwritable one skips the mark.
    let _ = super::off_worker(|| {
        super::state::change(
            data_dir,
            RUNS_FILE,
            LOCK_WAIT,
            |_, _| Ok(Runs::default()),
            |runs: &mut Runs| {
                let entry = runs.tasks.entry(task.name().to_owned()).or_default();
                entry.runs += 1;
                entry.last_run = Some(now);
                match error {
                    None => entry.last_success = Some(now),
                    Some(e) => {
                        entry.failures += 1;
                        entry.last_failure = Some(now);
                        entry.last_error = Some(e.chars().take(MAX_ERROR).collect());
                    }
                }
                (true, ())
            },
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_count_runs_and_failures_and_keep_the_last_times() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), Runs::default());
        let t1: DateTime<Utc> = "2026-12-01T02:00:00Z".parse().unwrap();
        let t2: DateTime<Utc> = "2026-12-02T02:00:00Z".parse().unwrap();
        mark_at(dir.path(), Task::Cleanup, None, t1);
        mark_at(dir.path(), Task::Cleanup, Some("engine down"), t2);
        mark_at(dir.path(), Task::Backup, None, t2);
        let runs = read(dir.path());
        let cleanup = runs.task(Task::Cleanup);
        assert_eq!((cleanup.runs, cleanup.failures), (2, 1));
        assert_eq!(cleanup.last_success, Some(t1));
        assert_eq!(cleanup.last_failure, Some(t2));
        assert_eq!(cleanup.last_run, Some(t2));
        assert_eq!(cleanup.last_error.as_deref(), Some("engine down"));
        assert_eq!(runs.task(Task::Backup).runs, 1);
        assert_eq!(runs.task(Task::Create), TaskRuns::default());
    }

    #[test]
    fn a_corrupt_ledger_starts_again_and_a_missing_directory_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(RUNS_FILE), "{not json").unwrap();
        mark(dir.path(), Task::Create, None);
        assert_eq!(read(dir.path()).task(Task::Create).runs, 1);
        let gone = dir.path().join("nowhere");
        mark(&gone, Task::Create, None);
        assert!(!gone.exists());
    }
}
