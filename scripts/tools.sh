#!/usr/bin/env bash
# Installs what the packaging, man page and metrics tests use, when missing:
# Debian's mandoc (man page lint), man-db, bash-completion, systemd
# (systemd-analyze verify) and prometheus (promtool), and cargo-deb from
# crates.io. Run by scripts/test.sh.
set -euo pipefail

missing=()
command -v mandoc >/dev/null || missing+=(mandoc)
command -v man >/dev/null || missing+=(man-db)
[ -f /usr/share/bash-completion/bash_completion ] || missing+=(bash-completion)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v promtool >/dev/null || missing+=(prometheus)
command -v adduser >/dev/null || missing+=(adduser)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        # The tests that need them say so; the others still run.
        echo "warning: the package, man page and metrics tests need ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    else
        echo "installing ${missing[*]} from Debian's packages..." >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        # Debian's prometheus (installed for promtool) starts a server where systemd runs: not wanted.
        if [ -d /run/systemd/system ] && [[ " ${missing[*]} " == *" prometheus "* ]]; then
            systemctl disable --now prometheus >/dev/null 2>&1 || true
        fi
    fi
fi
if ! cargo deb --version >/dev/null 2>&1; then
    echo "installing cargo-deb from crates.io..." >&2
    cargo install cargo-deb --version 3.8.0 --locked --quiet
fi
