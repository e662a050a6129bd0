//! `sync`: reconcile the database with what Docker really has, reading only
//! objects that carry this installation's instance label.
//!
//! - A record whose containers vanished, or stopped, behind envctl's back
//!   gets the true status (`failed` or `stopped`, `ready = false`, with the reason).
//! - A record left in `creating`, `prepared` or `deleting` by a process that
//!   is gone (or past its deadline) is resolved: a create becomes `failed`
//!   and its leftovers are removed; a delete is finished.
//! - Labelled objects with no record are orphans: reported, removed with
//!   `remove_orphans`, or turned back into records with `adopt`.
//!
//! Each repair is committed only if the record has not changed since it was
//! read, so a sync never overwrites an operation that ran meanwhile.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::labels as label;
use crate::engine::{EnvironmentObjects, Runtime};
use crate::error::{Error, Result};
use crate::store::events;
use crate::store::{Environment, Status};

/// What `sync` may do.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Report only; change nothing.
    pub dry_run: bool,
    /// Remove labelled objects that have no record.
    pub remove_orphans: bool,
    /// Rebuild records for orphans that still have containers.
    pub adopt: bool,
    /// With `false`, fail at once when another cleanup, sync or reset runs.
    pub wait_for_lock: bool,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct SyncReport {
    pub dry_run: bool,
    /// Records looked at.
    pub checked: usize,
    pub changes: Vec<Change>,
    pub orphans: Vec<Orphan>,
    /// The backup taken before repairing, if any.
    pub backup: Option<String>,
}

impl SyncReport {
    /// True when a repair could not be made.
    pub fn has_errors(&self) -> bool {
        self.changes.iter().any(|c| c.error.is_some())
            || self.orphans.iter().any(|o| o.error.is_some())
    }
}

/// A record whose status sync corrected (or would correct).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Change {
    pub id: String,
    pub name: String,
    pub from: Status,
    /// `None` when the record is removed (a finished delete).
    pub to: Option<Status>,
    pub reason: String,
    pub error: Option<String>,
}

/// Labelled Docker objects whose environment has no record.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Orphan {
    pub environment: String,
    pub name: Option<String>,
    pub containers: usize,
    pub networks: usize,
    pub volumes: usize,
    /// "reported", "removed" or "adopted".
    pub action: String,
    pub error: Option<String>,
}

enum Repair {
    /// Mark failed; remove leftovers when `rollback`.
    Fail {
        reason: String,
        rollback: bool,
    },
    Stop {
        reason: String,
    },
    FinishDelete {
        reason: String,
    },
    /// Clear an operation whose process is gone from a settled record
    /// (running or stopped), keeping its status: a create killed while it
    /// waited for readiness leaves `running`, not ready, for the next
    /// `start` or `create --if-not-exists` to probe again.
    Settle {
        reason: String,
    },
}

/// Runs sync under the maintenance lock.
pub async fn sync(ctx: &Context, caller: &Caller, opts: &SyncOptions) -> Result<SyncReport> {
    caller.authorize(Action::Maintain, None)?;
    let _maintenance = ctx.store.maintenance_lock(opts.wait_for_lock)?;
    let report = sync_locked(ctx, caller, opts).await;
    let outcome = match &report {
        Ok(r) if r.has_errors() => "partial",
        Ok(_) => "ok",
        Err(_) => "error",
    };
    let detail = report.as_ref().map_or_else(
        |e| e.to_string(),
        |r| format!("{} changes, {} orphans", r.changes.len(), r.orphans.len()),
    );
    if !opts.dry_run {
        events::record(
            ctx.store.dir(),
            caller,
            "sync",
            None,
            outcome,
            Some(&detail),
        );
    }
    report
}

