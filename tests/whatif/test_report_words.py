"""What policy staff read in a what-if report: directions that hold, units that are named, Dutch words.

The review that led here: raising Zaanstad's income limit 110% → 120% read "48 geholpen, 48 benadeeld",
and lowering it to 100% "55 geholpen": a household whose maatwerk route was no longer needed (the block
went) but whose answer now waits on an open norm of the rule set was called hurt, and the reverse helped.
"""
import datetime as dt
import re
from decimal import Decimal

import polars as pl
import pytest

from service.cli.main import main
from tests.conftest import RULESETS, ROOT
from tests.whatif.test_compare import LIMIT, MAATWERK, OPTIONS, side
from whatif import report
from whatif.columnar import col
from whatif.compare import compare
from whatif.overlay import parameter_overlay
from whatif.scenario import Ref, baseline, reform

OVERLAY = str(ROOT / "whatif" / "examples" / "zaanstad-120.yaml")
TERM = "participatiewet.draagkrachtperiode_maanden"
TERM_TITLE = "Draagkrachtperiode: de periode waarover het college inkomen en vermogen meetelt"

ROUTED = ("route_available", [LIMIT], [MAATWERK], [])
WAITS = ("needs_information", [], [], [])
BLOCKED = ("blocked", [LIMIT], [], [])


def with_open(outcomes, case_id: str, terms: list[str], facts: list[str] = ()):
    """`outcomes` with the open terms and missing facts of one case set, for every option."""
    cases = outcomes.cases
    hit = pl.col("case_id") == case_id
    for o in OPTIONS:
        cases = cases.with_columns(
            pl.when(hit).then(pl.lit(terms, dtype=pl.List(pl.String))).otherwise(pl.col(col("open_terms", o)))
            .alias(col("open_terms", o)),
            pl.when(hit).then(pl.lit(list(facts), dtype=pl.List(pl.String))).otherwise(pl.col(col("missing_facts", o)))
            .alias(col("missing_facts", o)))
    outcomes.cases = cases
    return outcomes


def lifted():
    """c1: the block goes and an open norm now decides (route → informatie nodig); c2: the block goes (blocked →
    informatie nodig); c3: a block comes where an open norm decided (informatie nodig → route); c4: hurt."""
    before = side([{"id": "c1", "in_kind": ROUTED, "special_assistance": ROUTED},
                   {"id": "c2", "in_kind": BLOCKED, "special_assistance": BLOCKED},
                   {"id": "c3", "in_kind": WAITS, "special_assistance": WAITS},
                   {"id": "c4", "in_kind": WAITS, "special_assistance": WAITS}], "b")
    after = side([{"id": "c1", "in_kind": WAITS, "special_assistance": WAITS},
                  {"id": "c2", "in_kind": WAITS, "special_assistance": WAITS},
                  {"id": "c3", "in_kind": ROUTED, "special_assistance": ROUTED},
                  {"id": "c4", "in_kind": BLOCKED, "special_assistance": BLOCKED}], "a")
    with_open(after, "c1", [TERM], ["need.purpose"])
    with_open(after, "c2", [TERM])
    with_open(before, "c3", [TERM])
    with_open(before, "c4", [TERM])
    return compare(before, after)


def meta(**kw) -> report.Meta:
    registry = baseline(RULESETS, Ref("zaanstad"))
    return report.Meta(title="Test", base="zaanstad@2025-09-15", change="120%", source="4 casussen",
                       labels=report.labels(registry), municipalities=report.municipality_names(registry), **kw)


def vocab():
    return baseline(RULESETS, Ref("zaanstad")).vocabulary


def test_a_flip_between_route_and_informatie_nodig_is_neither_helped_nor_hurt():
    c = lifted()
    t = c.totals
    effects = {(r["case_id"], r["option"]): r["effect"] for r in c.flips().iter_rows(named=True)}
    assert effects[("c1", "in_kind")] == "open" and effects[("c3", "in_kind")] == "open"
    assert effects[("c2", "in_kind")] == "helped" and effects[("c4", "in_kind")] == "hurt"
    assert (t["households_helped"], t["households_hurt"], t["households_open"]) == (1, 1, 2)
    by_rule = {(r["id"], r["change"]): (r["helped"], r["hurt"], r["open"]) for r in c.by_rule.iter_rows(named=True)}
    assert by_rule[(LIMIT, "blocks_disappeared")] == (2, 0, 2)


def test_the_summary_says_what_an_open_flip_waits_on():
    c = lifted()
    text = report.text_summary(c, vocab(), meta())
    assert "Huishoudens: 1 geholpen, 1 benadeeld, 2 niet te vergelijken, want dat hangt af van een open norm" in text
    assert f"{TERM_TITLE} ({TERM}): 4 opties open" in text
    page = report.html(c, vocab(), meta())
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "2 niet te vergelijken" in flat and "Die huishoudens staan apart" in flat
    tight = flat.replace(" ,", ",")
    assert "1 benadeeld, 2 niet te vergelijken" in tight and ", (van" not in tight
    # each example row says which block went and what now decides, by name and label, not by id alone
    assert ("hangt nu af van: open norm in de regelset: " + TERM_TITLE) in flat
    assert "ontbrekend gegeven: het doel van de kosten" in flat and "hing af van: open norm in de regelset" in flat
    assert "blokkade weg: Geen bijzondere bijstand boven 110%" in flat


