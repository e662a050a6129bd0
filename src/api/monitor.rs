//! The server's resource monitor: every `[api] stats_interval` it samples
//! the running environments, keeps the latest figures (for `/metrics` and
//! the stats endpoints) and the last half hour of each environment's totals
//! (for the web charts), and a day of the whole installation's figures (the
//! dashboard). Memory is bounded: 180 points per environment, 1,440 overall
//! (one per minute). Once a minute it also appends a `usage` line to the
//! event log (per template: memory and CPU used against the limits), the
//! history the report's utilisation and uptime are computed from.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{RwLock, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{App, Shared};
use crate::engine::Runtime;
use crate::error::Result;
use crate::ops::stats::{EnvironmentStats, Sampler};
use crate::store::{Environment, Status};

/// Points kept per environment (half an hour at the default 10 s).
const PER_ENVIRONMENT: usize = 180;
/// Points kept for the whole installation: a day, one a minute.
const OVERALL: usize = 1440;
/// The gap between the two samples of a container seen for the first time.
const FIRST_GAP: Duration = Duration::from_millis(500);

/// One environment's totals at one time.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub cpu_percent: f64,
    pub memory_used: u64,
}

/// The installation at one time.
#[derive(Debug, Clone, Serialize)]
pub struct OverallPoint {
    pub at: DateTime<Utc>,
    pub by_status: BTreeMap<String, usize>,
    pub cpu_percent: f64,
    pub memory_used: u64,
    /// Each warm pool's (ready, desired) members.
    pub pools: BTreeMap<String, (u32, u32)>,
}

/// When the volumes were counted, how many, and their bytes (if known).
type VolumeFigures = (DateTime<Utc>, usize, Option<u64>);
/// When the networks were counted, and the room: (capacity, used) subnets.
type NetworkRoom = (DateTime<Utc>, (u64, u64));

pub struct Monitor {
    sampler: tokio::sync::Mutex<Sampler>,
    latest: RwLock<HashMap<String, EnvironmentStats>>,
    history: RwLock<HashMap<String, VecDeque<Point>>>,
    overall: RwLock<VecDeque<OverallPoint>>,
    /// Volumes and their bytes, refreshed at most once a minute (`df` is slow).
    volumes: RwLock<Option<VolumeFigures>>,
    /// Room for networks (capacity, used), refreshed at most once a minute.
    networks: RwLock<Option<NetworkRoom>>,
}

