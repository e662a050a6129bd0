//! `delete`: from any state, idempotent, labelled objects first and the record last.

use std::time::Duration;

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::Removed;
use crate::engine::Runtime;
use crate::error::{Error, Result};
use crate::ops::log;
use crate::store::Operation;
use crate::store::{Environment, Status};

/// What `delete` asks for.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// Keep the environment's named volumes (they stay labelled).
    pub keep_volumes: bool,
    /// A missing environment is success, not [`Error::NotFound`].
    pub if_exists: bool,
    /// Delete only if the record's `updated_at` is still this and it is not
    /// pinned (cleanup: the plan was made from this version of the record).
    pub expect_updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The outcome of a delete.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Deleted {
    pub environment: Environment,
    pub removed: Removed,
}

/// Deletes an environment from any state: marks it `deleting`, removes every
/// labelled Docker object, then the record (freeing its ports). `Ok(None)`
/// when it did not exist and `if_exists` is set.
pub async fn delete(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    opts: &DeleteOptions,
) -> Result<Option<Deleted>> {
    let result = delete_inner(ctx, caller, target, opts).await;
    if !matches!(result, Ok(None)) {
        let name = match &result {
            Ok(Some(d)) => Some(d.environment.name.clone()),
            _ => None,
        };
        log(
            ctx,
            caller,
            "delete",
            name.as_deref().unwrap_or(target),
            &result,
        );
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
        env.transition(Status::Deleting)?;
        env.operation = Some(Operation::begin("delete", Duration::from_secs(120)));
        Ok((env.clone(), instance))
    });
    let (env, instance) = match marked {
        Ok(found) => found,
        Err(Error::NotFound { .. }) if opts.if_exists => return Ok(None),
        Err(e) => return Err(e),
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
                    env.operation = None;
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
    }))
}
