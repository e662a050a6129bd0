//! Repeated failures: the server's maintenance fails the same way on every
//! tick, so `maintenance_failed` and `backup_failed` go on the change from
//! healthy to failing (per kind and cause, the cause's first line), then
//! again only after [`REPEAT_AFTER`] of the same failure; the task's next
//! success forgets them. The state is kept in
//! `<data dir>/notifications-failing.json` under its own lock, so the server
//! and cron runs share it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Kind;
use crate::error::Result;

/// The state file under the data directory.
pub const STATE_FILE: &str = "notifications-failing.json";
/// The same failure is told again after this long.
pub const REPEAT_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Failures told: kind → cause (first line) → when last told.
pub type Failing = BTreeMap<String, BTreeMap<String, DateTime<Utc>>>;

fn first_line(cause: &str) -> String {
    cause.lines().next().unwrap_or(cause).trim().to_owned()
}

/// Whether a failure of `kind` with `cause` is to be told now, recording it
/// when it is.
pub fn tell(state: &mut Failing, kind: Kind, cause: &str, now: DateTime<Utc>) -> bool {
    let told = state.entry(kind.to_string()).or_default();
    let cause = first_line(cause);
    let repeat = chrono::Duration::from_std(REPEAT_AFTER).unwrap_or(chrono::Duration::days(1));
    match told.get(&cause) {
        Some(at) if now - *at < repeat => false,
        _ => {
            told.insert(cause, now);
            true
        }
    }
}

/// The task behind `kind` succeeded: its failures are forgotten. True when
/// there was something to forget.
pub fn recover(state: &mut Failing, kind: Kind) -> bool {
    state.remove(&kind.to_string()).is_some()
}

/// Runs `f` on the state in `data_dir`, under its lock, and writes it back
/// when `f` answers that it changed. An unreadable state starts afresh.
fn with_state<R>(data_dir: &Path, f: impl FnOnce(&mut Failing) -> (bool, R)) -> Result<R> {
    crate::store::state::change(
        data_dir,
        STATE_FILE,
        Duration::from_secs(5),
        |path, e| {
            tracing::warn!("{} is unreadable ({e}); starting afresh", path.display());
            Ok(Failing::new())
        },
        f,
    )
}

/// Whether to send the failure now (see [`tell`]); true when the state
/// cannot be kept (better a repeat than silence).
pub fn tell_at(data_dir: &Path, kind: Kind, cause: &str, now: DateTime<Utc>) -> bool {
    with_state(data_dir, |s| {
        let t = tell(s, kind, cause, now);
        (t, t)
    })
    .unwrap_or_else(|e| {
        tracing::warn!("cannot keep the failure notices' state: {e}");
        true
    })
}

/// The task behind `kind` succeeded (see [`recover`]).
pub fn recovered_at(data_dir: &Path, kind: Kind) {
    if !data_dir.join(STATE_FILE).exists() {
        return;
    }
    if let Err(e) = with_state(data_dir, |s| (recover(s, kind), ())) {
        tracing::warn!("cannot keep the failure notices' state: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + chrono::Duration::hours(hours)
    }

    #[test]
    fn a_lasting_failure_is_told_once_a_day_and_again_after_a_success() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let m = Kind::MaintenanceFailed;
        assert!(
            tell_at(d, m, "docker down\nmore", at(0)),
            "healthy → failing"
        );
        assert!(
            !tell_at(d, m, "docker down\nother", at(0)),
            "the same failure"
        );
        assert!(!tell_at(d, m, "docker down", at(23)), "within the day");
        assert!(tell_at(d, m, "disk full", at(23)), "another cause");
        assert!(
            tell_at(d, Kind::BackupFailed, "docker down", at(23)),
            "another kind"
        );
        assert!(tell_at(d, m, "docker down", at(24)), "a day later");
        assert!(!tell_at(d, m, "docker down", at(25)));
        recovered_at(d, m);
        assert!(tell_at(d, m, "docker down", at(26)), "failing again");
        assert!(
            !tell_at(d, Kind::BackupFailed, "docker down", at(26)),
            "a cleanup's success does not clear backup_failed"
        );
    }
}
