"""Only the total income known: the form, the paste box and the API take it without a source (decision
record 0040). The total counts; each source's share stays unknown, so a rule that reads one asks for it
instead of reading nothing from that source."""
from __future__ import annotations

import json
import re
from html import unescape

from engine.case import parse_case
from engine.facts import case_facts
from service.examples import WELDING_MASK_NL
from tests.service.web.test_site import welding_form


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def case(source: str | None, options=("bijstand",)) -> dict:
    c = json.loads(json.dumps(WELDING_MASK_NL, default=str))
    c["options"] = list(options)
    c["income"] = [{"net_monthly": "900.00"} | ({"source": source} if source else {})]
    return c


def test_the_form_takes_the_total_without_a_source(client):
    values = welding_form()
    values["income.0.source"] = [""]
    r = client.post("/toets", data=values, follow_redirects=False)
    assert r.status_code == 303, text(r.text)[:500]  # was: "Bron: ontbreekt"
    page = text(client.get(r.headers["location"]).text)
    assert "Bron onbekend: € 1.720,00" in page
    assert "Alleen het totaal bekend? Vul het bedrag in en laat de bron leeg." in text(client.get("/?voorbeeld=lasmasker").text)


def test_the_total_counts_and_no_source_is_made_up(registry):
    facts = case_facts(parse_case(case(None)), registry.vocabulary)
    assert facts["income.net_monthly"] == 900
    assert "income.wages" not in facts and "income.bijstand" not in facts  # unknown, not € 0
    known = case_facts(parse_case(case("wages")), registry.vocabulary)
    assert known["income.wages"] == 900 and known["income.bijstand"] == 0


def test_a_rule_that_reads_a_source_asks_for_it(client):
    sourced = client.post("/v1/decisions", json=case("wages")).json()["options"][0]
    total_only = client.post("/v1/decisions", json=case(None))
    assert total_only.status_code == 200
    option = total_only.json()["options"][0]
    assert sourced["status"] == "allowed"
    assert option["status"] == "needs_information" and "income.bijstand" in option["missing_facts"]


def test_a_rule_that_reads_only_the_total_decides_as_before(client):
    for options in (["special_assistance", "in_kind"],):
        a = client.post("/v1/decisions", json=case("wages", options)).json()
        b = client.post("/v1/decisions", json=case(None, options)).json()
        assert [o["status"] for o in a["options"]] == [o["status"] for o in b["options"]]


def test_the_paste_box_takes_the_total_without_a_source(client):
    c = case(None, ["special_assistance"])
    r = client.post("/toets/bestand", data={"paste": json.dumps(c)}, follow_redirects=False)
    assert r.status_code == 303


def test_the_columnar_round_trip_keeps_the_source_unknown(registry):
    from whatif.frame import case_from_row, case_row
    row = case_row(parse_case(case(None)), registry.vocabulary)
    assert case_from_row(row, registry.vocabulary)["income"] == [{"net_monthly": "900.00"}]
