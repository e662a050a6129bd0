//! The environments database: `environments.json` in the data directory,
//! guarded by `environments.json.lock`.
//!
//! Readers take the lock shared, writers exclusive, each with a timeout.
//! Writes are atomic and durable (temp file in the same directory, fsync,
//! rename over, fsync the directory), so a crash at any instant leaves the old
//! or the new file. An unreadable file is never overwritten: every command
//! refuses with an error naming it until someone restores or moves it.
//! The lock is never held across Docker calls: callers reserve under
//! [`Store::update`], work unlocked, then commit under [`Store::update`] again.
//!
//! Also here: the record helpers every operation shares ([`Store::commit`],
//! [`Operation::begin`]), the event log ([`events`]) and generated secrets
//! ([`secrets`]). Every method moves its lock wait and file I/O off the async
//! workers itself (`off_worker`), so async callers need no care.
//!
//! Must not: talk to the engine, or decide who may do what.

pub(crate) mod atomic;
pub mod events;
pub mod host;
pub(crate) mod lock;
mod model;
pub mod runs;
pub mod secrets;
pub mod state;
pub mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::value::RawValue;

pub use model::{Database, Environment, Operation, SCHEMA_VERSION, ServiceState, Status};

use crate::error::{Error, Result};
pub use lock::Mode as LockMode;

pub const DATABASE_FILE: &str = "environments.json";
pub const LOCK_FILE: &str = "environments.json.lock";
pub const BACKUP_DIR: &str = "backups";
pub const MAINTENANCE_LOCK_FILE: &str = "maintenance.lock";

pub use atomic::write as write_atomic;
pub use lock::LockGuard;

/// Runs blocking file work (a lock wait, a read, an fsync) so that it never
/// holds up an async worker: on a worker of a multi-thread runtime (the
/// server, the CLI), the worker first hands its other tasks to another
/// thread (`block_in_place`), so `/healthz` answers while a create waits 30 s
/// for a lock another process holds. Elsewhere (a blocking thread, a
/// single-thread test runtime, no runtime) it simply runs. Every method of
/// [`Store`] and of the token file goes through this, so no caller can get it
/// wrong.
pub fn off_worker<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// Handle on the database in one data directory.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    db_path: PathBuf,
    lock_path: PathBuf,
    lock_timeout: Duration,
}

impl Store {
    /// Changes one record under the lock, unless it was deleted (or is being
    /// deleted) meanwhile, which is a [`Error::Conflict`] that stops the caller.
    /// Stamps `updated_at`.
    pub fn commit(
        &self,
        id: &str,
        change: impl FnOnce(&mut Environment) -> Result<()>,
    ) -> Result<Environment> {
        self.update(|db| {
            let env = db
                .environments
                .iter_mut()
                .find(|e| e.id == id)
                .ok_or_else(|| {
                    Error::Conflict(format!("environment {id} was deleted meanwhile"))
                })?;
            if env.status == Status::Deleting {
                return Err(Error::Conflict(format!(
                    "environment '{}' is being deleted",
                    env.name
                )));
            }
            change(env)?;
            env.updated_at = chrono::Utc::now();
            Ok(env.clone())
        })
    }

