//! Command-line behaviour that needs no Docker: config, database errors,
//! locking, exit codes.

mod common;

use std::time::Duration;

use common::{Sandbox, text};

#[test]
fn a_corrupt_database_is_a_clear_error_and_stays_byte_for_byte() {
    let sb = Sandbox::new(33400);
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    let garbage =
        b"{\"schema_version\": 1, \"instance_id\": \"abc\", \"environments\": [ {\"id\": ";
    std::fs::write(sb.db_path(), garbage).unwrap();
    for args in [
        &["list"][..],
        &["show", "x"],
        &["create", "x"],
        &["delete", "x", "--yes"],
    ] {
        let out = sb.run(args);
        assert_eq!(
            out.status.code(),
            Some(6),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(
            err.contains("environments.json") && err.contains("unreadable"),
            "{err}"
        );
        assert!(err.contains("left untouched"), "{err}");
    }
    assert_eq!(std::fs::read(sb.db_path()).unwrap(), garbage);
}

#[test]
fn a_newer_schema_is_refused() {
    let sb = Sandbox::new(33400);
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    std::fs::write(
        sb.db_path(),
        br#"{"schema_version": 2, "instance_id": "abc", "environments": []}"#,
    )
    .unwrap();
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        text(&out.stderr).contains("schema version 2"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_held_lock_is_busy_with_its_own_exit_code() {
    let sb = Sandbox::new(33400);
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    let lock = std::fs::File::create(sb.data_dir().join("environments.json.lock")).unwrap();
    lock.lock().unwrap();
    let started = std::time::Instant::now();
    let out = sb.run(&["list", "--lock-timeout", "300ms"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("busy"));
    assert!(started.elapsed() < Duration::from_secs(5));
    lock.unlock().unwrap();
    assert!(sb.run(&["list"]).status.success());
}

#[test]
fn a_bad_config_names_the_file_and_the_key() {
    let sb = Sandbox::new(33400);
    let config = sb.dir.path().join("config.toml");
    std::fs::write(&config, "[ports]\nbase = 8090\nmax = \"high\"\n").unwrap();
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("ports.max") && err.contains("line 3"),
        "{err}"
    );

    std::fs::write(
        &config,
        "[templates.x]\n[[templates.x.services]]\nname = \"a\"\nimage = \"i\"\nmemory = \"lots\"\n",
    )
    .unwrap();
    let err = text(&sb.run(&["templates"]).stderr);
    assert!(
        err.contains("templates.x.services[0].memory") && err.contains("512m"),
        "{err}"
    );

    std::fs::write(&config, "this is not toml").unwrap();
    assert_eq!(sb.run(&["templates"]).status.code(), Some(2));
}

#[test]
fn without_a_config_file_the_onboarding_template_is_built_in() {
    let sb = Sandbox::new(33400);
    let out = sb
        .cmd()
        .args(["templates", "--json"])
        .env_remove("ENVCTL_CONFIG")
        .env("XDG_CONFIG_HOME", sb.dir.path().join("nowhere"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let templates: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let services: Vec<(&str, u64)> = templates["onboarding"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["offset"].as_u64().unwrap()))
        .collect();
    assert_eq!(services, vec![("jira", 0), ("gitlab", 1), ("dashboard", 2)]);
}

#[test]
fn usage_errors_exit_2_and_missing_environments_exit_3() {
    let sb = Sandbox::new(33400);
    assert_eq!(sb.run(&["create", "--ttl", "soon"]).status.code(), Some(2));
    assert_eq!(sb.run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(sb.run(&["create", "Bad_Name"]).status.code(), Some(2));
    assert_eq!(
        sb.run(&["create", "x", "-t", "nope"]).status.code(),
        Some(2)
    );
    assert_eq!(sb.run(&["show", "ghost"]).status.code(), Some(3));
    assert_eq!(
        sb.run(&["list", "--status", "weird"]).status.code(),
        Some(2)
    );
    let out = sb.run(&["list", "--json"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), "[]");
}

#[test]
fn questions_without_a_terminal_are_refused_unless_yes() {
    let sb = Sandbox::new(33400);
    let out = sb.run(&["one-click"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--yes"));
}

#[test]
fn committed_completions_and_man_pages_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_envctl");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = std::process::Command::new(bin)
            .args(["generate", "completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(root.join(format!("completions/envctl.{shell}"))).unwrap();
        assert!(
            committed == out.stdout,
            "completions/envctl.{shell} is stale: run scripts/generate.sh"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(bin)
        .args(["generate", "man", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(dir.path()),
        names(&root.join("man")),
        "man/ is stale: run scripts/generate.sh"
    );
    for name in names(dir.path()) {
        let fresh = std::fs::read(dir.path().join(&name)).unwrap();
        assert!(
            fresh == std::fs::read(root.join("man").join(&name)).unwrap(),
            "man/{name} is stale: run scripts/generate.sh"
        );
    }
    let page = String::from_utf8(std::fs::read(root.join("man/envctl.1")).unwrap()).unwrap();
    assert!(
        page.contains("EXIT STATUS")
            && page.contains("ENVCTL_DATA_DIR")
            && page.contains("events/")
    );
}

#[test]
fn the_example_config_is_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sb = Sandbox::new(33400);
    let out = sb
        .cmd()
        .args(["templates", "--json"])
        .env("ENVCTL_CONFIG", root.join("examples/config.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let templates: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(templates["web-db"].is_object() && templates["onboarding"].is_object());
}
