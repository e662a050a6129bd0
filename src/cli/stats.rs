//! `envctl stats`: resource figures per service, like `docker stats`, and
//! the host's; `--watch` refreshes in place until Ctrl-C.

use std::time::Duration;

use comfy_table::Cell;
use envctl::Backend;
use envctl::ops::stats::{EnvironmentStats, HostStats, Overview, Sampler};

use super::printer::short_duration;
use super::{Printer, interrupted, parse_duration};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this environment (id or name) [default: every running one, and the host]
    pub environment: Option<String>,
    /// Every environment, stopped ones too
    #[arg(long, conflicts_with = "environment")]
    pub all: bool,
    /// Refresh in place until Ctrl-C (with --json: one JSON line per refresh)
    #[arg(short, long)]
    pub watch: bool,
    /// Time between refreshes
    #[arg(long, value_name = "DUR", default_value = "2s", value_parser = parse_duration)]
    pub interval: Duration,
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let mut sampler = Sampler::default();
    let stop = interrupted();
    tokio::pin!(stop);
    loop {
        let fetch = async {
            Ok::<_, envctl::Error>(match &args.environment {
                Some(target) => {
                    Figures::One(backend.environment_stats(target, &mut sampler).await?)
                }
                None => Figures::All(backend.overview(args.all, &mut sampler).await?),
            })
        };
        let figures = tokio::select! {
            figures = fetch => figures?,
            () = &mut stop => return Ok(()),
        };
        if !args.watch {
            return match &figures {
                Figures::One(s) => printer.environment_stats(s, false),
                Figures::All(o) => printer.overview(o, false),
            };
        }
        match &figures {
            Figures::One(s) => printer.environment_stats(s, true)?,
            Figures::All(o) => printer.overview(o, true)?,
        }
        tokio::select! {
            () = tokio::time::sleep(args.interval) => {}
            () = &mut stop => return Ok(()),
        }
    }
}

enum Figures {
    One(EnvironmentStats),
    All(Overview),
}

/// Bytes as `docker stats` writes them: 1.5MiB for memory, 1.5MB for I/O.
fn bytes(n: u64, binary: bool) -> String {
    let (step, units): (f64, [&str; 5]) = if binary {
        (1024.0, ["B", "KiB", "MiB", "GiB", "TiB"])
    } else {
        (1000.0, ["B", "kB", "MB", "GB", "TB"])
    };
    let mut value = n as f64;
    let mut unit = 0;
    while value >= step && unit < units.len() - 1 {
        value /= step;
        unit += 1;
    }
    if unit == 0 {
        format!("{n}{}", units[0])
    } else {
        format!("{value:.1}{}", units[unit])
    }
}

impl Printer {
    /// One environment's services (`watch`: clear the screen first; JSON on one line).
    pub fn environment_stats(&self, s: &EnvironmentStats, watch: bool) -> anyhow::Result<()> {
        if self.json() {
            return self.json_line_or_pretty(s, watch);
        }
        let text = self.stats_table(std::slice::from_ref(s));
        self.screen(&text, watch)
    }

    pub fn overview(&self, o: &Overview, watch: bool) -> anyhow::Result<()> {
        if self.json() {
            return self.json_line_or_pretty(o, watch);
        }
        let mut text = host_line(&o.host);
        if o.environments.is_empty() {
            text.push_str("no running environments\n");
        } else {
            text.push_str(&self.stats_table(&o.environments));
        }
        self.screen(&text, watch)
    }

    fn json_line_or_pretty(
        &self,
        value: &impl serde::Serialize,
        watch: bool,
    ) -> anyhow::Result<()> {
        if watch {
            let mut line = serde_json::to_string(value)?;
            line.push('\n');
            return self.out(&line);
        }
        self.json_out(value)
    }

    /// Prints `text`; when watching on a terminal, in place of the last screen.
    fn screen(&self, text: &str, watch: bool) -> anyhow::Result<()> {
        if watch && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            return self.out(&format!("\x1b[H\x1b[2J{text}"));
        }
        self.out(text)
    }

    fn stats_table(&self, stats: &[EnvironmentStats]) -> String {
        let mut table = self.table([
            "ENVIRONMENT",
            "SERVICE",
            "CPU %",
            "MEM USAGE / LIMIT",
            "MEM %",
            "NET I/O",
            "BLOCK I/O",
            "RESTARTS",
            "UPTIME",
        ]);
        for env in stats {
            for s in &env.services {
                table.add_row(vec![
                    Cell::new(&env.name),
                    Cell::new(&s.service),
                    Cell::new(format!("{:.2}%", s.cpu_percent)),
                    Cell::new(format!(
                        "{} / {}",
                        bytes(s.memory_used, true),
                        bytes(s.memory_limit, true)
                    )),
                    Cell::new(format!("{:.2}%", s.memory_percent)),
                    Cell::new(format!(
                        "{} / {}",
                        bytes(s.net_rx, false),
                        bytes(s.net_tx, false)
                    )),
                    Cell::new(format!(
                        "{} / {}",
                        bytes(s.block_read, false),
                        bytes(s.block_write, false)
                    )),
                    Cell::new(s.restarts),
                    Cell::new(match s.uptime_seconds {
                        Some(secs) => short_duration(secs as i64),
                        None => "stopped".into(),
                    }),
                ]);
            }
        }
        format!("{table}\n")
    }
}

fn host_line(h: &HostStats) -> String {
    let statuses: Vec<String> = h
        .environments
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let statuses = if statuses.is_empty() {
        "none".to_owned()
    } else {
        statuses.join(", ")
    };
    let disk = h
        .volume_bytes
        .map_or("size unknown".to_owned(), |b| bytes(b, true));
    format!(
        "environments: {statuses}\nports {}-{}: {} used, {} free\nvolumes: {} ({disk})\n\n",
        h.ports.first, h.ports.last, h.ports.used, h.ports.free, h.volumes
    )
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn bytes_read_like_docker_stats() {
        assert_eq!(bytes(512, true), "512B");
        assert_eq!(bytes(64 * 1024 * 1024, true), "64.0MiB");
        assert_eq!(bytes(1_500, false), "1.5kB");
        assert_eq!(bytes(2_500_000_000, false), "2.5GB");
    }
}