def test_the_per_rule_counts_say_they_count_options_not_households():
    c = lifted()
    text = report.text_summary(c, vocab(), meta())
    assert "Per regel en route (aantallen in opties, casus × optie)" in text
    assert "(2 opties beter, 0 opties slechter, 2 opties open)" in text
    page = report.html(c, vocab(), meta())
    assert "<th class=\"n\">opties beter</th>" in page and "<th class=\"n\">geholpen</th>" not in page
    assert "Aantallen in opties (casus × optie), niet in huishoudens." in page


def test_a_missing_fact_is_named_by_its_label():
    c = lifted()
    page = report.html(c, vocab(), meta())
    assert "nu ook nodig: het doel van de kosten" in page and "nu ook nodig: need.purpose" not in page


def test_a_title_that_names_the_old_value_says_the_new_one():
    day = dt.date(2025, 9, 15)
    for value, words in ((Decimal("1.20"), "120%"), (Decimal("1.00"), "100%"), (Decimal("1.125"), "112,5%")):
        after = reform(RULESETS, Ref("zaanstad", day), parameter_overlay("zaanstad", "percentage_inkomensgrens", value, day))
        label = report.labels(after)[LIMIT]
        assert label.startswith(f"Geen bijzondere bijstand boven 110% van de bijstandsnorm (in deze wijziging: {words})")
    # the rule set as it is: no note; an overlay that words the title anew: no note either
    assert "in deze wijziging" not in report.labels(baseline(RULESETS, Ref("zaanstad")))[LIMIT]
    retitled = reform(RULESETS, Ref("zaanstad", day), OVERLAY)
    assert report.labels(retitled)[LIMIT].startswith("Geen bijzondere bijstand boven 120% van de bijstandsnorm (")


@pytest.mark.parametrize("value, helped, hurt", [("1.20", "48 geholpen, 0 benadeeld", "46 niet te vergelijken"),
                                                 ("1.00", "0 geholpen, 61 benadeeld", "47 niet te vergelijken")])
def test_the_reviewers_population_raised_and_lowered(tmp_path, capsys, value, helped, hurt):
    """The reviewer's steps: 5,000 households, seed 1, the limit to 120% and to 100% (a parameter only, as the
    page's form makes it). Before: "48 geholpen, 48 benadeeld" and "55 geholpen, 61 benadeeld". The households that
    cannot be compared went from 48 and 55 to 46 and 47 with the law changes of legal audit D-71..D-79; helped and
    hurt are unchanged."""
    overlay = tmp_path / "o.yaml"
    overlay.write_text(f"overlay: {{title: Grens naar {value}, ruleset: zaanstad, from: 2026-01-01}}\n"
                       f"parameters:\n  percentage_inkomensgrens: {{value: \"{value}\"}}\n")
    html = tmp_path / "r.html"
    assert main(["whatif", "--base", "zaanstad@2025-09-15", "--change", str(overlay), "--population", "5000",
                 "--seed", "1", "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert f"Huishoudens: {helped}, {hurt}" in out
    assert f"{TERM_TITLE} ({TERM})" in out
    assert f"(in deze wijziging: {round(float(value) * 100)}%)" in out


def test_a_sweep_names_its_parameter_and_writes_values_and_money_as_the_reader_does():
    c = lifted()
    sweep = pl.DataFrame({"value": ["1.00", "1.05", "1.50"], "households_helped": [0, 1, 2], "households_hurt": [3, 0, 0],
                          "households_open": [0, 0, 0], "flips": [3, 1, 2], "newly_granted": [0, 0, 1], "newly_granted_eur": ["0.00", "0.00", "1419.46"],
                          "no_longer_granted": [0, 0, 0]})
    page = report.html(c, vocab(), meta(), sweep, "zaanstad.percentage_inkomensgrens")
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    title = "Inkomensgrens voor bijzondere bijstand, IIT en collectieve zorgverzekering, als deel van de bijstandsnorm"
    assert f"Reeks van waarden: {title}" in flat
    assert "100%" in flat and "105%" in flat and "150%" in flat and ">1.05<" not in page
    assert "€ 0,00" in flat and "€ 1.419,46" in flat and "0.00" not in flat
    # the chart's title wraps within the chart instead of running off its edge
    svg = page[page.index("<svg", page.index("Reeks van waarden")):]
    heading = re.search(r'<text x="0" y="16" font-weight="bold">(.*?)</text>', svg)[1]
    assert all(len(line) <= 60 for line in re.findall(r"<tspan[^>]*>(.*?)</tspan>", heading))
    assert heading.count("<tspan") > 1


def test_the_command_line_writes_a_sweeps_money_the_dutch_way(capsys):
    assert main(["whatif", "--base", "zaanstad@2025-09-15", "--sweep", "zaanstad.percentage_inkomensgrens=1.00:1.10:0.10",
                 "--population", "200", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "nieuw toegekend € 0,00" in out and "€ 0.00" not in out


def test_an_english_report_takes_the_overlays_english_title(tmp_path, capsys):
    html = tmp_path / "r.html"
    assert main(["whatif", "--lang", "en", "--base", "zaanstad@2025-09-15", "--change", OVERLAY, "--population", "300",
                 "--seed", "1", "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What-if: Zaanstad income limit for special assistance from 110% to 120%")
    assert "<h1>What-if: Zaanstad income limit" in html.read_text()
