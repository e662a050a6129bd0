//! The operator's alerting kit: `examples/prometheus/alerts.yml` passes
//! promtool and its own unit tests, every metric it and the Grafana
//! dashboard (`examples/grafana/envctl.json`) name is one a real server
//! serves, and the run ledger behind the maintenance, backup and create
//! alerts counts what the CLI and cron did, not only the server.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Sandbox, text, wait_until};
use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn promtool(args: &[&str]) -> (bool, String) {
    let out = Command::new("promtool")
        .args(args)
        .output()
        .expect("promtool is missing: run scripts/test.sh (it installs Debian's prometheus)");
    (
        out.status.success(),
        format!("{}{}", text(&out.stdout), text(&out.stderr)),
    )
}

#[test]
fn the_alert_rules_pass_promtool_and_their_unit_tests() {
    let rules = repo("examples/prometheus/alerts.yml");
    let (ok, out) = promtool(&["check", "rules", rules.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("11 rules found"), "{out}");
    let tests = repo("examples/prometheus/alerts_test.yml");
    let (ok, out) = promtool(&["test", "rules", tests.to_str().unwrap()]);
    assert!(ok, "{out}");
    // Every alert has at least one test that expects it to fire.
    let rules_text = std::fs::read_to_string(&rules).unwrap();
    let tests_text = std::fs::read_to_string(&tests).unwrap();
    for alert in rules_text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- alert: "))
    {
        assert!(
            tests_text.contains(&format!(
                "alertname: {alert}\n        exp_alerts:\n          - "
            )),
            "no test expects {alert} to fire"
        );
    }
}

/// The `envctl_*` names in `text`.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("envctl_") {
        let start = i + at;
        let boundary =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let end = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(text.len(), |n| start + n);
        if boundary {
            names.insert(text[start..end].to_owned());
        }
        i = end;
    }
    names
}

fn scrape(port: u16) -> String {
    common::http_get_path(port, "/metrics").expect("/metrics answers 200")
}

/// The sample names a scrape can hold: each family's name, with its
/// histogram and counter suffixes.
fn served_names(scrape: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    for line in scrape.lines() {
        let Some(rest) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let (name, kind) = rest.split_once(' ').unwrap();
        names.insert(name.to_owned());
        if kind == "histogram" {
            for suffix in ["_bucket", "_sum", "_count"] {
                names.insert(format!("{name}{suffix}"));
            }
        }
    }
    names
}

