//! The Docker Swarm implementation of [`super::super::Runtime`]: an
//! environment is one Swarm service per template service (replicas 1 when
//! started, 0 when stopped) on an attachable overlay network of its own, all
//! pinned to one node by a constraint on its id, with ports published in
//! host mode (the routing mesh is not assumed).
//!
//! A record's container name (`envctl-<id>-<service>`) is the service's
//! name. What needs a container (health, stats, exec, copying volumes) goes
//! to the service's current task's container through [`DockerEngine`], so
//! it is reachable only for tasks on the node envctl's connection reaches
//! (the manager it talks to); everything else (state, logs, start, stop,
//! removal, inventory) goes through the Swarm API and sees the whole cluster.
//! Volumes, networks' subnets, images and markers are the connected node's.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use bollard::models::{
    EndpointPortConfig, EndpointPortConfigProtocolEnum, EndpointPortConfigPublishModeEnum,
    EndpointSpec, HealthConfig, Limit, LocalNodeState, Mount as MountSpec, MountType,
    MountVolumeOptions, NetworkAttachmentConfig, NodeSpecAvailabilityEnum, NodeState, Service,
    ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated, Task, TaskSpec, TaskSpecContainerSpec,
    TaskSpecPlacement, TaskSpecResources, TaskSpecRestartPolicy,
    TaskSpecRestartPolicyConditionEnum, TaskState,
};
use bollard::query_parameters::{
    ListNodesOptions, ListServicesOptions, ListTasksOptions, UpdateServiceOptions,
};
use futures_util::{Stream, StreamExt};

use super::super::labels as label;
use super::super::{
    Attached, Bytes, ContainerInfo, ContainerSpec, ContainerStatus, EngineVersion, ExecSpec,
    Health, Inventory, Mount, NetworkError, NetworkSubnet, NodeInfo, Removed, RunState, Runtime,
    Sample, Site, TerminalSize, VolumeInfo, Watched,
};
use super::{DockerEngine, docker_error, error_text, label_filters, log_options, owned, status_of};
use crate::config::EngineConfig;
use crate::error::{Error, Result};

/// The label Swarm puts on a task's container: its service's name.
const SERVICE_NAME: &str = "com.docker.swarm.service.name";
/// The node label that overrides the address an environment's URLs name.
pub const PUBLIC_HOST_LABEL: &str = "envctl.public-host";
/// How long past a task's stop grace period a stop or a removal waits for
/// Swarm to tell the task ended (its node's agent reports it to the
/// managers); a task still running then is on a node that does not answer.
const STOP_MARGIN: Duration = Duration::from_secs(60);
/// How long a removal waits for the containers of removed services to go
/// from this node before it removes their network and volumes anyway.
const GONE: Duration = Duration::from_secs(60);
/// Swarm's stop grace period when a service sets none.
const DEFAULT_GRACE: Duration = Duration::from_secs(10);
/// How long a start waits on a task Swarm says it cannot place.
const UNPLACED: Duration = Duration::from_secs(5);

/// A connection to a Swarm manager.
#[derive(Debug, Clone)]
pub struct SwarmEngine {
    /// The manager's own engine: its containers, volumes and images.
    local: DockerEngine,
    /// Environments go only to nodes with all of these labels.
    node_labels: BTreeMap<String, String>,
    /// The id of the node `local` is.
    local_node: String,
}

impl SwarmEngine {
    /// Connects to the engine and checks that it is a manager of an active
    /// swarm (only managers accept service changes).
    pub async fn connect(config: &EngineConfig) -> Result<SwarmEngine> {
        let local = DockerEngine::connect().await?;
        let info = local
            .docker
            .info()
            .await
            .map_err(docker_error("reading the engine's swarm state"))?;
        let swarm = info.swarm.unwrap_or_default();
        let active = swarm.local_node_state == Some(LocalNodeState::ACTIVE);
        if !active || swarm.control_available != Some(true) {
            let state = match (active, swarm.local_node_state) {
                (true, _) => "a worker, not a manager".to_owned(),
                (false, Some(s)) => format!("in no swarm (its swarm state is \"{s}\")"),
                (false, None) => "in no swarm".to_owned(),
            };
            return Err(Error::WrongEngine {
                host: super::docker_host(),
                kind: "[engine] kind = \"swarm\"",
                reason: format!("it is {state}, and only a swarm manager can"),
                hint:
                    "Point DOCKER_HOST at a manager node, make this one a manager (`docker swarm \
                       init`), or set [engine] kind = \"docker\"."
                        .into(),
            });
        }
        Ok(SwarmEngine {
            local,
            node_labels: config.node_labels.clone(),
            local_node: swarm.node_id.unwrap_or_default(),
        })
    }

    /// An error unless the node a service with `labels` is placed on is
    /// the one envctl talks to: volumes are copied (archives, restores)
    /// through containers on that node only.
    fn on_this_node(&self, labels: &HashMap<String, String>) -> Result<()> {
        match labels.get(label::NODE_ID) {
            Some(node) if *node != self.local_node => Err(Error::Failed(format!(
                "its volumes are on node {}, and envctl copies volumes only on the node it talks to ({}); \
                 run envctl on that node (DOCKER_HOST), or use --no-archive to go without a copy",
                crate::names::printable(
                    labels
                        .get(label::NODE_HOSTNAME)
                        .map_or(node.as_str(), String::as_str),
                    80
                ),
                super::docker_host()
            ))),
            _ => Ok(()),
        }
    }

    /// [`SwarmEngine::on_this_node`] for environment `environment`.
    async fn environment_here(&self, instance: &str, environment: &str) -> Result<()> {
        let services = self
            .services(label_filters(instance, Some(environment)))
            .await?;
        match services.into_iter().find_map(|s| s.spec?.labels) {
            Some(labels) => self.on_this_node(&labels),
            None => Ok(()),
        }
    }

