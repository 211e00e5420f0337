# Quick start: `make reports` (set up, then build the latest quarter), `make test` (set up, then test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup browser reports report test coverage-table lint bench network clean lock

setup: $(STAMP) browser

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	@# The lock pins every package (runtime, dev and lab extras) to the versions tested together; the package
	@# itself declares compatible ranges (pyproject.toml). rfc3987-syntax is left out of the lock: jupyterlab pulls
	@# it, and it adds ~1.4 s to every import of altair/papermill/nbconvert; jsonschema works without it.
	$(PY) -m pip install -q --no-deps -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

lock:
	@# Regenerate requirements.lock: resolve the ranges of pyproject.toml afresh (with the dev and lab extras).
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q -e ".[dev,lab,dask]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v -i '^rfc3987-syntax' > requirements.lock
	rm -rf .venv-lock
	$(PYTHON) scripts/environment_yml.py > environment.yml

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
	$(VENV)/bin/lint-imports
	$(PY) -m mineresearch.cli.notebook_check

network: setup
	$(PY) -m mineresearch data network --shared ../shared

bench: setup
	$(PY) benchmarks/bench_build.py

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache
