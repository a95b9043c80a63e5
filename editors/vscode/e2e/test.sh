#!/usr/bin/env bash
# The end-to-end test of the extension in a real VS Code: installs
# code-server and its browser driver (install.sh, cached outside the
# clone), then runs run.mjs against the packaged river-flow.vsix and the
# flow-lsp binary given as $1. Screenshots go to $RIVER_E2E_ARTIFACTS.
set -euo pipefail
flow_lsp="$(realpath "$1")"
cd "$(dirname "$0")/.."
export RIVER_E2E_CACHE="${RIVER_E2E_CACHE:-$HOME/.cache/river-e2e}"
export RIVER_E2E_ARTIFACTS="${RIVER_E2E_ARTIFACTS:-$PWD/e2e/screenshots}"
e2e/install.sh
test -s river-flow.vsix || { echo "river-flow.vsix is missing: run editors/vscode/test.sh first"; exit 1; }
FLOW_LSP="$flow_lsp" RIVER_VSIX="$PWD/river-flow.vsix" timeout 300 node e2e/run.mjs
