//! `envctl delete`: remove an environment from any state.

use envctl::{Backend, DeleteOptions};

use super::{Printer, confirm};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment id or name
    pub environment: String,
    /// Keep its named volumes (data survives; `docker volume ls` shows them)
    #[arg(long)]
    pub keep_volumes: bool,
    /// Succeed when it does not exist (for CI clean-up steps)
    #[arg(long)]
    pub if_exists: bool,
    /// Remove its volumes without archiving them first
    #[arg(long, conflicts_with = "keep_volumes")]
    pub no_archive: bool,
}

pub async fn exec(
    backend: &Backend,
    args: Args,
    yes: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let opts = DeleteOptions {
        keep_volumes: args.keep_volumes,
        if_exists: args.if_exists,
        no_archive: args.no_archive,
        ..Default::default()
    };
    // Ask only about something that exists; a missing one is reported by delete itself.
    if let Ok(env) = backend.show(&args.environment).await {
        let volumes = if args.keep_volumes {
            "keeping its volumes"
        } else if args.no_archive {
            "and its volumes, without an archive"
        } else {
            "and its volumes (archived first, unless archives are off)"
        };
        let question = format!(
            "Delete '{}' ({}, {}) {volumes}?",
            env.name, env.id, env.status
        );
        if !confirm(&question, yes)? {
            return Err(envctl::Error::Failed("cancelled; nothing was deleted".into()).into());
        }
    }
    let deleted = backend.delete(&args.environment, &opts).await?;
    printer.deleted(&args.environment, deleted.as_ref())
}
