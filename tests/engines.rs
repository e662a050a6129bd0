//! One behavioural suite, run against both engines: every case below runs
//! once on the Docker engine (`docker::…`) and once on a Docker Swarm
//! (`swarm::…`, `[engine] kind = "swarm"`), through the real binary. Then
//! what only a Swarm has: placement, node labels and ports published
//! anywhere in the cluster (the node drain test is in `swarm_drain.rs`: it
//! must run alone).
//!
//! The swarm is a single node that `scripts/test.sh` makes (and leaves, if
//! it made it). Ports: 30000–31039.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{EngineKind, Sandbox, http_get, swarm_node, text, wait_until};
use serde_json::Value;

/// Each case once per engine, each engine on its own port range.
macro_rules! on_both_engines {
    ($($case:ident => ($docker:expr, $swarm:expr)),* $(,)?) => {
        mod docker {
            $( #[test] fn $case() { super::$case(super::EngineKind::Docker, $docker) } )*
        }
        mod swarm {
            $( #[test] fn $case() { super::$case(super::EngineKind::Swarm, $swarm) } )*
        }
    };
}

on_both_engines! {
    the_whole_life_of_an_environment => (30000, 30040),
    a_dead_service_is_noticed_and_started_again => (30080, 30120),
    records_are_rebuilt_from_the_engines_labels => (30160, 30200),
    retention_removes_the_oldest => (30240, 30280),
    data_outlives_its_environment_through_an_archive => (30320, 30360),
    the_api_creates_lists_and_deletes => (30400, 30440),
    a_port_another_program_holds_is_skipped => (30480, 30520),
    logs_come_from_each_service => (30560, 30600),
    dependencies_start_in_order_and_a_finished_job_is_not_dead => (30800, 30840),
    a_create_claims_a_warm_pool_member => (30880, 30920),
    the_server_brings_back_dead_services_of_several_environments => (31100, 31140),
}

fn port(env: &Value, service: &str) -> u16 {
    env["ports"][service].as_u64().unwrap() as u16
}

/// The URL host an environment's services are reached at on `engine`.
fn url_host(engine: EngineKind) -> &'static str {
    match engine {
        EngineKind::Docker => "localhost",
        // The single node advertises 127.0.0.1.
        EngineKind::Swarm => "127.0.0.1",
    }
}

/// Kills the container running `service` of environment `id`, behind
/// envctl's back (on a Swarm: the service's task container).
fn kill_service(id: &str, service: &str) {
    let out = Command::new("docker")
        .args([
            "ps",
            "-q",
            "--filter",
            &format!("label=io.envctl.environment={id}"),
            "--filter",
            &format!("label=io.envctl.service={service}"),
        ])
        .output()
        .unwrap();
    let containers: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(containers.len(), 1, "one container runs {service}");
    let killed = Command::new("docker")
        .args(["kill", &containers[0]])
        .output()
        .unwrap();
    assert!(killed.status.success(), "{}", text(&killed.stderr));
}

/// Everything of this sandbox in the engine: services, containers, networks, volumes.
fn leftovers(sb: &Sandbox) -> Vec<String> {
    ["service", "container", "network", "volume"]
        .iter()
        .flat_map(|kind| sb.labelled(kind))
        .collect()
}

fn the_whole_life_of_an_environment(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    let env = sb.json(&["create", "life", "--template", "trio"]);
    assert_eq!(env["status"], "running");
    assert_eq!(env["ready"], true);
    assert_eq!(env["base_port"], base);
    for (service, offset) in [("jira", 0), ("gitlab", 1), ("dashboard", 2)] {
        let p = base + offset;
        assert_eq!(port(&env, service), p);
        assert_eq!(http_get(p).as_deref(), Some("ok\n"), "{service} answers");
        assert_eq!(
            env["urls"][service],
            format!("http://{}:{p}", url_host(engine))
        );
    }
    match engine {
        EngineKind::Docker => assert!(env.get("node").is_none(), "{env}"),
        EngineKind::Swarm => {
            assert_eq!(env["node"]["id"].as_str(), swarm_node().as_deref());
            assert_eq!(env["node"]["address"], "127.0.0.1");
        }
    }
    let listed = sb.json(&["list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["status"], "running");

    // exec and stats reach the service's container.
    let out = sb.run(&["exec", "life", "jira", "--", "echo", "inside"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "inside\n");
    let stats = sb.json(&["stats", "life"]);
    let rows = stats["services"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{stats}");
    assert!(rows.iter().all(|r| r["running"] == true), "{stats}");
    assert!(
        rows.iter().all(|r| r["memory_used"].as_u64() > Some(0)),
        "{stats}"
    );

    // Stop and start.
    let stopped = sb.json(&["stop", "life"]);
    assert_eq!(stopped["status"], "stopped");
    assert_eq!(
        http_get(base),
        None,
        "a stopped environment does not answer"
    );
    assert!(sb.json(&["sync"])["changes"] == serde_json::json!([]));
    let started = sb.json(&["start", "life"]);
    assert_eq!(
        (&started["status"], &started["ready"]),
        (&Value::from("running"), &Value::from(true))
    );
    assert_eq!(http_get(base + 1).as_deref(), Some("ok\n"));

    // Delete: nothing of it is left in the engine.
    let out = sb.run(&["delete", "life", "--yes", "--no-archive"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sb.json(&["list"]), serde_json::json!([]));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

fn a_dead_service_is_noticed_and_started_again(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    let env = sb.json(&["create", "crash", "--template", "trio"]);
    let id = env["id"].as_str().unwrap();
    kill_service(id, "gitlab");
    // The server's own cleanup syncs with its restart policy in force: a
    // dead service is its upkeep's to restart, not the sync's to fail.
    let config = envctl::Config::load(Some(&sb.dir.path().join("config.toml"))).unwrap();
    let store = envctl::Store::open(&sb.data_dir(), Duration::from_secs(5)).unwrap();
    let ctx = envctl::Context::new(config, store);
    let opts = envctl::ops::sync::SyncOptions {
        leave_dead_services: true,
        ..Default::default()
    };
    let left = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(envctl::ops::sync::sync(
            &ctx,
            &envctl::Caller::server(),
            &opts,
        ))
        .unwrap();
    assert!(left.changes.is_empty(), "{:?}", left.changes);
    assert_eq!(sb.json(&["show", "crash"])["status"], "running");
    // A sync of its own marks it.
    let report = sb.json(&["sync"]);
    assert_eq!(report["changes"][0]["name"], "crash", "{report}");
    assert_ne!(report["changes"][0]["to"], "running", "{report}");
    assert!(
        report["changes"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("gitlab"),
        "{report}"
    );
    assert_ne!(sb.json(&["show", "crash"])["status"], "running");
    // Start brings the dead service back (on a Swarm: a new task).
    let started = sb.json(&["start", "crash"]);
    assert_eq!(started["ready"], true, "{started}");
    assert_eq!(http_get(base + 1).as_deref(), Some("ok\n"));
    assert_eq!(sb.json(&["sync"])["changes"], serde_json::json!([]));
}

fn the_server_brings_back_dead_services_of_several_environments(engine: EngineKind, base: u16) {
    let sb = Sandbox::on_with(engine, base, "[api]\nmaintenance_interval = \"1s\"\n");
    let envs: Vec<Value> = ["one", "two", "three"]
        .iter()
        .map(|name| sb.json(&["create", name, "--template", "trio"]))
        .collect();
    // Killed before the server starts, so its first tick finds all three.
    for env in &envs {
        kill_service(env["id"].as_str().unwrap(), "gitlab");
    }
    let server = sb.serve();
    // Each comes back on its own (on a Swarm: a new task), still running.
    for env in &envs {
        let port = port(env, "gitlab");
        assert!(
            wait_until(Duration::from_secs(60), || http_get(port).as_deref()
                == Some("ok\n")),
            "{} was not brought back",
            env["name"]
        );
    }
    // Each restart is in the event log, by the server, done.
    let restarted = |name: &str| {
        common::event_log(&sb.data_dir()).lines().any(|l| {
            let e: Value = serde_json::from_str(l).unwrap_or_default();
            e["action"] == "restart" && e["environment"] == name && e["outcome"] == "ok"
        })
    };
    for env in &envs {
        let name = env["name"].as_str().unwrap();
        assert!(
            wait_until(Duration::from_secs(10), || restarted(name)),
            "no restart of {name} in the event log:\n{}",
            common::event_log(&sb.data_dir())
        );
        assert_eq!(sb.json(&["show", name])["status"], "running");
    }
    drop(server);
}

fn records_are_rebuilt_from_the_engines_labels(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    let original = sb.json(&["create", "kept", "--label", "team=core"]);
    // The database forgets it: `sync --adopt` rebuilds the record.
    let mut db: Value = serde_json::from_slice(&std::fs::read(sb.db_path()).unwrap()).unwrap();
    db["environments"] = serde_json::json!([]);
    std::fs::write(sb.db_path(), serde_json::to_vec(&db).unwrap()).unwrap();
    assert_eq!(sb.json(&["list"]), serde_json::json!([]));
    let report = sb.json(&["sync", "--adopt"]);
    assert_eq!(report["orphans"][0]["action"], "adopted", "{report}");
    let adopted = sb.json(&["show", "kept"]);
    for field in [
        "id",
        "name",
        "template",
        "owner",
        "base_port",
        "ports",
        "urls",
        "labels",
        "node",
        "created_at",
    ] {
        assert_eq!(adopted[field], original[field], "{field}");
    }
    assert_eq!(adopted["status"], "running");
    assert_eq!(
        adopted["services"]["web"]["container"],
        original["services"]["web"]["container"]
    );
    // And `reset-db` rebuilds the whole database the same way.
    let out = sb.run(&["reset-db", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rebuilt = sb.json(&["show", "kept"]);
    assert_eq!(rebuilt["node"], original["node"]);
    assert_eq!(rebuilt["base_port"], original["base_port"]);
    // The rebuilt record drives the engine: stop and start work on it.
    assert_eq!(sb.json(&["stop", "kept"])["status"], "stopped");
    assert_eq!(sb.json(&["start", "kept"])["ready"], true);
}

fn retention_removes_the_oldest(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    for name in ["old", "new"] {
        sb.json(&["create", name, "--template", "trio"]);
    }
    let old_id = sb.json(&["show", "old"])["id"].as_str().unwrap().to_owned();
    let report = sb.json(&["auto-cleanup", "--keep", "1"]);
    assert_eq!(report["outcomes"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(sb.names(), ["new"]);
    let left: Vec<String> = leftovers(&sb);
    let out = Command::new("docker")
        .args([
            "ps",
            "-aq",
            "--filter",
            &format!("label=io.envctl.environment={old_id}"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "",
        "the old environment's containers are gone"
    );
    assert!(!left.is_empty(), "the newer one is still there");
    assert_eq!(http_get(base + 3).as_deref(), Some("ok\n"));
}

fn data_outlives_its_environment_through_an_archive(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    sb.json(&["create", "keep"]);
    let out = sb.run(&[
        "exec",
        "keep",
        "web",
        "--",
        "sh",
        "-c",
        "echo precious > /data/note",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Delete archives the volume first, then removes everything.
    let out = sb.run(&["delete", "keep", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
    let restored = sb.json(&["create", "again", "--from-archive", "keep"]);
    assert_eq!(restored["ready"], true);
    let out = sb.run(&["exec", "again", "web", "--", "cat", "/data/note"]);
    assert_eq!(text(&out.stdout), "precious\n", "{}", text(&out.stderr));
}

fn the_api_creates_lists_and_deletes(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    let token = sb.token("dev", "developer");
    let server = sb.serve();
    let call = |method: &str, path: &str, body: Option<&str>| {
        common::api_call(server.port, method, path, &token, body)
    };
    let (status, env) = call(
        "POST",
        "/api/onboarding/new-environment",
        Some(r#"{"name": "web1", "template": "trio"}"#),
    );
    assert_eq!(status, 202, "{env}");
    assert!(wait_until(Duration::from_secs(60), || call(
        "GET",
        "/api/onboarding/environments/web1",
        None
    )
    .1["ready"]
        == true));
    let (_, shown) = call("GET", "/api/onboarding/environments/web1", None);
    assert_eq!(
        shown["node"]["id"].as_str().map(str::to_owned),
        match engine {
            EngineKind::Docker => None,
            EngineKind::Swarm => swarm_node(),
        },
        "{shown}"
    );
    let (_, listed) = call("GET", "/api/onboarding/environments", None);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(http_get(base + 2).as_deref(), Some("ok\n"));
    let (status, _) = call("DELETE", "/api/onboarding/environments/web1", None);
    assert_eq!(status, 202);
    assert!(wait_until(Duration::from_secs(60), || leftovers(&sb).is_empty()));
}

fn a_port_another_program_holds_is_skipped(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    let _held = std::net::TcpListener::bind(("0.0.0.0", base)).unwrap();
    let env = sb.json(&["create", "skip"]);
    assert_eq!(env["base_port"], base + 1);
    assert_eq!(http_get(base + 1).as_deref(), Some("ok\n"));
}

fn logs_come_from_each_service(engine: EngineKind, base: u16) {
    let sb = Sandbox::on(engine, base);
    sb.json(&["create", "talk", "--template", "ticker"]);
    assert!(
        wait_until(Duration::from_secs(20), || {
            let out = sb.run(&["logs", "talk", "clock", "--tail", "3"]);
            out.status.success() && text(&out.stdout).contains("tick")
        }),
        "the service's output is read back"
    );
    let out = sb.run(&["logs", "talk", "nosuch"]);
    assert!(!out.status.success());
}

fn dependencies_start_in_order_and_a_finished_job_is_not_dead(engine: EngineKind, base: u16) {
    // app starts only if the migration (a job) finished first, and the
    // migration only once db answers.
    let template = format!(
        r#"
[templates.ordered]
[[templates.ordered.services]]
name = "app"
image = "{image}"
port = 80
command = ["sh", "-c", "test -f /shared/migrated && exec httpd -f -p 80 -h /www"]
volumes = ["shared:/shared"]
depends_on = {{ migrate = "completed" }}
[[templates.ordered.services]]
name = "migrate"
image = "{image}"
command = ["sh", "-c", "wget -q -O /dev/null http://db/ && sleep 1 && touch /shared/migrated"]
volumes = ["shared:/shared"]
depends_on = {{ db = "ready" }}
[[templates.ordered.services]]
name = "db"
image = "{image}"
port = 80
offset = 1
command = ["sh", "-c", "sleep 1; exec httpd -f -p 80 -h /www"]
ready = {{ http = "/" }}
"#,
        image = common::IMAGE
    );
    let sb = Sandbox::on_with(engine, base, &template);
    let out = sb.run(&["create", "dev", "--template", "ordered"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("waiting for db to be ready"),
        "{}",
        text(&out.stderr)
    );
    let env = sb.json(&["show", "dev"]);
    assert_eq!(
        (&env["status"], &env["ready"]),
        (&Value::from("running"), &Value::from(true))
    );
    assert_eq!(
        http_get(base).as_deref(),
        Some("ok\n"),
        "app started after the job"
    );
    let sync = sb.json(&["sync"]);
    assert_eq!(
        sync["changes"],
        serde_json::json!([]),
        "a completed job is not dead: {sync}"
    );
    // Stop and start: the job runs again, in order.
    assert_eq!(sb.json(&["stop", "dev"])["status"], "stopped");
    let started = sb.run(&["start", "dev"]);
    assert!(started.status.success(), "{}", text(&started.stderr));
    assert_eq!(http_get(base).as_deref(), Some("ok\n"));
}

fn a_create_claims_a_warm_pool_member(engine: EngineKind, base: u16) {
    let sb = Sandbox::on_with(engine, base, "[templates.web.pool]\nsize = 1\nmax = 2\n");
    let report = sb.json(&["pool", "reconcile"]);
    assert_eq!(
        report[0]["created"].as_array().unwrap().len(),
        1,
        "{report}"
    );
    assert!(sb.names().is_empty(), "members are not listed");
    let env = sb.json(&["create", "claimed", "--owner", "alice"]);
    assert_eq!(env["from_pool"], true, "{env}");
    assert_eq!(env["ready"], true);
    assert_eq!(
        http_get(env["base_port"].as_u64().unwrap() as u16).as_deref(),
        Some("ok\n")
    );
    assert_eq!(sb.names(), ["claimed"]);
    if engine == EngineKind::Swarm {
        assert_eq!(env["node"]["id"].as_str(), swarm_node().as_deref());
    }
}

// ---- what only a Swarm has -------------------------------------------------

/// `docker service inspect` of `name`, as JSON.
fn service(name: &str) -> Value {
    let out = Command::new("docker")
        .args(["service", "inspect", name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap()[0].clone()
}

#[test]
fn swarm_every_service_is_pinned_to_the_chosen_node_with_its_limits_and_host_ports() {
    let sb = Sandbox::on(EngineKind::Swarm, 30640);
    let node = swarm_node().unwrap();
    let env = sb.json(&["create", "placed"]);
    assert_eq!(env["node"]["id"], node.as_str());
    let id = env["id"].as_str().unwrap();
    let web = service(&format!("envctl-{id}-web"));
    let spec = &web["Spec"];
    assert_eq!(spec["Mode"]["Replicated"]["Replicas"], 1);
    assert_eq!(
        spec["TaskTemplate"]["Placement"]["Constraints"],
        serde_json::json!([format!("node.id=={node}")])
    );
    let limits = &spec["TaskTemplate"]["Resources"]["Limits"];
    assert_eq!(limits["MemoryBytes"], 64 * 1024 * 1024);
    assert_eq!(limits["NanoCPUs"], 500_000_000);
    assert_eq!(limits["Pids"], 64);
    let ports = &spec["EndpointSpec"]["Ports"][0];
    assert_eq!(ports["PublishMode"], "host");
    assert_eq!(ports["PublishedPort"], 30640);
    assert_eq!(spec["Labels"]["io.envctl.environment"], id);
    assert_eq!(
        spec["TaskTemplate"]["ContainerSpec"]["Labels"]["io.envctl.service"], "web",
        "the task template labels the containers"
    );
    // The network is an attachable overlay.
    let out = Command::new("docker")
        .args([
            "network",
            "inspect",
            &format!("envctl-{id}"),
            "--format",
            "{{.Driver}} {{.Attachable}}",
        ])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout).trim(), "overlay true");
    // `show` names the node.
    let out = sb.run(&["show", "placed"]);
    assert!(text(&out.stdout).contains(&node), "{}", text(&out.stdout));
    // `doctor` reads the nodes, with the memory the environment's limits take.
    let out = sb.cmd().args(["doctor", "--json"]).output().unwrap();
    let doctor: Value = serde_json::from_slice(&out.stdout).unwrap();
    let swarm = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "swarm")
        .cloned()
        .unwrap_or_else(|| panic!("a swarm check: {doctor}"));
    let detail = swarm["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("1 of 1 nodes take environments"),
        "{swarm}"
    );
}

#[test]
fn swarm_no_node_with_the_required_labels_is_a_clear_error_and_leaves_nothing() {
    let sb = Sandbox::on(EngineKind::Swarm, 30680);
    let config = sb.dir.path().join("config.toml");
    let text_before = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text_before.replace(
            "kind = \"swarm\"\n",
            "kind = \"swarm\"\nnode_labels = { \"envctl.test-pool\" = \"nowhere\" }\n",
        ),
    )
    .unwrap();
    let out = sb.run(&["create", "homeless"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("no swarm node can take"), "{err}");
    assert!(err.contains("node_labels"), "{err}");
    assert_eq!(sb.json(&["list"]), serde_json::json!([]));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

#[test]
fn swarm_creates_at_once_never_promise_a_node_more_memory_than_it_has() {
    // A template whose limit takes two fifths of the node: two fit, a third
    // does not, whichever order the three creates reach the lock in. The
    // other tests' services take 64 MiB each, far from the fifth left.
    let out = Command::new("docker")
        .args(["node", "ls", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "this test sizes its template for a single-node swarm, which scripts/test.sh makes"
    );
    let out = Command::new("docker")
        .args([
            "node",
            "inspect",
            "self",
            "--format",
            "{{.Description.Resources.MemoryBytes}}",
        ])
        .output()
        .unwrap();
    let total: u64 = text(&out.stdout).trim().parse().unwrap();
    let limit_mb = total / (1 << 20) * 2 / 5;
    let heavy = format!(
        "[templates.heavy]\n[[templates.heavy.services]]\nname = \"web\"\nimage = \"{}\"\nport = 80\n\
         command = [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\nmemory = \"{limit_mb}m\"\n\
         ready = {{ http = \"/\", timeout = \"60s\" }}\n",
        common::IMAGE
    );
    let sb = Sandbox::on_with(EngineKind::Swarm, 30960, &heavy);
    let creates: Vec<_> = (0..3)
        .map(|i| {
            sb.cmd()
                .args(["create", &format!("heavy{i}"), "--template", "heavy"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<_> = creates
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let failed: Vec<String> = outs
        .iter()
        .filter(|o| !o.status.success())
        .map(|o| text(&o.stderr))
        .collect();
    assert_eq!(
        failed.len(),
        1,
        "exactly one of three is refused: {failed:?}"
    );
    assert!(
        failed[0].contains("no swarm node can take"),
        "{}",
        failed[0]
    );
    let listed = sb.json(&["list"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|e| e["status"] == "running"),
        "{listed:?}"
    );

    // A create killed before it made its service leaves a `creating` record
    // on the node. Its process is gone, so it promises nothing: with one
    // heavy environment left, another fits beside it.
    let kept = listed[0]["name"].as_str().unwrap().to_owned();
    let gone = listed[1]["name"].as_str().unwrap().to_owned();
    assert!(sb.run(&["delete", &gone, "--yes"]).status.success());
    let exited = Command::new("true").spawn().unwrap();
    let dead_pid = exited.id();
    assert!(exited.wait_with_output().unwrap().status.success());
    let mut db: Value = serde_json::from_slice(&std::fs::read(sb.db_path()).unwrap()).unwrap();
    let mut ghost = db["environments"][0].clone();
    assert_eq!(ghost["name"], kept.as_str());
    let now = chrono::Utc::now();
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    for (field, value) in [
        ("id", serde_json::json!("0badc0de")),
        ("name", serde_json::json!("ghost")),
        ("status", serde_json::json!("creating")),
        ("ready", serde_json::json!(false)),
        ("services", serde_json::json!({})),
        ("ports", serde_json::json!({})),
        ("urls", serde_json::json!({})),
        ("base_port", serde_json::json!(30999)),
        (
            "operation",
            serde_json::json!({
                "action": "create",
                "pid": dead_pid,
                "host": hostname.trim(),
                "started_at": now.to_rfc3339(),
                "deadline": (now + chrono::Duration::hours(1)).to_rfc3339(),
            }),
        ),
    ] {
        ghost[field] = value;
    }
    db["environments"].as_array_mut().unwrap().push(ghost);
    std::fs::write(sb.db_path(), serde_json::to_vec(&db).unwrap()).unwrap();
    let out = sb.run(&["create", "heavy-again", "--template", "heavy"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A service that ignores SIGTERM: it stops only when its grace period is
/// over and it is killed.
const STUBBORN: &str = r#"
[templates.stubborn]
[[templates.stubborn.services]]
name = "app"
image = "envctl-test/busybox:1"
command = ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"]
"#;

#[test]
fn swarm_a_stop_waits_out_a_grace_period_longer_than_two_minutes() {
    let sb = Sandbox::on_with(EngineKind::Swarm, 31000, STUBBORN);
    let config = sb.dir.path().join("config.toml");
    let before = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        before.replace("stop_timeout = \"2s\"", "stop_timeout = \"125s\""),
    )
    .unwrap();
    let env = sb.json(&["create", "slow", "--template", "stubborn"]);
    let id = env["id"].as_str().unwrap();
    let app = service(&format!("envctl-{id}-app"));
    assert_eq!(
        app["Spec"]["TaskTemplate"]["ContainerSpec"]["StopGracePeriod"], 125_000_000_000u64,
        "the service keeps stop_timeout"
    );
    // The config says 2 s now, the service still 125 s (what it was made
    // with, and what Swarm goes by): Swarm kills the task 125 s after it
    // asked it to stop, and the stop waits for that, past what a fixed
    // two-minute wait allowed.
    std::fs::write(&config, &before).unwrap();
    let asked = std::time::Instant::now();
    let stop = sb
        .cmd()
        .args(["stop", "slow"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The stop's record covers the 125 s it waits (and the minute the
    // engine may take to tell it), not the config's 2 s: nothing takes it
    // for abandoned meanwhile.
    let mut op = Value::Null;
    assert!(wait_until(Duration::from_secs(20), || {
        op = sb.json(&["show", "slow"])["operation"].clone();
        op["action"] == "stop"
    }));
    let at =
        |field: &str| chrono::DateTime::parse_from_rfc3339(op[field].as_str().unwrap()).unwrap();
    let allowed = (at("deadline") - at("started_at")).num_seconds();
    assert!(
        allowed >= 125 + 60,
        "the stop's record allows {allowed} s: {op}"
    );
    let out = stop.wait_with_output().unwrap();
    let took = asked.elapsed();
    assert!(
        out.status.success(),
        "after {took:?}: {}",
        text(&out.stderr)
    );
    assert!(took >= Duration::from_secs(120), "killed early: {took:?}");
    assert_eq!(sb.json(&["show", "slow"])["status"], "stopped");
    let out = sb.run(&["delete", "slow", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

/// A service of someone else's, removed when dropped.
struct Foreign(String);

impl Drop for Foreign {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["service", "rm", &self.0])
            .output();
    }
}

#[test]
fn swarm_a_port_any_service_of_the_cluster_publishes_is_taken() {
    let sb = Sandbox::on(EngineKind::Swarm, 30720);
    // Published on some node, not listening here (it has no task): only
    // the cluster's own records say the port is taken.
    let name = format!("envctl-test-foreign-{}", std::process::id());
    let out = Command::new("docker")
        .args([
            "service",
            "create",
            "--detach",
            "--name",
            &name,
            "--replicas",
            "0",
            "--publish",
            "mode=host,target=80,published=30720",
            common::IMAGE,
            "sleep",
            "1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let _foreign = Foreign(name);
    let env = sb.json(&["create", "next"]);
    assert_eq!(env["base_port"], 30721);
}
