//! The web interface: in a real browser (Debian's chromium, headless, driven
//! over WebDriver by fantoccini through chromedriver) against a real server
//! on the real engine; and its security (CSRF, CSP, escaping) over plain HTTP.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::collections::HashMap;
use std::time::Duration;

use browser::{Driver, click, sign_in, text_of, type_into, wait_path};
use common::{Http, Sandbox, form_value, signed_in, wait_until};
use fantoccini::{Client, Locator};

/// Polls (without reloading) until the element's text is `want`.
async fn wait_text(b: &Client, css: &str, want: &str, limit: Duration) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if text_of(b, css).await.as_deref() == Some(want) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// Marks the page, to tell later that it was not reloaded.
async fn mark(b: &Client) {
    b.execute("window.envctlMark = 42;", vec![]).await.unwrap();
}

async fn still_marked(b: &Client) -> bool {
    b.execute("return window.envctlMark === 42;", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_browser_sign_in_create_watch_it_run_see_figures_delete_and_sign_out() {
    let sb = Sandbox::with_config(41600, "[api]\nstats_interval = \"1s\"\n");
    let alice = sb.token("alice", "developer");
    let pm = sb.token("pm", "viewer");
    let server = sb.serve();
    let driver = Driver::start();
    let b = driver.browser().await;

    eprintln!("step: sign in");
    sign_in(&b, &server, &alice).await;
    eprintln!("step: signed in");
    // At 375 px nothing scrolls sideways but the tables' own boxes.
    let widths = b
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(widths[0], 375, "the viewport");
    assert!(
        widths[1].as_u64().unwrap() <= 375,
        "the page is {} px wide",
        widths[1]
    );

    // The create form: open it, fill it, send it.
    let form = b.find(Locator::Css("details.card")).await.unwrap();
    if form.attr("open").await.unwrap().is_none() {
        click(&b, "details.card summary").await;
    }
    type_into(&b, "#name", "webby").await;
    type_into(&b, "#ttl", "2h").await;
    click(&b, "#create button").await;
    eprintln!("step: created");
    let id = {
        let mut id = None;
        for _ in 0..100 {
            let url = b.current_url().await.unwrap();
            if let Some(rest) = url.path().strip_prefix("/environments/") {
                id = Some(rest.to_owned());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        id.expect("the create form leads to the environment's page")
    };
    mark(&b).await;
    // Progress, live: it turns running and ready without a reload.
    assert!(
        wait_text(
            &b,
            "#panel .state .status",
            "running",
            Duration::from_secs(60)
        )
        .await
            && wait_text(&b, "#panel .state .ready", "yes", Duration::from_secs(60)).await,
        "status: {:?}",
        text_of(&b, "#panel .state").await
    );
    assert!(still_marked(&b).await, "the page was not reloaded");
    let env = sb.json(&["show", "webby"]);
    assert_eq!(env["id"].as_str(), Some(id.as_str()));
    let link = b
        .find(Locator::Css("#panel tr[data-service=web] a"))
        .await
        .unwrap();
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        env["urls"]["web"].as_str()
    );

    eprintln!("step: list");
    // The list follows another terminal's create live.
    b.goto(&server.url()).await.unwrap();
    mark(&b).await;
    let cli = sb.cmd().args(["create", "from-cli"]).output().unwrap();
    assert!(cli.status.success());
    assert!(
        wait_text(
            &b,
            &format!(
                "tr[data-env=\"{}\"] .status",
                sb.json(&["show", "from-cli"])["id"].as_str().unwrap()
            ),
            "running",
            Duration::from_secs(30)
        )
        .await,
        "the new row appeared and turned running"
    );
    assert!(still_marked(&b).await);

    eprintln!("step: figures");
    // Its page shows figures (the monitor samples every second here) and charts.
    let page = format!(
        "{}/environments/{}",
        server.url(),
        env["id"].as_str().unwrap()
    );
    let mut figures = false;
    for _ in 0..30 {
        b.goto(&page).await.unwrap();
        if b.find(Locator::Css("#panel td.cpu")).await.is_ok()
            && b.find(Locator::Css("#panel svg polyline")).await.is_ok()
        {
            figures = true;
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(figures, "no figures on the page");
    let memory = text_of(&b, "#panel td.memory").await.unwrap();
    assert!(memory.contains("of 64.0 MiB"), "{memory}");
    assert!(
        text_of(&b, "details.logs summary")
            .await
            .unwrap()
            .contains("web")
    );

    eprintln!("step: delete");
    // Delete, with its confirmation.
    click(&b, "details.confirm summary.danger").await;
    click(&b, "details.confirm button.danger").await;
    wait_path(&b, "/").await;
    assert!(text_of(&b, "p.notice").await.unwrap().contains("webby"));
    assert!(wait_until(Duration::from_secs(30), || sb.names() == vec!["from-cli"]));

    // Sign out: the pages send you to sign in again.
    click(&b, "header .who button").await;
    wait_path(&b, "/login").await;
    b.goto(&server.url()).await.unwrap();
    wait_path(&b, "/login").await;

    // A viewer is offered neither create nor delete (nor the admin page).
    sign_in(&b, &server, &pm).await;
    assert!(b.find(Locator::Css("#create")).await.is_err());
    assert!(b.find(Locator::Css("a[href='/admin']")).await.is_err());
    let id = sb.json(&["show", "from-cli"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.goto(&format!("{}/environments/{id}", server.url()))
        .await
        .unwrap();
    assert!(text_of(&b, "h1").await.unwrap().contains("from-cli"));
    assert!(b.find(Locator::Css("details.confirm")).await.is_err());
    assert!(
        b.find(Locator::Css("form[action$='/delete']"))
            .await
            .is_err()
    );
    b.goto(&format!("{}/dashboard", server.url()))
        .await
        .unwrap();
    assert!(text_of(&b, "h1").await.unwrap().contains("Dashboard"));
    b.close().await.unwrap();
    drop(driver);
    drop(server);
    sb.run(&["delete", "from-cli", "--yes"]);
}

#[test]
fn forms_need_their_csrf_secret_pages_have_a_csp_and_user_input_is_escaped() {
    let sb = Sandbox::new(41700);
    let token = sb.token("alice", "developer");
    let viewer = sb.token("pm", "viewer");
    // A label a user typed, meant to run in everyone's browser.
    sb.json(&[
        "create",
        "tricky",
        "--no-wait",
        "--owner",
        "alice",
        "--label",
        "note=<script>alert(1)</script>\"'",
    ]);
    let server = sb.serve();
    let mut http = Http {
        port: server.port,
        cookies: HashMap::new(),
    };

    // Sign-in needs the login form's own secret (double-submit cookie).
    let login = http.send("GET", "/login", None);
    assert!(
        login
            .headers
            .contains("content-security-policy: default-src 'none'; script-src 'self'")
    );
    assert!(login.headers.contains("x-frame-options: DENY"));
    let csrf = form_value(&login.body, "csrf");
    let refused = http.send("POST", "/login", Some(&format!("token={token}&csrf=wrong")));
    assert_eq!(refused.status, 403);
    let bad = http.send("GET", "/login", None);
    let csrf2 = form_value(&bad.body, "csrf");
    assert_ne!(csrf, csrf2);
    let wrong_token = http.send("POST", "/login", Some(&format!("token=nope&csrf={csrf2}")));
    assert_eq!(wrong_token.status, 401);
    let csrf3 = form_value(&wrong_token.body, "csrf");
    let ok = http.send(
        "POST",
        "/login",
        Some(&format!("token={token}&csrf={csrf3}")),
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert!(ok.headers.contains("HttpOnly; SameSite=Strict"));

    let list = http.send("GET", "/", None);
    assert_eq!(list.status, 200);
    let session_csrf = form_value(&list.body, "csrf");
    let id = sb.json(&["show", "tricky"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = http.send("GET", &format!("/environments/{id}"), None);
    assert!(
        page.body
            .contains("note=&lt;script&gt;alert(1)&lt;/script&gt;&quot;'"),
        "escaped"
    );
    assert!(!page.body.contains("<script>alert"));

    // No secret, or another's: refused, nothing changed.
    for csrf in ["", "0000", &form_value(&login.body, "csrf")] {
        let r = http.send(
            "POST",
            &format!("/environments/{id}/delete"),
            Some(&format!("csrf={csrf}")),
        );
        assert_eq!(r.status, 403, "csrf {csrf:?}");
        let r = http.send(
            "POST",
            "/environments",
            Some(&format!("csrf={csrf}&template=web&name=sneaky")),
        );
        assert_eq!(r.status, 403);
    }
    assert_eq!(sb.names(), vec!["tricky"]);
    // With it: done.
    let r = http.send(
        "POST",
        &format!("/environments/{id}/stop"),
        Some(&format!("csrf={session_csrf}")),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(sb.json(&["show", "tricky"])["status"], "stopped");

    // Without a session: sent to sign in; scripts' fetches get 401.
    let mut stranger = Http {
        port: server.port,
        cookies: HashMap::new(),
    };
    assert_eq!(stranger.send("GET", "/", None).status, 303);
    assert_eq!(
        stranger
            .send("GET", &format!("/environments/{id}/panel"), None)
            .status,
        401
    );
    assert_eq!(stranger.send("GET", "/ui/events", None).status, 401);

    // A viewer's forged form is refused by the server too.
    let mut pm = Http {
        port: server.port,
        cookies: HashMap::new(),
    };
    let login = pm.send("GET", "/login", None);
    let csrf = form_value(&login.body, "csrf");
    assert_eq!(
        pm.send(
            "POST",
            "/login",
            Some(&format!("token={viewer}&csrf={csrf}"))
        )
        .status,
        303
    );
    let csrf = form_value(&pm.send("GET", "/", None).body, "csrf");
    let r = pm.send(
        "POST",
        &format!("/environments/{id}/delete"),
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(r.status, 403);
    let r = pm.send(
        "POST",
        "/environments",
        Some(&format!("csrf={csrf}&template=web&name=viewers")),
    );
    assert_eq!(r.status, 403);
    assert_eq!(pm.send("GET", "/admin", None).status, 403);

    // Revoking the token ends its sessions.
    assert!(sb.run(&["token", "revoke", "alice"]).status.success());
    assert_eq!(http.send("GET", "/", None).status, 303);
    sb.run(&["delete", "tricky", "--yes"]);
}

#[test]
fn the_admin_page_shows_the_plan_runs_the_cleanup_and_shows_backups_to_admins() {
    let sb = Sandbox::with_config(41800, "[cleanup]\nkeep = 1\n");
    let operator = sb.token("ops", "operator");
    let admin = sb.token("root", "admin");
    sb.json(&["create", "older", "--no-wait"]);
    sb.json(&["create", "newer", "--no-wait"]);
    let server = sb.serve();

    let (mut ops, csrf) = signed_in(&server, &operator);
    let page = ops.send("GET", "/admin", None);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("1 to remove, 1 to keep"),
        "{}",
        page.body
    );
    assert!(page.body.contains("remove: beyond the 1 most recent"));
    assert!(page.body.contains("Run the cleanup"));
    assert!(page.body.contains("Sync report"));
    assert!(
        !page.body.contains("<h2>Backups</h2>"),
        "backups are for admins"
    );
    assert_eq!(sb.names(), vec!["older", "newer"], "the page is a dry run");

    let done = ops.send("POST", "/admin/cleanup", Some(&format!("csrf={csrf}")));
    assert_eq!(done.status, 200);
    assert!(
        done.body
            .contains("Cleanup done: 1 removed, 0 failed; backup"),
        "{}",
        done.body
    );
    assert_eq!(sb.names(), vec!["newer"]);

    let (mut root, _) = signed_in(&server, &admin);
    let page = root.send("GET", "/admin", None);
    assert!(page.body.contains("<h2>Backups</h2>") && page.body.contains("cleanup"));
    let dashboard = root.send("GET", "/dashboard", None);
    assert_eq!(dashboard.status, 200);
    for part in [
        "<h2>History</h2>",
        "Provisioning time",
        "<h3>Cleanup</h3>",
        "Utilisation",
    ] {
        assert!(dashboard.body.contains(part), "{part}");
    }
    drop(server);
    sb.run(&["delete", "newer", "--yes"]);
}
