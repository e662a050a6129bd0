//! The service layer: every operation envctl offers, one file per operation
//! or family. Each takes a [`Caller`](crate::access::Caller), authorises it
//! (through [`crate::access`]), validates its request, changes the record
//! under the store's lock, talks to the engine unlocked, and writes the event
//! log once. The doors (CLI, remote client, API, web) call these and nothing
//! below them; no rule lives in a door.
//!
//! Must not: print, prompt, or name a container runtime's own types (those
//! stay in `engine/`).

pub mod archive;
pub mod backup;
pub mod cleanup;
pub mod create;
pub mod delete;
pub mod doctor;
pub mod exec;
pub mod lifecycle;
pub mod logs;
pub mod order;
pub mod pool;
pub mod port;
pub mod progress;
pub mod query;
pub mod report;
pub mod requests;
pub mod reset;
pub mod stats;
pub mod sync;
pub mod tokens;

pub use delete::{DeleteOptions, Deleted, delete, delete_in_background};
pub use lifecycle::{Update, change, set_pinned, start, start_in_background, stop, update};
pub use logs::{LogChunk, LogStream, logs, secrets, tail};
pub use query::{ListFields, ListFilter, json_array, list, list_json, show};

use crate::access::Caller;
use crate::context::Context;
use crate::error::Result;

/// Appends the outcome of an operation on `target` (by `caller`) to the event log.
pub(crate) fn log<T>(
    ctx: &Context,
    caller: &Caller,
    action: &str,
    target: &str,
    result: &Result<T>,
) {
    crate::store::events::record_result(ctx.store.dir(), caller, action, Some(target), result);
}

/// Appends the outcome of an operation on the environment `target` to the
/// event log, describing the environment (template, owner, labels) from
/// `env`, else from its record when it still has one, and how long the
/// operation took since `started`.
pub(crate) fn log_environment<T>(
    ctx: &Context,
    caller: &Caller,
    action: &str,
    target: &str,
    env: Option<&crate::store::Environment>,
    started: std::time::Instant,
    result: &Result<T>,
) {
    let entry = crate::store::events::Entry::new(action)
        .since(started)
        .result(result);
    let found = match env {
        Some(_) => None,
        None => ctx
            .store
            .read()
            .ok()
            .and_then(|db| db.find(target).cloned()),
    };
    match env.or(found.as_ref()) {
        Some(env) => entry.environment(env),
        None => entry.target(target),
    }
    .write(ctx.store.dir(), caller);
}
