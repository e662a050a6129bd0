//! Volume archives (the files are [`crate::archives`]'): taken before a
//! removal and on demand, restored into a new environment's containers
//! before they start, and the archive commands. Authorisation and the event
//! log of all of them are here.
//!
//! The data goes out through the engine's archive API on the service's own
//! container (running or stopped) and back the same way into the new
//! container before it starts: no helper image, no registry. Volumes are
//! copied one after another, each streamed through a bounded channel, so a
//! volume of any size costs a few megabytes of memory.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::access::{Action, Caller};
use crate::archives::codec::{self, VolumeStats};
use crate::archives::retention::{self, Pruned};
use crate::archives::{ArchiveStore, ArchiveSummary, FORMAT, Manifest, Reason, VolumeEntry};
use crate::config::Template;
use crate::context::Context;
use crate::engine::{Bytes, Engine, Mount, Runtime};
use crate::error::{Error, Result};
use crate::ops::log;
use crate::ops::progress::{Progress, Step};
use crate::store::{Environment, Status, events};

/// Chunks in flight between the engine and the file, per volume.
const IN_FLIGHT: usize = 8;
const TICK: Duration = Duration::from_millis(200);

/// The archive store of this data directory.
pub fn store(ctx: &Context) -> ArchiveStore {
    ArchiveStore::new(ctx.store.dir())
}

/// What `envctl archive create` asks for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchiveRequest {
    /// Stop the environment first, so no service writes during the copy.
    #[serde(default)]
    pub stop: bool,
}

/// An archive taken on demand.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Archived {
    pub archive: ArchiveSummary,
    /// Set when the environment was running during the copy.
    pub warning: Option<String>,
}

/// Archives every volume of environment `target` now (`envctl archive create`).
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    request: &ArchiveRequest,
    progress: &dyn Progress,
) -> Result<Archived> {
    let env = crate::ops::show(ctx, target)?;
    caller.authorize(Action::Change, Some(&env.owner))?;
    let mut warning = None;
    let env = if request.stop && env.status == Status::Running {
        crate::ops::stop(ctx, caller, &env.id, progress).await?
    } else {
        if env.status == Status::Running {
            warning = Some(format!(
                "'{}' was running: a service may have been mid-write, so the copy may not be \
                 consistent (`--stop` stops it first)",
                env.name
            ));
        }
        env
    };
    let instance = ctx.store.read()?.instance_id;
    let result = take(ctx, caller, &instance, &env, Reason::Manual, progress).await;
    // A success is logged by `take` ("archived", with the figures).
    if result.is_err() {
        log(ctx, caller, "archive", &env.name, &result);
    }
    let manifest = result?
        .ok_or_else(|| Error::Conflict(format!("'{}' has no volumes to archive", env.name)))?;
    Ok(Archived {
        archive: manifest.summary(),
        warning,
    })
}

/// Archives every volume of `env` into a new archive. `Ok(None)` when it
/// has no volumes. A volume no container mounts any more is copied through a
/// helper container; one that cannot be reached even so, or a copy that
/// fails, fails the whole archive, and nothing is written.
pub(crate) async fn take(
    ctx: &Context,
    caller: &Caller,
    instance: &str,
    env: &Environment,
    reason: Reason,
    progress: &dyn Progress,
) -> Result<Option<Manifest>> {
    let engine = ctx.engine().await?;
    let prefix = format!("envctl-{}-", env.id);
    let mut chosen: BTreeMap<String, Mount> = BTreeMap::new();
    for m in engine.mounts(instance, &env.id).await? {
        if m.volume.starts_with(&prefix) {
            chosen.entry(m.volume.clone()).or_insert(m);
        }
    }
    // A volume whose container is gone (removed by hand) is reached through
    // a helper container of its service's image, made here, never started.
    let mut helpers = Vec::new();
    let mut unreachable = Vec::new();
    for v in engine.environment_volumes(instance, &env.id).await? {
        if chosen.contains_key(&v.name) {
            continue;
        }
        let name = v.name.strip_prefix(&prefix).unwrap_or(&v.name).to_owned();
        match helper(ctx, engine, instance, env, &v, &name).await {
            Ok(mount) => {
                helpers.push(mount.container.clone());
                chosen.insert(v.name.clone(), mount);
            }
            Err(e) => unreachable.push(format!("{} ({})", v.name, e.chain_text())),
        }
    }
    let result = if unreachable.is_empty() {
        take_from(ctx, caller, instance, env, reason, progress, &chosen).await
    } else {
        Err(Error::Failed(format!(
            "cannot copy {}: no container of '{}' mounts it",
            unreachable.join(", "),
            env.name
        )))
    };
    for h in helpers {
        let _ = engine.remove_container(&h).await;
    }
    result
}

