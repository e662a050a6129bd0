#!/usr/bin/env bash
# Volume archive benchmark (issue 13), on the real engine with the test image:
#  - archiving a volume of ~200 MB of mixed files (random data, a few
#    thousand small text files) with `envctl archive create`, whole process,
#    against `docker cp CONTAINER:/path - | zstd -3` on the same data
#    (target: at most 1.3x), and against the same pipeline doing what envctl
#    does besides: `| tee FILE | sha256sum` (the manifest's checksum);
#  - restoring: `envctl create --from-archive` minus a plain `create` of the
#    same template, against `zstd -dc | docker cp - CONTAINER:/path` into a
#    created container (target: at most 1.3x);
#  - envctl's peak resident memory while archiving and restoring a 1 GB
#    volume (target: under 64 MB).
# Medians of RUNS runs, alternating. Cleans up what it made.
# Usage: scripts/bench-archive.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-3}"
scripts/test-image.sh >/dev/null
command -v zstd >/dev/null || { echo "error: the baseline needs zstd (apt-get install zstd)" >&2; exit 2; }
cargo build --release --quiet
bin="$PWD/target/release/envctl"
work="$(mktemp -d)"
export ENVCTL_DATA_DIR="$work/data" ENVCTL_CONFIG="$work/config.toml" NO_COLOR=1
cleanup() {
    for n in $("$bin" list --all --json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)))' 2>/dev/null); do
        "$bin" delete "$n" --yes --no-archive -q >/dev/null 2>&1 || true
    done
    docker rm -f envctl-bench-restore >/dev/null 2>&1 || true
    docker volume rm envctl-bench-restore >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/config.toml" <<TOML
[ports]
base = 25600
max = 25699
[network]
subnet_pool = "10.215.0.0/16"
subnet_prefix = 28
[archives]
min_age = "0s"
keep = 1000
[templates.vol]
[[templates.vol.services]]
name = "app"
image = "envctl-test/busybox:1"
command = ["sleep", "3600"]
volumes = ["data:/data"]
TOML

now() { date +%s.%N; }
sub() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) - float(sys.argv[2])))' "$1" "$2"; }
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
median() { python3 -c 'import sys,statistics; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
container() { "$bin" show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["services"]["app"]["container"])'; }
# Peak RSS (MB) of a command, from the kernel's accounting of its children.
peak_rss() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.1f" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
PY
}

"$bin" create src -t vol -q >/dev/null
c="$(container src)"
echo "filling the volume: 120 MB random, 3000 text files..." >&2
docker exec "$c" sh -c 'cd /data && dd if=/dev/urandom of=random bs=1M count=120 2>/dev/null &&
    mkdir t && i=0; while [ $i -lt 3000 ]; do seq $i 1 $((i + 5000)) > t/f$i; i=$((i + 1)); done'
size="$(docker exec "$c" du -sm /data | cut -f1)"
echo "volume: ${size} MB" >&2

base_a=(); hash_a=(); ours_a=(); base_r=(); ours_r=(); plain=()
for run in $(seq 1 "$runs"); do
    t0=$(now); docker cp "$c:/data/." - | zstd -3 -q > "$work/base.tar.zst"; t1=$(now)
    base_a+=("$(sub "$t1" "$t0")")
    t0=$(now); docker cp "$c:/data/." - | zstd -3 -q | tee "$work/hashed.tar.zst" | sha256sum > /dev/null; t1=$(now)
    hash_a+=("$(sub "$t1" "$t0")")
    t0=$(now); "$bin" archive create src -q --json > "$work/archive.json"; t1=$(now)
    ours_a+=("$(sub "$t1" "$t0")")

    docker volume create envctl-bench-restore >/dev/null
    docker create --name envctl-bench-restore -v envctl-bench-restore:/data envctl-test/busybox:1 true >/dev/null
    t0=$(now); zstd -dc -q "$work/base.tar.zst" | docker cp - envctl-bench-restore:/data; t1=$(now)
    base_r+=("$(sub "$t1" "$t0")")
    docker rm -f envctl-bench-restore >/dev/null; docker volume rm envctl-bench-restore >/dev/null

    t0=$(now); "$bin" create "plain$run" -t vol -q >/dev/null; t1=$(now)
    plain+=("$(sub "$t1" "$t0")")
    t0=$(now); "$bin" create "back$run" --from-archive src -q >/dev/null; t1=$(now)
    ours_r+=("$(sub "$t1" "$t0")")
    "$bin" delete "plain$run" --yes --no-archive -q >/dev/null
    "$bin" delete "back$run" --yes --no-archive -q >/dev/null
done
check="$(docker exec "$c" sh -c 'cd /data && find . -type f | sort | xargs sha256sum | sha256sum')"

ba=$(median "${base_a[@]}"); ha=$(median "${hash_a[@]}"); oa=$(median "${ours_a[@]}")
br=$(median "${base_r[@]}"); cr=$(median "${ours_r[@]}"); pc=$(median "${plain[@]}")
or=$(sub "$cr" "$pc")
stored=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["stored_bytes"] // 1048576)' "$work/archive.json")
echo
echo "archive ${size} MB (stored ${stored} MB), median of $runs:"
echo "  docker cp | zstd -3      ${ba} s"
echo "  ... | tee | sha256sum    ${ha} s"
echo "  envctl archive create    ${oa} s    ratio $(ratio "$oa" "$ba")  (target <= 1.3); $(ratio "$oa" "$ha") of the hashing pipeline"
echo "restore:"
echo "  zstd -dc | docker cp -   ${br} s"
echo "  create --from-archive    ${cr} s  - plain create ${pc} s = ${or} s    ratio $(ratio "$or" "$br")  (target <= 1.3)"

echo
echo "peak memory with a 1 GB volume..." >&2
"$bin" create huge -t vol -q >/dev/null
docker exec "$(container huge)" sh -c 'dd if=/dev/urandom of=/data/huge bs=1M count=1024 2>/dev/null'
rss_a=$(peak_rss "$bin" archive create huge -q)
rss_r=$(peak_rss "$bin" create huge2 --from-archive huge -q)
echo "peak RSS archiving 1 GB:  ${rss_a} MB  (target < 64)"
echo "peak RSS restoring 1 GB:  ${rss_r} MB  (target < 64)"
