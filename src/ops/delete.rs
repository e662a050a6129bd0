//! `delete`: from any state, idempotent, labelled objects first and the record last.

use std::time::Duration;

use crate::access::{Action, Caller};
use crate::archives::{ArchiveSummary, Reason};
use crate::context::Context;
use crate::engine::Removed;
use crate::engine::Runtime;
use crate::error::{Error, Result};
use crate::store::Operation;
use crate::store::events::Entry;
use crate::store::{Environment, Status};

/// What `delete` asks for.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// Keep the environment's named volumes (they stay labelled).
    pub keep_volumes: bool,
    /// Remove the volumes without archiving them first (`delete --no-archive`).
    pub no_archive: bool,
    /// Why it goes, for its archive (`None`: a delete).
    pub reason: Option<Reason>,
    /// A missing environment is success, not [`Error::NotFound`].
    pub if_exists: bool,
    /// Delete only if the record's `updated_at` is still this and it is not
    /// pinned (cleanup: the plan was made from this version of the record).
    pub expect_updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The retention rule removing it (cleanup), for the event log.
    pub rule: Option<&'static str>,
}

/// The outcome of a delete.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Deleted {
    pub environment: Environment,
    pub removed: Removed,
    /// The archive its volumes went into first, if they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<ArchiveSummary>,
}

/// How long an archive before a removal may take before it counts as abandoned.
const ARCHIVE_DEADLINE: Duration = Duration::from_secs(6 * 3600);
const DELETE_DEADLINE: Duration = Duration::from_secs(120);

/// How long a removal may take before it counts as abandoned: its services
/// stop first (their grace period, by [`crate::ops::lifecycle::stop_grace`],
/// and on a Swarm what the engine takes to tell it), then everything goes.
pub(crate) fn removal_deadline(grace: Duration) -> Duration {
    DELETE_DEADLINE
        .saturating_add(grace)
        .saturating_add(crate::ops::lifecycle::STOP_SETTLE)
}

/// The operation of a removal of everything: its volumes were archived, or
/// were chosen to go without one (`--no-archive`, archives off, a pool member).
pub const REMOVE_ALL: &str = "delete";
/// The operation of a removal that keeps the volumes (`--keep-volumes`).
pub const KEEP_VOLUMES: &str = "delete-keep-volumes";

/// Deletes an environment from any state: marks it `deleting`, archives its
/// volumes (unless archives are off, `no_archive`, `keep_volumes`, or it is
/// an unclaimed pool member), removes every labelled Docker object, then the
/// record (freeing its ports). An archive that fails removes nothing: the
/// record turns `failed` with the reason. `Ok(None)` when it did not exist
/// and `if_exists` is set.
pub async fn delete(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    opts: &DeleteOptions,
) -> Result<Option<Deleted>> {
    let started = std::time::Instant::now();
    let result = delete_inner(ctx, caller, target, opts).await;
    if !matches!(result, Ok(None)) {
        // A failed delete leaves the record (`failed`, with the reason).
        let left = match &result {
            Ok(_) => None,
            Err(_) => ctx
                .store
                .read()
                .ok()
                .and_then(|db| db.find(target).cloned()),
        };
        let env = match &result {
            Ok(Some(d)) => Some(&d.environment),
            _ => left.as_ref(),
        };
        let mut entry = Entry::new("delete").since(started).result(&result);
        entry = match env {
            Some(env) => entry.environment(env),
            None => entry.target(target),
        };
        if let Some(rule) = opts.rule {
            entry = entry.rule(rule);
        }
        entry.write(ctx.store.dir(), caller);
    }
    result
}

