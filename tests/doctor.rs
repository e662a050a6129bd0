//! `envctl doctor` on the real engine: a healthy sandbox passes, and each
//! failing check fails with its fix and exit code 1 (engine unreachable or
//! silent, port range full, address pool exhausted, config invalid, a
//! server's bad token), within a few seconds and without writing anything.
//!
//! Port bases 29400-29599 and subnet pools in 10.214.0.0/16 are this file's.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Sandbox, text};
use serde_json::Value;

/// Runs `envctl doctor --json`; its exit code and the report.
fn doctor(mut cmd: Command) -> (Option<i32>, Value, Output) {
    let out = cmd.args(["doctor", "--json"]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\nstderr: {}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    (out.status.code(), report, out)
}

/// The check called `name`.
fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {report:#}"))
}

fn status<'a>(report: &'a Value, name: &str) -> &'a str {
    check(report, name)["status"].as_str().unwrap()
}

/// The disk check ran: `ok`, or `warn` on a machine whose disk is really
/// under its 10% (the test machine's disk is shared with every build on it,
/// so this test cannot insist on room it does not make).
fn disk_checked(report: &Value) {
    let disk = check(report, "disk");
    let detail = disk["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(" free of "), "{disk:#}");
    let status = disk["status"].as_str();
    assert!(matches!(status, Some("ok" | "warn")), "{disk:#}");
}

/// Replaces `from` with `to` in the sandbox's config.
fn edit_config(sb: &Sandbox, from: &str, to: &str) {
    let path = sb.dir.path().join("config.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    assert!(config.contains(from), "{from} not in the config");
    std::fs::write(&path, config.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_healthy_sandbox_passes_with_at_most_warnings() {
    let sb = Sandbox::new(29400);
    let (code, report, out) = doctor(sb.cmd());
    assert_eq!(code, Some(0), "{report:#}\n{}", text(&out.stderr));
    assert_eq!(report["ok"], true);
    for name in ["config", "database", "engine", "network", "ports"] {
        assert_eq!(status(&report, name), "ok", "{report:#}");
    }
    disk_checked(&report);
    assert!(
        check(&report, "engine")["detail"]
            .as_str()
            .unwrap()
            .contains("API 1."),
        "the engine's API version is named"
    );
    // The sandbox has a template whose image exists nowhere: a warning with the pull.
    let images = check(&report, "images");
    assert_eq!(images["status"], "warn");
    // Asked of its registry (Docker Hub, which this host may not reach).
    let detail = images["detail"].as_str().unwrap();
    assert!(
        detail.contains("no registry serves envctl-test/no-such-image:1")
            || detail.contains("the registry could not be asked"),
        "{detail}"
    );
    assert!(
        images["fix"]
            .as_str()
            .unwrap()
            .contains("docker pull envctl-test/no-such-image:1")
    );
    for c in report["checks"].as_array().unwrap() {
        assert!(
            ["ok", "warn"].contains(&c["status"].as_str().unwrap()),
            "{c}"
        );
        assert_eq!(
            c["fix"].is_null(),
            c["status"] == "ok",
            "a fix for each warning: {c}"
        );
    }
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    assert!(!sb.data_dir().exists(), "doctor creates no data directory");

    // For people: one line per check with its mark.
    let out = sb.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("✓ engine"), "{stdout}");
    assert!(stdout.contains("! images"), "{stdout}");
    assert!(stdout.contains("fix: "), "{stdout}");
}

#[test]
fn an_unreachable_engine_fails_at_once_with_the_fix() {
    let sb = Sandbox::new(29420);
    let mut cmd = sb.cmd();
    cmd.env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    let started = Instant::now();
    let (code, report, out) = doctor(cmd);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code, Some(1));
    assert_eq!(report["ok"], false);
    let engine = check(&report, "engine");
    assert_eq!(engine["status"], "fail");
    assert!(
        engine["detail"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/docker.sock")
    );
    let fix = engine["fix"].as_str().unwrap();
    assert!(
        fix.contains("DOCKER_HOST") && fix.contains("systemctl start docker"),
        "{fix}"
    );
    for name in ["network", "images"] {
        assert_eq!(status(&report, name), "skip");
        assert_eq!(
            check(&report, name)["detail"],
            "skipped: engine unreachable"
        );
    }
    // The checks that do not need the engine still ran.
    assert_eq!(status(&report, "config"), "ok");
    assert_eq!(status(&report, "ports"), "ok");
    // One summary line on stderr, nothing more.
    assert_eq!(text(&out.stderr), "error: 1 check(s) failed: engine\n");
}

#[test]
fn an_engine_that_never_answers_fails_within_seconds() {
    let sb = Sandbox::new(29440);
    // Accepts connections (the kernel's backlog) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cmd = sb.cmd();
    cmd.env(
        "DOCKER_HOST",
        format!("tcp://{}", silent.local_addr().unwrap()),
    );
    let started = Instant::now();
    let (code, report, _) = doctor(cmd);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "engine"), "fail", "{report:#}");
}

#[test]
fn a_full_port_range_fails() {
    let sb = Sandbox::new(29460);
    // One block: the range holds three ports (the least every template
    // fits in), as many as the default template then needs.
    edit_config(&sb, "max = 29559", "max = 29462");
    edit_config(&sb, "template = \"web\"", "template = \"trio\"");
    let (code, report, _) = doctor(sb.cmd());
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(status(&report, "ports"), "ok");

    // Another program listens on a port of the range's only block.
    let listener = std::net::TcpListener::bind("127.0.0.1:29461").unwrap();
    let (code, report, out) = doctor(sb.cmd());
    assert_eq!(code, Some(1));
    let ports = check(&report, "ports");
    assert_eq!(ports["status"], "fail", "{report:#}");
    assert!(
        ports["detail"]
            .as_str()
            .unwrap()
            .starts_with("0 of 1 blocks of 3 ports")
    );
    assert!(ports["fix"].as_str().unwrap().contains("widen [ports]"));
    assert_eq!(text(&out.stderr), "error: 1 check(s) failed: ports\n");
    drop(listener);

    // An environment holds part of it.
    let out = sb.run(&["create", "only", "--template", "web", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (code, report, _) = doctor(sb.cmd());
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "ports"), "fail", "{report:#}");
    assert!(
        check(&report, "database")["detail"]
            .as_str()
            .unwrap()
            .starts_with("1 environments in ")
    );
}

/// A Docker network this test made, removed when dropped.
struct TestNetwork(String);

impl TestNetwork {
    fn create(name: &str, subnet: &str) -> TestNetwork {
        // A leftover of an interrupted run holds the subnet: remove it first.
        let _ = Command::new("docker")
            .args(["network", "rm", name])
            .output();
        let out = Command::new("docker")
            .args([
                "network",
                "create",
                "--label",
                "io.envctl.test=doctor",
                "--subnet",
                subnet,
                name,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        TestNetwork(name.to_owned())
    }
}

impl Drop for TestNetwork {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["network", "rm", &self.0])
            .output();
    }
}

#[test]
fn an_exhausted_address_pool_fails() {
    let sb = Sandbox::with_docker_networks(29480);
    // A pool with room for one network.
    let path = sb.dir.path().join("config.toml");
    let mut config = std::fs::read_to_string(&path).unwrap();
    config.push_str("\n[network]\nsubnet_pool = \"10.214.7.0/28\"\nsubnet_prefix = 28\n");
    std::fs::write(&path, config).unwrap();
    let (code, report, _) = doctor(sb.cmd());
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(status(&report, "network"), "ok", "{report:#}");

    let taken = TestNetwork::create("envctl-doctor-test-pool", "10.214.7.0/28");
    let (code, report, out) = doctor(sb.cmd());
    assert_eq!(code, Some(1));
    let network = check(&report, "network");
    assert_eq!(network["status"], "fail", "{report:#}");
    let detail = network["detail"].as_str().unwrap();
    assert!(
        detail.contains("10.214.7.0/28: 0 of 1 /28 subnets left"),
        "{detail}"
    );
    assert!(network["fix"].as_str().unwrap().contains("subnet_pool"));
    assert_eq!(text(&out.stderr), "error: 1 check(s) failed: network\n");
    drop(taken);

    // An environment's own network fills it too.
    let out = sb.run(&["create", "one", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (code, report, _) = doctor(sb.cmd());
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "network"), "fail", "{report:#}");
}

#[test]
fn an_invalid_config_fails_with_its_line_and_skips_what_needs_it() {
    let sb = Sandbox::new(29500);
    edit_config(&sb, "base = 29500", "base = \"high\"");
    let (code, report, out) = doctor(sb.cmd());
    assert_eq!(code, Some(1));
    let config = check(&report, "config");
    assert_eq!(config["status"], "fail");
    let detail = config["detail"].as_str().unwrap();
    assert!(
        detail.contains("ports.base") && detail.contains("(line 3)"),
        "{detail}"
    );
    assert!(
        config["fix"]
            .as_str()
            .unwrap()
            .contains("envctl config check")
    );
    for name in ["network", "ports", "images"] {
        assert_eq!(check(&report, name)["detail"], "skipped: config invalid");
    }
    // What needs no config still ran.
    assert_eq!(status(&report, "engine"), "ok");
    disk_checked(&report);
    assert_eq!(text(&out.stderr), "error: 1 check(s) failed: config\n");

    // Every problem of the config, one line each, for people too.
    edit_config(&sb, "base = \"high\"", "base = 29500");
    edit_config(&sb, "template = \"web\"", "template = \"nope\"");
    edit_config(&sb, "max = 29599", "max = 29400");
    let out = sb.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let config: Vec<&str> = stdout.lines().take(3).collect();
    assert!(
        config[0].starts_with("✗ config ") && config[0].ends_with("2 problems:"),
        "{stdout}"
    );
    assert!(config[1].contains("key `ports` (line 2)"), "{stdout}");
    assert!(config[2].contains("key `defaults.template`"), "{stdout}");
}

#[test]
fn remote_mode_checks_the_server_and_the_token() {
    let sb = Sandbox::new(29520);
    let token = sb.token("tester", "developer");
    let server = sb.serve();

    let (code, report, out) = doctor(server.client(&token));
    assert_eq!(code, Some(0), "{report:#}\n{}", text(&out.stderr));
    assert_eq!(status(&report, "server"), "ok");
    assert_eq!(
        check(&report, "token")["detail"],
        "ENVCTL_TOKEN is accepted"
    );
    // The client's DOCKER_HOST goes nowhere: the local checks are not made.
    for name in ["engine", "ports", "disk", "config"] {
        assert_eq!(status(&report, name), "skip", "{report:#}");
        assert!(
            check(&report, name)["detail"]
                .as_str()
                .unwrap()
                .contains("not checked in remote mode")
        );
    }

    let (code, report, _) = doctor(server.client("not-a-token"));
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "server"), "ok");
    let token_check = check(&report, "token");
    assert_eq!(token_check["status"], "fail", "{report:#}");
    assert!(
        token_check["fix"]
            .as_str()
            .unwrap()
            .contains("ENVCTL_TOKEN")
    );

    let mut nowhere = server.client(&token);
    nowhere.env(
        "ENVCTL_SERVER",
        format!("http://127.0.0.1:{}", common::free_port()),
    );
    let (code, report, _) = doctor(nowhere);
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "server"), "fail", "{report:#}");
    assert_eq!(
        check(&report, "token")["detail"],
        "skipped: server unreachable"
    );
}