/// A stopped container of the volume's service image mounting it where the
/// service did, to copy it through.
async fn helper(
    ctx: &Context,
    engine: &Engine,
    instance: &str,
    env: &Environment,
    volume: &crate::engine::VolumeInfo,
    name: &str,
) -> Result<Mount> {
    let template = crate::ops::create::resolved_template(ctx, env)?;
    let service = volume
        .service
        .as_deref()
        .and_then(|s| template.services.iter().find(|t| t.name == s))
        .or_else(|| {
            template
                .services
                .iter()
                .find(|s| s.volumes.iter().any(|v| v.name == name))
        })
        .ok_or_else(|| Error::Failed("its service is no longer in the template".into()))?;
    let path = service
        .volumes
        .iter()
        .find(|v| v.name == name)
        .map_or_else(|| format!("/{name}"), |v| v.target.clone());
    if !engine.has_image(&service.image).await? {
        return Err(Error::Failed(format!(
            "image {} of service {} is not here to copy it through",
            service.image, service.name
        )));
    }
    let container = format!("envctl-{}-archive-{name}", env.id);
    let mut labels = crate::engine::labels::environment(instance, env);
    labels.insert(crate::engine::labels::SERVICE.into(), service.name.clone());
    engine
        .create_helper(&container, &service.image, labels, &volume.name, &path)
        .await?;
    Ok(Mount {
        container,
        service: service.name.clone(),
        volume: volume.name.clone(),
        path,
    })
}

/// Archives the volumes of `chosen` (volume → where to copy it from).
async fn take_from(
    ctx: &Context,
    caller: &Caller,
    instance: &str,
    env: &Environment,
    reason: Reason,
    progress: &dyn Progress,
    chosen: &BTreeMap<String, Mount>,
) -> Result<Option<Manifest>> {
    let engine = ctx.engine().await?;
    let prefix = format!("envctl-{}-", env.id);
    if chosen.is_empty() {
        return Ok(None);
    }
    let sizes = if progress.wants_totals() {
        engine.volume_sizes(instance).await.unwrap_or_default()
    } else {
        Default::default()
    };
    let archives = store(ctx);
    archives.sweep();
    let now = Utc::now();
    let partial = archives.begin(&env.name, now)?;
    let mut volumes = Vec::new();
    for (volume, mount) in chosen {
        let name = volume.strip_prefix(&prefix).unwrap_or(volume).to_owned();
        let (path, file) = partial.volume_file(&name);
        let total = sizes.get(volume).copied().unwrap_or(0);
        progress.service(&name, Step::Archiving { done: 0, total });
        let stats = copy_out(engine, mount, path, ctx.config.archives.level, |done| {
            progress.service(&name, Step::Archiving { done, total })
        })
        .await
        .inspect_err(|e| progress.service(&name, Step::Failed(e.to_string())))?;
        progress.service(
            &name,
            Step::Copied {
                bytes: stats.bytes,
                files: stats.files,
            },
        );
        volumes.push(VolumeEntry {
            name,
            service: mount.service.clone(),
            path: mount.path.clone(),
            file,
            bytes: stats.bytes,
            files: stats.files,
            stored_bytes: stats.stored_bytes,
            sha256: stats.sha256,
        });
    }
    // Unreadable secrets fail the archive: the restored data would not open without them.
    let secrets = crate::store::secrets::load(ctx.store.dir(), &env.id)?;
    partial.write_secrets(&secrets)?;
    let manifest = Manifest {
        format: FORMAT,
        id: partial.id.clone(),
        created_at: now,
        reason,
        created_by: caller.user.clone(),
        environment: env.clone(),
        template: ctx.config.templates.get(&env.template).cloned(),
        compression: "zstd".into(),
        envctl_version: env!("CARGO_PKG_VERSION").into(),
        volumes,
    };
    let manifest =
        tokio::task::spawn_blocking(move || partial.finish(&manifest).map(|()| manifest))
            .await
            .map_err(|e| Error::Failed(format!("writing the archive's manifest: {e}")))??;
    let summary = manifest.summary();
    events::record(
        ctx.store.dir(),
        caller,
        "archived",
        Some(&env.name),
        "ok",
        Some(&format!(
            "{} ({reason}): {} volumes, {} bytes in {} stored",
            summary.id, summary.volumes, summary.bytes, summary.stored_bytes
        )),
    );
    Ok(Some(manifest))
}

