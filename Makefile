# One place for every developer and CI command. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 3000
DYNAMODB_PORT ?= 8000
export PORT DYNAMODB_PORT
export SAM_CLI_TELEMETRY := 0

# Prefer Python 3.13 (the Lambda runtime); fall back to any python3 >= 3.11.
PYTHON_BOOTSTRAP ?= $(shell if PYENV_VERSION=3.13.0 python -c 'import sys; assert sys.version_info[:2]==(3,13)' 2>/dev/null; then echo "env PYENV_VERSION=3.13.0 python"; elif command -v python3.13 >/dev/null; then echo python3.13; else echo python3; fi)

.PHONY: venv run invoke test lint typecheck unit validate build bench openapi openapi-baseline browser docs-screenshot clean

$(VENV)/.installed: pyproject.toml layers/shared/requirements.txt
	@test -x $(PY) || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -e . --group dev
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) -m devtools.localrun serve $(if $(ENV_VARS),--env-vars $(ENV_VARS))

invoke: venv
	@test -n "$(FN)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json"; exit 2; }
	$(PY) -m devtools.localrun invoke $(FN) $(if $(EVENT),--event $(EVENT)) $(if $(ENV_VARS),--env-vars $(ENV_VARS))

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy layers/shared/orgair functions devtools bench

unit: venv
	$(PY) -m pytest

# Checkov reads its decisions (each skip with its reason) from .checkov.yaml; --skip-download keeps
# it offline (no Bridgecrew platform calls), so the result depends only on the installed version.
validate: venv
	$(VENV)/bin/cfn-lint template.yaml
	$(VENV)/bin/sam validate --lint --region us-east-1
	$(VENV)/bin/checkov --config-file .checkov.yaml --file template.yaml --framework cloudformation --skip-download

test: lint typecheck validate browser
	$(PY) -m pytest --cov --cov-report=term --cov-report=xml

# Deploy only what `make build` produced: `sam build` alone ships no bytecode and a layer with a
# second boto3 stack (see devtools/artifacts.py and docs/performance.md). sam needs a python3.13 on
# PATH: the venv's own, else pyenv's 3.13.0.
SAM_BUILD_DIR ?= .aws-sam/build
build: venv
	PATH="$(abspath $(VENV))/bin:$$PATH" PYENV_VERSION=3.13.0 $(VENV)/bin/sam build --build-dir $(SAM_BUILD_DIR)
	$(PY) -m devtools.artifacts $(SAM_BUILD_DIR)

# Cold init, warm latency, round trips, throughput, memory and sizes: writes bench/results.{md,json}.
bench: build
	$(PY) -m bench --build-dir $(SAM_BUILD_DIR)

# OpenAPI per stage from the function code: docs/openapi-v{1,2}.json plus the copies OpenApiFunction
# serves (functions/openapi/). openapi-baseline moves the v1 compatibility baseline forward and
# refuses when v1 would break its callers (tests/infrastructure/test_openapi_v1_compat.py).
openapi: venv
	$(PY) -m devtools.openapi

openapi-baseline: venv
	$(PY) -m devtools.openapi --update-baseline

# Headless Chromium from Debian, for looking at pages the way a person does (needs root: apt-get).
# `make test` needs it: tests/integration/test_cors_browser.py proves CORS in a real browser.
browser:
	@command -v chromium >/dev/null || { apt-get update && apt-get install -y chromium; } \
		|| { echo "make browser: could not install chromium (apt-get install -y chromium needs root)" >&2; exit 1; }

# Starts the local runner, loads /v2/docs in headless Chromium and writes docs/swagger-v2.png.
docs-screenshot: venv browser
	$(PY) bench/screenshot_docs.py

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache .coverage coverage.xml
