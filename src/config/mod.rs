//! `config.toml`: the port range, defaults and the environment templates.
//!
//! Everything has a default, so envctl works with no config file: the built-in
//! `onboarding` template (Jira on base + 0, GitLab on base + 1, a Grafana
//! dashboard on base + 2) and the port range 8090..=9999. Templates in the
//! file are added to the built-in ones (a template of the same name replaces it).
//! Errors name the file, the key and what was expected.
//!
//! Sizes, durations and volume specs are typed when the file is read, so
//! nothing downstream parses a config string.
//!
//! Must not: read the database or talk to the engine.

pub mod compose;
pub mod durations;
mod lines;
pub mod notifications;
pub mod variables;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::names;

/// The whole configuration, after defaults and validation.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The file it was read from, if any.
    pub source: Option<PathBuf>,
    pub ports: PortsConfig,
    pub defaults: Defaults,
    pub templates: BTreeMap<String, Template>,
    pub cleanup: CleanupConfig,
    pub backups: BackupConfig,
    pub archives: ArchivesConfig,
    pub events: EventsConfig,
    pub network: NetworkConfig,
    pub engine: EngineConfig,
    pub api: ApiConfig,
    /// `[[notifications]]`: webhooks told about failures and expiries.
    pub notifications: Vec<notifications::Endpoint>,
}

/// `[api]`: the REST API of `envctl serve`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    pub rate_limit: RateLimitConfig,
    /// How often the server restarts dead services and removes expired environments.
    #[serde(with = "duration_text")]
    pub maintenance_interval: Duration,
    /// How many times a dead service is restarted before its environment is marked failed.
    pub restart_limit: u32,
    /// How often the server samples running environments' resource use (for
    /// `/metrics`, the stats endpoints and the web charts); "0s" turns it off.
    #[serde(with = "duration_text")]
    pub stats_interval: Duration,
    /// A connection that does not send a whole request header within this
    /// long (a new one, or a kept-alive one between requests) is closed.
    #[serde(with = "duration_text")]
    pub header_timeout: Duration,
    /// Connections served at once; past it, new ones wait in the listen queue.
    pub max_connections: usize,
    /// Open `logs?follow` and event streams per token (per client address
    /// without one).
    pub max_streams: usize,
    /// On SIGTERM, how long requests in flight may take before their
    /// connections are closed.
    #[serde(with = "duration_text")]
    pub shutdown_grace: Duration,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            rate_limit: RateLimitConfig::default(),
            maintenance_interval: Duration::from_secs(60),
            restart_limit: 3,
            stats_interval: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_streams: 8,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// `[api.rate_limit]`: GCRA limits per token (per client address without one).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    pub enabled: bool,
    /// Sustained requests per second.
    pub per_second: u32,
    /// Requests allowed at once above the sustained rate.
    pub burst: u32,
    /// Creates per minute (stricter: each starts containers), through the API and the web alike.
    pub create_per_minute: u32,
    pub create_burst: u32,
    /// Web sign-in attempts per minute, per client address.
    pub sign_in_per_minute: u32,
    pub sign_in_burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            enabled: true,
            per_second: 20,
            burst: 40,
            create_per_minute: 6,
            create_burst: 3,
            sign_in_per_minute: 6,
            sign_in_burst: 5,
        }
    }
}

/// `[engine]`: which container runtime envctl drives.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// `"docker"` (one engine, the default) or `"swarm"` (a Docker Swarm,
    /// through a manager node: see docs/scale-out.md).
    pub kind: EngineKind,
    /// Swarm only: environments are placed only on nodes carrying every
    /// one of these node labels (`docker node update --label-add k=v`).
    pub node_labels: BTreeMap<String, String>,
}

/// The runtime behind `[engine] kind`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    #[default]
    Docker,
    Swarm,
}

/// `[network]`: where environment networks get their addresses.
///
/// By default Docker picks each network's subnet from its own pools, which
/// hold only about 30 bridge networks on a stock engine. With `subnet_pool`
/// set, envctl carves each environment's network out of that range instead
/// (`subnet_prefix`-sized, e.g. /28: 4,096 networks in a /16).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// An IPv4 range such as "10.213.0.0/16", or none to let Docker choose.
    pub subnet_pool: Option<String>,
    /// Size of each environment's subnet.
    pub subnet_prefix: u8,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            subnet_pool: None,
            subnet_prefix: 28,
        }
    }
}

impl NetworkConfig {
    /// The pool as (first address, prefix length), validated at load time.
    pub fn pool(&self) -> Option<(std::net::Ipv4Addr, u8)> {
        self.subnet_pool.as_deref().and_then(|p| parse_cidr(p).ok())
    }
}

/// Parses "a.b.c.d/n" (the address must be the start of its range).
pub fn parse_cidr(text: &str) -> Result<(std::net::Ipv4Addr, u8), String> {
    let bad = || format!("expected an IPv4 range like \"10.213.0.0/16\", got \"{text}\"");
    let (addr, len) = text.split_once('/').ok_or_else(bad)?;
    let addr: std::net::Ipv4Addr = addr.parse().map_err(|_| bad())?;
    let len: u8 = len.parse().map_err(|_| bad())?;
    if !(8..=30).contains(&len) {
        return Err(format!(
            "the prefix length must be between 8 and 30, got /{len}"
        ));
    }
    let mask = u32::MAX << (32 - len);
    if u32::from(addr) & !mask != 0 {
        return Err(format!("{addr} is not the first address of a /{len}"));
    }
    Ok((addr, len))
}

