"""A sweep counts per value, beside the households helped and hurt, those whose status goes between 'maatwerkroute
mogelijk' and 'informatie nodig' (open, decision record 0043): in the JSON, the command line's lines (Dutch and
English), the report's table and chart. The page and the API: tests/service/web/test_whatif.py,
tests/service/http/test_whatif.py."""
import json
import re

import polars as pl

from service.cli.main import main
from tests.conftest import RULESETS
from tests.whatif.test_compare import BEFORE, side
from tests.whatif.test_report import meta
from tests.whatif.test_report_words import OVERLAY
from whatif import report
from whatif.compare import compare
from whatif.scenario import Ref, baseline

SWEEP = ["--sweep", "zaanstad.percentage_inkomensgrens=1.00:1.20:0.10", "--population", "300", "--seed", "1"]


def test_a_point_counts_the_open_households_as_the_what_if_of_that_value_does(capsys):
    # policy staff sweep Zaanstad's income limit beside the draft 120%: at 120% the sweep says what the draft says
    assert main(["whatif", "--base", "zaanstad@2025-09-15", "--change", OVERLAY, *SWEEP, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    t, points = out["totals"], {p["value"]: p for p in out["sweep"]["points"]}
    at_120 = points["1.20"]
    assert t["households_open"] > 0
    assert (at_120["households_helped"], at_120["households_hurt"], at_120["households_open"]) == \
        (t["households_helped"], t["households_hurt"] + t["households_mixed"], t["households_open"])
    assert points["1.10"]["households_open"] == 0  # 110% is the base


def test_the_command_line_says_it_per_point_in_the_readers_language(capsys):
    assert main(["whatif", "--base", "zaanstad@2025-09-15", *SWEEP]) == 0
    nl = capsys.readouterr().out
    assert re.search(r"1\.20\s+geholpen\s+\d+\s+benadeeld\s+\d+\s+niet te vergelijken\s+[1-9]\d*\s+nieuw toegekend", nl)
    assert main(["whatif", "--lang", "en", "--base", "zaanstad@2025-09-15", *SWEEP]) == 0
    en = capsys.readouterr().out
    assert re.search(r"1\.20\s+helped\s+\d+\s+hurt\s+\d+\s+not comparable\s+[1-9]\d*\s+newly granted", en)
    assert "geholpen" not in en and "benadeeld" not in en


def test_the_report_has_a_column_and_a_line_for_them():
    c = compare(side(BEFORE, "b"), side(BEFORE, "b"))  # a sweep alone: the summary has no open households
    vocab = baseline(RULESETS, Ref("zaanstad")).vocabulary
    sweep = pl.DataFrame({"value": ["1.10", "1.20"], "households_helped": [0, 2], "households_hurt": [0, 1],
                          "households_open": [0, 4], "flips": [0, 9], "newly_granted": [0, 2],
                          "newly_granted_eur": ["0.00", "500.00"], "no_longer_granted": [0, 0]})
    page = report.html(c, vocab, meta(), sweep, "zaanstad.percentage_inkomensgrens")
    table = page[page.index("<table", page.index("Reeks van waarden")):]
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table[:table.index("</table>")]))
    assert "Waarde geholpen benadeeld niet te vergelijken" in table and "120% 2 1 4 9" in table
    chart = page[page.index("<svg", page.index("Reeks van waarden")):]
    assert "niet te vergelijken" in chart[:chart.index("</svg>")]
    assert "van &#39;maatwerkroute mogelijk&#39; naar &#39;informatie nodig&#39;" in page  # what "niet te vergelijken" means, though the summary has none
