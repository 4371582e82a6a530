"""The page says what the CLI says of a route whose unverified lead time is clearly too long (tests/explain/test_probably_late.py)."""
from __future__ import annotations

import re
from html import unescape

from tests.service.web.test_site import welding_form


def test_the_page_says_the_same(client):
    page = client.post("/toets", data=welding_form()).text
    routes = re.findall(r'<li class="route route-[a-z]+">.*?</li>\s*(?=<li class="route|</ol>|</ul>)', page, re.S)
    art16 = next(r for r in routes if "zeer dringende redenen" in r)
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", art16)).split())
    assert "Op tijd? ⚠ Onzeker (nodig binnen 14 dagen; de doorlooptijd uit de praktijk is langer, niet " \
           "geverifieerd)" in said and "te laat" not in said
    assert "Onbekend" not in said


def test_the_page_lists_the_uncertain_route_after_the_others(client):
    # the same order as the text and the onderbouwing (explain.lines.route_order, tests/explain/test_route_order.py)
    page = client.post("/toets", data=welding_form()).text
    for listing in re.findall(r'<ol class="routes">(.*?)</ol>', page, re.S):
        said = [" ".join(unescape(re.sub(r"<[^>]+>", " ", r)).split())
                for r in re.findall(r'<li class="route route-[a-z]+">(.*?)</li>\s*(?=<li class="route|$)', listing, re.S)]
        uncertain = [i for i, r in enumerate(said) if "Onzeker" in r]
        assert uncertain == list(range(len(said) - len(uncertain), len(said))), said
