"""The casebook report as policy staff read it: a Dutch title, statuses in words (not codes)."""
import re

import pytest

from casebook.report import build_report
from casebook.store import Filters
from casebook.synthetic import generate
from service.web.casebook_html import render_report
from tests.casebook.conftest import add_records


@pytest.fixture
def filled(store, registry):
    add_records(store, registry, generate(300, seed=7, registry=registry))
    return store


def test_the_report_has_a_dutch_title_and_statuses_in_words(filled):
    report = build_report(filled, Filters())
    assert report.tables["signals"].rows, "the synthetic casebook has signals"
    html = render_report(report)
    assert "<title>Casusboek-rapport" in html and "<h1>Casusboek-rapport" in html and "Casebook-rapport" not in html
    signals = html[html.index('id="signals"'):html.index('id="tags"')]
    cells = set(re.findall(r"<td>([a-z_]+|[a-z ]+)</td>", signals))
    assert not cells & {"needs_information", "route_available", "allowed", "blocked"}
    assert cells & {"informatie nodig", "maatwerkroute mogelijk", "toegestaan", "geblokkeerd"}
