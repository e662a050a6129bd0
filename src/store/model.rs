//! What the database holds: the environment records and their lifecycle.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole `environments.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Database {
    pub schema_version: u32,
    /// Random id of this installation, written into every Docker label.
    pub instance_id: String,
    pub environments: Vec<Environment>,
}

impl Database {
    pub fn new() -> Database {
        Database {
            schema_version: SCHEMA_VERSION,
            instance_id: crate::names::new_instance_id(),
            environments: Vec::new(),
        }
    }

    /// Finds an environment by id, then by name.
    pub fn find(&self, id_or_name: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .find(|e| e.id == id_or_name)
            .or_else(|| self.environments.iter().find(|e| e.name == id_or_name))
    }

    pub fn find_mut(&mut self, id_or_name: &str) -> Option<&mut Environment> {
        let index = self
            .environments
            .iter()
            .position(|e| e.id == id_or_name)
            .or_else(|| self.environments.iter().position(|e| e.name == id_or_name))?;
        self.environments.get_mut(index)
    }

    /// Like [`Database::find`], but a missing environment is [`Error::NotFound`].
    pub fn get(&self, id_or_name: &str) -> Result<&Environment> {
        self.find(id_or_name)
            .ok_or_else(|| Error::not_found(id_or_name))
    }

    pub fn get_mut(&mut self, id_or_name: &str) -> Result<&mut Environment> {
        self.find_mut(id_or_name)
            .ok_or_else(|| Error::not_found(id_or_name))
    }

    pub fn remove(&mut self, id: &str) -> Option<Environment> {
        let index = self.environments.iter().position(|e| e.id == id)?;
        Some(self.environments.remove(index))
    }
}

impl Default for Database {
    fn default() -> Self {
        Database::new()
    }
}

/// Where an environment is in its lifecycle.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Record and ports reserved; Docker objects being made.
    Creating,
    /// Network, volumes and containers created, not started.
    Prepared,
    /// Started; `ready` says whether every service answers.
    Running,
    /// Stopped on purpose; containers and volumes kept.
    Stopped,
    /// Something went wrong; `error` says what.
    Failed,
    /// Being removed.
    Deleting,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Creating,
        Status::Prepared,
        Status::Running,
        Status::Stopped,
        Status::Failed,
        Status::Deleting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Creating => "creating",
            Status::Prepared => "prepared",
            Status::Running => "running",
            Status::Stopped => "stopped",
            Status::Failed => "failed",
            Status::Deleting => "deleting",
        }
    }

    /// True for the states an operation passes through, which carry a deadline.
    pub fn is_transient(self) -> bool {
        matches!(self, Status::Creating | Status::Prepared | Status::Deleting)
    }

    /// Whether the lifecycle allows going from `self` to `to`.
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        match (self, to) {
            // Anything can fail, and anything can be deleted (deleting again is a retry).
            (_, Failed) | (_, Deleting) => self != Deleting || to == Deleting,
            (Creating, Prepared) => true,
            (Prepared, Running) => true,
            // Start: a stopped one, or a failed one whose containers were kept.
            (Stopped | Failed | Running, Running) => true,
            (Running, Stopped) | (Stopped, Stopped) => true,
            _ => false,
        }
    }

    /// [`Status::can_become`] as an error a user can read.
    pub fn check(self, to: Status, name: &str) -> Result<()> {
        if self.can_become(to) {
            Ok(())
        } else {
            Err(Error::Conflict(format!(
                "environment '{name}' is {}; it cannot become {}",
                self.as_str(),
                to.as_str()
            )))
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = Error;
    fn from_str(s: &str) -> Result<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            Error::InvalidInput(format!(
                "unknown status '{s}' (known: creating, prepared, running, stopped, failed, deleting)"
            ))
        })
    }
}

/// The host ports of a block of `count` from `base` (as `u32`, so the end
/// of a block at the top of the range does not overflow).
pub(super) fn port_block(base: u16, count: u16) -> std::ops::Range<u32> {
    u32::from(base)..u32::from(base) + u32::from(count)
}

/// One environment: the object every command prints with `--json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Environment {
    pub id: String,
    pub name: String,
    pub template: String,
    pub owner: String,
    pub status: Status,
    /// True when running and every service answers its readiness probe.
    pub ready: bool,
    /// First host port of the block this environment holds.
    pub base_port: u16,
    /// How many consecutive ports from `base_port` it holds.
    pub port_count: u16,
    /// Service name → published host port.
    pub ports: BTreeMap<String, u16>,
    /// Service name → URL on the host.
    pub urls: BTreeMap<String, String>,
    /// Per service: container and readiness.
    pub services: BTreeMap<String, ServiceState>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub labels: BTreeMap<String, String>,
    /// Why the environment failed, if it did.
    pub error: Option<String>,
    /// Pinned environments are never removed by cleanup.
    #[serde(default)]
    pub pinned: bool,
    /// The operation in flight, if any: who runs it and until when it may.
    #[serde(default)]
    pub operation: Option<Operation>,
    /// While it waits in a warm pool: the template whose pool holds it.
    /// Members are owned by the pool, hidden from lists and never removed by
    /// retention (the pool replaces them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// True when it was claimed from a warm pool rather than made cold.
    #[serde(default)]
    pub from_pool: bool,
    /// On a Swarm: the node all its services run on (see docs/scale-out.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<Node>,
}

