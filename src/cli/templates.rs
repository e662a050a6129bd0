//! `envctl templates`: the templates the config offers.

use super::{GlobalArgs, Printer, backend, load_config};

#[derive(Debug, clap::Args)]
pub struct Args {}

/// Locally only the config is read (no database, no Docker).
pub async fn exec(g: &GlobalArgs, _args: Args, printer: &Printer) -> anyhow::Result<()> {
    let templates = if g.server_url().is_some() {
        backend(g)?.templates().await?
    } else {
        load_config(g)?.template_summaries()
    };
    printer.templates(&templates)
}