/// Sync for callers that already hold the maintenance lock (cleanup, reset).
pub(crate) async fn sync_locked(
    ctx: &Context,
    caller: &Caller,
    opts: &SyncOptions,
) -> Result<SyncReport> {
    let engine = ctx.engine().await?;
    let db = ctx.store.read()?;
    // A missing database reads with a fresh id: persist one before labels are matched.
    let instance = if ctx.store.path().exists() {
        db.instance_id.clone()
    } else {
        ctx.store.instance_id()?
    };
    let inventory = engine.inventory(&instance).await?;
    let now = Utc::now();
    let mut report = SyncReport {
        dry_run: opts.dry_run,
        checked: db.environments.len(),
        ..Default::default()
    };

    let repairs: Vec<(&Environment, Repair)> = db
        .environments
        .iter()
        .filter_map(|e| diagnose(e, inventory.objects.get(&e.id), now).map(|r| (e, r)))
        .collect();
    let orphan_ids: Vec<&String> = inventory
        .objects
        .keys()
        .filter(|id| db.environments.iter().all(|e| &e.id != *id))
        .collect();

    let destructive = !repairs.is_empty() || (opts.remove_orphans && !orphan_ids.is_empty());
    if !opts.dry_run && destructive {
        report.backup =
            crate::ops::backup::create(&ctx.store, "sync", &ctx.config.backups)?.map(|b| b.name);
    }

    for (env, repair) in repairs {
        let (to, reason) = match &repair {
            Repair::Fail { reason, .. } => (Some(Status::Failed), reason.clone()),
            Repair::Stop { reason } => (Some(Status::Stopped), reason.clone()),
            Repair::FinishDelete { reason } => (None, reason.clone()),
            Repair::Settle { reason } => (Some(env.status), reason.clone()),
        };
        let mut change = Change {
            id: env.id.clone(),
            name: env.name.clone(),
            from: env.status,
            to,
            reason,
            error: None,
        };
        if !opts.dry_run {
            if let Err(e) = apply(ctx, &instance, env, repair).await {
                change.error = Some(e.chain_text());
            }
            let outcome = if change.error.is_some() {
                "error"
            } else {
                "ok"
            };
            events::record(
                ctx.store.dir(),
                caller,
                "sync-repair",
                Some(&env.name),
                outcome,
                Some(&change.reason),
            );
        }
        report.changes.push(change);
    }

    for id in orphan_ids {
        let objects = &inventory.objects[id];
        let mut orphan = Orphan {
            environment: id.clone(),
            name: objects
                .containers
                .first()
                .and_then(|c| c.labels.get(label::NAME).cloned()),
            containers: objects.containers.len(),
            networks: objects.networks.len(),
            volumes: objects.volumes.len(),
            action: "reported".into(),
            error: None,
        };
        if !opts.dry_run && opts.adopt && !objects.containers.is_empty() {
            match adopt(ctx, id, objects) {
                Ok(()) => orphan.action = "adopted".into(),
                Err(e) => orphan.error = Some(e.to_string()),
            }
        } else if !opts.dry_run && opts.remove_orphans {
            match engine.remove_environment(&instance, id, false).await {
                Ok(_) => {
                    crate::store::secrets::remove(ctx.store.dir(), id);
                    orphan.action = "removed".into();
                }
                Err(e) => orphan.error = Some(e.to_string()),
            }
        }
        report.orphans.push(orphan);
    }
    Ok(report)
}

/// What, if anything, is wrong with a record given its Docker objects.
fn diagnose(
    env: &Environment,
    objects: Option<&EnvironmentObjects>,
    now: DateTime<Utc>,
) -> Option<Repair> {
    if env.status.is_transient() {
        let abandoned = match &env.operation {
            Some(op) => op.abandoned(now)?,
            None => "no operation owns it".to_owned(),
        };
        return Some(match env.status {
            Status::Deleting => Repair::FinishDelete {
                reason: format!("unfinished delete: {abandoned}"),
            },
            _ => Repair::Fail {
                reason: format!("abandoned while {}: {abandoned}", env.status),
                rollback: true,
            },
        });
    }
    if !matches!(env.status, Status::Running | Status::Stopped) {
        return None;
    }
    let containers = objects.map(|o| o.containers.as_slice()).unwrap_or_default();
    let mut missing = Vec::new();
    let mut exited = Vec::new();
    for (service, state) in &env.services {
        match containers.iter().find(|c| c.name == state.container) {
            None => missing.push(service.as_str()),
            Some(c) if !c.running => {
                exited.push(format!("{service} ({})", c.status.to_lowercase()))
            }
            Some(_) => {}
        }
    }
    if !missing.is_empty() {
        return Some(Repair::Fail {
            reason: format!(
                "container of {} was removed outside envctl",
                missing.join(", ")
            ),
            rollback: false,
        });
    }
    if env.status == Status::Running && !exited.is_empty() {
        let reason = format!("stopped outside envctl: {}", exited.join(", "));
        return Some(if exited.len() == env.services.len() {
            Repair::Stop { reason }
        } else {
            Repair::Fail {
                reason,
                rollback: false,
            }
        });
    }
    // Whatever the status: an operation whose process is gone is settled.
    let abandoned = env.operation.as_ref().and_then(|op| op.abandoned(now))?;
    Some(Repair::Settle {
        reason: format!("unfinished, left {}: {abandoned}", env.status),
    })
}

