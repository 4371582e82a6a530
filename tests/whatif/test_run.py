"""Sources of cases for a what-if: files, folders, the casebook (optional), sweeps."""
import shutil
import sys
from decimal import Decimal

import pytest

from engine.errors import RegelruimteError
from service.cli.main import main
from tests.conftest import CASES, RULESETS, case_names, shared_case
from whatif import run
from whatif.scenario import Ref, baseline


@pytest.fixture
def casebook(tmp_path, capsys):
    """A casebook with the acceptance cases, made with the casebook's own command line."""
    path, folder = tmp_path / "casebook.sqlite", tmp_path / "cases"
    folder.mkdir()
    for name in case_names():
        shutil.copy(CASES / f"{name}.yaml", folder)
    assert main(["casebook", "--db", str(path), "init"]) == 0
    assert main(["casebook", "--db", str(path), "import", str(folder)]) == 0
    capsys.readouterr()
    return path


def test_the_casebook_gives_the_latest_version_of_each_case(casebook):
    source = run.casebook_source(str(casebook))
    assert sorted(c.case_id for c in source.cases) == case_names()
    assert source.description == "6 casussen uit het casebook"


def test_a_what_if_over_the_casebook(casebook, capsys):
    assert main(["whatif", "--base", "zaanstad@2025-09-15", "--change",
                 str(RULESETS.parent / "whatif/examples/zaanstad-120.yaml"), "--casebook", str(casebook), "--json"]) == 0
    assert '"cases": 6' in capsys.readouterr().out


def test_without_the_casebook_package_the_message_says_so(monkeypatch):
    for name in ("casebook", "casebook.db", "casebook.models"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(RegelruimteError, match="niet beschikbaar"):
        run.casebook_source("sqlite:///x.sqlite")


def test_a_missing_casebook_is_a_clear_error(tmp_path):
    with pytest.raises(RegelruimteError, match="geen casebook gevonden"):
        run.casebook_source(str(tmp_path / "nothing.sqlite"))


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


def test_cases_as_data_need_at_least_one_and_each_its_own_id(registry):
    with pytest.raises(RegelruimteError) as err:
        run.cases_from_data([])  # once a 500: the comparison failed on empty tables
    assert [(p.field, p.message) for p in err.value.problems] == [("cases", "geen casussen gevonden")]
    case = shared_case("zaanstad-lasmasker")
    with pytest.raises(RegelruimteError) as err:
        run.cases_from_data([case, case], vocabulary=registry.vocabulary)
    assert [p.field for p in err.value.problems] == ["cases.1.case_id"]


def test_an_empty_sweep_is_a_bad_sweep_and_the_text_is_not_repeated():
    for bad in ("", "zaanstad.x=a:b:geheim"):
        with pytest.raises(RegelruimteError) as err:
            run.parse_sweep(bad)
        (p,) = err.value.problems
        assert p.field == "sweep" and "geheim" not in p.message and "''" not in p.message
