"""The analysts' casebook pages (service.web.casebook) and saving a case from the decision page."""
from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient

from casebook.evaluation import evaluation_label
from casebook.importers import RawRecord, import_records
from casebook.store import Store
from casebook.synthetic import generate
from service.http import casebook as api_casebook
from service.http.app import create_app
from service.web.casebook import period_bounds
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def filled(tmp_path_factory, registry):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('cb') / 'casebook.sqlite'}")
    records = (RawRecord("test", i + 1, r) for i, r in enumerate(generate(150, 7, registry)))
    import_records(store, registry, records, evaluation_label(registry, "rulesets"), kind="test", source="test")
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(filled, registry):
    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.dependency_overrides[api_casebook.get_store] = lambda: filled
    with TestClient(app) as c:
        yield c


def text_of(page: str) -> str:
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def counted_links(page: str) -> list[tuple[str, int]]:
    """(address, count) of every link on the overview that shows a count of cases."""
    out = []
    for href, inner in re.findall(r'<a href="(/casusboek/casussen[^"]*)">(.*?)</a>', page, flags=re.S):
        inner = re.sub(r"<svg.*?</svg>", "", inner, flags=re.S)
        numbers = re.findall(r"<b>(\d+)</b>|class=\"bar-n\">(\d+)|: (\d+)$|^(\d+)$", inner.strip())
        if numbers:
            n = next(int(x) for x in numbers[0] if x)
            out.append((html.unescape(href), n))
    return out


