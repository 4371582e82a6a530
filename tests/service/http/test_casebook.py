import copy
import io
import json

import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from casebook.store import Store
from casebook.synthetic import generate
from service.http import casebook as api_casebook

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'casebook.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def client(store, registry):
    app = FastAPI()  # a bare app: the router must work on its own
    app.include_router(api_casebook.router)
    app.include_router(api_casebook.page_router)
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    app.dependency_overrides[api_casebook.get_registry] = lambda: registry
    return TestClient(app)


JSON = {"content-type": "application/json"}


def post(client, body):
    return client.post("/v1/casebook/cases", content=json.dumps(body), headers=JSON)


def test_post_a_case_then_read_it(client, welding_case):
    record = {"case": welding_case, "team": "wijkteam-oost", "signal": "systeemprobleem: voorschot", "tags": ["wsnp"]}
    r = post(client, record)
    assert r.status_code == 201 and r.json()["added"] == 1
    assert post(client, record).json() == {"added": 0, "new_versions": 0, "unchanged": 1, "updated": 0}
    case = client.get("/v1/casebook/cases/zaanstad-lasmasker").json()
    version = case["versions"][0]
    assert (version["team"], version["signal"], version["tags"]) == ("wijkteam-oost", "systeemprobleem: voorschot",
                                                                     ["wsnp"])
    assert version["decisions"][0]["decision"]["outcome"] == "route_available"
    text = client.get("/v1/casebook/cases/zaanstad-lasmasker/explanation").text
    assert text.startswith("Onderbouwing casus zaanstad-lasmasker")
    english = client.get("/v1/casebook/cases/zaanstad-lasmasker/explanation?lang=en").text
    assert english != text
    listed = client.get("/v1/casebook/cases?tag=wsnp").json()
    assert listed["total"] == 1 and listed["cases"][0]["case_id"] == "zaanstad-lasmasker"


def test_a_bad_record_in_a_list_stores_nothing(client, store, welding_case):
    good = copy.deepcopy(welding_case)
    bad = dict(copy.deepcopy(welding_case), case_id="b", options=["in_knd"])
    r = post(client, [good, bad])
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert (problem["field"], problem["file"]) == ("options.0", "body[1]") and "in_kind" in problem["message"]
    too_early = dict(copy.deepcopy(welding_case), case_id="c", reference_date="2019-01-01")
    assert post(client, [good, too_early]).status_code == 422  # found when evaluating: still nothing stored
    assert store.stats()["cases"] == 0
    assert client.post("/v1/casebook/cases", content="{niet json", headers=JSON).status_code == 422
    assert post(client, []).status_code == 422
    english = client.post("/v1/casebook/cases?lang=en", content=json.dumps(bad), headers=JSON).json()
    assert english["error"] == "invalid_request" and "unknown option" in english["problems"][0]["message"]


@pytest.mark.parametrize("field", ["team", "signal"])
def test_a_lone_surrogate_in_the_casebook_fields_is_422_and_stores_nothing(client, store, welding_case, field):
    r = post(client, [copy.deepcopy(welding_case), {"case": dict(welding_case, case_id="b"), field: "t\ud800"}])
    assert r.status_code == 422  # was 500: the write could not encode it
    assert [(p["field"], p["file"]) for p in r.json()["problems"]] == [(field, "body[1]")]
    assert store.stats()["cases"] == 0


def test_delete_and_404(client, welding_case):
    post(client, welding_case)
    assert client.delete("/v1/casebook/cases/zaanstad-lasmasker").json() == {"deleted": "zaanstad-lasmasker"}
    for r in (client.delete("/v1/casebook/cases/zaanstad-lasmasker"), client.get("/v1/casebook/cases/zaanstad-lasmasker"),
              client.get("/v1/casebook/cases/zaanstad-lasmasker/explanation")):
        assert r.status_code == 404 and r.json()["error"] == "not_found"


