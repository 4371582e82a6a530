"""The example cases a user tries first: each one is a case that `check` decides."""
from __future__ import annotations

import json

import pytest

from service.cli.main import main
from tests.conftest import EXAMPLES, case_names


@pytest.mark.parametrize("name", case_names(EXAMPLES))
def test_an_example_is_decided(name, capsys):
    assert main(["check", str(EXAMPLES / f"{name}.yaml"), "--json"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["case_id"] == name and decision["options"]


def test_the_readme_example_is_there():
    assert "zaanstad-lasmasker" in case_names(EXAMPLES)
