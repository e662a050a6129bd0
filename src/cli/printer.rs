//! The one place that writes output: tables for people, JSON for programs,
//! plain lines off a terminal, nothing extra under `--quiet`. Results go to
//! stdout, everything else (progress, notes, errors) to stderr.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};

use chrono::{DateTime, Utc};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color, ContentArrangement, Table};
use envctl::config::TemplateSummary;
use envctl::ops::LogChunk;
use envctl::{Deleted, Environment, Status};

use super::GlobalArgs;
use super::progress::Bars;

pub struct Printer {
    json: bool,
    quiet: bool,
    color: bool,
    stderr_tty: bool,
}

impl Printer {
    pub fn new(g: &GlobalArgs) -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = !no_color && std::io::stdout().is_terminal();
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(!no_color && std::io::stderr().is_terminal());
        Printer {
            json: g.json,
            quiet: g.quiet,
            color,
            stderr_tty: std::io::stderr().is_terminal(),
        }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// JSON text the library already encoded.
    pub fn raw_json(&self, text: &str) -> anyhow::Result<()> {
        self.out(text)
    }

    /// Progress for a long operation: bars on a terminal, lines elsewhere, nothing when quiet.
    pub fn progress(&self) -> Bars {
        Bars::new(self.stderr_tty, self.quiet)
    }

    /// The result of create, one-click and start: the URLs (or the JSON object).
    pub fn created(&self, env: &Environment) -> anyhow::Result<()> {
        if self.json {
            return self.json_out(env);
        }
        let mut table = self.table(["SERVICE", "URL", "READY"]);
        for (service, state) in by_port(env) {
            let url = env.urls.get(service).map(String::as_str).unwrap_or("-");
            table.add_row(vec![
                Cell::new(service),
                Cell::new(url),
                self.ready_cell(state.ready),
            ]);
        }
        let headline = format!(
            "{} ({}) is {}{}",
            env.name,
            env.id,
            env.status,
            if env.ready { " and ready" } else { "" }
        );
        self.note(&headline);
        self.out(&format!("{table}\n"))
    }

    pub fn environments(&self, envs: &[Environment]) -> anyhow::Result<()> {
        if self.json {
            return self.json_out(&envs);
        }
        if envs.is_empty() {
            self.note("no environments");
            return Ok(());
        }
        let mut table = self.table([
            "ID", "NAME", "TEMPLATE", "OWNER", "STATUS", "READY", "PORTS", "AGE", "EXPIRES",
        ]);
        let now = Utc::now();
        for e in envs {
            let ports = port_range(e);
            table.add_row(vec![
                text_cell(&e.id),
                text_cell(&e.name),
                text_cell(&e.template),
                text_cell(&e.owner),
                self.status_cell(e.status),
                self.ready_cell(e.ready),
                Cell::new(ports),
                Cell::new(age(e.created_at, now)),
                Cell::new(
                    e.expires_at
                        .map(|t| until(t, now))
                        .unwrap_or_else(|| "-".into()),
                ),
            ]);
        }
        self.out(&format!("{table}\n"))
    }