/// `[cleanup]`: the retention policy `cleanup` and `auto-cleanup` apply.
/// Flags override each field.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanupConfig {
    /// Keep only the N most recent environments (per owner with `per_owner`).
    pub keep: Option<usize>,
    /// Remove environments created longer ago than this.
    #[serde(with = "duration_text::option")]
    pub older_than: Option<Duration>,
    /// Remove `failed` environments this long after they failed.
    #[serde(with = "duration_text::option")]
    pub failed_grace: Option<Duration>,
    /// Apply `keep` to each owner separately.
    pub per_owner: bool,
    /// How many environments are removed at once.
    pub concurrency: usize,
}

impl Default for CleanupConfig {
    fn default() -> Self {
        CleanupConfig {
            keep: None,
            older_than: None,
            failed_grace: Some(Duration::from_secs(24 * 3600)),
            per_owner: false,
            concurrency: 4,
        }
    }
}

/// `[backups]`: how many database backups are kept, and for how long.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// Keep at most this many backups (the newest).
    pub keep: usize,
    /// Remove backups older than this (the newest one is always kept).
    #[serde(with = "duration_text::option")]
    pub max_age: Option<Duration>,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig {
            keep: 50,
            max_age: Some(Duration::from_secs(30 * 24 * 3600)),
        }
    }
}

/// `[archives]`: the volume archives taken before an environment's data is
/// removed (cleanup, TTL expiry, `delete`), and how long they are kept.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchivesConfig {
    /// Archive every volume before a removal (`delete --no-archive` skips one).
    pub enabled: bool,
    /// Keep at most this many archives (the newest).
    pub keep: usize,
    /// Remove archives older than this.
    #[serde(with = "duration_text::option")]
    pub max_age: Option<Duration>,
    /// Remove the oldest archives while all of them take more than this.
    pub max_bytes: Option<Size>,
    /// The newest archive of each environment name survives `keep` and
    /// `max_bytes` for at least this long.
    #[serde(with = "duration_text")]
    pub min_age: Duration,
    /// zstd compression level (1 fastest .. 19 smallest).
    pub level: i32,
}

impl Default for ArchivesConfig {
    fn default() -> Self {
        ArchivesConfig {
            enabled: true,
            keep: 50,
            max_age: Some(Duration::from_secs(30 * 24 * 3600)),
            max_bytes: Some(Size::parse("20g").expect("a valid size")),
            min_age: Duration::from_secs(7 * 24 * 3600),
            level: 3,
        }
    }
}

/// `[events]`: how large and how old the event log (`<data dir>/events/`,
/// one file per day) may grow; the oldest files go first.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    /// A day's file continues in a new part past this size.
    pub file_size: Size,
    /// The whole log: the oldest files are removed past this size.
    pub max_bytes: Size,
    /// Files of days older than this are removed.
    #[serde(with = "duration_text")]
    pub max_age: Duration,
}

impl Default for EventsConfig {
    fn default() -> Self {
        EventsConfig {
            file_size: Size::parse("16m").expect("a valid size"),
            max_bytes: Size::parse("1g").expect("a valid size"),
            max_age: Duration::from_secs(400 * 24 * 3600),
        }
    }
}

impl EventsConfig {
    /// The limits the log's writer applies.
    pub fn limits(&self) -> crate::store::events::Limits {
        let bytes = |s: &Size| u64::try_from(s.bytes()).unwrap_or(0).max(4096);
        crate::store::events::Limits {
            file_bytes: bytes(&self.file_size),
            max_bytes: bytes(&self.max_bytes),
            max_days: u32::try_from(self.max_age.as_secs() / 86_400)
                .unwrap_or(u32::MAX)
                .max(1),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortsConfig {
    /// First host port of the range.
    pub base: u16,
    /// Last host port of the range (inclusive).
    pub max: u16,
    /// Host name used in the service URLs envctl prints.
    pub public_host: String,
}

impl Default for PortsConfig {
    fn default() -> Self {
        PortsConfig {
            base: 8090,
            max: 9999,
            public_host: "localhost".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    /// Template used when none is given.
    pub template: String,
    /// How long `create` waits for an environment to become ready.
    #[serde(with = "duration_text")]
    pub create_timeout: Duration,
    /// Grace period given to containers on stop.
    #[serde(with = "duration_text")]
    pub stop_timeout: Duration,
    /// Default time to live of new environments (none: they live until deleted).
    #[serde(with = "duration_text::option")]
    pub ttl: Option<Duration>,
    /// The longest an environment may live from its creation, whoever
    /// extends it (none: no limit). Environments created without a TTL end
    /// after it.
    #[serde(with = "duration_text::option")]
    pub max_lifetime: Option<Duration>,
    /// Variables of envctl's own environment that templates may read as
    /// `${host.VAR}`; none unless listed.
    pub pass_env: Vec<String>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            template: "onboarding".into(),
            create_timeout: Duration::from_secs(15 * 60),
            stop_timeout: Duration::from_secs(10),
            ttl: None,
            max_lifetime: None,
            pass_env: Vec::new(),
        }
    }
}

/// A named group of services an environment is made from.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(default)]
    pub description: String,
    pub services: Vec<ServiceSpec>,
    /// Secrets generated for each environment, by name: `${secret.NAME}`.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretSpec>,
    /// A warm pool of ready environments that creates claim (see [`crate::ops::pool`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolSpec>,
}

/// `[templates.NAME.pool]`: how many ready environments to keep for claims.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// Ready members kept at all times (the floor).
    #[serde(default)]
    pub size: u32,
    /// Never more members than this, whatever the demand.
    pub max: u32,
    /// Members older than this are replaced.
    #[serde(default = "PoolSpec::default_max_age", with = "duration_text")]
    pub max_age: Duration,
    /// Larger floors at busy times (the host's local time).
    #[serde(default)]
    pub schedule: Vec<ScheduleEntry>,
}

impl PoolSpec {
    fn default_max_age() -> Duration {
        Duration::from_secs(24 * 3600)
    }
}

/// `{ days = "mon-fri", hours = "08-18", size = 5 }`: from the first hour up
/// to (not including) the last, on those days.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    pub days: Days,
    pub hours: Hours,
    pub size: u32,
}

