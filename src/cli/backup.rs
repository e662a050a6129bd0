//! `backup list | create | restore | verify | prune`.

use envctl::ops::backup;
use envctl::{Context, Error};

use super::{Printer, confirm};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the backups, oldest first
    List,
    /// Back the database up now
    Create {
        /// Word saying why, put in the file name
        #[arg(long, default_value = "manual")]
        reason: String,
    },
    /// Replace the database with a backup (validated first; the current database is backed up)
    Restore {
        /// Backup file name, as `backup list` shows it
        name: String,
    },
    /// Check that backups can be read and restored
    Verify {
        /// Only this backup
        name: Option<String>,
    },
    /// Remove backups beyond the configured count and age
    Prune,
}

pub fn exec(ctx: &Context, command: Command, yes: bool, printer: &Printer) -> anyhow::Result<()> {
    let config = &ctx.config.backups;
    match command {
        Command::List => printer.backups(&backup::list(&ctx.store)?),
        Command::Create { reason } => {
            printer.backups(&[backup::take(ctx, &envctl::Caller::local(), &reason)?])
        }
        Command::Restore { name } => {
            let ports = &ctx.config.ports;
            // Validates every record first; an invalid backup is refused here.
            let preview = backup::preview(&ctx.store, &name, ports)?;
            let list = |names: &[String]| {
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            };
            printer.note(&format!(
                "restoring {} changes: added {}; removed {}; changed {}; {} unchanged",
                preview.backup,
                list(&preview.added),
                list(&preview.removed),
                list(&preview.changed),
                preview.unchanged
            ));
            if !confirm(
                &format!("Replace the database with {}?", preview.backup),
                yes,
            )? {
                return Err(Error::Failed("cancelled; nothing was changed".into()).into());
            }
            let safety = backup::restore_for(ctx, &envctl::Caller::local(), &preview.backup)?;
            printer.note(&format!(
                "restored {}{}",
                preview.backup,
                safety
                    .map(|s| format!("; the replaced database is in {}", s.name))
                    .unwrap_or_default()
            ));
            Ok(())
        }
        Command::Verify { name } => {
            let results = backup::check(ctx, &envctl::Caller::local(), name.as_deref())?;
            printer.verified(&results)?;
            if results.iter().any(|v| !v.ok) {
                return Err(Error::Failed("some backups cannot be restored".into()).into());
            }
            Ok(())
        }
        Command::Prune => {
            let removed = backup::prune(&ctx.store, config)?;
            printer.note(&format!("removed {} backup(s)", removed.len()));
            Ok(())
        }
    }
}
