"""End to end in a real browser: Debian's chromium, headless, against `regelruimte serve`.

Screenshots land in tests/artifacts/ (not committed). Skipped when /usr/bin/chromium is absent, except in CI
(CI=true), where that fails.
"""
from __future__ import annotations

import re
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


def watched_page(browser, server, width: int = 1280, clipboard: bool = False):
    """A page at `width` px that fails its test on any script error or CSP violation when it closes."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL", base_url=server)
    if clipboard:
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


@pytest.fixture
def page(browser, server):
    yield from watched_page(browser, server, clipboard=True)


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


def fill_step_one(page, case_id: str, day: str, options: list[str]):
    page.goto("/")
    page.get_by_label("Kenmerk (pseudoniem, geen BSN of naam) *", exact=True).fill(case_id)  # * required
    page.get_by_label("Peildatum *", exact=True).fill(day)
    page.get_by_label("Gemeente *", exact=True).select_option("zaanstad")
    for option in options:
        page.get_by_label(option, exact=True).check()
    page.get_by_role("button", name="Verder: de vragen voor deze opties").click()
    page.get_by_role("heading", name="Stap 2 van 2: de vragen voor deze opties").wait_for()


WELDING_OPTIONS = ["Inhouding op het loon", "Bijzondere bijstand", "Gift in geld",
                   "Hulp in natura (betaling aan de leverancier)"]


def enter_welding_mask(page):
    """The welding-mask case typed by hand, amounts as a Dutch professional writes them."""
    fill_step_one(page, "zaanstad-lasmasker", "2025-09-15", WELDING_OPTIONS)
    page.get_by_label("Samenstelling", exact=True).select_option("single")
    page.get_by_label("Leeftijd aanvrager", exact=True).fill("41")
    page.get_by_label("Geen kinderen ten laste", exact=True).check()
    page.get_by_label("Kostendelende medebewoners (27 jaar of ouder)", exact=True).fill("0")
    page.get_by_label("Bron 1", exact=True).select_option("wages")
    page.locator("#f-income-0-net-monthly").fill("€ 1.720,-")
    page.get_by_label("Schuldenregeling", exact=True).select_option("wsnp")
    page.get_by_label("Vrij te laten bedrag (€ per maand)", exact=True).fill("1310")
    page.get_by_label("Soort hulpvraag", exact=True).select_option("one_off_cost")
    page.get_by_label("Waarvoor", exact=True).select_option("work")
    page.get_by_label("Omschrijving", exact=True).fill("Lasmasker dat de werkgever verplicht stelt")
    page.get_by_label("Bedrag (€)", exact=True).fill("1.100")  # the Dutch thousands point: eleven hundred euro
    page.get_by_label("Nodig binnen (dagen)", exact=True).fill("14")
    page.get_by_label("Wat staat er op het spel?", exact=True).select_option("job_loss")
    page.get_by_text("Voorkomen kosten (kassabon, niet verplicht)").click()
    page.get_by_label("Wat wordt voorkomen 1", exact=True).fill("Bijstandsuitkering na baanverlies")
    page.locator("#f-avoided-costs-0-per-year").fill("16.428,72")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()


def test_welding_mask_through_the_form(page):
    enter_welding_mask(page)
    assert option_statuses(page) == {
        "Inhouding op het loon": "Maatwerkroute mogelijk", "Bijzondere bijstand": "Maatwerkroute mogelijk",
        "Gift in geld": "Geblokkeerd", "Hulp in natura (betaling aan de leverancier)": "Maatwerkroute mogelijk"}
    assert page.locator(".outcome").count() == 0  # no single verdict over options that differ
    special = page.locator("#optie-special_assistance")
    route = special.locator("li.route", has_text="Budget Maatwerkondersteuning")
    assert "Het sociaal wijkteam" in route.inner_text() and "Ja, op tijd" in route.inner_text()
    # art. 16 takes about 6 weeks in practice, help is needed within 14 days: said plainly, marked unverified
    art16 = special.locator("li.route", has_text="zeer dringende redenen").inner_text()
    assert "Onzeker" in art16 and "niet geverifieerd" in art16 and "Onbekend" not in art16 and "te laat" not in art16
    assert special.get_by_role("link", name="Inkomensgrens minimavoorzieningen gemeente Zaanstad").count() == 1
    assert "€ 16.428,72" in page.locator("section.kassabon").inner_text()
    assert "€ 1.720,00" in page.locator("section.facts-used").inner_text()  # read as the professional meant
    shot(page, "lasmasker")

    # Kopieer onderbouwing (the short form): plain paragraphs, no hard wraps, no underlines, each route once
    page.get_by_role("button", name="Kopieer onderbouwing").click()
    page.get_by_text("De onderbouwing staat op het klembord.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Onderbouwing casus zaanstad-lasmasker")
    assert "===" not in copied and "\n\n\n" not in copied
    paragraphs = copied.strip().split("\n\n")
    assert all("\n" not in p for p in paragraphs)  # a line break only between paragraphs
    assert paragraphs[2].startswith("Snelste route die op tijd kan: Budget Maatwerkondersteuning")  # advice first
    # then each route once, with the options it serves
    assert copied.split("Per optie:", 1)[1].count("Budget Maatwerkondersteuning, rechtstreeks") == 1
    assert "voor Bijzondere bijstand en Hulp in natura" in copied
    assert "Geadviseerde route: Budget Maatwerkondersteuning" in copied and copied.count("Onderbouwen:") == 1
    # the full form, folded below, has a button of its own
    page.get_by_text("Volledige onderbouwing (met redenen en alle routes)").click()
    page.get_by_role("button", name="Kopieer volledige onderbouwing").click()
    page.get_by_text("De onderbouwing staat op het klembord.").wait_for()
    full = page.evaluate("navigator.clipboard.readText()")
    assert full.startswith("Onderbouwing casus zaanstad-lasmasker") and full.count("Onderbouwen:") > 1
    page.get_by_text("Volledige onderbouwing (met redenen en alle routes)").click()  # folded again for the print

    # the print view: no navigation or buttons; the facts in words and the date of printing
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.get_by_role("button", name="Kopieer onderbouwing").is_visible()
    assert page.locator("#onderbouwing-kort").is_visible()  # the short form; the full one stays folded
    assert not page.locator("#onderbouwing").is_visible()
    assert page.get_by_text("Afgedrukt op").is_visible()
    assert page.locator("section.facts-used").is_visible()
    shot(page, "lasmasker-print")
    page.emulate_media(media="screen")


def test_the_welding_mask_prints_on_three_pages_at_most(page):
    page.goto("/?voorbeeld=lasmasker")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    pdf = page.pdf(format="A4")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "lasmasker.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3, pages


def test_an_ambiguous_amount_is_asked_back(page):
    page.goto("/?voorbeeld=lasmasker")
    page.locator("#f-need-amount").fill("1,100")
    page.get_by_role("button", name="Toets de casus").click()
    summary = page.locator("#fouten")
    summary.wait_for()
    assert "Bedoelt u € 1.100,00?" in summary.inner_text()
    assert page.locator("#f-need-amount").input_value() == "1,100"  # as typed, not guessed
    page.locator("#f-need-amount").fill("1.100,00")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_housemates_fold_away_and_open_without_script(browser, server, width):
    for script in (True, False):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL", base_url=server,
                                      java_script_enabled=script)
        page = context.new_page()
        fill_step_one(page, "medebewoners", "2026-03-02", ["Bijstand naar de volle norm (zonder kostendelersnorm)"])
        first = page.locator("#f-household-housemates-0-age")
        assert not first.is_visible()  # folded away: one line instead of 16 fields
        page.get_by_text("Medebewoners invullen (wie woont er nog meer in de woning?)").click()
        assert first.is_visible() and not page.locator("#f-household-housemates-1-age").is_visible()
        page.get_by_text("Nog een medebewoner").click()
        assert page.locator("#f-household-housemates-3-student-finance").is_visible()
        if width == 390:
            assert page.evaluate(OVERFLOWING) == []
            shot(page, f"medebewoners-{'js' if script else 'zonder-js'}-390")
        context.close()


def test_back_from_a_decision_shows_step_two_not_a_resubmit_prompt(page):
    fill_step_one(page, "terug", "2025-11-03", ["Bijzondere bijstand"])
    step_two = page.url
    assert "/formulier/" in step_two
    page.get_by_label("Soort hulpvraag", exact=True).select_option("one_off_cost")
    page.get_by_label("Bedrag (€)", exact=True).fill("450")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus terug").wait_for()
    page.go_back()
    page.get_by_role("heading", name="Stap 2 van 2: de vragen voor deze opties").wait_for()
    assert page.url == step_two and page.get_by_label("Bijzondere bijstand", exact=True).count() <= 1


def test_back_after_a_rule_link_shows_the_decision(page):
    page.goto("/?voorbeeld=lasmasker")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    address = page.url
    assert "/besluit/" in address
    page.locator("a.rule-link").first.click()
    page.wait_for_url("**/regelsets/**")
    page.go_back()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    assert page.url == address and len(option_statuses(page)) == 4
    # law links open in a new tab, so the decision stays where it is
    law = page.locator("section.option a[rel~=external]").first
    assert law.get_attribute("target") == "_blank"
    # a colleague opens the same address in a browser of their own
    other = page.context.browser.new_context(base_url=page.url.split("/besluit/")[0])
    try:
        colleague = other.new_page()
        colleague.goto(address)
        colleague.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    finally:
        other.close()


def covered_by_sticky_bar(page) -> list[str]:
    """Tab through the form; the focused elements that the sticky submit bar hides (even partly)."""
    hidden = []
    for _ in range(200):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => {
            const el = document.activeElement, bar = document.querySelector('.actions.sticky');
            if (!bar || !el || el === document.body) return null;
            const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
            const inBar = bar.contains(el);
            return {id: el.id || el.textContent.trim().slice(0, 30), inBar,
                    covered: !inBar && r.bottom > b.top && r.top < b.bottom && r.height > 0,
                    submit: el.textContent.trim() === 'Toets de casus'};
        }""")
        if state is None:
            continue
        if state["covered"]:
            hidden.append(state["id"])
        if state["submit"]:
            break
    return hidden