/// Streams one volume out of its container into `out`, on a blocking
/// thread (the engine's socket straight into the compressor), reporting the
/// bytes read as it goes.
async fn copy_out(
    engine: &Engine,
    mount: &Mount,
    out: PathBuf,
    level: i32,
    progress: impl Fn(u64),
) -> Result<VolumeStats> {
    let read = Arc::new(AtomicU64::new(0));
    let (engine, mount, counter) = (engine.clone(), mount.clone(), read.clone());
    let copy = tokio::task::spawn_blocking(move || {
        let tar = engine.export(&mount.container, &mount.path)?;
        codec::write(
            Counted {
                inner: tar,
                counter,
            },
            &out,
            level,
        )
    });
    let mut copy = std::pin::pin!(copy);
    let mut tick = tokio::time::interval(TICK);
    loop {
        tokio::select! {
            done = &mut copy => {
                return done.map_err(|e| Error::Failed(format!("the archive writer stopped: {e}")))?;
            }
            _ = tick.tick() => progress(read.load(Ordering::Relaxed)),
        }
    }
}

/// Counts what is read through it.
struct Counted<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What a create from an archive brings back: each archived volume that the
/// new template also has (by name), into the first service mounting it.
#[derive(Debug, Clone)]
pub struct Restore {
    pub archive: Manifest,
    /// (volume, service, mount path in that service).
    pub volumes: Vec<(VolumeEntry, String, String)>,
    /// Archived volumes the template has no volume for.
    pub left_out: Vec<String>,
    /// The archived secrets, when the template is the archive's own.
    pub secrets: BTreeMap<String, String>,
}

impl Restore {
    /// The volumes service `service` gets back.
    pub fn for_service<'a>(
        &'a self,
        service: &'a str,
    ) -> impl Iterator<Item = &'a (VolumeEntry, String, String)> + 'a {
        self.volumes.iter().filter(move |(_, s, _)| s == service)
    }
}

/// Matches the volumes of `archive` (read with [`show`], which authorises)
/// to `template`'s.
/// The archived secrets come along only when the template is the archive's,
/// the new environment has the archive's owner, and `caller` may read that
/// owner's secrets; otherwise the new environment gets fresh ones.
pub fn plan_restore(
    ctx: &Context,
    caller: &Caller,
    archive: Manifest,
    owner: &str,
    template_name: &str,
    template: &Template,
) -> Result<Restore> {
    let archives = store(ctx);
    let mut volumes = Vec::new();
    let mut left_out = Vec::new();
    for v in &archive.volumes {
        let target = template.services.iter().find_map(|s| {
            s.volumes
                .iter()
                .find(|tv| tv.name == v.name && !tv.read_only)
                .map(|tv| (s.name.clone(), tv.target.clone()))
        });
        match target {
            Some((service, path)) => volumes.push((v.clone(), service, path)),
            None => left_out.push(v.name.clone()),
        }
    }
    if volumes.is_empty() {
        let held: Vec<&str> = archive.volumes.iter().map(|v| v.name.as_str()).collect();
        return Err(Error::InvalidInput(format!(
            "archive {} holds volumes {} and template '{template_name}' has none of them",
            archive.id,
            held.join(", ")
        )));
    }
    let own = archive.environment.owner == owner
        && caller.may(Action::ReadSecrets, Some(&archive.environment.owner));
    let secrets = if archive.environment.template == template_name && own {
        archives.secrets(&archive.id)?
    } else {
        BTreeMap::new()
    };
    Ok(Restore {
        archive,
        volumes,
        left_out,
        secrets,
    })
}

