#!/usr/bin/env bash
# The test command: builds the test image (no registry needed), installs the
# browser the web tests drive, then runs every test against the real Docker
# engine. Usage: scripts/test.sh [nextest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# The engine: started here (and stopped at the end) when this machine has
# one installed that is not running, as after a reboot without its service.
engine_pid=""
made_swarm=0
# Leaves what this script made, and only that.
undo() {
    if [ "$made_swarm" = 1 ]; then
        docker swarm leave --force >/dev/null || true
    fi
    if [ -n "$engine_pid" ]; then
        kill -TERM "$engine_pid" 2>/dev/null || true
        wait "$engine_pid" 2>/dev/null || true
    fi
}
trap undo EXIT
if ! docker info >/dev/null 2>&1; then
    if [ -z "${DOCKER_HOST:-}" ] && [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null \
        && ! pgrep -x dockerd >/dev/null; then
        echo "The Docker engine is not running: starting dockerd (log: /var/log/dockerd.log)." >&2
        nohup dockerd >>/var/log/dockerd.log 2>&1 &
        engine_pid=$!
        # Until it answers, or for at most a minute.
        for _ in $(seq 1 120); do
            docker info >/dev/null 2>&1 && break
            kill -0 "$engine_pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
    if ! docker info >/dev/null 2>&1; then
        echo "error: the Docker engine is not reachable; the tests need it (is dockerd running? DOCKER_HOST?)" >&2
        exit 4
    fi
fi
scripts/test-image.sh
# The web interface's tests run in a real (headless) browser.
scripts/browser.sh
# The package, man page and metrics tests: mandoc, systemd-analyze, promtool, cargo-deb.
scripts/tools.sh

# The Swarm engine's tests run on a single-node swarm: made here when the
# engine is in none, and left at the end only if it was made here.
case "$(docker info --format '{{.Swarm.LocalNodeState}}')" in
    inactive)
        docker swarm init --advertise-addr 127.0.0.1 >/dev/null
        made_swarm=1
        ;;
    active) ;;
    *)
        echo "error: the engine's swarm is neither active nor inactive (\`docker info\`); the Swarm tests need an active one" >&2
        exit 4
        ;;
esac

status=0
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --no-fail-fast "$@" || status=$?
else
    cargo test --no-fail-fast "$@" || status=$?
fi
# Drains the only swarm node: alone, after the rest, and only on a swarm
# made here (someone else's would lose its services meanwhile).
if [ "$made_swarm" = 1 ] && [ "$#" = 0 ]; then
    if cargo nextest --version >/dev/null 2>&1; then
        ENVCTL_TEST_OWN_SWARM=1 cargo nextest run --no-fail-fast --run-ignored only --test swarm_drain || status=$?
    else
        ENVCTL_TEST_OWN_SWARM=1 cargo test --no-fail-fast --test swarm_drain -- --ignored || status=$?
    fi
fi
if [ "$status" != 0 ]; then
    exit "$status"
fi

# The API against its own OpenAPI spec (schemathesis, from PyPI).
scripts/schemathesis.sh
