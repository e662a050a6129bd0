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
    if [ "$(id -u)" != 0 ]; then
        echo "error: the tests need ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
        exit 1
    fi
    echo "installing ${missing[*]} from Debian's packages..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! cargo deb --version >/dev/null 2>&1; then
    echo "installing cargo-deb from crates.io..." >&2
    cargo install cargo-deb --version 3.8.0 --locked --quiet
fi
