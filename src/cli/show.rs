//! `envctl show`: one environment in full.

use envctl::Backend;

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment id or name
    pub environment: String,
    /// Print KEY=value lines (ENVCTL_NAME, JIRA_URL, ...) for $GITHUB_OUTPUT or a GitLab dotenv report
    #[arg(long, conflicts_with = "json")]
    pub dotenv: bool,
    /// Also print its generated secrets (passwords): its owner and admins only
    #[arg(long)]
    pub secrets: bool,
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let env = backend.show(&args.environment).await?;
    let secrets = if args.secrets {
        Some(backend.secrets(&env.id).await?)
    } else {
        None
    };
    if args.dotenv {
        return printer.dotenv(&env, secrets.as_ref());
    }
    printer.environment_and_secrets(&env, secrets.as_ref())
}
