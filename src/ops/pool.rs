//! Warm pools: environments made before anyone asks, so a create claims one
//! in milliseconds instead of waiting for the engine.
//!
//! A template with `[templates.T.pool]` keeps *members*: environments owned
//! by the pool (`pool = "T"` in the record, `owner = "pool"`). A create of T
//! ([`claim`]) takes the oldest ready member whose containers run and whose
//! probes pass, and turns it into the requested environment (name, owner,
//! labels, end of life, pin) under the store's lock; the change is first
//! written to the engine (the record marker of [`crate::engine::labels`]), so
//! a claim survives `reset-db`. With no such member the create is cold and
//! counts as a miss.
//!
//! [`reconcile`] keeps each pool at its desired size (see [`desired`]):
//! it retires members past `max_age` and broken ones, and makes new ones,
//! within `max`, the free port blocks and the host's available memory. The
//! server runs it after every claim and every `maintenance_interval`;
//! `envctl pool reconcile` runs it from cron. Claims and misses are written to
//! the event log (`pool-claim`, `pool-miss`), which is where demand is read.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Datelike, Local, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{Action, Caller};
use crate::config::{PoolSpec, Template};
use crate::context::Context;
use crate::engine::{Runtime, labels};
use crate::error::{Error, Result};
use crate::ops::create::{self, CreateOptions};
use crate::store::{Environment, Operation, Status, events};

/// The owner of every pool member.
pub const OWNER: &str = "pool";
/// How long a claim may take before its hold on a member lapses.
const CLAIM_HOLD: Duration = Duration::from_secs(30);
/// A claim tries at most this many broken members, then creates cold.
const MAX_BROKEN_PER_CLAIM: u32 = 3;
/// How long a claim's probes may take on one member.
const CLAIM_PROBE: Duration = Duration::from_secs(2);

