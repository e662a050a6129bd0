//! `cleanup` and `auto-cleanup`: sync, plan by the retention policy, back the
//! database up, then remove what the plan says, several at once.
//!
//! The run holds the maintenance lock from the sync to the last removal, so
//! two runs never overlap (the second waits, or fails at once with
//! `wait_for_lock = false`, then finds nothing left to do). Each removal
//! checks that the record is as planned; one failure does not stop the rest.

use futures_util::StreamExt;
use serde::Serialize;

use crate::access::{Action, Caller};
use crate::archives::Reason;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::ops::sync::{SyncOptions, SyncReport, sync_locked};
use crate::ops::{self, DeleteOptions};
use crate::retention::{self, Decision, Plan, RetentionPolicy};
use crate::store::LockGuard;
use crate::store::events;

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
}

/// A planned cleanup, holding the maintenance lock until it is run or dropped.
pub struct Prepared {
    _lock: LockGuard,
    pub sync: SyncReport,
    pub plan: Plan,
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
    let lock = ctx.store.maintenance_lock(opts.wait_for_lock)?;
    let sync_opts = SyncOptions {
        dry_run: opts.dry_run,
        ..Default::default()
    };
    let sync = sync_locked(ctx, caller, &sync_opts).await?;
    let envs = ctx.store.read()?.environments;
    let plan = retention::plan(&envs, &opts.policy, chrono::Utc::now());
    Ok(Prepared {
        _lock: lock,
        sync,
        plan,
    })
}

/// Carries out a prepared plan (nothing is removed when `dry_run`).
pub async fn execute(
    ctx: &Context,
    caller: &Caller,
    prepared: Prepared,
    opts: &CleanupOptions,
) -> Result<CleanupReport> {
    let Prepared { _lock, sync, plan } = prepared;
    let mut report = CleanupReport {
        dry_run: opts.dry_run,
        sync,
        plan,
        outcomes: Vec::new(),
        backup: None,
    };
    if opts.dry_run || report.plan.remove.is_empty() {
        return Ok(report);
    }
    report.backup =
        crate::ops::backup::create(&ctx.store, "cleanup", &ctx.config.backups)?.map(|b| b.name);
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
    events::record(
        ctx.store.dir(),
        caller,
        "cleanup",
        None,
        if report.failed() > 0 { "partial" } else { "ok" },
        Some(&format!(
            "{} removed, {} failed",
            report.removed(),
            report.failed()
        )),
    );
    Ok(report)
}

/// Plans and, unless `dry_run`, removes: `auto-cleanup` in one call.
pub async fn cleanup(
    ctx: &Context,
    caller: &Caller,
    opts: &CleanupOptions,
) -> Result<CleanupReport> {
    let prepared = prepare(ctx, caller, opts).await?;
    execute(ctx, caller, prepared, opts).await
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
