//! `envctl doctor`: is this machine (or, in remote mode, the server) ready to
//! make environments? A list of [`Check`]s, each `ok`, `warn`, `fail` or
//! `skip`, with what was found and, when not ok, the fix.
//!
//! [`doctor`] never fails as a whole: each check catches its own errors and
//! turns them into its status, so a broken config, an unreadable database or
//! an engine that does not answer is reported, never a reason to stop. Checks
//! that need what another could not get (the config, the engine) are
//! `skip`ped with the reason. Nothing here writes: the database is read under
//! its shared lock with a short timeout, a missing data directory is not
//! created, and the engine is only asked questions. Every call to the engine,
//! the server or another program has a deadline of a few seconds.
//!
//! The thresholds are the constants below; docs/commands.md lists them.
//! The counting (subnets, ports, disk) is in pure functions, unit-tested.

use crate::names::bytes;
use std::net::Ipv4Addr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::client::remote::Remote;
use crate::config::Config;
use crate::engine::{Engine, NetworkSubnet, Runtime};
use crate::error::{Error, ErrorCode};
use crate::store::{Store, off_worker};

/// How long the engine may take to answer each question (connecting, the
/// version, the networks, the images), and the server each request.
pub const ENGINE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait for the database's shared lock (a writer holds it for
/// milliseconds; longer means something is stuck).
pub const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long `crontab -l` and `systemctl is-enabled` may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);
/// Address pools and port ranges warn when less than this share (in
/// percent) of their room is left, and fail when none is.
pub const LOW_ROOM_PERCENT: usize = 10;
/// Free disk below this fails: a create, a backup or an archive may not fit.
pub const DISK_FAIL_BYTES: u64 = 500 * 1024 * 1024;
/// Free disk below this warns (as does less than [`DISK_WARN_PERCENT`]).
pub const DISK_WARN_BYTES: u64 = 5 * 1024 * 1024 * 1024;
pub const DISK_WARN_PERCENT: u64 = 10;
/// The oldest engine API envctl is tested against (Debian's Docker 20.10).
pub const MIN_API_VERSION: (u32, u32) = (1, 41);

/// The cron line of `crontab.example`, for the maintenance check's fix.
const CRON_LINE: &str = "0 2 * * *   envctl auto-cleanup --lock-timeout 10m";
/// The systemd timer of examples/systemd.
const CLEANUP_TIMER: &str = "envctl-cleanup.timer";
/// The Debian package's cron file.
const CRON_FILE: &str = "/etc/cron.d/envctl";

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    /// Works now, but will not for long, or not everywhere.
    Warn,
    /// Creating environments will fail until it is fixed.
    Fail,
    /// Not checked: what it needs is missing (said in `detail`).
    Skip,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked: "config", "database", "engine", "network", "ports",
    /// "disk", "images", "maintenance"; remotely "server", "token".
    pub name: &'static str,
    pub status: CheckStatus,
    /// What was found, in one or two sentences.
    pub detail: String,
    /// What to do about it, when the status is not ok.
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            status: CheckStatus::Ok,
            detail: detail.into(),
            fix: None,
        }
    }

    fn warn(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            status: CheckStatus::Warn,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            status: CheckStatus::Fail,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn skip(name: &'static str, why: &str) -> Check {
        Check {
            name,
            status: CheckStatus::Skip,
            detail: format!("skipped: {why}"),
            fix: None,
        }
    }
}

/// Every check, in the order they ran. Serialises as `{"checks": [...], "ok": bool}`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
    /// True when no check failed.
    pub ok: bool,
}

impl Report {
    fn new(checks: Vec<Check>) -> Report {
        let ok = checks.iter().all(|c| c.status != CheckStatus::Fail);
        Report { checks, ok }
    }

    /// The names of the checks that failed.
    pub fn failed(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| c.name)
            .collect()
    }
}

/// What `envctl doctor` looks at.
#[derive(Debug, Clone, Default)]
pub struct DoctorOptions {
    /// The config file every command would read (`--config`, `ENVCTL_CONFIG`
    /// or the XDG one when it exists); `None`: the built-in defaults.
    pub config_path: Option<PathBuf>,
    /// The data directory (`--data-dir`, `ENVCTL_DATA_DIR` or the XDG one).
    pub data_dir: PathBuf,
    /// Remote mode: the server's URL; the local checks are then skipped.
    pub server: Option<String>,
    /// Remote mode: `ENVCTL_TOKEN`.
    pub token: Option<String>,
}

/// Runs every check. Never fails: each problem is a check's status.
pub async fn doctor(opts: &DoctorOptions) -> Report {
    match &opts.server {
        Some(url) => Report::new(remote_checks(url, opts.token.clone()).await),
        None => Report::new(local_checks(opts).await),
    }
}

