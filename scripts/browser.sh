#!/usr/bin/env bash
# Installs what the web interface's browser tests drive: Debian's chromium
# and chromium-driver (WebDriver). Does nothing when chromedriver is there.
set -euo pipefail

if command -v chromedriver >/dev/null && command -v chromium >/dev/null; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "error: the browser tests need chromium and chromium-driver; install them (apt-get install chromium chromium-driver) or run as root" >&2
    exit 1
fi
echo "installing chromium and chromium-driver from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
