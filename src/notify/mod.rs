//! Notifications: the notices envctl sends to the `[[notifications]]`
//! webhooks (a create that failed, an environment about to expire, a cleanup
//! run, ...), and who wants which.
//!
//! The operations call [`emit`] where a thing happens; it only writes the
//! notice into the spool (`queue`), once per endpoint that wants it, and never
//! fails or delays the operation by more than a file write. Delivery
//! (`deliver`) is the server's background task, or, in a CLI process, a
//! short flush before it exits ([`deliver_before_exit`]). Expiry warnings are
//! decided in `expiry`, a pure function of the records, the warnings already
//! sent and the time.
//!
//! Must not: send from inside an operation, or fail one.

pub mod deliver;
pub mod expiry;
pub mod format;
pub mod queue;
pub mod repeat;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Config;
use crate::config::notifications::Endpoint;
pub use crate::config::notifications::{EventKind as Kind, Format};
use crate::context::Context;
use crate::store::Environment;

/// One notice, as the `json` format sends it (the fields are documented in
/// `docs/notifications.md`; new ones may be added, none removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// Unique per notice; the same on every retry and every endpoint
    /// (header `X-Envctl-Delivery`), so a receiver can drop duplicates.
    pub id: String,
    pub kind: Kind,
    pub time: DateTime<Utc>,
    /// One line for people.
    pub summary: String,
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
    /// What this kind carries besides (see the docs, per kind).
    #[serde(default)]
    pub details: BTreeMap<String, Value>,
}

impl Notice {
    fn new(kind: Kind, summary: String) -> Notice {
        use rand::Rng;
        let id: u128 = rand::thread_rng().r#gen();
        Notice {
            id: format!("{id:032x}"),
            kind,
            time: Utc::now(),
            summary,
            environment: None,
            owner: None,
            template: None,
            details: BTreeMap::new(),
        }
    }

