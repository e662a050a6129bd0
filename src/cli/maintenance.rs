//! `cleanup`, `auto-cleanup`, `sync`, `reset-db` and `auto-reset-db`: the
//! maintenance commands, safe to run from cron.

use std::time::Duration;

use envctl::client::CleanupRequest;
use envctl::ops::reset::{self, ResetOptions};
use envctl::ops::sync::SyncOptions;
use envctl::{Backend, Context, Error};

use super::{Printer, confirm, parse_duration};

#[derive(Debug, clap::Args)]
pub struct CleanupArgs {
    /// Keep only the N most recent environments [config: cleanup.keep]
    #[arg(long, value_name = "N")]
    pub keep: Option<usize>,
    /// Remove environments created longer ago than this [config: cleanup.older_than]
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub older_than: Option<Duration>,
    /// Remove failed environments this long after they failed [config: cleanup.failed_grace, 24h]
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub failed_grace: Option<Duration>,
    /// Apply --keep to each owner separately [config: cleanup.per_owner]
    #[arg(long)]
    pub per_owner: bool,
    /// Show the plan; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// How many environments to remove at once [config: cleanup.concurrency, 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,
    /// Fail at once (exit 5) if another cleanup, sync or reset is running, instead of waiting
    #[arg(long)]
    pub no_wait: bool,
}

impl CleanupArgs {
    fn request(&self) -> CleanupRequest {
        CleanupRequest {
            dry_run: self.dry_run,
            concurrency: self.concurrency.map(usize::from),
            wait_for_lock: !self.no_wait,
            ..CleanupRequest::new(
                self.keep,
                self.older_than,
                self.failed_grace,
                self.per_owner,
            )
        }
    }
}

/// `cleanup`: shows the plan, asks, removes.
pub async fn cleanup(
    backend: &Backend,
    args: CleanupArgs,
    yes: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let request = args.request();
    let planned = backend.plan_cleanup(&request).await?;
    if request.dry_run || planned.plan().remove.is_empty() {
        let report = backend.run_cleanup(planned).await?;
        return printer.cleanup_plan(&report);
    }
    printer.plan_table(planned.sync(), planned.plan(), planned.archives())?;
    let question = format!("Remove {} environment(s)?", planned.plan().remove.len());
    if !confirm(&question, yes)? {
        return Err(Error::Failed("cancelled; nothing was removed".into()).into());
    }
    let report = backend.run_cleanup(planned).await?;
    printer.cleanup_done("cleanup", &report)?;
    failures(report.has_errors(), report.failed())
}

/// `auto-cleanup`: the same policy, never asks; one summary line.
pub async fn auto_cleanup(
    backend: &Backend,
    args: CleanupArgs,
    printer: &Printer,
) -> anyhow::Result<()> {
    let report = backend.cleanup(&args.request()).await?;
    printer.cleanup_done("auto-cleanup", &report)?;
    failures(report.has_errors(), report.failed())
}

fn failures(any: bool, count: usize) -> anyhow::Result<()> {
    if any {
        return Err(
            Error::Failed(format!("{count} removal(s) or repairs failed; see above")).into(),
        );
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Report what is out of step; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove labelled containers, networks and volumes that have no record
    #[arg(long, conflicts_with = "adopt")]
    pub remove_orphans: bool,
    /// Rebuild records for orphaned environments from their Docker labels
    #[arg(long)]
    pub adopt: bool,
    /// Fail at once (exit 5) if another cleanup, sync or reset is running
    #[arg(long)]
    pub no_wait: bool,
}

pub async fn sync(backend: &Backend, args: SyncArgs, printer: &Printer) -> anyhow::Result<()> {
    let opts = SyncOptions {
        dry_run: args.dry_run,
        remove_orphans: args.remove_orphans,
        adopt: args.adopt,
        wait_for_lock: !args.no_wait,
        leave_dead_services: false,
    };
    let report = backend.sync(&opts).await?;
    printer.sync_report(&report)?;
    if report.has_errors() {
        return Err(Error::Failed("some repairs failed; see above".into()).into());
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    /// Empty the database and remove every container, network and volume of this installation
    #[arg(long)]
    pub empty: bool,
    /// Fail at once (exit 5) if another cleanup, sync or reset is running
    #[arg(long)]
    pub no_wait: bool,
}

/// `reset-db` asks first; `auto-reset-db` (`ask = false`) never does.
pub async fn reset(
    ctx: &Context,
    args: ResetArgs,
    ask: bool,
    yes: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    if ask {
        let question = if args.empty {
            "Back up, then EMPTY the database and remove every environment's containers and volumes?"
        } else {
            "Back up, then rebuild the database from what Docker runs?"
        };
        if !confirm(question, yes)? {
            return Err(Error::Failed("cancelled; nothing was changed".into()).into());
        }
    }
    let opts = ResetOptions {
        empty: args.empty,
        wait_for_lock: !args.no_wait,
        concurrency: None,
    };
    let report = reset::reset(ctx, &envctl::Caller::local(), &opts).await?;
    printer.reset_report(&report)
}
