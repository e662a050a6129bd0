//! The library's error type: one variant per thing a caller must tell apart,
//! each mapped to one documented process exit code.

use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes, one meaning each. Documented in docs/commands.md, `--help` and the man page.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// The operation ran and failed (provisioning failed, Docker refused, ...).
    pub const FAILURE: u8 = 1;
    /// Bad arguments, bad config, invalid names.
    pub const USAGE: u8 = 2;
    /// The environment (or service) named does not exist.
    pub const NOT_FOUND: u8 = 3;
    /// The Docker engine could not be reached.
    pub const DOCKER_UNREACHABLE: u8 = 4;
    /// Another envctl held the database lock past the lock timeout.
    pub const BUSY: u8 = 5;
    /// The database file is unreadable or from a newer envctl.
    pub const DATABASE: u8 = 6;
    /// The command would ask for confirmation but has no terminal and no `--yes`.
    pub const CONFIRMATION_REQUIRED: u8 = 7;
    /// The request conflicts with the current state (name taken, impossible transition).
    pub const CONFLICT: u8 = 8;
    /// Remote mode: the server refused the token (none, unknown or revoked),
    /// or the token's role may not do this.
    pub const REFUSED: u8 = 9;
    /// Interrupted by Ctrl-C (128 + SIGINT).
    pub const INTERRUPTED: u8 = 130;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input the user gave is invalid (name, label, duration, ...).
    #[error("{0}")]
    InvalidInput(String),

    /// The configuration file is invalid.
    #[error("invalid config {}: {message}", path.display())]
    Config { path: PathBuf, message: String },

    #[error("{what} '{name}' not found")]
    NotFound { what: &'static str, name: String },

    #[error("{0}")]
    Conflict(String),

    /// A template the config does not have (exit 2 locally, 404 from the API).
    #[error("{0}")]
    UnknownTemplate(String),

    /// The caller's role may not do this (see `access`): what, in words.
    #[error("this token's role may not {0}")]
    Forbidden(String),

    /// No engine answers at `host`; `hint` says what to do.
    #[error("cannot reach the Docker engine at {host}: {reason}\n  {hint}")]
    DockerUnreachable {
        host: String,
        reason: String,
        hint: String,
    },

    /// The engine answers, but cannot run what `[engine] kind` asks (a
    /// swarm kind on an engine in no swarm, or on a worker); `hint` says
    /// what to do. Exit 4, as when no engine answers.
    #[error("the Docker engine at {host} cannot run {kind}: {reason}\n  {hint}")]
    WrongEngine {
        host: String,
        kind: &'static str,
        reason: String,
        hint: String,
    },

    #[error(
        "database {} is busy: another envctl command held its lock for {waited:?}\n  \
         Wait for it to finish, or raise --lock-timeout.",
        path.display()
    )]
    Busy {
        path: PathBuf,
        waited: std::time::Duration,
    },

    #[error(
        "another cleanup, sync or reset of this database is running (waited {waited:?} for it)\n  \
         Run again when it has finished, or raise --lock-timeout."
    )]
    MaintenanceBusy { waited: std::time::Duration },

    #[error("database {} is unreadable: {reason}\n  {hint}", path.display())]
    CorruptDatabase {
        path: PathBuf,
        reason: String,
        hint: String,
    },

    #[error(
        "database {} has schema version {found}, but this envctl knows only up to {supported}\n  \
         Upgrade envctl; the file was left as it is.",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error(
        "no free block of {size} consecutive ports in {base}..={max}\n  \
         Delete unused environments or widen [ports] in the config."
    )]
    PortsExhausted { base: u16, max: u16, size: u16 },

    #[error("{0}\n  Pass --yes to go ahead without asking.")]
    ConfirmationRequired(String),

    #[error("interrupted")]
    Interrupted,

    /// A call to the container engine failed after the engine was reached.
    /// `status` is the engine's HTTP status, when it answered with one.
    #[error("Docker: {context}")]
    Docker {
        context: String,
        status: Option<u16>,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// Remote mode: the envctl server could not be reached.
    #[error(
        "cannot reach the envctl server at {url}: {reason}\n  \
         Is `envctl serve` running there? Check --server or ENVCTL_SERVER."
    )]
    ServerUnreachable { url: String, reason: String },

    /// Remote mode: the server answered with an error (its stable `code` and message).
    #[error("{message}{}", hint(code, url))]
    Remote {
        url: String,
        code: ErrorCode,
        message: String,
    },

    /// Provisioning or another operation failed; the record says why.
    #[error("{0}")]
    Failed(String),

    /// A service's container exited. Its last output is shown to whoever
    /// ran the command, but never stored in the record or the event log:
    /// output may hold secrets that only those who may read logs may see.
    #[error("service {service} exited with code {code}{}", last_output(output))]
    ServiceExited {
        service: String,
        code: i64,
        output: String,
    },

    /// An operation failed because a service exited: `message` is what is
    /// stored and logged, `output` (the service's last lines) is shown only to
    /// the local command that ran it.
    #[error("{message}{}", last_output(output))]
    FailedWithOutput { message: String, output: String },

    /// `exec` and `shell`: the command ran and exited with `code`, which
    /// becomes the process's exit code (nothing is printed for it).
    #[error("the command exited with code {code}")]
    Exited { code: u8 },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn last_output(output: &str) -> String {
    if output.is_empty() {
        String::new()
    } else {
        format!("; last output:\n{output}")
    }
}