async fn apply(ctx: &Context, instance: &str, seen: &Environment, repair: Repair) -> Result<()> {
    let engine = ctx.engine().await?;
    // Commit only if nobody changed the record since we read it.
    let unchanged = |db: &mut crate::store::Database| -> Result<()> {
        match db.environments.iter().find(|e| e.id == seen.id) {
            Some(e) if e.updated_at == seen.updated_at => Ok(()),
            _ => Err(Error::Conflict(format!(
                "'{}' changed while sync ran; left alone",
                seen.name
            ))),
        }
    };
    match repair {
        Repair::Fail { reason, rollback } => {
            ctx.store.update(|db| {
                unchanged(db)?;
                db.get_mut(&seen.id)?.fail(reason);
                Ok(())
            })?;
            if rollback {
                engine.remove_environment(instance, &seen.id, false).await?;
            }
        }
        Repair::Stop { reason } => ctx.store.update(|db| {
            unchanged(db)?;
            let env = db.get_mut(&seen.id)?;
            env.transition(Status::Stopped)?;
            env.error = Some(reason);
            env.operation = None;
            Ok(())
        })?,
        Repair::Settle { .. } => ctx.store.update(|db| {
            unchanged(db)?;
            let env = db.get_mut(&seen.id)?;
            env.operation = None;
            env.ready = false;
            env.updated_at = Utc::now();
            Ok(())
        })?,
        Repair::FinishDelete { .. } => {
            ctx.store.update(|db| {
                unchanged(db)?;
                let env = db.get_mut(&seen.id)?;
                env.operation = Some(crate::ops::create::operation(
                    "delete",
                    std::time::Duration::from_secs(120),
                ));
                Ok(())
            })?;
            engine.remove_environment(instance, &seen.id, false).await?;
            ctx.store.update(|db| {
                db.remove(&seen.id);
                Ok(())
            })?;
            crate::store::secrets::remove(ctx.store.dir(), &seen.id);
        }
    }
    Ok(())
}

/// Rebuilds a record from its containers' labels and adds it.
pub(crate) fn adopt(ctx: &Context, id: &str, objects: &EnvironmentObjects) -> Result<()> {
    let env = crate::engine::labels::record(id, objects, &ctx.config.ports.public_host)
        .ok_or_else(|| {
            Error::Failed(format!(
                "the labels of environment {id} are incomplete; cannot adopt it"
            ))
        })?;
    ctx.store.update(|db| {
        if let Some(existing) = db.find(&env.name).or_else(|| db.find(&env.id)) {
            return Err(Error::Conflict(format!(
                "cannot adopt '{}': the name or id is taken by {}",
                env.name, existing.id
            )));
        }
        let range = env.port_range();
        if let Some(other) = db.environments.iter().find(|e| {
            let r = e.port_range();
            r.start < range.end && range.start < r.end
        }) {
            return Err(Error::Conflict(format!(
                "cannot adopt '{}': its ports overlap those of '{}'",
                env.name, other.name
            )));
        }
        let at = db
            .environments
            .partition_point(|e| e.created_at <= env.created_at);
        db.environments.insert(at, env);
        Ok(())
    })
}
