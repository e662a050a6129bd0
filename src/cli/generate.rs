//! `envctl generate completions SHELL` and `envctl generate man --out DIR`
//! (hidden): shell completions and man pages from the same clap definitions
//! as `--help`, so they cannot drift. The output is committed under
//! `completions/` and `man/`; a test fails when it differs from what the
//! binary generates (`scripts/generate.sh` refreshes it).

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Printer};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the completion script for SHELL to stdout
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Write envctl.1 and one page per subcommand (envctl-create.1, ...) into DIR
    Man {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

pub fn exec(command: Command, printer: &Printer) -> anyhow::Result<()> {
    let mut cli = Cli::command();
    match command {
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cli, "envctl", &mut out);
            printer.raw_json(&String::from_utf8_lossy(&out))
        }
        Command::Man { out } => {
            std::fs::create_dir_all(&out)?;
            cli.build();
            let mut pages = vec![("envctl".to_owned(), cli.clone())];
            for sub in cli
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            {
                let name = format!("envctl-{}", sub.get_name());
                pages.push((name.clone(), sub.clone().name(name)));
            }
            for (name, page) in pages {
                let mut text = Vec::new();
                clap_mangen::Man::new(page).render(&mut text)?;
                std::fs::write(out.join(format!("{name}.1")), text)?;
            }
            Ok(())
        }
    }
}
