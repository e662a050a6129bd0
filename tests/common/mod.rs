//! Test harness: a sandbox per test (its own data dir, config, port range and
//! so its own instance id), the real `envctl` binary, and clean-up of every
//! Docker object carrying the sandbox's instance label, and nothing else.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Built by `scripts/test-image.sh` (the README's test command runs it).
pub const IMAGE: &str = "envctl-test/busybox:1";

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub base: u16,
}

impl Sandbox {
    /// A sandbox whose port range is `base..base + 100`, with environment
    /// networks carved from 10.213.0.0/16 (so the tests do not use up the
    /// engine's ~30 default address pools, which other users share).
    pub fn new(base: u16) -> Sandbox {
        Sandbox::with(
            base,
            "[network]\nsubnet_pool = \"10.213.0.0/16\"\nsubnet_prefix = 28\n",
        )
    }

    /// [`Sandbox::new`] with more config (an `[api]` table, say).
    pub fn with_config(base: u16, extra: &str) -> Sandbox {
        Sandbox::with(
            base,
            &format!("[network]\nsubnet_pool = \"10.213.0.0/16\"\nsubnet_prefix = 28\n{extra}\n"),
        )
    }

    /// A sandbox that leaves network addressing to Docker.
    pub fn with_docker_networks(base: u16) -> Sandbox {
        Sandbox::with(base, "")
    }

    /// A sandbox on `engine`: its own ports `base..base + 40` and address
    /// pool (overlay networks on a Swarm are not checked against bridges).
    pub fn on(engine: EngineKind, base: u16) -> Sandbox {
        Sandbox::on_with(engine, base, "")
    }

    /// [`Sandbox::on`] with more config (templates, say).
    pub fn on_with(engine: EngineKind, base: u16, extra: &str) -> Sandbox {
        let config = match engine {
            EngineKind::Docker => {
                "[network]\nsubnet_pool = \"10.213.0.0/16\"\nsubnet_prefix = 28\n".to_owned()
            }
            EngineKind::Swarm => {
                assert!(
                    swarm_node().is_some(),
                    "the Docker engine is not a swarm manager: scripts/test.sh makes it one \
                     (`docker swarm init --advertise-addr 127.0.0.1`)"
                );
                "[engine]\nkind = \"swarm\"\n[network]\nsubnet_pool = \"10.214.0.0/16\"\nsubnet_prefix = 28\n"
                    .to_owned()
            }
        };
        Sandbox::with_width(base, &format!("{config}{extra}\n"), 40)
    }

    fn with(base: u16, extra: &str) -> Sandbox {
        Sandbox::with_width(base, extra, 100)
    }

