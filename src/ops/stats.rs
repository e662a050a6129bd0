//! Resource figures from Docker's stats: per service and per environment,
//! CPU % (from two samples, as `docker stats` computes it), memory used and
//! limit, network and block I/O, restarts and uptime; and host figures
//! (environments by status, ports used and free, disk used by volumes).
//!
//! The arithmetic is pure and tested here; [`Sampler`] takes the samples
//! through [`crate::engine::Engine`] and remembers the previous one of each
//! container, so a refresh (`stats --watch`, the server's sampler) needs one
//! new sample, not two. The server's sampler ([`Sampler::watching`]) reads
//! what the engine keeps current (a stats stream per running container) and
//! asks one-shot only for containers it has no readings of.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::engine::Engine;
use crate::engine::Runtime;
use crate::error::Result;
use crate::store::{Environment, Status};

pub use crate::engine::Sample;

/// CPU use between two samples, in percent of one CPU (so up to 100 × CPUs),
/// as `docker stats` computes it. 0 when the counters went backwards (the
/// container restarted) or no time passed.
pub fn cpu_percent(previous: &Sample, current: &Sample) -> f64 {
    if current.cpu_total < previous.cpu_total || current.system_total <= previous.system_total {
        return 0.0;
    }
    let cpu = (current.cpu_total - previous.cpu_total) as f64;
    let system = (current.system_total - previous.system_total) as f64;
    cpu / system * f64::from(current.online_cpus.max(1)) * 100.0
}

/// Memory in use without reclaimable cache, as `docker stats` shows it:
/// cgroup v1 reports `total_inactive_file`, v2 `inactive_file`.
pub fn memory_without_cache(usage: u64, counters: &HashMap<String, u64>) -> u64 {
    for key in ["total_inactive_file", "inactive_file"] {
        if let Some(&inactive) = counters.get(key)
            && inactive < usage
        {
            return usage - inactive;
        }
    }
    usage
}

/// Bytes read and written, from blkio entries (`op` is "Read"/"read", ...).
pub fn block_io<'a>(entries: impl IntoIterator<Item = (&'a str, u64)>) -> (u64, u64) {
    entries
        .into_iter()
        .fold((0, 0), |(r, w), (op, value)| match op {
            o if o.eq_ignore_ascii_case("read") => (r + value, w),
            o if o.eq_ignore_ascii_case("write") => (r, w + value),
            _ => (r, w),
        })
}

/// Figures of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServiceStats {
    pub service: String,
    pub container: String,
    pub running: bool,
    pub cpu_percent: f64,
    pub memory_used: u64,
    /// The container's limit, or the host's memory when it has none.
    pub memory_limit: u64,
    pub memory_percent: f64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub block_read: u64,
    pub block_write: u64,
    pub restarts: u64,
    /// Seconds since it started; `None` when it is not running.
    pub uptime_seconds: Option<u64>,
}

impl ServiceStats {
    /// The figures from two samples of one container (the same sample twice
    /// gives 0 % CPU).
    pub fn from_samples(
        service: &str,
        container: &str,
        previous: &Sample,
        current: &Sample,
    ) -> ServiceStats {
        let running = current.running;
        ServiceStats {
            service: service.to_owned(),
            container: container.to_owned(),
            running,
            cpu_percent: if running {
                round2(cpu_percent(previous, current))
            } else {
                0.0
            },
            memory_used: current.memory_used,
            memory_limit: current.memory_limit,
            memory_percent: percent(current.memory_used, current.memory_limit),
            net_rx: current.net_rx,
            net_tx: current.net_tx,
            block_read: current.block_read,
            block_write: current.block_write,
            restarts: current.restarts,
            uptime_seconds: current
                .started_at
                .filter(|_| running)
                .map(|s| (current.at - s).num_seconds().max(0) as u64),
        }
    }

    /// A service whose container is gone.
    fn missing(service: &str, container: &str) -> ServiceStats {
        ServiceStats {
            service: service.to_owned(),
            container: container.to_owned(),
            running: false,
            cpu_percent: 0.0,
            memory_used: 0,
            memory_limit: 0,
            memory_percent: 0.0,
            net_rx: 0,
            net_tx: 0,
            block_read: 0,
            block_write: 0,
            restarts: 0,
            uptime_seconds: None,
        }
    }
}

