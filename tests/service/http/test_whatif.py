"""`POST /v1/whatif` on a bare FastAPI app: the comparison as JSON, 422 with the field for bad input."""
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient  # on httpx2 (the dev extra)

from service.http.whatif import MAX_POPULATION, router
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
    assert [p["households_open"] for p in body["sweep"]["points"]] == [0, 0, 0]  # beside helped and hurt


def test_a_sweep_counts_the_open_households_per_point(client):
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "population": {"n": 300, "seed": 1},
                                        "sweep": "zaanstad.percentage_inkomensgrens=1.00:1.20:0.10"})
    assert r.status_code == 200, r.text
    assert [p["households_open"] > 0 for p in r.json()["sweep"]["points"]] == [False, False, True]


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


def test_a_whatif_out_of_time_stops_at_the_next_step_and_says_so(client, monkeypatch):
    """The bound: MAX_SECONDS plus at most one step (one pass over the households). The run is
    stopped between steps, not after the whole comparison."""
    from service.http import whatif as api_whatif
    from service.http.offload import Budget
    from whatif import run

    budgets, passes = [], []
    real = run.outcomes

    class Recorded(Budget):
        def __init__(self, seconds):
            super().__init__(seconds)
            budgets.append(self)

    def outcomes_as_time_runs_out(*args, **kwargs):
        passes.append(args[2])
        budgets[0].deadline = 0.0  # the time is up during the first pass
        return real(*args, **kwargs)

    monkeypatch.setattr(api_whatif, "Budget", Recorded)
    monkeypatch.setattr(run, "outcomes", outcomes_as_time_runs_out)
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "change": OVERLAY,
                                        "population": {"n": 200, "seed": 3}})
    assert r.status_code == 422
    assert f"langer dan {api_whatif.MAX_SECONDS:.0f} seconden" in r.json()["problems"][0]["message"]
    assert passes == ["basis"]  # the pass with the change never started


def test_a_whatif_whose_client_has_gone_is_stopped(monkeypatch):
    """A client that disconnects stops the work within a fraction of a second, not after the time limit."""
    import asyncio
    import threading
    import time

    from service.http import whatif as api_whatif
    from service.http.offload import Stopped

    stopped = {}

    def endless(request, root, budget):  # work that only ends when asked to
        started = time.monotonic()
        try:
            while time.monotonic() - started < 30:
                budget.check()
                time.sleep(0.01)
        except Stopped as exc:
            stopped.update(reason=exc.reason, after=time.monotonic() - started)
            raise
        stopped["reason"] = "never"
        return {}

    monkeypatch.setattr(api_whatif, "run_whatif", endless)
    app = FastAPI()
    app.include_router(api_whatif.router)
    body = b'{"base": "zaanstad@2025-09-15", "population": {"n": 10, "seed": 1}}'
    t0 = time.monotonic()
    messages = []

    async def receive():
        if not messages:
            messages.append("body")
            return {"type": "http.request", "body": body, "more_body": False}
        while time.monotonic() - t0 < 0.5:  # the client stays half a second, then goes
            await asyncio.sleep(0.05)
        return {"type": "http.disconnect"}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/whatif", "raw_path": b"/v1/whatif", "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")], "http_version": "1.1",
             "scheme": "http", "server": ("testserver", 80), "client": ("127.0.0.1", 5000), "root_path": ""}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=20))
    assert stopped["reason"] == "disconnected"
    assert stopped["after"] < 2.0  # the watcher looks every quarter second
    assert threading.active_count() < 50


@pytest.mark.parametrize("payload, field", [
    ({"base": "zaanstad@111222333", "change": OVERLAY, "cases": [lasmasker()]}, "base"),
    ({"base": "zaanstad@2025-02-30", "change": OVERLAY, "cases": [lasmasker()]}, "base"),
    ({"base": "zaanstad@2025-09-15", "sweep": "zaanstad.p111222333=1:2:1", "cases": [lasmasker()]}, None),
    ({"base": "zaanstad@2025-09-15", "change": {"overlay": {"title": "Fout", "ruleset": "zaanstad", "from": "2026-01-01"},
      "parameters": {"p111222333": {"value": "1.2"}}, "removed": ["r111-22-2333"]}, "cases": [lasmasker()]}, None),
])
def test_a_value_sent_is_not_repeated_and_a_name_like_a_bsn_never(client, payload, field):
    # "'zaanstad@111222333' is geen regelset@datum", "nieuwe parameter 'p111222333': ontbreekt title"
    r = client.post("/v1/whatif", json=payload)
    assert r.status_code == 422, r.text
    assert "111" not in r.text and "2333" not in r.text and "2025-02-30" not in r.text
    assert field is None or [p.get("field") for p in r.json()["problems"]] == [field]


def _overlay_with(**meta):
    return {"overlay": {**OVERLAY["overlay"], **meta}, "parameters": OVERLAY["parameters"]}


@pytest.mark.parametrize("payload, field", [
    ({"change": _overlay_with(title="klant 111 - 222 - 333")}, "overlay.title"),
    ({"change": _overlay_with(note="111.222.333")}, "overlay.note"),
    ({"change": _overlay_with(title_en="111222333")}, "overlay.title_en"),
    ({"change": {**OVERLAY, "parameters": {"percentage_inkomensgrens": {"value": "111222333"}}}},
     "parameters.percentage_inkomensgrens.value"),
    ({"change": {**OVERLAY, "parameters": {"percentage_inkomensgrens": {"value": 111222333}}}},
     "parameters.percentage_inkomensgrens.value"),
    ({"change": {**OVERLAY, "rules": [{"id": "zaanstad.nieuw", "kind": "block", "title": "Blok", "when": "assets > 111222333",
                                       "applies_to": ["special_assistance"], "reason": "x", "source": {"law": "C"}}]}},
     "rules.0.when"),
    ({"sweep": "zaanstad.percentage_inkomensgrens=111222333:111222334:1"}, "sweep"),
])
def test_a_bsn_like_number_in_an_overlay_or_sweep_is_422_by_field_never_echoed(client, payload, field):
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "cases": [lasmasker()], **payload})
    assert r.status_code == 422, r.text
    assert "111" not in r.text and "333" not in r.text
    assert [p.get("field") for p in r.json()["problems"]] == [field]
    assert "BSN" in r.json()["problems"][0]["message"]
