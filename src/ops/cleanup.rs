//! `cleanup` and `auto-cleanup`: sync, plan by the retention policy, back the
//! database up, then remove what the plan says, several at once.
//!
//! The run holds the maintenance lock from the sync to the last removal, so
//! two runs never overlap (the second waits, or fails at once with
//! `wait_for_lock = false`, then finds nothing left to do). Each removal
//! checks that the record is as planned; one failure does not stop the rest.
//!
//! Notifications: a run that changes things first queues the expiry warnings
//! now due; after removing, an `expired` notice per environment removed for
//! its TTL and one `cleanup` notice with the counts per rule; `auto-cleanup`
//! and the server's runs that fail queue `maintenance_failed`.

use futures_util::StreamExt;
use serde::Serialize;

use crate::access::{Action, Caller};
use crate::archives::Reason;
use crate::context::Context;
use crate::engine::Runtime;
use crate::error::{Error, Result};
use crate::ops::sync::{SyncOptions, SyncReport, sync_locked};
use crate::ops::{self, DeleteOptions};
use crate::retention::{self, Decision, Plan, RetentionPolicy};
use crate::store::LockGuard;
use crate::store::events;
use crate::store::runs::{self, Task};

/// What a cleanup run asks for.
#[derive(Debug, Clone)]
pub struct CleanupOptions {
    pub policy: RetentionPolicy,
    /// Plan only; change nothing (the sync is a dry run too).
    pub dry_run: bool,
    /// How many environments are removed at once.
    pub concurrency: usize,
    /// With `false`, fail at once when another cleanup, sync or reset runs.
    pub wait_for_lock: bool,
    /// The server's own cleanup (see [`SyncOptions::leave_dead_services`]).
    pub leave_dead_services: bool,
}

/// A planned cleanup, holding the maintenance lock until it is run or dropped.
pub struct Prepared {
    _lock: LockGuard,
    pub sync: SyncReport,
    pub plan: Plan,
    pub archives: Vec<PlannedArchive>,
}

/// The archive a planned removal takes first: how many volumes, how big.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlannedArchive {
    pub id: String,
    pub name: String,
    pub volumes: usize,
    /// Their size on disk as the engine last measured it, when it can tell.
    pub bytes: Option<u64>,
}

/// The outcome of removing one planned environment.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Outcome {
    pub id: String,
    pub name: String,
    pub reason: String,
    /// "removed", "skipped" (changed since the plan, or already gone) or "failed".
    pub result: String,
    pub error: Option<String>,
    /// The archive its volumes went into before removal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CleanupReport {
    pub dry_run: bool,
    pub sync: SyncReport,
    pub plan: Plan,
    pub outcomes: Vec<Outcome>,
    pub backup: Option<String>,
    /// The archives the removals take first (none when `[archives]` is off).
    #[serde(default)]
    pub archives: Vec<PlannedArchive>,
    /// Archives past `[archives]`' limits, removed after the run.
    #[serde(default)]
    pub pruned: Vec<crate::archives::retention::Pruned>,
}

impl CleanupReport {
    pub fn removed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.result == "removed")
            .count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.result == "failed")
            .count()
    }

    /// True when anything (a removal, or a sync repair) failed.
    pub fn has_errors(&self) -> bool {
        self.failed() > 0 || self.sync.has_errors()
    }
}

/// Takes the maintenance lock, syncs and plans.
pub async fn prepare(ctx: &Context, caller: &Caller, opts: &CleanupOptions) -> Result<Prepared> {
    caller.authorize(Action::Maintain, None)?;
    if !opts.dry_run {
        crate::notify::warn_expiring(ctx);
    }
    let lock = ctx.store.maintenance_lock(opts.wait_for_lock)?;
    let sync_opts = SyncOptions {
        dry_run: opts.dry_run,
        leave_dead_services: opts.leave_dead_services,
        ..Default::default()
    };
    let sync = sync_locked(ctx, caller, &sync_opts).await?;
    let db = ctx.store.read()?;
    let plan = retention::plan(&db.environments, &opts.policy, chrono::Utc::now());
    let archives = planned_archives(ctx, &db, &plan).await;
    Ok(Prepared {
        _lock: lock,
        sync,
        plan,
        archives,
    })
}

/// What each planned removal will archive, from the engine's volume sizes.
async fn planned_archives(
    ctx: &Context,
    db: &crate::store::Database,
    plan: &Plan,
) -> Vec<PlannedArchive> {
    if !ctx.config.archives.enabled || plan.remove.is_empty() {
        return Vec::new();
    }
    let Ok(engine) = ctx.engine().await else {
        return Vec::new();
    };
    let sizes = engine
        .volume_sizes(&db.instance_id)
        .await
        .unwrap_or_default();
    plan.remove
        .iter()
        .filter(|d| {
            db.environments
                .iter()
                .any(|e| e.id == d.id && e.pool.is_none())
        })
        .filter_map(|d| {
            let prefix = format!("envctl-{}-", d.id);
            let volumes: Vec<u64> = sizes
                .iter()
                .filter(|(name, _)| name.starts_with(&prefix))
                .map(|(_, &bytes)| bytes)
                .collect();
            (!volumes.is_empty() || sizes.is_empty()).then(|| PlannedArchive {
                id: d.id.clone(),
                name: d.name.clone(),
                volumes: volumes.len(),
                bytes: (!sizes.is_empty()).then(|| volumes.iter().sum()),
            })
        })
        .collect()
}

