//! `envctl config check`: loads the config as every command would (the same
//! errors, with the key and line), and with `--render TEMPLATE` prints what
//! the template's variables resolve to for an environment on a given base
//! port, without making one (secrets show as `<secret NAME>`).

use std::collections::BTreeMap;

use super::{GlobalArgs, Printer, load_config};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check the config; with --render, show a template's resolved env and commands
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Show this template's env values, commands and sign-in hints, resolved
    #[arg(long, value_name = "TEMPLATE")]
    pub render: Option<String>,
    /// The base port to render for [default: the first of [ports]]
    #[arg(long, value_name = "PORT", requires = "render")]
    pub base_port: Option<u16>,
    /// The environment name to render for
    #[arg(long, default_value = "example", requires = "render")]
    pub name: String,
    /// The owner to render for [default: $USER]
    #[arg(long, requires = "render")]
    pub owner: Option<String>,
    /// A label the template reads as ${labels.KEY} (repeatable)
    #[arg(long = "label", value_name = "KEY=VALUE", requires = "render")]
    pub labels: Vec<String>,
}

pub fn exec(g: &GlobalArgs, command: Command, printer: &Printer) -> anyhow::Result<()> {
    let Command::Check(args) = command;
    let config = load_config(g)?;
    let source = config
        .source
        .as_ref()
        .map_or("built-in defaults".to_owned(), |p| p.display().to_string());
    let Some(template) = args.render else {
        return printer.config_checked(&source, config.templates.len());
    };
    let labels = args
        .labels
        .iter()
        .map(|l| envctl::names::parse_label(l))
        .collect::<envctl::Result<BTreeMap<_, _>>>()?;
    let owner = args.owner.unwrap_or_else(envctl::names::current_owner);
    envctl::names::check_owner(&owner)?;
    let rendered = envctl::ops::create::render_template(
        &config,
        &template,
        &args.name,
        &owner,
        args.base_port.unwrap_or(config.ports.base),
        &labels,
    )?;
    printer.rendered(&template, &rendered)
}