/// [`delete`] for the server: authorises the caller, answers the record as
/// it is (`None` when there is none: deleting what is gone is no error), and
/// deletes in the background.
pub async fn delete_in_background(
    ctx: &std::sync::Arc<Context>,
    caller: &Caller,
    target: &str,
    opts: &DeleteOptions,
) -> Result<Option<Environment>> {
    caller.authorize(Action::Delete, None)?;
    let env = match crate::ops::show(ctx, target) {
        Ok(env) => env,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    caller.authorize(Action::Delete, Some(&env.owner))?;
    let (ctx, caller, id, opts) = (ctx.clone(), caller.clone(), env.id.clone(), opts.clone());
    tokio::spawn(async move {
        let _ = delete(&ctx, &caller, &id, &opts).await;
    });
    Ok(Some(env))
}

async fn delete_inner(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    opts: &DeleteOptions,
) -> Result<Option<Deleted>> {
    let engine = ctx.engine().await?;
    let archives_on = ctx.config.archives.enabled;
    let waited = crate::ops::lifecycle::stop_grace_of(ctx, engine, target).await;
    let marked = ctx.store.update(|db| {
        let instance = db.instance_id.clone();
        let env = db.get_mut(target)?;
        caller.authorize(Action::Delete, Some(&env.owner))?;
        if let Some(expected) = opts.expect_updated_at
            && (env.updated_at != expected || env.pinned)
        {
            return Err(Error::Conflict(format!(
                "'{}' changed since the plan was made; left alone",
                env.name
            )));
        }
        let op = env
            .operation
            .as_ref()
            .filter(|_| env.status == Status::Deleting);
        if let Some(op) = op
            && op.action == "archive"
            && op.abandoned(chrono::Utc::now()).is_none()
        {
            return Err(Error::Conflict(format!(
                "'{}' is being archived before its removal (process {} on {}); wait for it",
                env.name, op.pid, op.host
            )));
        }
        // A delete taken up again after its archive was made (or after one
        // that chose to have none) goes straight on.
        let archived_already = op.is_some_and(|op| op.action == REMOVE_ALL);
        let archive = !archived_already
            && !opts.keep_volumes
            && !opts.no_archive
            && archives_on
            && env.pool.is_none();
        env.transition(Status::Deleting)?;
        env.operation = Some(if archive {
            Operation::begin("archive", ARCHIVE_DEADLINE)
        } else if opts.keep_volumes {
            Operation::begin(KEEP_VOLUMES, removal_deadline(waited))
        } else {
            Operation::begin(REMOVE_ALL, removal_deadline(waited))
        });
        Ok((env.clone(), instance, archive))
    });
    let (env, instance, archive) = match marked {
        Ok(found) => found,
        Err(Error::NotFound { .. }) if opts.if_exists => return Ok(None),
        Err(e) => return Err(e),
    };
    let archive = if archive {
        archive_first(ctx, caller, &instance, &env, opts).await?
    } else {
        None
    };
    let removed = match engine
        .remove_environment(&instance, &env.id, opts.keep_volumes)
        .await
    {
        Ok(removed) => removed,
        Err(e) => {
            let reason = format!("delete failed: {}", e.chain_text());
            let _ = ctx.store.update(|db| {
                if let Some(env) = db.find_mut(&env.id) {
                    env.error = Some(reason);
                    // Abandoned at once, keeping what it was to remove: the
                    // next sync finishes it (keeping the volumes if asked).
                    if let Some(op) = &mut env.operation {
                        op.deadline = chrono::Utc::now();
                    }
                }
                Ok(())
            });
            return Err(e);
        }
    };
    ctx.store.update(|db| {
        db.remove(&env.id);
        Ok(())
    })?;
    crate::store::secrets::remove(ctx.store.dir(), &env.id);
    Ok(Some(Deleted {
        environment: env,
        removed,
        archive,
    }))
}

/// Archives `env`'s volumes before its removal. On failure the record turns
/// `failed` with the reason and nothing is removed.
async fn archive_first(
    ctx: &Context,
    caller: &Caller,
    instance: &str,
    env: &Environment,
    opts: &DeleteOptions,
) -> Result<Option<ArchiveSummary>> {
    let reason = opts.reason.unwrap_or(Reason::Delete);
    let silent = crate::ops::progress::Silent;
    // Stopped first, so no database is copied mid-write: it goes anyway.
    let engine = ctx.engine().await?;
    let grace = ctx.config.defaults.stop_timeout;
    futures_util::future::join_all(
        env.services
            .values()
            .map(|s| engine.stop_container(&s.container, grace)),
    )
    .await;
    match crate::ops::archive::take(ctx, caller, instance, env, reason, &silent).await {
        Ok(manifest) => {
            let waited = crate::ops::lifecycle::stop_grace(ctx, engine, env).await;
            ctx.store.update(|db| {
                let env = db.get_mut(&env.id)?;
                env.operation = Some(Operation::begin(REMOVE_ALL, removal_deadline(waited)));
                Ok(())
            })?;
            Ok(manifest.map(|m| m.summary()))
        }
        Err(e) => {
            let reason = format!(
                "archiving its volumes before removal failed, so nothing was removed: {}; \
                 fix that and delete again, `envctl delete {} --no-archive` to remove it \
                 without an archive, or `--keep-volumes` to keep the volumes",
                e.chain_text(),
                env.name
            );
            let _ = ctx.store.update(|db| {
                if let Some(env) = db.find_mut(&env.id) {
                    env.fail(reason.clone());
                }
                Ok(())
            });
            Err(Error::Failed(format!("'{}': {reason}", env.name)))
        }
    }
}
