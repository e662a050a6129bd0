//! Warm pools on the real engine, through the real binary: claims and
//! misses, concurrent claims, refills by the server and by `pool reconcile`,
//! replacement by age, the schedule and demand (with an injected clock),
//! dead members skipped, kill -9 during a claim, claims surviving `reset-db`,
//! and the port and memory limits.

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use common::{Sandbox, event_log, text, wait_until};
use serde_json::Value;

/// A sandbox whose `web` template keeps a pool (`pool` is the table's body).
fn pooled(base: u16, pool: &str) -> Sandbox {
    Sandbox::with_config(base, &format!("[templates.web.pool]\n{pool}\n"))
}

fn status(sb: &Sandbox) -> Value {
    sb.json(&["pool", "status"])[0].clone()
}

fn members(sb: &Sandbox) -> Vec<Value> {
    sb.json(&["list", "--all"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["pool"] == "web")
        .cloned()
        .collect()
}

fn events(sb: &Sandbox, action: &str) -> usize {
    event_log(&sb.data_dir())
        .lines()
        .filter(|l| l.contains(&format!("\"action\":\"{action}\"")))
        .count()
}

fn cleanup(sb: &Sandbox) {
    for e in sb.json(&["list", "--all"]).as_array().unwrap() {
        sb.run(&["delete", e["name"].as_str().unwrap(), "--yes"]);
    }
}

#[test]
fn a_create_claims_a_ready_member_and_a_miss_creates_cold() {
    let sb = pooled(27600, "size = 2\nmax = 3");
    let report = sb.json(&["pool", "reconcile"]);
    assert_eq!(
        report[0]["created"].as_array().unwrap().len(),
        2,
        "{report}"
    );
    assert_eq!(status(&sb)["ready"], 2);
    // Members are hidden from list, and shown with --all.
    assert!(sb.names().is_empty());
    assert_eq!(members(&sb).len(), 2);

    let member_ids: BTreeSet<String> = members(&sb)
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let env = sb.json(&[
        "create",
        "alice-dev",
        "--owner",
        "alice",
        "--label",
        "team=core",
        "--ttl",
        "2d",
    ]);
    assert_eq!(env["from_pool"], true);
    assert_eq!(env["name"], "alice-dev");
    assert_eq!(env["owner"], "alice");
    assert_eq!(env["labels"]["team"], "core");
    assert_eq!(
        (env["status"].as_str(), env["ready"].as_bool()),
        (Some("running"), Some(true))
    );
    assert!(env["expires_at"].is_string());
    assert!(env.get("pool").is_none(), "{env}");
    assert!(member_ids.contains(env["id"].as_str().unwrap()));
    // It serves, on its own port.
    let port = env["ports"]["web"].as_u64().unwrap() as u16;
    assert!(common::http_get(port).is_some());
    assert_eq!(sb.names(), ["alice-dev"]);
    assert_eq!(status(&sb)["ready"], 1);

    // --no-pool is cold even with a ready member.
    let cold = sb.json(&["create", "cold", "--no-pool", "--no-wait"]);
    assert_eq!(cold["from_pool"], false);
    assert_eq!(status(&sb)["ready"], 1);

    // Drained, the next create misses and is cold.
    let drained = sb.run(&["pool", "drain", "web", "--yes"]);
    assert!(drained.status.success(), "{}", text(&drained.stderr));
    assert_eq!(members(&sb).len(), 0);
    let missed = sb.json(&["create", "missed", "--no-wait"]);
    assert_eq!(missed["from_pool"], false);
    assert_eq!(
        (events(&sb, "pool-claim"), events(&sb, "pool-miss")),
        (1, 1)
    );
    let st = status(&sb);
    assert_eq!(
        (
            st["demand"]["claims_hour"].as_u64(),
            st["demand"]["misses_hour"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // Cleanup never removes members; the plan says why.
    sb.json(&["pool", "reconcile"]);
    let plan = sb.json(&["cleanup", "--dry-run", "--keep", "0"]);
    let kept: Vec<&Value> = plan["plan"]["keep"].as_array().unwrap().iter().collect();
    assert_eq!(kept.len(), members(&sb).len(), "{plan}");
    assert!(kept.iter().all(|d| d["reason"] == "pool_member"), "{plan}");
    cleanup(&sb);
}

#[test]
fn concurrent_claims_never_share_a_member() {
    let sb = pooled(27700, "size = 3\nmax = 3");
    sb.json(&["pool", "reconcile"]);
    let before: BTreeSet<String> = members(&sb)
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let children: Vec<_> = (0..6)
        .map(|i| {
            sb.cmd()
                .args(["create", &format!("burst-{i}"), "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let created: Vec<Value> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();
    let claimed: Vec<&Value> = created.iter().filter(|e| e["from_pool"] == true).collect();
    assert_eq!(claimed.len(), 3, "{created:?}");
    let ids: BTreeSet<&str> = claimed.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3, "a member handed out twice: {created:?}");
    assert!(ids.iter().all(|id| before.contains(*id)));
    assert_eq!(members(&sb).len(), 0);
    cleanup(&sb);
}

#[test]
fn the_server_refills_after_a_claim_and_reports_the_pool_in_metrics() {
    let sb = Sandbox::with_config(
        27800,
        "[api]\nmaintenance_interval = \"1h\"\n[templates.web.pool]\nsize = 2\nmax = 3\n",
    );
    let token = sb.token("alice", "developer");
    let server = sb.serve();
    // The first tick is an hour away: a claim (here a miss) wakes the refill.
    let out = server
        .client(&token)
        .args(["create", "first", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(first["from_pool"], false);
    assert!(
        wait_until(Duration::from_secs(60), || status(&sb)["ready"] == 2),
        "refilled after the miss: {}",
        status(&sb)
    );
    let out = server
        .client(&token)
        .args(["create", "second", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let second: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(second["from_pool"], true, "{second}");
    assert_eq!(second["owner"], "alice");
    assert!(
        wait_until(Duration::from_secs(60), || status(&sb)["ready"] == 2),
        "refilled after the claim: {}",
        status(&sb)
    );
    let metrics = common::http_get_path(server.port, "/metrics").unwrap();
    for line in [
        "envctl_pool_ready{template=\"web\"} 2",
        "envctl_pool_claims_total 1",
        "envctl_pool_misses_total 1",
        "envctl_pool_claim_seconds_count 1",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
    assert!(metrics.contains("envctl_pool_desired{template=\"web\"}"));
    // The dashboard shows the pool; the list does not show its members.
    let (mut http, _) = common::signed_in(&server, &token);
    let dashboard = http.send("GET", "/dashboard", None);
    assert!(dashboard.body.contains("Warm pools"), "{}", dashboard.body);
    assert!(dashboard.body.contains("2 / 2"), "{}", dashboard.body);
    let list = http.send("GET", "/", None);
    assert!(
        list.body.contains("second") && !list.body.contains("pool-"),
        "{}",
        list.body
    );
    drop(server);
    cleanup(&sb);
}

#[test]
fn members_past_max_age_are_replaced_and_the_schedule_and_demand_set_the_size() {
    let sb = pooled(
        27900,
        "size = 1\nmax = 4\nmax_age = \"1h\"\nschedule = [{ days = \"mon-fri\", hours = \"08-18\", size = 3 }]",
    );
    let at = |time: &str, args: &[&str]| {
        let out = sb
            .cmd()
            .env("ENVCTL_NOW", time)
            .env("TZ", "UTC")
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    // The pool's clock is ENVCTL_NOW, but members are made at the real
    // time: the days below are a week or more ahead of it, so "two hours
    // on" really is past max_age whatever the date the test runs.
    use chrono::{Datelike, Duration as Days, Timelike};
    let ahead = chrono::Utc::now() + Days::days(7);
    let monday_09 = (ahead + Days::days(i64::from(7 - ahead.weekday().num_days_from_monday())))
        .with_hour(9)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .unwrap();
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (saturday_10, monday_20) = (
        stamp(monday_09 - Days::days(2) + Days::hours(1)),
        stamp(monday_09 + Days::hours(11)),
    );
    let monday_09 = stamp(monday_09);
    // Saturday: the floor.
    let saturday = at(&saturday_10, &["pool", "status"]);
    assert_eq!(saturday[0]["desired"]["size"], 1);
    // Monday 09:00: the schedule's.
    let monday = at(&monday_09, &["pool", "status"]);
    assert_eq!(monday[0]["desired"]["size"], 3, "{monday}");
    assert!(
        monday[0]["desired"]["reason"]
            .as_str()
            .unwrap()
            .contains("schedule")
    );
    let made = at(&monday_09, &["pool", "reconcile"]);
    assert_eq!(made[0]["created"].as_array().unwrap().len(), 3, "{made}");
    let first: BTreeSet<String> = members(&sb)
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();

    // Two hours on, every member is past max_age: all replaced.
    let later = at(&monday_20, &["pool", "reconcile"]);
    assert_eq!(later[0]["retired"].as_array().unwrap().len(), 3, "{later}");
    assert!(wait_until(Duration::from_secs(30), || members(&sb).len() == 1));
    let now: BTreeSet<String> = members(&sb)
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(now.is_disjoint(&first), "fresh members only");

    cleanup(&sb);
}

#[test]
fn demand_of_the_last_minutes_raises_the_desired_size_within_max() {
    let sb = pooled(
        28500,
        "size = 1
max = 4",
    );
    sb.json(&["pool", "reconcile"]);
    // One claim and two misses in the last 15 minutes.
    for name in ["d1", "d2", "d3"] {
        sb.json(&["create", name, "--no-wait"]);
    }
    let busy = status(&sb);
    assert_eq!(busy["desired"]["size"], 3, "{busy}");
    assert_eq!(busy["desired"]["recent_demand"], 3);
    assert!(
        busy["desired"]["reason"]
            .as_str()
            .unwrap()
            .contains("demand"),
        "{busy}"
    );
    let report = sb.json(&["pool", "reconcile"]);
    assert_eq!(
        report[0]["created"].as_array().unwrap().len(),
        3,
        "{report}"
    );
    assert_eq!(status(&sb)["ready"], 3);
    cleanup(&sb);
}

#[test]
fn a_dead_member_is_skipped_and_retired() {
    let sb = pooled(28000, "size = 2\nmax = 2");
    sb.json(&["pool", "reconcile"]);
    let oldest = members(&sb)
        .into_iter()
        .min_by_key(|m| m["created_at"].as_str().unwrap().to_owned())
        .unwrap();
    let container = oldest["services"]["web"]["container"].as_str().unwrap();
    Command::new("docker")
        .args(["rm", "-f", container])
        .output()
        .unwrap();
    let env = sb.json(&["create", "alive"]);
    assert_eq!(env["from_pool"], true);
    assert_ne!(env["id"], oldest["id"], "the dead one was skipped");
    let dead = sb.json(&["show", oldest["id"].as_str().unwrap()]);
    assert_eq!(dead["status"], "failed");
    let report = sb.json(&["pool", "reconcile"]);
    assert_eq!(
        report[0]["retired"].as_array().unwrap().len(),
        1,
        "{report}"
    );
    assert!(wait_until(Duration::from_secs(30), || status(&sb)["ready"] == 2));
    cleanup(&sb);
}

#[test]
fn claims_survive_reset_db_and_kill_9_during_a_claim_hands_nothing_out_twice() {
    let sb = pooled(28100, "size = 3\nmax = 3");
    sb.json(&["pool", "reconcile"]);
    sb.json(&["create", "kept", "--owner", "alice", "--pin"]);
    // Kill -9 at several moments of a claim.
    for delay in [5u64, 15, 30, 60] {
        let mut child = sb
            .cmd()
            .args(["create", &format!("k{delay}"), "--json"])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
    }
    let report = sb.json(&["sync"]);
    assert_eq!(report["orphans"], serde_json::json!([]), "{report}");
    // Every member or claimed environment is one record with one id.
    let all = sb.json(&["list", "--all"]);
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "{all}");
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let unique_names: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(names.len(), unique_names.len(), "{all}");

    // The database lost: the claim comes back from the engine, and so do members.
    let before = sb.json(&["show", "kept"]);
    let db: Value = serde_json::from_slice(&std::fs::read(sb.db_path()).unwrap()).unwrap();
    let mut empty = db.clone();
    empty["environments"] = Value::Array(vec![]);
    std::fs::write(sb.db_path(), serde_json::to_vec(&empty).unwrap()).unwrap();
    sb.json(&["auto-reset-db"]);
    let after = sb.json(&["show", "kept"]);
    for field in [
        "id",
        "name",
        "owner",
        "pinned",
        "from_pool",
        "created_at",
        "expires_at",
    ] {
        assert_eq!(after[field], before[field], "{field}");
    }
    let rebuilt_members = members(&sb);
    assert!(rebuilt_members.iter().all(|m| m["owner"] == "pool"));
    // A rebuilt member is still claimable (probed first).
    if !rebuilt_members.is_empty() {
        let next = sb.json(&["create", "after-reset"]);
        assert_eq!(next["from_pool"], true, "{next}");
    }
    cleanup(&sb);
}

#[test]
fn the_pool_stays_within_the_free_ports_and_the_hosts_memory() {
    // Room for three one-port environments only.
    let sb = Sandbox::with_config(28200, "[templates.web.pool]\nsize = 5\nmax = 5\n");
    let config = std::fs::read_to_string(sb.dir.path().join("config.toml"))
        .unwrap()
        .replace("max = 28299", "max = 28202");
    std::fs::write(sb.dir.path().join("config.toml"), config).unwrap();
    let report = sb.json(&["pool", "reconcile"]);
    assert_eq!(
        report[0]["created"].as_array().unwrap().len(),
        3,
        "{report}"
    );
    assert!(
        report[0]["limited_by"].as_str().unwrap().contains("port"),
        "{report}"
    );
    cleanup(&sb);

    // A template asking for more memory than the host has makes no member.
    let big = Sandbox::with_config(28300, "[templates.web.pool]\nsize = 2\nmax = 2\n");
    let config = std::fs::read_to_string(big.dir.path().join("config.toml"))
        .unwrap()
        .replacen("memory = \"64m\"", "memory = \"64t\"", 1);
    std::fs::write(big.dir.path().join("config.toml"), config).unwrap();
    let report = big.json(&["pool", "reconcile"]);
    assert_eq!(report[0]["created"], serde_json::json!([]), "{report}");
    assert!(
        report[0]["limited_by"].as_str().unwrap().contains("memory"),
        "{report}"
    );
}

#[test]
fn a_pooled_template_may_not_use_the_name_owner_or_labels() {
    let sb = pooled(28400, "size = 1\nmax = 1");
    let config = std::fs::read_to_string(sb.dir.path().join("config.toml")).unwrap().replacen(
        "command = [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\nmemory",
        "command = [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\", \"${env.owner}\"]\nmemory",
        1,
    );
    std::fs::write(sb.dir.path().join("config.toml"), config).unwrap();
    let out = sb.run(&["pool", "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("a template with a pool may not use ${env.owner}"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn members_of_a_template_whose_pool_was_removed_are_retired() {
    let sb = pooled(28600, "size = 2\nmax = 2");
    sb.json(&["pool", "reconcile"]);
    assert_eq!(members(&sb).len(), 2);
    let config = std::fs::read_to_string(sb.dir.path().join("config.toml"))
        .unwrap()
        .replace("[templates.web.pool]\nsize = 2\nmax = 2\n", "");
    std::fs::write(sb.dir.path().join("config.toml"), config).unwrap();
    sb.json(&["pool", "reconcile"]);
    assert!(members(&sb).is_empty(), "{:?}", members(&sb));
    assert!(sb.labelled("container").is_empty());
}
