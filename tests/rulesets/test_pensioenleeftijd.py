"""The AOW age is read in one place (decision record 0035).

Ages in a case are whole years and the AOW age is years and months (2028: 67 jaar en 3 maanden, law-facts-2
§3.8). A rule that compared `applicant.age` with `participatiewet.pensioenleeftijd` itself would treat someone
of 67 in 2028 as past the AOW age. So every rule, route and amount that needs the AOW age reads the derived
facts `participatiewet.aow_leeftijd_bereikt` / `participatiewet.partner_aow_leeftijd_bereikt`, and only their
two derive rules read the figures.
"""
from __future__ import annotations

import datetime as dt

from engine.registry import Registry
from tests.conftest import RULESETS

FIGURES = {"participatiewet.pensioenleeftijd", "participatiewet.pensioenleeftijd_maanden"}
READERS = {"pw.1.m.aow_leeftijd_aanvrager", "pw.1.m.aow_leeftijd_partner"}


def _expressions(item):
    for name in ("when", "value", "amount_when"):
        e = getattr(item, name, None)
        if e is not None:
            yield e
    for _, e in getattr(item, "amounts", {}).values():
        yield e


def test_only_the_two_derives_read_the_aow_age():
    registry = Registry.load(RULESETS)
    readers = set()
    for ruleset in registry.rulesets.values():
        for version in ruleset.versions:
            for rid, item in [*version.rules.items(), *version.routes.items()]:
                if any(not FIGURES.isdisjoint(e.names) for e in _expressions(item)):
                    readers.add(rid)
    assert readers == READERS


def test_the_aow_age_has_months_from_2028():
    registry = Registry.load(RULESETS)
    pw = registry.rulesets["participatiewet"]

    def at(day: dt.date):
        version = [v for v in pw.versions if v.valid_from <= day][-1]
        return version.parameters["pensioenleeftijd"], version.parameters["pensioenleeftijd_maanden"]

    years, months = at(dt.date(2025, 6, 1))
    assert (years.value, months.value, years.verified, months.verified) == (67, 0, True, True)
    years, months = at(dt.date(2027, 12, 31))
    assert (years.value, months.value, years.verified, months.verified) == (67, 0, False, False)
    years, months = at(dt.date(2028, 1, 1))
    assert (years.value, months.value, years.verified, months.verified) == (67, 3, False, False)
