//! What `--help` and the man pages say about exit codes, variables, files
//! and examples: written once here, rendered into both.

/// (code, what it means, what to do).
pub const EXIT_CODES: &[(&str, &str, &str)] = &[
    (
        "0",
        "success (also when stdout is a closed pipe)",
        "nothing",
    ),
    (
        "1",
        "the operation failed: provisioning rolled back, a removal or repair failed, no free ports",
        "read the message; `envctl show NAME` keeps a failed environment's reason, `envctl report` and the event log (events/) the history",
    ),
    (
        "2",
        "bad arguments, bad config, invalid name or label, unknown template",
        "fix what the message names (`envctl config check` checks the config)",
    ),
    (
        "3",
        "the environment, service or backup does not exist",
        "`envctl list` shows the names",
    ),
    (
        "4",
        "the Docker engine cannot be reached, or with [engine] kind = \"swarm\" is not a swarm manager (remote mode: the server, or its engine)",
        "start Docker or set DOCKER_HOST (to a manager node on a swarm); remotely, check --server and that `envctl serve` runs",
    ),
    (
        "5",
        "busy: the database lock, or another cleanup, sync or reset, past --lock-timeout",
        "run again later, or raise --lock-timeout",
    ),
    (
        "6",
        "the database is unreadable, or from a newer envctl",
        "restore the newest backup (`envctl backup restore`), or upgrade envctl",
    ),
    (
        "7",
        "a question needs an answer but there is no terminal",
        "pass --yes",
    ),
    (
        "8",
        "conflict: the name is taken, or the transition is impossible",
        "choose another name, or look at the environment's status with `envctl show`",
    ),
    (
        "9",
        "remote mode: the server refused ENVCTL_TOKEN, or the token's role may not do this",
        "set ENVCTL_TOKEN to a valid token, or ask an admin for a role that may",
    ),
    (
        "130",
        "interrupted (Ctrl-C or SIGTERM); what was being created was rolled back",
        "run it again",
    ),
    (
        "any",
        "exec and shell: the command's own exit code when it ran (127: no such command in the container)",
        "an error message on stderr means the code is envctl's, from this list",
    ),
];

/// (variable, what it sets).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "ENVCTL_DATA_DIR",
        "data directory [default: $XDG_DATA_HOME/envctl]",
    ),
    ("ENVCTL_CONFIG", "config file"),
    (
        "ENVCTL_LOCK_TIMEOUT",
        "how long to wait for locks [default: 30s]",
    ),
    (
        "ENVCTL_SERVER",
        "remote mode: the URL of an `envctl serve` (as --server)",
    ),
    ("ENVCTL_TOKEN", "remote mode: the API token sent to it"),
    (
        "ENVCTL_LOG",
        "`envctl serve`: which log lines to write [default: info]",
    ),
    (
        "ENVCTL_LISTEN",
        "`envctl serve`: the address to listen on [default: 127.0.0.1:8080]",
    ),
    (
        "XDG_CONFIG_HOME",
        "where the config is looked for [default: ~/.config]",
    ),
    (
        "XDG_DATA_HOME",
        "where the data directory is [default: ~/.local/share]",
    ),
    (
        "DOCKER_HOST",
        "the Docker engine [default: unix:///var/run/docker.sock]",
    ),
    ("NO_COLOR", "no colour in output"),
    ("USER", "the default owner of new environments"),
];

/// (path, what it holds).
pub const FILES: &[(&str, &str)] = &[
    (
        "$ENVCTL_DATA_DIR/environments.json",
        "the database (one environment per line)",
    ),
    (
        "$ENVCTL_DATA_DIR/environments.json.journal",
        "changes since the database was last written whole (from 256 KiB on)",
    ),
    ("$ENVCTL_DATA_DIR/environments.json.lock", "its lock"),
    (
        "$ENVCTL_DATA_DIR/maintenance.lock",
        "held by cleanup, sync and reset runs",
    ),
    ("$ENVCTL_DATA_DIR/backups/", "database backups"),
    (
        "$ENVCTL_DATA_DIR/archives/",
        "volume archives, one directory each (docs/archives.md)",
    ),
    (
        "$ENVCTL_DATA_DIR/secrets/",
        "generated secrets, one file per environment",
    ),
    ("$ENVCTL_DATA_DIR/tokens.json", "API tokens (hashes only)"),
    (
        "$ENVCTL_DATA_DIR/events/",
        "the event log: one JSON line per operation, a file per day (YYYY-MM-DD.jsonl)",
    ),
    (
        "$XDG_CONFIG_HOME/envctl/config.toml",
        "the config, when --config is not given",
    ),
    (
        "/var/lib/envctl",
        "the data directory of the Debian package's envctl user and units",
    ),
    (
        "/etc/envctl/config.toml",
        "the config of the Debian package's units",
    ),
    (
        "/etc/default/envctl",
        "the units' variables (ENVCTL_LISTEN, ...)",
    ),
    (
        "/etc/cron.d/envctl",
        "the maintenance jobs, commented out until you want them",
    ),
    (
        "/lib/systemd/system/envctl*",
        "the server's unit and the maintenance timers",
    ),
];

/// (command, what it does): the README's tour.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "envctl one-click --yes",
        "a running, ready environment from the default template",
    ),
    (
        "envctl create alice-jira --owner alice --ttl 7d",
        "create, and wait until every service is ready",
    ),
    ("envctl list --status running", "the running environments"),
    (
        "envctl doctor",
        "is this machine ready to make environments? each problem with its fix",
    ),
    (
        "envctl show alice-jira --secrets",
        "one environment, with its generated passwords",
    ),
    (
        "envctl logs alice-jira gitlab --follow",
        "a service's output as it comes",
    ),
    (
        "envctl stop alice-jira && envctl start alice-jira",
        "stop and start, keeping the data",
    ),
    (
        "envctl delete alice-jira --yes",
        "remove it and everything it had",
    ),
    (
        "envctl cleanup --dry-run",
        "what the retention policy would remove, and why",
    ),
    (
        "envctl auto-cleanup",
        "apply the policy without asking (cron)",
    ),
    (
        "ENVCTL_SERVER=https://envctl.internal envctl create pr-7 --if-not-exists",
        "from a CI job, through the server",
    ),
    (
        "envctl exec alice-jira jira -- ls /data",
        "a command in a service's container; envctl ends with its exit code",
    ),
];

/// The block `--help` prints after the options.
pub fn after_help() -> String {
    let mut out = String::from("Exit status:\n");
    for (code, meaning, _) in EXIT_CODES {
        out.push_str(&format!("  {code:<4} {meaning}\n"));
    }
    out.push_str("\nFiles:\n");
    for (path, what) in FILES {
        out.push_str(&format!("  {path:<40} {what}\n"));
    }
    out.push_str("\nEnvironment:\n");
    for (var, what) in ENVIRONMENT {
        out.push_str(&format!("  {var:<20} {what}\n"));
    }
    out.trim_end().to_owned()
}