    fn about(mut self, env: &Environment) -> Notice {
        self.environment = Some(env.name.clone());
        self.owner = Some(env.owner.clone());
        self.template = Some(env.template.clone());
        self.details
            .insert("environment_id".into(), Value::from(env.id.clone()));
        self
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Notice {
        self.details.insert(key.into(), value.into());
        self
    }

    /// A create or start (`action`) of `env` failed.
    pub fn failed(env: &Environment, action: &str, cause: &str) -> Notice {
        let first = cause.lines().next().unwrap_or(cause);
        Notice::new(
            Kind::Failed,
            format!(
                "{action} of environment '{}' (owner {}) failed: {first}",
                env.name, env.owner
            ),
        )
        .about(env)
        .with("action", action)
        .with("cause", cause)
    }

    /// `env` ends at `expires_at`; `extend` is the command that moves its end.
    pub fn expiring(env: &Environment, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Notice {
        let left = (expires_at - now).to_std().unwrap_or_default();
        let left = humantime::format_duration(Duration::from_secs(left.as_secs() / 60 * 60));
        let extend = format!("envctl extend {} 1d", env.name);
        Notice::new(
            Kind::Expiring,
            format!(
                "environment '{}' of {} expires at {} (in {left}); to keep it: {extend}",
                env.name,
                env.owner,
                expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
        )
        .about(env)
        .with(
            "expires_at",
            expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        )
        .with("extend_command", extend)
    }

    /// `env` was removed because its TTL passed (`archive`: where its volumes went).
    pub fn expired(env: &Environment, archive: Option<&str>) -> Notice {
        let mut n = Notice::new(
            Kind::Expired,
            format!(
                "environment '{}' of {} was removed: its TTL passed",
                env.name, env.owner
            ),
        )
        .about(env);
        if let Some(at) = env.expires_at {
            n = n.with(
                "expires_at",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            );
        }
        if let Some(archive) = archive {
            n = n.with("archive", archive);
        }
        n
    }

    /// A cleanup run removed `removed` environments (`by_rule`: how many by
    /// each rule), and `failed` removals failed.
    pub fn cleanup(
        by_rule: &BTreeMap<String, usize>,
        removed: &[String],
        failed: usize,
        by: &str,
    ) -> Notice {
        let rules: Vec<String> = by_rule.iter().map(|(r, n)| format!("{n} {r}")).collect();
        Notice::new(
            Kind::Cleanup,
            format!(
                "cleanup ({by}) removed {} environment(s) ({}){}",
                removed.len(),
                rules.join(", "),
                if failed > 0 {
                    format!("; {failed} removal(s) failed")
                } else {
                    String::new()
                }
            ),
        )
        .with("removed", removed.len())
        .with("failed", failed)
        .with("by_rule", serde_json::to_value(by_rule).unwrap_or_default())
        .with("environments", removed.to_vec())
        .with("run_by", by)
    }

    /// A service of `env` died more than `limit` times; the environment is failed.
    pub fn restart_limit(env: &Environment, service: &str, limit: u32, reason: &str) -> Notice {
        Notice::new(
            Kind::RestartLimit,
            format!(
                "environment '{}' of {}: service {service} died again after {limit} restart(s); \
                 the environment is marked failed ({reason})",
                env.name, env.owner
            ),
        )
        .about(env)
        .with("service", service)
        .with("restart_limit", limit)
        .with("cause", reason)
    }

    /// A create of `template` found no ready member in its warm pool.
    pub fn pool_miss(template: &str, environment: Option<&str>) -> Notice {
        let mut n = Notice::new(
            Kind::PoolMiss,
            format!(
                "the warm pool of template '{template}' had no ready member; the create runs cold"
            ),
        );
        n.template = Some(template.to_owned());
        n.environment = environment.map(str::to_owned);
        n
    }

    /// A maintenance run (`what`: auto-cleanup, the server's upkeep) failed.
    pub fn maintenance_failed(what: &str, cause: &str) -> Notice {
        Notice::new(
            Kind::MaintenanceFailed,
            format!("{what} failed: {}", cause.lines().next().unwrap_or(cause)),
        )
        .with("run", what)
        .with("cause", cause)
    }

    /// A database backup (taken for `reason`) could not be written.
    pub fn backup_failed(reason: &str, cause: &str) -> Notice {
        Notice::new(
            Kind::BackupFailed,
            format!(
                "the database backup ({reason}) failed: {}",
                cause.lines().next().unwrap_or(cause)
            ),
        )
        .with("reason", reason)
        .with("cause", cause)
    }

    /// The sample `notify test` sends: a notice of `kind` about nothing real,
    /// shaped to pass `endpoint`'s filters.
    pub fn sample(kind: Kind, endpoint: &Endpoint) -> Notice {
        let mut n = Notice::new(
            kind,
            format!("test notice from envctl ({kind}): the webhook works"),
        );
        n.environment = Some("sample".into());
        n.owner = Some(endpoint.owner.clone().unwrap_or_else(|| "someone".into()));
        n.template = Some(
            endpoint
                .template
                .clone()
                .unwrap_or_else(|| "onboarding".into()),
        );
        n.with("test", true)
    }
}

/// Whether `endpoint` wants `notice`: its kind is among the endpoint's
/// events, and, with an owner or template filter, the notice is about that
/// owner's or template's environment (a notice about no environment, such as
/// a cleanup run, passes no filter).
pub fn wants(endpoint: &Endpoint, notice: &Notice) -> bool {
    endpoint.events.contains(&notice.kind)
        && endpoint
            .owner
            .as_ref()
            .is_none_or(|o| notice.owner.as_ref() == Some(o))
        && endpoint
            .template
            .as_ref()
            .is_none_or(|t| notice.template.as_ref() == Some(t))
}

/// What one process has delivered (the server's `/metrics`).
#[derive(Debug, Default)]
pub struct Counts {
    pub sent: AtomicU64,
    pub failed_attempts: AtomicU64,
    pub dropped: AtomicU64,
}

/// Per process: wakes the delivery task when a notice is queued, and counts.
#[derive(Debug, Default)]
pub struct Notifier {
    wake: tokio::sync::Notify,
    pub counts: Counts,
    /// Set in `envctl serve`: drops are logged as the server's.
    server: AtomicBool,
}

impl Notifier {
    /// Marks this process as the server (its delivery task runs).
    pub fn serving(&self) {
        self.server.store(true, Ordering::Relaxed);
    }

    /// Who the event log names for what delivery does.
    pub fn caller(&self) -> crate::access::Caller {
        if self.server.load(Ordering::Relaxed) {
            crate::access::Caller::server()
        } else {
            crate::access::Caller::local()
        }
    }

    /// Resolves when something was queued since the last call.
    pub async fn woken(&self) {
        self.wake.notified().await
    }
}

/// What `/metrics` shows of notifications.
#[derive(Debug, Default, Clone, Copy)]
pub struct Figures {
    pub sent: u64,
    pub failed_attempts: u64,
    pub dropped: u64,
    /// Notices waiting in the spool now (all processes').
    pub queued: usize,
}

/// This process's counts and the spool's length.
pub fn figures(ctx: &Context) -> Figures {
    let c = &ctx.notifier.counts;
    Figures {
        sent: c.sent.load(Ordering::Relaxed),
        failed_attempts: c.failed_attempts.load(Ordering::Relaxed),
        dropped: c.dropped.load(Ordering::Relaxed),
        queued: crate::store::off_worker(|| queue::entries(ctx.store.dir()).len()),
    }
}

/// Set once this process queued a notice: a CLI command then tries to deliver
/// before it exits.
static QUEUED_HERE: AtomicBool = AtomicBool::new(false);

/// Queues `notice` for every endpoint that wants it. Never fails: a spool that
/// cannot be written is logged and skipped.
pub fn emit(ctx: &Context, notice: Notice) {
    emit_to(&ctx.config, ctx.store.dir(), &ctx.notifier, notice);
}

fn emit_to(config: &Config, dir: &Path, notifier: &Notifier, notice: Notice) {
    let endpoints: Vec<&Endpoint> = config
        .notifications
        .iter()
        .filter(|e| wants(e, &notice))
        .collect();
    if endpoints.is_empty() {
        return;
    }
    let caller = notifier.caller();
    crate::store::off_worker(|| {
        for endpoint in endpoints {
            if let Err(e) = queue::enqueue(dir, endpoint, &notice, &notifier.counts, &caller) {
                tracing::warn!(endpoint = %endpoint.label(), kind = %notice.kind, "cannot queue a notification: {e}");
            }
        }
    });
    QUEUED_HERE.store(true, Ordering::SeqCst);
    notifier.wake.notify_one();
}

/// The notices of a cleanup run that removed something (`before`: the
/// records as they were): one `expired` per environment removed for its TTL,
/// and one `cleanup` with the counts per rule.
pub fn cleanup_removals(
    ctx: &Context,
    caller: &crate::access::Caller,
    report: &crate::ops::cleanup::CleanupReport,
    before: &[Environment],
) {
    let mut by_rule = BTreeMap::new();
    let mut removed = Vec::new();
    for outcome in report.outcomes.iter().filter(|o| o.result == "removed") {
        let Some(decision) = report.plan.remove.iter().find(|d| d.id == outcome.id) else {
            continue;
        };
        // The rule's name as plans write it (`expired`, `older_than`, ...).
        let rule = serde_json::to_value(&decision.verdict)
            .ok()
            .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "other".into());
        *by_rule.entry(rule).or_insert(0usize) += 1;
        removed.push(outcome.name.clone());
        if decision.verdict == crate::retention::Verdict::Expired
            && let Some(env) = before.iter().find(|e| e.id == outcome.id)
        {
            emit(ctx, Notice::expired(env, outcome.archive.as_deref()));
        }
    }
    if !removed.is_empty() {
        let by = format!("{} ({})", caller.user, caller.door);
        emit(
            ctx,
            Notice::cleanup(&by_rule, &removed, report.failed(), &by),
        );
    }
}

/// `maintenance_failed` for a cleanup run (auto-cleanup, the API's, the
/// server's) that failed, or some of whose removals or repairs did; nothing
/// when it only found another run holding the lock (that one does the work).
pub fn cleanup_outcome(
    ctx: &Context,
    caller: &crate::access::Caller,
    result: &crate::error::Result<crate::ops::cleanup::CleanupReport>,
) {
    let what = format!("cleanup by {} ({})", caller.user, caller.door);
    let cause = match result {
        Err(crate::error::Error::MaintenanceBusy { .. }) => return,
        Err(e) => e.chain_text(),
        Ok(report) if report.has_errors() => format!(
            "{} removal(s) failed{}",
            report.failed(),
            if report.sync.has_errors() {
                "; some sync repairs failed"
            } else {
                ""
            }
        ),
        Ok(_) => {
            recovered(ctx, Kind::MaintenanceFailed);
            return;
        }
    };
    failure(ctx, &cause, Notice::maintenance_failed(&what, &cause));
}

/// Queues `notice`, a failure of a recurring task (`maintenance_failed`,
/// `backup_failed`) with `cause`, when it is news: on the change from
/// healthy to failing, then once a day while the same failure lasts
/// ([`repeat`]).
pub fn failure(ctx: &Context, cause: &str, notice: Notice) {
    if !ctx.config.notifications.iter().any(|e| wants(e, &notice)) {
        return;
    }
    let kind = notice.kind;
    let tell =
        crate::store::off_worker(|| repeat::tell_at(ctx.store.dir(), kind, cause, Utc::now()));
    if tell {
        emit(ctx, notice);
    }
}

/// The task behind `kind` succeeded: its next failure is news again.
pub fn recovered(ctx: &Context, kind: Kind) {
    if !ctx
        .config
        .notifications
        .iter()
        .any(|e| e.events.contains(&kind))
    {
        return;
    }
    crate::store::off_worker(|| repeat::recovered_at(ctx.store.dir(), kind));
}

/// Queues the `expiring` warnings now due (each once per environment, end of
/// life and endpoint; the state is kept in the data directory). Called by the
/// server's maintenance and by every cleanup run. Never fails.
pub fn warn_expiring(ctx: &Context) {
    if !ctx
        .config
        .notifications
        .iter()
        .any(|e| e.events.contains(&Kind::Expiring))
    {
        return;
    }
    let Ok(db) = ctx.store.read() else { return };
    let queued = crate::store::off_worker(|| {
        expiry::queue_due(
            &ctx.config.notifications,
            ctx.store.dir(),
            &db.environments,
            Utc::now(),
            &ctx.notifier.counts,
            &ctx.notifier.caller(),
        )
    });
    match queued {
        Ok(0) => {}
        Ok(_) => {
            QUEUED_HERE.store(true, Ordering::SeqCst);
            ctx.notifier.wake.notify_one();
        }
        Err(e) => tracing::warn!("cannot check expiry warnings: {e}"),
    }
}

/// What a CLI process does before it exits: deliver what is due within
/// `budget`. A maintenance run (`always`) delivers whatever is pending; any
/// other command only when it queued something itself.
pub async fn deliver_before_exit(
    config: &Config,
    dir: &Path,
    budget: Duration,
    always: bool,
) -> deliver::Round {
    if config.notifications.is_empty() || !(always || QUEUED_HERE.load(Ordering::SeqCst)) {
        return deliver::Round::default();
    }
    let counts = Counts::default();
    let caller = crate::access::Caller::local();
    deliver::deliver_due(
        config,
        dir,
        tokio::time::Instant::now() + budget,
        &counts,
        &caller,
    )
    .await
}
