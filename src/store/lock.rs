//! The database lock: a separate `environments.json.lock` file locked with
//! std's `File::lock` family, polled until a timeout so a stuck holder is a
//! clear "busy" error rather than a hang.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Shared for readers, exclusive for writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Shared,
    Exclusive,
}

/// A held lock; released when dropped (the file is closed).
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

/// Takes the lock on `path` in `mode`, waiting at most `timeout`.
/// `db_path` names the database in the "busy" error.
pub fn acquire(path: &Path, db_path: &Path, mode: Mode, timeout: Duration) -> Result<LockGuard> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(Error::io(path))?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let attempt = match mode {
            Mode::Shared => file.try_lock_shared(),
            Mode::Exclusive => file.try_lock(),
        };
        match attempt {
            Ok(()) => return Ok(LockGuard { _file: file }),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(Error::io(path)(e)),
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(Error::Busy {
                path: db_path.to_owned(),
                waited,
            });
        }
        std::thread::sleep(pause.min(timeout - waited));
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}
