//! Webhook notifications on the real engine, through the real binary: a tiny
//! HTTP receiver in the test (on 127.0.0.1) records what envctl sends.
//!
//! Ports: sandboxes at 29600..29649 (each uses a few), receivers at
//! 28940..28999.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Sandbox, text, wait_until};
use serde_json::Value;

const SECRET: &str = "s3cret-for-tests";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// Checks `X-Envctl-Signature` against an HMAC-SHA256 computed here, as
    /// a receiver would, with a 5-minute replay window.
    fn verify(&self, secret: &str) {
        let timestamp = self.header("X-Envctl-Timestamp").expect("a timestamp");
        let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
        assert!(age.abs() < 300, "signed {age} s ago");
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
        let signed = format!("{timestamp}.{}", self.body);
        let expected: String = ring::hmac::sign(&key, signed.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            self.header("X-Envctl-Signature"),
            Some(format!("sha256={expected}").as_str()),
            "signature of {}",
            self.body
        );
    }
}

/// A webhook receiver: answers every POST with `status` and `answer`.
struct Receiver {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(port: u16, status: u16, answer: &'static str) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (seen, stopping) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                if let Ok(stream) = stream {
                    serve_one(stream, status, answer, &seen);
                }
            }
        });
        Receiver {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The `kind` of each JSON notice received, in order.
    fn kinds(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.json()["kind"].as_str().unwrap_or("?").to_owned())
            .collect()
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads one request and records it before answering, so a sender that
/// got its answer finds the request recorded.
fn serve_one(
    mut stream: TcpStream,
    status: u16,
    answer: &str,
    seen: &Mutex<Vec<Request>>,
) -> Option<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let mut lines = head.lines();
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    let reply = format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    seen.lock().unwrap().push(Request {
        path,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    });
    let _ = stream.write_all(reply.as_bytes());
    Some(())
}

/// A `[[notifications]]` entry.
fn endpoint(url: &str, more: &str) -> String {
    format!("[[notifications]]\nurl = \"{url}\"\n{more}\n")
}

const POOLED: &str = r#"
[templates.pooled]
[[templates.pooled.services]]
name = "app"
image = "envctl-test/busybox:1"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = { tcp = true }
[templates.pooled.pool]
size = 0
max = 1
"#;

fn ok(sb: &Sandbox, args: &[&str]) {
    let out = sb.run(args);
    assert!(
        out.status.success(),
        "envctl {args:?}: {}",
        text(&out.stderr)
    );
}