/// Days of the week, written "mon-fri", "sat,sun", "mon,wed-fri" or "*".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(u8);

impl Days {
    /// Whether `day` (0 = Monday) is one of them.
    pub fn contains(self, day: u32) -> bool {
        day < 7 && self.0 & (1 << day) != 0
    }

    fn parse(text: &str) -> Result<Days, String> {
        const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let day = |d: &str| {
            NAMES
                .iter()
                .position(|n| *n == d.trim().to_ascii_lowercase())
                .ok_or_else(|| {
                    format!("expected days like \"mon-fri\" or \"sat,sun\", got \"{text}\"")
                })
        };
        if text.trim() == "*" {
            return Ok(Days(0x7f));
        }
        let mut bits = 0u8;
        for part in text.split(',') {
            let (from, to) = match part.split_once('-') {
                Some((a, b)) => (day(a)?, day(b)?),
                None => (day(part)?, day(part)?),
            };
            if from > to {
                return Err(format!("days \"{part}\" run backwards"));
            }
            for d in from..=to {
                bits |= 1 << d;
            }
        }
        Ok(Days(bits))
    }
}

/// Hours of the day, "08-18": from 08:00 up to 18:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub from: u32,
    pub to: u32,
}

impl Hours {
    pub fn contains(self, hour: u32) -> bool {
        self.from <= hour && hour < self.to
    }

    fn parse(text: &str) -> Result<Hours, String> {
        let bad = || format!("expected hours like \"08-18\" (from 00 to 24), got \"{text}\"");
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let (from, to) = (
            a.trim().parse::<u32>().map_err(|_| bad())?,
            b.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if from >= to || to > 24 {
            return Err(bad());
        }
        Ok(Hours { from, to })
    }
}

macro_rules! text_form {
    ($type:ty, $show:expr) => {
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$type>::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
        impl Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[allow(clippy::redundant_closure_call)]
                s.serialize_str(&($show)(self))
            }
        }
    };
}

text_form!(Days, |d: &Days| {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    (0..7)
        .filter(|i| d.contains(*i))
        .map(|i| NAMES[i as usize])
        .collect::<Vec<_>>()
        .join(",")
});
text_form!(Hours, |h: &Hours| format!("{:02}-{:02}", h.from, h.to));

/// `name = { length = 24 }`: a random secret of letters and digits.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSpec {
    #[serde(default = "SecretSpec::default_length")]
    pub length: usize,
}

impl SecretSpec {
    fn default_length() -> usize {
        24
    }
}

impl Template {
    /// This template with every variable of its strings (env values, command
    /// items, readiness paths and commands, sign-in hints) replaced by its
    /// value for one environment.
    pub fn resolve(&self, values: &crate::config::variables::Values<'_>) -> Result<Template> {
        let mut out = self.clone();
        for s in &mut out.services {
            for v in s.env.values_mut() {
                *v = values.resolve(v)?;
            }
            if let Some(command) = &mut s.command {
                for item in command.iter_mut() {
                    *item = values.resolve(item)?;
                }
            }
            if let Some(r) = &mut s.ready {
                if let Some(h) = &mut r.http {
                    *h = values.resolve(h)?;
                }
                if let Some(cmd) = &mut r.cmd {
                    for item in cmd.iter_mut() {
                        *item = values.resolve(item)?;
                    }
                }
            }
            if let Some(hint) = &mut s.sign_in {
                *hint = values.resolve(hint)?;
            }
        }
        Ok(out)
    }

    /// Every string of the template that may hold variables, with its key.
    fn strings(&self, name: &str) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        for (i, s) in self.services.iter().enumerate() {
            let key = format!("templates.{name}.services[{i}]");
            for (k, v) in &s.env {
                out.push((format!("{key}.env.{k}"), v.as_str()));
            }
            for (j, item) in s.command.iter().flatten().enumerate() {
                out.push((format!("{key}.command[{j}]"), item.as_str()));
            }
            if let Some(r) = &s.ready {
                if let Some(h) = &r.http {
                    out.push((format!("{key}.ready.http"), h.as_str()));
                }
                for (j, item) in r.cmd.iter().flatten().enumerate() {
                    out.push((format!("{key}.ready.cmd[{j}]"), item.as_str()));
                }
            }
            if let Some(hint) = &s.sign_in {
                out.push((format!("{key}.sign_in"), hint.as_str()));
            }
        }
        out
    }

    /// The strongest condition any service waits for in `service`: it is
    /// probed while the others start when that is `ready` or `completed`.
    pub fn awaited(&self, service: &str) -> Option<Condition> {
        self.services
            .iter()
            .filter_map(|s| s.depends_on.0.get(service).copied())
            .max()
    }

    /// A service another waits for with `completed`: it runs once and exits.
    pub fn is_job(&self, service: &str) -> bool {
        self.awaited(service) == Some(Condition::Completed)
    }

    /// How `service` is known to be ready: a job when it exits 0, any other
    /// service by its own probe.
    pub fn probe(&self, service: &ServiceSpec) -> Probe {
        if self.is_job(&service.name) {
            Probe::Completed
        } else {
            service.probe()
        }
    }

    /// The services that depend on `service`: they stop before it does.
    pub fn dependants(&self, service: &str) -> Vec<&str> {
        self.services
            .iter()
            .filter(|s| s.depends_on.0.contains_key(service))
            .map(|s| s.name.as_str())
            .collect()
    }

    /// A dependency cycle, as the services along it (the first repeated at
    /// the end), or `None`. Unknown names are not followed.
    pub fn dependency_cycle(&self) -> Option<Vec<String>> {
        fn visit<'a>(
            t: &'a Template,
            name: &'a str,
            path: &mut Vec<&'a str>,
            done: &mut HashSet<&'a str>,
        ) -> Option<Vec<String>> {
            if let Some(at) = path.iter().position(|p| *p == name) {
                let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                cycle.push(name.to_owned());
                return Some(cycle);
            }
            if !done.insert(name) {
                return None;
            }
            let service = t.services.iter().find(|s| s.name == name)?;
            path.push(name);
            for (dep, _) in service.depends_on.iter() {
                if let Some(cycle) = visit(t, dep, path, done) {
                    return Some(cycle);
                }
            }
            path.pop();
            None
        }
        let mut done = HashSet::new();
        self.services
            .iter()
            .find_map(|s| visit(self, &s.name, &mut Vec::new(), &mut done))
    }

    /// What its services' memory limits add up to, in bytes (placement on a Swarm).
    pub fn memory_bytes(&self) -> u64 {
        self.services
            .iter()
            .filter_map(ServiceSpec::memory_bytes)
            .map(|m| m.max(0) as u64)
            .sum()
    }

    /// Number of consecutive host ports an environment of this template holds.
    pub fn block_size(&self) -> u16 {
        self.services
            .iter()
            .map(|s| s.offset + 1)
            .max()
            .unwrap_or(1)
    }
}

