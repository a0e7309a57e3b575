# One place for every developer and CI command. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 3000
DYNAMODB_PORT ?= 8000
export PORT DYNAMODB_PORT
export SAM_CLI_TELEMETRY := 0

# Python 3.13 only, the Lambda runtime's version (pyproject's requires-python): pyenv's 3.13.0 when
# present, else python3.13 on PATH; empty when neither exists, and `make venv` then says so and stops.
PY313_CHECK := -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))'
PYTHON_BOOTSTRAP ?= $(shell if PYENV_VERSION=3.13.0 python $(PY313_CHECK) 2>/dev/null; then echo "env PYENV_VERSION=3.13.0 python"; elif python3.13 $(PY313_CHECK) 2>/dev/null; then echo python3.13; fi)
NO_PY313 := orgair needs Python 3.13 (the Lambda runtime's version) and found none: install python3.13 (or pyenv's 3.13.0), or name one with PYTHON_BOOTSTRAP=/path/to/python3.13

# The shared layer's lock: exact versions and hashes of everything the layer installs. `sam build`
# reads it (layers/shared/requirements.txt) and `make venv` installs it first, hash-checked, then the
# dev tools constrained to it, so the tests run the versions that ship (tests/build/test_lock.py).
# `make lock` regenerates it from layers/shared/requirements.in with a pinned uv, resolved together
# with the dev groups so that the test venv can hold exactly these versions.
LAYER_LOCK := layers/shared/requirements.txt
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv

.PHONY: venv lock run demo invoke test lint typecheck unit integration fuzz validate build bench bench-independent openapi openapi-baseline clients clients-tools browser docs-screenshot clean

$(PY):
	@test -n "$(PYTHON_BOOTSTRAP)" || { echo "$(NO_PY313)" >&2; exit 1; }
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(LAYER_LOCK) | $(PY)
	@$(PY) $(PY313_CHECK) || { echo "$(VENV) is Python $$($(PY) -c 'import platform; print(platform.python_version())'), not 3.13: remove it (rm -rf $(VENV)) and run make again" >&2; exit 1; }
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --require-hashes -r $(LAYER_LOCK)
	sed -e '/^ *--hash=/d' -e 's/ *\\$$//' $(LAYER_LOCK) > $(VENV)/layer-constraints.txt
	$(PY) -m pip install --quiet -e . --group dev -c $(VENV)/layer-constraints.txt
	@touch $@

venv: $(VENV)/.installed

$(UV): | $(PY)
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"

lock: $(UV)
	$(UV) pip compile --quiet --universal --python-version 3.13 --group dev pyproject.toml -o $(VENV)/dev-resolution.txt
	$(UV) pip compile --quiet --universal --python-version 3.13 --generate-hashes --annotation-style line \
		--custom-compile-command "make lock  (uv $(UV_VERSION))" -c $(VENV)/dev-resolution.txt \
		layers/shared/requirements.in -o $(LAYER_LOCK)

run: venv
	$(PY) -m devtools.localrun serve $(if $(ENV_VARS),--env-vars $(ENV_VARS))

# A guided tour of the running local API (start `make run` in another shell first): every step of
# the journey in docs/api.md, one report line each; exits 1 when a step does not answer as expected.
demo: venv
	$(PY) -m devtools.demo

invoke: venv
	@test -n "$(FN)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json"; exit 2; }
	$(PY) -m devtools.localrun invoke $(FN) $(if $(EVENT),--event $(EVENT)) $(if $(ENV_VARS),--env-vars $(ENV_VARS))

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy layers/shared/orgair functions devtools bench tests

# pytest with bytecode kept: where PYTHONDONTWRITEBYTECODE is set (this machine's environment sets it)
# every pytest process rewrote and compiled all ~460 test modules again, ~5 s of CPU per process
# (collecting the unit tier: 9.4 s of CPU without __pycache__, 4.6 s with it); the first pass of
# `make test` leaves them in __pycache__ (gitignored) for the workers of the second.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest

# Test tiers (markers applied in tests/support/tiers.py, by directory, fixtures and markers):
# `unit` is in-process logic and handlers with the socket guard on (a unit test that makes an Internet
# socket fails; Schemathesis' plugin is not loaded); `integration` is everything that is neither unit
# nor fuzz (embedded DynamoDB, the runner, subprocesses, moto, the template and the build); `fuzz` is
# the property-based tests. `make test` runs all three.
unit: venv
	$(PYTEST) tests/unit -m unit -p no:schemathesis --durations=10

integration: venv
	$(PYTEST) -m "not unit and not fuzz" --durations=15

fuzz: venv
	$(PYTEST) -m fuzz --durations=15

# Checkov reads its decisions (each skip with its reason) from .checkov.yaml; --skip-download keeps
# it offline (no Bridgecrew platform calls), so the result depends only on the installed version.
validate: venv
	$(VENV)/bin/cfn-lint template.yaml
	$(VENV)/bin/sam validate --lint --region us-east-1
	$(VENV)/bin/checkov --config-file .checkov.yaml --file template.yaml --framework cloudformation --skip-download

# pytest runs `make build` itself, once per session and only when the build's inputs changed
# (tests/build/conftest.py), then checks the built artifacts: the lock, and every function's init
# under every samconfig environment in a Lambda-like interpreter (tests/build/). `browser` installs
# Debian's chromium when missing (tests/integration/test_cors_browser.py drives it).
# The static checks run side by side (make -j2: mypy, ~28 s of CPU, next to cfn-lint, sam validate and
# checkov, ~17 s). Then two pytest passes: the `wallclock` tests (they assert elapsed time or a race:
# the 500-company portfolio under 3 s, concurrent pointer writers, hostile JSON refused in
# milliseconds) alone, serially and without a tracer; then everything else spread over
# PYTEST_WORKERS processes (pytest-xdist; --dist loadfile keeps each file, and so its module-scoped
# runner, in one worker; --no-loadscope-reorder keeps tests/support/tiers.py's order, the
# minutes-long files first) with line coverage through sys.monitoring (pyproject's
# [tool.coverage.run]). The 15 slowest tests are listed at the end. Measured per phase in
# docs/testing.md.
PYTEST_WORKERS ?= 2
test: venv
	$(MAKE) --no-print-directory -j2 --output-sync=target lint typecheck validate browser clients-tools
	$(PYTEST) -m wallclock
	$(PYTEST) -m "not wallclock" -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15 --cov --cov-report=term --cov-report=xml

# Deploy only what `make build` produced: `sam build` alone ships no bytecode and a layer with a
# second boto3 stack (see devtools/artifacts.py and docs/performance.md). sam needs a python3.13 on
# PATH: the venv's own, else pyenv's 3.13.0.
SAM_BUILD_DIR ?= .aws-sam/build
SAM_CACHE_DIR ?= .aws-sam/cache
build: venv
	PATH="$(abspath $(VENV))/bin:$$PATH" PYENV_VERSION=3.13.0 $(VENV)/bin/sam build --cached --cache-dir $(SAM_CACHE_DIR) --build-dir $(SAM_BUILD_DIR)
	$(PY) -m devtools.artifacts $(SAM_BUILD_DIR)

# Cold init, warm latency, round trips, throughput, memory and sizes: writes bench/results.{md,json}.
bench: build
	$(PY) -m bench --build-dir $(SAM_BUILD_DIR)

# The simulate and liveness ratios measured again by bench/independent.py (its own fresh processes,
# no code shared with bench/driver.py) and compared with bench/results.json: writes bench/independent.md.
# Uses the layout `make bench` prepared from the same build.
bench-independent: build
	$(PY) -m bench.independent --build-dir $(SAM_BUILD_DIR)

# OpenAPI per stage from the function code: docs/openapi-v{1,2}.json plus the copies OpenApiFunction
# serves (functions/openapi/). openapi-baseline moves the v1 compatibility baseline forward and
# refuses when v1 would break its callers (tests/infrastructure/test_openapi_v1_compat.py).
openapi: venv
	$(PY) -m devtools.openapi

openapi-baseline: venv
	$(PY) -m devtools.openapi --update-baseline

# Typed clients per stage from the OpenAPI documents (devtools/clients.py): a Python package
# (openapi-python-client, pinned in pyproject) under clients/python/ and TypeScript types
# (openapi-typescript, pinned with typescript in clients/typescript/package-lock.json) under
# clients/typescript/. clients-tools installs the npm side with `npm ci` into the gitignored
# clients/typescript/node_modules; `make test` needs it (drift and tsc tests, tests/infrastructure/).
CLIENTS_NODE := clients/typescript/node_modules/.package-lock.json
$(CLIENTS_NODE): clients/typescript/package.json clients/typescript/package-lock.json
	npm ci --prefix clients/typescript --no-audit --no-fund --loglevel=error
	@touch $@

clients-tools: $(CLIENTS_NODE)

clients: venv clients-tools
	$(PY) -m devtools.clients

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
