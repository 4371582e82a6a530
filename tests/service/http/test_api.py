"""The HTTP API with the test client: every endpoint and every error path."""
from __future__ import annotations

import base64
import json
import logging

import jsonschema_rs
import pytest
from pydantic import BaseModel

from decision.decide import decide
from service.http import schemas
from service.examples import WELDING_MASK
from tests.conftest import ROOT, shared_case
from tests.service.conftest import make_client

ACCEPTANCE = ["zaanstad-lasmasker", "zaanstad-onvolledig", "groningen-ontheffing-sollicitatieplicht",
              "groningen-zzp-start", "maastricht-alleenstaande-ouder", "utrecht-jongere-zoektermijn"]


def as_json(data) -> dict:
    """A case file as a client would send it (dates and decimals as strings)."""
    return json.loads(json.dumps(data, default=str))


def undeclared(model: type[BaseModel], data, path: str = "") -> list[str]:
    """Keys in `data` that the documented response model does not declare (the docs fell behind)."""
    out = []
    if isinstance(data, list):
        for item in data:
            out += undeclared(model, item, path + "[]")
        return out
    if not isinstance(data, dict):
        return out
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            out.append(f"{path}.{key}")
            continue
        for sub in _models(field.annotation):
            if sub is schemas.GroundAmount:
                for amount in value.values():
                    out += undeclared(sub, amount, f"{path}.{key}.*")
            else:
                out += undeclared(sub, value, f"{path}.{key}")
    return out


def _models(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models(arg)]


# --- decisions ---------------------------------------------------------------------------------

def test_welding_mask_decision_is_the_public_decision(client, registry):
    r = client.post("/v1/decisions", json=WELDING_MASK)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    decision = r.json()
    assert decision == as_json(decide(WELDING_MASK, registry))  # the same call as the command line
    statuses = {o["option"]: o["status"] for o in decision["options"]}
    assert statuses == {"wage_deduction": "route_available", "special_assistance": "route_available",
                        "cash_gift": "blocked", "in_kind": "route_available"}
    assert decision["explanation"].startswith("Onderbouwing casus zaanstad-lasmasker")


def test_english_on_request(client):
    decision = client.post("/v1/decisions?lang=en", json=WELDING_MASK).json()
    assert decision["explanation"].startswith("Justification for case zaanstad-lasmasker")
    assert decision["options"][0]["title"] == "Wage deduction"


@pytest.mark.parametrize("name", ACCEPTANCE)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_documented_decision_model_matches_real_output(client, name, lang):
    body = client.post(f"/v1/decisions?lang={lang}", json=as_json(shared_case(name))).json()
    schemas.Decision.model_validate(body)
    assert undeclared(schemas.Decision, body) == []


def test_money_in_json_numbers_stays_exact(client):
    case = dict(WELDING_MASK, income=[{"source": "wages", "net_monthly": 1505.97}])
    body = client.post("/v1/decisions", content=json.dumps(case), headers={"content-type": "application/json"}).json()
    special = next(o for o in body["options"] if o["option"] == "special_assistance")
    # exactly at 110% of the norm: not above it, so the income limit does not block
    assert all(b["rule"] != "zaanstad.bb.inkomensgrens" for b in special["blocked_by"])


# --- invalid input -----------------------------------------------------------------------------

def test_invalid_case_names_each_field_in_dutch(client):
    case = dict(WELDING_MASK, income=[{"source": "wages", "net_monthly": "veel"}], colour="blue")
    r = client.post("/v1/decisions", json=case)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_case"
    assert {"field": "income.0.net_monthly", "message": 'geen geldig bedrag; schrijf bv. "1100.00"'} in body["problems"]
    assert {"field": "colour", "message": "onbekend veld"} in body["problems"]
    schemas.ErrorResponse.model_validate(body)


def test_invalid_case_in_english(client):
    body = client.post("/v1/decisions?lang=en", json=dict(WELDING_MASK, options=["in_knd"])).json()
    assert body["message"] == "The case is invalid; see the problems per field."
    [problem] = body["problems"]
    # the field, a likely fix and what is allowed; the value sent is not repeated
    assert problem["field"] == "options.0" and "did you mean 'in_kind'" in problem["message"]
    assert "in_knd" not in problem["message"] and "special_assistance" in problem["message"]


