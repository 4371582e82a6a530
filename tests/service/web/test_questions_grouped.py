"""'Nog uit te zoeken' as a professional reads it: the questions grouped under the form's cards, each with one
short line on what its answer decides (which block, ground, route or option)."""
from __future__ import annotations

import json
import re
from html import unescape

from service.web.form import case_to_form

CASE = {"case_id": "zaanstad-onvolledig", "reference_date": "2025-11-03", "municipality": "zaanstad",
        "household": {"composition": "couple", "members": [{"role": "applicant", "age": 52}]},
        "need": {"kind": "one_off_cost", "amount": "450.00"}, "options": ["special_assistance"]}


def section(client, **changes) -> str:
    r = client.post("/toets", data=case_to_form(json.loads(json.dumps({**CASE, **changes}))))
    m = re.search(r'<section class="questions".*?</section>', r.text, re.S)
    assert m, "no questions"
    return m[0]


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def groups(html: str) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for topic, items in re.findall(r'<h3 class="question-topic">([^<]+)</h3>\s*<ul class="question-list">(.*?)</ul>',
                                   html, re.S):
        out[unescape(topic)] = [(words(q), words(w)) for q, w in
                                re.findall(r'<li><a [^>]+>(.*?)</a><span class="why">(.*?)</span></li>', items, re.S)]
    return out


def test_questions_are_grouped_under_the_form_s_cards_in_its_order(client):
    found = groups(section(client))
    assert list(found) == ["Huishouden", "Inkomen (netto per maand)", "Vermogen en schulden", "Hulpvraag",
                           "Omstandigheden"]
    assert any("netto maandinkomen" in q for q, _ in found["Inkomen (netto per maand)"])
    assert any("vrij te laten bedrag" in q for q, _ in found["Vermogen en schulden"])


def test_each_question_says_in_one_line_what_it_decides(client):
    found = groups(section(client))
    why = dict(q for qs in found.values() for q in qs)
    income = next(w for q, w in why.items() if "netto maandinkomen" in q)
    assert income.startswith("Beslist of deze blokkade geldt: Geen bijzondere bijstand voor zover de draagkracht")
    assert re.search(r"\(en nog \d punten\)$", income)
    urgent = next(w for q, w in why.items() if "dringende redenen" in q)
    assert urgent.startswith("Beslist of deze route kan: Bijstand in afwijking van de wet wegens zeer dringende redenen")
    assert all(w and len(w) < 220 for w in why.values())  # short: one line each


def test_with_several_options_the_line_names_the_option(client):
    found = groups(section(client, options=["special_assistance", "bijstand"]))
    why = dict(q for qs in found.values() for q in qs)
    benefit = next(w for q, w in why.items() if "bijstandsuitkering per maand" in q)
    assert benefit.startswith("Beslist voor Algemene bijstand of deze blokkade geldt:")
    income = next(w for q, w in why.items() if "netto maandinkomen" in q)
    assert "ook voor Algemene bijstand" in income


def test_in_english_too(client):
    r = client.post("/toets?lang=en", data=case_to_form(json.loads(json.dumps(CASE))))
    text = words(re.search(r'<section class="questions".*?</section>', r.text, re.S)[0])
    assert "Household" in text and "Decides whether this block applies:" in text
