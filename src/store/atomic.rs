//! Atomic, durable file replacement: temp file in the same directory, write,
//! fsync, rename over the target, fsync the directory.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::error::{Error, Result};

const TEMP_MARKER: &str = ".tmp-";

/// Test hook: pause this many milliseconds halfway through writing the temp
/// file (or a journal append), so a test can kill the process in the middle
/// of a database write.
pub const FAULT_PAUSE_ENV: &str = "ENVCTL_FAULT_PAUSE_IN_WRITE_MS";

/// The pause [`FAULT_PAUSE_ENV`] asks for, if any (also taken in the
/// middle of a journal append).
pub fn fault_pause() -> Option<std::time::Duration> {
    std::env::var(FAULT_PAUSE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(std::time::Duration::from_millis)
}

/// Replaces `path` with `bytes` so that a crash leaves either the old or the new file.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with_mode(path, bytes, 0o600)
}

/// [`write`], the new file with permission bits `mode` (a config file keeps
/// its own when it is rewritten).
pub fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // Unguessable, and created exclusively without following links: a file
    // or symlink planted under the name makes the write fail, never redirects it.
    let temp = dir.join(format!(
        ".{file_name}{TEMP_MARKER}{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let result = write_temp(&temp, bytes, mode).and_then(|()| {
        std::fs::rename(&temp, path).map_err(Error::io(path))?;
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(Error::io(dir))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn write_temp(temp: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW)
        .open(temp)
        .map_err(Error::io(temp))?;
    // The umask narrows `mode` at creation; the file gets it exactly.
    file.set_permissions(
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(mode),
    )
    .map_err(Error::io(temp))?;
    if let Some(pause) = fault_pause() {
        let half = bytes.len() / 2;
        file.write_all(&bytes[..half]).map_err(Error::io(temp))?;
        file.sync_all().map_err(Error::io(temp))?;
        std::thread::sleep(pause);
        file.write_all(&bytes[half..]).map_err(Error::io(temp))?;
    } else {
        file.write_all(bytes).map_err(Error::io(temp))?;
    }
    file.sync_all().map_err(Error::io(temp))
}

/// Removes temp files left by writers that died. Call only under the exclusive lock.
pub fn remove_stale_temp_files(dir: &Path, file_name: &str) {
    let prefix = format!(".{file_name}{TEMP_MARKER}");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