/// Now, as the pool sees it: `ENVCTL_NOW` (RFC 3339) when set, so a schedule
/// can be tried (and tested) at any hour; else the clock.
pub fn now() -> DateTime<Utc> {
    std::env::var("ENVCTL_NOW")
        .ok()
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// Whether `env` is a member of a pool (of any template).
pub fn is_member(env: &Environment) -> bool {
    env.pool.is_some()
}

/// A member ready to be claimed: running, ready, and nobody working on it.
fn claimable(env: &Environment, template: &str) -> bool {
    env.pool.as_deref() == Some(template)
        && env.status == Status::Running
        && env.ready
        && env.operation.is_none()
}

/// A member a claim may try: running and idle. One not known to be ready
/// (rebuilt by `reset-db`, say) is probed like any other, after the ready ones.
fn candidate(env: &Environment, template: &str) -> bool {
    env.pool.as_deref() == Some(template)
        && env.status == Status::Running
        && env.operation.is_none()
}

/// Claims a member of `template`'s pool for `owner` as `opts` asks.
/// `Ok(None)` is a miss: the caller creates cold. Authorisation and the
/// request's checks are the caller's (a create's).
pub(crate) async fn claim(
    ctx: &Context,
    caller: &Caller,
    template: &str,
    owner: &str,
    opts: &CreateOptions,
) -> Result<Option<Environment>> {
    let started = std::time::Instant::now();
    let engine = ctx.engine().await?;
    let instance = ctx.store.instance_id()?;
    let mut broken = 0;
    loop {
        // Under the lock: the name is free, and one member is held for us
        // (its operation names this process, so no other claim takes it).
        let held = ctx.store.update(|db| {
            if let Some(name) = &opts.name
                && let Some(existing) = db.find(name)
            {
                return Err(Error::Conflict(format!(
                    "an environment named '{name}' already exists (id {}, {})",
                    existing.id, existing.status
                )));
            }
            let mut candidates: Vec<&mut Environment> = db
                .environments
                .iter_mut()
                .filter(|e| candidate(e, template))
                .collect();
            candidates.sort_by_key(|e| (!e.ready, e.created_at));
            let Some(member) = candidates.into_iter().next() else {
                return Ok(None);
            };
            member.operation = Some(Operation::begin("claim", CLAIM_HOLD));
            member.updated_at = Utc::now();
            Ok(Some(member.clone()))
        })?;
        let Some(member) = held else {
            record_demand(ctx, caller, "pool-miss", None, template, owner);
            crate::notify::emit(ctx, crate::notify::Notice::pool_miss(template, None));
            return Ok(None);
        };
        // Unlocked: are its containers running and its services answering?
        // The engine failing is not the member's fault: give it back, and
        // the create fails as a cold one would.
        let checked = check(ctx, engine, &instance, &member).await;
        if let Err(e) = &checked
            && matches!(e, Error::Docker { .. } | Error::DockerUnreachable { .. })
        {
            release(ctx, &member);
            return Err(checked.unwrap_err());
        }
        if let Err(e) = checked {
            let reason = format!(
                "a warm pool member failed its check before a claim: {}",
                e.chain_text()
            );
            let _ = ctx.store.commit(&member.id, |e| {
                e.fail(reason.clone());
                Ok(())
            });
            events::record(
                ctx.store.dir(),
                caller,
                "pool-broken",
                Some(&member.name),
                "error",
                Some(&reason),
            );
            broken += 1;
            if broken >= MAX_BROKEN_PER_CLAIM {
                record_demand(ctx, caller, "pool-miss", None, template, owner);
                crate::notify::emit(ctx, crate::notify::Notice::pool_miss(template, None));
                return Ok(None);
            }
            continue;
        }
        let claimed = match hand_over(ctx, engine, &instance, owner, opts, &member).await {
            Ok(env) => env,
            Err(e) => {
                // Give the member back, in the engine too (or, when it was
                // deleted meanwhile, leave no marker); the error is the create's.
                let back = ctx
                    .store
                    .read()
                    .ok()
                    .and_then(|db| db.find(&member.id).filter(|e| e.pool.is_some()).cloned())
                    .map(|e| labels::changeable(&e));
                let _ = engine
                    .set_marker(&instance, &member.id, labels::RECORD_MARKER, back)
                    .await;
                release(ctx, &member);
                return Err(e);
            }
        };
        let detail = format!(
            "template {template}: claimed {} in {} ms",
            member.name,
            started.elapsed().as_millis()
        );
        events::Entry::new("create")
            .environment(&claimed)
            .since(started)
            .detail(&detail)
            .write(ctx.store.dir(), caller);
        record_demand(
            ctx,
            caller,
            "pool-claim",
            Some(&claimed.name),
            template,
            owner,
        );
        return Ok(Some(claimed));
    }
}

/// Gives a held member back to the pool (clears this claim's hold).
fn release(ctx: &Context, member: &Environment) {
    let _ = ctx.store.update(|db| {
        if let Ok(m) = db.get_mut(&member.id)
            && holds(m)
        {
            m.operation = None;
        }
        Ok(())
    });
}

/// Whether this process's claim holds `env`.
fn holds(env: &Environment) -> bool {
    env.operation
        .as_ref()
        .is_some_and(|op| op.action == "claim" && op.pid == std::process::id())
}

/// Every container of `member` runs (one engine call, however many services)
/// and every probe passes now, all services at once: a claim takes as long
/// for three services as for one.
async fn check(
    ctx: &Context,
    engine: &crate::engine::Engine,
    instance: &str,
    member: &Environment,
) -> Result<()> {
    let template = create::resolved_template(ctx, member)?;
    let checks = async {
        let running = engine.running_containers(instance, &member.id).await?;
        // A job (a service others wait for to complete) ran and exited.
        if let Some(s) = template.services.iter().find(|s| {
            !template.is_job(&s.name)
                && !running.contains(&create::container_name(&member.id, &s.name))
        }) {
            return Err(Error::Failed(format!(
                "service {}: its container is not running",
                s.name
            )));
        }
        let template = &template;
        futures_util::future::try_join_all(template.services.iter().map(|s| async move {
            let address = member.ports.get(&s.name).map(|&p| (member.probe_host(), p));
            crate::engine::readiness::answers_now(&s.name, &template.probe(s), address).await
        }))
        .await
        .map(|_| ())
    };
    match tokio::time::timeout(CLAIM_PROBE, checks).await {
        Ok(result) => result,
        Err(_) => Err(Error::Failed(format!(
            "its services did not answer within {CLAIM_PROBE:?}"
        ))),
    }
}

/// Writes the claim to the engine, then to the record.
async fn hand_over(
    ctx: &Context,
    engine: &crate::engine::Engine,
    instance: &str,
    owner: &str,
    opts: &CreateOptions,
    member: &Environment,
) -> Result<Environment> {
    let now = Utc::now();
    let name = match &opts.name {
        Some(name) => name.clone(),
        None => {
            let db = ctx.store.read()?;
            loop {
                let candidate = crate::names::default_name(owner);
                if db.find(&candidate).is_none() {
                    break candidate;
                }
            }
        }
    };
    // As a cold create: without a TTL, the longest lifetime allowed.
    let ttl = opts
        .ttl
        .or(ctx.config.defaults.ttl)
        .or(ctx.config.defaults.max_lifetime);
    let mut claimed = member.clone();
    claimed.name = name;
    claimed.owner = owner.to_owned();
    claimed.labels = opts.labels.clone();
    claimed.pinned = opts.pinned;
    claimed.created_at = now;
    claimed.expires_at = ttl.map(|t| crate::config::durations::add(now, t));
    claimed.pool = None;
    claimed.from_pool = true;
    // In the engine first: a database rebuilt from it keeps the claim.
    engine
        .set_marker(
            instance,
            &member.id,
            labels::RECORD_MARKER,
            Some(labels::changeable(&claimed)),
        )
        .await?;
    ctx.store.update(|db| {
        if let Some(other) = db.find(&claimed.name)
            && other.id != member.id
        {
            return Err(Error::Conflict(format!(
                "an environment named '{}' already exists (id {}, {})",
                claimed.name, other.id, other.status
            )));
        }
        let env = db.get_mut(&member.id)?;
        // Deleted, failed or settled by someone else meanwhile: not ours to hand out.
        if !holds(env) || env.status != Status::Running || env.pool.is_none() {
            return Err(Error::Conflict(format!(
                "warm pool member {} changed during the claim; try again",
                member.name
            )));
        }
        env.name = claimed.name.clone();
        env.owner = claimed.owner.clone();
        env.labels = claimed.labels.clone();
        env.pinned = claimed.pinned;
        env.created_at = claimed.created_at;
        env.expires_at = claimed.expires_at;
        env.pool = None;
        env.from_pool = true;
        // Its probes passed just now.
        env.ready = true;
        env.services.values_mut().for_each(|s| s.ready = true);
        env.operation = None;
        env.updated_at = Utc::now();
        Ok(env.clone())
    })
}

fn record_demand(
    ctx: &Context,
    caller: &Caller,
    action: &str,
    name: Option<&str>,
    template: &str,
    owner: &str,
) {
    let mut entry = events::Entry::new(action)
        .template(template)
        .owner(owner)
        .detail(template);
    if let Some(name) = name {
        entry = entry.target(name);
    }
    entry.write(ctx.store.dir(), caller);
}

/// What the pool should hold now, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desired {
    pub size: u32,
    /// The floor: `size`, or a schedule's size at this hour.
    pub floor: u32,
    /// Claims and misses in the last 15 minutes.
    pub recent_demand: u32,
    /// Claims and misses in this hour of this weekday, on average over the
    /// last four weeks (rounded up).
    pub usual_demand: u32,
    pub reason: String,
}

