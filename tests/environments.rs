//! The environment lifecycle on the real Docker engine, through the real binary.

mod common;

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use common::{Sandbox, http_get, text, wait_until};
use serde_json::Value;

fn port(env: &Value, service: &str) -> u16 {
    env["ports"][service].as_u64().unwrap() as u16
}

#[test]
fn create_waits_until_running_and_ready_with_http_answering() {
    let sb = Sandbox::with_docker_networks(32000);
    let env = sb.json(&[
        "create",
        "alpha",
        "--template",
        "trio",
        "--label",
        "team=core",
        "--ttl",
        "2h",
    ]);
    assert_eq!(env["status"], "running");
    assert_eq!(env["ready"], true);
    assert_eq!(env["name"], "alpha");
    assert_eq!(env["owner"], "tester");
    assert_eq!(env["labels"]["team"], "core");
    assert!(env["expires_at"].is_string());
    assert_eq!(env["base_port"], 32000);
    for (service, offset) in [("jira", 0), ("gitlab", 1), ("dashboard", 2)] {
        let p = port(&env, service);
        assert_eq!(p, 32000 + offset);
        assert_eq!(env["urls"][service], format!("http://localhost:{p}"));
        assert_eq!(
            http_get(p).as_deref(),
            Some("ok\n"),
            "{service} answers on {p}"
        );
    }

    // Labels and limits are on the container itself.
    let id = env["id"].as_str().unwrap();
    let inspect = Command::new("docker")
        .args(["inspect", &format!("envctl-{id}-jira")])
        .output()
        .unwrap();
    let inspect: Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let labels = &inspect[0]["Config"]["Labels"];
    assert_eq!(labels["io.envctl.managed"], "true");
    assert_eq!(
        labels["io.envctl.instance"],
        sb.instance_id().unwrap().as_str()
    );
    assert_eq!(labels["io.envctl.environment"], id);
    assert_eq!(labels["io.envctl.service"], "jira");
    assert_eq!(labels["io.envctl.base-port"], "32000");
    assert_eq!(labels["io.envctl.label.team"], "core");

    // Shown the same by list and show, from another process.
    let listed = sb.json(&["list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0], sb.json(&["show", "alpha"]));
    assert_eq!(listed[0]["status"], "running");

    let deleted = sb.json(&["delete", "alpha", "--yes"]);
    assert_eq!(deleted["deleted"], true);
    assert!(sb.labelled("container").is_empty());
    assert!(sb.labelled("network").is_empty());
    assert_eq!(sb.json(&["list"]), serde_json::json!([]));
    assert_eq!(http_get(32000), None);
}

#[test]
fn limits_from_the_template_reach_docker() {
    let sb = Sandbox::new(32100);
    let env = sb.json(&["create", "limited"]);
    let id = env["id"].as_str().unwrap();
    let out = Command::new("docker")
        .args(["inspect", &format!("envctl-{id}-web")])
        .output()
        .unwrap();
    let inspect: Value = serde_json::from_slice(&out.stdout).unwrap();
    let host = &inspect[0]["HostConfig"];
    assert_eq!(host["Memory"], 64 * 1024 * 1024);
    assert_eq!(host["NanoCpus"], 500_000_000);
    assert_eq!(host["PidsLimit"], 64);
    assert_eq!(host["NetworkMode"], format!("envctl-{id}"));
    let out = Command::new("docker")
        .args([
            "network",
            "inspect",
            "--format",
            "{{(index .IPAM.Config 0).Subnet}}",
            &format!("envctl-{id}"),
        ])
        .output()
        .unwrap();
    let subnet = text(&out.stdout);
    assert!(
        subnet.starts_with("10.213.") && subnet.trim().ends_with("/28"),
        "from the pool: {subnet}"
    );
    assert_eq!(
        sb.labelled("volume").len(),
        1,
        "the named volume is created and labelled"
    );
    sb.json(&["delete", "limited", "--yes"]);
    assert!(sb.labelled("volume").is_empty(), "delete removes volumes");
}

#[test]
fn deleting_a_middle_environment_frees_its_block_and_the_next_create_reuses_it() {
    let sb = Sandbox::new(32200);
    let bases: Vec<u64> = ["a", "b", "c"]
        .iter()
        .map(|n| {
            sb.json(&["create", n, "-t", "trio", "--no-wait"])["base_port"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(bases, vec![32200, 32203, 32206]);
    sb.json(&["delete", "b", "--yes"]);
    let d = sb.json(&["create", "d", "-t", "trio"]);
    assert_eq!(d["base_port"], 32203);
    assert_eq!(http_get(32203).as_deref(), Some("ok\n"));
}

#[test]
fn sixteen_concurrent_creates_get_sixteen_distinct_blocks_and_all_run() {
    let sb = Sandbox::new(32300);
    let children: Vec<_> = (0..16)
        .map(|i| {
            sb.cmd()
                .args(["create", &format!("c{i}"), "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a create failed: {}",
            text(&out.stderr)
        );
    }
    let envs = sb.json(&["list"]);
    let envs = envs.as_array().unwrap();
    assert_eq!(envs.len(), 16);
    let bases: HashSet<u64> = envs
        .iter()
        .map(|e| e["base_port"].as_u64().unwrap())
        .collect();
    assert_eq!(bases.len(), 16, "every environment has its own block");
    for e in envs {
        assert_eq!(e["status"], "running");
        assert_eq!(e["ready"], true);
        assert_eq!(http_get(port(e, "web")).as_deref(), Some("ok\n"));
    }
    assert_eq!(sb.labelled("container").len(), 16);

    let deletes: Vec<_> = (0..16)
        .map(|i| {
            sb.cmd()
                .args(["delete", &format!("c{i}"), "--yes", "-q"])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut d in deletes {
        assert!(d.wait().unwrap().success());
    }
    assert!(
        sb.labelled("container").is_empty(),
        "no labelled container left"
    );
    assert!(sb.labelled("network").is_empty());
    assert_eq!(sb.json(&["list"]), serde_json::json!([]));
}

#[test]
fn a_port_bound_by_another_program_is_skipped() {
    let sb = Sandbox::new(32400);
    let _other = std::net::TcpListener::bind(("0.0.0.0", 32400)).unwrap();
    let env = sb.json(&["create", "skip"]);
    assert_eq!(env["base_port"], 32401);
    assert_eq!(http_get(32401).as_deref(), Some("ok\n"));
}

#[test]
fn a_container_that_exits_leaves_the_environment_failed_and_rolled_back() {
    let sb = Sandbox::new(32500);
    let out = sb.run(&["create", "crash", "-t", "exits"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("exited with code 3"), "{err}");
    assert!(
        err.contains("boom"),
        "the container's last output is shown: {err}"
    );
    let env = sb.json(&["show", "crash"]);
    assert_eq!(env["status"], "failed");
    assert_eq!(env["ready"], false);
    assert!(
        env["error"]
            .as_str()
            .unwrap()
            .contains("exited with code 3")
    );
    assert!(sb.labelled("container").is_empty(), "rolled back");
    assert!(sb.labelled("network").is_empty(), "rolled back");
    // A failed environment can still be deleted.
    sb.json(&["delete", "crash", "--yes"]);
}

#[test]
fn keep_on_failure_keeps_the_containers_for_inspection() {
    let sb = Sandbox::new(32550);
    let out = sb.run(&["create", "kept", "-t", "exits", "--keep-on-failure"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(sb.labelled("container").len(), 1);
    let logs = sb.run(&["logs", "kept", "app"]);
    assert!(
        text(&logs.stdout).contains("boom"),
        "logs of the kept container: {}",
        text(&logs.stderr)
    );
    sb.json(&["delete", "kept", "--yes"]);
    assert!(sb.labelled("container").is_empty());
}

#[test]
fn a_failed_pull_is_a_clear_error() {
    let sb = Sandbox::new(32600);
    let out = sb.run(&["create", "nopull", "-t", "missing"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("pulling image envctl-test/no-such-image:1 failed"),
        "{err}"
    );
    assert_eq!(sb.json(&["show", "nopull"])["status"], "failed");
    assert!(sb.labelled("container").is_empty());
}

#[test]
fn a_readiness_timeout_fails_and_rolls_back() {
    let sb = Sandbox::new(32700);
    let out = sb.run(&["create", "slow", "-t", "never", "--timeout", "3s"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("timed out after 3s"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sb.json(&["show", "slow"])["status"], "failed");
    assert!(sb.labelled("container").is_empty());
}

#[test]
fn ctrl_c_during_create_rolls_back() {
    let sb = Sandbox::new(32800);
    let child = sb
        .cmd()
        .args(["create", "interrupted", "-t", "never"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let running = sb.wait_for_status(0, "running", Duration::from_secs(30));
    assert!(
        running,
        "the create reached running (waiting for readiness)"
    );
    assert_eq!(sb.labelled("container").len(), 1);
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    assert!(sb.labelled("container").is_empty(), "rolled back");
    let env = sb.json(&["show", "interrupted"]);
    assert_eq!(env["status"], "failed");
    assert!(env["error"].as_str().unwrap().contains("interrupted"));
}

#[test]
fn stop_then_start_brings_it_back_ready() {
    let sb = Sandbox::new(32900);
    let env = sb.json(&["create", "cycle"]);
    let p = port(&env, "web");
    let stopped = sb.json(&["stop", "cycle"]);
    assert_eq!(stopped["status"], "stopped");
    assert_eq!(stopped["ready"], false);
    assert_eq!(http_get(p), None);
    // Stopping twice is fine; creating-only transitions are refused.
    assert_eq!(sb.json(&["stop", "cycle"])["status"], "stopped");
    let started = sb.json(&["start", "cycle"]);
    assert_eq!(started["status"], "running");
    assert_eq!(started["ready"], true);
    assert_eq!(http_get(p).as_deref(), Some("ok\n"));
}

#[test]
fn a_taken_name_is_a_conflict() {
    let sb = Sandbox::new(33000);
    sb.json(&["create", "twin", "--no-wait"]);
    let out = sb.run(&["create", "twin"]);
    assert_eq!(out.status.code(), Some(8));
    assert!(text(&out.stderr).contains("already exists"));
    assert_eq!(sb.labelled("container").len(), 1);
}

#[test]
fn docker_unreachable_has_its_exit_code_and_leaves_the_database_unchanged() {
    let sb = Sandbox::new(33100);
    sb.json(&["create", "keep", "--no-wait"]);
    let before = std::fs::read(sb.db_path()).unwrap();
    let started = std::time::Instant::now();
    for args in [
        &["create", "other"][..],
        &["delete", "keep", "--yes"],
        &["stop", "keep"],
    ] {
        let out = sb
            .cmd()
            .args(args)
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(4),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(
            err.contains("Docker") && err.contains("DOCKER_HOST"),
            "{err}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(std::fs::read(sb.db_path()).unwrap(), before);
}

#[test]
fn kill_9_in_the_middle_of_a_database_write_leaves_a_valid_database() {
    let sb = Sandbox::new(33200);
    sb.json(&["create", "first", "--no-wait"]);
    let before = std::fs::read(sb.db_path()).unwrap();
    let mut child = sb
        .cmd()
        .args(["create", "second", "--no-wait"])
        .env("ENVCTL_FAULT_PAUSE_IN_WRITE_MS", "30000")
        .spawn()
        .unwrap();
    let temp_written = wait_until(Duration::from_secs(20), || sb.writing_database());
    assert!(temp_written, "the writer reached the middle of its write");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        std::fs::read(sb.db_path()).unwrap(),
        before,
        "the old database is intact"
    );
    // The next command reads it, cleans the temp file up and goes on.
    assert_eq!(sb.json(&["list"]).as_array().unwrap().len(), 1);
    let third = sb.json(&["create", "third", "--no-wait"]);
    assert_eq!(third["status"], "running");
    let leftovers = std::fs::read_dir(sb.data_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn logs_print_each_service_prefixed() {
    let sb = Sandbox::new(33300);
    let env = sb.json(&["create", "talk", "-t", "trio"]);
    http_get(port(&env, "jira"));
    let out = sb.run(&["logs", "talk"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sb.run(&["logs", "talk", "nope"]);
    assert_eq!(out.status.code(), Some(3));
    let out = sb.run(&["logs", "ghost"]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn one_click_yes_takes_every_default_and_prints_the_urls() {
    let sb = Sandbox::new(33500);
    let out = sb.run(&["one-click", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("http://localhost:33500"),
        "the URL table: {stdout}"
    );
    let envs = sb.json(&["list"]);
    let env = &envs[0];
    assert_eq!(env["template"], "web", "the config's default template");
    assert_eq!(env["owner"], "tester");
    assert!(env["name"].as_str().unwrap().starts_with("tester-"));
    assert_eq!(env["ready"], true);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("web: waiting until ready") && stderr.contains("web: ready"),
        "{stderr}"
    );
}

#[test]
fn list_filters_by_status_owner_and_template() {
    let sb = Sandbox::new(33600);
    sb.json(&["create", "one", "--owner", "ann", "--no-wait"]);
    sb.json(&["create", "two", "--owner", "bob", "-t", "trio", "--no-wait"]);
    sb.json(&["stop", "two"]);
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        sb.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&[]), ["one", "two"]);
    assert_eq!(names(&["--owner", "bob"]), ["two"]);
    assert_eq!(names(&["--template", "web"]), ["one"]);
    assert_eq!(names(&["--status", "stopped"]), ["two"]);
    assert_eq!(
        names(&["--status", "running", "--owner", "bob"]),
        Vec::<String>::new()
    );
    let table = text(&sb.run(&["list"]).stdout);
    assert!(
        table.contains("one") && table.contains("stopped"),
        "{table}"
    );
}

#[test]
fn deleting_an_environment_while_another_process_creates_it_removes_everything() {
    let sb = Sandbox::new(33700);
    let creator = sb
        .cmd()
        .args(["create", "racing", "-t", "never"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let running = sb.wait_for_status(0, "running", Duration::from_secs(30));
    assert!(running);
    let deleted = sb.json(&["delete", "racing", "--yes"]);
    assert_eq!(deleted["deleted"], true);
    let out = creator.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(8),
        "the creator stops: {}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("deleted"),
        "{}",
        text(&out.stderr)
    );
    assert!(sb.labelled("container").is_empty());
    assert!(sb.labelled("network").is_empty());
    assert_eq!(sb.json(&["list"]), serde_json::json!([]));
}

#[test]
fn impossible_transitions_are_conflicts() {
    let sb = Sandbox::new(33800);
    assert_eq!(
        sb.run(&["create", "broken", "-t", "exits"]).status.code(),
        Some(1)
    );
    let out = sb.run(&["stop", "broken"]);
    assert_eq!(out.status.code(), Some(8));
    assert!(
        text(&out.stderr).contains("failed; it cannot become stopped"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_health_check_command_decides_readiness() {
    let sb = Sandbox::new(33900);
    let env = sb.json(&["create", "healthy", "-t", "checked"]);
    assert_eq!(env["ready"], true);
    let id = env["id"].as_str().unwrap();
    let out = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{json .State.Health.Status}} {{json .Config.Healthcheck.Test}}",
            &format!("envctl-{id}-app"),
        ])
        .output()
        .unwrap();
    let inspect = text(&out.stdout);
    assert!(inspect.starts_with("\"healthy\""), "{inspect}");
    assert!(inspect.contains("\"CMD\",\"wget\""), "{inspect}");
}

#[test]
fn a_port_taken_after_allocation_fails_the_create_at_bind_time_and_rolls_back() {
    let sb = Sandbox::new(33950);
    // Every database write pauses, so the test can take the port between the
    // allocation (inside the first write) and the container start.
    let child = sb
        .cmd()
        .args(["create", "late"])
        .env("ENVCTL_FAULT_PAUSE_IN_WRITE_MS", "700")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let allocating = wait_until(Duration::from_secs(20), || {
        std::fs::read_dir(sb.data_dir()).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        })
    });
    assert!(allocating);
    let _thief = std::net::TcpListener::bind(("0.0.0.0", 33950)).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("address already in use") || err.contains("already allocated"),
        "{err}"
    );
    let env = sb.json(&["show", "late"]);
    assert_eq!(env["status"], "failed");
    assert!(sb.labelled("container").is_empty(), "rolled back");
}
