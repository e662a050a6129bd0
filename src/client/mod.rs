//! One interface to the operations, with a local side (this machine's
//! database and Docker engine) and a remote side (an `envctl serve`, for CI
//! runners without Docker). The CLI calls only this for every command that
//! has an API counterpart, so both modes give the same output, the same
//! waiting and the same exit codes.
//!
//! Must not: validate or authorise (the local side's operations do, and the
//! server's); it chooses the side and shares the waiting.

pub mod remote;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use chrono::Utc;

use crate::access::Caller;
use crate::client::remote::Remote;
use crate::config::TemplateSummary;
use crate::context::Context;
use crate::engine::{ExecInput, ExecOutputStream, TerminalSize};
use crate::error::{Error, Result};
use crate::ops::cleanup::{self, CleanupOptions, CleanupReport, Prepared};
use crate::ops::create::{self, CreateOptions};
use crate::ops::exec::ExecRequest;
use crate::ops::progress::{Progress, Step};
pub use crate::ops::requests::CleanupRequest;
use crate::ops::stats::{self, EnvironmentStats, Overview, Sampler};
use crate::ops::sync::{self, SyncOptions, SyncReport};
use crate::ops::{self, DeleteOptions, Deleted, ListFilter, LogStream};
use crate::retention::Plan;
use crate::store::{Environment, Status};

/// A record is read again soon at first (most waits are short), then every
/// quarter second.
const POLL_FIRST: Duration = Duration::from_millis(40);
const POLL: Duration = Duration::from_millis(250);

/// The next pause between reads: half as long again, up to [`POLL`].
fn next_poll(pause: Duration) -> Duration {
    (pause * 3 / 2).min(POLL)
}

/// The gap between the first two samples of a container (for its CPU %).
const STATS_GAP: Duration = Duration::from_secs(1);
/// How long past an operation's deadline to wait before giving up on it.
const DEADLINE_GRACE: Duration = Duration::from_secs(30);

/// Where the operations run.
// One per process: the size of the local side does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Backend {
    Local(Context),
    Remote(Remote),
}

/// A cleanup planned and not yet run. Locally it holds the maintenance lock;
/// remotely it is the server's dry run (the server plans again when it runs).
pub enum PlannedCleanup {
    Local(Prepared, CleanupOptions),
    Remote(CleanupReport, CleanupRequest),
}

impl PlannedCleanup {
    pub fn archives(&self) -> &[crate::ops::cleanup::PlannedArchive] {
        match self {
            PlannedCleanup::Local(p, _) => &p.archives,
            PlannedCleanup::Remote(r, _) => &r.archives,
        }
    }

    pub fn sync(&self) -> &SyncReport {
        match self {
            PlannedCleanup::Local(p, _) => &p.sync,
            PlannedCleanup::Remote(r, _) => &r.sync,
        }
    }

    pub fn plan(&self) -> &Plan {
        match self {
            PlannedCleanup::Local(p, _) => &p.plan,
            PlannedCleanup::Remote(r, _) => &r.plan,
        }
    }
}

impl Backend {
    /// The local side, for commands that only exist there (backups, reset,
    /// tokens, serve); `command` names the command in the error.
    pub fn local(&self, command: &str) -> Result<&Context> {
        match self {
            Backend::Local(ctx) => Ok(ctx),
            Backend::Remote(r) => Err(local_only(command, r)),
        }
    }

    /// [`Backend::local`], owned.
    pub fn into_local(self, command: &str) -> Result<Context> {
        match self {
            Backend::Local(ctx) => Ok(ctx),
            Backend::Remote(r) => Err(local_only(command, &r)),
        }
    }

    /// The templates environments can be made from, and which is the default.
    pub async fn templates(&self) -> Result<BTreeMap<String, TemplateSummary>> {
        match self {
            Backend::Local(ctx) => Ok(ctx.config.template_summaries()),
            Backend::Remote(r) => r.templates().await,
        }
    }

    pub async fn show(&self, target: &str) -> Result<Environment> {
        match self {
            Backend::Local(ctx) => ops::show(ctx, target),
            Backend::Remote(r) => r.show(target).await,
        }
    }