/// An environment's figures: the sums over its services.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Totals {
    pub cpu_percent: f64,
    pub memory_used: u64,
    pub memory_limit: u64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub block_read: u64,
    pub block_write: u64,
    pub restarts: u64,
}

impl Totals {
    pub fn of(services: &[ServiceStats]) -> Totals {
        let mut t = Totals::default();
        for s in services {
            t.cpu_percent += s.cpu_percent;
            t.memory_used += s.memory_used;
            t.memory_limit += s.memory_limit;
            t.net_rx += s.net_rx;
            t.net_tx += s.net_tx;
            t.block_read += s.block_read;
            t.block_write += s.block_write;
            t.restarts += s.restarts;
        }
        t.cpu_percent = round2(t.cpu_percent);
        t
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnvironmentStats {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub sampled_at: DateTime<Utc>,
    pub services: Vec<ServiceStats>,
    pub total: Totals,
}

/// Host figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HostStats {
    /// Environments by status (every status, 0 included).
    pub environments: BTreeMap<String, usize>,
    /// The configured port range and how much of it environments hold.
    pub ports: PortUsage,
    /// Named volumes of this installation's environments and their size on
    /// disk (`null` when the engine cannot tell).
    pub volumes: usize,
    pub volume_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PortUsage {
    pub first: u16,
    pub last: u16,
    pub total: u32,
    pub used: u32,
    pub free: u32,
}

/// Every environment's figures (those running, or all with `all`) and the host's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Overview {
    pub host: HostStats,
    pub environments: Vec<EnvironmentStats>,
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round2(part as f64 / whole as f64 * 100.0)
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Takes samples and remembers the last one of each container.
#[derive(Default)]
pub struct Sampler {
    previous: HashMap<String, Sample>,
    /// Read the engine's watched readings first (see [`Sampler::watching`]).
    watching: bool,
}

/// How long a round waits for the first two readings of containers the
/// engine starts watching, before reading the rest one-shot. Docker's stream
/// sends one at once and the next after its next collection pass: a second
/// plus the pass, which takes seconds when hundreds of containers are
/// watched (and reading hundreds one-shot takes longer still).
const WATCH_WAIT: Duration = Duration::from_secs(5);

impl Sampler {
    /// A sampler for a long-lived process (the server's monitor): it reads
    /// [`Runtime::watched_samples`] (no engine call per container once the
    /// streams run) and reads one-shot only what the engine has no readings
    /// of. A one-shot process (`envctl stats`) uses [`Sampler::default`].
    pub fn watching() -> Sampler {
        Sampler {
            watching: true,
            ..Sampler::default()
        }
    }

    /// The figures of `envs`, from a new sample of each container and the
    /// previous one. Containers seen for the first time are sampled twice,
    /// `first_gap` apart (concurrently), so their CPU % is real.
    /// Only containers in `present` (when given) are asked for; the others
    /// count as gone without a call.
    pub async fn sample(
        &mut self,
        engine: &Engine,
        envs: &[Environment],
        first_gap: Duration,
        present: Option<&HashSet<String>>,
    ) -> Vec<EnvironmentStats> {
        let containers: Vec<&str> = envs
            .iter()
            .flat_map(|e| e.services.values().map(|s| s.container.as_str()))
            .filter(|c| present.is_none_or(|p| p.contains(*c)))
            .collect();
        let mut current: HashMap<String, Sample> = HashMap::new();
        if self.watching {
            let names: Vec<String> = containers.iter().map(|c| (*c).to_owned()).collect();
            for (name, w) in engine.watched_samples(&names, WATCH_WAIT).await {
                // CPU % over the time since the last round; for a container
                // seen the first time, over the stream's last second. With
                // neither, it is read one-shot below.
                // The last round's reading, unless the stream has brought
                // none since (rounds less than a second apart).
                let newer = |p: &Sample| p.system_total < w.current.system_total;
                if !self.previous.get(&name).is_some_and(newer) {
                    match w.previous {
                        Some(before) => {
                            self.previous.insert(name.clone(), before);
                        }
                        None if self.previous.contains_key(&name) => {}
                        None => continue,
                    }
                }
                current.insert(name, w.current);
            }
        }
        let rest: Vec<&str> = containers
            .iter()
            .copied()
            .filter(|c| !current.contains_key(*c))
            .collect();
        let unseen: Vec<&str> = rest
            .iter()
            .copied()
            .filter(|c| !self.previous.contains_key(*c))
            .collect();
        if !unseen.is_empty() {
            self.previous.extend(take(engine, &unseen).await);
            tokio::time::sleep(first_gap).await;
        }
        current.extend(take(engine, &rest).await);
        let stats = envs
            .iter()
            .map(|env| {
                let services: Vec<ServiceStats> = env
                    .services
                    .iter()
                    .map(|(name, s)| {
                        match (
                            self.previous.get(&s.container),
                            current.get(s.container.as_str()),
                        ) {
                            (Some(p), Some(c)) => {
                                ServiceStats::from_samples(name, &s.container, p, c)
                            }
                            (None, Some(c)) => ServiceStats::from_samples(name, &s.container, c, c),
                            _ => ServiceStats::missing(name, &s.container),
                        }
                    })
                    .collect();
                EnvironmentStats {
                    id: env.id.clone(),
                    name: env.name.clone(),
                    status: env.status,
                    sampled_at: Utc::now(),
                    total: Totals::of(&services),
                    services,
                }
            })
            .collect();
        self.previous.extend(current);
        stats
    }

    /// Forgets every container but `keep` (those of deleted environments).
    pub fn retain(&mut self, keep: &HashSet<&str>) {
        self.previous.retain(|c, _| keep.contains(c.as_str()));
    }
}

/// How many containers are sampled at once. A sample is mostly waiting:
/// engines before API 1.42 answer a repeated one-shot read at their next
/// one-second collection tick.
const SAMPLING_CONCURRENCY: usize = 64;

/// One sample of each container; missing ones left out.
async fn take(engine: &Engine, containers: &[&str]) -> Vec<(String, Sample)> {
    let owned: Vec<String> = containers.iter().map(|c| (*c).to_owned()).collect();
    futures_util::stream::iter(owned)
        .map(|c| async move {
            let sample = engine.container_sample(&c).await;
            (c, sample)
        })
        .buffer_unordered(SAMPLING_CONCURRENCY)
        .filter_map(|(c, sample)| async move { sample.ok().flatten().map(|s| (c, s)) })
        .collect()
        .await
}

/// The figures of one environment: a new sample against `sampler`'s last
/// (two, `gap` apart, the first time).
pub async fn environment_stats(
    ctx: &Context,
    target: &str,
    sampler: &mut Sampler,
    gap: Duration,
) -> Result<EnvironmentStats> {
    let env = crate::ops::show(ctx, target)?;
    let engine = ctx.engine().await?;
    // Only this installation's containers, whatever the record names.
    let present = engine
        .container_names(&ctx.store.instance_id()?, false)
        .await?;
    let mut stats = sampler.sample(engine, &[env], gap, Some(&present)).await;
    Ok(stats.remove(0))
}

/// Host figures: from the database, and the engine for volume sizes.
pub async fn host_stats(ctx: &Context, envs: &[Environment]) -> Result<HostStats> {
    let engine = ctx.engine().await?;
    let instance = ctx.store.instance_id()?;
    let (volumes, volume_bytes) = engine.volume_usage(&instance).await?;
    Ok(host_figures(ctx, envs, volumes, volume_bytes))
}

/// The host figures that need no engine.
pub fn host_figures(
    ctx: &Context,
    envs: &[Environment],
    volumes: usize,
    volume_bytes: Option<u64>,
) -> HostStats {
    let mut by_status: BTreeMap<String, usize> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), 0))
        .collect();
    for e in envs {
        *by_status.entry(e.status.as_str().to_owned()).or_default() += 1;
    }
    let (first, last) = (ctx.config.ports.base, ctx.config.ports.max);
    let total = u32::from(last.saturating_sub(first)) + 1;
    let used: u32 = envs.iter().map(|e| u32::from(e.port_count)).sum();
    HostStats {
        environments: by_status,
        ports: PortUsage {
            first,
            last,
            total,
            used: used.min(total),
            free: total.saturating_sub(used),
        },
        volumes,
        volume_bytes,
    }
}

