//! `envctl create`: make an environment from a template.

use std::time::Duration;

use envctl::{Context, CreateOptions};

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
    /// Give up (and roll back) after this long [default: the config's, 15m]
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// On failure, keep the containers for inspection
    #[arg(long)]
    pub keep_on_failure: bool,
    /// Never let cleanup remove it
    #[arg(long)]
    pub pin: bool,
}

pub async fn exec(ctx: &Context, args: Args, printer: &Printer) -> anyhow::Result<()> {
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
    };
    let bars = printer.progress();
    let env = envctl::create(ctx, &opts, &bars, interrupted()).await;
    bars.finish();
    printer.created(&env?)
}
