//! `GET /metrics`: Prometheus text. Environments by status (read from the
//! database at scrape time), HTTP requests by route and status, and a
//! histogram of provisioning time for creates this server ran.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

use crate::stats::{EnvironmentStats, HostStats};
use crate::store::{Environment, Status};

/// Upper bounds of the provisioning histogram, in seconds.
const BUCKETS: [f64; 9] = [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    provisioning: Mutex<Histogram>,
    /// name → value, for the cleanup and sync counters.
    counters: Mutex<BTreeMap<&'static str, u64>>,
    /// The last provisioning times, for the dashboard's percentiles.
    recent: Mutex<std::collections::VecDeque<f64>>,
}

/// Provisioning times kept for percentiles.
const RECENT: usize = 1000;

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *requests.entry((route.to_owned(), status)).or_default() += 1;
    }

    fn add(&self, name: &'static str, n: u64) {
        *self
            .counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(name)
            .or_default() += n;
    }

    /// A cleanup ran (by the API or the server's upkeep), and its sync.
    pub fn cleanup(&self, report: &crate::cleanup::CleanupReport) {
        self.add("envctl_cleanup_runs_total", 1);
        self.add("envctl_cleanup_removed_total", report.removed() as u64);
        self.add("envctl_cleanup_failed_total", report.failed() as u64);
        self.sync(&report.sync);
    }

    /// A sync ran.
    pub fn sync(&self, report: &crate::sync::SyncReport) {
        self.add("envctl_sync_runs_total", 1);
        self.add("envctl_sync_repairs_total", report.changes.len() as u64);
        self.add("envctl_sync_orphans_total", report.orphans.len() as u64);
    }

    /// A counter's value (0 when never counted).
    pub fn counter(&self, name: &str) -> u64 {
        self.counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    /// p50, p90 and p99 of the last provisioning times (nearest rank), and how many.
    pub fn provisioning_percentiles(&self) -> Option<(f64, f64, f64, usize)> {
        let mut times: Vec<f64> = self
            .recent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .copied()
            .collect();
        if times.is_empty() {
            return None;
        }
        times.sort_by(f64::total_cmp);
        let rank =
            |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
        Some((rank(0.5), rank(0.9), rank(0.99), times.len()))
    }

    pub fn provisioned(&self, seconds: f64) {
        {
            let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
            recent.push_back(seconds);
            while recent.len() > RECENT {
                recent.pop_front();
            }
        }
        let mut h = self.provisioning.lock().unwrap_or_else(|e| e.into_inner());
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The exposition text.
    /// The scrape; `envs` is `None` when the database cannot be read, and
    /// then only the process's own figures are served, with
    /// `envctl_database_readable 0`.
    pub fn render(&self, envs: Option<&[Environment]>) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP envctl_database_readable 1 when the environments database can be read.\n",
        );
        out.push_str("# TYPE envctl_database_readable gauge\n");
        let _ = writeln!(out, "envctl_database_readable {}", u8::from(envs.is_some()));
        if let Some(envs) = envs {
            out.push_str("# HELP envctl_environments Environments in the database, by status.\n");
            out.push_str("# TYPE envctl_environments gauge\n");
            for status in Status::ALL {
                let n = envs.iter().filter(|e| e.status == status).count();
                let _ = writeln!(out, "envctl_environments{{status=\"{status}\"}} {n}");
            }
            let ready = envs.iter().filter(|e| e.ready).count();
            out.push_str(
                "# HELP envctl_environments_ready Environments running with every service ready.\n",
            );
            out.push_str("# TYPE envctl_environments_ready gauge\n");
            let _ = writeln!(out, "envctl_environments_ready {ready}");
        }

        out.push_str(
            "# HELP envctl_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE envctl_http_requests_total counter\n");
        for ((route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "envctl_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }

        let counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        for (name, help) in [
            ("envctl_cleanup_runs_total", "Cleanups run by this server."),
            (
                "envctl_cleanup_removed_total",
                "Environments removed by those cleanups.",
            ),
            ("envctl_cleanup_failed_total", "Removals that failed."),
            (
                "envctl_sync_runs_total",
                "Syncs run by this server (cleanups include one).",
            ),
            (
                "envctl_sync_repairs_total",
                "Records those syncs corrected.",
            ),
            ("envctl_sync_orphans_total", "Orphans those syncs found."),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                counters.get(name).copied().unwrap_or(0)
            );
        }
        drop(counters);

        let h = self.provisioning.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(
            "# HELP envctl_provisioning_seconds Time from create request to ready (or failure).\n",
        );
        out.push_str("# TYPE envctl_provisioning_seconds histogram\n");
        for (bound, n) in BUCKETS.iter().zip(h.counts) {
            let _ = writeln!(
                out,
                "envctl_provisioning_seconds_bucket{{le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "envctl_provisioning_seconds_bucket{{le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(out, "envctl_provisioning_seconds_sum {}", h.sum);
        let _ = writeln!(out, "envctl_provisioning_seconds_count {}", h.count);
        out
    }
}

/// A Prometheus label value: backslash, double quote and newline escaped.
fn label_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Resource gauges: eight per running environment (the sums over its
/// services), and the host's ports and volumes.
pub fn render_resources(out: &mut String, latest: &[EnvironmentStats], host: &HostStats) {
    type Field = fn(&EnvironmentStats) -> f64;
    let gauges: [(&str, &str, Field); 8] = [
        (
            "envctl_environment_cpu_percent",
            "CPU use, percent of one CPU, summed over services.",
            |s| s.total.cpu_percent,
        ),
        (
            "envctl_environment_memory_bytes",
            "Memory in use without page cache.",
            |s| s.total.memory_used as f64,
        ),
        (
            "envctl_environment_memory_limit_bytes",
            "Memory limit (the host's memory for services without one).",
            |s| s.total.memory_limit as f64,
        ),
        (
            "envctl_environment_network_receive_bytes",
            "Bytes received since the containers started.",
            |s| s.total.net_rx as f64,
        ),
        (
            "envctl_environment_network_transmit_bytes",
            "Bytes sent since the containers started.",
            |s| s.total.net_tx as f64,
        ),
        (
            "envctl_environment_block_read_bytes",
            "Bytes read from block devices.",
            |s| s.total.block_read as f64,
        ),
        (
            "envctl_environment_block_write_bytes",
            "Bytes written to block devices.",
            |s| s.total.block_write as f64,
        ),
        (
            "envctl_environment_restarts",
            "Container restarts, summed over services.",
            |s| s.total.restarts as f64,
        ),
    ];
    for (name, help, field) in gauges {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for s in latest {
            let _ = writeln!(
                out,
                "{name}{{environment=\"{}\"}} {}",
                label_value(&s.name),
                field(s)
            );
        }
    }
    for (name, help, value) in [
        (
            "envctl_ports_used",
            "Host ports in the configured range held by environments.",
            Some(u64::from(host.ports.used)),
        ),
        (
            "envctl_ports_free",
            "Host ports in the configured range not held.",
            Some(u64::from(host.ports.free)),
        ),
        (
            "envctl_volumes",
            "Named volumes of this installation's environments.",
            Some(host.volumes as u64),
        ),
        (
            "envctl_volume_bytes",
            "Disk used by those volumes.",
            host.volume_bytes,
        ),
    ] {
        if let Some(v) = value {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
    }
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
        let text = m.render(Some(&[]));
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
    fn percentiles_are_nearest_rank_over_recent_creates() {
        let m = Metrics::default();
        assert_eq!(m.provisioning_percentiles(), None);
        for s in 1..=100 {
            m.provisioned(f64::from(s));
        }
        assert_eq!(m.provisioning_percentiles(), Some((50.0, 90.0, 99.0, 100)));
        m.provisioned(7.0);
        assert_eq!(m.provisioning_percentiles().unwrap().3, 101);
    }
}
