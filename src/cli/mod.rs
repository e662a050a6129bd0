//! Command-line types (clap derive) and dispatch. Each subcommand lives in its
//! own file: it turns arguments into the library's options, calls one library
//! function and prints. No Docker call and no file I/O here.
//!
//! Must not: hold a rule of its own; what it checks the core checks again.

mod analytics;
mod archive;
mod backup;
mod config;
mod create;
mod delete;
mod doctor;
mod exec;
mod extend;
mod generate;
mod list;
mod logs;
mod maintenance;
mod notify;
mod one_click;
mod pin;
mod pool;
mod port;
mod printer;
mod progress;
mod reference;
mod report;
mod restart;
mod serve;
mod show;
mod start_stop;
mod stats;
mod template;
mod templates;
mod terminal;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use envctl::client::remote::Remote;
use envctl::{Backend, Config, Context, Store};

pub use printer::Printer;

/// Per-developer Docker environments from templates.
///
/// envctl provisions environments (groups of containers made from a template),
/// tracks them in a file-locked JSON database, allocates host ports without
/// collisions and removes every trace on delete.
#[derive(Debug, Parser)]
#[command(
    name = "envctl",
    version = LONG_VERSION,
    propagate_version = true,
    after_long_help = reference::after_help(),
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// `envctl --version`: the version and the commit it was built from.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ENVCTL_GIT_COMMIT"),
    ")"
);

/// `envctl --version --json`, for programs.
pub fn version_json() -> String {
    serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "commit": env!("ENVCTL_GIT_COMMIT"),
    })
    .to_string()
}

#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Directory holding environments.json [default: $XDG_DATA_HOME/envctl]
    #[arg(long, global = true, env = "ENVCTL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]
    #[arg(long, global = true, env = "ENVCTL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)
    #[arg(long, global = true, env = "ENVCTL_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// Print JSON on stdout, for programs (stable fields; see docs/commands.md)
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only results and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is happening
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Answer yes to every question (for cron and CI)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// How long to wait for another envctl holding the database lock
    #[arg(long, global = true, env = "ENVCTL_LOCK_TIMEOUT", value_name = "DUR", default_value = "30s",
          value_parser = parse_duration)]
    pub lock_timeout: Duration,
}

impl GlobalArgs {
    /// The server of remote mode; an empty ENVCTL_SERVER means local.
    pub fn server_url(&self) -> Option<&str> {
        self.server.as_deref().filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an environment from a template and wait until it is ready
    Create(create::Args),
    /// Guided create: asks for template, name and owner (--yes takes the defaults)
    OneClick(one_click::Args),
    /// List environments
    #[command(alias = "ls")]
    List(list::Args),
    /// Show one environment
    Show(show::Args),
    /// Start a stopped environment and wait until it is ready
    Start(start_stop::StartArgs),
    /// Stop an environment, keeping its containers and volumes
    Stop(start_stop::StopArgs),
    /// Delete an environment and every container, network and volume it has
    #[command(alias = "rm")]
    Delete(delete::Args),
    /// Print the logs of an environment's services
    Logs(logs::Args),
    /// Run a command in a service's container (a terminal when on one)
    Exec(exec::ExecArgs),
    /// Open a shell in a service's container (bash, else sh)
    Shell(exec::ShellArgs),
    /// Print the host ports of an environment's services (like `docker port`)
    Port(port::PortArgs),
    /// Open a service's URL in the browser, or print it when there is no display
    Open(port::OpenArgs),
    /// Resource use per service (CPU, memory, network and block I/O), and the host's
    Stats(stats::Args),
    /// Figures of a time range from the event log: created, alive and removed environments,
    /// environment-hours, provisioning time, failures, cleanup, pools, utilisation, uptime
    Report(analytics::Args),
    /// List the templates in the config
    Templates(templates::Args),
    /// Make templates: import a Docker Compose file
    #[command(subcommand)]
    Template(template::Command),
    /// Check the config, or show what a template resolves to
    #[command(subcommand)]
    Config(config::Command),
    /// Check that environments can be made here, and how to fix what cannot
    ///
    /// Checks the config, the database, the Docker engine (version and API version), the room left
    /// in the address pools ([network] subnet_pool, or Docker's default pools), free port blocks in
    /// [ports], free disk for the data directory, the templates' images and the scheduled
    /// auto-cleanup. With --server: the server's health and the token. Each check is ok, warn,
    /// fail or skipped; any failure exits 1. Changes nothing; never waits more than a few seconds
    /// on anything.
    Doctor(doctor::Args),
    /// Move an environment's end of life later (or to a given time)
    Extend(extend::Args),
    /// Protect an environment from cleanup
    Pin(pin::Args),
    /// Let cleanup remove an environment again
    Unpin(pin::Args),
    /// Restart one service of a running environment (the others run on)
    Restart(restart::Args),
    /// Show the retention plan, ask, then remove what it says (backs up first)
    Cleanup(maintenance::CleanupArgs),
    /// The same policy as cleanup, never asks: for cron
    AutoCleanup(maintenance::CleanupArgs),
    /// Reconcile the database with what Docker really runs
    Sync(maintenance::SyncArgs),
    /// Back up, then rebuild the database from Docker (asks)
    ResetDb(maintenance::ResetArgs),
    /// Back up, then rebuild the database from Docker, never asks: for cron
    AutoResetDb(maintenance::ResetArgs),
    /// Database backups
    #[command(subcommand)]
    Backup(backup::Command),
    /// Volume archives: taken before removals and on demand, restored with
    /// `create --from-archive`
    #[command(subcommand)]
    Archive(archive::Command),
    /// Warm pools: status, reconcile (for cron), drain
    #[command(subcommand)]
    Pool(pool::Command),
    /// Webhook notifications: send a test notice, list the queue
    #[command(subcommand)]
    Notify(notify::Command),
    /// Serve the REST API over the same database
    Serve(serve::ServeArgs),
    /// API tokens
    #[command(subcommand)]
    Token(serve::TokenCommand),
    /// Shell completions and man pages
    #[command(subcommand, hide = true)]
    Generate(generate::Command),
}

/// How long a maintenance run (cron) may spend delivering notifications before it exits.
const MAINTENANCE_DELIVERY: Duration = Duration::from_secs(5);
/// How long any other local command may, when it queued one.
const COMMAND_DELIVERY: Duration = Duration::from_secs(2);

/// Runs the parsed command line, then (locally) delivers the notifications
/// it queued: maintenance runs deliver whatever is due, within a few seconds.
pub async fn run(cli: Cli, printer: &Printer) -> anyhow::Result<()> {
    let delivery = match &cli.command {
        _ if cli.global.server_url().is_some() => None,
        Command::Cleanup(_) | Command::AutoCleanup(_) | Command::Sync(_) => {
            Some((MAINTENANCE_DELIVERY, true))
        }
        Command::Serve(_) | Command::Generate(_) | Command::Notify(_) => None,
        _ => Some((COMMAND_DELIVERY, false)),
    };
    let config = delivery.and_then(|_| load_config(&cli.global).ok());
    let dir = cli
        .global
        .data_dir
        .clone()
        .unwrap_or_else(envctl::config::default_data_dir);
    let result = dispatch(cli, printer).await;
    if let (Some((budget, always)), Some(config)) = (delivery, config) {
        envctl::notify::deliver_before_exit(&config, &dir, budget, always).await;
    }
    result
}

async fn dispatch(cli: Cli, printer: &Printer) -> anyhow::Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Templates(args) => templates::exec(g, args, printer).await,
        Command::Config(command) => config::exec(g, command, printer),
        Command::Template(command) => template::exec(g, command, printer),
        Command::Doctor(args) => doctor::exec(g, args, printer).await,
        Command::Generate(command) => generate::exec(command, printer),
        Command::Serve(args) => {
            let ctx = backend(g)?.into_local("serve")?;
            serve::serve(ctx, args, g.lock_timeout, printer).await
        }
        Command::Token(command) => serve::token(
            backend(g)?.local("token")?,
            command,
            g.lock_timeout,
            printer,
        ),
        Command::Create(args) => create::exec(&backend(g)?, args, printer).await,
        Command::OneClick(args) => one_click::exec(&backend(g)?, args, g.yes, printer).await,
        Command::List(args) => list::exec(&backend(g)?, args, printer).await,
        Command::Show(args) => show::exec(&backend(g)?, args, printer).await,
        Command::Start(args) => start_stop::start(&backend(g)?, args, printer).await,
        Command::Stop(args) => start_stop::stop(&backend(g)?, args, printer).await,
        Command::Delete(args) => delete::exec(&backend(g)?, args, g.yes, printer).await,
        Command::Logs(args) => logs::exec(&backend(g)?, args, printer).await,
        Command::Exec(args) => exec::exec(&backend(g)?, args).await,
        Command::Shell(args) => exec::shell(&backend(g)?, args).await,
        Command::Port(args) => port::port(&backend(g)?, args, printer).await,
        Command::Open(args) => port::open(&backend(g)?, args, printer).await,
        Command::Stats(args) => stats::exec(&backend(g)?, args, printer).await,
        Command::Report(args) => analytics::exec(&backend(g)?, args, printer).await,
        Command::Extend(args) => extend::exec(&backend(g)?, args, printer).await,
        Command::Pin(args) => pin::exec(&backend(g)?, args, true, printer).await,
        Command::Unpin(args) => pin::exec(&backend(g)?, args, false, printer).await,
        Command::Restart(args) => restart::exec(&backend(g)?, args, printer).await,
        Command::Cleanup(args) => maintenance::cleanup(&backend(g)?, args, g.yes, printer).await,
        Command::AutoCleanup(args) => maintenance::auto_cleanup(&backend(g)?, args, printer).await,
        Command::Sync(args) => maintenance::sync(&backend(g)?, args, printer).await,
        Command::ResetDb(args) => {
            let b = backend(g)?;
            maintenance::reset(b.local("reset-db")?, args, true, g.yes, printer).await
        }
        Command::AutoResetDb(args) => {
            let b = backend(g)?;
            maintenance::reset(b.local("auto-reset-db")?, args, false, g.yes, printer).await
        }
        Command::Backup(command) => {
            backup::exec(backend(g)?.local("backup")?, command, g.yes, printer)
        }
        Command::Archive(command) => {
            let ctx = backend(g)?.into_local("archive")?;
            archive::exec(&ctx, command, g.yes, printer).await
        }
        Command::Notify(command) => {
            notify::exec(backend(g)?.local("notify")?, command, printer).await
        }
        Command::Pool(command) => {
            pool::exec(backend(g)?.into_local("pool")?, command, g.yes, printer).await
        }
    }
}

/// The remote side when --server (or ENVCTL_SERVER) is set, else the local one.
fn backend(g: &GlobalArgs) -> envctl::Result<Backend> {
    match g.server_url() {
        Some(url) => {
            let token = std::env::var("ENVCTL_TOKEN").ok();
            if g.verbose {
                Printer::verbose(&format!("server: {url}"));
                let state = if token.is_some() { "set" } else { "not set" };
                Printer::verbose(&format!("ENVCTL_TOKEN: {state}"));
            }
            Ok(Backend::Remote(Remote::new(url, token)?))
        }
        None => Ok(Backend::Local(context(g)?)),
    }
}

fn load_config(g: &GlobalArgs) -> envctl::Result<Config> {
    let path = g
        .config
        .clone()
        .or_else(envctl::config::default_config_path);
    Config::load(path.as_deref())
}

fn context(g: &GlobalArgs) -> envctl::Result<Context> {
    let config = load_config(g)?;
    let dir = g
        .data_dir
        .clone()
        .unwrap_or_else(envctl::config::default_data_dir);
    if g.verbose {
        let source = config
            .source
            .as_ref()
            .map_or("built-in defaults".into(), |p| p.display().to_string());
        Printer::verbose(&format!("config: {source}"));
        let db = dir.join(envctl::store::DATABASE_FILE);
        Printer::verbose(&format!("database: {}", db.display()));
        Printer::verbose(&format!(
            "docker: {}",
            envctl::engine::docker::docker_host()
        ));
    }
    let store = Store::open(&dir, g.lock_timeout)?;
    if let Some(warning) = envctl::store::permission_warning(&dir)
        && !g.quiet
    {
        Printer::warning(&warning);
    }
    Ok(Context::new(config, store))
}

/// Durations on the command line: the library's one parser and maximum.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    envctl::config::durations::parse(text)
}

/// A future that resolves on Ctrl-C or SIGTERM (a CI job being cancelled).
pub async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// Asks `question` on the terminal; without one, refuses unless `yes`.
pub fn confirm(question: &str, yes: bool) -> envctl::Result<bool> {
    use std::io::IsTerminal;
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(envctl::Error::ConfirmationRequired(format!(
            "'{question}' needs an answer, and there is no terminal to ask on"
        )));
    }
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|e| envctl::Error::Failed(format!("could not read the answer: {e}")))
}
