//! The archive store: what an environment's volumes held, kept under
//! `<data dir>/archives/` after the environment is gone, so it can be brought
//! back into a new one.
//!
//! One archive is one directory, `archives/<id>/`, holding `manifest.json`
//! (the environment's record and template, and each volume with its
//! service, mount path, size, file count and SHA-256), one zstd-compressed
//! tar per volume (`<volume>.tar.zst`) and, when the environment had any,
//! its generated secrets (`secrets.json`, mode 0600), so a restored database
//! still opens with the passwords it was made with.
//!
//! An archive is written into `archives/.partial-<id>-<pid>/` and renamed
//! into place only when every file is written and synced, so a crash at any
//! instant leaves no archive or a whole one; [`ArchiveStore::sweep`] removes
//! the partial directories whose process is gone.
//!
//! Must not: talk to the engine (`ops::archive` does) or take the database lock.

pub mod codec;
pub mod retention;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Template;
use crate::error::{Error, Result};
use crate::store::Environment;

/// The directory under the data directory.
pub const DIR: &str = "archives";
const MANIFEST: &str = "manifest.json";
const SECRETS: &str = "secrets.json";
const PARTIAL: &str = ".partial-";
/// The manifest format this build writes and reads.
pub const FORMAT: u32 = 1;

/// Why an archive was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// A cleanup run's retention policy removed the environment.
    Cleanup,
    /// The environment's time to live ran out.
    Ttl,
    /// Someone deleted it.
    Delete,
    /// Taken on demand (`envctl archive create`).
    Manual,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reason::Cleanup => "cleanup",
            Reason::Ttl => "ttl",
            Reason::Delete => "delete",
            Reason::Manual => "manual",
        })
    }
}

/// `manifest.json`: everything about one archive.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub reason: Reason,
    /// Who asked (the caller of the delete, cleanup or archive).
    pub created_by: String,
    /// The record as it was when archived.
    pub environment: Environment,
    /// The template it was made from, as configured then (left out of what
    /// `archive show` and the API answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Template>,
    /// "zstd".
    pub compression: String,
    pub envctl_version: String,
    pub volumes: Vec<VolumeEntry>,
}

/// One archived volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VolumeEntry {
    /// The template's name of the volume (`jira-data`).
    pub name: String,
    /// The service it was copied from.
    pub service: String,
    /// Where that service mounts it.
    pub path: String,
    /// The file in the archive's directory.
    pub file: String,
    /// Bytes of file data in the volume.
    pub bytes: u64,
    /// Regular files in the volume.
    pub files: u64,
    /// Size of the compressed file.
    pub stored_bytes: u64,
    /// SHA-256 of the compressed file, hex.
    pub sha256: String,
}

/// One line of `archive list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchiveSummary {
    pub id: String,
    /// The environment's name.
    pub environment: String,
    pub environment_id: String,
    pub owner: String,
    pub template: String,
    pub reason: Reason,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub volumes: usize,
    /// Bytes of file data archived.
    pub bytes: u64,
    /// Bytes the archive takes on disk.
    pub stored_bytes: u64,
}

impl Manifest {
    pub fn summary(&self) -> ArchiveSummary {
        ArchiveSummary {
            id: self.id.clone(),
            environment: self.environment.name.clone(),
            environment_id: self.environment.id.clone(),
            owner: self.environment.owner.clone(),
            template: self.environment.template.clone(),
            reason: self.reason,
            created_at: self.created_at,
            created_by: self.created_by.clone(),
            volumes: self.volumes.len(),
            bytes: self.volumes.iter().map(|v| v.bytes).sum(),
            stored_bytes: self.volumes.iter().map(|v| v.stored_bytes).sum(),
        }
    }

    pub fn volume(&self, name: &str) -> Option<&VolumeEntry> {
        self.volumes.iter().find(|v| v.name == name)
    }
}

/// The archives of one data directory.
#[derive(Debug, Clone)]
pub struct ArchiveStore {
    dir: PathBuf,
}

