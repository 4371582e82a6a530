"""A pasted or uploaded case, read as the form reads what is typed into it: pure functions, no I/O.

Whatever the form accepts, the paste box accepts too (decision record 0040): an amount the Dutch way
("1.100", "1.100,00", "€ 1.100", a YAML number 1.100 is the thousands point), a date as 15-9-2025, and
ja/nee for a yes/no question. What the form asks back ("1,100") or cannot read is said with the form's
words, naming the field and its line, never repeating the value. Everything else is left to the engine,
which validates the case as it does for the API.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterator, Mapping

from engine.errors import Problem
from engine.yamlsource import line_of_field

from . import amounts
from .form import date as read_date
from .form_check import amount_message

_MONEY = ("assets", "debts.free_allowance_monthly", "need.amount", "need.expected_earnings_monthly")
_DATES = ("reference_date", "debts.since")
_YES = {"ja": True, "nee": False, "true": True, "false": False, "yes": True, "no": False, "j": True, "n": False}
# a YAML number with a point before exactly three digits: the thousands point of Dutch notation, not decimals
_THOUSANDS = re.compile(r"-?\d{1,3}(?:\.\d{3})+")


def _in_list(container: Mapping[str, Any], listname: str, keys: tuple[str, ...], prefix: str,
             kind: str) -> Iterator[tuple[Any, Any, str, str]]:
    """The slots `keys` of each item of the list `listname` in `container`."""
    items = container.get(listname)
    for i, item in enumerate(items if isinstance(items, list) else ()):
        for key in keys:
            if isinstance(item, dict) and key in item:
                yield item, key, f"{prefix}{listname}.{i}.{key}", kind


def _slots(case: Mapping[str, Any], kinds: Mapping[str, str]) -> Iterator[tuple[Any, Any, str, str]]:
    """(container, key, dotted path, kind) of every value the form reads in its own way."""
    def at(path: str):
        here: Any = case
        for part in path.split(".")[:-1]:
            here = here.get(part) if isinstance(here, dict) else None
        return here
    for path in _MONEY + _DATES:
        parent, key = at(path), path.rsplit(".", 1)[-1]
        if isinstance(parent, dict) and key in parent:
            yield parent, key, path, "money" if path in _MONEY else "date"
    for listname, keys in (("income", ("net_monthly",)), ("avoided_costs", ("per_year", "once"))):
        yield from _in_list(case, listname, keys, "", "money")
    household = case.get("household")
    if isinstance(household, dict):
        for listname, keys in (("members", ("student_finance_possible",)),
                               ("housemates", ("close_family", "commercial_contract", "student_finance"))):
            yield from _in_list(household, listname, keys, "household.", "boolean")
    found = case.get("circumstances")
    if isinstance(found, dict):
        for name, kind in kinds.items():
            if name in found and kind in ("money", "date", "boolean"):
                yield found, name, f"circumstances.{name}", kind


def _money(value: Any, number_from_yaml: bool) -> tuple[Any, Problem | None]:
    if isinstance(value, Decimal) and number_from_yaml and _THOUSANDS.fullmatch(str(value)):
        return Decimal(str(value).replace(".", "")), None  # amount: 1.100 is eleven hundred euro, as on the form
    if not isinstance(value, str) or not value.strip():
        return value, None
    reading = amounts.read(value)
    if reading.kind == "ok":
        return amounts.canonical(reading.value), None
    return value, amount_message(reading)


def read_as_form(case: Any, kinds: Mapping[str, str], file: str, yaml: bool = True) -> tuple[Any, list[Problem]]:
    """`case` (as read from the paste box or a file) with its amounts, dates and yes/no read as the form
    reads them, and the problems with what cannot be read for sure (by field, with their line)."""
    if not isinstance(case, dict):
        return case, []
    problems = []
    household = case.get("household")
    if isinstance(household, dict) and isinstance(household.get("children"), str):  # "7, 3" as on the form
        ages = [a for a in re.split(r"[,;\s]+", household["children"]) if a]
        household["children"] = [int(a) if re.fullmatch(r"\d{1,3}", a) else a for a in ages]
    for parent, key, path, kind in list(_slots(case, kinds)):
        value = parent[key]
        if kind == "money":
            parent[key], problem = _money(value, yaml)
            if problem:
                problems.append(Problem(problem.message, problem.message_en, field=path, file=file,
                                        line=line_of_field(case, path)))
        elif kind == "date" and isinstance(value, str):
            parent[key] = read_date(value)
        elif kind == "boolean" and isinstance(value, str) and value.strip().lower() in _YES:
            parent[key] = _YES[value.strip().lower()]
    return case, problems
