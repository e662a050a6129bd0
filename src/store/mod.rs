//! The environments database: `environments.json` in the data directory (the
//! snapshot), `environments.json.journal` beside it once the database is
//! large, guarded by `environments.json.lock`.
//!
//! Readers take the lock shared, writers exclusive, each with a timeout.
//! A small database (under [`JOURNAL_FROM_BYTES`]) is rewritten whole by every
//! write, atomically and durably (temp file in the same directory, fsync,
//! rename over, fsync the directory), so a crash at any instant leaves the old
//! or the new file. A larger one is not: a write appends the records it
//! changed to the [`journal`] (JSON lines, each with a sequence number and a
//! CRC-32) and fsyncs that, so its cost follows the change, not the database.
//! When the journal outgrows a quarter of the snapshot, the writer folds it
//! into a new snapshot (the atomic rewrite) and removes it: amortised, a write
//! still costs what it changed. Readers take the snapshot and replay the
//! journal paired with it; a journal left beside a newer snapshot (a crash
//! between the two steps of a compaction) names another snapshot and is
//! ignored. A crash in the middle of an append leaves a torn last line, which
//! readers ignore and the next writer cuts off.
//!
//! Each process keeps the database it last read in memory, with the
//! identity of the snapshot and how far into the journal it has read: the
//! next read or write under the lock `stat`s the snapshot and reads only the
//! journal's new lines. A large snapshot is kept as its lines and a record
//! is decoded when something asks for it ([`records`]): `insert` and
//! `commit`, all a create writes, decode no other record, and whatever
//! reads the database whole decodes it once. `update` finds what its change
//! touched by comparing records with a copy taken before; `commit` and
//! `insert` know (one record).
//!
//! Today's single-file database is a snapshot with no journal: nothing to
//! migrate. A file edited by hand (its checksum no longer matches) gets no
//! journal replayed onto it and is rewritten whole by the next write. An
//! unreadable file (or a damaged journal line before the last) is never
//! overwritten: every command refuses with an error naming it until someone
//! restores or moves it.
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
pub mod journal;
pub(crate) mod lock;
mod model;
mod records;
pub mod runs;
pub mod secrets;
mod snapshot;
pub mod state;
pub mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::value::RawValue;

pub use model::{Database, Environment, Node, Operation, SCHEMA_VERSION, ServiceState, Status};
use records::Records;
pub use records::{Brief, Roster};
use snapshot::{
    ParseError, checked_body, content_fingerprint, encode, lines_of, pairing_of, parse,
};

use crate::error::{Error, Result};
pub use lock::Mode as LockMode;

pub const DATABASE_FILE: &str = "environments.json";
pub const LOCK_FILE: &str = "environments.json.lock";
pub const BACKUP_DIR: &str = "backups";
pub const MAINTENANCE_LOCK_FILE: &str = "maintenance.lock";
pub use journal::JOURNAL_FILE;

/// From this snapshot size on, writes go to the journal; below it a rewrite
/// of the whole file costs no more than an append (about 300 environments).
pub const JOURNAL_FROM_BYTES: u64 = 256 * 1024;

/// Overrides [`JOURNAL_FROM_BYTES`] (tests set 0 to journal every write).
pub const JOURNAL_FROM_ENV: &str = "ENVCTL_JOURNAL_FROM_BYTES";

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

/// Handle on the database in one data directory. Clones share the database
/// last read (see the module doc).
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    db_path: PathBuf,
    journal_path: PathBuf,
    lock_path: PathBuf,
    lock_timeout: Duration,
    journal_from: u64,
    cache: Arc<Mutex<Option<Loaded>>>,
}

/// The database as read, and what it was read from.
struct Loaded {
    /// The snapshot file's identity (`None`: there was none).
    snapshot: Option<FileId>,
    /// What a journal must name to belong to the snapshot (`None`: a
    /// snapshot not in envctl's checked layout, which gets no journal).
    pairing: Option<journal::Pairing>,
    /// The paired journal as far as it was read.
    journal: Option<journal::Position>,
    records: Records,
}

/// Not the records: a store in a debug print must not print the database.
impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("snapshot", &self.snapshot)
            .field("journal", &self.journal)
            .field("environments", &self.records.len())
            .finish()
    }
}

/// A file's device, inode, length and modification time: every snapshot
/// write is a new file (a rename), so a change shows here.
type FileId = (u64, u64, u64, i64, i64);

fn file_id(path: &Path) -> Result<Option<FileId>> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(path) {
        Ok(m) => Ok(Some((m.dev(), m.ino(), m.len(), m.mtime(), m.mtime_nsec()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path)(e)),
    }
}

/// What an update changed, as journal entries: a record (its index in the
/// new list) or a removed id.
#[derive(Debug, PartialEq)]
enum Diff {
    Put(usize),
    Delete(String),
}

