#!/usr/bin/env bash
# Install what the VS Code extension's tests need, then build and package the extension.
#
#   .ci/setup_vscode.sh [apt] [code-server] [extension]     (default: all three)
#
#   apt          Debian packages: chromium (the browser the end-to-end test drives), ripgrep
#                (seed for code-server's install), a C toolchain and krb5 headers (code-server's
#                native modules are built from source). Needs root; skipped when all are there.
#   code-server  code-server 4.100.3 (VS Code 1.100.3, the newest release that runs on Node 20)
#                into $LAYERWISE_EDITORS_PREFIX (default: .cache/editors in the repository).
#                Skipped when that version is already installed there.
#   extension    `npm ci` in clients/vscode (esbuild, TypeScript, vscode-languageclient,
#                @vscode/vsce 3.9.2, playwright-core), then bundle and package
#                clients/vscode/dist/layerwise.vsix.
#
# Idempotent: a second run only rebuilds the extension (a few seconds). Writes nothing outside
# the repository except Debian packages and npm's own cache (~/.npm).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${LAYERWISE_EDITORS_PREFIX:-$ROOT/.cache/editors}"
EXT="$ROOT/clients/vscode"
CODE_SERVER_VERSION=4.100.3
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, which downloads ripgrep v13.0.0-10.
RIPGREP_NPM_VERSION=1.15.11
RIPGREP_TAG=v13.0.0-10
PARTS="${*:-apt code-server extension}"
has() { [[ " $PARTS " == *" $1 "* ]]; }
say() { printf '[setup_vscode %5ss] %s\n' "$SECONDS" "$*"; }

# One setup at a time (several test runs may share the prefix and clients/vscode).
mkdir -p "$PREFIX"
if command -v flock >/dev/null; then
  exec 9>"$PREFIX/setup.lock"
  flock 9
fi

if has apt; then
  need=()
  for pkg in chromium ripgrep build-essential pkg-config python3 libkrb5-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
  if ((${#need[@]})); then
    as_root=()
    if [[ "$(id -u)" -ne 0 ]]; then
      command -v sudo >/dev/null || { echo "setup_vscode: need root to install ${need[*]}" >&2; exit 1; }
      as_root=(sudo)
    fi
    say "apt-get install ${need[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    say "Debian packages already installed"
  fi
  chromium --version 2>/dev/null | grep -i chromium
fi

if has code-server; then
  cs="$PREFIX/code-server/node_modules/.bin/code-server"
  # code-server writes a config and logs under XDG folders even for --version: keep them here.
  cs_version() {
    XDG_CONFIG_HOME="$PREFIX/xdg/config" XDG_DATA_HOME="$PREFIX/xdg/data" "$cs" --version 2>/dev/null | grep -v ' info '
  }
  if [[ -x "$cs" ]] && cs_version | grep -q "^$CODE_SERVER_VERSION "; then
    say "code-server $CODE_SERVER_VERSION already installed in $PREFIX/code-server"
  else
    say "installing code-server $CODE_SERVER_VERSION into $PREFIX/code-server (slow: native modules)"
    rm -rf "$PREFIX/code-server" "$PREFIX/tmp"
    mkdir -p "$PREFIX/code-server" "$PREFIX/tmp"
    # Trap 1: @vscode/ripgrep's postinstall downloads rg from GitHub unless the archive is in
    # its cache ($TMPDIR/vscode-ripgrep-cache-VERSION). Debian's ripgrep is the same 13.0.0.
    rg_bin="$(command -v rg || true)"
    [[ -n "$rg_bin" ]] || { echo "setup_vscode: ripgrep (rg) is missing: run '$0 apt' first" >&2; exit 1; }
    rg_cache="$PREFIX/tmp/vscode-ripgrep-cache-$RIPGREP_NPM_VERSION"
    mkdir -p "$rg_cache" "$PREFIX/tmp/rgseed"
    cp "$rg_bin" "$PREFIX/tmp/rgseed/rg"
    tar czf "$rg_cache/ripgrep-$RIPGREP_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$PREFIX/tmp/rgseed" rg
    # Trap 2: node-pty's postinstall runs `npx node-gyp`, which without a TTY is cancelled
    # unless npx may install without asking (npm_config_yes). The postinstall also refuses
    # to run as root without unsafe_perm.
    if ! TMPDIR="$PREFIX/tmp" npm_config_yes=true npm_config_unsafe_perm=true \
        npm install --prefix "$PREFIX/code-server" --no-audit --no-fund --loglevel=error \
        "code-server@$CODE_SERVER_VERSION" >"$PREFIX/code-server-install.log" 2>&1; then
      tail -40 "$PREFIX/code-server-install.log" >&2
      echo "setup_vscode: npm install code-server@$CODE_SERVER_VERSION failed (log: $PREFIX/code-server-install.log)" >&2
      exit 1
    fi
    rm -rf "$PREFIX/tmp"
    cs_version | head -1
  fi
fi

if has extension; then
  cd "$EXT"
  stamp="node_modules/.layerwise-lock.sha256"
  lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" ]]; then
    say "clients/vscode/node_modules is up to date"
  else
    say "npm ci in clients/vscode"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" >"$stamp"
  fi
  # Bundle and package only: the type check and the schema agreement are tests
  # (tests/editors/vscode/test_vscode_unit.py), so a failure there does not stop the install.
  say "bundle and package the extension"
  mkdir -p dist
  npm run --silent package >dist/package.log 2>&1 || { cat dist/package.log >&2; exit 1; }
  ls -l dist/layerwise.vsix
fi
say "done"
