"""Routes certain to be in time come first, uncertain ones after them: a route on a lead time from practice or none
('Onzeker' when that figure is clearly longer than the days available, decision record 0040) follows every route
with a verified lead time in time, and a route certainly too late comes last. One ordering (explain.lines.route_order)
for the text, the onderbouwing (full and short) and the page (tests/service/web/test_probably_late_page.py)."""
from __future__ import annotations

import pytest

from decision.decide import decide
from explain.lines import route_order
from service.cli.renderings import render

ART16 = "Bijstand in afwijking van de wet wegens zeer dringende redenen"


def order(routes: list[dict], within) -> list[str]:
    return [r["route"] for r in sorted(routes, key=lambda r: route_order(r, within))]


def route(rid: str, days, verified: bool, in_time=None, status="available") -> dict:
    return {"route": rid, "status": status, "lead_time_days": days, "lead_time_verified": verified, "in_time": in_time}


def test_certain_first_then_not_known_then_uncertain_then_too_late():
    routes = [route("onzeker", 42, False), route("te-laat", 20, True, in_time=False),
              route("onbekend", None, False), route("praktijk-kort", 10, False), route("op-tijd", 5, True, in_time=True)]
    assert order(routes, 14) == ["op-tijd", "praktijk-kort", "onbekend", "onzeker", "te-laat"]


def test_without_a_deadline_a_verified_lead_time_comes_before_one_from_practice():
    routes = [route("praktijk", 42, False), route("onbekend", None, False), route("geverifieerd", 84, True)]
    assert order(routes, None) == ["geverifieerd", "praktijk", "onbekend"]


def test_a_usable_route_still_comes_before_a_conditional_one():
    routes = [route("voorwaardelijk", 1, True, in_time=True, status="conditional"), route("onzeker", 42, False)]
    assert order(routes, 14) == ["onzeker", "voorwaardelijk"]


@pytest.mark.parametrize("form", ["text", "markdown", "onderbouwing", "onderbouwing-kort"])
def test_the_welder_reads_art_16_after_the_routes_that_are_not_uncertain(registry, welding_case, form):
    # the welder needs the mask within 14 days; art. 16 takes about 42 days in practice: 'Onzeker'
    decision = decide(welding_case, registry)
    text = " ".join(render(decision, registry, "nl", form).split())
    for o in decision["options"]:
        titles = [r["title"] for r in o["routes"]]
        if ART16 not in titles:
            continue
        shown = sorted(titles, key=lambda t: text.rindex(t + " ("))  # each listing's last, after the advice
        assert shown[-1] == ART16, (form, shown)
