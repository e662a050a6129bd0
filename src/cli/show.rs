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
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let env = backend.show(&args.environment).await?;
    if args.dotenv {
        return printer.dotenv(&env);
    }
    printer.environment(&env)
}
