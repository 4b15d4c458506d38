#!/usr/bin/env bash
# Install the real editors that tests/editors/ drives: Neovim (built-in LSP client) and Emacs with
# Eglot and dockerfile-mode. Debian 12 (bookworm) packages: neovim 0.7.2, emacs-nox 28.2,
# elpa-eglot 1.9, elpa-dockerfile-mode 1.7.
#
# Idempotent and fast when everything is there: apt is not touched at all unless a package is
# missing. Needs root (or sudo) only when it has to install.
set -euo pipefail

PACKAGES=(neovim emacs-nox elpa-eglot elpa-dockerfile-mode)

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_editors: apt-get not found; install ${missing[*]} with your package manager" >&2
    exit 1
  fi
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      echo "setup_editors: need root to install ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup_editors: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# What the tests will use.
nvim --version | head -n 1
emacs --version | head -n 1
ls -d /usr/share/emacs/site-lisp/elpa/eglot-* /usr/share/emacs/site-lisp/elpa/dockerfile-mode-* \
  | sed 's|.*/|elpa: |'
