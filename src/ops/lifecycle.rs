//! Changing a living environment: start (at once, or in the background for the
//! server), stop, and record updates (pin, labels, end of life).

use std::time::Duration;

use futures_util::future::{join_all, try_join_all};

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::Runtime;
use crate::engine::labels;
use crate::error::{Error, Result};
use crate::ops::create::wait_until_ready;
use crate::ops::order::Gates;
use crate::ops::progress::{Progress, Step};
use crate::ops::requests::{Change, Run};
use crate::ops::show;
use crate::store::Operation;
use crate::store::{Environment, Status};

/// Pins (never removed by cleanup) or unpins an environment.
pub async fn set_pinned(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    pinned: bool,
) -> Result<Environment> {
    let change = Update {
        pinned: Some(pinned),
        ..Default::default()
    };
    update(ctx, caller, target, &change).await
}

/// `Ok` when an environment created at `created_at` may end at `end`:
/// with `[defaults] max_lifetime` set, no later than that long after its
/// creation (and not never).
pub fn check_lifetime(
    name: &str,
    created_at: chrono::DateTime<chrono::Utc>,
    end: Option<chrono::DateTime<chrono::Utc>>,
    max_lifetime: Option<Duration>,
) -> Result<()> {
    let Some(max) = max_lifetime else {
        return Ok(());
    };
    let latest = crate::config::durations::add(created_at, max);
    let fmt =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match end {
        Some(end) if end <= latest => Ok(()),
        Some(end) => Err(Error::Conflict(format!(
            "environment '{name}' may live until {} at the latest ([defaults] max_lifetime = {} \
             from its creation), not until {}",
            fmt(latest),
            humantime::format_duration(max),
            fmt(end)
        ))),
        None => Err(Error::Conflict(format!(
            "environment '{name}' must end by {} ([defaults] max_lifetime = {})",
            fmt(latest),
            humantime::format_duration(max)
        ))),
    }
}

/// What [`update`] changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// A new end of life (`Some(None)` removes it).
    pub expires_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    /// Move the end of life this much later (from now when it has passed).
    pub extend: Option<Duration>,
    /// The whole new set of labels.
    pub labels: Option<std::collections::BTreeMap<String, String>>,
    pub pinned: Option<bool>,
}

impl Update {
    fn is_empty(&self) -> bool {
        self.expires_at.is_none()
            && self.extend.is_none()
            && self.labels.is_none()
            && self.pinned.is_none()
    }

    /// Changes `env`; a new end of life must be in the future and within
    /// `max_lifetime` of its creation.
    fn apply(
        &self,
        env: &mut Environment,
        now: chrono::DateTime<chrono::Utc>,
        max_lifetime: Option<Duration>,
    ) -> Result<()> {
        // `extend` and a new end together: the earlier end wins, as with
        // `ttl` and `expires_at`.
        let extended = match (self.extend, env.expires_at) {
            (None, _) => None,
            (Some(by), Some(end)) => Some(crate::config::durations::add(end.max(now), by)),
            // The other field says where it ends.
            (Some(_), None) if self.expires_at.is_some() => None,
            (Some(_), None) => {
                return Err(Error::Conflict(format!(
                    "environment '{}' has no end of life to extend; `envctl extend {} --until TIME` \
                     gives it one",
                    env.name, env.name
                )));
            }
        };
        let new_end = match (extended, self.expires_at) {
            (Some(a), Some(Some(b))) => Some(Some(a.min(b))),
            (Some(a), _) => Some(Some(a)),
            (None, requested) => requested,
        };
        if let Some(end) = new_end {
            if let Some(t) = end
                && t <= now
            {
                return Err(Error::Conflict(format!(
                    "the new end of life {} has passed; give a time in the future",
                    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )));
            }
            env.expires_at = end;
            check_lifetime(&env.name, env.created_at, env.expires_at, max_lifetime)?;
        }
        if let Some(labels) = &self.labels {
            env.labels = labels.clone();
        }
        if let Some(p) = self.pinned {
            env.pinned = p;
        }
        Ok(())
    }

    /// The event this change is logged as.
    fn action(&self) -> &'static str {
        match (
            self.pinned,
            self.labels.is_some() || self.expires_at.is_some() || self.extend.is_some(),
        ) {
            (Some(true), false) => "pin",
            (Some(false), false) => "unpin",
            (None, true) if self.extend.is_some() && self.labels.is_none() => "extend",
            _ => "update",
        }
    }
}

/// Changes an environment's record (pin, labels, end of life): authorised
/// for the caller, validated, and logged once. The change is first recorded
/// in the engine (the environment's record marker, see
/// [`crate::engine::labels`]), so a database rebuilt from the engine keeps
/// it; then in the database. Nothing to change answers the record as it is.
pub async fn update(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    change: &Update,
) -> Result<Environment> {
    if let Some(labels) = &change.labels {
        crate::names::check_labels(labels)?;
    }
    let started = std::time::Instant::now();
    let result = update_inner(ctx, caller, target, change).await;
    if !change.is_empty() {
        let env = result.as_ref().ok();
        super::log_environment(ctx, caller, change.action(), target, env, started, &result);
    }
    result
}

async fn update_inner(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    change: &Update,
) -> Result<Environment> {
    let current = show(ctx, target)?;
    caller.authorize(Action::Change, Some(&current.owner))?;
    if change.is_empty() {
        return Ok(current);
    }
    let updated = ctx.store.commit(&current.id, |env| {
        caller.authorize(Action::Change, Some(&env.owner))?;
        change.apply(env, chrono::Utc::now(), ctx.config.defaults.max_lifetime)
    })?;
    record_in_engine(ctx, &updated).await;
    Ok(updated)
}

/// Writes what changed after creation to the engine (the record marker of
/// [`labels`]), so a database rebuilt from the engine keeps it. Versioned by
/// the record's `updated_at`: of two changes racing, the later record wins.
/// The database holds the change already; when the engine cannot take it
/// (Docker down), the next change (or a `sync --adopt` of a live database)
/// is not affected, so this is said in the event log, not as a failure.
async fn record_in_engine(ctx: &Context, env: &Environment) {
    let written = async {
        let instance = ctx.store.instance_id()?;
        ctx.engine()
            .await?
            .set_marker(
                &instance,
                &env.id,
                labels::RECORD_MARKER,
                Some(labels::changeable(env)),
            )
            .await
    }
    .await;
    if let Err(e) = written {
        crate::store::events::record(
            ctx.store.dir(),
            &Caller::server(),
            "marker",
            Some(&env.name),
            "error",
            Some(&format!(
                "the change is in the database but not in the engine; reset-db would lose it: {}",
                e.chain_text()
            )),
        );
    }
}

/// A change asked of the server ([`crate::ops::requests::UpdateRequest`]):
/// the record's change, then a stop, or a start whose readiness is probed in
/// the background.
pub async fn change(
    ctx: &std::sync::Arc<Context>,
    caller: &Caller,
    target: &str,
    change: &Change,
) -> Result<Environment> {
    let env = update(ctx, caller, target, &change.update).await?;
    match change.run {
        None => Ok(env),
        Some(Run::Stop) => stop(ctx, caller, &env.id, &crate::ops::progress::Silent).await,
        Some(Run::Start { timeout }) => start_in_background(ctx, caller, &env.id, timeout).await,
    }
}

/// Starts a stopped environment (or one whose containers were kept after a
/// failure) and, when `wait`, waits until it is ready.
pub async fn start(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    wait: bool,
    timeout: Option<Duration>,
    progress: &dyn Progress,
) -> Result<Environment> {
    let started = std::time::Instant::now();
    let result = async {
        let env = claim_start(ctx, caller, target, timeout, progress).await?;
        let deadline = start_deadline(ctx, timeout);
        let env = start_services(ctx, &env, deadline, progress).await?;
        if wait {
            finish_start(ctx, &env, deadline, progress).await
        } else {
            ctx.store.commit(&env.id, |e| {
                e.operation = None;
                Ok(())
            })
        }
    }
    .await;
    let env = result.as_ref().ok();
    super::log_environment(ctx, caller, "start", target, env, started, &result);
    result
}

/// [`start`] for the server: claims the start (the record `running` with a
/// `start` operation, every container still there), logs it and answers;
/// the services start in dependency order, and readiness is probed, in the
/// background (the record shows `ready`, or turns `failed` past `timeout`).
/// A dependency that must be ready first can take minutes: no request waits
/// for it.
pub async fn start_in_background(
    ctx: &std::sync::Arc<Context>,
    caller: &Caller,
    target: &str,
    timeout: Option<Duration>,
) -> Result<Environment> {
    let silent = &crate::ops::progress::Silent;
    let started = std::time::Instant::now();
    let claimed = claim_start(ctx, caller, target, timeout, silent).await;
    let env = claimed.as_ref().ok();
    super::log_environment(ctx, caller, "start", target, env, started, &claimed);
    let env = claimed?;
    let (ctx, answer) = (ctx.clone(), env.clone());
    let deadline = start_deadline(&ctx, timeout);
    tokio::spawn(async move {
        let silent = &crate::ops::progress::Silent;
        if let Ok(env) = start_services(&ctx, &env, deadline, silent).await {
            let _ = finish_start(&ctx, &env, deadline, silent).await;
        }
    });
    Ok(answer)
}

/// When a start begun now must be done: its `timeout`, else the
/// configured create timeout. Starting the services and waiting for them
/// to be ready share it, as the record's operation does.
fn start_deadline(ctx: &Context, timeout: Option<Duration>) -> tokio::time::Instant {
    crate::config::durations::instant_after(timeout.unwrap_or(ctx.config.defaults.create_timeout))
}

/// Marks the record `running` with a `start` operation, once every container
/// is known to be still there (else the record turns `failed`).
async fn claim_start(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    timeout: Option<Duration>,
    progress: &dyn Progress,
) -> Result<Environment> {
    let engine = ctx.engine().await?;
    let timeout = timeout.unwrap_or(ctx.config.defaults.create_timeout);
    crate::config::durations::check("timeout", timeout)?;
    let (env, instance) = ctx.store.update(|db| {
        let instance = db.instance_id.clone();
        let env = db.get_mut(target)?;
        caller.authorize(Action::Change, Some(&env.owner))?;
        env.transition(Status::Running)?;
        env.error = None;
        env.operation = Some(Operation::begin("start", timeout));
        Ok((env.clone(), instance))
    })?;
    progress.environment(&env);
    let (inst, id) = (instance.as_str(), env.id.as_str());
    let owned = try_join_all(env.services.iter().map(|(name, s)| async move {
        match engine.check_owned(inst, id, &s.container).await? {
            true => Ok(()),
            false => Err(Error::Failed(format!(
                "service {name}: container {} is gone; delete and re-create the environment",
                s.container
            ))),
        }
    }))
    .await;
    if let Err(e) = owned {
        return Err(record_start_failure(ctx, &env.id, e));
    }
    Ok(env)
}

/// Starts an environment's containers, each once its dependencies hold
/// (probing those others wait for); on a failure the record turns `failed`.
async fn start_services(
    ctx: &Context,
    env: &Environment,
    deadline: tokio::time::Instant,
    progress: &dyn Progress,
) -> Result<Environment> {
    let engine = ctx.engine().await?;
    // In dependency order when the template is still known (else all at once).
    let template = crate::ops::create::resolved_template(ctx, env).ok();
    let gates = Gates::new(template.as_ref(), env.services.keys().map(String::as_str));
    let gates = &gates;
    let started = try_join_all(env.services.iter().map(|(name, s)| async move {
        gates.before_start(name, progress).await;
        progress.service(name, Step::Starting);
        engine.start_container(&s.container, deadline).await?;
        gates
            .after_start(&ctx.store, engine, env, name, deadline, progress)
            .await
    }))
    .await;
    if let Err(e) = started {
        return Err(record_start_failure(ctx, &env.id, e));
    }
    ctx.store.commit(&env.id, |_| Ok(()))
}

