//! `pin` and `unpin`: protect an environment from cleanup, or stop protecting it.

use envctl::Backend;

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment id or name
    pub environment: String,
}

pub async fn exec(
    backend: &Backend,
    args: Args,
    pinned: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let env = backend.set_pinned(&args.environment, pinned).await?;
    let word = if pinned { "pinned" } else { "unpinned" };
    printer.status_line(&format!("{word} {} ({})", env.name, env.id), &env)
}
