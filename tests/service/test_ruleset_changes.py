"""What changed between rule-set versions, on the command line, the API and the web page; and the
horizon notice on the decision page."""
from __future__ import annotations

import json

from service.cli.main import main
from tests.engine.test_horizon import NOTICE_2027, household_case


def test_cli_diff_of_the_2027_participatiewet(capsys):
    assert main(["rulesets", "diff", "participatiewet@2026-07-01", "participatiewet@2027-01-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Wijzigingen participatiewet 2026-07-01 → 2027-01-01\n")
    assert "Bedragen bekend tot en met: 31 december 2026 (bedragen van 1 juli 2026)" in out
    assert "+ [ground] pw.34a.1.a.vrijlating_arbeidsinschakeling:" in out
    assert "+ pw.34b.bufferbudget:" in out and "- [block] pw.34b.niet_in_werking:" in out
    assert "+ vrijlating_34a_aow_max = € 226,00/maand" in out
    assert "+ kindgebonden_budget_2_6 = open norm (onbekend)" in out
    # the link to the article is there to follow
    assert "<https://wetten.overheid.nl/jci1.3:c:BWBR0015703&artikel=34a>" in out


def test_cli_diff_shows_old_and_new_value_of_a_changed_figure(capsys):
    assert main(["rulesets", "diff", "participatiewet@2026-01-01", "participatiewet@2026-07-01"]) == 0
    out = capsys.readouterr().out
    assert "~ norm_alleenstaande: € 1.401,50/maand → € 1.419,46/maand" in out
    assert "Bedragen bekend tot en met: 30 juni 2026 (bedragen van 1 januari 2026) → 31 december 2026" in out


def test_cli_diff_of_a_municipality_in_json_and_markdown(capsys):
    assert main(["rulesets", "diff", "zaanstad@2024-01-01", "zaanstad@2025-07-01", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # the local asset limits are repealed as figures: from 2025-07-01 the rule reads the law's limit (art. 34 lid 3)
    assert {p["id"] for p in data["parameters"]["removed"]} == {"vermogensgrens_alleenstaande", "vermogensgrens_gezin"}
    assert [r["id"] for r in data["rules"]["changed"]] == ["zaanstad.minima.vermogensgrens"]
    assert data["to"]["horizon"] is None  # no indexed figures of its own
    assert main(["rulesets", "diff", "zaanstad@2024-01-01", "zaanstad@2025-07-01", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Wijzigingen zaanstad 2024-01-01 → 2025-07-01") and "## Parameters" in md


def test_cli_diff_of_a_version_with_itself_says_nothing_changed(capsys):
    assert main(["rulesets", "diff", "bbz@2026-01-01", "bbz@2026-01-01"]) == 0
    assert "Geen wijzigingen." in capsys.readouterr().out


def test_cli_diff_refuses_bad_references_with_exit_2(capsys):
    for args in (["zaanstad@2024", "zaanstad@2025-07-01"], ["zaanstad@2024-01-01", "bbz@2026-01-01"],
                 ["participatiewet@2026-07-02", "participatiewet@2027-01-01"], ["onbekend@2026-01-01", "bbz@2026-01-01"]):
        assert main(["rulesets", "diff", *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("regelruimte: fout:") and "Traceback" not in err


def test_cli_changelog_lists_each_version_with_its_period(capsys):
    assert main(["rulesets", "changelog", "participatiewet"]) == 0
    out = capsys.readouterr().out
    assert (out.index("2028-01-01: Geldig vanaf 1 januari 2028")
            < out.index("2027-01-01: Geldig van 1 januari 2027 tot en met 31 december 2027")
            < out.index("2026-07-01: Geldig van 1 juli 2026 tot en met 31 december 2026"))
    assert "+ regels nieuw: pw.24a.alleenstaande_ouderkop" in out
    assert main(["rulesets", "changelog", "participatiewet", "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)["versions"][0]
    assert first["version"] == "2028-01-01" and first["previous"] == "2027-01-01"


def test_api_diff_and_changelog(client):
    r = client.get("/v1/rulesets/participatiewet/diff", params={"from": "2026-07-01", "to": "2027-01-01"})
    assert r.status_code == 200
    data = r.json()
    assert {x["id"] for x in data["rules"]["added"]} >= {"pw.34a.1.a.vrijlating_arbeidsinschakeling", "pw.24a.alleenstaande_ouderkop"}
    assert [x["id"] for x in data["routes"]["added"]] == ["pw.34b.bufferbudget"]
    r = client.get("/v1/rulesets/zaanstad/changelog")
    assert r.status_code == 200 and [v["version"] for v in r.json()["versions"]] == ["2025-07-01", "2024-01-01"]


def test_api_diff_bad_input_is_422_and_an_unknown_rule_set_404(client):
    for params in ({"from": "2026-07-02", "to": "2027-01-01"}, {"from": "juli", "to": "2027-01-01"}, {"to": "2027-01-01"}):
        r = client.get("/v1/rulesets/participatiewet/diff", params=params)
        assert r.status_code == 422, params
        body = r.json()
        assert body["error"] == "invalid_request" and body["problems"][0]["field"].endswith("from")
        assert "juli" not in r.text and "2026-07-02" not in r.text  # the value sent is never echoed
    assert client.get("/v1/rulesets/nergens/diff", params={"from": "2026-07-01", "to": "2027-01-01"}).status_code == 404


def test_the_openapi_document_describes_the_diff(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/v1/rulesets/{ruleset_id}/diff"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"ruleset_id", "from", "to"}
    assert {"200", "404", "422"} <= set(op["responses"])
    assert "/v1/rulesets/{ruleset_id}/changelog" in spec["paths"]
    assert "warnings" in spec["components"]["schemas"]["Decision"]["properties"]


def test_web_diff_and_changelog_pages(client):
    page = client.get("/regelsets/participatiewet/wijzigingen")
    assert page.status_code == 200
    assert 'href="/regelsets/participatiewet/verschil?van=2026-07-01&amp;tot=2027-01-01"' in page.text
    diff = client.get("/regelsets/participatiewet/verschil", params={"van": "2026-01-01", "tot": "2026-07-01"})
    assert diff.status_code == 200 and "€ 1.401,50/maand" in diff.text and "€ 1.419,46/maand" in diff.text
    assert client.get("/regelsets/participatiewet/verschil", params={"van": "2026", "tot": "2026-07-01"}).status_code == 422
    assert 'href="/regelsets/zaanstad/wijzigingen"' in client.get("/regelsets").text


def _decision_page(client, case: dict) -> str:
    r = client.post("/toets/bestand", data={"paste": json.dumps(case)})
    assert r.status_code == 200
    return r.text


def test_the_decision_page_shows_the_horizon_notice_only_past_the_horizon(client):
    late = _decision_page(client, household_case("2027-02-01"))
    assert 'class="notice warnings"' in late and NOTICE_2027 in late
    assert late.index(NOTICE_2027) < late.index('class="option-index"')  # at the top, before the answers
    early = _decision_page(client, household_case("2026-09-01"))
    assert 'class="notice warnings"' not in early and "nog niet bekend" not in early
