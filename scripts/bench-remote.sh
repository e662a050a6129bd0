#!/usr/bin/env bash
# Remote mode against local mode, in one run on one machine: `list --json`
# with 1,000 environments (median of 21 runs of the whole process), and
# create-to-ready of a one-service environment, then its delete (median of 5
# each). The remote side goes through `envctl serve` on loopback with a
# developer token. Needs the test image (scripts/test-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-image.sh >/dev/null
cargo build --release --quiet
bin="$PWD/target/release/envctl"
work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    "$bin" auto-reset-db --empty --quiet 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/config.toml" <<'TOML'
[network]
subnet_pool = "10.218.0.0/16"
[ports]
base = 36500
max = 36999
[defaults]
template = "web"
stop_timeout = "2s"
[api.rate_limit]
enabled = false
[templates.web]
[[templates.web.services]]
name = "web"
image = "envctl-test/busybox:1"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = { http = "/" }
TOML
export ENVCTL_CONFIG="$work/config.toml" ENVCTL_DATA_DIR="$work/data" USER=bench
token="$("$bin" token create --name bench --role developer 2>/dev/null | tail -n 1)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --listen "127.0.0.1:$port" 2>/dev/null &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
remote=(env ENVCTL_SERVER="http://127.0.0.1:$port" ENVCTL_TOKEN="$token")

# median_ms N command... : the median wall time of N runs, in ms.
median_ms() {
    local n=$1; shift
    python3 - "$n" "$@" <<'PY'
import subprocess, sys, time, statistics
n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}

# 1,000 stopped records (a list reads records only, so they are written straight into the database).
python3 - "$ENVCTL_DATA_DIR/environments.json" <<'PY'
import json, sys
path = sys.argv[1]
db = json.load(open(path)) if __import__("os").path.exists(path) else {"schema_version": 1, "instance_id": "benchremote", "environments": []}
for i in range(1000):
    db["environments"].append({"id": "f%07x" % i, "name": "rec-%d" % i, "template": "web", "owner": "bench",
        "status": "stopped", "ready": False, "base_port": 20000 + i, "port_count": 1,
        "ports": {"web": 20000 + i}, "urls": {"web": "http://localhost:%d" % (20000 + i)},
        "services": {"web": {"image": "envctl-test/busybox:1", "container": "envctl-f%07x-web" % i, "ready": False}},
        "created_at": "2026-11-26T12:00:00Z", "updated_at": "2026-11-26T12:00:00Z", "expires_at": None,
        "labels": {}, "error": None, "pinned": False, "operation": None})
json.dump(db, open(path, "w"))
PY
"$bin" pin rec-0 --quiet && "$bin" unpin rec-0 --quiet   # a write puts the file in envctl's own layout
local_list=$(median_ms 21 "$bin" list --json)
remote_list=$(median_ms 21 "${remote[@]}" "$bin" list --json)
python3 - "$ENVCTL_DATA_DIR/environments.json" <<'PY'
import json, sys
path = sys.argv[1]
db = json.load(open(path))
db["environments"] = [e for e in db["environments"] if not e["name"].startswith("rec-")]
json.dump(db, open(path, "w"))
PY

cycle() { # prefix... : create bench-x (wait for ready), then delete it
    "$@" create bench-x --quiet
    "$@" delete bench-x --yes --quiet
}
export -f cycle
local_cycle=$(median_ms 5 bash -c "cycle '$bin'")
remote_cycle=$(median_ms 5 bash -c "cycle ${remote[*]} '$bin'")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
echo "list --json, 1,000 environments (median of 21): local ${local_list} ms, remote ${remote_list} ms = $(ratio "$remote_list" "$local_list")x"
echo "create to ready + delete, 1 service (median of 5): local ${local_cycle} ms, remote ${remote_cycle} ms = $(ratio "$remote_cycle" "$local_cycle")x"
