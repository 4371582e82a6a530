"""Sources of cases for a what-if: files, folders, the casebook (optional), sweeps."""
import sys
import types
from decimal import Decimal

import pytest
from sqlalchemy import JSON, Boolean, Integer, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from engine.errors import RegelruimteError
from tests.conftest import CASES, RULESETS, lasmasker
from whatif import run
from whatif.scenario import Ref, baseline


@pytest.fixture
def casebook(monkeypatch, tmp_path):
    """A stand-in for the casebook package: its `cases` table, as casebook.models describes it."""
    class Base(DeclarativeBase):
        pass

    class CaseRow(Base):
        __tablename__ = "cases"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        case_id: Mapped[str] = mapped_column(String(100))
        latest: Mapped[bool] = mapped_column(Boolean)
        case_json: Mapped[dict] = mapped_column(JSON)

    package, models = types.ModuleType("casebook"), types.ModuleType("casebook.models")
    models.CaseRow = CaseRow
    package.models = models
    monkeypatch.setitem(sys.modules, "casebook", package)
    monkeypatch.setitem(sys.modules, "casebook.models", models)
    url = f"sqlite:///{tmp_path / 'casebook.sqlite'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    old, new = lasmasker(), lasmasker()
    new["income"][0]["net_monthly"] = "1600.00"
    with Session(engine) as s:
        s.add_all([CaseRow(case_id="zaanstad-lasmasker", latest=False, case_json=old),
                   CaseRow(case_id="zaanstad-lasmasker", latest=True, case_json=new)])
        s.commit()
    return url


def test_the_casebook_gives_the_latest_version_of_each_case(casebook):
    source = run.casebook_source(casebook)
    assert [c.case_id for c in source.cases] == ["zaanstad-lasmasker"]
    assert source.cases[0].income[0].net_monthly == Decimal("1600.00")


def test_without_the_casebook_package_the_message_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "casebook", None)
    with pytest.raises(RegelruimteError, match="niet beschikbaar"):
        run.casebook_source("sqlite:///x.sqlite")


def test_an_unreadable_casebook_is_a_clear_error(casebook, tmp_path):
    with pytest.raises(RegelruimteError, match="niet te lezen"):
        run.casebook_source(f"sqlite:///{tmp_path / 'missing' / 'nothing.sqlite'}")


def test_a_folder_gives_its_cases_and_skips_what_is_not_a_case():
    source = run.cases_from_paths([str(CASES)])
    assert len(source.cases) == 6  # expected.yaml is not a case


def test_unknown_options_are_named_with_file_and_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("case_id: x\nreference_date: 2025-09-15\nmunicipality: zaanstad\noptions: [bijzondere_bijstand]\n")
    with pytest.raises(RegelruimteError) as err:
        run.cases_from_paths([str(path)], baseline(RULESETS, Ref("zaanstad")).vocabulary)
    (p,) = err.value.problems
    assert (p.file, p.line, p.field) == (str(path), 4, "options.0")


def test_a_case_id_twice_is_refused(tmp_path):
    with pytest.raises(RegelruimteError, match="meer dan eens"):
        run.cases_from_paths([str(CASES / "zaanstad-lasmasker.yaml")] * 2)


def test_sweeps_are_parsed_exactly():
    sweep = run.parse_sweep("zaanstad.percentage_inkomensgrens=1.00:1.50:0.05")
    assert sweep.values[0] == Decimal("1.00") and sweep.values[-1] == Decimal("1.50") and len(sweep.values) == 11
    for bad in ("zaanstad=1:2:1", "zaanstad.x=1:2:0", "zaanstad.x=a:b:c", "zaanstad.x=0:1000:1"):
        with pytest.raises(RegelruimteError):
            run.parse_sweep(bad)
