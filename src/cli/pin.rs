//! `pin` and `unpin`: protect an environment from cleanup, or stop protecting it.

use envctl::Context;

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment id or name
    pub environment: String,
}

pub fn exec(ctx: &Context, args: Args, pinned: bool, printer: &Printer) -> anyhow::Result<()> {
    let env = envctl::ops::set_pinned(ctx, &args.environment, pinned)?;
    let word = if pinned { "pinned" } else { "unpinned" };
    printer.status_line(&format!("{word} {} ({})", env.name, env.id), &env)
}
