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
use crate::engine::labels::record as record_from_labels;
use crate::engine::{Inventory, Runtime};
use crate::error::Result;
use crate::ops::sync::{SyncOptions, sync_locked};
use crate::store::events;
use crate::store::{Environment, Status};

/// What a reset asks for (also the body of `POST /api/admin/reset`).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ResetOptions {
    /// Empty the database and remove every object of this installation.
    pub empty: bool,
    /// Local only (a server never waits): with `false`, fail at once when
    /// another cleanup, sync or reset runs.
    #[serde(skip)]
    pub wait_for_lock: bool,
    /// How many environments' objects are removed at once (with `empty`);
    /// the config's cleanup concurrency when `None`.
    #[serde(skip)]
    pub concurrency: Option<usize>,
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
    let started = std::time::Instant::now();
    let result = reset_locked(ctx, caller, opts).await;
    let detail = match &result {
        Ok(r) => format!("{} records before, {} after", r.before, r.after),
        Err(e) => e.to_string(),
    };
    let action = if opts.empty { "reset-empty" } else { "reset" };
    events::Entry::new(action)
        .result(&result)
        .detail(&detail)
        .since(started)
        .write(ctx.store.dir(), caller);
    result
}

/// What [`reset`] would do now, changing nothing: the plan a door shows
/// before asking to confirm. The reset itself syncs first, so a record whose
/// operation finishes meanwhile may land on the other side.
pub async fn preview(ctx: &Context, caller: &Caller, opts: &ResetOptions) -> Result<ResetReport> {
    caller.authorize(Action::Administer, None)?;
    let engine = ctx.engine().await?;
    let instance = ctx.store.instance_id()?;
    let inventory = engine.inventory(&instance).await?;
    let db = ctx.store.read()?;
    let mut report = ResetReport {
        empty: opts.empty,
        before: db.environments.len(),
        ..Default::default()
    };
    if opts.empty {
        let mut ids: Vec<&String> = inventory.objects.keys().collect();
        ids.extend(db.environments.iter().map(|e| &e.id));
        ids.sort();
        ids.dedup();
        report.removed_environments = ids.len();
        report.dropped = db.environments.iter().map(|e| e.name.clone()).collect();
        return Ok(report);
    }
    let plan = plan(
        &db.environments,
        &inventory,
        chrono::Utc::now(),
        &ctx.config.ports.public_host,
    );
    report.kept = plan.kept.iter().map(|e| e.name.clone()).collect();
    report.adopted = plan.adopted.iter().map(|e| e.name.clone()).collect();
    report.dropped = plan.dropped;
    report.after = report.kept.len() + report.adopted.len();
    Ok(report)
}

/// What a reset keeps, rebuilds and drops.
#[derive(Debug, Default)]
pub struct Plan {
    /// Records with something live behind them, or an operation in progress.
    pub kept: Vec<Environment>,
    /// Records rebuilt from the labels of objects that have none.
    pub adopted: Vec<Environment>,
    /// Names of records with nothing behind them.
    pub dropped: Vec<String>,
}

/// The rebuilt database as a pure function of the records (already synced)
/// and the engine's inventory.
pub fn plan(
    records: &[Environment],
    inventory: &Inventory,
    now: chrono::DateTime<chrono::Utc>,
    public_host: &str,
) -> Plan {
    let mut plan = Plan::default();
    for env in records {
        let in_progress = env
            .operation
            .as_ref()
            .is_some_and(|op| op.abandoned(now).is_none());
        let live = inventory
            .objects
            .get(&env.id)
            .is_some_and(|o| !o.containers.is_empty());
        if in_progress || (live && env.status != Status::Deleting) {
            plan.kept.push(env.clone());
        } else {
            plan.dropped.push(env.name.clone());
        }
    }
    for (id, objects) in &inventory.objects {
        if records.iter().any(|e| &e.id == id) || objects.containers.is_empty() {
            continue;
        }
        if let Some(env) = record_from_labels(id, objects, public_host)
            && plan
                .kept
                .iter()
                .chain(&plan.adopted)
                .all(|e| e.name != env.name)
        {
            plan.adopted.push(env);
        }
    }
    plan
}

async fn reset_locked(ctx: &Context, caller: &Caller, opts: &ResetOptions) -> Result<ResetReport> {
    let engine = ctx.engine().await?;
    let instance = ctx.store.instance_id()?;
    let reason = if opts.empty { "reset-empty" } else { "reset" };
    let backup = crate::ops::backup::safeguard(ctx, reason)?.map(|b| b.name);
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
            .buffer_unordered(
                opts.concurrency
                    .unwrap_or(ctx.config.cleanup.concurrency)
                    .max(1),
            )
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
    let plan = plan(
        &db.environments,
        &inventory,
        chrono::Utc::now(),
        &ctx.config.ports.public_host,
    );
    report.kept = plan.kept.iter().map(|e| e.name.clone()).collect();
    report.adopted = plan.adopted.iter().map(|e| e.name.clone()).collect();
    report.dropped = plan.dropped;
    let mut rebuilt: Vec<Environment> = plan.kept.into_iter().chain(plan.adopted).collect();
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::{ContainerInfo, labels};
    use crate::store::ServiceState;

    fn env(id: &str, name: &str) -> Environment {
        let now = chrono::Utc::now();
        let state = ServiceState {
            image: "i".into(),
            container: format!("envctl-{id}-web"),
            ready: false,
            sign_in: None,
            job: false,
        };
        Environment {
            id: id.into(),
            name: name.into(),
            template: "t".into(),
            owner: "o".into(),
            status: Status::Running,
            ready: false,
            base_port: 8090,
            port_count: 1,
            ports: BTreeMap::new(),
            urls: BTreeMap::new(),
            services: BTreeMap::from([("web".to_owned(), state)]),
            created_at: now,
            updated_at: now,
            expires_at: None,
            labels: BTreeMap::new(),
            error: None,
            pinned: true,
            operation: None,
            pool: None,
            from_pool: false,
            node: None,
        }
    }

    fn live(inv: &mut Inventory, env: &Environment) {
        let objects = inv.objects.entry(env.id.clone()).or_default();
        objects.containers.push(ContainerInfo {
            name: env.services["web"].container.clone(),
            service: "web".into(),
            image: "i".into(),
            running: true,
            status: "Up".into(),
            labels: labels::service(labels::environment("x", env), "web", None, None),
        });
    }

    #[test]
    fn live_records_are_kept_hollow_ones_dropped_and_orphans_rebuilt_from_labels() {
        let (kept, hollow, orphan) = (env("a", "kept"), env("b", "hollow"), env("c", "orphan"));
        let mut inv = Inventory::default();
        live(&mut inv, &kept);
        live(&mut inv, &orphan);
        let plan = plan(&[kept, hollow], &inv, chrono::Utc::now(), "localhost");
        let names = |v: &[Environment]| v.iter().map(|e| e.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&plan.kept), ["kept"]);
        assert_eq!(plan.dropped, ["hollow"]);
        assert_eq!(names(&plan.adopted), ["orphan"]);
        assert!(plan.adopted[0].pinned, "the pin comes back from the labels");
    }
}
