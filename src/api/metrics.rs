//! `GET /metrics`, written by the Prometheus project's own client
//! (`prometheus-client`): environments by status (read from the database at
//! scrape time), HTTP requests by route and status, cleanup and sync
//! counters, a histogram of provisioning time for creates this server ran,
//! and resource gauges. OpenMetrics when the scraper asks for it
//! (`Accept: application/openmetrics-text`), else the classic text format.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::ops::stats::{EnvironmentStats, HostStats};
use crate::store::{Environment, Status};

/// Upper bounds of the provisioning histogram, in seconds.
const BUCKETS: [f64; 9] = [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EnvironmentLabels {
    environment: String,
}

/// What this server counts as it runs (the Prometheus project's client
/// holds it); the gauges are read afresh at each scrape.
pub struct Metrics {
    requests: Family<RequestLabels, Counter>,
    provisioning: Histogram,
    cleanup_runs: Counter,
    cleanup_removed: Counter,
    cleanup_failed: Counter,
    sync_runs: Counter,
    sync_repairs: Counter,
    sync_orphans: Counter,
    pool_claims: Counter,
    pool_misses: Counter,
    pool_claim_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Family::default(),
            provisioning: Histogram::new(BUCKETS),
            cleanup_runs: Counter::default(),
            cleanup_removed: Counter::default(),
            cleanup_failed: Counter::default(),
            sync_runs: Counter::default(),
            sync_repairs: Counter::default(),
            sync_orphans: Counter::default(),
            pool_claims: Counter::default(),
            pool_misses: Counter::default(),
            pool_claim_seconds: Histogram::new(CLAIM_BUCKETS),
        }
    }
}

/// Claim times: milliseconds, not minutes.
const CLAIM_BUCKETS: [f64; 10] = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

