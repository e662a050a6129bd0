//! Which environments a cleanup removes: one pure function of the records,
//! the policy and the time, so it can be tested without Docker or clocks.
//!
//! Never removed: warm pool members (their pool replaces them), pinned
//! environments, and those with an operation still
//! inside its deadline (a create or delete in progress). Removed, first
//! reason that applies: past `expires_at` (TTL); `failed` for longer than the
//! grace period; created longer ago than `older_than`; beyond the `keep` most
//! recent (per owner with `per_owner`), counting only environments that no
//! other rule removes.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::{Environment, Status};

/// The rules a cleanup applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RetentionPolicy {
    /// Keep only the N most recent (per owner when `per_owner`).
    pub keep: Option<usize>,
    /// Remove environments created longer ago than this.
    #[serde(with = "crate::config::duration_text::option")]
    pub older_than: Option<Duration>,
    /// Remove `failed` environments this long after they failed.
    #[serde(with = "crate::config::duration_text::option")]
    pub failed_grace: Option<Duration>,
    pub per_owner: bool,
}

/// Why an environment goes or stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Verdict {
    // Removed:
    Expired,
    FailedPastGrace,
    OlderThan,
    BeyondKeep {
        keep: usize,
    },
    // Kept:
    Pinned,
    /// A warm pool's member: the pool replaces it by `max_age`.
    PoolMember,
    InProgress,
    WithinKeep {
        keep: usize,
    },
    NoRuleApplies,
}

impl Verdict {
    /// The rule's short name, as the event log and the report give it
    /// (`expired`, `failed`, `older_than`, `beyond_keep`); `None` for a keep.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            Verdict::Expired => Some("expired"),
            Verdict::FailedPastGrace => Some("failed"),
            Verdict::OlderThan => Some("older_than"),
            Verdict::BeyondKeep { .. } => Some("beyond_keep"),
            _ => None,
        }
    }

    pub fn removes(&self) -> bool {
        matches!(
            self,
            Verdict::Expired
                | Verdict::FailedPastGrace
                | Verdict::OlderThan
                | Verdict::BeyondKeep { .. }
        )
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Expired => f.write_str("expired (past its TTL)"),
            Verdict::FailedPastGrace => f.write_str("failed, past the grace period"),
            Verdict::OlderThan => f.write_str("older than the limit"),
            Verdict::BeyondKeep { keep } => write!(f, "beyond the {keep} most recent"),
            Verdict::Pinned => f.write_str("pinned"),
            Verdict::PoolMember => f.write_str("a warm pool member (the pool replaces it)"),
            Verdict::InProgress => f.write_str("an operation is in progress"),
            Verdict::WithinKeep { keep } => write!(f, "among the {keep} most recent"),
            Verdict::NoRuleApplies => f.write_str("no rule removes it"),
        }
    }
}

/// One line of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Decision {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    /// The record's `updated_at` when planned: removal skips it if it changed since.
    pub updated_at: DateTime<Utc>,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// What a cleanup would do: every environment, with its verdict.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Plan {
    pub remove: Vec<Decision>,
    pub keep: Vec<Decision>,
}

