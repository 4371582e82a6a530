"""The one reader of YAML and JSON (engine/yamlsource.py): what the attack review of 2026-12-05 sent it.
Every refusal is a SourceError with a Dutch message and the line, never another exception."""
from __future__ import annotations

import pytest
import yaml

from engine import yamlsource
from engine.yamlsource import SourceError, parse_text

NOT_A_DATE = ["2025-02-30", "2025-13-45", "0000-01-01", "2025-09-15 99:99:99", "2025-09-15t10:00:00+99:99",
              "!!timestamp geen-datum"]


def loaders():
    return [yamlsource._PythonLoader] + ([yamlsource._LibyamlLoader] if yaml.__with_libyaml__ else [])


@pytest.mark.parametrize("written", NOT_A_DATE)
def test_a_date_that_does_not_exist_is_refused_naming_its_line(written):
    with pytest.raises(SourceError) as info:
        parse_text(f"case_id: a\nmunicipality: zaanstad\nreference_date: {written}\n", "bad.yaml")
    problem = info.value.problem
    assert (problem.file, problem.line) == ("bad.yaml", 3)
    assert "geen bestaande datum" in problem.message
    assert "not an existing date" in problem.as_dict("en")["message"]
    assert written.split()[-1] not in problem.render()  # the value is not repeated


@pytest.mark.parametrize("loader", loaders(), ids=lambda c: c.__name__)
@pytest.mark.parametrize("written", NOT_A_DATE)
def test_both_readers_refuse_it_as_yaml_does_any_other_error(loader, written):
    with pytest.raises(yaml.YAMLError):
        yaml.load(f"x: [{written}]\n", Loader=loader)  # noqa: S506 - bounded safe loaders

