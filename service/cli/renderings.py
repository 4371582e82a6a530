"""Every form in which a user reads one decision, as `regelruimte check` prints it.

One table, so that the command line and the golden files (service/cli/golden.py) cannot drift apart.
"""
from __future__ import annotations

import json
from typing import Callable

from decision.decide import fact_labels
from engine.registry import Registry
from explain import explain

from ..questions import client_file
from .main import dumps


def _json(decision: dict, registry: Registry, lang: str) -> str:
    return dumps(decision)


def _text(decision: dict, registry: Registry, lang: str) -> str:
    return decision["explanation"]


def _markdown(decision: dict, registry: Registry, lang: str) -> str:
    return explain(decision, lang, "markdown", fact_labels(registry, lang))


def _tree(decision: dict, registry: Registry, lang: str) -> str:
    tree = explain(decision, lang, "json", fact_labels(registry, lang))
    return json.dumps(tree, ensure_ascii=False, indent=2) + "\n"


def _onderbouwing(decision: dict, registry: Registry, lang: str) -> str:  # as the page's copy button gives it
    return client_file(decision, registry, lang)[0]


def _onderbouwing_kort(decision: dict, registry: Registry, lang: str) -> str:
    return client_file(decision, registry, lang, brief=True)[0]


# form -> renderer, in the order a reviewer reads them: the text first, the full decision last
RENDERINGS: dict[str, Callable[[dict, Registry, str], str]] = {
    "text": _text,
    "onderbouwing": _onderbouwing,
    "onderbouwing-kort": _onderbouwing_kort,
    "markdown": _markdown,
    "json-tree": _tree,
    "json": _json,
}


def render(decision: dict, registry: Registry, lang: str, form: str) -> str:
    """The decision in `form` (a key of RENDERINGS), exactly as `regelruimte check` prints it."""
    return RENDERINGS[form](decision, registry, lang)
