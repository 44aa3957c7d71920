#!/usr/bin/env bash
# Installs the npm packages of the local stack: firebase-tools, whose Auth emulator
# (plain Node, no network) signs users in locally. `npm ci` from the lockfile, only
# when the lockfile changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../devstack/firebase"
if ! command -v npm >/dev/null; then
  echo "install-node-deps.sh: npm not found (run \`make system-deps\`)." >&2
  exit 1
fi
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-sha 2>/dev/null)" != "$lock_sum" ] || [ ! -x node_modules/.bin/firebase ]; then
  echo "Installing firebase-tools (the Auth emulator)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.lock-sha
fi
