# Chỉ số — the two commands that matter: `make reports` and `make test`.
# Everything is installed into .venv by `make install` (run automatically by the other targets).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PERIOD ?= 2024Q4
JOBS   ?= 2

export PYTHONUTF8 := 1
export JUPYTER_PREFER_ENV_PATH := 1

.PHONY: install reports test lab screenshots demo ingest bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

## reports: demo data if data/raw/ holds no export, then the batch for PERIOD (default 2024Q4)
reports: install
	$(PY) -m analysis reports --period $(PERIOD) --jobs $(JOBS)

## test: the whole test suite
test: install
	$(PY) -m pytest

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

bench: install
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf data/processed/*.parquet data/processed/manifest.json reports/*/
