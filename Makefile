# One command to run the app, one to run every test. Both create what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
APP_STAMP := $(VENV)/.app-installed
TEST_STAMP := $(VENV)/.test-installed

.PHONY: run test bench demo clean-venv

$(APP_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(APP_STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

## make run: start the toolkit on this laptop and open it in the browser
run: $(APP_STAMP)
	$(VENV)/bin/c4d serve --open

## make test: install what the tests need (Debian's Chromium too) and run them all
test: $(TEST_STAMP)
	bash scripts/ensure-test-tools
	$(PY) -m pytest

## make bench: measure start-up, export and participation figures (docs/BENCHMARKS.md)
bench: $(TEST_STAMP)
	bash scripts/ensure-test-tools
	$(PY) bench/run.py

## make demo: load the Dream Umbrella example campaign
demo: $(APP_STAMP)
	$(VENV)/bin/c4d demo

clean-venv:
	rm -rf $(VENV)
