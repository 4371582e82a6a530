"""Links in a decision open the law as it read on the reference date, and case law on rechtspraak.nl."""
import datetime as dt

from decision.decide import decide
from engine.case import parse_case
from engine.evaluator import evaluate
from engine.sources import case_law_url, dated, dated_url
from tests.engine.test_horizon import household_case

DAY = dt.date(2026, 9, 1)


def test_article_links_get_the_geldigheidsdatum():
    url = "https://wetten.overheid.nl/jci1.3:c:BWBR0015703&artikel=31"
    assert dated_url(url, DAY) == url + "&g=2026-09-01"
    # an earlier date is replaced, not doubled
    assert dated_url(url + "&g=2024-01-01", DAY) == url + "&g=2026-09-01"
    assert dated_url("https://wetten.overheid.nl/BWBR0015703", DAY) == "https://wetten.overheid.nl/BWBR0015703/2026-09-01"
    # a text of a stated date, or another site, stays as it is
    for kept in ("https://wetten.overheid.nl/BWBR0015703/2025-07-01", "https://www.zaanstad.nl/",
                 "https://lokaleregelgeving.overheid.nl/CVDR626298"):
        assert dated_url(kept, DAY) == kept


def test_case_law_links_only_for_an_ecli():
    assert case_law_url("ECLI:NL:CRVB:2017:501") == "https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:CRVB:2017:501"
    assert case_law_url("CRvB 2017") is None


def test_every_law_link_in_a_decision_carries_its_reference_date(registry):
    decision = decide(household_case("2026-09-01"), registry)
    urls = [i["source"]["url"] for o in decision["options"] for k in ("blocked_by", "possible_blocks", "grounds", "routes")
            for i in o[k] if i["source"].get("url", "").startswith("https://wetten.overheid.nl/jci")]
    urls += [p["source"]["url"] for p in decision["presumptions"] if "jci1.3" in p["source"].get("url", "")]
    assert urls and all(u.endswith("&g=2026-09-01") for u in urls)
    used = {r["id"]: r.get("url") for r in decision["rulesets"]}
    assert used["participatiewet"] == "https://wetten.overheid.nl/BWBR0015703/2026-09-01"
    assert used["amsterdam"] == "https://lokaleregelgeving.overheid.nl/CVDR679865"


def test_the_case_law_a_route_rests_on_is_in_the_explanation(registry, welding_case):
    decision = decide(welding_case, registry)
    text = " ".join(decision["explanation"].split())
    assert "Rechtspraak: ECLI:NL:CRVB:2017:501 (https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:CRVB:2017:501)" in text


def test_a_dated_source_is_one_shared_dict_per_source_and_day():
    source = {"title": "Participatiewet art. 31", "url": "https://wetten.overheid.nl/jci1.3:c:BWBR0015703&artikel=31"}
    first = dated(source, DAY)
    assert first["url"].endswith("&g=2026-09-01") and source["url"].endswith("artikel=31")  # the source unchanged
    assert dated(source, DAY) is first and dated(source, dt.date(2026, 9, 2)) is not first
    # undated (None) or without a link: the source itself
    assert dated(source, None) is source
    plain = {"title": "Beleidsregel"}
    assert dated(plain, DAY) is plain


def test_only_the_decision_with_links_dated_differs_from_the_plain_evaluation(registry):
    case = parse_case(household_case("2026-09-01"))
    plain, linked = evaluate(case, registry), evaluate(case, registry, dated=True)
    sources = [(i["source"], j["source"]) for o, p in zip(plain["options"], linked["options"])
               for k in ("blocked_by", "possible_blocks", "grounds", "routes") for i, j in zip(o[k], p[k])]
    sources += [(s["source"], t["source"]) for a, b in zip(plain["amounts"], linked["amounts"])
                for s, t in zip(a["steps"], b["steps"])]
    assert any(x["url"] != y["url"] for x, y in sources)
    assert all(y == dated(x, case.reference_date) for x, y in sources)
    assert not any("&g=" in x.get("url", "") for x, _ in sources)


def test_dated_sources_are_kept_for_a_few_days_and_a_new_day_dates_afresh():
    source = {"title": "Participatiewet art. 31", "url": "https://wetten.overheid.nl/jci1.3:c:BWBR0015703&artikel=31"}
    first = dated(source, DAY)
    days = [DAY + dt.timedelta(days=i) for i in range(1, 40)]
    for day in days:  # more days than are kept: the first day's entry is gone, its answer is not
        assert dated(source, day)["url"].endswith(f"&g={day.isoformat()}")
    again = dated(source, DAY)
    assert again == first and again["url"].endswith("&g=2026-09-01")
    assert dated(dict(source), DAY) == first  # an equal source of another identity: dated alike


def test_more_sources_on_one_day_than_are_kept_are_dated_alike_also_from_threads():
    """A day's sources are cleared when there are more than any registry cites (live reloads make new source
    dicts); threads dating sources of that day meanwhile still get the day's links (the date is not in the
    cleared store)."""
    import threading

    sources = [{"title": f"art. {i}", "url": f"https://wetten.overheid.nl/jci1.3:c:BWBR0015703&artikel={i}"}
               for i in range(10_000)]
    wrong = []

    def date_all(part):
        for s in part:
            try:
                if dated(s, DAY)["url"] != s["url"] + "&g=2026-09-01":
                    wrong.append(s["title"])
            except Exception as exc:  # a thread's exception would otherwise pass unseen
                wrong.append(repr(exc))

    threads = [threading.Thread(target=date_all, args=(sources[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
