//! The operator's console in the web interface: the admin actions (tokens,
//! backups, restore, reset, sync) in a real browser against a real server
//! on the real engine, refused to developers and viewers; the create form's
//! fields; the environment page's pin, extend and restart of one service;
//! and the list page's filters, search, sort and pages.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::time::Duration;

use browser::{Driver, click, sign_in, text_of, type_into, wait_for_text, wait_path};
use common::{Sandbox, api_call, signed_in, wait_until};
use fantoccini::Locator;
use serde_json::{Value, json};

/// The event log's lines, parsed.
fn events(sb: &Sandbox) -> Vec<Value> {
    common::event_log(&sb.data_dir())
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// True when the log holds `action` done by `user` through the web, with `outcome`.
fn logged(sb: &Sandbox, action: &str, user: &str, outcome: &str) -> bool {
    events(sb).iter().any(|e| {
        e["action"] == action && e["user"] == user && e["via"] == "web" && e["outcome"] == outcome
    })
}

/// Rewrites the database file without the record `name` (the server
/// notices the change), as if it had been lost.
fn forget(sb: &Sandbox, name: &str) {
    let mut db: Value = serde_json::from_slice(&std::fs::read(sb.db_path()).unwrap()).unwrap();
    db["environments"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["name"] != name);
    std::fs::write(sb.db_path(), serde_json::to_vec(&db).unwrap()).unwrap();
}

fn started_at(container: &str) -> String {
    let out = std::process::Command::new("docker")
        .args(["inspect", "-f", "{{.State.StartedAt}}", container])
        .output()
        .unwrap();
    common::text(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_manages_tokens_backups_restore_reset_and_sync_in_a_browser() {
    let sb = Sandbox::new(29700);
    let admin = sb.token("root", "admin");
    sb.json(&["create", "doomed", "--no-wait"]);
    sb.json(&["create", "kept", "--no-wait"]);
    let server = sb.serve();
    let driver = Driver::start();
    let b = driver.browser().await;
    sign_in(&b, &server, &admin).await;
    let admin_page = format!("{}/admin", server.url());

    eprintln!("step: a token, made: its secret shown once, and it works");
    b.goto(&admin_page).await.unwrap();
    click(&b, "#tokens details.card summary").await;
    type_into(&b, "#token-name", "newdev").await;
    click(&b, "#new-token button").await;
    wait_path(&b, "/admin/tokens").await;
    let secret = wait_for_text(&b, "#secret", "envctl_").await;
    assert_eq!(
        api_call(
            server.port,
            "GET",
            "/api/onboarding/environments",
            &secret,
            None
        )
        .0,
        200
    );
    b.goto(&admin_page).await.unwrap();
    assert!(
        !b.source().await.unwrap().contains(&secret),
        "the secret is never shown again"
    );
    let id = sb
        .json(&["token", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "newdev")
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .unwrap();
    assert_eq!(
        text_of(&b, &format!("tr[data-token='{id}'] td.role"))
            .await
            .as_deref(),
        Some("developer")
    );

    eprintln!("step: revoked, it is refused");
    click(
        &b,
        &format!("tr[data-token='{id}'] details.confirm summary"),
    )
    .await;
    click(&b, &format!("tr[data-token='{id}'] button.danger")).await;
    wait_for_text(&b, "p.notice", "revoked").await;
    assert_eq!(
        api_call(
            server.port,
            "GET",
            "/api/onboarding/environments",
            &secret,
            None
        )
        .0,
        401
    );

    eprintln!("step: a backup, then a restore brings a deleted record back");
    click(&b, "#backup-now button").await;
    let notice = wait_for_text(&b, "p.notice", "Backup made").await;
    let backup = notice
        .strip_prefix("Backup made: ")
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .to_owned();
    assert!(sb.run(&["delete", "doomed", "--yes"]).status.success());
    assert_eq!(sb.names(), ["kept"]);
    b.goto(&admin_page).await.unwrap();
    click(
        &b,
        &format!("tr[data-backup='{backup}'] form.restore button"),
    )
    .await;
    wait_path(&b, "/admin/backups/restore").await;
    let added = wait_for_text(&b, "#restore-preview dd.added", "doomed").await;
    assert!(!added.contains("kept"), "{added}");
    assert_eq!(sb.names(), ["kept"], "the preview changes nothing");
    click(&b, "#confirm-restore button").await;
    wait_for_text(&b, "p.notice", "Restored").await;
    assert_eq!(sb.names(), ["doomed", "kept"]);

    eprintln!("step: verify");
    click(
        &b,
        &format!("tr[data-backup='{backup}'] form.verify button"),
    )
    .await;
    wait_for_text(&b, "p.notice", "is sound: 2 environment(s)").await;

    eprintln!("step: reset: the plan first, then the reset");
    b.goto(&admin_page).await.unwrap();
    click(&b, "#plan-reset button").await;
    wait_path(&b, "/admin/reset").await;
    wait_for_text(&b, "#reset-plan dd.dropped", "doomed").await;
    wait_for_text(&b, "#reset-plan dd.kept", "kept").await;
    assert_eq!(sb.names(), ["doomed", "kept"], "the plan changes nothing");
    click(&b, "#confirm-reset button").await;
    wait_for_text(&b, "p.notice", "Reset done: 2 records before, 1 after").await;
    assert_eq!(sb.names(), ["kept"]);

    eprintln!("step: sync with orphans removed: the report first");
    sb.json(&["create", "lost", "--no-wait"]);
    forget(&sb, "lost");
    b.goto(&admin_page).await.unwrap();
    click(&b, "#plan-sync input[name=remove_orphans]").await;
    click(&b, "#plan-sync button").await;
    wait_path(&b, "/admin/sync").await;
    let plan = wait_for_text(&b, "main", "would remove").await;
    assert!(plan.contains("orphan"), "{plan}");
    assert_eq!(
        sb.labelled("container").len(),
        2,
        "the plan removes nothing"
    );
    click(&b, "#confirm-sync button").await;
    wait_for_text(&b, "p.notice", "1 orphans removed").await;
    assert_eq!(sb.labelled("container").len(), 1);

    for action in [
        "token-create",
        "token-revoke",
        "backup",
        "restore",
        "backup-verify",
        "reset",
        "sync",
    ] {
        assert!(
            logged(&sb, action, "root", "ok"),
            "{action} is in the event log with its caller"
        );
    }
    b.close().await.unwrap();
    drop(driver);
    drop(server);
    sb.run(&["delete", "kept", "--yes"]);
}

#[test]
fn developers_and_viewers_see_no_admin_action_and_are_refused() {
    let sb = Sandbox::new(29720);
    let dev = sb.token("alice", "developer");
    let viewer = sb.token("pm", "viewer");
    let operator = sb.token("ops", "operator");
    let server = sb.serve();
    let posts = [
        "/admin/cleanup",
        "/admin/sync",
        "/admin/reset",
        "/admin/backups",
        "/admin/backups/verify",
        "/admin/backups/restore",
        "/admin/tokens",
        "/admin/tokens/revoke",
    ];
    let gets = [
        "/admin",
        "/admin/sync",
        "/admin/reset",
        "/admin/backups/restore?name=x",
    ];
    for token in [&dev, &viewer] {
        let (mut http, csrf) = signed_in(&server, token);
        let list = http.send("GET", "/", None);
        assert!(!list.body.contains("/admin"), "no way to the admin page");
        for path in gets {
            assert_eq!(http.send("GET", path, None).status, 403, "GET {path}");
        }
        for path in posts {
            let body = format!("csrf={csrf}&name=sneaky&role=admin&token=ops&empty=on");
            assert_eq!(
                http.send("POST", path, Some(&body)).status,
                403,
                "POST {path}"
            );
        }
    }
    // An operator runs cleanups and syncs, nothing of an admin's.
    let (mut ops, csrf) = signed_in(&server, &operator);
    let page = ops.send("GET", "/admin", None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"plan-sync\""));
    for section in ["id=\"tokens\"", "id=\"backups\"", "id=\"reset\""] {
        assert!(!page.body.contains(section), "{section} is for admins");
    }
    for path in [
        "/admin/reset",
        "/admin/backups",
        "/admin/tokens",
        "/admin/tokens/revoke",
    ] {
        let body = format!("csrf={csrf}&name=sneaky&role=admin&token=alice");
        assert_eq!(
            ops.send("POST", path, Some(&body)).status,
            403,
            "POST {path}"
        );
    }
    assert_eq!(ops.send("GET", "/admin/reset", None).status, 403);
    assert_eq!(sb.json(&["token", "list"]).as_array().unwrap().len(), 3);
    assert!(sb.json(&["backup", "list"]).as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_create_form_carries_every_field_and_the_page_pins_extends_and_restarts_a_service() {
    let sb = Sandbox::new(29800);
    let alice = sb.token("alice", "developer");
    let pm = sb.token("pm", "viewer");
    let server = sb.serve();
    let driver = Driver::start();
    let b = driver.browser().await;
    sign_in(&b, &server, &alice).await;

    eprintln!("step: a developer's browser shows no admin action, and /admin refuses");
    b.goto(&server.url()).await.unwrap();
    let list = b.source().await.unwrap();
    assert!(!list.contains("/admin"), "no way to the admin page");
    b.goto(&format!("{}/admin", server.url())).await.unwrap();
    let admin = b.source().await.unwrap();
    assert!(admin.contains("may not"), "{admin}");
    for action in [
        "Run the cleanup",
        "New token",
        "Back up now",
        "Plan the reset",
    ] {
        assert!(!admin.contains(action), "{action} shown to a developer");
    }
    b.goto(&server.url()).await.unwrap();

    eprintln!("step: a bad label says what the CLI says");
    let cli = sb.run(&["create", "nope", "--label", "bad key=1"]);
    let cli_error = common::text(&cli.stderr);
    let cli_error = cli_error
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("error: ")
        .to_owned();
    type_into(&b, "#labels", "bad key=1").await;
    click(&b, "#create button").await;
    let said = wait_for_text(&b, "p.error", "label").await;
    assert_eq!(said, cli_error);

    eprintln!("step: every field reaches the environment");
    b.goto(&server.url()).await.unwrap();
    type_into(&b, "#name", "formed").await;
    type_into(&b, "#ttl", "2h").await;
    type_into(&b, "#labels", "team=red, tier=gold").await;
    type_into(&b, "#timeout", "5m").await;
    click(&b, "#pinned").await;
    click(&b, "#keep_on_failure").await;
    click(&b, "#create button").await;
    let mut path = String::new();
    for _ in 0..100 {
        path = b.current_url().await.unwrap().path().to_owned();
        if path.starts_with("/environments/") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(path.starts_with("/environments/"), "at {path}");
    let env = sb.json(&["show", "formed"]);
    assert_eq!(env["labels"], json!({"team": "red", "tier": "gold"}));
    assert_eq!(env["pinned"], true);
    assert_eq!(env["owner"], "alice");
    let created: chrono::DateTime<chrono::Utc> =
        env["created_at"].as_str().unwrap().parse().unwrap();
    let expires: chrono::DateTime<chrono::Utc> =
        env["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((expires - created).num_minutes(), 120);
    assert!(wait_until(Duration::from_secs(60), || events(&sb)
        .iter()
        .any(|e| e["action"] == "create" && e["via"] == "web")));
    wait_for_text(&b, "#panel .state .status", "running").await;

    eprintln!("step: unpin, pin");
    click(&b, "form.pin button").await;
    assert!(wait_until(Duration::from_secs(10), || sb
        .json(&["show", "formed"])["pinned"]
        == false));
    wait_for_text(&b, "form.pin button", "Pin").await;
    click(&b, "form.pin button").await;
    assert!(wait_until(Duration::from_secs(10), || sb
        .json(&["show", "formed"])["pinned"]
        == true));

    eprintln!("step: extend by a day");
    wait_for_text(&b, "form.extend button", "Extend").await;
    click(&b, "form.extend button").await;
    assert!(wait_until(Duration::from_secs(10), || {
        sb.json(&["show", "formed"])["expires_at"]
            .as_str()
            .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
            .is_some_and(|t| (t - expires).num_hours() == 24)
    }));

    eprintln!("step: restart one service: its container starts again");
    let container = env["services"]["web"]["container"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = started_at(&container);
    wait_for_text(&b, "tr[data-service=web] form.restart button", "Restart").await;
    click(&b, "tr[data-service=web] form.restart button").await;
    assert!(
        wait_until(Duration::from_secs(30), || {
            let now = started_at(&container);
            !now.is_empty() && now != before
        }),
        "StartedAt stayed {before}"
    );
    assert!(wait_until(Duration::from_secs(10), || logged(
        &sb, "restart", "alice", "ok"
    )));
    for action in ["pin", "unpin", "extend"] {
        assert!(logged(&sb, action, "alice", "ok"), "{action}");
    }

    eprintln!("step: the API restarts one service too, with the same rules");
    let path = "/api/onboarding/environments/formed/services/web/restart";
    let (status, body) = api_call(server.port, "POST", path, &alice, None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "formed");
    let (status, body) = api_call(
        server.port,
        "POST",
        "/api/onboarding/environments/formed/services/nope/restart",
        &alice,
        None,
    );
    assert_eq!(status, 404);
    assert!(body.to_string().contains("it has: web"), "{body}");
    assert_eq!(api_call(server.port, "POST", path, &pm, None).0, 403);

    eprintln!("step: and the CLI, locally and through the server");
    let before = started_at(&container);
    let out = sb.run(&["restart", "formed", "web"]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert_ne!(started_at(&container), before, "restarted when it answers");
    let before = started_at(&container);
    let remote = server
        .client(&alice)
        .args(["restart", "formed", "web"])
        .output()
        .unwrap();
    assert!(remote.status.success(), "{}", common::text(&remote.stderr));
    assert_ne!(started_at(&container), before);
    let unknown = server
        .client(&alice)
        .args(["restart", "formed", "nope"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(3), "not found");
    assert!(common::text(&unknown.stderr).contains("it has: web"));
    let refused = server
        .client(&pm)
        .args(["restart", "formed", "web"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(9), "refused");

    eprintln!("step: a viewer is offered none of it");
    let (mut viewer, _) = signed_in(&server, &pm);
    let page = viewer.send(
        "GET",
        &format!("/environments/{}", env["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(page.status, 200);
    for form in ["pin", "restart", "extend"] {
        assert!(
            !page.body.contains(&format!("form class=\"{form}\"")),
            "{form}"
        );
    }
    b.close().await.unwrap();
    drop(driver);
    drop(server);
    sb.run(&["delete", "formed", "--yes"]);
}

/// `n` crafted records, no containers: cheap to list, never started.
fn seed(sb: &Sandbox, n: usize) {
    let base: chrono::DateTime<chrono::Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
    let envs: Vec<Value> = (1..=n as i64)
        .map(|i| {
            let created = base + chrono::Duration::minutes(i);
            json!({
                "id": format!("{:08x}", 0xc0de_0000_u32 + i as u32),
                "name": format!("env-{i:03}"),
                "template": if i % 4 == 0 { "trio" } else { "web" },
                "owner": if i % 2 == 0 { "alice" } else { "bob" },
                "status": if i % 3 == 0 { "failed" } else { "stopped" },
                "ready": false,
                "base_port": sb.base,
                "port_count": 1,
                "ports": {},
                "urls": {},
                "services": {},
                "created_at": created,
                "updated_at": created,
                "expires_at": (i % 2 == 1).then(|| base + chrono::Duration::hours(200 - i)),
                "labels": {"team": if i % 5 == 0 { "red" } else { "blue" }},
                "error": null,
                "pinned": true,
            })
        })
        .collect();
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    let db = json!({"schema_version": 1, "instance_id": "c0dec0dec0dec0de", "environments": envs});
    std::fs::write(sb.db_path(), serde_json::to_vec(&db).unwrap()).unwrap();
}

/// The names in the list's rows, in order (one round trip, not one per row).
async fn rows(b: &fantoccini::Client) -> Vec<String> {
    let names = b
        .execute(
            "return Array.from(document.querySelectorAll('tbody[data-rows] tr td:first-child a'), a => a.textContent);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_filters_searches_sorts_and_pages_past_100_without_javascript() {
    let sb = Sandbox::with_config(29840, "[api]\nmaintenance_interval = \"1h\"\n");
    seed(&sb, 130);
    let pm = sb.token("pm", "viewer");
    let server = sb.serve();
    let driver = Driver::start();
    let b = driver.browser().await;
    sign_in(&b, &server, &pm).await;

    eprintln!("step: pages");
    assert_eq!(
        text_of(&b, "#count").await.unwrap(),
        "130 environment(s); page 1 of 2."
    );
    let first = rows(&b).await;
    assert_eq!((first.len(), first[0].as_str()), (100, "env-001"));
    assert!(
        b.find(Locator::Css("tbody[data-append]")).await.is_err(),
        "new rows belong on the last page"
    );
    click(&b, "a[rel=next]").await;
    wait_for_text(&b, "#count", "page 2 of 2").await;
    let second = rows(&b).await;
    assert_eq!((second.len(), second[0].as_str()), (30, "env-101"));
    assert!(
        b.find(Locator::Css("tbody[data-live][data-append]"))
            .await
            .is_ok()
    );

    eprintln!("step: sort by name, both ways");
    b.goto(&server.url()).await.unwrap();
    click(&b, "th a[data-sort=name]").await;
    wait_for_text(&b, "th[aria-sort=ascending]", "Name").await;
    click(&b, "th a[data-sort=name]").await;
    wait_for_text(&b, "th[aria-sort=descending]", "Name").await;
    assert_eq!(rows(&b).await[0], "env-130");
    click(&b, "th a[data-sort=expires]").await;
    wait_for_text(&b, "th[aria-sort=ascending]", "Expires").await;
    assert_eq!(rows(&b).await[0], "env-129", "the nearest end first");

    eprintln!("step: filters in a GET form");
    b.goto(&server.url()).await.unwrap();
    click(&b, "#filters select[name=status] option[value=failed]").await;
    type_into(&b, "#filters input[name=owner]", "bob").await;
    click(&b, "#filters button").await;
    wait_for_text(&b, "#count", "22 environment(s) match").await;
    let url = b.current_url().await.unwrap();
    assert!(url.query().unwrap().contains("status=failed"), "{url}");
    assert!(rows(&b).await.iter().all(|n| {
        let i: u32 = n[4..].parse().unwrap();
        i.is_multiple_of(3) && !i.is_multiple_of(2)
    }));
    assert!(b.find(Locator::Css("tbody[data-append]")).await.is_err());
    // Sorting keeps the filter.
    click(&b, "th a[data-sort=name]").await;
    wait_for_text(&b, "th[aria-sort=ascending]", "Name").await;
    wait_for_text(&b, "#count", "22 environment(s) match").await;

    eprintln!("step: search");
    b.goto(&format!("{}/?q=ENV-01", server.url()))
        .await
        .unwrap();
    wait_for_text(&b, "#count", "10 environment(s) match").await;
    b.goto(&format!("{}/?label=team%3Dred&template=web", server.url()))
        .await
        .unwrap();
    // Every 5th is red; of those, every 4th is trio: 26 - 6.
    wait_for_text(&b, "#count", "20 environment(s) match").await;
    eprintln!("step: bad");
    b.goto(&format!("{}/?sort=size", server.url()))
        .await
        .unwrap();
    wait_for_text(&b, "p.error", "sort by name, created, expires or status").await;
    b.close().await.unwrap();
}
