//! `notify test` and `notify queue`: try the `[[notifications]]` webhooks,
//! and list what waits to be delivered.

use comfy_table::Cell;
use envctl::notify::deliver::Tested;
use envctl::notify::queue::Pending;
use envctl::notify::{self, Kind};
use envctl::{Context, Error};

use super::Printer;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Send a sample notice to every endpoint now (not through the queue) and print each answer;
    /// exits 1 if any endpoint failed
    Test {
        /// The kind of sample to send: failed, expiring, expired, cleanup, restart_limit, pool_miss,
        /// maintenance_failed or backup_failed
        #[arg(long, value_name = "KIND", default_value = "failed", value_parser = parse_kind)]
        event: Kind,
    },
    /// List the notices waiting to be delivered: endpoint, kind, attempts, next try
    Queue,
}

fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::parse(text)
        .ok_or_else(|| format!("expected one of {}", Kind::ALL.map(Kind::as_str).join(", ")))
}

pub async fn exec(ctx: &Context, command: Command, printer: &Printer) -> anyhow::Result<()> {
    match command {
        Command::Test { event } => {
            if ctx.config.notifications.is_empty() {
                return Err(Error::InvalidInput(
                    "no [[notifications]] in the config; add one (see docs/notifications.md)"
                        .into(),
                )
                .into());
            }
            let results = notify::deliver::test(&ctx.config, event).await;
            printer.tested(&results)?;
            let failed = results.iter().filter(|r| !r.ok).count();
            if failed > 0 {
                return Err(Error::Failed(format!(
                    "{failed} of {} endpoint(s) did not take the sample",
                    results.len()
                ))
                .into());
            }
            Ok(())
        }
        Command::Queue => printer.queued(&notify::queue::list(ctx.store.dir())),
    }
}

impl Printer {
    fn tested(&self, results: &[Tested]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&results);
        }
        let mut t = self.table(["ENDPOINT", "FORMAT", "RESULT", "ANSWER"]);
        for r in results {
            let result = match (r.ok, r.status) {
                (true, Some(s)) => format!("ok ({s})"),
                (false, Some(s)) => format!("failed ({s})"),
                _ => "failed".to_owned(),
            };
            let answer = match (&r.error, &r.body) {
                (Some(e), _) if r.status.is_none() => e.clone(),
                (_, Some(b)) => b.clone(),
                _ => String::new(),
            };
            t.add_row(vec![
                Cell::new(&r.endpoint),
                Cell::new(format!("{:?}", r.format).to_lowercase()),
                Cell::new(result),
                Cell::new(envctl::names::printable(&answer, 200)),
            ]);
        }
        self.out(&format!("{t}\n"))
    }

    fn queued(&self, pending: &[Pending]) -> anyhow::Result<()> {
        if self.json() {
            return self.json_out(&pending);
        }
        if pending.is_empty() {
            self.note("no notifications waiting");
            return Ok(());
        }
        let mut t = self.table([
            "ENDPOINT",
            "KIND",
            "ENVIRONMENT",
            "ATTEMPTS",
            "NEXT TRY",
            "LAST ERROR",
        ]);
        for p in pending {
            t.add_row(vec![
                Cell::new(&p.label),
                Cell::new(p.notice.kind),
                Cell::new(p.notice.environment.as_deref().unwrap_or("-")),
                Cell::new(p.attempts),
                Cell::new(p.next_try.format("%Y-%m-%d %H:%M:%S UTC")),
                Cell::new(envctl::names::printable(
                    p.last_error.as_deref().unwrap_or(""),
                    120,
                )),
            ]);
        }
        self.out(&format!("{t}\n"))
    }
}
