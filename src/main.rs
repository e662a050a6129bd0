//! The `envctl` binary: parse the command line, run it, print the error chain
//! and map it to the documented exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `--version --json` (clap answers `--version` before it reads other flags).
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() == 2
        && args.iter().any(|a| a == "--version" || a == "-V")
        && args.iter().any(|a| a == "--json")
    {
        // A closed pipe is not an error (as everywhere else).
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "{}", cli::version_json());
        return ExitCode::SUCCESS;
    }
    let cli = cli::Cli::parse();
    let printer = cli::Printer::new(&cli.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            printer.error(&anyhow::anyhow!("cannot start the async runtime: {e}"));
            return ExitCode::from(envctl::exit::FAILURE);
        }
    };
    let result = runtime.block_on(cli::run(cli, &printer));
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        // `exec` and `shell`: the command's own exit code, with nothing to add.
        Err(error) if exited(&error).is_some() => ExitCode::from(exited(&error).unwrap_or(1)),
        Err(error) => {
            if matches!(
                error.downcast_ref::<envctl::Error>(),
                Some(envctl::Error::Interrupted)
            ) {
                printer.error(&anyhow::anyhow!(
                    "interrupted; what was being created was rolled back"
                ));
            } else {
                printer.error(&error);
            }
            ExitCode::from(exit_code(&error))
        }
    }
}

fn exit_code(error: &anyhow::Error) -> u8 {
    error
        .chain()
        .find_map(|e| e.downcast_ref::<envctl::Error>())
        .map_or(envctl::exit::FAILURE, envctl::Error::exit_code)
}

/// The exit code of a command run by `exec` or `shell`, when that is the outcome.
fn exited(error: &anyhow::Error) -> Option<u8> {
    match error.downcast_ref::<envctl::Error>() {
        Some(envctl::Error::Exited { code }) => Some(*code),
        _ => None,
    }
}

/// Writing to a closed pipe (`envctl list | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
