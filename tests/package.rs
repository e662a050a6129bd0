//! The Debian package (issue 17): built with cargo-deb, installed with
//! `dpkg -i` as root on this machine, every file checked, used as the
//! `envctl` system user on the real engine, then purged. And the man pages
//! `mandoc -T lint` finds nothing to say about.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{Sandbox, text};

fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

fn ok(program: &str, args: &[&str]) -> String {
    let out = run(program, args);
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn mode(path: &str) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .permissions()
        .mode()
        & 0o7777
}

/// A machine as a fresh one looks to the package: no `envctl` user or group
/// and no `/var/lib/envctl` (what an earlier run left is moved aside and put
/// back afterwards). Purges the package even when an assertion fails.
struct Fresh {
    kept: Option<std::path::PathBuf>,
}

impl Fresh {
    fn new() -> Fresh {
        let _ = run("dpkg", &["--purge", "envctl"]);
        let _ = run("userdel", &["envctl"]);
        let _ = run("groupdel", &["envctl"]);
        let kept = Path::new("/var/lib/envctl").exists().then(|| {
            let aside = std::path::PathBuf::from(format!(
                "/var/lib/envctl.before-test-{}",
                std::process::id()
            ));
            std::fs::rename("/var/lib/envctl", &aside).unwrap();
            aside
        });
        Fresh { kept }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        let _ = run("dpkg", &["--purge", "envctl"]);
        let _ = std::fs::remove_dir_all("/var/lib/envctl");
        if let Some(aside) = &self.kept {
            let _ = std::fs::rename(aside, "/var/lib/envctl");
        }
    }
}