/// What one scrape reads besides the counters.
pub struct Scrape<'a> {
    /// `None` when the database cannot be read: then only the process's own
    /// figures are served, with `envctl_database_readable 0`.
    pub environments: Option<&'a [Environment]>,
    /// Each warm pool's state.
    pub pools: &'a [crate::ops::pool::PoolStatus],
    pub latest: &'a [EnvironmentStats],
    pub host: &'a HostStats,
    /// The archive store, when readable.
    pub archives: Option<crate::ops::archive::Usage>,
    /// Room for environments' networks (capacity, used), when the engine answered.
    pub networks: Option<(u64, u64)>,
    /// The run ledger: cleanups, backups and creates by every process.
    pub runs: &'a crate::store::runs::Runs,
    /// Notifications delivered by this server, and the spool's length.
    pub notifications: crate::notify::Figures,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                status,
            })
            .inc();
    }

    /// A cleanup ran (by the API or the server's upkeep), and its sync.
    pub fn cleanup(&self, report: &crate::ops::cleanup::CleanupReport) {
        self.cleanup_runs.inc();
        self.cleanup_removed.inc_by(report.removed() as u64);
        self.cleanup_failed.inc_by(report.failed() as u64);
        self.sync(&report.sync);
    }

    /// A sync ran.
    pub fn sync(&self, report: &crate::ops::sync::SyncReport) {
        self.sync_runs.inc();
        self.sync_repairs.inc_by(report.changes.len() as u64);
        self.sync_orphans.inc_by(report.orphans.len() as u64);
    }

    /// A create of a pooled template through this server claimed a member in `seconds`.
    pub fn pool_claimed(&self, seconds: f64) {
        self.pool_claims.inc();
        self.pool_claim_seconds.observe(seconds);
    }

    /// A create of a pooled template through this server found no ready member.
    pub fn pool_missed(&self) {
        self.pool_misses.inc();
    }

    pub fn provisioned(&self, seconds: f64) {
        self.provisioning.observe(seconds);
    }

    /// The scrape in OpenMetrics text (what the client writes), or, unless
    /// `open_metrics`, in Prometheus' classic text format 0.0.4.
    pub fn render(&self, scrape: &Scrape<'_>, open_metrics: bool) -> String {
        let mut registry = Registry::default();
        let readable = Gauge::<i64>::default();
        readable.set(i64::from(scrape.environments.is_some()));
        registry.register(
            "envctl_database_readable",
            "1 when the environments database can be read",
            readable,
        );
        if let Some(envs) = scrape.environments {
            let by_status = Family::<StatusLabels, Gauge>::default();
            for status in Status::ALL {
                let n = envs.iter().filter(|e| e.status == status).count();
                by_status
                    .get_or_create(&StatusLabels {
                        status: status.to_string(),
                    })
                    .set(n as i64);
            }
            registry.register(
                "envctl_environments",
                "Environments in the database, by status",
                by_status,
            );
            let ready = Gauge::<i64>::default();
            ready.set(envs.iter().filter(|e| e.ready).count() as i64);
            registry.register(
                "envctl_environments_ready",
                "Environments running with every service ready",
                ready,
            );
        }
        registry.register(
            "envctl_http_requests",
            "HTTP requests answered, by route and status",
            self.requests.clone(),
        );
        for (name, help, counter) in [
            (
                "envctl_cleanup_runs",
                "Cleanups run by this server",
                &self.cleanup_runs,
            ),
            (
                "envctl_cleanup_removed",
                "Environments removed by those cleanups",
                &self.cleanup_removed,
            ),
            (
                "envctl_cleanup_failed",
                "Removals that failed",
                &self.cleanup_failed,
            ),
            (
                "envctl_sync_runs",
                "Syncs run by this server (cleanups include one)",
                &self.sync_runs,
            ),
            (
                "envctl_sync_repairs",
                "Records those syncs corrected",
                &self.sync_repairs,
            ),
            (
                "envctl_sync_orphans",
                "Orphans those syncs found",
                &self.sync_orphans,
            ),
            (
                "envctl_pool_claims",
                "Creates through this server that claimed a warm pool member",
                &self.pool_claims,
            ),
            (
                "envctl_pool_misses",
                "Creates of a pooled template through this server that found no ready member",
                &self.pool_misses,
            ),
        ] {
            registry.register(name, help, counter.clone());
        }
        registry.register(
            "envctl_provisioning_seconds",
            "Time from create request to ready (or failure)",
            self.provisioning.clone(),
        );
        registry.register(
            "envctl_pool_claim_seconds",
            "Time a claim from a warm pool took",
            self.pool_claim_seconds.clone(),
        );
        register_pools(&mut registry, scrape.pools);
        if let Some(usage) = scrape.archives {
            let (count, stored, limit) = (usage.archives, usage.stored_bytes, usage.max_bytes);
            let gauges = [
                (
                    "envctl_archives",
                    "Volume archives kept",
                    Some(count as i64),
                ),
                (
                    "envctl_archive_bytes",
                    "Bytes the volume archives take on disk",
                    Some(stored as i64),
                ),
                (
                    "envctl_archive_max_bytes",
                    "The archive store's limit ([archives] max_bytes)",
                    limit.map(|l| l as i64),
                ),
            ];
            for (name, help, value) in gauges {
                if let Some(value) = value {
                    let gauge = Gauge::<i64>::default();
                    gauge.set(value);
                    registry.register(name, help, gauge);
                }
            }
        }
        register_notifications(&mut registry, &scrape.notifications);
        register_resources(&mut registry, scrape.latest, scrape.host);
        if let Some((capacity, used)) = scrape.networks {
            for (name, help, value) in [
                (
                    "envctl_networks_capacity",
                    "Networks environments can have: subnets in [network] subnet_pool, or an estimate of Docker's default pools",
                    capacity,
                ),
                (
                    "envctl_networks_used",
                    "Of those, subnets some network already takes",
                    used,
                ),
            ] {
                let gauge = Gauge::<i64>::default();
                gauge.set(value as i64);
                registry.register(name, help, gauge);
            }
        }
        register_runs(&mut registry, scrape.runs);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &registry);
        if open_metrics {
            text
        } else {
            classic_text(&text)
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TaskLabels {
    task: String,
}

/// The run ledger of every process (cron's cleanups and the CLI's creates
/// included): runs and failures as counters, the last success and failure
/// as Unix times (absent until there was one).
fn register_runs(registry: &mut Registry, runs: &crate::store::runs::Runs) {
    use crate::store::runs::Task;
    let runs_total = Family::<TaskLabels, Counter>::default();
    let failures_total = Family::<TaskLabels, Counter>::default();
    let last_success = Family::<TaskLabels, Gauge>::default();
    let last_failure = Family::<TaskLabels, Gauge>::default();
    for task in Task::ALL {
        let figures = runs.task(task);
        let labels = TaskLabels {
            task: task.name().to_owned(),
        };
        runs_total.get_or_create(&labels).inc_by(figures.runs);
        failures_total
            .get_or_create(&labels)
            .inc_by(figures.failures);
        if let Some(at) = figures.last_success {
            last_success.get_or_create(&labels).set(at.timestamp());
        }
        if let Some(at) = figures.last_failure {
            last_failure.get_or_create(&labels).set(at.timestamp());
        }
    }
    registry.register(
        "envctl_runs",
        "Runs of each task (cleanup, backup, create) finished by any envctl process on this data directory",
        runs_total,
    );
    registry.register(
        "envctl_run_failures",
        "Of those, the runs that failed",
        failures_total,
    );
    registry.register(
        "envctl_last_success_timestamp_seconds",
        "When each task last succeeded (Unix time)",
        last_success,
    );
    registry.register(
        "envctl_last_failure_timestamp_seconds",
        "When each task last failed (Unix time)",
        last_failure,
    );
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TemplateLabels {
    template: String,
}

/// Per pooled template: desired, ready and warming members.
fn register_pools(registry: &mut Registry, pools: &[crate::ops::pool::PoolStatus]) {
    type Field = fn(&crate::ops::pool::PoolStatus) -> i64;
    let gauges: [(&str, &str, Field); 3] = [
        ("envctl_pool_desired", "Members the pool wants now", |p| {
            i64::from(p.desired.size)
        }),
        ("envctl_pool_ready", "Members ready to be claimed", |p| {
            i64::from(p.ready)
        }),
        (
            "envctl_pool_warming",
            "Members being made or not yet ready",
            |p| i64::from(p.warming),
        ),
    ];
    for (name, help, field) in gauges {
        let family = Family::<TemplateLabels, Gauge>::default();
        for p in pools {
            family
                .get_or_create(&TemplateLabels {
                    template: p.template.clone(),
                })
                .set(field(p));
        }
        registry.register(name, help, family);
    }
}

/// Resource gauges: eight per running environment (the sums over its
/// services), and the host's ports and volumes.
fn register_resources(registry: &mut Registry, latest: &[EnvironmentStats], host: &HostStats) {
    let cpu = Family::<EnvironmentLabels, Gauge<f64, AtomicU64>>::default();
    for s in latest {
        cpu.get_or_create(&EnvironmentLabels {
            environment: s.name.clone(),
        })
        .set(s.total.cpu_percent);
    }
    registry.register(
        "envctl_environment_cpu_percent",
        "CPU use, percent of one CPU, summed over services",
        cpu,
    );
    type Field = fn(&EnvironmentStats) -> i64;
    let gauges: [(&str, &str, Field); 7] = [
        (
            "envctl_environment_memory_bytes",
            "Memory in use without page cache",
            |s| s.total.memory_used as i64,
        ),
        (
            "envctl_environment_memory_limit_bytes",
            "Memory limit (the host's memory for services without one)",
            |s| s.total.memory_limit as i64,
        ),
        (
            "envctl_environment_network_receive_bytes",
            "Bytes received since the containers started",
            |s| s.total.net_rx as i64,
        ),
        (
            "envctl_environment_network_transmit_bytes",
            "Bytes sent since the containers started",
            |s| s.total.net_tx as i64,
        ),
        (
            "envctl_environment_block_read_bytes",
            "Bytes read from block devices",
            |s| s.total.block_read as i64,
        ),
        (
            "envctl_environment_block_write_bytes",
            "Bytes written to block devices",
            |s| s.total.block_write as i64,
        ),
        (
            "envctl_environment_restarts",
            "Container restarts, summed over services",
            |s| s.total.restarts as i64,
        ),
    ];
    for (name, help, field) in gauges {
        let family = Family::<EnvironmentLabels, Gauge>::default();
        for s in latest {
            family
                .get_or_create(&EnvironmentLabels {
                    environment: s.name.clone(),
                })
                .set(field(s));
        }
        registry.register(name, help, family);
    }
    for (name, help, value) in [
        (
            "envctl_ports_used",
            "Host ports in the configured range held by environments",
            Some(u64::from(host.ports.used)),
        ),
        (
            "envctl_ports_free",
            "Host ports in the configured range not held",
            Some(u64::from(host.ports.free)),
        ),
        (
            "envctl_volumes",
            "Named volumes of this installation's environments",
            Some(host.volumes as u64),
        ),
        (
            "envctl_volume_bytes",
            "Disk used by those volumes",
            host.volume_bytes,
        ),
    ] {
        if let Some(v) = value {
            let gauge = Gauge::<i64>::default();
            gauge.set(v as i64);
            registry.register(name, help, gauge);
        }
    }
}

/// Whether an `Accept` header asks for OpenMetrics (with a quality above 0).
/// Webhook deliveries by this server, and what waits in the spool.
fn register_notifications(registry: &mut Registry, n: &crate::notify::Figures) {
    for (name, help, value) in [
        (
            "envctl_notifications_sent",
            "Notifications this server delivered (a 2xx answer)",
            n.sent,
        ),
        (
            "envctl_notification_failed_attempts",
            "Notification deliveries that failed and will be retried (or dropped)",
            n.failed_attempts,
        ),
        (
            "envctl_notifications_dropped",
            "Notifications dropped: refused by the receiver, undelivered for a day, or the queue full",
            n.dropped,
        ),
    ] {
        let counter = Counter::<u64>::default();
        counter.inc_by(value);
        registry.register(name, help, counter);
    }
    let queued = Gauge::<i64>::default();
    queued.set(n.queued as i64);
    registry.register(
        "envctl_notifications_queued",
        "Notifications waiting in the queue (all processes')",
        queued,
    );
}

pub fn wants_open_metrics(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let mut fields = part.split(';').map(str::trim);
        let media = fields.next().unwrap_or_default();
        let quality = fields
            .find_map(|f| f.strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        media.eq_ignore_ascii_case("application/openmetrics-text") && quality > 0.0
    })
}

/// OpenMetrics text as Prometheus' classic text format (0.0.4): counters'
/// families are named with their `_total` samples' name, bucket bounds are
/// written as before (`le="1"`, not `le="1.0"`, so existing series and queries
/// keep working), and there is no `# EOF` or `# UNIT`.
fn classic_text(open_metrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = open_metrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(open_metrics.len());
    for line in open_metrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        let line = renamed.as_deref().unwrap_or(line);
        match line.split_once("le=\"") {
            Some((head, rest)) if rest.split_once('"').is_some_and(|(v, _)| v.ends_with(".0")) => {
                let (bound, tail) = rest.split_once('"').unwrap_or_default();
                out.push_str(&format!(
                    "{head}le=\"{}\"{tail}",
                    bound.trim_end_matches(".0")
                ));
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative() {
        let m = Metrics::default();
        m.provisioned(3.0);
        m.provisioned(100.0);
        m.request("/healthz", 200);
        let host = HostStats {
            environments: Default::default(),
            ports: crate::ops::stats::PortUsage {
                first: 1,
                last: 2,
                total: 2,
                used: 0,
                free: 2,
            },
            volumes: 0,
            volume_bytes: None,
        };
        let scrape = Scrape {
            environments: Some(&[]),
            pools: &[],
            latest: &[],
            host: &host,
            archives: Some(crate::ops::archive::Usage {
                archives: 2,
                stored_bytes: 300,
                max_bytes: Some(1000),
            }),
            networks: Some((31, 3)),
            runs: &crate::store::runs::Runs::default(),
            notifications: crate::notify::Figures::default(),
        };
        let text = m.render(&scrape, false);
        assert!(m.render(&scrape, true).ends_with("# EOF\n"));
        assert!(text.contains("envctl_archive_bytes 300"), "{text}");
        assert!(
            text.contains("# TYPE envctl_http_requests_total counter"),
            "{text}"
        );
        assert!(
            text.contains("envctl_provisioning_seconds_bucket{le=\"1\"} 0"),
            "{text}"
        );
        assert!(
            text.contains("envctl_provisioning_seconds_bucket{le=\"5\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("envctl_provisioning_seconds_bucket{le=\"120\"} 2"),
            "{text}"
        );
        assert!(text.contains("envctl_provisioning_seconds_count 2"));
        assert!(text.contains("envctl_http_requests_total{route=\"/healthz\",status=\"200\"} 1"));
        assert!(text.contains("envctl_environments{status=\"running\"} 0"));
    }

    #[test]
    fn open_metrics_is_served_only_when_asked_with_a_quality() {
        assert!(wants_open_metrics(
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
        ));
        assert!(!wants_open_metrics(
            "application/openmetrics-text;q=0,text/plain"
        ));
        assert!(!wants_open_metrics("text/plain;version=0.0.4"));
    }
}
