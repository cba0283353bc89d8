# The one command runner: the README and .ci/run call these targets verbatim.
# Debian's own python3 (3.11 on bookworm) is built with PGO and LTO: measured here it runs the
# server 1.3-1.4x faster than a plain source build (pyenv's default), so it is preferred when
# it is new enough. `make PYTHON=python3.12 serve` picks another interpreter.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test test-deps lint format bench clean

$(BIN)/python:
	bash scripts/ensure-python.sh $(PYTHON) $(VENV)

$(VENV)/.server-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[server]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.server-installed

## Start the server on the embedded SQLite default (~/.interactiveai/), port 3000.
serve: $(VENV)/.server-installed
	$(BIN)/interactiveai serve

## Install what the tests need (PostgreSQL, Chromium, Apertium) and run the whole suite.
test: test-deps $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-deps:
	bash scripts/install-test-deps.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/sessions_page.py
	$(BIN)/python bench/sdk_overhead.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