/// What to do about a server's error, by its code.
fn hint(code: &ErrorCode, url: &str) -> String {
    match code {
        ErrorCode::Unauthorized => {
            "\n  Set ENVCTL_TOKEN to a valid token (`envctl token create` on the server makes one)."
                .to_owned()
        }
        ErrorCode::Forbidden => "\n  Ask an admin for a token with a higher role.".to_owned(),
        ErrorCode::RateLimited => "\n  Too many requests; wait a little and run again.".to_owned(),
        ErrorCode::DockerUnreachable => {
            format!("\n  The server at {url} cannot reach its Docker engine.")
        }
        _ => String::new(),
    }
}

/// The stable, machine-readable code of an API error: what the server
/// sends (`{"error": {"code": ...}}`) and what the remote client reads back,
/// so both sides agree on the exit code by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    /// No template of that name (HTTP 404, but exit 2 as a usage error).
    UnknownTemplate,
    Conflict,
    /// A value the core refused (exit 2, HTTP 422).
    Invalid,
    /// A request that could not be read (exit 2, HTTP 400).
    BadRequest,
    MethodNotAllowed,
    TooLarge,
    UnsupportedMediaType,
    RateLimited,
    PortsExhausted,
    DockerUnreachable,
    MaintenanceRunning,
    Busy,
    /// An operation on an environment failed; the record says why.
    Failed,
    Internal,
    /// An endpoint that only speaks over an upgraded connection (exec) was
    /// asked without `Upgrade` (HTTP 426).
    UpgradeRequired,
    /// A code this version does not know (a newer server), kept as sent.
    Other(String),
}

