//! Database backups in `<data dir>/backups/`: copies of `environments.json`
//! named `environments-<UTC time>-<reason>.json`, taken before anything
//! destructive (cleanup, sync repairs, reset, restore) and on demand, pruned
//! by count and age (the newest is always kept).

use std::path::PathBuf;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::access::{Action, Caller};
use crate::config::{BackupConfig, PortsConfig};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::runs::{self, Task};
use crate::store::{BACKUP_DIR, Database, SCHEMA_VERSION, Store, events};

/// One backup file.
#[derive(Debug, Clone, Serialize)]
pub struct Backup {
    pub name: String,
    pub path: PathBuf,
    pub created_at: DateTime<Utc>,
    pub reason: String,
    pub bytes: u64,
}

/// The result of checking one backup.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub name: String,
    pub ok: bool,
    pub environments: Option<usize>,
    pub error: Option<String>,
}

const TIME_FORMAT: &str = "%Y%m%dT%H%M%S%.3fZ";

fn dir(store: &Store) -> PathBuf {
    store.dir().join(BACKUP_DIR)
}

/// Copies the current database into a new backup (under the shared lock, so
/// the copy is consistent). `None` when there is no database yet.
pub fn create(store: &Store, reason: &str, config: &BackupConfig) -> Result<Option<Backup>> {
    let reason: String = reason
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    let result = store.snapshot().and_then(|bytes| {
        bytes
            .map(|b| write_backup(store, &reason, &b, config))
            .transpose()
    });
    if !matches!(result, Ok(None)) {
        runs::mark_result(store.dir(), Task::Backup, &result);
    }
    result
}

/// [`create`] before an operation of `ctx` changes the database (`reason`:
/// which), telling the `backup_failed` subscribers when it fails.
pub fn safeguard(ctx: &Context, reason: &str) -> Result<Option<Backup>> {
    let result = create(&ctx.store, reason, &ctx.config.backups);
    match &result {
        Err(e) => {
            let cause = e.chain_text();
            crate::notify::failure(
                ctx,
                &cause,
                crate::notify::Notice::backup_failed(reason, &cause),
            );
        }
        Ok(Some(_)) => crate::notify::recovered(ctx, crate::notify::Kind::BackupFailed),
        Ok(None) => {}
    }
    result
}

fn write_backup(
    store: &Store,
    reason: &str,
    bytes: &[u8],
    config: &BackupConfig,
) -> Result<Backup> {
    let dir = dir(store);
    crate::store::ensure_private_dir(&dir)?;
    let now = Utc::now();
    let name = format!("environments-{}-{reason}.json", now.format(TIME_FORMAT));
    let path = dir.join(&name);
    crate::store::write_atomic(&path, bytes)?;
    prune(store, config)?;
    Ok(Backup {
        name,
        path,
        created_at: now,
        reason: reason.to_owned(),
        bytes: bytes.len() as u64,
    })
}

/// Every backup, oldest first.
pub fn list(store: &Store) -> Result<Vec<Backup>> {
    let dir = dir(store);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&dir)(e)),
    };
    let mut backups: Vec<Backup> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let (created_at, reason) = parse_name(&name)?;
            let bytes = e.metadata().ok()?.len();
            Some(Backup {
                path: e.path(),
                name,
                created_at,
                reason,
                bytes,
            })
        })
        .collect();
    backups.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(backups)
}

fn parse_name(name: &str) -> Option<(DateTime<Utc>, String)> {
    let rest = name.strip_prefix("environments-")?.strip_suffix(".json")?;
    let (time, reason) = rest.split_once('Z')?;
    let time = NaiveDateTime::parse_from_str(&format!("{time}Z"), TIME_FORMAT).ok()?;
    Some((time.and_utc(), reason.trim_start_matches('-').to_owned()))
}

/// The backup called `name` (a file name from `backup list`).
pub fn find(store: &Store, name: &str) -> Result<Backup> {
    list(store)?
        .into_iter()
        .find(|b| b.name == name || b.name == format!("{name}.json"))
        .ok_or_else(|| Error::NotFound {
            what: "backup",
            name: name.to_owned(),
        })
}