/// Claims and misses of one template, from the event log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    pub recent: u32,
    pub usual: u32,
    pub claims_hour: u32,
    pub misses_hour: u32,
    pub claims_day: u32,
    pub misses_day: u32,
    pub last_claim: Option<DateTime<Utc>>,
}

/// The desired size: the larger of the floor and the demand, within `max`.
/// The floor is `size`, or the largest `schedule` entry covering `local`
/// (the host's local time). Demand is the larger of the claims and misses
/// of the last 15 minutes and the usual number in this hour of this weekday.
pub fn desired(spec: &PoolSpec, local: DateTime<Local>, demand: &Demand) -> Desired {
    let (day, hour) = (local.weekday().num_days_from_monday(), local.hour());
    let scheduled = spec
        .schedule
        .iter()
        .filter(|e| e.days.contains(day) && e.hours.contains(hour))
        .map(|e| e.size)
        .max();
    let floor = scheduled.map_or(spec.size, |s| s.max(spec.size));
    let want = floor.max(demand.recent).max(demand.usual);
    let size = want.min(spec.max);
    let mut reason = match scheduled {
        Some(s) if s >= spec.size => format!("floor {floor} from the schedule"),
        _ => format!("floor {floor}"),
    };
    if want > floor {
        reason.push_str(&format!(
            "; demand {} (last 15 min {}, usual at this hour {})",
            want, demand.recent, demand.usual
        ));
    }
    if want > spec.max {
        reason.push_str(&format!("; capped at max {}", spec.max));
    }
    Desired {
        size,
        floor,
        recent_demand: demand.recent,
        usual_demand: demand.usual,
        reason,
    }
}

