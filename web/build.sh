#!/usr/bin/env bash
# Builds the web page into web/dist/ (run by `make web`). Installs the pinned npm
# packages with `npm ci` when package-lock.json changed, then bundles with esbuild.
# Does nothing when neither the lockfile nor the sources changed since the last build.
set -euo pipefail
cd "$(dirname "$0")"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "web/build.sh: $tool not found (Node.js 20+ is needed; run \`make system-deps\`)." >&2
    exit 1
  fi
done

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-sha 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.lock-sha
fi

# The contract with the functions (types, messages, stages, derived states) comes
# from the Python source of truth, generated into src/generated/ (not committed).
python=../.venv/bin/python
if [ ! -x "$python" ]; then
  echo "web/build.sh: ../.venv is missing: run \`make python-deps\` first (the page's contract comes from Python)." >&2
  exit 1
fi
mkdir -p src/generated
PYTHONPATH=.. "$python" -m shared.core.contract > src/generated/contract.json.new
mv src/generated/contract.json.new src/generated/contract.json

build_sum=$(cat package-lock.json build.mjs src/*.* src/generated/* | sha256sum | cut -d' ' -f1)
if [ -f dist/index.html ] && [ "$(cat dist/.build-sha 2>/dev/null)" = "$build_sum" ]; then
  exit 0
fi
node build.mjs
echo "$build_sum" > dist/.build-sha
echo "web/build.sh: built web/dist/"
