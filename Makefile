# Two commands for a new user: `make run` (service and web page) and `make test`.
# Both bootstrap .venv from pyproject.toml on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: all setup run test bench bench-service bench-scale bench-casebook clean

all: setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,durable,casebook,scale]'
	rm -f $(VENV)/.installed-*
	touch $@

run: setup
	$(BIN)/regelruimte serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest

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
