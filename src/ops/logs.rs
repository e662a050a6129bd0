//! What services print: `logs` (a stream, optionally followed), `tail`, and
//! an environment's generated secrets, each behind its own permission.

use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt};

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::engine::Runtime;
use crate::error::{Error, Result};
use crate::ops::show;
use crate::store::Environment;

/// A chunk of a service's output.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LogChunk {
    pub service: String,
    pub text: String,
}

pub type LogStream = Pin<Box<dyn Stream<Item = Result<LogChunk>> + Send>>;

/// The logs of one service, or of all (one after the other; interleaved as
/// they come when `follow`).
pub async fn logs(
    ctx: &Context,
    caller: &Caller,
    target: &str,
    service: Option<&str>,
    follow: bool,
    tail: Option<usize>,
) -> Result<LogStream> {
    let db = ctx.store.read()?;
    let env = db.get(target)?;
    // Logs may hold secrets: the owner's, or an operator's.
    caller.authorize(Action::ReadLogs, Some(&env.owner))?;
    let engine = ctx.engine().await?;
    let services: Vec<(String, String)> = match service {
        Some(name) => {
            let s = env.services.get(name).ok_or_else(|| Error::NotFound {
                what: "service",
                name: format!("{name}' in environment '{}", env.name),
            })?;
            vec![(name.to_owned(), s.container.clone())]
        }
        None => env
            .services
            .iter()
            .map(|(n, s)| (n.clone(), s.container.clone()))
            .collect(),
    };
    for (_, container) in &services {
        engine
            .check_owned(&db.instance_id, &env.id, container)
            .await?;
    }
    let streams: Vec<LogStream> = services
        .into_iter()
        .map(|(service, container)| {
            let s = engine.logs(&container, follow, tail).map(move |chunk| {
                chunk.map(|text| LogChunk {
                    service: service.clone(),
                    text,
                })
            });
            Box::pin(s) as LogStream
        })
        .collect();
    Ok(if follow {
        Box::pin(stream::select_all(streams))
    } else {
        Box::pin(stream::iter(streams).flatten())
    })
}

/// An environment's generated secrets, by name: for its owner and admins
/// only (see [`Action::ReadSecrets`]). Empty when its template has none.
pub fn secrets(
    ctx: &Context,
    caller: &Caller,
    target: &str,
) -> Result<std::collections::BTreeMap<String, String>> {
    let env = show(ctx, target)?;
    caller.authorize(Action::ReadSecrets, Some(&env.owner))?;
    crate::store::secrets::load(ctx.store.dir(), &env.id)
}

/// The last `lines` lines of each service (the web page's log panel), or
/// `None` when the caller may not read this environment's logs.
pub async fn tail(
    ctx: &Context,
    caller: &Caller,
    env: &Environment,
    lines: usize,
) -> Option<Vec<(String, String)>> {
    if !caller.may(Action::ReadLogs, Some(&env.owner)) {
        return None;
    }
    let mut out = Vec::new();
    for service in env.services.keys() {
        let mut text = String::new();
        if let Ok(mut stream) = logs(ctx, caller, &env.id, Some(service), false, Some(lines)).await
        {
            while let Some(Ok(chunk)) = stream.next().await {
                text.push_str(&chunk.text);
            }
        }
        out.push((service.clone(), text));
    }
    Some(out)
}