def test_the_overview_speaks_dutch_and_names_no_internal_ids(client, registry):
    page = client.get("/casusboek")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "<h1>Casusboek</h1>" in page.text
    assert 'href="/casusboek" aria-current="page"' in page.text  # in the site's menu, marked as here
    rule_ids = {r for rs in registry.rulesets.values() for v in rs.versions for r in [*v.rules, *v.routes]}
    facts = set(registry.vocabulary.facts)
    found = set(re.findall(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+", words))
    assert not found & rule_ids and not found & facts, found & (rule_ids | facts)
    for code in ("route_available", "needs_information", "allowed", "blocked"):
        assert code not in words.split()
    assert "Zaanstad" in words  # municipality names as written, not slugs only
    # the rule set's open figures are apart from the facts a household lacks
    assert words.index("Feiten die bij huishoudens ontbreken") < words.index("Open normen in de regelsets")


@pytest.mark.parametrize("query", ["", "?from=2025-02-15&to=2025-11-20&period=quarter"])
def test_every_count_leads_to_exactly_the_cases_it_counts(client, query):
    page = client.get(f"/casusboek{query}").text
    links = counted_links(page)
    kinds = {re.sub(r"=.*", "", q) for href, _ in links for q in href.split("?", 1)[-1].split("&") if q}
    # tiles, bars per rule, periods, collisions, routes per block, facts, municipalities
    assert {"outcome", "regel", "from", "blokkade", "feit", "municipality", "botsing", "alleen_discretionair"} <= kinds
    checked = 0  # (with a date filter, a period at its edge counts only the days within it)
    for href, n in links:
        listed = client.get(href)
        assert listed.status_code == 200, href
        heading = re.search(r"<h1>(\d+) casussen</h1>", listed.text)
        assert heading and int(heading[1]) == n, (href, n, heading and heading[1])
        checked += 1
    assert checked > 20


def test_a_listed_case_shows_its_stored_decision_and_onderbouwing(client):
    listed = client.get("/casusboek/casussen?outcome=blocked").text
    case_id, scope = re.search(r'href="/casusboek/casus/([^"?]+)\?([^"]+)"', listed).groups()
    assert "gemeente=" in scope and "team=" in scope  # an id alone may name cases of several teams
    page = client.get(f"/casusboek/casus/{case_id}?{html.unescape(scope)}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert f"Onderbouwing casus {case_id}" in words
    assert "geen enkele route" in words and "Geblokkeerd" in words


def test_an_unknown_case_is_not_found_and_not_echoed(client):
    page = client.get("/casusboek/casus/111222333")
    assert page.status_code == 404 and "111222333" not in text_of(page.text).replace("/casusboek/casus/", "")


def test_a_bad_filter_is_a_dutch_422(client):
    page = client.get("/casusboek?from=gisteren")
    assert page.status_code == 422 and "geen geldige datum" in page.text and "gisteren" not in text_of(page.text)


@pytest.mark.parametrize("period, bounds", [("2025-K3", ("2025-07-01", "2025-09-30")),
                                            ("2024-K4", ("2024-10-01", "2024-12-31")),
                                            ("2024-02", ("2024-02-01", "2024-02-29")),
                                            ("2025-12", ("2025-12-01", "2025-12-31")), ("2026", ("2026-01-01", "2026-12-31"))])
def test_a_period_of_the_trend_is_its_dates(period, bounds):
    start, end = period_bounds(period)
    assert (start.isoformat(), end.isoformat()) == bounds


# -- saving from the decision page ---------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path, registry):
    store = Store.open(f"sqlite:///{tmp_path / 'casebook.sqlite'}")
    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    with TestClient(app) as c:
        yield c, store
    store.close()


def checked_case(client) -> str:
    """The welding mask checked on the web page (uploaded as a file): the decision page's address."""
    text = (EXAMPLES / "zaanstad-lasmasker.yaml").read_bytes()
    answer = client.post("/toets/bestand", files={"file": ("lasmasker.yaml", text)}, follow_redirects=False)
    assert answer.status_code == 303
    return answer.headers["location"]


def test_a_professional_saves_the_case_with_consent_team_and_signal(fresh):
    client, store = fresh
    address = checked_case(client)
    page = client.get(address).text
    assert "Opslaan in het casusboek" in page and "Geen naam, adres of BSN" in page
    key = address.rsplit("/", 1)[-1]
    # without the tick: nothing stored, and said where
    refused = client.post(f"/besluit/{key}/casusboek", data={"team": "wijkteam-oost", "signal": "te laat"})
    assert refused.status_code == 422 and 'href="#s-consent"' in refused.text
    assert store.stats()["cases"] == 0
    # a signal with a BSN-like number: refused, nothing stored, the number not shown again
    bsn = client.post(f"/besluit/{key}/casusboek", data={"team": "wijkteam-oost", "signal": "bsn 111222333",
                                                         "consent": "ja"})
    assert bsn.status_code == 422 and "111222333" not in bsn.text and store.stats()["cases"] == 0
    saved = client.post(f"/besluit/{key}/casusboek", data={"team": "wijkteam-oost", "consent": "ja",
                                                           "signal": "systeemprobleem: voorschot komt te laat"},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?opgeslagen=ja")
    version = store.case("zaanstad-lasmasker")["versions"][0]
    assert (version["team"], version["signal"]) == ("wijkteam-oost", "systeemprobleem: voorschot komt te laat")
    assert version["decisions"][0]["outcome"] == "route_available"
    assert "systeemprobleem: voorschot komt te laat" in client.get("/casusboek").text


def test_saving_from_another_site_is_refused(fresh):
    client, store = fresh
    answer = client.post("/besluit/abc/casusboek", data={"team": "x", "consent": "ja"},
                         headers={"Origin": "https://elders.example"})
    assert answer.status_code == 403 and store.stats()["cases"] == 0


def test_in_english_on_request(client):
    page = client.get("/casusboek?lang=en")
    text = text_of(page.text)
    assert "<h1>Casebook</h1>" in page.text and "Which rules block help" in text
    assert "Welke regels" not in text and "casussen" not in text
    link = re.search(r'href="(/casusboek/casussen\?[^"]*outcome=blocked[^"]*)"', page.text)[1]
    listed = client.get(html.unescape(link))
    assert "lang=en" in link and "no route at all" in text_of(listed.text)


@pytest.mark.parametrize("field, text", [("team", "Jan de Vries"), ("signal", "mevrouw Jansen kreeg geen voorschot")])
def test_a_person_s_name_is_refused_when_saving_from_the_decision_page(fresh, field, text):
    client, store = fresh
    key = checked_case(client).rsplit("/", 1)[-1]
    data = {"team": "Team Noord", "signal": "systeemprobleem: voorschot", "consent": "ja", field: text}
    r = client.post(f"/besluit/{key}/casusboek", data=data)
    assert r.status_code == 422 and store.stats()["cases"] == 0
    summary = r.text.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    label = "Uw team" if field == "team" else "Signaal (niet verplicht)"
    assert f'<a href="#s-{field}">{label}</a>: dit lijkt de naam van een persoon' in summary
    assert text not in r.text and "Jansen" not in r.text and "Vries" not in r.text  # not echoed, not kept in the field
    ok = client.post(f"/besluit/{key}/casusboek", data={**data, field: "Team Noord" if field == "team" else ""},
                     follow_redirects=False)
    assert ok.status_code == 303 and store.stats()["cases"] == 1
