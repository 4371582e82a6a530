"""The policy officer's what-if page and the analyst's casebook pages, in Debian's chromium (headless).

The harness is tests/e2e/test_browser.py's: the real service, axe-core for WCAG 2.1 A and AA.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser import OVERFLOWING, browser, shot, violations, watched_page  # noqa: F401 (the browser fixture; skips as it does)
from tests.serving import running_server

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from casebook.demo import ensure_demo
    url = f"sqlite:///{tmp_path_factory.mktemp('casebook') / 'casebook.sqlite'}"
    ensure_demo(url, cases=120)  # a small synthetic casebook (seeded), so every tile has cases behind it
    with running_server(env={"REGELRUIMTE_DATABASE_URL": url}) as (base, _):
        yield base


@pytest.fixture(params=[1366, 390], ids=["desktop", "phone"])
def width(request):
    return request.param


@pytest.fixture
def page(browser, server, width):
    yield from watched_page(browser, server, width)


def test_a_policy_officer_changes_a_parameter_for_20000_households(page, width):
    page.goto("/")
    page.get_by_role("link", name="Wat-als").click()
    page.get_by_role("heading", name="Wat-als: wat doet een wijziging van de regels?").wait_for()
    assert violations(page) == []
    page.get_by_label("Regelset", exact=True).select_option(label="Beleid gemeente Zaanstad (werk en inkomen)")
    page.get_by_label("Datum van de versie die nu geldt").fill("15-9-2025")
    page.get_by_role("button", name="Verder: de parameters van deze versie").click()
    # the version's parameters with their current value and source
    row = page.locator("table.params tr", has=page.locator("#f-param-percentage-inkomensgrens"))
    assert "Inkomensgrens voor bijzondere bijstand" in row.inner_text() and "110%" in row.inner_text()
    assert violations(page) == []
    assert page.evaluate(OVERFLOWING) == []
    shot(page, f"wat-als-formulier-{width}")
    page.locator("#f-param-percentage-inkomensgrens").fill("120")
    page.get_by_label("Aantal huishoudens (populatie)").fill("20000")
    page.get_by_role("button", name="Reken uit").click()
    # the page shows how far it is, then the report
    page.wait_for_url(re.compile(r"/wat-als/taak/"))
    page.get_by_role("heading", name=re.compile("^Wat-als: Inkomensgrens voor bijzondere bijstand.*110% → 120%")).wait_for(
        timeout=60_000)
    report = page.locator(".whatif-report").inner_text()
    assert "synthetische populatie van 20.000 huishoudens" in report
    helped = int(re.search(r"Huishoudens: ([\d.]+) geholpen", report)[1].replace(".", ""))
    assert helped > 0  # a higher income limit helps households between 110% and 120% of the norm
    assert page.get_by_role("heading", name="Per regel en route").count() == 1
    assert page.get_by_role("heading", name="Voorbeelden").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "verschuivingen.csv"
    assert violations(page) == []
    # the charts fit the screen, a phone's too: nothing to scroll sideways, the text not shrunk away
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("[...document.querySelectorAll('.whatif-report figure.chart')]"
                         ".filter(f => f.scrollWidth > f.clientWidth + 1).length") == 0
    smallest = page.evaluate("Math.min(...[...document.querySelectorAll('.whatif-report figure.chart svg')]"
                             ".map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width))")
    assert smallest * 12 >= 9  # the charts' 12-unit text is at least 9 px on the screen
    shot(page, f"wat-als-rapport-{width}")


def test_an_analyst_goes_from_a_tile_to_the_onderbouwing_of_a_case(page, width):
    page.goto("/")
    page.get_by_role("link", name="Casusboek").first.click()
    page.get_by_role("heading", name="Casusboek", exact=True).wait_for()
    assert violations(page) == []
    assert page.evaluate(OVERFLOWING) == []
    shot(page, f"casusboek-{width}")
    text = page.locator("main").inner_text()
    assert not re.search(r"\b[a-z]+\.[a-z0-9_]+\.[a-z0-9_.]+\b", text)  # no rule ids like pw.41.4.zoektermijn
    assert "circumstances." not in text and "route_available" not in text
    tile = page.locator("ul.tiles a", has_text="zonder enige route")
    count = int(tile.locator("b").inner_text())
    tile.click()
    page.get_by_role("heading", name=f"{count} casussen").wait_for()
    assert violations(page) == []
    statuses = page.locator("tbody td:nth-child(4)").all_inner_texts()
    assert statuses and set(statuses) == {"geen enkele route"}
    page.locator("tbody a").first.click()
    page.get_by_role("heading", name="Onderbouwing").wait_for()
    assert page.locator("#onderbouwing").inner_text().startswith("Onderbouwing casus")
    assert violations(page) == []
    shot(page, f"casusboek-casus-{width}")


def test_a_bar_leads_to_the_cases_it_counts(page, width):
    page.goto("/casusboek")
    bar = page.locator("ul.bars a").first
    n = int(bar.locator(".bar-n").inner_text().split()[0])
    bar.click()
    page.get_by_role("heading", name=f"{n} casussen").wait_for()


@pytest.mark.parametrize("width", [1366], indirect=True)  # once is enough: the form is the decision page's
def test_a_professional_saves_a_checked_case_to_the_casebook(page, width):
    page.goto("/?voorbeeld=lasmasker")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    page.get_by_label("Uw team").fill("wijkteam-oost")
    page.get_by_label("Signaal (niet verplicht)").fill("systeemprobleem: voorschot komt te laat")
    page.get_by_role("button", name="Opslaan in het casusboek").click()
    page.locator("#fouten").wait_for()  # without the consent tick nothing is stored
    assert violations(page) == []
    page.get_by_label(re.compile("^Ik sla deze casus op")).check()
    page.get_by_role("button", name="Opslaan in het casusboek").click()
    page.get_by_text("De casus staat in het casusboek.").wait_for()
    page.get_by_role("link", name="Bekijk haar in het casusboek").click()
    page.get_by_role("heading", name="Casus zaanstad-lasmasker").wait_for()
    assert "wijkteam-oost" in page.locator("dl.facts").inner_text()
    page.goto("/casusboek")
    assert "systeemprobleem: voorschot komt te laat" in page.locator("ul.signals").inner_text()


def test_a_refused_run_says_why_and_the_progress_page_is_accessible(page, width):
    page.goto("/wat-als?ruleset=zaanstad&date=15-9-2025")
    page.locator("#f-param-percentage-inkomensgrens").fill("120")
    page.get_by_label("Aantal huishoudens (populatie)").fill("200000")
    page.get_by_text("Sweep: één parameter over een reeks waarden (niet verplicht)").click()
    page.get_by_label("Parameter", exact=True).select_option("percentage_inkomensgrens")
    page.get_by_label("Van", exact=True).fill("100")
    page.get_by_label("Tot en met", exact=True).fill("200")
    page.get_by_label("Stap", exact=True).fill("10")
    page.get_by_role("button", name="Reken uit").click()
    # refused on the form before a job starts, the values kept (ADR 0042)
    page.locator("#fouten").wait_for(timeout=60_000)
    assert "te veel werk" in page.locator("#fouten").inner_text()
    assert page.get_by_label("Aantal huishoudens (populatie)").input_value() == "200000"
    assert violations(page) == []
