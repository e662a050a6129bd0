//! Service dependencies (`depends_on`, issue 14): start order by condition
//! (`started`, `ready`, `completed`), stop in reverse, jobs, cycles and
//! unknown services, on the real engine through the real binary.

mod common;

use std::process::Command;

use common::{IMAGE, Sandbox, text};

/// `app` waits for `db` to be ready and `migrate` to complete; `migrate`
/// waits for `db` to be ready. Each writes the host's uptime (one clock for
/// every container) when it starts, `db` when it is about to answer.
fn sandbox(base: u16, migrate_exit: u8) -> Sandbox {
    let stamp = |file: &str| format!("cut -d' ' -f1 /proc/uptime > /shared/{file}");
    let template = format!(
        r#"
[templates.ordered]
description = "an app, its database and a migration"
[[templates.ordered.services]]
name = "app"
image = "{IMAGE}"
port = 80
command = ["sh", "-c", "{app}; trap 'sleep 1; exit 0' TERM; httpd -f -p 80 -h /www & wait"]
volumes = ["shared:/shared"]
depends_on = {{ db = "ready", migrate = "completed" }}
[[templates.ordered.services]]
name = "migrate"
image = "{IMAGE}"
command = ["sh", "-c", "{migrate_start}; sleep 1; {migrate_end}; exit {migrate_exit}"]
volumes = ["shared:/shared"]
depends_on = {{ db = "ready" }}
[[templates.ordered.services]]
name = "db"
image = "{IMAGE}"
port = 80
offset = 1
command = ["sh", "-c", "sleep 3; {db}; exec httpd -f -p 80 -h /www"]
volumes = ["shared:/shared"]
ready = {{ http = "/" }}
[[templates.ordered.services]]
name = "cache"
image = "{IMAGE}"
command = ["sh", "-c", "{cache}; exec sleep 3600"]
volumes = ["shared:/shared"]
"#,
        app = stamp("app-start"),
        migrate_start = stamp("migrate-start"),
        migrate_end = stamp("migrate-end"),
        db = stamp("db-ready"),
        cache = stamp("cache-start"),
    );
    Sandbox::with_config(base, &template)
}

/// The uptime stamps the services wrote, read through `db`'s container.
fn stamps(container: &str) -> std::collections::BTreeMap<String, f64> {
    let out = Command::new("docker")
        .args(["exec", container, "sh", "-c", "cd /shared && grep . *"])
        .output()
        .unwrap();
    text(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_owned(), v.trim().parse().unwrap()))
        .collect()
}

/// The host's uptime in seconds: the clock of [`stamps`].
fn uptime() -> f64 {
    let text = std::fs::read_to_string("/proc/uptime").unwrap();
    text.split_whitespace().next().unwrap().parse().unwrap()
}

fn inspect(container: &str, format: &str) -> String {
    let out = Command::new("docker")
        .args(["inspect", "-f", format, container])
        .output()
        .unwrap();
    text(&out.stdout).trim().to_owned()
}

#[test]
fn services_start_in_dependency_order_and_stop_in_reverse() {
    let sb = sandbox(28800, 0);
    let created = sb.run(&["create", "dev", "--template", "ordered"]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let progress = text(&created.stderr);
    assert!(
        progress.contains("waiting for db to be ready"),
        "progress names what a service waits for: {progress}"
    );
    let env = sb.json(&["show", "dev"]);
    assert_eq!(env["status"], "running");
    assert_eq!(env["ready"], true, "{env}");
    let id = env["id"].as_str().unwrap().to_owned();
    let db = format!("envctl-{id}-db");
    let s = stamps(&db);
    // The dependency's ready time is before its dependants' start.
    assert!(s["migrate-start"] >= s["db-ready"], "{s:?}");
    assert!(s["app-start"] >= s["db-ready"], "{s:?}");
    // `completed`: app started only after the migration exited.
    assert!(s["app-start"] >= s["migrate-end"], "{s:?}");
    // Independent services do not wait: cache started before db was ready.
    assert!(s["cache-start"] < s["db-ready"], "{s:?}");
    // The finished job is not a failure: sync finds nothing wrong.
    let sync = sb.json(&["sync"]);
    assert_eq!(
        sync["changes"].as_array().map_or(0, Vec::len),
        0,
        "a completed job is not a dead service: {sync}"
    );
    assert_eq!(sb.json(&["show", "dev"])["status"], "running");

    // Stop: app (a dependant) stops before db. App takes a second to stop
    // (its TERM trap sleeps) and db stops at once: stopped in parallel, db
    // would be down first.
    let stopped = sb.run(&["stop", "dev"]);
    assert!(stopped.status.success(), "{}", text(&stopped.stderr));
    let app_end = inspect(&format!("envctl-{id}-app"), "{{.State.FinishedAt}}");
    let db_end = inspect(&db, "{{.State.FinishedAt}}");
    let (app_end, db_end) = (
        chrono::DateTime::parse_from_rfc3339(&app_end).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&db_end).unwrap(),
    );
    assert!(
        db_end >= app_end,
        "db stops only after app has stopped: app at {app_end}, db at {db_end}"
    );

    // Start again: the same order, the job runs again.
    let started = sb.run(&["start", "dev"]);
    assert!(started.status.success(), "{}", text(&started.stderr));
    let s = stamps(&db);
    assert!(s["app-start"] >= s["db-ready"], "{s:?}");
    assert!(s["app-start"] >= s["migrate-end"], "{s:?}");
    assert_eq!(sb.json(&["show", "dev"])["ready"], true);
    assert!(sb.run(&["delete", "dev", "--yes"]).status.success());
}