#[test]
fn each_event_reaches_the_receiver_once_in_order_and_signed() {
    let hook = Receiver::start(28940, 200, "ok");
    let sb = Sandbox::with_config(
        29600,
        &format!(
            "{}{POOLED}",
            endpoint(
                &hook.url(),
                &format!("secret = \"{SECRET}\"\nwarn_before = \"2h\"")
            )
        ),
    );
    let expect = |kinds: &[&str]| {
        let arrived = wait_until(Duration::from_secs(10), || hook.kinds() == kinds);
        assert!(arrived, "expected {kinds:?}, got {:?}", hook.kinds());
    };

    // failed: a create whose service exits.
    assert!(
        !sb.run(&["create", "broken", "--template", "exits"])
            .status
            .success()
    );
    expect(&["failed"]);

    // expiring: an environment whose TTL is shorter than warn_before; and
    // one already past its TTL. A cleanup whose backup cannot be written
    // warns, then fails: backup_failed and maintenance_failed.
    ok(&sb, &["create", "soon", "--ttl", "1h", "--no-pool"]);
    ok(&sb, &["create", "short", "--ttl", "1ms", "--no-pool"]);
    let backups = sb.data_dir().join("backups");
    let _ = std::fs::remove_dir_all(&backups);
    std::fs::write(&backups, "not a directory").unwrap();
    assert!(!sb.run(&["auto-cleanup"]).status.success());
    expect(&["failed", "expiring", "backup_failed", "maintenance_failed"]);
    // The same failure again is no news: a second failing run (which
    // delivers what is due before it exits) sends nothing.
    assert!(!sb.run(&["auto-cleanup"]).status.success());
    assert_eq!(
        hook.kinds(),
        ["failed", "expiring", "backup_failed", "maintenance_failed"]
    );

    // expired and cleanup: the same run with backups possible; `soon` is not warned again.
    std::fs::remove_file(&backups).unwrap();
    ok(&sb, &["auto-cleanup"]);
    expect(&[
        "failed",
        "expiring",
        "backup_failed",
        "maintenance_failed",
        "expired",
        "cleanup",
    ]);

    // pool_miss: a pooled template with no ready member.
    ok(&sb, &["create", "cold", "--template", "pooled"]);
    let all = [
        "failed",
        "expiring",
        "backup_failed",
        "maintenance_failed",
        "expired",
        "cleanup",
        "pool_miss",
    ];
    expect(&all);
    // A further delivery round (auto-cleanup delivers whatever is due before
    // it exits): a duplicate queued behind the last expected notice would
    // arrive now.
    ok(&sb, &["auto-cleanup"]);
    assert_eq!(hook.kinds(), all, "nothing arrives twice");

    let requests = hook.requests();
    let mut ids = std::collections::HashSet::new();
    for r in &requests {
        r.verify(SECRET);
        let notice = r.json();
        assert_eq!(r.path, "/hook");
        assert_eq!(r.header("X-Envctl-Event"), notice["kind"].as_str());
        assert_eq!(r.header("X-Envctl-Delivery"), notice["id"].as_str());
        assert!(
            ids.insert(notice["id"].as_str().unwrap().to_owned()),
            "each once"
        );
        assert!(!notice["summary"].as_str().unwrap().is_empty());
    }
    let by_kind = |kind: &str| {
        requests
            .iter()
            .map(Request::json)
            .find(|n| n["kind"] == kind)
            .unwrap()
    };
    let failed = by_kind("failed");
    assert_eq!(
        (
            &failed["environment"],
            &failed["owner"],
            &failed["template"]
        ),
        (&"broken".into(), &"tester".into(), &"exits".into())
    );
    assert_eq!(failed["details"]["action"], "create");
    let expiring = by_kind("expiring");
    assert_eq!(expiring["environment"], "soon");
    assert_eq!(
        expiring["details"]["extend_command"],
        "envctl extend soon 1d"
    );
    assert!(expiring["summary"].as_str().unwrap().contains("of tester"));
    assert_eq!(by_kind("expired")["environment"], "short");
    let cleanup = by_kind("cleanup");
    assert_eq!(cleanup["details"]["removed"], 1);
    assert_eq!(cleanup["details"]["by_rule"]["expired"], 1);
    assert_eq!(by_kind("pool_miss")["template"], "pooled");
    assert_eq!(by_kind("backup_failed")["details"]["reason"], "cleanup");
    // Nothing left waiting.
    assert_eq!(sb.json(&["notify", "queue"]), serde_json::json!([]));
}

#[test]
fn a_receiver_that_was_down_gets_the_queued_notices_from_the_server() {
    // Nothing listens on the receiver's port yet.
    let port = 28941;
    let url = format!("http://127.0.0.1:{port}/hook");
    let sb = Sandbox::with_config(
        29610,
        &format!(
            "{}[api]\nmaintenance_interval = \"1s\"\nrestart_limit = 0\n",
            endpoint(
                &url,
                &format!(
                    "secret = \"{SECRET}\"\nretry_after = \"1s\"\nevents = [\"restart_limit\", \"failed\"]"
                )
            )
        ),
    );
    // A failed create queues a notice it cannot deliver (the CLI tries for 2 s at most).
    let started = std::time::Instant::now();
    assert!(
        !sb.run(&["create", "broken", "--template", "exits"])
            .status
            .success()
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    let queue = sb.json(&["notify", "queue"]);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue[0]["notice"]["kind"], "failed");
    assert_eq!(queue[0]["attempts"], 1, "{queue}");
    assert!(
        queue[0]["last_error"].as_str().unwrap().contains("connect"),
        "{queue}"
    );

    // The server gives up on a service that dies (restart_limit = 0): restart_limit.
    let env = sb.json(&["create", "svc", "--no-pool"]);
    let container = env["services"]["web"]["container"]
        .as_str()
        .unwrap()
        .to_owned();
    let server = sb.serve();
    std::process::Command::new("docker")
        .args(["kill", &container])
        .output()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(30), || {
            sb.json(&["notify", "queue"]).as_array().unwrap().len() == 2
        }),
        "the restart_limit notice is queued too: {}",
        sb.json(&["notify", "queue"])
    );

    // The receiver comes back: the server delivers both, in order.
    let hook = Receiver::start(port, 200, "thanks");
    assert!(
        wait_until(Duration::from_secs(30), || hook.kinds().len() == 2),
        "delivered: {:?}",
        hook.kinds()
    );
    assert_eq!(hook.kinds(), ["failed", "restart_limit"]);
    for r in hook.requests() {
        r.verify(SECRET);
    }
    let limit = hook.requests()[1].json();
    assert_eq!(limit["environment"], "svc");
    assert_eq!(limit["details"]["service"], "web");
    assert!(wait_until(Duration::from_secs(5), || {
        sb.json(&["notify", "queue"]) == serde_json::json!([])
    }));
    let metrics = common::http_get_path(server.port, "/metrics").unwrap();
    let value = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("{name} in {metrics}"))
    };
    assert!(value("envctl_notifications_sent_total") >= 1.0, "{metrics}");
    assert!(
        value("envctl_notification_failed_attempts_total") >= 1.0,
        "{metrics}"
    );
    assert_eq!(value("envctl_notifications_queued"), 0.0);
    assert_eq!(value("envctl_notifications_dropped_total"), 0.0);
}