impl Default for Monitor {
    fn default() -> Monitor {
        Monitor {
            sampler: tokio::sync::Mutex::new(Sampler::watching()),
            latest: Default::default(),
            history: Default::default(),
            overall: Default::default(),
            volumes: Default::default(),
            networks: Default::default(),
        }
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

impl Monitor {
    /// The figures of `envs` now (a new sample against the last one the
    /// monitor took; twice, half a second apart, for a container it has
    /// not seen), remembered as the latest.
    pub async fn sample(&self, app: &App, envs: &[Environment]) -> Result<Vec<EnvironmentStats>> {
        let engine = app.ctx.engine().await?;
        // One list call first, so records whose containers are gone cost nothing.
        let present = engine
            .container_names(&app.ctx.store.instance_id()?, false)
            .await?;
        let stats = self
            .sampler
            .lock()
            .await
            .sample(engine, envs, FIRST_GAP, Some(&present))
            .await;
        let mut latest = write(&self.latest);
        for s in &stats {
            latest.insert(s.id.clone(), s.clone());
        }
        Ok(stats)
    }

    /// The latest figures of every environment sampled, by id.
    pub fn latest(&self) -> Vec<EnvironmentStats> {
        let mut all: Vec<_> = read(&self.latest).values().cloned().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// The latest figures of one environment, if it was sampled.
    pub fn latest_of(&self, id: &str) -> Option<EnvironmentStats> {
        read(&self.latest).get(id).cloned()
    }

    /// The last half hour of one environment's totals.
    pub fn history(&self, id: &str) -> Vec<Point> {
        read(&self.history)
            .get(id)
            .map(|h| h.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The last day of the installation's figures.
    pub fn overall(&self) -> Vec<OverallPoint> {
        read(&self.overall).iter().cloned().collect()
    }

    /// Volumes of this installation and their size, cached for a minute.
    pub async fn volumes(&self, app: &App) -> Result<(usize, Option<u64>)> {
        if let Some((at, n, bytes)) = *read(&self.volumes)
            && Utc::now() - at < chrono::Duration::seconds(60)
        {
            return Ok((n, bytes));
        }
        let engine = app.ctx.engine().await?;
        let instance = app.ctx.store.instance_id()?;
        let (n, bytes) = engine.volume_usage(&instance).await?;
        *write(&self.volumes) = Some((Utc::now(), n, bytes));
        Ok((n, bytes))
    }

    /// Room for environments' networks (capacity, used subnets), cached for a minute.
    pub async fn networks(&self, app: &App) -> Result<(u64, u64)> {
        if let Some((at, room)) = *read(&self.networks)
            && Utc::now() - at < chrono::Duration::seconds(60)
        {
            return Ok(room);
        }
        let engine = app.ctx.engine().await?;
        let subnets = engine.network_subnets().await?;
        let room = crate::ops::doctor::network_room(&app.ctx.config.network, &subnets);
        *write(&self.networks) = Some((Utc::now(), room));
        Ok(room)
    }

    /// One round: sample what runs, record history, forget what is gone.
    /// Reads the server's in-memory copy of the database and decodes only
    /// the records whose containers are running (one list call tells), so a
    /// large database costs no more memory than the list cache already holds.
    async fn tick(&self, app: &Shared) {
        let Ok(envs) = super::cached_environments(app).await else {
            return;
        };
        let (Ok(engine), Ok(instance)) = (app.ctx.engine().await, app.ctx.store.instance_id())
        else {
            return;
        };
        let Ok(running_containers) = engine.container_names(&instance, true).await else {
            return;
        };
        let running: Vec<Environment> = envs
            .list
            .iter()
            .filter(|c| c.status == Status::Running)
            .filter(|c| {
                let prefix = format!("envctl-{}-", c.id);
                running_containers.iter().any(|n| n.starts_with(&prefix))
            })
            .filter_map(|c| serde_json::from_str(&c.json).ok())
            .collect();
        let stats = self
            .sampler
            .lock()
            .await
            .sample(engine, &running, FIRST_GAP, Some(&running_containers))
            .await;
        let now = Utc::now();
        let ids: HashSet<&str> = envs.list.iter().map(|c| &*c.id).collect();
        {
            let mut latest = write(&self.latest);
            latest.clear();
            for s in &stats {
                latest.insert(s.id.clone(), s.clone());
            }
        }
        {
            let mut history = write(&self.history);
            for s in &stats {
                let h = history.entry(s.id.clone()).or_default();
                h.push_back(Point {
                    at: now,
                    cpu_percent: s.total.cpu_percent,
                    memory_used: s.total.memory_used,
                });
                while h.len() > PER_ENVIRONMENT {
                    h.pop_front();
                }
            }
            history.retain(|id, _| ids.contains(id.as_str()));
        }
        {
            let containers: HashSet<&str> = running
                .iter()
                .flat_map(|e| e.services.values().map(|s| s.container.as_str()))
                .collect();
            self.sampler.lock().await.retain(&containers);
        }
        let pools: BTreeMap<String, (u32, u32)> =
            if app.ctx.config.templates.values().any(|t| t.pool.is_some()) {
                let ctx = app.ctx.clone();
                tokio::task::spawn_blocking(move || {
                    crate::ops::pool::status(&ctx, crate::ops::pool::now())
                })
                .await
                .ok()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.template, (p.ready, p.desired.size)))
                .collect()
            } else {
                BTreeMap::new()
            };
        let due = read(&self.overall)
            .back()
            .is_none_or(|p| now - p.at >= chrono::Duration::seconds(60));
        if due {
            // The history the report reads: a line a minute, also the
            // server's sign of life for its uptime.
            let usage = crate::ops::report::usage_by_template(&app.ctx.config, &running, &stats);
            crate::store::events::Entry::new("usage")
                .usage(usage)
                .write(app.ctx.store.dir(), &crate::access::Caller::server());
        }
        let mut overall = write(&self.overall);
        if due {
            let mut by_status: BTreeMap<String, usize> = Status::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), 0))
                .collect();
            for c in &envs.list {
                *by_status.entry(c.status.as_str().to_owned()).or_default() += 1;
            }
            overall.push_back(OverallPoint {
                at: now,
                by_status,
                cpu_percent: stats.iter().map(|s| s.total.cpu_percent).sum(),
                memory_used: stats.iter().map(|s| s.total.memory_used).sum(),
                pools,
            });
            while overall.len() > OVERALL {
                overall.pop_front();
            }
        }
    }
}

/// Samples every `[api] stats_interval` until the server is dropped.
pub async fn run(app: Weak<App>) {
    loop {
        let Some(strong) = app.upgrade() else { return };
        let interval = strong.ctx.config.api.stats_interval;
        if interval.is_zero() {
            return;
        }
        strong.monitor.tick(&strong).await;
        drop(strong);
        tokio::time::sleep(interval).await;
    }
}
