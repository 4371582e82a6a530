"""The form's weight: the 16 housemate fields are folded away until needed (a <details>, which opens without
JavaScript), and open by themselves when something in them is filled in or wrong."""
from __future__ import annotations

import re

STEP_ONE = {"case_id": "x", "reference_date": "2026-03-02", "municipality": "zaanstad", "options": ["full_norm"]}


def housemates(html: str) -> str:
    m = re.search(r'<details class="more housemates"[^>]*>.*?</fieldset>\s*</details>', html, re.S)
    assert m, "the housemates are not folded away"
    return m[0]


def opening(block: str) -> str:
    return block.split(">", 1)[0]


def test_the_housemates_are_folded_away_until_needed(client):
    page = client.post("/formulier", data=STEP_ONE).text
    block = housemates(page)
    assert " open" not in opening(block)  # closed: one line instead of 16 fields
    assert "<summary>Medebewoners invullen (wie woont er nog meer in de woning?)</summary>" in block
    fields = set(re.findall(r'name="(household\.housemates\.\d\.[a-z_]+)"', page))
    assert len(fields) == 16 and fields == set(re.findall(r'name="(household\.housemates\.\d\.[a-z_]+)"', block))
    # rows 2 to 4 are folded once more inside it
    inner = block.split('<details class="more"', 1)[1]
    assert 'name="household.housemates.0.age"' not in inner and 'name="household.housemates.1.age"' in inner
    assert "<summary>Nog een medebewoner</summary>" in inner
    # the number of cost sharers, the short answer, stays in view
    assert 'name="household.cost_sharers"' in page.split('<details class="more housemates"')[0]


def test_a_filled_in_housemate_opens_the_fold(client):
    one = {**STEP_ONE, "household.composition": "single", "applicant.age": "34", "household.housemates.0.age": "38"}
    r = client.post("/toets", data=one, follow_redirects=False)
    block = housemates(client.get(r.headers["location"] + "/bewerk").text)  # the case edited again
    assert " open" in opening(block) and '<details class="more" open>' not in block
    two = {**one, "household.housemates.1.age": "19"}
    r = client.post("/toets", data=two, follow_redirects=False)
    block = housemates(client.get(r.headers["location"] + "/bewerk").text)
    assert " open" in opening(block) and '<details class="more" open>' in block


def test_a_wrong_housemate_field_opens_the_fold_so_the_error_link_lands(client):
    data = {**STEP_ONE, "household.housemates.0.age": "oud"}
    r = client.post("/toets", data=data)
    assert r.status_code == 422 and 'href="#f-household-housemates-0-age"' in r.text
    block = housemates(r.text)
    assert " open" in opening(block)
    assert '<details class="more" open>' not in block  # only the row with the problem needs to show


def test_a_question_about_a_housemate_links_to_its_field(client):
    from service.questions import field_of
    assert field_of("household.housemate_1.age") == "household.housemates.0.age"
    assert field_of("household.housemate_6.student_finance") == "household.housemates.3.student_finance"
