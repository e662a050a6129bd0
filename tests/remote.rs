//! Remote mode: the CLI with ENVCTL_SERVER and ENVCTL_TOKEN, as a CI runner
//! without Docker uses it, against a real `envctl serve` on the real engine.
//! Each test compares with local mode on the same database, or checks an
//! error's message and exit code.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::time::Duration;

use common::{Sandbox, text, wait_until};
use serde_json::Value;

fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args).output().unwrap()
}

fn ok(cmd: Command, args: &[&str]) -> String {
    let out = run(cmd, args);
    assert!(
        out.status.success(),
        "envctl {args:?} failed ({:?}): {}",
        out.status.code(),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn json(cmd: Command, args: &[&str]) -> Value {
    let out = ok(cmd, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}"))
}

/// An environment's JSON without what differs between two environments made
/// the same way (identity, times, ports), to compare local with remote.
fn shape(env: &Value) -> Value {
    let mut env = env.clone();
    if env.get("environment").is_some() {
        return serde_json::json!({
            "deleted": env["deleted"],
            "removed": env["removed"],
            "environment": shape(&env["environment"]),
        });
    }
    let o = env.as_object_mut().unwrap();
    for key in [
        "id",
        "name",
        "created_at",
        "updated_at",
        "expires_at",
        "base_port",
        "ports",
        "urls",
    ] {
        o.insert(key.into(), Value::Null);
    }
    if let Some(op) = o.get_mut("operation").filter(|op| op.is_object()) {
        *op = op["action"].clone();
    }
    for service in o["services"].as_object_mut().unwrap().values_mut() {
        service["container"] = Value::Null;
    }
    env
}

#[test]
fn remote_and_local_give_the_same_json_for_the_same_operations() {
    let sb = Sandbox::new(40400);
    // USER is "tester" locally; the token's user is too, so both own alike.
    let token = sb.token("tester", "developer");
    let server = sb.serve();
    let remote = || server.client(&token);
    let local = || sb.cmd();

    let r = json(remote(), &["create", "r1", "--label", "team=qa", "--json"]);
    let l = json(local(), &["create", "l1", "--label", "team=qa", "--json"]);
    assert_eq!(r["status"], "running");
    assert_eq!(r["ready"], true);
    assert_eq!(shape(&r), shape(&l), "create --json");
    assert_eq!(
        json(local(), &["show", "r1", "--json"]),
        r,
        "what remote create answered is what is stored"
    );

    // The same bytes, read either way.
    for args in [
        vec!["show", "r1", "--json"],
        vec!["list", "--json"],
        vec!["list", "--json", "--owner", "tester", "--status", "running"],
        vec!["templates", "--json"],
        vec!["show", "r1", "--dotenv"],
    ] {
        assert_eq!(ok(remote(), &args), ok(local(), &args), "{args:?}");
    }
    assert_eq!(
        ok(remote(), &["logs", "r1", "--tail", "5"]),
        ok(local(), &["logs", "r1", "--tail", "5"]),
        "logs"
    );

    for step in [
        vec!["stop", "--json"],
        vec!["start", "--json"],
        vec!["pin", "--json"],
    ] {
        let (verb, flag) = (step[0], step[1]);
        let r = json(remote(), &[verb, "r1", flag]);
        let l = json(local(), &[verb, "l1", flag]);
        assert_eq!(shape(&r), shape(&l), "{verb}");
    }
    assert_eq!(json(local(), &["show", "r1", "--json"])["ready"], true);
    ok(remote(), &["unpin", "r1"]);
    ok(local(), &["unpin", "l1"]);

    // Maintenance (an operator's token): the same plan and the same sync report.
    let operator = sb.token("ops", "operator");
    for args in [
        vec!["cleanup", "--dry-run", "--keep", "1", "--json"],
        vec!["sync", "--dry-run", "--json"],
    ] {
        assert_eq!(
            json(server.client(&operator), &args),
            json(local(), &args),
            "{args:?}"
        );
    }
    let out = run(remote(), &["sync", "--dry-run"]);
    assert_eq!(out.status.code(), Some(9), "a developer may not sync");

    let r = json(remote(), &["delete", "r1", "--yes", "--json"]);
    let l = json(local(), &["delete", "l1", "--yes", "--json"]);
    assert_eq!(
        r["removed"],
        serde_json::json!({"containers": 1, "networks": 1, "volumes": 1})
    );
    assert_eq!(shape(&r), shape(&l), "delete --json");
    assert_eq!(ok(remote(), &["list", "--json"]), "[]\n");
    assert!(
        !std::path::Path::new("/nonexistent/envctl-runner").exists(),
        "remote mode wrote nothing locally"
    );
    drop(server);
    assert!(sb.labelled("container").is_empty());
}

#[test]
fn a_wrong_token_a_server_that_is_down_and_local_only_commands_fail_clearly() {
    let sb = Sandbox::new(40500);
    let viewer = sb.token("watcher", "viewer");
    let server = sb.serve();
    let url = server.url();
    let cases: Vec<(Command, Vec<&str>, i32, Vec<String>)> = vec![
        (
            server.client("not-a-token"),
            vec!["list"],
            9,
            vec![
                format!("the server at {url} did not accept ENVCTL_TOKEN"),
                "envctl token create".into(),
            ],
        ),
        (
            {
                let mut c = server.client("");
                c.env_remove("ENVCTL_TOKEN");
                c
            },
            vec!["list"],
            9,
            vec!["ENVCTL_TOKEN is not set".into()],
        ),
        (
            server.client(&viewer),
            vec!["create", "v1"],
            9,
            vec!["may not create environments".into()],
        ),
        (server.client(&viewer), vec!["list"], 0, vec![]),
        (
            server.client(&viewer),
            vec!["show", "ghost"],
            3,
            vec!["environment 'ghost' not found".into()],
        ),
        (
            server.client(&viewer),
            vec!["backup", "list"],
            2,
            vec!["works on a local database only".into(), url.clone()],
        ),
        (
            {
                let mut c = server.client(&viewer);
                c.env("ENVCTL_SERVER", "127.0.0.1:8080");
                c
            },
            vec!["list"],
            2,
            vec!["is not a URL".into()],
        ),
    ];
    for (cmd, args, code, needles) in cases {
        let out = run(cmd, &args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        for needle in needles {
            assert!(err.contains(&needle), "{args:?}: {needle:?} not in: {err}");
        }
    }

    // A server that is down: the URL is named, exit 4 (like Docker down).
    let down = common::free_port();
    let mut cmd = server.client(&viewer);
    cmd.env("ENVCTL_SERVER", format!("http://127.0.0.1:{down}"));
    let out = run(cmd, &["list"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains(&format!(
            "cannot reach the envctl server at http://127.0.0.1:{down}"
        )) && err.contains("Connection refused"),
        "{err}"
    );
}

/// `create --if-not-exists` and `delete --if-exists` in one mode.
fn idempotent_steps(envctl: &dyn Fn() -> Command, name: &str) {
    let first = json(envctl(), &["create", name, "--if-not-exists", "--json"]);
    assert_eq!(
        (&first["status"], &first["ready"]),
        (&"running".into(), &true.into())
    );
    let again = json(
        envctl(),
        &["create", name, "--if-not-exists", "--wait", "--json"],
    );
    assert_eq!(again["id"], first["id"], "the existing one is answered");

    ok(envctl(), &["stop", name]);
    let started = json(envctl(), &["create", name, "--if-not-exists", "--json"]);
    assert_eq!(started["id"], first["id"]);
    assert_eq!(
        (&started["status"], &started["ready"]),
        (&"running".into(), &true.into()),
        "a stopped one is started"
    );

    let out = run(
        envctl(),
        &["create", name, "--if-not-exists", "--template", "trio"],
    );
    assert_eq!(out.status.code(), Some(8), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("made from template 'web', not 'trio'"));
    let out = run(envctl(), &["create", name]);
    assert_eq!(
        out.status.code(),
        Some(8),
        "without the flag, a taken name is a conflict"
    );
    let out = run(envctl(), &["create", "--if-not-exists"]);
    assert_eq!(out.status.code(), Some(2), "the flag needs a name");

    ok(envctl(), &["delete", name, "--if-exists", "--yes"]);
    ok(envctl(), &["delete", name, "--if-exists", "--yes"]);
    let out = run(envctl(), &["delete", name, "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[test]
fn create_if_not_exists_and_delete_if_exists_are_idempotent_in_both_modes() {
    let sb = Sandbox::new(40600);
    let token = sb.token("tester", "developer");
    let server = sb.serve();
    idempotent_steps(&|| sb.cmd(), "local-one");
    idempotent_steps(&|| server.client(&token), "remote-one");

    // Two pipeline jobs at once: one creates, the other waits for it; both
    // answer the same environment.
    let jobs: Vec<_> = (0..2)
        .map(|_| {
            server
                .client(&token)
                .args(["create", "shared", "--if-not-exists", "--json"])
                .stderr(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let ids: Vec<Value> = jobs
        .into_iter()
        .map(|job| {
            let out = job.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
            let env: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(env["ready"], true);
            env["id"].clone()
        })
        .collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(sb.names(), vec!["shared"]);
}

#[test]
fn ctrl_c_during_a_remote_create_rolls_it_back_on_the_server() {
    let sb = Sandbox::new(40700);
    let token = sb.token("tester", "developer");
    let server = sb.serve();
    let child = server
        .client(&token)
        .args(["create", "slow", "--template", "never"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(30), || {
        sb.json(&["list"])
            .as_array()
            .is_some_and(|l| l.iter().any(|e| e["status"] == "running"))
    }));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    assert!(sb.names().is_empty(), "the record is gone");
    assert!(
        wait_until(Duration::from_secs(10), || sb
            .labelled("container")
            .is_empty()
            && sb.labelled("network").is_empty()),
        "and so are its Docker objects"
    );
}

/// Runs `script` as a CI step would: `shell -e`, in `dir`, with `vars` and
/// envctl on the PATH.
fn step(shell: &str, script: &str, dir: &std::path::Path, vars: &BTreeMap<String, String>) {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_envctl"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = Command::new(shell)
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .envs(vars)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "step failed:\n{script}\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn example(path: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// The runner's variables for a YAML `env`/`variables` map: GitHub
/// expressions are replaced by what the test's repository would hold.
fn variables(map: &serde_yaml::Value, known: &BTreeMap<&str, String>) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for (k, v) in map.as_mapping().into_iter().flatten() {
        let key = k.as_str().unwrap().to_owned();
        let mut value = v.as_str().unwrap().to_owned();
        while let Some(start) = value.find("${{") {
            let end = value[start..].find("}}").unwrap() + start + 2;
            let expr = value[start + 3..end - 2].trim().to_owned();
            let with = known
                .get(expr.as_str())
                .unwrap_or_else(|| panic!("the test knows no value for ${{{{ {expr} }}}}"));
            value.replace_range(start..end, with);
        }
        vars.insert(key, value);
    }
    vars
}

fn dotenv(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn the_example_pipelines_run_against_a_local_server() {
    let sb = Sandbox::new(40800);
    let token = sb.token("ci", "developer");
    let server = sb.serve();
    let runner = tempfile::tempdir().unwrap();

    // GitHub Actions: the `up` job twice (opened, then a push), then `down`.
    let workflow = example("examples/ci/github-actions.yml");
    let known = BTreeMap::from([
        ("vars.ENVCTL_SERVER", server.url()),
        ("secrets.ENVCTL_TOKEN", token.clone()),
        ("github.event.pull_request.number", "7".to_owned()),
    ]);
    let mut vars = variables(&workflow["env"], &known);
    // The test's engine has no Jira image: the trio template has the same services.
    vars.insert("ENVCTL_TEMPLATE".into(), "trio".into());
    let output = runner.path().join("github_output");
    for (k, v) in [
        ("GITHUB_OUTPUT", output.display().to_string()),
        (
            "GITHUB_STEP_SUMMARY",
            runner.path().join("summary.md").display().to_string(),
        ),
        ("GITHUB_REPOSITORY", "acme/shop".into()),
        ("GITHUB_HEAD_REF", "feature/checkout".into()),
        ("RUNNER_TEMP", runner.path().display().to_string()),
    ] {
        vars.insert(k.into(), v);
    }
    let run_job = |job: &str| {
        for s in workflow["jobs"][job]["steps"].as_sequence().unwrap() {
            if s["name"].as_str() == Some("Install envctl") {
                continue;
            }
            step("bash", s["run"].as_str().unwrap(), runner.path(), &vars);
        }
    };
    run_job("up");
    let first = dotenv(&std::fs::read_to_string(&output).unwrap());
    run_job("up");
    let outputs = dotenv(&std::fs::read_to_string(&output).unwrap());
    assert_eq!(outputs["ENVCTL_ID"], first["ENVCTL_ID"], "a push reuses it");
    // Every job output the workflow declares is set by the step.
    for (_, expr) in workflow["jobs"]["up"]["outputs"].as_mapping().unwrap() {
        let key = expr
            .as_str()
            .unwrap()
            .trim_start_matches("${{ steps.environment.outputs.")
            .trim_end_matches(" }}");
        assert!(outputs.contains_key(key), "{key} not in {outputs:?}");
    }
    let env = sb.json(&["show", "pr-7"]);
    assert_eq!(
        (&env["status"], &env["ready"]),
        (&"running".into(), &true.into())
    );
    assert_eq!(env["labels"]["branch"], "feature/checkout");
    assert!(env["expires_at"].is_string(), "the TTL is the safety net");
    assert_eq!(outputs["JIRA_URL"], env["urls"]["jira"].as_str().unwrap());
    let summary = std::fs::read_to_string(runner.path().join("summary.md")).unwrap();
    assert!(summary.contains("- GITLAB_URL=http://"), "{summary}");
    run_job("down");
    run_job("down");
    assert!(sb.names().is_empty());

    // GitLab CI: `review` (twice, a retried job), then `stop_review`.
    let pipeline = example("examples/ci/gitlab-ci.yml");
    let mut vars = variables(&pipeline["variables"], &BTreeMap::new());
    vars.insert("ENVCTL_TEMPLATE".into(), "trio".into());
    for (k, v) in [
        ("ENVCTL_SERVER", server.url()),
        ("ENVCTL_TOKEN", token.clone()),
        ("CI_MERGE_REQUEST_IID", "12".into()),
        ("CI_PROJECT_PATH", "acme/shop".into()),
        ("CI_COMMIT_REF_NAME", "fix/login".into()),
    ] {
        vars.insert(k.into(), v);
    }
    let run_job = |job: &str| {
        let script: Vec<&str> = pipeline[job]["script"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        step("sh", &script.join("\n"), runner.path(), &vars);
    };
    run_job("review");
    run_job("review");
    let report = dotenv(&std::fs::read_to_string(runner.path().join("review.env")).unwrap());
    let env = sb.json(&["show", "mr-12"]);
    assert_eq!(report["ENVCTL_ID"], env["id"].as_str().unwrap());
    assert_eq!(report["JIRA_URL"], env["urls"]["jira"].as_str().unwrap());
    let artifact: Value = serde_json::from_str(
        &std::fs::read_to_string(runner.path().join("environment.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(artifact["id"], env["id"]);
    assert_eq!(env["labels"]["branch"], "fix/login");
    run_job("stop_review");
    run_job("stop_review");
    assert!(sb.names().is_empty());
    drop(server);
    assert!(sb.labelled("container").is_empty());
}

#[test]
fn remote_logs_follow_streams_until_ctrl_c() {
    let sb = Sandbox::new(42000);
    let token = sb.token("tester", "developer");
    sb.json(&["create", "ticking", "--template", "ticker"]);
    let server = sb.serve();
    let child = server
        .client(&token)
        .args(["logs", "ticking", "--follow", "--tail", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (status, lines) = common::lines_then_interrupt(child, 4, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    // One from --tail, then about three a second as they are printed.
    assert!(lines.len() >= 4, "{lines:?}");
    assert!(lines.iter().all(|l| l == "clock | tick"), "{lines:?}");
    drop(server);
    sb.run(&["delete", "ticking", "--yes"]);
}