#[test]
fn a_failed_job_fails_the_create_before_its_dependants_start() {
    let sb = sandbox(28820, 3);
    let created = sb.run(&[
        "create",
        "dev",
        "--template",
        "ordered",
        "--keep-on-failure",
    ]);
    assert!(!created.status.success());
    let stderr = text(&created.stderr);
    assert!(stderr.contains("migrate"), "names the job: {stderr}");
    assert!(stderr.contains('3'), "gives its exit code: {stderr}");
    let env = sb.json(&["show", "dev"]);
    assert_eq!(env["status"], "failed");
    let id = env["id"].as_str().unwrap();
    // The app's container was made but never started.
    assert_eq!(
        inspect(&format!("envctl-{id}-app"), "{{.State.StartedAt}}"),
        "0001-01-01T00:00:00Z"
    );
    assert!(sb.run(&["delete", "dev", "--yes"]).status.success());
}

#[test]
fn cycles_and_unknown_services_are_config_errors_with_the_line() {
    let sb = Sandbox::with_config(
        28840,
        &format!(
            r#"
[templates.loop]
[[templates.loop.services]]
name = "a"
image = "{IMAGE}"
depends_on = ["b"]
[[templates.loop.services]]
name = "b"
image = "{IMAGE}"
depends_on = {{ c = "ready" }}
[[templates.loop.services]]
name = "c"
image = "{IMAGE}"
depends_on = {{ a = "completed" }}
"#
        ),
    );
    let out = sb.run(&["create", "x", "--template", "loop"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("a -> b -> c -> a"), "{stderr}");
    assert!(stderr.contains("config.toml"), "{stderr}");
    assert!(stderr.contains("line "), "{stderr}");

    let sb = Sandbox::with_config(
        28850,
        &format!(
            r#"
[templates.typo]
[[templates.typo.services]]
name = "app"
image = "{IMAGE}"
depends_on = ["dbb"]
"#
        ),
    );
    let out = sb.run(&["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no service named 'dbb'"), "{stderr}");
    assert!(stderr.contains("line "), "{stderr}");
}

#[test]
fn a_start_through_the_server_answers_at_once_and_orders_the_services_in_the_background() {
    let sb = sandbox(28900, 0);
    assert!(
        sb.run(&["create", "dev", "--template", "ordered"])
            .status
            .success()
    );
    assert!(sb.run(&["stop", "dev"]).status.success());
    let token = sb.token("tester", "developer");
    let server = sb.serve();
    let (status, body) = common::api_call(
        server.port,
        "PUT",
        "/api/onboarding/environments/dev",
        &token,
        Some(r#"{"status":"running"}"#),
    );
    // The host's uptime, the clock the services stamp with.
    let answered = uptime();
    assert_eq!(status, 200, "{body}");
    assert!(
        common::wait_until(std::time::Duration::from_secs(60), || {
            sb.json(&["show", "dev"])["ready"] == true
        }),
        "{}",
        sb.json(&["show", "dev"])
    );
    let id = sb.json(&["show", "dev"])["id"].as_str().unwrap().to_owned();
    let s = stamps(&format!("envctl-{id}-db"));
    // db needs three seconds before it answers; the request did not wait for
    // it (compared on one clock, so a busy machine cannot make this flaky).
    assert!(
        answered < s["db-ready"],
        "answered at uptime {answered}, after db was ready: {s:?}"
    );
    assert!(s["app-start"] >= s["db-ready"], "{s:?}");
    assert!(s["app-start"] >= s["migrate-end"], "{s:?}");
    drop(server);
    assert!(sb.run(&["delete", "dev", "--yes"]).status.success());
}

#[test]
fn a_warm_pool_member_whose_job_has_finished_is_claimed() {
    let sb = Sandbox::with_config(
        28920,
        &format!(
            r#"
[templates.jobbed]
[templates.jobbed.pool]
size = 1
max = 1
[[templates.jobbed.services]]
name = "web"
image = "{IMAGE}"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
depends_on = {{ seed = "completed" }}
[[templates.jobbed.services]]
name = "seed"
image = "{IMAGE}"
command = ["sh", "-c", "echo seeded > /data/seed"]
volumes = ["data:/data"]
"#
        ),
    );
    let report = sb.json(&["pool", "reconcile"]);
    assert_eq!(
        report[0]["created"].as_array().unwrap().len(),
        1,
        "{report}"
    );
    let env = sb.json(&["create", "dev", "--template", "jobbed"]);
    assert_eq!(
        env["from_pool"], true,
        "the finished job did not break the claim: {env}"
    );
    assert_eq!(env["ready"], true);
    for e in sb.json(&["list", "--all"]).as_array().unwrap() {
        sb.run(&["delete", e["name"].as_str().unwrap(), "--yes"]);
    }
}
