#!/usr/bin/env bash
# Warm pool benchmark (issue 12), on the real engine with the test image:
#  - a claim, whole process (`envctl create NAME --template T --json` with a
#    ready member), against a cold create (`--no-pool`) of the same template in
#    the same run: median of each and their ratio (target: claim <= 50 ms,
#    ratio <= 0.1);
#  - a one-service and a three-service template claim within 10% of each other;
#  - a burst of 10 creates at once against a pool of 5: 5 claims, 5 cold, no
#    member twice, and the pool back at its size after a reconcile;
#  - the API's create answering a claim: p50 (target < 20 ms).
# Cleans up everything it made. Usage: scripts/bench-pool.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-10}"
scripts/test-image.sh >/dev/null
cargo build --release --quiet
bin="$PWD/target/release/envctl"
work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null
    for n in $("$bin" list --all --json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)))' 2>/dev/null); do
        "$bin" delete "$n" --yes -q >/dev/null 2>&1 || true
    done
    "$bin" sync --remove-orphans -q >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/config.toml" <<TOML
[ports]
base = 25000
max = 25499
[network]
subnet_pool = "10.214.0.0/16"
subnet_prefix = 28
[api]
maintenance_interval = "1h"
[api.rate_limit]
enabled = false

[templates.one]
[[templates.one.services]]
name = "web"
image = "envctl-test/busybox:1"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = { http = "/" }
[templates.one.pool]
size = $((runs + 2))
max = 40

[templates.trio]
[[templates.trio.services]]
name = "jira"
image = "envctl-test/busybox:1"
port = 80
offset = 0
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = { http = "/" }
[[templates.trio.services]]
name = "gitlab"
image = "envctl-test/busybox:1"
port = 80
offset = 1
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = { http = "/" }
[[templates.trio.services]]
name = "dashboard"
image = "envctl-test/busybox:1"
port = 80
offset = 2
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = { tcp = true }
[templates.trio.pool]
size = $((runs + 2))
max = 40

[templates.burst]
[[templates.burst.services]]
name = "web"
image = "envctl-test/busybox:1"
port = 80
command = ["httpd", "-f", "-p", "80", "-h", "/www"]
ready = { http = "/" }
[templates.burst.pool]
size = 5
max = 5
TOML
export ENVCTL_CONFIG="$work/config.toml" ENVCTL_DATA_DIR="$work/data"

python3 - "$bin" "$runs" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

bin, runs = sys.argv[1], int(sys.argv[2])

def envctl(*args, check=True):
    out = subprocess.run([bin, *args, "--json"], capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"envctl {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else None

def timed(*args):
    start = time.perf_counter()
    env = envctl(*args)
    return time.perf_counter() - start, env

envctl("pool", "reconcile")
n = 0
def name():
    global n
    n += 1
    return f"b{n}"

results = {}
for template in ["one", "trio"]:
    claims, cold = [], []
    for _ in range(runs):
        t, env = timed("create", name(), "--template", template)
        assert env["from_pool"], env
        claims.append(t)
        t, env = timed("create", name(), "--template", template, "--no-pool")
        assert not env["from_pool"], env
        cold.append(t)
    results[template] = (statistics.median(claims), statistics.median(cold))
    c, k = results[template]
    print(f"{template} ({'3 services' if template == 'trio' else '1 service'}), {runs} runs each:"
          f" claim median {c*1000:.1f} ms, cold create median {k*1000:.0f} ms, ratio {c/k:.3f}"
          f" (targets: claim <= 50 ms, ratio <= 0.1)")
one, trio = results["one"][0], results["trio"][0]
print(f"claim time, 3 services against 1: {trio/one:.2f}x (target: within 10%)")

# A burst of 10 against a pool of 5.
with ThreadPoolExecutor(10) as pool:
    envs = list(pool.map(lambda i: envctl("create", f"burst-{i}", "--template", "burst"), range(10)))
claimed = [e for e in envs if e["from_pool"]]
ids = {e["id"] for e in claimed}
envctl("pool", "reconcile")
status = {p["template"]: p for p in envctl("pool", "status")}
print(f"burst of 10 against a pool of 5: {len(claimed)} claims, {10 - len(claimed)} cold,"
      f" {len(claimed) - len(ids)} member(s) handed out twice;"
      f" after reconcile ready {status['burst']['ready']} of desired {status['burst']['desired']['size']}")

# The API: claims of `one`, p50.
token = subprocess.run([bin, "token", "create", "--name", "bench", "--role", "developer"],
                       capture_output=True, text=True).stdout.strip().splitlines()[-1]
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
server = subprocess.Popen([bin, "serve", "--listen", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz"); break
        except Exception:
            time.sleep(0.05)
    envctl("pool", "reconcile")
    times, from_pool = [], 0
    for i in range(runs):
        body = json.dumps({"name": f"api-{i}", "template": "one", "wait": False}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/onboarding/new-environment",
                                     data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        start = time.perf_counter()
        env = json.load(urllib.request.urlopen(req))
        times.append(time.perf_counter() - start)
        from_pool += env["from_pool"]
    print(f"API create answering a claim ({from_pool} of {runs} claimed): p50 {statistics.median(times)*1000:.1f} ms,"
          f" max {max(times)*1000:.1f} ms (target: p50 < 20 ms)")
finally:
    server.terminate(); server.wait()
PY
