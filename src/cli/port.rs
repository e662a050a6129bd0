//! `envctl port` and `envctl open`: where an environment's services listen
//! on the host, from its record and its template (`ops::port`), in either
//! mode; `open` hands the URL to a browser when there is a display.

use envctl::Backend;
use envctl::ops::port;

use super::Printer;

#[derive(Debug, clap::Args)]
pub struct PortArgs {
    /// Environment id or name
    pub environment: String,
    /// Only this service
    pub service: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct OpenArgs {
    /// Environment id or name
    pub environment: String,
    /// The service [default: the first that publishes a port]
    pub service: Option<String>,
    /// Print the URL, open nothing
    #[arg(long)]
    pub print: bool,
}

pub async fn port(backend: &Backend, args: PortArgs, printer: &Printer) -> anyhow::Result<()> {
    let env = backend.show(&args.environment).await?;
    let templates = backend.templates().await?;
    let ports = port::published(&env, templates.get(&env.template), args.service.as_deref())?;
    if printer.json() {
        return printer.raw_json(&format!("{}\n", serde_json::to_string_pretty(&ports)?));
    }
    let width = ports.iter().map(|p| p.service.len()).max().unwrap_or(0);
    let text: String = ports
        .iter()
        .map(|p| format!("{:width$}  {}\n", p.service, p.mapping()))
        .collect();
    printer.out(&text)
}

pub async fn open(backend: &Backend, args: OpenArgs, printer: &Printer) -> anyhow::Result<()> {
    let env = backend.show(&args.environment).await?;
    let templates = backend.templates().await?;
    let (service, url) = port::url(&env, templates.get(&env.template), args.service.as_deref())?;
    if printer.json() {
        let value = serde_json::json!({"service": service, "url": url});
        return printer.raw_json(&format!("{value}\n"));
    }
    if !args.print
        && let Some(browser) = browser()
    {
        // $BROWSER may name several (a:b) and carry arguments ("firefox --new-tab").
        let mut words = browser.split_whitespace();
        let program = words.next().unwrap_or_default();
        let status = std::process::Command::new(program)
            .args(words)
            .arg(&url)
            .stdin(std::process::Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => {
                printer.note(&format!("opened {url} ({service}) with {browser}"));
                return Ok(());
            }
            Ok(s) => Printer::warning(&format!("{browser} {url} failed ({s}); here is the URL")),
            Err(e) => Printer::warning(&format!("cannot run {browser} ({e}); here is the URL")),
        }
    }
    printer.out(&format!("{url}\n"))
}

/// What opens a URL: $BROWSER, else the desktop's opener when there is a
/// display; `None` on a headless machine (the URL is printed instead).
fn browser() -> Option<String> {
    if let Some(b) = std::env::var("BROWSER")
        .ok()
        .and_then(|b| b.split(':').next().map(str::to_owned))
        .filter(|b| !b.trim().is_empty())
    {
        return Some(b);
    }
    if cfg!(target_os = "macos") {
        return Some("open".into());
    }
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
    (display && on_path("xdg-open")).then(|| "xdg-open".into())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