/// The second half of [`start`]: waits until every service is ready (by
/// the start's `deadline`), then clears the operation (or marks the record
/// `failed` with the reason).
async fn finish_start(
    ctx: &Context,
    env: &Environment,
    deadline: tokio::time::Instant,
    progress: &dyn Progress,
) -> Result<Environment> {
    let engine = ctx.engine().await?;
    let template = match crate::ops::create::resolved_template(ctx, env) {
        Ok(t) => Ok(t),
        // The template left the config: all we can know is that the containers run.
        Err(Error::UnknownTemplate(_)) => Err(()),
        // Its variables no longer resolve (a label it needs was removed): say so.
        Err(e) => return Err(record_start_failure(ctx, &env.id, e)),
    };
    let Ok(template) = template else {
        // The template left the config: all we can know is that the containers run.
        return ctx.store.commit(&env.id, |e| {
            e.operation = None;
            Ok(())
        });
    };
    match tokio::time::timeout_at(
        deadline,
        wait_until_ready(&ctx.store, engine, env, &template, deadline, progress),
    )
    .await
    {
        Ok(Ok(env)) => Ok(env),
        Ok(Err(e)) => Err(record_start_failure(ctx, &env.id, e)),
        Err(_) => Err(record_start_failure(
            ctx,
            &env.id,
            Error::Failed("timed out waiting for readiness".into()),
        )),
    }
}

fn record_start_failure(ctx: &Context, id: &str, error: Error) -> Error {
    if matches!(error, Error::Conflict(_)) {
        return error;
    }
    let reason = error.chain_text();
    let failed = ctx.store.update(|db| {
        if let Some(env) = db.find_mut(id)
            && env.status != Status::Deleting
        {
            env.fail(reason.clone());
            return Ok(Some(env.clone()));
        }
        Ok(None)
    });
    if let Ok(Some(env)) = failed {
        crate::notify::emit(ctx, crate::notify::Notice::failed(&env, "start", &reason));
    }
    error
}

/// Stops every container of an environment, keeping containers and volumes.
pub async fn stop(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    progress: &dyn Progress,
) -> Result<Environment> {
    let started = std::time::Instant::now();
    let result = stop_inner(ctx, caller, target, progress).await;
    let env = result.as_ref().ok();
    super::log_environment(ctx, caller, "stop", target, env, started, &result);
    result
}

async fn stop_inner(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    progress: &dyn Progress,
) -> Result<Environment> {
    let engine = ctx.engine().await?;
    let grace = ctx.config.defaults.stop_timeout;
    let waited = stop_grace_of(ctx, engine, target).await;
    let (env, instance) = ctx.store.update(|db| {
        let instance = db.instance_id.clone();
        let env = db.get_mut(target)?;
        caller.authorize(Action::Change, Some(&env.owner))?;
        env.status.check(Status::Stopped, &env.name)?;
        // Dependants stop first, one level after another: at most one
        // level per service, each taking up to the grace period and what
        // the engine takes to tell the stop.
        let levels = u32::try_from(env.services.len()).unwrap_or(u32::MAX).max(1);
        env.operation = Some(Operation::begin(
            "stop",
            waited
                .saturating_add(STOP_SETTLE)
                .saturating_mul(levels.saturating_add(1)),
        ));
        Ok((env.clone(), instance))
    })?;
    progress.environment(&env);
    let (instance, id) = (instance.as_str(), env.id.as_str());
    // Dependants first: a service stops once whatever depends on it has.
    let template = crate::ops::create::resolved_template(ctx, &env).ok();
    let gates = Gates::new(template.as_ref(), env.services.keys().map(String::as_str));
    let gates = &gates;
    let stops = env.services.iter().map(|(name, s)| async move {
        gates.before_stop(name, progress).await;
        progress.service(name, Step::Stopping);
        let r = match engine.check_owned(instance, id, &s.container).await {
            Ok(_) => engine.stop_container(&s.container, grace).await,
            Err(e) => Err(e),
        };
        gates.stopped(name);
        progress.service(name, Step::Stopped);
        r
    });
    let results = join_all(stops).await;
    let env = ctx.store.commit(&env.id, |e| {
        e.transition(Status::Stopped)?;
        e.operation = None;
        Ok(())
    })?;
    results.into_iter().collect::<Result<Vec<()>>>()?;
    Ok(env)
}