/// Claims and misses of each pooled template, read from the event log.
pub fn demand(ctx: &Context, now: DateTime<Utc>) -> BTreeMap<String, Demand> {
    let mut out: BTreeMap<String, Demand> = BTreeMap::new();
    let local_now = now.with_timezone(&Local);
    let (weekday, hour) = (local_now.weekday(), local_now.hour());
    let mut usual: BTreeMap<String, u32> = BTreeMap::new();
    for event in events::pool_events(ctx.store.dir()) {
        let claim = match event.action.as_str() {
            "pool-claim" => true,
            "pool-miss" => false,
            _ => continue,
        };
        let Some(template) = event.detail.clone() else {
            continue;
        };
        let age = now.signed_duration_since(event.time);
        if age < chrono::Duration::zero() {
            continue;
        }
        let d = out.entry(template.clone()).or_default();
        if age <= chrono::Duration::minutes(15) {
            d.recent += 1;
        }
        if age <= chrono::Duration::hours(1) {
            if claim {
                d.claims_hour += 1
            } else {
                d.misses_hour += 1
            }
        }
        if age <= chrono::Duration::days(1) {
            if claim {
                d.claims_day += 1
            } else {
                d.misses_day += 1
            }
        }
        if claim && d.last_claim.is_none_or(|t| t < event.time) {
            d.last_claim = Some(event.time);
        }
        let local = event.time.with_timezone(&Local);
        let past_week = age > chrono::Duration::hours(1) && age <= chrono::Duration::weeks(4);
        if past_week && local.weekday() == weekday && local.hour() == hour {
            *usual.entry(template).or_default() += 1;
        }
    }
    for (template, count) in usual {
        out.entry(template).or_default().usual = count.div_ceil(4);
    }
    out
}

/// One pool, as `pool status` shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PoolStatus {
    pub template: String,
    pub max: u32,
    pub max_age_secs: u64,
    pub desired: Desired,
    /// Ready members (claimable now).
    pub ready: u32,
    /// Members being made or not yet ready.
    pub warming: u32,
    pub members: Vec<Member>,
    pub demand: Demand,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    pub id: String,
    pub status: Status,
    pub ready: bool,
    pub age_secs: i64,
}

fn is_warming(env: &Environment, now: DateTime<Utc>) -> bool {
    let live = env
        .operation
        .as_ref()
        .is_some_and(|op| op.abandoned(now).is_none());
    match env.status {
        Status::Creating | Status::Prepared => live,
        Status::Running => !env.ready && live,
        _ => false,
    }
}

/// Every pool's state.
pub fn status(ctx: &Context, now: DateTime<Utc>) -> Result<Vec<PoolStatus>> {
    let db = ctx.store.read()?;
    let demand = demand(ctx, now);
    Ok(pooled(&ctx.config.templates)
        .map(|(name, spec)| {
            let members: Vec<&Environment> = db
                .environments
                .iter()
                .filter(|e| e.pool.as_deref() == Some(name))
                .collect();
            let d = demand.get(name).cloned().unwrap_or_default();
            PoolStatus {
                template: name.to_owned(),
                max: spec.max,
                max_age_secs: spec.max_age.as_secs(),
                desired: desired(spec, now.with_timezone(&Local), &d),
                ready: members.iter().filter(|e| claimable(e, name)).count() as u32,
                warming: members.iter().filter(|e| is_warming(e, now)).count() as u32,
                members: members
                    .iter()
                    .map(|e| Member {
                        name: e.name.clone(),
                        id: e.id.clone(),
                        status: e.status,
                        ready: e.ready,
                        age_secs: now.signed_duration_since(e.created_at).num_seconds(),
                    })
                    .collect(),
                demand: d,
            }
        })
        .collect())
}

fn pooled(templates: &BTreeMap<String, Template>) -> impl Iterator<Item = (&str, &PoolSpec)> {
    templates
        .iter()
        .filter_map(|(name, t)| t.pool.as_ref().map(|p| (name.as_str(), p)))
}

