"""The front end: text in, checked and resolved IR out (the messages are tested in test_expressions)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.language import ir
from engine.language.parse import ExpressionError, parse

NAMES = {"a", "b", "household.size", "tags", "s"}


def tree(text: str) -> ir.Node:
    return parse(text, NAMES.__contains__).tree


def test_the_ir_is_the_syntax_resolved():
    assert tree('a > 1.10 and not (s in ["x", "y"])') == ir.BoolOp("and", (
        ir.Compare((">",), (ir.Name("a"), ir.Literal(Decimal("1.10")))),
        ir.Not(ir.Compare(("in",), (ir.Name("s"), ir.ListOf((ir.Literal("x"), ir.Literal("y")))))),
    ))


def test_numbers_are_exact_from_their_text_and_dates_are_literals():
    assert tree("1_000.10").value == Decimal("1000.10") and type(tree("1_000").value) is int
    assert tree('date("2025-07-01")') == ir.Literal(dt.date(2025, 7, 1))


def test_dotted_names_and_the_variable_of_a_quantifier():
    q = tree('any(t == s for t in tags if t != "x")')
    assert type(q) is ir.Quantifier and (q.function, q.var) == ("any", "t")
    assert q.element.operands[0] == ir.Local("t") and ir.names(q) == {"tags", "s"}
    assert ir.free_locals(q) == frozenset() and ir.free_locals(q.element) == {"t"}
    assert parse("household.size + a", NAMES.__contains__).names == {"household.size", "a"}


def test_every_node_keeps_its_own_text_also_after_non_ascii():
    node = tree('s == "café" and   a  >  1')
    assert [n.text for n in node.operands] == ['s == "café"', "a > 1"]  # whitespace runs made one space
    assert node.operands[1].operands[1].text == "1"


@pytest.mark.parametrize("text, message", [
    ("len(a, b)", "len() neemt 1 argument(en) (kolom 1)"),
    ("min()", "min() heeft argumenten nodig"),
    ("a is b", "'is' en 'is not' zijn niet toegestaan"),
    ("c > 1", "onbekende naam 'c'"),
    ("+a", "deze operator is niet toegestaan"),
])
def test_what_it_refuses(text, message):
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text, NAMES.__contains__)


@pytest.mark.parametrize("text", ["a > 999999999999999", "a > -999999999999999", "a > 0.0000000001", "a > 1e14"])
def test_numbers_up_to_the_limits_are_read(text):
    parse(text, NAMES.__contains__)


@pytest.mark.parametrize("text, message", [
    ("a > 1000000000000000", "kleiner zijn dan 1.000.000.000.000.000"),
    ("a > -1000000000000000", "kleiner zijn dan 1.000.000.000.000.000"),
    ("a > 1e999", "kleiner zijn dan 1.000.000.000.000.000"),  # Python reads it as infinity
    ("a > 1e15", "kleiner zijn dan 1.000.000.000.000.000"),
    ("a > 0.00000000001", "ten hoogste 10 cijfers achter de komma"),
    ("a > " + "9" * 3000, "dit getal heeft te veel cijfers"),
])
def test_a_number_no_backend_can_hold_exactly_is_refused_by_the_front_end(text, message):
    """The closures took 1e999 and 10**23, the columnar backend failed on them (a 500 on the what-if API)."""
    with pytest.raises(ExpressionError, match=message):
        parse(text, NAMES.__contains__)
