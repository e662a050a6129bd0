//! A real browser for the web interface's tests: Debian's chromium, headless,
//! driven over WebDriver by fantoccini through chromedriver, with the few
//! steps every browser test takes (sign in, wait for a page, read a text).

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::common::{Server, free_port, wait_until};

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
    /// The browser's profile: also how its processes are found to stop them.
    profile: tempfile::TempDir,
}

impl Driver {
    pub fn start() -> Driver {
        let port = free_port();
        use std::os::unix::process::CommandExt;
        // Its own process group, so that dropping it stops the browsers it started too.
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is missing: run scripts/test.sh (it installs chromium-driver)");
        assert!(wait_until(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        }));
        Driver {
            child,
            port,
            profile: tempfile::tempdir().unwrap(),
        }
    }

    pub async fn browser(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--user-data-dir={}", self.profile.path().display())],
                "mobileEmulation": {"deviceMetrics": {"width": 375, "height": 800, "pixelRatio": 1.0}}
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("chromium did not start")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
        // The browser leaves chromedriver's process group; find it by its profile.
        let _ = Command::new("pkill")
            .args(["-9", "-f", &self.profile.path().display().to_string()])
            .status();
    }
}

pub async fn text_of(b: &Client, css: &str) -> Option<String> {
    b.find(Locator::Css(css)).await.ok()?.text().await.ok()
}

/// Clicks `css` (see [`on_fresh`]).
pub async fn click(b: &Client, css: &str) {
    on_fresh(b, css, "clicking", |e| async move {
        e.click().await.map(|_| ())
    })
    .await
}

/// Types `text` into `css` (see [`on_fresh`]).
pub async fn type_into(b: &Client, css: &str, text: &str) {
    on_fresh(
        b,
        css,
        "typing into",
        |e| async move { e.send_keys(text).await },
    )
    .await
}

/// Does `act` on the element `css` finds. A live page (the event stream
/// re-renders its panels) can replace the element between its finding and
/// the act, which then was not delivered: the element is found again and
/// the act done on the new one, for up to 5 s. Any other error fails.
async fn on_fresh<F, Fut>(b: &Client, css: &str, what: &str, act: F)
where
    F: Fn(fantoccini::elements::Element) -> Fut,
    Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
{
    for _ in 0..50 {
        let element = b
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"));
        match act(element).await {
            Ok(()) => return,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{what} {css}: {e}"),
        }
    }
    panic!("{css} was replaced at every try for 5 s");
}

pub async fn sign_in(b: &Client, server: &Server, token: &str) {
    b.goto(&format!("{}/login", server.url())).await.unwrap();
    type_into(b, "#token", token).await;
    click(b, "form.card button[type=submit]").await;
    wait_path(b, "/").await;
}

/// Waits for a navigation (a click returns before it commits) to reach `path`.
pub async fn wait_path(b: &Client, path: &str) {
    for _ in 0..300 {
        if b.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "never reached {path}; at {}: {}",
        b.current_url().await.unwrap(),
        b.source().await.unwrap()
    );
}

/// Waits until the element `css` exists and its text contains `want`; its text.
pub async fn wait_for_text(b: &Client, css: &str, want: &str) -> String {
    let mut last = None;
    for _ in 0..300 {
        last = text_of(b, css).await;
        if let Some(t) = &last
            && t.contains(want)
        {
            return t.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{css} never said {want:?} (last {last:?}); page: {}",
        b.source().await.unwrap()
    );
}