/// What [`reconcile`] may do.
#[derive(Debug, Clone, Default)]
pub struct ReconcileOptions {
    /// With `false`, fail at once when another maintenance run holds the lock.
    pub wait_for_lock: bool,
    /// Wait until new members are ready (else answer once they are reserved
    /// and make them in the background: the server's way).
    pub wait: bool,
}

/// What one reconcile did to one pool.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PoolReport {
    pub template: String,
    pub desired: u32,
    pub reason: String,
    /// Ready and warming members before.
    pub had: u32,
    /// New members' names.
    pub created: Vec<String>,
    /// Members retired (past `max_age`, failed or stopped).
    pub retired: Vec<String>,
    /// Why fewer were made than wanted, if so.
    pub limited_by: Option<String>,
    pub errors: Vec<String>,
}

/// Brings every pool to its desired size: retires old and broken members,
/// makes new ones within `max`, the free port blocks and the host's memory.
/// Holds the maintenance lock while it decides (so two runs never overfill),
/// not while the engine works.
pub async fn reconcile(
    ctx: &std::sync::Arc<Context>,
    caller: &Caller,
    opts: &ReconcileOptions,
) -> Result<Vec<PoolReport>> {
    caller.authorize(Action::Maintain, None)?;
    let now = now();
    let mut reports = Vec::new();
    probe_unready(ctx).await?;
    // Decided and reserved under the maintenance lock, so two runs (the
    // server's and cron's) never both fill the same gap; built after it.
    let mut retire: Vec<(usize, String)> = Vec::new();
    let mut build = Vec::new();
    {
        let _maintenance = ctx.store.maintenance_lock(opts.wait_for_lock)?;
        ctx.engine().await?;
        retire.extend(
            abandoned_members(ctx, now)?
                .into_iter()
                .map(|id| (usize::MAX, id)),
        );
        let demand = demand(ctx, now);
        for (template, spec) in pooled(&ctx.config.templates) {
            let d = demand.get(template).cloned().unwrap_or_default();
            let want = desired(spec, now.with_timezone(&Local), &d);
            let (mut report, old, create) = plan_pool(ctx, template, spec, &want, now)?;
            let index = reports.len();
            retire.extend(old.into_iter().map(|id| (index, id)));
            for _ in 0..create {
                let opts = CreateOptions {
                    name: Some(format!("pool-{}", crate::names::new_id())),
                    template: Some(template.to_owned()),
                    owner: Some(OWNER.to_owned()),
                    wait: true,
                    for_pool: true,
                    ..Default::default()
                };
                match create::reserve_environment(ctx, &Caller::server(), &opts).await {
                    Ok(create::Start::Cold(reservation)) => {
                        report.created.push(reservation.env.name.clone());
                        build.push((index, reservation, opts));
                    }
                    // A pool's own create never claims.
                    Ok(create::Start::Claimed(env)) => report.created.push(env.name),
                    Err(e) => {
                        report.errors.push(e.chain_text());
                        break;
                    }
                }
            }
            let detail = format!(
                "template {template}: desired {}, {} new, {} retired",
                report.desired,
                report.created.len(),
                report.retired.len()
            );
            events::record(
                ctx.store.dir(),
                caller,
                "pool-reconcile",
                None,
                "ok",
                Some(&detail),
            );
            reports.push(report);
        }
    }
    let mut tasks = Vec::new();
    for (index, id) in retire {
        let ctx = ctx.clone();
        tasks.push((
            index,
            tokio::spawn(async move {
                let opts = crate::ops::DeleteOptions {
                    if_exists: true,
                    ..Default::default()
                };
                crate::ops::delete(&ctx, &Caller::server(), &id, &opts)
                    .await
                    .map(|_| ())
            }),
        ));
    }
    for (index, reservation, opts) in build {
        let ctx = ctx.clone();
        tasks.push((
            index,
            tokio::spawn(async move {
                create::provision(
                    &ctx,
                    &Caller::server(),
                    reservation,
                    &opts,
                    &crate::ops::progress::Silent,
                    std::future::pending(),
                )
                .await
                .map(|_| ())
            }),
        ));
    }
    if opts.wait {
        for (index, task) in tasks {
            let error = match task.await {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => e.chain_text(),
                Err(e) => format!("a pool task failed: {e}"),
            };
            if let Some(r) = reports.get_mut(index) {
                r.errors.push(error);
            }
        }
    }
    Ok(reports)
}

