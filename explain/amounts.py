"""The amounts of a decision in words: the amount, each step with its value, formula and source, and what
is not known (ADR 0015). Shared by the text, Markdown, onderbouwing and the web page."""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from engine.templates import money, percent

from .citation import cite

_DECIMAL = re.compile(r"^-?\d+\.\d+$")

WORDS = {
    "nl": {"section": "Bedragen (hoe ze zijn berekend)", "unknown": "niet te berekenen", "yes": "ja", "no": "nee",
           "not_known": "niet bekend", "exact": "precies", "provisional": "voorlopig: berekend met bedragen van vóór de peildatum",
           "assessment": "interpretatie", "unverified": "niet geverifieerd", "years": "jaar", "months": "maanden",
           "for": "bij", "if_granted": "als het wordt toegekend", "computed": "Zo is het berekend"},
    "en": {"section": "Amounts (how they were computed)", "unknown": "cannot be computed", "yes": "yes", "no": "no",
           "not_known": "not known", "exact": "exactly", "provisional": "provisional: computed with amounts from before the reference date",
           "assessment": "interpretation", "unverified": "not verified", "years": "years", "months": "months",
           "for": "for", "if_granted": "if granted", "computed": "How it was computed"},
}


def words(lang: str) -> dict:
    return WORDS["en" if lang == "en" else "nl"]


def value_text(value, lang: str, unit: str | None = None, label: str | None = None) -> str:
    """A value of an amount, a step or an input as a reader writes it (money in Dutch notation)."""
    w = words(lang)
    if value is None:
        return w["not_known"]
    if isinstance(value, bool):
        return w["yes"] if value else w["no"]
    if label:
        return label
    if unit == "factor":
        return percent(Decimal(value), lang)
    if unit in ("jaar", "maanden", "dagen", "aantal"):
        return f"{value} {w['years'] if unit == 'jaar' else w['months'] if unit == 'maanden' else ''}".strip()
    if isinstance(value, str) and _DECIMAL.match(value):
        return _money(value, lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@lru_cache(maxsize=8192)  # norms and figures recur from case to case
def _money(value: str, lang: str) -> str:
    shown = money(Decimal(value), lang)
    if len(value.split(".")[1]) > 2:  # exact in the decision; the reader sees cents and the exact figure
        shown += f" ({words(lang)['exact']} {value if lang == 'en' else value.replace('.', ',')})"
    return shown


def _flags(item: dict, lang: str) -> str:
    w = words(lang)
    flags = [w["assessment"]] if item.get("confidence") == "assessment" else []
    if item.get("verified") is False:
        flags.append(w["unverified"])
    return f" [{'; '.join(flags)}]" if flags else ""


def heading(amount: dict, lang: str, titles: dict | None = None) -> str:
    """'Algemene bijstand per maand: € 1.401,50 (bij: Algemene bijstand).'"""
    w = words(lang)
    value = value_text(amount["value"], lang) if amount["value"] is not None else w["unknown"]
    text = f"{amount['title']}: {value}"
    if amount.get("provisional"):
        text += f" ({w['provisional']})"
    if amount.get("options") and titles:
        text += f" ({w['for']}: {', '.join(titles.get(o, o) for o in amount['options'])})"
    return text + "." + _flags(amount, lang)


def step_text(step: dict, lang: str) -> str:
    """'Bijstandsnorm zonder kostendelers: € 1.401,50 (Participatiewet art. 21). <formula>'"""
    text = f"{step['title']}: {value_text(step['value'], lang)} ({cite(step['source'], lang)}){_flags(step, lang)}."
    if step.get("formula"):
        text += f" {step['formula']}"
    return text


def input_text(item: dict, lang: str) -> str:
    """'de leeftijd van de aanvrager: 38' or 'Bijstandsnorm alleenstaande …: € 1.401,50 (Participatiewet art. 21 onderdeel a)'."""
    text = f"{item['title']}: {value_text(item['value'], lang, item.get('unit'), item.get('value_label'))}"
    if item.get("source"):
        text += f" ({cite(item['source'], lang)})"
    return text + _flags(item, lang)


def reasons(amount: dict) -> list[str]:
    return [r["reason"] for r in amount.get("unknown_because", ())]