    /// An environment's generated secrets (its owner and admins only).
    pub async fn secrets(&self, target: &str) -> Result<BTreeMap<String, String>> {
        match self {
            Backend::Local(ctx) => ops::secrets(ctx, &Caller::local(), target),
            Backend::Remote(r) => r.secrets(target).await,
        }
    }

    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<Environment>> {
        match self {
            Backend::Local(ctx) => ops::list(ctx, filter),
            Backend::Remote(r) => r
                .list_raw(filter)
                .await?
                .iter()
                .map(|raw| {
                    serde_json::from_str(raw.get()).map_err(|e| {
                        Error::Failed(format!("unexpected environment from {}: {e}", r.url()))
                    })
                })
                .collect(),
        }
    }

    /// [`Backend::list`] as the JSON array `--json` prints (the same bytes in both modes).
    pub async fn list_json(&self, filter: &ListFilter) -> Result<String> {
        match self {
            Backend::Local(ctx) => ops::list_json(ctx, filter),
            Backend::Remote(r) => {
                let envs = r.list_raw(filter).await?;
                let items: Vec<&str> = envs.iter().map(|raw| raw.get()).collect();
                Ok(ops::json_array(&items))
            }
        }
    }

    /// Creates an environment and (with `opts.wait`) waits until it is ready.
    /// `cancel` resolving (Ctrl-C) rolls it back: locally by the create
    /// itself, remotely by deleting what the server had begun.
    pub async fn create(
        &self,
        opts: &CreateOptions,
        progress: &dyn Progress,
        cancel: impl Future<Output = ()>,
    ) -> Result<Environment> {
        match self {
            Backend::Local(ctx) => {
                create::create(ctx, &Caller::local(), opts, progress, cancel).await
            }
            Backend::Remote(r) => {
                let env = r.create(opts).await?;
                progress.environment(&env);
                tokio::select! {
                    settled = self.settle(&env.id, progress) => settled,
                    () = cancel => {
                        let rollback = DeleteOptions { if_exists: true, ..Default::default() };
                        let _ = r.delete(&env.id, &rollback).await;
                        Err(Error::Interrupted)
                    }
                }
            }
        }
    }

    /// `create --if-not-exists`: the environment named `opts.name` as it is
    /// when healthy; waited for when another command is creating or starting
    /// it; started when stopped; created when missing. A failed one, one
    /// from another template or one being deleted is a conflict.
    pub async fn create_if_missing(
        &self,
        opts: &CreateOptions,
        progress: &dyn Progress,
        cancel: impl Future<Output = ()>,
    ) -> Result<Environment> {
        let Some(name) = opts.name.as_deref() else {
            return Err(Error::InvalidInput(
                "--if-not-exists needs the environment's NAME (it is how the existing one is found)"
                    .into(),
            ));
        };
        let mut cancel = pin!(cancel);
        // A name taken between our look and our create is looked at again, once.
        let mut raced = false;
        loop {
            let env = match self.show(name).await {
                Ok(env) => env,
                Err(e) if e.is_not_found() => {
                    match self.create(opts, progress, cancel.as_mut()).await {
                        Err(e) if is_conflict(&e) && !raced => {
                            raced = true;
                            continue;
                        }
                        result => return result,
                    }
                }
                Err(e) => return Err(e),
            };
            let template = opts
                .template
                .as_deref()
                .or(match self {
                    Backend::Local(ctx) => Some(ctx.config.defaults.template.as_str()),
                    Backend::Remote(_) => None,
                })
                .filter(|t| *t != env.template);
            if let Some(t) = template {
                return Err(Error::Conflict(format!(
                    "'{name}' exists, made from template '{}', not '{t}'\n  \
                     Delete it or pick another name.",
                    env.template
                )));
            }
            let busy = env.operation.is_some() || env.status.is_transient();
            match env.status {
                Status::Failed => {
                    return Err(Error::Conflict(format!(
                        "'{name}' exists and failed: {}\n  Delete it (envctl delete --if-exists {name}) and run again.",
                        env.error.as_deref().unwrap_or("no reason recorded")
                    )));
                }
                Status::Deleting => {
                    self.gone(&env.id, cancel.as_mut()).await?;
                    continue;
                }
                _ if busy => {
                    tokio::select! {
                        settled = self.settle(&env.id, progress) => { settled?; }
                        () = cancel.as_mut() => return Err(Error::Interrupted),
                    }
                    continue;
                }
                Status::Running if env.ready || !opts.wait => {
                    progress.environment(&env);
                    return Ok(env);
                }
                _ => {
                    return tokio::select! {
                        started = self.start(&env.id, opts.wait, opts.timeout, progress) => started,
                        () = cancel.as_mut() => Err(Error::Interrupted),
                    };
                }
            }
        }
    }

