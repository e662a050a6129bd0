//! `reset-db` and `auto-reset-db`: back the database up, then rebuild it from
//! what Docker really runs. Live labelled environments are kept with their
//! ports (their records if they have one, else records rebuilt from labels);
//! records with nothing behind them are dropped. With `empty`, every
//! container, network and volume of this installation is removed and the
//! database emptied. The instance id is kept, and API tokens (a separate
//! file) are never touched.

use futures_util::StreamExt;
use serde::Serialize;

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::Runtime;
use crate::engine::labels::record as record_from_labels;
use crate::error::Result;
use crate::ops::sync::{SyncOptions, sync_locked};
use crate::store::events;
use crate::store::{Environment, Status};

#[derive(Debug, Clone, Default)]
pub struct ResetOptions {
    /// Empty the database and remove every object of this installation.
    pub empty: bool,
    /// With `false`, fail at once when another cleanup, sync or reset runs.
    pub wait_for_lock: bool,
    /// How many environments' objects are removed at once (with `empty`).
    pub concurrency: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ResetReport {
    pub empty: bool,
    /// Records before and after.
    pub before: usize,
    pub after: usize,
    /// Names of records kept (something runs behind them).
    pub kept: Vec<String>,
    /// Names of records rebuilt from Docker labels.
    pub adopted: Vec<String>,
    /// Names of records dropped (nothing behind them, or `empty`).
    pub dropped: Vec<String>,
    /// Environments whose Docker objects were removed (with `empty`).
    pub removed_environments: usize,
    pub backup: Option<String>,
}

pub async fn reset(ctx: &Context, caller: &Caller, opts: &ResetOptions) -> Result<ResetReport> {
    caller.authorize(Action::Administer, None)?;
    let _maintenance = ctx.store.maintenance_lock(opts.wait_for_lock)?;
    let result = reset_locked(ctx, caller, opts).await;
    let detail = match &result {
        Ok(r) => format!("{} records before, {} after", r.before, r.after),
        Err(e) => e.to_string(),
    };
    let outcome = if result.is_ok() { "ok" } else { "error" };
    let action = if opts.empty { "reset-empty" } else { "reset" };
    events::record(
        ctx.store.dir(),
        caller,
        action,
        None,
        outcome,
        Some(&detail),
    );
    result
}

async fn reset_locked(ctx: &Context, caller: &Caller, opts: &ResetOptions) -> Result<ResetReport> {
    let engine = ctx.engine().await?;
    let instance = ctx.store.instance_id()?;
    let reason = if opts.empty { "reset-empty" } else { "reset" };
    let backup =
        crate::ops::backup::create(&ctx.store, reason, &ctx.config.backups)?.map(|b| b.name);
    let inventory = engine.inventory(&instance).await?;
    let db = ctx.store.read()?;
    let mut report = ResetReport {
        empty: opts.empty,
        before: db.environments.len(),
        backup,
        ..Default::default()
    };

    if opts.empty {
        let mut ids: Vec<String> = inventory.objects.keys().cloned().collect();
        ids.extend(db.environments.iter().map(|e| e.id.clone()));
        ids.sort();
        ids.dedup();
        // Owned futures: a borrowing closure here is not `Send` enough for the API's handlers.
        let removals = ids.iter().cloned().map(|id| {
            let instance = instance.clone();
            async move { engine.remove_environment(&instance, &id, false).await }
        });
        let results: Vec<_> = futures_util::stream::iter(removals)
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
        report.removed_environments = results.iter().filter(|r| r.is_ok()).count();
        if let Some(Err(e)) = results.into_iter().find(|r| r.is_err()) {
            return Err(e);
        }
        report.dropped = db.environments.iter().map(|e| e.name.clone()).collect();
        ctx.store.update(|db| {
            db.environments.clear();
            Ok(())
        })?;
        crate::store::secrets::retain(ctx.store.dir(), &[]);
        return Ok(report);
    }

    // Give every record its true status first (and finish abandoned operations),
    // then look again at what is left.
    sync_locked(ctx, caller, &SyncOptions::default()).await?;
    let inventory = engine.inventory(&instance).await?;
    let db = ctx.store.read()?;
    let now = chrono::Utc::now();
    let mut rebuilt: Vec<Environment> = Vec::new();
    for env in &db.environments {
        let in_progress = env
            .operation
            .as_ref()
            .is_some_and(|op| op.abandoned(now).is_none());
        let live = inventory
            .objects
            .get(&env.id)
            .is_some_and(|o| !o.containers.is_empty());
        if in_progress || (live && env.status != Status::Deleting) {
            report.kept.push(env.name.clone());
            rebuilt.push(env.clone());
        } else {
            report.dropped.push(env.name.clone());
        }
    }
    for (id, objects) in &inventory.objects {
        if db.environments.iter().any(|e| &e.id == id) || objects.containers.is_empty() {
            continue;
        }
        if let Some(env) = record_from_labels(id, objects, &ctx.config.ports.public_host)
            && rebuilt.iter().all(|e| e.name != env.name)
        {
            report.adopted.push(env.name.clone());
            rebuilt.push(env);
        }
    }
    rebuilt.sort_by_key(|e| e.created_at);
    report.after = rebuilt.len();
    ctx.store.update(|db| {
        // Keep what changed meanwhile (an operation in progress committed a step).
        for env in &mut rebuilt {
            if let Some(current) = db.environments.iter().find(|e| e.id == env.id) {
                *env = current.clone();
            }
        }
        db.environments = std::mem::take(&mut rebuilt);
        // The secrets of environments that are gone go with them; the kept
        // and adopted keep theirs (same ids).
        let ids: Vec<&str> = db.environments.iter().map(|e| e.id.as_str()).collect();
        crate::store::secrets::retain(ctx.store.dir(), &ids);
        Ok(())
    })?;
    Ok(report)
}