@pytest.mark.parametrize("width", [1366, 390])
def test_no_focused_field_hides_behind_the_sticky_bar(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 700}, locale="nl-NL", base_url=server)
    page = context.new_page()
    page.goto("/?voorbeeld=lasmasker")
    assert covered_by_sticky_bar(page) == []
    context.close()


def visible_words(page) -> set[str]:
    text = page.evaluate("document.body.innerText")
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_.{}]*", text))


# English a Dutch page must not show (status codes and words of the English page and the case format)
ENGLISH = {"allowed", "blocked", "route_available", "needs_information", "available", "conditional", "unavailable",
           "Welding", "mask", "employer", "requires", "the", "benefit", "after", "losing", "job", "case_id",
           "Discretionary", "discretionaire", "Gebonden", "gebonden", "true", "false", "null"}


def test_no_internal_name_and_no_english_on_the_dutch_pages(page, registry_names):
    facts, params = registry_names
    page.goto("/?voorbeeld=lasmasker")
    form_words = visible_words(page)
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    decision_words = visible_words(page)
    page.locator("a.rule-link").first.click()
    page.wait_for_url("**/regelsets/**")
    rule_words = visible_words(page)
    for where, words in (("form", form_words), ("decision", decision_words), ("rule", rule_words)):
        assert not words & facts, (where, words & facts)
        assert not words & params, (where, words & params)
        assert not words & ENGLISH, (where, words & ENGLISH)
        assert not any("{" in w or "}" in w for w in words), where


