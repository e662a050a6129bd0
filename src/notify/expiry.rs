//! Expiry warnings: an `expiring` notice `warn_before` an environment's
//! `expires_at`, once per environment, end of life and endpoint. Extending
//! the environment gives it a new end, so a new warning comes before that.
//!
//! Who is due is [`due`], a pure function of the records, the warnings
//! already sent and the time. What was sent is kept in
//! `<data dir>/notifications-warned.json` (under its own lock, so the server
//! and a cron run never both warn), so a restart does not repeat a warning.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Counts, Notice, queue};
use crate::access::Caller;
use crate::config::notifications::{Endpoint, EventKind};
use crate::error::{Error, Result};
use crate::store::{Environment, Status};

pub const STATE_FILE: &str = "notifications-warned.json";

/// Warnings sent: endpoint key → environment id → the end it was warned of.
pub type Warned = BTreeMap<String, BTreeMap<String, DateTime<Utc>>>;

/// (endpoint index, environment index) of each warning due at `now`.
///
/// Due when the endpoint wants `expiring` (and passes its owner and template
/// filters), the environment has an end still ahead but within the
/// endpoint's `warn_before`, is not pinned, not a pool member, not being
/// deleted, and this endpoint has not been warned of this very end.
pub fn due(
    envs: &[Environment],
    endpoints: &[Endpoint],
    warned: &Warned,
    now: DateTime<Utc>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        if !endpoint.events.contains(&EventKind::Expiring) {
            continue;
        }
        let key = endpoint.key();
        let sent = warned.get(&key);
        let Ok(warn_before) = chrono::Duration::from_std(endpoint.warn_before) else {
            continue;
        };
        for (j, env) in envs.iter().enumerate() {
            let Some(end) = env.expires_at else { continue };
            let eligible = !env.pinned
                && env.pool.is_none()
                && env.status != Status::Deleting
                && endpoint.owner.as_ref().is_none_or(|o| o == &env.owner)
                && endpoint
                    .template
                    .as_ref()
                    .is_none_or(|t| t == &env.template);
            let in_window = end > now && end - warn_before <= now;
            let already = sent.and_then(|s| s.get(&env.id)) == Some(&end);
            if eligible && in_window && !already {
                out.push((i, j));
            }
        }
    }
    out
}

/// Queues the warnings due now and records them; answers how many.
pub fn queue_due(
    endpoints: &[Endpoint],
    data_dir: &Path,
    envs: &[Environment],
    now: DateTime<Utc>,
    counts: &Counts,
    caller: &Caller,
) -> Result<usize> {
    queue_with(endpoints, data_dir, envs, now, |endpoint, notice| {
        queue::enqueue(data_dir, endpoint, notice, counts, caller)
    })
}