impl ErrorCode {
    const KNOWN: [ErrorCode; 18] = [
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::UnknownTemplate,
        ErrorCode::Conflict,
        ErrorCode::Invalid,
        ErrorCode::BadRequest,
        ErrorCode::MethodNotAllowed,
        ErrorCode::TooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::RateLimited,
        ErrorCode::PortsExhausted,
        ErrorCode::DockerUnreachable,
        ErrorCode::MaintenanceRunning,
        ErrorCode::Busy,
        ErrorCode::Failed,
        ErrorCode::Internal,
        ErrorCode::UpgradeRequired,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::UnknownTemplate => "unknown_template",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Invalid => "invalid",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::PortsExhausted => "ports_exhausted",
            ErrorCode::DockerUnreachable => "docker_unreachable",
            ErrorCode::MaintenanceRunning => "maintenance_running",
            ErrorCode::Busy => "busy",
            ErrorCode::Failed => "failed",
            ErrorCode::Internal => "internal",
            ErrorCode::UpgradeRequired => "upgrade_required",
            ErrorCode::Other(code) => code,
        }
    }

    /// The code a server sent.
    pub fn parse(code: &str) -> ErrorCode {
        ErrorCode::KNOWN
            .into_iter()
            .find(|c| c.as_str() == code)
            .unwrap_or_else(|| ErrorCode::Other(code.to_owned()))
    }

    /// The HTTP status the server answers this code with.
    pub fn http_status(&self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::UnknownTemplate => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict
            | ErrorCode::PortsExhausted
            | ErrorCode::MaintenanceRunning
            | ErrorCode::Failed => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Invalid => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::UpgradeRequired => 426,
            ErrorCode::BadRequest | ErrorCode::Other(_) => 400,
            ErrorCode::Internal => 500,
            ErrorCode::DockerUnreachable | ErrorCode::Busy => 503,
        }
    }

    /// The exit code the remote client ends with on this code: the same as
    /// the local command's on the error behind it.
    pub fn exit_code(&self) -> u8 {
        match self {
            ErrorCode::Unauthorized | ErrorCode::Forbidden => exit::REFUSED,
            ErrorCode::NotFound => exit::NOT_FOUND,
            ErrorCode::Conflict => exit::CONFLICT,
            ErrorCode::Invalid
            | ErrorCode::UnknownTemplate
            | ErrorCode::BadRequest
            | ErrorCode::MethodNotAllowed
            | ErrorCode::TooLarge
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::UpgradeRequired => exit::USAGE,
            ErrorCode::DockerUnreachable => exit::DOCKER_UNREACHABLE,
            ErrorCode::Busy | ErrorCode::MaintenanceRunning | ErrorCode::RateLimited => exit::BUSY,
            ErrorCode::PortsExhausted
            | ErrorCode::Failed
            | ErrorCode::Internal
            | ErrorCode::Other(_) => exit::FAILURE,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// [`Error::DockerUnreachable`] when no engine answers at `host`.
    pub fn docker_down(host: &str, reason: String) -> Error {
        Error::DockerUnreachable {
            host: host.to_owned(),
            reason,
            hint: "Is Docker running? Set DOCKER_HOST if it listens elsewhere.".into(),
        }
    }

    /// The API code of this error: what a server answers it with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) | Error::Config { .. } => ErrorCode::Invalid,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::UnknownTemplate(_) => ErrorCode::UnknownTemplate,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::PortsExhausted { .. } => ErrorCode::PortsExhausted,
            Error::DockerUnreachable { .. } | Error::WrongEngine { .. } => {
                ErrorCode::DockerUnreachable
            }
            Error::MaintenanceBusy { .. } => ErrorCode::MaintenanceRunning,
            Error::Busy { .. } => ErrorCode::Busy,
            Error::Failed(_) | Error::ServiceExited { .. } | Error::FailedWithOutput { .. } => {
                ErrorCode::Failed
            }
            Error::Remote { code, .. } => code.clone(),
            _ => ErrorCode::Internal,
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::InvalidInput(_) | Error::Config { .. } | Error::UnknownTemplate(_) => {
                exit::USAGE
            }
            Error::NotFound { .. } => exit::NOT_FOUND,
            Error::Conflict(_) => exit::CONFLICT,
            Error::Forbidden(_) => exit::REFUSED,
            Error::DockerUnreachable { .. } | Error::WrongEngine { .. } => exit::DOCKER_UNREACHABLE,
            Error::Busy { .. } | Error::MaintenanceBusy { .. } => exit::BUSY,
            Error::CorruptDatabase { .. } | Error::NewerSchema { .. } => exit::DATABASE,
            Error::ConfirmationRequired(_) => exit::CONFIRMATION_REQUIRED,
            Error::Interrupted => exit::INTERRUPTED,
            Error::Exited { code } => *code,
            Error::ServerUnreachable { .. } => exit::DOCKER_UNREACHABLE,
            Error::Remote { code, .. } => code.exit_code(),
            Error::PortsExhausted { .. }
            | Error::Docker { .. }
            | Error::Failed(_)
            | Error::ServiceExited { .. }
            | Error::FailedWithOutput { .. }
            | Error::Io { .. } => exit::FAILURE,
        }
    }

    /// The message with its causes, on one line: what records, reports and
    /// the event log store, so never a container's output (see
    /// [`Error::ServiceExited`]), which is for those who may read logs.
    pub fn chain_text(&self) -> String {
        match self {
            Error::ServiceExited { service, code, .. } => {
                return format!(
                    "service {service} exited with code {code} (its output: `envctl logs NAME {service}`)"
                );
            }
            Error::FailedWithOutput { message, .. } => return message.clone(),
            _ => {}
        }
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            let part = s.to_string();
            if !text.contains(&part) {
                text.push_str(": ");
                text.push_str(&part);
            }
            source = s.source();
        }
        text
    }

    /// True for "does not exist", locally or from a server.
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::NotFound { .. } => true,
            Error::Remote { code, .. } => *code == ErrorCode::NotFound,
            _ => false,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    pub(crate) fn not_found(name: impl Into<String>) -> Error {
        Error::NotFound {
            what: "environment",
            name: name.into(),
        }
    }
}

#[cfg(test)]
mod code_tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        for code in ErrorCode::KNOWN {
            assert_eq!(ErrorCode::parse(code.as_str()), code);
        }
        assert_eq!(
            ErrorCode::parse("from_the_future"),
            ErrorCode::Other("from_the_future".into())
        );
    }

    /// A remote command ends with the exit code the local one would: the
    /// server sends `code()`, the client exits with its `exit_code()`.
    #[test]
    fn remote_and_local_exit_codes_agree() {
        let errors = [
            Error::InvalidInput("x".into()),
            Error::not_found("x"),
            Error::UnknownTemplate("x".into()),
            Error::Conflict("x".into()),
            Error::Forbidden("x".into()),
            Error::Failed("x".into()),
            Error::docker_down("h", "r".into()),
        ];
        for e in errors {
            let remote = Error::Remote {
                url: "u".into(),
                code: e.code(),
                message: String::new(),
            };
            assert_eq!(remote.exit_code(), e.exit_code(), "{e:?}");
        }
    }
}