#[test]
fn a_corrupt_or_locked_database_is_reported_without_a_long_wait() {
    let sb = Sandbox::new(29540);
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    std::fs::write(sb.db_path(), b"{\"schema_version\": 1, \"environments\": [").unwrap();
    let (code, report, _) = doctor(sb.cmd());
    assert_eq!(code, Some(1));
    let database = check(&report, "database");
    assert_eq!(database["status"], "fail", "{report:#}");
    assert!(
        database["detail"]
            .as_str()
            .unwrap()
            .contains("is unreadable")
    );
    assert!(database["fix"].as_str().unwrap().contains("left untouched"));
    // Without the records, only the host's use of ports is counted: a warning.
    assert_eq!(status(&report, "ports"), "warn");
    assert_eq!(
        std::fs::read(sb.db_path()).unwrap(),
        b"{\"schema_version\": 1, \"environments\": [",
        "left as it was"
    );

    // Another envctl holds the lock: a warning after a short wait, not a hang.
    let lock = std::fs::File::create(sb.data_dir().join("environments.json.lock")).unwrap();
    lock.lock().unwrap();
    let started = Instant::now();
    let (code, report, _) = doctor(sb.cmd());
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code, Some(0), "{report:#}");
    let database = check(&report, "database");
    assert_eq!(database["status"], "warn", "{report:#}");
    assert!(database["detail"].as_str().unwrap().contains("busy"));
    lock.unlock().unwrap();
}

