# Two commands for a new user: `make run` (service and web page) and `make test`.
# Both bootstrap .venv on a fresh machine, with the exact versions in requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
UV := uv==0.13.9

.PHONY: all setup run test lint lock bench bench-batch bench-service bench-scale bench-casebook clean

all: setup

setup: $(STAMP)

# Every package from the lock (hashes checked), then this project itself without resolving again.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	rm -f $(VENV)/.installed-*
	touch $@

# Refresh requirements.lock after a change to the dependencies in pyproject.toml: pins that still fit
# stay; `make lock LOCK_FLAGS=--upgrade` moves every package to its newest release within the bounds.
LOCK_FLAGS ?=
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 --generate-hashes \
		--quiet $(LOCK_FLAGS) -o $(LOCK)

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

bench-batch: setup
	$(BIN)/python benchmarks/bench_batch.py

bench-service: setup
	$(BIN)/python benchmarks/bench_service.py

bench-scale: setup
	$(BIN)/python benchmarks/bench_scale.py

bench-casebook: setup
	$(BIN)/python benchmarks/bench_casebook.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis out