@pytest.fixture(scope="module")
def registry_names():
    from engine.registry import Registry
    registry = Registry.load(ROOT / "rulesets")
    facts = set(registry.vocabulary.facts)
    params = {f"{v.id}.{k}" for rs in registry.rulesets.values() for v in rs.versions for k in v.parameters}
    return facts, params


def test_incomplete_case_shows_the_questions_to_ask(page):
    fill_step_one(page, "zaanstad-onvolledig", "2025-11-03", ["Bijzondere bijstand"])
    page.get_by_label("Samenstelling", exact=True).select_option("couple")
    page.get_by_label("Leeftijd aanvrager", exact=True).fill("52")
    page.get_by_label("Leeftijd partner", exact=True).fill("49")
    page.get_by_label("Leeftijden van de kinderen ten laste", exact=True).fill("15")
    page.get_by_label("Soort hulpvraag", exact=True).select_option("one_off_cost")
    page.get_by_label("Omschrijving", exact=True).fill("Kapotte wasmachine vervangen")
    page.get_by_label("Bedrag (€)", exact=True).fill("450")
    page.get_by_role("button", name="Toets de casus").click()

    page.get_by_role("heading", name="Uitkomst casus zaanstad-onvolledig").wait_for()
    assert option_statuses(page) == {"Bijzondere bijstand": "Informatie nodig"}
    questions = page.locator("section.questions")
    assert questions.get_by_role("heading", name="Nog uit te zoeken").is_visible()
    items = [i.strip() for i in questions.locator("li").all_inner_texts()]
    assert len(items) == len(set(items))  # never twice
    text = "\n".join(items)
    assert "netto maandinkomen" in text and "schuldregeling" in text
    assert text.index("netto maandinkomen") < text.index("schuldregeling")  # the order of a conversation
    shot(page, "onvolledig")
    page.set_viewport_size({"width": 390, "height": 900})  # on a phone a long status wraps, nothing scrolls sideways
    assert page.evaluate(OVERFLOWING) == []
    page.set_viewport_size({"width": 1366, "height": 900})
    # each question leads to its field, with the case still filled in
    questions.get_by_role("link", name=re.compile("netto maandinkomen")).click()
    page.get_by_role("heading", name="Stap 2 van 2: de vragen voor deze opties").wait_for()
    assert page.locator("#f-applicant-age").input_value() == "52"
    assert page.url.endswith("#f-income-0-net-monthly")


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
    assert page.evaluate("document.activeElement.id") == "f-need-amount"
    # the label and the message are in view too, not just the input
    for selector in ('label[for="f-need-amount"]', "#f-need-amount-error", "#f-need-amount"):
        box = page.locator(selector).bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"], selector
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
        assert page.goto("/casusboek").status == 200  # the analysts' page (the same token counts)
        assert page.get_by_role("heading", name="Casusboek", exact=True).count() == 1
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


