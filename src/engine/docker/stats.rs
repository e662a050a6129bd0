//! Docker's stats, two ways. One reading per call (`stream=false`,
//! `one-shot=true`: what `envctl stats` does), and, for the server's
//! monitor, a stream per running container (`stream=true`, as `docker stats`
//! keeps them). The engine answers a repeated one-shot read only at its next
//! one-second collection tick, so a round of one-shot reads over 300
//! containers takes seconds however many run at once; a stream pushes a
//! reading every second by itself, and a round reads the latest from memory.
//!
//! A stream starts the first time its container is asked about, with one
//! inspect (restart count and start time: readings have neither). It ends,
//! and its entry goes, when the container stops (the engine then sends empty
//! readings forever), is removed (the engine ends the stream), or is not
//! asked about for [`WATCH_IDLE`]. A restart counts as a stop: the next ask
//! starts a new stream, with a new inspect.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::models::{ContainerInspectResponse, ContainerStatsResponse};
use bollard::query_parameters::StatsOptions;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::sync::watch;

use super::{docker_error, status_of};
use crate::engine::{Sample, WATCH_IDLE, Watched};
use crate::error::Result;

/// A stream whose latest reading is older than this has stalled.
const STALE: Duration = Duration::from_secs(30);

/// What a reading does not say: restarts, start time, whether it runs.
struct Life {
    restarts: u64,
    started_at: Option<DateTime<Utc>>,
    running: bool,
}

impl Life {
    fn of(inspect: ContainerInspectResponse) -> Life {
        let state = inspect.state.unwrap_or_default();
        Life {
            restarts: inspect.restart_count.unwrap_or(0).max(0) as u64,
            started_at: state
                .started_at
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc)),
            running: state.running.unwrap_or(false),
        }
    }
}

/// One reading of a container (an inspect and a one-shot stats call), or
/// `None` when it does not exist.
pub(super) async fn one_shot(docker: &Docker, name: &str) -> Result<Option<Sample>> {
    let life = match docker.inspect_container(name, None).await {
        Ok(c) => Life::of(c),
        Err(e) if status_of(&e) == Some(404) => return Ok(None),
        Err(e) => return Err(docker_error(format!("inspecting container {name}"))(e)),
    };
    let options = StatsOptions {
        stream: false,
        one_shot: true,
    };
    match docker.stats(name, Some(options)).next().await {
        Some(Ok(s)) => Ok(Some(sample_of(s, &life))),
        Some(Err(e)) if status_of(&e) == Some(404) => Ok(None),
        Some(Err(e)) => Err(docker_error(format!("reading stats of {name}"))(e)),
        None => Ok(None),
    }
}

fn sample_of(stats: ContainerStatsResponse, life: &Life) -> Sample {
    let cpu = stats.cpu_stats.unwrap_or_default();
    let memory = stats.memory_stats.unwrap_or_default();
    let (net_rx, net_tx) = stats
        .networks
        .unwrap_or_default()
        .values()
        .fold((0, 0), |(rx, tx), n| {
            (rx + n.rx_bytes.unwrap_or(0), tx + n.tx_bytes.unwrap_or(0))
        });
    let blkio = stats
        .blkio_stats
        .and_then(|b| b.io_service_bytes_recursive)
        .unwrap_or_default();
    let (block_read, block_write) = crate::ops::stats::block_io(
        blkio
            .iter()
            .map(|e| (e.op.as_deref().unwrap_or(""), e.value.unwrap_or(0))),
    );
    let online_cpus = cpu.online_cpus.unwrap_or(0).max(
        cpu.cpu_usage
            .as_ref()
            .and_then(|u| u.percpu_usage.as_ref())
            .map_or(0, |p| p.len() as u32),
    );
    Sample {
        at: Utc::now(),
        cpu_total: cpu.cpu_usage.and_then(|u| u.total_usage).unwrap_or(0),
        system_total: cpu.system_cpu_usage.unwrap_or(0),
        online_cpus,
        memory_used: crate::ops::stats::memory_without_cache(
            memory.usage.unwrap_or(0),
            &memory.stats.unwrap_or_default(),
        ),
        memory_limit: memory.limit.unwrap_or(0),
        net_rx,
        net_tx,
        block_read,
        block_write,
        restarts: life.restarts,
        started_at: life.started_at,
        running: life.running,
    }
}