/// [`queue_due`], queueing each warning with `enqueue`.
fn queue_with(
    endpoints: &[Endpoint],
    data_dir: &Path,
    envs: &[Environment],
    now: DateTime<Utc>,
    mut enqueue: impl FnMut(&Endpoint, &Notice) -> Result<()>,
) -> Result<usize> {
    // Unknown what was sent: better miss a warning than send all again. An
    // unreadable file is kept aside for a look, and every environment due
    // now counts as warned.
    let unreadable = |path: &Path, e: serde_json::Error| -> Result<Warned> {
        let aside = data_dir.join(format!("{STATE_FILE}.corrupt"));
        tracing::warn!(
            "{} is unreadable ({e}); moved to {} and the warnings due now are taken as sent",
            path.display(),
            aside.display()
        );
        std::fs::rename(path, &aside).map_err(Error::io(path))?;
        let mut assumed = Warned::new();
        for (i, j) in due(envs, endpoints, &Warned::new(), now) {
            if let Some(end) = envs[j].expires_at {
                assumed
                    .entry(endpoints[i].key())
                    .or_default()
                    .insert(envs[j].id.clone(), end);
            }
        }
        Ok(assumed)
    };
    crate::store::state::change(
        data_dir,
        STATE_FILE,
        Duration::from_secs(5),
        unreadable,
        |warned: &mut Warned| {
            let due = due(envs, endpoints, warned, now);
            let mut failed = None;
            let mut queued = 0;
            for &(i, j) in &due {
                let (endpoint, env) = (&endpoints[i], &envs[j]);
                let Some(end) = env.expires_at else { continue };
                // A failed enqueue stops the round, but what was queued before
                // it is still recorded (or it would be sent again next run).
                if let Err(e) = enqueue(endpoint, &Notice::expiring(env, end, now)) {
                    failed = Some(e);
                    break;
                }
                queued += 1;
                warned
                    .entry(endpoint.key())
                    .or_default()
                    .insert(env.id.clone(), end);
            }
            // Forget environments that are gone, so the file does not grow.
            let before: usize = warned.values().map(BTreeMap::len).sum();
            for sent in warned.values_mut() {
                sent.retain(|id, _| envs.iter().any(|e| &e.id == id));
            }
            warned.retain(|_, sent| !sent.is_empty());
            let after: usize = warned.values().map(BTreeMap::len).sum();
            let result = match failed {
                Some(e) => Err(e),
                None => Ok(queued),
            };
            (queued > 0 || before != after, result)
        },
    )?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(warn_before: &str) -> Endpoint {
        let text = format!(
            "[[notifications]]\nurl = \"http://127.0.0.1:1/\"\nwarn_before = \"{warn_before}\"\n"
        );
        let config = crate::config::Config::parse(&text, Path::new("t.toml")).unwrap();
        config.notifications[0].clone()
    }

    fn env(id: &str, owner: &str, expires_at: Option<DateTime<Utc>>) -> Environment {
        let mut e: Environment = serde_json::from_value(serde_json::json!({
            "id": id, "name": format!("env-{id}"), "template": "onboarding", "owner": owner,
            "status": "running", "ready": true, "base_port": 8090, "port_count": 3,
            "ports": {}, "urls": {}, "services": {},
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "expires_at": null, "labels": {}, "error": null
        }))
        .unwrap();
        e.expires_at = expires_at;
        e
    }

    fn at(h: i64) -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::hours(h)
    }

    /// Replays `due` as the maintenance loop would: mark what is sent.
    fn tick(
        envs: &[Environment],
        eps: &[Endpoint],
        warned: &mut Warned,
        now: DateTime<Utc>,
    ) -> Vec<String> {
        let due = due(envs, eps, warned, now);
        due.iter()
            .map(|&(i, j)| {
                let end = envs[j].expires_at.unwrap();
                warned
                    .entry(eps[i].key())
                    .or_default()
                    .insert(envs[j].id.clone(), end);
                envs[j].id.clone()
            })
            .collect()
    }

    #[test]
    fn a_warning_goes_once_when_the_end_is_within_warn_before() {
        let eps = [endpoint("24h")];
        let envs = [env("a", "ann", Some(at(48))), env("b", "bob", None)];
        let mut warned = Warned::new();
        assert!(
            tick(&envs, &eps, &mut warned, at(0)).is_empty(),
            "48 h ahead: too early"
        );
        assert!(
            tick(&envs, &eps, &mut warned, at(23)).is_empty(),
            "25 h ahead: too early"
        );
        assert_eq!(tick(&envs, &eps, &mut warned, at(24)), ["a"]);
        assert!(
            tick(&envs, &eps, &mut warned, at(30)).is_empty(),
            "once only"
        );
        assert!(
            tick(&envs, &eps, &mut warned, at(49)).is_empty(),
            "past its end: no warning"
        );
    }

    #[test]
    fn an_extended_environment_is_warned_again_before_its_new_end() {
        let eps = [endpoint("2h")];
        let mut envs = [env("a", "ann", Some(at(10)))];
        let mut warned = Warned::new();
        assert_eq!(tick(&envs, &eps, &mut warned, at(9)), ["a"]);
        envs[0].expires_at = Some(at(20));
        assert!(
            tick(&envs, &eps, &mut warned, at(9)).is_empty(),
            "the new end is 11 h away"
        );
        assert_eq!(tick(&envs, &eps, &mut warned, at(18)), ["a"]);
        assert!(tick(&envs, &eps, &mut warned, at(19)).is_empty());
    }

    #[test]
    fn warnings_queued_before_a_failed_enqueue_are_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let eps = [endpoint("24h")];
        let envs = [env("a", "ann", Some(at(5))), env("b", "bob", Some(at(5)))];
        let mut sent = Vec::new();
        let r = queue_with(&eps, dir.path(), &envs, at(0), |_, n| {
            if sent.is_empty() {
                sent.push(n.environment.clone().unwrap());
                Ok(())
            } else {
                Err(Error::Failed("disk full".into()))
            }
        });
        assert!(r.is_err(), "the failure is still answered");
        let mut again = Vec::new();
        queue_with(&eps, dir.path(), &envs, at(0), |_, n| {
            again.push(n.environment.clone().unwrap());
            Ok(())
        })
        .unwrap();
        assert_eq!(sent, ["env-a"]);
        assert_eq!(again, ["env-b"], "env-a is not warned twice");
    }

    #[test]
    fn a_corrupt_state_is_moved_aside_and_taken_as_sent() {
        let dir = tempfile::tempdir().unwrap();
        let eps = [endpoint("24h")];
        let envs = [env("a", "ann", Some(at(5)))];
        std::fs::write(dir.path().join(STATE_FILE), b"{ torn").unwrap();
        let mut sent = 0;
        for _ in 0..2 {
            let n = queue_with(&eps, dir.path(), &envs, at(0), |_, _| {
                sent += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(n, 0);
        }
        assert_eq!(sent, 0, "not warned again");
        let aside = dir.path().join(format!("{STATE_FILE}.corrupt"));
        assert_eq!(std::fs::read(aside).unwrap(), b"{ torn");
    }

    #[test]
    fn each_endpoint_has_its_own_window_and_filters() {
        let mut late = endpoint("1h");
        late.url = "http://127.0.0.1:2/".into();
        let mut ann_only = endpoint("24h");
        ann_only.url = "http://127.0.0.1:3/".into();
        ann_only.owner = Some("ann".into());
        let eps = [endpoint("24h"), late, ann_only];
        let mut pinned = env("p", "ann", Some(at(5)));
        pinned.pinned = true;
        let envs = [
            env("a", "ann", Some(at(5))),
            env("b", "bob", Some(at(5))),
            pinned,
        ];
        let due = due(&envs, &eps, &Warned::new(), at(0));
        assert_eq!(
            due,
            [(0, 0), (0, 1), (2, 0)],
            "the 1 h endpoint waits; pinned never"
        );
    }
}