/// The entries that turn `before` into `after` when replayed (puts in place,
/// new records appended, deletes), or `None` when no replay can (the
/// header changed, records were reordered, an id appears twice): then the
/// snapshot is rewritten.
fn diff(before: &Database, after: &Database) -> Option<Vec<Diff>> {
    use std::collections::HashSet;
    if before.schema_version != after.schema_version || before.instance_id != after.instance_id {
        return None;
    }
    let (old, new) = (&before.environments, &after.environments);
    let mut changes = Vec::new();
    // The common case: records changed in place, some added at the end.
    if new.len() >= old.len() && old.iter().zip(new).all(|(o, n)| o.id == n.id) {
        for (i, (o, n)) in old.iter().zip(new).enumerate() {
            if o != n {
                changes.push(Diff::Put(i));
            }
        }
        if new.len() > old.len() {
            let mut ids: HashSet<&str> = old.iter().map(|e| e.id.as_str()).collect();
            for (i, n) in new.iter().enumerate().skip(old.len()) {
                if !ids.insert(&n.id) {
                    return None;
                }
                changes.push(Diff::Put(i));
            }
        }
        return Some(changes);
    }
    let mut positions: HashMap<&str, usize> = HashMap::with_capacity(new.len());
    for (i, n) in new.iter().enumerate() {
        if positions.insert(&n.id, i).is_some() {
            return None;
        }
    }
    // Kept records must come first, in their old order; new ones after.
    let mut kept = 0;
    for o in old {
        match positions.get(o.id.as_str()) {
            None => changes.push(Diff::Delete(o.id.clone())),
            Some(&i) if i == kept => {
                if *o != new[i] {
                    changes.push(Diff::Put(i));
                }
                kept += 1;
            }
            Some(_) => return None,
        }
    }
    changes.extend((kept..new.len()).map(Diff::Put));
    Some(changes)
}