/// Reads a backup and checks that envctl can load it and that every record
/// is one envctl could have written (see [`crate::store::validate`]).
pub fn read(backup: &Backup, ports: &PortsConfig) -> Result<Database> {
    let bytes = std::fs::read(&backup.path).map_err(Error::io(&backup.path))?;
    let db: Database = serde_json::from_slice(&bytes).map_err(|e| Error::CorruptDatabase {
        path: backup.path.clone(),
        reason: e.to_string(),
        hint: "This backup cannot be restored.".into(),
    })?;
    if db.schema_version > SCHEMA_VERSION || db.schema_version == 0 {
        return Err(Error::NewerSchema {
            path: backup.path.clone(),
            found: db.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let problems = crate::store::validate::problems(&db, ports);
    if !problems.is_empty() {
        let shown: Vec<&str> = problems.iter().take(10).map(String::as_str).collect();
        let more = problems.len().saturating_sub(shown.len());
        return Err(Error::CorruptDatabase {
            path: backup.path.clone(),
            reason: format!(
                "{} invalid record(s): {}{}",
                problems.len(),
                shown.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            ),
            hint: "This backup cannot be restored: envctl would not have written it.".into(),
        });
    }
    Ok(db)
}

/// What restoring a backup would change, by environment name.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RestorePreview {
    pub backup: String,
    /// In the backup, not in the database.
    pub added: Vec<String>,
    /// In the database, not in the backup.
    pub removed: Vec<String>,
    /// In both, with a different record.
    pub changed: Vec<String>,
    pub unchanged: usize,
}

/// Reads and validates the backup `name` and says what restoring it would
/// change; changes nothing.
pub fn preview(store: &Store, name: &str, ports: &PortsConfig) -> Result<RestorePreview> {
    let backup = find(store, name)?;
    let restored = read(&backup, ports)?;
    // An unreadable current database is replaced whole: everything is "added".
    let current = store.read().map(|db| db.environments).unwrap_or_default();
    let mut preview = RestorePreview {
        backup: backup.name,
        ..Default::default()
    };
    for env in &restored.environments {
        match current.iter().find(|c| c.id == env.id) {
            None => preview.added.push(env.name.clone()),
            Some(c) if c == env => preview.unchanged += 1,
            Some(_) => preview.changed.push(env.name.clone()),
        }
    }
    for c in &current {
        if restored.environments.iter().all(|e| e.id != c.id) {
            preview.removed.push(c.name.clone());
        }
    }
    Ok(preview)
}

/// Checks every backup (or the one named).
pub fn verify(store: &Store, name: Option<&str>, ports: &PortsConfig) -> Result<Vec<Verified>> {
    let backups = match name {
        Some(n) => vec![find(store, n)?],
        None => list(store)?,
    };
    Ok(backups
        .into_iter()
        .map(|b| match read(&b, ports) {
            Ok(db) => Verified {
                name: b.name,
                ok: true,
                environments: Some(db.environments.len()),
                error: None,
            },
            Err(e) => Verified {
                name: b.name,
                ok: false,
                environments: None,
                error: Some(e.to_string()),
            },
        })
        .collect())
}

/// Replaces the database with a backup, after validating it and backing up
/// the current database. Returns the safety backup of what was replaced.
pub fn restore(
    store: &Store,
    name: &str,
    config: &BackupConfig,
    ports: &PortsConfig,
) -> Result<Option<Backup>> {
    let backup = find(store, name)?;
    let restored = read(&backup, ports)?;
    let safety = match create(store, "before-restore", config) {
        Ok(b) => b,
        // The database to replace is unreadable (the usual reason to restore):
        // keep its bytes as they are, then restore.
        Err(Error::CorruptDatabase { .. } | Error::NewerSchema { .. }) => {
            let bytes = std::fs::read(store.path()).map_err(Error::io(store.path()))?;
            Some(write_backup(
                store,
                "unreadable-before-restore",
                &bytes,
                config,
            )?)
        }
        Err(e) => return Err(e),
    };
    let ids: Vec<&str> = restored
        .environments
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    crate::store::secrets::retain(store.dir(), &ids);
    store.replace(restored)?;
    Ok(safety)
}

// What a caller asks for: authorised (admins only) and logged with the
// caller, for every door. The functions above are the mechanics.

/// Backs the database up now, for `caller` (an admin); logged as `backup`.
pub fn take(ctx: &Context, caller: &Caller, reason: &str) -> Result<Backup> {
    caller.authorize(Action::Administer, None)?;
    let made = safeguard(ctx, reason).and_then(|b| {
        b.ok_or_else(|| Error::Conflict("there is no database yet; nothing to back up".into()))
    });
    let detail = match &made {
        Ok(b) => b.name.clone(),
        Err(e) => e.to_string(),
    };
    events::Entry::new("backup")
        .result(&made)
        .detail(&detail)
        .write(ctx.store.dir(), caller);
    made
}

/// Every backup, for `caller` (an admin).
pub fn list_for(ctx: &Context, caller: &Caller) -> Result<Vec<Backup>> {
    caller.authorize(Action::Administer, None)?;
    list(&ctx.store)
}

/// Checks every backup (or the one named), for `caller` (an admin); logged
/// as `backup-verify`.
pub fn check(ctx: &Context, caller: &Caller, name: Option<&str>) -> Result<Vec<Verified>> {
    caller.authorize(Action::Administer, None)?;
    let result = verify(&ctx.store, name, &ctx.config.ports);
    let detail = match &result {
        Ok(v) => format!(
            "{}: {} of {} readable",
            name.unwrap_or("every backup"),
            v.iter().filter(|v| v.ok).count(),
            v.len()
        ),
        Err(e) => e.to_string(),
    };
    let outcome = match &result {
        Ok(v) if v.iter().all(|v| v.ok) => "ok",
        _ => "error",
    };
    events::record(
        ctx.store.dir(),
        caller,
        "backup-verify",
        None,
        outcome,
        Some(&detail),
    );
    result
}

/// What restoring backup `name` would change, for `caller` (an admin).
pub fn preview_for(ctx: &Context, caller: &Caller, name: &str) -> Result<RestorePreview> {
    caller.authorize(Action::Administer, None)?;
    preview(&ctx.store, name, &ctx.config.ports)
}

/// Restores backup `name`, for `caller` (an admin); logged as `restore`.
/// Returns the safety backup of the database it replaced.
pub fn restore_for(ctx: &Context, caller: &Caller, name: &str) -> Result<Option<Backup>> {
    caller.authorize(Action::Administer, None)?;
    let result = restore(&ctx.store, name, &ctx.config.backups, &ctx.config.ports);
    let detail = match &result {
        Ok(safety) => format!(
            "restored {name}{}",
            safety
                .as_ref()
                .map(|s| format!("; the replaced database is in {}", s.name))
                .unwrap_or_default()
        ),
        Err(e) => e.to_string(),
    };
    events::Entry::new("restore")
        .result(&result)
        .detail(&detail)
        .write(ctx.store.dir(), caller);
    result
}

/// Removes backups beyond `config.keep` and older than `config.max_age`, never the newest.
pub fn prune(store: &Store, config: &BackupConfig) -> Result<Vec<String>> {
    let backups = list(store)?;
    let now = Utc::now();
    let count = backups.len();
    let mut removed = Vec::new();
    for (i, b) in backups.iter().enumerate() {
        if i + 1 == count {
            break;
        }
        let beyond_count = count - i > config.keep;
        let too_old = config
            .max_age
            .and_then(|a| chrono::Duration::from_std(a).ok())
            .is_some_and(|a| b.created_at + a < now);
        if (beyond_count || too_old) && std::fs::remove_file(&b.path).is_ok() {
            removed.push(b.name.clone());
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_time_and_reason() {
        let (t, reason) = parse_name("environments-20261126T125400.123Z-cleanup.json").unwrap();
        assert_eq!(reason, "cleanup");
        assert_eq!(t.format(TIME_FORMAT).to_string(), "20261126T125400.123Z");
        assert!(parse_name("environments.json").is_none());
    }

    #[test]
    fn create_restore_and_prune() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), std::time::Duration::from_secs(1)).unwrap();
        let config = BackupConfig {
            keep: 3,
            max_age: None,
        };
        assert!(
            create(&store, "nothing", &config).unwrap().is_none(),
            "no database, no backup"
        );
        store
            .update(|db| {
                db.instance_id = "first".into();
                Ok(())
            })
            .unwrap();
        let first = create(&store, "manual", &config).unwrap().unwrap();
        let original = std::fs::read(store.path()).unwrap();
        store
            .update(|db| {
                db.instance_id = "second".into();
                Ok(())
            })
            .unwrap();
        let ports = PortsConfig {
            base: 8090,
            max: 8190,
            public_host: "localhost".into(),
        };
        restore(&store, &first.name, &config, &ports).unwrap();
        assert_eq!(
            std::fs::read(store.path()).unwrap(),
            original,
            "restored to the same content"
        );
        assert!(
            list(&store)
                .unwrap()
                .iter()
                .any(|b| b.reason == "before-restore")
        );
        for _ in 0..5 {
            create(&store, "more", &config).unwrap();
        }
        assert_eq!(list(&store).unwrap().len(), 3);
        assert!(verify(&store, None, &ports).unwrap().iter().all(|v| v.ok));
    }
}
