"""The what-if report: escaped text, nothing fetched from the internet (its charts: tests/reporting)."""
import re

import polars as pl

from tests.conftest import RULESETS
from tests.whatif.test_compare import AFTER, BEFORE, side
from whatif import report
from whatif.compare import compare
from whatif.scenario import Ref, baseline



def meta() -> report.Meta:
    registry = baseline(RULESETS, Ref("zaanstad"))
    return report.Meta(title="Test <wijziging>", base="zaanstad@2025-09-15", change="120%", source="5 casussen",
                       labels=report.labels(registry), municipalities=report.municipality_names(registry),
                       notes=["A1: een aanname"])


def test_the_html_report_is_self_contained_and_complete():
    c = compare(side(BEFORE, "b"), side(AFTER, "a"))
    vocab = baseline(RULESETS, Ref("zaanstad")).vocabulary
    sweep = pl.DataFrame({"value": ["1.10", "1.20"], "households_helped": [0, 2], "households_hurt": [0, 1],
                          "households_open": [0, 0], "flips": [0, 5], "newly_granted": [0, 2], "newly_granted_eur": ["0.00", "500.00"],
                          "no_longer_granted": [0, 0]})
    page = report.html(c, vocab, meta(), sweep, "zaanstad.percentage_inkomensgrens")
    # no scripts, and no address but the SVG namespace: it opens offline
    assert "<script" not in page
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}
    assert "Test &lt;wijziging&gt;" in page  # escaped
    assert "Geen bijzondere bijstand boven 110% van de bijstandsnorm" in page  # rule titles, not ids
    assert "€ 500,00" in page and "Gemeente Zaanstad" not in page and "Zaanstad" in page
    assert page.count("<svg") == 5 and "A1: een aanname" in page


def test_the_text_summary_names_rules_and_money_in_dutch():
    c = compare(side(BEFORE, "b"), side(AFTER, "a"))
    vocab = baseline(RULESETS, Ref("zaanstad")).vocabulary
    text = report.text_summary(c, vocab, meta())
    assert "Huishoudens: 2 geholpen, 1 benadeeld (van 5)" in text
    assert "Bijzondere bijstand: maatwerkroute mogelijk → geblokkeerd  1" in text
    assert "Zaanstad: 2 huishoudens nieuw toegekend, € 500,00 (+1 bedrag onbekend)" in text
    english = report.text_summary(c, vocab, meta(), "en")
    assert "Households: 2 helped, 1 hurt (of 5)" in english and "€500.00" in english


def test_the_flips_table_for_csv_has_flat_lists_and_exact_euros():
    c = compare(side(BEFORE, "b"), side(AFTER, "a"))
    flat = report.flips_table(c, flat=True)
    assert flat.schema["blocks_disappeared"] == pl.String
    row = flat.filter((pl.col("case_id") == "c1") & (pl.col("option") == "in_kind")).row(0, named=True)
    assert row["amount_eur"] == "500.00" and row["blocks_disappeared"] == "zaanstad.bb.inkomensgrens"
    assert report.flips_table(c).schema["routes_closed"] == pl.List(pl.String)
