//! `envctl report`: figures of a time range from the event log (created,
//! alive and removed environments, environment-hours, provisioning time,
//! failures, cleanup, pools, utilisation, uptime), grouped by owner,
//! template or a label. The figures are the library's
//! ([`envctl::ops::report`]); this file only asks and prints.

use comfy_table::Cell;
use envctl::Backend;
use envctl::ops::report::{Report, ReportRequest};

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Start of the range: a duration back from --until (30d, 12h) or a time
    /// (2026-11-01, "2026-11-01 09:00", RFC 3339)
    #[arg(long, value_name = "WHEN", default_value = "30d")]
    pub since: String,
    /// End of the range, in the same forms [default: now]
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Group by owner, template or label:KEY (label:team)
    #[arg(long, value_name = "KEY", default_value = "owner")]
    pub by: String,
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let request = ReportRequest::parse(
        Some(&args.since),
        args.until.as_deref(),
        Some(&args.by),
        chrono::Utc::now(),
    )?;
    let report = backend.report(&request).await?;
    printer.report(&report)
}

fn ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "-".to_owned(), |p| format!("{p:.0}%"))
}

impl Printer {
    /// The report: a table per figure, or the JSON object.
    pub fn report(&self, r: &Report) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(r);
        }
        let when = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
        let mut out = format!(
            "Report {} to {}, by {} ({} events)\n",
            when(r.since),
            when(r.until),
            r.by,
            r.events
        );
        let mut table = self.table([
            "GROUP",
            "CREATED",
            "ALIVE",
            "REMOVED",
            "ENV-HOURS",
            "FAILED",
            "FAILURE RATE",
        ]);
        for g in r.groups.iter().chain([&r.total]) {
            table.add_row(vec![
                Cell::new(&g.key),
                Cell::new(g.created),
                Cell::new(g.alive),
                Cell::new(g.removed),
                Cell::new(format!("{:.1}", g.environment_hours)),
                Cell::new(g.creates_failed),
                Cell::new(format!("{:.1}%", g.failure_rate * 100.0)),
            ]);
        }
        out.push_str(&format!("{table}\n"));
        if !r.provisioning.is_empty() {
            let mut table = self.table(["TEMPLATE", "CREATES", "P50", "P95"]);
            for p in &r.provisioning {
                table.add_row(vec![
                    Cell::new(&p.template),
                    Cell::new(p.creates),
                    Cell::new(ms(p.p50_ms)),
                    Cell::new(ms(p.p95_ms)),
                ]);
            }
            out.push_str(&format!("\nProvisioning time\n{table}\n"));
        }
        if !r.causes.is_empty() {
            let mut table = self.table(["FAILED", "CODE", "CAUSE"]);
            for c in &r.causes {
                table.add_row(vec![
                    Cell::new(c.count),
                    Cell::new(&c.code),
                    Cell::new(&c.cause),
                ]);
            }
            out.push_str(&format!("\nFailed creates, top causes\n{table}\n"));
        }
        let rules: Vec<String> = r
            .cleanup
            .removed_by_rule
            .iter()
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect();
        out.push_str(&format!(
            "\nCleanup: {} run(s), {:.1} removed per run{}{}\n",
            r.cleanup.runs,
            r.cleanup.removed_per_run,
            if rules.is_empty() {
                String::new()
            } else {
                format!(" ({})", rules.join(", "))
            },
            if r.cleanup.partial_runs > 0 {
                format!("; {} with failed removals", r.cleanup.partial_runs)
            } else {
                String::new()
            }
        ));
        if !r.pools.is_empty() {
            let mut table = self.table(["POOL", "CLAIMS", "MISSES"]);
            for p in &r.pools {
                table.add_row(vec![
                    Cell::new(&p.template),
                    Cell::new(p.claims),
                    Cell::new(p.misses),
                ]);
            }
            out.push_str(&format!("\nWarm pools\n{table}\n"));
        }
        if !r.utilisation.is_empty() {
            let mut table = self.table([
                "TEMPLATE",
                "SAMPLES",
                "MEMORY USED / LIMIT",
                "MEMORY",
                "CPU USED / LIMIT",
                "CPU",
            ]);
            for u in &r.utilisation {
                table.add_row(vec![
                    Cell::new(&u.template),
                    Cell::new(u.samples),
                    Cell::new(format!(
                        "{} / {}",
                        indicatif::BinaryBytes(u.memory_used as u64),
                        indicatif::BinaryBytes(u.memory_limit as u64)
                    )),
                    Cell::new(percent(u.memory_percent)),
                    Cell::new(format!("{:.0}% / {:.0}%", u.cpu_used, u.cpu_limit)),
                    Cell::new(percent(u.cpu_percent)),
                ]);
            }
            out.push_str(&format!(
                "\nUtilisation (means of the server's minute samples)\n{table}\n"
            ));
        }
        out.push_str(&format!(
            "\nServer uptime: {:.1}% ({:.1} h of {:.1} h), {} start(s), {} without a clean stop\n",
            r.uptime.percent,
            r.uptime.up_seconds / 3600.0,
            r.uptime.range_seconds / 3600.0,
            r.uptime.starts,
            r.uptime.unclean_stops
        ));
        self.out(&out)
    }
}
