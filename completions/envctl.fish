# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_envctl_global_optspecs
    string join \n data-dir= config= server= json q/quiet v/verbose y/yes lock-timeout= h/help V/version
end

function __fish_envctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_envctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_envctl_using_subcommand
    set -l cmd (__fish_envctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c envctl -n "__fish_envctl_needs_command" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_needs_command" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_needs_command" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_needs_command" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_needs_command" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_needs_command" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_needs_command" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c envctl -n "__fish_envctl_needs_command" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "create" -d 'Create an environment from a template and wait until it is ready'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "one-click" -d 'Guided create: asks for template, name and owner (--yes takes the defaults)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "list" -d 'List environments'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "show" -d 'Show one environment'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "start" -d 'Start a stopped environment and wait until it is ready'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "stop" -d 'Stop an environment, keeping its containers and volumes'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "delete" -d 'Delete an environment and every container, network and volume it has'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "logs" -d 'Print the logs of an environment\'s services'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "exec" -d 'Run a command in a service\'s container (a terminal when on one)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "shell" -d 'Open a shell in a service\'s container (bash, else sh)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "port" -d 'Print the host ports of an environment\'s services (like `docker port`)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "open" -d 'Open a service\'s URL in the browser, or print it when there is no display'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "stats" -d 'Resource use per service (CPU, memory, network and block I/O), and the host\'s'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "report" -d 'Figures of a time range from the event log: created, alive and removed environments, environment-hours, provisioning time, failures, cleanup, pools, utilisation, uptime'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "templates" -d 'List the templates in the config'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "template" -d 'Make templates: import a Docker Compose file'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "config" -d 'Check the config, or show what a template resolves to'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "doctor" -d 'Check that environments can be made here, and how to fix what cannot'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "extend" -d 'Move an environment\'s end of life later (or to a given time)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "pin" -d 'Protect an environment from cleanup'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "unpin" -d 'Let cleanup remove an environment again'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "restart" -d 'Restart one service of a running environment (the others run on)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "cleanup" -d 'Show the retention plan, ask, then remove what it says (backs up first)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "auto-cleanup" -d 'The same policy as cleanup, never asks: for cron'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "sync" -d 'Reconcile the database with what Docker really runs'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "reset-db" -d 'Back up, then rebuild the database from Docker (asks)'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "auto-reset-db" -d 'Back up, then rebuild the database from Docker, never asks: for cron'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "backup" -d 'Database backups'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "archive" -d 'Volume archives: taken before removals and on demand, restored with `create --from-archive`'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "pool" -d 'Warm pools: status, reconcile (for cron), drain'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "notify" -d 'Webhook notifications: send a test notice, list the queue'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "serve" -d 'Serve the REST API over the same database'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "token" -d 'API tokens'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "generate" -d 'Shell completions and man pages'
complete -c envctl -n "__fish_envctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand create" -s t -l template -d 'Template to make it from [default: the config\'s default, `onboarding`]' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -s o -l owner -d 'Who owns it [default: $USER]' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -s l -l label -d 'A label, key=value (repeatable)' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -l ttl -d 'Time to live, after which cleanup may remove it (e.g. 8h, 7d)' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -l timeout -d 'Give up (and roll back) after this long [default: the config\'s, 15m]' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -l from-archive -d 'Restore the volumes of this archive (an id from `envctl archive list`, or an environment name for its newest) before the services start; the template is the archive\'s unless --template names another' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand create" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand create" -l no-wait -d 'Return once the containers are started, without waiting for readiness'
complete -c envctl -n "__fish_envctl_using_subcommand create" -l wait -d 'Wait until every service is ready (the default; for scripts that say so)'
complete -c envctl -n "__fish_envctl_using_subcommand create" -l keep-on-failure -d 'On failure, keep the containers for inspection'
complete -c envctl -n "__fish_envctl_using_subcommand create" -l pin -d 'Never let cleanup remove it'
complete -c envctl -n "__fish_envctl_using_subcommand create" -l if-not-exists -d 'If NAME exists, answer it instead (waiting for it, or starting it when stopped); fail only if it failed or comes from another template. For CI'
complete -c envctl -n "__fish_envctl_using_subcommand create" -l no-pool -d 'Create cold, even when the template\'s warm pool has a ready member'
complete -c envctl -n "__fish_envctl_using_subcommand create" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand create" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand create" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand create" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand create" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand create" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -l no-pool -d 'Create cold, even when the template\'s warm pool has a ready member'
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand one-click" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand list" -l status -d 'Only environments with this status' -r
complete -c envctl -n "__fish_envctl_using_subcommand list" -l owner -d 'Only environments of this owner' -r
complete -c envctl -n "__fish_envctl_using_subcommand list" -l template -d 'Only environments made from this template' -r
complete -c envctl -n "__fish_envctl_using_subcommand list" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand list" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand list" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand list" -l all -d 'Also the members of warm pools (hidden otherwise)'
complete -c envctl -n "__fish_envctl_using_subcommand list" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand list" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand list" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand list" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand list" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand list" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand show" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand show" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand show" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand show" -l dotenv -d 'Print KEY=value lines (ENVCTL_NAME, JIRA_URL, ...) for $GITHUB_OUTPUT or a GitLab dotenv report'
complete -c envctl -n "__fish_envctl_using_subcommand show" -l secrets -d 'Also print its generated secrets (passwords): its owner and admins only'
complete -c envctl -n "__fish_envctl_using_subcommand show" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand show" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand show" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand show" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand show" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand show" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand start" -l timeout -d 'How long to wait for readiness [default: the config\'s, 15m]' -r
complete -c envctl -n "__fish_envctl_using_subcommand start" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand start" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand start" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand start" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand start" -l no-wait -d 'Return once the containers are started, without waiting for readiness'
complete -c envctl -n "__fish_envctl_using_subcommand start" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand start" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand start" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand start" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand start" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand start" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand stop" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand stop" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand stop" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand stop" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand stop" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand stop" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand stop" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand stop" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand stop" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand stop" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l keep-volumes -d 'Keep its named volumes (data survives; `docker volume ls` shows them)'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l if-exists -d 'Succeed when it does not exist (for CI clean-up steps)'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l no-archive -d 'Remove its volumes without archiving them first'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand delete" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand logs" -l tail -d 'Only the last N lines of each service' -r
complete -c envctl -n "__fish_envctl_using_subcommand logs" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand logs" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand logs" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand logs" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand logs" -s f -l follow -d 'Keep printing new output'
complete -c envctl -n "__fish_envctl_using_subcommand logs" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand logs" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand logs" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand logs" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand logs" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand logs" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand exec" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand exec" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand exec" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand exec" -s t -l tty -d 'Give the command a terminal [default: when stdin and stdout are terminals]'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -s T -l no-tty -d 'Give the command no terminal, even on one (stdout and stderr stay apart)'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand exec" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand shell" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand shell" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand shell" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand shell" -s t -l tty -d 'Give the command a terminal [default: when stdin and stdout are terminals]'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -s T -l no-tty -d 'Give the command no terminal, even on one (stdout and stderr stay apart)'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand shell" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand port" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand port" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand port" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand port" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand port" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand port" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand port" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand port" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand port" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand port" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand open" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand open" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand open" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand open" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand open" -l print -d 'Print the URL, open nothing'
complete -c envctl -n "__fish_envctl_using_subcommand open" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand open" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand open" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand open" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand open" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand open" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -l interval -d 'Time between refreshes' -r
complete -c envctl -n "__fish_envctl_using_subcommand stats" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand stats" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand stats" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand stats" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand stats" -l all -d 'Every environment, stopped ones too'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -s w -l watch -d 'Refresh in place until Ctrl-C (with --json: one JSON line per refresh)'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand stats" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand report" -l since -d 'Start of the range: a duration back from --until (30d, 12h) or a time (2026-11-01, "2026-11-01 09:00", RFC 3339)' -r
complete -c envctl -n "__fish_envctl_using_subcommand report" -l until -d 'End of the range, in the same forms [default: now]' -r
complete -c envctl -n "__fish_envctl_using_subcommand report" -l by -d 'Group by owner, template or label:KEY (label:team)' -r
complete -c envctl -n "__fish_envctl_using_subcommand report" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand report" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand report" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand report" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand report" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand report" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand report" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand report" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand report" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand report" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand templates" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand templates" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand templates" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand templates" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand templates" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand templates" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand templates" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand templates" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand templates" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand templates" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -f -a "import" -d 'Print a Docker Compose file as an envctl template; --write adds it to the config'
complete -c envctl -n "__fish_envctl_using_subcommand template; and not __fish_seen_subcommand_from import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l name -d 'The template\'s name [default: the Compose project name]' -r
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l profile -d 'Import the services of this Compose profile too (repeatable; `*` for all)' -r
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l write -d 'Append the template to the config file (--config, else the default one), keeping its comments and layout'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "import" -d 'Print a Docker Compose file as an envctl template; --write adds it to the config'
complete -c envctl -n "__fish_envctl_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Check the config; with --render, show a template\'s resolved env and commands'
complete -c envctl -n "__fish_envctl_using_subcommand config; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l render -d 'Show this template\'s env values, commands and sign-in hints, resolved' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l base-port -d 'The base port to render for [default: the first of [ports]]' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l name -d 'The environment name to render for' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l owner -d 'The owner to render for [default: $USER]' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l label -d 'A label the template reads as ${labels.KEY} (repeatable)' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the config; with --render, show a template\'s resolved env and commands'
complete -c envctl -n "__fish_envctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c envctl -n "__fish_envctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand extend" -l until -d 'End at this time instead: 2026-12-01T18:00:00Z, "2026-12-01 18:00" or 2026-12-01 (local time; a date alone ends at 23:59:59)' -r
complete -c envctl -n "__fish_envctl_using_subcommand extend" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand extend" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand extend" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand extend" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand extend" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand extend" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand extend" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand extend" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand extend" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand extend" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand pin" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pin" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pin" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand pin" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand pin" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand pin" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand pin" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand pin" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand pin" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand pin" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand unpin" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand restart" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand restart" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand restart" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand restart" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand restart" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand restart" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand restart" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand restart" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand restart" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand restart" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l keep -d 'Keep only the N most recent environments [config: cleanup.keep]' -r
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l older-than -d 'Remove environments created longer ago than this [config: cleanup.older_than]' -r
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l failed-grace -d 'Remove failed environments this long after they failed [config: cleanup.failed_grace, 24h]' -r
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l concurrency -d 'How many environments to remove at once [config: cleanup.concurrency, 4]' -r
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l per-owner -d 'Apply --keep to each owner separately [config: cleanup.per_owner]'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l dry-run -d 'Show the plan; change nothing'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l no-wait -d 'Fail at once (exit 5) if another cleanup, sync or reset is running, instead of waiting'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand cleanup" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l keep -d 'Keep only the N most recent environments [config: cleanup.keep]' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l older-than -d 'Remove environments created longer ago than this [config: cleanup.older_than]' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l failed-grace -d 'Remove failed environments this long after they failed [config: cleanup.failed_grace, 24h]' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l concurrency -d 'How many environments to remove at once [config: cleanup.concurrency, 4]' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l per-owner -d 'Apply --keep to each owner separately [config: cleanup.per_owner]'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l dry-run -d 'Show the plan; change nothing'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l no-wait -d 'Fail at once (exit 5) if another cleanup, sync or reset is running, instead of waiting'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand auto-cleanup" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l dry-run -d 'Report what is out of step; change nothing'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l remove-orphans -d 'Remove labelled containers, networks and volumes that have no record'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l adopt -d 'Rebuild records for orphaned environments from their Docker labels'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l no-wait -d 'Fail at once (exit 5) if another cleanup, sync or reset is running'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand sync" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -l empty -d 'Empty the database and remove every container, network and volume of this installation'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -l no-wait -d 'Fail at once (exit 5) if another cleanup, sync or reset is running'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand reset-db" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -l empty -d 'Empty the database and remove every container, network and volume of this installation'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -l no-wait -d 'Fail at once (exit 5) if another cleanup, sync or reset is running'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand auto-reset-db" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -f -a "list" -d 'List the backups, oldest first'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -f -a "create" -d 'Back the database up now'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -f -a "restore" -d 'Replace the database with a backup (validated first; the current database is backed up)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -f -a "verify" -d 'Check that backups can be read and restored'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -f -a "prune" -d 'Remove backups beyond the configured count and age'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and not __fish_seen_subcommand_from list create restore verify prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l reason -d 'Word saying why, put in the file name' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the backups, oldest first'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "create" -d 'Back the database up now'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Replace the database with a backup (validated first; the current database is backed up)'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check that backups can be read and restored'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove backups beyond the configured count and age'
complete -c envctl -n "__fish_envctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -f -a "list" -d 'List the archives, newest first'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -f -a "create" -d 'Archive an environment\'s volumes now'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -f -a "show" -d 'Show an archive: its environment and each volume'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -f -a "verify" -d 'Read every file of an archive (or of all) and check its SHA-256, file count and size against the manifest'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -f -a "prune" -d 'Remove the archives `[archives]` keep, max_age and max_bytes no longer keep'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -f -a "delete" -d 'Remove an archive (asks)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and not __fish_seen_subcommand_from list create show verify prune delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -l stop -d 'Stop the environment first, so no service writes during the copy'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -l dry-run -d 'Show what would go, remove nothing'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the archives, newest first'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from help" -f -a "create" -d 'Archive an environment\'s volumes now'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show an archive: its environment and each volume'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Read every file of an archive (or of all) and check its SHA-256, file count and size against the manifest'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove the archives `[archives]` keep, max_age and max_bytes no longer keep'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove an archive (asks)'
complete -c envctl -n "__fish_envctl_using_subcommand archive; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -f -a "status" -d 'Each pool: floor, desired now and why, ready, warming, members\' ages, claims and misses'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -f -a "reconcile" -d 'Bring every pool to its desired size: retire old and broken members, make new ones (cron-safe; exit 5 when busy)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -f -a "drain" -d 'Remove a pool\'s idle members (asks; --yes does not)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and not __fish_seen_subcommand_from status reconcile drain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -l no-wait -d 'Fail at once (exit 5) if another cleanup, sync, reset or reconcile is running'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from reconcile" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from drain" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "status" -d 'Each pool: floor, desired now and why, ready, warming, members\' ages, claims and misses'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "reconcile" -d 'Bring every pool to its desired size: retire old and broken members, make new ones (cron-safe; exit 5 when busy)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "drain" -d 'Remove a pool\'s idle members (asks; --yes does not)'
complete -c envctl -n "__fish_envctl_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -f -a "test" -d 'Send a sample notice to every endpoint now (not through the queue) and print each answer; exits 1 if any endpoint failed'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -f -a "queue" -d 'List the notices waiting to be delivered: endpoint, kind, attempts, next try'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and not __fish_seen_subcommand_from test queue help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -l event -d 'The kind of sample to send: failed, expiring, expired, cleanup, restart_limit, pool_miss, maintenance_failed or backup_failed' -r
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from queue" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a sample notice to every endpoint now (not through the queue) and print each answer; exits 1 if any endpoint failed'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "queue" -d 'List the notices waiting to be delivered: endpoint, kind, attempts, next try'
complete -c envctl -n "__fish_envctl_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand serve" -l listen -d 'Address to listen on (beyond loopback is an explicit choice)' -r
complete -c envctl -n "__fish_envctl_using_subcommand serve" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand serve" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand serve" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand serve" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand serve" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand serve" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand serve" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand serve" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand serve" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "create" -d 'Create a token; prints it once, alone on the last line of stdout'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "list" -d 'List tokens (never their secrets)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "revoke" -d 'Revoke a token by id or name'
complete -c envctl -n "__fish_envctl_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l name -d 'A name for the token (who or what uses it)' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l role -r -f -a "viewer\t'Read (project managers)'
developer\t'Create; change and delete their own environments (developers)'
operator\t'Every environment, cleanup, sync (DevOps engineers)'
admin\t'Everything: reset, backups, tokens (system administrators)'"
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l owner -d 'The user whose environments it owns [default: its name]' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a token; prints it once, alone on the last line of stdout'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tokens (never their secrets)'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a token by id or name'
complete -c envctl -n "__fish_envctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Print the completion script for SHELL to stdout'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'Write envctl.1 and one page per subcommand (envctl-create.1, ...) into DIR'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -l out -r -F
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -l data-dir -d 'Directory holding environments.json [default: $XDG_DATA_HOME/envctl]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -l config -d 'Config file [default: $XDG_CONFIG_HOME/envctl/config.toml if it exists]' -r -F
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -l server -d 'Talk to this `envctl serve` instead of the local database and Docker (token: ENVCTL_TOKEN)' -r
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -l lock-timeout -d 'How long to wait for another envctl holding the database lock' -r
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Print JSON on stdout, for programs (stable fields; see docs/commands.md)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Print only results and errors'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'Print more about what is happening'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -s y -l yes -d 'Answer yes to every question (for cron and CI)'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Print the completion script for SHELL to stdout'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'Write envctl.1 and one page per subcommand (envctl-create.1, ...) into DIR'
complete -c envctl -n "__fish_envctl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "create" -d 'Create an environment from a template and wait until it is ready'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "one-click" -d 'Guided create: asks for template, name and owner (--yes takes the defaults)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "list" -d 'List environments'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "show" -d 'Show one environment'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "start" -d 'Start a stopped environment and wait until it is ready'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "stop" -d 'Stop an environment, keeping its containers and volumes'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "delete" -d 'Delete an environment and every container, network and volume it has'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "logs" -d 'Print the logs of an environment\'s services'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "exec" -d 'Run a command in a service\'s container (a terminal when on one)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "shell" -d 'Open a shell in a service\'s container (bash, else sh)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "port" -d 'Print the host ports of an environment\'s services (like `docker port`)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "open" -d 'Open a service\'s URL in the browser, or print it when there is no display'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "stats" -d 'Resource use per service (CPU, memory, network and block I/O), and the host\'s'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "report" -d 'Figures of a time range from the event log: created, alive and removed environments, environment-hours, provisioning time, failures, cleanup, pools, utilisation, uptime'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "templates" -d 'List the templates in the config'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "template" -d 'Make templates: import a Docker Compose file'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "config" -d 'Check the config, or show what a template resolves to'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "doctor" -d 'Check that environments can be made here, and how to fix what cannot'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "extend" -d 'Move an environment\'s end of life later (or to a given time)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "pin" -d 'Protect an environment from cleanup'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "unpin" -d 'Let cleanup remove an environment again'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "restart" -d 'Restart one service of a running environment (the others run on)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "cleanup" -d 'Show the retention plan, ask, then remove what it says (backs up first)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "auto-cleanup" -d 'The same policy as cleanup, never asks: for cron'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "sync" -d 'Reconcile the database with what Docker really runs'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "reset-db" -d 'Back up, then rebuild the database from Docker (asks)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "auto-reset-db" -d 'Back up, then rebuild the database from Docker, never asks: for cron'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "backup" -d 'Database backups'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "archive" -d 'Volume archives: taken before removals and on demand, restored with `create --from-archive`'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "pool" -d 'Warm pools: status, reconcile (for cron), drain'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "notify" -d 'Webhook notifications: send a test notice, list the queue'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "serve" -d 'Serve the REST API over the same database'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "token" -d 'API tokens'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "generate" -d 'Shell completions and man pages'
complete -c envctl -n "__fish_envctl_using_subcommand help; and not __fish_seen_subcommand_from create one-click list show start stop delete logs exec shell port open stats report templates template config doctor extend pin unpin restart cleanup auto-cleanup sync reset-db auto-reset-db backup archive pool notify serve token generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from template" -f -a "import" -d 'Print a Docker Compose file as an envctl template; --write adds it to the config'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Check the config; with --render, show a template\'s resolved env and commands'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'List the backups, oldest first'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "create" -d 'Back the database up now'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "restore" -d 'Replace the database with a backup (validated first; the current database is backed up)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "verify" -d 'Check that backups can be read and restored'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "prune" -d 'Remove backups beyond the configured count and age'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from archive" -f -a "list" -d 'List the archives, newest first'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from archive" -f -a "create" -d 'Archive an environment\'s volumes now'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from archive" -f -a "show" -d 'Show an archive: its environment and each volume'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from archive" -f -a "verify" -d 'Read every file of an archive (or of all) and check its SHA-256, file count and size against the manifest'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from archive" -f -a "prune" -d 'Remove the archives `[archives]` keep, max_age and max_bytes no longer keep'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from archive" -f -a "delete" -d 'Remove an archive (asks)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "status" -d 'Each pool: floor, desired now and why, ready, warming, members\' ages, claims and misses'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "reconcile" -d 'Bring every pool to its desired size: retire old and broken members, make new ones (cron-safe; exit 5 when busy)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "drain" -d 'Remove a pool\'s idle members (asks; --yes does not)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "test" -d 'Send a sample notice to every endpoint now (not through the queue) and print each answer; exits 1 if any endpoint failed'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "queue" -d 'List the notices waiting to be delivered: endpoint, kind, attempts, next try'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "create" -d 'Create a token; prints it once, alone on the last line of stdout'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "list" -d 'List tokens (never their secrets)'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Revoke a token by id or name'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Print the completion script for SHELL to stdout'
complete -c envctl -n "__fish_envctl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Write envctl.1 and one page per subcommand (envctl-create.1, ...) into DIR'