    /// `show --secrets`: the environment and its generated secrets (as JSON,
    /// the environment object with a `secrets` object added).
    pub fn environment_and_secrets(
        &self,
        env: &Environment,
        secrets: Option<&BTreeMap<String, String>>,
    ) -> anyhow::Result<()> {
        if self.json {
            return match secrets {
                None => self.json_out(env),
                Some(secrets) => {
                    let mut value = serde_json::to_value(env)?;
                    value["secrets"] = serde_json::to_value(secrets)?;
                    self.json_out(&value)
                }
            };
        }
        let mut t = self.table(["FIELD", "VALUE"]);
        let labels: Vec<String> = env.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let fmt_time = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        let rows: Vec<(&str, Cell)> = vec![
            ("id", text_cell(&env.id)),
            ("name", text_cell(&env.name)),
            ("template", text_cell(&env.template)),
            ("owner", text_cell(&env.owner)),
            ("status", self.status_cell(env.status)),
            ("ready", self.ready_cell(env.ready)),
            ("ports", Cell::new(port_range(env))),
            ("created", Cell::new(fmt_time(env.created_at))),
            ("updated", Cell::new(fmt_time(env.updated_at))),
            (
                "expires",
                Cell::new(
                    env.expires_at
                        .map(fmt_time)
                        .unwrap_or_else(|| "never".into()),
                ),
            ),
            ("pinned", Cell::new(env.pinned)),
            (
                "labels",
                text_cell(if labels.is_empty() {
                    "-".into()
                } else {
                    labels.join(", ")
                }),
            ),
            ("error", text_cell(env.error.as_deref().unwrap_or("-"))),
        ];
        for (k, v) in rows {
            t.add_row(vec![Cell::new(k), v]);
        }
        if let Some(node) = &env.node {
            t.add_row(vec![
                Cell::new("node"),
                text_cell(format!("{} ({}, {})", node.hostname, node.address, node.id)),
            ]);
        }
        if let Some(op) = &env.operation {
            t.add_row(vec![
                Cell::new("operation"),
                Cell::new(format!(
                    "{} by pid {} on {}, due {}",
                    op.action,
                    op.pid,
                    op.host,
                    fmt_time(op.deadline)
                )),
            ]);
        }
        let mut s = self.table(["SERVICE", "CONTAINER", "IMAGE", "URL", "READY"]);
        for (name, state) in by_port(env) {
            s.add_row(vec![
                Cell::new(name),
                text_cell(&state.container),
                text_cell(&state.image),
                Cell::new(env.urls.get(name).map(String::as_str).unwrap_or("-")),
                self.ready_cell(state.ready),
            ]);
        }
        let mut text = format!("{t}\n{s}\n");
        let hints: Vec<String> = by_port(env)
            .into_iter()
            .filter_map(|(name, state)| {
                let hint = envctl::names::printable(state.sign_in.as_deref()?, 300);
                let url = env.urls.get(name).map(String::as_str).unwrap_or("-");
                Some(format!("  {name}: {url}  {hint}"))
            })
            .collect();
        if !hints.is_empty() {
            text.push_str(&format!("Sign in:\n{}\n", hints.join("\n")));
            if secrets.is_none() {
                text.push_str(&format!(
                    "  (passwords: envctl show {} --secrets)\n",
                    env.name
                ));
            }
        }
        if let Some(secrets) = secrets {
            let mut table = self.table(["SECRET", "VALUE"]);
            for (k, v) in secrets {
                // Whole: a cut password is a wrong one (the alphabet is letters and digits).
                table.add_row(vec![text_cell(k), Cell::new(v)]);
            }
            text.push_str(&format!("{table}\n"));
        }
        self.out(&text)
    }

    /// `config check`: the config loaded.
    pub fn config_checked(&self, source: &str, templates: usize) -> anyhow::Result<()> {
        if self.json {
            return self.json_out(
                &serde_json::json!({"ok": true, "config": source, "templates": templates}),
            );
        }
        self.out(&format!("config OK: {source} ({templates} templates)\n"))
    }

    /// `config check --render`: each service's resolved env, command and hint.
    pub fn rendered(&self, name: &str, template: &envctl::config::Template) -> anyhow::Result<()> {
        if self.json {
            let services: Vec<serde_json::Value> = template
                .services
                .iter()
                .map(|s| {
                    serde_json::json!({"name": s.name, "image": s.image, "env": s.env,
                        "command": s.command, "sign_in": s.sign_in,
                        "ready_http": s.ready.as_ref().and_then(|r| r.http.clone())})
                })
                .collect();
            return self.json_out(&serde_json::json!({"template": name, "services": services}));
        }
        let mut text = String::new();
        for s in &template.services {
            text.push_str(&format!("[{}] {}\n", s.name, s.image));
            for (k, v) in &s.env {
                text.push_str(&format!("  env {k}={v}\n"));
            }
            if let Some(command) = &s.command {
                text.push_str(&format!("  command {command:?}\n"));
            }
            if let Some(http) = s.ready.as_ref().and_then(|r| r.http.as_deref()) {
                text.push_str(&format!("  ready http {http}\n"));
            }
            if let Some(hint) = &s.sign_in {
                text.push_str(&format!("  sign in: {hint}\n"));
            }
        }
        self.out(&text)
    }