fn sample(scrape: &str, series: &str) -> Option<f64> {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn every_metric_the_rules_and_the_dashboard_name_is_served_and_counts_every_process() {
    // The server's own maintenance would add cleanup runs: not within this test.
    let sb = Sandbox::with_config(
        29900,
        "[api]\nmaintenance_interval = \"1h\"\nstats_interval = \"1s\"\n",
    );
    // A create from the CLI, one that fails, a backup and cron's cleanup:
    // all before the server starts, so only the ledger can tell it.
    assert!(sb.run(&["create", "fine"]).status.success());
    let failed = sb.run(&["create", "broken", "--template", "missing"]);
    assert!(!failed.status.success());
    let backup = sb.run(&["backup", "create"]);
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    let cleanup = sb.run(&["auto-cleanup"]);
    assert!(cleanup.status.success(), "{}", text(&cleanup.stderr));

    let server = sb.serve();
    let mut metrics = String::new();
    assert!(wait_until(Duration::from_secs(20), || {
        metrics = scrape(server.port);
        // The monitor's first sample of the running environment, and the
        // request counter (which counts the scrapes before this one).
        metrics.contains("envctl_networks_capacity")
            && metrics.contains("environment=\"fine\"")
            && metrics.contains("envctl_http_requests_total{")
    }));
    for (series, want) in [
        ("envctl_runs_total{task=\"create\"}", 2.0),
        ("envctl_run_failures_total{task=\"create\"}", 1.0),
        ("envctl_runs_total{task=\"backup\"}", 1.0),
        ("envctl_run_failures_total{task=\"backup\"}", 0.0),
        ("envctl_runs_total{task=\"cleanup\"}", 1.0),
        ("envctl_run_failures_total{task=\"cleanup\"}", 0.0),
    ] {
        assert_eq!(
            sample(&metrics, series),
            Some(want),
            "{series} in\n{metrics}"
        );
    }
    let now = chrono::Utc::now().timestamp() as f64;
    for task in ["create", "backup", "cleanup"] {
        let at = sample(
            &metrics,
            &format!("envctl_last_success_timestamp_seconds{{task=\"{task}\"}}"),
        )
        .unwrap_or_else(|| panic!("no last success for {task}:\n{metrics}"));
        assert!((now - at).abs() < 300.0, "{task}: {at} vs {now}");
    }
    let failure = sample(
        &metrics,
        "envctl_last_failure_timestamp_seconds{task=\"create\"}",
    );
    assert!(failure.is_some(), "{metrics}");
    let room = sample(&metrics, "envctl_networks_capacity").unwrap();
    let used = sample(&metrics, "envctl_networks_used").unwrap();
    // The sandbox's subnet_pool 10.213.0.0/16 in /28 subnets.
    assert_eq!(room, 4096.0);
    assert!(used >= 1.0, "the environment's own network is counted");

    let served = served_names(&metrics);
    let mut named =
        metric_names(&std::fs::read_to_string(repo("examples/prometheus/alerts.yml")).unwrap());
    named.extend(metric_names(
        &std::fs::read_to_string(repo("examples/grafana/envctl.json")).unwrap(),
    ));
    assert!(named.len() > 20, "{named:?}");
    // Warm pools' gauges are served only for pooled templates (this
    // sandbox has none): those must at least be ones the server registers.
    let source = std::fs::read_to_string(repo("src/api/metrics.rs")).unwrap();
    let missing: Vec<_> = named
        .iter()
        .filter(|n| !served.contains(*n))
        .filter(|n| !(n.starts_with("envctl_pool_") && source.contains(&format!("\"{n}\""))))
        .collect();
    assert!(
        missing.is_empty(),
        "named but not served: {missing:?}\n{metrics}"
    );
}

#[test]
fn the_dashboard_is_well_formed_and_every_query_is_valid_promql() {
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(repo("examples/grafana/envctl.json")).unwrap(),
    )
    .expect("the dashboard is JSON");
    // The dashboard model's required shape (Grafana's schema, version 39).
    assert_eq!(dashboard["schemaVersion"], 39);
    assert_eq!(dashboard["uid"], "envctl-overview");
    assert!(dashboard["title"].is_string());
    let variables = dashboard["templating"]["list"].as_array().unwrap();
    assert!(variables.iter().any(|v| v["name"] == "datasource"
        && v["type"] == "datasource"
        && v["query"] == "prometheus"));
    assert!(variables.iter().any(|v| v["name"] == "instance"));

    let panels = dashboard["panels"].as_array().unwrap();
    let mut ids = HashSet::new();
    let mut cells = HashSet::new();
    let mut exprs = Vec::new();
    for panel in panels {
        let title = panel["title"].as_str().unwrap();
        assert!(
            ids.insert(panel["id"].as_u64().unwrap()),
            "duplicate id at {title}"
        );
        let kind = panel["type"].as_str().unwrap();
        assert!(
            ["row", "stat", "timeseries", "gauge", "table", "bargauge"].contains(&kind),
            "{title}: panel type {kind}"
        );
        // The grid is 24 columns wide; no two panels overlap.
        let g = &panel["gridPos"];
        let (x, y, w, h) = (
            g["x"].as_u64().unwrap(),
            g["y"].as_u64().unwrap(),
            g["w"].as_u64().unwrap(),
            g["h"].as_u64().unwrap(),
        );
        assert!(w > 0 && h > 0 && x + w <= 24, "{title}: {g}");
        for cx in x..x + w {
            for cy in y..y + h {
                assert!(
                    cells.insert((cx, cy)),
                    "{title} overlaps another panel at ({cx}, {cy})"
                );
            }
        }
        if kind == "row" {
            continue;
        }
        assert_eq!(panel["datasource"]["uid"], "${datasource}", "{title}");
        assert!(
            panel["description"].is_string(),
            "{title} says what it shows"
        );
        let targets = panel["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "{title}");
        for t in targets {
            assert_eq!(t["datasource"]["uid"], "${datasource}", "{title}");
            let expr = t["expr"].as_str().unwrap();
            assert!(expr.contains("instance=~\"$instance\""), "{title}: {expr}");
            exprs.push((title.to_owned(), expr.to_owned()));
        }
    }
    assert!(exprs.len() >= 20, "{}", exprs.len());

    // Each query, with Grafana's variables given values, as a recording
    // rule: `promtool check rules` parses the PromQL.
    let dir = tempfile::tempdir().unwrap();
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (i, (_, expr)) in exprs.iter().enumerate() {
        let concrete = expr
            .replace("$__rate_interval", "5m")
            .replace("$__range", "1d")
            .replace("$instance", ".*");
        rules.push_str(&format!(
            "      - record: envctl:dashboard_query_{i}\n        expr: {}\n",
            serde_json::to_string(&concrete).unwrap()
        ));
    }
    let file = dir.path().join("queries.yml");
    std::fs::write(&file, rules).unwrap();
    let (ok, out) = promtool(&["check", "rules", file.to_str().unwrap()]);
    assert!(ok, "{out}");
}
