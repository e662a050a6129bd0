//! `envctl list`: the environments, as a table or a JSON array.

use envctl::{Backend, ListFilter, Status};

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only environments with this status
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    /// Only environments of this owner
    #[arg(long)]
    pub owner: Option<String>,
    /// Only environments made from this template
    #[arg(long)]
    pub template: Option<String>,
    /// Also the members of warm pools (hidden otherwise)
    #[arg(long)]
    pub all: bool,
}

fn parse_status(text: &str) -> Result<Status, String> {
    text.parse().map_err(|e: envctl::Error| e.to_string())
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let filter = ListFilter {
        status: args.status,
        owner: args.owner,
        template: args.template,
        all: args.all,
    };
    if printer.json() {
        return printer.raw_json(&backend.list_json(&filter).await?);
    }
    printer.environments(&backend.list(&filter).await?)
}
