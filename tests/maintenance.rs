//! Retention cleanup, sync, backups and database reset on the real Docker
//! engine, through the real binary.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Sandbox, event_log, text, wait_until};
use serde_json::Value;

fn names(sb: &Sandbox) -> Vec<String> {
    sb.names()
}

fn create_all(sb: &Sandbox, names: &[&str]) {
    for n in names {
        sb.json(&["create", n, "--no-wait"]);
    }
}

/// Rewrites the database file keeping only the environments `keep` accepts.
fn forget(sb: &Sandbox, keep: impl Fn(&Value) -> bool) {
    let mut db: Value = serde_json::from_slice(&std::fs::read(sb.db_path()).unwrap()).unwrap();
    let envs: Vec<Value> = db["environments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| keep(e))
        .cloned()
        .collect();
    db["environments"] = Value::Array(envs);
    std::fs::write(sb.db_path(), serde_json::to_vec(&db).unwrap()).unwrap();
}

fn container_of(sb: &Sandbox, env: &str) -> String {
    sb.json(&["show", env])["services"]["web"]["container"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn keep_n_leaves_exactly_the_n_newest() {
    let sb = Sandbox::new(34200);
    create_all(&sb, &["e1", "e2", "e3", "e4"]);
    let report = sb.json(&["auto-cleanup", "--keep", "2"]);
    assert_eq!(report["outcomes"].as_array().unwrap().len(), 2);
    assert!(
        report["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["result"] == "removed")
    );
    assert_eq!(names(&sb), ["e3", "e4"]);
    assert_eq!(sb.labelled("container").len(), 2);
    assert_eq!(sb.labelled("network").len(), 2);
}

#[test]
fn expired_ones_go_and_pinned_ones_stay() {
    let sb = Sandbox::new(34300);
    sb.json(&["create", "expired", "--ttl", "1ms", "--no-wait"]);
    sb.json(&["create", "pinned", "--ttl", "1ms", "--pin", "--no-wait"]);
    sb.json(&["create", "fresh", "--ttl", "1h", "--no-wait"]);
    let report = sb.json(&["auto-cleanup"]);
    assert_eq!(report["plan"]["remove"][0]["reason"], "expired");
    assert_eq!(names(&sb), ["pinned", "fresh"]);
    let kept: Vec<&str> = report["plan"]["keep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reason"].as_str().unwrap())
        .collect();
    assert_eq!(kept, ["pinned", "no_rule_applies"]);
    // Unpinned, it goes.
    sb.json(&["unpin", "pinned"]);
    sb.json(&["auto-cleanup"]);
    assert_eq!(names(&sb), ["fresh"]);
    assert_eq!(sb.labelled("container").len(), 1);
}

#[test]
fn a_dry_run_removes_nothing() {
    let sb = Sandbox::new(34400);
    create_all(&sb, &["d1", "d2"]);
    let before = std::fs::read(sb.db_path()).unwrap();
    let out = sb.run(&["cleanup", "--keep", "0", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table.contains("remove") && table.contains("beyond the 0 most recent"),
        "{table}"
    );
    assert!(text(&out.stderr).contains("nothing was changed"));
    assert_eq!(std::fs::read(sb.db_path()).unwrap(), before);
    assert_eq!(sb.labelled("container").len(), 2);
    assert_eq!(sb.json(&["backup", "list"]), serde_json::json!([]));
}

#[test]
fn a_backup_is_taken_before_removal_and_restores_to_the_same_content() {
    let sb = Sandbox::new(34500);
    create_all(&sb, &["b1", "b2"]);
    let before = std::fs::read(sb.db_path()).unwrap();
    sb.json(&["auto-cleanup", "--keep", "0"]);
    assert_eq!(names(&sb), Vec::<String>::new());
    let backups = sb.json(&["backup", "list"]);
    let backup = &backups[0];
    assert_eq!(backup["reason"], "cleanup");
    let path = backup["path"].as_str().unwrap();
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the backup is the database before the removal"
    );
    let verified = sb.json(&["backup", "verify"]);
    assert_eq!(verified[0]["ok"], true);
    assert_eq!(verified[0]["environments"], 2);

    let name = backup["name"].as_str().unwrap();
    let out = sb.run(&["backup", "restore", name, "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(sb.db_path()).unwrap(),
        before,
        "restored to the same content"
    );
    let reasons = sb.strings(&["backup", "list"], "reason");
    assert_eq!(reasons, ["cleanup", "before-restore"]);
    // A restore without a terminal asks, and so refuses.
    assert_eq!(sb.run(&["backup", "restore", name]).status.code(), Some(7));
    assert_eq!(
        sb.run(&["backup", "restore", "nope.json", "--yes"])
            .status
            .code(),
        Some(3)
    );
}

#[test]
fn an_orphan_is_reported_then_removed() {
    let sb = Sandbox::new(34600);
    create_all(&sb, &["kept", "lost"]);
    forget(&sb, |e| e["name"] != "lost");
    let report = sb.json(&["sync", "--dry-run"]);
    assert_eq!(report["orphans"].as_array().unwrap().len(), 1);
    assert_eq!(report["orphans"][0]["name"], "lost");
    assert_eq!(report["orphans"][0]["action"], "reported");
    assert_eq!(
        sb.labelled("container").len(),
        2,
        "a dry run removes nothing"
    );
    let report = sb.json(&["sync", "--remove-orphans"]);
    assert_eq!(report["orphans"][0]["action"], "removed");
    assert_eq!(report["orphans"][0]["volumes"], 1);
    assert_eq!(sb.labelled("container").len(), 1);
    assert_eq!(sb.labelled("volume").len(), 1);
    assert_eq!(sb.json(&["sync"])["orphans"], serde_json::json!([]));
}

#[test]
fn an_orphan_can_be_adopted_back_from_its_labels() {
    let sb = Sandbox::new(34700);
    let original = sb.json(&["create", "stray", "--label", "team=core", "--ttl", "2h"]);
    forget(&sb, |_| false);
    let report = sb.json(&["sync", "--adopt"]);
    assert_eq!(report["orphans"][0]["action"], "adopted");
    let adopted = sb.json(&["show", "stray"]);
    for field in [
        "id",
        "name",
        "template",
        "owner",
        "base_port",
        "port_count",
        "ports",
        "urls",
        "labels",
        "created_at",
        "expires_at",
    ] {
        assert_eq!(adopted[field], original[field], "{field}");
    }
    assert_eq!(adopted["status"], "running");
    // Its block is held again: the next create does not take it.
    let next = sb.json(&["create", "next", "--no-wait"]);
    assert_ne!(next["base_port"], original["base_port"]);
}

#[test]
fn containers_removed_or_stopped_behind_envctls_back_are_noticed() {
    let sb = Sandbox::new(34800);
    create_all(&sb, &["gone", "halted"]);
    Command::new("docker")
        .args(["rm", "-f", &container_of(&sb, "gone")])
        .output()
        .unwrap();
    Command::new("docker")
        .args(["stop", "-t", "1", &container_of(&sb, "halted")])
        .output()
        .unwrap();
    let report = sb.json(&["sync"]);
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    let gone = sb.json(&["show", "gone"]);
    assert_eq!(gone["status"], "failed");
    assert_eq!(gone["ready"], false);
    assert!(
        gone["error"]
            .as_str()
            .unwrap()
            .contains("removed outside envctl")
    );
    let halted = sb.json(&["show", "halted"]);
    assert_eq!(halted["status"], "stopped");
    assert!(
        halted["error"]
            .as_str()
            .unwrap()
            .contains("stopped outside envctl")
    );
    assert!(
        !sb.json(&["backup", "list"]).as_array().unwrap().is_empty(),
        "sync backed up before repairing"
    );
    assert_eq!(
        sb.json(&["sync"])["changes"],
        serde_json::json!([]),
        "a second sync has nothing to do"
    );
}

#[test]
fn reset_db_keeps_live_environments_and_drops_empty_records() {
    let sb = Sandbox::new(34900);
    create_all(&sb, &["live", "hollow", "stray"]);
    let live_before = sb.json(&["show", "live"]);
    Command::new("docker")
        .args(["rm", "-f", &container_of(&sb, "hollow")])
        .output()
        .unwrap();
    forget(&sb, |e| e["name"] != "stray");
    let report = sb.json(&["auto-reset-db"]);
    assert_eq!(report["before"], 2);
    assert_eq!(report["after"], 2);
    assert_eq!(report["kept"], serde_json::json!(["live"]));
    assert_eq!(report["adopted"], serde_json::json!(["stray"]));
    assert_eq!(report["dropped"], serde_json::json!(["hollow"]));
    assert!(report["backup"].as_str().unwrap().contains("reset"));
    assert_eq!(sb.json(&["show", "live"])["ports"], live_before["ports"]);

    let instance = sb.instance_id();
    let report = sb.json(&["auto-reset-db", "--empty"]);
    assert_eq!(report["after"], 0);
    assert_eq!(names(&sb), Vec::<String>::new());
    assert_eq!(
        sb.instance_id(),
        instance,
        "the instance id survives a reset"
    );
    assert!(sb.labelled("container").is_empty());
    assert!(sb.labelled("network").is_empty());
    assert!(sb.labelled("volume").is_empty());
}

#[test]
fn cleanup_with_no_terminal_and_no_yes_refuses() {
    let sb = Sandbox::new(35000);
    create_all(&sb, &["r1"]);
    let out = sb.run(&["cleanup", "--keep", "0"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--yes"));
    assert_eq!(names(&sb), ["r1"]);
    assert_eq!(sb.run(&["reset-db"]).status.code(), Some(7));
    let out = sb.run(&["cleanup", "--keep", "0", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(names(&sb), Vec::<String>::new());
}

#[test]
fn two_auto_cleanups_at_once_do_no_double_work() {
    let sb = Sandbox::new(35100);
    create_all(&sb, &["t1", "t2", "t3", "t4", "t5", "t6"]);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            sb.cmd()
                .args(["auto-cleanup", "--keep", "0", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut removed = 0;
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "no spurious errors: {}",
            text(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        for o in report["outcomes"].as_array().unwrap() {
            assert_eq!(o["result"], "removed", "{o}");
            removed += 1;
        }
    }
    assert_eq!(removed, 6, "each environment removed exactly once");
    assert!(sb.labelled("container").is_empty());
}

#[test]
fn a_busy_maintenance_lock_with_no_wait_exits_at_once() {
    let sb = Sandbox::new(35200);
    create_all(&sb, &["n1"]);
    let lock = std::fs::File::create(sb.data_dir().join("maintenance.lock")).unwrap();
    lock.lock().unwrap();
    let started = std::time::Instant::now();
    for args in [
        &["auto-cleanup", "--no-wait"][..],
        &["sync", "--no-wait"],
        &["auto-reset-db", "--no-wait"],
    ] {
        let out = sb.run(args);
        assert_eq!(
            out.status.code(),
            Some(5),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("another cleanup, sync or reset"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    let out = sb.run(&["auto-cleanup", "--lock-timeout", "300ms"]);
    assert_eq!(out.status.code(), Some(5));
    lock.unlock().unwrap();
    assert!(sb.run(&["auto-cleanup"]).status.success());
}

#[test]
fn kill_9_during_a_cleanup_then_auto_cleanup_again_leaves_nothing_orphaned() {
    let sb = Sandbox::new(35300);
    create_all(&sb, &["k1", "k2", "k3", "k4", "k5", "k6"]);
    let mut run = sb
        .cmd()
        .args(["auto-cleanup", "--keep", "0", "--concurrency", "2"])
        .env("ENVCTL_FAULT_PAUSE_IN_WRITE_MS", "400")
        .spawn()
        .unwrap();
    let deleting = wait_until(Duration::from_secs(30), || {
        std::fs::read(sb.db_path())
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .is_some_and(|db| {
                db["environments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["status"] == "deleting")
            })
    });
    assert!(deleting, "the cleanup got under way");
    run.kill().unwrap();
    run.wait().unwrap();
    assert!(!names(&sb).is_empty(), "killed before it finished");

    let report = sb.json(&["auto-cleanup", "--keep", "0"]);
    assert!(
        report["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["result"] != "failed"),
        "{report}"
    );
    assert_eq!(names(&sb), Vec::<String>::new());
    assert!(sb.labelled("container").is_empty());
    assert!(sb.labelled("network").is_empty());
    assert!(sb.labelled("volume").is_empty());
    assert!(sb.json(&["sync"])["orphans"].as_array().unwrap().is_empty());
}

#[test]
fn every_operation_lands_in_the_event_log() {
    let sb = Sandbox::new(35400);
    sb.json(&["create", "logged", "--no-wait"]);
    sb.json(&["stop", "logged"]);
    sb.json(&["delete", "logged", "--yes"]);
    sb.json(&["sync"]);
    sb.json(&["auto-cleanup"]);
    let log = event_log(&sb.data_dir());
    let events: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["create", "stop", "archived", "delete", "sync"],
        "the delete archived the volumes first; a cleanup with nothing to do logs nothing"
    );
    assert_eq!(events[0]["environment"], "logged");
    assert_eq!(events[0]["outcome"], "ok");
    assert_eq!(events[0]["user"], "tester");
    assert!(events[0]["time"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn a_corrupt_database_can_be_restored_from_its_newest_backup() {
    let sb = Sandbox::new(35500);
    create_all(&sb, &["precious"]);
    let name = sb.json(&["backup", "create", "--reason", "nightly"])[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let good = std::fs::read(sb.db_path()).unwrap();
    std::fs::write(
        sb.db_path(),
        b"{\"schema_version\":1,\"instance_id\":\"x\",\"environments\":[{\"id\":",
    )
    .unwrap();
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        text(&out.stderr).contains(&format!("envctl backup restore {name}")),
        "{}",
        text(&out.stderr)
    );
    let out = sb.run(&["backup", "restore", &name, "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(sb.db_path()).unwrap(), good);
    assert_eq!(names(&sb), ["precious"]);
    let reasons = sb.strings(&["backup", "list"], "reason");
    assert!(
        reasons.contains(&"unreadable-before-restore".to_owned()),
        "the corrupt bytes are kept: {reasons:?}"
    );
}

#[test]
fn a_pin_set_after_creation_survives_reset_db() {
    let sb = Sandbox::new(27200);
    sb.json(&[
        "create",
        "kept",
        "--label",
        "team=core",
        "--ttl",
        "3d",
        "--no-wait",
    ]);
    sb.json(&["create", "plain", "--no-wait"]);
    sb.json(&["pin", "kept"]);
    let before = sb.json(&["show", "kept"]);
    assert_eq!(before["pinned"], true);

    forget(&sb, |_| false);
    let report = sb.json(&["auto-reset-db"]);
    let mut adopted: Vec<&str> = report["adopted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    adopted.sort();
    assert_eq!(adopted, ["kept", "plain"]);
    let after = sb.json(&["show", "kept"]);
    for field in ["pinned", "labels", "expires_at", "ports", "owner"] {
        assert_eq!(after[field], before[field], "{field}");
    }
    assert_eq!(sb.json(&["show", "plain"])["pinned"], false);

    // Unpinned, then rebuilt again: the marker follows.
    sb.json(&["unpin", "kept"]);
    forget(&sb, |_| false);
    sb.json(&["auto-reset-db"]);
    assert_eq!(sb.json(&["show", "kept"])["pinned"], false);
    // A deleted environment leaves no marker behind.
    sb.json(&["delete", "kept", "--yes"]);
    sb.json(&["delete", "plain", "--yes"]);
    assert!(sb.labelled("volume").is_empty());
}

#[test]
fn a_pin_with_docker_down_still_pins_and_says_the_engine_missed_it() {
    let sb = Sandbox::new(27250);
    sb.json(&["create", "quiet", "--no-wait"]);
    let out = sb
        .cmd()
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(["pin", "quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sb.json(&["show", "quiet"])["pinned"], true);
    let log = event_log(&sb.data_dir());
    assert!(log.contains("\"action\":\"marker\""), "{log}");
    sb.json(&["delete", "quiet", "--yes"]);
}
