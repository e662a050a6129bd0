//! Small JSON state files in the data directory (the run ledger, the
//! expiry warnings sent, the failures told), each read, changed and written
//! back atomically under a lock file of its own (`<name>.lock`), so the
//! server and a cron run never both change one. The one place that does
//! this; each file's owner only says what its content means and what to do
//! when it cannot be read.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Runs `change` on the state in `data_dir/name` under its lock (waited for
/// up to `wait`), and writes it back when `change` answers that it changed.
/// A missing file is the default state. A file that does not decode is
/// handed to `unreadable` (with its path and the reason), whose answer is
/// then the state, written back whatever `change` says.
pub fn change<T, R>(
    data_dir: &Path,
    name: &str,
    wait: Duration,
    unreadable: impl FnOnce(&Path, serde_json::Error) -> Result<T>,
    change: impl FnOnce(&mut T) -> (bool, R),
) -> Result<R>
where
    T: Serialize + DeserializeOwned + Default,
{
    let path = data_dir.join(name);
    let _lock = super::lock::acquire(
        &data_dir.join(format!("{name}.lock")),
        &path,
        super::LockMode::Exclusive,
        wait,
    )?;
    let (mut state, recovered) = match std::fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(state) => (state, false),
            Err(e) => (unreadable(&path, e)?, true),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (T::default(), false),
        Err(e) => return Err(Error::io(&path)(e)),
    };
    let (changed, out) = change(&mut state);
    if changed || recovered {
        let bytes = serde_json::to_vec_pretty(&state)
            .map_err(|e| Error::Failed(format!("cannot write {}: {e}", path.display())))?;
        super::atomic::write(&path, &bytes)?;
    }
    Ok(out)
}

/// The state in `data_dir/name` as it is, without the lock (a reader of a
/// file written atomically sees the old or the new one); the default when
/// missing or unreadable.
pub fn read<T: DeserializeOwned + Default>(data_dir: &Path, name: &str) -> T {
    std::fs::read(data_dir.join(name))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    type Counts = BTreeMap<String, u32>;

    fn bump(c: &mut Counts) -> (bool, u32) {
        let n = c.entry("a".into()).or_default();
        *n += 1;
        (true, *n)
    }

    #[test]
    fn changes_are_kept_and_an_unreadable_file_is_replaced_by_what_its_owner_says() {
        let dir = tempfile::tempdir().unwrap();
        let wait = Duration::from_secs(1);
        let fail = |_: &Path, e| Err(Error::Failed(format!("unexpected: {e}")));
        assert_eq!(change(dir.path(), "s.json", wait, fail, bump).unwrap(), 1);
        assert_eq!(change(dir.path(), "s.json", wait, fail, bump).unwrap(), 2);
        // Unchanged: not written.
        change(dir.path(), "s.json", wait, fail, |c: &mut Counts| {
            c.clear();
            (false, ())
        })
        .unwrap();
        assert_eq!(read::<Counts>(dir.path(), "s.json")["a"], 2);
        std::fs::write(dir.path().join("s.json"), "{not json").unwrap();
        assert!(change(dir.path(), "s.json", wait, fail, bump).is_err());
        let fresh = |_: &Path, _| Ok(Counts::from([("a".into(), 10)]));
        // The recovered state is written even when the change says nothing changed.
        change(dir.path(), "s.json", wait, fresh, |_: &mut Counts| {
            (false, ())
        })
        .unwrap();
        assert_eq!(read::<Counts>(dir.path(), "s.json")["a"], 10);
    }
}
