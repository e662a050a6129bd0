//! Per-environment secrets: `<data dir>/secrets/<environment id>.json`
//! (0600, in a 0700 directory), outside `environments.json` so they never
//! appear in `list`, `--json`, the API's environment object, backups of the
//! database or the event log. Keyed by environment id, so they survive a
//! `reset-db` (which rebuilds records with the same ids); removed with the
//! environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::Rng;

use crate::config::SecretSpec;
use crate::error::{Error, Result};

pub const SECRETS_DIR: &str = "secrets";

/// Letters and digits: safe in every config syntax a secret is pasted into.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// The file of `env_id`; `None` for an id that is not a name (a record
/// built from crafted labels must not reach outside the directory).
fn path(data_dir: &Path, env_id: &str) -> Option<PathBuf> {
    crate::names::validate_name(env_id).ok()?;
    Some(data_dir.join(SECRETS_DIR).join(format!("{env_id}.json")))
}

fn bad_id(env_id: &str) -> Error {
    Error::InvalidInput(format!(
        "'{}' is not an environment id",
        crate::names::printable(env_id, 40)
    ))
}

/// Generates one value per declared secret.
pub fn generate(specs: &BTreeMap<String, SecretSpec>) -> BTreeMap<String, String> {
    let mut rng = rand::rngs::OsRng;
    specs
        .iter()
        .map(|(name, spec)| {
            let value = (0..spec.length)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            (name.clone(), value)
        })
        .collect()
}

/// Stores an environment's secrets (nothing when there are none).
pub fn save(data_dir: &Path, env_id: &str, secrets: &BTreeMap<String, String>) -> Result<()> {
    if secrets.is_empty() {
        return Ok(());
    }
    let dir = data_dir.join(SECRETS_DIR);
    crate::store::ensure_private_dir(&dir)?;
    let bytes = serde_json::to_vec_pretty(secrets).map_err(|e| Error::Failed(e.to_string()))?;
    let file = path(data_dir, env_id).ok_or_else(|| bad_id(env_id))?;
    crate::store::write_atomic(&file, &bytes)
}

/// An environment's secrets; empty when it has none.
pub fn load(data_dir: &Path, env_id: &str) -> Result<BTreeMap<String, String>> {
    let file = path(data_dir, env_id).ok_or_else(|| bad_id(env_id))?;
    match crate::store::off_worker(|| std::fs::read(&file)) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::CorruptDatabase {
            path: file,
            reason: e.to_string(),
            hint: "The environment's secrets cannot be read; delete and re-create it.".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(Error::io(&file)(e)),
    }
}

/// Removes an environment's secrets (done when it is deleted).
pub fn remove(data_dir: &Path, env_id: &str) {
    if let Some(file) = path(data_dir, env_id) {
        let _ = crate::store::off_worker(|| std::fs::remove_file(file));
    }
}

/// Removes the secrets of every environment not in `ids` (after a reset).
pub fn retain(data_dir: &Path, ids: &[&str]) {
    let Ok(entries) = std::fs::read_dir(data_dir.join(SECRETS_DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let id = name.to_str().and_then(|n| n.strip_suffix(".json"));
        if id.is_some_and(|id| !ids.contains(&id)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_private_and_removable() {
        let dir = tempfile::tempdir().unwrap();
        let specs = BTreeMap::from([("root".to_owned(), SecretSpec { length: 24 })]);
        let a = generate(&specs);
        let b = generate(&specs);
        assert_eq!(a["root"].len(), 24);
        assert_ne!(a, b, "every environment gets its own");
        save(dir.path(), "0000abcd", &a).unwrap();
        assert_eq!(load(dir.path(), "0000abcd").unwrap(), a);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path(dir.path(), "0000abcd").unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        remove(dir.path(), "0000abcd");
        assert!(load(dir.path(), "0000abcd").unwrap().is_empty());
        assert!(
            path(dir.path(), "../environments").is_none(),
            "no way out of the directory"
        );
    }
}
