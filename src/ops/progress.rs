//! How long-running operations report what they are doing. The library calls
//! a [`Progress`]; the CLI draws bars, the API (later) sends events, tests ignore it.

use crate::store::Environment;

/// One step of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Pulling the image: bytes done and total (total 0 when unknown).
    Pulling {
        done: u64,
        total: u64,
    },
    Creating,
    Starting,
    /// Not started yet: waiting for a service it depends on to meet the
    /// condition (to start, to be ready, to complete).
    WaitingFor {
        service: String,
        condition: crate::config::Condition,
    },
    /// Started; waiting for the readiness probe.
    Waiting,
    Ready,
    Stopping,
    Stopped,
    /// Copying a volume into an archive: bytes read so far, and the
    /// volume's size as the engine last measured it (0 when unknown).
    Archiving {
        done: u64,
        total: u64,
    },
    /// Copying an archived volume into a new container: bytes written so
    /// far, and the volume's size when it was archived.
    Restoring {
        done: u64,
        total: u64,
    },
    /// A volume was archived or restored: its file data and file count.
    Copied {
        bytes: u64,
        files: u64,
    },
    /// An archived volume the new environment's template has no place for.
    NotRestored,
    Failed(String),
}

pub trait Progress: Send + Sync {
    /// A service moved to `step`.
    fn service(&self, _service: &str, _step: Step) {}
    /// The environment record changed (status, ready flags).
    fn environment(&self, _env: &Environment) {}
    /// Whether totals are drawn (a bar needs a volume's size before an
    /// archive; measuring it costs the engine a walk of the volume).
    fn wants_totals(&self) -> bool {
        false
    }
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}
