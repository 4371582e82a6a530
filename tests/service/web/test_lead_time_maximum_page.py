"""The page says what the text says of a lead time the law sets as a maximum (tests/explain/test_lead_time_maximum.py,
legal audit D-79): "uiterlijk 84 dagen", and with 30 days available "Kan op tijd", never "te laat"."""
from __future__ import annotations

import re
from html import unescape

import pytest

from service.web.form import case_to_form
from tests.explain.test_lead_time_maximum import TITLE, wgs_case


def wgs_route_said(client, within: int) -> tuple[str, str]:
    page = client.post("/toets", data=case_to_form(wgs_case(within))).text
    routes = re.findall(r'<li class="route route-[a-z]+">.*?</li>\s*(?=<li class="route|</ol>|</ul>)', page, re.S)
    wgs = next(r for r in routes if TITLE in unescape(r))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", wgs)).split()), " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_30_days_available_may_be_in_time(client):
    route, page = wgs_route_said(client, 30)
    assert "Doorlooptijd uiterlijk 84 dagen (wettelijke termijn)" in route
    assert "Op tijd? Kan op tijd (nodig binnen 30 dagen; de wet geeft uiterlijk 84 dagen, het kan dus eerder)" in route
    assert "te laat" not in route.lower() and "Onzeker" not in route and "ca. 84" not in page
    assert "Die kan op tijd zijn voor 30 dagen" in page  # the advice, as in the text


@pytest.mark.parametrize("within", [84, 90])
def test_within_the_maximum_is_in_time(client, within):
    route, page = wgs_route_said(client, within)
    assert "Doorlooptijd uiterlijk 84 dagen (wettelijke termijn)" in route
    assert f"Op tijd? ✓ Ja, op tijd (nodig binnen {within} dagen)" in route
    assert f"Snelste route die op tijd kan: {TITLE} (het college van B&W, uiterlijk 84 dagen)." in page
    assert "ca. 84" not in page