/// What a template offers, without what only the engine needs (env values
/// may hold secrets): `envctl templates` and `GET /api/onboarding/templates`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct TemplateSummary {
    pub description: String,
    /// True for the config's default template.
    pub default: bool,
    /// Consecutive host ports an environment of it holds.
    pub ports: u16,
    pub services: Vec<ServiceSummary>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ServiceSummary {
    pub name: String,
    pub image: String,
    /// Container port, published on the host at base + offset.
    pub port: Option<u16>,
    pub offset: u16,
}

impl Config {
    /// Every template, summarised.
    pub fn template_summaries(&self) -> BTreeMap<String, TemplateSummary> {
        self.templates
            .iter()
            .map(|(name, t)| {
                let summary = TemplateSummary {
                    description: t.description.clone(),
                    default: *name == self.defaults.template,
                    ports: t.block_size(),
                    services: t
                        .services
                        .iter()
                        .map(|s| ServiceSummary {
                            name: s.name.clone(),
                            image: s.image.clone(),
                            port: s.port,
                            offset: s.offset,
                        })
                        .collect(),
                };
                (name.clone(), summary)
            })
            .collect()
    }
}

/// One container of a template.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub name: String,
    pub image: String,
    /// Container port, published on the host at base + offset.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub offset: u16,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// Named volumes, `name:/path` or `name:/path:ro`, checked at load.
    #[serde(default)]
    pub volumes: Vec<VolumeSpec>,
    #[serde(default)]
    pub cpus: Option<f64>,
    /// Memory limit such as "512m" or "4g", in bytes from load on.
    #[serde(default)]
    pub memory: Option<Size>,
    #[serde(default)]
    pub pids: Option<i64>,
    #[serde(default)]
    pub ready: Option<ReadySpec>,
    /// Where and how to sign in, shown by `envctl show` and the web page
    /// (variables allowed, secrets not: name the secret instead).
    #[serde(default)]
    pub sign_in: Option<String>,
    /// Services this one waits for before it starts: `["db"]` (each
    /// started) or `{ db = "ready", migrate = "completed" }`.
    #[serde(default, skip_serializing_if = "DependsOn::is_empty")]
    pub depends_on: DependsOn,
}

/// What a service waits for in one it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// Its container was started (Compose's `service_started`).
    Started,
    /// Its readiness probe passed (Compose's `service_healthy`).
    Ready,
    /// It ran and exited 0: a migration or a seeder (Compose's
    /// `service_completed_successfully`). Such a service is a *job*: it is
    /// not restarted when it exits, and its exit 0 is its readiness.
    Completed,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Started => "started",
            Condition::Ready => "ready",
            Condition::Completed => "completed",
        }
    }
}

/// A service's dependencies by name, each with its condition. Written
/// `["db"]` (every one `started`) or `{ db = "ready" }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DependsOn(pub BTreeMap<String, Condition>);

impl DependsOn {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Condition)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }
}

