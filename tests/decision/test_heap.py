"""Every command of the command line runs with the collector set for many cases (decision record 0033)."""
import gc

import pytest

from decision.heap import THRESHOLDS
from service.cli.main import main


@pytest.fixture
def default_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_a_command_sets_the_thresholds_for_many_cases(default_thresholds, capsys):
    assert main(["rulesets", "list"]) == 0
    assert gc.get_threshold() == THRESHOLDS != (700, 10, 10)
