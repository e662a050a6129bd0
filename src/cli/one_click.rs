//! `envctl one-click`: the guided create. Asks for the template (when there is
//! more than one), the name and the owner, confirms, then creates and waits.

use std::io::IsTerminal;

use dialoguer::{Input, Select};
use envctl::{Context, CreateOptions, Error};

use super::{Printer, confirm, interrupted};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub async fn exec(ctx: &Context, _args: Args, yes: bool, printer: &Printer) -> anyhow::Result<()> {
    let owner = envctl::names::current_user();
    let name = envctl::names::default_name(&owner);
    let template = ctx.config.defaults.template.clone();
    let opts = if yes {
        CreateOptions {
            name: Some(name),
            template: Some(template),
            owner: Some(owner),
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
        ask(ctx, name, template, owner)?
    };
    let question = format!(
        "Create '{}' from template '{}' for {}?",
        opts.name.as_deref().unwrap_or_default(),
        opts.template.as_deref().unwrap_or_default(),
        opts.owner.as_deref().unwrap_or_default()
    );
    if !confirm(&question, yes)? {
        return Err(Error::Failed("cancelled; nothing was created".into()).into());
    }
    let bars = printer.progress();
    let env = envctl::create(ctx, &opts, &bars, interrupted()).await;
    bars.finish();
    printer.created(&env?)
}

fn ask(
    ctx: &Context,
    name: String,
    template: String,
    owner: String,
) -> anyhow::Result<CreateOptions> {
    let prompt_error =
        |e: dialoguer::Error| Error::Failed(format!("could not read the answer: {e}"));
    let templates: Vec<&String> = ctx.config.templates.keys().collect();
    let template = if templates.len() > 1 {
        let items: Vec<String> = ctx
            .config
            .templates
            .iter()
            .map(|(n, t)| {
                if t.description.is_empty() {
                    n.clone()
                } else {
                    format!("{n}: {}", t.description)
                }
            })
            .collect();
        let default = templates.iter().position(|t| **t == template).unwrap_or(0);
        let pick = Select::new()
            .with_prompt("Template")
            .items(&items)
            .default(default)
            .interact()
            .map_err(prompt_error)?;
        templates[pick].clone()
    } else {
        template
    };
    let name: String = Input::new()
        .with_prompt("Environment name")
        .default(name)
        .validate_with(|n: &String| envctl::names::validate_name(n))
        .interact_text()
        .map_err(prompt_error)?;
    let owner: String = Input::new()
        .with_prompt("Owner")
        .default(owner)
        .interact_text()
        .map_err(prompt_error)?;
    Ok(CreateOptions {
        name: Some(name),
        template: Some(template),
        owner: Some(owner),
        wait: true,
        ..Default::default()
    })
}
