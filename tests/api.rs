//! The REST API: in process with `app().oneshot(...)`
//! for auth, roles and errors, and end to end with the real binary and the
//! real Docker engine.

mod common;

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Sandbox, api_call as http, event_log, text, wait_until};
use envctl::tokens::{Role, Tokens};
use serde_json::Value;
use tower::ServiceExt;

struct Api {
    app: Arc<envctl::api::App>,
    viewer: String,
    alice: String,
    bob: String,
    operator: String,
    admin: String,
}

/// An API over a sandbox whose database holds `one` (owner alice) and `two` (owner bob).
fn api(sb: &Sandbox) -> Api {
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    let now = "2026-11-26T12:00:00Z";
    let env = |id: &str, name: &str, owner: &str, port: u16| {
        serde_json::json!({"id": id, "name": name, "template": "web", "owner": owner, "status": "stopped",
            "ready": false, "base_port": port, "port_count": 1, "ports": {}, "urls": {}, "services": {},
            "created_at": now, "updated_at": now, "expires_at": null, "labels": {}, "error": null})
    };
    let db = serde_json::json!({"schema_version": 1, "instance_id": "apitest", "environments": [
        env("00000001", "one", "alice", 40000), env("00000002", "two", "bob", 40001)]});
    std::fs::write(sb.db_path(), serde_json::to_vec(&db).unwrap()).unwrap();
    let config = envctl::Config::load(Some(&sb.dir.path().join("config.toml"))).unwrap();
    let store = envctl::Store::open(&sb.data_dir(), Duration::from_secs(5)).unwrap();
    let tokens = Tokens::new(&sb.data_dir(), Duration::from_secs(5));
    let secret = |name: &str, role: Role| tokens.create(name, role, None).unwrap().1;
    let (viewer, alice, bob, operator) = (
        secret("pm", Role::Viewer),
        secret("alice", Role::Developer),
        secret("bob", Role::Developer),
        secret("ops", Role::Operator),
    );
    let app = Arc::new(envctl::api::App::new(
        envctl::Context::new(config, store),
        tokens,
    ));
    let admin = app.tokens.create("root", Role::Admin, None).unwrap().1;
    Api {
        app,
        viewer,
        alice,
        bob,
        operator,
        admin,
    }
}

