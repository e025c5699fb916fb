# Two commands on a fresh machine with python3 and make:
#   make demo   set up, load the example portfolio into ./.demo, print `handoff status`
#   make test   set up, run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR := $(CURDIR)/.demo
DEMO_ENV := HANDOFF_DB=$(DEMO_DIR)/handoff.db HANDOFF_CONFIG=$(DEMO_DIR)/config.toml

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(DEMO_ENV) $(BIN)/handoff init --demo
	$(DEMO_ENV) $(BIN)/handoff status

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
