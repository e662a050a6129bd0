#compdef envctl

autoload -U is-at-least

_envctl() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl_commands" \
"*::: :->envctl" \
&& ret=0
    case $state in
    (envctl)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
'-t+[Template to make it from \[default\: the config'\''s default, \`onboarding\`\]]:TEMPLATE:_default' \
'--template=[Template to make it from \[default\: the config'\''s default, \`onboarding\`\]]:TEMPLATE:_default' \
'-o+[Who owns it \[default\: \$USER\]]:OWNER:_default' \
'--owner=[Who owns it \[default\: \$USER\]]:OWNER:_default' \
'*-l+[A label, key=value (repeatable)]:KEY=VALUE:_default' \
'*--label=[A label, key=value (repeatable)]:KEY=VALUE:_default' \
'--ttl=[Time to live, after which cleanup may remove it (e.g. 8h, 7d)]:TTL:_default' \
'--timeout=[Give up (and roll back) after this long \[default\: the config'\''s, 15m\]]:TIMEOUT:_default' \
'--from-archive=[Restore the volumes of this archive (an id from \`envctl archive list\`, or an environment name for its newest) before the services start; the template is the archive'\''s unless --template names another]:ARCHIVE:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--no-wait[Return once the containers are started, without waiting for readiness]' \
'(--no-wait)--wait[Wait until every service is ready (the default; for scripts that say so)]' \
'--keep-on-failure[On failure, keep the containers for inspection]' \
'--pin[Never let cleanup remove it]' \
'--if-not-exists[If NAME exists, answer it instead (waiting for it, or starting it when stopped); fail only if it failed or comes from another template. For CI]' \
'--no-pool[Create cold, even when the template'\''s warm pool has a ready member]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::name -- Name of the environment \[default\: <owner>-<4 hex digits>\]:_default' \
&& ret=0
;;
(one-click)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--no-pool[Create cold, even when the template'\''s warm pool has a ready member]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'--status=[Only environments with this status]:STATUS:_default' \
'--owner=[Only environments of this owner]:OWNER:_default' \
'--template=[Only environments made from this template]:TEMPLATE:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--all[Also the members of warm pools (hidden otherwise)]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'(--json)--dotenv[Print KEY=value lines (ENVCTL_NAME, JIRA_URL, ...) for \$GITHUB_OUTPUT or a GitLab dotenv report]' \
'--secrets[Also print its generated secrets (passwords)\: its owner and admins only]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
&& ret=0
;;
(start)
_arguments "${_arguments_options[@]}" : \
'--timeout=[How long to wait for readiness \[default\: the config'\''s, 15m\]]:TIMEOUT:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--no-wait[Return once the containers are started, without waiting for readiness]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
&& ret=0
;;
(stop)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--keep-volumes[Keep its named volumes (data survives; \`docker volume ls\` shows them)]' \
'--if-exists[Succeed when it does not exist (for CI clean-up steps)]' \
'(--keep-volumes)--no-archive[Remove its volumes without archiving them first]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
&& ret=0
;;
(logs)
_arguments "${_arguments_options[@]}" : \
'--tail=[Only the last N lines of each service]:N:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'-f[Keep printing new output]' \
'--follow[Keep printing new output]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
'::service -- Only this service:_default' \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'(-T --no-tty)-t[Give the command a terminal \[default\: when stdin and stdout are terminals\]]' \
'(-T --no-tty)--tty[Give the command a terminal \[default\: when stdin and stdout are terminals\]]' \
'-T[Give the command no terminal, even on one (stdout and stderr stay apart)]' \
'--no-tty[Give the command no terminal, even on one (stdout and stderr stay apart)]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
':service -- The service whose container runs the command:_default' \
'*::command -- The command and its arguments (`--` before it keeps its flags its own):_default' \
&& ret=0
;;
(shell)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'(-T --no-tty)-t[Give the command a terminal \[default\: when stdin and stdout are terminals\]]' \
'(-T --no-tty)--tty[Give the command a terminal \[default\: when stdin and stdout are terminals\]]' \
'-T[Give the command no terminal, even on one (stdout and stderr stay apart)]' \
'--no-tty[Give the command no terminal, even on one (stdout and stderr stay apart)]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
'::service -- The service \[default\: the template'\''s first\]:_default' \
&& ret=0
;;
(port)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
'::service -- Only this service:_default' \
&& ret=0
;;
(open)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--print[Print the URL, open nothing]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
'::service -- The service \[default\: the first that publishes a port\]:_default' \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
'--interval=[Time between refreshes]:DUR:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'()--all[Every environment, stopped ones too]' \
'-w[Refresh in place until Ctrl-C (with --json\: one JSON line per refresh)]' \
'--watch[Refresh in place until Ctrl-C (with --json\: one JSON line per refresh)]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::environment -- Only this environment (id or name) \[default\: every running one, and the host\]:_default' \
&& ret=0
;;
(report)
_arguments "${_arguments_options[@]}" : \
'--since=[Start of the range\: a duration back from --until (30d, 12h) or a time (2026-11-01, "2026-11-01 09\:00", RFC 3339)]:WHEN:_default' \
'--until=[End of the range, in the same forms \[default\: now\]]:WHEN:_default' \
'--by=[Group by owner, template or label\:KEY (label\:team)]:KEY:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(templates)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(template)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__template_commands" \
"*::: :->template" \
&& ret=0

    case $state in
    (template)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-template-command-$line[1]:"
        case $line[1] in
            (import)
_arguments "${_arguments_options[@]}" : \
'--name=[The template'\''s name \[default\: the Compose project name\]]:NAME:_default' \
'*--profile=[Import the services of this Compose profile too (repeatable; \`*\` for all)]:PROFILE:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--write[Append the template to the config file (--config, else the default one), keeping its comments and layout]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':file -- The Compose file (compose.yaml, docker-compose.yml, ...); `.env` beside it is read too:_files' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__template__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-template-help-command-$line[1]:"
        case $line[1] in
            (import)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(config)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-config-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
'--render=[Show this template'\''s env values, commands and sign-in hints, resolved]:TEMPLATE:_default' \
'--base-port=[The base port to render for \[default\: the first of \[ports\]\]]:PORT:_default' \
'--name=[The environment name to render for]:NAME:_default' \
'--owner=[The owner to render for \[default\: \$USER\]]:OWNER:_default' \
'*--label=[A label the template reads as \${labels.KEY} (repeatable)]:KEY=VALUE:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__config__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-config-help-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(extend)
_arguments "${_arguments_options[@]}" : \
'--until=[End at this time instead\: 2026-12-01T18\:00\:00Z, "2026-12-01 18\:00" or 2026-12-01 (local time; a date alone ends at 23\:59\:59)]:TIME:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
'::by -- How much later it ends (1h, 2d, 1w), counted from its current end (or from now when that has passed):_default' \
&& ret=0
;;
(pin)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
&& ret=0
;;
(unpin)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
&& ret=0
;;
(restart)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
':service -- The service to restart (one of the environment'\''s services):_default' \
&& ret=0
;;
(cleanup)
_arguments "${_arguments_options[@]}" : \
'--keep=[Keep only the N most recent environments \[config\: cleanup.keep\]]:N:_default' \
'--older-than=[Remove environments created longer ago than this \[config\: cleanup.older_than\]]:DUR:_default' \
'--failed-grace=[Remove failed environments this long after they failed \[config\: cleanup.failed_grace, 24h\]]:DUR:_default' \
'--concurrency=[How many environments to remove at once \[config\: cleanup.concurrency, 4\]]:N:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--per-owner[Apply --keep to each owner separately \[config\: cleanup.per_owner\]]' \
'--dry-run[Show the plan; change nothing]' \
'--no-wait[Fail at once (exit 5) if another cleanup, sync or reset is running, instead of waiting]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(auto-cleanup)
_arguments "${_arguments_options[@]}" : \
'--keep=[Keep only the N most recent environments \[config\: cleanup.keep\]]:N:_default' \
'--older-than=[Remove environments created longer ago than this \[config\: cleanup.older_than\]]:DUR:_default' \
'--failed-grace=[Remove failed environments this long after they failed \[config\: cleanup.failed_grace, 24h\]]:DUR:_default' \
'--concurrency=[How many environments to remove at once \[config\: cleanup.concurrency, 4\]]:N:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--per-owner[Apply --keep to each owner separately \[config\: cleanup.per_owner\]]' \
'--dry-run[Show the plan; change nothing]' \
'--no-wait[Fail at once (exit 5) if another cleanup, sync or reset is running, instead of waiting]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(sync)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--dry-run[Report what is out of step; change nothing]' \
'(--adopt)--remove-orphans[Remove labelled containers, networks and volumes that have no record]' \
'--adopt[Rebuild records for orphaned environments from their Docker labels]' \
'--no-wait[Fail at once (exit 5) if another cleanup, sync or reset is running]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(reset-db)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--empty[Empty the database and remove every container, network and volume of this installation]' \
'--no-wait[Fail at once (exit 5) if another cleanup, sync or reset is running]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(auto-reset-db)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--empty[Empty the database and remove every container, network and volume of this installation]' \
'--no-wait[Fail at once (exit 5) if another cleanup, sync or reset is running]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__backup_commands" \
"*::: :->backup" \
&& ret=0

    case $state in
    (backup)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-backup-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
'--reason=[Word saying why, put in the file name]:REASON:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Backup file name, as `backup list` shows it:_default' \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::name -- Only this backup:_default' \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__backup__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-backup-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(archive)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__archive_commands" \
"*::: :->archive" \
&& ret=0

    case $state in
    (archive)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-archive-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--stop[Stop the environment first, so no service writes during the copy]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':environment -- Environment id or name:_default' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':archive -- Archive id, or an environment name for its newest archive:_default' \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::archive -- Archive id, or an environment name for its newest archive:_default' \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--dry-run[Show what would go, remove nothing]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':archive -- Archive id, or an environment name for its newest archive:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__archive__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-archive-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(pool)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__pool_commands" \
"*::: :->pool" \
&& ret=0

    case $state in
    (pool)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-pool-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(reconcile)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--no-wait[Fail at once (exit 5) if another cleanup, sync, reset or reconcile is running]' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(drain)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':template -- The template whose pool to drain:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__pool__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-pool-help-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reconcile)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(drain)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(notify)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__notify_commands" \
"*::: :->notify" \
&& ret=0

    case $state in
    (notify)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-notify-command-$line[1]:"
        case $line[1] in
            (test)
_arguments "${_arguments_options[@]}" : \
'--event=[The kind of sample to send\: failed, expiring, expired, cleanup, restart_limit, pool_miss, maintenance_failed or backup_failed]:KIND:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(queue)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__notify__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-notify-help-command-$line[1]:"
        case $line[1] in
            (test)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(queue)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(serve)
_arguments "${_arguments_options[@]}" : \
'--listen=[Address to listen on (beyond loopback is an explicit choice)]:LISTEN:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__token_commands" \
"*::: :->token" \
&& ret=0

    case $state in
    (token)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-token-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
'--name=[A name for the token (who or what uses it)]:NAME:_default' \
'--role=[]:ROLE:((viewer\:"Read (project managers)"
developer\:"Create; change and delete their own environments (developers)"
operator\:"Every environment, cleanup, sync (DevOps engineers)"
admin\:"Everything\: reset, backups, tokens (system administrators)"))' \
'--owner=[The user whose environments it owns \[default\: its name\]]:OWNER:_default' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':token:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__token__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-token-help-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(generate)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_envctl__subcmd__generate_commands" \
"*::: :->generate" \
&& ret=0

    case $state in
    (generate)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-generate-command-$line[1]:"
        case $line[1] in
            (completions)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--out=[]:DIR:_files' \
'--data-dir=[Directory holding environments.json \[default\: \$XDG_DATA_HOME/envctl\]]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/envctl/config.toml if it exists\]]:FILE:_files' \
'--server=[Talk to this \`envctl serve\` instead of the local database and Docker (token\: ENVCTL_TOKEN)]:URL:_default' \
'--lock-timeout=[How long to wait for another envctl holding the database lock]:DUR:_default' \
'--json[Print JSON on stdout, for programs (stable fields; see docs/commands.md)]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print more about what is happening]' \
'--verbose[Print more about what is happening]' \
'-y[Answer yes to every question (for cron and CI)]' \
'--yes[Answer yes to every question (for cron and CI)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__generate__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-generate-help-command-$line[1]:"
        case $line[1] in
            (completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(one-click)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(start)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(stop)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(logs)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(shell)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(port)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(open)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(report)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(templates)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(template)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__template_commands" \
"*::: :->template" \
&& ret=0

    case $state in
    (template)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-template-command-$line[1]:"
        case $line[1] in
            (import)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(config)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-config-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(extend)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(pin)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(unpin)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(restart)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(cleanup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(auto-cleanup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(sync)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reset-db)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(auto-reset-db)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__backup_commands" \
"*::: :->backup" \
&& ret=0

    case $state in
    (backup)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-backup-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(archive)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__archive_commands" \
"*::: :->archive" \
&& ret=0

    case $state in
    (archive)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-archive-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(pool)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__pool_commands" \
"*::: :->pool" \
&& ret=0

    case $state in
    (pool)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-pool-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reconcile)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(drain)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(notify)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__notify_commands" \
"*::: :->notify" \
&& ret=0

    case $state in
    (notify)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-notify-command-$line[1]:"
        case $line[1] in
            (test)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(queue)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(serve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__token_commands" \
"*::: :->token" \
&& ret=0

    case $state in
    (token)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-token-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(generate)
_arguments "${_arguments_options[@]}" : \
":: :_envctl__subcmd__help__subcmd__generate_commands" \
"*::: :->generate" \
&& ret=0

    case $state in
    (generate)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:envctl-help-generate-command-$line[1]:"
        case $line[1] in
            (completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_envctl_commands] )) ||
_envctl_commands() {
    local commands; commands=(
'create:Create an environment from a template and wait until it is ready' \
'one-click:Guided create\: asks for template, name and owner (--yes takes the defaults)' \
'list:List environments' \
'show:Show one environment' \
'start:Start a stopped environment and wait until it is ready' \
'stop:Stop an environment, keeping its containers and volumes' \
'delete:Delete an environment and every container, network and volume it has' \
'logs:Print the logs of an environment'\''s services' \
'exec:Run a command in a service'\''s container (a terminal when on one)' \
'shell:Open a shell in a service'\''s container (bash, else sh)' \
'port:Print the host ports of an environment'\''s services (like \`docker port\`)' \
'open:Open a service'\''s URL in the browser, or print it when there is no display' \
'stats:Resource use per service (CPU, memory, network and block I/O), and the host'\''s' \
'report:Figures of a time range from the event log\: created, alive and removed environments, environment-hours, provisioning time, failures, cleanup, pools, utilisation, uptime' \
'templates:List the templates in the config' \
'template:Make templates\: import a Docker Compose file' \
'config:Check the config, or show what a template resolves to' \
'doctor:Check that environments can be made here, and how to fix what cannot' \
'extend:Move an environment'\''s end of life later (or to a given time)' \
'pin:Protect an environment from cleanup' \
'unpin:Let cleanup remove an environment again' \
'restart:Restart one service of a running environment (the others run on)' \
'cleanup:Show the retention plan, ask, then remove what it says (backs up first)' \
'auto-cleanup:The same policy as cleanup, never asks\: for cron' \
'sync:Reconcile the database with what Docker really runs' \
'reset-db:Back up, then rebuild the database from Docker (asks)' \
'auto-reset-db:Back up, then rebuild the database from Docker, never asks\: for cron' \
'backup:Database backups' \
'archive:Volume archives\: taken before removals and on demand, restored with \`create --from-archive\`' \
'pool:Warm pools\: status, reconcile (for cron), drain' \
'notify:Webhook notifications\: send a test notice, list the queue' \
'serve:Serve the REST API over the same database' \
'token:API tokens' \
'generate:Shell completions and man pages' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive_commands] )) ||
_envctl__subcmd__archive_commands() {
    local commands; commands=(
'list:List the archives, newest first' \
'create:Archive an environment'\''s volumes now' \
'show:Show an archive\: its environment and each volume' \
'verify:Read every file of an archive (or of all) and check its SHA-256, file count and size against the manifest' \
'prune:Remove the archives \`\[archives\]\` keep, max_age and max_bytes no longer keep' \
'delete:Remove an archive (asks)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl archive commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__create_commands] )) ||
_envctl__subcmd__archive__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__delete_commands] )) ||
_envctl__subcmd__archive__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive delete commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help_commands] )) ||
_envctl__subcmd__archive__subcmd__help_commands() {
    local commands; commands=(
'list:List the archives, newest first' \
'create:Archive an environment'\''s volumes now' \
'show:Show an archive\: its environment and each volume' \
'verify:Read every file of an archive (or of all) and check its SHA-256, file count and size against the manifest' \
'prune:Remove the archives \`\[archives\]\` keep, max_age and max_bytes no longer keep' \
'delete:Remove an archive (asks)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl archive help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help__subcmd__create_commands] )) ||
_envctl__subcmd__archive__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive help create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help__subcmd__delete_commands] )) ||
_envctl__subcmd__archive__subcmd__help__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive help delete commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__archive__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help__subcmd__list_commands] )) ||
_envctl__subcmd__archive__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive help list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help__subcmd__prune_commands] )) ||
_envctl__subcmd__archive__subcmd__help__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive help prune commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help__subcmd__show_commands] )) ||
_envctl__subcmd__archive__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive help show commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__help__subcmd__verify_commands] )) ||
_envctl__subcmd__archive__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive help verify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__list_commands] )) ||
_envctl__subcmd__archive__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__prune_commands] )) ||
_envctl__subcmd__archive__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive prune commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__show_commands] )) ||
_envctl__subcmd__archive__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive show commands' commands "$@"
}
(( $+functions[_envctl__subcmd__archive__subcmd__verify_commands] )) ||
_envctl__subcmd__archive__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'envctl archive verify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__auto-cleanup_commands] )) ||
_envctl__subcmd__auto-cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'envctl auto-cleanup commands' commands "$@"
}
(( $+functions[_envctl__subcmd__auto-reset-db_commands] )) ||
_envctl__subcmd__auto-reset-db_commands() {
    local commands; commands=()
    _describe -t commands 'envctl auto-reset-db commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup_commands] )) ||
_envctl__subcmd__backup_commands() {
    local commands; commands=(
'list:List the backups, oldest first' \
'create:Back the database up now' \
'restore:Replace the database with a backup (validated first; the current database is backed up)' \
'verify:Check that backups can be read and restored' \
'prune:Remove backups beyond the configured count and age' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl backup commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__create_commands] )) ||
_envctl__subcmd__backup__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__help_commands] )) ||
_envctl__subcmd__backup__subcmd__help_commands() {
    local commands; commands=(
'list:List the backups, oldest first' \
'create:Back the database up now' \
'restore:Replace the database with a backup (validated first; the current database is backed up)' \
'verify:Check that backups can be read and restored' \
'prune:Remove backups beyond the configured count and age' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl backup help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__help__subcmd__create_commands] )) ||
_envctl__subcmd__backup__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup help create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__backup__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__help__subcmd__list_commands] )) ||
_envctl__subcmd__backup__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup help list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__help__subcmd__prune_commands] )) ||
_envctl__subcmd__backup__subcmd__help__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup help prune commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__help__subcmd__restore_commands] )) ||
_envctl__subcmd__backup__subcmd__help__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup help restore commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__help__subcmd__verify_commands] )) ||
_envctl__subcmd__backup__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup help verify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__list_commands] )) ||
_envctl__subcmd__backup__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__prune_commands] )) ||
_envctl__subcmd__backup__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup prune commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__restore_commands] )) ||
_envctl__subcmd__backup__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup restore commands' commands "$@"
}
(( $+functions[_envctl__subcmd__backup__subcmd__verify_commands] )) ||
_envctl__subcmd__backup__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'envctl backup verify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__cleanup_commands] )) ||
_envctl__subcmd__cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'envctl cleanup commands' commands "$@"
}
(( $+functions[_envctl__subcmd__config_commands] )) ||
_envctl__subcmd__config_commands() {
    local commands; commands=(
'check:Check the config; with --render, show a template'\''s resolved env and commands' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl config commands' commands "$@"
}
(( $+functions[_envctl__subcmd__config__subcmd__check_commands] )) ||
_envctl__subcmd__config__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'envctl config check commands' commands "$@"
}
(( $+functions[_envctl__subcmd__config__subcmd__help_commands] )) ||
_envctl__subcmd__config__subcmd__help_commands() {
    local commands; commands=(
'check:Check the config; with --render, show a template'\''s resolved env and commands' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl config help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__config__subcmd__help__subcmd__check_commands] )) ||
_envctl__subcmd__config__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'envctl config help check commands' commands "$@"
}
(( $+functions[_envctl__subcmd__config__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__config__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl config help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__create_commands] )) ||
_envctl__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__delete_commands] )) ||
_envctl__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'envctl delete commands' commands "$@"
}
(( $+functions[_envctl__subcmd__doctor_commands] )) ||
_envctl__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'envctl doctor commands' commands "$@"
}
(( $+functions[_envctl__subcmd__exec_commands] )) ||
_envctl__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'envctl exec commands' commands "$@"
}
(( $+functions[_envctl__subcmd__extend_commands] )) ||
_envctl__subcmd__extend_commands() {
    local commands; commands=()
    _describe -t commands 'envctl extend commands' commands "$@"
}
(( $+functions[_envctl__subcmd__generate_commands] )) ||
_envctl__subcmd__generate_commands() {
    local commands; commands=(
'completions:Print the completion script for SHELL to stdout' \
'man:Write envctl.1 and one page per subcommand (envctl-create.1, ...) into DIR' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl generate commands' commands "$@"
}
(( $+functions[_envctl__subcmd__generate__subcmd__completions_commands] )) ||
_envctl__subcmd__generate__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'envctl generate completions commands' commands "$@"
}
(( $+functions[_envctl__subcmd__generate__subcmd__help_commands] )) ||
_envctl__subcmd__generate__subcmd__help_commands() {
    local commands; commands=(
'completions:Print the completion script for SHELL to stdout' \
'man:Write envctl.1 and one page per subcommand (envctl-create.1, ...) into DIR' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl generate help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__generate__subcmd__help__subcmd__completions_commands] )) ||
_envctl__subcmd__generate__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'envctl generate help completions commands' commands "$@"
}
(( $+functions[_envctl__subcmd__generate__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__generate__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl generate help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__generate__subcmd__help__subcmd__man_commands] )) ||
_envctl__subcmd__generate__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'envctl generate help man commands' commands "$@"
}
(( $+functions[_envctl__subcmd__generate__subcmd__man_commands] )) ||
_envctl__subcmd__generate__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'envctl generate man commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help_commands] )) ||
_envctl__subcmd__help_commands() {
    local commands; commands=(
'create:Create an environment from a template and wait until it is ready' \
'one-click:Guided create\: asks for template, name and owner (--yes takes the defaults)' \
'list:List environments' \
'show:Show one environment' \
'start:Start a stopped environment and wait until it is ready' \
'stop:Stop an environment, keeping its containers and volumes' \
'delete:Delete an environment and every container, network and volume it has' \
'logs:Print the logs of an environment'\''s services' \
'exec:Run a command in a service'\''s container (a terminal when on one)' \
'shell:Open a shell in a service'\''s container (bash, else sh)' \
'port:Print the host ports of an environment'\''s services (like \`docker port\`)' \
'open:Open a service'\''s URL in the browser, or print it when there is no display' \
'stats:Resource use per service (CPU, memory, network and block I/O), and the host'\''s' \
'report:Figures of a time range from the event log\: created, alive and removed environments, environment-hours, provisioning time, failures, cleanup, pools, utilisation, uptime' \
'templates:List the templates in the config' \
'template:Make templates\: import a Docker Compose file' \
'config:Check the config, or show what a template resolves to' \
'doctor:Check that environments can be made here, and how to fix what cannot' \
'extend:Move an environment'\''s end of life later (or to a given time)' \
'pin:Protect an environment from cleanup' \
'unpin:Let cleanup remove an environment again' \
'restart:Restart one service of a running environment (the others run on)' \
'cleanup:Show the retention plan, ask, then remove what it says (backs up first)' \
'auto-cleanup:The same policy as cleanup, never asks\: for cron' \
'sync:Reconcile the database with what Docker really runs' \
'reset-db:Back up, then rebuild the database from Docker (asks)' \
'auto-reset-db:Back up, then rebuild the database from Docker, never asks\: for cron' \
'backup:Database backups' \
'archive:Volume archives\: taken before removals and on demand, restored with \`create --from-archive\`' \
'pool:Warm pools\: status, reconcile (for cron), drain' \
'notify:Webhook notifications\: send a test notice, list the queue' \
'serve:Serve the REST API over the same database' \
'token:API tokens' \
'generate:Shell completions and man pages' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__archive_commands] )) ||
_envctl__subcmd__help__subcmd__archive_commands() {
    local commands; commands=(
'list:List the archives, newest first' \
'create:Archive an environment'\''s volumes now' \
'show:Show an archive\: its environment and each volume' \
'verify:Read every file of an archive (or of all) and check its SHA-256, file count and size against the manifest' \
'prune:Remove the archives \`\[archives\]\` keep, max_age and max_bytes no longer keep' \
'delete:Remove an archive (asks)' \
    )
    _describe -t commands 'envctl help archive commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__archive__subcmd__create_commands] )) ||
_envctl__subcmd__help__subcmd__archive__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help archive create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__archive__subcmd__delete_commands] )) ||
_envctl__subcmd__help__subcmd__archive__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help archive delete commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__archive__subcmd__list_commands] )) ||
_envctl__subcmd__help__subcmd__archive__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help archive list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__archive__subcmd__prune_commands] )) ||
_envctl__subcmd__help__subcmd__archive__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help archive prune commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__archive__subcmd__show_commands] )) ||
_envctl__subcmd__help__subcmd__archive__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help archive show commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__archive__subcmd__verify_commands] )) ||
_envctl__subcmd__help__subcmd__archive__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help archive verify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__auto-cleanup_commands] )) ||
_envctl__subcmd__help__subcmd__auto-cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help auto-cleanup commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__auto-reset-db_commands] )) ||
_envctl__subcmd__help__subcmd__auto-reset-db_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help auto-reset-db commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__backup_commands] )) ||
_envctl__subcmd__help__subcmd__backup_commands() {
    local commands; commands=(
'list:List the backups, oldest first' \
'create:Back the database up now' \
'restore:Replace the database with a backup (validated first; the current database is backed up)' \
'verify:Check that backups can be read and restored' \
'prune:Remove backups beyond the configured count and age' \
    )
    _describe -t commands 'envctl help backup commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__backup__subcmd__create_commands] )) ||
_envctl__subcmd__help__subcmd__backup__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help backup create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__backup__subcmd__list_commands] )) ||
_envctl__subcmd__help__subcmd__backup__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help backup list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__backup__subcmd__prune_commands] )) ||
_envctl__subcmd__help__subcmd__backup__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help backup prune commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__backup__subcmd__restore_commands] )) ||
_envctl__subcmd__help__subcmd__backup__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help backup restore commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__backup__subcmd__verify_commands] )) ||
_envctl__subcmd__help__subcmd__backup__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help backup verify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__cleanup_commands] )) ||
_envctl__subcmd__help__subcmd__cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help cleanup commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__config_commands] )) ||
_envctl__subcmd__help__subcmd__config_commands() {
    local commands; commands=(
'check:Check the config; with --render, show a template'\''s resolved env and commands' \
    )
    _describe -t commands 'envctl help config commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__config__subcmd__check_commands] )) ||
_envctl__subcmd__help__subcmd__config__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help config check commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__create_commands] )) ||
_envctl__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__delete_commands] )) ||
_envctl__subcmd__help__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help delete commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__doctor_commands] )) ||
_envctl__subcmd__help__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help doctor commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__exec_commands] )) ||
_envctl__subcmd__help__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help exec commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__extend_commands] )) ||
_envctl__subcmd__help__subcmd__extend_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help extend commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__generate_commands] )) ||
_envctl__subcmd__help__subcmd__generate_commands() {
    local commands; commands=(
'completions:Print the completion script for SHELL to stdout' \
'man:Write envctl.1 and one page per subcommand (envctl-create.1, ...) into DIR' \
    )
    _describe -t commands 'envctl help generate commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__generate__subcmd__completions_commands] )) ||
_envctl__subcmd__help__subcmd__generate__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help generate completions commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__generate__subcmd__man_commands] )) ||
_envctl__subcmd__help__subcmd__generate__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help generate man commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__list_commands] )) ||
_envctl__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__logs_commands] )) ||
_envctl__subcmd__help__subcmd__logs_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help logs commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__notify_commands] )) ||
_envctl__subcmd__help__subcmd__notify_commands() {
    local commands; commands=(
'test:Send a sample notice to every endpoint now (not through the queue) and print each answer; exits 1 if any endpoint failed' \
'queue:List the notices waiting to be delivered\: endpoint, kind, attempts, next try' \
    )
    _describe -t commands 'envctl help notify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__notify__subcmd__queue_commands] )) ||
_envctl__subcmd__help__subcmd__notify__subcmd__queue_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help notify queue commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__notify__subcmd__test_commands] )) ||
_envctl__subcmd__help__subcmd__notify__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help notify test commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__one-click_commands] )) ||
_envctl__subcmd__help__subcmd__one-click_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help one-click commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__open_commands] )) ||
_envctl__subcmd__help__subcmd__open_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help open commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__pin_commands] )) ||
_envctl__subcmd__help__subcmd__pin_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help pin commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__pool_commands] )) ||
_envctl__subcmd__help__subcmd__pool_commands() {
    local commands; commands=(
'status:Each pool\: floor, desired now and why, ready, warming, members'\'' ages, claims and misses' \
'reconcile:Bring every pool to its desired size\: retire old and broken members, make new ones (cron-safe; exit 5 when busy)' \
'drain:Remove a pool'\''s idle members (asks; --yes does not)' \
    )
    _describe -t commands 'envctl help pool commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__pool__subcmd__drain_commands] )) ||
_envctl__subcmd__help__subcmd__pool__subcmd__drain_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help pool drain commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__pool__subcmd__reconcile_commands] )) ||
_envctl__subcmd__help__subcmd__pool__subcmd__reconcile_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help pool reconcile commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__pool__subcmd__status_commands] )) ||
_envctl__subcmd__help__subcmd__pool__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help pool status commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__port_commands] )) ||
_envctl__subcmd__help__subcmd__port_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help port commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__report_commands] )) ||
_envctl__subcmd__help__subcmd__report_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help report commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__reset-db_commands] )) ||
_envctl__subcmd__help__subcmd__reset-db_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help reset-db commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__restart_commands] )) ||
_envctl__subcmd__help__subcmd__restart_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help restart commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__serve_commands] )) ||
_envctl__subcmd__help__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help serve commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__shell_commands] )) ||
_envctl__subcmd__help__subcmd__shell_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help shell commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__show_commands] )) ||
_envctl__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help show commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__start_commands] )) ||
_envctl__subcmd__help__subcmd__start_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help start commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__stats_commands] )) ||
_envctl__subcmd__help__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help stats commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__stop_commands] )) ||
_envctl__subcmd__help__subcmd__stop_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help stop commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__sync_commands] )) ||
_envctl__subcmd__help__subcmd__sync_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help sync commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__template_commands] )) ||
_envctl__subcmd__help__subcmd__template_commands() {
    local commands; commands=(
'import:Print a Docker Compose file as an envctl template; --write adds it to the config' \
    )
    _describe -t commands 'envctl help template commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__template__subcmd__import_commands] )) ||
_envctl__subcmd__help__subcmd__template__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help template import commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__templates_commands] )) ||
_envctl__subcmd__help__subcmd__templates_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help templates commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__token_commands] )) ||
_envctl__subcmd__help__subcmd__token_commands() {
    local commands; commands=(
'create:Create a token; prints it once, alone on the last line of stdout' \
'list:List tokens (never their secrets)' \
'revoke:Revoke a token by id or name' \
    )
    _describe -t commands 'envctl help token commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__token__subcmd__create_commands] )) ||
_envctl__subcmd__help__subcmd__token__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help token create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__token__subcmd__list_commands] )) ||
_envctl__subcmd__help__subcmd__token__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help token list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__token__subcmd__revoke_commands] )) ||
_envctl__subcmd__help__subcmd__token__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help token revoke commands' commands "$@"
}
(( $+functions[_envctl__subcmd__help__subcmd__unpin_commands] )) ||
_envctl__subcmd__help__subcmd__unpin_commands() {
    local commands; commands=()
    _describe -t commands 'envctl help unpin commands' commands "$@"
}
(( $+functions[_envctl__subcmd__list_commands] )) ||
_envctl__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__logs_commands] )) ||
_envctl__subcmd__logs_commands() {
    local commands; commands=()
    _describe -t commands 'envctl logs commands' commands "$@"
}
(( $+functions[_envctl__subcmd__notify_commands] )) ||
_envctl__subcmd__notify_commands() {
    local commands; commands=(
'test:Send a sample notice to every endpoint now (not through the queue) and print each answer; exits 1 if any endpoint failed' \
'queue:List the notices waiting to be delivered\: endpoint, kind, attempts, next try' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl notify commands' commands "$@"
}
(( $+functions[_envctl__subcmd__notify__subcmd__help_commands] )) ||
_envctl__subcmd__notify__subcmd__help_commands() {
    local commands; commands=(
'test:Send a sample notice to every endpoint now (not through the queue) and print each answer; exits 1 if any endpoint failed' \
'queue:List the notices waiting to be delivered\: endpoint, kind, attempts, next try' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl notify help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__notify__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__notify__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl notify help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__notify__subcmd__help__subcmd__queue_commands] )) ||
_envctl__subcmd__notify__subcmd__help__subcmd__queue_commands() {
    local commands; commands=()
    _describe -t commands 'envctl notify help queue commands' commands "$@"
}
(( $+functions[_envctl__subcmd__notify__subcmd__help__subcmd__test_commands] )) ||
_envctl__subcmd__notify__subcmd__help__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'envctl notify help test commands' commands "$@"
}
(( $+functions[_envctl__subcmd__notify__subcmd__queue_commands] )) ||
_envctl__subcmd__notify__subcmd__queue_commands() {
    local commands; commands=()
    _describe -t commands 'envctl notify queue commands' commands "$@"
}
(( $+functions[_envctl__subcmd__notify__subcmd__test_commands] )) ||
_envctl__subcmd__notify__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'envctl notify test commands' commands "$@"
}
(( $+functions[_envctl__subcmd__one-click_commands] )) ||
_envctl__subcmd__one-click_commands() {
    local commands; commands=()
    _describe -t commands 'envctl one-click commands' commands "$@"
}
(( $+functions[_envctl__subcmd__open_commands] )) ||
_envctl__subcmd__open_commands() {
    local commands; commands=()
    _describe -t commands 'envctl open commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pin_commands] )) ||
_envctl__subcmd__pin_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pin commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool_commands] )) ||
_envctl__subcmd__pool_commands() {
    local commands; commands=(
'status:Each pool\: floor, desired now and why, ready, warming, members'\'' ages, claims and misses' \
'reconcile:Bring every pool to its desired size\: retire old and broken members, make new ones (cron-safe; exit 5 when busy)' \
'drain:Remove a pool'\''s idle members (asks; --yes does not)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl pool commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__drain_commands] )) ||
_envctl__subcmd__pool__subcmd__drain_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pool drain commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__help_commands] )) ||
_envctl__subcmd__pool__subcmd__help_commands() {
    local commands; commands=(
'status:Each pool\: floor, desired now and why, ready, warming, members'\'' ages, claims and misses' \
'reconcile:Bring every pool to its desired size\: retire old and broken members, make new ones (cron-safe; exit 5 when busy)' \
'drain:Remove a pool'\''s idle members (asks; --yes does not)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl pool help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__help__subcmd__drain_commands] )) ||
_envctl__subcmd__pool__subcmd__help__subcmd__drain_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pool help drain commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__pool__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pool help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__help__subcmd__reconcile_commands] )) ||
_envctl__subcmd__pool__subcmd__help__subcmd__reconcile_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pool help reconcile commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__help__subcmd__status_commands] )) ||
_envctl__subcmd__pool__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pool help status commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__reconcile_commands] )) ||
_envctl__subcmd__pool__subcmd__reconcile_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pool reconcile commands' commands "$@"
}
(( $+functions[_envctl__subcmd__pool__subcmd__status_commands] )) ||
_envctl__subcmd__pool__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'envctl pool status commands' commands "$@"
}
(( $+functions[_envctl__subcmd__port_commands] )) ||
_envctl__subcmd__port_commands() {
    local commands; commands=()
    _describe -t commands 'envctl port commands' commands "$@"
}
(( $+functions[_envctl__subcmd__report_commands] )) ||
_envctl__subcmd__report_commands() {
    local commands; commands=()
    _describe -t commands 'envctl report commands' commands "$@"
}
(( $+functions[_envctl__subcmd__reset-db_commands] )) ||
_envctl__subcmd__reset-db_commands() {
    local commands; commands=()
    _describe -t commands 'envctl reset-db commands' commands "$@"
}
(( $+functions[_envctl__subcmd__restart_commands] )) ||
_envctl__subcmd__restart_commands() {
    local commands; commands=()
    _describe -t commands 'envctl restart commands' commands "$@"
}
(( $+functions[_envctl__subcmd__serve_commands] )) ||
_envctl__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'envctl serve commands' commands "$@"
}
(( $+functions[_envctl__subcmd__shell_commands] )) ||
_envctl__subcmd__shell_commands() {
    local commands; commands=()
    _describe -t commands 'envctl shell commands' commands "$@"
}
(( $+functions[_envctl__subcmd__show_commands] )) ||
_envctl__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'envctl show commands' commands "$@"
}
(( $+functions[_envctl__subcmd__start_commands] )) ||
_envctl__subcmd__start_commands() {
    local commands; commands=()
    _describe -t commands 'envctl start commands' commands "$@"
}
(( $+functions[_envctl__subcmd__stats_commands] )) ||
_envctl__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'envctl stats commands' commands "$@"
}
(( $+functions[_envctl__subcmd__stop_commands] )) ||
_envctl__subcmd__stop_commands() {
    local commands; commands=()
    _describe -t commands 'envctl stop commands' commands "$@"
}
(( $+functions[_envctl__subcmd__sync_commands] )) ||
_envctl__subcmd__sync_commands() {
    local commands; commands=()
    _describe -t commands 'envctl sync commands' commands "$@"
}
(( $+functions[_envctl__subcmd__template_commands] )) ||
_envctl__subcmd__template_commands() {
    local commands; commands=(
'import:Print a Docker Compose file as an envctl template; --write adds it to the config' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl template commands' commands "$@"
}
(( $+functions[_envctl__subcmd__template__subcmd__help_commands] )) ||
_envctl__subcmd__template__subcmd__help_commands() {
    local commands; commands=(
'import:Print a Docker Compose file as an envctl template; --write adds it to the config' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl template help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__template__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__template__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl template help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__template__subcmd__help__subcmd__import_commands] )) ||
_envctl__subcmd__template__subcmd__help__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'envctl template help import commands' commands "$@"
}
(( $+functions[_envctl__subcmd__template__subcmd__import_commands] )) ||
_envctl__subcmd__template__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'envctl template import commands' commands "$@"
}
(( $+functions[_envctl__subcmd__templates_commands] )) ||
_envctl__subcmd__templates_commands() {
    local commands; commands=()
    _describe -t commands 'envctl templates commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token_commands] )) ||
_envctl__subcmd__token_commands() {
    local commands; commands=(
'create:Create a token; prints it once, alone on the last line of stdout' \
'list:List tokens (never their secrets)' \
'revoke:Revoke a token by id or name' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl token commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__create_commands] )) ||
_envctl__subcmd__token__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl token create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__help_commands] )) ||
_envctl__subcmd__token__subcmd__help_commands() {
    local commands; commands=(
'create:Create a token; prints it once, alone on the last line of stdout' \
'list:List tokens (never their secrets)' \
'revoke:Revoke a token by id or name' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'envctl token help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__help__subcmd__create_commands] )) ||
_envctl__subcmd__token__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'envctl token help create commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__help__subcmd__help_commands] )) ||
_envctl__subcmd__token__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'envctl token help help commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__help__subcmd__list_commands] )) ||
_envctl__subcmd__token__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl token help list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__help__subcmd__revoke_commands] )) ||
_envctl__subcmd__token__subcmd__help__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'envctl token help revoke commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__list_commands] )) ||
_envctl__subcmd__token__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'envctl token list commands' commands "$@"
}
(( $+functions[_envctl__subcmd__token__subcmd__revoke_commands] )) ||
_envctl__subcmd__token__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'envctl token revoke commands' commands "$@"
}
(( $+functions[_envctl__subcmd__unpin_commands] )) ||
_envctl__subcmd__unpin_commands() {
    local commands; commands=()
    _describe -t commands 'envctl unpin commands' commands "$@"
}

if [ "$funcstack[1]" = "_envctl" ]; then
    _envctl "$@"
else
    compdef _envctl envctl
fi