impl<'de> Deserialize<'de> for DependsOn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DependsOn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a list of service names, or a table of service = \"started\" | \"ready\" | \"completed\"",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<DependsOn, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(name) = seq.next_element::<String>()? {
                    out.insert(name, Condition::Started);
                }
                Ok(DependsOn(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<DependsOn, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((name, condition)) = map.next_entry::<String, Condition>()? {
                    out.insert(name, condition);
                }
                Ok(DependsOn(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl ServiceSpec {
    /// Memory limit in bytes.
    pub fn memory_bytes(&self) -> Option<i64> {
        self.memory.as_ref().map(Size::bytes)
    }

    /// How readiness is checked: the configured probe, else TCP when a port is
    /// published, else "the container is running".
    pub fn probe(&self) -> Probe {
        match &self.ready {
            Some(r) if r.http.is_some() => Probe::Http(r.http.clone().unwrap_or_default()),
            Some(r) if r.cmd.is_some() => Probe::Health,
            Some(r) if r.health == Some(true) => Probe::Health,
            Some(r) if r.tcp == Some(true) => Probe::Tcp,
            _ if self.port.is_some() => Probe::Tcp,
            _ => Probe::Running,
        }
    }

    /// Time allowed for this service to become ready.
    pub fn ready_timeout(&self) -> Option<Duration> {
        self.ready.as_ref().and_then(|r| r.timeout)
    }
}

/// How a service is known to be ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// HTTP GET on the published port answers 2xx or 3xx.
    Http(String),
    /// A TCP connect to the published port succeeds.
    Tcp,
    /// Docker's health check (the image's own, or `cmd`) says healthy.
    Health,
    /// The container is running.
    Running,
    /// The container ran and exited 0 (a job others wait for with `completed`).
    Completed,
}

/// `ready = { http = "/status", timeout = "10m" }`, `{ tcp = true }`, `{ cmd = [...] }` or `{ health = true }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReadySpec {
    #[serde(default)]
    pub http: Option<String>,
    #[serde(default)]
    pub tcp: Option<bool>,
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    #[serde(default)]
    pub health: Option<bool>,
    #[serde(default, with = "duration_text::option")]
    pub timeout: Option<Duration>,
}

/// The file as written; turned into [`Config`] by [`Config::load`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    ports: PortsConfig,
    #[serde(default)]
    defaults: Defaults,
    #[serde(default)]
    templates: BTreeMap<String, Template>,
    #[serde(default)]
    cleanup: CleanupConfig,
    #[serde(default)]
    backups: BackupConfig,
    #[serde(default)]
    archives: ArchivesConfig,
    #[serde(default)]
    events: EventsConfig,
    #[serde(default)]
    network: NetworkConfig,
    #[serde(default)]
    engine: EngineConfig,
    #[serde(default)]
    api: ApiConfig,
    #[serde(default)]
    notifications: Vec<notifications::Endpoint>,
}

impl Config {
    /// The built-in configuration, used when there is no file.
    pub fn builtin() -> Config {
        let (config, problems) = Config::assemble(RawConfig::default(), None);
        assert!(
            problems.is_empty(),
            "built-in config is valid: {problems:?}"
        );
        config
    }

    /// Loads `path`; `None` gives the built-in configuration.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let Some(path) = path else {
            return Ok(Config::builtin());
        };
        let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: format!("cannot read it: {e}"),
        })?;
        Config::parse(&text, path)
    }

    /// Parses config text; `path` is used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config_error = |message: String| Error::Config {
            path: path.to_owned(),
            message,
        };
        let de = toml::Deserializer::parse(text).map_err(|e| config_error(e.to_string()))?;
        let raw: RawConfig = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.message().to_owned();
            let location = inner
                .span()
                .map(|span| format!(" (line {})", line_of(text, span.start)))
                .unwrap_or_default();
            if key == "." || key.is_empty() {
                config_error(format!("{message}{location}"))
            } else {
                config_error(format!("key `{key}`{location}: {message}"))
            }
        })?;
        let (config, problems) = Config::assemble(raw, Some(path));
        if problems.is_empty() {
            return Ok(config);
        }
        let mut problems: Vec<String> = problems.into_iter().map(|p| with_line(text, p)).collect();
        Err(config_error(if problems.len() == 1 {
            problems.remove(0)
        } else {
            format!("{} problems:\n  {}", problems.len(), problems.join("\n  "))
        }))
    }

    /// The config of `raw` (the built-in templates with the file's added),
    /// and every problem it has.
    fn assemble(raw: RawConfig, path: Option<&Path>) -> (Config, Vec<String>) {
        let mut templates = builtin_templates();
        templates.extend(raw.templates);
        let config = Config {
            source: path.map(Path::to_owned),
            ports: raw.ports,
            defaults: raw.defaults,
            templates,
            cleanup: raw.cleanup,
            backups: raw.backups,
            archives: raw.archives,
            events: raw.events,
            network: raw.network,
            engine: raw.engine,
            api: raw.api,
            notifications: raw.notifications,
        };
        let problems = config.problems();
        (config, problems)
    }

    /// The template called `name`, or a clear error listing the known ones.
    pub fn template(&self, name: &str) -> Result<&Template> {
        self.templates.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.templates.keys().map(String::as_str).collect();
            Error::UnknownTemplate(format!(
                "unknown template '{}' (known: {})",
                names::printable(name, 40),
                known.join(", ")
            ))
        })
    }

    /// Every problem of the config, each naming its key; empty when valid.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let p = &self.ports;
        if p.base == 0 || p.base > p.max {
            problems.push(format!(
                "key `ports`: expected 0 < base <= max, got base = {} and max = {}",
                p.base, p.max
            ));
        }
        if self.cleanup.concurrency == 0 || self.cleanup.concurrency > 64 {
            problems.push(format!(
                "key `cleanup.concurrency`: expected 1 to 64, got {}",
                self.cleanup.concurrency
            ));
        }
        if let Some(pool) = &self.network.subnet_pool {
            let len = match parse_cidr(pool) {
                Ok((_, len)) => len,
                Err(e) => {
                    problems.push(format!("key `network.subnet_pool`: {e}"));
                    32
                }
            };
            let prefix = self.network.subnet_prefix;
            if prefix < len || prefix > 29 {
                problems.push(format!(
                    "key `network.subnet_prefix`: expected /{len} to /29 (inside the pool), got /{prefix}"
                ));
            }
        }
        let r = &self.api.rate_limit;
        if self.api.header_timeout.is_zero()
            || self.api.max_connections == 0
            || self.api.max_streams == 0
        {
            problems.push(
                "key `api`: header_timeout, max_connections and max_streams must be more than zero"
                    .into(),
            );
        }
        if r.per_second == 0
            || r.burst == 0
            || r.create_per_minute == 0
            || r.create_burst == 0
            || r.sign_in_per_minute == 0
            || r.sign_in_burst == 0
        {
            problems.push("key `api.rate_limit`: rates and bursts must be at least 1 (set enabled = false to turn it off)".into());
        }
        if let (Some(ttl), Some(max)) = (self.defaults.ttl, self.defaults.max_lifetime)
            && ttl > max
        {
            problems.push(format!(
                "key `defaults.ttl`: {} is longer than max_lifetime = {}",
                humantime::format_duration(ttl),
                humantime::format_duration(max)
            ));
        }
        if self.backups.keep == 0 {
            problems.push("key `backups.keep`: expected at least 1".into());
        }
        if !(1..=19).contains(&self.archives.level) {
            problems.push(format!(
                "key `archives.level`: expected a zstd level from 1 to 19, got {}",
                self.archives.level
            ));
        }
        if !self.templates.contains_key(&self.defaults.template) {
            problems.push(format!(
                "key `defaults.template`: no template named '{}'",
                self.defaults.template
            ));
        }
        notifications::problems(&self.notifications, &mut problems);
        for (name, template) in &self.templates {
            validate_template(name, template, &mut problems);
            validate_variables(name, template, &self.defaults.pass_env, &mut problems);
            let size = u32::from(template.block_size());
            if p.base <= p.max && size > u32::from(p.max) - u32::from(p.base) + 1 {
                problems.push(format!(
                    "key `templates.{name}`: needs {size} ports but the range {}..={} is smaller",
                    p.base, p.max
                ));
            }
        }
        problems
    }
}

