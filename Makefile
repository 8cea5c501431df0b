# Chỉ số — the two commands that matter: `make reports` and `make test`.
# Everything is installed into .venv by `make install` (run automatically by the other targets).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PERIOD ?= 2024Q4
JOBS   ?= 2

export PYTHONUTF8 := 1
export JUPYTER_PREFER_ENV_PATH := 1

.PHONY: install constraints reports test test-fast lint format lab screenshots demo ingest bench bench-quick clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

## constraints: record the installed versions as the known-good set (after the tests pass on an upgrade)
constraints: install
	{ echo "# Known-good versions: the set the tests last passed with (pip freeze of .venv)."; \
	  echo "# make install (and so .ci/run) installs with -c constraints.txt; refresh with: make constraints"; \
	  $(PY) -m pip freeze --exclude-editable | grep -v '^chiso-analysis'; } > constraints.txt

## reports: the batch for PERIOD (default 2024Q4) on data/raw/, or on the demo set of data/demo/ (written if
## missing) when data/raw/ holds no export
reports: install
	$(PY) -m analysis reports --period $(PERIOD) --jobs $(JOBS)

# The tree is in ruff's format; FORMAT_CHECK=0 skips the format and import-order checks for a quick lint.
FORMAT_CHECK ?= 1
ifeq ($(FORMAT_CHECK),1)
RUFF_DEFERRED :=
else
RUFF_DEFERRED := --extend-ignore I001
endif

## test: lint (ruff), types (mypy on src/) and the whole test suite — what CI runs
test: lint
	$(PY) -m pytest

## test-fast: the same without the end-to-end tests (notebooks, batch, demo writers), for the edit-run loop
test-fast: lint
	$(PY) -m pytest -m "not e2e"

## lint: ruff (rules in pyproject.toml) on code, tests and notebooks; mypy on src/
lint: install
	$(VENV)/bin/ruff check $(RUFF_DEFERRED) .
ifeq ($(FORMAT_CHECK),1)
	$(VENV)/bin/ruff format --check .
endif
	$(VENV)/bin/mypy

## format: sort imports and rewrite the tree in ruff's format (commit it on its own, then FORMAT_CHECK = 1)
format: install
	$(VENV)/bin/ruff check --fix --select I .
	$(VENV)/bin/ruff format .

## lab: JupyterLab on notebooks/ with the project's kernel (as root too, as in many containers)
LAB_PORT ?= 8888
lab: install
	@root=""; if [ "$$(id -u)" = 0 ]; then root="--allow-root"; fi; \
	echo "JupyterLab starts on notebooks/. Open in your browser the address it prints below that starts with"; \
	echo "  http://127.0.0.1:$(LAB_PORT)/lab?token=   (Ctrl+C twice to stop)"; \
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser $$root

## screenshots: first screen of every report kind of a demo batch -> docs/screenshots/*.png (needs chromium)
screenshots: install
	$(PY) docs/screenshots/take.py

demo: install
	$(PY) -m analysis demo

ingest: install
	$(PY) -m analysis ingest

## bench: province scale (100 units, 1M dossiers, 50k forms) side by side with DuckDB -> benchmarks/results.json
bench: $(VENV)/.bench-installed
	$(PY) benchmarks/bench_province.py

## bench-quick: the same at 1/10 scale (a few minutes)
bench-quick: $(VENV)/.bench-installed
	$(PY) benchmarks/bench_province.py --quick

$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

clean:
	rm -rf data/processed/*.parquet data/processed/manifest.json reports/*/ data/demo/*/