async fn local_checks(opts: &DoctorOptions) -> Vec<Check> {
    let mut checks = Vec::new();
    // File reads and statvfs stay off the async workers (see store::off_worker).
    let (config_check, config) = off_worker(|| check_config(opts.config_path.as_deref()));
    checks.push(config_check);
    let (database_check, held) = check_database(&opts.data_dir);
    checks.push(database_check);
    let engine_config = config
        .as_ref()
        .map(|c| c.engine.clone())
        .unwrap_or_default();
    let (engine_check, engine) = check_engine(&engine_config).await;
    checks.push(engine_check);
    if let Some(e) = &engine
        && engine_config.kind == crate::config::EngineKind::Swarm
    {
        checks.push(check_swarm(e).await);
    }
    const NO_CONFIG: &str = "config invalid";
    const NO_ENGINE: &str = "engine unreachable";
    checks.push(match (&config, &engine) {
        (None, _) => Check::skip("network", NO_CONFIG),
        (_, None) => Check::skip("network", NO_ENGINE),
        (Some(c), Some(e)) => check_network(c, e).await,
    });
    checks.push(match &config {
        None => Check::skip("ports", NO_CONFIG),
        Some(c) => check_ports(c, held.as_deref()),
    });
    checks.push(off_worker(|| check_disk(&opts.data_dir)));
    checks.push(match (&config, &engine) {
        (None, _) => Check::skip("images", NO_CONFIG),
        (_, None) => Check::skip("images", NO_ENGINE),
        (Some(c), Some(e)) => check_images(c, e).await,
    });
    checks.push(check_maintenance(&opts.data_dir).await);
    checks
}

// ---- swarm --------------------------------------------------------------

/// On a Swarm: the nodes new environments may go to, and those they may not.
async fn check_swarm(engine: &Engine) -> Check {
    const NAME: &str = "swarm";
    let nodes = match engine.nodes().await {
        Ok(Some(nodes)) => nodes,
        Ok(None) => return Check::skip(NAME, "not a swarm"),
        Err(e) => {
            return Check::fail(
                NAME,
                first_line(&e),
                "check that DOCKER_HOST names a manager node (`docker node ls` there)",
            );
        }
    };
    let usable = nodes.iter().filter(|n| n.usable).count();
    let detail = format!(
        "{usable} of {} nodes take environments: {}",
        nodes.len(),
        nodes
            .iter()
            .map(crate::engine::NodeInfo::summary)
            .collect::<Vec<_>>()
            .join("; ")
    );
    if usable == 0 {
        Check::fail(
            NAME,
            detail,
            "make a node ready and active (`docker node update --availability active NODE`), \
             or give one the labels [engine] node_labels asks for (`docker node update --label-add k=v NODE`)",
        )
    } else if nodes.iter().any(|n| n.labelled && !n.usable) {
        // Nodes left out by [engine] node_labels are meant to be.
        Check::warn(
            NAME,
            detail,
            "environments on a node that is down or drained cannot run: `envctl sync` names them",
        )
    } else {
        Check::ok(NAME, detail)
    }
}

// ---- config -------------------------------------------------------------

fn check_config(path: Option<&Path>) -> (Check, Option<Config>) {
    match Config::load(path) {
        Ok(config) => {
            let source = config.source.as_ref().map_or_else(
                || "no config file: the built-in defaults".to_owned(),
                |p| format!("read from {}", p.display()),
            );
            let detail = format!(
                "{source} ({} templates, default '{}')",
                config.templates.len(),
                config.defaults.template
            );
            (Check::ok("config", detail), Some(config))
        }
        Err(e) => (
            Check::fail(
                "config",
                e.to_string(),
                "fix what the message names (see docs/configuration.md), then run `envctl config check`",
            ),
            None,
        ),
    }
}

// ---- database -----------------------------------------------------------

/// The database's state, and the port blocks its records hold (`None`
/// when it could not be read).
fn check_database(dir: &Path) -> (Check, Option<Vec<Range<u32>>>) {
    const NAME: &str = "database";
    let db_path = dir.join(crate::store::DATABASE_FILE);
    if !db_path.exists() {
        let detail = format!(
            "{} does not exist yet: the first create makes it",
            db_path.display()
        );
        return (Check::ok(NAME, detail), Some(Vec::new()));
    }
    // The directory exists (the file is in it), so opening creates nothing.
    let read = Store::open(dir, DATABASE_TIMEOUT).and_then(|s| s.read());
    let db = match read {
        Ok(db) => db,
        Err(e @ Error::Busy { .. }) => {
            return (
                Check::warn(
                    NAME,
                    first_line(&e),
                    "another envctl held the lock for seconds: let it finish, \
                     or find it with `fuser` on environments.json.lock",
                ),
                None,
            );
        }
        Err(e @ Error::Io { .. }) => {
            return (
                Check::fail(
                    NAME,
                    e.chain_text(),
                    "run envctl as the user who owns the data directory (the one cron and \
                     `envctl serve` run as), or give that user access to it",
                ),
                None,
            );
        }
        Err(e) => {
            // The message's second line is its advice.
            let text = e.to_string();
            let (detail, hint) = text.split_once('\n').unwrap_or((&text, ""));
            let fix = match hint.trim() {
                "" => {
                    "restore the newest backup (`envctl backup list`, `envctl backup restore NAME`)"
                }
                hint => hint,
            };
            return (Check::fail(NAME, detail, fix), None);
        }
    };
    let held: Vec<Range<u32>> = db
        .environments
        .iter()
        .map(|e| u32::from(e.base_port)..u32::from(e.base_port) + u32::from(e.port_count))
        .collect();
    let detail = format!(
        "{} environments in {}",
        db.environments.len(),
        db_path.display()
    );
    let check = match crate::store::permission_warning(dir) {
        Some(warning) => Check::warn(
            NAME,
            format!("{detail}; {warning}"),
            format!("chmod 700 {}", dir.display()),
        ),
        None => Check::ok(NAME, detail),
    };
    (check, Some(held))
}

// ---- engine -------------------------------------------------------------

/// An error's first line: the others are advice the check's fix gives better.
fn first_line(e: &Error) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

async fn check_engine(config: &crate::config::EngineConfig) -> (Check, Option<Engine>) {
    const NAME: &str = "engine";
    let host = crate::engine::docker::docker_host();
    let fix = format!(
        "start the engine (`sudo systemctl start docker`); if it listens elsewhere set DOCKER_HOST \
         (now {host}); on a permission error add yourself to the docker group \
         (`sudo usermod -aG docker $USER`, then log in again)"
    );
    let connected = tokio::time::timeout(ENGINE_TIMEOUT, async {
        let engine = Engine::connect(config).await?;
        let version = engine.version().await?;
        Ok::<_, Error>((engine, version))
    })
    .await;
    let (engine, version) = match connected {
        Ok(Ok(pair)) => pair,
        Ok(Err(e)) => {
            // It answers, but is not what [engine] kind needs: its own advice.
            let fix = match &e {
                Error::WrongEngine { hint, .. } => hint.clone(),
                _ => fix,
            };
            return (Check::fail(NAME, first_line(&e), fix), None);
        }
        Err(_) => {
            let detail = format!(
                "the engine at {host} did not answer within {}s",
                ENGINE_TIMEOUT.as_secs()
            );
            return (Check::fail(NAME, detail, fix), None);
        }
    };
    let platform = version
        .platform
        .as_deref()
        .map(|p| format!(", {p}"))
        .unwrap_or_default();
    let detail = format!(
        "Docker {} at {host} (API {}, this connection {}{platform})",
        version.version, version.api_version, version.negotiated
    );
    let check = match api_version(&version.api_version) {
        Some(api) if api < MIN_API_VERSION => Check::warn(
            NAME,
            format!(
                "{detail}: older than API {}.{}, the oldest envctl is tested with",
                MIN_API_VERSION.0, MIN_API_VERSION.1
            ),
            "upgrade Docker to 20.10 or newer",
        ),
        _ => Check::ok(NAME, detail),
    };
    (check, Some(engine))
}

/// "1.41" as (1, 41).
fn api_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

// ---- network ------------------------------------------------------------

/// Docker's default address pools (moby's defaults, without a
/// `default-address-pools` in daemon.json): 172.17.0.0/16 to 172.31.0.0/16
/// one /16 per network, and 192.168.0.0/16 split into /20s. 31 networks,
/// the first of which the default bridge takes.
pub fn docker_default_slots() -> Vec<(Ipv4Addr, u8)> {
    let mut slots: Vec<(Ipv4Addr, u8)> = (17..=31)
        .map(|b| (Ipv4Addr::new(172, b, 0, 0), 16))
        .collect();
    slots.extend((0..16).map(|i| (Ipv4Addr::new(192, 168, i * 16, 0), 20)));
    slots
}

/// The addresses of `address/prefix` as a range of u64 (so /0 fits).
fn span(address: Ipv4Addr, prefix: u8) -> Range<u64> {
    let start = u64::from(u32::from(address));
    start..start + (1u64 << (32 - u32::from(prefix.min(32))))
}

/// How many of `slots` some subnet overlaps.
pub fn used_slots(slots: &[(Ipv4Addr, u8)], subnets: &[NetworkSubnet]) -> usize {
    slots
        .iter()
        .filter(|(a, p)| {
            let slot = span(*a, *p);
            subnets.iter().any(|s| {
                let s = span(s.address, s.prefix);
                s.start < slot.end && slot.start < s.end
            })
        })
        .count()
}

