//! `envctl start` and `envctl stop`.

use std::time::Duration;

use envctl::Backend;

use super::{Printer, parse_duration};

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// Environment id or name
    pub environment: String,
    /// Return once the containers are started, without waiting for readiness
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for readiness [default: the config's, 15m]
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, clap::Args)]
pub struct StopArgs {
    /// Environment id or name
    pub environment: String,
}

pub async fn start(backend: &Backend, args: StartArgs, printer: &Printer) -> anyhow::Result<()> {
    let bars = printer.progress();
    let env = backend
        .start(&args.environment, !args.no_wait, args.timeout, &bars)
        .await;
    bars.finish();
    printer.created(&env?)
}

pub async fn stop(backend: &Backend, args: StopArgs, printer: &Printer) -> anyhow::Result<()> {
    let bars = printer.progress();
    let env = backend.stop(&args.environment, &bars).await;
    bars.finish();
    let env = env?;
    printer.status_line(&format!("stopped {} ({})", env.name, env.id), &env)
}
