//! Printing the maintenance commands' reports: cleanup plans and outcomes,
//! sync repairs and orphans, resets and backups.

use chrono::Utc;
use comfy_table::Cell;
use envctl::ops::backup::{Backup, Verified};
use envctl::ops::cleanup::{CleanupReport, PlannedArchive};
use envctl::ops::reset::ResetReport;
use envctl::ops::sync::SyncReport;
use envctl::retention::Plan;

use super::Printer;
use super::printer::age;

impl Printer {
    /// A dry run (or a plan with nothing to remove).
    pub fn cleanup_plan(&self, report: &CleanupReport) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(report);
        }
        self.plan_table(&report.sync, &report.plan, &report.archives)?;
        for p in &report.pruned {
            self.note(&format!(
                "archive {} ({}) would be pruned: {}",
                p.id,
                indicatif::HumanBytes(p.stored_bytes),
                p.why
            ));
        }
        if report.plan.remove.is_empty() {
            self.note("nothing to remove");
        } else {
            self.note(&format!(
                "dry run: {} environment(s) would be removed; nothing was changed",
                report.plan.remove.len()
            ));
        }
        Ok(())
    }

    /// The plan as a table: what goes and why, what stays and why.
    pub fn plan_table(
        &self,
        sync: &SyncReport,
        plan: &Plan,
        archives: &[PlannedArchive],
    ) -> anyhow::Result<()> {
        if !sync.changes.is_empty() || !sync.orphans.is_empty() {
            self.sync_tables(sync)?;
        }
        if plan.remove.is_empty() && plan.keep.is_empty() {
            return Ok(());
        }
        let mut table = self.table([
            "NAME", "ID", "OWNER", "STATUS", "AGE", "ACTION", "WHY", "ARCHIVE",
        ]);
        let now = Utc::now();
        for (action, decisions) in [("remove", &plan.remove), ("keep", &plan.keep)] {
            for d in decisions {
                let archive = match archives.iter().find(|a| a.id == d.id) {
                    Some(a) => match a.bytes {
                        Some(bytes) => {
                            format!("{} volume(s), {}", a.volumes, indicatif::HumanBytes(bytes))
                        }
                        None => "its volumes".to_owned(),
                    },
                    None => "-".to_owned(),
                };
                table.add_row(vec![
                    Cell::new(&d.name),
                    Cell::new(&d.id),
                    Cell::new(&d.owner),
                    self.status_cell(d.status),
                    Cell::new(age(d.created_at, now)),
                    Cell::new(action),
                    Cell::new(d.verdict.to_string()),
                    Cell::new(if action == "remove" {
                        archive
                    } else {
                        String::new()
                    }),
                ]);
            }
        }
        self.out(&format!("{table}\n"))
    }

    /// The outcome of a cleanup: the failures, then one summary line.
    pub fn cleanup_done(&self, command: &str, report: &CleanupReport) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(report);
        }
        for o in report.outcomes.iter().filter(|o| o.result != "removed") {
            self.note(&format!(
                "{} {} ({}): {}",
                o.result,
                o.name,
                o.id,
                o.error.as_deref().unwrap_or("")
            ));
        }
        let skipped = report
            .outcomes
            .iter()
            .filter(|o| o.result == "skipped")
            .count();
        let mut line = format!(
            "{command}: removed {}, skipped {skipped}, failed {} of {} planned; kept {}; sync repaired {}",
            report.removed(),
            report.failed(),
            report.plan.remove.len(),
            report.plan.keep.len(),
            report.sync.changes.len(),
        );
        if let Some(b) = &report.backup {
            line.push_str(&format!("; backup {b}"));
        }
        let archived = report
            .outcomes
            .iter()
            .filter(|o| o.archive.is_some())
            .count();
        if archived > 0 {
            line.push_str(&format!("; archived {archived}"));
        }
        if !report.pruned.is_empty() {
            line.push_str(&format!("; pruned {} archive(s)", report.pruned.len()));
        }
        if self.quiet() && !report.has_errors() {
            return Ok(());
        }
        self.out(&format!("{line}\n"))
    }

    pub fn sync_report(&self, report: &SyncReport) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(report);
        }
        if report.changes.is_empty() && report.orphans.is_empty() && report.stranded.is_empty() {
            if !self.quiet() {
                self.out(&format!(
                    "in sync: {} environment(s) checked\n",
                    report.checked
                ))?;
            }
            return Ok(());
        }
        self.sync_tables(report)?;
        if report.dry_run {
            self.note("dry run: nothing was changed");
        } else if report.orphans.iter().any(|o| o.action == "reported") {
            self.note("orphans are only reported: --remove-orphans removes them, --adopt rebuilds their records");
        }
        Ok(())
    }

    fn sync_tables(&self, report: &SyncReport) -> anyhow::Result<()> {
        if !report.changes.is_empty() {
            let mut t = self.table(["NAME", "ID", "WAS", "NOW", "WHY", "RESULT"]);
            for c in &report.changes {
                let to = c.to.map_or("removed".to_owned(), |s| s.to_string());
                let result = match (&c.error, report.dry_run) {
                    (Some(e), _) => format!("error: {e}"),
                    (None, true) => "would change".into(),
                    (None, false) => "changed".into(),
                };
                t.add_row(vec![
                    Cell::new(&c.name),
                    Cell::new(&c.id),
                    Cell::new(c.from),
                    Cell::new(to),
                    Cell::new(&c.reason),
                    Cell::new(result),
                ]);
            }
            self.out(&format!("{t}\n"))?;
        }
        for s in &report.stranded {
            self.out(&format!(
                "{} ({}): {}.\n  what to do: {}\n",
                envctl::names::printable(&s.name, 80),
                s.id,
                envctl::names::printable(&s.problem, 300),
                envctl::names::printable(&s.advice, 600)
            ))?;
        }
        if !report.orphans.is_empty() {
            let mut t = self.table([
                "ORPHAN",
                "NAME",
                "CONTAINERS",
                "NETWORKS",
                "VOLUMES",
                "ACTION",
            ]);
            for o in &report.orphans {
                let action = o
                    .error
                    .as_ref()
                    .map_or(o.action.clone(), |e| format!("error: {e}"));
                t.add_row(vec![
                    Cell::new(&o.environment),
                    Cell::new(o.name.as_deref().unwrap_or("-")),
                    Cell::new(o.containers),
                    Cell::new(o.networks),
                    Cell::new(o.volumes),
                    Cell::new(action),
                ]);
            }
            self.out(&format!("{t}\n"))?;
        }
        Ok(())
    }

    pub fn reset_report(&self, report: &ResetReport) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(report);
        }
        if self.quiet() {
            return Ok(());
        }
        let mut line = if report.empty {
            format!(
                "reset: database emptied ({} records before); Docker objects of {} environment(s) removed",
                report.before, report.removed_environments
            )
        } else {
            format!(
                "reset: {} records before, {} after (kept {}, adopted {}, dropped {})",
                report.before,
                report.after,
                report.kept.len(),
                report.adopted.len(),
                report.dropped.len()
            )
        };
        if let Some(b) = &report.backup {
            line.push_str(&format!("; backup {b}"));
        }
        self.out(&format!("{line}\n"))
    }

    pub fn backups(&self, backups: &[Backup]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&backups);
        }
        if backups.is_empty() {
            self.note("no backups");
            return Ok(());
        }
        let mut t = self.table(["NAME", "CREATED", "REASON", "SIZE"]);
        for b in backups {
            t.add_row(vec![
                Cell::new(&b.name),
                Cell::new(b.created_at.format("%Y-%m-%d %H:%M:%S UTC")),
                Cell::new(&b.reason),
                Cell::new(indicatif::HumanBytes(b.bytes)),
            ]);
        }
        self.out(&format!("{t}\n"))
    }

    pub fn tokens(&self, tokens: &[envctl::tokens::Token]) -> anyhow::Result<()> {
        if self.json() {
            let listed: Vec<_> = tokens
                .iter()
                .map(|k| {
                    serde_json::json!({"id": k.id, "name": k.name, "role": k.role, "owner": k.user(),
                                       "created_at": k.created_at})
                })
                .collect();
            return self.json_out(&listed);
        }
        let mut t = self.table(["ID", "NAME", "ROLE", "OWNER", "CREATED"]);
        for k in tokens {
            t.add_row(vec![
                Cell::new(&k.id),
                Cell::new(&k.name),
                Cell::new(k.role),
                Cell::new(k.user()),
                Cell::new(k.created_at.format("%Y-%m-%d %H:%M:%S UTC")),
            ]);
        }
        self.out(&format!("{t}\n"))
    }

    pub fn verified(&self, results: &[Verified]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&results);
        }
        let mut t = self.table(["BACKUP", "OK", "ENVIRONMENTS", "ERROR"]);
        for v in results {
            t.add_row(vec![
                Cell::new(&v.name),
                Cell::new(if v.ok { "yes" } else { "NO" }),
                Cell::new(v.environments.map_or("-".into(), |n| n.to_string())),
                Cell::new(v.error.as_deref().unwrap_or("-")),
            ]);
        }
        self.out(&format!("{t}\n"))
    }
}