@pytest.mark.parametrize("change, nl, en", [
    ({"household": {"composition": "single", "cost_sharers": 1, "housemates": [{"age": 30}]}}, "niet allebei", "not both"),
    ({"circumstances": {"Hoofdletter": True}}, "sleutel nr. 1 is geen naam", "key no. 1 is not the name"),
    ({"circumstances": {"extra_costs": [1.001]}}, "te groot of te precies", "too large or too precise"),
    ({"options": ["in_kind", "in_kind"]}, "meer dan eens", "more than once"),
])
def test_a_case_the_format_refuses_is_explained_in_the_language_asked(client, change, nl, en):
    for lang, words in (("nl", nl), ("en", en)):
        body = client.post(f"/v1/decisions?lang={lang}", json=dict(WELDING_MASK, **change)).json()
        assert any(words in p["message"] for p in body["problems"]), body


@pytest.mark.parametrize("circumstances, field, nl, en", [
    ({"gifts_this_year": "-1"}, "circumstances.gifts_this_year", "moet een bedrag", "must be an amount"),
    ({"overpaid_costs_date": "gisteren"}, "circumstances.overpaid_costs_date", "moet een datum", "must be a date"),
    ({"necessary_cost": "ja"}, "circumstances.necessary_cost", "moet true of false zijn", "must be true or false"),
    ({"necesary_cost": True}, "circumstances", "bedoelde u 'necessary_cost'", "did you mean 'necessary_cost'"),
])
def test_a_wrong_circumstance_is_explained_in_the_language_asked(client, circumstances, field, nl, en):
    for lang, words, other in (("nl", nl, en), ("en", en, nl)):
        body = client.post(f"/v1/decisions?lang={lang}", json=dict(WELDING_MASK, circumstances=circumstances)).json()
        [problem] = body["problems"]
        assert problem["field"] == field and words in problem["message"] and other not in problem["message"]


@pytest.mark.parametrize("where", ["case_id", "need.description", "circumstances"])
def test_bsn_like_number_is_refused_and_never_echoed(client, caplog, where):
    case = json.loads(json.dumps(WELDING_MASK))
    if where == "case_id":
        case["case_id"] = "111222333"
    elif where == "need.description":
        case["need"]["description"] = "klant 1112.22.333 belde"
    else:
        case["circumstances"] = {"111222333": True}
    with caplog.at_level(logging.DEBUG):
        r = client.post("/v1/decisions", json=case)
    assert r.status_code == 422
    assert "BSN" in r.text
    for shown in ("111222333", "1112.22.333"):
        assert shown not in r.text
        assert shown not in caplog.text


def test_reference_date_without_rule_set_in_force(client):
    body = client.post("/v1/decisions", json=dict(WELDING_MASK, reference_date="2019-01-01")).json()
    assert body["error"] == "invalid_case"
    assert body["problems"][0]["field"] == "reference_date"


def test_unknown_municipality_suggests_one(client):
    body = client.post("/v1/decisions", json=dict(WELDING_MASK, municipality="zaandam")).json()
    assert body["problems"][0]["field"] == "municipality"
    assert "zaanstad" in body["problems"][0]["message"]


