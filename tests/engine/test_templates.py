"""Reason templates: an absent fact is written as unknown, never as empty, zero or a guess."""
from decimal import Decimal

import pytest

from engine.templates import compile_template
from engine.unknown import Unknown


@pytest.mark.parametrize("fmt", ["", ":money", ":percent", ":date", ":list", ":plain"])
def test_an_absent_or_unknown_fact_is_unknown_in_every_format(fmt):
    t = compile_template(f"het inkomen {{income.net{fmt}}} is te hoog", lambda name: True)
    for env in ({}, {"income.net": Unknown(frozenset({"income.net"}))}):
        assert t.render(env, "nl") == "het inkomen onbekend is te hoog"
        assert t.render(env, "en") == "het inkomen unknown is te hoog"


def test_a_known_fact_is_written_in_its_format():
    t = compile_template("{a:money} en {b}", lambda name: True)
    assert t.render({"a": Decimal("1720"), "b": "job_loss"}, "nl", {"job_loss": "baanverlies"}) == \
        "€ 1.720,00 en baanverlies"