/// (subnets of `/prefix` the pool `address/pool_prefix` holds, how many of
/// them some network's subnet overlaps). Counted by ranges, so a /8 pool
/// costs no more than a /24.
/// Room for environments' networks, as (capacity, used) subnets: in
/// `[network] subnet_pool` when set, else an estimate over Docker's default
/// address pools (about 31 bridge networks). Doctor's network check and the
/// server's `envctl_networks_*` metrics read it.
pub fn network_room(
    network: &crate::config::NetworkConfig,
    subnets: &[NetworkSubnet],
) -> (u64, u64) {
    match network.pool() {
        Some((address, pool_prefix)) => {
            pool_room(address, pool_prefix, network.subnet_prefix, subnets)
        }
        None => {
            let slots = docker_default_slots();
            (slots.len() as u64, used_slots(&slots, subnets) as u64)
        }
    }
}

pub fn pool_room(
    address: Ipv4Addr,
    pool_prefix: u8,
    prefix: u8,
    subnets: &[NetworkSubnet],
) -> (u64, u64) {
    if prefix < pool_prefix || prefix > 32 {
        return (0, 0);
    }
    let pool = span(address, pool_prefix);
    let size = 1u64 << (32 - u32::from(prefix));
    let capacity = (pool.end - pool.start) / size;
    // The slot indices each subnet overlaps, as ranges, then merged.
    let mut taken: Vec<Range<u64>> = subnets
        .iter()
        .filter_map(|s| {
            let s = span(s.address, s.prefix);
            let start = s.start.max(pool.start);
            let end = s.end.min(pool.end);
            (start < end).then(|| (start - pool.start) / size..(end - 1 - pool.start) / size + 1)
        })
        .collect();
    taken.sort_by_key(|r| r.start);
    let mut used = 0;
    let mut reach = 0;
    for r in taken {
        let start = r.start.max(reach);
        if r.end > start {
            used += r.end - start;
        }
        reach = reach.max(r.end);
    }
    (capacity, used)
}

/// ok, warn under [`LOW_ROOM_PERCENT`] left, fail with none left.
fn room_status(capacity: u64, used: u64) -> CheckStatus {
    let left = capacity.saturating_sub(used);
    if left == 0 {
        CheckStatus::Fail
    } else if left * 100 < capacity * LOW_ROOM_PERCENT as u64 {
        CheckStatus::Warn
    } else {
        CheckStatus::Ok
    }
}

async fn check_network(config: &Config, engine: &Engine) -> Check {
    const NAME: &str = "network";
    let subnets = match tokio::time::timeout(ENGINE_TIMEOUT, engine.network_subnets()).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            return Check::fail(
                NAME,
                e.chain_text(),
                "check that the engine works: `docker network ls`",
            );
        }
        Err(_) => {
            return Check::fail(
                NAME,
                format!(
                    "listing networks took longer than {}s",
                    ENGINE_TIMEOUT.as_secs()
                ),
                "check that the engine works: `docker network ls`",
            );
        }
    };
    let (capacity, used) = network_room(&config.network, &subnets);
    match config.network.pool() {
        Some((address, pool_prefix)) => {
            let prefix = config.network.subnet_prefix;
            let pool = format!("{address}/{pool_prefix}");
            let detail = format!(
                "[network] subnet_pool {pool}: {} of {capacity} /{prefix} subnets left ({used} taken by networks)",
                capacity.saturating_sub(used)
            );
            let fix = format!(
                "widen [network] subnet_pool (now {pool}) or raise subnet_prefix (now /{prefix}) in the config; \
                 delete unused environments (`envctl cleanup`) or networks (`docker network prune`)"
            );
            status_check(NAME, room_status(capacity, used), detail, fix)
        }
        None => {
            let detail = format!(
                "Docker's default address pools: about {} of {capacity} bridge networks left \
                 (an estimate: it assumes no default-address-pools in /etc/docker/daemon.json)",
                capacity.saturating_sub(used)
            );
            let fix = "set [network] subnet_pool = \"10.213.0.0/16\" (any free range) in the config, \
                       so environments stop taking from Docker's ~30 default networks; \
                       or remove unused networks with `docker network prune`";
            status_check(NAME, room_status(capacity, used), detail, fix)
        }
    }
}

fn status_check(
    name: &'static str,
    status: CheckStatus,
    detail: String,
    fix: impl Into<String>,
) -> Check {
    Check {
        name,
        status,
        detail,
        fix: (status != CheckStatus::Ok).then(|| fix.into()),
    }
}

// ---- ports --------------------------------------------------------------

