//! `restart`: stop and start one service of a running environment (the
//! others run on).

use envctl::Backend;

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment id or name
    pub environment: String,
    /// The service to restart (one of the environment's services)
    pub service: String,
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let env = backend
        .restart_service(&args.environment, &args.service)
        .await?;
    printer.status_line(
        &format!("restarted {} of {} ({})", args.service, env.name, env.id),
        &env,
    )
}
