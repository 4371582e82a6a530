"""The service's configuration: where the rule sets are, and the settings it reads from the environment.

One module, so that the command line, the HTTP API, the web pages and the casebook's demo data find
the rule sets without importing each other. Settings an optional part owns stay with it and are
listed here so a deployer finds them in one place:

| variable | read by | what |
|---|---|---|
| `REGELRUIMTE_API_TOKENS` | here | comma-separated tokens for the API and pages (none: open, for local use) |
| `REGELRUIMTE_CORS_ORIGINS` | here | comma-separated origins allowed to call the API from a browser |
| `REGELRUIMTE_DATABASE_URL` | casebook/db.py | the casebook database (default: SQLite `casebook.sqlite`) |
| `REGELRUIMTE_CASEBOOK_RETENTION_MONTHS` | casebook/retention.py | delete cases older than this, daily |
| `REGELRUIMTE_IDENTITY_MODULE` | service/http/identity.py | the module that turns a request into a casebook user |
| `REGELRUIMTE_WORKERS` | decision/pool.py | worker processes for batches (default: the cores; 1: none) |
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from engine.registry import Registry

# The rule sets beside the code: in a source tree the repository's rulesets/, in an installed wheel
# the rulesets/ folder the wheel puts beside service/ in site-packages (pyproject.toml, package data).
DEFAULT_RULESETS = Path(__file__).resolve().parent.parent / "rulesets"


def rulesets_dir(path: str | Path | None = None) -> Path:
    return Path(path) if path else DEFAULT_RULESETS


def load_registry(path: str | Path | None = None) -> Registry:
    return Registry.load(rulesets_dir(path))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def api_tokens(environ: Mapping[str, str] = os.environ) -> list[str]:
    return _split(environ.get("REGELRUIMTE_API_TOKENS"))


def cors_origins(environ: Mapping[str, str] = os.environ) -> list[str]:
    return _split(environ.get("REGELRUIMTE_CORS_ORIGINS"))