async fn call(
    api: &Api,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    let response = envctl::api::app(api.app.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn no_token_or_a_bad_one_is_401_in_the_error_shape() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let (status, body) = call(&api, "GET", "/api/onboarding/environments", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = call(
        &api,
        "GET",
        "/api/onboarding/environments",
        Some("envctl_nope"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(&api, "GET", "/healthz", None, None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
}

#[tokio::test]
async fn every_role_reads_and_the_objects_match_the_cli() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    for token in [&api.viewer, &api.alice, &api.operator] {
        let (status, body) = call(
            &api,
            "GET",
            "/api/onboarding/environments",
            Some(token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.as_array().unwrap().len(), 2);
    }
    let (_, page) = call(
        &api,
        "GET",
        "/api/onboarding/environments?owner=bob",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    let (_, page) = call(
        &api,
        "GET",
        "/api/onboarding/environments?limit=1&offset=1",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(page[0]["name"], "two");
    let (status, one) = call(
        &api,
        "GET",
        "/api/onboarding/environments/one",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        one,
        sb.json(&["show", "one"]),
        "the same object as `show --json`"
    );
    let (status, body) = call(
        &api,
        "GET",
        "/api/onboarding/environments/ghost",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, _) = call(
        &api,
        "GET",
        "/api/onboarding/environments?status=weird",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn roles_limit_who_may_change_what() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let pin = Some(serde_json::json!({"pinned": true}));
    let (status, body) = call(
        &api,
        "PUT",
        "/api/onboarding/environments/one",
        Some(&api.viewer),
        pin.clone(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, _) = call(
        &api,
        "PUT",
        "/api/onboarding/environments/one",
        Some(&api.bob),
        pin.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "bob may not change alice's");
    let (status, body) = call(
        &api,
        "PUT",
        "/api/onboarding/environments/one",
        Some(&api.alice),
        pin.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["pinned"], true);
    let labels = Some(serde_json::json!({"labels": {"team": "core"}, "ttl": "2h"}));
    let (status, body) = call(
        &api,
        "PUT",
        "/api/onboarding/environments/two",
        Some(&api.operator),
        labels,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "operators change anyone's");
    assert_eq!(body["labels"]["team"], "core");
    assert!(body["expires_at"].is_string());
    let (status, _) = call(
        &api,
        "DELETE",
        "/api/onboarding/environments/one",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &api,
        "DELETE",
        "/api/onboarding/environments/one",
        Some(&api.bob),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &api,
        "POST",
        "/api/onboarding/new-environment",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &api,
        "POST",
        "/api/onboarding/new-environment",
        Some(&api.alice),
        Some(serde_json::json!({"owner": "bob"})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "developers create only for themselves"
    );
}

#[tokio::test]
async fn bad_bodies_and_impossible_requests_have_their_statuses() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let bad = Some(serde_json::json!({"status": "flying"}));
    let (status, _) = call(
        &api,
        "PUT",
        "/api/onboarding/environments/one",
        Some(&api.alice),
        bad,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = Some(serde_json::json!({"image": "evil:latest"}));
    let (status, _) = call(
        &api,
        "POST",
        "/api/onboarding/new-environment",
        Some(&api.alice),
        unknown,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "callers choose templates, never images"
    );
    let taken = Some(serde_json::json!({"name": "one"}));
    let (status, body) = call(
        &api,
        "POST",
        "/api/onboarding/new-environment",
        Some(&api.alice),
        taken,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let bad_name = Some(serde_json::json!({"name": "../etc"}));
    let (status, _) = call(
        &api,
        "POST",
        "/api/onboarding/new-environment",
        Some(&api.alice),
        bad_name,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Creates have a stricter quota (burst 3 by default): alice has used hers.
    let (status, body) = call(
        &api,
        "POST",
        "/api/onboarding/new-environment",
        Some(&api.alice),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    let big = Some(serde_json::json!({"labels": {"x": "y".repeat(100_000)}}));
    let (status, _) = call(
        &api,
        "POST",
        "/api/onboarding/new-environment",
        Some(&api.operator),
        big,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, body) = call(
        &api,
        "DELETE",
        "/api/onboarding/environments/ghost",
        Some(&api.alice),
        None,
    )
    .await;
    assert_eq!(
        (status, &body["deleted"]),
        (StatusCode::ACCEPTED, &Value::Bool(false)),
        "idempotent"
    );
}

/// Plain HTTP/1.1 to the real server.
#[test]
fn create_stop_start_and_delete_over_http_on_real_docker() {
    let sb = Sandbox::new(40100);
    let out = sb.run(&["token", "create", "--name", "dev", "--role", "developer"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).lines().last().unwrap().to_owned();
    let port = common::free_port();
    let mut server = sb
        .cmd()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    }));

    // Watch the events before creating: the status changes arrive without polling.
    let (subscribed, on_subscribed) = std::sync::mpsc::channel();
    let watcher = {
        let token = token.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            write!(s, "GET /api/onboarding/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\r\n").unwrap();
            let mut seen = Vec::new();
            for line in std::io::BufReader::new(s).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("HTTP/1.1 200") {
                    subscribed.send(()).unwrap();
                }
                if let Some(data) = line.strip_prefix("data: ") {
                    let change: Value = serde_json::from_str(data).unwrap();
                    let done = change["status"] == "running" && change["ready"] == true;
                    seen.push(change);
                    if done {
                        break;
                    }
                }
            }
            seen
        })
    };
    on_subscribed
        .recv_timeout(Duration::from_secs(10))
        .expect("subscribed to the events");
    let (status, env) = http(
        port,
        "POST",
        "/api/onboarding/new-environment",
        &token,
        Some(r#"{"name": "web1"}"#),
    );
    assert_eq!(status, 202, "{env}");
    assert_eq!(env["status"], "creating");
    assert_eq!(env["owner"], "dev");
    let ready = wait_until(Duration::from_secs(60), || {
        http(
            port,
            "GET",
            "/api/onboarding/environments/web1",
            &token,
            None,
        )
        .1["ready"]
            == true
    });
    assert!(ready, "created over HTTP, running and ready");
    let seen = watcher.join().unwrap();
    assert_eq!(seen.last().unwrap()["name"], "web1", "{seen:?}");
    assert!(seen.iter().any(|c| c["status"] == "running"), "{seen:?}");
    assert_eq!(
        common::http_get(env["base_port"].as_u64().unwrap() as u16).as_deref(),
        Some("ok\n")
    );

    let (status, stopped) = http(
        port,
        "PUT",
        "/api/onboarding/environments/web1",
        &token,
        Some(r#"{"status": "stopped"}"#),
    );
    assert_eq!((status, &stopped["status"]), (200, &Value::from("stopped")));
    let (status, started) = http(
        port,
        "PUT",
        "/api/onboarding/environments/web1",
        &token,
        Some(r#"{"status": "running"}"#),
    );
    assert_eq!((status, &started["status"]), (200, &Value::from("running")));
    let (status, _) = http(
        port,
        "DELETE",
        "/api/onboarding/environments/web1",
        &token,
        None,
    );
    assert_eq!(status, 202);
    assert!(wait_until(Duration::from_secs(30), || sb
        .labelled("container")
        .is_empty()));
    assert!(wait_until(Duration::from_secs(10), || sb.json(&["list"])
        == serde_json::json!([])));
    // SIGTERM: the server stops cleanly.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert!(server.wait().unwrap().success());
}

#[tokio::test]
async fn past_the_rate_limit_is_429_with_retry_after_and_every_response_has_a_request_id() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let request = |token: &str| {
        Request::builder()
            .uri("/api/onboarding/environments")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let mut limited = None;
    for _ in 0..100 {
        let response = envctl::api::app(api.app.clone())
            .oneshot(request(&api.viewer))
            .await
            .unwrap();
        assert!(response.headers().contains_key("x-request-id"));
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let response =
        limited.expect("the default limit (20/s, burst 40) is reached within 100 requests");
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    // Another token has its own quota.
    let other = envctl::api::app(api.app.clone())
        .oneshot(request(&api.operator))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_environments_and_requests_by_route() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    call(
        &api,
        "GET",
        "/api/onboarding/environments/one",
        Some(&api.viewer),
        None,
    )
    .await;
    call(
        &api,
        "GET",
        "/api/onboarding/environments/ghost",
        Some(&api.viewer),
        None,
    )
    .await;
    call(&api, "POST", "/api/admin/sync", Some(&api.operator), None).await;
    let request = Request::builder()
        .uri("/metrics")
        .body(Body::empty())
        .unwrap();
    let response = envctl::api::app(api.app.clone())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(
        text.contains("envctl_environments{status=\"stopped\"} 2"),
        "{text}"
    );
    assert!(text.contains("envctl_http_requests_total{route=\"/api/onboarding/environments/{id}\",status=\"200\"} 1"), "{text}");
    assert!(text.contains("envctl_http_requests_total{route=\"/api/onboarding/environments/{id}\",status=\"404\"} 1"), "{text}");
    assert!(text.contains("# TYPE envctl_provisioning_seconds histogram"));
    assert!(text.contains("envctl_sync_runs_total 1"), "{text}");
    assert!(text.contains("envctl_cleanup_runs_total 0"), "{text}");
}

#[tokio::test]
async fn admin_endpoints_are_for_operators_and_admins() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let plan = Some(serde_json::json!({"dry_run": true, "keep": 0}));
    let (status, _) = call(
        &api,
        "POST",
        "/api/admin/cleanup",
        Some(&api.alice),
        plan.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, report) = call(
        &api,
        "POST",
        "/api/admin/cleanup",
        Some(&api.operator),
        plan,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["plan"]["remove"].as_array().unwrap().len(), 2);
    assert_eq!(
        sb.json(&["list"]).as_array().unwrap().len(),
        2,
        "a dry run removes nothing"
    );
    let (status, report) = call(
        &api,
        "POST",
        "/api/admin/sync",
        Some(&api.operator),
        Some(serde_json::json!({"dry_run": true})),
    )
    .await;
    assert_eq!(
        (status, &report["checked"]),
        (StatusCode::OK, &Value::from(2))
    );
    let (status, _) = call(&api, "GET", "/api/admin/backups", Some(&api.operator), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "backups are for admins");
    let (status, made) = call(&api, "POST", "/api/admin/backups", Some(&api.admin), None).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, list) = call(&api, "GET", "/api/admin/backups", Some(&api.admin), None).await;
    assert_eq!(
        (status, list.as_array().unwrap().len()),
        (StatusCode::OK, 1)
    );
    let (status, _) = call(&api, "POST", "/api/admin/reset", Some(&api.operator), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reset is for admins");
}

fn container_running(name: &str) -> bool {
    let out = std::process::Command::new("docker")
        .args(["inspect", "--format", "{{.State.Running}}", name])
        .output()
        .unwrap();
    text(&out.stdout).trim() == "true"
}

#[test]
fn the_server_restarts_dead_services_a_bounded_number_of_times_and_removes_expired_ones() {
    let sb = Sandbox::new(40200);
    let config = sb.dir.path().join("config.toml");
    let mut text_config = std::fs::read_to_string(&config).unwrap();
    text_config.push_str("\n[api]\nmaintenance_interval = \"1s\"\nrestart_limit = 1\n");
    std::fs::write(&config, text_config).unwrap();
    let env = sb.json(&["create", "svc"]);
    let container = env["services"]["web"]["container"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.json(&["create", "short", "--ttl", "1ms", "--no-wait"]);
    let port = common::free_port();
    let mut server = sb
        .cmd()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .spawn()
        .unwrap();

    let names = || sb.names();
    assert!(
        wait_until(Duration::from_secs(20), || names() == ["svc"]),
        "the expired one is removed: {:?}",
        names()
    );

    std::process::Command::new("docker")
        .args(["kill", &container])
        .output()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || container_running(&container)),
        "restarted once"
    );
    assert_eq!(sb.json(&["show", "svc"])["status"], "running");

    std::process::Command::new("docker")
        .args(["kill", &container])
        .output()
        .unwrap();
    let failed = wait_until(Duration::from_secs(20), || {
        sb.json(&["show", "svc"])["status"] == "failed"
    });
    assert!(failed, "past the restart limit it is marked failed");
    assert!(
        sb.json(&["show", "svc"])["error"]
            .as_str()
            .unwrap()
            .contains("died 2 times")
    );
    let log = event_log(&sb.data_dir());
    assert!(log.contains("\"action\":\"restart\""), "{log}");

    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert!(server.wait().unwrap().success());
}

#[tokio::test]
async fn lists_follow_the_database_whoever_writes_it() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let (_, before) = call(
        &api,
        "GET",
        "/api/onboarding/environments",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(before.as_array().unwrap().len(), 2);
    // The CLI changes the database behind the server's back: the next list shows it.
    let out = sb.run(&["pin", "two"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (_, after) = call(
        &api,
        "GET",
        "/api/onboarding/environments?owner=bob",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(after[0]["pinned"], true);
    let (status, _) = call(
        &api,
        "GET",
        "/api/onboarding/environments?limit=5000",
        Some(&api.viewer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn the_cli_and_the_api_creating_at_once_lose_nothing() {
    let sb = Sandbox::new(40300);
    let config = sb.dir.path().join("config.toml");
    let mut text_config = std::fs::read_to_string(&config).unwrap();
    text_config.push_str("\n[api.rate_limit]\nenabled = false\n");
    std::fs::write(&config, text_config).unwrap();
    let out = sb.run(&["token", "create", "--name", "ops", "--role", "operator"]);
    let token = text(&out.stdout).lines().last().unwrap().to_owned();
    let port = common::free_port();
    let mut server = sb
        .cmd()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    }));

    let cli: Vec<_> = (0..6)
        .map(|i| {
            sb.cmd()
                .args(["create", &format!("cli{i}"), "--no-wait", "-q"])
                .spawn()
                .unwrap()
        })
        .collect();
    let api: Vec<_> = (0..6)
        .map(|i| {
            let token = token.clone();
            std::thread::spawn(move || {
                let body = format!(r#"{{"name": "api{i}"}}"#);
                http(
                    port,
                    "POST",
                    "/api/onboarding/new-environment",
                    &token,
                    Some(&body),
                )
                .0
            })
        })
        .collect();
    for mut c in cli {
        assert!(c.wait().unwrap().success());
    }
    for a in api {
        assert_eq!(a.join().unwrap(), 202);
    }
    let all_running = wait_until(Duration::from_secs(60), || {
        let envs = sb.json(&["list"]);
        let envs = envs.as_array().unwrap();
        envs.len() == 12 && envs.iter().all(|e| e["status"] == "running")
    });
    assert!(all_running, "{}", sb.json(&["list"]));
    let envs = sb.json(&["list"]);
    let ports: std::collections::HashSet<u64> = envs
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["base_port"].as_u64().unwrap())
        .collect();
    assert_eq!(ports.len(), 12, "every environment has its own block");
    sb.json(&["auto-reset-db", "--empty"]);
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert!(server.wait().unwrap().success());
}

#[tokio::test]
async fn the_openapi_spec_is_served_and_lists_every_endpoint() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let (status, spec) = call(&api, "GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    for path in [
        "/api/onboarding/environments",
        "/api/onboarding/environments/{id}",
        "/api/onboarding/new-environment",
        "/api/onboarding/events",
        "/api/admin/cleanup",
        "/healthz",
    ] {
        assert!(paths.contains_key(path), "{path} missing");
    }
    let env = &spec["components"]["schemas"]["Environment"]["properties"];
    for field in [
        "id",
        "name",
        "status",
        "ready",
        "base_port",
        "ports",
        "urls",
        "expires_at",
        "labels",
        "error",
    ] {
        assert!(
            env.get(field).is_some(),
            "Environment.{field} missing from the spec"
        );
    }
}

/// Every endpoint against every role: allowed means anything but 401 and 403.
#[tokio::test]
async fn every_endpoint_against_every_role() {
    let sb = Sandbox::new(40000);
    let api = api(&sb);
    let none = Value::Null;
    // (method, path, body, lowest role allowed); the requests change nothing.
    let cases: Vec<(&str, &str, Value, Role)> = vec![
        (
            "GET",
            "/api/onboarding/environments",
            none.clone(),
            Role::Viewer,
        ),
        (
            "GET",
            "/api/onboarding/environments/one",
            none.clone(),
            Role::Viewer,
        ),
        ("GET", "/api/onboarding/events", none.clone(), Role::Viewer),
        (
            "POST",
            "/api/onboarding/new-environment",
            serde_json::json!({"template": "nope"}),
            Role::Developer,
        ),
        (
            "PUT",
            "/api/onboarding/environments/one",
            serde_json::json!({}),
            Role::Developer,
        ),
        (
            "DELETE",
            "/api/onboarding/environments/ghost",
            none.clone(),
            Role::Developer,
        ),
        (
            "POST",
            "/api/admin/cleanup",
            serde_json::json!({"dry_run": true}),
            Role::Operator,
        ),
        (
            "POST",
            "/api/admin/sync",
            serde_json::json!({"dry_run": true}),
            Role::Operator,
        ),
        ("GET", "/api/admin/backups", none.clone(), Role::Admin),
    ];
    let tokens = [
        (Role::Viewer, &api.viewer),
        (Role::Developer, &api.alice),
        (Role::Operator, &api.operator),
        (Role::Admin, &api.admin),
    ];
    for (method, path, body, lowest) in &cases {
        let (status, _) = call(
            &api,
            method,
            path,
            None,
            (!body.is_null()).then(|| body.clone()),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token"
        );
        for (role, token) in &tokens {
            let request = Request::builder()
                .method(*method)
                .uri(*path)
                .header("authorization", format!("Bearer {token}"))
                .body(if body.is_null() {
                    Body::empty()
                } else {
                    Body::from(body.to_string())
                })
                .unwrap();
            let status = envctl::api::app(api.app.clone())
                .oneshot(request)
                .await
                .unwrap()
                .status();
            if role >= lowest {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{method} {path} as {role}: {status}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path} as {role}");
            }
        }
    }
    // Developers may not touch someone else's environment.
    let (status, _) = call(
        &api,
        "PUT",
        "/api/onboarding/environments/two",
        Some(&api.alice),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Reset last: it rebuilds the database.
    let (status, _) = call(&api, "POST", "/api/admin/reset", Some(&api.operator), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, report) = call(&api, "POST", "/api/admin/reset", Some(&api.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{report}");
}
