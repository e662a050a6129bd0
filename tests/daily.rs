//! The daily commands of issue 14 that need no terminal: `extend` and its
//! limit (`[defaults] max_lifetime`) through the CLI, the API and the web
//! form; the owner when `$USER` is unset; `--json` on empty lists; `show`'s
//! port range in `list`'s notation. On the real engine, through the binary.

mod common;

use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use common::{Sandbox, api_call, signed_in, text};

fn with_max_lifetime(base: u16) -> Sandbox {
    let sb = Sandbox::new(base);
    let path = sb.dir.path().join("config.toml");
    let config = std::fs::read_to_string(&path)
        .unwrap()
        .replace("[defaults]\n", "[defaults]\nmax_lifetime = \"2d\"\n");
    std::fs::write(&path, config).unwrap();
    sb
}

fn expires(env: &serde_json::Value) -> DateTime<Utc> {
    env["expires_at"].as_str().unwrap().parse().unwrap()
}

fn near(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (a - b).num_seconds().abs() < 60
}

#[test]
fn extend_moves_the_end_of_life_within_the_maximum_lifetime() {
    let sb = with_max_lifetime(28860);
    // A TTL over the maximum is refused at create.
    let out = sb.run(&["create", "long", "--ttl", "3d", "--no-wait"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("max_lifetime"),
        "{}",
        text(&out.stderr)
    );
    // Without a TTL, the maximum is the end.
    let env = sb.json(&["create", "dev", "--no-wait"]);
    let created: DateTime<Utc> = env["created_at"].as_str().unwrap().parse().unwrap();
    assert!(near(expires(&env), created + Duration::days(2)), "{env}");

    let env = sb.json(&["create", "short", "--ttl", "1h", "--no-wait"]);
    let first = expires(&env);
    let env = sb.json(&["extend", "short", "1d"]);
    assert!(near(expires(&env), first + Duration::days(1)), "{env}");
    let human = sb.run(&["extend", "short", "1h"]);
    assert!(human.status.success(), "{}", text(&human.stderr));
    assert!(
        text(&human.stdout).contains("now ends"),
        "{}",
        text(&human.stdout)
    );

    // Past the maximum: refused, and nothing changes.
    let before = expires(&sb.json(&["show", "short"]));
    let out = sb.run(&["extend", "short", "2d"]);
    assert_eq!(out.status.code(), Some(8), "a conflict with its lifetime");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("at the latest"), "{stderr}");
    assert_eq!(expires(&sb.json(&["show", "short"])), before);
    // --until: in the future and within the limit; not in the past.
    let until = (Utc::now() + Duration::hours(30)).to_rfc3339();
    let env = sb.json(&["extend", "short", "--until", &until]);
    assert!(near(expires(&env), until.parse().unwrap()));
    let out = sb.run(&["extend", "short", "--until", "2020-01-01T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(8));
    assert!(text(&out.stderr).contains("has passed"));
    let out = sb.run(&["extend", "short", "--until", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    // Neither a duration nor --until: a usage error.
    assert_eq!(sb.run(&["extend", "short"]).status.code(), Some(2));

    // The API's PUT takes `extend`; a developer may not extend another's.
    let owner = sb.token("tester", "developer");
    let other = sb.token("someone", "developer");
    let server = sb.serve();
    let before = expires(&sb.json(&["show", "short"]));
    let path = "/api/onboarding/environments/short";
    let (status, _) = api_call(server.port, "PUT", path, &other, Some(r#"{"extend":"1h"}"#));
    assert_eq!(status, 403);
    let (status, body) = api_call(server.port, "PUT", path, &owner, Some(r#"{"extend":"1h"}"#));
    assert_eq!(status, 200, "{body}");
    assert!(near(expires(&body), before + Duration::hours(1)));
    let (status, body) = api_call(server.port, "PUT", path, &owner, Some(r#"{"extend":"9d"}"#));
    assert_eq!(status, 409, "{body}");
    // With a new end too, the earlier end wins.
    let before = expires(&sb.json(&["show", "short"]));
    let sooner = (before + Duration::minutes(10)).to_rfc3339();
    let (status, body) = api_call(
        server.port,
        "PUT",
        path,
        &owner,
        Some(&format!(r#"{{"extend":"1d","expires_at":"{sooner}"}}"#)),
    );
    assert_eq!(status, 200, "{body}");
    assert!(near(expires(&body), sooner.parse().unwrap()));

    // The web page's button.
    let (mut http, csrf) = signed_in(&server, &owner);
    let id = sb.json(&["show", "short"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = http.send("GET", &format!("/environments/{id}"), None);
    assert!(page.body.contains("Extend"), "the page offers it");
    let before = expires(&sb.json(&["show", "short"]));
    let r = http.send(
        "POST",
        &format!("/environments/{id}/extend"),
        Some(&format!("csrf={csrf}&by=1h")),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(near(
        expires(&sb.json(&["show", "short"])),
        before + Duration::hours(1)
    ));
    drop(server);
    for name in ["dev", "short"] {
        assert!(sb.run(&["delete", name, "--yes"]).status.success());
    }
}

#[test]
fn the_owner_comes_from_the_user_database_without_user_and_json_is_valid_when_empty() {
    let sb = Sandbox::new(28880);
    for args in [
        vec!["list"],
        vec!["list", "--owner", "nobody"],
        vec!["archive", "list"],
        vec!["backup", "list"],
        vec!["token", "list"],
        vec!["pool", "status"],
    ] {
        let value = sb.json(&args);
        assert_eq!(value, serde_json::json!([]), "{args:?}");
    }
    let os_user = text(&Command::new("id").arg("-un").output().unwrap().stdout)
        .trim()
        .to_owned();
    let out = sb
        .cmd()
        .env_remove("USER")
        .env_remove("LOGNAME")
        .args(["create", "mine", "--no-wait", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let env: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(env["owner"], os_user.as_str());
    assert_ne!(env["owner"], "unknown");

    // show prints the port range as list does.
    let base = env["base_port"].as_u64().unwrap();
    let range = format!("{base}-{base}");
    let list = text(&sb.run(&["list"]).stdout);
    let show = text(&sb.run(&["show", "mine"]).stdout);
    assert!(list.contains(&range), "{list}");
    assert!(show.contains(&range), "{show}");
    assert!(sb.run(&["delete", "mine", "--yes"]).status.success());
}
