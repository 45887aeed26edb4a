#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 served to a browser, with a real Node extension host)
# into .vscode-test/code-server, for the integration tests and the benchmark. Idempotent: does nothing
# when the pinned version is already there. Works offline from VS Code's update servers: everything
# comes from the npm registry and Debian packages (see ../shared/notes/vscode-testing.md).
#
# Why the odd steps: code-server's postinstall downloads ripgrep from GitHub, which may be unreachable,
# so install scripts are skipped and Debian's `rg` is put where VS Code looks for it; `kerberos` needs
# libkrb5-dev to build; 4.100.x is the last line that runs on Node 20.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.100.3
DIR=.vscode-test/code-server
BIN="$DIR/node_modules/.bin/code-server"

if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "^$VERSION"; then
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi

# Debian packages: chromium (the browser the tests drive), libkrb5-dev (kerberos), ripgrep (search).
need=()
for p in chromium libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  LOCK=""; command -v flock >/dev/null && LOCK="flock /tmp/apt.lock"   # agents may share a machine
  export DEBIAN_FRONTEND=noninteractive
  $LOCK $SUDO apt-get update -qq
  $LOCK $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

mkdir -p "$DIR"
(
  cd "$DIR"
  [ -f package.json ] || npm init -y >/dev/null
  npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
  cd node_modules/code-server/lib/vscode
  npm install --no-audit --no-fund --omit=dev --ignore-scripts
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild                      # native modules: node-pty, spdlog, kerberos, …
  ln -sfn node_modules node_modules.asar
  (cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts)
  cd ../../../..
  npm rebuild argon2
)
"$BIN" --version
