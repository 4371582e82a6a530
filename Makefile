# Two commands for a new user: `make run` (service and web page) and `make test`.
# Both bootstrap .venv from pyproject.toml on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: all setup run test lint bench bench-service bench-scale bench-casebook clean

all: setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,durable,casebook,scale]'
	rm -f $(VENV)/.installed-*
	touch $@

# The casebook is an embedded SQLite file; a small demo casebook fills it on first start.
CASEBOOK ?= casebook.sqlite

run: setup
	$(BIN)/regelruimte casebook --db $(CASEBOOK) demo
	REGELRUIMTE_DATABASE_URL=sqlite:///$(CASEBOOK) $(BIN)/regelruimte serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/regelruimte lint --severity warning
	$(BIN)/regelruimte test

bench: setup
	$(BIN)/python benchmarks/bench_engine.py

bench-service: setup
	$(BIN)/python benchmarks/bench_service.py

bench-scale: setup
	$(BIN)/python benchmarks/bench_scale.py

bench-casebook: setup
	$(BIN)/python benchmarks/bench_casebook.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
