//! `envctl one-click`: the guided create. Asks for the template (when there is
//! more than one), the name and the owner, confirms, then creates and waits.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use dialoguer::{Input, Select};
use envctl::config::TemplateSummary;
use envctl::{Backend, CreateOptions, Error};

use super::{Printer, confirm, interrupted};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Create cold, even when the template's warm pool has a ready member
    #[arg(long)]
    pub no_pool: bool,
}

pub async fn exec(
    backend: &Backend,
    args: Args,
    yes: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let templates = backend.templates().await?;
    // Remotely the server owns it by the token's user; locally, $USER.
    let owner = match backend {
        Backend::Local(_) => Some(envctl::names::current_user()),
        Backend::Remote(_) => None,
    };
    let name = envctl::names::default_name(owner.as_deref().unwrap_or("env"));
    let template = templates
        .iter()
        .find(|(_, t)| t.default)
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| "onboarding".into());
    let mut opts = if yes {
        CreateOptions {
            // Remotely the server names it after the token's user.
            name: owner.is_some().then_some(name),
            template: Some(template),
            owner,
            wait: true,
            ..Default::default()
        }
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(Error::ConfirmationRequired(
                "one-click asks questions, and there is no terminal".into(),
            )
            .into());
        }
        ask(&templates, name, template, owner)?
    };
    let question = format!(
        "Create {} from template '{}' for {}?",
        opts.name
            .as_deref()
            .map_or("a new environment".to_owned(), |n| format!("'{n}'")),
        opts.template.as_deref().unwrap_or_default(),
        opts.owner.as_deref().unwrap_or("you")
    );
    if !confirm(&question, yes)? {
        return Err(Error::Failed("cancelled; nothing was created".into()).into());
    }
    let bars = printer.progress();
    opts.no_pool = args.no_pool;
    let env = backend.create(&opts, &bars, interrupted()).await;
    bars.finish();
    printer.created(&env?)
}

fn ask(
    templates: &BTreeMap<String, TemplateSummary>,
    name: String,
    template: String,
    owner: Option<String>,
) -> anyhow::Result<CreateOptions> {
    let prompt_error =
        |e: dialoguer::Error| Error::Failed(format!("could not read the answer: {e}"));
    let names: Vec<&String> = templates.keys().collect();
    let template = if names.len() > 1 {
        let items: Vec<String> = templates
            .iter()
            .map(|(n, t)| {
                if t.description.is_empty() {
                    n.clone()
                } else {
                    format!("{n}: {}", t.description)
                }
            })
            .collect();
        let default = names.iter().position(|t| **t == template).unwrap_or(0);
        let pick = Select::new()
            .with_prompt("Template")
            .items(&items)
            .default(default)
            .interact()
            .map_err(prompt_error)?;
        names[pick].clone()
    } else {
        template
    };
    let name: String = Input::new()
        .with_prompt("Environment name")
        .default(name)
        .validate_with(|n: &String| envctl::names::validate_name(n))
        .interact_text()
        .map_err(prompt_error)?;
    let owner = match owner {
        Some(owner) => Some(
            Input::new()
                .with_prompt("Owner")
                .default(owner)
                .interact_text()
                .map_err(prompt_error)?,
        ),
        None => None,
    };
    Ok(CreateOptions {
        name: Some(name),
        template: Some(template),
        owner,
        wait: true,
        ..Default::default()
    })
}