#[test]
fn filters_pick_the_notices_and_slack_and_teams_get_their_shapes() {
    let slack = Receiver::start(28942, 200, "ok");
    let teams = Receiver::start(28943, 202, "");
    let expiring_only = Receiver::start(28944, 200, "ok");
    let sb = Sandbox::with_config(
        29620,
        &format!(
            "{}{}{}",
            endpoint(&slack.url(), "format = \"slack\"\nowner = \"ann\""),
            endpoint(&teams.url(), "format = \"teams\"\ntemplate = \"never\""),
            endpoint(&expiring_only.url(), "events = [\"expiring\"]"),
        ),
    );
    assert!(
        !sb.run(&["create", "a1", "--template", "exits", "--owner", "ann"])
            .status
            .success()
    );
    assert!(
        !sb.run(&[
            "create",
            "b1",
            "--template",
            "never",
            "--owner",
            "bob",
            "--timeout",
            "2s"
        ])
        .status
        .success()
    );
    assert!(wait_until(Duration::from_secs(10), || {
        slack.requests().len() == 1 && teams.requests().len() == 1
    }));

    let s = slack.requests()[0].json();
    assert!(s["text"].as_str().unwrap().contains("a1"), "{s}");
    let fields = &s["attachments"][0]["fields"];
    assert!(
        fields
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["title"] == "Owner" && f["value"] == "ann"),
        "{s}"
    );
    assert_eq!(s["attachments"][0]["color"], "#d40e0d");

    let t = teams.requests()[0].json();
    assert_eq!(t["type"], "message");
    let card = &t["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["type"], "AdaptiveCard");
    let body = card["content"]["body"].as_array().unwrap();
    assert!(body[1]["text"].as_str().unwrap().contains("b1"), "{t}");
    assert!(
        body[1]["text"].as_str().unwrap().contains("timed out"),
        "{t}"
    );
    assert!(
        teams.requests()[0].header("X-Envctl-Signature").is_none(),
        "no secret, no signature"
    );

    // Nothing else arrives: not bob's failure at the slack one, nothing at the third.
    ok(&sb, &["list"]);
    assert_eq!(slack.requests().len(), 1);
    assert_eq!(teams.requests().len(), 1);
    assert!(expiring_only.requests().is_empty());
}

