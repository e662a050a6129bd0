//! Volume archives on the real engine: data survives auto-cleanup and comes
//! back byte for byte; a failed archive removes nothing; retention; verify
//! catches damage; kill -9 mid-archive leaves no half archive; two cleanups
//! at once archive once.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{IMAGE, Sandbox, api_call as http, text, wait_until};
use serde_json::Value;

fn sandbox(base: u16, archives: &str) -> Sandbox {
    Sandbox::with_config(
        base,
        &format!(
            r#"
[archives]
{archives}

[templates.keeper]
description = "an app with two volumes"
[[templates.keeper.services]]
name = "app"
image = "{IMAGE}"
command = ["sleep", "3600"]
volumes = ["data:/var/lib/app", "conf:/etc/app"]
[templates.keeper.secrets]
db_password = {{ length = 20 }}

[templates.site]
description = "a volume over a directory the image has files in"
[[templates.site.services]]
name = "web"
image = "{IMAGE}"
command = ["sleep", "3600"]
volumes = ["www:/www"]

[templates.other]
description = "shares only the data volume, mounted elsewhere"
[[templates.other.services]]
name = "web"
image = "{IMAGE}"
command = ["sleep", "3600"]
volumes = ["data:/srv/data"]
"#
        ),
    )
}

fn container(sb: &Sandbox, env: &str, service: &str) -> String {
    sb.json(&["show", env])["services"][service]["container"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn exec(container: &str, script: &str) -> String {
    let out = Command::new("docker")
        .args(["exec", container, "sh", "-c", script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{script}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Mixed files: random binary, text, an empty file, a subdirectory, a symlink.
const FILL: &str = "cd /var/lib/app && mkdir -p deep/er && \
    dd if=/dev/urandom of=blob bs=1k count=3000 2>/dev/null && \
    for i in $(seq 1 200); do echo line $i > deep/er/f$i.txt; done && \
    : > empty && ln -s blob link && echo conf > /etc/app/app.conf";
const SUMS: &str =
    "cd $0 && find . -type f | sort | xargs sha256sum; ls -l link 2>/dev/null | sed 's/.*-> //'";

fn sums(container: &str, dir: &str) -> String {
    exec(container, &SUMS.replace("$0", dir))
}

fn archives(sb: &Sandbox) -> Vec<Value> {
    sb.json(&["archive", "list"]).as_array().unwrap().clone()
}

#[test]
fn data_survives_auto_cleanup_and_comes_back_byte_for_byte() {
    let sb = sandbox(28700, "");
    let out = sb.run(&["create", "dev", "-t", "keeper", "--ttl", "1s"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let c = container(&sb, "dev", "app");
    exec(&c, FILL);
    let before = sums(&c, "/var/lib/app");
    let secret_before = sb.json(&["show", "dev", "--secrets"]);
    std::thread::sleep(Duration::from_millis(1100));

    let report = sb.json(&["auto-cleanup"]);
    assert_eq!(report["outcomes"][0]["result"], "removed", "{report}");
    let id = report["outcomes"][0]["archive"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(sb.names().is_empty());
    assert!(sb.labelled("volume").is_empty(), "volumes removed");

    let listed = archives(&sb);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["environment"], "dev");
    assert_eq!(listed[0]["reason"], "ttl");
    assert_eq!(listed[0]["volumes"], 2);
    let shown = sb.json(&["archive", "show", &id]);
    let data = shown["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "data")
        .unwrap();
    assert_eq!(data["path"], "/var/lib/app");
    assert_eq!(data["files"], 202, "blob, empty and 200 text files");
    assert!(
        shown.get("template").is_none(),
        "the template stays on disk"
    );
    let verified = sb.json(&["archive", "verify"]);
    assert_eq!(verified[0]["ok"], true, "{verified}");

    // By the environment's name: its newest archive.
    let out = sb.run(&["create", "back", "--from-archive", "dev"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let restored = sb.json(&["show", "back"]);
    assert_eq!(restored["template"], "keeper", "the archive's template");
    assert_eq!(restored["status"], "running");
    let c = container(&sb, "back", "app");
    assert_eq!(sums(&c, "/var/lib/app"), before);
    assert_eq!(exec(&c, "cat /etc/app/app.conf"), "conf\n");
    // The data was made with the old secrets: the new environment keeps them.
    let secret_after = sb.json(&["show", "back", "--secrets"]);
    assert_eq!(
        secret_after["secrets"]["db_password"], secret_before["secrets"]["db_password"],
        "{secret_after}"
    );

    // Another template: only the volumes it has, at its own mount path.
    let out = sb.run(&["create", "web", "--from-archive", &id, "-t", "other"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("conf: not restored"),
        "{}",
        text(&out.stderr)
    );
    let c = container(&sb, "web", "web");
    assert_eq!(sums(&c, "/srv/data"), before);
}

#[test]
fn a_failed_archive_removes_nothing_and_no_archive_removes_anyway() {
    let sb = sandbox(28710, "");
    assert!(sb.run(&["create", "dev", "-t", "keeper"]).status.success());
    // Something in the way of the archive directory.
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    std::fs::write(sb.data_dir().join("archives"), "not a directory").unwrap();

    let out = sb.run(&["delete", "dev", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("nothing was removed"), "{err}");
    assert!(err.contains("--no-archive"), "{err}");
    let env = sb.json(&["show", "dev"]);
    assert_eq!(env["status"], "failed");
    assert!(
        env["error"].as_str().unwrap().contains("archiving"),
        "{env}"
    );
    assert_eq!(sb.labelled("volume").len(), 2, "both volumes kept");
    assert_eq!(sb.labelled("container").len(), 1);

    // A cleanup fails the same way and keeps going.
    let out = sb.run(&["delete", "dev", "--yes", "--no-archive"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(sb.labelled("volume").is_empty());
}

#[test]
fn retention_keeps_the_newest_and_verify_catches_damage() {
    let sb = sandbox(28720, "keep = 2\nmin_age = \"0s\"");
    assert!(sb.run(&["create", "a", "-t", "keeper"]).status.success());
    assert!(sb.run(&["create", "b", "-t", "keeper"]).status.success());
    let mut ids = Vec::new();
    for env in ["a", "b", "a"] {
        let out = sb
            .cmd()
            .args(["archive", "create", env, "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("was running"), "warns");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        ids.push(v[0]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(archives(&sb).len(), 3);
    let dry = sb.json(&["archive", "prune", "--dry-run"]);
    assert_eq!(dry.as_array().unwrap().len(), 1);
    assert_eq!(dry[0]["id"], ids[0].as_str(), "the oldest goes");
    assert_eq!(archives(&sb).len(), 3, "a dry run removes nothing");
    let pruned = sb.json(&["archive", "prune"]);
    assert_eq!(pruned[0]["why"], "keep");
    let left: Vec<String> = archives(&sb)
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(left, [ids[2].clone(), ids[1].clone()]);

    // One flipped byte in the middle of a volume's file.
    let file = sb
        .data_dir()
        .join("archives")
        .join(&ids[2])
        .join("data.tar.zst");
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&file, bytes).unwrap();
    let out = sb.run(&["archive", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("NO"), "{report}");
    assert!(report.contains("data:"), "{report}");
    // A restore from it fails and leaves nothing running.
    let out = sb.run(&["create", "c", "--from-archive", &ids[2]]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("data"), "{}", text(&out.stderr));
    // Deleting asks; --yes answers.
    let out = sb.run(&["archive", "delete", &ids[2]]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    assert!(
        sb.run(&["archive", "delete", &ids[2], "--yes"])
            .status
            .success()
    );
    assert_eq!(archives(&sb).len(), 1);
}

#[test]
fn kill_9_mid_archive_leaves_no_half_archive_and_the_environment_intact() {
    let sb = sandbox(28730, "");
    assert!(sb.run(&["create", "big", "-t", "keeper"]).status.success());
    let c = container(&sb, "big", "app");
    exec(
        &c,
        "dd if=/dev/urandom of=/var/lib/app/big bs=1M count=400 2>/dev/null",
    );
    let mut child = sb.cmd().args(["delete", "big", "--yes"]).spawn().unwrap();
    let archive_dir = sb.data_dir().join("archives");
    let started = wait_until(Duration::from_secs(30), || {
        std::fs::read_dir(&archive_dir).is_ok_and(|d| {
            d.flatten().any(|e| {
                e.file_name().to_string_lossy().starts_with(".partial-")
                    && std::fs::read_dir(e.path())
                        .is_ok_and(|f| f.flatten().any(|f| f.metadata().unwrap().len() > 1 << 20))
            })
        })
    });
    assert!(started, "the archive began");
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();

    assert!(archives(&sb).is_empty(), "no half archive is listed");
    assert_eq!(sb.labelled("volume").len(), 2, "the data is still there");
    assert_eq!(
        sb.json(&["show", "big"])["name"],
        "big",
        "the record is kept"
    );
    // Sync sees the delete died while archiving: failed, nothing removed.
    let report = sb.json(&["sync"]);
    assert!(report.to_string().contains("archiving"), "{report}");
    assert_eq!(sb.json(&["show", "big"])["status"], "failed");
    // Deleting again archives it whole, and sweeps the partial one.
    let out = sb.run(&["delete", "big", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = archives(&sb);
    assert_eq!(listed.len(), 1);
    assert!(listed[0]["bytes"].as_u64().unwrap() >= 400 << 20);
    let leftovers: Vec<_> = std::fs::read_dir(&archive_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_cleanups_at_once_archive_each_environment_once() {
    let sb = sandbox(28740, "");
    for name in ["one", "two", "three"] {
        let out = sb.run(&["create", name, "-t", "keeper", "--ttl", "1s"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    std::thread::sleep(Duration::from_millis(1100));
    let runs: Vec<_> = (0..2)
        .map(|_| sb.cmd().args(["auto-cleanup", "--json"]).spawn().unwrap())
        .collect();
    for mut run in runs {
        assert!(run.wait().unwrap().success());
    }
    assert!(sb.names().is_empty());
    let mut names: Vec<String> = archives(&sb)
        .iter()
        .map(|a| a["environment"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["one", "three", "two"]);
}

#[test]
fn archives_off_no_archive_and_keep_volumes_take_none() {
    let sb = sandbox(28750, "enabled = false");
    assert!(sb.run(&["create", "a", "-t", "keeper"]).status.success());
    assert!(sb.run(&["delete", "a", "--yes"]).status.success());
    assert!(archives(&sb).is_empty());
    assert!(sb.labelled("volume").is_empty());
}

#[test]
fn over_the_api_owners_see_their_own_archives_and_restore_them_and_the_web_lists_them() {
    let sb = sandbox(28760, "");
    let alice = sb.token("alice", "developer");
    let bob = sb.token("bob", "developer");
    let ops = sb.token("ops", "operator");
    let server = sb.serve();
    let port = server.port;
    let (status, env) = http(
        port,
        "POST",
        "/api/onboarding/new-environment",
        &alice,
        Some(r#"{"name": "al", "template": "keeper"}"#),
    );
    assert_eq!(status, 202, "{env}");
    assert!(wait_until(Duration::from_secs(60), || {
        sb.json(&["show", "al"])["status"] == "running"
    }));
    exec(&container(&sb, "al", "app"), FILL);

    // Bob may neither archive nor see alice's environment's archives.
    let (status, _) = http(
        port,
        "POST",
        "/api/onboarding/environments/al/archive",
        &bob,
        None,
    );
    assert_eq!(status, 403);
    let (status, done) = http(
        port,
        "POST",
        "/api/onboarding/environments/al/archive",
        &alice,
        Some(r#"{"stop": true}"#),
    );
    assert_eq!(status, 201, "{done}");
    assert!(done["warning"].is_null(), "stopped first: {done}");
    let id = done["archive"]["id"].as_str().unwrap().to_owned();
    assert_eq!(sb.json(&["show", "al"])["status"], "stopped");

    let (_, listed) = http(port, "GET", "/api/onboarding/archives", &bob, None);
    assert_eq!(listed, serde_json::json!([]));
    let (status, _) = http(
        port,
        "GET",
        &format!("/api/onboarding/archives/{id}"),
        &bob,
        None,
    );
    assert_eq!(status, 403);
    let (_, listed) = http(port, "GET", "/api/onboarding/archives", &ops, None);
    assert_eq!(listed[0]["id"], id.as_str());
    let (status, shown) = http(
        port,
        "GET",
        &format!("/api/onboarding/archives/{id}"),
        &alice,
        None,
    );
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["volumes"], 2);
    assert_eq!(shown["record"]["name"], "al");
    assert_eq!(
        shown["template"], "keeper",
        "the name only, never the template's env values"
    );
    let (status, _) = http(
        port,
        "GET",
        "/api/onboarding/archives/..%2Fetc",
        &alice,
        None,
    );
    assert_eq!(status, 404, "no archive has such a name");

    // Delete over the API archives again (reason delete), then restore.
    let (status, answer) = http(
        port,
        "DELETE",
        "/api/onboarding/environments/al?wait=true",
        &alice,
        None,
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["archive"]["reason"], "delete", "{answer}");
    let (status, env) = http(
        port,
        "POST",
        "/api/onboarding/new-environment",
        &alice,
        Some(&format!(r#"{{"name": "al2", "from_archive": "{id}"}}"#)),
    );
    assert_eq!(status, 202, "{env}");
    assert_eq!(env["template"], "keeper");
    assert!(wait_until(Duration::from_secs(60), || {
        sb.json(&["show", "al2"])["status"] == "running"
    }));
    let c = container(&sb, "al2", "app");
    assert_eq!(exec(&c, "cat /etc/app/app.conf"), "conf\n");

    // The web: the environment's page lists its archives, the admin page every one.
    let (mut web, _) = common::signed_in(&server, &ops);
    let admin = web.send("GET", "/admin", None);
    assert_eq!(admin.status, 200);
    assert!(admin.body.contains(&id), "the admin page lists it");
    assert!(admin.body.contains("Restore into a new environment"));
    let dashboard = web.send("GET", "/dashboard", None);
    assert!(
        dashboard.body.contains("archive-store"),
        "{}",
        dashboard.body
    );
    let metrics = web.send("GET", "/metrics", None);
    assert!(
        metrics.body.contains("envctl_archives 2"),
        "{}",
        metrics.body
    );
}

#[test]
fn a_volume_whose_container_was_removed_by_hand_is_archived_through_a_helper() {
    let sb = sandbox(28770, "");
    assert!(sb.run(&["create", "dev", "-t", "keeper"]).status.success());
    let c = container(&sb, "dev", "app");
    exec(&c, FILL);
    let before = sums(&c, "/var/lib/app");
    Command::new("docker")
        .args(["rm", "-f", &c])
        .output()
        .unwrap();
    let out = sb.run(&["delete", "dev", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        sb.labelled("container").is_empty(),
        "the helper is gone too"
    );
    assert!(sb.labelled("volume").is_empty());
    let out = sb.run(&["create", "back", "--from-archive", "dev"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sums(&container(&sb, "back", "app"), "/var/lib/app"), before);
}

#[test]
fn a_restore_brings_back_the_archive_only_not_the_images_files_too() {
    let sb = sandbox(28780, "");
    assert!(sb.run(&["create", "site", "-t", "site"]).status.success());
    let c = container(&sb, "site", "web");
    // The image's /www/index.html was copied into the new volume; the developer removed it.
    exec(&c, "rm /www/index.html && echo mine > /www/new.html");
    assert!(sb.run(&["delete", "site", "--yes"]).status.success());
    let out = sb.run(&["create", "back", "--from-archive", "site"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        exec(&container(&sb, "back", "web"), "ls /www"),
        "new.html\n"
    );
}
