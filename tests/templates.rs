//! Templates that know where they run (issue 18): variables resolved at
//! create time, generated secrets and who may read them, on the real engine
//! through the real binary, server and web pages.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{IMAGE, Sandbox, event_log, signed_in, text, wait_until};
use serde_json::Value;

/// A sandbox whose config passes ENVCTL_TEST_PASS to templates and has a
/// template using every kind of variable.
fn sandbox(base: u16) -> Sandbox {
    let template = format!(
        r#"
[templates.vars]
description = "a probe that writes what its variables resolved to"
[templates.vars.secrets]
token = {{ length = 32 }}
[[templates.vars.services]]
name = "web"
image = "{IMAGE}"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = {{ http = "/" }}
sign_in = "user ${{env.owner}}; the password is the secret token"
[[templates.vars.services]]
name = "probe"
image = "{IMAGE}"
command = ["sh", "-c", "printf '%s\\n' 'name=${{env.name}}' 'id=${{env.id}}' 'owner=${{env.owner}}' 'base=${{env.base_port}}' 'port=${{services.web.port}}' 'url=${{services.web.url}}' 'host=${{services.web.host}}' 'secret=${{secret.token}}' 'label=${{labels.team}}' 'pass=${{host.ENVCTL_TEST_PASS}}' 'literal=$${{kept}}' > /tmp/vars.tmp && mv /tmp/vars.tmp /tmp/vars; exec sleep 3600"]
[templates.vars.services.env]
GREETING = "hello ${{env.owner}} on ${{env.public_host}}"
"#
    );
    let sb = Sandbox::with_config(base, &template);
    let path = sb.dir.path().join("config.toml");
    let config = std::fs::read_to_string(&path).unwrap().replace(
        "[defaults]\n",
        "[defaults]\npass_env = [\"ENVCTL_TEST_PASS\"]\n",
    );
    std::fs::write(&path, config).unwrap();
    sb
}

