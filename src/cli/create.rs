//! `envctl create`: make an environment from a template.

use std::time::Duration;

use envctl::{Backend, CreateOptions};

use super::{Printer, interrupted, parse_duration};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Name of the environment [default: <owner>-<4 hex digits>]
    pub name: Option<String>,
    /// Template to make it from [default: the config's default, `onboarding`]
    #[arg(short, long)]
    pub template: Option<String>,
    /// Who owns it [default: $USER]
    #[arg(short, long)]
    pub owner: Option<String>,
    /// A label, key=value (repeatable)
    #[arg(short, long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Time to live, after which cleanup may remove it (e.g. 8h, 7d)
    #[arg(long, value_parser = parse_duration)]
    pub ttl: Option<Duration>,
    /// Return once the containers are started, without waiting for readiness
    #[arg(long)]
    pub no_wait: bool,
    /// Wait until every service is ready (the default; for scripts that say so)
    #[arg(long, conflicts_with = "no_wait")]
    pub wait: bool,
    /// Give up (and roll back) after this long [default: the config's, 15m]
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// On failure, keep the containers for inspection
    #[arg(long)]
    pub keep_on_failure: bool,
    /// Never let cleanup remove it
    #[arg(long)]
    pub pin: bool,
    /// If NAME exists, answer it instead (waiting for it, or starting it when
    /// stopped); fail only if it failed or comes from another template. For CI.
    #[arg(long, requires = "name")]
    pub if_not_exists: bool,
    /// Create cold, even when the template's warm pool has a ready member
    #[arg(long)]
    pub no_pool: bool,
    /// Restore the volumes of this archive (an id from `envctl archive list`,
    /// or an environment name for its newest) before the services start;
    /// the template is the archive's unless --template names another
    #[arg(long, value_name = "ARCHIVE")]
    pub from_archive: Option<String>,
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let labels = args
        .labels
        .iter()
        .map(|l| envctl::names::parse_label(l))
        .collect::<envctl::Result<_>>()?;
    let opts = CreateOptions {
        name: args.name,
        template: args.template,
        owner: args.owner,
        labels,
        ttl: args.ttl,
        wait: !args.no_wait,
        timeout: args.timeout,
        keep_on_failure: args.keep_on_failure,
        pinned: args.pin,
        no_pool: args.no_pool,
        for_pool: false,
        from_archive: args.from_archive,
    };
    let bars = printer.progress();
    let env = if args.if_not_exists {
        backend.create_if_missing(&opts, &bars, interrupted()).await
    } else {
        backend.create(&opts, &bars, interrupted()).await
    };
    bars.finish();
    printer.created(&env?)
}
