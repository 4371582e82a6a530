"""The decision page shows each amount, its steps with their articles, and why an amount is not known
(ADR 0015). The rendered HTML is read as a professional reads it, without a browser."""
from __future__ import annotations

import json
import re
from html import unescape

from service.web.form import case_to_form
from engine.yamlsource import load_file
from tests.conftest import CASES


def _form(name: str, **changes) -> dict:
    case = json.loads(json.dumps(dict(load_file(CASES / f"{name}.yaml")), default=str))
    case.update(changes)
    return case_to_form(case)


def _section(html: str) -> str:
    m = re.search(r'<section class="amounts".*?</section>', html, re.S)
    assert m, "geen sectie met bedragen"
    return m.group(0)


def _text(html: str) -> str:
    blocks = re.sub(r"</(li|p|h\d|summary|ul|ol|div)>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", blocks)).split())


def test_bijstand_amount_with_its_steps_and_articles(client):
    r = client.post("/toets", data=_form("utrecht-jongere-zoektermijn"))
    assert r.status_code == 200
    section = _section(r.text)
    text = _text(section)
    # 21.a per 1-1-2026: € 1.401,50, no income (law-facts §2.1)
    assert "Algemene bijstand per maand (de norm min het inkomen dat meetelt): € 1.401,50" in text
    assert ("Bijstandsnorm zonder kostendelers (art. 20, 21 en 22; voor 18 tot en met 20 jaar met de verhoging van art. 20 "
            "lid 3 als de ouders niet kunnen bijdragen): € 1.401,50") in text
    assert "de leeftijd van de aanvrager: 22 " in text
    assert "de samenstelling van het huishouden: alleenstaand " in text  # a choice in words
    assert "Bijstandsnorm alleenstaande of alleenstaande ouder, 21 jaar tot AOW-leeftijd: € 1.401,50" in text
    # each step links to the article as it read on the reference date
    assert 'href="https://wetten.overheid.nl/jci1.3:c:BWBR0015703&amp;artikel=21&amp;g=2026-02-01"' in section
    assert "interpretatie" in text  # norm minus means is the usual reading, marked as such
    assert section.index("Bijstandsnorm zonder kostendelers") < section.index("Toepasselijke bijstandsnorm")


def test_unknown_amount_says_why_and_shows_no_figure(client):
    r = client.post("/toets", data=_form("zaanstad-onvolledig"))
    text = _text(_section(r.text))
    assert "Bijzondere bijstand na aftrek van de draagkracht: niet te berekenen" in text
    assert "Niet bekend: het netto maandinkomen van het huishouden." in text
    assert "Niet bekend (open norm): Draagkrachtperiode" in text
    assert "€ 450,00" in text  # the cost is known and shown as a step input


def test_amounts_in_english_on_request(client):
    r = client.post("/toets?lang=en", data=_form("utrecht-jongere-zoektermijn"))
    text = _text(_section(r.text))
    assert "Amounts (how they were computed)" in text
    assert "General assistance per month (the norm minus the income that counts): €1,401.50" in text


def test_no_amounts_section_without_amounts(client):
    r = client.post("/toets", data=_form("groningen-ontheffing-sollicitatieplicht", benefit="none"))
    assert r.status_code == 200
    assert '<section class="amounts"' not in r.text