    fn with_width(base: u16, extra: &str, width: u16) -> Sandbox {
        assert!(
            Command::new("docker")
                .args(["image", "inspect", IMAGE])
                .output()
                .unwrap()
                .status
                .success(),
            "test image {IMAGE} is missing: run scripts/test.sh (or scripts/test-image.sh) first"
        );
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            r#"
[ports]
base = {base}
max = {max}

{extra}
[defaults]
template = "web"
stop_timeout = "2s"

[templates.web]
description = "one busybox web server"
[[templates.web.services]]
name = "web"
image = "{IMAGE}"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
memory = "64m"
cpus = 0.5
pids = 64
volumes = ["data:/data"]
ready = {{ http = "/", timeout = "60s" }}

[templates.trio]
description = "three busybox web servers, like onboarding"
[[templates.trio.services]]
name = "jira"
image = "{IMAGE}"
port = 80
offset = 0
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = {{ http = "/" }}
[[templates.trio.services]]
name = "gitlab"
image = "{IMAGE}"
port = 80
offset = 1
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = {{ http = "/index.html" }}
[[templates.trio.services]]
name = "dashboard"
image = "{IMAGE}"
port = 80
offset = 2
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = {{ tcp = true }}

[templates.checked]
description = "readiness by a Docker health check command"
[[templates.checked.services]]
name = "app"
image = "{IMAGE}"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = {{ cmd = ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:80/"], timeout = "60s" }}

[templates.exits]
[[templates.exits.services]]
name = "app"
image = "{IMAGE}"
port = 80
command = ["sh", "-c", "echo boom; sleep 1; exit 3"]

[templates.never]
[[templates.never.services]]
name = "app"
image = "{IMAGE}"
port = 80
command = ["sleep", "3600"]
ready = {{ tcp = true, timeout = "10m" }}

[templates.busy]
description = "burns half a CPU after writing 8 MB to its volume"
[[templates.busy.services]]
name = "burner"
image = "{IMAGE}"
command = ["sh", "-c", "dd if=/dev/zero of=/data/blob bs=1M count=8 2>/dev/null; while :; do :; done"]
memory = "64m"
cpus = 0.5
volumes = ["data:/data"]

[templates.ticker]
description = "prints a line every 0.3 s"
[[templates.ticker.services]]
name = "clock"
image = "{IMAGE}"
command = ["sh", "-c", "while :; do echo tick; sleep 0.3; done"]

[templates.missing]
[[templates.missing.services]]
name = "app"
image = "envctl-test/no-such-image:1"
port = 80
"#,
            max = base + width - 1
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Sandbox { dir, base }
    }

    /// Whether a write of the database is under way: its temporary file
    /// (the new snapshot) exists in the data directory.
    pub fn writing_database(&self) -> bool {
        std::fs::read_dir(self.data_dir())
            .map(|dir| {
                dir.flatten().any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".environments.json.tmp-")
                })
            })
            .unwrap_or(false)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("environments.json")
    }

    /// `envctl` with this sandbox's data dir and config, no colour, no terminal.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_envctl"));
        cmd.env("ENVCTL_DATA_DIR", self.data_dir())
            .env("ENVCTL_CONFIG", self.dir.path().join("config.toml"))
            .env("NO_COLOR", "1")
            .env("USER", "tester")
            .env_remove("DOCKER_HOST")
            .stdin(std::process::Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs with `--json`, asserts success and parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).arg("--json").output().unwrap();
        assert!(
            out.status.success(),
            "envctl {args:?} failed: {}",
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", text(&out.stdout)))
    }

    /// Waits until the `index`th record of the database file has `status`,
    /// read straight from the file as another terminal would see it.
    pub fn wait_for_status(&self, index: usize, status: &str, limit: Duration) -> bool {
        wait_until(limit, || {
            std::fs::read(self.db_path())
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .is_some_and(|db| db["environments"][index]["status"] == status)
        })
    }

    /// The names `envctl list` shows, in order.
    pub fn names(&self) -> Vec<String> {
        self.strings(&["list"], "name")
    }

    /// `field` of each element of the JSON array `envctl ARGS --json` prints.
    pub fn strings(&self, args: &[&str], field: &str) -> Vec<String> {
        self.json(args)
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[field].as_str().unwrap().to_owned())
            .collect()
    }

    pub fn instance_id(&self) -> Option<String> {
        let bytes = std::fs::read(self.db_path()).ok()?;
        let db: Value = serde_json::from_slice(&bytes).ok()?;
        db["instance_id"].as_str().map(str::to_owned)
    }

    /// Names of the Docker objects of `kind` (container, network, volume) with this sandbox's label.
    pub fn labelled(&self, kind: &str) -> Vec<String> {
        let Some(id) = self.instance_id() else {
            return Vec::new();
        };
        let filter = format!("label=io.envctl.instance={id}");
        let args: Vec<&str> = match kind {
            "container" => vec!["ps", "-a", "-q", "--filter", &filter],
            // None (and an error, ignored) when the engine is not in a swarm.
            "service" => vec!["service", "ls", "-q", "--filter", &filter],
            "network" => vec!["network", "ls", "-q", "--filter", &filter],
            _ => vec!["volume", "ls", "-q", "--filter", &filter],
        };
        let out = Command::new("docker").args(args).output().unwrap();
        text(&out.stdout).lines().map(str::to_owned).collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Services left behind are emptied first: an engine before 23.0
        // crashes when a service goes while its tasks are being reaped
        // (see `retire` in src/engine/docker/swarm.rs).
        // All at once, then one wait: each stop takes its grace period.
        let services = self.labelled("service");
        if !services.is_empty() {
            let _ = Command::new("docker")
                .args(["service", "scale", "--detach"])
                .args(services.iter().map(|s| format!("{s}=0")))
                .output();
            wait_until(Duration::from_secs(60), || {
                Command::new("docker")
                    .args(["service", "ps", "--format", "{{.DesiredState}}"])
                    .args(&services)
                    .output()
                    .is_ok_and(|o| !text(&o.stdout).contains("Remove"))
            });
        }
        for (kind, rm) in [
            ("service", vec!["service", "rm"]),
            ("container", vec!["rm", "-f", "-v"]),
            ("network", vec!["network", "rm"]),
            ("volume", vec!["volume", "rm", "-f"]),
        ] {
            let ids = self.labelled(kind);
            if !ids.is_empty() {
                let _ = Command::new("docker").args(&rm).args(&ids).output();
            }
        }
    }
}

/// Which engine a behavioural test runs on (`[engine] kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    Docker,
    Swarm,
}

/// The id of the swarm node this engine is, when it is a swarm manager.
pub fn swarm_node() -> Option<String> {
    let out = Command::new("docker")
        .args([
            "info",
            "--format",
            "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}",
        ])
        .output()
        .ok()?;
    let text = text(&out.stdout);
    let mut words = text.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("active"), Some("true"), Some(id)) => Some(id.to_owned()),
        _ => None,
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The event log's text: every file under `<data dir>/events/`, oldest
/// first (empty when there is none).
pub fn event_log(data_dir: &std::path::Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir.join("events"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Polls `check` until it is true or `limit` passes.
pub fn wait_until(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    check()
}

/// HTTP GET on localhost:port, returning the body of a 200.
pub fn http_get(port: u16) -> Option<String> {
    http_get_path(port, "/")
}

/// The body of `GET path` when it answers 200.
pub fn http_get_path(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes())
        .ok()?;
    let mut response = String::new();
    s.read_to_string(&mut response).ok()?;
    response.starts_with("HTTP/1.").then_some(())?;
    response.contains(" 200 ").then(|| {
        response
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    })
}

impl Sandbox {
    /// A new API token of `role` for user `name`; its secret.
    pub fn token(&self, name: &str, role: &str) -> String {
        let out = self.run(&["token", "create", "--name", name, "--role", role]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).lines().last().unwrap().to_owned()
    }

    /// `envctl serve` over this sandbox, on a free loopback port.
    pub fn serve(&self) -> Server {
        self.serve_to(std::process::Stdio::null(), None)
    }

    /// [`Sandbox::serve`] with its log (`ENVCTL_LOG=level`) kept in a file: the path.
    pub fn serve_logged(&self, level: &str) -> (Server, PathBuf) {
        let log = self.dir.path().join("serve.log");
        let file = std::fs::File::create(&log).unwrap();
        (self.serve_to(file.into(), Some(level)), log)
    }

    fn serve_to(&self, stderr: std::process::Stdio, level: Option<&str>) -> Server {
        let port = free_port();
        let mut cmd = self.cmd();
        if let Some(level) = level {
            cmd.env("ENVCTL_LOG", level);
        }
        let child = cmd
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stderr(stderr)
            .spawn()
            .unwrap();
        assert!(
            wait_until(Duration::from_secs(10), || {
                std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            }),
            "the server did not come up"
        );
        Server { child, port }
    }
}

/// A running `envctl serve`, stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
}

impl Server {
    /// Sends SIGTERM (the server then stops gracefully).
    pub fn sigterm(&self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `envctl` as a CI runner without Docker uses it: ENVCTL_SERVER and
    /// ENVCTL_TOKEN set, and a data dir and config that do not exist.
    pub fn client(&self, token: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_envctl"));
        cmd.env("ENVCTL_SERVER", self.url())
            .env("ENVCTL_TOKEN", token)
            .env("ENVCTL_DATA_DIR", "/nonexistent/envctl-runner/data")
            .env("ENVCTL_CONFIG", "/nonexistent/envctl-runner/config.toml")
            .env("NO_COLOR", "1")
            .env("USER", "runner")
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .stdin(std::process::Stdio::null());
        cmd
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

// The web interface over plain HTTP: a cookie jar and signing in.

/// A minimal HTTP/1.1 client with a cookie jar.
pub struct Http {
    pub port: u16,
    pub cookies: HashMap<String, String>,
}

pub struct Answer {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl Http {
    pub fn send(&mut self, method: &str, path: &str, form: Option<&str>) -> Answer {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let body = form.unwrap_or("");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            cookie.join("; "),
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (headers, body) = raw.split_once("\r\n\r\n").unwrap();
        for line in headers.lines() {
            if let Some(c) = line.strip_prefix("set-cookie: ") {
                let (k, v) = c.split(';').next().unwrap().split_once('=').unwrap();
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        Answer {
            status: headers[9..12].parse().unwrap(),
            headers: headers.to_owned(),
            body: body.to_owned(),
        }
    }
}

pub fn form_value(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap();
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Signs in over plain HTTP; the client and the session's CSRF secret.
pub fn signed_in(server: &Server, token: &str) -> (Http, String) {
    let mut http = Http {
        port: server.port,
        cookies: HashMap::new(),
    };
    let login = http.send("GET", "/login", None);
    let csrf = form_value(&login.body, "csrf");
    let r = http.send(
        "POST",
        "/login",
        Some(&format!("token={token}&csrf={csrf}")),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let csrf = form_value(&http.send("GET", "/", None).body, "csrf");
    (http, csrf)
}

/// Reads `child`'s stdout until it has printed `n` lines (or `limit`
/// passes), then interrupts it (SIGINT, as Ctrl-C does) and returns its exit
/// status with every line it printed: a wait on what it did, not a sleep.
pub fn lines_then_interrupt(
    mut child: std::process::Child,
    n: usize,
    limit: Duration,
) -> (std::process::ExitStatus, Vec<String>) {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("stdout piped");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + limit;
    let mut lines = Vec::new();
    while lines.len() < n {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => break,
        }
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    (status, lines)
}

/// One API request with a bearer token over plain HTTP: the status and the JSON body (null when none).
pub fn api_call(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let payload = response.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(payload).unwrap_or(Value::Null))
}