/// The config file used when none is named: `$XDG_CONFIG_HOME/envctl/config.toml`
/// (or `~/.config/envctl/config.toml`) if it exists.
pub fn default_config_path() -> Option<PathBuf> {
    user_config_path().filter(|p| p.exists())
}

/// `$XDG_CONFIG_HOME/envctl/config.toml` (or `~/.config/envctl/config.toml`),
/// whether or not it exists: where `template import --write` creates one.
pub fn user_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("envctl").join("config.toml"))
}

/// The data directory used when none is named: `$XDG_DATA_HOME/envctl`
/// (or `~/.local/share/envctl`).
pub fn default_data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("/var/lib"))
        .join("envctl")
}

fn validate_template(name: &str, template: &Template, problems: &mut Vec<String>) {
    if let Err(e) = names::validate_name(name) {
        problems.push(format!("key `templates.{name}`: {e}"));
    }
    if let Some(pool) = &template.pool {
        let key = format!("templates.{name}.pool");
        if !(1..=1000).contains(&pool.max) {
            problems.push(format!(
                "key `{key}.max`: expected 1 to 1000, got {}",
                pool.max
            ));
        }
        let sizes = std::iter::once(pool.size).chain(pool.schedule.iter().map(|e| e.size));
        if let Some(size) = sizes.into_iter().find(|s| *s > pool.max) {
            problems.push(format!(
                "key `{key}`: a size of {size} is over max = {}",
                pool.max
            ));
        }
        if pool.max_age < Duration::from_secs(60) {
            problems.push(format!("key `{key}.max_age`: expected at least 1m"));
        }
    }
    if template.services.is_empty() {
        problems.push(format!(
            "key `templates.{name}.services`: expected at least one service"
        ));
    }
    let mut names_seen = HashSet::new();
    let mut offsets_seen = HashSet::new();
    for (i, s) in template.services.iter().enumerate() {
        let key = format!("templates.{name}.services[{i}]");
        if let Err(e) = names::validate_name(&s.name) {
            problems.push(format!("key `{key}.name`: {e}"));
        }
        if !names_seen.insert(&s.name) {
            problems.push(format!(
                "key `{key}.name`: service '{}' appears twice",
                s.name
            ));
        }
        if s.image.trim().is_empty() {
            problems.push(format!("key `{key}.image`: expected an image reference"));
        }
        if s.port.is_some() && !offsets_seen.insert(s.offset) {
            problems.push(format!(
                "key `{key}.offset`: offset {} is used by another service",
                s.offset
            ));
        }
        if s.offset > 100 {
            problems.push(format!(
                "key `{key}.offset`: expected at most 100, got {}",
                s.offset
            ));
        }
        if let Some(c) = s.cpus
            && !(c > 0.0 && c <= 1024.0)
        {
            problems.push(format!(
                "key `{key}.cpus`: expected a positive number of CPUs, got {c}"
            ));
        }
        if let Some(p) = s.pids
            && p <= 0
        {
            problems.push(format!(
                "key `{key}.pids`: expected a positive limit, got {p}"
            ));
        }
        for (dep, _) in s.depends_on.iter() {
            if dep == s.name {
                problems.push(format!(
                    "key `{key}.depends_on`: service '{dep}' cannot depend on itself"
                ));
            }
            if !template.services.iter().any(|t| t.name == dep) {
                let known: Vec<&str> = template.services.iter().map(|t| t.name.as_str()).collect();
                problems.push(format!(
                    "key `{key}.depends_on`: no service named '{}' in this template (it has {})",
                    names::printable(dep, 40),
                    known.join(", ")
                ));
            }
        }
        if let Some(r) = &s.ready {
            let kinds = [
                r.http.is_some(),
                r.tcp == Some(true),
                r.cmd.is_some(),
                r.health == Some(true),
            ];
            if kinds.iter().filter(|k| **k).count() > 1 {
                problems.push(format!(
                    "key `{key}.ready`: expected one of http, tcp, cmd or health"
                ));
            }
            if (r.http.is_some() || r.tcp == Some(true)) && s.port.is_none() {
                problems.push(format!(
                    "key `{key}.ready`: http and tcp probes need `port`"
                ));
            }
            if let Some(h) = &r.http
                && !h.starts_with('/')
            {
                problems.push(format!(
                    "key `{key}.ready.http`: expected a path starting with '/', got '{h}'"
                ));
            }
            if let Some(cmd) = &r.cmd
                && cmd.is_empty()
            {
                problems.push(format!(
                    "key `{key}.ready.cmd`: expected a non-empty command"
                ));
            }
        }
    }
    if let Some(cycle) = template.dependency_cycle() {
        let at = template
            .services
            .iter()
            .position(|s| s.name == cycle[0])
            .unwrap_or(0);
        problems.push(format!(
            "key `templates.{name}.services[{at}].depends_on`: a dependency cycle: {}",
            cycle.join(" -> ")
        ));
    }
}

