"""End to end in a real browser: Debian's chromium, headless, against `regelruimte serve`.

Screenshots land in tests/artifacts/ (not committed). Skipped when /usr/bin/chromium is absent, except in CI
(CI=true), where that fails.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, cannot_run
from tests.serving import ROOT, running_server

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    cannot_run("no /usr/bin/chromium: install Debian's chromium (apt-get install chromium) for the browser tests",
               module=True)
try:
    import axe_playwright_python.sync_playwright as axe_playwright
    import playwright.sync_api as playwright
except ModuleNotFoundError as exc:
    cannot_run(f"the python package {exc.name} is not installed (make setup installs it)", module=True)

ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
STATUSES = ("Toegestaan", "Geblokkeerd", "Maatwerkroute mogelijk", "Informatie nodig")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # the casebook page opens a casebook: a temporary one, never a file in the working tree
    url = f"sqlite:///{tmp_path_factory.mktemp('casebook') / 'casebook.sqlite'}"
    with running_server(env={"REGELRUIMTE_DATABASE_URL": url}) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", base_url=server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a form with mistakes comes back as 422, which the console reports; anything else is an error
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "status of 422" not in msg.text else None)
    yield page
    context.close()
    assert errors == []  # no script errors, no CSP violations


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def option_statuses(page) -> dict[str, str]:
    out = {}
    for item in page.locator(".option-index li").all():
        title = item.locator("a").inner_text().strip()
        badge = item.locator(".badge").inner_text().strip()
        out[title] = next(s for s in STATUSES if badge.endswith(s))
    return out


def test_welding_mask_through_the_form(page):
    page.goto("/")
    page.get_by_label("Kenmerk (pseudoniem, geen BSN of naam)", exact=True).fill("zaanstad-lasmasker")
    page.get_by_label("Peildatum", exact=True).fill("2025-09-15")
    page.get_by_label("Gemeente", exact=True).select_option("zaanstad")
    page.get_by_label("Samenstelling", exact=True).select_option("single")
    page.get_by_label("Leeftijd aanvrager", exact=True).fill("41")
    page.get_by_label("Geen kinderen ten laste", exact=True).check()
    page.get_by_label("Kostendelende medebewoners (27 jaar of ouder)", exact=True).fill("0")
    page.get_by_label("Bron 1", exact=True).select_option("wages")
    page.locator("#f-income-0-net-monthly").fill("1.720,00")
    page.get_by_label("Vermogen: bezittingen min schulden (€)", exact=True).fill("0")
    page.get_by_label("Schuldenregeling", exact=True).select_option("wsnp")
    page.get_by_label("Schuldenregeling sinds", exact=True).fill("2025-03-01")
    page.get_by_label("Vrij te laten bedrag, VTLB (€ per maand)", exact=True).fill("1310")
    page.get_by_label("Uitkering", exact=True).select_option("none")
    page.get_by_label("Werksituatie", exact=True).select_option("employed")
    page.get_by_label("Soort hulpvraag", exact=True).select_option("one_off_cost")
    page.get_by_label("Waarvoor", exact=True).select_option("work")
    page.get_by_label("Omschrijving", exact=True).fill("Lasmasker dat de werkgever verplicht stelt")
    page.get_by_label("Bedrag (€)", exact=True).fill("1100")
    page.get_by_label("Nodig binnen (dagen)", exact=True).fill("14")
    page.get_by_label("Wat staat er op het spel?", exact=True).select_option("job_loss")
    for option in ("Inhouding op het loon", "Bijzondere bijstand", "Gift in geld",
                   "Hulp in natura (betaling aan de leverancier)"):
        page.get_by_label(option, exact=True).check()
    page.get_by_label("Wat wordt voorkomen 1", exact=True).fill("Bijstandsuitkering na baanverlies")
    page.locator("#f-avoided-costs-0-per-year").fill("16.428,72")
    page.get_by_role("button", name="Toets de casus").click()

    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    assert option_statuses(page) == {
        "Inhouding op het loon": "Maatwerkroute mogelijk", "Bijzondere bijstand": "Maatwerkroute mogelijk",
        "Gift in geld": "Geblokkeerd", "Hulp in natura (betaling aan de leverancier)": "Maatwerkroute mogelijk"}
    special = page.locator("#optie-special_assistance")
    route = special.locator("li.route", has_text="Budget Maatwerkondersteuning")
    assert "Het sociaal wijkteam" in route.inner_text() and "Ja, op tijd" in route.inner_text()
    assert "Waarschijnlijk te laat" in special.locator("li.route", has_text="zeer dringende redenen").inner_text()
    assert special.get_by_role("link", name="Inkomensgrens minimavoorzieningen gemeente Zaanstad").count() == 1
    assert "€ 16.428,72" in page.locator("section.kassabon").inner_text()
    shot(page, "lasmasker")

    # Kopieer onderbouwing: the Dutch explanation on the clipboard, said aloud in the status line
    page.get_by_role("button", name="Kopieer onderbouwing").click()
    page.get_by_text("De onderbouwing staat op het klembord.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Onderbouwing casus zaanstad-lasmasker")
    assert copied == page.locator("#onderbouwing").text_content()

    # the print view: no navigation or buttons, the explanation in full
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.get_by_role("button", name="Kopieer onderbouwing").is_visible()
    assert page.locator("#onderbouwing").is_visible()
    shot(page, "lasmasker-print")


def test_incomplete_case_shows_the_questions_to_ask(page):
    page.goto("/")
    page.get_by_label("Kenmerk (pseudoniem, geen BSN of naam)", exact=True).fill("zaanstad-onvolledig")
    page.get_by_label("Peildatum", exact=True).fill("2025-11-03")
    page.get_by_label("Gemeente", exact=True).select_option("zaanstad")
    page.get_by_label("Samenstelling", exact=True).select_option("couple")
    page.get_by_label("Leeftijd aanvrager", exact=True).fill("52")
    page.get_by_label("Leeftijd partner", exact=True).fill("49")
    page.get_by_label("Leeftijden van de kinderen ten laste", exact=True).fill("15")
    page.get_by_label("Soort hulpvraag", exact=True).select_option("one_off_cost")
    page.get_by_label("Omschrijving", exact=True).fill("Kapotte wasmachine vervangen")
    page.get_by_label("Bedrag (€)", exact=True).fill("450")
    page.get_by_label("Bijzondere bijstand", exact=True).check()
    page.get_by_role("button", name="Toets de casus").click()

    page.get_by_role("heading", name="Uitkomst casus zaanstad-onvolledig").wait_for()
    assert option_statuses(page) == {"Bijzondere bijstand": "Informatie nodig"}
    questions = page.locator("section.questions")
    assert questions.get_by_role("heading", name="Nog uit te zoeken").is_visible()
    text = questions.inner_text()
    assert "netto maandinkomen" in text and "schuldregeling" in text
    shot(page, "onvolledig")


def test_a_mistake_is_shown_at_the_field_and_the_keyboard_gets_there(page):
    page.goto("/?voorbeeld=lasmasker")
    page.locator("#f-need-amount").fill("duizend")
    page.get_by_role("button", name="Toets de casus").click()
    summary = page.locator("#fouten")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "fouten"  # focus moves to the problems
    link = summary.get_by_role("link", name="Bedrag (€)")
    link.focus()
    page.keyboard.press("Enter")
    page.locator("#f-need-amount").focus()
    assert page.evaluate("document.activeElement.id") == "f-need-amount"
    shot(page, "fout-in-formulier")


def test_keyboard_only_with_visible_focus(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    assert skip.is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    for _ in range(8):  # on into the form
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    assert focused in ("INPUT", "SELECT", "A", "BUTTON")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_paste_a_case(page):
    page.goto("/")
    text = EXAMPLES / "groningen-zzp-start.yaml"
    page.get_by_label("Casus plakken", exact=True).fill(text.read_text())
    page.get_by_role("button", name="Toets dit bestand").click()
    page.get_by_role("heading", name="Uitkomst casus groningen-zzp-start").wait_for()
    assert set(option_statuses(page).values()) <= set(STATUSES)
    shot(page, "zzp-geplakt")


def test_with_tokens_a_browser_signs_in_with_the_token_as_password(browser, tmp_path):
    env = {"REGELRUIMTE_API_TOKENS": "wijkteam-token", "REGELRUIMTE_DATABASE_URL": f"sqlite:///{tmp_path}/cb.sqlite"}
    with running_server(env=env) as (base, _):
        anonymous = browser.new_context(base_url=base)
        # (a headless browser cancels the password dialog, so ask as the page would and read the answer)
        answer = anonymous.request.get("/", headers={"Accept": "text/html"})
        assert answer.status == 401 and answer.headers["www-authenticate"].startswith("Basic")
        anonymous.close()

        signed_in = browser.new_context(base_url=base, locale="nl-NL",
                                        http_credentials={"username": "wie-dan-ook", "password": "wijkteam-token"})
        page = signed_in.new_page()
        page.goto("/?voorbeeld=lasmasker")
        page.get_by_role("button", name="Toets de casus").click()
        page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
        assert page.goto("/casusboek").status == 200  # the analysts' page (under /v1, where the API token counts)
        assert page.get_by_role("heading", name="Casebook voor analisten").count() == 1
        signed_in.close()


# WCAG 2.1 A and AA: contrast, labels, landmarks, names, ARIA (axe-core, bundled with the package: no download)
WCAG = {"resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    found = axe_playwright.Axe().run(page, options=WCAG).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found]


def test_axe_sees_a_violation_when_there_is_one(page):
    page.set_content('<main><p style="color:#bbb;background:#fff">te licht</p><input type="text"></main>')
    found = " ".join(violations(page))
    assert "color-contrast" in found and "label" in found


@pytest.mark.parametrize("path", ["/", "/?voorbeeld=lasmasker", "/regelsets", "/v1/casebook/page"])
def test_pages_meet_wcag_a_and_aa(page, path):
    page.goto(path)
    assert violations(page) == []


def test_decision_page_meets_wcag_a_and_aa(page):
    page.goto("/?voorbeeld=lasmasker")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    assert violations(page) == []
    page.emulate_media(media="print")
    assert violations(page) == []
