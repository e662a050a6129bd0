//! The engine boundary: what envctl needs from a container runtime, as the
//! [`Runtime`] trait with its own types, and the one implementation it has
//! today, [`docker`]. Labels are written and read back by [`labels`] alone;
//! readiness probes are in [`readiness`].
//!
//! Must not: hold records or take the store's lock (ops does that), or let a
//! runtime's own types (bollard's) out of its module: a Swarm engine will
//! implement the same trait.

pub mod docker;
pub mod labels;
pub mod readiness;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::Stream;
pub use hyper::body::Bytes;

use crate::error::{Error, Result};

/// The runtime this build talks to.
pub type Engine = docker::DockerEngine;

/// What envctl asks of a container runtime. Every object it creates carries
/// the labels of [`labels`]; everything it lists or removes is found by them.
pub trait Runtime: Send + Sync {
    /// The engine's version and the API version this connection speaks.
    fn version(&self) -> impl Future<Output = Result<EngineVersion>> + Send;
    /// The IPv4 subnets of every network on the engine (not only
    /// envctl's): what address space is already taken.
    fn network_subnets(&self) -> impl Future<Output = Result<Vec<NetworkSubnet>>> + Send;
    /// Whether `image`'s registry has it, asked through the engine without
    /// pulling (and without credentials, as [`Runtime::pull`] pulls):
    /// `Ok(false)` when the registry does not know it or refuses access;
    /// an error when the registry could not be asked.
    fn registry_has(&self, image: &str) -> impl Future<Output = Result<bool>> + Send;
    /// True when `image` is present locally.
    fn has_image(&self, image: &str) -> impl Future<Output = Result<bool>> + Send;
    /// Pulls `image`, reporting (bytes done, bytes total) as layers download.
    fn pull(
        &self,
        image: &str,
        progress: impl FnMut(u64, u64) + Send,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Creates an environment's private network; with `subnet`, on that subnet.
    fn create_network(
        &self,
        name: &str,
        labels: HashMap<String, String>,
        subnet: Option<String>,
    ) -> impl Future<Output = Result<(), NetworkError>> + Send;
    fn create_volume(
        &self,
        name: &str,
        labels: HashMap<String, String>,
    ) -> impl Future<Output = Result<()>> + Send;
    fn create_container(&self, spec: ContainerSpec) -> impl Future<Output = Result<()>> + Send;
    /// Starts a container; an already running one is fine.
    fn start_container(&self, name: &str) -> impl Future<Output = Result<()>> + Send;
    /// Stops a container with a grace period; a stopped or missing one is fine.
    fn stop_container(
        &self,
        name: &str,
        grace: Duration,
    ) -> impl Future<Output = Result<()>> + Send;
    /// `Ok(true)` when container `name` belongs to this installation and
    /// environment, `Ok(false)` when it is gone, an error when it is someone else's.
    fn check_owned(
        &self,
        instance: &str,
        env_id: &str,
        name: &str,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// The state of a container, or `None` when it does not exist.
    fn container_state(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<ContainerStatus>>> + Send;
    /// One reading of a container's counters, or `None` when it does not exist.
    fn container_sample(&self, name: &str) -> impl Future<Output = Result<Option<Sample>>> + Send;
    /// The latest readings of running containers `names` that the runtime
    /// keeps current by itself (Docker: a stats stream per container, started
    /// on first ask and dropped when the container stops, is removed or is not
    /// asked about for [`WATCH_IDLE`]), waiting up to `wait` for containers
    /// it had no two readings of yet. Containers it has no reading of are
    /// left out: the caller reads those once ([`Runtime::container_sample`]).
    /// For long-lived processes (the server's monitor); the default keeps
    /// nothing and answers none.
    fn watched_samples(
        &self,
        names: &[String],
        wait: Duration,
    ) -> impl Future<Output = HashMap<String, Watched>> + Send {
        let _ = (names, wait);
        std::future::ready(HashMap::new())
    }
    /// The names of this installation's containers (running ones only with `running_only`).
    fn container_names(
        &self,
        instance: &str,
        running_only: bool,
    ) -> impl Future<Output = Result<std::collections::HashSet<String>>> + Send;
    /// The names of one environment's running containers: one call, however
    /// many services it has.
    fn running_containers(
        &self,
        instance: &str,
        environment: &str,
    ) -> impl Future<Output = Result<std::collections::HashSet<String>>> + Send;
    /// How many volumes this installation has, and their size when the runtime can tell.
    fn volume_usage(
        &self,
        instance: &str,
    ) -> impl Future<Output = Result<(usize, Option<u64>)>> + Send;
    /// Removes every object of one environment (volumes too unless
    /// `keep_volumes`; markers always). Idempotent.
    fn remove_environment(
        &self,
        instance: &str,
        environment: &str,
        keep_volumes: bool,
    ) -> impl Future<Output = Result<Removed>> + Send;
    /// Every object carrying this instance's label, by environment id.
    fn inventory(&self, instance: &str) -> impl Future<Output = Result<Inventory>> + Send;
    /// Sets (`on`) or clears a marker: a fact about an environment recorded
    /// in the runtime after its creation (labels cannot change), such as its
    /// pin, so a database rebuilt from the runtime keeps it. Idempotent.
    /// `None` removes the marker.
    fn set_marker(
        &self,
        instance: &str,
        environment: &str,
        marker: &str,
        values: Option<HashMap<String, String>>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Every named volume mounted in one environment's containers (stopped
    /// ones too), with where: what an archive copies.
    fn mounts(
        &self,
        instance: &str,
        environment: &str,
    ) -> impl Future<Output = Result<Vec<Mount>>> + Send;
    /// One environment's data volumes (markers left out), with the service
    /// each was made for.
    fn environment_volumes(
        &self,
        instance: &str,
        environment: &str,
    ) -> impl Future<Output = Result<Vec<VolumeInfo>>> + Send;
    /// Creates, and never starts, container `name` of `image` with `volume`
    /// mounted at `path` and no network: a way for the engine's archive API
    /// to reach a volume no service container mounts any more.
    fn create_helper(
        &self,
        name: &str,
        image: &str,
        labels: HashMap<String, String>,
        volume: &str,
        path: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Removes container `name` (its named volumes stay); a missing one is fine.
    fn remove_container(&self, name: &str) -> impl Future<Output = Result<()>> + Send;
    /// The size on disk of this installation's volumes, by name, when the
    /// runtime can tell (empty when it cannot).
    fn volume_sizes(
        &self,
        instance: &str,
    ) -> impl Future<Output = Result<HashMap<String, u64>>> + Send;
    /// The contents of directory `path` in container `name` (running or
    /// not) as a tar stream whose entries are relative to `path` (`./...`).
    /// Blocking: call it, and read, on a blocking thread. A stream the
    /// engine cuts short ends in an error, never in a quiet end.
    fn export(&self, name: &str, path: &str) -> Result<Box<dyn std::io::Read + Send>>;
    /// Unpacks a tar stream into directory `path` of container `name`
    /// (created or stopped: before it starts).
    fn import(
        &self,
        name: &str,
        path: &str,
        tar: impl Stream<Item = Bytes> + Send + 'static,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The last `lines` lines a container wrote, for error messages.
    fn tail(&self, name: &str, lines: usize) -> impl Future<Output = String> + Send;
    /// The container's output (stdout and stderr), as text chunks.
    fn logs(
        &self,
        name: &str,
        follow: bool,
        tail: Option<usize>,
    ) -> impl Stream<Item = Result<String>> + Send + 'static;
    /// Starts `spec.cmd` in running container `name` (`docker exec`) and
    /// attaches to it: its output, and its stdin when `spec.stdin`.
    fn exec(&self, name: &str, spec: ExecSpec) -> impl Future<Output = Result<Attached>> + Send;
    /// Resizes the terminal of exec `id` (started with a TTY).
    fn resize_exec(&self, id: &str, size: TerminalSize) -> impl Future<Output = Result<()>> + Send;
    /// The exit code of exec `id`, or `None` while it still runs.
    fn exec_exit_code(&self, id: &str) -> impl Future<Output = Result<Option<i64>>> + Send;
}

/// A command to run in a running container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecSpec {
    pub cmd: Vec<String>,
    /// Give the command a pseudo-terminal (its stdout and stderr then arrive
    /// merged, as stdout).
    pub tty: bool,
    /// Attach the command's stdin (else it reads end-of-file at once).
    pub stdin: bool,
    /// The terminal's first size, with `tty`.
    pub size: Option<TerminalSize>,
}

/// A terminal's size in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TerminalSize {
    pub cols: u16,
    pub rows: u16,
}

/// A piece of an exec's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecOutput {
    Stdout(Bytes),
    Stderr(Bytes),
}

/// An exec's output as it comes; it ends when the command does.
pub type ExecOutputStream = Pin<Box<dyn Stream<Item = Result<ExecOutput>> + Send>>;
/// An exec's stdin: shutting it down is end-of-file for the command.
pub type ExecInput = Pin<Box<dyn tokio::io::AsyncWrite + Send>>;

/// A started exec, attached.
pub struct Attached {
    /// The runtime's id of the exec, for [`Runtime::resize_exec`] and
    /// [`Runtime::exec_exit_code`].
    pub id: String,
    pub output: ExecOutputStream,
    pub input: ExecInput,
}

impl std::fmt::Debug for Attached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attached").field("id", &self.id).finish()
    }
}

/// What the engine says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineVersion {
    /// The engine's own version, e.g. "20.10.24".
    pub version: String,
    /// The newest API version the engine speaks, e.g. "1.41".
    pub api_version: String,
    /// The oldest API version the engine accepts, when it says.
    pub min_api_version: Option<String>,
    /// The API version this connection negotiated (the lower of the
    /// engine's and the client's).
    pub negotiated: String,
    /// "linux/amd64" and the like, when it says.
    pub platform: Option<String>,
}

