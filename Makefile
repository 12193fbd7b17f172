# coachlens: every target sets up what it needs on a fresh machine with Python 3.11 and make.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
PYTEST_ARGS ?=

.PHONY: install browser spark demo test test-fast serve bench clean dbt-yaml

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

# engine = "spark": a Java 17+ runtime from Debian (only when there is none) and pyspark + dbt-spark.
spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	@java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' || { \
	  echo "installing Debian's openjdk-17-jre-headless"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
	$(BIN)/pip install --quiet -r requirements-spark.lock
	touch $(SPARK_STAMP)

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --silent --no-audit --no-fund
	touch $@

# The dbt sources and staging YAML, generated from data_contracts/*.yml.
dbt-yaml: install
	$(BIN)/python scripts/contracts_to_dbt.py

demo: install
	$(BIN)/coachlens demo

test: install browser spark
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# Everything but end-to-end, browser and Spark tests; includes the dbt unit tests on an empty warehouse.
test-fast: install
	$(BIN)/pytest -m "not browser and not e2e and not spark" $(PYTEST_ARGS)

serve: install
	$(BIN)/coachlens serve

# One table, one run on this machine: refreshes (full, nothing changed, one more day), ingest against bare
# DuckDB and Polars reads, the pandas baseline (about 10 minutes on a quiet 2-core machine at 50,000);
# `make bench BENCH_PARTICIPANTS=500000` for the SPEC 9 targets.
BENCH_PARTICIPANTS ?= 50000
bench: install
	$(BIN)/python benchmarks/all.py --participants $(BENCH_PARTICIPANTS)

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache test-artifacts