@pytest.mark.parametrize("content, message", [
    (b'{"case_id": "x",\n "options": [\n}', "ongeldige JSON"),
    (b"\xff\xfe", "geen UTF-8-tekst"),
    (b"[" * 50_000, "te diep genest"),
    (b"", "ongeldige JSON"),
])
def test_unreadable_body_is_422_with_a_reason(client, content, message):
    r = client.post("/v1/decisions", content=content, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_request"
    assert message in r.json()["problems"][0]["message"]


def test_json_syntax_error_names_the_line(client):
    r = client.post("/v1/decisions", content=b'{"case_id": "x",\n "options": [\n}',
                    headers={"content-type": "application/json"})
    assert r.json()["problems"][0]["line"] == 3


def test_a_case_that_is_not_an_object(client):
    r = client.post("/v1/decisions", json=["zaanstad"])
    assert r.status_code == 422 and r.json()["error"] == "invalid_case"


def test_other_media_types_are_refused(client):
    r = client.post("/v1/decisions", content=b"case_id=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    assert r.json()["error"] == "unsupported_media_type"


def test_unknown_language_is_a_field_error(client):
    r = client.post("/v1/decisions?lang=fr", json=WELDING_MASK)
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] == "query.lang"


def test_oversized_body_is_refused_by_its_length(client):
    r = client.post("/v1/decisions", content=b" " * 1_000_001, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"] == "payload_too_large"


def test_oversized_body_is_refused_while_streaming(client):
    def chunks():  # no Content-Length: the limit is counted as the body arrives
        for _ in range(20):
            yield b" " * 100_000

    r = client.post("/v1/decisions", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_routes_that_take_many_cases_take_more_than_one_case_may_be(client):
    from service.http.guard import limit_for

    big = b'{"base": "zaanstad@2025-09-15", "cases": 1' + b" " * 1_200_000 + b"}"
    r = client.post("/v1/whatif", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "cases"  # read whole, not refused as too large
    assert limit_for("/v1/casebook/cases") == limit_for("/v1/decisions:batch") > limit_for("/v1/decisions")
    assert limit_for("/v1/casebook/cases/x") == limit_for("/v1/decisions")


def test_a_batch_may_be_larger_than_one_case(client):
    cases = [dict(WELDING_MASK, case_id=f"c{i}", need=dict(WELDING_MASK["need"], description="x" * 900))
             for i in range(800)]
    r = client.post("/v1/decisions:batch", json={"cases": cases})
    assert len(r.request.content) > 1_000_000
    assert r.status_code == 200 and r.json()["ok"] == 800


def test_wrong_method_and_unknown_path(client):
    assert client.delete("/v1/decisions").json()["error"] == "method_not_allowed"
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


# --- batch -------------------------------------------------------------------------------------

def test_batch_gives_per_item_results_and_errors(client):
    cases = [WELDING_MASK, dict(WELDING_MASK, case_id="111222333"), dict(WELDING_MASK, case_id="b", assets="-x")]
    r = client.post("/v1/decisions:batch", json={"cases": cases})
    assert r.status_code == 200
    body = r.json()
    assert (body["count"], body["ok"], body["invalid"]) == (3, 1, 2)
    first, second, third = body["results"]
    assert first["status"] == "ok" and first["decision"]["outcome"] == "route_available"
    assert second == {"index": 1, "status": "invalid", "problems": [
        {"field": "case_id", "message": second["problems"][0]["message"]}]}
    assert "111222333" not in r.text
    assert third["problems"][0]["field"] == "assets"
    schemas.BatchResponse.model_validate(body)


@pytest.mark.parametrize("body, field", [
    ({"cases": []}, "cases"),
    ({"cases": [WELDING_MASK] * 1001}, "cases"),
    ({"cases": WELDING_MASK}, "cases"),
    ({"cases": [WELDING_MASK], "extra": 1}, "cases"),
    ([WELDING_MASK], "cases"),
])
def test_batch_shape_and_limit(client, body, field):
    r = client.post("/v1/decisions:batch", json=body)
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_request"
    assert r.json()["problems"][0]["field"] == field


def test_batch_of_1000_is_accepted(client):
    cases = [dict(WELDING_MASK, case_id=f"c{i}") for i in range(1000)]
    body = client.post("/v1/decisions:batch", json={"cases": cases}).json()
    assert body["ok"] == 1000
    assert [r["decision"]["case_id"] for r in body["results"][:3]] == ["c0", "c1", "c2"]


# --- rule sets and schema ----------------------------------------------------------------------

def test_rulesets_list_and_one(client):
    listed = client.get("/v1/rulesets").json()
    ids = [r["id"] for r in listed]
    assert {"participatiewet", "wsnp", "bbz", "zaanstad"} <= set(ids)
    for item in listed:
        schemas.RulesetSummary.model_validate(item)
    one = client.get("/v1/rulesets/participatiewet").json()
    assert one == next(r for r in listed if r["id"] == "participatiewet")
    assert all(v["digest"].startswith("sha256:") and v["valid_from"] for v in one["versions"])


def test_ruleset_version_detail(client):
    body = client.get("/v1/rulesets/zaanstad/2024-01-01").json()
    schemas.RulesetDetail.model_validate(body)
    assert body["parameters"]["percentage_inkomensgrens"]["value"] == "1.10"
    assert all(not r["origin"].startswith("/") for r in body["rules"] + body["routes"])  # no server paths


def test_one_rule_with_source_link_and_text(client):
    body = client.get("/v1/rulesets/wsnp/2024-01-01/rules/wsnp.297.2.a.krediet").json()
    schemas.RuleItemDetail.model_validate(body)
    assert body["type"] == "rule" and body["kind"] == "block"
    assert body["source"]["url"].startswith("https://wetten.overheid.nl/")
    assert body["source"]["article"] == "297" and body["source"]["quote"]
    assert body["reason"].startswith("De aanvrager zit in de Wsnp.")
    assert body["origin"].startswith("wsnp/2024-01-01/")


def test_one_route(client):
    body = client.get("/v1/rulesets/participatiewet/2025-07-01/rules/pw.16.1.zeer_dringende_redenen").json()
    assert body["type"] == "route" and body["decided_by"] == "college" and body["lifts"]


@pytest.mark.parametrize("path, fragment, sent", [
    ("/v1/rulesets/wnsp", "onbekende regelset (bekend: participatiewet, wsnp", "wnsp"),
    ("/v1/rulesets/wsnp/1999-01-01", "heeft deze versie niet (wel: 2024-01-01", "1999"),
    ("/v1/rulesets/wsnp/2024-01-01/rules/nope", "geen regel of route met dit id", "nope"),
])
def test_unknown_rule_sets_versions_and_rules_are_404(client, path, fragment, sent):
    r = client.get(path)
    assert r.status_code == 404
    assert fragment in r.json()["problems"][0]["message"]
    assert sent not in r.text  # what is known is listed; what was sent is not repeated


def test_case_schema_validates_the_acceptance_cases(client):
    r = client.get("/v1/schema/case")
    assert r.headers["content-type"].startswith("application/schema+json")
    schema = r.json()
    assert schema["$schema"].endswith("2020-12/schema")
    validator = jsonschema_rs.validator_for(schema)
    for name in ACCEPTANCE:
        errors = [e.message for e in validator.iter_errors(as_json(shared_case(name)))]
        assert errors == [], name


@pytest.mark.parametrize("change", [
    {"options": ["in_knd"]}, {"colour": "blue"}, {"circumstances": {"urgent_reasons": ["weather"]}},
    {"income": [{"source": "wages", "net_monthly": "1.720,00"}]}, {"reference_date": 20250915},
])
def test_case_schema_refuses_what_the_engine_refuses(client, change):
    validator = jsonschema_rs.validator_for(client.get("/v1/schema/case").json())
    case = dict(as_json(WELDING_MASK), **change)
    assert not validator.is_valid(case)
    assert client.post("/v1/decisions", json=case).status_code == 422


def test_case_schema_lists_options_and_circumstances_with_dutch_titles(client):
    props = client.get("/v1/schema/case").json()["properties"]
    options = {o["const"]: o["title"] for o in props["options"]["items"]["oneOf"]}
    assert options["special_assistance"] == "Bijzondere bijstand"
    assert "urgent_reasons" in props["circumstances"]["properties"]


# --- health ------------------------------------------------------------------------------------

def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["generation"] == 1 and ready["rulesets"]["participatiewet"] >= 1
    schemas.Readiness.model_validate(ready)


# --- tokens, headers, CORS ---------------------------------------------------------------------

def test_tokens_guard_the_api_but_not_health():
    with make_client(tokens=["geheim-1", "geheim-2"]) as c:
        r = c.get("/v1/rulesets")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"] == "unauthorized"
        assert c.get("/v1/rulesets", headers={"Authorization": "Bearer fout"}).status_code == 401
        assert c.get("/v1/rulesets", headers={"Authorization": "Basic geheim-1"}).status_code == 401
        assert c.get("/v1/rulesets", headers={"Authorization": "Bearer geheim-2"}).status_code == 200
        ok = c.post("/v1/decisions", json=WELDING_MASK, headers={"Authorization": "Bearer geheim-1"})
        assert ok.status_code == 200
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_tokens_guard_the_pages_too_and_a_browser_is_asked_for_one():
    html = {"Accept": "text/html,application/xhtml+xml"}
    with make_client(tokens=["geheim-1"]) as c:
        for r in (c.get("/", headers=html), c.post("/toets", headers=html, data={}),
                  c.get("/regelsets", headers=html)):
            assert r.status_code == 401
            assert r.headers["www-authenticate"].startswith('Basic realm="Regelruimte"')  # the browser's own dialog
            assert "text/html" in r.headers["content-type"] and "Token nodig" in r.text
        assert c.get("/", headers={**html, **basic("wijkteam", "geheim-1")}).status_code == 200
        assert c.get("/", headers={**html, **basic("geheim-1", "fout")}).status_code == 401  # the password counts
        assert c.get("/static/style.css").status_code == 200  # the 401 page needs its style
        # the API takes the same token from a browser; an API client is still asked for a bearer token
        assert c.get("/v1/rulesets", headers=basic("", "geheim-1")).status_code == 200
        assert c.get("/v1/rulesets").headers["www-authenticate"] == "Bearer"
        for broken in ("Basic", "Basic !!!", "Basic " + base64.b64encode(b"geheim-1").decode(), "geheim-1"):
            assert c.get("/v1/rulesets", headers={"Authorization": broken}).status_code == 401


def test_tokens_from_the_environment(monkeypatch, registry):
    monkeypatch.setenv("REGELRUIMTE_API_TOKENS", " een , twee ,")
    with make_client(registry=registry, tokens=None) as c:
        assert c.get("/v1/rulesets").status_code == 401
        assert c.get("/v1/rulesets", headers={"Authorization": "Bearer twee"}).status_code == 200


def test_security_headers_on_every_response(client):
    for r in (client.get("/healthz"), client.get("/"), client.post("/v1/decisions", json={}), client.get("/nope")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    assert client.post("/v1/decisions", json=WELDING_MASK).headers["cache-control"] == "no-store"


def test_cors_is_off_unless_configured(client, registry, monkeypatch):
    preflight = {"Origin": "https://wijkteam.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/v1/decisions", headers=preflight).headers
    assert "access-control-allow-origin" not in client.get("/healthz", headers={"Origin": "https://x.example"}).headers
    monkeypatch.setenv("REGELRUIMTE_CORS_ORIGINS", "https://wijkteam.example")
    with make_client(registry=registry, cors_origins=None) as c:
        r = c.options("/v1/decisions", headers=preflight)
        assert r.headers["access-control-allow-origin"] == "https://wijkteam.example"
        other = c.options("/v1/decisions", headers=dict(preflight, Origin="https://evil.example"))
        assert "access-control-allow-origin" not in other.headers


# --- OpenAPI -----------------------------------------------------------------------------------

def test_openapi_document_is_complete(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in ("/v1/decisions", "/v1/decisions:batch", "/v1/rulesets", "/v1/rulesets/{ruleset_id}",
                 "/v1/rulesets/{ruleset_id}/{version}/rules/{rule_id}", "/v1/schema/case", "/healthz", "/readyz"):
        assert path in paths, path
    post = paths["/v1/decisions"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Case"}
    assert body["examples"]["lasmasker"]["value"]["case_id"] == "zaanstad-lasmasker"
    ok = post["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/Decision")
    assert ok["examples"]["lasmasker"]["value"]["outcome"] == "route_available"
    for code in ("401", "413", "415", "422", "500"):
        assert post["responses"][code]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    components = doc["components"]["schemas"]
    assert {"Case", "Need", "Household", "Decision", "ErrorResponse", "BatchResponse"} <= set(components)
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
    refs = {m for m in json.dumps(doc).split('"') if m.startswith("#/components/schemas/")}
    assert {r.rsplit("/", 1)[1] for r in refs} <= set(components)  # every reference resolves
    # one error model: no route documents FastAPI's own 422 shape, which the service never sends
    assert "HTTPValidationError" not in components
    assert paths["/v1/rulesets/{ruleset_id}"]["get"]["responses"]["422"]["content"]["application/json"]["schema"][
        "$ref"].endswith("/ErrorResponse")
    assert "/" not in paths and "/toets" not in paths  # the web page is not part of the API


# --- logs and failures -------------------------------------------------------------------------

def test_no_case_data_in_the_logs(client, caplog):
    case = json.loads(json.dumps(WELDING_MASK))
    case["case_id"] = "geheim-kenmerk-7"
    case["need"]["description"] = "Lasmasker voor meneer X"
    bad = dict(case, assets="niet-te-lezen-bedrag", onbekend_veld_met_naam="Jansen")
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/decisions", json=case)
        client.post("/v1/decisions", json=bad)
        client.post("/v1/decisions:batch", json={"cases": [case, bad]})
        client.post("/toets", data={"case_id": "geheim-kenmerk-7", "need.description": "Lasmasker voor meneer X"})
    assert "POST /v1/decisions 200" in caplog.text  # the access log is there
    for secret in ("geheim-kenmerk-7", "meneer X", "niet-te-lezen-bedrag", "Jansen", "1720", "16428"):
        assert secret not in caplog.text


def test_an_unexpected_error_is_a_500_without_its_message(registry, caplog, monkeypatch):
    import service.http.api

    def broken(*args, **kwargs):
        raise ValueError("geheim-kenmerk-7 in een foutmelding")

    monkeypatch.setattr(service.http.api, "decide", broken)
    with make_client(registry=registry) as c, caplog.at_level(logging.DEBUG):
        r = c.post("/v1/decisions", json=WELDING_MASK)
    assert r.status_code == 500
    assert r.json()["error"] == "internal_error"
    assert "ValueError" in caplog.text and "api.py" in caplog.text
    assert "geheim-kenmerk-7" not in caplog.text and "geheim-kenmerk-7" not in r.text


def test_a_wsnp_debtor_facing_recovery_sent_as_json_gets_the_seizure_free_amount(client):
    """The cross-law case as an API client sends it: dates as text, the new options and circumstances."""
    from engine.yamlsource import load_file
    path = ROOT / "tests/cases/legal/beslag/zaanstad-wsnp-terugvordering-gemeente-2026.yaml"
    case = as_json(load_file(path))
    props = client.get("/v1/schema/case").json()["properties"]
    options = {o["const"]: o["title"] for o in props["options"]["items"]["oneOf"]}
    assert options["seizure_protection"] == "Bescherming tegen beslag (beslagvrije voet)"
    assert props["circumstances"]["properties"]["overpaid_costs_date"]["anyOf"][0] == {"type": "string", "format": "date"}
    assert jsonschema_rs.validator_for(client.get("/v1/schema/case").json()).is_valid(case)
    body = client.post("/v1/decisions", json=case).json()
    seizure = next(o for o in body["options"] if o["option"] == "seizure_protection")
    ground = next(g for g in seizure["grounds"] if g["rule"] == "bvv.fw295.2.vtlb")
    assert ground["amounts"]["maximum"]["value"] == "1331.43"
    wrong = dict(case, circumstances=dict(case["circumstances"], recovery_decision_date="15-02-2026"))
    r = client.post("/v1/decisions", json=wrong)
    assert r.status_code == 422 and "15-02-2026" not in r.text


def test_case_schema_knows_debt_help_remission_and_housemates(client):
    schema = client.get("/v1/schema/case").json()
    props = schema["properties"]
    options = {o["const"]: o["title"] for o in props["options"]["items"]["oneOf"]}
    assert options["debt_help"] == "Schuldhulpverlening door de gemeente"
    assert options["tax_remission"] == "Kwijtschelding van gemeentelijke belastingen"
    threat = props["circumstances"]["properties"]["threatening_situation"]
    assert threat["anyOf"][0]["enum"] == ["none", "eviction", "utility_cutoff", "health_insurance"]
    validator = jsonschema_rs.validator_for(schema)
    case = as_json(WELDING_MASK)
    case["household"] = {"composition": "single_parent", "children": [6],
                         "housemates": [{"age": 38, "close_family": True, "commercial_contract": True}]}
    case["circumstances"] = {"fraud_sanction_irrevocable": True, "threatening_situation": "utility_cutoff"}
    assert validator.is_valid(case)
    assert client.post("/v1/decisions", json=case).status_code == 200
    too_many = dict(case, household={"housemates": [{"age": 30}] * 7})
    assert not validator.is_valid(too_many)
    assert client.post("/v1/decisions", json=too_many).status_code == 422
