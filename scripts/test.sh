#!/usr/bin/env bash
# The test command: builds the test image (no registry needed), installs the
# browser the web tests drive, then runs every test against the real Docker
# engine. Usage: scripts/test.sh [nextest args]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! docker info >/dev/null 2>&1; then
    echo "error: the Docker engine is not reachable; the tests need it (is dockerd running? DOCKER_HOST?)" >&2
    exit 4
fi
scripts/test-image.sh
# The web interface's tests run in a real (headless) browser.
scripts/browser.sh
# The package, man page and metrics tests: mandoc, systemd-analyze, promtool, cargo-deb.
scripts/tools.sh

if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --no-fail-fast "$@"
else
    cargo test --no-fail-fast "$@"
fi

# The API against its own OpenAPI spec (schemathesis, from PyPI).
scripts/schemathesis.sh
