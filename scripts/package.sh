#!/usr/bin/env bash
# Builds the Debian package with cargo-deb (installed from crates.io when
# missing): target/debian/envctl_<version>-1_<arch>.deb.
# Usage: scripts/package.sh [--profile dev --no-build]   (the tests package the
# debug binary their own build made)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deb --version >/dev/null 2>&1; then
    echo "installing cargo-deb from crates.io..." >&2
    cargo install cargo-deb --version 3.8.0 --locked --quiet
fi
# Man pages, compressed as Debian policy wants, from the committed ones.
rm -rf target/deb-man
mkdir -p target/deb-man
for page in man/*.1; do
    gzip -9n < "$page" > "target/deb-man/$(basename "$page").gz"
done
# Stripped: the line tables the release profile keeps (for backtraces in
# development) would make the installed binary 100 MB.
cargo deb --strip "$@"
