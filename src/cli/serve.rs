//! `envctl serve` and `envctl token`: the REST API and its credentials.

use std::net::SocketAddr;
use std::sync::Arc;

use envctl::Context;
use envctl::tokens::{Role, Tokens};

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (beyond loopback is an explicit choice)
    #[arg(long, default_value = "127.0.0.1:8080", env = "ENVCTL_LISTEN")]
    pub listen: SocketAddr,
}

pub async fn serve(
    ctx: Context,
    args: ServeArgs,
    lock_timeout: std::time::Duration,
    printer: &Printer,
) -> anyhow::Result<()> {
    // Access logs and errors as JSON lines on stderr; ENVCTL_LOG filters (default "info").
    // The engine client's debug output is never logged (see QUIET_LOG_DIRECTIVE).
    let filter = tracing_subscriber::EnvFilter::try_from_env("ENVCTL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
        .add_directive(
            envctl::engine::docker::QUIET_LOG_DIRECTIVE
                .parse()
                .expect("a valid directive"),
        );
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let tokens = Tokens::new(ctx.store.dir(), lock_timeout);
    let state = Arc::new(envctl::api::App::new(ctx, tokens));
    printer.note(&format!(
        "envctl serve: listening on http://{}",
        args.listen
    ));
    envctl::api::serve(state, args.listen).await?;
    Ok(())
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token; prints it once, alone on the last line of stdout
    Create {
        /// A name for the token (who or what uses it)
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: Role,
        /// The user whose environments it owns [default: its name]
        #[arg(long)]
        owner: Option<String>,
    },
    /// List tokens (never their secrets)
    List,
    /// Revoke a token by id or name
    Revoke { token: String },
}

pub fn token(
    ctx: &Context,
    command: TokenCommand,
    lock_timeout: std::time::Duration,
    printer: &Printer,
) -> anyhow::Result<()> {
    let tokens = Tokens::new(ctx.store.dir(), lock_timeout);
    match command {
        TokenCommand::Create { name, role, owner } => {
            let new = envctl::ops::tokens::NewToken { name, role, owner };
            let (token, secret) =
                envctl::ops::tokens::create(ctx, &tokens, &envctl::Caller::local(), &new)?;
            printer.note(&format!(
                "token '{}' ({}) created with role {}; it is shown once:",
                token.name, token.id, token.role
            ));
            printer.raw_json(&format!("{secret}\n"))
        }
        TokenCommand::List => printer.tokens(&envctl::ops::tokens::list(
            &tokens,
            &envctl::Caller::local(),
        )?),
        TokenCommand::Revoke { token } => {
            let revoked =
                envctl::ops::tokens::revoke(ctx, &tokens, &envctl::Caller::local(), &token)?;
            printer.note(&format!(
                "revoked token '{}' ({})",
                revoked.name, revoked.id
            ));
            Ok(())
        }
    }
}
