//! Which archives `archive prune` (and `auto-cleanup`) removes: a pure rule
//! over the list, unit-tested without a disk.
//!
//! - Older than `max_age`: removed.
//! - Past the newest `keep`: removed, oldest first.
//! - While all of them take more than `max_bytes`: the oldest removed.
//! - The newest archive of each environment name survives `keep` and
//!   `max_bytes` until it is `min_age` old, so a developer back from a week
//!   off still finds their last one.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ArchiveSummary;
use crate::config::ArchivesConfig;

/// The limits, from `[archives]`.
#[derive(Debug, Clone)]
pub struct Limits {
    pub keep: usize,
    pub max_age: Option<Duration>,
    pub max_bytes: Option<u64>,
    pub min_age: Duration,
}

impl From<&ArchivesConfig> for Limits {
    fn from(c: &ArchivesConfig) -> Limits {
        Limits {
            keep: c.keep,
            max_age: c.max_age,
            max_bytes: c.max_bytes.as_ref().map(|s| s.bytes().max(0) as u64),
            min_age: c.min_age,
        }
    }
}

/// One archive the rule removes, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pruned {
    pub id: String,
    pub environment: String,
    pub stored_bytes: u64,
    /// "max_age", "keep" or "max_bytes".
    pub why: String,
}

/// What to remove from `archives` (in any order) at `now`.
pub fn plan(archives: &[ArchiveSummary], limits: &Limits, now: DateTime<Utc>) -> Vec<Pruned> {
    let mut newest_first: Vec<&ArchiveSummary> = archives.iter().collect();
    newest_first.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let age = |a: &ArchiveSummary| (now - a.created_at).to_std().unwrap_or_default();

    let mut seen_names = HashSet::new();
    let protected: HashSet<&str> = newest_first
        .iter()
        .filter(|a| seen_names.insert(a.environment.as_str()))
        .filter(|a| age(a) < limits.min_age)
        .map(|a| a.id.as_str())
        .collect();

    let mut pruned: Vec<Pruned> = Vec::new();
    let mut gone = HashSet::new();
    let mut prune = |a: &ArchiveSummary, why: &str, gone: &mut HashSet<String>| {
        if gone.insert(a.id.clone()) {
            pruned.push(Pruned {
                id: a.id.clone(),
                environment: a.environment.clone(),
                stored_bytes: a.stored_bytes,
                why: why.into(),
            });
        }
    };
    if let Some(max_age) = limits.max_age {
        for a in newest_first.iter().filter(|a| age(a) > max_age) {
            prune(a, "max_age", &mut gone);
        }
    }
    let mut kept = 0;
    for a in &newest_first {
        if gone.contains(&a.id) {
            continue;
        }
        kept += 1;
        if kept > limits.keep && !protected.contains(a.id.as_str()) {
            prune(a, "keep", &mut gone);
        }
    }
    if let Some(max_bytes) = limits.max_bytes {
        let mut total: u64 = newest_first
            .iter()
            .filter(|a| !gone.contains(&a.id))
            .map(|a| a.stored_bytes)
            .sum();
        for a in newest_first.iter().rev() {
            if total <= max_bytes {
                break;
            }
            if gone.contains(&a.id) || protected.contains(a.id.as_str()) {
                continue;
            }
            total -= a.stored_bytes;
            prune(a, "max_bytes", &mut gone);
        }
    }
    pruned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archives::Reason;

    const DAY: i64 = 24 * 3600;

    fn archive(
        id: &str,
        env: &str,
        days_old: i64,
        bytes: u64,
        now: DateTime<Utc>,
    ) -> ArchiveSummary {
        ArchiveSummary {
            id: id.into(),
            environment: env.into(),
            environment_id: "0".into(),
            owner: "o".into(),
            template: "t".into(),
            reason: Reason::Cleanup,
            created_at: now - chrono::Duration::seconds(days_old * DAY),
            created_by: "o".into(),
            volumes: 1,
            bytes,
            stored_bytes: bytes,
        }
    }

    fn limits(keep: usize, max_bytes: Option<u64>) -> Limits {
        Limits {
            keep,
            max_age: Some(Duration::from_secs(30 * DAY as u64)),
            max_bytes,
            min_age: Duration::from_secs(7 * DAY as u64),
        }
    }

    fn ids(p: &[Pruned]) -> Vec<(&str, &str)> {
        let mut v: Vec<_> = p.iter().map(|p| (p.id.as_str(), p.why.as_str())).collect();
        v.sort();
        v
    }

    #[test]
    fn age_then_count_then_bytes_oldest_first() {
        let now = Utc::now();
        let all = vec![
            archive("a1", "a", 40, 10, now),
            archive("a2", "a", 20, 10, now),
            archive("b1", "b", 10, 10, now),
            archive("c1", "c", 1, 10, now),
            archive("d1", "d", 0, 10, now),
        ];
        assert_eq!(
            ids(&plan(&all, &limits(50, None), now)),
            [("a1", "max_age")]
        );
        assert_eq!(
            ids(&plan(&all, &limits(2, None), now)),
            [("a1", "max_age"), ("a2", "keep"), ("b1", "keep")]
        );
        assert_eq!(
            ids(&plan(&all, &limits(50, Some(25)), now)),
            [("a1", "max_age"), ("a2", "max_bytes"), ("b1", "max_bytes")]
        );
    }

    #[test]
    fn the_newest_of_each_name_survives_keep_and_bytes_until_min_age() {
        let now = Utc::now();
        let all = vec![
            archive("old", "x", 3, 100, now),
            archive("new1", "y", 1, 100, now),
            archive("new2", "y", 0, 100, now),
        ];
        // keep = 1 would remove "old" and "new1"; "old" is x's newest and young.
        assert_eq!(ids(&plan(&all, &limits(1, None), now)), [("new1", "keep")]);
        // 50 bytes allowed: nothing protected may go, so only "new1" goes.
        assert_eq!(
            ids(&plan(&all, &limits(50, Some(50)), now)),
            [("new1", "max_bytes")]
        );
        // Past min_age the protection ends.
        let old = vec![
            archive("old", "x", 8, 100, now),
            archive("new", "y", 0, 100, now),
        ];
        assert_eq!(ids(&plan(&old, &limits(1, None), now)), [("old", "keep")]);
    }

    #[test]
    fn nothing_to_do_is_an_empty_plan() {
        assert!(plan(&[], &limits(0, Some(0)), Utc::now()).is_empty());
    }
}
