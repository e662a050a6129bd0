//! Operations on existing environments: list, show, start, stop, delete, logs.
//! Each reads or changes the record under the lock and talks to Docker unlocked.

pub mod backup;
pub mod cleanup;
pub mod create;
pub mod progress;
pub mod reset;
pub mod stats;
pub mod sync;

use std::pin::Pin;
use std::time::Duration;

use futures_util::future::{join_all, try_join_all};
use futures_util::stream::{self, Stream, StreamExt};

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::docker::Removed;
use crate::error::{Error, Result};
use crate::ops::create::{commit, operation, wait_until_ready};
use crate::ops::progress::{Progress, Step};
use crate::store::{Environment, Status};

/// Which environments `list` shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub owner: Option<String>,
    pub template: Option<String>,
}

/// The environments matching `filter`, in the order they were created.
/// Reads only the database.
pub fn list(ctx: &Context, filter: &ListFilter) -> Result<Vec<Environment>> {
    let mut envs = ctx.store.read()?.environments;
    envs.retain(|e| filter.matches(e.status, &e.owner, &e.template));
    Ok(envs)
}

/// [`list`] as the JSON array `--json` prints, one environment per line.
/// Copies the stored objects without decoding them (only the filter fields
/// are read, and only when filtering), so it stays fast at 10,000 records.
pub fn list_json(ctx: &Context, filter: &ListFilter) -> Result<String> {
    ctx.store.read_raw(|envs| {
        let mut matching = Vec::with_capacity(envs.len());
        for raw in envs {
            if !filter.is_empty() {
                let f = ListFields::parse(raw)?;
                if !filter.matches(f.status, &f.owner, &f.template) {
                    continue;
                }
            }
            matching.push(raw.as_ref());
        }
        Ok(json_array(&matching))
    })
}

/// A JSON array of already-encoded objects, one per line: the layout of
/// `list --json`, in both local and remote mode.
pub fn json_array(items: &[&str]) -> String {
    let mut out = String::with_capacity(items.iter().map(|i| i.len() + 2).sum::<usize>() + 4);
    out.push('[');
    let mut first = true;
    for item in items {
        out.push_str(if first { "\n" } else { ",\n" });
        out.push_str(item);
        first = false;
    }
    out.push_str(if first { "]\n" } else { "\n]\n" });
    out
}

/// The fields of a stored environment that lists filter on, read from its
/// JSON text without decoding the rest.
#[derive(serde::Deserialize)]
pub struct ListFields<'a> {
    #[serde(borrow)]
    pub id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub name: std::borrow::Cow<'a, str>,
    pub status: Status,
    #[serde(borrow)]
    pub owner: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub template: std::borrow::Cow<'a, str>,
}

impl<'a> ListFields<'a> {
    pub fn parse(json: &'a str) -> Result<ListFields<'a>> {
        serde_json::from_str(json)
            .map_err(|e| Error::Failed(format!("a stored environment is malformed: {e}")))
    }
}

impl ListFilter {
    fn is_empty(&self) -> bool {
        self.status.is_none() && self.owner.is_none() && self.template.is_none()
    }

    fn matches(&self, status: Status, owner: &str, template: &str) -> bool {
        self.status.is_none_or(|s| status == s)
            && self.owner.as_deref().is_none_or(|o| owner == o)
            && self.template.as_deref().is_none_or(|t| template == t)
    }
}

/// One environment by id or name.
pub fn show(ctx: &Context, target: &str) -> Result<Environment> {
    ctx.store.read()?.get(target).cloned()
}

/// Pins (never removed by cleanup) or unpins an environment.
pub fn set_pinned(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    pinned: bool,
) -> Result<Environment> {
    update(
        ctx,
        caller,
        target,
        &Update {
            pinned: Some(pinned),
            ..Default::default()
        },
    )
}

/// What [`update`] changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// A new end of life (`Some(None)` removes it).
    pub expires_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    /// The whole new set of labels.
    pub labels: Option<std::collections::BTreeMap<String, String>>,
    pub pinned: Option<bool>,
}

impl Update {
    fn is_empty(&self) -> bool {
        self.expires_at.is_none() && self.labels.is_none() && self.pinned.is_none()
    }

    /// The event this change is logged as.
    fn action(&self) -> &'static str {
        match (
            self.pinned,
            self.labels.is_some() || self.expires_at.is_some(),
        ) {
            (Some(true), false) => "pin",
            (Some(false), false) => "unpin",
            _ => "update",
        }
    }
}

