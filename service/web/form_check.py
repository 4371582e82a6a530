"""What the page checks before the engine does: amounts read for sure, contradictions, plain words.

Pure functions. The engine validates the case; this module adds what only the form can know (an
amount typed in a way that can mean two things, a box ticked that contradicts a field filled in)
and says the engine's problems the way a professional at a desk would. Every problem is found in
one round: a number that looks like a BSN does not hide the others.
"""
from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Mapping

from engine.bsn import bsn_paths
from engine.case import parse_case
from engine.errors import CaseError, Problem
from engine.templates import money as write_money

from . import amounts
from .form import (AVOIDED_ROWS, INCOME_FIELDS, INCOME_ROWS, NEED_MONEY, Form, date, first, rows)

FieldProblem = tuple[str, Problem]  # (form field name, problem)

KENMERK_CHARACTERS = ("alleen letters zonder accenten (a-z, A-Z), cijfers, punt, streepje en liggend streepje (_); "
                      "begin met een letter of cijfer; geen spaties",
                      "only letters without accents (a-z, A-Z), digits, full stop, hyphen and underscore (_); "
                      "start with a letter or digit; no spaces")


def money_fields(form: Form, kinds: Mapping[str, str]) -> list[str]:
    """The form fields that hold an amount (circumstances by their type in the vocabulary)."""
    names = ["assets", "debts.free_allowance_monthly"] + [f"need.{k}" for k in sorted(NEED_MONEY)]
    names += [f"income.{i}.net_monthly" for i in range(INCOME_ROWS)]
    names += [f"avoided_costs.{i}.{k}" for i in range(AVOIDED_ROWS) for k in ("per_year", "once")]
    names += [f"circumstances.{n}" for n, kind in kinds.items() if kind == "money"]
    return [n for n in names if first(form, n)]


def amount_message(reading: amounts.Reading) -> Problem | None:
    """What to say of an amount that was typed (the form and the paste box say the same; never the value)."""
    if reading.kind == "ambiguous":
        thousands, small = reading.value, reading.other
        return Problem(
            f"Bedoelt u {write_money(thousands)}? Typ dan {amounts.write(thousands)}. "
            f"Bedoelt u {write_money(small)}, typ dan {amounts.write(small.quantize(Decimal('0.01')))}.",
            f"Do you mean {write_money(thousands, 'en')}? Then type {amounts.write(thousands)}. "
            f"If you mean {write_money(small, 'en')}, type {amounts.write(small.quantize(Decimal('0.01')))}.")
    if reading.kind == "too_large":
        return Problem(f"te groot bedrag; ten hoogste {write_money(amounts.LIMIT)}",
                       f"amount too large; at most {write_money(amounts.LIMIT, 'en')}")
    if reading.kind == "unreadable":
        return Problem("geen bedrag dat te lezen is; schrijf bijvoorbeeld 1.100,00 of 1100",
                       "not an amount that can be read; write for example 1.100,00 or 1100")
    return None


def amount_problems(form: Form, kinds: Mapping[str, str]) -> list[FieldProblem]:
    out = []
    for name in money_fields(form, kinds):
        problem = amount_message(amounts.read(first(form, name)))
        if problem:
            out.append((name, problem))
    return out


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(date(text))
    except ValueError:
        return None


def contradictions(form: Form) -> list[FieldProblem]:
    """Fields that say different things about the same fact."""
    out = []
    since, reference = _day(first(form, "debts.since")), _day(first(form, "reference_date"))
    if since and reference and since > reference:
        out.append(("debts.since", Problem(
            "de schuldenregeling begint na de peildatum; controleer beide datums",
            "the debt scheme starts after the reference date; check both dates")))
    if first(form, "children_none") and first(form, "household.children"):
        out.append(("household.children", Problem(
            "u vinkte ook 'Geen kinderen ten laste' aan; vul de leeftijden in of vink het vakje uit, niet allebei",
            "'No dependent children' is also ticked; fill in the ages or untick the box, not both")))
    if first(form, "household.composition") in ("single", "single_parent") and first(form, "partner.age"):
        out.append(("partner.age", Problem(
            "u koos een alleenstaande; laat de leeftijd van een partner leeg, of kies 'Gehuwd of samenwonend'",
            "you chose a single person; leave the partner's age empty, or choose 'Married or cohabiting'")))
    filled = rows(form, "income", INCOME_FIELDS, INCOME_ROWS)
    if first(form, "income_none") and filled:
        out.append((f"income.{filled[0]}.net_monthly", Problem(
            "u vinkte ook 'Het huishouden heeft geen inkomen' aan; vul het inkomen in of vink het vakje uit, niet allebei",
            "'The household has no income' is also ticked; fill in the income or untick the box, not both")))
    return out


def check(form: Form, kinds: Mapping[str, str]) -> list[FieldProblem]:
    """Everything the form itself finds wrong, by form field."""
    return amount_problems(form, kinds) + contradictions(form)


# The engine's words for a few fields, said as the form asks them.
_PLAIN = {
    "options": ("kies ten minste één optie", "choose at least one option"),
    "reference_date": ("vul de peildatum in als 15-9-2025 of 2025-09-15", "fill in the reference date as 2025-09-15"),
    "municipality": ("kies de gemeente", "choose the municipality"),
}


def plain(problem: Problem, field: str | None) -> Problem:
    """The engine's problem about a form field, in the form's words."""
    if field == "case_id" and "BSN" not in problem.message:
        nl, en = KENMERK_CHARACTERS
        if "leeg" in problem.message or "verplicht" in problem.message:
            return Problem(f"vul een kenmerk in: {nl}", f"fill in a reference: {en}", field=problem.field)
        if "opmaak" in problem.message:
            return Problem(f"een kenmerk bevat {nl}", f"a reference holds {en}", field=problem.field)
    if field in _PLAIN and "BSN" not in problem.message:
        nl, en = _PLAIN[field]
        return Problem(nl, en, field=problem.field)
    return problem


def _under(field: str | None, paths: Iterable[str]) -> bool:
    return field is not None and any(p == "(root)" or field == p or field.startswith(p + ".") for p in paths)


def without(data: dict, paths: Iterable[str]) -> dict:
    """`data` with the values at `paths` taken out (a list item becomes None, so indices stay)."""
    out = copy.deepcopy(data)
    for path in paths:
        parts, here = path.split("."), out
        for part in parts[:-1]:
            here = here[int(part)] if isinstance(here, list) else here.get(part) if isinstance(here, dict) else None
            if here is None:
                break
        else:
            last = parts[-1]
            if isinstance(here, dict):
                here.pop(last, None)
            elif isinstance(here, list) and last.isdigit() and int(last) < len(here):
                here[int(last)] = None
    return out


def all_problems(data: Any, error: CaseError) -> list[Problem]:
    """The problems of `error`, and when a BSN-like number stopped the check, every other problem too."""
    paths = sorted(set(bsn_paths(data))) if isinstance(data, dict) else []
    if not paths or "(root)" in paths or not all(p.field in paths for p in error.problems):
        return list(error.problems)
    try:
        parse_case(without(data, paths))
    except CaseError as more:
        return list(error.problems) + [p for p in more.problems if not _under(p.field, paths)]
    return list(error.problems)
