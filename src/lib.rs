//! envctl: per-developer Docker environments from templates.
//!
//! The library does all the work; the `envctl` binary only parses arguments
//! and prints. Start at [`ops::create::create`] and the functions in [`ops`].

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod access;
pub mod api;
pub mod archives;
pub mod client;
pub mod config;
pub mod context;
pub mod engine;
pub mod error;
pub mod names;
pub mod notify;
pub mod ops;
pub mod ports;
pub mod retention;
pub mod store;
pub mod tokens;
pub mod wire;

pub use access::{Action, Caller};
pub use client::Backend;
pub use config::Config;
pub use context::Context;
pub use error::{Error, Result, exit};
pub use ops::create::{CreateOptions, create};
pub use ops::{DeleteOptions, Deleted, ListFilter, delete, list, logs, show, start, stop};
pub use store::{Environment, Status, Store};
