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
from explain.phrases import quoted_titles

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
        "Routes Let op: er is geen enkele route voor ‘Geen inkomstenvrijlating van art. 31 lid 2 onder n en r onder de 27 jaar’. Deze optie blijft dus "
        "geblokkeerd. Een route hieronder kan nog nodig zijn voor iets anders, maar opent deze optie niet.")
    en = decide(YOUNG_SELF_EMPLOYED, registry, lang="en")["explanation"]
    assert "there is no route at all for ‘No earnings exemption of art. 31(2)(n) and (r) under 27’. So this option stays blocked" in " ".join(en.split())


def test_both_onderbouwingen_say_it_once_with_the_option(registry):
    d = decide(YOUNG_SELF_EMPLOYED, registry)
    for brief in (False, True):
        text = onderbouwing.render(d, brief=brief)
        [option] = [p for p in text.split("\n\n") if p.startswith("Vrijlating van bijverdiensten: geblokkeerd.")]
        assert "Er is geen enkele route voor ‘Geen inkomstenvrijlating van art. 31 lid 2 onder n en r onder de 27 jaar’. Een route hieronder opent " \
               "deze optie dus niet" in option
        assert text.count("geen enkele route") == 1


def test_a_block_that_is_a_reading_of_the_law_stays_marked(registry):
    """A Wsnp debtor's gift falls in the boedel (Fw 295 lid 1), an interpretation: the note says so."""
    gift = {"case_id": "gift-wsnp", "reference_date": "2026-03-10", "municipality": "utrecht",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 40}]},
            "benefit": "bijstand", "income": [{"source": "bijstand", "net_monthly": "1100.00"}],
            "debts": {"regime": "wsnp", "since": "2025-06-01"},
            "need": {"kind": "keep_gift", "amount": "500.00"}, "options": ["keep_gift"]}
    o = next(o for o in decide(gift, registry)["options"] if o["option"] == "keep_gift")
    stays = stays_blocked(o)
    assert stays and all(b.get("confidence") == "assessment" for b in stays)
    assert "(volgens een uitleg van de wet)" in quoted_titles(stays, "nl")


def test_a_route_that_opens_the_option_carries_no_such_note(registry):
    older = copy.deepcopy(YOUNG_SELF_EMPLOYED)
    older["household"]["members"][0]["age"] = 30  # art. 31 lid 5 no longer holds: the authorisation opens the option
    d = decide(older, registry)
    o = _option(d)
    assert UNDER_27 not in {b["rule"] for b in o["blocked_by"]} and o["status"] != "blocked"
    assert stays_blocked(o) == []
    assert "geen enkele route" not in d["explanation"] and "geen enkele route" not in onderbouwing.render(d)


def test_a_route_for_a_blocked_option_is_never_the_advice(registry):
    d = decide(YOUNG_SELF_EMPLOYED, registry)
    route = next(r for r in _option(d)["routes"] if r["route"] == RC)
    # were the route verified and fast, it would still not be advised: it cannot open the option
    route.update(lead_time_days=7, lead_time_verified=True, in_time=True)
    assert fastest_route(d) is None
    _option(d)["blocked_by"] = [b for b in _option(d)["blocked_by"] if b["rule"] != UNDER_27]
    _option(d)["status"] = "route_available"
    assert fastest_route(d) is route
