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

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::labels as label;
use crate::engine::{EnvironmentObjects, Inventory, Runtime};
use crate::error::{Error, Result};
use crate::store::events;
use crate::store::{Environment, Status};

/// How long a repair waits for a dead service to run again (its image is
/// on its node already: on a Swarm, a new task; on Docker, no wait).
const RESTART_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// What `sync` may do (also the body of `POST /api/admin/sync`).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SyncOptions {
    /// Report only; change nothing.
    pub dry_run: bool,
    /// Remove labelled objects that have no record.
    pub remove_orphans: bool,
    /// Rebuild records for orphans that still have containers.
    pub adopt: bool,
    /// Local only (a server never waits): with `false`, fail at once when
    /// another cleanup, sync or reset runs.
    #[serde(skip)]
    pub wait_for_lock: bool,
    /// The server's own cleanup: a running environment's dead services are
    /// left to its upkeep's restart policy (the next tick restarts them, or
    /// gives up), not marked failed or stopped here.
    #[serde(skip)]
    pub leave_dead_services: bool,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct SyncReport {
    pub dry_run: bool,
    /// Records looked at.
    pub checked: usize,
    pub changes: Vec<Change>,
    pub orphans: Vec<Orphan>,
    /// On a Swarm: environments whose node cannot run them any more.
    #[serde(default)]
    pub stranded: Vec<Stranded>,
    /// The backup taken before repairing, if any.
    pub backup: Option<String>,
}

/// An environment placed on a node that is gone, down or drained: its
/// services cannot move (their volumes and ports are on that node).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Stranded {
    pub id: String,
    pub name: String,
    /// What is wrong with the node, e.g. "its node worker-2 is drained".
    pub problem: String,
    /// What to do.
    pub advice: String,
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
    /// "reported", "removed" or "adopted"; in a dry run with `adopt` or
    /// `remove_orphans`, "would adopt" or "would remove".
    pub action: String,
    pub error: Option<String>,
}

/// How the server treats a service whose container died while its
/// environment runs: restart it, at most `limit` times per service (counted
/// in `counts` by (environment id, service)), then give up.
#[derive(Debug, Clone, Copy)]
pub struct Restarts<'a> {
    pub limit: u32,
    pub counts: &'a HashMap<(String, String), u32>,
}

/// What sync would do: a pure function of the records, the engine's
/// inventory and the time ([`plan`]), applied by [`sync`] (and by the
/// server's upkeep, with its restart policy).
#[derive(Debug, Default)]
pub struct Plan {
    /// Record id and its repair, in the records' order.
    pub repairs: Vec<(String, Repair)>,
    /// Environment ids with labelled objects and no record.
    pub orphans: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Repair {
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
        /// The delete was asked to keep the volumes.
        keep_volumes: bool,
    },
    /// Clear an operation whose process is gone from a settled record
    /// (running or stopped), keeping its status: a create killed while it
    /// waited for readiness leaves `running`, not ready, for the next
    /// `start` or `create --if-not-exists` to probe again.
    Settle {
        reason: String,
    },
    /// Start a service's dead container again (the server's policy).
    Restart {
        service: String,
        container: String,
        attempt: u32,
        reason: String,
    },
    /// A service died more often than the restart policy allows: mark failed.
    GiveUp {
        service: String,
        reason: String,
    },
}

impl Repair {
    /// The status the record gets (`None`: removed) and why.
    fn outcome(&self, from: Status) -> (Option<Status>, &str) {
        match self {
            Repair::Fail { reason, .. } | Repair::GiveUp { reason, .. } => {
                (Some(Status::Failed), reason)
            }
            Repair::Stop { reason } => (Some(Status::Stopped), reason),
            Repair::FinishDelete { reason, .. } => (None, reason),
            Repair::Settle { reason } | Repair::Restart { reason, .. } => (Some(from), reason),
        }
    }
}