fn create(sb: &Sandbox, name: &str, owner: &str) -> Value {
    let out = sb
        .cmd()
        .env("ENVCTL_TEST_PASS", "passed-through")
        .args([
            "create",
            name,
            "--template",
            "vars",
            "--owner",
            owner,
            "--label",
            "team=core",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn secrets(sb: &Sandbox, name: &str) -> Value {
    sb.json(&["show", name, "--secrets"])["secrets"].clone()
}

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().unwrap();
    text(&out.stdout)
}

#[test]
fn every_kind_of_variable_resolves_into_the_containers() {
    let sb = sandbox(26000);
    let env = create(&sb, "resolved", "alice");
    let probe = env["services"]["probe"]["container"].as_str().unwrap();
    let mut written = String::new();
    assert!(wait_until(Duration::from_secs(20), || {
        written = docker(&["exec", probe, "cat", "/tmp/vars"]);
        written.contains("literal=")
    }));
    let token = secrets(&sb, "resolved")["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 32);
    let port = env["ports"]["web"].as_u64().unwrap();
    let expected = format!(
        "name=resolved\nid={}\nowner=alice\nbase={}\nport={port}\nurl=http://localhost:{port}\nhost=web\n\
         secret={token}\nlabel=core\npass=passed-through\nliteral=${{kept}}\n",
        env["id"].as_str().unwrap(),
        env["base_port"]
    );
    assert_eq!(written, expected);
    let greeting = docker(&[
        "inspect",
        "-f",
        "{{range .Config.Env}}{{println .}}{{end}}",
        probe,
    ]);
    assert!(
        greeting.contains("GREETING=hello alice on localhost"),
        "{greeting}"
    );
    // The sign-in hint is resolved into the record; the secret is not in it.
    assert_eq!(
        env["services"]["web"]["sign_in"],
        "user alice; the password is the secret token"
    );
    let shown = text(&sb.run(&["show", "resolved"]).stdout);
    assert!(
        shown.contains("Sign in:") && shown.contains("envctl show resolved --secrets"),
        "{shown}"
    );
}

#[test]
fn secrets_are_per_environment_survive_a_reset_leave_with_a_delete_and_appear_nowhere_else() {
    let sb = sandbox(26100);
    let alice = sb.token("alice", "developer");
    let one = create(&sb, "one", "alice");
    create(&sb, "two", "alice");
    let (a, b) = (secrets(&sb, "one"), secrets(&sb, "two"));
    assert_ne!(a["token"], b["token"], "each environment its own");
    let token = a["token"].as_str().unwrap().to_owned();

    let out = sb.run(&["reset-db", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(secrets(&sb, "one"), a, "kept across reset-db (keyed by id)");

    // Through the server, then nowhere but the secrets endpoint.
    let (server, log) = sb.serve_logged("debug");
    let port = server.port;
    let remote = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_envctl"))
            .env("ENVCTL_SERVER", format!("http://127.0.0.1:{port}"))
            .env("ENVCTL_TOKEN", &alice)
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), text(&out.stdout))
    };
    let (code, object) = remote(&["show", "one", "--json"]);
    assert_eq!(code, Some(0));
    assert!(!object.contains(&token), "the API's environment object");
    let (code, listed) = remote(&["list", "--json"]);
    assert_eq!(code, Some(0));
    assert!(!listed.contains(&token));
    let (code, dotenv) = remote(&["show", "one", "--dotenv", "--secrets"]);
    assert_eq!(code, Some(0));
    assert!(
        dotenv.contains(&format!("SECRET_TOKEN={token}")),
        "{dotenv}"
    );
    drop(server);
    let logged = std::fs::read_to_string(&log).unwrap();
    let leaks: Vec<&str> = logged.lines().filter(|l| l.contains(&token)).collect();
    assert!(leaks.is_empty(), "server log: {leaks:?}");
    assert!(!text(&sb.run(&["list", "--json"]).stdout).contains(&token));
    let events = event_log(&sb.data_dir());
    assert!(!events.contains(&token), "the event log");
    assert!(
        !std::fs::read_to_string(sb.db_path())
            .unwrap()
            .contains(&token)
    );

    let file = sb
        .data_dir()
        .join("secrets")
        .join(format!("{}.json", one["id"].as_str().unwrap()));
    assert!(file.exists());
    assert!(sb.run(&["delete", "one", "--yes"]).status.success());
    assert!(!file.exists(), "removed with the environment");
}

#[test]
fn only_the_owner_and_admins_read_secrets_through_any_door() {
    let sb = sandbox(26200);
    let alice = sb.token("alice", "developer");
    let bob = sb.token("bob", "developer");
    let pm = sb.token("pm", "viewer");
    let ops = sb.token("ops", "operator");
    let root = sb.token("root", "admin");
    create(&sb, "guarded", "alice");
    let token = secrets(&sb, "guarded")["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let server = sb.serve();
    for (who, secret, allowed) in [
        ("alice", &alice, true),
        ("root", &root, true),
        ("bob", &bob, false),
        ("pm", &pm, false),
        ("ops", &ops, false),
    ] {
        let out = server
            .client(secret)
            .args(["show", "guarded", "--secrets", "--json"])
            .output()
            .unwrap();
        if allowed {
            assert!(out.status.success(), "{who}: {}", text(&out.stderr));
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["secrets"]["token"], token.as_str(), "{who}");
        } else {
            assert_eq!(out.status.code(), Some(9), "{who}: {}", text(&out.stderr));
            assert!(
                text(&out.stderr).contains("may not read the secrets"),
                "{who}"
            );
            assert!(!text(&out.stdout).contains(&token));
        }
        let (mut http, _) = signed_in(&server, secret);
        let page = http.send("GET", "/environments/guarded", None);
        assert_eq!(page.status, 200, "{who}");
        assert_eq!(page.body.contains(&token), allowed, "{who}'s page");
        assert!(page.body.contains("Sign in"), "{who} sees the hint");
    }
}

#[test]
fn unknown_variables_and_unpassed_host_variables_are_config_errors_with_their_line() {
    let sb = Sandbox::with_config(
        26300,
        &format!(
            "[templates.bad]\n[[templates.bad.services]]\nname = \"app\"\nimage = \"{IMAGE}\"\ncommand = [\"echo\", \"${{env.nope}}\"]\n"
        ),
    );
    let config = std::fs::read_to_string(sb.dir.path().join("config.toml")).unwrap();
    let line = config.lines().position(|l| l.contains("env.nope")).unwrap() + 1;
    let out = sb.run(&["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("unknown variable '${env.nope}'") && err.contains(&format!("line {line}")),
        "{err}"
    );
    let sb = Sandbox::with_config(
        26400,
        &format!(
            "[templates.bad]\n[[templates.bad.services]]\nname = \"app\"\nimage = \"{IMAGE}\"\nenv = {{ HOME_DIR = \"${{host.HOME}}\" }}\n"
        ),
    );
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not listed in [defaults] pass_env"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_missing_label_is_refused_before_anything_is_made() {
    let sb = sandbox(26500);
    let out = sb.run(&["create", "nolabel", "--template", "vars"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--label team=VALUE"));
    assert_eq!(sb.json(&["list"]).as_array().unwrap().len(), 0);
    assert!(sb.labelled("container").is_empty());
}

#[test]
fn the_onboarding_template_renders_its_public_urls_and_generated_passwords() {
    let out = Command::new(env!("CARGO_BIN_EXE_envctl"))
        .env_remove("ENVCTL_CONFIG")
        .args([
            "config",
            "check",
            "--render",
            "onboarding",
            "--base-port",
            "8090",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let service = |name: &str| {
        v["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()
            .clone()
    };
    let gitlab = service("gitlab")["env"]["GITLAB_OMNIBUS_CONFIG"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        gitlab.contains("external_url 'http://localhost:8091'"),
        "{gitlab}"
    );
    assert!(
        gitlab.contains("initial_root_password'] = '<secret gitlab_root>'"),
        "{gitlab}"
    );
    let grafana = service("dashboard")["env"].clone();
    assert_eq!(grafana["GF_SERVER_ROOT_URL"], "http://localhost:8092/");
    assert_eq!(
        grafana["GF_SECURITY_ADMIN_PASSWORD"],
        "<secret dashboard_admin>"
    );
    assert_eq!(service("jira")["env"]["ATL_PROXY_PORT"], "8090");
}