/// Every variable of every string of a template must be one it can resolve;
/// secret names are `[a-z0-9_]`, 1 to 40, of 8 to 256 characters.
fn validate_variables(
    name: &str,
    template: &Template,
    pass_env: &[String],
    problems: &mut Vec<String>,
) {
    for (secret, spec) in &template.secrets {
        let ok = !secret.is_empty()
            && secret.len() <= 40
            && secret
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            problems.push(format!(
                "key `templates.{name}.secrets.{secret}`: a secret name is 1 to 40 lowercase letters, digits or '_'"
            ));
        }
        if !(8..=256).contains(&spec.length) {
            problems.push(format!(
                "key `templates.{name}.secrets.{secret}.length`: expected 8 to 256, got {}",
                spec.length
            ));
        }
    }
    let services: Vec<(String, bool)> = template
        .services
        .iter()
        .map(|s| (s.name.clone(), s.port.is_some()))
        .collect();
    let secrets: Vec<String> = template.secrets.keys().cloned().collect();
    let scope = crate::config::variables::Scope {
        services: &services,
        secrets: &secrets,
        pass_env,
    };
    for (key, text) in template.strings(name) {
        if let Err(e) = crate::config::variables::check(text, &scope) {
            problems.push(format!("key `{key}`: {e}"));
        }
        if template.pool.is_some()
            && let Some(var) = crate::config::variables::claim_dependent(text)
        {
            problems.push(format!(
                "key `{key}`: a template with a pool may not use {var}: a member is made before \
                 anyone claims it, so it would keep the pool's value"
            ));
        }
        if key.ends_with(".sign_in") && crate::config::variables::mentions_secret(text) {
            problems.push(format!(
                "key `{key}`: a sign-in hint is shown to every reader, so it may not hold a secret; \
                 name it instead (`envctl show --secrets` prints it)"
            ));
        }
        if key.ends_with(".ready.http") && crate::config::variables::mentions_secret(text) {
            problems.push(format!(
                "key `{key}`: a readiness path is shown in progress and errors, so it may not hold a secret"
            ));
        }
    }
}

/// A problem with the line it is about: where the variable it names is
/// written (`'${...}'`), else where its key is (`key `...``).
fn with_line(text: &str, problem: String) -> String {
    let with_variable = with_variable_line(text, problem.clone());
    if with_variable != problem {
        return with_variable;
    }
    let Some(key) = problem
        .strip_prefix("key `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(key, _)| key)
    else {
        return problem;
    };
    match lines::locate(text, key) {
        Some(line) => problem.replacen(
            &format!("key `{key}`"),
            &format!("key `{key}` (line {line})"),
            1,
        ),
        None => problem,
    }
}

/// `message` with the line of the config where the variable it names is
/// written, when it names one (`'${...}'`).
fn with_variable_line(text: &str, message: String) -> String {
    let Some(start) = message.find("'${") else {
        return message;
    };
    let Some(len) = message[start + 1..].find("}'") else {
        return message;
    };
    let token = &message[start + 1..start + 2 + len];
    match text.find(token) {
        Some(at) => format!("{message} (line {})", line_of(text, at)),
        None => message,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// A named volume of a service: `name:/path[:ro]` in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeSpec {
    pub name: String,
    pub target: String,
    pub read_only: bool,
}

impl<'de> Deserialize<'de> for VolumeSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_volume(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Serialize for VolumeSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ro = if self.read_only { ":ro" } else { "" };
        s.serialize_str(&format!("{}:{}{ro}", self.name, self.target))
    }
}

/// A size in bytes, written "512m" or "4g" in the file (and shown as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    bytes: i64,
    text: String,
}

impl Size {
    pub fn parse(text: &str) -> Result<Size, String> {
        Ok(Size {
            bytes: parse_size(text)?,
            text: text.to_owned(),
        })
    }

    pub fn bytes(&self) -> i64 {
        self.bytes
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Size::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Size {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Parses `name:/path[:ro]`. Only named volumes: host paths are refused so a
/// template cannot mount the host.
pub fn parse_volume(spec: &str) -> Result<VolumeSpec, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (name, target, read_only) = match parts.as_slice() {
        [n, t] => (*n, *t, false),
        [n, t, "ro"] => (*n, *t, true),
        [n, t, "rw"] => (*n, *t, false),
        _ => {
            return Err(format!(
                "expected \"name:/path\" or \"name:/path:ro\", got \"{spec}\""
            ));
        }
    };
    names::validate_name(name)
        .map_err(|e| format!("volume name: {e} (host paths are not allowed)"))?;
    if !target.starts_with('/') {
        return Err(format!(
            "expected an absolute container path, got \"{target}\""
        ));
    }
    Ok(VolumeSpec {
        name: name.into(),
        target: target.into(),
        read_only,
    })
}

/// Parses a size such as "512m", "4g", "1.5g" or "1048576" into bytes.
pub fn parse_size(text: &str) -> Result<i64, String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let multiplier: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(format!(
                "expected a size like \"512m\" or \"4g\", got \"{text}\""
            ));
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("expected a size like \"512m\" or \"4g\", got \"{text}\""))?;
    let bytes = value * multiplier;
    if !(bytes >= 4.0 * 1024.0 * 1024.0 && bytes < i64::MAX as f64) {
        return Err(format!(
            "expected at least 4m (Docker's minimum), got \"{text}\""
        ));
    }
    Ok(bytes as i64)
}