    /// `template import`: the TOML on stdout (unless it was written and the
    /// output is quiet), each note on stderr; `--json`: `{name, toml, notes,
    /// written}`.
    pub fn imported(
        &self,
        import: &envctl::config::compose::Import,
        written: Option<&std::path::Path>,
    ) -> anyhow::Result<()> {
        if self.json {
            return self.json_out(&serde_json::json!({
                "name": import.name,
                "toml": import.toml,
                "notes": import.notes,
                "written": written,
            }));
        }
        // Notes are the point of an import: shown even under --quiet.
        let mut notes = String::new();
        for note in &import.notes {
            notes.push_str(&format!("{note}\n"));
        }
        let _ = std::io::stderr().write_all(notes.as_bytes());
        match written {
            Some(path) => {
                self.note(&format!(
                    "template '{}' added to {}",
                    import.name,
                    path.display()
                ));
                Ok(())
            }
            None => self.out(&import.toml),
        }
    }

    /// A one-line result (stop), or the environment as JSON.
    /// `show --dotenv`: KEY=value lines a CI job can export.
    pub fn dotenv(
        &self,
        env: &Environment,
        secrets: Option<&BTreeMap<String, String>>,
    ) -> anyhow::Result<()> {
        let mut text = format!(
            "ENVCTL_ID={}\nENVCTL_NAME={}\nENVCTL_STATUS={}\nENVCTL_READY={}\n",
            env.id, env.name, env.status, env.ready
        );
        for (service, url) in &env.urls {
            let key = service.to_ascii_uppercase().replace('-', "_");
            text.push_str(&format!("{key}_URL={url}\n"));
            if let Some(port) = env.ports.get(service) {
                text.push_str(&format!("{key}_PORT={port}\n"));
            }
        }
        for (name, value) in secrets.into_iter().flatten() {
            let key = name.to_ascii_uppercase().replace('-', "_");
            text.push_str(&format!("SECRET_{key}={value}\n"));
        }
        self.out(&text)
    }

    pub fn status_line(&self, line: &str, env: &Environment) -> anyhow::Result<()> {
        if self.json {
            return self.json_out(env);
        }
        if self.quiet {
            return Ok(());
        }
        self.out(&format!("{line}\n"))
    }

