//! `pool status | reconcile | drain`: the warm pools of templates that have one.

use std::sync::Arc;

use comfy_table::Cell;
use envctl::ops::pool::{self, PoolReport, PoolStatus, ReconcileOptions};
use envctl::{Caller, Context};

use super::{Printer, confirm};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Each pool: floor, desired now and why, ready, warming, members' ages, claims and misses
    Status,
    /// Bring every pool to its desired size: retire old and broken members, make new ones (cron-safe; exit 5 when busy)
    Reconcile {
        /// Fail at once (exit 5) if another cleanup, sync, reset or reconcile is running
        #[arg(long)]
        no_wait: bool,
    },
    /// Remove a pool's idle members (asks; --yes does not)
    Drain {
        /// The template whose pool to drain
        template: String,
    },
}

pub async fn exec(
    ctx: Context,
    command: Command,
    yes: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let caller = Caller::local();
    match command {
        Command::Status => printer.pools(&pool::status(&ctx, pool::now())?),
        Command::Reconcile { no_wait } => {
            // Waits until new members are ready: a process that exits drops
            // the work it would leave in the background.
            let opts = ReconcileOptions {
                wait_for_lock: !no_wait,
                wait: true,
            };
            let reports = pool::reconcile(&Arc::new(ctx), &caller, &opts).await?;
            printer.pool_reports(&reports)
        }
        Command::Drain { template } => {
            let question = format!("Remove the idle members of {template}'s warm pool?");
            if !confirm(&question, yes)? {
                return Err(envctl::Error::Failed("cancelled; nothing was changed".into()).into());
            }
            let removed = pool::drain(&ctx, &caller, &template).await?;
            if printer.json() {
                return printer.json_out(&serde_json::json!({ "removed": removed }));
            }
            printer.note(&format!(
                "drained {template}: {} member(s) removed",
                removed.len()
            ));
            Ok(())
        }
    }
}

impl Printer {
    fn pools(&self, pools: &[PoolStatus]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&pools);
        }
        if pools.is_empty() {
            self.note("no template has a pool ([templates.NAME.pool] in the config)");
            return Ok(());
        }
        let mut table = self.table([
            "TEMPLATE",
            "DESIRED",
            "READY",
            "WARMING",
            "MAX",
            "WHY",
            "CLAIMS 1H/1D",
            "MISSES 1H/1D",
            "MEMBERS (AGE)",
        ]);
        for p in pools {
            let members: Vec<String> = p
                .members
                .iter()
                .map(|m| format!("{} ({}, {})", m.name, m.status, short_age(m.age_secs)))
                .collect();
            table.add_row(vec![
                Cell::new(&p.template),
                Cell::new(p.desired.size),
                Cell::new(p.ready),
                Cell::new(p.warming),
                Cell::new(p.max),
                Cell::new(&p.desired.reason),
                Cell::new(format!("{}/{}", p.demand.claims_hour, p.demand.claims_day)),
                Cell::new(format!("{}/{}", p.demand.misses_hour, p.demand.misses_day)),
                Cell::new(members.join("\n")),
            ]);
        }
        self.out(&format!("{table}\n"))
    }

    fn pool_reports(&self, reports: &[PoolReport]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&reports);
        }
        for r in reports {
            let mut line = format!(
                "{}: desired {} ({}); had {}, made {}, retired {}",
                r.template,
                r.desired,
                r.reason,
                r.had,
                r.created.len(),
                r.retired.len()
            );
            if let Some(limit) = &r.limited_by {
                line.push_str(&format!("; limited by {limit}"));
            }
            self.note(&line);
            for e in &r.errors {
                Printer::warning(&format!("{}: {e}", r.template));
            }
        }
        if reports.iter().any(|r| !r.errors.is_empty()) {
            return Err(envctl::Error::Failed("some pool members could not be made".into()).into());
        }
        Ok(())
    }
}

fn short_age(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}
