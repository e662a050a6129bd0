//! `envctl doctor`: runs the checks of `envctl::ops::doctor` and prints them,
//! one line each with a mark (✓ ok, ! warn, ✗ fail, - skipped) and the fix
//! under it, or `{"checks": [...], "ok": bool}` with `--json`. Any failed
//! check makes the command exit 1, with a one-line summary on stderr.

use envctl::ops::doctor::{self, DoctorOptions};

use super::{GlobalArgs, Printer};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub async fn exec(g: &GlobalArgs, _args: Args, printer: &Printer) -> anyhow::Result<()> {
    let opts = DoctorOptions {
        config_path: g
            .config
            .clone()
            .or_else(envctl::config::default_config_path),
        data_dir: g
            .data_dir
            .clone()
            .unwrap_or_else(envctl::config::default_data_dir),
        server: g.server_url().map(str::to_owned),
        token: std::env::var("ENVCTL_TOKEN").ok().filter(|t| !t.is_empty()),
    };
    let report = doctor::doctor(&opts).await;
    printer.doctor(&report)?;
    let failed = report.failed();
    if failed.is_empty() {
        return Ok(());
    }
    Err(envctl::Error::Failed(format!(
        "{} check(s) failed: {}",
        failed.len(),
        failed.join(", ")
    ))
    .into())
}
