//! `exec` and `shell`: a command run in a service's running container,
//! attached (output, stdin, a terminal when asked), ending in the command's
//! exit code. The CLI's local side and the API's upgrade endpoint both open a
//! [`Session`] here, so the authorisation, the default service and the
//! "it is not running" answer are the same in both modes.

use std::time::Duration;

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::{
    Engine, ExecInput, ExecOutputStream, ExecSpec, RunState, Runtime, TerminalSize,
};
use crate::error::{Error, Result};
use crate::store::{Environment, Status};

/// The shell `shell` opens: bash when the image has it, else sh.
pub const SHELL: [&str; 3] = [
    "sh",
    "-c",
    "command -v bash >/dev/null 2>&1 && exec bash || exec sh",
];

/// How long to wait for the engine to record the exit code of a command
/// whose output has ended.
const EXIT_CODE_PATIENCE: Duration = Duration::from_secs(10);

/// What to run, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExecRequest {
    /// The service whose container runs it; `None`: the template's first service.
    pub service: Option<String>,
    /// The command and its arguments; `None` opens the service's shell
    /// ([`SHELL`]).
    pub command: Option<Vec<String>>,
    /// Give the command a terminal.
    pub tty: bool,
    /// Forward stdin to the command.
    pub stdin: bool,
    /// The terminal's first size, with `tty`.
    pub size: Option<TerminalSize>,
}

impl ExecRequest {
    /// Checks what no engine should be asked: an empty command, an
    /// empty or overlong argument list.
    pub fn validate(&self) -> Result<()> {
        if let Some(cmd) = &self.command {
            match cmd.first() {
                None => {
                    return Err(Error::InvalidInput(
                        "no command to run: pass one after `--` (e.g. `-- ls -l`)".into(),
                    ));
                }
                Some(first) if first.is_empty() => {
                    return Err(Error::InvalidInput("the command's name is empty".into()));
                }
                _ => {}
            }
            if cmd.iter().any(|a| a.contains('\0')) {
                return Err(Error::InvalidInput(
                    "the command holds a NUL character".into(),
                ));
            }
            if cmd.iter().map(String::len).sum::<usize>() > 128 * 1024 {
                return Err(Error::InvalidInput(
                    "the command is longer than 128 KiB".into(),
                ));
            }
        }
        Ok(())
    }
}

/// A command running in a container, attached.
pub struct Session {
    /// The environment's name and the service it runs in.
    pub environment: String,
    pub service: String,
    /// Its output; ends when the command does.
    pub output: ExecOutputStream,
    /// Its stdin (when asked for): shut it down for end-of-file.
    pub input: ExecInput,
    id: String,
    engine: Engine,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("environment", &self.environment)
            .field("service", &self.service)
            .field("id", &self.id)
            .finish()
    }
}

/// The parts of a [`Session`] left when its output and input are taken:
/// what resizes its terminal and reads its exit code.
#[derive(Debug, Clone)]
pub struct Control {
    id: String,
    engine: Engine,
}

impl Session {
    /// Splits the session into its output, its input and its [`Control`].
    pub fn split(self) -> (ExecOutputStream, ExecInput, Control) {
        let control = Control {
            id: self.id,
            engine: self.engine,
        };
        (self.output, self.input, control)
    }
}

impl Control {
    /// Resizes the command's terminal (a no-op without one, as the engine sees it).
    pub async fn resize(&self, size: TerminalSize) -> Result<()> {
        self.engine.resize_exec(&self.id, size).await
    }