#[test]
fn a_crontab_running_auto_cleanup_satisfies_the_maintenance_check() {
    let sb = Sandbox::new(29560);
    // A `crontab` of our own first on PATH, as `crontab -l` would answer.
    let bin = sb.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let crontab = bin.join("crontab");
    std::fs::write(
        &crontab,
        "#!/bin/sh\necho '# m h dom mon dow command'\necho '0 2 * * * envctl auto-cleanup --lock-timeout 10m'\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&crontab, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = sb.cmd();
    cmd.env("PATH", format!("{}:/usr/bin:/bin", bin.display()));
    let (code, report, _) = doctor(cmd);
    assert_eq!(code, Some(0), "{report:#}");
    let maintenance = check(&report, "maintenance");
    assert_eq!(maintenance["status"], "ok", "{report:#}");
    assert!(
        maintenance["detail"]
            .as_str()
            .unwrap()
            .starts_with("auto-cleanup scheduled by your crontab")
    );

    // Commented out, it does not count.
    std::fs::write(
        &crontab,
        "#!/bin/sh\necho '# 0 2 * * * envctl auto-cleanup'\n",
    )
    .unwrap();
    let mut cmd = sb.cmd();
    cmd.env("PATH", format!("{}:/usr/bin:/bin", bin.display()));
    let (_, report, _) = doctor(cmd);
    let maintenance = check(&report, "maintenance");
    assert_eq!(maintenance["status"], "warn", "{report:#}");
    assert!(maintenance["fix"].as_str().unwrap().contains("crontab -e"));
}
