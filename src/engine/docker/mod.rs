//! The Docker implementation of [`super::Runtime`], through bollard:
//! connecting (with version negotiation, so older engines such as Debian's
//! 20.10 work), images, networks, volumes, containers, logs, stats and
//! markers. The only module that names a bollard type; stats, one-shot and
//! streamed, are in [`stats`].
//!
//! One raw request remains: `GET /system/df` for volume sizes, because
//! bollard's typed call knows only the shape of API 1.52 and newer, while
//! 20.10 answers the older one. It goes to wherever `DOCKER_HOST` points
//! (a unix socket or plain TCP).

mod raw;
mod stats;
pub mod swarm;

use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::errors::Error as BollardError;
use bollard::models::{
    ContainerCreateBody, ContainerState, ContainerSummaryStateEnum, EndpointSettings, HealthConfig,
    HostConfig, Ipam, IpamConfig, NetworkCreateRequest, NetworkingConfig, PortBinding,
    VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateContainerOptions, CreateImageOptions, ListContainersOptions, ListNetworksOptions,
    ListVolumesOptions, LogsOptions, RemoveContainerOptions, RemoveVolumeOptions,
    StopContainerOptions,
};
use futures_util::{Stream, StreamExt};

use super::labels as label;
use super::{
    Attached, Bytes, ContainerInfo, ContainerSpec, ContainerStatus, EngineVersion, ExecOutput,
    ExecSpec, Health, Inventory, Mount, NetworkError, NetworkSubnet, Removed, RunState, Runtime,
    Sample, TerminalSize, VolumeInfo, Watched,
};
use crate::error::{Error, Result};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// bollard's default of 120 s is too short for big pulls and long stop grace periods.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A connection to the Docker engine.
#[derive(Debug, Clone)]
pub struct DockerEngine {
    docker: Docker,
    /// Execs whose command the container does not have (see [`Runtime::exec`]).
    missing: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// The stats streams the monitor reads (see [`Runtime::watched_samples`]).
    streams: stats::Streams,
}

/// A log filter directive for the server: bollard's debug output copies
/// Docker's answers, containers' environment (so generated secrets)
/// included, so it is never logged, whatever the level.
pub const QUIET_LOG_DIRECTIVE: &str = "bollard=warn";

/// Where the engine is, as the user would name it.
pub fn docker_host() -> String {
    std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into())
}

impl DockerEngine {
    /// The volumes `filters` select.
    async fn volumes(
        &self,
        filters: HashMap<String, Vec<String>>,
    ) -> Result<Vec<bollard::models::Volume>> {
        let listed = self
            .docker
            .list_volumes(Some(ListVolumesOptions {
                filters: Some(filters),
            }))
            .await
            .map_err(docker_error("listing volumes"))?;
        Ok(listed.volumes.unwrap_or_default())
    }

    /// Removes volume `name`; one already gone is fine. `Ok(false)` then.
    async fn remove_volume(&self, name: &str) -> Result<bool> {
        let options = RemoveVolumeOptions { force: true };
        match self.docker.remove_volume(name, Some(options)).await {
            Ok(()) => Ok(true),
            Err(e) if status_of(&e) == Some(404) => Ok(false),
            Err(e) => Err(docker_error(format!("removing volume {name}"))(e)),
        }
    }

    /// The containers `filters` select (stopped ones too with `all`).
    async fn containers(
        &self,
        filters: HashMap<String, Vec<String>>,
        all: bool,
    ) -> Result<Vec<bollard::models::ContainerSummary>> {
        self.docker
            .list_containers(Some(ListContainersOptions {
                all,
                filters: Some(filters),
                ..Default::default()
            }))
            .await
            .map_err(docker_error("listing containers"))
    }

    async fn remove_containers(&self, filters: &HashMap<String, Vec<String>>) -> Result<usize> {
        let containers = self.containers(filters.clone(), true).await?;
        let removals = containers
            .iter()
            .filter_map(|c| c.id.clone())
            .map(|id| async move {
                let options = RemoveContainerOptions {
                    force: true,
                    v: true,
                    ..Default::default()
                };
                match self.docker.remove_container(&id, Some(options)).await {
                    Ok(()) => Ok(1),
                    // Already gone, or already being removed by someone else.
                    Err(e) if matches!(status_of(&e), Some(404 | 409)) => Ok(0),
                    Err(e) => Err(docker_error(format!("removing container {id}"))(e)),
                }
            });
        let counts = futures_util::future::try_join_all(removals).await?;
        Ok(counts.into_iter().sum())
    }

    async fn remove_networks(&self, filters: &HashMap<String, Vec<String>>) -> Result<usize> {
        let networks = self
            .docker
            .list_networks(Some(ListNetworksOptions {
                filters: Some(filters.clone()),
            }))
            .await
            .map_err(docker_error("listing networks"))?;
        let mut count = 0;
        for n in networks.into_iter().filter_map(|n| n.id) {
            match self.docker.remove_network(&n).await {
                Ok(()) => count += 1,
                Err(e) if status_of(&e) == Some(404) => {}
                Err(e) => return Err(docker_error(format!("removing network {n}"))(e)),
            }
        }
        Ok(count)
    }

