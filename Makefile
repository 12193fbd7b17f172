# coachlens: every target sets up what it needs on a fresh machine with Python 3.11 and make.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install browser demo test test-fast serve bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "coachlens needs Python 3.11, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .
	touch $(STAMP)

# Headless Chromium from Debian (browser tests) and axe-core from npm (accessibility checks).
browser: tests/browser/node_modules/axe-core/axe.min.js
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --silent --no-audit --no-fund
	touch $@

demo: install
	$(BIN)/coachlens demo

test: install browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser and not e2e" $(PYTEST_ARGS)

serve: install
	$(BIN)/coachlens serve

bench: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/refresh.py

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache test-artifacts