    pub fn deleted(&self, target: &str, deleted: Option<&Deleted>) -> anyhow::Result<()> {
        if self.json {
            let value = match deleted {
                Some(d) => {
                    serde_json::json!({"deleted": true, "environment": d.environment, "removed": d.removed,
                                       "archive": d.archive})
                }
                None => serde_json::json!({"deleted": false, "environment": null}),
            };
            return self.json_out(&value);
        }
        match deleted {
            Some(d) if !self.quiet => self.out(&format!(
                "deleted {} ({}): {} containers, {} networks, {} volumes removed{}\n",
                d.environment.name,
                d.environment.id,
                d.removed.containers,
                d.removed.networks,
                d.removed.volumes,
                d.archive
                    .as_ref()
                    .map(|a| format!(
                        "; volumes archived first in {} (`envctl create NAME --from-archive {}`)",
                        a.id, a.id
                    ))
                    .unwrap_or_default()
            )),
            None => {
                self.note(&format!("'{target}' does not exist; nothing to delete"));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub fn log(&self, chunk: &LogChunk, prefix: bool) -> anyhow::Result<()> {
        if !prefix {
            return self.out(&chunk.text);
        }
        let mut text = String::with_capacity(chunk.text.len() + 16);
        for line in chunk.text.split_inclusive('\n') {
            text.push_str(&format!("{} | {line}", chunk.service));
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.out(&text)
    }

    pub fn templates(&self, templates: &BTreeMap<String, TemplateSummary>) -> anyhow::Result<()> {
        if self.json {
            return self.json_out(templates);
        }
        let mut table = self.table(["TEMPLATE", "SERVICES", "PORTS", "DESCRIPTION"]);
        for (name, t) in templates {
            let services: Vec<String> = t
                .services
                .iter()
                .map(|s| match s.port {
                    Some(_) => format!("{} (base+{})", s.name, s.offset),
                    None => s.name.clone(),
                })
                .collect();
            let marker = if t.default { " (default)" } else { "" };
            table.add_row(vec![
                Cell::new(format!("{name}{marker}")),
                Cell::new(services.join(", ")),
                Cell::new(t.ports),
                text_cell(&t.description),
            ]);
        }
        self.out(&format!("{table}\n"))
    }

    /// `envctl doctor`: one line per check with its mark, the fix below it;
    /// under --quiet only the checks that are not ok or skipped.
    pub fn doctor(&self, report: &envctl::ops::doctor::Report) -> anyhow::Result<()> {
        use envctl::ops::doctor::CheckStatus;
        if self.json {
            return self.json_out(report);
        }
        let width = report
            .checks
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(0);
        let mut text = String::new();
        for check in &report.checks {
            let quiet_skip = matches!(check.status, CheckStatus::Ok | CheckStatus::Skip);
            if self.quiet && quiet_skip {
                continue;
            }
            let mark = match check.status {
                CheckStatus::Ok => console::style("✓").green(),
                CheckStatus::Warn => console::style("!").yellow(),
                CheckStatus::Fail => console::style("✗").red(),
                CheckStatus::Skip => console::style("-").dim(),
            };
            // A detail of several lines (every problem of a config) keeps them, indented.
            for (i, line) in check.detail.split('\n').enumerate() {
                let line = envctl::names::printable(line.trim(), 2000);
                match i {
                    0 => text.push_str(&format!("{mark} {:<width$}  {line}\n", check.name)),
                    _ => text.push_str(&format!("  {:<width$}    {line}\n", "")),
                }
            }
            if let Some(fix) = &check.fix {
                let fix = envctl::names::printable(fix, 2000);
                text.push_str(&format!("  {:<width$}  fix: {fix}\n", ""));
            }
        }
        self.out(&text)
    }

    /// Prints an error and its causes to stderr.
    /// Messages may quote stored or remote text (a record's error, a
    /// container's output): control characters other than newlines never
    /// reach the terminal.
    pub fn error(&self, error: &anyhow::Error) {
        let safe = |text: String| -> String {
            text.lines()
                .map(|l| envctl::names::printable(l, 2000))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let mut text = format!(
            "{} {}\n",
            console::style("error:").red().bold().for_stderr(),
            safe(error.to_string())
        );
        for cause in error.chain().skip(1) {
            text.push_str(&format!("  Caused by: {}\n", safe(cause.to_string())));
        }
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    /// A `-v` line on stderr.
    pub fn verbose(text: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "{} {text}",
            console::style("envctl:").dim().for_stderr()
        );
    }

    /// A note for people on stderr (not under --quiet or --json).
    /// A warning on stderr (even with `--json`: stdout stays clean).
    pub fn warning(text: &str) {
        let _ = writeln!(std::io::stderr(), "warning: {text}");
    }

    pub fn note(&self, text: &str) {
        if !self.quiet && !self.json {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    pub(super) fn json_out(&self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.out(&text)
    }

    pub(super) fn out(&self, text: &str) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }

    pub(super) fn table<const N: usize>(&self, header: [&str; N]) -> Table {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if !self.color {
            table.force_no_tty();
        }
        table.set_header(header.to_vec());
        table
    }

    pub(super) fn status_cell(&self, status: Status) -> Cell {
        let color = match status {
            Status::Running => Color::Green,
            Status::Failed => Color::Red,
            Status::Stopped => Color::DarkGrey,
            _ => Color::Yellow,
        };
        Cell::new(status).fg(color)
    }

    fn ready_cell(&self, ready: bool) -> Cell {
        if ready {
            Cell::new("yes").fg(Color::Green)
        } else {
            Cell::new("no")
        }
    }
}

/// Services in port order (the template's offsets), those without a port last.
fn by_port(env: &Environment) -> Vec<(&String, &envctl::store::ServiceState)> {
    let mut services: Vec<_> = env.services.iter().collect();
    services.sort_by_key(|(name, _)| env.ports.get(*name).copied().unwrap_or(u16::MAX));
    services
}

pub(super) fn age(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    short_duration((now - t).num_seconds())
}

fn until(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    if secs <= 0 {
        "expired".into()
    } else {
        format!("in {}", short_duration(secs))
    }
}

pub(super) fn short_duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m", secs / 60),
        3600..=86399 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86400),
    }
}

/// A table cell of stored text (names, owners, labels, errors): control
/// characters (escape sequences, newlines) never reach the terminal, and a
/// huge value cannot make every row huge.
fn text_cell(text: impl AsRef<str>) -> Cell {
    Cell::new(envctl::names::printable(text.as_ref(), 200))
}

/// An environment's host ports as `list` and `show` both print them: the
/// first and the last, inclusive (`8090-8092`).
fn port_range(env: &Environment) -> String {
    let last = u32::from(env.base_port) + u32::from(env.port_count.max(1)) - 1;
    format!("{}-{last}", env.base_port)
}