/// One IPv4 subnet of one network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSubnet {
    pub network: String,
    /// The network's driver ("bridge", "overlay", ...).
    pub driver: String,
    pub address: std::net::Ipv4Addr,
    pub prefix: u8,
}

/// Where a container is in its life, in envctl's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Created,
    Running,
    /// Paused, restarting, removing, exited or dead: not serving.
    Stopped,
}

/// The health a container's own check reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// No health check, or none run yet.
    Unknown,
    Starting,
    Healthy,
    Unhealthy,
}

/// What a readiness probe needs to know of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerStatus {
    pub state: RunState,
    pub exit_code: i64,
    pub health: Health,
}

/// One reading of one container's counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    /// CPU time the container used, in nanoseconds, since it started.
    pub cpu_total: u64,
    /// CPU time the host used, in nanoseconds, since boot.
    pub system_total: u64,
    pub online_cpus: u32,
    /// Memory in use, without the page cache that can be reclaimed.
    pub memory_used: u64,
    pub memory_limit: u64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub block_read: u64,
    pub block_write: u64,
    pub restarts: u64,
    pub started_at: Option<DateTime<Utc>>,
    pub running: bool,
}

/// How long a watched container's readings are kept without being asked
/// for (see [`Runtime::watched_samples`]).
pub const WATCH_IDLE: Duration = Duration::from_secs(5 * 60);