fn check_ports(config: &Config, held: Option<&[Range<u32>]>) -> Check {
    const NAME: &str = "ports";
    let (base, max) = (config.ports.base, config.ports.max);
    let template = &config.defaults.template;
    let size = match config.template(template) {
        Ok(t) => t.block_size(),
        Err(e) => {
            return Check::fail(
                NAME,
                e.to_string(),
                "set [defaults] template to a template the config has",
            );
        }
    };
    let capacity = if max >= base {
        (usize::from(max - base) + 1) / usize::from(size.max(1))
    } else {
        0
    };
    let free = off_worker(|| {
        crate::ports::available_blocks(
            base,
            max,
            size,
            held.unwrap_or_default(),
            crate::ports::host_port_is_free,
        )
    });
    let unread = if held.is_none() {
        " (the database could not be read, so only the host's use of ports is counted)"
    } else {
        ""
    };
    let detail = format!(
        "{free} of {capacity} blocks of {size} ports (template '{template}') free in {base}..={max}{unread}"
    );
    let fix = format!(
        "delete unused environments (`envctl cleanup`), stop what else listens in {base}..={max} \
         (`ss -ltnp`), or widen [ports] in the config"
    );
    let status = room_status(capacity as u64, capacity.saturating_sub(free) as u64);
    if held.is_none() && status == CheckStatus::Ok {
        return Check::warn(NAME, detail, "repair the database first (see its check)");
    }
    status_check(NAME, status, detail, fix)
}

// ---- disk ---------------------------------------------------------------

use crate::store::host::{DiskSpace, disk_space};

/// fail under [`DISK_FAIL_BYTES`]; warn under [`DISK_WARN_BYTES`] or
/// [`DISK_WARN_PERCENT`] free.
pub fn disk_status(space: DiskSpace) -> CheckStatus {
    if space.free < DISK_FAIL_BYTES {
        CheckStatus::Fail
    } else if space.free < DISK_WARN_BYTES || space.free * 100 < space.total * DISK_WARN_PERCENT {
        CheckStatus::Warn
    } else {
        CheckStatus::Ok
    }
}