/// Idle members of templates that no longer have a pool (or no longer
/// exist), marked retired: nothing else would ever remove them.
fn abandoned_members(ctx: &Context, now: DateTime<Utc>) -> Result<Vec<String>> {
    let pooled: Vec<&str> = pooled(&ctx.config.templates).map(|(t, _)| t).collect();
    ctx.store.update(|db| {
        let mut ids = Vec::new();
        for e in db.environments.iter_mut() {
            let idle = e
                .operation
                .as_ref()
                .is_none_or(|op| op.abandoned(now).is_some());
            if idle && e.pool.as_deref().is_some_and(|t| !pooled.contains(&t)) {
                e.operation = Some(Operation::begin("retire", Duration::from_secs(300)));
                ids.push(e.id.clone());
            }
        }
        Ok(ids)
    })
}

/// Members running, idle and not known to be ready (rebuilt from the engine
/// by `reset-db`, or left by a run that died) are probed: ready ones are
/// marked so; the others are retired by the plan.
async fn probe_unready(ctx: &Context) -> Result<()> {
    let engine = ctx.engine().await?;
    let instance = ctx.store.instance_id()?;
    let unready: Vec<Environment> = ctx
        .store
        .read()?
        .environments
        .into_iter()
        .filter(|e| {
            e.pool.is_some() && e.status == Status::Running && !e.ready && e.operation.is_none()
        })
        .collect();
    for member in unready {
        if check(ctx, engine, &instance, &member).await.is_ok() {
            let _ = ctx.store.commit(&member.id, |e| {
                if e.operation.is_none() {
                    e.ready = true;
                    e.services.values_mut().for_each(|s| s.ready = true);
                }
                Ok(())
            });
        }
    }
    Ok(())
}

