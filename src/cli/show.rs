//! `envctl show`: one environment in full.

use envctl::Context;

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment id or name
    pub environment: String,
}

pub fn exec(ctx: &Context, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let env = envctl::show(ctx, &args.environment)?;
    printer.environment(&env)
}