/// Carries out a prepared plan (nothing is removed when `dry_run`). A run
/// that could remove is counted in the run ledger, as a failure when it
/// failed or some removal did.
pub async fn execute(
    ctx: &Context,
    caller: &Caller,
    prepared: Prepared,
    opts: &CleanupOptions,
) -> Result<CleanupReport> {
    let result = execute_plan(ctx, caller, prepared, opts).await;
    if !opts.dry_run {
        mark_run(ctx, &result);
    }
    result
}

fn mark_run(ctx: &Context, result: &Result<CleanupReport>) {
    let error = match result {
        Ok(report) if report.failed() > 0 => Some(format!(
            "{} of {} removals failed",
            report.failed(),
            report.outcomes.len()
        )),
        Ok(_) => None,
        Err(e) => Some(e.chain_text()),
    };
    runs::mark(ctx.store.dir(), Task::Cleanup, error.as_deref());
}

async fn execute_plan(
    ctx: &Context,
    caller: &Caller,
    prepared: Prepared,
    opts: &CleanupOptions,
) -> Result<CleanupReport> {
    let Prepared {
        _lock,
        sync,
        plan,
        archives,
    } = prepared;
    let mut report = CleanupReport {
        dry_run: opts.dry_run,
        sync,
        plan,
        outcomes: Vec::new(),
        backup: None,
        archives,
        pruned: Vec::new(),
    };
    if opts.dry_run {
        report.pruned = crate::ops::archive::prune(ctx, caller, true).unwrap_or_default();
        return Ok(report);
    }
    if report.plan.remove.is_empty() {
        report.pruned = prune_archives(ctx, caller);
        return Ok(report);
    }
    let started = std::time::Instant::now();
    report.backup = crate::ops::backup::safeguard(ctx, "cleanup")?.map(|b| b.name);
    // The records as they were, for the notices' owners and templates
    // (read only when some endpoint may want them).
    let before = if ctx.config.notifications.is_empty() {
        Vec::new()
    } else {
        ctx.store
            .read()
            .map(|db| db.environments)
            .unwrap_or_default()
    };
    let removals = report
        .plan
        .remove
        .clone()
        .into_iter()
        .map(|d| remove(ctx, caller, d));
    report.outcomes = futures_util::stream::iter(removals)
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    report.pruned = prune_archives(ctx, caller);
    crate::notify::cleanup_removals(ctx, caller, &report, &before);
    // One line a run: how many it removed (each removal has its own `delete`
    // line, with its rule).
    events::Entry::new("cleanup")
        .outcome(if report.failed() > 0 { "partial" } else { "ok" })
        .detail(&format!(
            "{} removed, {} failed",
            report.removed(),
            report.failed()
        ))
        .since(started)
        .write(ctx.store.dir(), caller);
    Ok(report)
}

/// Plans and, unless `dry_run`, removes: `auto-cleanup` in one call.
pub async fn cleanup(
    ctx: &Context,
    caller: &Caller,
    opts: &CleanupOptions,
) -> Result<CleanupReport> {
    let result = match prepare(ctx, caller, opts).await {
        Ok(prepared) => execute(ctx, caller, prepared, opts).await,
        Err(e) => {
            // The engine down, the database unreadable: the run did not
            // happen. (Another run holding the maintenance lock is not a failure.)
            let failed = Err(e);
            if !opts.dry_run && !matches!(failed, Err(Error::MaintenanceBusy { .. })) {
                mark_run(ctx, &failed);
            }
            failed
        }
    };
    crate::notify::cleanup_outcome(ctx, caller, &result);
    result
}

/// Prunes the archive store after a run; a failure is logged by the prune
/// and never fails the cleanup.
fn prune_archives(ctx: &Context, caller: &Caller) -> Vec<crate::archives::retention::Pruned> {
    crate::ops::archive::prune(ctx, caller, false).unwrap_or_default()
}

async fn remove(ctx: &Context, caller: &Caller, d: Decision) -> Outcome {
    let reason = match d.verdict {
        retention::Verdict::Expired => Reason::Ttl,
        _ => Reason::Cleanup,
    };
    let opts = DeleteOptions {
        if_exists: true,
        expect_updated_at: Some(d.updated_at),
        reason: Some(reason),
        rule: d.verdict.rule(),
        ..Default::default()
    };
    let mut archive = None;
    let (result, error) = match ops::delete(ctx, caller, &d.id, &opts).await {
        Ok(Some(deleted)) => {
            archive = deleted.archive.map(|a| a.id);
            ("removed", None)
        }
        Ok(None) => ("skipped", Some("already gone".to_owned())),
        Err(Error::Conflict(why)) => ("skipped", Some(why)),
        Err(e) => ("failed", Some(e.chain_text())),
    };
    Outcome {
        id: d.id,
        name: d.name,
        reason: d.verdict.to_string(),
        result: result.into(),
        error,
        archive,
    }
}
