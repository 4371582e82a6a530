"""`POST /v1/whatif` on a bare FastAPI app: the comparison as JSON, 422 with the field for bad input."""
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient  # on httpx2 (the dev extra)

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
    assert [p["field"] for p in r.json()["problems"]] == ["population.n"]
    body = client.get("/openapi.json").json()["paths"]["/v1/whatif"]["post"]["requestBody"]
    population = body["content"]["application/json"]["schema"]["properties"]["population"]["anyOf"][0]
    assert population["properties"]["n"]["maximum"] == MAX_POPULATION


@pytest.mark.parametrize("payload, field", [
    ({"base": "zaanstad@2025-09-15", "change": OVERLAY, "cases": []}, "cases"),  # used to be a 500 (empty tables)
    ({"base": "zaanstad@2025-09-15", "sweep": "", "population": {"n": 10}}, "sweep"),  # used to mean "no sweep"
    ({"base": "zaanstad@2025-09-15", "change": OVERLAY, "cases": [lasmasker(), lasmasker()]}, "cases.1.case_id"),
    ({"base": "zaanstad@2025-09-15", "change": OVERLAY, "cases": [lasmasker()], "lang": "de"}, "lang"),
    ({"base": "zaanstad@2025-09-15", "change": OVERLAY, "cases": [lasmasker()], "extra": 1}, "extra"),
])
def test_what_used_to_fail_or_pass_unnoticed_is_422_with_the_field(client, payload, field):
    r = client.post("/v1/whatif", json=payload)
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"
    assert field in [p.get("field") for p in r.json()["problems"]]


def test_a_body_that_is_not_json_is_415_or_422_in_the_error_format(client):
    # FastAPI used to answer an undecodable body with a bare, undocumented 400
    r = client.post("/v1/whatif", content=b"=\xff\xfe,", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"
    r = client.post("/v1/whatif", content=b"{}", headers={"content-type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    english = client.post("/v1/whatif?lang=en", content=b"[", headers={"content-type": "application/json"}).json()
    assert english["message"] == "The request is invalid."


def test_an_overlay_value_may_be_a_json_number_read_exactly(client):
    case = lasmasker()
    case["income"][0]["net_monthly"] = "1600.00"
    change = {**OVERLAY, "parameters": {"percentage_inkomensgrens": {"value": 1.20}}}
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "change": change, "cases": [case]})
    assert r.status_code == 200, r.text
    assert r.json()["totals"]["newly_granted_eur"] == "1100.00"