    /// Opens (creating the directory if needed) the database in `dir`.
    pub fn open(dir: &Path, lock_timeout: Duration) -> Result<Store> {
        create_private_dir(dir)?;
        Ok(Store {
            dir: dir.to_owned(),
            db_path: dir.join(DATABASE_FILE),
            lock_path: dir.join(LOCK_FILE),
            lock_timeout,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> &Path {
        &self.db_path
    }

    /// Reads the database under a shared lock. A missing file reads as empty.
    pub fn read(&self) -> Result<Database> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Shared)?;
            self.load()
        })
    }

    /// Reads, changes and writes the database under the exclusive lock.
    /// Nothing is written when `change` fails.
    pub fn update<T>(&self, change: impl FnOnce(&mut Database) -> Result<T>) -> Result<T> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Exclusive)?;
            atomic::remove_stale_temp_files(&self.dir, DATABASE_FILE);
            let mut db = self.load()?;
            let value = change(&mut db)?;
            atomic::write(&self.db_path, &encode(&db)?)?;
            Ok(value)
        })
    }

    /// Reads the database under a shared lock without decoding the records:
    /// `f` gets each environment as its stored JSON text (the same object
    /// `--json` prints). A file whose checksum matches (one envctl wrote) is
    /// split by lines without parsing; any other takes the parsing path. This
    /// is what keeps `list --json` fast at 10,000 records.
    pub fn read_raw<T>(&self, f: impl FnOnce(&[&str]) -> Result<T>) -> Result<T> {
        off_worker(|| self.read_raw_here(f))
    }

    fn read_raw_here<T>(&self, f: impl FnOnce(&[&str]) -> Result<T>) -> Result<T> {
        let _guard = self.lock(LockMode::Shared)?;
        let Some(bytes) = self.bytes()? else {
            return f(&[]);
        };
        if let Some(lines) = checked_lines(&bytes) {
            return f(&lines);
        }
        #[derive(Deserialize)]
        struct RawDatabase<'a> {
            schema_version: u32,
            #[serde(borrow)]
            environments: Vec<&'a RawValue>,
        }
        match serde_json::from_slice::<RawDatabase<'_>>(&bytes) {
            Ok(raw) if raw.schema_version == SCHEMA_VERSION => {
                let texts: Vec<&str> = raw.environments.iter().map(|r| r.get()).collect();
                f(&texts)
            }
            // Anything unusual takes the full path, which explains what is wrong.
            _ => {
                self.load()?;
                Err(Error::CorruptDatabase {
                    path: self.db_path.clone(),
                    reason: "the environments could not be read".into(),
                    hint: "It was left untouched.".into(),
                })
            }
        }
    }

    /// The database file's bytes, read under the shared lock (`None` when
    /// there is no database yet). Refuses an unreadable file.
    pub fn snapshot(&self) -> Result<Option<Vec<u8>>> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Shared)?;
            let bytes = self.bytes()?;
            if bytes.is_some() {
                self.load()?;
            }
            Ok(bytes)
        })
    }

    /// Replaces the whole database (restore, reset) under the exclusive lock.
    /// This is the one write that does not read the current file first, so
    /// it also repairs an unreadable one.
    pub fn replace(&self, db: Database) -> Result<()> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Exclusive)?;
            atomic::remove_stale_temp_files(&self.dir, DATABASE_FILE);
            atomic::write(&self.db_path, &encode(&db)?)
        })
    }

    /// What identifies the database's content, cheaply: the file's length and
    /// a CRC-32 of its header line, which carries the CRC-32 of every
    /// environment line (a file envctl wrote); else a CRC-32 of the whole
    /// file (one edited by hand). Equal fingerprints mean equal content,
    /// unlike a size and a modification time, which two writes within one
    /// timestamp tick share. `None` when there is no file.
    /// A short read (the header line), never a lock wait.
    pub fn fingerprint(&self) -> Option<(u64, u32)> {
        content_fingerprint(&self.db_path)
    }

    /// Takes the maintenance lock that serialises cleanup, sync and reset runs
    /// (which must not overlap, though each takes the database lock only
    /// briefly). `wait` false: fail at once with [`Error::Busy`] when held.
    pub fn maintenance_lock(&self, wait: bool) -> Result<LockGuard> {
        let timeout = if wait {
            self.lock_timeout
        } else {
            Duration::ZERO
        };
        off_worker(|| {
            lock::acquire(
                &self.dir.join(MAINTENANCE_LOCK_FILE),
                &self.db_path,
                LockMode::Exclusive,
                timeout,
            )
        })
        .map_err(|e| match e {
            Error::Busy { waited, .. } => Error::MaintenanceBusy { waited },
            other => other,
        })
    }

    /// This installation's instance id, creating the database if it does not exist yet.
    pub fn instance_id(&self) -> Result<String> {
        if self.db_path.exists() {
            return Ok(self.read()?.instance_id);
        }
        self.update(|db| Ok(db.instance_id.clone()))
    }

    fn lock(&self, mode: LockMode) -> Result<lock::LockGuard> {
        lock::acquire(&self.lock_path, &self.db_path, mode, self.lock_timeout)
    }

    /// The file's bytes, or `None` when there is no database yet.
    fn bytes(&self) -> Result<Option<Vec<u8>>> {
        match std::fs::read(&self.db_path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&self.db_path)(e)),
        }
    }

    fn load(&self) -> Result<Database> {
        let Some(bytes) = self.bytes()? else {
            return Ok(Database::new());
        };
        parse(&bytes)
            .map_err(|reason| self.unreadable(reason))?
            .check_version(&self.db_path)
    }

    fn unreadable(&self, reason: ParseError) -> Error {
        match reason {
            ParseError::Newer(found) => Error::NewerSchema {
                path: self.db_path.clone(),
                found,
                supported: SCHEMA_VERSION,
            },
            ParseError::Invalid(reason) => Error::CorruptDatabase {
                path: self.db_path.clone(),
                reason,
                hint: match newest_backup(&self.dir.join(BACKUP_DIR)) {
                    Some(b) => format!(
                        "It was left untouched. Restore the newest backup with \
                         `envctl backup restore {}` (its bytes are kept as a backup too), \
                         or move it aside to start with an empty database.",
                        b.file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                    ),
                    None => "It was left untouched. Repair it, or move it aside to start \
                             with an empty database."
                        .into(),
                },
            },
        }
    }
}

/// The file's layout: compact JSON, one environment per line, so it reads
/// fast, diffs well and each line is exactly the object `--json` prints. The
/// header carries a CRC-32 of everything after it, so a reader can trust the
/// lines of a file envctl wrote without parsing them ([`checked_lines`]), and
/// falls back to parsing a file edited by hand.
fn encode(db: &Database) -> Result<Vec<u8>> {
    let json_error = |e: serde_json::Error| Error::Failed(format!("encoding the database: {e}"));
    let mut body = Vec::with_capacity(8 + db.environments.len() * 800);
    for (i, env) in db.environments.iter().enumerate() {
        body.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut body, env).map_err(json_error)?;
    }
    body.extend_from_slice(b"\n]}\n");
    let mut out = Vec::with_capacity(body.len() + 128);
    out.extend_from_slice(b"{\"schema_version\":");
    out.extend_from_slice(db.schema_version.to_string().as_bytes());
    out.extend_from_slice(b",\"instance_id\":");
    serde_json::to_writer(&mut out, &db.instance_id).map_err(json_error)?;
    out.extend_from_slice(
        format!(
            ",\"{CHECKSUM_KEY}\":\"{:08x}\"",
            crc32fast::hash(&body[1..])
        )
        .as_bytes(),
    );
    out.extend_from_slice(b",\"environments\":[");
    out.extend_from_slice(&body);
    Ok(out)
}

const CHECKSUM_KEY: &str = "environments_crc32";

/// The environment lines of a file in [`encode`]'s layout whose checksum
/// matches; `None` for anything else.
fn checked_lines(bytes: &[u8]) -> Option<Vec<&str>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (header, body) = text.split_once('\n')?;
    let header = header.strip_suffix("\"environments\":[")?;
    let version: u32 = header
        .strip_prefix("{\"schema_version\":")?
        .split(',')
        .next()?
        .parse()
        .ok()?;
    let (_, checksum) = header.rsplit_once(&format!("\"{CHECKSUM_KEY}\":\""))?;
    let checksum = checksum.strip_suffix("\",")?;
    if version != SCHEMA_VERSION || format!("{:08x}", crc32fast::hash(body.as_bytes())) != checksum
    {
        return None;
    }
    let body = body.strip_suffix("]}\n")?;
    let mut lines = Vec::new();
    for line in body.split_terminator('\n') {
        let line = line.strip_suffix(',').unwrap_or(line);
        if !(line.starts_with('{') && line.ends_with('}')) {
            return None;
        }
        lines.push(line);
    }
    Some(lines)
}

