//! Resource figures on the real engine: a service burning half a CPU and
//! holding 8 MB in its volume, read through `envctl stats` (local and
//! remote), the stats endpoints and `/metrics`.

mod common;

use std::time::Duration;

use common::{Sandbox, text, wait_until};
use serde_json::Value;

#[test]
fn stats_show_cpu_memory_io_and_the_host_in_every_form() {
    let sb = Sandbox::new(40900);
    sb.json(&["create", "hot", "--template", "busy"]);
    sb.json(&["create", "idle", "--template", "web"]);
    sb.json(&["create", "parked", "--template", "web"]);
    sb.json(&["stop", "parked"]);

    let s = half_a_cpu("local", || sb.json(&["stats", "hot"]));
    assert_eq!(s["name"], "hot");
    let burner = &s["services"][0];
    assert_eq!(burner["service"], "burner");
    assert_eq!(burner["running"], true);
    assert_eq!(
        burner["memory_limit"],
        64 * 1024 * 1024,
        "the template's limit"
    );
    assert!(burner["memory_used"].as_u64().unwrap() > 0);
    assert!(burner["uptime_seconds"].as_u64().is_some());
    assert_eq!(burner["restarts"], 0);
    assert_eq!(s["total"]["cpu_percent"], burner["cpu_percent"]);

    // The overview: running environments only (unless --all), and the host.
    let o = sb.json(&["stats"]);
    let names: Vec<&str> = o["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["hot", "idle"]);
    let host = &o["host"];
    assert_eq!(host["environments"]["running"], 2);
    assert_eq!(host["environments"]["stopped"], 1);
    assert_eq!(host["ports"]["used"], 3, "a block of one port each");
    assert_eq!(host["ports"]["total"], 100);
    assert_eq!(host["ports"]["free"], 97);
    assert_eq!(host["volumes"], 3);
    assert!(
        host["volume_bytes"].as_u64().unwrap() >= 8 * 1024 * 1024,
        "{host}"
    );
    let all = sb.json(&["stats", "--all"]);
    let parked = all["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "parked")
        .unwrap();
    assert_eq!(parked["services"][0]["running"], false);
    assert_eq!(parked["services"][0]["uptime_seconds"], Value::Null);

    // The table, and --watch refreshing (one JSON line per refresh).
    let out = sb.run(&["stats"]);
    let table = text(&out.stdout);
    assert!(
        table.contains("MEM USAGE / LIMIT")
            && table.contains("/ 64.0MiB")
            && table.contains("ports"),
        "{table}"
    );
    let watch = sb
        .cmd()
        .args(["stats", "hot", "--watch", "--interval", "300ms", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // About one refresh a second: the engine answers a repeated sample at its next tick.
    let (status, lines) = common::lines_then_interrupt(watch, 3, Duration::from_secs(30));
    assert!(status.success(), "{status:?}");
    let lines: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 3, "{} refreshes", lines.len());
    assert!(lines.iter().all(|l| l["name"] == "hot"));

    // Remotely, the same figures from the server; and its gauges.
    let token = sb.token("watcher", "viewer");
    let server = sb.serve();
    half_a_cpu("remote", || {
        let out = server
            .client(&token)
            .args(["stats", "hot", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    });
    assert!(wait_until(Duration::from_secs(15), || {
        common::http_get_path(server.port, "/metrics").is_some_and(|m| {
            m.contains("envctl_environment_memory_limit_bytes{environment=\"hot\"} 67108864")
                && m.contains("envctl_environment_cpu_percent{environment=\"idle\"}")
                && m.contains("envctl_ports_free 97")
                && !m.contains("environment=\"parked\"")
        })
    }));
    drop(server);
    sb.run(&["delete", "hot", "--yes"]);
}

/// The stats of `hot`, read until its burner shows about half of one CPU
/// (`cpus = 0.5`). No reading may pass the limit; one below it is the
/// machine being busy, so it is read again, for up to 35 s: the server
/// answers its monitor's sample, taken every `stats_interval` (10 s). The
/// test runs alone (`.config/nextest.toml`): beside three others on two
/// cores it got a fifth of a CPU.
fn half_a_cpu(door: &str, mut read: impl FnMut() -> Value) -> Value {
    let mut seen = Vec::new();
    let mut last = Value::Null;
    let reached = wait_until(Duration::from_secs(35), || {
        last = read();
        let cpu = last["services"][0]["cpu_percent"].as_f64().unwrap();
        seen.push(cpu);
        assert!(
            cpu <= 60.0,
            "{door}: cpu {seen:?} past the limit of half a CPU"
        );
        cpu >= 25.0
    });
    assert!(reached, "{door}: cpu {seen:?}, never about half a CPU");
    last
}

/// A service holding 24 MiB (a file in its /dev/shm, memory charged to it)
/// and burning half a CPU.
const HOG: &str = r#"
[templates.hog]
description = "holds 24 MiB and burns half a CPU"
[[templates.hog.services]]
name = "hog"
image = "envctl-test/busybox:1"
command = ["sh", "-c", "dd if=/dev/zero of=/dev/shm/blob bs=1M count=24 2>/dev/null; while :; do :; done"]
memory = "64m"
cpus = 0.5
"#;

#[test]
fn a_stats_stream_follows_a_containers_real_use_and_ends_with_it() {
    use envctl::engine::{Engine, Runtime};
    let sb = Sandbox::with_config(31740, HOG);
    let env = sb.json(&["create", "hog", "--template", "hog"]);
    let container = env["services"]["hog"]["container"]
        .as_str()
        .unwrap()
        .to_owned();
    let names = vec![container.clone()];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = rt.block_on(Engine::connect(&Default::default())).unwrap();
    let read = |wait: Duration| rt.block_on(engine.watched_samples(&names, wait));
    let mib = 1024 * 1024;

    // The first ask starts the stream and waits for its first two readings.
    let first = read(Duration::from_secs(5));
    let w = first.get(&container).expect("a reading within 5 s");
    let before = w.previous.as_ref().expect("the reading before it");
    assert!(envctl::ops::stats::cpu_percent(before, &w.current) > 0.0);
    // Half a CPU once it runs its loop (the machine may be busy: a few tries).
    let cpu_of = |w: &envctl::engine::Watched| {
        envctl::ops::stats::cpu_percent(w.previous.as_ref().unwrap(), &w.current)
    };
    let mut cpus = Vec::new();
    assert!(
        wait_until(Duration::from_secs(20), || {
            let cpu = read(Duration::ZERO).get(&container).map_or(0.0, cpu_of);
            cpus.push(cpu);
            (35.0..=65.0).contains(&cpu)
        }),
        "cpu {cpus:?} (cpus = 0.5)"
    );
    assert!(
        wait_until(Duration::from_secs(20), || {
            read(Duration::ZERO)
                .get(&container)
                .is_some_and(|w| w.current.memory_used >= 24 * mib)
        }),
        "{:?}",
        read(Duration::ZERO)
    );
    let w = read(Duration::ZERO).remove(&container).unwrap();
    assert!(w.current.memory_used < 64 * mib, "{:?}", w.current);
    assert_eq!(w.current.memory_limit, 64 * mib, "the template's limit");
    assert!(w.current.running && w.current.started_at.is_some());
    assert_eq!(engine.watched_containers(), names);

    // The stream, not a new call, brings the next reading: a second later
    // the same ask answers a newer one, and a one-shot read agrees.
    let at = w.current.at;
    assert!(wait_until(Duration::from_secs(5), || {
        read(Duration::ZERO)
            .get(&container)
            .is_some_and(|w| w.current.at > at)
    }));
    let once = rt
        .block_on(engine.container_sample(&container))
        .unwrap()
        .unwrap();
    let streamed = read(Duration::ZERO).remove(&container).unwrap().current;
    assert!(
        once.memory_used.abs_diff(streamed.memory_used) < 8 * mib,
        "one-shot {} streamed {}",
        once.memory_used,
        streamed.memory_used
    );
    assert_eq!(engine.watched_containers(), names, "still one stream");

    // Stopped: the stream ends by itself and the engine forgets it; asked
    // again, a stopped container gives no reading and keeps no stream.
    sb.json(&["stop", "hog"]);
    assert!(wait_until(Duration::from_secs(10), || engine
        .watched_containers()
        .is_empty()));
    assert!(read(Duration::from_secs(1)).is_empty());
    assert!(wait_until(Duration::from_secs(10), || engine
        .watched_containers()
        .is_empty()));

    // Started again, then deleted (the container removed): the same.
    sb.json(&["start", "hog"]);
    assert!(read(Duration::from_secs(5)).contains_key(&container));
    assert_eq!(engine.watched_containers(), names);
    // Restarted quicker than the engine's tick (no empty reading between):
    // the readings tell the new start.
    let before = read(Duration::from_secs(5))[&container].current.started_at;
    let restarted = std::process::Command::new("docker")
        .args(["restart", "-t", "0", &container])
        .output()
        .unwrap();
    assert!(restarted.status.success(), "{restarted:?}");
    assert!(
        wait_until(Duration::from_secs(20), || read(Duration::from_secs(5))
            .get(&container)
            .is_some_and(|w| w.current.started_at != before)),
        "the stream still tells the start before the restart"
    );
    sb.run(&["delete", "hog", "--yes"]);
    assert!(wait_until(Duration::from_secs(10), || engine
        .watched_containers()
        .is_empty()));
    assert!(read(Duration::from_secs(1)).is_empty());
    assert!(wait_until(Duration::from_secs(10), || engine
        .watched_containers()
        .is_empty()));
}
