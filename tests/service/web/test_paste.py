"""The paste box reads what a professional types as the form does (decision record 0040): amounts the
Dutch way, dates as 15-9-2025, ja/nee. What the form asks back it asks back too, naming the field."""
from __future__ import annotations

import re
from html import unescape

import pytest

CASE = """case_id: plak-1
reference_date: {date}
municipality: zaanstad
options: [special_assistance]
household: {{composition: single, members: [{{role: applicant, age: 41}}]}}
income: [{{source: wages, net_monthly: {income}}}]
need: {{kind: one_off_cost, amount: {amount}, needed_within_days: 14}}
circumstances: {{income_prospects: {yes_no}}}
"""


def paste(client, date="2025-09-15", income="1720", amount="1100", yes_no="true"):
    return client.post("/toets/bestand", data={"paste": CASE.format(date=date, income=income, amount=amount,
                                                                     yes_no=yes_no)}, follow_redirects=False)


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def summary(html: str) -> str:
    m = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert m, "no list of problems"
    return text(m[0])


@pytest.mark.parametrize("amount", ["1.100", '"1.100"', '"1.100,00"', '"€ 1.100"', "1100", '"€ 1.100,-"'])
def test_a_pasted_amount_is_read_as_on_the_form(client, amount):
    r = paste(client, amount=amount)
    assert r.status_code == 303, summary(r.text)
    page = text(client.get(r.headers["location"]).text)
    assert "€ 1.100,00" in page and "€ 1,10" not in page  # a YAML 1.100 was silently € 1,10 before


@pytest.mark.parametrize("income", ['"1.720"', '"€ 1.720,00"', "1.720"])
def test_a_pasted_income_is_read_as_on_the_form(client, income):
    r = paste(client, income=income)
    assert r.status_code == 303, summary(r.text)
    assert "€ 1.720,00" in text(client.get(r.headers["location"]).text)


@pytest.mark.parametrize("date, yes_no", [("15-9-2025", "ja"), ("2025-09-15", "nee"), ("15-09-2025", "Ja")])
def test_dates_and_yes_no_as_the_form_takes_them(client, date, yes_no):
    r = paste(client, date=date, yes_no=yes_no)
    assert r.status_code == 303, summary(r.text)
    assert "15 september 2025" in text(client.get(r.headers["location"]).text)


def test_the_form_and_the_paste_box_decide_alike(client):
    from tests.service.web.test_site import status_texts, welding_form
    values = welding_form()
    values["need.amount"] = ["1.100"]
    form = client.get(client.post("/toets", data=values, follow_redirects=False).headers["location"]).text
    import json
    from service.examples import WELDING_MASK_NL
    case = json.loads(json.dumps(WELDING_MASK_NL, default=str))
    case["need"]["amount"] = "€ 1.100"
    r = client.post("/toets/bestand", data={"paste": json.dumps(case)}, follow_redirects=False)
    assert r.status_code == 303
    pasted = client.get(r.headers["location"]).text
    assert status_texts(form) == status_texts(pasted) and status_texts(form)


@pytest.mark.parametrize("amount, says", [
    ('"1,100"', "Bedoelt u € 1.100,00? Typ dan 1.100,00."),
    ('"duizend"', "geen bedrag dat te lezen is; schrijf bijvoorbeeld 1.100,00 of 1100"),
])
def test_what_cannot_be_read_is_asked_naming_the_field(client, amount, says):
    r = paste(client, amount=amount)
    assert r.status_code == 422
    said = summary(r.text)
    assert f"geplakte casus:7 Bedrag (€) (need.amount): {says}" in said
    assert amount.strip('"') not in said  # never the value in the message
    assert "/besluit/" not in r.headers.get("location", "")  # nothing decided or kept


def test_an_unreadable_amount_and_an_engine_problem_come_in_one_round(client):
    r = client.post("/toets/bestand", data={"paste": CASE.format(date="2025-09-15", income='"veel"', amount='"1,100"',
                                                                  yes_no="true").replace("age: 41", "age: -3")})
    assert r.status_code == 422
    said = summary(r.text)
    assert "(income.0.net_monthly): geen bedrag dat te lezen is" in said
    assert "(need.amount): Bedoelt u € 1.100,00?" in said
    assert "household.members.0.age" in said


def test_a_bsn_like_amount_is_still_refused_unshown(client):
    r = paste(client, amount='"111.222.333"')
    assert r.status_code == 422
    assert "111" not in summary(r.text) and "BSN" in summary(r.text)


def test_children_ages_as_the_form_takes_them(client):
    r = client.post("/toets/bestand", data={"paste": CASE.format(date="2025-09-15", income="1720", amount="1100",
                                                                  yes_no="ja").replace(
        "household: {composition: single,", 'household: {composition: single_parent, children: "7, 3",')},
        follow_redirects=False)
    assert r.status_code == 303, summary(r.text)