/// Under the maintenance lock: which members to retire and how many to make.
fn plan_pool(
    ctx: &Context,
    template: &str,
    spec: &PoolSpec,
    want: &Desired,
    now: DateTime<Utc>,
) -> Result<(PoolReport, Vec<String>, u32)> {
    let max_age = chrono::Duration::from_std(spec.max_age).unwrap_or(chrono::Duration::MAX);
    let mut report = PoolReport {
        template: template.to_owned(),
        desired: want.size,
        reason: want.reason.clone(),
        ..Default::default()
    };
    // Retire (mark, so no claim takes them) what is too old or broken.
    let (retire, had, held, block) = ctx.store.update(|db| {
        let mut retire = Vec::new();
        for e in db.environments.iter_mut() {
            // Nobody works on it: no operation, or one whose process is gone.
            let idle = e
                .operation
                .as_ref()
                .is_none_or(|op| op.abandoned(now).is_some());
            if e.pool.as_deref() != Some(template) || !idle {
                continue;
            }
            let old = now.signed_duration_since(e.created_at) >= max_age;
            // Failed, stopped, or left unready or half-made by a run that died.
            let broken = e.status != Status::Running || !e.ready;
            if old || broken {
                e.operation = Some(Operation::begin("retire", Duration::from_secs(300)));
                retire.push((e.id.clone(), e.name.clone()));
            }
        }
        let had = db
            .environments
            .iter()
            .filter(|e| e.pool.as_deref() == Some(template))
            .filter(|e| claimable(e, template) || is_warming(e, now))
            .count() as u32;
        let held: Vec<_> = db
            .environments
            .iter()
            .map(Environment::port_range)
            .collect();
        let block = ctx.config.template(template)?.block_size();
        Ok((retire, had, held, block))
    })?;
    report.had = had;
    report.retired = retire.iter().map(|(_, n)| n.clone()).collect();
    let mut create = want.size.saturating_sub(had);
    // Within the port range ...
    let free_blocks =
        crate::ports::free_blocks(ctx.config.ports.base, ctx.config.ports.max, block, &held);
    if (free_blocks as u32) < create {
        create = free_blocks as u32;
        report.limited_by = Some(format!("{free_blocks} free port block(s)"));
    }
    // ... and the host's available memory, by the template's limits.
    let per_member: i64 = ctx
        .config
        .template(template)?
        .services
        .iter()
        .filter_map(|s| s.memory_bytes())
        .sum();
    if per_member > 0
        && let Some(available) = available_memory()
    {
        let fit = (available / per_member as u64) as u32;
        if fit < create {
            create = fit;
            report.limited_by = Some(format!(
                "memory: {} MiB available, {} MiB per member",
                available >> 20,
                per_member >> 20
            ));
        }
    }
    Ok((
        report,
        retire.into_iter().map(|(id, _)| id).collect(),
        create,
    ))
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Removes `template`'s idle members; answers their names.
pub async fn drain(ctx: &Context, caller: &Caller, template: &str) -> Result<Vec<String>> {
    caller.authorize(Action::Maintain, None)?;
    // A template gone from the config may still have members to drain.
    let idle = ctx.store.update(|db| {
        let mut idle = Vec::new();
        for e in db.environments.iter_mut() {
            if e.pool.as_deref() == Some(template) && e.operation.is_none() {
                e.operation = Some(Operation::begin("retire", Duration::from_secs(300)));
                idle.push(e.id.clone());
            }
        }
        Ok(idle)
    })?;
    let opts = crate::ops::DeleteOptions {
        if_exists: true,
        ..Default::default()
    };
    let mut names = Vec::new();
    let mut failed = Vec::new();
    for id in idle {
        match crate::ops::delete(ctx, caller, &id, &opts).await {
            Ok(Some(d)) => names.push(d.environment.name),
            Ok(None) => {}
            Err(e) => failed.push(format!("{id}: {}", e.chain_text())),
        }
    }
    if failed.is_empty() {
        Ok(names)
    } else {
        Err(Error::Failed(format!(
            "drained {} member(s) of {template}; could not remove {}: {}",
            names.len(),
            failed.len(),
            failed.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn spec(toml_text: &str) -> PoolSpec {
        toml::from_str(toml_text).unwrap()
    }

    fn at(day: u32, hour: u32) -> DateTime<Local> {
        // 2026-11-30 is a Monday.
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let date = monday + chrono::Duration::days(i64::from(day));
        Local
            .from_local_datetime(&date.and_hms_opt(hour, 30, 0).unwrap())
            .earliest()
            .unwrap()
    }

    #[test]
    fn the_floor_follows_the_schedule() {
        let s = spec(
            r#"size = 2
max = 10
schedule = [{ days = "mon-fri", hours = "08-18", size = 5 }]"#,
        );
        let none = Demand::default();
        assert_eq!(desired(&s, at(0, 9), &none).size, 5, "monday 09:30");
        assert_eq!(
            desired(&s, at(0, 18), &none).size,
            2,
            "monday 18:30: the hours end at 18"
        );
        assert_eq!(desired(&s, at(5, 9), &none).size, 2, "saturday");
        assert!(desired(&s, at(0, 9), &none).reason.contains("schedule"));
    }

    #[test]
    fn demand_raises_the_size_within_max() {
        let s = spec("size = 1\nmax = 4");
        let busy = Demand {
            recent: 3,
            ..Default::default()
        };
        let d = desired(&s, at(2, 3), &busy);
        assert_eq!((d.size, d.floor), (3, 1));
        assert!(d.reason.contains("demand 3"), "{}", d.reason);
        let rush = Demand {
            recent: 2,
            usual: 9,
            ..Default::default()
        };
        let d = desired(&s, at(2, 3), &rush);
        assert_eq!(d.size, 4);
        assert!(d.reason.contains("capped at max 4"), "{}", d.reason);
    }

    #[test]
    fn days_and_hours_read_as_written() {
        let s = spec(
            r#"max = 3
schedule = [{ days = "sat,sun", hours = "00-24", size = 1 }, { days = "mon,wed-fri", hours = "09-10", size = 3 }]"#,
        );
        assert!(s.schedule[0].days.contains(5) && s.schedule[0].days.contains(6));
        assert!(!s.schedule[1].days.contains(1), "not tuesday");
        assert!(s.schedule[1].days.contains(3));
        assert!(
            toml::from_str::<PoolSpec>(
                "max = 1\nschedule = [{ days = \"fri-mon\", hours = \"1-2\", size = 1 }]"
            )
            .is_err()
        );
        assert!(
            toml::from_str::<PoolSpec>(
                "max = 1\nschedule = [{ days = \"mon\", hours = \"18-08\", size = 1 }]"
            )
            .is_err()
        );
    }
}
