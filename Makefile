# The two commands the README starts with: `make serve` and `make test`. Both create .venv when it is missing.
PY     ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: serve test lint format bench install install-test bundle vendor lock clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The runtime dependencies at the versions requirements.lock holds (the ones the tests and the Docker image
# use), checked against its hashes; then the package itself.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# torch is the independent reference for the gradient tests; it is optional on a laptop, required in CI.
$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet torch==2.13.0 || [ "$$CI" != "true" ]
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: install
	$(BIN)/gradflow serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# The page's modules as one script for `gradflow export` (app/export/modules.js, committed so that an export
# needs no Node.js): esbuild, at the version package-lock.json pins, with the arguments of package.json's
# "bundle" script. Run it after changing static/js; tests/export/test_modules.py fails until it is run.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci

bundle: node_modules/.package-lock.json
	npm run --silent bundle

# Plotly.js's cartesian bundle, vendored from the npm package package.json pins, which must be the plotly.js
# version that the plotly Python package bundles (tests/web/routes/test_vendor.py compares them).
CARTESIAN := app/vendor/plotly.js-cartesian-dist-min
vendor: node_modules/.package-lock.json
	for f in plotly-cartesian.min.js LICENSE README.md package.json; do \
	  cp node_modules/plotly.js-cartesian-dist-min/$$f $(CARTESIAN)/$$f || exit 1; done

# requirements.lock: every runtime dependency of pyproject.toml, and theirs, at one version with its hashes,
# for every platform (markers say where a pin applies); build.lock: the same for the build backend that
# pyproject.toml's [build-system] requires (hatchling), which the Docker image builds the wheel with. Run it
# after changing the dependencies in pyproject.toml (pins already in a lock stay where they still fit);
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release allowed. tests/ship/test_lock.py fails
# when a lock no longer fits.
UV_VERSION := 0.13.9
COMPILE = $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" --quiet $(LOCK_ARGS)
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(COMPILE) pyproject.toml -o requirements.lock
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
	  | $(COMPILE) - -o build.lock

bench: install-test
	$(BIN)/gradflow bench

clean:
	rm -rf $(VENV) node_modules build dist test-output .pytest_cache .ruff_cache