/// The open stats streams, by container name.
#[derive(Debug, Clone, Default)]
pub(super) struct Streams {
    open: Arc<Mutex<HashMap<String, Stream>>>,
    /// Tells a stream's entry from a later one of the same container.
    generations: Arc<AtomicU64>,
}

/// One container's stream: the task that reads it and its latest readings.
#[derive(Debug)]
struct Stream {
    generation: u64,
    readings: watch::Receiver<Option<Watched>>,
    asked: Instant,
    task: tokio::task::AbortHandle,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Streams {
    /// The latest readings of `names` (see
    /// [`crate::engine::Runtime::watched_samples`]): starts a stream for each
    /// container without one, waits up to `wait` for those without two
    /// readings, and drops the streams nobody asked about for [`WATCH_IDLE`].
    pub(super) async fn read(
        &self,
        docker: &Docker,
        names: &[String],
        wait: Duration,
    ) -> HashMap<String, Watched> {
        let deadline = tokio::time::Instant::now() + wait;
        let receivers: Vec<(String, watch::Receiver<Option<Watched>>)> = {
            let mut open = lock(&self.open);
            let now = Instant::now();
            let fresh = |s: &Stream| {
                s.readings.borrow().as_ref().is_none_or(|w| {
                    (Utc::now() - w.current.at).to_std().unwrap_or_default() < STALE
                })
            };
            open.retain(|_, s| {
                // A stream that stalled without closing is started again.
                let keep = now.duration_since(s.asked) < WATCH_IDLE && fresh(s);
                if !keep {
                    s.task.abort();
                }
                keep
            });
            names
                .iter()
                .map(|name| {
                    let stream = open
                        .entry(name.clone())
                        .or_insert_with(|| self.start(docker, name));
                    stream.asked = now;
                    (name.clone(), stream.readings.clone())
                })
                .collect()
        };
        let readings = receivers.into_iter().map(|(name, mut rx)| async move {
            let two = |r: &Option<Watched>| r.as_ref().is_some_and(|w| w.previous.is_some());
            // An error is a stream that ended: its last reading may be stale.
            let _ = tokio::time::timeout_at(deadline, rx.wait_for(two)).await;
            if rx.has_changed().is_err() {
                return None;
            }
            let reading = rx.borrow().clone();
            reading.map(|r| (name, r))
        });
        futures_util::future::join_all(readings)
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    /// The containers whose stream is open.
    pub(super) fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = lock(&self.open).keys().cloned().collect();
        names.sort();
        names
    }

    /// Spawns the task that follows `name`'s stream and removes its entry
    /// when the stream ends.
    fn start(&self, docker: &Docker, name: &str) -> Stream {
        let (tx, rx) = watch::channel(None);
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        let (docker, container, open) = (docker.clone(), name.to_owned(), self.open.clone());
        let task = tokio::spawn(async move {
            follow(&docker, &container, &tx).await;
            let mut open = lock(&open);
            if open
                .get(&container)
                .is_some_and(|s| s.generation == generation)
            {
                open.remove(&container);
            }
        });
        Stream {
            generation,
            readings: rx,
            asked: Instant::now(),
            task: task.abort_handle(),
        }
    }
}

/// Publishes each reading of `name`'s stream, with the one before it, until
/// the container stops or goes.
async fn follow(docker: &Docker, name: &str, tx: &watch::Sender<Option<Watched>>) {
    let life = match docker.inspect_container(name, None).await {
        Ok(c) => Life::of(c),
        Err(_) => return,
    };
    if !life.running {
        return;
    }
    let options = StatsOptions {
        stream: true,
        one_shot: false,
    };
    let mut stream = docker.stats(name, Some(options));
    let mut previous: Option<Sample> = None;
    while let Some(Ok(reading)) = stream.next().await {
        // A stopped container's stream goes on, with readings of nothing:
        // the engine's collector fills the host's CPU time only for a
        // running one.
        let system = reading.cpu_stats.as_ref().and_then(|c| c.system_cpu_usage);
        if system.unwrap_or(0) == 0 {
            return;
        }
        let current = sample_of(reading, &life);
        // The CPU counter going back is a new start (a restart quicker than
        // the engine's one-second tick shows no empty reading): end here, so
        // the next ask starts a new stream with a fresh inspect.
        if previous
            .as_ref()
            .is_some_and(|p| current.cpu_total < p.cpu_total)
        {
            return;
        }
        tx.send_replace(Some(Watched {
            current: current.clone(),
            previous: previous.replace(current),
        }));
    }
}
