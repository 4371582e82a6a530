"""A route that lifts one block of an option that another block, without any route, keeps blocked: the professional
reads that applying for it cannot open the option, in the text, both onderbouwingen and on the page (legal audit
D-70), and such a route is never the advice.

The case: a 24-year-old in the Wsnp who wants to earn extra as a self-employed person. Art. 31 lid 5 Participatiewet
gives no earnings exemption under 27 and no route sets that aside; art. 311 Faillissementswet lets the
rechter-commissaris authorise self-employment. The option stays blocked whatever the rechter-commissaris decides."""
from __future__ import annotations

import copy

from decision.decide import decide
from explain import onderbouwing
from explain.lines import fastest_route, stays_blocked

YOUNG_SELF_EMPLOYED = {
    "case_id": "jong-zzp-wsnp", "reference_date": "2026-03-02", "municipality": "zaanstad",
    "household": {"composition": "single", "members": [{"role": "applicant", "age": 24}]},
    "benefit": "bijstand", "work": "self_employed",
    "income": [{"source": "bijstand", "net_monthly": "1100.00"}],
    "debts": {"regime": "wsnp", "since": "2025-06-01"},
    "need": {"kind": "earn_extra", "expected_earnings_monthly": "400.00"},
    "options": ["earnings_exemption"],
    # not medically limited in hours: art. 31 lid 5 then holds for certain (onder y is not named there, D-71)
    "circumstances": {"medically_limited_hours": False},
}
UNDER_27, RC = "pw.31.5.jonger_dan_27", "wsnp.311.machtiging_rechter_commissaris"


def _option(decision: dict) -> dict:
    return next(o for o in decision["options"] if o["option"] == "earnings_exemption")


def test_the_block_without_a_route_is_named(registry):
    o = _option(decide(YOUNG_SELF_EMPLOYED, registry))
    assert o["status"] == "blocked"
    assert any(r["route"] == RC and r["status"] == "available" for r in o["routes"])
    assert [b["rule"] for b in stays_blocked(o)] == [UNDER_27]


def test_the_text_says_the_option_stays_blocked_in_dutch_and_english(registry):
    nl = decide(YOUNG_SELF_EMPLOYED, registry)["explanation"]
    routes = nl[nl.index("  Routes"):]
    assert " ".join(routes.split()).startswith(
        "Routes Let op: voor 'Geen inkomstenvrijlating van art. 31 lid 2 onder n en r onder de 27 jaar' is er geen route. De optie blijft dus "
        "geblokkeerd, ook als een route hieronder wordt toegekend.")
    en = decide(YOUNG_SELF_EMPLOYED, registry, lang="en")["explanation"]
    assert "there is no route for 'No earnings exemption of art. 31(2)(n) and (r) under 27'. So the option stays blocked" in " ".join(en.split())


def test_both_onderbouwingen_say_it_beside_the_route(registry):
    d = decide(YOUNG_SELF_EMPLOYED, registry)
    for brief in (False, True):
        text = onderbouwing.render(d, brief=brief)
        assert "voor Vrijlating van bijverdiensten (blijft ook dan geblokkeerd: er is geen route voor " \
               "'Geen inkomstenvrijlating van art. 31 lid 2 onder n en r onder de 27 jaar')" in text


def test_a_route_that_opens_the_option_carries_no_such_note(registry):
    older = copy.deepcopy(YOUNG_SELF_EMPLOYED)
    older["household"]["members"][0]["age"] = 30  # art. 31 lid 5 no longer holds: the authorisation opens the option
    d = decide(older, registry)
    o = _option(d)
    assert UNDER_27 not in {b["rule"] for b in o["blocked_by"]} and o["status"] != "blocked"
    assert stays_blocked(o) == []
    assert "blijft dus geblokkeerd" not in d["explanation"] and "blijft ook dan geblokkeerd" not in onderbouwing.render(d)


def test_a_route_for_a_blocked_option_is_never_the_advice(registry):
    d = decide(YOUNG_SELF_EMPLOYED, registry)
    route = next(r for r in _option(d)["routes"] if r["route"] == RC)
    # were the route verified and fast, it would still not be advised: it cannot open the option
    route.update(lead_time_days=7, lead_time_verified=True, in_time=True)
    assert fastest_route(d) is None
    _option(d)["blocked_by"] = [b for b in _option(d)["blocked_by"] if b["rule"] != UNDER_27]
    _option(d)["status"] = "route_available"
    assert fastest_route(d) is route
