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

    let s = sb.json(&["stats", "hot"]);
    assert_eq!(s["name"], "hot");
    let burner = &s["services"][0];
    assert_eq!(burner["service"], "burner");
    assert_eq!(burner["running"], true);
    let cpu = burner["cpu_percent"].as_f64().unwrap();
    // cpus = 0.5: about 50 % of one CPU.
    assert!((25.0..=60.0).contains(&cpu), "cpu {cpu}");
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
    let out = server
        .client(&token)
        .args(["stats", "hot", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let remote: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cpu = remote["services"][0]["cpu_percent"].as_f64().unwrap();
    assert!((25.0..=60.0).contains(&cpu), "remote cpu {cpu}");
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