/// Changes an environment's record (pin, labels, end of life): authorised
/// for the caller, validated, and logged once. Nothing to change answers the
/// record as it is.
pub fn update(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    change: &Update,
) -> Result<Environment> {
    if let Some(labels) = &change.labels {
        crate::names::check_labels(labels)?;
    }
    let result = ctx.store.update(|db| {
        let env = db.get_mut(target)?;
        caller.authorize(Action::Change, Some(&env.owner))?;
        if change.is_empty() {
            return Ok(env.clone());
        }
        if let Some(t) = change.expires_at {
            env.expires_at = t;
        }
        if let Some(labels) = &change.labels {
            env.labels = labels.clone();
        }
        if let Some(p) = change.pinned {
            env.pinned = p;
        }
        env.updated_at = chrono::Utc::now();
        Ok(env.clone())
    });
    if !change.is_empty() {
        let name = result.as_ref().map_or(target, |e| e.name.as_str());
        log(ctx, caller, change.action(), name, &result);
    }
    result
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
    let result = async {
        let env = begin_start(ctx, caller, target, timeout, progress).await?;
        if wait {
            finish_start(ctx, &env, timeout, progress).await
        } else {
            commit(&ctx.store, &env.id, |e| {
                e.operation = None;
                Ok(())
            })
        }
    }
    .await;
    let name = result.as_ref().map_or(target, |e| e.name.as_str());
    log(ctx, caller, "start", name, &result);
    result
}

/// [`start`] for the server: starts the containers, logs the start, answers,
/// and probes readiness in the background (the record shows `ready`, or
/// turns `failed` past `timeout`).
pub async fn start_in_background(
    ctx: &std::sync::Arc<Context>,
    caller: &Caller,
    target: &str,
    timeout: Option<Duration>,
) -> Result<Environment> {
    let started = begin_start(ctx, caller, target, timeout, &crate::ops::progress::Silent).await;
    let name = started.as_ref().map_or(target, |e| e.name.as_str());
    log(ctx, caller, "start", name, &started);
    let started = started?;
    let (ctx, env) = (ctx.clone(), started.clone());
    tokio::spawn(async move {
        let _ = finish_start(&ctx, &env, timeout, &crate::ops::progress::Silent).await;
    });
    Ok(started)
}

/// The first half of [`start`]: marks the record `running` with a `start`
/// operation and starts every container. The API answers after this and runs
/// [`finish_start`] in the background.
pub async fn begin_start(
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
        env.operation = Some(operation("start", timeout));
        Ok((env.clone(), instance))
    })?;
    progress.environment(&env);
    let (instance, id) = (instance.as_str(), env.id.as_str());
    let started = try_join_all(env.services.iter().map(|(name, s)| async move {
        progress.service(name, Step::Starting);
        match engine.check_owned(instance, id, &s.container).await? {
            true => engine.start_container(&s.container).await,
            false => Err(Error::Failed(format!(
                "service {name}: container {} is gone; delete and re-create the environment",
                s.container
            ))),
        }
    }))
    .await;
    if let Err(e) = started {
        let reason = e.chain_text();
        ctx.store.update(|db| {
            if let Some(env) = db.find_mut(&env.id) {
                env.fail(reason);
            }
            Ok(())
        })?;
        return Err(e);
    }
    commit(&ctx.store, &env.id, |_| Ok(()))
}

/// The second half of [`start`]: waits until every service is ready, then
/// clears the operation (or marks the record `failed` with the reason).
pub async fn finish_start(
    ctx: &Context,
    env: &Environment,
    timeout: Option<Duration>,
    progress: &dyn Progress,
) -> Result<Environment> {
    let engine = ctx.engine().await?;
    let timeout = timeout.unwrap_or(ctx.config.defaults.create_timeout);
    let template = match crate::ops::create::resolved_template(ctx, env) {
        Ok(t) => Ok(t),
        // The template left the config: all we can know is that the containers run.
        Err(Error::UnknownTemplate(_)) => Err(()),
        // Its variables no longer resolve (a label it needs was removed): say so.
        Err(e) => return Err(record_start_failure(ctx, &env.id, e)),
    };
    let Ok(template) = template else {
        // The template left the config: all we can know is that the containers run.
        return commit(&ctx.store, &env.id, |e| {
            e.operation = None;
            Ok(())
        });
    };
    let deadline = crate::config::durations::instant_after(timeout);
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
    let _ = ctx.store.update(|db| {
        if let Some(env) = db.find_mut(id)
            && env.status != Status::Deleting
        {
            env.fail(reason);
        }
        Ok(())
    });
    error
}

