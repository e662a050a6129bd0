//! Facts about this host that records refer to: its name, whether the
//! process that owns an operation is still alive, and the room left on the
//! filesystem that holds the data (and archives).

/// This host's name (`/proc/sys/kernel/hostname`).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into())
}

/// True when `pid` is a live envctl process on this host. A pid reused by
/// another program does not count.
pub fn envctl_process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(cmdline) => {
            let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
            String::from_utf8_lossy(argv0).contains("envctl")
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_process_is_alive_and_a_dead_one_is_not() {
        assert!(envctl_process_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!envctl_process_alive(pid));
        assert!(!envctl_process_alive(1), "pid 1 is not envctl");
    }
}

/// Free and total bytes of a filesystem, and which one it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskSpace {
    pub free: u64,
    pub total: u64,
    /// The filesystem's device number: two paths on one filesystem share it.
    pub device: u64,
}

/// The filesystem that holds `path`, or the nearest existing directory
/// above it (a data directory not made yet will be made there).
pub fn disk_space(path: &std::path::Path) -> Option<DiskSpace> {
    use std::os::unix::fs::MetadataExt;
    let existing = path.ancestors().find(|p| p.exists())?;
    let device = std::fs::metadata(existing).ok()?.dev();
    let c_path = std::ffi::CString::new(existing.as_os_str().as_encoded_bytes()).ok()?;
    // SAFETY: statvfs writes into the zeroed struct we own; the path is NUL-terminated.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    let unit = stat.f_frsize as u64;
    Some(DiskSpace {
        free: stat.f_bavail as u64 * unit,
        total: stat.f_blocks as u64 * unit,
        device,
    })
}
