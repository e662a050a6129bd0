//! Snapshots (insta) of what people read: `--help` of every command, error
//! messages with their hints and exit codes, `list`, `show`,
//! `cleanup --dry-run`, the `sync` report, and `/api/openapi.json`. Ids,
//! ports, times and paths are filtered, so a snapshot changes only when what
//! a reader sees changes. Review a change with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test --test snapshots` and `git diff`).

mod common;

use std::process::{Command, Output};

use common::{Sandbox, text};

fn envctl() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_envctl"));
    for var in [
        "ENVCTL_SERVER",
        "ENVCTL_TOKEN",
        "ENVCTL_DATA_DIR",
        "ENVCTL_CONFIG",
        "ENVCTL_LOCK_TIMEOUT",
        "ENVCTL_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1").env("COLUMNS", "120");
    cmd
}

/// What a terminal would show of a run: stdout, stderr and the exit code.
fn shown(out: &Output) -> String {
    let mut shown = text(&out.stdout);
    let stderr = text(&out.stderr);
    if !stderr.is_empty() {
        shown.push_str("--- stderr ---\n");
        shown.push_str(&stderr);
    }
    shown.push_str(&format!(
        "--- exit {} ---\n",
        out.status.code().unwrap_or(-1)
    ));
    shown
}

/// The filters every snapshot uses: what differs from run to run.
fn settings(sb: Option<&Sandbox>) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    if let Some(sb) = sb {
        s.add_filter(
            &regex_escape(&sb.dir.path().display().to_string()),
            "[SANDBOX]",
        );
        s.add_filter(&format!(r"\b{}\d\d\b", sb.base / 100), "[PORT]");
    }
    s.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[SANDBOX]");
    s.add_filter(
        r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
        "[TIME]",
    );
    s.add_filter(r"\b\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?( UTC)?", "[TIME]");
    s.add_filter(r"environments-\d{8}T\d{6}(\.\d+)?Z", "environments-[TIME]");
    s.add_filter(r"\b[0-9a-f]{12}\b|\b[0-9a-f]{8}\b", "[ID]");
    // Tables: an age in a cell, then widths (which follow the filtered values).
    s.add_filter(r"┆ \d+[smhd] ", "┆ [AGE] ");
    s.add_filter(r"[─═]{2,}", "──");
    s.add_filter(r" {2,}", "  ");
    s.add_filter(r#""version": "[^"]+""#, r#""version": "[VERSION]""#);
    s
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// The subcommands a `--help` lists under "Commands:".
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description that wraps goes on under the next column.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_help_of_every_command() {
    let help = |path: &[String]| {
        let out = envctl().args(path).arg("--help").output().unwrap();
        assert!(out.status.success(), "{path:?} --help failed");
        text(&out.stdout)
    };
    let mut queue: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = queue.pop() {
        let text = help(&path);
        let name = if path.is_empty() {
            "help-envctl".to_owned()
        } else {
            format!("help-{}", path.join("-"))
        };
        settings(None).bind(|| insta::assert_snapshot!(name, text));
        seen += 1;
        for sub in subcommands(&text) {
            let mut next = path.clone();
            next.push(sub);
            queue.push(next);
        }
    }
    assert!(seen > 20, "only {seen} commands found");
}

#[test]
fn error_messages_say_what_to_do_and_exit_with_their_code() {
    let sb = Sandbox::new(27300);
    let cases: [(&str, Vec<&str>); 6] = [
        ("error-not-found", vec!["show", "ghost"]),
        ("error-bad-name", vec!["create", "Bad_Name!", "--no-wait"]),
        (
            "error-unknown-template",
            vec!["create", "a", "--template", "nope", "--no-wait"],
        ),
        (
            "error-bad-duration",
            vec!["create", "a", "--ttl", "forever"],
        ),
        ("error-reset-needs-yes", vec!["reset-db", "--empty"]),
        (
            "cleanup-with-nothing-to-remove",
            vec!["cleanup", "--keep", "0"],
        ),
    ];
    for (name, args) in cases {
        let out = sb.cmd().env("NO_COLOR", "1").args(&args).output().unwrap();
        settings(Some(&sb)).bind(|| insta::assert_snapshot!(name, shown(&out)));
    }
    // Docker down.
    let out = sb
        .cmd()
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(["create", "a", "--no-wait"])
        .output()
        .unwrap();
    settings(Some(&sb)).bind(|| insta::assert_snapshot!("error-docker-unreachable", shown(&out)));
    // A malformed config.
    std::fs::write(sb.dir.path().join("config.toml"), "[ports]\nbase = \"x\"\n").unwrap();
    let out = sb.cmd().args(["list"]).output().unwrap();
    settings(Some(&sb)).bind(|| insta::assert_snapshot!("error-bad-config", shown(&out)));
}

#[test]
fn a_compose_import_prints_the_template_and_its_notes() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose");
    for (name, file) in [
        ("import-prometheus-grafana", "prometheus-grafana.yaml"),
        ("import-nginx-flask-mysql", "nginx-flask-mysql.yaml"),
    ] {
        let out = envctl()
            .args(["template", "import", "--name", "stack"])
            .arg(corpus.join(file))
            .output()
            .unwrap();
        settings(None).bind(|| insta::assert_snapshot!(name, shown(&out)));
    }
}

#[test]
fn list_show_cleanup_plan_and_sync_report() {
    let sb = Sandbox::new(27400);
    sb.json(&[
        "create",
        "alice-dev",
        "--owner",
        "alice",
        "--label",
        "team=core",
    ]);
    sb.json(&["create", "bob-dev", "--owner", "bob", "--pin", "--no-wait"]);
    let run = |args: &[&str]| shown(&sb.cmd().env("NO_COLOR", "1").args(args).output().unwrap());
    let s = settings(Some(&sb));
    s.bind(|| {
        insta::assert_snapshot!("list", run(&["list"]));
        insta::assert_snapshot!("show", run(&["show", "alice-dev"]));
        insta::assert_snapshot!(
            "cleanup-dry-run",
            run(&["cleanup", "--dry-run", "--keep", "0"])
        );
    });
    // A container removed behind envctl's back: what sync reports.
    let container = sb.json(&["show", "alice-dev"])["services"]["web"]["container"]
        .as_str()
        .unwrap()
        .to_owned();
    Command::new("docker")
        .args(["rm", "-f", &container])
        .output()
        .unwrap();
    s.bind(|| insta::assert_snapshot!("sync-dry-run", run(&["sync", "--dry-run"])));
    for name in ["alice-dev", "bob-dev"] {
        sb.json(&["delete", name, "--yes"]);
    }
}

#[test]
fn the_openapi_document() {
    let sb = Sandbox::new(27500);
    let server = sb.serve();
    let body = common::http_get_path(server.port, "/api/openapi.json").expect("an answer");
    let spec: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    settings(None).bind(|| insta::assert_json_snapshot!("openapi", spec));
}