    /// The containers whose stats stream is open.
    pub fn watched_containers(&self) -> Vec<String> {
        self.local.watched_containers()
    }

    /// Service `name`, or `None` when there is none.
    async fn service(&self, name: &str) -> Result<Option<Service>> {
        match self.local.docker.inspect_service(name, None).await {
            Ok(s) => Ok(Some(s)),
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(docker_error(format!("inspecting service {name}"))(e)),
        }
    }

    /// The services `filters` select.
    async fn services(&self, filters: HashMap<String, Vec<String>>) -> Result<Vec<Service>> {
        self.local
            .docker
            .list_services(Some(ListServicesOptions {
                filters: Some(filters),
                ..Default::default()
            }))
            .await
            .map_err(docker_error("listing services"))
    }

    /// The tasks `filters` select; none when a service they name is gone
    /// (removed meanwhile by another process).
    async fn tasks(&self, filters: HashMap<String, Vec<String>>) -> Result<Vec<Task>> {
        match self
            .local
            .docker
            .list_tasks(Some(ListTasksOptions {
                filters: Some(filters),
            }))
            .await
        {
            Ok(tasks) => Ok(tasks),
            Err(e) if status_of(&e) == Some(404) => Ok(Vec::new()),
            Err(e) => Err(docker_error("listing tasks")(e)),
        }
    }

    /// Service `name`'s current task: the one Swarm wants running, else the
    /// newest.
    async fn current_task(&self, name: &str) -> Result<Option<Task>> {
        let tasks = self
            .tasks(HashMap::from([(
                "service".to_owned(),
                vec![name.to_owned()],
            )]))
            .await?;
        Ok(tasks.into_iter().max_by_key(|t| {
            (
                t.desired_state == Some(TaskState::RUNNING),
                t.version.as_ref().and_then(|v| v.index).unwrap_or(0),
            )
        }))
    }

    /// The container of service `name`'s current task, when it is on the
    /// node this connection reaches.
    async fn task_container(&self, name: &str) -> Result<Option<String>> {
        let Some(task) = self.current_task(name).await? else {
            return Ok(None);
        };
        let Some(id) = container_id(&task) else {
            return Ok(None);
        };
        match self.local.docker.inspect_container(id, None).await {
            Ok(_) => Ok(Some(id.to_owned())),
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(docker_error(format!(
                "inspecting the task container of {name}"
            ))(e)),
        }
    }