/// A watched container's latest reading and the one before it (a second
/// earlier on Docker's stream), so its CPU % is known from one read.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    pub current: Sample,
    /// `None` until the second reading.
    pub previous: Option<Sample>,
}

/// Why a network could not be created.
#[derive(Debug)]
pub enum NetworkError {
    /// The requested subnet overlaps another network's: try another.
    SubnetTaken,
    Other(Error),
}

/// An installation's Docker objects, by environment id.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub objects: std::collections::BTreeMap<String, EnvironmentObjects>,
}

/// The Docker objects of one environment.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentObjects {
    pub containers: Vec<ContainerInfo>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
    /// Markers by name, each with its labels (see [`labels`]).
    pub markers: std::collections::BTreeMap<String, HashMap<String, String>>,
}

/// One labelled container, as `docker ps -a` sees it.
#[derive(Debug, Clone)]
pub struct ContainerInfo {
    pub name: String,
    pub service: String,
    pub image: String,
    pub running: bool,
    /// Docker's own words, e.g. "Exited (137) 2 seconds ago".
    pub status: String,
    pub labels: HashMap<String, String>,
}

/// A data volume of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeInfo {
    pub name: String,
    /// The service it was made for (its label), when it has one.
    pub service: Option<String>,
}

/// A named volume mounted in a container of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub container: String,
    pub service: String,
    /// The runtime's name of the volume (`envctl-<id>-<name>`).
    pub volume: String,
    /// Where it is mounted in the container.
    pub path: String,
}

/// What [`Runtime::remove_environment`] removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Removed {
    pub containers: usize,
    pub networks: usize,
    pub volumes: usize,
}

/// Everything needed to create one service container.
#[derive(Debug, Clone)]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub env: Vec<String>,
    pub command: Option<Vec<String>>,
    pub labels: HashMap<String, String>,
    pub network: String,
    /// Alias on the environment network, so services find each other by name.
    pub alias: String,
    /// (container port, host port).
    pub publish: Option<(u16, u16)>,
    /// (volume name, target, read-only).
    pub volumes: Vec<(String, String, bool)>,
    /// Volumes the image's files must not be copied into (a restore fills them).
    pub no_copy: Vec<String>,
    pub cpus: Option<f64>,
    pub memory: Option<i64>,
    pub pids: Option<i64>,
    /// A health check command (`ready = { cmd = [...] }`).
    pub health_cmd: Option<Vec<String>>,
}
