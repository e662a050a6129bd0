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
            let subcommands: Vec<String> = cli
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                .map(|s| format!("envctl-{}", s.get_name()))
                .collect();
            let mut pages = vec![("envctl".to_owned(), cli.clone())];
            for sub in cli
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            {
                let name = format!("envctl-{}", sub.get_name());
                pages.push((name.clone(), sub.clone().name(name)));
            }
            for (name, page) in pages {
                let text = man_page(page, &name, &subcommands)?;
                std::fs::write(out.join(format!("{name}.1")), text)?;
            }
            Ok(())
        }
    }
}

/// The date in every page's title line: this release's (the pages are
/// committed and checked current, so not the day they were generated).
const MAN_DATE: &str = "2026-11-27";

/// One page: clap's NAME, SYNOPSIS, DESCRIPTION, OPTIONS and subcommands,
/// then EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES (the main page), SEE ALSO
/// and VERSION from [`super::reference`], tidied so `mandoc -T lint` is quiet.
fn man_page(cmd: clap::Command, name: &str, all: &[String]) -> anyhow::Result<String> {
    use super::reference::{ENVIRONMENT, EXAMPLES, EXIT_CODES, FILES};
    let has_options = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_subcommands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let man = clap_mangen::Man::new(cmd)
        .title(name.to_uppercase())
        .date(MAN_DATE)
        .source(format!("envctl {}", env!("CARGO_PKG_VERSION")))
        .manual("envctl manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if has_options {
        man.render_options_section(&mut out)?;
    }
    if has_subcommands {
        man.render_subcommands_section(&mut out)?;
    }
    let mut roff = String::from_utf8(out)?;
    roff.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning, fix) in EXIT_CODES {
        roff.push_str(&format!(".TP\n.B {code}\n{}.", escape(meaning)));
        if *fix != "nothing" {
            roff.push_str(&format!(" What to do: {}.", escape(fix)));
        }
        roff.push('\n');
    }
    roff.push_str(".SH ENVIRONMENT\n");
    for (var, what) in ENVIRONMENT {
        roff.push_str(&format!(".TP\n.B {var}\n{}\n", escape(what)));
    }
    roff.push_str(".SH FILES\n");
    for (path, what) in FILES {
        roff.push_str(&format!(".TP\n.I {}\n{}\n", escape(path), escape(what)));
    }
    if name == "envctl" {
        roff.push_str(".SH EXAMPLES\n");
        for (command, what) in EXAMPLES {
            roff.push_str(&format!(".TP\n.B {}\n{}\n", escape(command), escape(what)));
        }
    }
    roff.push_str(".SH \"SEE ALSO\"\n");
    let others: Vec<String> = if name == "envctl" {
        all.iter()
            .map(|p| format!(".BR {} (1)", escape(p)))
            .collect()
    } else {
        vec![".BR envctl (1)".to_owned()]
    };
    let last = others.len().saturating_sub(1);
    for (i, line) in others.iter().enumerate() {
        roff.push_str(line);
        roff.push_str(if i < last { " ,\n" } else { "\n" });
    }
    roff.push_str(&format!(".SH VERSION\nv{}\n", env!("CARGO_PKG_VERSION")));
    Ok(tidy(&roff))
}

/// Text for roff: backslashes and hyphens escaped, no line starting a request.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    match text.chars().next() {
        Some('.') | Some('\'') => format!("\\&{text}"),
        _ => text,
    }
}

/// No trailing white space, and text lines of at most 80 bytes (filled text
/// may break between any two words; tags after `.TP` and no-fill blocks are
/// left as they are).
fn tidy(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len() + 256);
    let mut fill = true;
    let mut after_tp = false;
    for line in roff.lines() {
        let line = line.trim_end();
        if line.starts_with(".nf") {
            fill = false;
        } else if line.starts_with(".fi") {
            fill = true;
        }
        let request = line.starts_with('.') || line.starts_with('\'');
        if request || !fill || after_tp || line.len() <= 80 {
            out.push_str(line);
            out.push('\n');
        } else {
            let mut current = String::new();
            for word in line.split(' ').filter(|w| !w.is_empty()) {
                if !current.is_empty() && current.len() + 1 + word.len() > 80 {
                    out.push_str(&current);
                    out.push('\n');
                    current.clear();
                }
                if !current.is_empty() {
                    current.push(' ');
                }
                // A wrapped line must not start a request.
                if current.is_empty() && (word.starts_with('.') || word.starts_with('\'')) {
                    current.push_str("\\&");
                }
                current.push_str(word);
            }
            out.push_str(&current);
            out.push('\n');
        }
        after_tp = line == ".TP";
    }
    out
}
