"""The facts a decision rests on, in plain words: what the printed advice shows instead of JSON.

Built from the form's own view of a case (`case_to_form`), so it says each fact with the label the
professional filled it in under, and each coded value with its Dutch word.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from engine.templates import date as write_date

from .form import AVOIDED_ROWS, INCOME_ROWS, case_to_form

# form field -> the list of words (service.web.text CHOICES) its coded values come from
CHOICE_OF = {"household.composition": "composition", "debts.regime": "regime", "benefit": "benefit", "work": "work",
             "need.kind": "need_kind", "need.purpose": "purpose", "need.at_risk": "at_risk",
             "need.obligation": "obligation", "applicant.student_finance_possible": "yes_no",
             "partner.student_finance_possible": "yes_no"}
MONEY = {"assets", "debts.free_allowance_monthly", "need.amount", "need.expected_earnings_monthly"}
DATES = {"reference_date", "debts.since"}


def _day(text: str, lang: str) -> str:
    try:
        return write_date(dt.date.fromisoformat(text), lang)
    except ValueError:
        return text


def summary(case: Mapping[str, Any], t: dict, labels: Mapping[str, str], circumstances: list[dict],
            value_words: Mapping[str, str], municipalities: Mapping[str, str] = {}) -> list[tuple[str, str]]:
    """[(label, value)] for every fact in `case` the form can hold, in the form's order."""
    values = case_to_form(case)
    w, choices, lang = t["w"], t["choices"], t["lang"]
    out: list[tuple[str, str]] = []

    def word(field: str, code: str) -> str:
        return choices.get(CHOICE_OF.get(field, ""), {}).get(code, value_words.get(code, code))

    for field, label in labels.items():
        if field.startswith(("income.", "avoided_costs.")) or field not in values or field == "case_id":
            continue
        vs = values[field]
        if field in MONEY:
            text = f"€ {vs[0]}"
        elif field in DATES:
            text = _day(vs[0], lang)
        elif field == "options":
            continue
        elif field == "municipality":
            text = municipalities.get(vs[0], vs[0])
        else:
            text = ", ".join(word(field, v) for v in vs)
        out.append((label, text))
    if "children_none" in values:
        out.append((w["children"], w["children_none"]))
    for i in range(INCOME_ROWS):
        if f"income.{i}.source" in values or f"income.{i}.net_monthly" in values:
            code = (values.get(f"income.{i}.source") or [""])[0]
            source = choices["income_source"].get(code, word("", code)) if code else w["income_source_unknown"]
            amount = (values.get(f"income.{i}.net_monthly") or [""])[0]
            out.append((w["fs_income"], f"{source}: € {amount}" if amount else source))
    if "income_none" in values:
        out.append((w["fs_income"], w["income_none"]))
    for c in circumstances:
        vs = values.get(f"circumstances.{c['name']}")
        if vs:
            shown = [choices["yes_no"].get(v, dict(c["choices"]).get(v, v)) for v in vs]
            out.append((c["label"][:1].upper() + c["label"][1:], ", ".join(shown)))
    for i in range(AVOIDED_ROWS):
        item = (values.get(f"avoided_costs.{i}.item") or [""])[0]
        if item:
            parts = [f"€ {values[f'avoided_costs.{i}.per_year'][0]} {w['per_year_words']}"
                     if f"avoided_costs.{i}.per_year" in values else "",
                     f"€ {values[f'avoided_costs.{i}.once'][0]} {w['once_words']}"
                     if f"avoided_costs.{i}.once" in values else ""]
            out.append((w["fs_avoided"], f"{item}: " + ", ".join(p for p in parts if p)))
    return out
