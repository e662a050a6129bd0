//! `envctl extend NAME DURATION` / `--until TIME`: moves an environment's
//! end of life (within `[defaults] max_lifetime`, checked in the core).

use std::time::Duration;

use envctl::Backend;

use super::{Printer, parse_duration};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("by_or_until").required(true).args(["by", "until"])))]
pub struct Args {
    /// Environment id or name
    pub environment: String,
    /// How much later it ends (1h, 2d, 1w), counted from its current end
    /// (or from now when that has passed)
    #[arg(value_name = "DURATION", value_parser = parse_duration)]
    pub by: Option<Duration>,
    /// End at this time instead: 2026-12-01T18:00:00Z, "2026-12-01 18:00"
    /// or 2026-12-01 (local time; a date alone ends at 23:59:59)
    #[arg(long, value_name = "TIME", value_parser = envctl::config::durations::parse_time)]
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let env = backend
        .extend(&args.environment, args.by, args.until)
        .await?;
    let end = env.expires_at.map_or("never".to_owned(), |t| {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    });
    printer.status_line(&format!("{} ({}) now ends {end}", env.name, env.id), &env)
}