enum ParseError {
    Newer(u32),
    Invalid(String),
}

fn parse(bytes: &[u8]) -> Result<Database, ParseError> {
    match serde_json::from_slice::<Database>(bytes) {
        Ok(db) => Ok(db),
        Err(full) => {
            // A newer schema may not parse as ours at all: say "newer", not "corrupt".
            #[derive(Deserialize)]
            struct Probe {
                schema_version: u32,
            }
            match serde_json::from_slice::<Probe>(bytes) {
                Ok(p) if p.schema_version > SCHEMA_VERSION => {
                    Err(ParseError::Newer(p.schema_version))
                }
                _ => Err(ParseError::Invalid(full.to_string())),
            }
        }
    }
}

impl Database {
    fn check_version(self, path: &Path) -> Result<Database> {
        if self.schema_version > SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: path.to_owned(),
                found: self.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        if self.schema_version == 0 {
            return Err(Error::CorruptDatabase {
                path: path.to_owned(),
                reason: "schema_version 0 is not a version envctl ever wrote".into(),
                hint: "It was left untouched.".into(),
            });
        }
        Ok(self)
    }
}

fn newest_backup(dir: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .max_by_key(|p| p.file_name().map(|n| n.to_owned()))
}

/// A warning when `dir` (a data directory) is writable by its group or by
/// everyone: whoever can write there can plant files beside the database.
pub fn permission_warning(dir: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).ok()?.permissions().mode() & 0o7777;
    (mode & 0o022 != 0).then(|| {
        format!(
            "data directory {} is writable by {} (mode {mode:04o}); anyone who can write \
             there can plant files beside the database. Run `chmod 700 {}`.",
            dir.display(),
            if mode & 0o002 != 0 {
                "everyone"
            } else {
                "its group"
            },
            dir.display()
        )
    })
}

fn content_fingerprint(path: &Path) -> Option<(u64, u32)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = Vec::with_capacity(512);
    file.by_ref().take(512).read_to_end(&mut head).ok()?;
    if let Some(end) = head.iter().position(|&b| b == b'\n') {
        let header = &head[..end];
        if header
            .windows(CHECKSUM_KEY.len())
            .any(|w| w == CHECKSUM_KEY.as_bytes())
        {
            return Some((len, crc32fast::hash(header)));
        }
    }
    let bytes = std::fs::read(path).ok()?;
    Some((bytes.len() as u64, crc32fast::hash(&bytes)))
}

/// A CRC-32 of a whole (small) file and its length: the token file's
/// fingerprint for caches. `None` when it does not exist.
pub fn file_fingerprint(path: &Path) -> Option<(u64, u32)> {
    let bytes = std::fs::read(path).ok()?;
    Some((bytes.len() as u64, crc32fast::hash(&bytes)))
}

/// Creates `dir` (and its parents) 0700 when missing.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(Error::io(dir))
}

