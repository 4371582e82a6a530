"""From raw case data to an explained decision: validate, evaluate, explain."""
from __future__ import annotations

from typing import Any

from explain import explain

from .case import parse_case
from .errors import RegelruimteError
from .evaluator import Conditions, core_conditions, evaluate
from .registry import Registry
from .yamlsource import line_of


def fact_labels(registry: Registry, lang: str) -> dict[str, str]:
    """Fact name -> its label in `lang` (built once per vocabulary and language; do not modify)."""
    vocab = registry.vocabulary
    key = (id(vocab), lang)
    labels = _LABELS.get(key)
    if labels is None or labels[0] is not vocab:
        labels = _LABELS[key] = (vocab, {name: spec.text(lang)[0] for name, spec in vocab.facts.items()})
    return labels[1]


_LABELS: dict[tuple[int, str], tuple[object, dict[str, str]]] = {}


def decide(data: Any, registry: Registry, lang: str = "nl", file: str | None = None,
           conditions: Conditions = core_conditions) -> dict:
    """The public decision for raw case data, with its explanation; raises CaseError or NoRulesetInForce.
    `conditions`: how rule conditions are decided (see engine.evaluator)."""
    case = parse_case(data, file=file)
    try:
        decision = evaluate(case, registry, lang, conditions)
    except RegelruimteError as exc:
        for p in exc.problems:  # name the file and line of case problems found after parsing
            if p.field and p.file is None:
                p.file = file
                p.line = line_of(data, [int(k) if k.isdigit() else k for k in p.field.split(".")])
        raise
    local = registry.municipalities.get(case.municipality)
    if local is not None and local.meta.municipality_name:
        decision["municipality_name"] = local.meta.municipality_name
    decision["explanation"] = explain(decision, lang, "text", fact_labels(registry, lang))
    return decision