    /// The command's exit code, once its output has ended. A command the
    /// container does not have ends in 127 (126 when not executable), as
    /// with `docker exec`.
    pub async fn exit_code(&self) -> Result<i64> {
        let deadline = tokio::time::Instant::now() + EXIT_CODE_PATIENCE;
        let mut pause = Duration::from_millis(10);
        loop {
            if let Some(code) = self.engine.exec_exit_code(&self.id).await? {
                return Ok(code);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Failed(
                    "the command's output ended, but the engine reports it still running".into(),
                ));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }
}

/// Finds environment `target` and its service, authorises `caller` as for
/// logs (the owner's, or an operator's), checks the container runs, and
/// starts the command in it.
pub async fn exec(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    request: &ExecRequest,
) -> Result<Session> {
    prepare(ctx, caller, target, request)
        .await?
        .start(ctx, caller)
        .await
}

/// A command checked and authorised, not yet started: what the API answers
/// its errors for before it switches protocols.
#[derive(Debug)]
pub struct Prepared {
    env_id: String,
    environment: String,
    service: String,
    container: String,
    spec: ExecSpec,
}

/// The checks of [`exec`], without starting anything.
pub async fn prepare(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    request: &ExecRequest,
) -> Result<Prepared> {
    request.validate()?;
    let (env, instance) = {
        let db = ctx.store.read()?;
        (db.get(target)?.clone(), db.instance_id.clone())
    };
    caller.authorize(Action::Exec, Some(&env.owner))?;
    let service = match &request.service {
        Some(name) => name.clone(),
        None => default_service(ctx, &env)?,
    };
    let state = env
        .services
        .get(&service)
        .ok_or_else(|| unknown_service(&env, &service))?;
    let not_running = || {
        Error::Conflict(format!(
            "environment '{name}' is {status}, so service {service} is not running\n  \
             Start it first: envctl start {name}",
            name = env.name,
            status = env.status.as_str(),
        ))
    };
    if !matches!(env.status, Status::Running) {
        return Err(not_running());
    }
    let engine = ctx.engine().await?;
    if !engine
        .check_owned(&instance, &env.id, &state.container)
        .await?
    {
        return Err(not_running());
    }
    match engine.container_state(&state.container).await? {
        Some(s) if s.state == RunState::Running => {}
        // A job ran and exited: starting the environment would not help.
        Some(s) if state.job => {
            return Err(Error::Conflict(format!(
                "service {service} of environment '{}' is a job that has finished (exit {}); \
                 it runs again on the next `envctl start`",
                env.name, s.exit_code
            )));
        }
        _ => return Err(not_running()),
    }
    let cmd = request
        .command
        .clone()
        .unwrap_or_else(|| SHELL.iter().map(|s| (*s).to_owned()).collect());
    Ok(Prepared {
        env_id: env.id.clone(),
        environment: env.name.clone(),
        container: state.container.clone(),
        service,
        spec: ExecSpec {
            cmd,
            tty: request.tty,
            stdin: request.stdin,
            size: request.size,
        },
    })
}

impl Prepared {
    /// Starts the command, attached.
    pub async fn start(self, ctx: &Context, caller: &Caller) -> Result<Session> {
        let engine = ctx.engine().await?;
        let result = engine.exec(&self.container, self.spec).await;
        // Who ran something where is logged; what they ran is not (it may hold a password).
        super::log(ctx, caller, "exec", &self.env_id, &result);
        let attached = result?;
        Ok(Session {
            environment: self.environment,
            service: self.service,
            output: attached.output,
            input: attached.input,
            id: attached.id,
            engine: engine.clone(),
        })
    }
}

/// The service `shell` and `exec` use when none is named: the template's
/// first, or the only one.
fn default_service(ctx: &Context, env: &Environment) -> Result<String> {
    let from_template = ctx.config.templates.get(&env.template).and_then(|t| {
        t.services
            .iter()
            .map(|s| &s.name)
            .find(|n| {
                // A job is not where anyone wants a shell.
                env.services.get(*n).is_some_and(|state| !state.job)
            })
            .cloned()
    });
    match from_template {
        Some(name) => Ok(name),
        None if env.services.len() == 1 => {
            Ok(env.services.keys().next().cloned().unwrap_or_default())
        }
        None => Err(Error::InvalidInput(format!(
            "name a service of '{}' (it has: {})",
            env.name,
            service_names(env)
        ))),
    }
}

/// "service 'x' in environment 'y' (it has: a, b) not found".
pub(crate) fn unknown_service(env: &Environment, service: &str) -> Error {
    Error::NotFound {
        what: "service",
        name: format!(
            "{service}' in environment '{}' (it has: {})",
            env.name,
            service_names(env)
        ),
    }
}

fn service_names(env: &Environment) -> String {
    env.services
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_command_is_refused_before_the_engine_sees_it() {
        let empty = ExecRequest {
            command: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(
            empty.validate().unwrap_err().exit_code(),
            crate::exit::USAGE
        );
        let blank = ExecRequest {
            command: Some(vec![String::new()]),
            ..Default::default()
        };
        assert!(blank.validate().is_err());
        let shell = ExecRequest::default();
        assert!(shell.validate().is_ok());
    }
}
