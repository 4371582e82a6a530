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


def test_values_equal_in_python_but_written_differently_give_their_own_text():
    # the rendered texts are kept per template: a key that only compared values would write the first
    # value's text for the second
    t = compile_template("waarde {x:plain}, ook {y}", lambda name: True)
    pairs = [(Decimal("1.0"), Decimal("1.00")), (1, True), (0, False), (Decimal("-0"), Decimal("0")),
             (Decimal("10"), Decimal("1E+1"))]
    for a, b in pairs:
        for first, second in ((a, b), (b, a)):
            env_first, env_second = {"x": first, "y": first}, {"x": second, "y": second}
            fresh = compile_template("waarde {x:plain}, ook {y}", lambda name: True)
            assert t.render(env_first, "nl") == fresh.render(env_first, "nl")
            assert t.render(env_second, "nl") == fresh.render(env_second, "nl") != fresh.render(env_first, "nl")


def test_the_value_labels_and_language_are_part_of_the_text():
    t = compile_template("reden: {r}", lambda name: True)
    env = {"r": "job_loss"}
    assert t.render(env, "nl", {"job_loss": "baanverlies"}) == "reden: baanverlies"
    assert t.render(env, "nl", {"job_loss": "verlies van werk"}) == "reden: verlies van werk"
    assert t.render(env, "en", {"job_loss": "job loss"}) == "reden: job loss"
    assert t.render({"r": True}, "nl") == "reden: ja" and t.render({"r": True}, "en") == "reden: yes"


def test_the_kept_texts_are_bounded(monkeypatch):
    from engine import templates
    monkeypatch.setattr(templates, "_MEMO_MAX", 10)
    t = compile_template("{x:money}", lambda name: True)
    for i in range(25):
        assert t.render({"x": Decimal(i)}, "nl") == f"€ {i},00"
    assert len(t.memo) <= 10