/// Stops every container of an environment, keeping containers and volumes.
pub async fn stop(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    progress: &dyn Progress,
) -> Result<Environment> {
    let result = stop_inner(ctx, caller, target, progress).await;
    let name = result.as_ref().map_or(target, |e| e.name.as_str());
    log(ctx, caller, "stop", name, &result);
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
    let (env, instance) = ctx.store.update(|db| {
        let instance = db.instance_id.clone();
        let env = db.get_mut(target)?;
        caller.authorize(Action::Change, Some(&env.owner))?;
        env.status.check(Status::Stopped, &env.name)?;
        env.operation = Some(operation("stop", grace.saturating_mul(2)));
        Ok((env.clone(), instance))
    })?;
    progress.environment(&env);
    let (instance, id) = (instance.as_str(), env.id.as_str());
    let stops = env.services.iter().map(|(name, s)| async move {
        progress.service(name, Step::Stopping);
        let r = match engine.check_owned(instance, id, &s.container).await {
            Ok(_) => engine.stop_container(&s.container, grace).await,
            Err(e) => Err(e),
        };
        progress.service(name, Step::Stopped);
        r
    });
    let results = join_all(stops).await;
    let env = commit(&ctx.store, &env.id, |e| {
        e.transition(Status::Stopped)?;
        e.operation = None;
        Ok(())
    })?;
    results.into_iter().collect::<Result<Vec<()>>>()?;
    Ok(env)
}

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

/// Appends the outcome of an operation on `target` (by `caller`) to the event log.
pub(crate) fn log<T>(
    ctx: &Context,
    caller: &Caller,
    action: &str,
    target: &str,
    result: &Result<T>,
) {
    crate::store::events::record_result(ctx.store.dir(), caller, action, Some(target), result);
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
        env.operation = Some(operation("delete", Duration::from_secs(120)));
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

/// A chunk of a service's output.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LogChunk {
    pub service: String,
    pub text: String,
}

pub type LogStream = Pin<Box<dyn Stream<Item = Result<LogChunk>> + Send>>;

/// The logs of one service, or of all (one after the other; interleaved as
/// they come when `follow`).
pub async fn logs(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    service: Option<&str>,
    follow: bool,
    tail: Option<usize>,
) -> Result<LogStream> {
    let db = ctx.store.read()?;
    let env = db.get(target)?;
    // Logs may hold secrets: the owner's, or an operator's.
    caller.authorize(Action::ReadLogs, Some(&env.owner))?;
    let engine = ctx.engine().await?;
    let services: Vec<(String, String)> = match service {
        Some(name) => {
            let s = env.services.get(name).ok_or_else(|| Error::NotFound {
                what: "service",
                name: format!("{name}' in environment '{}", env.name),
            })?;
            vec![(name.to_owned(), s.container.clone())]
        }
        None => env
            .services
            .iter()
            .map(|(n, s)| (n.clone(), s.container.clone()))
            .collect(),
    };
    for (_, container) in &services {
        engine
            .check_owned(&db.instance_id, &env.id, container)
            .await?;
    }
    let streams: Vec<LogStream> = services
        .into_iter()
        .map(|(service, container)| {
            let s = engine.logs(&container, follow, tail).map(move |chunk| {
                chunk.map(|text| LogChunk {
                    service: service.clone(),
                    text,
                })
            });
            Box::pin(s) as LogStream
        })
        .collect();
    Ok(if follow {
        Box::pin(stream::select_all(streams))
    } else {
        Box::pin(stream::iter(streams).flatten())
    })
}

/// An environment's generated secrets, by name: for its owner and admins
/// only (see [`Action::ReadSecrets`]). Empty when its template has none.
pub fn secrets(
    ctx: &Context,
    caller: &Caller,
    target: &str,
) -> Result<std::collections::BTreeMap<String, String>> {
    let env = show(ctx, target)?;
    caller.authorize(Action::ReadSecrets, Some(&env.owner))?;
    crate::store::secrets::load(ctx.store.dir(), &env.id)
}

/// The last `lines` lines of each service (the web page's log panel), or
/// `None` when the caller may not read this environment's logs.
pub async fn tail(
    ctx: &Context,
    caller: &Caller,
    env: &Environment,
    lines: usize,
) -> Option<Vec<(String, String)>> {
    if !caller.may(Action::ReadLogs, Some(&env.owner)) {
        return None;
    }
    let mut out = Vec::new();
    for service in env.services.keys() {
        let mut text = String::new();
        if let Ok(mut stream) = logs(ctx, caller, &env.id, Some(service), false, Some(lines)).await
        {
            while let Some(Ok(chunk)) = stream.next().await {
                text.push_str(&chunk.text);
            }
        }
        out.push((service.clone(), text));
    }
    Some(out)
}
