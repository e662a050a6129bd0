//! The report from history: a crafted event log whose answers are known,
//! read by the real binary (`envctl report`), by the API
//! (`GET /api/onboarding/report`) and by the dashboard. Ports 29650-29699.

mod common;

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::{Value, json};

const HOUR: i64 = 3600;

/// The range's start: ten days ago, to the second.
fn start() -> DateTime<Utc> {
    let t = Utc::now() - Duration::days(10);
    DateTime::from_timestamp(t.timestamp(), 0).unwrap()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One event at `hours` after `t0`, with `fields`.
fn event(t0: DateTime<Utc>, hours: f64, action: &str, fields: Value) -> (DateTime<Utc>, Value) {
    let at = t0 + Duration::milliseconds((hours * HOUR as f64 * 1000.0) as i64);
    let mut line = json!({"time": stamp(at), "user": "tester", "via": "cli", "pid": 1, "action": action, "outcome": "ok"});
    for (k, v) in fields.as_object().unwrap() {
        line[k] = v.clone();
    }
    (at, line)
}

fn env(id: &str, owner: &str, template: &str, team: &str, created: DateTime<Utc>) -> Value {
    json!({"environment": format!("name-{id}"), "id": id, "owner": owner, "template": template,
           "labels": {"team": team}, "created_at": stamp(created)})
}

fn merge(mut a: Value, b: Value) -> Value {
    for (k, v) in b.as_object().unwrap() {
        a[k] = v.clone();
    }
    a
}

/// Writes the crafted log: day files for the new format, `events.log` (the
/// older single file) for lines of the older format. The range is `t0` to
/// `t0 + 200 h`; see the expectations in `the_report_matches_a_crafted_log`.
fn crafted_log(data: &std::path::Path, t0: DateTime<Utc>) {
    let h = |n: f64| t0 + Duration::milliseconds((n * HOUR as f64 * 1000.0) as i64);
    let e1 = env("e1", "ana", "web", "red", h(1.0));
    let e2 = env("e2", "ana", "web", "red", h(2.0));
    let e3 = env("e3", "bob", "trio", "blue", h(3.0));
    let e4 = env("e4", "bob", "web", "blue", h(7.0));
    let e0 = env("e0", "ana", "web", "red", h(-24.0));
    let fail = |owner: &str, template: &str, code: &str, cause: &str| {
        json!({"environment": "x", "owner": owner, "template": template, "outcome": "error",
               "code": code, "cause": cause, "detail": format!("{cause}\n  Caused by: more")})
    };
    let usage = |used: u64, limit: u64, cpu: f64| {
        json!({"usage": {"web": {"environments": 1, "memory_used": used, "memory_limit": limit,
                                 "cpu_percent": cpu, "cpu_limit": 50.0}}})
    };
    let events = vec![
        // Before the range: not counted.
        event(
            t0,
            -1.0,
            "create",
            merge(
                env("e9", "ana", "web", "red", h(-1.0)),
                json!({"duration_ms": 99_000}),
            ),
        ),
        event(t0, 0.5, "server-start", json!({})),
        event(
            t0,
            1.0,
            "create",
            merge(e1.clone(), json!({"duration_ms": 10_000})),
        ),
        event(t0, 1.0, "usage", usage(100, 200, 10.0)),
        event(
            t0,
            2.0,
            "create",
            merge(e2.clone(), json!({"duration_ms": 20_000})),
        ),
        event(t0, 2.0, "usage", usage(150, 300, 30.0)),
        event(t0, 2.5, "server-stop", json!({})),
        event(
            t0,
            3.0,
            "create",
            merge(e3.clone(), json!({"duration_ms": 30_000})),
        ),
        event(
            t0,
            4.0,
            "create",
            fail("ana", "web", "docker", "pulling the image failed"),
        ),
        event(
            t0,
            5.0,
            "create",
            fail("bob", "trio", "docker", "pulling the image failed"),
        ),
        event(
            t0,
            6.0,
            "create",
            fail("bob", "trio", "invalid", "name taken"),
        ),
        // A warm pool's own member: not a create of anyone's.
        event(
            t0,
            6.5,
            "create",
            merge(
                env("p1", "envctl-pool", "web", "red", h(6.5)),
                json!({"pool": "web", "duration_ms": 50_000}),
            ),
        ),
        event(
            t0,
            7.0,
            "pool-claim",
            json!({"template": "web", "detail": "web", "owner": "bob"}),
        ),
        event(
            t0,
            7.0,
            "create",
            merge(e4.clone(), json!({"duration_ms": 500})),
        ),
        event(
            t0,
            8.0,
            "pool-miss",
            json!({"template": "web", "detail": "web", "owner": "ana"}),
        ),
        event(
            t0,
            10.0,
            "delete",
            merge(e0.clone(), json!({"rule": "older_than"})),
        ),
        event(
            t0,
            10.0,
            "cleanup",
            json!({"detail": "1 removed, 0 failed"}),
        ),
        event(
            t0,
            25.0,
            "delete",
            merge(e1.clone(), json!({"rule": "expired"})),
        ),
        event(
            t0,
            25.0,
            "cleanup",
            json!({"detail": "1 removed, 0 failed"}),
        ),
        event(t0, 51.0, "delete", e3.clone()),
        event(
            t0,
            60.0,
            "delete",
            merge(e3.clone(), json!({"outcome": "error", "code": "docker"})),
        ),
        // After the range: e2 was alive at its end.
        event(t0, 220.0, "delete", e2.clone()),
    ];
    let dir = data.join("events");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (at, line) in events {
        let file = files
            .entry(at.format("%Y-%m-%d.jsonl").to_string())
            .or_default();
        file.push_str(&line.to_string());
        file.push('\n');
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    // A line of the older format (no template, owner, labels or duration),
    // in the older single-file log.
    let mut legacy = std::fs::File::create(data.join("events.log")).unwrap();
    writeln!(
        legacy,
        "{{\"time\":\"{}\",\"user\":\"carol\",\"pid\":1,\"action\":\"create\",\"environment\":\"legacy1\",\"outcome\":\"ok\",\"detail\":null}}",
        stamp(h(9.0))
    )
    .unwrap();
}

fn group<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key}: {report}"))
}