#[test]
fn an_expiry_warning_goes_once_and_again_after_an_extend() {
    let hook = Receiver::start(28945, 200, "ok");
    let sb = Sandbox::with_config(
        29630,
        &endpoint(&hook.url(), "warn_before = \"3h\"\nevents = [\"expiring\"]"),
    );
    ok(&sb, &["create", "mine", "--ttl", "2h"]);
    ok(&sb, &["auto-cleanup"]);
    ok(&sb, &["auto-cleanup"]);
    assert!(wait_until(Duration::from_secs(5), || hook.requests().len() == 1));
    let first = hook.requests()[0].json();
    assert_eq!(first["details"]["extend_command"], "envctl extend mine 1d");
    // A restart of everything (a new process) does not repeat it.
    ok(&sb, &["cleanup", "--yes"]);
    assert_eq!(hook.requests().len(), 1, "{:?}", hook.kinds());

    // Extended by 30 min: the new end is still within 3 h, so a new warning.
    ok(&sb, &["extend", "mine", "30m"]);
    ok(&sb, &["auto-cleanup"]);
    assert!(wait_until(Duration::from_secs(5), || hook.requests().len() == 2));
    let second = hook.requests()[1].json();
    assert_ne!(
        first["details"]["expires_at"],
        second["details"]["expires_at"]
    );
    ok(&sb, &["auto-cleanup"]);
    assert_eq!(hook.requests().len(), 2);
}