    /// Starts a stopped environment and (with `wait`) waits until it is ready.
    pub async fn start(
        &self,
        target: &str,
        wait: bool,
        timeout: Option<Duration>,
        progress: &dyn Progress,
    ) -> Result<Environment> {
        match self {
            Backend::Local(ctx) => {
                ops::start(ctx, &Caller::local(), target, wait, timeout, progress).await
            }
            Backend::Remote(r) => {
                let env = r.start(target, timeout).await?;
                progress.environment(&env);
                if !wait {
                    return Ok(env);
                }
                self.settle(&env.id, progress).await
            }
        }
    }

    pub async fn stop(&self, target: &str, progress: &dyn Progress) -> Result<Environment> {
        match self {
            Backend::Local(ctx) => ops::stop(ctx, &Caller::local(), target, progress).await,
            Backend::Remote(r) => {
                let env = r.stop(target).await?;
                progress.environment(&env);
                Ok(env)
            }
        }
    }

    pub async fn delete(&self, target: &str, opts: &DeleteOptions) -> Result<Option<Deleted>> {
        match self {
            Backend::Local(ctx) => ops::delete(ctx, &Caller::local(), target, opts).await,
            Backend::Remote(r) => r.delete(target, opts).await,
        }
    }

    /// Moves an environment's end of life: `by` later, or to `until`.
    pub async fn extend(
        &self,
        target: &str,
        by: Option<std::time::Duration>,
        until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Environment> {
        let request = crate::ops::requests::UpdateRequest::extend(by, until);
        match self {
            Backend::Local(ctx) => {
                let change = request.into_change(chrono::Utc::now())?;
                ops::update(ctx, &Caller::local(), target, &change.update).await
            }
            Backend::Remote(r) => r.update(target, &request).await,
        }
    }

    pub async fn set_pinned(&self, target: &str, pinned: bool) -> Result<Environment> {
        match self {
            Backend::Local(ctx) => ops::set_pinned(ctx, &Caller::local(), target, pinned).await,
            Backend::Remote(r) => r.set_pinned(target, pinned).await,
        }
    }

    /// Stops and starts one service of a running environment.
    pub async fn restart_service(&self, target: &str, service: &str) -> Result<Environment> {
        match self {
            Backend::Local(ctx) => {
                ops::lifecycle::restart_service(ctx, &Caller::local(), target, service).await
            }
            Backend::Remote(r) => r.restart_service(target, service).await,
        }
    }

    pub async fn logs(
        &self,
        target: &str,
        service: Option<&str>,
        follow: bool,
        tail: Option<usize>,
    ) -> Result<LogStream> {
        match self {
            Backend::Local(ctx) => {
                ops::logs(ctx, &Caller::local(), target, service, follow, tail).await
            }
            Backend::Remote(r) => r.logs(target, service, follow, tail).await,
        }
    }

    /// Runs a command in a service's container (`exec`, `shell`), attached.
    pub async fn exec(&self, target: &str, request: &ExecRequest) -> Result<Exec> {
        match self {
            Backend::Local(ctx) => {
                let session = ops::exec::exec(ctx, &Caller::local(), target, request).await?;
                let (output, input, control) = session.split();
                Ok(Exec {
                    output,
                    input,
                    control: ExecControl::Local(control),
                })
            }
            Backend::Remote(r) => {
                let (output, input, control) = r.exec(target, request).await?;
                Ok(Exec {
                    output,
                    input,
                    control: ExecControl::Remote(control),
                })
            }
        }
    }

    /// One environment's resource figures. Locally `sampler` keeps the last
    /// sample of each container, so a refresh needs one new sample; remotely
    /// the server's monitor does.
    pub async fn environment_stats(
        &self,
        target: &str,
        sampler: &mut Sampler,
    ) -> Result<EnvironmentStats> {
        match self {
            Backend::Local(ctx) => stats::environment_stats(ctx, target, sampler, STATS_GAP).await,
            Backend::Remote(r) => r.environment_stats(target).await,
        }
    }

    /// Host figures and every running environment's (every one with `all`).
    pub async fn overview(&self, all: bool, sampler: &mut Sampler) -> Result<Overview> {
        match self {
            Backend::Local(ctx) => stats::overview(ctx, all, sampler, STATS_GAP).await,
            Backend::Remote(r) => r.overview(all).await,
        }
    }

    /// The report of a range (see [`crate::ops::report`]).
    pub async fn report(
        &self,
        request: &crate::ops::report::ReportRequest,
    ) -> Result<crate::ops::report::Report> {
        match self {
            Backend::Local(ctx) => crate::ops::report::report(ctx, &Caller::local(), request),
            Backend::Remote(r) => r.report(request).await,
        }
    }

    pub async fn sync(&self, opts: &SyncOptions) -> Result<SyncReport> {
        match self {
            Backend::Local(ctx) => sync::sync(ctx, &Caller::local(), opts).await,
            Backend::Remote(r) => r.sync(opts).await,
        }
    }

    /// Plans a cleanup (and syncs first, as a dry run when `request.dry_run`).
    pub async fn plan_cleanup(&self, request: &CleanupRequest) -> Result<PlannedCleanup> {
        match self {
            Backend::Local(ctx) => {
                let opts = request.options(&ctx.config.cleanup)?;
                let prepared = cleanup::prepare(ctx, &Caller::local(), &opts).await?;
                Ok(PlannedCleanup::Local(prepared, opts))
            }
            Backend::Remote(r) => {
                let mut remote = request.clone();
                remote.dry_run = true;
                let report = r.cleanup(&remote).await?;
                remote.dry_run = request.dry_run;
                Ok(PlannedCleanup::Remote(report, remote))
            }
        }
    }

    /// Runs what [`Backend::plan_cleanup`] planned (a dry run reports only).
    pub async fn run_cleanup(&self, planned: PlannedCleanup) -> Result<CleanupReport> {
        match (self, planned) {
            (Backend::Local(ctx), PlannedCleanup::Local(prepared, opts)) => {
                cleanup::execute(ctx, &Caller::local(), prepared, &opts).await
            }
            (Backend::Remote(_), PlannedCleanup::Remote(report, request)) if request.dry_run => {
                Ok(report)
            }
            (Backend::Remote(r), PlannedCleanup::Remote(_, request)) => r.cleanup(&request).await,
            _ => Err(Error::Failed(
                "a cleanup planned on one side cannot run on the other".into(),
            )),
        }
    }

    /// Plans and runs a cleanup in one go, never asking (`auto-cleanup`).
    pub async fn cleanup(&self, request: &CleanupRequest) -> Result<CleanupReport> {
        match self {
            Backend::Local(ctx) => {
                let opts = request.options(&ctx.config.cleanup)?;
                cleanup::cleanup(ctx, &Caller::local(), &opts).await
            }
            Backend::Remote(r) => r.cleanup(request).await,
        }
    }

    /// Reads the record until no operation is in progress on it, reporting
    /// each service's step as it changes: what `--wait` waits for, in both
    /// modes, when another process does the work.
    pub async fn settle(&self, id: &str, progress: &dyn Progress) -> Result<Environment> {
        let mut steps: BTreeMap<String, Step> = BTreeMap::new();
        let mut last: Option<(Status, bool)> = None;
        let mut pause = POLL_FIRST;
        loop {
            let env = match self.show(id).await {
                Ok(env) => env,
                Err(e) if e.is_not_found() => {
                    return Err(Error::Conflict(format!(
                        "environment {id} was deleted meanwhile"
                    )));
                }
                Err(e) => return Err(e),
            };
            if last != Some((env.status, env.ready)) {
                last = Some((env.status, env.ready));
                progress.environment(&env);
            }
            for (name, service) in &env.services {
                let step = match env.status {
                    _ if service.ready => Step::Ready,
                    Status::Creating => Step::Creating,
                    Status::Prepared => Step::Starting,
                    Status::Running if env.operation.is_some() => Step::Waiting,
                    Status::Failed => Step::Failed(env.error.clone().unwrap_or_default()),
                    _ => continue,
                };
                if steps.get(name) != Some(&step) {
                    progress.service(name, step.clone());
                    steps.insert(name.clone(), step);
                }
            }
            match env.status {
                Status::Failed => {
                    return Err(Error::Failed(
                        env.error
                            .unwrap_or_else(|| format!("'{}' failed", env.name)),
                    ));
                }
                Status::Deleting => {
                    return Err(Error::Conflict(format!(
                        "environment '{}' is being deleted",
                        env.name
                    )));
                }
                status if !status.is_transient() && env.operation.is_none() => return Ok(env),
                _ => {}
            }
            if let Some(op) = &env.operation {
                if let Some(reason) = op.abandoned(Utc::now())
                    && op.deadline > Utc::now()
                {
                    return Err(Error::Failed(format!(
                        "'{}' will not settle: {reason}\n  Run `envctl sync` to settle it.",
                        env.name
                    )));
                }
                let grace = chrono::Duration::from_std(DEADLINE_GRACE).unwrap_or_default();
                if op
                    .deadline
                    .checked_add_signed(grace)
                    .is_some_and(|d| Utc::now() > d)
                {
                    return Err(Error::Failed(format!(
                        "the {} of '{}' passed its deadline ({}) without finishing\n  \
                         Run `envctl sync` to settle it.",
                        op.action,
                        env.name,
                        op.deadline.to_rfc3339()
                    )));
                }
            }
            tokio::time::sleep(pause).await;
            pause = next_poll(pause);
        }
    }

    /// Waits until the environment `id` no longer exists.
    async fn gone(&self, id: &str, mut cancel: impl Future<Output = ()> + Unpin) -> Result<()> {
        let mut pause = POLL_FIRST;
        loop {
            match self.show(id).await {
                Err(e) if e.is_not_found() => return Ok(()),
                Err(e) => return Err(e),
                Ok(_) => {}
            }
            tokio::select! {
                () = tokio::time::sleep(pause) => { pause = next_poll(pause); }
                () = &mut cancel => return Err(Error::Interrupted),
            }
        }
    }
}

/// A command running in a container, on either side.
pub struct Exec {
    /// Its output; ends when the command does.
    pub output: ExecOutputStream,
    /// Its stdin: shut it down for end-of-file.
    pub input: ExecInput,
    pub control: ExecControl,
}

/// What resizes a running command's terminal and reads its exit code.
pub enum ExecControl {
    Local(ops::exec::Control),
    Remote(remote::RemoteExec),
}

impl ExecControl {
    /// Resizes the command's terminal; best effort.
    pub async fn resize(&self, size: TerminalSize) {
        match self {
            ExecControl::Local(c) => {
                let _ = c.resize(size).await;
            }
            ExecControl::Remote(r) => r.resize(size),
        }
    }

    /// The command's exit code, once its output has ended.
    pub async fn exit_code(&self) -> Result<i64> {
        match self {
            ExecControl::Local(c) => c.exit_code().await,
            ExecControl::Remote(r) => r.exit_code().await,
        }
    }
}

fn local_only(command: &str, remote: &Remote) -> Error {
    Error::InvalidInput(format!(
        "`envctl {command}` works on a local database only, and --server (or ENVCTL_SERVER) \
         is set to {}\n  Run it on the server's machine, or unset ENVCTL_SERVER.",
        remote.url()
    ))
}

fn is_conflict(e: &Error) -> bool {
    match e {
        Error::Conflict(_) => true,
        Error::Remote { code, .. } => *code == crate::error::ErrorCode::Conflict,
        _ => false,
    }
}
