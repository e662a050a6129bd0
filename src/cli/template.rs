//! `envctl template import FILE`: prints a Docker Compose file as an envctl
//! template (TOML on stdout, the notes on what was not carried over on
//! stderr); `--write` appends it to the config file. The translation and the
//! write are the library's (`envctl::config::compose`).

use std::path::PathBuf;

use envctl::config::compose::{self, ImportOptions};

use super::{GlobalArgs, Printer};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a Docker Compose file as an envctl template; --write adds it to the config
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The Compose file (compose.yaml, docker-compose.yml, ...); `.env` beside it is read too
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The template's name [default: the Compose project name]
    #[arg(long)]
    pub name: Option<String>,
    /// Import the services of this Compose profile too (repeatable; `*` for all)
    #[arg(long = "profile", value_name = "PROFILE")]
    pub profiles: Vec<String>,
    /// Append the template to the config file (--config, else the default one), keeping its
    /// comments and layout
    #[arg(long)]
    pub write: bool,
}

pub fn exec(g: &GlobalArgs, command: Command, printer: &Printer) -> anyhow::Result<()> {
    let Command::Import(args) = command;
    if args.write && g.server_url().is_some() {
        return Err(envctl::Error::InvalidInput(
            "--write changes a local config file, and --server (or ENVCTL_SERVER) is set: the \
             server reads its own config; run the import there, or without --server"
                .into(),
        )
        .into());
    }
    let opts = ImportOptions {
        name: args.name,
        profiles: args.profiles,
    };
    let import = compose::import_file(&args.file, &opts)?;
    let written = if args.write {
        let path = g
            .config
            .clone()
            .or_else(compose::default_write_path)
            .ok_or_else(|| {
                envctl::Error::InvalidInput(
                    "no config file to write to: pass --config FILE (neither XDG_CONFIG_HOME nor HOME is set)".into(),
                )
            })?;
        compose::append_to_config(&path, &import)?;
        Some(path)
    } else {
        None
    };
    printer.imported(&import, written.as_deref())
}