/// Decides, for each environment, whether `policy` removes it at `now`.
pub fn plan(envs: &[Environment], policy: &RetentionPolicy, now: DateTime<Utc>) -> Plan {
    let since = |t: DateTime<Utc>, d: Duration| {
        chrono::Duration::from_std(d)
            .is_ok_and(|d| t.checked_add_signed(d).is_some_and(|end| end <= now))
    };
    let mut verdicts: Vec<Option<Verdict>> = envs
        .iter()
        .map(|e| {
            if e.pool.is_some() {
                Some(Verdict::PoolMember)
            } else if e.pinned {
                Some(Verdict::Pinned)
            } else if e.operation.as_ref().is_some_and(|op| op.deadline > now) {
                Some(Verdict::InProgress)
            } else if e.expires_at.is_some_and(|t| t <= now) {
                Some(Verdict::Expired)
            } else if e.status == Status::Failed
                && policy.failed_grace.is_some_and(|g| since(e.updated_at, g))
            {
                Some(Verdict::FailedPastGrace)
            } else if policy.older_than.is_some_and(|d| since(e.created_at, d)) {
                Some(Verdict::OlderThan)
            } else {
                None
            }
        })
        .collect();

    if let Some(keep) = policy.keep {
        // Newest first among the undecided, per owner when asked.
        let mut order: Vec<usize> = (0..envs.len()).filter(|&i| verdicts[i].is_none()).collect();
        order.sort_by(|&a, &b| {
            envs[b]
                .created_at
                .cmp(&envs[a].created_at)
                .then_with(|| envs[b].id.cmp(&envs[a].id))
        });
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for i in order {
            let group = if policy.per_owner {
                envs[i].owner.as_str()
            } else {
                ""
            };
            let rank = seen.entry(group).or_default();
            *rank += 1;
            verdicts[i] = Some(if *rank <= keep {
                Verdict::WithinKeep { keep }
            } else {
                Verdict::BeyondKeep { keep }
            });
        }
    }

    let mut plan = Plan::default();
    for (e, verdict) in envs.iter().zip(verdicts) {
        let decision = Decision {
            id: e.id.clone(),
            name: e.name.clone(),
            owner: e.owner.clone(),
            status: e.status,
            created_at: e.created_at,
            updated_at: e.updated_at,
            verdict: verdict.unwrap_or(Verdict::NoRuleApplies),
        };
        if decision.verdict.removes() {
            plan.remove.push(decision);
        } else {
            plan.keep.push(decision);
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::Operation;

    fn env(id: &str, owner: &str, age_hours: i64, now: DateTime<Utc>) -> Environment {
        let created = now - chrono::Duration::hours(age_hours);
        Environment {
            id: id.into(),
            name: format!("n{id}"),
            template: "t".into(),
            owner: owner.into(),
            status: Status::Running,
            ready: true,
            base_port: 8090,
            port_count: 1,
            ports: BTreeMap::new(),
            urls: BTreeMap::new(),
            services: BTreeMap::new(),
            created_at: created,
            updated_at: created,
            expires_at: None,
            labels: BTreeMap::new(),
            error: None,
            pinned: false,
            operation: None,
            pool: None,
            from_pool: false,
            node: None,
        }
    }

    fn removed(plan: &Plan) -> Vec<&str> {
        let mut ids: Vec<&str> = plan.remove.iter().map(|d| d.id.as_str()).collect();
        ids.sort();
        ids
    }

    fn keep(n: usize) -> RetentionPolicy {
        RetentionPolicy {
            keep: Some(n),
            ..Default::default()
        }
    }

    #[test]
    fn keep_n_leaves_exactly_the_n_newest() {
        let now = Utc::now();
        let envs: Vec<_> = (1..=5).map(|h| env(&h.to_string(), "a", h, now)).collect();
        let plan = plan(&envs, &keep(2), now);
        assert_eq!(removed(&plan), ["3", "4", "5"]);
        assert!(
            plan.keep
                .iter()
                .all(|d| d.verdict == Verdict::WithinKeep { keep: 2 })
        );
    }

    #[test]
    fn keep_per_owner_counts_each_owner_apart() {
        let now = Utc::now();
        let envs = vec![
            env("a1", "ann", 1, now),
            env("a2", "ann", 2, now),
            env("b1", "bob", 3, now),
            env("b2", "bob", 4, now),
        ];
        let policy = RetentionPolicy {
            keep: Some(1),
            per_owner: true,
            ..Default::default()
        };
        assert_eq!(removed(&plan(&envs, &policy, now)), ["a2", "b2"]);
        assert_eq!(removed(&plan(&envs, &keep(1), now)), ["a2", "b1", "b2"]);
    }

    #[test]
    fn expired_ones_go_whatever_the_policy() {
        let now = Utc::now();
        let mut e = env("x", "a", 1, now);
        e.expires_at = Some(now - chrono::Duration::seconds(1));
        let mut fresh = env("y", "a", 1, now);
        fresh.expires_at = Some(now + chrono::Duration::hours(1));
        let plan = plan(&[e, fresh], &RetentionPolicy::default(), now);
        assert_eq!(removed(&plan), ["x"]);
        assert_eq!(plan.remove[0].verdict, Verdict::Expired);
    }

    #[test]
    fn pinned_and_in_progress_ones_stay_even_when_expired() {
        let now = Utc::now();
        let mut pinned = env("p", "a", 100, now);
        pinned.pinned = true;
        pinned.expires_at = Some(now - chrono::Duration::hours(1));
        let mut creating = env("c", "a", 100, now);
        creating.status = Status::Creating;
        creating.expires_at = Some(now - chrono::Duration::hours(1));
        creating.operation = Some(Operation {
            action: "create".into(),
            pid: 1,
            host: "h".into(),
            started_at: now,
            deadline: now + chrono::Duration::minutes(5),
        });
        let policy = RetentionPolicy {
            keep: Some(0),
            older_than: Some(Duration::from_secs(1)),
            ..Default::default()
        };
        let plan = plan(&[pinned, creating], &policy, now);
        assert!(plan.remove.is_empty());
        assert_eq!(plan.keep[0].verdict, Verdict::Pinned);
        assert_eq!(plan.keep[1].verdict, Verdict::InProgress);
    }

    #[test]
    fn an_operation_past_its_deadline_no_longer_protects() {
        let now = Utc::now();
        let mut stuck = env("s", "a", 10, now);
        stuck.operation = Some(Operation {
            action: "create".into(),
            pid: 1,
            host: "h".into(),
            started_at: now - chrono::Duration::hours(2),
            deadline: now - chrono::Duration::hours(1),
        });
        assert_eq!(removed(&plan(&[stuck], &keep(0), now)), ["s"]);
    }

    #[test]
    fn failed_ones_go_after_the_grace_period() {
        let now = Utc::now();
        let mut old = env("old", "a", 5, now);
        old.status = Status::Failed;
        let mut recent = env("new", "a", 5, now);
        recent.status = Status::Failed;
        recent.updated_at = now - chrono::Duration::minutes(10);
        let policy = RetentionPolicy {
            failed_grace: Some(Duration::from_secs(3600)),
            ..Default::default()
        };
        assert_eq!(removed(&plan(&[old, recent], &policy, now)), ["old"]);
    }

    #[test]
    fn older_than_removes_by_creation_time() {
        let now = Utc::now();
        let envs = vec![env("young", "a", 1, now), env("old", "a", 48, now)];
        let policy = RetentionPolicy {
            older_than: Some(Duration::from_secs(24 * 3600)),
            ..Default::default()
        };
        assert_eq!(removed(&plan(&envs, &policy, now)), ["old"]);
    }

    #[test]
    fn removed_by_another_rule_does_not_use_a_keep_slot() {
        let now = Utc::now();
        let mut expired = env("e", "a", 1, now);
        expired.expires_at = Some(now);
        let envs = vec![expired, env("x", "a", 2, now), env("y", "a", 3, now)];
        assert_eq!(removed(&plan(&envs, &keep(1), now)), ["e", "y"]);
    }

    /// A small property test: over many random populations, the plan never
    /// removes a pinned one, keeps at most `keep` unpinned non-expired ones
    /// per group, and accounts for every environment exactly once.
    #[test]
    fn random_populations_keep_the_invariants() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let now = Utc::now();
        for _ in 0..500 {
            let n = rng.gen_range(0..30);
            let envs: Vec<Environment> = (0..n)
                .map(|i| {
                    let mut e = env(
                        &format!("{i}"),
                        ["a", "b", "c"][rng.gen_range(0..3)],
                        rng.gen_range(0..100),
                        now,
                    );
                    e.pinned = rng.gen_bool(0.2);
                    if rng.gen_bool(0.2) {
                        e.expires_at = Some(now + chrono::Duration::hours(rng.gen_range(-5..5)));
                    }
                    if rng.gen_bool(0.2) {
                        e.status = Status::Failed;
                    }
                    e
                })
                .collect();
            let policy = RetentionPolicy {
                keep: rng.gen_bool(0.7).then(|| rng.gen_range(0..6)),
                older_than: rng
                    .gen_bool(0.3)
                    .then(|| Duration::from_secs(3600 * rng.gen_range(1..100))),
                failed_grace: rng.gen_bool(0.5).then(|| Duration::from_secs(3600)),
                per_owner: rng.gen_bool(0.5),
            };
            let p = plan(&envs, &policy, now);
            assert_eq!(p.remove.len() + p.keep.len(), envs.len());
            let by_id: HashMap<&str, &Environment> =
                envs.iter().map(|e| (e.id.as_str(), e)).collect();
            assert!(p.remove.iter().all(|d| !by_id[d.id.as_str()].pinned));
            if let Some(k) = policy.keep {
                let mut kept: HashMap<&str, usize> = HashMap::new();
                for d in p
                    .keep
                    .iter()
                    .filter(|d| matches!(d.verdict, Verdict::WithinKeep { .. }))
                {
                    *kept
                        .entry(if policy.per_owner {
                            d.owner.as_str()
                        } else {
                            ""
                        })
                        .or_default() += 1;
                }
                assert!(kept.values().all(|&c| c <= k));
                assert!(p.keep.iter().all(|d| d.verdict != Verdict::NoRuleApplies));
            }
            // Every removed-for-keep one is older than every kept-for-keep one of its group.
            for r in p
                .remove
                .iter()
                .filter(|d| matches!(d.verdict, Verdict::BeyondKeep { .. }))
            {
                for k in p
                    .keep
                    .iter()
                    .filter(|d| matches!(d.verdict, Verdict::WithinKeep { .. }))
                {
                    if !policy.per_owner || r.owner == k.owner {
                        assert!(r.created_at <= k.created_at);
                    }
                }
            }
        }
    }
}
