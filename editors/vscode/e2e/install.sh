#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end test, outside the clone:
# code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20)
# and playwright-core, with Debian's Chromium to drive it. The network here
# reaches the npm registry and Debian's mirrors but not GitHub or the VS
# Code update service, so native modules are built from source and
# ripgrep comes from Debian. Idempotent: a finished install is kept.
set -euo pipefail
cache="${RIVER_E2E_CACHE:-$HOME/.cache/river-e2e}"
mkdir -p "$cache"
cd "$cache"
if [ -f .installed-4.100.3 ]; then
    exit 0
fi
need=()
for pkg in ripgrep libkrb5-dev chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
export npm_config_nodedir=/usr npm_config_yes=true
[ -f package.json ] || echo '{"private": true}' > package.json
npm install --no-audit --no-fund --loglevel=error code-server@4.100.3 playwright-core@1.65.1 --ignore-scripts
npm rebuild --loglevel=error argon2
cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --loglevel=error --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin && cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm rebuild --loglevel=error kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty \
    @vscode/windows-process-tree @vscode/windows-registry
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --no-audit --no-fund --loglevel=error --omit=dev)
touch "$cache/.installed-4.100.3"
