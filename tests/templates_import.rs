//! `envctl template import` through the real binary: every Compose file of
//! the corpus in tests/data/compose imports into a template that loads, what
//! cannot be carried is reported, `--write` keeps the config's own lines, and
//! an imported template makes a running environment on the real engine (its
//! images swapped for the local test image: nothing can be pulled here).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{IMAGE, Sandbox, http_get, text};
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose")
}

/// `envctl` with no config, data dir or Docker of the sandbox's: import
/// needs none.
fn envctl(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_envctl"));
    cmd.env_remove("ENVCTL_CONFIG")
        .env_remove("ENVCTL_SERVER")
        .env("ENVCTL_DATA_DIR", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("xdg"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    cmd
}

fn import_json(dir: &Path, file: &Path, name: &str, extra: &[&str]) -> Value {
    let out = envctl(dir)
        .args(["template", "import"])
        .arg(file)
        .args(["--name", name, "--json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "import of {} failed: {}",
        file.display(),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The notes of an import, as (service, key, kind).
fn notes(import: &Value) -> Vec<(String, String, String)> {
    import["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["service"].as_str().unwrap().to_owned(),
                n["key"].as_str().unwrap().to_owned(),
                n["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has(import: &Value, service: &str, key: &str, kind: &str) -> bool {
    notes(import)
        .iter()
        .any(|(s, k, c)| s == service && k == key && c == kind)
}

fn check(config: &Path, dir: &Path) -> Output {
    envctl(dir)
        .args(["config", "check", "--config"])
        .arg(config)
        .output()
        .unwrap()
}

#[test]
fn every_corpus_file_imports_into_a_template_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the corpus has {} files", files.len());
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "# the team's config\n[ports]\nbase = 29000\nmax = 29199\n",
    )
    .unwrap();
    for file in &files {
        let name = file.file_stem().unwrap().to_str().unwrap().to_owned();
        let import = import_json(dir.path(), file, &name, &[]);
        assert_eq!(import["name"], name.as_str());
        let toml = import["toml"].as_str().unwrap();
        assert!(toml.starts_with(&format!("[templates.{name}]\n")), "{toml}");

        let out = envctl(dir.path())
            .args(["template", "import"])
            .arg(file)
            .args(["--name", &name, "--write", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let out = check(&config, dir.path());
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
    }
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.starts_with("# the team's config\n[ports]\nbase = 29000\n"));
    let out = envctl(dir.path())
        .args(["templates", "--json", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let templates: Value = serde_json::from_slice(&out.stdout).unwrap();
    for file in &files {
        let name = file.file_stem().unwrap().to_str().unwrap();
        assert!(templates.get(name).is_some(), "{name} missing: {templates}");
    }
}

#[test]
fn what_cannot_be_carried_is_reported_per_service() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // Bind mounts are refused; a named volume beside them is carried.
    let prom = import_json(dir, &corpus().join("prometheus-grafana.yaml"), "p", &[]);
    assert!(has(&prom, "prometheus", "volumes[0]", "refused"));
    assert!(has(&prom, "grafana", "volumes[0]", "refused"));
    assert!(has(&prom, "prometheus", "container_name", "listed"));
    let toml = prom["toml"].as_str().unwrap();
    assert!(
        toml.contains("volumes = [\"prom-data:/prometheus\"]"),
        "{toml}"
    );
    assert!(toml.contains("port = 9090\noffset = 0\n"), "{toml}");
    assert!(toml.contains("port = 3000\noffset = 1\n"), "{toml}");

    // Services that are only built are left out, with the reason.
    let flask = import_json(dir, &corpus().join("nginx-flask-mysql.yaml"), "f", &[]);
    assert!(has(&flask, "backend", "build", "refused"));
    assert!(has(&flask, "proxy", "build", "refused"));
    for key in ["secrets", "networks", "logging", "expose", "healthcheck"] {
        assert!(has(&flask, "db", key, "listed"), "db {key}");
    }
    let toml = flask["toml"].as_str().unwrap();
    assert!(
        toml.contains("ready = { cmd = [\"sh\", \"-c\", 'mysqladmin ping"),
        "{toml}"
    );

    // Profiles: left out unless enabled; anchors and merge keys resolved.
    let airflow = import_json(dir, &corpus().join("airflow.yaml"), "a", &[]);
    assert!(has(&airflow, "flower", "profiles", "listed"));
    assert!(has(&airflow, "airflow-init", "entrypoint", "listed"));
    assert!(has(&airflow, "airflow-worker", "volumes[0]", "refused"));
    assert!(
        !airflow["toml"]
            .as_str()
            .unwrap()
            .contains("name = \"flower\"")
    );
    let with_flower = import_json(
        dir,
        &corpus().join("airflow.yaml"),
        "a",
        &["--profile", "flower"],
    );
    let toml = with_flower["toml"].as_str().unwrap();
    assert!(toml.contains("name = \"flower\""), "{toml}");
    assert!(toml.contains("port = 5555\noffset = 1\n"), "{toml}");

    // Interpolation from the environment: AIRFLOW_IMAGE_NAME replaces the default.
    let out = envctl(dir)
        .env("AIRFLOW_IMAGE_NAME", "example/airflow:3")
        .args(["template", "import"])
        .arg(corpus().join("airflow.yaml"))
        .args(["--name", "a"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("image = \"example/airflow:3\""));
    // People read the notes on stderr; stdout is the TOML alone.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("refused: service airflow-init: volumes[0]: bind mount of ./dags"),
        "{stderr}"
    );
    assert!(text(&out.stdout).starts_with("[templates.a]\n"));
}

#[test]
fn bad_input_exits_2_and_a_taken_name_exits_8() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("compose.yaml");
    std::fs::write(&bad, "services:\n  web:\n    image: [unclosed\n").unwrap();
    let out = envctl(dir.path())
        .args(["template", "import"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("line "), "{}", text(&out.stderr));

    let required = dir.path().join("required.yaml");
    std::fs::write(
        &required,
        "services:\n  web:\n    image: nginx:${TAG:?give TAG}\n",
    )
    .unwrap();
    let out = envctl(dir.path())
        .args(["template", "import"])
        .arg(&required)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("TAG"), "{}", text(&out.stderr));

    let config = dir.path().join("config.toml");
    let file = corpus().join("gitea-postgres.yaml");
    for expected in [Some(0), Some(8)] {
        let out = envctl(dir.path())
            .args([
                "template", "import", "--name", "gitea", "--write", "--config",
            ])
            .arg(&config)
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), expected, "{}", text(&out.stderr));
    }
    let out = envctl(dir.path())
        .args([
            "template",
            "import",
            "--name",
            "onboarding",
            "--write",
            "--config",
        ])
        .arg(&config)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "a built-in name is taken too");
}

#[test]
fn without_config_write_creates_the_default_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = envctl(dir.path())
        .env_remove("ENVCTL_CONFIG")
        .args(["template", "import", "--write"])
        .arg(corpus().join("gitea-postgres.yaml"))
        .args(["--name", "gitea"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = dir.path().join("xdg/envctl/config.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("[templates.gitea]\n"), "{written}");
    let out = check(&path, dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The corpus' WordPress stack with every image swapped for the local test
/// image (the real ones cannot be pulled here) and a web server as each
/// command, and a healthcheck on the database that phpmyadmin waits for, so
/// the `cmd` probe and a `ready` dependency run too.
fn runnable_wordpress(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(corpus().join("wordpress-mysql.yaml")).unwrap();
    let mut compose: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let services = compose["services"].as_mapping_mut().unwrap();
    for (_, service) in services.iter_mut() {
        let service = service.as_mapping_mut().unwrap();
        service.insert("image".into(), IMAGE.into());
        service.insert("command".into(), "httpd -f -p 80 -h /www".into());
    }
    let healthcheck: serde_yaml::Value = serde_yaml::from_str(
        "test: [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:80/\"]\n\
         interval: 2s\nretries: 10\n",
    )
    .unwrap();
    services["db"]
        .as_mapping_mut()
        .unwrap()
        .insert("healthcheck".into(), healthcheck);
    // phpmyadmin waits for the database's healthcheck, not just its start.
    let depends_on: serde_yaml::Value =
        serde_yaml::from_str("db:\n  condition: service_healthy\n").unwrap();
    services["phpmyadmin"]
        .as_mapping_mut()
        .unwrap()
        .insert("depends_on".into(), depends_on);
    let path = dir.join("compose.yaml");
    std::fs::write(&path, serde_yaml::to_string(&compose).unwrap()).unwrap();
    path
}

#[test]
fn an_imported_template_makes_a_running_environment() {
    let sb = Sandbox::new(29120);
    let compose = runnable_wordpress(sb.dir.path());
    let out = sb
        .cmd()
        .args(["template", "import", "--name", "wp", "--write"])
        .arg(&compose)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = std::fs::read_to_string(sb.dir.path().join("config.toml")).unwrap();
    assert!(
        config.contains("[templates.web]"),
        "the sandbox's own templates stay"
    );
    assert!(config.contains("[templates.wp]"));
    assert!(
        config.contains("depends_on = { db = \"ready\" }"),
        "{config}"
    );

    let env = sb.json(&["create", "press", "--template", "wp"]);
    assert_eq!(env["status"], "running");
    assert_eq!(env["ready"], true);
    assert_eq!(env["base_port"], 29120);
    assert_eq!(env["ports"]["wordpress"], 29120);
    assert_eq!(env["ports"]["phpmyadmin"], 29121);
    let services = env["services"].as_object().unwrap();
    assert_eq!(services.len(), 3, "{env}");
    for port in [29120, 29121] {
        assert!(http_get(port).is_some(), "nothing answers on {port}");
    }
    // The database's probe is its Compose healthcheck, run by the engine.
    let id = env["id"].as_str().unwrap();
    let out = Command::new("docker")
        .args(["ps", "-q", "--filter"])
        .arg(format!("label=io.envctl.environment={id}"))
        .args(["--filter", "health=healthy"])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "one healthy container"
    );

    let deleted = sb.json(&["delete", "press", "--yes"]);
    assert_eq!(deleted["deleted"], true);
}