fn builtin_templates() -> BTreeMap<String, Template> {
    let text = include_str!("onboarding.toml");
    #[derive(Deserialize)]
    struct Builtin {
        templates: BTreeMap<String, Template>,
    }
    let builtin: Builtin = toml::from_str(text).expect("built-in templates parse");
    builtin.templates
}

/// Durations in config as humantime strings ("10m", "2h").
pub(crate) mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        crate::config::durations::parse(&text).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        /// Absent or `null` is `None` (TOML has no null; JSON reports have).
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| {
                    crate::config::durations::parse(&text).map_err(serde::de::Error::custom)
                })
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_onboarding_has_jira_gitlab_dashboard_on_consecutive_ports() {
        let config = Config::builtin();
        let t = config.template("onboarding").unwrap();
        let offsets: Vec<(&str, u16)> = t
            .services
            .iter()
            .map(|s| (s.name.as_str(), s.offset))
            .collect();
        assert_eq!(offsets, vec![("jira", 0), ("gitlab", 1), ("dashboard", 2)]);
        assert_eq!(t.block_size(), 3);
        assert_eq!(config.ports.base, 8090);
    }

    #[test]
    fn bad_value_names_file_key_and_expectation() {
        let text = "[ports]\nbase = \"lots\"\n";
        let err = Config::parse(text, Path::new("/etc/envctl.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/etc/envctl.toml"), "{err}");
        assert!(err.contains("ports.base"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("u16"), "{err}");
    }

    #[test]
    fn unknown_key_is_refused() {
        let text = "[templates.x]\n[[templates.x.services]]\nname = \"a\"\nimage = \"i\"\nimag = \"typo\"\n";
        let err = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("imag"), "{err}");
        assert!(err.contains("templates.x.services"), "{err}");
    }

    #[test]
    fn bad_memory_names_the_key() {
        let text = "[templates.x]\n[[templates.x.services]]\nname = \"a\"\nimage = \"i\"\nmemory = \"lots\"\n";
        let err = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("templates.x.services[0].memory"), "{err}");
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_line() {
        let text = "[ports]\nbase = 9000\nmax = 9001\n\n[templates.x]\n[[templates.x.services]]\n\
                    name = \"a\"\nimage = \"i\"\ndepends_on = [\"b\"]\n\
                    [[templates.x.services]]\nname = \"b\"\nimage = \"i\"\ndepends_on = { a = \"ready\" }\n\
                    [templates.y]\n[[templates.y.services]]\nname = \"c\"\nimage = \" \"\noffset = 500\n";
        let err = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("problems:"), "{err}");
        assert!(err.contains("a -> b -> a"), "{err}");
        assert!(
            err.contains("templates.x.services[0].depends_on` (line 9)"),
            "{err}"
        );
        assert!(
            err.contains("templates.y.services[0].image` (line 17)"),
            "{err}"
        );
        assert!(
            err.contains("templates.y.services[0].offset` (line 18)"),
            "{err}"
        );
    }

    #[test]
    fn depends_on_is_a_list_or_a_table_of_conditions() {
        let text = "[templates.x]\n[[templates.x.services]]\nname = \"db\"\nimage = \"i\"\n\
                    [[templates.x.services]]\nname = \"job\"\nimage = \"i\"\ndepends_on = [\"db\"]\n\
                    [[templates.x.services]]\nname = \"app\"\nimage = \"i\"\ndepends_on = { db = \"ready\", job = \"completed\" }\n";
        let config = Config::parse(text, Path::new("c.toml")).unwrap();
        let t = config.template("x").unwrap();
        assert_eq!(t.awaited("db"), Some(Condition::Ready));
        assert!(t.is_job("job"));
        assert_eq!(t.probe(&t.services[1]), Probe::Completed);
        assert_eq!(t.dependants("db"), vec!["job", "app"]);
        let bad = text.replace("\"completed\"", "\"healthy\"");
        let err = Config::parse(&bad, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("started"), "{err}");
    }

    #[test]
    fn subnet_pools_are_checked() {
        assert_eq!(parse_cidr("10.213.0.0/16").unwrap().1, 16);
        assert!(parse_cidr("10.213.0.1/16").is_err());
        assert!(parse_cidr("10.213.0.0").is_err());
        let text = "[network]\nsubnet_pool = \"10.0.0.0/24\"\nsubnet_prefix = 16\n";
        let err = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("network.subnet_prefix"), "{err}");
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("512m").unwrap(), 512 * 1024 * 1024);
        assert_eq!(parse_size("4g").unwrap(), 4 * 1024 * 1024 * 1024);
        assert_eq!(parse_size("4GB").unwrap(), 4 * 1024 * 1024 * 1024);
        assert!(parse_size("1k").is_err());
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn host_paths_are_not_volumes() {
        assert!(parse_volume("/etc:/etc").is_err());
        assert!(parse_volume("data").is_err());
        assert_eq!(
            parse_volume("data:/var/data:ro").unwrap(),
            VolumeSpec {
                name: "data".into(),
                target: "/var/data".into(),
                read_only: true
            }
        );
    }

    #[test]
    fn probes_default_to_tcp_when_a_port_is_published() {
        let text = "[templates.x]\n[[templates.x.services]]\nname = \"a\"\nimage = \"i\"\nport = 80\n\
                    [[templates.x.services]]\nname = \"b\"\nimage = \"i\"\n";
        let config = Config::parse(text, Path::new("c.toml")).unwrap();
        let t = config.template("x").unwrap();
        assert_eq!(t.services[0].probe(), Probe::Tcp);
        assert_eq!(t.services[1].probe(), Probe::Running);
    }
}