/// A cluster node an environment is placed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Node {
    /// The cluster's id of the node (what the placement constraint names).
    pub id: String,
    pub hostname: String,
    /// The address its URLs name: the node's `envctl.public-host` label, else its address in the cluster.
    pub address: String,
}

impl Node {
    /// The host an environment's URLs name: its node's address on a Swarm,
    /// the configured `public_host` otherwise.
    pub fn url_host<'a>(node: Option<&'a Node>, public_host: &'a str) -> &'a str {
        node.map_or(public_host, |n| n.address.as_str())
    }
}

impl Environment {
    /// Where its published ports are probed: its node's address on a
    /// Swarm, this host otherwise.
    pub fn probe_host(&self) -> &str {
        self.node
            .as_ref()
            .map_or("127.0.0.1", |n| n.address.as_str())
    }

    /// The host ports this environment holds.
    pub fn port_range(&self) -> std::ops::Range<u32> {
        port_block(self.base_port, self.port_count)
    }

    /// Moves to `to`, checking the lifecycle, and stamps `updated_at`.
    pub fn transition(&mut self, to: Status) -> Result<()> {
        self.status.check(to, &self.name)?;
        self.status = to;
        if to != Status::Running {
            self.ready = false;
            for s in self.services.values_mut() {
                s.ready = false;
            }
        }
        self.updated_at = Utc::now();
        Ok(())
    }

    /// Marks the environment failed with `reason`.
    pub fn fail(&mut self, reason: impl Into<String>) {
        self.status = Status::Failed;
        self.ready = false;
        for s in self.services.values_mut() {
            s.ready = false;
        }
        self.error = Some(reason.into());
        self.operation = None;
        self.updated_at = Utc::now();
    }
}

/// One service of an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServiceState {
    pub image: String,
    /// Container name (`envctl-<id>-<service>`).
    pub container: String,
    pub ready: bool,
    /// Where and how to sign in (the template's hint, resolved; never a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<String>,
    /// A job: it runs once and exits 0 (another service waits for it to
    /// complete), so its exit is not a failure and it is not restarted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub job: bool,
}

/// An operation in flight on an environment, so that others (and `sync`) know
/// who owns it and when it is overdue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Operation {
    /// create, start, stop or delete.
    pub action: String,
    pub pid: u32,
    pub host: String,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
}

impl Operation {
    /// The operation record for work this process starts now, allowed `timeout`.
    pub fn begin(action: &str, timeout: std::time::Duration) -> Operation {
        let now = Utc::now();
        // Saturating: a deadline can be far away, never before now.
        let slack = timeout.saturating_add(std::time::Duration::from_secs(60));
        Operation {
            action: action.to_owned(),
            pid: std::process::id(),
            host: crate::store::host::hostname(),
            started_at: now,
            deadline: crate::config::durations::add(now, slack),
        }
    }

    /// Why this operation is known to be dead, if it is: its process is gone
    /// (when it ran on this host), or its deadline has passed.
    pub fn abandoned(&self, now: DateTime<Utc>) -> Option<String> {
        if self.host == crate::store::host::hostname()
            && !crate::store::host::envctl_process_alive(self.pid)
        {
            return Some(format!(
                "the envctl process (pid {}) running its {} is gone",
                self.pid, self.action
            ));
        }
        if self.deadline <= now {
            return Some(format!(
                "its {} passed its deadline ({})",
                self.action,
                self.deadline.to_rfc3339()
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::*;

    #[test]
    fn create_goes_creating_prepared_running() {
        assert!(Creating.can_become(Prepared));
        assert!(Prepared.can_become(Running));
        assert!(!Creating.can_become(Running));
        assert!(!Creating.can_become(Stopped));
    }

    #[test]
    fn every_state_can_fail_or_be_deleted_except_deleting_which_only_retries() {
        for s in Status::ALL {
            assert!(s.can_become(Deleting), "{s} -> deleting");
            if s != Deleting {
                assert!(s.can_become(Failed), "{s} -> failed");
            }
        }
        assert!(!Deleting.can_become(Failed));
        assert!(!Deleting.can_become(Running));
    }

    #[test]
    fn start_and_stop() {
        assert!(Running.can_become(Stopped));
        assert!(Stopped.can_become(Running));
        assert!(Failed.can_become(Running));
        assert!(!Creating.can_become(Stopped));
        assert!(!Failed.can_become(Stopped));
        let err = Failed.check(Stopped, "x").unwrap_err();
        assert!(err.to_string().contains("failed"));
        assert_eq!(err.exit_code(), crate::error::exit::CONFLICT);
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
        }
        assert!("bogus".parse::<Status>().is_err());
    }
}
