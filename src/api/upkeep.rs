//! What the server does on its own, every `[api] maintenance_interval`:
//! apply the restart policy of sync's plan ([`sync::plan`] with [`Restarts`]):
//! restart services whose container died (at most `restart_limit` times per
//! service while it runs; then the environment is marked `failed`), and
//! remove environments past their TTL (a cleanup with only the TTL rule,
//! which syncs first). Repairs of different environments run side by side
//! (`[cleanup] concurrency` at a time). Each action goes to the event log. A tick that finds
//! another maintenance run going skips its cleanup. Giving up on a service
//! notifies `restart_limit`; the cleanup sends the expiry warnings and its
//! own notices (see `crate::notify`).

use crate::access::Caller;
use crate::engine::Runtime;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Weak};

use super::App;
use crate::ops::cleanup::{self, CleanupOptions};
use crate::ops::sync::{self, Repair, Restarts};
use crate::retention::RetentionPolicy;
use crate::store::events;

/// Runs until the server is dropped.
pub async fn run(app: Weak<App>) {
    let mut restarts: HashMap<(String, String), u32> = HashMap::new();
    loop {
        let Some(strong) = app.upgrade() else { return };
        let interval = strong.ctx.config.api.maintenance_interval;
        // A claim or a miss wakes the loop to refill the pools at once.
        let woken = tokio::select! {
            () = tokio::time::sleep(interval) => false,
            () = strong.pool_wake.notified() => true,
        };
        if woken {
            // Let a burst of claims finish first (they would share the engine
            // with the new members): refill once no claim came for a moment.
            let quiet = std::time::Duration::from_millis(300);
            let until = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
            while tokio::time::timeout_at(
                until.min(tokio::time::Instant::now() + quiet),
                strong.pool_wake.notified(),
            )
            .await
            .is_ok()
            {}
            refill(&strong);
            continue;
        }
        drop(strong);
        let Some(strong) = app.upgrade() else { return };
        tick(&strong, &mut restarts).await;
        refill(&strong);
    }
}

/// Reconciles the warm pools in the background, one run at a time; new
/// members are made in the background too, so the loop never waits on them.
fn refill(app: &Arc<App>) {
    use std::sync::atomic::Ordering;
    let pooled = app.ctx.config.templates.values().any(|t| t.pool.is_some());
    if !pooled || app.refilling.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tokio::spawn(async move {
        let opts = crate::ops::pool::ReconcileOptions {
            wait_for_lock: false,
            wait: false,
        };
        let _ = crate::ops::pool::reconcile(&app.ctx, &Caller::server(), &opts).await;
        app.refilling.store(false, Ordering::SeqCst);
    });
}

async fn tick(app: &Arc<App>, restarts: &mut HashMap<(String, String), u32>) {
    let ctx = &app.ctx;
    let Ok(engine) = ctx.engine().await else {
        return;
    };
    let Ok(instance) = ctx.store.instance_id() else {
        return;
    };
    let (Ok(db), Ok(inventory)) = (ctx.store.read(), engine.inventory(&instance).await) else {
        return;
    };
    // The restart policy is part of sync's plan; what else the plan finds
    // is left to the sync inside the cleanup below.
    let policy = Restarts {
        limit: ctx.config.api.restart_limit,
        counts: restarts,
    };
    let plan = sync::plan(
        &db.environments,
        &inventory,
        chrono::Utc::now(),
        Some(policy),
    );
    // One repair per environment: they run side by side (a restart on a
    // swarm may wait minutes for its task), the bookkeeping after, in turn.
    let repairs = plan.repairs.into_iter().filter_map(|(id, repair)| {
        let env = db.environments.iter().find(|e| e.id == id)?;
        let (gave_up, service, detail) = match &repair {
            Repair::Restart {
                service, reason, ..
            } => (false, service.clone(), reason.clone()),
            Repair::GiveUp { service, reason } => (true, service.clone(), reason.clone()),
            _ => return None,
        };
        let instance = &instance;
        Some(async move {
            let result = sync::apply(ctx, instance, env, repair).await;
            (env, gave_up, service, detail, result)
        })
    });
    let done: Vec<_> = futures_util::stream::iter(repairs)
        .buffer_unordered(ctx.config.cleanup.concurrency.max(1))
        .collect()
        .await;
    let caller = Caller::server();
    for (env, gave_up, service, detail, result) in done {
        if gave_up && result.is_ok() {
            let limit = ctx.config.api.restart_limit;
            let notice = crate::notify::Notice::restart_limit(env, &service, limit, &detail);
            crate::notify::emit(ctx, notice);
        }
        if gave_up {
            restarts.retain(|(e, _), _| e != &env.id);
        } else {
            *restarts.entry((env.id.clone(), service)).or_default() += 1;
        }
        let detail = match &result {
            Err(e) if !gave_up => format!("{detail}; the restart failed: {}", e.chain_text()),
            _ => detail,
        };
        events::Entry::new(if gave_up { "fail" } else { "restart" })
            .result(&result)
            .target(&env.name)
            .detail(&detail)
            .write(ctx.store.dir(), &caller);
    }
    let opts = CleanupOptions {
        policy: RetentionPolicy::default(),
        dry_run: false,
        concurrency: ctx.config.cleanup.concurrency,
        wait_for_lock: false,
        // A service that died since this tick's plan is restarted by the
        // next tick, not failed by the cleanup's sync.
        leave_dead_services: true,
    };
    if let Ok(report) = cleanup::cleanup(ctx, &Caller::server(), &opts).await {
        app.metrics.cleanup(&report);
    }
}