#[test]
fn the_debian_package_installs_every_piece_works_as_its_user_and_purges_cleanly() {
    if run("sh", &["-c", "command -v dpkg"]).stdout.is_empty() {
        eprintln!("skipped: dpkg is missing (not a Debian system)");
        return;
    }
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "the package test installs a package: run it as root (as CI does)"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The binary the test build made (cargo-deb building it again would
    // build its dependencies without the tests' features: minutes of CPU
    // while the other tests run, and the next test build redoes them).
    let built = Command::new(root.join("scripts/package.sh"))
        .args(["--profile", "dev", "--no-build"])
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", text(&built.stderr));
    let deb = text(&built.stdout)
        .lines()
        .rev()
        .find(|l| l.ends_with(".deb"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no .deb in: {}", text(&built.stdout)));
    let fresh = Fresh::new();
    ok("dpkg", &["-i", &deb]);
    // Again, as a reinstall or an upgrade does: the maintainer script is idempotent.
    ok("dpkg", &["-i", &deb]);
    let installed: Vec<String> = ok("dpkg", &["-L", "envctl"])
        .lines()
        .filter(|l| Path::new(l).is_file())
        .map(str::to_owned)
        .collect();

    for (path, want) in [
        ("/usr/bin/envctl", 0o755),
        ("/usr/share/man/man1/envctl.1.gz", 0o644),
        ("/usr/share/man/man1/envctl-create.1.gz", 0o644),
        ("/usr/share/bash-completion/completions/envctl", 0o644),
        ("/usr/share/zsh/vendor-completions/_envctl", 0o644),
        ("/usr/share/fish/vendor_completions.d/envctl.fish", 0o644),
        ("/lib/systemd/system/envctl.service", 0o644),
        ("/lib/systemd/system/envctl-cleanup.service", 0o644),
        ("/lib/systemd/system/envctl-cleanup.timer", 0o644),
        ("/lib/systemd/system/envctl-reset-db.service", 0o644),
        ("/lib/systemd/system/envctl-reset-db.timer", 0o644),
        ("/etc/cron.d/envctl", 0o644),
        ("/usr/share/doc/envctl/examples/config.toml", 0o644),
        (
            "/usr/share/doc/envctl/examples/prometheus/alerts.yml",
            0o644,
        ),
        ("/usr/share/doc/envctl/examples/grafana/envctl.json", 0o644),
        ("/usr/share/doc/envctl/copyright", 0o644),
        ("/var/lib/envctl", 0o700),
    ] {
        assert_eq!(mode(path), want, "{path}");
    }
    let cron = std::fs::read_to_string("/etc/cron.d/envctl").unwrap();
    assert!(
        cron.lines()
            .filter(|l| !l.trim().is_empty())
            .all(|l| l.starts_with('#')),
        "the cron file is present but commented out"
    );
    let user = ok("id", &["envctl"]);
    assert!(user.contains("(docker)"), "in the docker group: {user}");
    let owner = ok("stat", &["-c", "%U:%G", "/var/lib/envctl"]);
    assert_eq!(owner.trim(), "envctl:envctl");

    let commit = ok(
        "git",
        &[
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=12",
            "HEAD",
        ],
    );
    assert_eq!(
        ok("/usr/bin/envctl", &["--version"]).trim(),
        format!("envctl 0.1.0 (commit {})", commit.trim())
    );
    let version: serde_json::Value =
        serde_json::from_str(&ok("/usr/bin/envctl", &["--version", "--json"])).unwrap();
    assert_eq!(version["version"], "0.1.0");
    assert_eq!(version["commit"], commit.trim());
    assert_eq!(
        ok("man", &["-w", "envctl"]).trim(),
        "/usr/share/man/man1/envctl.1.gz"
    );
    let completion = ok(
        "bash",
        &[
            "-c",
            // bash-completion finds the file by itself, as an interactive shell does.
            "source /usr/share/bash-completion/bash_completion; _completion_loader envctl; \
             f=$(complete -p envctl | sed -E 's/.*-F ([^ ]+).*/\\1/'); \
             COMP_WORDS=(envctl cr); COMP_CWORD=1; COMP_LINE='envctl cr'; COMP_POINT=9; \
             $f envctl cr envctl; printf '%s\\n' \"${COMPREPLY[@]}\"",
        ],
    );
    assert_eq!(completion.trim(), "create", "envctl cr<TAB>");
    ok(
        "systemd-analyze",
        &[
            "verify",
            "/lib/systemd/system/envctl.service",
            "/lib/systemd/system/envctl-cleanup.service",
            "/lib/systemd/system/envctl-cleanup.timer",
            "/lib/systemd/system/envctl-reset-db.service",
            "/lib/systemd/system/envctl-reset-db.timer",
        ],
    );

    // As the units run it: the envctl user, /var/lib/envctl, /etc/envctl/config.toml.
    let sb = Sandbox::new(27000);
    std::fs::copy(sb.dir.path().join("config.toml"), "/etc/envctl/config.toml").unwrap();
    let as_envctl = |args: &[&str]| {
        let mut all = vec![
            "-u",
            "envctl",
            "--",
            "env",
            "ENVCTL_DATA_DIR=/var/lib/envctl",
            "XDG_CONFIG_HOME=/etc",
            "NO_COLOR=1",
            "envctl",
        ];
        all.extend_from_slice(args);
        run("runuser", &all)
    };
    let made = as_envctl(&["create", "packaged", "--json"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let env: serde_json::Value = serde_json::from_slice(&made.stdout).unwrap();
    assert_eq!(env["ready"], true);
    let gone = as_envctl(&["delete", "packaged", "--yes"]);
    assert!(gone.status.success(), "{}", text(&gone.stderr));
    assert_eq!(mode("/var/lib/envctl/environments.json"), 0o600);

    // Remove keeps the configuration; purge takes it.
    ok("dpkg", &["-r", "envctl"]);
    assert!(!Path::new("/usr/bin/envctl").exists());
    assert!(
        Path::new("/etc/cron.d/envctl").exists(),
        "remove keeps conffiles"
    );
    assert!(
        Path::new("/etc/envctl/config.toml").exists(),
        "remove keeps the config"
    );
    ok("dpkg", &["-P", "envctl"]);
    for path in installed
        .iter()
        .map(String::as_str)
        .chain(["/etc/envctl", "/usr/share/doc/envctl"])
    {
        assert!(!Path::new(path).exists(), "{path} is left after purge");
    }
    // Debian policy keeps the system user; the data is never the package's to remove.
    assert!(Path::new("/var/lib/envctl/environments.json").exists());
    assert!(
        run("dpkg", &["-s", "envctl"]).status.code() != Some(0),
        "purged"
    );
    drop(fresh);
}

#[test]
fn the_man_pages_pass_mandoc_lint_and_document_exits_variables_and_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<_> = std::fs::read_dir(root.join("man"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    pages.sort();
    let mut args = vec!["-T".to_owned(), "lint".to_owned()];
    args.extend(pages.iter().map(|p| p.display().to_string()));
    let out = Command::new("mandoc")
        .args(&args)
        .output()
        .expect("mandoc is missing: run scripts/test.sh (it installs it)");
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success() && said.is_empty(), "{said}");
    let main = std::fs::read_to_string(root.join("man/envctl.1")).unwrap();
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH EXAMPLES",
        ".SH \"SEE ALSO\"",
    ] {
        assert!(main.contains(section), "{section}");
    }
    assert!(
        main.starts_with(".ie") && main.contains(".TH ENVCTL 1 20"),
        "a dated title"
    );
    for code in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "130"] {
        assert!(main.contains(&format!(".B {code}\n")), "exit code {code}");
    }
}

/// `GET /metrics` with an Accept header; (content type, body).
fn scrape(port: u16, accept: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let kind = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or_default()
        .to_owned();
    (kind, body.to_owned())
}

#[test]
fn metrics_pass_promtool_and_speak_openmetrics_when_asked() {
    let sb = Sandbox::with_config(27100, "[api]\nstats_interval = \"1s\"\n");
    sb.json(&["create", "measured"]);
    let server = sb.serve();
    // Wait for the monitor's first sample, so the per-environment gauges are there.
    assert!(common::wait_until(
        std::time::Duration::from_secs(30),
        || {
            scrape(server.port, "text/plain")
                .1
                .contains("environment=\"measured\"")
        }
    ));
    let (kind, classic) = scrape(server.port, "text/plain;version=0.0.4");
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    for name in [
        "envctl_environments{status=\"running\"} 1",
        "envctl_environments_ready 1",
        "# TYPE envctl_http_requests_total counter",
        "# TYPE envctl_provisioning_seconds histogram",
        "envctl_environment_memory_limit_bytes{environment=\"measured\"} 67108864",
        "envctl_ports_used 1",
    ] {
        assert!(classic.contains(name), "{name} in:\n{classic}");
    }
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool is missing: run scripts/test.sh (it installs Debian's prometheus)");
    use std::io::Write;
    check
        .stdin
        .take()
        .unwrap()
        .write_all(classic.as_bytes())
        .unwrap();
    let out = check.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let (kind, open) = scrape(
        server.port,
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
    );
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    assert!(open.ends_with("# EOF\n"), "{open}");
    assert!(open.contains("# TYPE envctl_http_requests counter"));
}
