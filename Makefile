# Quick start: `make reports` (set up, then build the latest quarter), `make test` (set up, then test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup browser reports report test coverage-table lint bench network clean

setup: $(STAMP) browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,lab,dask]"
	@# jupyterlab pulls rfc3987-syntax, which adds ~1.4 s to every import of altair/papermill/nbconvert;
	@# jsonschema works without it (see README, "Speed").
	-$(PY) -m pip uninstall -y -q rfc3987-syntax
	touch $(STAMP)

browser:
	@bash scripts/install_browser.sh

reports: setup
	$(PY) -m mineresearch data validate
	$(PY) -m mineresearch data coverage
	$(PY) -m mineresearch build

report: setup
	$(PY) -m mineresearch report $(TICKER) $(PERIOD)

test: setup
	$(PY) -m pytest -q -n 2

coverage-table: setup
	$(PY) -m mineresearch data coverage

lint: setup
	$(VENV)/bin/ruff check mineresearch tests benchmarks
	$(VENV)/bin/mypy mineresearch

network: setup
	$(PY) -m mineresearch data network --shared ../shared

bench: setup
	$(PY) benchmarks/bench_build.py

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache
