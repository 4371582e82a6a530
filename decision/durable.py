"""The public decision with rule conditions decided by durable-rules, fenced (engine.backends.durable,
docs/decisions/0002-durable-rules-backend.md): `regelruimte check CASE --backend durable`."""
from __future__ import annotations

from typing import Any

from engine.backends import durable
from engine.registry import Registry

from .decide import decide


def decide_durable(data: Any, registry: Registry, lang: str = "nl", file: str | None = None) -> dict:
    """`decision.decide.decide` with rule conditions decided by durable-rules (fenced)."""
    if durable.IMPORT_ERROR is not None:
        raise durable.unavailable()
    return decide(data, registry, lang, file, conditions=durable.durable_conditions)
