//! `exec`, `shell`, `port` and `open` on the real engine, locally and over a
//! real `envctl serve`: exit codes, output kept apart, piped stdin, a TTY
//! under a pseudo-terminal (`script` from util-linux), a stopped
//! environment's clear error, and who may exec into whose environment.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{Sandbox, api_call, text};

/// Runs `cmd` with `args` and `input` on its stdin.
fn with_stdin(mut cmd: Command, args: &[&str], input: &str) -> Output {
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs `cmd` under a pseudo-terminal (`script -qec`) of 100 × 30, as a
/// user at a terminal would: its exit code and what the terminal showed.
fn on_a_terminal(cmd: &Command) -> (Option<i32>, String) {
    // A terminal of a known size (script's own has none).
    let mut line = String::from("stty rows 30 cols 100; ");
    for (k, v) in cmd.get_envs() {
        if let (Some(k), Some(v)) = (k.to_str(), v.and_then(|v| v.to_str())) {
            line.push_str(&format!("{k}='{v}' "));
        }
    }
    line.push_str(&format!("'{}'", cmd.get_program().to_str().unwrap()));
    for a in cmd.get_args() {
        line.push_str(&format!(" '{}'", a.to_str().unwrap()));
    }
    // The terminal's input stays open (a user who types nothing) until the end.
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let keyboard = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    drop(keyboard);
    (out.status.code(), text(&out.stdout))
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

#[test]
fn exec_ends_with_the_commands_exit_code_and_keeps_its_streams_apart() {
    let sb = Sandbox::new(29200);
    let created = sb.run(&["create", "ex1"]);
    assert!(created.status.success(), "{}", text(&created.stderr));

    // Output on the right stream, the command's exit code as ours.
    let out = sb.run(&[
        "exec",
        "ex1",
        "web",
        "--",
        "sh",
        "-c",
        "echo out; echo err >&2; exit 3",
    ]);
    assert_eq!(code(&out), Some(3), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "out\n");
    assert_eq!(text(&out.stderr), "err\n");
    let out = sb.run(&["exec", "ex1", "web", "true"]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    // A command the container lacks: 127, as with docker exec.
    let out = sb.run(&["exec", "ex1", "web", "--", "no-such-command"]);
    assert_eq!(
        code(&out),
        Some(127),
        "stderr {:?} stdout {:?}",
        text(&out.stderr),
        text(&out.stdout)
    );

    // Piped input reaches the command, and its end ends it.
    let out = with_stdin(sb.cmd(), &["exec", "ex1", "web", "--", "cat"], "hi\n");
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "hi\n");
    // shell: sh in the test image (it has no bash), fed a script.
    let out = with_stdin(sb.cmd(), &["shell", "ex1"], "echo in-the-shell; exit 5\n");
    assert_eq!(code(&out), Some(5), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "in-the-shell\n");

    // No terminal here, so none for the command.
    let out = sb.run(&["exec", "ex1", "web", "tty"]);
    assert_eq!(code(&out), Some(1));
    assert_eq!(text(&out.stdout).trim(), "not a tty");
    // On a terminal: the command gets one, unless -T.
    let mut tty = sb.cmd();
    tty.args(["exec", "ex1", "web", "--", "sh", "-c", "tty; exit 4"]);
    let (status, shown) = on_a_terminal(&tty);
    assert_eq!(status, Some(4), "{shown}");
    assert!(shown.contains("/dev/pts/"), "{shown}");
    let mut no_tty = sb.cmd();
    no_tty.args(["exec", "-T", "ex1", "web", "tty"]);
    let (status, shown) = on_a_terminal(&no_tty);
    assert_eq!(status, Some(1), "{shown}");
    assert!(shown.contains("not a tty"), "{shown}");
    // The terminal's size goes with it: at the start from API 1.42 on, by
    // a resize just after the start before (so waited for, with a deadline).
    let mut size = sb.cmd();
    size.args([
        "exec",
        "ex1",
        "web",
        "--",
        "sh",
        "-c",
        "for i in $(seq 50); do s=$(stty size 2>/dev/null) && [ -n \"$s\" ] && [ \"$s\" != \"0 0\" ] && break; sleep 0.1; done; echo \"$s\"",
    ]);
    let (status, shown) = on_a_terminal(&size);
    assert_eq!(status, Some(0), "{shown}");
    assert_eq!(shown.trim(), "30 100", "{shown:?}");

    // Ctrl-C (no terminal for the command, so it is ours): 130, quietly.
    let child = sb
        .cmd()
        .args([
            "exec",
            "ex1",
            "web",
            "--",
            "sh",
            "-c",
            "echo started; sleep 30",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (status, lines) =
        common::lines_then_interrupt(child, 1, std::time::Duration::from_secs(20));
    assert_eq!(lines, ["started"]);
    assert_eq!(status.code(), Some(130));

    // A service the environment does not have.
    let out = sb.run(&["exec", "ex1", "nope", "true"]);
    assert_eq!(code(&out), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("it has: web"),
        "{}",
        text(&out.stderr)
    );

    // port and open read the record.
    let port = sb.base;
    let out = sb.run(&["port", "ex1"]);
    assert_eq!(
        text(&out.stdout),
        format!("web  80/tcp -> 0.0.0.0:{port}\n")
    );
    let ports = sb.json(&["port", "ex1", "web"]);
    assert_eq!(ports[0]["container_port"], 80);
    assert_eq!(ports[0]["host_port"], port);
    let record = sb.dir.path().join("opened");
    let browser = sb.dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" > {}\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let out = sb
        .cmd()
        .args(["open", "ex1"])
        .env("BROWSER", &browser)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = std::fs::read_to_string(&record).unwrap();
    assert!(url.trim().ends_with(&format!(":{port}")), "{url}");
    // No browser and no display: the URL, printed.
    let out = sb
        .cmd()
        .args(["open", "ex1", "web"])
        .env_remove("BROWSER")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), url);

    // A stopped environment: a conflict that says what to do.
    assert!(sb.run(&["stop", "ex1"]).status.success());
    let out = sb.run(&["exec", "ex1", "web", "true"]);
    assert_eq!(code(&out), Some(8), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("envctl start ex1"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn remote_exec_behaves_like_local_and_is_authorised_like_logs() {
    // One stream per token, so a session that outlives its client would show.
    let sb = Sandbox::with_config(29300, "[api]\nmax_streams = 1");
    // The environment is tester's (USER locally); bob is another developer.
    let tester = sb.token("tester", "developer");
    let bob = sb.token("bob", "developer");
    let operator = sb.token("ops", "operator");
    let viewer = sb.token("vic", "viewer");
    let created = sb.run(&["create", "rx1"]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let server = sb.serve();

    let out = server
        .client(&tester)
        .args([
            "exec",
            "rx1",
            "web",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 3",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(3), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "out\n");
    assert_eq!(text(&out.stderr), "err\n");
    let out = server
        .client(&tester)
        .args(["exec", "rx1", "web", "no-such-command"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(127), "{}", text(&out.stderr));
    let out = with_stdin(
        server.client(&tester),
        &["exec", "rx1", "web", "cat"],
        "over the wire\n",
    );
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "over the wire\n");
    let mut tty = server.client(&tester);
    tty.args(["exec", "rx1", "web", "--", "sh", "-c", "tty; exit 6"]);
    let (status, shown) = on_a_terminal(&tty);
    assert_eq!(status, Some(6), "{shown}");
    assert!(shown.contains("/dev/pts/"), "{shown}");

    // A client killed mid-command frees its stream slot: the next exec runs.
    let mut child = server
        .client(&tester)
        .args([
            "exec",
            "rx1",
            "web",
            "--",
            "sh",
            "-c",
            "echo started; sleep 30",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert_eq!(first, "started\n");
    child.kill().unwrap();
    child.wait().unwrap();
    let killed = std::time::Instant::now();
    let out = server
        .client(&tester)
        .args(["exec", "rx1", "web", "true"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    // Not after the 30 s the orphaned command would have held the slot (the
    // client waits out a 429).
    assert!(killed.elapsed() < std::time::Duration::from_secs(20));

    // Like logs: another developer may not, an operator may, a viewer may not.
    let out = server
        .client(&bob)
        .args(["exec", "rx1", "web", "true"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(9), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("may not run commands in an environment owned by someone else"),
        "{}",
        text(&out.stderr)
    );
    let out = server
        .client(&viewer)
        .args(["shell", "rx1"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(9), "{}", text(&out.stderr));
    let out = server
        .client(&operator)
        .args(["exec", "rx1", "web", "true"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));

    // A plain GET without the upgrade: 426, in the API's error shape.
    let (status, body) = api_call(
        server.port,
        "GET",
        "/api/onboarding/environments/rx1/exec?cmd=true",
        &tester,
        None,
    );
    assert_eq!(status, 426, "{body}");
    assert_eq!(body["error"]["code"], "upgrade_required");
    // Checked and authorised before that, so a refusal is a plain answer.
    let (status, body) = api_call(
        server.port,
        "GET",
        "/api/onboarding/environments/rx1/exec?cmd=true",
        &bob,
        None,
    );
    assert_eq!(status, 403, "{body}");

    // port and open work from the record, remotely too.
    let out = server
        .client(&viewer)
        .args(["port", "rx1"])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        format!("web  80/tcp -> 0.0.0.0:{}\n", sb.base),
        "{}",
        text(&out.stderr)
    );
    let out = server
        .client(&viewer)
        .args(["open", "rx1", "--print"])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).trim().ends_with(&format!(":{}", sb.base)),
        "{}",
        text(&out.stderr)
    );

    // Stopped: the same conflict as locally.
    assert!(sb.run(&["stop", "rx1"]).status.success());
    let out = server
        .client(&tester)
        .args(["exec", "rx1", "web", "true"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(8), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("envctl start rx1"),
        "{}",
        text(&out.stderr)
    );
}