#[test]
fn notify_test_prints_each_answer_and_fails_when_one_endpoint_does() {
    let hook = Receiver::start(28946, 200, "received, thanks");
    let down = "http://127.0.0.1:28947/nobody";
    let sb = Sandbox::with_config(
        29640,
        &format!(
            "{}{}",
            endpoint(
                &hook.url(),
                &format!("name = \"team-hook\"\nsecret = \"{SECRET}\"")
            ),
            endpoint(down, "format = \"slack\"\ntimeout = \"2s\"")
        ),
    );
    let out = sb.run(&["notify", "test", "--event", "expiring"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("team-hook"), "{stdout}");
    assert!(stdout.contains("ok (200)"), "{stdout}");
    assert!(stdout.contains("received, thanks"), "{stdout}");
    assert!(stdout.contains("http://127.0.0.1:28947"), "{stdout}");
    assert!(
        !stdout.contains("/nobody"),
        "the URL's path may be a secret: {stdout}"
    );
    assert!(stdout.contains("cannot connect"), "{stdout}");
    assert!(
        text(&out.stderr).contains("1 of 2 endpoint(s)"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(hook.requests().len(), 1);
    let sample = &hook.requests()[0];
    sample.verify(SECRET);
    assert_eq!(sample.json()["kind"], "expiring");
    assert_eq!(sample.json()["details"]["test"], true);
    assert!(
        sb.json(&["notify", "queue"]).as_array().unwrap().is_empty(),
        "not queued"
    );

    // JSON for programs; an unknown kind is a usage error.
    let json = sb
        .cmd()
        .args(["notify", "test", "--json"])
        .output()
        .unwrap();
    let answers: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(answers[0]["ok"], true);
    assert_eq!(answers[0]["status"], 200);
    assert_eq!(answers[1]["ok"], false);
    let bad = sb.run(&["notify", "test", "--event", "party"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("expected one of failed, expiring"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn a_bad_notifications_entry_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let run = |body: &str| {
        std::fs::write(&config, body).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_envctl"))
            .env("ENVCTL_CONFIG", &config)
            .env("ENVCTL_DATA_DIR", dir.path().join("data"))
            .args(["config", "check"])
            .output()
            .unwrap();
        (out.status.code(), text(&out.stderr))
    };
    let (code, err) = run("# hooks\n[[notifications]]\nurl = \"not a url\"\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("notifications[0].url` (line 3)"), "{err}");
    assert!(err.contains("is not a URL"), "{err}");

    // Without a scheme: only the host is echoed, never the secret path.
    let (code, err) = run("[[notifications]]\nurl = \"hooks.slack.com/services/T0/B0/SECRET\"\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("\"hooks.slack.com/...\""), "{err}");
    assert!(err.contains("http:// or https://"), "{err}");
    assert!(
        !err.contains("SECRET") && !err.contains("services"),
        "{err}"
    );

    // The same url and format twice would share one queue.
    let (code, err) = run(
        "[[notifications]]\nurl = \"https://example.com/a\"\n\n[[notifications]]\nname = \"again\"\nurl = \"https://example.com/a\"\n",
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("notifications[1].url` (line 6)"), "{err}");
    assert!(
        err.contains("the same url and format as notifications[0]"),
        "{err}"
    );
    // Another format to the same url is another endpoint.
    let (code, err) = run(
        "[[notifications]]\nurl = \"https://example.com/a\"\n\n[[notifications]]\nurl = \"https://example.com/a\"\nformat = \"slack\"\n",
    );
    assert_eq!(code, Some(0), "{err}");

    let (code, err) = run("[[notifications]]\nurl = \"ftp://example.com/x\"\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("expected an http or https URL"), "{err}");

    let (code, err) = run(
        "[[notifications]]\nurl = \"https://example.com/a\"\n\n[[notifications]]\nurl = \"https://example.com/b\"\nevents = [\"failed\", \"party\"]\n",
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("line 6"), "{err}");
    assert!(err.contains("party"), "{err}");
    assert!(
        err.contains("expiring"),
        "the known kinds are listed: {err}"
    );
}

#[test]
fn a_receiver_that_never_answers_holds_a_command_up_only_briefly() {
    // Connections are accepted by the kernel but never answered.
    let silent = TcpListener::bind(("127.0.0.1", 28948)).unwrap();
    let sb = Sandbox::with_config(
        29645,
        &endpoint(
            "http://127.0.0.1:28948/hook",
            "timeout = \"30s\"\nretry_after = \"1s\"",
        ),
    );
    let started = std::time::Instant::now();
    assert!(
        !sb.run(&["create", "broken", "--template", "exits"])
            .status
            .success()
    );
    let create = started.elapsed();
    let due = || {
        let queue = sb.json(&["notify", "queue"]);
        let next: chrono::DateTime<chrono::Utc> =
            queue[0]["next_try"].as_str().unwrap().parse().unwrap();
        next <= chrono::Utc::now()
    };
    assert!(wait_until(Duration::from_secs(10), due));
    let started = std::time::Instant::now();
    ok(&sb, &["auto-cleanup"]);
    let cleanup = started.elapsed();
    eprintln!("failed create with a silent receiver: {create:?}; auto-cleanup: {cleanup:?}");
    assert!(
        cleanup < Duration::from_secs(8),
        "a maintenance run delivers for 5 s at most: {cleanup:?}"
    );
    let queue = sb.json(&["notify", "queue"]);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(
        queue[0]["attempts"], 2,
        "the create tried, then the cleanup: {queue}"
    );
    assert!(
        queue[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("no answer within"),
        "{queue}"
    );
    drop(silent);

    // A receiver that refuses the body (a 4xx) will never take it: dropped, and logged.
    let refusing = Receiver::start(28948, 400, "bad payload");
    let started = std::time::Instant::now();
    assert!(wait_until(Duration::from_secs(90), || {
        ok(&sb, &["sync"]);
        sb.json(&["notify", "queue"]) == serde_json::json!([])
    }));
    eprintln!("dropped after {:?}", started.elapsed());
    assert!(!refusing.requests().is_empty());
    // The event log: one file per day under `events/`.
    let mut log = String::new();
    for day in std::fs::read_dir(sb.data_dir().join("events")).unwrap() {
        log.push_str(&std::fs::read_to_string(day.unwrap().path()).unwrap());
    }
    assert!(log.contains("\"notify-drop\""), "{log}");
    assert!(log.contains("the receiver refused it"), "{log}");
}

#[test]
fn a_start_that_fails_is_notified_too() {
    let hook = Receiver::start(28949, 200, "ok");
    let sb = Sandbox::with_config(29635, &endpoint(&hook.url(), "events = [\"failed\"]"));
    ok(&sb, &["create", "w", "--no-pool"]);
    ok(&sb, &["stop", "w"]);
    assert!(
        hook.requests().is_empty(),
        "a create and a stop that worked say nothing"
    );
    let out = sb.run(&["start", "w", "--timeout", "1ms"]);
    assert!(!out.status.success(), "{}", text(&out.stderr));
    assert!(wait_until(Duration::from_secs(10), || hook
        .requests()
        .len()
        == 1));
    let notice = hook.requests()[0].json();
    assert_eq!(notice["kind"], "failed");
    assert_eq!(notice["environment"], "w");
    assert_eq!(notice["details"]["action"], "start");
    assert!(
        notice["details"]["cause"]
            .as_str()
            .unwrap()
            .contains("timed out"),
        "{notice}"
    );
}
