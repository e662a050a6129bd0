//! envctl: per-developer Docker environments from templates.
//!
//! The library does all the work; the `envctl` binary only parses arguments
//! and prints. Start at [`provision::create`] and the functions in [`ops`].

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod access;
pub mod api;
pub mod backend;
pub mod backup;
pub mod cleanup;
pub mod config;
pub mod context;
pub mod docker;
pub mod durations;
pub mod error;
pub mod events;
pub mod host;
pub mod names;
pub mod ops;
pub mod ports;
pub mod progress;
pub mod provision;
pub mod readiness;
pub mod remote;
pub mod reset;
pub mod retention;
pub mod secrets;
pub mod stats;
pub mod store;
pub mod sync;
pub mod tokens;
pub mod variables;

pub use access::{Action, Caller};
pub use backend::Backend;
pub use config::Config;
pub use context::Context;
pub use error::{Error, Result, exit};
pub use ops::{DeleteOptions, Deleted, ListFilter, delete, list, logs, show, start, stop};
pub use provision::{CreateOptions, create};
pub use store::{Environment, Status, Store};
