"""Charts and the report: valid SVG, escaped text, nothing fetched from the internet."""
import re
import xml.etree.ElementTree as ET

import polars as pl

from tests.conftest import RULESETS
from tests.whatif.test_compare import AFTER, BEFORE, side
from whatif import charts, report
from whatif.compare import compare
from whatif.scenario import Ref, baseline

SVG = "{http://www.w3.org/2000/svg}"


def test_ticks_are_round_and_cover_the_top():
    assert charts.nice_ticks(95) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(3) == [0, 1, 2, 3] and charts.nice_ticks(0.6) == [0, 0.2, 0.4, 0.6]
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.number(1234567) == "1.234.567" and charts.number(0.5) == "0,50"


def test_bars_are_proportional_and_labels_are_escaped():
    svg = charts.bar_chart("Per <regel>", [("a & b", [30, 10]), ("c", [10, 0])], ["geholpen", "benadeeld"])
    root = ET.fromstring(svg)  # well-formed XML, so the label was escaped
    rects = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == 3 * widths[1] and widths[2] == widths[1]
    assert "a &amp; b" in svg and root.find(f"{SVG}title").text == "Per <regel>"


def test_a_line_chart_has_a_point_per_value_and_series():
    svg = charts.line_chart("Sweep", ["1.00", "1.05", "1.10"], {"geholpen": [0, 5, 9], "benadeeld": [3, 1, 0]},
                            "grens", "huishoudens")
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{SVG}circle"))) == 6 and len(list(root.iter(f"{SVG}polyline"))) == 2


def test_an_empty_chart_says_so():
    assert ">geen<" in charts.bar_chart("Per gemeente", [], ["a", "b"])


def meta() -> report.Meta:
    registry = baseline(RULESETS, Ref("zaanstad"))
    return report.Meta(title="Test <wijziging>", base="zaanstad@2025-09-15", change="120%", source="5 casussen",
                       labels=report.labels(registry), municipalities=report.municipality_names(registry),
                       notes=["A1: een aanname"])


def test_the_html_report_is_self_contained_and_complete():
    c = compare(side(BEFORE, "b"), side(AFTER, "a"))
    vocab = baseline(RULESETS, Ref("zaanstad")).vocabulary
    sweep = pl.DataFrame({"value": ["1.10", "1.20"], "households_helped": [0, 2], "households_hurt": [0, 1],
                          "flips": [0, 5], "newly_granted": [0, 2], "newly_granted_eur": ["0.00", "500.00"],
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
