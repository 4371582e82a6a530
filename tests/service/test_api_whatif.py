"""`POST /v1/whatif` on a bare FastAPI app: the comparison as JSON, 422 with the field for bad input."""
import warnings

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette: "use httpx2" (not installed here)
    from fastapi.testclient import TestClient

from service.api_whatif import MAX_POPULATION, router
from tests.conftest import lasmasker

OVERLAY = {"overlay": {"title": "Inkomensgrens naar 120%", "ruleset": "zaanstad", "from": "2026-01-01"},
           "parameters": {"percentage_inkomensgrens": {"value": "1.20"}}}


@pytest.fixture(scope="module")
def client():
    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


def test_an_overlay_over_a_population(client):
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "change": OVERLAY,
                                        "population": {"n": 2000, "seed": 3}, "flips": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["totals"]["cases"] == 2000 and body["totals"]["households_helped"] > 0
    assert len(body["flips"]) == 5 and body["flips"][0]["blocks_disappeared"] == ["zaanstad.bb.inkomensgrens"]
    assert body["cost"][0]["municipality"] == "zaanstad"
    assert "zaanstad@2026-01-01" in body["versions"]["change"]


def test_cases_a_version_change_and_a_sweep(client):
    case = lasmasker()
    case["income"][0]["net_monthly"] = "1600.00"  # between 110% and 120% of the norm
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "change": OVERLAY, "cases": [case],
                                        "sweep": "zaanstad.percentage_inkomensgrens=1.10:1.20:0.05"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totals"]["flips"] == 2 and body["totals"]["newly_granted_eur"] == "1100.00"
    assert [p["households_helped"] for p in body["sweep"]["points"]] == [0, 0, 1]


@pytest.mark.parametrize("payload, field", [
    ({"base": "zaanstad", "change": OVERLAY, "population": {"n": 10}}, "population.date"),
    ({"base": "zaanstad@2025-09-15", "change": "/etc/passwd", "cases": [lasmasker()]}, "change"),
    ({"base": "zaanstad@2025-09-15", "change": OVERLAY}, "cases"),
    ({"base": "zaanstad@2025-09-15", "change": {"overlay": {"title": "Fout", "ruleset": "zaanstad", "from": "2026-01-01"},
      "parameters": {"percentage_inkomensgrns": {"value": "1.2"}}}, "cases": [lasmasker()]}, None),
    ({"base": "zaanstad@2025-09-15", "change": OVERLAY, "cases": [dict(lasmasker(), options=["wat"])]}, "cases.0.options.0"),
])
def test_bad_input_is_422_with_where_it_is(client, payload, field):
    r = client.post("/v1/whatif", json=payload)
    assert r.status_code == 422
    problems = r.json()["problems"]
    if field:
        assert field in [p.get("field") for p in problems]
    else:
        assert problems[0]["file"] == "change" and "bedoelde u 'percentage_inkomensgrens'" in problems[0]["message"]


def test_limits_are_part_of_the_schema(client):
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "change": OVERLAY,
                                        "population": {"n": MAX_POPULATION + 1}})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "n"
