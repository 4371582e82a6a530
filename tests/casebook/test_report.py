import datetime as dt
import io
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casebook.exports import table_csv, table_parquet, write_tables
from casebook.report import build_report
from casebook.store import Filters
from casebook.synthetic import generate
from decision.decide import fact_labels
from service.web.casebook_html import render_report
from tests.casebook.conftest import add_records


@pytest.fixture
def filled(store, registry):
    add_records(store, registry, generate(300, seed=7, registry=registry))
    return store


def test_the_tables_agree_with_each_other(filled, registry):
    report = build_report(filled, Filters(), fact_labels(registry, "nl"))
    o = report.overview
    assert o["cases"] == 300
    assert o["allowed"] + o["route_available"] + o["needs_information"] + o["blocked"] == 300
    assert sum(m["cases"] for m in report.tables["municipalities"].rows) == 300
    assert len(report.tables["no_route"].rows) == o["blocked"]
    assert sum(p["cases"] for p in report.tables["no_route_patterns"].rows) == o["blocked"]
    blocks = report.tables["blocks"].rows
    assert [b["cases"] for b in blocks] == sorted((b["cases"] for b in blocks), reverse=True)
    per_period = {}
    for r in report.tables["blocks_by_period"].rows:
        per_period[r["rule"]] = per_period.get(r["rule"], 0) + r["cases"]
    assert per_period == {b["rule"]: b["cases"] for b in blocks}
    k = report.kassabon
    assert k["total"]["cases"] == sum(r["cases"] for r in report.tables["kassabon"].rows)
    assert k["total"]["cost_once"] == k["helped"]["cost_once"] + k["not_helped"]["cost_once"]
    facts = {m["fact"]: m for m in report.tables["missing_facts"].rows}
    assert facts and all(m["kind"] == "feit" for f, m in facts.items() if f.startswith(("income", "debts")))


def test_filters_narrow_every_table(filled):
    everything = build_report(filled, Filters())
    zaanstad = build_report(filled, Filters(municipalities=("zaanstad",)))
    muni = {m["municipality"]: m["cases"] for m in everything.tables["municipalities"].rows}
    assert zaanstad.overview["cases"] == muni["zaanstad"]
    assert {r["municipality"] for r in zaanstad.tables["no_route"].rows} <= {"zaanstad"}
    year = build_report(filled, Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)), period="year")
    assert {r["period"] for r in year.tables["blocks_by_period"].rows} <= {"2025"}
    assert 0 < year.overview["cases"] < 300


def test_csv_and_parquet_keep_the_numbers_exact(filled, tmp_path):
    report = build_report(filled, Filters())
    table = report.tables["kassabon"]
    text = table_csv(table)
    assert text.splitlines()[0] == "path,cases,cost_once,avoided_per_year,avoided_once,ratio_per_year"
    parquet = pq.read_table(io.BytesIO(table_parquet(table)))
    assert parquet.schema.field("cost_once").type == pa.decimal128(18, 2)
    assert parquet.schema.field("cases").type == pa.int64()
    assert parquet.column("cost_once").to_pylist() == [r["cost_once"] for r in table.rows]
    assert all(isinstance(v, Decimal) for v in parquet.column("cost_once").to_pylist())
    written = write_tables(report, tmp_path / "csv", "csv") + write_tables(report, tmp_path / "pq", "parquet")
    assert len(written) == 2 * len(report.tables)
    no_route = pq.read_table(tmp_path / "pq" / "no_route.parquet")
    assert no_route.num_rows == report.overview["blocked"]
    assert no_route.schema.field("reference_date").type == pa.date32()


def test_the_html_report_is_self_contained(filled):
    html = render_report(build_report(filled, Filters(municipalities=("zaanstad",))))
    assert html.count("<svg") >= 4
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert "Zaanstad" in html and "Botsingen" in html and "Kassabon" in html


def test_an_empty_casebook_gives_an_empty_report(store):
    report = build_report(store, Filters())
    assert report.overview["cases"] == 0 and all(not t.rows for t in report.tables.values())
    assert "geen gegevens" in render_report(report)


def test_for_who_sees_groups_only_no_amount_of_a_small_group_can_be_worked_out():
    """One household's kassabon amount was the total minus the helped group: when any group is small,
    every amount is withheld, and the small group's count too."""
    from casebook.report import Report, _group_amounts, _small_counts_withheld

    def group(cases: int, cost: str) -> dict:
        return {"cases": cases, "cost_once": Decimal(cost), "avoided_per_year": Decimal(cost),
                "avoided_once": Decimal(0), "ratio_per_year": Decimal(1)}
    receipt = {"total": group(11, "13345.67"), "helped": group(10, "11000.00"), "not_helped": group(1, "2345.67")}
    paths = [{"path": "route", **group(10, "11000.00")}, {"path": "geen", **group(1, "2345.67")}]
    withheld, withheld_paths = _group_amounts(receipt, paths)
    assert all(g["cost_once"] is None for g in [*withheld.values(), *withheld_paths])
    big = {"total": group(20, "1"), "helped": group(20, "1"), "not_helped": group(0, "0")}
    assert _group_amounts(big, [])[0] == big  # all groups large (or empty): the amounts stay
    report = Report(filters=Filters(), period="month", generated_at=None, overview={"cases": 11, "allowed": 1,
                    "share_blocked": Decimal("0.1")}, kassabon=withheld)
    _small_counts_withheld(report)
    assert report.overview == {"cases": 11, "allowed": None, "share_blocked": None}
    assert report.kassabon["not_helped"]["cases"] is None and report.kassabon["total"]["cases"] == 11
