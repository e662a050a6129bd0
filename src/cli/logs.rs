//! `envctl logs`: a service's output, or every service's, prefixed by its name.

use envctl::Backend;
use futures_util::StreamExt;

use super::{Printer, interrupted};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment id or name
    pub environment: String,
    /// Only this service
    pub service: Option<String>,
    /// Keep printing new output
    #[arg(short, long)]
    pub follow: bool,
    /// Only the last N lines of each service
    #[arg(long, value_name = "N")]
    pub tail: Option<usize>,
}

pub async fn exec(backend: &Backend, args: Args, printer: &Printer) -> anyhow::Result<()> {
    let mut stream = backend
        .logs(
            &args.environment,
            args.service.as_deref(),
            args.follow,
            args.tail,
        )
        .await?;
    let prefix = args.service.is_none();
    let stop = interrupted();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            chunk = stream.next() => match chunk {
                Some(chunk) => printer.log(&chunk?, prefix)?,
                None => return Ok(()),
            },
            () = &mut stop => return Ok(()),
        }
    }
}
