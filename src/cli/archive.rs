//! `archive list | create | show | verify | prune | delete`: the volume
//! archives taken before removals, and on demand. Restoring is
//! `envctl create NAME --from-archive ARCHIVE`.

use comfy_table::Cell;
use envctl::archives::{ArchiveSummary, Manifest};
use envctl::ops::archive::{self, ArchiveRequest, Verified};
use envctl::{Caller, Context, Error};
use indicatif::HumanBytes;

use super::{Printer, confirm};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the archives, newest first
    List,
    /// Archive an environment's volumes now
    Create {
        /// Environment id or name
        environment: String,
        /// Stop the environment first, so no service writes during the copy
        #[arg(long)]
        stop: bool,
    },
    /// Show an archive: its environment and each volume
    Show {
        /// Archive id, or an environment name for its newest archive
        archive: String,
    },
    /// Read every file of an archive (or of all) and check its SHA-256,
    /// file count and size against the manifest
    Verify {
        /// Archive id, or an environment name for its newest archive
        archive: Option<String>,
    },
    /// Remove the archives `[archives]` keep, max_age and max_bytes no longer keep
    Prune {
        /// Show what would go, remove nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove an archive (asks)
    Delete {
        /// Archive id, or an environment name for its newest archive
        archive: String,
    },
}

pub async fn exec(
    ctx: &Context,
    command: Command,
    yes: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let caller = Caller::local();
    match command {
        Command::List => printer.archives(&archive::list(ctx, &caller, None)?),
        Command::Create { environment, stop } => {
            let bars = printer.progress();
            let request = ArchiveRequest { stop };
            let done = archive::create(ctx, &caller, &environment, &request, &bars).await;
            bars.finish();
            let done = done?;
            if let Some(warning) = &done.warning {
                Printer::warning(warning);
            }
            printer.archives(&[done.archive])
        }
        Command::Show { archive } => printer.archive(&archive::show(ctx, &caller, &archive)?),
        Command::Verify { archive } => {
            let results = archive::verify(ctx, &caller, archive.as_deref()).await?;
            printer.archives_verified(&results)?;
            if results.iter().any(|v| !v.ok) {
                return Err(Error::Failed(
                    "some archives are damaged: restore from them would fail".into(),
                )
                .into());
            }
            Ok(())
        }
        Command::Prune { dry_run } => {
            let pruned = archive::prune(ctx, &caller, dry_run)?;
            if printer.json() {
                return printer.json_out(&pruned);
            }
            let verb = if dry_run { "would remove" } else { "removed" };
            for p in &pruned {
                printer.note(&format!(
                    "{verb} {} ({}, {})",
                    p.id,
                    HumanBytes(p.stored_bytes),
                    p.why
                ));
            }
            printer.note(&format!("{verb} {} archive(s)", pruned.len()));
            Ok(())
        }
        Command::Delete { archive } => {
            let manifest = archive::show(ctx, &caller, &archive)?;
            let summary = manifest.summary();
            let question = format!(
                "Delete archive {} of '{}' ({})? Its data cannot be restored after this.",
                summary.id,
                summary.environment,
                HumanBytes(summary.stored_bytes)
            );
            if !confirm(&question, yes)? {
                return Err(Error::Failed("cancelled; nothing was deleted".into()).into());
            }
            let deleted = archive::delete(ctx, &caller, &summary.id)?;
            if printer.json() {
                return printer.json_out(&deleted);
            }
            printer.note(&format!("deleted archive {}", deleted.id));
            Ok(())
        }
    }
}

impl Printer {
    pub fn archives(&self, archives: &[ArchiveSummary]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&archives);
        }
        if archives.is_empty() {
            self.note("no archives");
            return Ok(());
        }
        let mut t = self.table([
            "ARCHIVE",
            "ENVIRONMENT",
            "OWNER",
            "WHEN",
            "WHY",
            "VOLUMES",
            "DATA",
            "SIZE",
        ]);
        for a in archives {
            t.add_row(vec![
                Cell::new(&a.id),
                Cell::new(&a.environment),
                Cell::new(&a.owner),
                Cell::new(a.created_at.format("%Y-%m-%d %H:%M:%S UTC")),
                Cell::new(a.reason),
                Cell::new(a.volumes),
                Cell::new(HumanBytes(a.bytes)),
                Cell::new(HumanBytes(a.stored_bytes)),
            ]);
        }
        self.out(&format!("{t}\n"))
    }

    pub fn archive(&self, m: &Manifest) -> anyhow::Result<()> {
        if self.json() {
            // Without the template: the core leaves it out.
            return self.json_out(m);
        }
        let s = m.summary();
        let mut text = format!(
            "archive      {}\nenvironment  {} ({}), template {}, owner {}\ntaken        {} ({}, by {})\n\
             data         {} in {} volumes, {} stored\nrestore      envctl create NAME --from-archive {}\n",
            s.id,
            s.environment,
            s.environment_id,
            s.template,
            s.owner,
            s.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            s.reason,
            s.created_by,
            HumanBytes(s.bytes),
            s.volumes,
            HumanBytes(s.stored_bytes),
            s.id
        );
        let mut t = self.table([
            "VOLUME", "SERVICE", "PATH", "FILES", "DATA", "SIZE", "SHA-256",
        ]);
        for v in &m.volumes {
            t.add_row(vec![
                Cell::new(&v.name),
                Cell::new(&v.service),
                Cell::new(&v.path),
                Cell::new(v.files),
                Cell::new(HumanBytes(v.bytes)),
                Cell::new(HumanBytes(v.stored_bytes)),
                Cell::new(&v.sha256[..16.min(v.sha256.len())]),
            ]);
        }
        text.push_str(&format!("{t}\n"));
        self.out(&text)
    }

    fn archives_verified(&self, results: &[Verified]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&results);
        }
        if results.is_empty() {
            self.note("no archives");
            return Ok(());
        }
        let mut t = self.table(["ARCHIVE", "OK", "VOLUMES", "PROBLEMS"]);
        for v in results {
            t.add_row(vec![
                Cell::new(&v.id),
                Cell::new(if v.ok { "yes" } else { "NO" }),
                Cell::new(v.volumes),
                Cell::new(if v.problems.is_empty() {
                    "-".to_owned()
                } else {
                    v.problems.join("\n")
                }),
            ]);
        }
        self.out(&format!("{t}\n"))
    }
}
