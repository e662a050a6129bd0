#!/usr/bin/env bash
# Load benchmark of `envctl serve` (issue 4): GET /api/onboarding/environments
# with 1,000 environments, 64 connections, rate limiting off, against GET
# /healthz on the same server in the same run (the floor of the HTTP stack);
# then the idle server's resident memory with 10,000 environments.
# Needs wrk (installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y wrk >/dev/null; }
fi
cargo build --release --quiet
bin="$PWD/target/release/envctl"
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# A database of N environments shaped like the onboarding template's.
make_db() {
    python3 - "$1" "$2" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
envs = []
for i in range(n):
    base = 8090 + (i % 50000)
    s = ["jira", "gitlab", "dashboard"]
    envs.append({"id": "%08x" % i, "name": "dev-%d" % i, "template": "onboarding", "owner": "user%d" % (i % 50),
        "status": "running", "ready": True, "base_port": base, "port_count": 3,
        "ports": {x: base + j for j, x in enumerate(s)},
        "urls": {x: "http://localhost:%d" % (base + j) for j, x in enumerate(s)},
        "services": {x: {"image": x + ":latest", "container": "envctl-%08x-%s" % (i, x), "ready": True} for x in s},
        "created_at": "2026-11-26T12:00:00Z", "updated_at": "2026-11-26T12:00:00Z", "expires_at": None,
        "labels": {"team": "core"}, "error": None, "pinned": False, "operation": None})
json.dump({"schema_version": 1, "instance_id": "bench", "environments": envs}, open(path, "w"))
PY
}

cat > "$work/config.toml" <<'TOML'
[api.rate_limit]
enabled = false
[api]
maintenance_interval = "1h"
TOML
export ENVCTL_CONFIG="$work/config.toml" ENVCTL_DATA_DIR="$work/data"
mkdir -p "$ENVCTL_DATA_DIR"
make_db 1000 "$ENVCTL_DATA_DIR/environments.json"
token="$("$bin" token create --name bench --role viewer 2>/dev/null | tail -n 1)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start_server() {
    "$bin" serve --listen "127.0.0.1:$port" 2>/dev/null &
    server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
    echo "server did not start" >&2; exit 1
}

run_wrk() { # path -> "req/s p99"
    wrk -t2 -c64 -d10s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1" |
        awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}'
}

start_server
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/onboarding/environments" >/dev/null
read -r list_rps list_p99 < <(run_wrk /api/onboarding/environments)
read -r show_rps show_p99 < <(run_wrk /api/onboarding/environments/dev-500)
read -r health_rps health_p99 < <(run_wrk /healthz)
bytes=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/onboarding/environments" | wc -c)
kill "$server"; wait "$server" 2>/dev/null || true; server=""

make_db 10000 "$ENVCTL_DATA_DIR/environments.json"
start_server
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/onboarding/environments" >/dev/null
sleep 1
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

echo "GET /api/onboarding/environments, 1,000 environments (page of 100, ${bytes} bytes), 64 connections, 10 s:"
echo "  ${list_rps} req/s, p99 ${list_p99} (target: >= 10,000 req/s, p99 < 10 ms)"
echo "  baseline GET /healthz on the same server: ${health_rps} req/s, p99 ${health_p99};" \
     "ratio $(python3 -c "print(f'{float(\"$list_rps\")/float(\"$health_rps\"):.2f}')")x"
echo "GET /api/onboarding/environments/dev-500 (one environment, by name), 64 connections, 10 s:"
echo "  ${show_rps} req/s, p99 ${show_p99} (target: >= half of /healthz, p99 < 10 ms);" \
     "ratio $(python3 -c "print(f'{float(\"$show_rps\")/float(\"$health_rps\"):.2f}')")x /healthz"
echo "idle server with 10,000 environments (after one list): RSS $((rss_kb / 1024)) MB (target: < 50 MB)"