fn check_disk(data_dir: &Path) -> Check {
    const NAME: &str = "disk";
    let archives = crate::archives::ArchiveStore::new(data_dir)
        .dir()
        .to_owned();
    let Some(data) = disk_space(data_dir) else {
        return Check::warn(
            NAME,
            format!("cannot tell the free space at {}", data_dir.display()),
            "check that the data directory's filesystem is mounted and readable",
        );
    };
    let mut places = vec![(data_dir.to_owned(), data)];
    if let Some(a) = disk_space(&archives).filter(|a| a.device != data.device) {
        places.push((archives, a));
    }
    let status = places
        .iter()
        .map(|(_, s)| disk_status(*s))
        .max_by_key(|s| match s {
            CheckStatus::Fail => 2,
            CheckStatus::Warn => 1,
            _ => 0,
        })
        .unwrap_or(CheckStatus::Ok);
    let detail = places
        .iter()
        .map(|(p, s)| {
            format!(
                "{} free of {} at {}",
                bytes(s.free),
                bytes(s.total),
                p.display()
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let fix = "free space there: `envctl archive prune`, `envctl backup prune`, `docker system prune`, \
               or move the data directory (ENVCTL_DATA_DIR) to a bigger disk";
    status_check(NAME, status, detail, fix)
}

// ---- images -------------------------------------------------------------

/// What the registry said about a missing image.
enum Registry {
    Has,
    Lacks,
    Unreachable(String),
}

async fn check_images(config: &Config, engine: &Engine) -> Check {
    const NAME: &str = "images";
    let engine_fix = "check that the engine works: `docker image ls`";
    let mut images: Vec<&str> = config
        .templates
        .values()
        .flat_map(|t| t.services.iter().map(|s| s.image.as_str()))
        .collect();
    images.sort_unstable();
    images.dedup();
    let mut missing = Vec::new();
    for image in &images {
        match tokio::time::timeout(ENGINE_TIMEOUT, engine.has_image(image)).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => missing.push(*image),
            Ok(Err(e)) => return Check::fail(NAME, first_line(&e), engine_fix),
            Err(_) => {
                let detail = format!(
                    "inspecting {image} took longer than {}s",
                    ENGINE_TIMEOUT.as_secs()
                );
                return Check::fail(NAME, detail, engine_fix);
            }
        }
    }
    if missing.is_empty() {
        let detail = format!("all {} images of the templates are present", images.len());
        return Check::ok(NAME, detail);
    }
    // Asked all at once: an unreachable registry costs one timeout, not one per image.
    let answers = futures_util::future::join_all(missing.iter().map(|image| async move {
        match tokio::time::timeout(ENGINE_TIMEOUT, engine.registry_has(image)).await {
            Ok(Ok(true)) => Registry::Has,
            Ok(Ok(false)) => Registry::Lacks,
            Ok(Err(e)) => Registry::Unreachable(e.chain_text()),
            Err(_) => {
                Registry::Unreachable(format!("no answer within {}s", ENGINE_TIMEOUT.as_secs()))
            }
        }
    }))
    .await;
    let pick = |want: fn(&Registry) -> bool| -> Vec<&str> {
        missing
            .iter()
            .zip(&answers)
            .filter(|(_, a)| want(a))
            .map(|(i, _)| *i)
            .collect()
    };
    let has = pick(|a| matches!(a, Registry::Has));
    let lacks = pick(|a| matches!(a, Registry::Lacks));
    let mut reasons: Vec<&str> = answers
        .iter()
        .filter_map(|a| match a {
            Registry::Unreachable(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    reasons.sort_unstable();
    reasons.dedup();
    let mut notes = Vec::new();
    if !has.is_empty() {
        notes.push(format!("the registry has {}", has.join(", ")));
    }
    if !lacks.is_empty() {
        notes.push(format!(
            "no registry serves {} (or it wants a login envctl does not send)",
            lacks.join(", ")
        ));
    }
    if !reasons.is_empty() {
        notes.push(format!(
            "the registry could not be asked: {}",
            reasons.join("; ")
        ));
    }
    let pulls = missing
        .iter()
        .map(|i| format!("docker pull {i}"))
        .collect::<Vec<_>>()
        .join("; ");
    let fix = if !lacks.is_empty() {
        format!(
            "check the image names in the templates; an image no registry serves must be \
             built or loaded on this host (`docker load`); else pull them now: {pulls}"
        )
    } else if !reasons.is_empty() {
        format!(
            "a create that needs them fails while the engine cannot reach the registry: fix the \
             engine's DNS or proxy, or load the images on this host (`docker load`); then: {pulls}"
        )
    } else {
        format!("pull them now so creates are quick: {pulls}")
    };
    Check::warn(
        NAME,
        format!(
            "{} of {} images missing locally: {}; the first create that needs one pulls it ({})",
            missing.len(),
            images.len(),
            missing.join(", "),
            notes.join("; ")
        ),
        fix,
    )
}

// ---- maintenance --------------------------------------------------------

/// True when `text` (a crontab) has a line, not commented out, that runs
/// `envctl auto-cleanup`.
pub fn crontab_runs_cleanup(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.contains("envctl") && l.contains("auto-cleanup"))
}

/// The output of a short command, `None` when it is missing, fails to
/// start or takes longer than [`COMMAND_TIMEOUT`].
async fn command_output(program: &str, args: &[&str]) -> Option<std::process::Output> {
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(COMMAND_TIMEOUT, child)
        .await
        .ok()?
        .ok()
}

/// The newest `cleanup` event of the event log's last 90 days. Cleanup logs
/// one only when it removed something.
pub fn last_cleanup(data_dir: &Path) -> Option<crate::store::events::Logged> {
    crate::store::events::last_of(data_dir, "cleanup")
}

async fn check_maintenance(data_dir: &Path) -> Check {
    const NAME: &str = "maintenance";
    let (last, in_cron_file) = off_worker(|| {
        let last = last_cleanup(data_dir);
        let cron = std::fs::read_to_string(CRON_FILE).is_ok_and(|t| crontab_runs_cleanup(&t));
        (last, cron)
    });
    let last = match last {
        Some(e) => format!(
            "; the last cleanup that removed anything: {} ({}{})",
            e.time,
            e.outcome,
            e.detail.map(|d| format!(": {d}")).unwrap_or_default()
        ),
        None => "; no cleanup has removed anything yet".to_owned(),
    };
    let mut found = Vec::new();
    if in_cron_file {
        found.push(CRON_FILE.to_owned());
    }
    if let Some(out) = command_output("crontab", &["-l"]).await
        && out.status.success()
        && crontab_runs_cleanup(&String::from_utf8_lossy(&out.stdout))
    {
        found.push("your crontab".to_owned());
    }
    if let Some(out) = command_output("systemctl", &["is-enabled", CLEANUP_TIMER]).await
        && String::from_utf8_lossy(&out.stdout).trim() == "enabled"
    {
        found.push(format!("systemd timer {CLEANUP_TIMER}"));
    }
    if found.is_empty() {
        return Check::warn(
            NAME,
            format!(
                "no scheduled `envctl auto-cleanup` found (not in {CRON_FILE}, your crontab \
                 or {CLEANUP_TIMER}): old environments pile up{last}"
            ),
            format!(
                "add `{CRON_LINE}` with `crontab -e` (see crontab.example), \
                 or `sudo systemctl enable --now {CLEANUP_TIMER}`"
            ),
        );
    }
    Check::ok(
        NAME,
        format!("auto-cleanup scheduled by {}{last}", found.join(", ")),
    )
}

// ---- remote mode --------------------------------------------------------

async fn remote_checks(url: &str, token: Option<String>) -> Vec<Check> {
    let mut checks = Vec::new();
    let remote = match Remote::new(url, token.clone()) {
        Ok(r) => r,
        Err(e) => {
            checks.push(Check::fail(
                "server",
                e.to_string(),
                "set --server or ENVCTL_SERVER to the server's URL, e.g. http://envctl.internal:8080",
            ));
            checks.push(Check::skip("token", "no server"));
            checks.extend(not_checked_remotely());
            return checks;
        }
    };
    let (server, reachable) = check_server(&remote).await;
    checks.push(server);
    checks.push(if reachable {
        check_token(&remote, token.is_some()).await
    } else {
        Check::skip("token", "server unreachable")
    });
    checks.extend(not_checked_remotely());
    checks
}

/// In remote mode the local engine, database and config are not used.
fn not_checked_remotely() -> Vec<Check> {
    [
        "config",
        "database",
        "engine",
        "network",
        "ports",
        "disk",
        "images",
        "maintenance",
    ]
    .into_iter()
    .map(|name| {
        Check::skip(
            name,
            "not checked in remote mode (run `envctl doctor` on the server's machine)",
        )
    })
    .collect()
}

/// The server's check, and whether it answered at all.
async fn check_server(remote: &Remote) -> (Check, bool) {
    const NAME: &str = "server";
    let url = remote.url();
    let unreachable_fix = "check --server or ENVCTL_SERVER, and that `envctl serve` runs there \
                           (`systemctl status envctl` on the server)";
    match remote.probe("/healthz", ENGINE_TIMEOUT).await {
        Ok((200, _)) => {}
        Ok((status, _)) => {
            let detail = format!("{url}/healthz answered {status}: is it an envctl server?");
            return (Check::fail(NAME, detail, unreachable_fix), false);
        }
        Err(e) => return (Check::fail(NAME, e.chain_text(), unreachable_fix), false),
    }
    let check = match remote.probe("/readyz", ENGINE_TIMEOUT).await {
        Ok((200, _)) => Check::ok(
            NAME,
            format!("{url} answers and is ready (its database and Docker)"),
        ),
        Ok((status, body)) => {
            let part = |key: &str| body[key].as_str().unwrap_or("unknown").to_owned();
            Check::fail(
                NAME,
                format!(
                    "{url} answers but is not ready ({status}): database {}, Docker {}",
                    part("database"),
                    part("docker")
                ),
                "run `envctl doctor` on the server's machine",
            )
        }
        Err(e) => Check::fail(NAME, e.chain_text(), unreachable_fix),
    };
    (check, true)
}

async fn check_token(remote: &Remote, token_set: bool) -> Check {
    const NAME: &str = "token";
    let create = "`envctl token create --name NAME --role developer` on the server makes one";
    let answer = tokio::time::timeout(ENGINE_TIMEOUT, remote.templates()).await;
    match answer {
        Ok(Ok(_)) if token_set => Check::ok(NAME, "ENVCTL_TOKEN is accepted"),
        Ok(Ok(_)) => Check::ok(NAME, "the server asks for no token"),
        Ok(Err(Error::Remote {
            code: ErrorCode::Unauthorized,
            message,
            ..
        })) => Check::fail(
            NAME,
            message,
            format!("set ENVCTL_TOKEN to a valid token ({create})"),
        ),
        Ok(Err(e)) => Check::fail(
            NAME,
            e.chain_text(),
            "run `envctl doctor` on the server's machine",
        ),
        Err(_) => Check::fail(
            NAME,
            format!(
                "the server did not answer within {}s",
                ENGINE_TIMEOUT.as_secs()
            ),
            "run `envctl doctor` on the server's machine",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(address: [u8; 4], prefix: u8) -> NetworkSubnet {
        NetworkSubnet {
            network: "n".into(),
            driver: "bridge".into(),
            address: Ipv4Addr::from(address),
            prefix,
        }
    }

    #[test]
    fn pool_room_counts_the_subnets_networks_overlap() {
        let pool = Ipv4Addr::new(10, 214, 0, 0);
        assert_eq!(pool_room(pool, 24, 28, &[]), (16, 0));
        // One /28 inside, one outside, one repeated.
        let nets = [
            net([10, 214, 0, 16], 28),
            net([10, 215, 0, 0], 28),
            net([10, 214, 0, 16], 28),
        ];
        assert_eq!(pool_room(pool, 24, 28, &nets), (16, 1));
        // A smaller subnet still takes its whole /28; a bigger one every /28 it covers.
        assert_eq!(
            pool_room(pool, 24, 28, &[net([10, 214, 0, 36], 30)]),
            (16, 1)
        );
        assert_eq!(
            pool_room(pool, 24, 28, &[net([10, 214, 0, 128], 25)]),
            (16, 8)
        );
        // A network covering the whole pool, and more, takes all of it.
        assert_eq!(pool_room(pool, 24, 28, &[net([10, 0, 0, 0], 8)]), (16, 16));
        // A /28 pool of /28s: one network fills it.
        assert_eq!(pool_room(pool, 28, 28, &[net([10, 214, 0, 0], 28)]), (1, 1));
        // Big pools are counted by ranges.
        assert_eq!(
            pool_room(Ipv4Addr::new(10, 0, 0, 0), 8, 30, &[]),
            (1 << 22, 0)
        );
    }

    #[test]
    fn docker_default_pools_hold_31_networks_and_the_bridge_takes_one() {
        let slots = docker_default_slots();
        assert_eq!(slots.len(), 31);
        let stock = [net([172, 17, 0, 0], 16)];
        assert_eq!(used_slots(&slots, &stock), 1);
        let more = [
            net([172, 17, 0, 0], 16),
            net([172, 18, 0, 0], 16),
            net([192, 168, 16, 0], 20),
            net([192, 168, 17, 0], 24),
            net([10, 1, 0, 0], 16),
        ];
        assert_eq!(used_slots(&slots, &more), 3);
    }

    #[test]
    fn room_warns_under_ten_percent_and_fails_when_none_is_left() {
        assert_eq!(room_status(100, 0), CheckStatus::Ok);
        assert_eq!(room_status(100, 90), CheckStatus::Ok);
        assert_eq!(room_status(100, 91), CheckStatus::Warn);
        assert_eq!(room_status(100, 100), CheckStatus::Fail);
        assert_eq!(room_status(1, 0), CheckStatus::Ok);
        assert_eq!(room_status(0, 0), CheckStatus::Fail);
        assert_eq!(room_status(31, 28), CheckStatus::Warn);
    }

    #[test]
    fn disk_thresholds() {
        const GIB: u64 = 1024 * 1024 * 1024;
        let space = |free, total| DiskSpace {
            free,
            total,
            device: 0,
        };
        assert_eq!(disk_status(space(100 * GIB, 200 * GIB)), CheckStatus::Ok);
        assert_eq!(disk_status(space(4 * GIB, 8 * GIB)), CheckStatus::Warn);
        assert_eq!(disk_status(space(50 * GIB, 1000 * GIB)), CheckStatus::Warn);
        assert_eq!(
            disk_status(space(400 * 1024 * 1024, GIB)),
            CheckStatus::Fail
        );
    }

    #[test]
    fn only_an_active_crontab_line_counts() {
        assert!(crontab_runs_cleanup(
            "PATH=/usr/bin\n0 2 * * *   envctl auto-cleanup --lock-timeout 10m >> /var/log/x 2>&1\n"
        ));
        // The Debian package's file ships with its jobs commented out.
        assert!(!crontab_runs_cleanup(
            "# 0 2 * * *   envctl  env ENVCTL_DATA_DIR=/var/lib/envctl /usr/bin/envctl auto-cleanup\n"
        ));
        assert!(!crontab_runs_cleanup("0 3 * * 0 envctl auto-reset-db\n"));
    }

    #[test]
    fn the_last_cleanup_is_read_from_the_event_log() {
        let dir = tempfile::tempdir().unwrap();
        assert!(last_cleanup(dir.path()).is_none());
        let log = [
            r#"{"time":"2026-11-25T02:00:01.000Z","user":"envctl","via":"cli","pid":1,"action":"cleanup","environment":null,"outcome":"ok","detail":"2 removed, 0 failed"}"#,
            r#"{"time":"2026-11-26T02:00:01.000Z","user":"envctl","via":"cli","pid":2,"action":"cleanup","environment":null,"outcome":"partial","detail":"1 removed, 1 failed"}"#,
            r#"{"time":"2026-11-26T09:00:00.000Z","user":"al","via":"cli","pid":3,"action":"create","environment":"cleanup","outcome":"ok"}"#,
        ];
        std::fs::write(dir.path().join("events.log"), log.join("\n")).unwrap();
        let last = last_cleanup(dir.path()).unwrap();
        assert_eq!(last.time, "2026-11-26T02:00:01.000Z");
        assert_eq!(last.outcome, "partial");
    }

    #[test]
    fn api_versions_compare_by_number() {
        assert_eq!(api_version("1.41"), Some((1, 41)));
        assert!(api_version("1.9").unwrap() < api_version("1.41").unwrap());
        assert_eq!(api_version("unknown"), None);
    }

    #[test]
    fn a_report_fails_when_one_check_fails() {
        let report = Report::new(vec![
            Check::ok("config", "fine"),
            Check::warn("images", "missing", "pull"),
            Check::skip("network", "engine unreachable"),
        ]);
        assert!(report.ok);
        let report = Report::new(vec![Check::fail("engine", "down", "start it")]);
        assert!(!report.ok);
        assert_eq!(report.failed(), ["engine"]);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["checks"][0]["status"], "fail");
        assert_eq!(json["ok"], false);
    }
}
