#!/usr/bin/env bash
# Builds and checks the VS Code extension: installs its npm packages (as
# package-lock.json pins them), type-checks and compiles it with tsc, runs
# the TextMate grammar's snapshot tests, and packages river-flow.vsix.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx tsc -p .
npm run -s test:grammar
npm run -s package >/dev/null
test -s river-flow.vsix
echo "editors/vscode: compiled, grammar snapshots match, river-flow.vsix packaged"
