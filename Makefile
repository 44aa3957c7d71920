# Reels Scripter: `make run` starts the whole stack locally, `make test` tests it.
PY := .venv/bin/python
export PYTHONPATH := $(CURDIR)

.PHONY: deps system-deps python-deps assets node-deps web run test lint format package deploy bench dead-letters demo tf-fmt tf-check doctor smoke-gemini clean

deps: system-deps python-deps assets node-deps web

system-deps:
	@scripts/install-system-deps.sh

python-deps:
	@scripts/install-python-deps.sh

assets: system-deps python-deps
	@scripts/install-assets.sh

node-deps:
	@scripts/install-node-deps.sh

web:
	@if [ -x web/build.sh ]; then web/build.sh; fi

run: deps
	$(PY) -m devstack run

test: deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache
	$(PY) -m mypy
	$(PY) -m pytest

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache
	$(PY) -m mypy

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

package: python-deps
	$(PY) -m devstack.package

# Needs a real `terraform` binary and Google Cloud credentials: see terraform/README.md.
deploy: package
	terraform -chdir=terraform init
	terraform -chdir=terraform apply

bench: deps
	$(PY) bench/run_all.py

tf-fmt:
	$(PY) tools/terraform_fmt.py -recursive terraform/

# `terraform validate` and `terraform plan` offline, against the real google schema.
tf-check: python-deps
	$(PY) tools/terraform_check.py

# With `make run` going in another terminal: analyse a generated sample reel.
demo:
	$(PY) -m devstack demo

dead-letters:
	$(PY) -m devstack dead-letters

# The analysis configuration as an operator sees it (models.get per model; no video sent).
doctor: python-deps
	$(PY) -m reels_cli doctor

# Live: a 3 s clip through the whole Gemini request, per configured model (a real
# GEMINI_API_KEY; fails with a clear message without one).
smoke-gemini: python-deps
	$(PY) -m devstack.smoke_gemini

clean:
	rm -rf build .local .pytest_cache