@pytest.fixture
def filled(client, registry):
    records = list(generate(150, seed=9, registry=registry))
    for start in range(0, len(records), 50):
        assert post(client, records[start:start + 50]).status_code == 201
    return client


def test_report_and_tables_follow_the_filters(filled):
    everything = filled.get("/v1/casebook/report").json()
    zaanstad = filled.get("/v1/casebook/report?municipality=zaanstad&period=month").json()
    muni = {m["municipality"]: m["cases"] for m in everything["tables"]["municipalities"]["rows"]}
    assert everything["overview"]["cases"] == 150 and zaanstad["overview"]["cases"] == muni["zaanstad"]
    assert all(len(r["period"]) == 7 for r in zaanstad["tables"]["blocks_by_period"]["rows"])
    csv = filled.get("/v1/casebook/tables/blocks.csv?municipality=zaanstad")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.splitlines()) == len(zaanstad["tables"]["blocks"]["rows"]) + 1
    parquet = filled.get("/v1/casebook/tables/kassabon.parquet")
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == len(everything["tables"]["kassabon"]["rows"])
    assert filled.get("/v1/casebook/tables/geheim.csv").status_code == 404
    assert filled.get("/v1/casebook/report?from=gisteren").status_code == 422
    assert filled.get("/v1/casebook/report?period=week").status_code == 422


def test_the_analyst_page_with_filters(filled):
    page = filled.get("/v1/casebook/page?municipality=utrecht&from=&to=&evaluation=&period=quarter")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Casebook voor analisten" in html and html.count("<svg") >= 4
    assert '<option value="utrecht" selected>' in html
    assert 'href="tables/blocks.csv?municipality=utrecht' in html  # downloads keep the filters
    assert "<script" not in html
    assert '<a href="/">Casus toetsen</a>' in html  # the way back to the form
    # /casusboek is the analysts' page in the site's layout: tests/service/test_casebook_pages.py
    report = filled.get("/v1/casebook/report.html?municipality=utrecht")
    assert "Utrecht" in report.text and "<svg" in report.text


def test_export_of_a_municipality(filled):
    lines = filled.get("/v1/casebook/export?municipality=maastricht&format=jsonl").text.splitlines()
    whole = filled.get("/v1/casebook/export?municipality=maastricht").json()
    assert len(lines) == len(whole["cases"]) > 0
    assert {json.loads(line)["municipality"] for line in lines} == {"maastricht"}
    assert filled.get("/v1/casebook/export?municipality=maastricht&format=xml").status_code == 422
    stats = filled.get("/v1/casebook/stats").json()
    assert stats["cases"] == 150


@pytest.mark.parametrize("municipality", ["ŻŻ", "Zaanstad", "z", "zaanstad\n", "zaan stad", "x" * 61])
def test_an_export_names_only_a_municipality_slug(client, municipality):
    # a non-latin-1 name used to end in a 500: it could not be put in the Content-Disposition header
    r = client.get("/v1/casebook/export", params={"municipality": municipality})
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["error"] == "invalid_request" and [p["field"] for p in body["problems"]] == ["municipality"]
    assert "geen geldige gemeente" in body["problems"][0]["message"]
    english = client.get("/v1/casebook/export", params={"municipality": municipality, "lang": "en"}).json()
    assert "not a valid municipality" in english["problems"][0]["message"]
    assert "ŻŻ" not in client.get("/v1/casebook/export", params={"municipality": "ŻŻ"}).text  # never echoed


def test_filters_hold_municipalities_to_the_same_rule(client):
    r = client.get("/v1/casebook/report", params={"municipality": ["zaanstad", "ŻŻ"]})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "municipality"
    assert client.get("/v1/casebook/report?municipality=&period=quarter").status_code == 200  # empty: no filter


@pytest.mark.parametrize("query, field", [("offset=99999999999999999999", "offset"), ("offset=-1", "offset"),
                                          ("limit=0", "limit"), ("limit=1001", "limit")])