/// What to repair and which orphans there are, without touching anything.
pub fn plan(
    records: &[Environment],
    inventory: &Inventory,
    now: DateTime<Utc>,
    restarts: Option<Restarts<'_>>,
) -> Plan {
    Plan {
        repairs: records
            .iter()
            .filter_map(|e| {
                diagnose(e, inventory.objects.get(&e.id), now, restarts).map(|r| (e.id.clone(), r))
            })
            .collect(),
        orphans: inventory
            .objects
            .keys()
            .filter(|id| records.iter().all(|e| &e.id != *id))
            .cloned()
            .collect(),
    }
}

/// Runs sync under the maintenance lock.
pub async fn sync(ctx: &Context, caller: &Caller, opts: &SyncOptions) -> Result<SyncReport> {
    caller.authorize(Action::Maintain, None)?;
    let _maintenance = ctx.store.maintenance_lock(opts.wait_for_lock)?;
    let started = std::time::Instant::now();
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
        events::Entry::new("sync")
            .outcome(outcome)
            .detail(&detail)
            .since(started)
            .write(ctx.store.dir(), caller);
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

    // Under a restart policy, a dead service of a running environment is a
    // restart: here, left to the policy's owner.
    let never = HashMap::new();
    let restarts = opts.leave_dead_services.then_some(Restarts {
        limit: u32::MAX,
        counts: &never,
    });
    let Plan {
        repairs,
        orphans: orphan_ids,
    } = plan(&db.environments, &inventory, now, restarts);
    let repairs: Vec<_> = repairs
        .into_iter()
        .filter(|(_, r)| !matches!(r, Repair::Restart { .. }))
        .collect();

    let destructive = !repairs.is_empty() || (opts.remove_orphans && !orphan_ids.is_empty());
    if !opts.dry_run && destructive {
        report.backup = crate::ops::backup::safeguard(ctx, "sync")?.map(|b| b.name);
    }

    for (id, repair) in repairs {
        let Some(env) = db.environments.iter().find(|e| e.id == id) else {
            continue;
        };
        let (to, reason) = repair.outcome(env.status);
        let mut change = Change {
            id: env.id.clone(),
            name: env.name.clone(),
            from: env.status,
            to,
            reason: reason.to_owned(),
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

    for env in &db.environments {
        let Some(problem) = inventory
            .objects
            .get(&env.id)
            .and_then(|o| o.node_problem.clone())
        else {
            continue;
        };
        report.stranded.push(Stranded {
            id: env.id.clone(),
            name: env.name.clone(),
            advice: stranded_advice(&env.name, ctx.config.archives.enabled),
            problem,
        });
    }

    for id in &orphan_ids {
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
        // A dry run says what the real run would do with these options.
        if opts.dry_run && opts.adopt && !objects.containers.is_empty() {
            orphan.action = "would adopt".into();
        } else if opts.dry_run && opts.remove_orphans {
            orphan.action = "would remove".into();
        } else if !opts.dry_run && opts.adopt && !objects.containers.is_empty() {
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

/// What to do with an environment whose node cannot run it: make it again
/// elsewhere, with its data where the node can still be read.
fn stranded_advice(name: &str, archives: bool) -> String {
    let name = crate::names::printable(name, 80);
    if archives {
        format!(
            "if the node is back soon, reactivate it (`docker node update --availability active <node>`) and \
             `envctl start {name}`; otherwise recreate it elsewhere: while the node can still be read, \
             `envctl archive create {name}`, then `envctl delete {name} --yes` and \
             `envctl create {name} --from-archive {name}` (without an archive: delete and create anew)"
        )
    } else {
        format!(
            "if the node is back soon, reactivate it (`docker node update --availability active <node>`) and \
             `envctl start {name}`; otherwise recreate it elsewhere (`envctl delete {name} --yes`, then \
             create it again); its volumes stay on the old node"
        )
    }
}

/// A job's container that ran and exited 0: done, not dead.
fn job_done(c: &crate::engine::ContainerInfo) -> bool {
    c.status.starts_with("Exited (0)")
}

/// What, if anything, is wrong with a record given its Docker objects.
fn diagnose(
    env: &Environment,
    objects: Option<&EnvironmentObjects>,
    now: DateTime<Utc>,
    restarts: Option<Restarts<'_>>,
) -> Option<Repair> {
    if env.status.is_transient() {
        let abandoned = match &env.operation {
            Some(op) => op.abandoned(now)?,
            None => "no operation owns it".to_owned(),
        };
        let archiving = env
            .operation
            .as_ref()
            .is_some_and(|op| op.action == "archive");
        return Some(match env.status {
            // Killed while archiving before a removal: nothing was removed yet.
            Status::Deleting if archiving => Repair::Fail {
                reason: format!(
                    "interrupted while archiving before its removal ({abandoned}); nothing was \
                     removed: delete it again"
                ),
                rollback: false,
            },
            Status::Deleting => Repair::FinishDelete {
                reason: format!("unfinished delete: {abandoned}"),
                keep_volumes: env
                    .operation
                    .as_ref()
                    .is_some_and(|op| op.action == crate::ops::delete::KEEP_VOLUMES),
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
    // An operation under way owns the containers: a start holds services
    // back until their dependencies are ready, a stop goes level by level.
    if env
        .operation
        .as_ref()
        .is_some_and(|op| op.abandoned(now).is_none())
    {
        return None;
    }
    let containers = objects.map(|o| o.containers.as_slice()).unwrap_or_default();
    let mut missing = Vec::new();
    let mut exited = Vec::new();
    let mut long_running_exited = 0;
    for (service, state) in &env.services {
        match containers.iter().find(|c| c.name == state.container) {
            None => missing.push(service.as_str()),
            Some(c) if state.job && job_done(c) => {}
            Some(c) if !c.running => {
                if !state.job {
                    long_running_exited += 1;
                }
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
    if env.status == Status::Running
        && let Some(policy) = restarts
        && let Some((service, container)) = env.services.iter().find_map(|(service, state)| {
            containers
                .iter()
                .find(|c| c.name == state.container && !c.running && !(state.job && job_done(c)))
                .map(|c| (service, c))
        })
    {
        let done = policy
            .counts
            .get(&(env.id.clone(), service.clone()))
            .copied()
            .unwrap_or(0);
        return Some(if done < policy.limit {
            Repair::Restart {
                service: service.clone(),
                container: container.name.clone(),
                attempt: done + 1,
                reason: format!(
                    "service {service}, restart {} of {}, after: {}",
                    done + 1,
                    policy.limit,
                    container.status
                ),
            }
        } else {
            Repair::GiveUp {
                service: service.clone(),
                reason: format!(
                    "service {service} died {} times ({}); not restarted again",
                    done + 1,
                    container.status
                ),
            }
        });
    }
    if env.status == Status::Running && !exited.is_empty() {
        let reason = format!("stopped outside envctl: {}", exited.join(", "));
        // Every service down (a job that failed too): stopped outside envctl.
        let long_running = env.services.values().filter(|s| !s.job).count();
        return Some(
            if long_running_exited == long_running && exited.len() == long_running_exited {
                Repair::Stop { reason }
            } else {
                Repair::Fail {
                    reason,
                    rollback: false,
                }
            },
        );
    }
    // Whatever the status: an operation whose process is gone is settled.
    let abandoned = env.operation.as_ref().and_then(|op| op.abandoned(now))?;
    Some(Repair::Settle {
        reason: format!("unfinished, left {}: {abandoned}", env.status),
    })
}

/// Carries out one repair of `seen`, committing only if the record has not
/// changed since it was read.
pub async fn apply(
    ctx: &Context,
    instance: &str,
    seen: &Environment,
    repair: Repair,
) -> Result<()> {
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
        Repair::GiveUp { reason, .. } => ctx.store.update(|db| {
            unchanged(db)?;
            db.get_mut(&seen.id)?.fail(reason);
            Ok(())
        })?,
        Repair::Restart { container, .. } => {
            let deadline = crate::config::durations::instant_after(RESTART_WAIT);
            engine.start_container(&container, deadline).await?
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
        Repair::FinishDelete { keep_volumes, .. } => {
            let action = if keep_volumes {
                crate::ops::delete::KEEP_VOLUMES
            } else {
                crate::ops::delete::REMOVE_ALL
            };
            let waited = crate::ops::lifecycle::stop_grace(ctx, engine, seen).await;
            ctx.store.update(|db| {
                unchanged(db)?;
                let env = db.get_mut(&seen.id)?;
                env.operation = Some(crate::store::Operation::begin(
                    action,
                    crate::ops::delete::removal_deadline(waited),
                ));
                Ok(())
            })?;
            engine
                .remove_environment(instance, &seen.id, keep_volumes)
                .await?;
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::ContainerInfo;
    use crate::store::ServiceState;

    fn env(id: &str, status: Status, services: &[&str]) -> Environment {
        let now = Utc::now();
        Environment {
            id: id.into(),
            name: format!("n{id}"),
            template: "t".into(),
            owner: "o".into(),
            status,
            ready: false,
            base_port: 8090,
            port_count: 1,
            ports: BTreeMap::new(),
            urls: BTreeMap::new(),
            services: services
                .iter()
                .map(|s| {
                    let state = ServiceState {
                        image: "i".into(),
                        container: format!("envctl-{id}-{s}"),
                        ready: false,
                        sign_in: None,
                        job: false,
                    };
                    (s.to_string(), state)
                })
                .collect(),
            created_at: now,
            updated_at: now,
            expires_at: None,
            labels: BTreeMap::new(),
            error: None,
            pinned: false,
            operation: None,
            pool: None,
            from_pool: false,
            node: None,
        }
    }

    /// The inventory of `envs` with `dead` (container names) exited.
    fn inventory(envs: &[&Environment], dead: &[&str], extra: &[&str]) -> Inventory {
        let mut inv = Inventory::default();
        for e in envs {
            let objects = inv.objects.entry(e.id.clone()).or_default();
            for (service, state) in &e.services {
                let running = !dead.contains(&state.container.as_str());
                objects.containers.push(ContainerInfo {
                    name: state.container.clone(),
                    service: service.clone(),
                    image: "i".into(),
                    running,
                    status: if running { "Up" } else { "Exited (1)" }.into(),
                    labels: HashMap::new(),
                });
            }
        }
        for id in extra {
            inv.objects
                .entry(id.to_string())
                .or_default()
                .volumes
                .push("v".into());
        }
        inv
    }

    #[test]
    fn a_healthy_installation_needs_nothing_and_orphans_are_listed() {
        let a = env("a", Status::Running, &["web", "db"]);
        let plan = plan(
            std::slice::from_ref(&a),
            &inventory(&[&a], &[], &["ghost"]),
            Utc::now(),
            None,
        );
        assert!(plan.repairs.is_empty());
        assert_eq!(plan.orphans, ["ghost"]);
    }

    #[test]
    fn without_a_restart_policy_dead_services_stop_or_fail_the_record() {
        let all = env("a", Status::Running, &["web"]);
        let some = env("b", Status::Running, &["web", "db"]);
        let inv = inventory(&[&all, &some], &["envctl-a-web", "envctl-b-db"], &[]);
        let plan = plan(&[all, some], &inv, Utc::now(), None);
        assert!(matches!(plan.repairs[0], (ref id, Repair::Stop { .. }) if id == "a"));
        assert!(matches!(
            plan.repairs[1],
            (ref id, Repair::Fail { rollback: false, .. }) if id == "b"
        ));
    }

    #[test]
    fn the_servers_policy_restarts_up_to_its_limit_then_gives_up() {
        let a = env("a", Status::Running, &["web"]);
        let inv = inventory(&[&a], &["envctl-a-web"], &[]);
        let mut counts = HashMap::new();
        let first = plan(
            std::slice::from_ref(&a),
            &inv,
            Utc::now(),
            Some(Restarts {
                limit: 2,
                counts: &counts,
            }),
        );
        let first = first.repairs;
        assert!(matches!(
            &first[0].1,
            Repair::Restart { attempt: 1, container, .. } if container == "envctl-a-web"
        ));
        counts.insert(("a".to_owned(), "web".to_owned()), 2);
        let last = plan(
            std::slice::from_ref(&a),
            &inv,
            Utc::now(),
            Some(Restarts {
                limit: 2,
                counts: &counts,
            }),
        );
        assert!(matches!(&last.repairs[0].1, Repair::GiveUp { service, .. } if service == "web"));
        // A stopped record is left alone: its containers are meant to be down.
        let stopped = env("s", Status::Stopped, &["web"]);
        let inv = inventory(&[&stopped], &["envctl-s-web"], &[]);
        assert!(
            plan(
                &[stopped],
                &inv,
                Utc::now(),
                Some(Restarts {
                    limit: 2,
                    counts: &counts
                })
            )
            .repairs
            .is_empty()
        );
    }

    #[test]
    fn a_job_that_completed_is_neither_restarted_nor_a_failure_but_one_that_failed_is() {
        let mut a = env("a", Status::Running, &["web", "migrate"]);
        a.services.get_mut("migrate").unwrap().job = true;
        let mut inv = inventory(&[&a], &["envctl-a-migrate"], &[]);
        let job = |inv: &mut Inventory| {
            inv.objects
                .get_mut("a")
                .unwrap()
                .containers
                .iter_mut()
                .find(|c| c.service == "migrate")
                .map(|c| c.status = "Exited (0) 3 minutes ago".into())
        };
        job(&mut inv);
        let counts = HashMap::new();
        let policy = Some(Restarts {
            limit: 2,
            counts: &counts,
        });
        let done = plan(std::slice::from_ref(&a), &inv, Utc::now(), policy);
        assert!(done.repairs.is_empty(), "{:?}", done.repairs);
        // A long-running service that died still stops the record when the job is done.
        let inv = inventory(&[&a], &["envctl-a-migrate", "envctl-a-web"], &[]);
        let mut inv = inv;
        job(&mut inv);
        let stopped = plan(std::slice::from_ref(&a), &inv, Utc::now(), None);
        assert!(matches!(stopped.repairs[0].1, Repair::Stop { .. }));
        // A job that exited 1 is a dead service like any other.
        let inv = inventory(&[&a], &["envctl-a-migrate"], &[]);
        let failed = plan(std::slice::from_ref(&a), &inv, Utc::now(), None);
        assert!(matches!(failed.repairs[0].1, Repair::Fail { .. }));
    }

    #[test]
    fn a_missing_container_fails_the_record_and_an_abandoned_delete_is_finished() {
        let gone = env("a", Status::Running, &["web"]);
        let mut deleting = env("d", Status::Deleting, &["web"]);
        deleting.operation = None;
        let plan = plan(&[gone, deleting], &Inventory::default(), Utc::now(), None);
        assert!(
            matches!(&plan.repairs[0].1, Repair::Fail { reason, .. } if reason.contains("removed outside"))
        );
        assert!(matches!(&plan.repairs[1].1, Repair::FinishDelete { .. }));
    }

    #[test]
    fn an_abandoned_delete_keeps_what_it_was_asked_to_and_an_abandoned_archive_removes_nothing() {
        let abandoned = |action: &str| {
            let mut e = env(action, Status::Deleting, &["web"]);
            let mut op = crate::store::Operation::begin(action, std::time::Duration::ZERO);
            op.deadline = Utc::now() - chrono::Duration::seconds(1);
            e.operation = Some(op);
            e
        };
        let records = [
            abandoned(crate::ops::delete::KEEP_VOLUMES),
            abandoned(crate::ops::delete::REMOVE_ALL),
            abandoned("archive"),
        ];
        let plan = plan(&records, &Inventory::default(), Utc::now(), None);
        assert!(matches!(
            &plan.repairs[0].1,
            Repair::FinishDelete {
                keep_volumes: true,
                ..
            }
        ));
        assert!(matches!(
            &plan.repairs[1].1,
            Repair::FinishDelete {
                keep_volumes: false,
                ..
            }
        ));
        assert!(matches!(
            &plan.repairs[2].1,
            Repair::Fail {
                rollback: false,
                ..
            }
        ));
    }
}