/// [`create_private_dir`] for envctl's own subdirectories (backups,
/// secrets): an existing one made by an older envctl is made 0700 too.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    create_private_dir(dir)?;
    let mode = std::fs::metadata(dir)
        .map_err(Error::io(dir))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(Error::io(dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Duration::from_millis(200)).unwrap();
        (dir, store)
    }

    #[test]
    fn missing_file_reads_as_empty_and_update_creates_it() {
        let (_d, store) = store();
        assert!(store.read().unwrap().environments.is_empty());
        let id = store.instance_id().unwrap();
        assert_eq!(store.read().unwrap().instance_id, id);
        assert_eq!(store.instance_id().unwrap(), id);
    }

    #[test]
    fn failed_change_writes_nothing() {
        let (_d, store) = store();
        store.instance_id().unwrap();
        let before = std::fs::read(store.path()).unwrap();
        let r: Result<()> = store.update(|db| {
            db.instance_id = "changed".into();
            Err(Error::Failed("no".into()))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(store.path()).unwrap(), before);
    }

    #[test]
    fn corrupt_file_is_refused_and_left_untouched() {
        let (_d, store) = store();
        std::fs::write(store.path(), b"{\"schema_version\": 1, \"instance_id\": ").unwrap();
        let err = store.update(|_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
        assert!(err.to_string().contains("environments.json"));
        assert_eq!(
            std::fs::read(store.path()).unwrap(),
            b"{\"schema_version\": 1, \"instance_id\": "
        );
    }

    #[test]
    fn the_file_holds_one_environment_per_line_and_reads_back_the_same() {
        let (_d, store) = store();
        let env: Environment = serde_json::from_str(SAMPLE).unwrap();
        store
            .update(|db| {
                db.environments.push(env.clone());
                let mut second = env.clone();
                second.id = "00000002".into();
                db.environments.push(second);
                Ok(())
            })
            .unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert_eq!(store.read().unwrap().environments[0], env);
        let raw: Vec<String> = store
            .read_raw(|envs| Ok(envs.iter().map(|r| r.to_string()).collect()))
            .unwrap();
        assert_eq!(raw.len(), 2);
        assert_eq!(serde_json::from_str::<Environment>(&raw[0]).unwrap(), env);
    }

    const SAMPLE: &str = r#"{"id":"00000001","name":"a","template":"t","owner":"o","status":"running",
        "ready":true,"base_port":8090,"port_count":1,"ports":{"web":8090},"urls":{"web":"http://localhost:8090"},
        "services":{"web":{"image":"i","container":"envctl-00000001-web","ready":true}},
        "created_at":"2026-11-26T12:00:00Z","updated_at":"2026-11-26T12:00:00Z","expires_at":null,
        "labels":{},"error":null,"pinned":false,"operation":null}"#;

    #[test]
    fn a_file_edited_by_hand_is_parsed_instead_of_trusted() {
        let (_d, store) = store();
        let env: Environment = serde_json::from_str(SAMPLE).unwrap();
        store
            .update(|db| {
                db.environments.push(env.clone());
                Ok(())
            })
            .unwrap();
        let written = std::fs::read(store.path()).unwrap();
        assert!(checked_lines(&written).is_some());
        // Same content, different bytes: the checksum no longer matches.
        let edited = String::from_utf8(written)
            .unwrap()
            .replace("\"owner\":\"o\"", "\"owner\" : \"o\"");
        std::fs::write(store.path(), &edited).unwrap();
        assert!(checked_lines(edited.as_bytes()).is_none());
        let texts: Vec<String> = store
            .read_raw(|envs| Ok(envs.iter().map(|r| r.to_string()).collect()))
            .unwrap();
        assert_eq!(serde_json::from_str::<Environment>(&texts[0]).unwrap(), env);
        // A broken edit is refused, not passed through.
        std::fs::write(
            store.path(),
            edited.replace("\"name\":\"a\",", "\"name\":\"a\""),
        )
        .unwrap();
        assert!(store.read_raw(|_| Ok(())).is_err());
    }

    #[test]
    fn an_empty_database_has_no_lines() {
        let (_d, store) = store();
        store.update(|_| Ok(())).unwrap();
        assert_eq!(
            checked_lines(&std::fs::read(store.path()).unwrap()),
            Some(vec![])
        );
    }

    #[test]
    fn newer_schema_is_refused() {
        let (_d, store) = store();
        std::fs::write(
            store.path(),
            br#"{"schema_version": 9, "instance_id": "x", "things": []}"#,
        )
        .unwrap();
        let err = store.read().unwrap_err();
        assert!(matches!(err, Error::NewerSchema { found: 9, .. }), "{err}");
    }

    #[test]
    fn a_held_lock_times_out_as_busy() {
        let (_d, store) = store();
        let path = store.dir().join(LOCK_FILE);
        let holder = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap();
        holder.lock().unwrap();
        let err = store.update(|_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Busy { .. }), "{err}");
        assert_eq!(err.exit_code(), crate::error::exit::BUSY);
        // Readers wait for writers too.
        assert!(matches!(store.read().unwrap_err(), Error::Busy { .. }));
        holder.unlock().unwrap();
        store.update(|_| Ok(())).unwrap();
    }
}
