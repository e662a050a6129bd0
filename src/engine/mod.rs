//! The engine boundary: what envctl needs from a container runtime, as the
//! [`Runtime`] trait with its own types, and its two implementations in
//! [`docker`]: one Docker engine, and a Docker Swarm (`docker::swarm`), one
//! of which [`Engine`] holds as `[engine] kind` says. Labels are written and
//! read back by [`labels`] alone; readiness probes are in [`readiness`].
//!
//! Must not: hold records or take the store's lock (ops does that), or let a
//! runtime's own types (bollard's) out of its module.

mod chosen;
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

pub use chosen::Engine;

/// What envctl asks of a container runtime. Every object it creates carries
/// the labels of [`labels`]; everything it lists or removes is found by them.
pub trait Runtime: Send + Sync {
    /// What placing a new environment needs to know: a cluster's nodes with
    /// the memory their services' limits take, and which host ports are
    /// taken beyond what [`crate::ports::host_port_is_free`] sees on this
    /// host. One engine: this host, nothing more.
    fn site(&self) -> impl Future<Output = Result<Site>> + Send {
        std::future::ready(Ok(Site::default()))
    }
    /// A cluster's nodes, with what envctl would place on each; `None` on
    /// one engine.
    fn nodes(&self) -> impl Future<Output = Result<Option<Vec<NodeInfo>>>> + Send {
        std::future::ready(Ok(None))
    }
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
    /// Starts a container; an already running one is fine. An engine whose
    /// start goes through a scheduler (Swarm: its node may first pull the
    /// image) waits for it to run until `deadline` at most; Docker's start
    /// does not wait.
    fn start_container(
        &self,
        name: &str,
        deadline: tokio::time::Instant,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The grace period a stop of `name` asked with `grace` waits out
    /// before the container is killed: `grace` on one engine; on a Swarm,
    /// the one its service was made with when that is longer (Swarm goes
    /// by it). What an operation's record is sized from.
    fn stop_grace(
        &self,
        _name: &str,
        grace: Duration,
    ) -> impl Future<Output = Result<Duration>> + Send {
        std::future::ready(Ok(grace))
    }
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

/// What a new environment's placement reads of the engine (see
/// [`Runtime::site`]); [`Site::place`] chooses under the database lock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// A cluster's nodes, as read; `None` on one engine.
    pub nodes: Option<Vec<NodeInfo>>,
    /// What the nodes' `committed` memory counts already of each of
    /// envctl's environments (by [`Site::key`]: installation and id), from
    /// the services of it that exist.
    pub counted: std::collections::HashMap<String, u64>,
    /// Host ports in use somewhere in the cluster, which a probe on this
    /// host cannot see.
    pub taken_ports: std::collections::HashSet<u16>,
}

impl Site {
    /// The key of `counted`: an environment of one installation.
    pub fn key(instance: &str, environment: &str) -> String {
        format!("{instance}/{environment}")
    }

    /// The memory of an environment of this installation (its template
    /// needs `memory`) that the reading did not count: all of it when none
    /// of its services was read (not made yet, or made since); the rest of
    /// it while it is `being_made` (some services made); none once it is
    /// made (its services count as they are, whatever its template says now).
    pub fn uncounted(
        &self,
        instance: &str,
        environment: &str,
        memory: u64,
        being_made: bool,
    ) -> u64 {
        match self.counted.get(&Site::key(instance, environment)) {
            None => memory,
            Some(_) if !being_made => 0,
            Some(counted) => memory.saturating_sub(*counted),
        }
    }

    /// The node all the services of an environment needing `memory` run on
    /// (`None` on one engine): the usable node with the most memory left,
    /// once `pending` is set aside: the memory of environments the reading
    /// could not count (by [`Site::uncounted`]) and their node's id, which is
    /// what keeps two creates at once from both taking a node's last room. Call
    /// it under the database lock, with the records as they stand.
    pub fn place<'a>(
        &self,
        memory: u64,
        pending: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Result<Option<crate::store::Node>> {
        let Some(nodes) = &self.nodes else {
            return Ok(None);
        };
        let mut promised: std::collections::HashMap<&str, u64> = Default::default();
        for (node, m) in pending {
            *promised.entry(node).or_default() += m;
        }
        let promised_on = |n: &NodeInfo| promised.get(n.id.as_str()).copied().unwrap_or(0);
        let left = |n: &NodeInfo| n.free().saturating_sub(promised_on(n));
        let best = nodes
            .iter()
            .filter(|n| n.usable && left(n) >= memory)
            .max_by_key(|n| left(n));
        let Some(best) = best else {
            let seen: Vec<String> = nodes
                .iter()
                .map(|n| match promised_on(n) {
                    0 => n.summary(),
                    p => format!(
                        "{}, {} of it promised to environments being created",
                        n.summary(),
                        crate::names::bytes(p)
                    ),
                })
                .collect();
            return Err(Error::Failed(format!(
                "no swarm node can take an environment needing {} of memory: {}\n  Free memory by \
                 deleting environments (stopped ones keep their place), add a node, or lower the \
                 template's memory limits. Memory promised to creates that were interrupted is \
                 released by `envctl sync`.",
                crate::names::bytes(memory),
                if seen.is_empty() {
                    "the swarm lists no nodes".to_owned()
                } else {
                    seen.join("; ")
                }
            )));
        };
        Ok(Some(crate::store::Node {
            id: best.id.clone(),
            hostname: best.hostname.clone(),
            address: best.address.clone(),
        }))
    }
}

/// One node of a cluster, as placement sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub id: String,
    pub hostname: String,
    /// What URLs of environments on it name.
    pub address: String,
    /// "ready", "down", "disconnected" or "unknown".
    pub state: String,
    /// "active", "pause" or "drain".
    pub availability: String,
    /// It has every `[engine] node_labels` label.
    pub labelled: bool,
    /// Ready, active and labelled: new environments may go there.
    pub usable: bool,
    /// Its memory, in bytes.
    pub memory: u64,
    /// The memory limits of the services placed on it, in bytes.
    pub committed: u64,
}