/// Copies the archived volumes of `service` into its container `container`,
/// which exists and has not started.
pub(crate) async fn restore_service(
    ctx: &Context,
    engine: &Engine,
    restore: &Restore,
    service: &str,
    container: &str,
    progress: &dyn Progress,
) -> Result<()> {
    let archives = store(ctx);
    for (entry, _, target) in restore.for_service(service) {
        let path = archives.file(&restore.archive.id, &entry.file);
        progress.service(
            &entry.name,
            Step::Restoring {
                done: 0,
                total: entry.bytes,
            },
        );
        copy_in(engine, container, target, path, entry, |done| {
            progress.service(
                &entry.name,
                Step::Restoring {
                    done,
                    total: entry.bytes,
                },
            )
        })
        .await
        .map_err(|e| {
            progress.service(&entry.name, Step::Failed(e.to_string()));
            Error::Failed(format!(
                "restoring volume {} from archive {}: {}",
                entry.name,
                restore.archive.id,
                e.chain_text()
            ))
        })?;
        progress.service(
            &entry.name,
            Step::Copied {
                bytes: entry.bytes,
                files: entry.files,
            },
        );
    }
    Ok(())
}

async fn copy_in(
    engine: &Engine,
    container: &str,
    target: &str,
    path: PathBuf,
    entry: &VolumeEntry,
    progress: impl Fn(u64),
) -> Result<()> {
    let (tx, rx) = mpsc::channel::<Bytes>(IN_FLIGHT);
    let sha = entry.sha256.clone();
    let reader = tokio::task::spawn_blocking(move || codec::read(&path, tx, &sha));
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    })
    .inspect(move |chunk| {
        counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    });
    let import = engine.import(container, target, stream);
    let mut import = std::pin::pin!(import);
    let mut tick = tokio::time::interval(TICK);
    let imported = loop {
        tokio::select! {
            r = &mut import => break r,
            _ = tick.tick() => progress(sent.load(Ordering::Relaxed)),
        }
    };
    let read = reader
        .await
        .map_err(|e| Error::Failed(format!("the archive reader stopped: {e}")))?;
    match (read, imported) {
        // A damaged file ends the stream early: its error comes first...
        (Err(e), _) if !matches!(&e, Error::Failed(m) if m == codec::STOPPED) => Err(e),
        // ...while a reader stopped by the engine's refusal gives the engine's reason.
        (_, Err(e)) => Err(e),
        (Err(e), Ok(())) => Err(e),
        (Ok(_), Ok(())) => Ok(()),
    }
}

/// The archives `caller` may see (owners their own, operators all), newest
/// first; with `environment`, only that environment name's.
pub fn list(
    ctx: &Context,
    caller: &Caller,
    environment: Option<&str>,
) -> Result<Vec<ArchiveSummary>> {
    caller.authorize(Action::Read, None)?;
    let archives = store(ctx);
    let all = crate::store::off_worker(|| archives.list())?;
    Ok(all
        .iter()
        .map(Manifest::summary)
        .filter(|a| environment.is_none_or(|name| a.environment == name))
        .filter(|a| caller.may(Action::ReadLogs, Some(&a.owner)))
        .collect())
}

/// Archive `key`: an id, or an environment name for the newest archive of
/// that name `caller` may see. Without its template (whose env values may
/// hold credentials typed into the config).
pub fn show(ctx: &Context, caller: &Caller, key: &str) -> Result<Manifest> {
    let archives = store(ctx);
    let visible = |m: &Manifest| caller.may(Action::ReadLogs, Some(&m.environment.owner));
    let mut manifest = crate::store::off_worker(|| match archives.load(key) {
        Err(Error::NotFound { .. }) => archives
            .list()?
            .into_iter()
            .find(|m| m.environment.name == key && visible(m))
            .ok_or_else(|| Error::NotFound {
                what: "archive",
                name: key.to_owned(),
            }),
        other => other,
    })?;
    caller.authorize(Action::ReadLogs, Some(&manifest.environment.owner))?;
    manifest.template = None;
    Ok(manifest)
}

/// The outcome of checking one archive.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Verified {
    pub id: String,
    pub ok: bool,
    pub volumes: usize,
    /// What is wrong, one line each.
    pub problems: Vec<String>,
}

