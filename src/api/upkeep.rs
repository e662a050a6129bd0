//! What the server does on its own, every `[api] maintenance_interval`:
//! restart services whose container died (at most `restart_limit` times per
//! service while it runs; then the environment is marked `failed`), and
//! remove environments past their TTL (a cleanup with only the TTL rule,
//! which syncs first). Each action goes to the event log. A tick that finds
//! another maintenance run going skips its cleanup.

use crate::access::Caller;
use crate::engine::Runtime;
use std::collections::HashMap;
use std::sync::{Arc, Weak};

use super::App;
use crate::ops::cleanup::{self, CleanupOptions};
use crate::retention::RetentionPolicy;
use crate::store::Status;
use crate::store::events;

/// Runs until the server is dropped.
pub async fn run(app: Weak<App>) {
    let mut restarts: HashMap<(String, String), u32> = HashMap::new();
    loop {
        let Some(strong) = app.upgrade() else { return };
        let interval = strong.ctx.config.api.maintenance_interval;
        drop(strong);
        tokio::time::sleep(interval).await;
        let Some(strong) = app.upgrade() else { return };
        tick(&strong, &mut restarts).await;
    }
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
    let limit = ctx.config.api.restart_limit;
    for env in db
        .environments
        .iter()
        .filter(|e| e.status == Status::Running)
    {
        let Some(objects) = inventory.objects.get(&env.id) else {
            continue;
        };
        for (service, state) in &env.services {
            let Some(container) = objects
                .containers
                .iter()
                .find(|c| c.name == state.container)
            else {
                continue;
            };
            if container.running {
                continue;
            }
            let count = restarts
                .entry((env.id.clone(), service.clone()))
                .or_default();
            if *count < limit {
                *count += 1;
                let result = engine.start_container(&container.name).await;
                let mut detail = format!(
                    "service {service}, restart {count} of {limit}, after: {}",
                    container.status
                );
                if let Err(e) = &result {
                    detail.push_str(&format!("; the restart failed: {}", e.chain_text()));
                }
                let outcome = if result.is_ok() { "ok" } else { "error" };
                events::record(
                    ctx.store.dir(),
                    &Caller::server(),
                    "restart",
                    Some(&env.name),
                    outcome,
                    Some(&detail),
                );
            } else {
                let reason = format!(
                    "service {service} died {} times ({}); not restarted again",
                    *count + 1,
                    container.status
                );
                let id = env.id.clone();
                let updated_at = env.updated_at;
                let marked = ctx.store.update(|db| {
                    if let Some(e) = db
                        .environments
                        .iter_mut()
                        .find(|e| e.id == id && e.updated_at == updated_at)
                    {
                        e.fail(reason.clone());
                    }
                    Ok(())
                });
                events::record_result(
                    ctx.store.dir(),
                    &Caller::server(),
                    "fail",
                    Some(&env.name),
                    &marked,
                );
                restarts.retain(|(e, _), _| e != &env.id);
                break;
            }
        }
    }
    let opts = CleanupOptions {
        policy: RetentionPolicy::default(),
        dry_run: false,
        concurrency: ctx.config.cleanup.concurrency,
        wait_for_lock: false,
    };
    if let Ok(report) = cleanup::cleanup(ctx, &Caller::server(), &opts).await {
        app.metrics.cleanup(&report);
    }
}