impl Store {
    /// Changes one record under the lock, unless it was deleted (or is being
    /// deleted) meanwhile, which is a [`Error::Conflict`] that stops the caller.
    /// Stamps `updated_at`. Writes that record alone (no comparison of the
    /// rest, as [`Store::update`] makes).
    pub fn commit(
        &self,
        id: &str,
        change: impl FnOnce(&mut Environment) -> Result<()>,
    ) -> Result<Environment> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Exclusive)?;
            self.remove_stale_temp_files();
            self.with_loaded(|loaded| {
                let index = loaded.records.position(id).ok_or_else(|| {
                    Error::Conflict(format!("environment {id} was deleted meanwhile"))
                })?;
                let mut env = loaded.records.get(index).map_err(|u| self.undecodable(u))?;
                if env.status == Status::Deleting {
                    return Err(Error::Conflict(format!(
                        "environment '{}' is being deleted",
                        env.name
                    )));
                }
                change(&mut env)?;
                env.updated_at = chrono::Utc::now();
                loaded.records.set(index, env.clone());
                self.persist(loaded, Some(vec![Diff::Put(index)]))?;
                Ok(env)
            })
        })
    }

    /// Opens (creating the directory if needed) the database in `dir`.
    pub fn open(dir: &Path, lock_timeout: Duration) -> Result<Store> {
        create_private_dir(dir)?;
        Ok(Store {
            dir: dir.to_owned(),
            db_path: dir.join(DATABASE_FILE),
            journal_path: dir.join(JOURNAL_FILE),
            lock_path: dir.join(LOCK_FILE),
            lock_timeout,
            journal_from: std::env::var(JOURNAL_FROM_ENV)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(JOURNAL_FROM_BYTES),
            cache: Arc::default(),
        })
    }

    /// The same store with writes going to the journal from a snapshot of
    /// `bytes` on (instead of [`JOURNAL_FROM_BYTES`]; tests and benchmarks).
    pub fn with_journal_from(mut self, bytes: u64) -> Store {
        self.journal_from = bytes;
        self
    }

    /// The journal's path (it exists only for a large database).
    pub fn journal_path(&self) -> &Path {
        &self.journal_path
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
            self.with_loaded(|loaded| Ok(self.decoded(&mut loaded.records)?.clone()))
        })
    }

    /// Answers `f` of the database, read under a shared lock, without the
    /// copy [`Store::read`] makes (at 10,000 records, the copy is most of a
    /// warm read's cost).
    pub fn view<T>(&self, f: impl FnOnce(&Database) -> T) -> Result<T> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Shared)?;
            self.with_loaded(|loaded| Ok(f(self.decoded(&mut loaded.records)?)))
        })
    }

    /// Reads, changes and writes the database under the exclusive lock.
    /// Nothing is written when `change` fails, nor when it changed nothing
    /// (once the file exists). Only the records that differ afterwards are
    /// written (see the module doc).
    pub fn update<T>(&self, change: impl FnOnce(&mut Database) -> Result<T>) -> Result<T> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Exclusive)?;
            self.remove_stale_temp_files();
            self.with_loaded(|loaded| {
                let db = self.decoded(&mut loaded.records)?;
                let before = db.clone();
                let value = match change(db) {
                    Ok(value) => value,
                    Err(e) => {
                        *db = before;
                        return Err(e);
                    }
                };
                let changes = diff(&before, db);
                self.persist(loaded, changes)?;
                Ok(value)
            })
        })
    }

    /// Adds the record `make` builds under the exclusive lock, from the
    /// [`Roster`] of those already there (a new environment's name, id and
    /// ports are checked against the others). Nothing is written when `make`
    /// fails. Cheaper than [`Store::update`] at scale: no record is decoded
    /// whole, copied or compared, and only the new one is written.
    pub fn insert<T>(&self, make: impl FnOnce(&Roster) -> Result<(Environment, T)>) -> Result<T> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Exclusive)?;
            self.remove_stale_temp_files();
            self.with_loaded(|loaded| {
                let (env, value) = {
                    let roster = loaded.records.roster().map_err(|u| self.undecodable(u))?;
                    let (env, value) = make(&roster)?;
                    if roster.has_id(&env.id) {
                        return Err(Error::Conflict(format!(
                            "an environment with id {} already exists",
                            env.id
                        )));
                    }
                    (env, value)
                };
                let at = loaded.records.push(env);
                self.persist(loaded, Some(vec![Diff::Put(at)]))?;
                Ok(value)
            })
        })
    }

    /// Folds the journal into a new snapshot (under the exclusive lock), if
    /// there is one; true when it did. Writes do this themselves when the
    /// journal grows past a quarter of the snapshot.
    pub fn compact(&self) -> Result<bool> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Exclusive)?;
            self.remove_stale_temp_files();
            self.with_loaded(|loaded| {
                if loaded.journal.is_none() {
                    return Ok(false);
                }
                self.write_snapshot(loaded)?;
                Ok(true)
            })
        })
    }

    /// Runs `f` on the database brought up to date with the files (the lock
    /// is held by the caller). A failure of `f` or of the refresh forgets the
    /// copy in memory, so the next call reads the files again. When another
    /// thread of this process holds the copy, `f` gets a fresh one of its
    /// own (so a call nested in an update can never deadlock).
    fn with_loaded<T>(&self, f: impl FnOnce(&mut Loaded) -> Result<T>) -> Result<T> {
        let mut own = None;
        let mut shared = match self.cache.try_lock() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        };
        let slot: &mut Option<Loaded> = match shared.as_deref_mut() {
            Some(slot) => slot,
            None => &mut own,
        };
        let result = self.refresh(slot).and_then(|()| match slot.as_mut() {
            Some(loaded) => f(loaded),
            None => Err(Error::Failed("the database was not loaded".into())),
        });
        if result.is_err() {
            *slot = None;
        }
        result
    }

    /// Brings `slot` up to date: the journal's new lines when the snapshot
    /// is the one read before, else everything.
    fn refresh(&self, slot: &mut Option<Loaded>) -> Result<()> {
        let id = file_id(&self.db_path)?;
        if let Some(loaded) = slot.as_mut()
            && loaded.snapshot == id
            && self.catch_up(loaded)?
        {
            return Ok(());
        }
        *slot = None;
        let Some(bytes) = self.bytes()? else {
            *slot = Some(Loaded {
                snapshot: None,
                pairing: None,
                journal: None,
                records: Records::Decoded(Database::new()),
            });
            return Ok(());
        };
        let (records, pairing) = self.decode(bytes)?;
        let mut loaded = Loaded {
            snapshot: id,
            pairing,
            journal: None,
            records,
        };
        self.catch_up(&mut loaded)?;
        *slot = Some(loaded);
        Ok(())
    }

    /// A snapshot's records: kept as lines when it is large and in envctl's
    /// layout (decoded when asked for, see [`records`]), else decoded whole.
    /// With what a journal must name to belong to it.
    fn decode(&self, bytes: Vec<u8>) -> Result<(Records, Option<journal::Pairing>)> {
        let bytes = if bytes.len() as u64 >= self.journal_from {
            match String::from_utf8(bytes) {
                Ok(text) => match Records::lines(text) {
                    Ok((records, pairing)) => return Ok((records, Some(pairing))),
                    Err(text) => text.into_bytes(),
                },
                Err(e) => e.into_bytes(),
            }
        } else {
            bytes
        };
        let db = parse(&bytes)
            .map_err(|reason| self.unreadable(reason))?
            .check(&self.db_path)?;
        Ok((Records::Decoded(db), pairing_of(&bytes)))
    }

    /// Replays the journal's lines `loaded` has not read yet. False when the
    /// journal is not the one read before (read everything again).
    fn catch_up(&self, loaded: &mut Loaded) -> Result<bool> {
        let Some(pairing) = loaded.pairing else {
            return Ok(true);
        };
        let (ino, bytes, start, from) = match loaded.journal {
            // The same journal, no shorter than what was read: its new lines.
            Some(pos) => match journal::read_from(&self.journal_path, pos.len)? {
                Some((ino, len, bytes)) if ino == pos.ino && len >= pos.len => (ino, bytes, 0, pos),
                _ => return Ok(false),
            },
            None => match self.paired_journal(pairing)? {
                Some((ino, bytes, header)) => (
                    ino,
                    bytes,
                    header,
                    journal::Position {
                        ino,
                        len: header as u64,
                        next_seq: 1,
                    },
                ),
                None => return Ok(true),
            },
        };
        let entries = journal::entries(&bytes[start..], from.next_seq, &self.journal_path)?;
        loaded.records.replay(&entries.ops, &self.journal_path)?;
        loaded.journal = Some(journal::Position {
            ino,
            len: from.len + entries.valid as u64,
            next_seq: entries.next_seq,
        });
        Ok(true)
    }

    /// The journal paired with the snapshot `pairing` names: its inode,
    /// bytes and header length. `None` when there is none (or a stale one).
    fn paired_journal(&self, pairing: journal::Pairing) -> Result<Option<(u64, Vec<u8>, usize)>> {
        match journal::read_from(&self.journal_path, 0)? {
            Some((ino, _, bytes)) if !bytes.is_empty() => {
                Ok(journal::header_len(&bytes, pairing, &self.journal_path)?
                    .map(|header| (ino, bytes, header)))
            }
            _ => Ok(None),
        }
    }

    /// Writes what `changes` says changed in the records: to the journal when
    /// the snapshot is large and in envctl's layout, else (or when the
    /// journal outgrew its share) a whole new snapshot.
    fn persist(&self, loaded: &mut Loaded, changes: Option<Vec<Diff>>) -> Result<()> {
        if changes.as_ref().is_some_and(|c| c.is_empty()) && loaded.snapshot.is_some() {
            return Ok(());
        }
        if let (Some(changes), Some(pairing), Some(snapshot)) =
            (changes, loaded.pairing, loaded.snapshot)
            && snapshot.2 >= self.journal_from
        {
            let entries: Vec<journal::Change<'_>> = changes
                .iter()
                .map(|c| match c {
                    Diff::Put(i) => loaded
                        .records
                        .decoded(*i)
                        .map(journal::Change::Put)
                        .ok_or_else(|| {
                            Error::Failed(format!("internal: record {i} was written undecoded"))
                        }),
                    Diff::Delete(id) => Ok(journal::Change::Delete(id)),
                })
                .collect::<Result<_>>()?;
            let count = entries.len() as u64;
            let next_seq = loaded.journal.map_or(1, |p| p.next_seq);
            let lines = journal::encode(&entries, next_seq)?;
            drop(entries);
            let limit = snapshot.2.max(self.journal_from) / 4;
            let journal_after = loaded
                .journal
                .map_or(pairing.header().len() as u64, |p| p.len)
                + lines.len() as u64;
            if journal_after > limit {
                // The compaction below decodes every record: a record that
                // does not read must stop the write before it is made.
                self.decoded(&mut loaded.records)?;
            }
            let position = match loaded.journal {
                Some(at) => journal::append(&self.journal_path, at, &lines, count)?,
                None => journal::create(&self.journal_path, pairing, &lines, count)?,
            };
            loaded.journal = Some(position);
            if position.len <= limit {
                return Ok(());
            }
        }
        self.write_snapshot(loaded)
    }

    /// Writes the records as a new snapshot and removes the journal.
    fn write_snapshot(&self, loaded: &mut Loaded) -> Result<()> {
        let bytes = encode(self.decoded(&mut loaded.records)?)?;
        atomic::write(&self.db_path, &bytes)?;
        loaded.snapshot = file_id(&self.db_path)?;
        loaded.pairing = pairing_of(&bytes);
        loaded.journal = None;
        journal::remove(&self.journal_path)
    }

    fn remove_stale_temp_files(&self) {
        atomic::remove_stale_temp_files(&self.dir, DATABASE_FILE);
        atomic::remove_stale_temp_files(&self.dir, JOURNAL_FILE);
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
        // One pass of checks over the snapshot serves both the lines and the pairing.
        if let Some((crc, body)) = checked_body(&bytes)
            && let Some(mut lines) = lines_of(body)
        {
            let pairing = journal::Pairing {
                crc,
                bytes: bytes.len() as u64,
            };
            let journal = self.paired_journal(pairing)?;
            if let Some((_, text, header)) = &journal {
                let entries = journal::entries(&text[*header..], 1, &self.journal_path)?;
                journal::apply(
                    &mut lines,
                    entries.ops.iter().map(|op| {
                        Ok(match *op {
                            journal::Op::Put { id, json } => (id.to_owned(), Some(json)),
                            journal::Op::Delete(id) => (id.to_owned(), None),
                        })
                    }),
                    |line| journal::record_id(line).unwrap_or_default(),
                )?;
            }
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

    /// The database as one self-contained file in the snapshot's layout,
    /// read under the shared lock (`None` when there is no database yet):
    /// the snapshot's bytes, or with a journal the merged state encoded
    /// anew. Refuses an unreadable database.
    pub fn snapshot(&self) -> Result<Option<Vec<u8>>> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Shared)?;
            self.with_loaded(|loaded| match (loaded.snapshot, loaded.journal) {
                (None, _) => Ok(None),
                (Some(_), Some(_)) => encode(self.decoded(&mut loaded.records)?).map(Some),
                (Some(_), None) => self.bytes(),
            })
        })
    }

    /// Replaces the whole database (restore, reset) under the exclusive lock:
    /// a new snapshot, and no journal. This is the one write that does not
    /// read the current files first, so it also repairs unreadable ones.
    pub fn replace(&self, db: Database) -> Result<()> {
        off_worker(|| {
            let _guard = self.lock(LockMode::Exclusive)?;
            self.remove_stale_temp_files();
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            *cache = None;
            atomic::write(&self.db_path, &encode(&db)?)?;
            journal::remove(&self.journal_path)
        })
    }

    /// What identifies the database's content, cheaply: the snapshot's
    /// length and a CRC-32 of its header line, which carries the CRC-32 of
    /// every environment line (a file envctl wrote); else a CRC-32 of the
    /// whole file (one edited by hand). With a journal, its length and last
    /// bytes (the last entry's checksum) join in: every write appends.
    /// Equal fingerprints mean equal content, unlike a size and a
    /// modification time, which two writes within one timestamp tick share.
    /// `None` when there is no file. Short reads, never a lock wait.
    pub fn fingerprint(&self) -> Option<(u64, u32)> {
        let (len, crc) = content_fingerprint(&self.db_path)?;
        match journal_tail(&self.journal_path) {
            Some((journal_len, tail)) => {
                let mut hasher = crc32fast::Hasher::new();
                hasher.update(&crc.to_le_bytes());
                hasher.update(&journal_len.to_le_bytes());
                hasher.update(&tail);
                Some((len + journal_len, hasher.finalize()))
            }
            None => Some((len, crc)),
        }
    }

    /// The files the database is made of (for callers that `stat` them to
    /// notice a change): the snapshot and the journal.
    pub fn files(&self) -> [&Path; 2] {
        [&self.db_path, &self.journal_path]
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
            return off_worker(|| {
                let _guard = self.lock(LockMode::Shared)?;
                self.with_loaded(|loaded| Ok(loaded.records.instance_id().to_owned()))
            });
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
        let mut fresh = None;
        self.refresh(&mut fresh)?;
        match fresh {
            Some(mut loaded) => Ok(std::mem::take(self.decoded(&mut loaded.records)?)),
            None => Ok(Database::new()),
        }
    }

    /// Every record decoded (see [`Records::database`]).
    fn decoded<'a>(&self, records: &'a mut Records) -> Result<&'a mut Database> {
        records.database().map_err(|u| self.undecodable(u))
    }

    /// The error for a record that does not decode, naming its file.
    fn undecodable(&self, u: records::Undecodable) -> Error {
        let what = format!(
            "environment {} (record {}) does not read: {}",
            u.id,
            u.index + 1,
            u.error
        );
        if u.from_journal {
            journal::damaged(&self.journal_path, what)
        } else {
            self.unreadable(ParseError::Invalid(what))
        }
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

/// The journal's length and its last bytes; `None` when there is none.
fn journal_tail(path: &Path) -> Option<(u64, Vec<u8>)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(64))).ok()?;
    let mut tail = Vec::with_capacity(64);
    file.read_to_end(&mut tail).ok()?;
    Some((len, tail))
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
    use super::snapshot::{PARALLEL_FROM, checked_lines, parse_parallel};
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
    fn a_hand_edit_that_gives_two_records_one_id_or_one_name_is_refused_and_kept() {
        let (_d, store) = store();
        let env: Environment = serde_json::from_str(SAMPLE).unwrap();
        let mut other = env.clone();
        other.id = "0000000b".into();
        other.name = "b".into();
        let file = |environments: [&Environment; 2]| {
            serde_json::to_string(&serde_json::json!({
                "schema_version": SCHEMA_VERSION,
                "instance_id": "i",
                "environments": environments,
            }))
            .unwrap()
        };
        for (field, id, name) in [("id", env.id.as_str(), "b"), ("name", "0000000b", "a")] {
            let copy = Environment {
                id: id.into(),
                name: name.into(),
                ..env.clone()
            };
            let text = file([&env, &copy]);
            std::fs::write(store.path(), &text).unwrap();
            let err = fresh(&store).read().unwrap_err();
            assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
            let shown = err.to_string();
            assert!(
                shown.contains(&format!("records 1 and 2 have the same {field}")),
                "{shown}"
            );
            let err = fresh(&store).update(|_| Ok(())).unwrap_err();
            assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
            assert_eq!(
                std::fs::read_to_string(store.path()).unwrap(),
                text,
                "untouched"
            );
        }
        // Two distinct records read as they are.
        std::fs::write(store.path(), file([&env, &other])).unwrap();
        assert_eq!(fresh(&store).read().unwrap().environments.len(), 2);
    }

    #[test]
    fn a_large_database_decodes_on_several_threads_to_the_same_records() {
        let env: Environment = serde_json::from_str(SAMPLE).unwrap();
        let mut db = Database::new();
        for i in 0..1000 {
            let mut e = env.clone();
            e.id = format!("{i:08x}");
            e.name = format!("env-{i}");
            db.environments.push(e);
        }
        let bytes = encode(&db).unwrap();
        assert!(bytes.len() >= PARALLEL_FROM, "{} bytes", bytes.len());
        let parallel = parse_parallel(&bytes).expect("decodes");
        assert_eq!(parallel.environments, db.environments);
        assert_eq!(parallel.instance_id, db.instance_id);
        // A damaged record is left to the one-thread path, which says what is wrong.
        let text = String::from_utf8(bytes).unwrap();
        let damaged = text.replacen("\"env-500\"", "\"env-500\",\"ready\":7", 1);
        assert!(parse_parallel(damaged.as_bytes()).is_none());
        assert!(matches!(
            parse(damaged.as_bytes()),
            Err(ParseError::Invalid(_))
        ));
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

    fn journalled() -> (tempfile::TempDir, Store) {
        let (d, store) = store();
        (d, store.with_journal_from(0))
    }

    fn record(i: u32) -> Environment {
        let mut env: Environment = serde_json::from_str(SAMPLE).unwrap();
        env.id = format!("{i:08x}");
        env.name = format!("dev-{i}");
        env
    }

    /// What a process that never read this database before sees.
    fn fresh(store: &Store) -> Store {
        Store::open(store.dir(), Duration::from_millis(200))
            .unwrap()
            .with_journal_from(store.journal_from)
    }

    fn raw_names(store: &Store) -> Vec<String> {
        store
            .read_raw(|envs| {
                Ok(envs
                    .iter()
                    .map(|r| serde_json::from_str::<Environment>(r).unwrap().name)
                    .collect())
            })
            .unwrap()
    }

    fn names(db: &Database) -> Vec<String> {
        db.environments.iter().map(|e| e.name.clone()).collect()
    }

    fn seed(store: &Store, n: u32) {
        store
            .replace(Database {
                environments: (0..n).map(record).collect(),
                ..Database::new()
            })
            .unwrap();
    }

    #[test]
    fn insert_appends_one_record_to_the_journal_and_a_failure_or_a_taken_id_writes_nothing() {
        let (_d, store) = journalled();
        seed(&store, 40);
        let snapshot = std::fs::read(store.path()).unwrap();
        let name = store
            .insert(|others| {
                assert_eq!(others.len(), 40);
                assert_eq!(
                    others.find("dev-3").map(|b| b.id.to_string()),
                    Some(record(3).id)
                );
                Ok((record(40), "dev-40"))
            })
            .unwrap();
        assert_eq!(name, "dev-40");
        // Only the journal was written, with the one new record.
        assert_eq!(std::fs::read(store.path()).unwrap(), snapshot);
        let journal = std::fs::read_to_string(store.journal_path()).unwrap();
        assert_eq!(journal.lines().count(), 2, "{journal}");
        let before = std::fs::read(store.journal_path()).unwrap();
        let failed: Result<()> = store.insert(|_| Err(Error::InvalidInput("no".into())));
        assert!(failed.is_err());
        let taken = store.insert(|_| Ok((record(3), ())));
        assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
        assert_eq!(std::fs::read(store.journal_path()).unwrap(), before);
        let read = fresh(&store).read().unwrap();
        assert_eq!(read.environments.len(), 41);
        assert_eq!(read.environments[40].name, "dev-40");
    }

    /// Whether this store holds its records as lines (nothing decoded whole).
    fn held_as_lines(store: &Store) -> bool {
        let cache = store.cache.lock().unwrap();
        matches!(cache.as_ref().map(|l| &l.records), Some(Records::Lines(_)))
    }

    #[test]
    fn a_create_s_writes_decode_only_the_record_they_touch() {
        let (_d, store) = journalled();
        seed(&store, 40);
        // Another process's journal entries, replayed as text.
        store
            .update(|db| {
                db.get_mut("dev-2")?.base_port = 9000;
                db.remove("00000004");
                Ok(())
            })
            .unwrap();
        let process = fresh(&store);
        process
            .commit("00000006", |e| {
                e.owner = "dana".into();
                Ok(())
            })
            .unwrap();
        let before = store.read().unwrap();
        let id = process
            .insert(|others| {
                // Snapshot lines, a journal entry and a record this process changed.
                assert_eq!(others.len(), 39);
                assert_eq!(others.find("dev-2").unwrap().base_port, 9000);
                assert!(others.find("dev-4").is_none());
                assert_eq!(others.find("dev-6").unwrap().id, "00000006");
                assert!(others.has_id("00000007"));
                assert_eq!(others.instance_id, before.instance_id);
                let expected: Vec<_> = before.environments.iter().map(|e| e.port_range()).collect();
                assert_eq!(others.port_ranges(), expected);
                let mut new = record(50);
                new.status = Status::Creating;
                Ok((new.clone(), new.id))
            })
            .unwrap();
        process
            .commit(&id, |e| e.transition(Status::Prepared))
            .unwrap();
        assert!(held_as_lines(&process), "a create decodes no other record");
        // A view decodes everything once, changed records included.
        let db = process.read().unwrap();
        assert!(!held_as_lines(&process));
        assert_eq!(db.environments.len(), 40);
        assert_eq!(db.get("dev-6").unwrap().owner, "dana");
        assert_eq!(db.get("dev-50").unwrap().status, Status::Prepared);
        assert_eq!(db.environments.last().unwrap().id, id);
        assert_eq!(names(&db), names(&fresh(&store).read().unwrap()));
    }

    #[test]
    fn writes_append_to_the_journal_and_a_fresh_reader_replays_it() {
        let (_d, store) = journalled();
        seed(&store, 40);
        let snapshot = std::fs::read(store.path()).unwrap();
        store
            .commit("00000003", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        store
            .update(|db| {
                db.remove("00000005");
                db.environments.push(record(100));
                db.get_mut("dev-7")?.owner = "bob".into();
                Ok(())
            })
            .unwrap();
        assert_eq!(
            std::fs::read(store.path()).unwrap(),
            snapshot,
            "the snapshot is not rewritten"
        );
        let journal = std::fs::read_to_string(store.journal_path()).unwrap();
        assert_eq!(journal.lines().count(), 1 + 4, "{journal}");
        let other = fresh(&store);
        let db = other.read().unwrap();
        let mut expected: Vec<String> = (0..40)
            .filter(|&i| i != 5)
            .map(|i| format!("dev-{i}"))
            .collect();
        expected.push("dev-100".into());
        assert_eq!(names(&db), expected);
        assert!(db.get("dev-3").unwrap().pinned);
        assert_eq!(db.get("dev-7").unwrap().owner, "bob");
        assert_eq!(raw_names(&other), expected);
        assert_eq!(names(&store.read().unwrap()), expected);
        // The other process writes; this one catches up from the journal's tail.
        other
            .commit("00000009", |e| {
                e.owner = "carol".into();
                Ok(())
            })
            .unwrap();
        assert_eq!(store.read().unwrap().get("dev-9").unwrap().owner, "carol");
        assert_ne!(store.fingerprint(), None);
    }

    #[test]
    fn the_journal_is_folded_into_the_snapshot_past_a_quarter_of_it() {
        let (_d, store) = journalled();
        seed(&store, 8);
        for round in 0..20 {
            store
                .commit("00000001", |e| {
                    e.owner = format!("owner-{round}");
                    Ok(())
                })
                .unwrap();
            let snapshot = std::fs::metadata(store.path()).unwrap().len();
            let journal = std::fs::metadata(store.journal_path()).map_or(0, |m| m.len());
            assert!(
                journal <= snapshot / 4,
                "round {round}: {journal} of {snapshot}"
            );
        }
        assert_eq!(
            fresh(&store).read().unwrap().get("dev-1").unwrap().owner,
            "owner-19"
        );
        store
            .commit("00000002", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        assert!(store.journal_path().exists());
        assert!(store.compact().unwrap());
        assert!(!store.journal_path().exists());
        assert!(!store.compact().unwrap());
        assert!(fresh(&store).read().unwrap().get("dev-2").unwrap().pinned);
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_cut_off_by_the_next_write() {
        let (_d, store) = journalled();
        seed(&store, 30);
        store
            .commit("00000001", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        let mut journal = std::fs::read(store.journal_path()).unwrap();
        journal.extend_from_slice(b"{\"seq\":2,\"put\":{\"id\":\"00000002\",\"na");
        std::fs::write(store.journal_path(), &journal).unwrap();
        let other = fresh(&store);
        assert!(other.read().unwrap().get("dev-1").unwrap().pinned);
        assert_eq!(raw_names(&other).len(), 30);
        other
            .commit("00000002", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        let text = std::fs::read_to_string(store.journal_path()).unwrap();
        assert!(!text.contains("\"na{"), "{text}");
        assert!(text.ends_with('\n'));
        let db = fresh(&store).read().unwrap();
        assert!(db.get("dev-1").unwrap().pinned && db.get("dev-2").unwrap().pinned);
        assert!(store.read().unwrap().get("dev-2").unwrap().pinned);
    }

    /// The journal with `from` replaced by `to` in its entries, each still
    /// carrying a checksum that matches (as a buggy or foreign writer's would).
    fn rewrite_journal(store: &Store, from: &str, to: &str) {
        let text = std::fs::read_to_string(store.journal_path()).unwrap();
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        for line in lines {
            let (body, _) = line.rsplit_once(",\"crc32\":\"").unwrap();
            let body = body.replace(from, to);
            let crc = crc32fast::hash(body.as_bytes());
            out.push_str(&format!("{body},\"crc32\":\"{crc:08x}\"}}\n"));
        }
        std::fs::write(store.journal_path(), out).unwrap();
    }

    #[test]
    fn a_journal_record_that_does_not_read_is_refused_naming_the_journal() {
        let (_d, store) = journalled();
        seed(&store, 30);
        store
            .commit("00000003", |e| {
                e.owner = "erin".into();
                Ok(())
            })
            .unwrap();
        // A field every write checks (the skim reads it): refused on load.
        rewrite_journal(&store, "\"status\":\"running\"", "\"status\":\"asleep\"");
        let other = fresh(&store);
        for err in [
            other.commit("00000005", |_| Ok(())).unwrap_err(),
            other.insert(|_| Ok((record(40), ()))).unwrap_err(),
            other.read().unwrap_err(),
        ] {
            assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
            assert!(
                err.to_string().contains("environments.json.journal"),
                "{err}"
            );
        }
        // A field only a whole read decodes: the read is refused, naming the
        // journal and the record's place; writes of other records go on.
        rewrite_journal(&store, "\"status\":\"asleep\"", "\"status\":\"running\"");
        rewrite_journal(&store, "\"owner\":\"erin\"", "\"owner\":7");
        let other = fresh(&store);
        other.commit("00000005", |_| Ok(())).unwrap();
        let err = other.read().unwrap_err();
        assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains("environments.json.journal"), "{text}");
        assert!(
            text.contains("environment 00000003 (record 4) does not read"),
            "{text}"
        );
    }

    #[test]
    fn a_snapshot_record_that_does_not_read_is_refused_with_the_backup_advice() {
        let (_d, store) = journalled();
        seed(&store, 30);
        // Recompute the snapshot's checksum over a record that does not read.
        let text = std::fs::read_to_string(store.path()).unwrap();
        let (header, body) = text.split_once('\n').unwrap();
        let body = body.replacen("\"owner\":\"", "\"owner\":7,\"x\":\"", 1);
        let old_crc = format!(
            "{:08x}",
            crc32fast::hash(text.split_once('\n').unwrap().1.as_bytes())
        );
        let new_crc = format!("{:08x}", crc32fast::hash(body.as_bytes()));
        std::fs::write(
            store.path(),
            format!("{}\n{body}", header.replace(&old_crc, &new_crc)),
        )
        .unwrap();
        let other = fresh(&store);
        other.commit("00000005", |_| Ok(())).unwrap();
        let err = other.read().unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::CorruptDatabase { .. }), "{text}");
        assert!(
            text.contains("environment 00000000 (record 1) does not read"),
            "{text}"
        );
        assert!(!text.contains("journal"), "{text}");
        let err = other.commit("00000000", |_| Ok(())).unwrap_err();
        assert!(
            err.to_string()
                .contains("environment 00000000 (record 1) does not read"),
            "{err}"
        );
    }

    #[test]
    fn a_damaged_line_before_the_last_is_refused_and_nothing_is_written() {
        let (_d, store) = journalled();
        seed(&store, 30);
        for i in 1..4 {
            store
                .commit(&format!("{i:08x}"), |e| {
                    e.pinned = true;
                    Ok(())
                })
                .unwrap();
        }
        let text = std::fs::read_to_string(store.journal_path()).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
        let damaged = text.replacen("\"pinned\":true", "\"pinned\":tru", 1);
        std::fs::write(store.journal_path(), &damaged).unwrap();
        let snapshot = std::fs::read(store.path()).unwrap();
        let other = fresh(&store);
        for err in [
            other.read().unwrap_err(),
            other.update(|_| Ok(())).unwrap_err(),
            other.commit("00000005", |_| Ok(())).unwrap_err(),
            other.read_raw(|_| Ok(())).unwrap_err(),
            other.snapshot().unwrap_err(),
            // The process that wrote it notices too (it reads the files again).
            store.commit("00000005", |_| Ok(())).unwrap_err(),
        ] {
            assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
            assert!(err.to_string().contains("journal"), "{err}");
        }
        assert_eq!(std::fs::read(store.path()).unwrap(), snapshot);
        assert_eq!(
            std::fs::read_to_string(store.journal_path()).unwrap(),
            damaged
        );
    }

    #[test]
    fn todays_single_file_is_read_as_a_snapshot_and_journalled_onto() {
        let (_d, store) = journalled();
        // A file written before the journal existed: the same layout, no journal.
        let db = Database {
            environments: (0..5).map(record).collect(),
            ..Database::new()
        };
        std::fs::write(store.path(), encode(&db).unwrap()).unwrap();
        let before = std::fs::read(store.path()).unwrap();
        store
            .commit("00000002", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        assert_eq!(std::fs::read(store.path()).unwrap(), before);
        assert!(fresh(&store).read().unwrap().get("dev-2").unwrap().pinned);
        // One written by hand (no checksum) gets no journal: rewritten whole.
        let by_hand = serde_json::to_vec_pretty(&fresh(&store).read().unwrap()).unwrap();
        std::fs::write(store.path(), &by_hand).unwrap();
        let other = fresh(&store);
        assert!(other.read().unwrap().get("dev-2").unwrap().pinned);
        other
            .commit("00000003", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        assert!(!store.journal_path().exists());
        assert!(checked_lines(&std::fs::read(store.path()).unwrap()).is_some());
        let db = fresh(&store).read().unwrap();
        assert!(db.get("dev-2").unwrap().pinned && db.get("dev-3").unwrap().pinned);
    }

    #[test]
    fn a_backup_of_a_journalled_database_is_one_file_and_restores_it() {
        let (_d, store) = journalled();
        seed(&store, 6);
        store
            .commit("00000004", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        store
            .update(|db| {
                db.remove("00000000");
                Ok(())
            })
            .unwrap();
        let expected = store.read().unwrap();
        let bytes = store.snapshot().unwrap().unwrap();
        let parsed: Database = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed.environments, expected.environments);
        assert!(pairing_of(&bytes).is_some(), "in the snapshot layout");
        // Later changes, then the restore: the journal goes, the backup's state is back.
        store
            .commit("00000005", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        store.replace(parsed).unwrap();
        assert!(!store.journal_path().exists());
        assert_eq!(store.read().unwrap().environments, expected.environments);
        assert_eq!(
            fresh(&store).read().unwrap().environments,
            expected.environments
        );
    }

    #[test]
    fn a_stale_journal_beside_a_newer_snapshot_is_never_replayed() {
        let (_d, store) = journalled();
        seed(&store, 6);
        store
            .commit("00000001", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        let stale = std::fs::read(store.journal_path()).unwrap();
        store.compact().unwrap();
        store
            .commit("00000001", |e| {
                e.pinned = false;
                Ok(())
            })
            .unwrap();
        store.compact().unwrap();
        // A crash between writing the snapshot and removing the journal.
        std::fs::write(store.journal_path(), &stale).unwrap();
        assert!(!fresh(&store).read().unwrap().get("dev-1").unwrap().pinned);
        assert_eq!(raw_names(&fresh(&store)).len(), 6);
        let other = fresh(&store);
        other
            .commit("00000002", |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
        let db = fresh(&store).read().unwrap();
        assert!(!db.get("dev-1").unwrap().pinned && db.get("dev-2").unwrap().pinned);
    }

    #[test]
    fn two_writers_with_their_own_handles_lose_nothing() {
        let (_d, store) = journalled();
        seed(&store, 20);
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let s = Store::open(store.dir(), Duration::from_secs(30))
                    .unwrap()
                    .with_journal_from(0);
                std::thread::spawn(move || {
                    for i in (w..20).step_by(2) {
                        s.commit(&format!("{i:08x}"), |e| {
                            e.owner = format!("w{w}");
                            Ok(())
                        })
                        .unwrap();
                        s.update(|db| {
                            db.environments.push(record(100 + i));
                            Ok(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let db = fresh(&store).read().unwrap();
        assert_eq!(db.environments.len(), 40);
        assert!(
            db.environments[..20]
                .iter()
                .enumerate()
                .all(|(i, e)| e.owner == format!("w{}", i % 2))
        );
        assert_eq!(raw_names(&store).len(), 40);
    }

    #[test]
    fn diff_finds_changes_deletes_and_appends_and_gives_up_on_reorders() {
        let before = Database {
            environments: (0..4).map(record).collect(),
            ..Database::new()
        };
        let mut after = before.clone();
        after.environments[1].pinned = true;
        after.environments.push(record(9));
        assert_eq!(
            diff(&before, &after),
            Some(vec![Diff::Put(1), Diff::Put(4)])
        );
        after.remove("00000002");
        assert_eq!(
            diff(&before, &after),
            Some(vec![
                Diff::Put(1),
                Diff::Delete("00000002".into()),
                Diff::Put(3)
            ])
        );
        after.environments.swap(0, 1);
        assert_eq!(diff(&before, &after), None);
        let mut twice = before.clone();
        twice.environments.push(record(0));
        assert_eq!(diff(&before, &twice), None);
        let mut renamed = before.clone();
        renamed.instance_id = "other".into();
        assert_eq!(diff(&before, &renamed), None);
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
