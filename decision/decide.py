"""From raw case data to an explained decision: validate, evaluate, explain."""
from __future__ import annotations

from typing import Any

from engine.case import Case, parse_case
from engine.errors import RegelruimteError
from engine.evaluator import Conditions, core_conditions, evaluate
from engine.registry import Registry
from engine.sources import dated_url
from engine.yamlsource import line_of_field
from explain import explain


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
    `conditions`: how rule conditions are decided (see engine.evaluator).

    Read-only below the top level of its items: sources, evidence lists and item prototypes are shared with
    other decisions (docs/decisions/0019-plan-per-option.md); copy a decision before changing it."""
    return decide_case(parse_case(data, file=file), registry, lang, data=data, file=file, conditions=conditions)


def decide_case(case: Case, registry: Registry, lang: str = "nl", data: Any = None, file: str | None = None,
                explanation: bool = True, conditions: Conditions = core_conditions) -> dict:
    """The decision for an already validated case; `data` (the raw input) lets problems name their line.

    `explanation=False` leaves out the explanation text, for callers that store many decisions and
    render the text on demand (it is a pure function of the decision).
    """
    try:
        decision = evaluate(case, registry, lang, conditions, dated=True)
    except RegelruimteError as exc:
        for p in exc.problems:  # name the file and line of case problems found after parsing
            if p.field and p.file is None:
                p.file = file
                if data is not None:
                    p.line = line_of_field(data, p.field)
        raise
    for used in decision["rulesets"]:  # the regulation itself: the law as of the reference date, or the CVDR text
        url = registry.rulesets[used["id"]].meta.source.url
        if url:
            used["url"] = dated_url(url, case.reference_date)
    local = registry.municipalities.get(case.municipality)
    if local is not None and local.meta.municipality_name:
        decision["municipality_name"] = local.meta.municipality_name
    if explanation:
        decision["explanation"] = explain(decision, lang, "text", fact_labels(registry, lang))
    return decision