fn hours(v: &Value) -> f64 {
    v["environment_hours"].as_f64().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// Every figure of the crafted log, by owner.
fn check_by_owner(r: &Value) {
    let ana = group(r, "ana");
    assert_eq!(
        (
            ana["created"].as_u64(),
            ana["alive"].as_u64(),
            ana["removed"].as_u64()
        ),
        (Some(2), Some(1), Some(2)),
        "{ana}"
    );
    // e1 1 h..25 h, e2 2 h..200 h (the end), e0 from the range's start to 10 h.
    assert!(close(hours(ana), 24.0 + 198.0 + 10.0), "{ana}");
    assert_eq!(ana["creates_failed"], 1);
    assert!(close(ana["failure_rate"].as_f64().unwrap(), 1.0 / 3.0));
    assert_eq!(ana["removed_by"], json!({"expired": 1, "older_than": 1}));
    let bob = group(r, "bob");
    assert_eq!(
        (
            bob["created"].as_u64(),
            bob["alive"].as_u64(),
            bob["removed"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{bob}"
    );
    // e3 3 h..51 h; e4, claimed from the pool, 7 h..200 h.
    assert!(close(hours(bob), 48.0 + 193.0), "{bob}");
    assert_eq!(bob["creates_failed"], 2);
    assert!(close(bob["failure_rate"].as_f64().unwrap(), 0.5));
    assert_eq!(bob["removed_by"], json!({"manual": 1}));
    // The older line: no owner, alive from 9 h.
    let none = group(r, "(none)");
    assert_eq!(
        (none["created"].as_u64(), none["alive"].as_u64()),
        (Some(1), Some(1)),
        "{none}"
    );
    assert!(close(hours(none), 191.0));
    assert_eq!(
        r["groups"].as_array().unwrap().len(),
        3,
        "the pool's own member is nobody's: {r}"
    );
    let total = &r["total"];
    assert_eq!(
        (
            total["created"].as_u64(),
            total["alive"].as_u64(),
            total["removed"].as_u64(),
            total["creates_failed"].as_u64()
        ),
        (Some(5), Some(3), Some(3), Some(3))
    );
    assert!(close(hours(total), 232.0 + 241.0 + 191.0));
    assert!(close(total["failure_rate"].as_f64().unwrap(), 3.0 / 8.0));
    // Provisioning: web 500, 10000, 20000 ms; trio 30000 ms (nearest rank).
    assert_eq!(
        r["provisioning"],
        json!([
            {"template": "trio", "creates": 1, "p50_ms": 30000, "p95_ms": 30000},
            {"template": "web", "creates": 3, "p50_ms": 10000, "p95_ms": 20000},
        ])
    );
    assert_eq!(
        r["causes"],
        json!([
            {"code": "docker", "cause": "pulling the image failed", "count": 2},
            {"code": "invalid", "cause": "name taken", "count": 1},
        ])
    );
    assert_eq!(
        r["cleanup"],
        json!({"runs": 2, "removed_by_rule": {"expired": 1, "older_than": 1}, "removed_per_run": 1.0, "partial_runs": 0})
    );
    assert_eq!(
        r["pools"],
        json!([{"template": "web", "claims": 1, "misses": 1}])
    );
    let web = &r["utilisation"][0];
    assert_eq!(
        (web["template"].as_str(), web["samples"].as_u64()),
        (Some("web"), Some(2))
    );
    assert!(close(web["memory_used"].as_f64().unwrap(), 125.0));
    assert!(close(web["memory_percent"].as_f64().unwrap(), 50.0));
    assert!(close(web["cpu_percent"].as_f64().unwrap(), 40.0));
    let up = &r["uptime"];
    assert!(
        close(up["up_seconds"].as_f64().unwrap(), 2.0 * HOUR as f64),
        "{up}"
    );
    assert!(close(
        up["range_seconds"].as_f64().unwrap(),
        200.0 * HOUR as f64
    ));
    assert!(close(up["percent"].as_f64().unwrap(), 1.0));
    assert_eq!(
        (up["starts"].as_u64(), up["unclean_stops"].as_u64()),
        (Some(1), Some(0))
    );
    // The total's step series: 0 at the start, 3 at the end, holding between.
    let steps = r["total"]["alive_series"].as_array().unwrap();
    assert_eq!(
        steps.first().unwrap()["value"],
        1.0,
        "e0 was alive at the start"
    );
    assert_eq!(steps.last().unwrap()["value"], 3.0);
}

fn range_args(t0: DateTime<Utc>) -> (String, String) {
    (stamp(t0), stamp(t0 + Duration::hours(200)))
}

#[test]
fn the_report_matches_a_crafted_log() {
    let sb = Sandbox::new(29650);
    let t0 = start();
    crafted_log(&sb.data_dir(), t0);
    let (since, until) = range_args(t0);
    let r = sb.json(&["report", "--since", &since, "--until", &until]);
    assert_eq!(r["by"], "owner");
    check_by_owner(&r);

    // By team: red is ana's three (e0, e1, e2), blue bob's two.
    let r = sb.json(&[
        "report",
        "--since",
        &since,
        "--until",
        &until,
        "--by",
        "label:team",
    ]);
    let red = group(&r, "red");
    assert_eq!(
        (
            red["created"].as_u64(),
            red["removed"].as_u64(),
            red["alive"].as_u64()
        ),
        (Some(2), Some(2), Some(1))
    );
    assert!(close(hours(red), 232.0));
    let blue = group(&r, "blue");
    assert_eq!(
        (
            blue["created"].as_u64(),
            blue["removed"].as_u64(),
            blue["alive"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert!(close(hours(blue), 241.0));

    // By template: trio has e3 and two failures.
    let r = sb.json(&[
        "report", "--since", &since, "--until", &until, "--by", "template",
    ]);
    let trio = group(&r, "trio");
    assert_eq!(
        (trio["created"].as_u64(), trio["creates_failed"].as_u64()),
        (Some(1), Some(2))
    );

    // For people: the tables.
    let out = sb.run(&["report", "--since", &since, "--until", &until]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for words in [
        "ana",
        "bob",
        "Provisioning time",
        "pulling the image failed",
        "Cleanup: 2 run(s)",
        "expired 1",
        "Server uptime: 1.0%",
    ] {
        assert!(table.contains(words), "{words}: {table}");
    }

    // A bad range or grouping is the user's to fix: exit 2, saying how.
    for args in [["--since", "yesterday-ish"], ["--by", "colour"]] {
        let out = sb.run(&["report", args[0], args[1]]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains(args[1]), "{}", text(&out.stderr));
    }
}

#[test]
fn the_api_and_the_dashboard_give_the_same_figures() {
    let sb = Sandbox::new(29660);
    let t0 = start();
    crafted_log(&sb.data_dir(), t0);
    let viewer = sb.token("pm", "viewer");
    let server = sb.serve();
    let (since, until) = range_args(t0);
    let path = format!("/api/onboarding/report?since={since}&until={until}");
    let (status, body) = api_call(server.port, "GET", &path, &viewer, None);
    assert_eq!(status, 200, "{body}");
    check_by_owner(&body);
    // The remote client asks the same endpoint.
    let out = server
        .client(&viewer)
        .args(["report", "--since", &since, "--until", &until, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    check_by_owner(&serde_json::from_slice(&out.stdout).unwrap());

    for bad in ["since=soon", "by=colour", "by=label:", "since=500d"] {
        let (status, body) = api_call(
            server.port,
            "GET",
            &format!("/api/onboarding/report?{bad}"),
            &viewer,
            None,
        );
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "invalid", "{body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (status, _) = api_call(
        server.port,
        "GET",
        "/api/onboarding/report",
        "not-a-token",
        None,
    );
    assert_eq!(status, 401);

    // The dashboard: step charts from the history, range links and a team view.
    let (mut http, _) = signed_in(&server, &viewer);
    let page = http.send("GET", "/dashboard?range=month&by=label:team", None);
    assert_eq!(page.status, 200, "{}", page.body);
    let html = page.body;
    assert!(
        html.contains("class=\"line step a\""),
        "no step chart: {html}"
    );
    assert!(
        !html.contains("class=\"line a\""),
        "a line chart is left: {html}"
    );
    for link in [
        "/dashboard?range=day&amp;by=label%3Ateam",
        "/dashboard?range=week&amp;by=label%3Ateam",
    ] {
        assert!(html.contains(link), "{link}: {html}");
    }
    assert!(html.contains("aria-current=\"page\">Month"), "{html}");
    // e2 (red) and e4 (blue) were alive within the month, and the server's
    // uptime counts this server too.
    let groups = &html[html.find("id=\"groups\"").expect("the groups table")..];
    assert!(
        groups.contains("<td>red</td>") && groups.contains("<td>blue</td>"),
        "{groups}"
    );
    assert!(html.contains("id=\"uptime\""));
    let page = http.send("GET", "/dashboard?range=year", None);
    assert_eq!(page.status, 422, "{}", page.body);
    let page = http.send("GET", "/dashboard?range=week&by=label:team", None);
    assert!(page.body.contains("aria-current=\"page\">Week"));
}

#[test]
fn operations_write_what_the_report_needs_and_the_server_its_life() {
    let sb = Sandbox::new(29670);
    let out = sb.run(&["create", "rep1", "--label", "team=red"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sb.run(&["delete", "rep1", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sb.run(&["create", "bad name!"]);
    assert_eq!(out.status.code(), Some(2));
    {
        let _server = sb.serve();
    }
    let lines = event_lines(&sb.data_dir());
    let create = lines
        .iter()
        .find(|l| l["action"] == "create" && l["outcome"] == "ok")
        .expect("a create");
    assert_eq!(create["template"], "web");
    assert_eq!(create["owner"], "tester");
    assert_eq!(create["labels"]["team"], "red");
    assert!(create["duration_ms"].as_u64().unwrap() > 0);
    assert!(create["id"].is_string() && create["created_at"].is_string());
    let delete = lines
        .iter()
        .find(|l| l["action"] == "delete")
        .expect("a delete");
    assert_eq!(delete["labels"]["team"], "red");
    assert!(delete["created_at"].is_string(), "{delete}");
    let refused = lines
        .iter()
        .find(|l| l["action"] == "create" && l["outcome"] == "error")
        .expect("a refusal");
    assert_eq!(refused["code"], "invalid");
    assert!(
        refused["cause"].as_str().unwrap().contains("bad name!"),
        "{refused}"
    );
    assert!(wait_until(std::time::Duration::from_secs(10), || {
        let lines = event_lines(&sb.data_dir());
        lines.iter().any(|l| l["action"] == "server-start")
            && lines.iter().any(|l| l["action"] == "server-stop")
    }));
    let r = sb.json(&["report", "--since", "1h", "--by", "label:team"]);
    let red = group(&r, "red");
    assert_eq!(
        (
            red["created"].as_u64(),
            red["removed"].as_u64(),
            red["alive"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(r["uptime"]["starts"], 1);
}

/// Every line of the event log in `data`.
fn event_lines(data: &std::path::Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(data.join("events"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        for line in std::fs::read_to_string(f).unwrap_or_default().lines() {
            out.push(serde_json::from_str(line).unwrap());
        }
    }
    out
}
