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

build_sum=$(cat package-lock.json build.mjs src/* | sha256sum | cut -d' ' -f1)
if [ -f dist/index.html ] && [ "$(cat dist/.build-sha 2>/dev/null)" = "$build_sum" ]; then
  exit 0
fi
node build.mjs
echo "$build_sum" > dist/.build-sha
echo "web/build.sh: built web/dist/"
