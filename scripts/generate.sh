#!/usr/bin/env bash
# Regenerates the committed shell completions and man pages from the binary.
# A test (tests/cli.rs) fails when the committed files differ from these.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/envctl
mkdir -p completions man
for shell in bash zsh fish elvish powershell; do
    "$bin" generate completions "$shell" > "completions/envctl.$shell"
done
rm -f man/*.1
"$bin" generate man --out man
echo "regenerated completions/ and man/"