    /// Removes the volumes `filters` select (only markers with
    /// `markers_only`), counting the data volumes removed.
    async fn remove_volumes(
        &self,
        filters: &HashMap<String, Vec<String>>,
        markers_only: bool,
    ) -> Result<usize> {
        let mut count = 0;
        for v in self.volumes(filters.clone()).await? {
            let marker = v.labels.contains_key(label::MARKER);
            if markers_only && !marker {
                continue;
            }
            if self.remove_volume(&v.name).await? && !marker {
                count += 1;
            }
        }
        Ok(count)
    }

    /// Creates a network of `driver` ("bridge", or "overlay", then
    /// attachable); with `subnet`, on that subnet. A subnet taken by another
    /// network is [`NetworkError::SubnetTaken`].
    async fn make_network(
        &self,
        name: &str,
        labels: HashMap<String, String>,
        subnet: Option<String>,
        driver: &str,
    ) -> Result<(), NetworkError> {
        let request = NetworkCreateRequest {
            name: name.to_owned(),
            driver: Some(driver.into()),
            attachable: (driver == "overlay").then_some(true),
            labels: Some(labels),
            ipam: subnet.map(|s| Ipam {
                config: Some(vec![IpamConfig {
                    subnet: Some(s),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        match self.docker.create_network(request).await {
            Ok(_) => Ok(()),
            Err(e) if status_of(&e) == Some(409) => Ok(()),
            Err(e) if error_text(&e).contains("overlaps") => Err(NetworkError::SubnetTaken),
            Err(e) if error_text(&e).contains("non-overlapping IPv4 address pool") => {
                Err(NetworkError::Other(Error::Failed(format!(
                    "Docker has no address pool left for network {name}: {}\n  \
                     A stock engine has room for about 30 bridge networks. Set [network] subnet_pool \
                     in envctl's config (e.g. \"10.213.0.0/16\"), or add default-address-pools to \
                     /etc/docker/daemon.json.",
                    error_text(&e)
                ))))
            }
            Err(e) => Err(NetworkError::Other(docker_error(format!(
                "creating network {name}"
            ))(e))),
        }
    }

    /// Connects and negotiates the API version, failing within seconds with
    /// [`Error::DockerUnreachable`] when there is no engine.
    pub async fn connect() -> Result<DockerEngine> {
        let host = docker_host();
        let unreachable = |reason: String| Error::docker_down(&host, reason);
        let docker = Docker::connect_with_defaults().map_err(|e| unreachable(e.to_string()))?;
        let docker = docker.with_timeout(REQUEST_TIMEOUT);
        let docker = match tokio::time::timeout(CONNECT_TIMEOUT, docker.negotiate_version()).await {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => return Err(unreachable(error_text(&e))),
            Err(_) => return Err(unreachable(format!("no answer within {CONNECT_TIMEOUT:?}"))),
        };
        Ok(DockerEngine {
            docker,
            missing: Default::default(),
            streams: Default::default(),
        })
    }

    /// The containers whose stats stream is open, by name: what
    /// [`Runtime::watched_samples`] keeps running.
    pub fn watched_containers(&self) -> Vec<String> {
        self.streams.names()
    }
}

impl Runtime for DockerEngine {
    async fn version(&self) -> Result<EngineVersion> {
        let v = self
            .docker
            .version()
            .await
            .map_err(docker_error("reading the engine's version"))?;
        let negotiated = self.docker.client_version();
        Ok(EngineVersion {
            version: v.version.unwrap_or_else(|| "unknown".into()),
            api_version: v.api_version.unwrap_or_else(|| "unknown".into()),
            min_api_version: v.min_api_version,
            negotiated: format!("{}.{}", negotiated.major_version, negotiated.minor_version),
            platform: match (v.os, v.arch) {
                (Some(os), Some(arch)) => Some(format!("{os}/{arch}")),
                _ => None,
            },
        })
    }

    async fn network_subnets(&self) -> Result<Vec<NetworkSubnet>> {
        let networks = self
            .docker
            .list_networks(None::<ListNetworksOptions>)
            .await
            .map_err(docker_error("listing networks"))?;
        let mut subnets = Vec::new();
        for n in networks {
            let name = n.name.unwrap_or_default();
            let driver = n.driver.unwrap_or_default();
            let configs = n.ipam.and_then(|i| i.config).unwrap_or_default();
            for subnet in configs.into_iter().filter_map(|c| c.subnet) {
                // IPv6 subnets do not take from IPv4 pools.
                if let Ok((address, prefix)) = parse_subnet(&subnet) {
                    subnets.push(NetworkSubnet {
                        network: name.clone(),
                        driver: driver.clone(),
                        address,
                        prefix,
                    });
                }
            }
        }
        Ok(subnets)
    }

    async fn registry_has(&self, image: &str) -> Result<bool> {
        match self.docker.inspect_registry_image(image, None).await {
            Ok(_) => Ok(true),
            Err(e) if matches!(status_of(&e), Some(401 | 403 | 404)) => Ok(false),
            // The registry's own words ("dial tcp: lookup registry-1.docker.io: no such host").
            Err(e) => Err(Error::Failed(error_text(&e))),
        }
    }

    /// True when `image` is present locally.
    async fn has_image(&self, image: &str) -> Result<bool> {
        match self.docker.inspect_image(image).await {
            Ok(_) => Ok(true),
            Err(e) if status_of(&e) == Some(404) => Ok(false),
            Err(e) => Err(docker_error(format!("inspecting image {image}"))(e)),
        }
    }

    /// Pulls `image`, reporting (bytes done, bytes total) as layers download.
    async fn pull(&self, image: &str, mut progress: impl FnMut(u64, u64) + Send) -> Result<()> {
        let options = CreateImageOptions {
            from_image: Some(image.to_owned()),
            ..Default::default()
        };
        let mut stream = self.docker.create_image(Some(options), None, None);
        let mut layers: HashMap<String, (u64, u64)> = HashMap::new();
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| {
                Error::Failed(format!(
                    "pulling image {image} failed: {}\n  Check the image name, the registry's reachability \
                     and `docker login` for private registries.",
                    error_text(&e)
                ))
            })?;
            if let (Some(id), Some(detail)) = (info.id, info.progress_detail)
                && let (Some(current), Some(total)) = (detail.current, detail.total)
            {
                layers.insert(id, (current.max(0) as u64, total.max(0) as u64));
                let (done, all) = layers
                    .values()
                    .fold((0, 0), |(d, a), (c, t)| (d + c, a + t));
                progress(done, all);
            }
        }
        Ok(())
    }

    /// Creates a bridge network; with `subnet`, on that subnet. A subnet
    /// taken by another network is [`NetworkError::SubnetTaken`].
    async fn create_network(
        &self,
        name: &str,
        labels: HashMap<String, String>,
        subnet: Option<String>,
    ) -> Result<(), NetworkError> {
        self.make_network(name, labels, subnet, "bridge").await
    }

    async fn create_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<()> {
        let request = VolumeCreateRequest {
            name: Some(name.to_owned()),
            labels: Some(labels),
            ..Default::default()
        };
        self.docker
            .create_volume(request)
            .await
            .map(|_| ())
            .map_err(docker_error(format!("creating volume {name}")))
    }

    async fn create_container(&self, spec: ContainerSpec) -> Result<()> {
        let name = spec.name.clone();
        let options = CreateContainerOptions {
            name: Some(name.clone()),
            ..Default::default()
        };
        self.docker
            .create_container(Some(options), spec.into_body())
            .await
            .map(|_| ())
            .map_err(docker_error(format!("creating container {name}")))
    }

    /// Starts a container; an already running one is fine. Docker answers
    /// once it runs: nothing to wait for.
    async fn start_container(&self, name: &str, _deadline: tokio::time::Instant) -> Result<()> {
        match self.docker.start_container(name, None).await {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(304) => Ok(()),
            Err(e) => Err(Error::Failed(format!(
                "starting container {name} failed: {}",
                error_text(&e)
            ))),
        }
    }

    /// Stops a container with a grace period; a stopped or missing one is fine.
    async fn stop_container(&self, name: &str, grace: Duration) -> Result<()> {
        let options = StopContainerOptions {
            t: Some(grace.as_secs() as i32),
            ..Default::default()
        };
        match self.docker.stop_container(name, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if matches!(status_of(&e), Some(304 | 404)) => Ok(()),
            Err(e) => Err(docker_error(format!("stopping container {name}"))(e)),
        }
    }

    /// Checks that container `name` exists and carries this installation's
    /// instance label and environment `env_id`'s label, so a record naming
    /// someone else's container (a crafted backup, a hand edit) can never
    /// make envctl start, stop or read it. `Ok(false)` when it is gone.
    async fn check_owned(&self, instance: &str, env_id: &str, name: &str) -> Result<bool> {
        let inspect = match self.docker.inspect_container(name, None).await {
            Ok(c) => c,
            Err(e) if status_of(&e) == Some(404) => return Ok(false),
            Err(e) => return Err(docker_error(format!("inspecting container {name}"))(e)),
        };
        let labels = inspect.config.and_then(|c| c.labels).unwrap_or_default();
        owned("container", name, &labels, instance, env_id)
    }

    /// The state of a container, or `None` when it does not exist.
    async fn container_state(&self, name: &str) -> Result<Option<ContainerStatus>> {
        match self.docker.inspect_container(name, None).await {
            Ok(c) => Ok(Some(status_from(c.state.unwrap_or_default()))),
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(docker_error(format!("inspecting container {name}"))(e)),
        }
    }

    /// One reading of a container's counters (Docker's one-shot stats and
    /// its inspect), or `None` when it does not exist.
    async fn container_sample(&self, name: &str) -> Result<Option<Sample>> {
        stats::one_shot(&self.docker, name).await
    }

    /// From a stats stream per container (see [`stats`]).
    async fn watched_samples(&self, names: &[String], wait: Duration) -> HashMap<String, Watched> {
        self.streams.read(&self.docker, names, wait).await
    }

    /// The names of this installation's containers (only running ones with
    /// `running_only`): one call, so samplers skip what does not exist.
    async fn container_names(
        &self,
        instance: &str,
        running_only: bool,
    ) -> Result<std::collections::HashSet<String>> {
        let containers = self
            .containers(label_filters(instance, None), !running_only)
            .await?;
        Ok(containers
            .into_iter()
            .filter_map(|c| c.names?.into_iter().next())
            .map(|n| n.trim_start_matches('/').to_owned())
            .collect())
    }

    async fn running_containers(
        &self,
        instance: &str,
        environment: &str,
    ) -> Result<std::collections::HashSet<String>> {
        let containers = self
            .containers(label_filters(instance, Some(environment)), false)
            .await?;
        Ok(containers
            .into_iter()
            .filter_map(|c| c.names?.into_iter().next())
            .map(|n| n.trim_start_matches('/').to_owned())
            .collect())
    }

    /// How many named volumes this installation's environments have, and
    /// their size on disk when the engine can tell (`GET /system/df`, whose
    /// shape changed in API 1.52: both are read).
    async fn volume_usage(&self, instance: &str) -> Result<(usize, Option<u64>)> {
        let filter = HashMap::from([(
            "label".to_owned(),
            vec![format!("{}={instance}", label::INSTANCE)],
        )]);
        let names: std::collections::HashSet<String> = self
            .volumes(filter)
            .await?
            .into_iter()
            .filter(|v| !v.labels.contains_key(label::MARKER))
            .map(|v| v.name)
            .collect();
        if names.is_empty() {
            return Ok((0, Some(0)));
        }
        let sizes = match disk_usage_json().await {
            Some(df) => volume_sizes(&df),
            None => return Ok((names.len(), None)),
        };
        let bytes = names
            .iter()
            .filter_map(|n| sizes.get(n))
            .map(|&s| s.max(0) as u64)
            .sum();
        Ok((names.len(), Some(bytes)))
    }

    /// Removes every container, network and (unless `keep_volumes`) volume
    /// labelled with this instance and environment. Idempotent. A container
    /// that appears meanwhile (a create still running elsewhere) makes the
    /// network or a volume busy; the sweep then runs again, a few times.
    async fn remove_environment(
        &self,
        instance: &str,
        environment: &str,
        keep_volumes: bool,
    ) -> Result<Removed> {
        let filters = label_filters(instance, Some(environment));
        let mut removed = Removed::default();
        let mut passes = 0;
        loop {
            passes += 1;
            removed.containers += self.remove_containers(&filters).await?;
            let swept = match self.remove_networks(&filters).await {
                Ok(n) => {
                    removed.networks += n;
                    self.remove_volumes(&filters, keep_volumes)
                        .await
                        .map(|n| removed.volumes += n)
                }
                Err(e) => Err(e),
            };
            match swept {
                Ok(()) => return Ok(removed),
                Err(e) if passes < 5 && is_busy(&e) => {
                    tokio::time::sleep(Duration::from_millis(100 * passes)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Every container, network and volume carrying this instance's label,
    /// grouped by environment id.
    async fn inventory(&self, instance: &str) -> Result<Inventory> {
        let filters = label_filters(instance, None);
        let mut inventory = Inventory::default();
        let containers = self.containers(filters.clone(), true).await?;
        for c in containers {
            let labels = c.labels.unwrap_or_default();
            let Some(env) = labels.get(label::ENVIRONMENT).cloned() else {
                continue;
            };
            let name = c
                .names
                .and_then(|n| n.into_iter().next())
                .map(|n| n.trim_start_matches('/').to_owned())
                .unwrap_or_default();
            inventory
                .objects
                .entry(env)
                .or_default()
                .containers
                .push(ContainerInfo {
                    name,
                    service: labels.get(label::SERVICE).cloned().unwrap_or_default(),
                    image: c.image.unwrap_or_default(),
                    running: c.state == Some(ContainerSummaryStateEnum::RUNNING),
                    status: c.status.unwrap_or_default(),
                    labels,
                });
        }
        let networks = self
            .docker
            .list_networks(Some(ListNetworksOptions {
                filters: Some(filters.clone()),
            }))
            .await
            .map_err(docker_error("listing networks"))?;
        for n in networks {
            let env = n
                .labels
                .as_ref()
                .and_then(|l| l.get(label::ENVIRONMENT))
                .cloned();
            if let (Some(env), Some(name)) = (env, n.name) {
                inventory
                    .objects
                    .entry(env)
                    .or_default()
                    .networks
                    .push(name);
            }
        }
        for v in self.volumes(filters).await? {
            let Some(env) = v.labels.get(label::ENVIRONMENT).cloned() else {
                continue;
            };
            let objects = inventory.objects.entry(env).or_default();
            match v.labels.get(label::MARKER).cloned() {
                // Of two versions (a change cut short), the newer.
                Some(marker) => {
                    let newer = objects.markers.get(&marker).is_none_or(|seen| {
                        seen.get(label::UPDATED_AT) < v.labels.get(label::UPDATED_AT)
                    });
                    if newer {
                        objects.markers.insert(marker, v.labels);
                    }
                }
                None => objects.volumes.push(v.name),
            }
        }
        Ok(inventory)
    }

    /// A marker is a volume `envctl-<environment>.<marker>.<version>`
    /// carrying the values as labels (volume labels are fixed too). A change
    /// creates the new version first and then removes the older ones, so a
    /// crash in between leaves both and the newest counts: there is never a
    /// moment with none. The version is the values' `updated-at` (the
    /// record's), so of two changes racing, the later record wins whatever
    /// order their writes land in.
    async fn set_marker(
        &self,
        instance: &str,
        environment: &str,
        marker: &str,
        values: Option<HashMap<String, String>>,
    ) -> Result<()> {
        let version = values
            .as_ref()
            .and_then(|v| v.get(label::UPDATED_AT).cloned())
            .unwrap_or_else(|| {
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
            });
        let name = values.as_ref().map(|_| {
            let compact: String = version.chars().filter(char::is_ascii_digit).collect();
            format!("envctl-{environment}.{marker}.{compact}")
        });
        if let (Some(values), Some(name)) = (values, &name) {
            let mut labels = values;
            labels.extend([
                (label::MANAGED.to_owned(), "true".to_owned()),
                (label::INSTANCE.to_owned(), instance.to_owned()),
                (label::ENVIRONMENT.to_owned(), environment.to_owned()),
                (label::MARKER.to_owned(), marker.to_owned()),
                (label::UPDATED_AT.to_owned(), version.clone()),
            ]);
            self.create_volume(name, labels).await?;
        }
        // The older versions (all of them when the marker is removed).
        let mut filters = label_filters(instance, Some(environment));
        filters
            .entry("label".to_owned())
            .or_default()
            .push(format!("{}={marker}", label::MARKER));
        for v in self.volumes(filters).await? {
            let older = v
                .labels
                .get(label::UPDATED_AT)
                .is_none_or(|other| name.is_none() || *other < version);
            if Some(&v.name) == name.as_ref() || !older {
                continue;
            }
            self.remove_volume(&v.name).await?;
        }
        Ok(())
    }

    /// The last `lines` lines a container wrote, for error messages.
    async fn tail(&self, name: &str, lines: usize) -> String {
        let stream = self.logs(name, false, Some(lines));
        let chunks: Vec<_> = stream.collect().await;
        chunks
            .into_iter()
            .filter_map(|c| c.ok())
            .collect::<Vec<_>>()
            .concat()
    }

    /// The container's output (stdout and stderr), as text chunks.
    async fn mounts(&self, instance: &str, environment: &str) -> Result<Vec<Mount>> {
        let containers = self
            .containers(label_filters(instance, Some(environment)), true)
            .await?;
        let mut mounts = Vec::new();
        for c in containers {
            let Some(name) = c.names.as_ref().and_then(|n| n.first()) else {
                continue;
            };
            let name = name.trim_start_matches('/').to_owned();
            let service = c
                .labels
                .as_ref()
                .and_then(|l| l.get(label::SERVICE))
                .cloned()
                .unwrap_or_default();
            for m in c.mounts.unwrap_or_default() {
                let is_volume = m.typ.as_deref() == Some("volume");
                if let (true, Some(volume), Some(path)) = (is_volume, m.name, m.destination) {
                    mounts.push(Mount {
                        container: name.clone(),
                        service: service.clone(),
                        volume,
                        path,
                    });
                }
            }
        }
        mounts.sort_by(|a, b| (&a.volume, &a.service).cmp(&(&b.volume, &b.service)));
        Ok(mounts)
    }

    async fn environment_volumes(
        &self,
        instance: &str,
        environment: &str,
    ) -> Result<Vec<VolumeInfo>> {
        let mut volumes: Vec<VolumeInfo> = self
            .volumes(label_filters(instance, Some(environment)))
            .await?
            .into_iter()
            .filter(|v| !v.labels.contains_key(label::MARKER))
            .map(|v| VolumeInfo {
                service: v.labels.get(label::SERVICE).cloned(),
                name: v.name,
            })
            .collect();
        volumes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(volumes)
    }

    async fn create_helper(
        &self,
        name: &str,
        image: &str,
        labels: HashMap<String, String>,
        volume: &str,
        path: &str,
    ) -> Result<()> {
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            // Never run: the engine only needs a container to copy through.
            cmd: Some(vec!["true".to_owned()]),
            labels: Some(labels),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                binds: Some(vec![format!("{volume}:{path}")]),
                network_mode: Some("none".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let options = CreateContainerOptions {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        self.docker
            .create_container(Some(options), body)
            .await
            .map(|_| ())
            .map_err(docker_error(format!(
                "creating a container of {image} to copy volume {volume} through"
            )))
    }

    async fn remove_container(&self, name: &str) -> Result<()> {
        let options = RemoveContainerOptions {
            force: true,
            ..Default::default()
        };
        match self.docker.remove_container(name, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if matches!(status_of(&e), Some(404 | 409)) => Ok(()),
            Err(e) => Err(docker_error(format!("removing container {name}"))(e)),
        }
    }

    async fn volume_sizes(&self, _instance: &str) -> Result<HashMap<String, u64>> {
        Ok(match disk_usage_json().await {
            Some(df) => volume_sizes(&df)
                .into_iter()
                .map(|(name, size)| (name, size.max(0) as u64))
                .collect(),
            None => HashMap::new(),
        })
    }

    fn export(&self, name: &str, path: &str) -> Result<Box<dyn std::io::Read + Send>> {
        // `<dir>/.` makes the engine answer the directory's contents as `./...`,
        // so they unpack into any mount path.
        let dir = format!("{}/.", path.trim_end_matches('/'));
        let request = format!("/containers/{}/archive?path={}", encode(name), encode(&dir));
        let body = raw::get(
            &request,
            "container",
            name,
            &format!("copying {path} out of {name}"),
        )?;
        Ok(Box::new(body))
    }

    async fn import(
        &self,
        name: &str,
        path: &str,
        tar: impl Stream<Item = Bytes> + Send + 'static,
    ) -> Result<()> {
        let options = bollard::query_parameters::UploadToContainerOptions {
            path: path.to_owned(),
            ..Default::default()
        };
        self.docker
            .upload_to_container(name, Some(options), bollard::body_stream(tar))
            .await
            .map_err(docker_error(format!("copying into {path} of {name}")))
    }

    fn logs(
        &self,
        name: &str,
        follow: bool,
        tail: Option<usize>,
    ) -> impl Stream<Item = Result<String>> + Send + 'static {
        let options = log_options(follow, tail);
        let name = name.to_owned();
        self.docker
            .logs(&name, Some(options))
            .map(move |chunk| match chunk {
                Ok(output) => Ok(output.to_string()),
                Err(e) if status_of(&e) == Some(404) => Err(Error::NotFound {
                    what: "container",
                    name: name.clone(),
                }),
                Err(e) => Err(docker_error(format!("reading logs of {name}"))(e)),
            })
    }

    async fn exec(&self, name: &str, spec: ExecSpec) -> Result<Attached> {
        use bollard::exec::{StartExecOptions, StartExecResults};
        let config = bollard::models::ExecConfig {
            attach_stdin: Some(spec.stdin),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(spec.tty),
            // API 1.42+; older engines ignore it and get the resize that follows.
            console_size: spec
                .size
                .filter(|_| spec.tty)
                .map(|s| vec![usize::from(s.rows), usize::from(s.cols)]),
            cmd: Some(spec.cmd.clone()),
            ..Default::default()
        };
        let created =
            self.docker
                .create_exec(name, config)
                .await
                .map_err(|e| match status_of(&e) {
                    Some(404) => Error::NotFound {
                        what: "container",
                        name: name.to_owned(),
                    },
                    Some(409) => Error::Conflict(format!(
                        "container {} is not running: {}",
                        crate::names::printable(name, 80),
                        error_text(&e)
                    )),
                    _ => docker_error(format!("creating an exec in {name}"))(e),
                })?;
        let options = StartExecOptions {
            detach: false,
            tty: spec.tty,
            output_capacity: None,
        };
        let started = self
            .docker
            .start_exec(&created.id, Some(options))
            .await
            .map_err(docker_error(format!("starting an exec in {name}")))?;
        let StartExecResults::Attached { output, input } = started else {
            return Err(Error::Failed(format!(
                "Docker started the exec in {name} detached"
            )));
        };
        let context = format!("reading the output of an exec in {name}");
        let id = created.id;
        let (tty, missing, exec_id) = (spec.tty, self.missing.clone(), id.clone());
        let mut first = true;
        let output = output.map(move |item| {
            let message = match item {
                Ok(LogOutput::StdErr { message }) => return Ok(ExecOutput::Stderr(message)),
                Ok(
                    LogOutput::StdOut { message }
                    | LogOutput::Console { message }
                    | LogOutput::StdIn { message },
                ) => message,
                Err(e) => return Err(docker_error(context.clone())(e)),
            };
            // The engine's own complaint when the command could not start
            // comes first, unframed ("OCI runtime exec failed: ... executable
            // file not found"). A missing command ends in 127 as with
            // `docker exec` on engines from 23 on (older ones say 126, as for
            // one that cannot run); without a TTY the complaint goes to stderr.
            let complaint =
                std::mem::take(&mut first) && message.starts_with(b"OCI runtime exec failed");
            if !complaint {
                return Ok(ExecOutput::Stdout(message));
            }
            let text = String::from_utf8_lossy(&message);
            if text.contains("executable file not found")
                || text.contains("no such file or directory")
            {
                missing
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(exec_id.clone());
            }
            Ok(if tty {
                ExecOutput::Stdout(message)
            } else {
                ExecOutput::Stderr(message)
            })
        });
        if let Some(size) = spec.size.filter(|_| spec.tty) {
            // Engines before API 1.42 ignore the console size, and refuse a
            // resize until the process runs: retried a few times, as the
            // docker CLI does, without holding the output back.
            if self.resize_exec(&id, size).await.is_err() {
                let engine = self.clone();
                let exec_id = id.clone();
                tokio::spawn(async move {
                    let mut pause = Duration::from_millis(5);
                    for _ in 0..10 {
                        tokio::time::sleep(pause).await;
                        pause *= 2;
                        if engine.resize_exec(&exec_id, size).await.is_ok() {
                            return;
                        }
                    }
                });
            }
        }
        Ok(Attached {
            id,
            output: Box::pin(output),
            input,
        })
    }

    async fn resize_exec(&self, id: &str, size: TerminalSize) -> Result<()> {
        let options = bollard::exec::ResizeExecOptions {
            height: size.rows,
            width: size.cols,
        };
        self.docker
            .resize_exec(id, options)
            .await
            .map_err(docker_error("resizing an exec's terminal"))
    }

    async fn exec_exit_code(&self, id: &str) -> Result<Option<i64>> {
        let inspect = self
            .docker
            .inspect_exec(id)
            .await
            .map_err(docker_error("inspecting an exec"))?;
        if inspect.running == Some(true) {
            return Ok(None);
        }
        let missing = self
            .missing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        Ok(match inspect.exit_code {
            Some(126) if missing => Some(127),
            code => code,
        })
    }
}

impl ContainerSpec {
    fn into_body(self) -> ContainerCreateBody {
        let port_key = self
            .publish
            .map(|(container, _)| format!("{container}/tcp"));
        let port_bindings = self.publish.map(|(container, host)| {
            HashMap::from([(
                format!("{container}/tcp"),
                Some(vec![PortBinding {
                    host_ip: None,
                    host_port: Some(host.to_string()),
                }]),
            )])
        });
        let binds: Vec<String> = self
            .volumes
            .iter()
            .map(|(name, target, ro)| {
                let mut options = Vec::new();
                if *ro {
                    options.push("ro");
                }
                if self.no_copy.contains(name) {
                    options.push("nocopy");
                }
                match options.is_empty() {
                    true => format!("{name}:{target}"),
                    false => format!("{name}:{target}:{}", options.join(",")),
                }
            })
            .collect();
        let second = 1_000_000_000i64;
        ContainerCreateBody {
            image: Some(self.image),
            env: Some(self.env),
            cmd: self.command,
            labels: Some(self.labels),
            exposed_ports: port_key.map(|k| vec![k]),
            healthcheck: self.health_cmd.map(|cmd| HealthConfig {
                test: Some(std::iter::once("CMD".to_owned()).chain(cmd).collect()),
                interval: Some(second),
                timeout: Some(10 * second),
                retries: Some(3),
                start_period: Some(0),
                ..Default::default()
            }),
            host_config: Some(HostConfig {
                nano_cpus: self.cpus.map(|c| (c * 1e9) as i64),
                memory: self.memory,
                pids_limit: self.pids,
                port_bindings,
                network_mode: Some(self.network.clone()),
                binds: (!binds.is_empty()).then_some(binds),
                init: Some(true),
                ..Default::default()
            }),
            networking_config: Some(NetworkingConfig {
                endpoints_config: Some(HashMap::from([(
                    self.network,
                    EndpointSettings {
                        aliases: Some(vec![self.alias]),
                        ..Default::default()
                    },
                )])),
            }),
            ..Default::default()
        }
    }
}

/// Both output streams, the last `tail` lines (all without), and with
/// `follow` what comes after.
fn log_options(follow: bool, tail: Option<usize>) -> LogsOptions {
    LogsOptions {
        follow,
        stdout: true,
        stderr: true,
        tail: tail.map(|t| t.to_string()).unwrap_or_else(|| "all".into()),
        ..Default::default()
    }
}

/// `Ok(true)` when `labels` (of `kind` `name`) name this installation and
/// environment `env_id`; a conflict otherwise: someone else's object, which
/// a record must never make envctl touch.
fn owned(
    kind: &str,
    name: &str,
    labels: &HashMap<String, String>,
    instance: &str,
    env_id: &str,
) -> Result<bool> {
    let ours = labels.get(label::INSTANCE).map(String::as_str) == Some(instance)
        && labels.get(label::ENVIRONMENT).map(String::as_str) == Some(env_id);
    if ours {
        Ok(true)
    } else {
        Err(Error::Conflict(format!(
            "{kind} {} is not one of this installation's {kind}s for environment {env_id}; \
             envctl leaves it alone (was the record edited or restored from a foreign backup?)",
            crate::names::printable(name, 80)
        )))
    }
}

fn label_filters(instance: &str, environment: Option<&str>) -> HashMap<String, Vec<String>> {
    let mut labels = vec![
        format!("{}=true", label::MANAGED),
        format!("{}={instance}", label::INSTANCE),
    ];
    if let Some(env) = environment {
        labels.push(format!("{}={env}", label::ENVIRONMENT));
    }
    HashMap::from([("label".to_owned(), labels)])
}

/// A network with endpoints (403 on older engines) or a volume in use (409).
fn is_busy(e: &Error) -> bool {
    matches!(
        e,
        Error::Docker {
            status: Some(403 | 409),
            ..
        }
    )
}

/// The HTTP status of a Docker error, if it has one.
/// `GET /system/df?type=volume` as JSON, from the engine `DOCKER_HOST`
/// names (a unix socket, or `tcp://` without TLS); bollard's typed call
/// knows only the newest shape. `None` when it does not answer.
async fn disk_usage_json() -> Option<serde_json::Value> {
    let host = docker_host();
    let request = "GET /system/df?type=volume HTTP/1.0\r\nHost: docker\r\n\r\n";
    let exchange = async {
        if let Some(socket) = host.strip_prefix("unix://") {
            exchange(tokio::net::UnixStream::connect(socket).await.ok()?, request).await
        } else {
            let address = host
                .strip_prefix("tcp://")
                .or_else(|| host.strip_prefix("http://"))?;
            exchange(tokio::net::TcpStream::connect(address).await.ok()?, request).await
        }
    };
    let response = tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .ok()??;
    let at = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    serde_json::from_slice(&response[at + 4..]).ok()
}

/// Writes `request` and reads the whole answer (HTTP/1.0: the engine closes).
async fn exchange(
    mut stream: impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    request: &str,
) -> Option<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    Some(response)
}

/// Percent-encodes a query or path value (keeping '/', which the engine reads as is).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Volume name to size, from either shape of `/system/df`: `Volumes` (API
/// before 1.52) or `VolumeUsage.Items`. A size of -1 means "not computed".
fn volume_sizes(df: &serde_json::Value) -> HashMap<String, i64> {
    let items = df["Volumes"]
        .as_array()
        .or_else(|| df["VolumeUsage"]["Items"].as_array());
    items
        .into_iter()
        .flatten()
        .filter_map(|v| {
            Some((
                v["Name"].as_str()?.to_owned(),
                v["UsageData"]["Size"].as_i64()?,
            ))
        })
        .collect()
}

/// "a.b.c.d/n" as the engine writes it (the address need not be the
/// start of its range; it is masked to it).
fn parse_subnet(text: &str) -> std::result::Result<(std::net::Ipv4Addr, u8), ()> {
    let (address, prefix) = text.split_once('/').ok_or(())?;
    let address: std::net::Ipv4Addr = address.parse().map_err(|_| ())?;
    let prefix: u8 = prefix.parse().map_err(|_| ())?;
    if prefix > 32 {
        return Err(());
    }
    let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
    Ok((std::net::Ipv4Addr::from(u32::from(address) & mask), prefix))
}

/// Docker's container state in the engine's words.
fn status_from(state: ContainerState) -> ContainerStatus {
    use bollard::models::{ContainerStateStatusEnum as S, HealthStatusEnum as H};
    ContainerStatus {
        state: match state.status {
            Some(S::CREATED) => RunState::Created,
            Some(S::RUNNING) => RunState::Running,
            _ => RunState::Stopped,
        },
        exit_code: state.exit_code.unwrap_or_default(),
        health: match state.health.and_then(|h| h.status) {
            Some(H::STARTING) => Health::Starting,
            Some(H::HEALTHY) => Health::Healthy,
            Some(H::UNHEALTHY) => Health::Unhealthy,
            _ => Health::Unknown,
        },
    }
}

/// Wraps a bollard error as envctl's, with what was being done.
fn docker_error(context: impl Into<String>) -> impl FnOnce(BollardError) -> Error {
    let context = context.into();
    move |source| Error::Docker {
        context,
        status: status_of(&source),
        source: Box::new(source),
    }
}

fn status_of(e: &BollardError) -> Option<u16> {
    match e {
        BollardError::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

/// A Docker error as one line: the engine's own message when there is one.
pub fn error_text(e: &BollardError) -> String {
    match e {
        BollardError::DockerResponseServerError { message, .. } => message.trim().to_owned(),
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::volume_sizes;

    #[test]
    fn volume_sizes_read_both_shapes_of_system_df() {
        // API before 1.52 (Debian's 20.10 engine answers this).
        let old = serde_json::json!({"Volumes": [
            {"Name": "a", "UsageData": {"Size": 8388608, "RefCount": 1}},
            {"Name": "b", "UsageData": {"Size": -1, "RefCount": 0}},
        ]});
        let sizes = volume_sizes(&old);
        assert_eq!(sizes["a"], 8388608);
        assert_eq!(sizes["b"], -1);
        // API 1.52 and later.
        let new = serde_json::json!({"VolumeUsage": {"Items": [
            {"Name": "c", "UsageData": {"Size": 42, "RefCount": 1}},
        ]}});
        assert_eq!(volume_sizes(&new)["c"], 42);
        assert!(volume_sizes(&serde_json::json!({})).is_empty());
    }
}