    /// Sets service `name`'s replicas, and with `force` makes Swarm replace
    /// its task even when the count does not change (`docker service update
    /// --force`: a start after the task ended). An update races Swarm's own
    /// (a new service's endpoint, a task's end), which it refuses as "out
    /// of sequence": read again and retried.
    async fn scale(&self, name: &str, replicas: i64, force: bool) -> Result<()> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let service = self.service(name).await?.ok_or_else(|| Error::NotFound {
                what: "service",
                name: name.to_owned(),
            })?;
            let version = service.version.and_then(|v| v.index).unwrap_or(0);
            let mut spec = service.spec.unwrap_or_default();
            spec.mode = Some(replicated(replicas));
            if force && let Some(task) = spec.task_template.as_mut() {
                task.force_update = Some(task.force_update.unwrap_or(0) + 1);
            }
            let options = UpdateServiceOptions {
                version: i32::try_from(version).unwrap_or(i32::MAX),
                ..Default::default()
            };
            match self
                .local
                .docker
                .update_service(name, spec, options, None)
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if attempt < 10 && error_text(&e).contains("out of sequence") => {
                    tokio::time::sleep(Duration::from_millis(10 * attempt)).await;
                }
                Err(e) => {
                    return Err(docker_error(format!(
                        "scaling service {name} to {replicas}"
                    ))(e));
                }
            }
        }
    }

    /// Waits until service `name`'s current task has started (or ended, as
    /// a job does); a task Swarm rejected or that failed to start is an
    /// error with Swarm's reason.
    /// Tasks in `before` (those that were there before a start asked for a
    /// new one) are not it. Waits until `deadline` at most: the task's
    /// node may be pulling its image.
    async fn wait_started(
        &self,
        name: &str,
        before: &HashSet<String>,
        deadline: tokio::time::Instant,
    ) -> Result<()> {
        let asked = tokio::time::Instant::now();
        let mut unplaced_since = None;
        let mut pause = Duration::from_millis(20);
        loop {
            if let Some(task) = self.current_task(name).await?
                && task.desired_state == Some(TaskState::RUNNING)
                && !task.id.as_ref().is_some_and(|id| before.contains(id))
            {
                let status = task.status.unwrap_or_default();
                // Pending with a reason: no node can take it (its node is
                // drained or down, or short of memory).
                if status.state == Some(TaskState::PENDING)
                    && let Some(why) = status.err.as_deref().filter(|e| !e.is_empty())
                {
                    let since = *unplaced_since.get_or_insert_with(tokio::time::Instant::now);
                    if since.elapsed() >= UNPLACED {
                        // Not left waiting: Swarm would start it behind envctl's back once it can.
                        self.scale(name, 0, false).await?;
                        return Err(Error::Failed(format!(
                            "Swarm cannot place service {name}: {why}\n  Its environment is pinned to one \
                             node: `envctl sync` says what is wrong with it."
                        )));
                    }
                }
                match status.state {
                    Some(TaskState::RUNNING | TaskState::COMPLETE) => return Ok(()),
                    Some(TaskState::FAILED | TaskState::REJECTED) => {
                        return Err(Error::Failed(format!(
                            "starting service {name} failed: {}",
                            status
                                .err
                                .or(status.message)
                                .unwrap_or_else(|| "Swarm gave no reason".into())
                        )));
                    }
                    _ => {}
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Failed(format!(
                    "service {name}'s task did not start within {}: see `docker service ps {name}` \
                     (its node may still be pulling the image)",
                    humantime::format_duration(Duration::from_secs(asked.elapsed().as_secs()))
                )));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }

    /// Scales service `name` to 0 and waits until Swarm has reaped the
    /// tasks that scaling marked for removal, so removing the service races
    /// no reaping (tasks that ended before stay, untouched). Engines before 23.0 crash
    /// (a nil task in `SetServiceTasksRemove`, fixed in later swarmkit) when
    /// a service is removed while its task reaper deletes one of its tasks,
    /// which is what follows a scale-down or a restart. Gives up waiting
    /// after a while: the removal then takes its chance.
    async fn retire(&self, name: &str) -> Result<()> {
        let Some(service) = self.service(name).await? else {
            return Ok(());
        };
        if replicas_of(&service) != 0 {
            self.scale(name, 0, false).await?;
        }
        let deadline = tokio::time::Instant::now() + stop_wait(&service, Duration::ZERO);
        let mut pause = Duration::from_millis(20);
        let filters = HashMap::from([("service".to_owned(), vec![name.to_owned()])]);
        // The scale-down marks tasks for removal a moment after it returns:
        // wait until none still wants to run, and none marked is left.
        let reaping = |tasks: Vec<Task>| {
            tasks.iter().any(|t| {
                matches!(
                    t.desired_state,
                    Some(TaskState::REMOVE | TaskState::RUNNING)
                )
            })
        };
        while reaping(self.tasks(filters.clone()).await?) && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(250));
        }
        Ok(())
    }

    /// Waits until no task of the services `filters` select is running; an
    /// error when one still runs after `within` (its node does not answer).
    async fn wait_stopped(
        &self,
        filters: HashMap<String, Vec<String>>,
        within: Duration,
    ) -> Result<()> {
        let deadline = tokio::time::Instant::now() + within;
        let mut pause = Duration::from_millis(20);
        loop {
            let running: Vec<String> = self
                .tasks(filters.clone())
                .await?
                .into_iter()
                .filter(|t| {
                    t.status
                        .as_ref()
                        .and_then(|s| s.state)
                        .is_some_and(|s| !is_ended(s))
                })
                .filter_map(|t| t.name.or(t.id))
                .collect();
            if running.is_empty() {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Failed(format!(
                    "task {} did not stop within {}: is its node down? (`docker node ls`)",
                    running.join(", "),
                    humantime::format_duration(within)
                )));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }

    /// Waits until the containers of one environment's services are gone
    /// from this node, so their volumes and network can go.
    async fn wait_containers_gone(&self, instance: &str, environment: &str) -> Result<()> {
        let deadline = tokio::time::Instant::now() + GONE;
        let mut filters = label_filters(instance, Some(environment));
        filters
            .get_mut("label")
            .expect("label filters")
            .push(SERVICE_NAME.to_owned());
        let mut pause = Duration::from_millis(20);
        loop {
            let left = self.local.containers(filters.clone(), true).await?;
            if left.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(());
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }

    /// False when `task`'s container is on this node and not running (it
    /// died a moment before Swarm hears of it); true otherwise.
    async fn container_alive(&self, task: &Task) -> Result<bool> {
        let Some(id) = container_id(task) else {
            return Ok(true);
        };
        Ok(match self.local.container_state(id).await? {
            Some(state) => state.state != RunState::Stopped,
            None => true,
        })
    }

    /// The names of the services `filters` select with a running task.
    async fn running_services(
        &self,
        filters: HashMap<String, Vec<String>>,
    ) -> Result<HashSet<String>> {
        let services = self.services(filters).await?;
        self.running_of(&services).await
    }

    /// The names of `services` with a running task.
    async fn running_of(&self, services: &[Service]) -> Result<HashSet<String>> {
        let ids: HashMap<String, String> = services
            .iter()
            .filter_map(|s| Some((s.id.clone()?, service_name(s))))
            .collect();
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let tasks = self
            .tasks(HashMap::from([(
                "desired-state".to_owned(),
                vec!["running".to_owned()],
            )]))
            .await?;
        // Swarm learns of a task's end from its node a moment later; on this
        // node the container's own state says it at once.
        let local: HashMap<String, bool> = self
            .local
            .containers(task_filters(), true)
            .await?
            .into_iter()
            .filter_map(|c| {
                let running = c.state == Some(bollard::models::ContainerSummaryStateEnum::RUNNING);
                Some((c.id?, running))
            })
            .collect();
        Ok(tasks
            .into_iter()
            .filter(|t| {
                t.status.as_ref().and_then(|s| s.state) == Some(TaskState::RUNNING)
                    && container_id(t).and_then(|id| local.get(id)).copied() != Some(false)
            })
            .filter_map(|t| ids.get(t.service_id.as_deref()?).cloned())
            .collect())
    }

    /// The running containers of envctl's tasks on this node, by service
    /// name (service names hold their environment's random id).
    async fn task_containers(&self) -> Result<HashMap<String, String>> {
        let containers = self.local.containers(task_filters(), false).await?;
        Ok(containers
            .into_iter()
            .filter_map(|c| {
                let service = c.labels.as_ref()?.get(SERVICE_NAME)?.clone();
                Some((service, c.id?))
            })
            .collect())
    }
}

impl SwarmEngine {
    /// The nodes, with the memory the limits of the services placed on
    /// each take (envctl's by their node label, stopped ones too, so they
    /// can start again; others by their running tasks), and every port a
    /// service publishes.
    async fn reading(&self) -> Result<Site> {
        let nodes = self
            .local
            .docker
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(docker_error("listing the swarm's nodes"))?;
        let services = self.services(HashMap::new()).await?;
        let tasks = self
            .tasks(HashMap::from([(
                "desired-state".to_owned(),
                vec!["running".to_owned()],
            )]))
            .await?;
        let mut committed: HashMap<String, u64> = HashMap::new();
        let mut ours = HashSet::new();
        let mut counted: HashMap<String, u64> = HashMap::new();
        let mut taken_ports = HashSet::new();
        for s in &services {
            let spec = s.spec.as_ref();
            for port in s
                .endpoint
                .as_ref()
                .and_then(|e| e.ports.clone())
                .into_iter()
                .chain(spec.and_then(|s| s.endpoint_spec.as_ref()?.ports.clone()))
                .flatten()
            {
                if let Some(p) = port.published_port.and_then(|p| u16::try_from(p).ok()) {
                    taken_ports.insert(p);
                }
            }
            let labels = spec.and_then(|s| s.labels.as_ref());
            if let Some(node) = labels.and_then(|l| l.get(label::NODE_ID)) {
                if let Some(id) = &s.id {
                    ours.insert(id.clone());
                }
                let limit = memory_limit(spec);
                if let (Some(instance), Some(env)) = (
                    labels.and_then(|l| l.get(label::INSTANCE)),
                    labels.and_then(|l| l.get(label::ENVIRONMENT)),
                ) {
                    *counted.entry(Site::key(instance, env)).or_default() += limit;
                }
                *committed.entry(node.clone()).or_default() += limit;
            }
        }
        for t in &tasks {
            let (Some(node), Some(service)) = (&t.node_id, &t.service_id) else {
                continue;
            };
            if !ours.contains(service) {
                let limit = t
                    .spec
                    .as_ref()
                    .and_then(|s| s.resources.as_ref()?.limits.as_ref()?.memory_bytes)
                    .unwrap_or(0);
                *committed.entry(node.clone()).or_default() += limit.max(0) as u64;
            }
        }
        let mut infos = Vec::new();
        for n in nodes {
            let spec = n.spec.unwrap_or_default();
            let status = n.status.unwrap_or_default();
            let description = n.description.unwrap_or_default();
            let Some(id) = n.id else { continue };
            let hostname = description.hostname.unwrap_or_else(|| id.clone());
            let labels = spec.labels.unwrap_or_default();
            let state = status
                .state
                .map_or_else(|| "unknown".to_owned(), |s| s.to_string());
            let availability = spec
                .availability
                .map_or_else(|| "unknown".to_owned(), |a| a.to_string());
            let labelled = self
                .node_labels
                .iter()
                .all(|(k, v)| labels.get(k) == Some(v));
            // A label anyone with access to the swarm could set: used only when sound.
            let address = labels
                .get(PUBLIC_HOST_LABEL)
                .cloned()
                .filter(|a| sound_address(a))
                .or(status.addr)
                .filter(|a| sound_address(a) && a != "0.0.0.0")
                .unwrap_or_else(|| hostname.clone());
            infos.push(NodeInfo {
                usable: state == "ready" && availability == "active" && labelled,
                labelled,
                memory: description
                    .resources
                    .and_then(|r| r.memory_bytes)
                    .unwrap_or(0)
                    .max(0) as u64,
                committed: committed.get(&id).copied().unwrap_or(0),
                id,
                hostname,
                address,
                state,
                availability,
            });
        }
        Ok(Site {
            nodes: Some(infos),
            counted,
            taken_ports,
        })
    }
}

impl Runtime for SwarmEngine {
    /// The nodes with the memory their services take (see [`Site::place`]
    /// for the choice), and every port a service publishes anywhere in the
    /// cluster.
    async fn site(&self) -> Result<Site> {
        self.reading().await
    }

    async fn nodes(&self) -> Result<Option<Vec<NodeInfo>>> {
        Ok(self.reading().await?.nodes)
    }

    async fn version(&self) -> Result<EngineVersion> {
        self.local.version().await
    }

    async fn network_subnets(&self) -> Result<Vec<NetworkSubnet>> {
        self.local.network_subnets().await
    }

    async fn registry_has(&self, image: &str) -> Result<bool> {
        self.local.registry_has(image).await
    }

    async fn has_image(&self, image: &str) -> Result<bool> {
        self.local.has_image(image).await
    }

    async fn pull(&self, image: &str, progress: impl FnMut(u64, u64) + Send) -> Result<()> {
        self.local.pull(image, progress).await
    }

    /// An attachable overlay network, so it spans the nodes.
    async fn create_network(
        &self,
        name: &str,
        labels: HashMap<String, String>,
        subnet: Option<String>,
    ) -> Result<(), NetworkError> {
        self.local
            .make_network(name, labels, subnet, "overlay")
            .await
    }

    async fn create_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<()> {
        self.local.create_volume(name, labels).await
    }

    /// A service of one replica-to-be (0 until started), its task's
    /// container labelled as the service, pinned to `spec.node`.
    async fn create_container(&self, spec: ContainerSpec) -> Result<()> {
        let name = spec.name.clone();
        match self
            .local
            .docker
            .create_service(spec.into_service(), None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if status_of(&e) == Some(409) => Err(Error::Conflict(format!(
                "a service named {} already exists; envctl leaves it alone",
                crate::names::printable(&name, 80)
            ))),
            Err(e) => Err(docker_error(format!("creating service {name}"))(e)),
        }
    }

    /// Scales the service to 1 (replacing a task that ended) and waits for
    /// its task to run, until `deadline` at most.
    async fn start_container(&self, name: &str, deadline: tokio::time::Instant) -> Result<()> {
        let Some(service) = self.service(name).await? else {
            return Err(Error::NotFound {
                what: "service",
                name: name.to_owned(),
            });
        };
        let replicas = replicas_of(&service);
        // A task Swarm no longer wants running (it ended, or was shut down
        // by a drain) is not run again by Swarm.
        let ended = match self.current_task(name).await? {
            Some(t) => {
                t.desired_state != Some(TaskState::RUNNING)
                    || t.status.as_ref().and_then(|s| s.state).is_none_or(is_ended)
                    || !self.container_alive(&t).await?
            }
            None => true,
        };
        if replicas == 1 && !ended {
            return self.wait_started(name, &HashSet::new(), deadline).await;
        }
        // The task before it must be gone first: it may still hold the
        // host ports (Swarm stops it with the service's grace period).
        let filters = HashMap::from([("service".to_owned(), vec![name.to_owned()])]);
        self.wait_stopped(filters.clone(), stop_wait(&service, Duration::ZERO))
            .await?;
        let before: HashSet<String> = self
            .tasks(filters)
            .await?
            .into_iter()
            .filter_map(|t| t.id)
            .collect();
        // A task that ended is not run again by Swarm (restarts are
        // envctl's), nor is a slot scaled down and up again at once: a
        // forced update makes it start a new one.
        self.scale(name, 1, true).await?;
        self.wait_started(name, &before, deadline).await
    }

    async fn stop_grace(&self, name: &str, grace: Duration) -> Result<Duration> {
        Ok(match self.service(name).await? {
            Some(service) => grace.max(grace_of(&service)),
            None => grace,
        })
    }

    /// Scales the service to 0 and waits for its task to end (Swarm stops
    /// it with the service's grace period: `stop_timeout` when it was made),
    /// for that grace period and a margin.
    async fn stop_container(&self, name: &str, grace: Duration) -> Result<()> {
        let Some(service) = self.service(name).await? else {
            return Ok(());
        };
        if replicas_of(&service) != 0 {
            self.scale(name, 0, false).await?;
        }
        let filters = HashMap::from([("service".to_owned(), vec![name.to_owned()])]);
        self.wait_stopped(filters, stop_wait(&service, grace)).await
    }

    /// As with a container: the service's labels must name this
    /// installation and environment.
    async fn check_owned(&self, instance: &str, env_id: &str, name: &str) -> Result<bool> {
        let Some(service) = self.service(name).await? else {
            return Ok(false);
        };
        let labels = service.spec.and_then(|s| s.labels).unwrap_or_default();
        owned("service", name, &labels, instance, env_id)
    }

    /// From the service's current task: not started yet is `Created`;
    /// running is the container's own state (with its health) when it is
    /// on this node; ended (or scaled to 0) is `Stopped` with its exit code.
    async fn container_state(&self, name: &str) -> Result<Option<ContainerStatus>> {
        let Some(service) = self.service(name).await? else {
            return Ok(None);
        };
        let task = self.current_task(name).await?;
        let status = task
            .as_ref()
            .and_then(|t| t.status.clone())
            .unwrap_or_default();
        let exit_code = exit_code_of(&status);
        let stopped = ContainerStatus {
            state: RunState::Stopped,
            exit_code,
            health: Health::Unknown,
        };
        let task = match task {
            // Never started.
            None => {
                return Ok(Some(ContainerStatus {
                    state: RunState::Created,
                    ..stopped
                }));
            }
            Some(_) if replicas_of(&service) == 0 => return Ok(Some(stopped)),
            Some(task) => task,
        };
        let here = match container_id(&task) {
            Some(id) => self.local.container_state(id).await?,
            None => None,
        };
        Ok(Some(match status.state {
            Some(TaskState::RUNNING) => match here {
                Some(state) => state,
                // On another node: Swarm reports a task with a health check
                // running only once it is healthy.
                None => ContainerStatus {
                    state: RunState::Running,
                    exit_code: 0,
                    health: match has_health_check(&service) {
                        true => Health::Healthy,
                        false => Health::Unknown,
                    },
                },
            },
            Some(s) if is_ended(s) => stopped,
            _ => ContainerStatus {
                state: RunState::Created,
                ..stopped
            },
        }))
    }

    /// The task container's counters, when it is on this node.
    async fn container_sample(&self, name: &str) -> Result<Option<Sample>> {
        match self.task_container(name).await? {
            Some(id) => self.local.container_sample(&id).await,
            None => Ok(None),
        }
    }

    /// The task containers' streams, for the tasks on this node.
    async fn watched_samples(&self, names: &[String], wait: Duration) -> HashMap<String, Watched> {
        if names.is_empty() {
            return HashMap::new();
        }
        let Ok(containers) = self.task_containers().await else {
            return HashMap::new();
        };
        let ids: Vec<(String, String)> = names
            .iter()
            .filter_map(|n| Some((containers.get(n)?.clone(), n.clone())))
            .collect();
        let wanted: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
        let mut read = self.local.watched_samples(&wanted, wait).await;
        ids.into_iter()
            .filter_map(|(id, name)| Some((name, read.remove(&id)?)))
            .collect()
    }

    async fn container_names(&self, instance: &str, running_only: bool) -> Result<HashSet<String>> {
        let filters = label_filters(instance, None);
        if running_only {
            return self.running_services(filters).await;
        }
        Ok(self
            .services(filters)
            .await?
            .iter()
            .map(service_name)
            .collect())
    }

    async fn running_containers(
        &self,
        instance: &str,
        environment: &str,
    ) -> Result<HashSet<String>> {
        self.running_services(label_filters(instance, Some(environment)))
            .await
    }

    async fn volume_usage(&self, instance: &str) -> Result<(usize, Option<u64>)> {
        self.local.volume_usage(instance).await
    }

    /// Removes the services, waits for their containers to go, then what
    /// is left on this node (helpers, the network, volumes, markers).
    async fn remove_environment(
        &self,
        instance: &str,
        environment: &str,
        keep_volumes: bool,
    ) -> Result<Removed> {
        let filters = label_filters(instance, Some(environment));
        let names: Vec<String> = self
            .services(filters)
            .await?
            .iter()
            .map(service_name)
            .collect();
        // Each service is emptied before it is removed: see `retire`.
        futures_util::future::try_join_all(names.iter().map(|n| self.retire(n))).await?;
        let mut services = 0;
        for name in &names {
            match self.local.docker.delete_service(name).await {
                Ok(()) => services += 1,
                Err(e) if status_of(&e) == Some(404) => {}
                Err(e) => return Err(docker_error(format!("removing service {name}"))(e)),
            }
        }
        self.wait_containers_gone(instance, environment).await?;
        let mut removed = self
            .local
            .remove_environment(instance, environment, keep_volumes)
            .await?;
        // The task containers went with their services: count services.
        removed.containers += services;
        Ok(removed)
    }

    /// This node's objects, with each environment's services in place of
    /// their task containers, and the trouble with the node it is placed on.
    async fn inventory(&self, instance: &str) -> Result<Inventory> {
        let mut inventory = self.local.inventory(instance).await?;
        for objects in inventory.objects.values_mut() {
            objects
                .containers
                .retain(|c| !c.labels.contains_key(SERVICE_NAME));
        }
        let filters = label_filters(instance, None);
        let services = self.services(filters).await?;
        let running = self.running_of(&services).await?;
        let ids: Vec<String> = services.iter().filter_map(|s| s.id.clone()).collect();
        let tasks = match ids.is_empty() {
            true => Vec::new(),
            false => {
                self.tasks(HashMap::from([("service".to_owned(), ids)]))
                    .await?
            }
        };
        let nodes: HashMap<String, bollard::models::Node> = self
            .local
            .docker
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(docker_error("listing the swarm's nodes"))?
            .into_iter()
            .filter_map(|n| Some((n.id.clone()?, n)))
            .collect();
        for s in services {
            let name = service_name(&s);
            let spec = s.spec.unwrap_or_default();
            let labels = spec.labels.clone().unwrap_or_default();
            let Some(env) = labels.get(label::ENVIRONMENT).cloned() else {
                continue;
            };
            let image = spec
                .task_template
                .as_ref()
                .and_then(|t| t.container_spec.as_ref()?.image.clone())
                .unwrap_or_default();
            let is_running = running.contains(&name);
            let replicas = spec
                .mode
                .as_ref()
                .and_then(|m| m.replicated.as_ref()?.replicas)
                .unwrap_or(0);
            let objects = inventory.objects.entry(env).or_default();
            if objects.node_problem.is_none()
                && let Some(node) = labels.get(label::NODE_ID)
            {
                objects.node_problem = node_problem(node, &labels, nodes.get(node));
            }
            objects.containers.push(ContainerInfo {
                name,
                service: labels.get(label::SERVICE).cloned().unwrap_or_default(),
                image,
                running: is_running,
                status: match (is_running, replicas) {
                    (true, _) => "Up (swarm service)".to_owned(),
                    (false, 0) => "Scaled to 0 (swarm service)".to_owned(),
                    // In Docker's words, so a job that completed reads as one.
                    (false, _) => match ended_task(&tasks, s.id.as_deref()) {
                        Some((code, state)) => format!("Exited ({code}) (swarm task {state})"),
                        None => "Not running (swarm service)".to_owned(),
                    },
                },
                labels,
            });
        }
        for objects in inventory.objects.values_mut() {
            objects.containers.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(inventory)
    }

    async fn set_marker(
        &self,
        instance: &str,
        environment: &str,
        marker: &str,
        values: Option<HashMap<String, String>>,
    ) -> Result<()> {
        self.local
            .set_marker(instance, environment, marker, values)
            .await
    }

    async fn mounts(&self, instance: &str, environment: &str) -> Result<Vec<Mount>> {
        self.environment_here(instance, environment).await?;
        self.local.mounts(instance, environment).await
    }

    async fn environment_volumes(
        &self,
        instance: &str,
        environment: &str,
    ) -> Result<Vec<VolumeInfo>> {
        self.environment_here(instance, environment).await?;
        self.local.environment_volumes(instance, environment).await
    }

    async fn create_helper(
        &self,
        name: &str,
        image: &str,
        labels: HashMap<String, String>,
        volume: &str,
        path: &str,
    ) -> Result<()> {
        self.local
            .create_helper(name, image, labels, volume, path)
            .await
    }

    async fn remove_container(&self, name: &str) -> Result<()> {
        self.local.remove_container(name).await
    }

    async fn volume_sizes(&self, instance: &str) -> Result<HashMap<String, u64>> {
        self.local.volume_sizes(instance).await
    }

    fn export(&self, name: &str, path: &str) -> Result<Box<dyn std::io::Read + Send>> {
        self.local.export(name, path)
    }

    /// Into the volume service `name` mounts at `path`, through a helper
    /// container on this node (a service has no container before it starts).
    async fn import(
        &self,
        name: &str,
        path: &str,
        tar: impl Stream<Item = Bytes> + Send + 'static,
    ) -> Result<()> {
        let Some(service) = self.service(name).await? else {
            // Not a service: a helper or task container.
            return self.local.import(name, path, tar).await;
        };
        let spec = service.spec.unwrap_or_default();
        self.on_this_node(spec.labels.as_ref().unwrap_or(&HashMap::new()))?;
        let container = spec
            .task_template
            .and_then(|t| t.container_spec)
            .unwrap_or_default();
        let volume = container
            .mounts
            .unwrap_or_default()
            .into_iter()
            .find(|m| m.target.as_deref() == Some(path))
            .and_then(|m| m.source)
            .ok_or_else(|| Error::Failed(format!("service {name} mounts no volume at {path}")))?;
        let helper = format!("{name}-restore");
        self.local
            .create_helper(
                &helper,
                container.image.as_deref().unwrap_or_default(),
                spec.labels.unwrap_or_default(),
                &volume,
                path,
            )
            .await?;
        let result = self.local.import(&helper, path, tar).await;
        let _ = self.local.remove_container(&helper).await;
        result
    }

    async fn tail(&self, name: &str, lines: usize) -> String {
        let chunks: Vec<_> = self.logs(name, false, Some(lines)).collect().await;
        chunks
            .into_iter()
            .filter_map(|c| c.ok())
            .collect::<Vec<_>>()
            .concat()
    }

    /// The service's logs (every task's, wherever it ran).
    fn logs(
        &self,
        name: &str,
        follow: bool,
        tail: Option<usize>,
    ) -> impl Stream<Item = Result<String>> + Send + 'static {
        let options = log_options(follow, tail);
        let name = name.to_owned();
        self.local
            .docker
            .service_logs(&name, Some(options))
            .map(move |chunk| match chunk {
                Ok(output) => Ok(output.to_string()),
                Err(e) if status_of(&e) == Some(404) => Err(Error::NotFound {
                    what: "service",
                    name: name.clone(),
                }),
                Err(e) => Err(Error::Failed(format!(
                    "reading logs of service {name}: {}",
                    error_text(&e)
                ))),
            })
    }

    /// In the running task's container, when it is on this node.
    async fn exec(&self, name: &str, spec: ExecSpec) -> Result<Attached> {
        match self.task_container(name).await? {
            Some(id) => self.local.exec(&id, spec).await,
            None => Err(Error::Conflict(format!(
                "service {} has no running task on the node envctl talks to ({}); run `docker exec` \
                 on the node it runs on (`docker service ps {}`)",
                crate::names::printable(name, 80),
                super::docker_host(),
                crate::names::printable(name, 80),
            ))),
        }
    }

    async fn resize_exec(&self, id: &str, size: TerminalSize) -> Result<()> {
        self.local.resize_exec(id, size).await
    }

    async fn exec_exit_code(&self, id: &str) -> Result<Option<i64>> {
        self.local.exec_exit_code(id).await
    }
}

impl ContainerSpec {
    /// The service this container spec describes, at 0 replicas.
    fn into_service(self) -> ServiceSpec {
        let second = 1_000_000_000i64;
        let mounts = self
            .volumes
            .iter()
            .map(|(name, target, ro)| MountSpec {
                target: Some(target.clone()),
                source: Some(name.clone()),
                typ: Some(MountType::VOLUME),
                read_only: Some(*ro),
                volume_options: Some(MountVolumeOptions {
                    no_copy: Some(self.no_copy.contains(name)),
                    // Made with these where the node does not have it yet.
                    labels: Some(self.labels.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect();
        let ports = self.publish.map(|(container, host)| {
            vec![EndpointPortConfig {
                protocol: Some(EndpointPortConfigProtocolEnum::TCP),
                target_port: Some(i64::from(container)),
                published_port: Some(i64::from(host)),
                publish_mode: Some(EndpointPortConfigPublishModeEnum::HOST),
                ..Default::default()
            }]
        });
        ServiceSpec {
            name: Some(self.name),
            labels: Some(self.labels.clone()),
            task_template: Some(TaskSpec {
                container_spec: Some(TaskSpecContainerSpec {
                    image: Some(self.image),
                    labels: Some(self.labels),
                    args: self.command,
                    env: Some(self.env),
                    mounts: Some(mounts),
                    init: Some(true),
                    stop_grace_period: Some(
                        i64::try_from(self.stop_grace.as_nanos()).unwrap_or(i64::MAX),
                    ),
                    health_check: self.health_cmd.map(|cmd| HealthConfig {
                        test: Some(std::iter::once("CMD".to_owned()).chain(cmd).collect()),
                        interval: Some(second),
                        timeout: Some(10 * second),
                        retries: Some(3),
                        start_period: Some(0),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                resources: Some(TaskSpecResources {
                    limits: Some(Limit {
                        nano_cpus: self.cpus.map(|c| (c * 1e9) as i64),
                        memory_bytes: self.memory,
                        pids: self.pids,
                    }),
                    ..Default::default()
                }),
                // envctl restarts dead services itself, as on one engine.
                restart_policy: Some(TaskSpecRestartPolicy {
                    condition: Some(TaskSpecRestartPolicyConditionEnum::NONE),
                    ..Default::default()
                }),
                placement: self.node.map(|id| TaskSpecPlacement {
                    constraints: Some(vec![format!("node.id=={id}")]),
                    ..Default::default()
                }),
                networks: Some(vec![NetworkAttachmentConfig {
                    target: Some(self.network),
                    aliases: Some(vec![self.alias]),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            mode: Some(replicated(0)),
            // Names resolve to the task's own address: no virtual IP (IPVS),
            // which a routing mesh would need and host-mode ports do not.
            endpoint_spec: Some(EndpointSpec {
                mode: Some(bollard::models::EndpointSpecModeEnum::DNSRR),
                ports,
            }),
            ..Default::default()
        }
    }
}

/// Selects the containers of envctl's tasks (any installation's: service
/// names hold their environment's random id).
fn task_filters() -> HashMap<String, Vec<String>> {
    HashMap::from([(
        "label".to_owned(),
        vec![format!("{}=true", label::MANAGED), SERVICE_NAME.to_owned()],
    )])
}

fn replicated(replicas: i64) -> ServiceSpecMode {
    ServiceSpecMode {
        replicated: Some(ServiceSpecModeReplicated {
            replicas: Some(replicas),
        }),
        ..Default::default()
    }
}

fn service_name(service: &Service) -> String {
    service
        .spec
        .as_ref()
        .and_then(|s| s.name.clone())
        .unwrap_or_default()
}

/// The container spec of a service's task template.
fn container_spec(service: &Service) -> Option<&TaskSpecContainerSpec> {
    service
        .spec
        .as_ref()?
        .task_template
        .as_ref()?
        .container_spec
        .as_ref()
}

fn has_health_check(service: &Service) -> bool {
    container_spec(service).is_some_and(|c| c.health_check.is_some())
}

fn replicas_of(service: &Service) -> i64 {
    service
        .spec
        .as_ref()
        .and_then(|s| s.mode.as_ref()?.replicated.as_ref()?.replicas)
        .unwrap_or(0)
}

/// How long a stop of `service` waits for its task to end: its grace
/// period (Swarm goes by the one the service was made with; `grace` when
/// larger) and [`STOP_MARGIN`].
fn stop_wait(service: &Service, grace: Duration) -> Duration {
    grace.max(grace_of(service)) + STOP_MARGIN
}

/// The stop grace period of a service's task (Swarm's default when unset).
fn grace_of(service: &Service) -> Duration {
    container_spec(service)
        .and_then(|c| c.stop_grace_period)
        .and_then(|ns| u64::try_from(ns).ok())
        .map_or(DEFAULT_GRACE, Duration::from_nanos)
}

/// The memory limit a service's task asks for, in bytes.
fn memory_limit(spec: Option<&ServiceSpec>) -> u64 {
    spec.and_then(|s| {
        s.task_template
            .as_ref()?
            .resources
            .as_ref()?
            .limits
            .as_ref()?
            .memory_bytes
    })
    .unwrap_or(0)
    .max(0) as u64
}

/// The exit code and state of service `id`'s current task, when it ended.
fn ended_task(tasks: &[Task], id: Option<&str>) -> Option<(i64, TaskState)> {
    let current = tasks
        .iter()
        .filter(|t| t.service_id.as_deref() == id)
        .max_by_key(|t| {
            (
                t.desired_state == Some(TaskState::RUNNING),
                t.version.as_ref().and_then(|v| v.index).unwrap_or(0),
            )
        })?;
    let status = current.status.as_ref()?;
    let state = status.state.filter(|s| is_ended(*s))?;
    Some((exit_code_of(status), state))
}

/// The id of `task`'s container, once it has one.
fn container_id(task: &Task) -> Option<&str> {
    task.status
        .as_ref()?
        .container_status
        .as_ref()?
        .container_id
        .as_deref()
        .filter(|id| !id.is_empty())
}

/// A task's exit code; a task that failed or was refused before its
/// process ran has none, and reads as 125 (as `docker run` says when the
/// engine could not run the command), never as a success.
fn exit_code_of(status: &bollard::models::TaskStatus) -> i64 {
    match status.container_status.as_ref().and_then(|c| c.exit_code) {
        Some(code) => code,
        None if matches!(
            status.state,
            Some(TaskState::FAILED | TaskState::REJECTED | TaskState::ORPHANED)
        ) =>
        {
            125
        }
        None => 0,
    }
}

/// A task that will not run again.
fn is_ended(state: TaskState) -> bool {
    matches!(
        state,
        TaskState::COMPLETE
            | TaskState::SHUTDOWN
            | TaskState::FAILED
            | TaskState::REJECTED
            | TaskState::ORPHANED
            | TaskState::REMOVE
    )
}

/// Whether `text` may name a node in a URL and a label: what
/// [`label::record`] accepts back.
fn sound_address(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && !text
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '/')
}

/// Why `node` cannot run an environment placed on it, if it cannot.
fn node_problem(
    id: &str,
    labels: &HashMap<String, String>,
    node: Option<&bollard::models::Node>,
) -> Option<String> {
    let hostname = labels
        .get(label::NODE_HOSTNAME)
        .cloned()
        .unwrap_or_else(|| id.to_owned());
    let Some(node) = node else {
        return Some(format!("its node {hostname} ({id}) has left the swarm"));
    };
    let state = node.status.as_ref().and_then(|s| s.state);
    if state != Some(NodeState::READY) {
        return Some(format!(
            "its node {hostname} is {}",
            state.map_or_else(|| "in an unknown state".to_owned(), |s| s.to_string())
        ));
    }
    match node.spec.as_ref().and_then(|s| s.availability) {
        Some(NodeSpecAvailabilityEnum::DRAIN) => Some(format!("its node {hostname} is drained")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_that_is_gone_down_or_drained_is_named_and_a_paused_one_is_not() {
        let labels = HashMap::from([(label::NODE_HOSTNAME.to_owned(), "worker-2".to_owned())]);
        let problem = node_problem("abc", &labels, None).unwrap();
        assert!(
            problem.contains("worker-2") && problem.contains("left the swarm"),
            "{problem}"
        );
        let mut n = bollard::models::Node {
            status: Some(bollard::models::NodeStatus {
                state: Some(NodeState::DOWN),
                ..Default::default()
            }),
            spec: Some(bollard::models::NodeSpec {
                availability: Some(NodeSpecAvailabilityEnum::ACTIVE),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(
            node_problem("abc", &labels, Some(&n))
                .unwrap()
                .contains("is down")
        );
        n.status.as_mut().unwrap().state = Some(NodeState::READY);
        assert_eq!(node_problem("abc", &labels, Some(&n)), None);
        n.spec.as_mut().unwrap().availability = Some(NodeSpecAvailabilityEnum::DRAIN);
        assert!(
            node_problem("abc", &labels, Some(&n))
                .unwrap()
                .contains("drained")
        );
        // Paused: its tasks keep running; only new ones cannot start there.
        n.spec.as_mut().unwrap().availability = Some(NodeSpecAvailabilityEnum::PAUSE);
        assert_eq!(node_problem("abc", &labels, Some(&n)), None);
    }

    #[test]
    fn a_failed_task_without_an_exit_code_is_never_a_success() {
        let status = |state| bollard::models::TaskStatus {
            state: Some(state),
            ..Default::default()
        };
        assert_eq!(exit_code_of(&status(TaskState::REJECTED)), 125);
        assert_eq!(exit_code_of(&status(TaskState::FAILED)), 125);
        assert_eq!(exit_code_of(&status(TaskState::COMPLETE)), 0);
    }

    #[test]
    fn an_address_from_a_node_label_must_be_one_a_url_can_hold() {
        assert!(sound_address("dev1.example.com"));
        assert!(!sound_address("a b"));
        assert!(!sound_address("evil/path"));
        assert!(!sound_address("\u{1b}[31m"));
        assert!(!sound_address(""));
    }
}