impl NodeInfo {
    /// Memory not yet promised to a service's limit.
    pub fn free(&self) -> u64 {
        self.memory.saturating_sub(self.committed)
    }

    /// "worker-1 (10.0.0.5): ready, active, 12.1 GiB free of 16.0 GiB".
    pub fn summary(&self) -> String {
        format!(
            "{} ({}): {}, {}{}, {} free of {}",
            self.hostname,
            self.address,
            self.state,
            self.availability,
            if self.labelled {
                ""
            } else {
                ", without [engine] node_labels"
            },
            crate::names::bytes(self.free()),
            crate::names::bytes(self.memory)
        )
    }
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
    /// On a Swarm: why the node it is placed on cannot run it (gone,
    /// down, drained), when it cannot.
    pub node_problem: Option<String>,
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
    /// On a Swarm: the id of the node it must run on.
    pub node: Option<String>,
    /// How long a stop waits before killing it (`[defaults] stop_timeout`):
    /// a Swarm keeps it in the service; Docker is told at each stop.
    pub stop_grace: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    fn node(name: &str, usable: bool, memory: u64, committed: u64) -> NodeInfo {
        NodeInfo {
            id: format!("id-{name}"),
            hostname: name.to_owned(),
            address: format!("10.0.0.{}", name.len()),
            state: if usable { "ready" } else { "down" }.to_owned(),
            availability: "active".to_owned(),
            labelled: true,
            usable,
            memory,
            committed,
        }
    }

    fn cluster(nodes: Vec<NodeInfo>) -> Site {
        Site {
            nodes: Some(nodes),
            ..Site::default()
        }
    }

    fn placed(site: &Site, memory: u64, pending: &[(&str, u64)]) -> Option<String> {
        site.place(memory, pending.iter().copied())
            .ok()
            .flatten()
            .map(|n| n.hostname)
    }

    #[test]
    fn placement_takes_the_usable_node_with_the_most_memory_left() {
        let site = cluster(vec![
            node("big-but-busy", true, 64 * GIB, 60 * GIB),
            node("roomy", true, 16 * GIB, 2 * GIB),
            node("down", false, 128 * GIB, 0),
            node("small", true, 8 * GIB, 0),
        ]);
        assert_eq!(placed(&site, 4 * GIB, &[]).as_deref(), Some("roomy"));
        // Only the node with room: not the one with the most memory in all.
        assert_eq!(placed(&site, 10 * GIB, &[]).as_deref(), Some("roomy"));
        let err = site.place(15 * GIB, []).unwrap_err().to_string();
        assert!(
            err.contains("no swarm node can take an environment needing"),
            "{err}"
        );
        assert!(err.contains("roomy"), "{err}");
        let down = cluster(vec![node("down", false, GIB, 0)]);
        assert!(down.place(0, []).is_err());
        // One engine: no node to choose.
        assert_eq!(Site::default().place(100 * GIB, []).unwrap(), None);
    }

    #[test]
    fn environments_being_made_take_their_node_s_room_first() {
        let site = cluster(vec![
            node("roomy", true, 16 * GIB, 2 * GIB),
            node("small", true, 8 * GIB, 0),
        ]);
        // 14 GiB left on roomy, 6 of them promised: small (8 left) wins.
        assert_eq!(
            placed(&site, 4 * GIB, &[("id-roomy", 6 * GIB)]).as_deref(),
            Some("small")
        );
        // Both promised away: no room, and the message says why.
        let err = site
            .place(4 * GIB, [("id-roomy", 12 * GIB), ("id-small", 5 * GIB)])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("promised to environments being created"),
            "{err}"
        );
        // What the reading counted of an environment.
        let mut read = site.clone();
        read.counted.insert(Site::key("inst", "half"), GIB);
        read.counted.insert(Site::key("inst", "made"), GIB);
        assert_eq!(read.uncounted("inst", "new", 4 * GIB, true), 4 * GIB);
        assert_eq!(read.uncounted("inst", "since", 4 * GIB, false), 4 * GIB);
        assert_eq!(read.uncounted("inst", "half", 4 * GIB, true), 3 * GIB);
        assert_eq!(read.uncounted("inst", "made", 4 * GIB, false), 0);
        assert_eq!(read.uncounted("other", "made", 4 * GIB, false), 4 * GIB);
        // A node that is not in the reading promises nothing.
        assert_eq!(
            placed(&site, 4 * GIB, &[("id-gone", 100 * GIB)]).as_deref(),
            Some("roomy")
        );
    }
}
