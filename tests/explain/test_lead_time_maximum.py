"""A lead time the law sets as a maximum is no expected duration (legal audit D-79, finding F6).

Wgs art. 4 lid 1: the first conversation "binnen vier weken"; art. 4a lid 3: the beschikking within the term of the
verordening, which "bedraagt maximaal acht weken" (law-facts-2 §4.4): at most 84 days together, and it can be sooner.
So with 30 days available the route may still be in time ("kan op tijd", `in_time` null, never "te laat"); with 90
days available it is certainly in time. The text, the onderbouwing (full and short) and the advice say "uiterlijk",
never "ca."; the page the same (tests/service/web/test_lead_time_maximum_page.py)."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from decision.decide import decide
from engine.model import LeadTime
from explain.lines import route_order, timing
from service.cli.renderings import render

WGS_ROUTE = "wgs.3.2.toch_schuldhulp"
TITLE = "Het college vragen de schuldhulp niet te weigeren, ondanks eerdere schuldhulp"


def wgs_case(within: int | None, options=("debt_help",), **need) -> dict:
    """c28 of the review (a single mother who had debt help before asks again; nothing threatens), with `within`."""
    need = {"kind": "one_off_cost", "description": "huurachterstand", "amount": "900.00", **need}
    if within is not None:
        need["needed_within_days"] = within
    return {
        "case_id": "wgs-maximum", "reference_date": "2025-06-10", "municipality": "zaanstad",
        "household": {"composition": "single_parent", "members": [{"role": "applicant", "age": 33}], "children": [7],
                      "cost_sharers": 0},
        "income": [{"source": "wages", "net_monthly": "1650.00"}], "assets": "0.00", "debts": {"regime": "none"},
        "benefit": "none", "work": "employed", "need": need, "options": list(options),
        "circumstances": {"earlier_debt_help": True, "fraud_sanction_irrevocable": False,
                          "threatening_situation": "none", "necessary_cost": True},
    }


def wgs_route(decision: dict) -> dict:
    return next(r for o in decision["options"] for r in o["routes"] if r["route"] == WGS_ROUTE)


def said(decision, registry, form: str, lang: str = "nl") -> str:
    return " ".join(render(decision, registry, lang, form).split())


# --- the decision ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("within, in_time", [(30, None), (83, None), (84, True), (90, True), (None, None)])
def test_in_time_is_certain_within_the_maximum_and_unknown_past_it(registry, within, in_time):
    r = wgs_route(decide(wgs_case(within), registry))
    assert r["lead_time_days"] == 84 and r["lead_time_verified"] is True and r["lead_time_maximum"] is True
    assert r["in_time"] is in_time  # never False: the law gives a maximum, the decision may come sooner


def test_a_route_whose_lead_time_is_no_maximum_has_no_field_and_keeps_its_verdict(registry):
    decision = decide(wgs_case(30, options=("special_assistance",)), registry)
    routes = [r for o in decision["options"] for r in o["routes"]]
    assert routes and all("lead_time_maximum" not in r for r in routes)
    budget = next(r for r in routes if r["lead_time_days"] == 1 and r["lead_time_verified"])
    assert budget["in_time"] is True


def test_a_maximum_is_a_verified_figure_of_the_law():
    assert LeadTime(days=84, basis="art. 4 Wgs", verified=True, maximum=True).maximum
    for bad in ({"days": 84, "verified": False}, {"days": None, "verified": True}):
        with pytest.raises(ValidationError):
            LeadTime(basis="x", maximum=True, **bad)


# --- the text and the onderbouwing -----------------------------------------------------------------------------

FULL = ["text", "markdown", "onderbouwing"]


@pytest.mark.parametrize("form", FULL)
def test_30_days_available_against_84_at_most_may_be_in_time(registry, form):
    text = said(decide(wgs_case(30), registry), registry, form)
    assert "uiterlijk 84 dagen" in text
    assert "Kan op tijd: de hulp is nodig binnen 30 dagen en de wet geeft uiterlijk 84 dagen; het kan dus eerder." \
        in text
    for never in ("te laat", "ca. 84", "ongeveer 84"):
        assert never not in text.lower(), never


@pytest.mark.parametrize("form", FULL)
def test_90_days_available_is_in_time(registry, form):
    text = said(decide(wgs_case(90), registry), registry, form)
    assert "uiterlijk 84 dagen" in text and "Op tijd: de hulp is nodig binnen 90 dagen." in text
    assert "Kan op tijd" not in text and "ca. 84" not in text and "ongeveer 84" not in text


def test_the_short_onderbouwing_says_at_most_and_may_be_in_time(registry):
    # as c28: the Zaanstad budget (one day) is advised, the Wgs route is one of the other routes
    decision = decide(wgs_case(30, options=("debt_help", "special_assistance"), at_risk="eviction"), registry)
    text = said(decision, registry, "onderbouwing-kort")
    assert "Snelste route die op tijd kan: Budget Maatwerkondersteuning" in text
    assert "mag, maar hoeft niet; uiterlijk 84 dagen, kan op tijd voor 30 dagen." in text
    assert "te laat" not in text.lower() and "ca. 84" not in text


@pytest.mark.parametrize("form", ["text", "onderbouwing", "onderbouwing-kort"])
def test_the_advice_says_at_most_never_about(registry, form):
    # only the Wgs route is usable: it is the fastest with a lead time from the law, and it is advised
    late = said(decide(wgs_case(30), registry), registry, form)
    assert f"Snelste route: {TITLE} (het college van B&W, uiterlijk 84 dagen). Die kan op tijd zijn voor 30 " \
           "dagen: de wet geeft uiterlijk 84 dagen, het kan dus eerder." in late
    fits = said(decide(wgs_case(90), registry), registry, form)
    assert f"Snelste route die op tijd kan: {TITLE} (het college van B&W, uiterlijk 84 dagen)." in fits
    open_ = said(decide(wgs_case(None), registry), registry, form)
    assert f"Snelste route: {TITLE} (het college van B&W, uiterlijk 84 dagen). Of die op tijd is" in open_
    for text in (late, fits, open_):
        assert "ca. 84" not in text


def test_english_says_at_most(registry):
    text = said(decide(wgs_case(30), registry, "en"), registry, "text", "en")
    assert "takes at most 84 days" in text
    assert "May be in time: help is needed within 30 days and the law allows at most 84 days; it can be sooner." in text
    assert "too late" not in text.lower() and "about 84" not in text


# --- the order -------------------------------------------------------------------------------------------------

def route(rid: str, days, verified: bool, in_time=None, maximum=False, status="available") -> dict:
    r = {"route": rid, "status": status, "lead_time_days": days, "lead_time_verified": verified, "in_time": in_time}
    if maximum:
        r["lead_time_maximum"] = True
    return r


def test_a_maximum_past_the_days_available_is_unknown_timing_not_too_late():
    wgs = route("wgs", 84, True, maximum=True)
    assert timing(wgs, 30) == "in_time_maybe" and timing(wgs, 90) is None  # (90: the engine says in_time True)
    routes = [route("te-laat", 20, True, in_time=False), route("onzeker", 70, False), wgs,
              route("onbekend", None, False), route("op-tijd", 5, True, in_time=True)]
    ordered = [r["route"] for r in sorted(routes, key=lambda r: route_order(r, 30))]
    assert ordered == ["op-tijd", "wgs", "onbekend", "onzeker", "te-laat"]

