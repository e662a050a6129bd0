//! [`Engine`]: the runtime `[engine] kind` chose, one Docker engine or a
//! Docker Swarm, behind the one [`Runtime`] trait. Every method only hands
//! the call to the runtime it holds.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures_util::Stream;
use futures_util::future::Either;

use super::docker::DockerEngine;
use super::docker::swarm::SwarmEngine;
use super::{
    Attached, Bytes, ContainerSpec, ContainerStatus, EngineVersion, ExecSpec, Inventory, Mount,
    NetworkError, NetworkSubnet, NodeInfo, Removed, Runtime, Sample, Site, TerminalSize,
    VolumeInfo, Watched,
};
use crate::config::{EngineConfig, EngineKind};
use crate::error::Result;

/// The runtime envctl drives.
#[derive(Debug, Clone)]
pub enum Engine {
    Docker(DockerEngine),
    Swarm(SwarmEngine),
}

/// Hands a call to the runtime held.
macro_rules! each {
    ($self:ident, $e:ident => $call:expr) => {
        match $self {
            Engine::Docker($e) => $call,
            Engine::Swarm($e) => $call,
        }
    };
}

impl Engine {
    /// Connects to the engine `config` names (`DOCKER_HOST`, or the local
    /// socket), failing within seconds when there is none; a Swarm engine
    /// must be a manager.
    pub async fn connect(config: &EngineConfig) -> Result<Engine> {
        Ok(match config.kind {
            EngineKind::Docker => Engine::Docker(DockerEngine::connect().await?),
            EngineKind::Swarm => Engine::Swarm(SwarmEngine::connect(config).await?),
        })
    }

    /// The containers whose stats stream is open (see [`Runtime::watched_samples`]).
    pub fn watched_containers(&self) -> Vec<String> {
        each!(self, e => e.watched_containers())
    }
}

impl Runtime for Engine {
    async fn site(&self) -> Result<Site> {
        each!(self, e => e.site().await)
    }
    async fn nodes(&self) -> Result<Option<Vec<NodeInfo>>> {
        each!(self, e => e.nodes().await)
    }
    async fn version(&self) -> Result<EngineVersion> {
        each!(self, e => e.version().await)
    }
    async fn network_subnets(&self) -> Result<Vec<NetworkSubnet>> {
        each!(self, e => e.network_subnets().await)
    }
    async fn registry_has(&self, image: &str) -> Result<bool> {
        each!(self, e => e.registry_has(image).await)
    }
    async fn has_image(&self, image: &str) -> Result<bool> {
        each!(self, e => e.has_image(image).await)
    }
    async fn pull(&self, image: &str, progress: impl FnMut(u64, u64) + Send) -> Result<()> {
        each!(self, e => e.pull(image, progress).await)
    }
    async fn create_network(
        &self,
        name: &str,
        labels: HashMap<String, String>,
        subnet: Option<String>,
    ) -> Result<(), NetworkError> {
        each!(self, e => e.create_network(name, labels, subnet).await)
    }
    async fn create_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<()> {
        each!(self, e => e.create_volume(name, labels).await)
    }
    async fn create_container(&self, spec: ContainerSpec) -> Result<()> {
        each!(self, e => e.create_container(spec).await)
    }
    async fn start_container(&self, name: &str, deadline: tokio::time::Instant) -> Result<()> {
        each!(self, e => e.start_container(name, deadline).await)
    }
    async fn stop_grace(&self, name: &str, grace: Duration) -> Result<Duration> {
        each!(self, e => e.stop_grace(name, grace).await)
    }
    async fn stop_container(&self, name: &str, grace: Duration) -> Result<()> {
        each!(self, e => e.stop_container(name, grace).await)
    }
    async fn check_owned(&self, instance: &str, env_id: &str, name: &str) -> Result<bool> {
        each!(self, e => e.check_owned(instance, env_id, name).await)
    }
    async fn container_state(&self, name: &str) -> Result<Option<ContainerStatus>> {
        each!(self, e => e.container_state(name).await)
    }
    async fn container_sample(&self, name: &str) -> Result<Option<Sample>> {
        each!(self, e => e.container_sample(name).await)
    }
    async fn watched_samples(&self, names: &[String], wait: Duration) -> HashMap<String, Watched> {
        each!(self, e => e.watched_samples(names, wait).await)
    }
    async fn container_names(&self, instance: &str, running_only: bool) -> Result<HashSet<String>> {
        each!(self, e => e.container_names(instance, running_only).await)
    }
    async fn running_containers(
        &self,
        instance: &str,
        environment: &str,
    ) -> Result<HashSet<String>> {
        each!(self, e => e.running_containers(instance, environment).await)
    }
    async fn volume_usage(&self, instance: &str) -> Result<(usize, Option<u64>)> {
        each!(self, e => e.volume_usage(instance).await)
    }
    async fn remove_environment(
        &self,
        instance: &str,
        environment: &str,
        keep_volumes: bool,
    ) -> Result<Removed> {
        each!(self, e => e.remove_environment(instance, environment, keep_volumes).await)
    }
    async fn inventory(&self, instance: &str) -> Result<Inventory> {
        each!(self, e => e.inventory(instance).await)
    }
    async fn set_marker(
        &self,
        instance: &str,
        environment: &str,
        marker: &str,
        values: Option<HashMap<String, String>>,
    ) -> Result<()> {
        each!(self, e => e.set_marker(instance, environment, marker, values).await)
    }
    async fn mounts(&self, instance: &str, environment: &str) -> Result<Vec<Mount>> {
        each!(self, e => e.mounts(instance, environment).await)
    }
    async fn environment_volumes(
        &self,
        instance: &str,
        environment: &str,
    ) -> Result<Vec<VolumeInfo>> {
        each!(self, e => e.environment_volumes(instance, environment).await)
    }
    async fn create_helper(
        &self,
        name: &str,
        image: &str,
        labels: HashMap<String, String>,
        volume: &str,
        path: &str,
    ) -> Result<()> {
        each!(self, e => e.create_helper(name, image, labels, volume, path).await)
    }
    async fn remove_container(&self, name: &str) -> Result<()> {
        each!(self, e => e.remove_container(name).await)
    }
    async fn volume_sizes(&self, instance: &str) -> Result<HashMap<String, u64>> {
        each!(self, e => e.volume_sizes(instance).await)
    }
    fn export(&self, name: &str, path: &str) -> Result<Box<dyn std::io::Read + Send>> {
        each!(self, e => e.export(name, path))
    }
    async fn import(
        &self,
        name: &str,
        path: &str,
        tar: impl Stream<Item = Bytes> + Send + 'static,
    ) -> Result<()> {
        each!(self, e => e.import(name, path, tar).await)
    }
    async fn tail(&self, name: &str, lines: usize) -> String {
        each!(self, e => e.tail(name, lines).await)
    }
    fn logs(
        &self,
        name: &str,
        follow: bool,
        tail: Option<usize>,
    ) -> impl Stream<Item = Result<String>> + Send + 'static {
        match self {
            Engine::Docker(e) => Either::Left(e.logs(name, follow, tail)),
            Engine::Swarm(e) => Either::Right(e.logs(name, follow, tail)),
        }
    }
    async fn exec(&self, name: &str, spec: ExecSpec) -> Result<Attached> {
        each!(self, e => e.exec(name, spec).await)
    }
    async fn resize_exec(&self, id: &str, size: TerminalSize) -> Result<()> {
        each!(self, e => e.resize_exec(id, size).await)
    }
    async fn exec_exit_code(&self, id: &str) -> Result<Option<i64>> {
        each!(self, e => e.exec_exit_code(id).await)
    }
}