/// The figures of every running environment (every one with `all`), and the host's.
pub async fn overview(
    ctx: &Context,
    all: bool,
    sampler: &mut Sampler,
    gap: Duration,
) -> Result<Overview> {
    let envs = ctx.store.read()?.environments;
    let measured: Vec<Environment> = envs
        .iter()
        .filter(|e| all || e.status == Status::Running)
        .cloned()
        .collect();
    let engine = ctx.engine().await?;
    let present = engine
        .container_names(&ctx.store.instance_id()?, false)
        .await?;
    let environments = sampler.sample(engine, &measured, gap, Some(&present)).await;
    Ok(Overview {
        host: host_stats(ctx, &envs).await?,
        environments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cpu: u64, system: u64, cpus: u32) -> Sample {
        Sample {
            cpu_total: cpu,
            system_total: system,
            online_cpus: cpus,
            running: true,
            ..Sample::default()
        }
    }

    #[test]
    fn cpu_percent_is_the_share_of_host_time_times_the_cpus() {
        // 0.5 s of CPU while the host's 2 CPUs ran 2 s in all (1 s of wall
        // time): a quarter of the host, which is half of one CPU: 50 %.
        let a = sample(1_000_000_000, 10_000_000_000, 2);
        let b = sample(1_500_000_000, 12_000_000_000, 2);
        assert!((cpu_percent(&a, &b) - 50.0).abs() < 1e-9);
        // Both CPUs flat out for a second: 200 %.
        let c = sample(3_500_000_000, 14_000_000_000, 2);
        assert!((cpu_percent(&b, &c) - 200.0).abs() < 1e-9);
    }

    #[test]
    fn cpu_percent_is_zero_when_counters_go_back_or_time_stands_still() {
        let a = sample(5_000, 10_000, 4);
        assert_eq!(cpu_percent(&a, &a), 0.0);
        assert_eq!(cpu_percent(&a, &sample(1_000, 20_000, 4)), 0.0, "restarted");
        assert_eq!(cpu_percent(&a, &sample(6_000, 9_000, 4)), 0.0);
        // online_cpus missing (0) counts as one CPU.
        assert!((cpu_percent(&a, &sample(6_000, 20_000, 0)) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn memory_leaves_out_the_inactive_page_cache() {
        let v1 = HashMap::from([("total_inactive_file".to_owned(), 300)]);
        assert_eq!(memory_without_cache(1000, &v1), 700);
        let v2 = HashMap::from([("inactive_file".to_owned(), 100)]);
        assert_eq!(memory_without_cache(1000, &v2), 900);
        let bogus = HashMap::from([("inactive_file".to_owned(), 5000)]);
        assert_eq!(memory_without_cache(1000, &bogus), 1000);
        assert_eq!(memory_without_cache(1000, &HashMap::new()), 1000);
    }

    #[test]
    fn block_io_sums_reads_and_writes_of_every_device() {
        let entries = [
            ("Read", 10),
            ("Write", 5),
            ("read", 1),
            ("Sync", 99),
            ("write", 2),
        ];
        assert_eq!(block_io(entries), (11, 7));
    }

    #[test]
    fn service_figures_and_totals() {
        let start = Utc::now() - chrono::Duration::seconds(90);
        let mut a = sample(0, 0, 1);
        a.started_at = Some(start);
        let mut b = sample(250, 1000, 1);
        b.at = start + chrono::Duration::seconds(90);
        b.started_at = Some(start);
        b.memory_used = 64;
        b.memory_limit = 256;
        b.restarts = 2;
        let s = ServiceStats::from_samples("web", "c1", &a, &b);
        assert_eq!(s.cpu_percent, 25.0);
        assert_eq!(s.memory_percent, 25.0);
        assert_eq!(s.uptime_seconds, Some(90));
        let mut stopped = b.clone();
        stopped.running = false;
        let t = ServiceStats::from_samples("db", "c2", &a, &stopped);
        assert_eq!((t.cpu_percent, t.uptime_seconds), (0.0, None));
        let totals = Totals::of(&[s, t]);
        assert_eq!(totals.cpu_percent, 25.0);
        assert_eq!(totals.memory_used, 128);
        assert_eq!(totals.restarts, 4);
        assert_eq!(percent(1, 3), 33.33);
        assert_eq!(percent(1, 0), 0.0);
    }
}