/// Restarts one service of a running environment: its container is stopped
/// (with the config's grace period) and started again; the others run on.
/// Authorised as a change of the environment; logged as `restart` with the
/// service. The service's readiness is probed again by the next check that
/// probes it (the record is not marked unready meanwhile).
pub async fn restart_service(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    service: &str,
) -> Result<Environment> {
    let result = restart_service_inner(ctx, caller, target, service).await;
    let name = result.as_ref().map_or(target, |e| e.name.as_str());
    let detail = match &result {
        Ok(_) => format!("service {service}"),
        Err(e) => format!("service {service}: {}", e.chain_text()),
    };
    crate::store::events::Entry::new("restart")
        .result(&result)
        .target(name)
        .detail(&detail)
        .write(ctx.store.dir(), caller);
    result
}

/// How long a service's restart may take once it has stopped: on a Swarm,
/// for the new task to run.
const RESTART_SETTLE: Duration = Duration::from_secs(120);

/// How long past its grace period a service's stop may take for the engine
/// to tell it ended (a Swarm waits a minute for its node to report).
pub(crate) const STOP_SETTLE: Duration = Duration::from_secs(60);

/// The longest grace period a stop of `env`'s services waits out, which
/// its operation's record must cover: the config's `stop_timeout`, or on a
/// Swarm the longer one a service was made with (Swarm goes by that, so a
/// `stop_timeout` lowered since does not shorten it). A service the engine
/// cannot tell about counts with the config's.
pub(crate) async fn stop_grace(
    ctx: &Context,
    engine: &crate::engine::Engine,
    env: &Environment,
) -> Duration {
    let grace = ctx.config.defaults.stop_timeout;
    let each = env
        .services
        .values()
        .map(|s| engine.stop_grace(&s.container, grace));
    join_all(each)
        .await
        .into_iter()
        .filter_map(Result::ok)
        .fold(grace, Duration::max)
}

/// [`stop_grace`] for the record `target` names, as it stands now (read
/// before the record is marked busy, since the engine is asked); the
/// config's when it has none.
pub(crate) async fn stop_grace_of(
    ctx: &Context,
    engine: &crate::engine::Engine,
    target: &str,
) -> Duration {
    match ctx.store.view(|db| db.find(target).cloned()) {
        Ok(Some(env)) => stop_grace(ctx, engine, &env).await,
        _ => ctx.config.defaults.stop_timeout,
    }
}

async fn restart_service_inner(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    service: &str,
) -> Result<Environment> {
    let engine = ctx.engine().await?;
    let grace = ctx.config.defaults.stop_timeout;
    let waited = stop_grace_of(ctx, engine, target).await;
    // Marked busy under the lock, as stop and start are, so the server's
    // maintenance does not take the stopped container for a crash.
    let (env, instance) = ctx.store.update(|db| {
        let instance = db.instance_id.clone();
        let env = db.get_mut(target)?;
        caller.authorize(Action::Change, Some(&env.owner))?;
        if !env.services.contains_key(service) {
            return Err(crate::ops::exec::unknown_service(env, service));
        }
        if env.status != Status::Running {
            return Err(Error::Conflict(format!(
                "environment '{}' is {}, not running; start it (`envctl start {}`) to run its services",
                env.name, env.status, env.name
            )));
        }
        if let Some(op) = &env.operation {
            return Err(Error::Conflict(format!(
                "environment '{}' is busy with a {}; try again when it is done",
                env.name, op.action
            )));
        }
        env.operation = Some(Operation::begin(
            "restart",
            waited
                .saturating_add(STOP_SETTLE)
                .saturating_add(RESTART_SETTLE),
        ));
        Ok((env.clone(), instance))
    })?;
    let container = &env.services[service].container;
    let restarted = async {
        if !engine.check_owned(&instance, &env.id, container).await? {
            return Err(Error::Failed(format!(
                "service {service}: container {container} is gone; delete and re-create the environment"
            )));
        }
        engine.stop_container(container, grace).await?;
        let deadline = crate::config::durations::instant_after(RESTART_SETTLE);
        engine.start_container(container, deadline).await
    }
    .await;
    let env = ctx.store.commit(&env.id, |e| {
        e.operation = None;
        Ok(())
    })?;
    restarted.map(|()| env)
}