/// Reads every file of archive `key` (or of every archive `caller` may
/// see) and checks it against its manifest: hash, files, bytes.
pub async fn verify(ctx: &Context, caller: &Caller, key: Option<&str>) -> Result<Vec<Verified>> {
    let archives = store(ctx);
    let ids: Vec<String> = match key {
        Some(key) => vec![show(ctx, caller, key)?.id],
        None => {
            caller.authorize(Action::Read, None)?;
            crate::store::off_worker(|| archives.ids())?
        }
    };
    let caller = caller.clone();
    let checked = tokio::task::spawn_blocking(move || {
        ids.iter()
            .filter_map(|id| {
                let manifest = match archives.load(id) {
                    Ok(m) => m,
                    // Unreadable: only operators see it (no owner to check).
                    Err(e) => {
                        return caller.may(Action::Maintain, None).then(|| Verified {
                            id: id.clone(),
                            ok: false,
                            volumes: 0,
                            problems: vec![format!("manifest: {e}")],
                        });
                    }
                };
                if !caller.may(Action::ReadLogs, Some(&manifest.environment.owner)) {
                    return None;
                }
                Some(check(&archives, &manifest))
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| Error::Failed(format!("verify stopped: {e}")))?;
    Ok(checked)
}

fn check(archives: &ArchiveStore, manifest: &Manifest) -> Verified {
    let mut problems = Vec::new();
    for v in &manifest.volumes {
        let path: PathBuf = archives.file(&manifest.id, &v.file);
        match codec::verify(&path) {
            Err(e) => problems.push(format!("{}: {e}", v.name)),
            Ok(got) => {
                if got.sha256 != v.sha256 {
                    problems.push(format!(
                        "{}: SHA-256 is {}, the manifest says {}",
                        v.name, got.sha256, v.sha256
                    ));
                }
                if (got.files, got.bytes) != (v.files, v.bytes) {
                    problems.push(format!(
                        "{}: holds {} files and {} bytes, the manifest says {} and {}",
                        v.name, got.files, got.bytes, v.files, v.bytes
                    ));
                }
            }
        }
    }
    Verified {
        id: manifest.id.clone(),
        ok: problems.is_empty(),
        volumes: manifest.volumes.len(),
        problems,
    }
}

/// Removes the archives `[archives]`' limits no longer keep (nothing with
/// `dry_run`), and partial ones left by a killed process.
pub fn prune(ctx: &Context, caller: &Caller, dry_run: bool) -> Result<Vec<Pruned>> {
    caller.authorize(Action::Maintain, None)?;
    let archives = store(ctx);
    let result = crate::store::off_worker(|| -> Result<Vec<Pruned>> {
        archives.sweep();
        let all: Vec<ArchiveSummary> = archives.list()?.iter().map(Manifest::summary).collect();
        let plan = retention::plan(&all, &(&ctx.config.archives).into(), Utc::now());
        if !dry_run {
            for p in &plan {
                match archives.delete(&p.id) {
                    Ok(()) | Err(Error::NotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(plan)
    });
    if !dry_run && result.as_ref().map_or(true, |p| !p.is_empty()) {
        let detail = result
            .as_ref()
            .map(|p| format!("{} archives removed", p.len()));
        let outcome = match &detail {
            Ok(d) => Ok(d.clone()),
            Err(e) => Err(Error::Failed(e.to_string())),
        };
        log(ctx, caller, "archive-prune", "-", &outcome);
    }
    result
}

/// Removes archive `key`.
pub fn delete(ctx: &Context, caller: &Caller, key: &str) -> Result<ArchiveSummary> {
    let manifest = show(ctx, caller, key)?;
    caller.authorize(Action::Delete, Some(&manifest.environment.owner))?;
    let archives = store(ctx);
    let result = crate::store::off_worker(|| archives.delete(&manifest.id));
    log(ctx, caller, "archive-delete", &manifest.id, &result);
    result.map(|()| manifest.summary())
}

/// What the archive store holds, against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub archives: usize,
    pub stored_bytes: u64,
    /// `[archives] max_bytes`.
    pub max_bytes: Option<u64>,
}

/// The archive store's [`Usage`], from one read of its manifests.
pub fn usage(ctx: &Context) -> Result<Usage> {
    let archives = store(ctx);
    let all = crate::store::off_worker(|| archives.list())?;
    Ok(Usage {
        archives: all.len(),
        stored_bytes: all.iter().map(|m| m.summary().stored_bytes).sum(),
        max_bytes: ctx
            .config
            .archives
            .max_bytes
            .as_ref()
            .map(|s| s.bytes().max(0) as u64),
    })
}

/// Free bytes on the disk that holds the archives (`None` when unknown).
pub fn free_space(ctx: &Context) -> Option<u64> {
    crate::store::host::disk_space(store(ctx).dir()).map(|space| space.free)
}