def test_paging_out_of_range_is_422_with_the_field(client, query, field):
    # a huge offset used to reach the database (an integer overflow, a 500)
    r = client.get(f"/v1/casebook/cases?{query}")
    assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == [field]


def test_a_case_nested_absurdly_deep_is_422_and_stores_nothing(client, store, welding_case):
    value = 1
    for _ in range(300):  # used to be a 500: the case could not be serialised for its digest
        value = [value]
    r = post(client, dict(welding_case, circumstances={"x": value}))
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "circumstances"
    assert store.stats()["cases"] == 0


def test_the_body_is_read_as_the_core_api_reads_it(client, store, welding_case):
    r = client.post("/v1/casebook/cases", content=json.dumps(welding_case), headers={"content-type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    r = client.post("/v1/casebook/cases", content=b"\xff\xfe", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"
    assert store.stats()["cases"] == 0


def test_a_missing_case_is_404_in_the_error_format_without_repeating_the_id(client):
    for r in (client.get("/v1/casebook/cases/111222333/explanation"), client.get("/v1/casebook/cases/111222333"),
              client.delete("/v1/casebook/cases/111222333")):
        assert r.status_code == 404 and r.headers["content-type"] == "application/json"
        assert r.json()["problems"][0]["field"] == "case_id" and "111222333" not in r.text


PAGES = {"/v1/casebook/report.html", "/v1/casebook/page"}


def test_every_route_documents_its_answers(app):
    # the whole application's document: the router's own statuses plus the ones every /v1 path has
    paths = TestClient(app).get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items() if path.startswith("/v1/casebook") else ():
            responses = operation["responses"]
            errors = [s for s in responses if s.startswith("4")]
            assert errors, (method, path)
            for status in errors:
                if path in PAGES and status in ("403", "422"):  # a route that answers a page refuses as a page
                    assert list(responses[status]["content"]) == ["text/html"], (method, path, status)
                    continue
                assert list(responses[status]["content"]) == ["application/json"], (method, path, status)
                assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    explanation = paths["/v1/casebook/cases/{case_id}/explanation"]["get"]["responses"]["200"]
    assert list(explanation["content"]) == ["text/plain"]
    assert set(paths["/v1/casebook/tables/{name}.{fmt}"]["get"]["responses"]["200"]["content"]) == {
        "text/csv", "application/vnd.apache.parquet"}
    assert set(paths["/v1/casebook/export"]["get"]["responses"]["200"]["content"]) == {
        "application/json", "application/x-ndjson"}


def test_in_the_service_the_casebook_uses_the_rule_sets_it_serves(tmp_path, store, welding_case):
    import shutil

    from service.http.app import create_app
    from tests.conftest import RULESETS
    from tests.service.http.test_live import limit_blocks, set_limit

    folder = tmp_path / "concept-regels"
    shutil.copytree(RULESETS, folder)
    set_limit(folder, "1.30")  # 130% of the norm: the welder's € 1.720 is under Zaanstad's limit
    app = create_app(folder, tokens=(), cors_origins=())
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    with TestClient(app) as c:
        assert c.post("/v1/casebook/cases", json=welding_case).status_code == 201
        stored = c.get(f"/v1/casebook/cases/{welding_case['case_id']}").json()["versions"][-1]["decisions"][-1]
    assert stored["evaluation"].startswith("concept-regels@")
    assert not limit_blocks(stored["decision"])


def test_the_pages_style_is_allowed_by_its_hash_and_nothing_else(store, registry):
    import base64
    import hashlib
    import re

    from service.http.app import create_app

    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    with TestClient(app) as c:
        for path in ("/v1/casebook/page", "/v1/casebook/report.html"):
            r = c.get(path)
            policies = r.headers.get_list("content-security-policy")
            assert len(policies) == 1  # the page's own, not the service's as well (browsers would apply both)
            style = re.search(r"<style>(.*?)</style>", r.text, re.S).group(1)
            digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
            assert f"style-src 'self' 'sha256-{digest}';" in policies[0]
            assert "unsafe-inline" not in policies[0] and "script-src 'self';" in policies[0]
        assert "sha256" not in c.get("/").headers["content-security-policy"]  # other pages keep the strict policy


@pytest.mark.parametrize("circumstances", [{"home_equity": "\ud800"}, {"urgent_reasons": ["\ud800"]}])
def test_a_lone_surrogate_in_a_circumstance_is_422_and_nothing_is_stored(client, store, welding_case, circumstances):
    # was a 500: the content digest (orjson) failed on it before the case was evaluated
    r = post(client, dict(welding_case, circumstances=circumstances))  # json.dumps writes it "\ud800"
    assert r.status_code == 422, r.text
    assert r.json()["problems"][0]["message"] == "bevat tekens die geen geldige tekst zijn"
    assert r.json()["problems"][0]["field"].startswith("circumstances.")
    assert client.get("/v1/casebook/cases").json()["total"] == 0


@pytest.mark.parametrize("tags", ["111,222,333", "111;222;333", "111|222|333"])
def test_tags_sent_as_one_text_that_spells_a_bsn_are_422_and_nothing_is_stored(client, welding_case, tags):
    r = post(client, {"case": welding_case, "tags": tags})
    assert r.status_code == 422, r.text
    assert [p["field"] for p in r.json()["problems"]] == ["tags"] and "111" not in r.text
    assert client.get("/v1/casebook/cases").json()["total"] == 0


def test_a_lone_surrogate_in_an_unknown_envelope_key_is_422_not_500(client, welding_case):
    # the "unknown field" problem names the key; writing that answer as UTF-8 failed (a 500)
    r = client.post("/v1/casebook/cases", content='{"case": ' + json.dumps(welding_case) + ', "\\ud800": 1}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert client.get("/v1/casebook/cases").json()["total"] == 0


@pytest.mark.parametrize("field, text", [("team", "Jan de Vries"), ("team", "Team mevrouw Jansen"),
                                         ("signal", "systeemprobleem: Dhr. El Amrani kreeg geen voorschot")])
def test_a_person_s_name_in_team_or_signal_is_422_unshown_and_stores_nothing(client, store, welding_case, field, text):
    record = {"case": copy.deepcopy(welding_case), "team": "wijkteam-oost", field: text}
    r = post(client, [dict(copy.deepcopy(welding_case), case_id="a"), record])
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert [(p["field"], p["file"]) for p in problems] == [(field, "body[1]")]
    assert "naam van een persoon" in problems[0]["message"] and "pseudoniem" in problems[0]["message"]
    assert text not in r.text and text.split()[-1] not in r.text  # never the value
    assert store.stats()["cases"] == 0  # all or nothing


@pytest.mark.parametrize("team", ["Team Noord", "Schuldhulp Zaanstad", "Wijkteam De Pijp"])
def test_a_team_name_is_no_person_s_name(client, store, welding_case, team):
    r = post(client, {"case": copy.deepcopy(welding_case), "team": team, "signal": "systeemprobleem: voorschot"})
    assert r.status_code == 201 and store.stats()["cases"] == 1


@pytest.mark.parametrize("meta, field", [({"team": "team 111 - 222 - 333"}, "team"), ({"signal": "klant 111  222  333"}, "signal"),
                                         ({"signal": "klant 111-222.333"}, "signal")])
def test_a_team_or_signal_with_a_bsn_in_any_spelling_is_422_and_nothing_is_stored(client, welding_case, meta, field):
    r = post(client, {"case": welding_case, **meta})
    assert r.status_code == 422, r.text
    assert [p["field"] for p in r.json()["problems"]] == [field] and "111" not in r.text and "333" not in r.text
    assert client.get("/v1/casebook/cases").json()["total"] == 0
