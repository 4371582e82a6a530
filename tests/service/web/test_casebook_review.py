"""The analysts' casebook pages after the independent review: the open norms on the overview (item 1) and
filters that are checked, never ignored (item 4). Kept apart from test_casebook.py, whose fixtures they use."""
from __future__ import annotations

import html
import re

import pytest

from tests.service.web.test_casebook import client, filled, text_of  # noqa: F401 - fixtures

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_open_norms_of_the_rule_sets_are_on_the_overview(client, registry):
    """Review item 1: the section was always empty, the open norms never reached the casebook."""
    page = client.get("/casusboek").text
    section = page[page.index('id="feiten-regelset"'):]
    section = section[:section.index("</section>")] if "</section>" in section else section[:4000]
    links = re.findall(r'href="(/casusboek/casussen\?[^"]*feit=([^"&]+)[^"]*)"', html.unescape(section))
    assert links, "no open norm on the overview"
    assert any(name.endswith("percentage_inkomensgrens") or name.endswith("draagkrachtperiode_maanden")
               for _, name in links)
    # the count leads to the cases that wait for it
    href, name = links[0]
    listed = text_of(client.get(href).text)
    assert "Geen casussen" not in listed


def test_a_bad_filter_shows_the_form_again_naming_the_field(client):
    """Review item 4: a bad date gave an error page without the form and without the field's name."""
    r = client.get("/casusboek?from=2025-13-01&municipality=zaanstad")
    assert r.status_code == 422
    words = " ".join(text_of(r.text).split())
    assert 'action="/casusboek"' in r.text and "Peildatum vanaf: geen geldige datum" in words
    assert "2025-13-01" not in r.text  # what was typed is not repeated
    assert 'value="zaanstad" selected' in r.text  # what was right stays chosen
    r = client.get("/casusboek?from=2025-12-01&to=2025-01-01")
    assert r.status_code == 422 and "ligt na de datum" in text_of(r.text) and 'action="/casusboek"' in r.text


@pytest.mark.parametrize("query", ["uitkomst=xyz", "outcome=xyz"])
def test_an_unknown_outcome_filter_is_refused_not_ignored(client, query):
    for page in ("/casusboek", "/casusboek/casussen"):
        r = client.get(f"{page}?{query}")
        assert r.status_code == 422, (page, r.status_code)
        words = " ".join(text_of(r.text).split())
        assert ("uitkomst" in words.lower()) and "xyz" not in words


def test_a_page_past_the_end_says_so_and_leads_to_the_last(client):
    total = int(re.search(r"<h1>(\d+) casussen</h1>", client.get("/casusboek/casussen").text).group(1))
    r = client.get("/casusboek/casussen?pagina=999999&municipality=zaanstad")
    assert r.status_code == 200
    words = " ".join(text_of(r.text).split())
    assert "Pagina 999999 ligt voorbij het einde" in words and "Geen casussen" not in words
    last = re.search(r'href="(/casusboek/casussen\?[^"]*pagina=(\d+))"', html.unescape(r.text))
    assert last and "municipality=zaanstad" in last.group(1)
    listed = client.get(last.group(1))
    assert listed.status_code == 200 and "casusboek/casus/" in listed.text and total > 0