@pytest.mark.parametrize("path, width", [(p, w) for p in ("/", "/?voorbeeld=lasmasker", "/regelsets",
                                                         "/regelsets/zaanstad/2025-07-01/regels/zaanstad.bb.inkomensgrens",
                                                         "/v1/casebook/page")
                                         for w in (1366, 390)])
def test_pages_meet_wcag_a_and_aa(page, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path)
    assert violations(page) == []
    if path == "/v1/casebook/page":  # its charts fit; the collision matrix and wide tables scroll by keyboard
        assert page.evaluate(OVERFLOWING) == []


OVERFLOWING = """() => [...document.querySelectorAll('main *')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > window.innerWidth + 1 || (el.tagName !== 'INPUT' && el.scrollWidth > el.clientWidth + 1))
           && getComputedStyle(el).overflowX !== 'auto' && getComputedStyle(el).overflowY !== 'auto'
           && !el.closest('.visually-hidden')
           && !el.closest('svg')  // an SVG's marks are clipped to it; the box around the SVG is checked
           && !el.parentElement.closest('[role=region][tabindex="0"]');  // inside a region one can scroll by keyboard
}).map(el => el.tagName + '.' + el.className).slice(0, 5)"""


@pytest.mark.parametrize("path", ["/", "/?voorbeeld=lasmasker"])
def test_the_form_fits_a_phone(page, path):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate(OVERFLOWING) == []


@pytest.mark.parametrize("width", [1366, 390])
def test_decision_page_meets_wcag_a_and_aa(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/?voorbeeld=lasmasker")
    page.get_by_role("button", name="Toets de casus").click()
    page.get_by_role("heading", name="Uitkomst casus zaanstad-lasmasker").wait_for()
    assert violations(page) == []
    shot(page, f"lasmasker-{width}")
    if width == 390:  # nothing wider than the phone, no badge cut off, no amount broken over two lines
        assert page.evaluate(OVERFLOWING) == []
        broken = page.evaluate("""() => [...document.querySelectorAll('.badge, dl.receipt dd')]
            .filter(el => el.getClientRects().length > 1).map(el => el.textContent.trim())""")
        assert broken == []
    page.emulate_media(media="print")
    assert violations(page) == []