impl ArchiveStore {
    pub fn new(data_dir: &Path) -> ArchiveStore {
        ArchiveStore {
            dir: data_dir.join(DIR),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every whole archive, newest first. A directory whose manifest cannot
    /// be read is left out with a warning (`archive verify` names it).
    pub fn list(&self) -> Result<Vec<Manifest>> {
        let mut all = Vec::new();
        for id in self.ids()? {
            match self.load(&id) {
                Ok(m) => all.push(m),
                Err(e) => tracing::warn!("archive {id} is unreadable: {e}"),
            }
        }
        all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(all)
    }

    /// The names of the archive directories (whole ones: partial ones start with a dot).
    pub fn ids(&self) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        let mut ids: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// The manifest of archive `id`.
    pub fn load(&self, id: &str) -> Result<Manifest> {
        check_id(id)?;
        let path = self.dir.join(id).join(MANIFEST);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NotFound {
                    what: "archive",
                    name: id.to_owned(),
                });
            }
            Err(e) => return Err(Error::Io { path, source: e }),
        };
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|e| Error::Failed(format!("{}: not a valid manifest: {e}", path.display())))?;
        if manifest.format > FORMAT {
            return Err(Error::Failed(format!(
                "archive {id} was written by a newer envctl (format {}); upgrade to read it",
                manifest.format
            )));
        }
        // Its files are read from this directory only, whatever the manifest says.
        let outside = |f: &str| f.is_empty() || f.contains('/') || f.starts_with('.');
        if manifest.id != id || manifest.volumes.iter().any(|v| outside(&v.file)) {
            return Err(Error::Failed(format!(
                "{}: not a manifest of archive {id} (its id or file names are wrong)",
                path.display()
            )));
        }
        Ok(manifest)
    }

    /// The path of a file of archive `id`.
    pub fn file(&self, id: &str, file: &str) -> PathBuf {
        self.dir.join(id).join(file)
    }

    /// The secrets archived with `id` (empty when there were none).
    pub fn secrets(&self, id: &str) -> Result<std::collections::BTreeMap<String, String>> {
        let path = self.file(id, SECRETS);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| Error::Failed(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
            Err(e) => Err(Error::Io { path, source: e }),
        }
    }

    /// Starts a new archive of environment `name`, taken at `at`.
    pub fn begin(&self, name: &str, at: DateTime<Utc>) -> Result<Partial> {
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io(e))?;
        let stamp = at.format("%Y%m%d-%H%M%S");
        for n in 1.. {
            let id = match n {
                1 => format!("{name}-{stamp}"),
                n => format!("{name}-{stamp}-{n}"),
            };
            if self.dir.join(&id).exists() {
                continue;
            }
            let partial = self
                .dir
                .join(format!("{PARTIAL}{id}-{}", std::process::id()));
            match std::fs::create_dir(&partial) {
                Ok(()) => {
                    return Ok(Partial {
                        id,
                        dir: partial,
                        store: self.dir.clone(),
                        done: false,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(self.io(e)),
            }
        }
        unreachable!("the loop returns")
    }

    /// Removes archive `id`.
    pub fn delete(&self, id: &str) -> Result<()> {
        check_id(id)?;
        let dir = self.dir.join(id);
        // Renamed out of sight first, so `list` never shows it half removed.
        let doomed = self
            .dir
            .join(format!("{PARTIAL}{id}-deleted-{}", std::process::id()));
        match std::fs::rename(&dir, &doomed) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NotFound {
                    what: "archive",
                    name: id.to_owned(),
                });
            }
            Err(e) => {
                return Err(Error::Io {
                    path: dir,
                    source: e,
                });
            }
        }
        std::fs::remove_dir_all(&doomed).map_err(|e| Error::Io {
            path: doomed,
            source: e,
        })
    }

    /// Removes partial archives whose process is gone (killed mid-write).
    pub fn sweep(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(PARTIAL) else {
                continue;
            };
            let pid = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
            // Gone, or its number now belongs to another program.
            if pid.is_some_and(|pid| !crate::store::host::envctl_process_alive(pid)) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.dir.clone(),
            source,
        }
    }
}

/// An archive being written. Dropped without [`Partial::finish`], it
/// removes what it wrote.
#[derive(Debug)]
pub struct Partial {
    pub id: String,
    dir: PathBuf,
    store: PathBuf,
    done: bool,
}

impl Partial {
    /// Where volume `name`'s compressed tar goes, and its file name.
    pub fn volume_file(&self, name: &str) -> (PathBuf, String) {
        let file = format!("{name}.tar.zst");
        (self.dir.join(&file), file)
    }

    /// Writes the environment's secrets (readable by the owner only).
    pub fn write_secrets(
        &self,
        secrets: &std::collections::BTreeMap<String, String>,
    ) -> Result<()> {
        if secrets.is_empty() {
            return Ok(());
        }
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.dir.join(SECRETS);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut f| {
                f.write_all(&serde_json::to_vec(secrets).unwrap_or_default())?;
                Ok(f)
            })
            .map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
        file.flush()
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::Io { path, source: e })
    }

    /// Writes the manifest, syncs, and moves the archive into place.
    pub fn finish(mut self, manifest: &Manifest) -> Result<()> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io { path, source }
        };
        let path = self.dir.join(MANIFEST);
        let text = serde_json::to_vec_pretty(manifest).expect("a manifest serialises");
        std::fs::write(&path, text).map_err(io(&path))?;
        std::fs::File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(io(&path))?;
        std::fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(io(&self.dir))?;
        let target = self.store.join(&self.id);
        std::fs::rename(&self.dir, &target).map_err(io(&target))?;
        std::fs::File::open(&self.store)
            .and_then(|d| d.sync_all())
            .map_err(io(&self.store))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Archive ids are environment names with a time stamp: the same characters.
/// Anything else names no archive, and is never joined into a path.
fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        // No archive can have such a name (nothing is looked up by it).
        Err(Error::NotFound {
            what: "archive",
            name: id.to_owned(),
        })
    }
}
