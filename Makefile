# Chỉ số — the two commands that matter: `make reports` and `make test`.
# Everything is installed into .venv by `make install` (run automatically by the other targets).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PERIOD ?= 2024Q4
JOBS   ?= 2

export PYTHONUTF8 := 1
export JUPYTER_PREFER_ENV_PATH := 1

.PHONY: install reports test lab demo ingest bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

## reports: the batch for PERIOD (default 2024Q4) on data/raw/, or on the demo set of data/demo/ (written if
## missing) when data/raw/ holds no export
reports: install
	$(PY) -m analysis reports --period $(PERIOD) --jobs $(JOBS)

## test: the whole test suite
test: install
	$(PY) -m pytest

## lab: JupyterLab on notebooks/ with the project's kernel
lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

demo: install
	$(PY) -m analysis demo

ingest: install
	$(PY) -m analysis ingest

bench: install
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf data/processed/*.parquet data/processed/manifest.json reports/*/ data/demo/*/
