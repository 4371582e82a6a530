"""A figure that is not verified says so on its own line (legal audit D-49): the AOW age of 2026-2028 comes from
secondary sources only (law-facts-2 §3.8, Staatscourant notices NOT FOUND), so its line in the amounts carries
"[niet geverifieerd]"; the AOW age of 2025 is in the text of AOW art. 7a lid 1 and carries no tag."""
from __future__ import annotations

import pytest

from decision.decide import decide


def _case(day: str) -> dict:
    return {"case_id": f"aow-{day}", "reference_date": day, "municipality": "utrecht",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 60}], "children": [],
                          "cost_sharers": 0},
            "income": [{"source": "bijstand", "net_monthly": "1401.50"}], "assets": "100.00",
            "debts": {"regime": "none"}, "benefit": "bijstand", "work": "unemployed",
            "need": {"kind": "exemption", "obligation": "job_search", "duration_months": 6},
            "options": ["exemption"], "circumstances": {"urgent_reasons": []}}


def _flat(text: str) -> str:
    return " ".join(text.split())


AOW_LINE = "Pensioengerechtigde leeftijd (AOW-leeftijd): 67 jaar (Algemene Ouderdomswet art. 7a lid 1)"


@pytest.mark.parametrize("day", ["2026-01-01", "2027-12-31", "2028-01-01"])
def test_the_unverified_aow_age_is_tagged_on_its_line(registry, day):
    text = _flat(decide(_case(day), registry)["explanation"])
    assert AOW_LINE + " [niet geverifieerd]" in text


def test_the_aow_age_of_the_law_text_is_not_tagged(registry):
    text = _flat(decide(_case("2025-12-31"), registry)["explanation"])
    assert AOW_LINE in text and AOW_LINE + " [niet geverifieerd]" not in text


def test_the_tag_in_english_and_in_the_json(registry):
    decision = decide(_case("2028-01-01"), registry, "en")
    assert "State pension age: 67 years (Algemene Ouderdomswet art. 7a para. 1) [not verified]" in _flat(decision["explanation"])
    inputs = [i for a in decision["amounts"] for s in a["steps"] for i in s["inputs"]
              if i["name"] == "participatiewet.pensioenleeftijd"]
    assert inputs and all(i.get("verified") is False for i in inputs)
