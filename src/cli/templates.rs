//! `envctl templates`: the templates the config offers.

use envctl::Config;

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn exec(config: &Config, _args: Args, printer: &Printer) -> anyhow::Result<()> {
    printer.templates(config)
}
