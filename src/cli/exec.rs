//! `envctl exec` and `envctl shell`: a command (or the service's shell) in a
//! service's container, attached, in either mode; the process ends with the
//! command's exit code. This file only decides what the local terminal
//! allows (a TTY, stdin) and copies bytes; finding, authorising and starting
//! are the library's (`ops::exec`).

use std::io::IsTerminal;

use envctl::Backend;
use envctl::engine::ExecOutput;
use envctl::ops::exec::ExecRequest;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::{interrupted, terminal};

#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    /// Environment id or name
    pub environment: String,
    /// The service whose container runs the command
    pub service: String,
    /// The command and its arguments (`--` before it keeps its flags its own)
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<String>,
    #[command(flatten)]
    pub tty: TtyArgs,
}

#[derive(Debug, clap::Args)]
pub struct ShellArgs {
    /// Environment id or name
    pub environment: String,
    /// The service [default: the template's first]
    pub service: Option<String>,
    #[command(flatten)]
    pub tty: TtyArgs,
}

#[derive(Debug, clap::Args)]
pub struct TtyArgs {
    /// Give the command a terminal [default: when stdin and stdout are terminals]
    #[arg(short = 't', long, conflicts_with = "no_tty")]
    pub tty: bool,
    /// Give the command no terminal, even on one (stdout and stderr stay apart)
    #[arg(short = 'T', long)]
    pub no_tty: bool,
}

pub async fn exec(backend: &Backend, args: ExecArgs) -> anyhow::Result<()> {
    attach(
        backend,
        &args.environment,
        Some(args.service),
        Some(args.command),
        &args.tty,
    )
    .await
}

pub async fn shell(backend: &Backend, args: ShellArgs) -> anyhow::Result<()> {
    attach(backend, &args.environment, args.service, None, &args.tty).await
}

async fn attach(
    backend: &Backend,
    environment: &str,
    service: Option<String>,
    command: Option<Vec<String>>,
    tty: &TtyArgs,
) -> anyhow::Result<()> {
    let stdin_is_terminal = std::io::stdin().is_terminal();
    let tty = !tty.no_tty && (tty.tty || (stdin_is_terminal && std::io::stdout().is_terminal()));
    // Without a terminal for the command, a terminal's keys stay here;
    // piped input goes to it.
    let stdin = tty || !stdin_is_terminal;
    let request = ExecRequest {
        service,
        command,
        tty,
        stdin,
        size: if tty { terminal::size() } else { None },
    };
    let envctl::client::Exec {
        mut output,
        mut input,
        control,
    } = backend.exec(environment, &request).await?;
    let raw = if tty && stdin_is_terminal {
        terminal::RawMode::enter()
    } else {
        None
    };
    if stdin {
        tokio::spawn(async move {
            let mut local = tokio::io::stdin();
            let _ = tokio::io::copy(&mut local, &mut input).await;
            let _ = input.shutdown().await;
        });
    } else {
        drop(input);
    }
    let mut winch = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change())
        .ok()
        .filter(|_| tty);
    let window_changed = async |winch: &mut Option<tokio::signal::unix::Signal>| match winch {
        Some(w) => w.recv().await,
        None => std::future::pending().await,
    };
    let mut stdout = tokio::io::stdout();
    let mut stderr = tokio::io::stderr();
    let stop = interrupted();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            chunk = output.next() => match chunk {
                Some(Ok(ExecOutput::Stdout(b))) => {
                    stdout.write_all(&b).await?;
                    stdout.flush().await?;
                }
                Some(Ok(ExecOutput::Stderr(b))) => {
                    stderr.write_all(&b).await?;
                    stderr.flush().await?;
                }
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(()) = window_changed(&mut winch) => {
                if let Some(size) = terminal::size() {
                    control.resize(size).await;
                }
            }
            // Ctrl-C without a terminal for the command (with one, the key
            // goes to it), or SIGTERM: we stop; the command is left to end in
            // its container, as with `docker exec`. 128 + SIGINT, silently.
            () = &mut stop => {
                drop(raw);
                return Err(envctl::Error::Exited { code: envctl::exit::INTERRUPTED }.into());
            }
        }
    }
    let code = control.exit_code().await;
    drop(raw);
    match code? {
        0 => Ok(()),
        code => Err(envctl::Error::Exited {
            code: u8::try_from(code).unwrap_or(envctl::exit::FAILURE),
        }
        .into()),
    }
}
