"""A condition as atomic comparisons ("leaves") joined by and/or/not, over integer operands.

A backend that cannot be trusted with three-valued logic or with exact money (durable-rules) is
given leaves only: `a OP b` on integers. This module decides everything around them:

- what a leaf is: one comparison (== != < <= > >=), a membership test against a list of texts
  (`x in ["a", "b"]`), or a yes/no fact on its own. Anything else (`any(...)`, `known(...)`, a
  chained comparison, `a if b else c`, a comparison of two literals) is a *core leaf*: the core's
  own closure decides it;
- the operands: facts and parameters are read from the case's environment; an operand that is an
  expression itself (`round_cents(f * norm)`, `len(reasons)`) is computed by the core, exactly,
  before the comparison is handed on;
- whether a leaf is known: an unknown operand makes the leaf unknown, here, and it is never sent;
  a backend that reads a missing value as "no match" therefore never turns unknown into false;
- the integers: numbers in thousandths (cents × 10, per-mille), dates as day numbers, yes/no as
  0/1, texts as their code among the text literals of the rule-set version (0 for any other
  text). A value that does not convert exactly (a fraction finer than 1/1000, beyond ±2^53, a
  text compared with a text that is not a literal, operands of different kinds, an order on
  texts or yes/no) leaves that leaf to the core, for that case;
- the combination: Kleene's logic over the leaves, lazily and in the core's order, so the truth
  value and the facts an unknown depends on are exactly the core's. Should the core raise an
  error on a leaf, the whole condition is handed to the core, so the error is the core's too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from engine.expressions import Expression, ExpressionError, Fn, closure, kleene_and, kleene_or
from engine.language import ir
from engine.unknown import Unknown, unknown_of

SCALE = 1000
LIMIT = 2 ** 53  # integers a double holds exactly
_MILLI = Decimal("0.001")
ORDER = ("<", "<=", ">", ">=")
FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NO_CONSTANT = object()


class CoreDecides(Exception):
    """A leaf the core would raise an error on: the whole condition goes to the core."""


def integer(value: Any, codes: dict[str, int]) -> tuple[str, int] | None:
    """`value` as (kind, exact integer), or None if it has no exact integer form."""
    if value is True or value is False:
        return "bool", int(value)
    kind = type(value)
    if kind is int:
        n = value * SCALE
    elif kind is Decimal:
        try:
            q = value.quantize(_MILLI)
        except InvalidOperation:  # too many digits, or not finite
            return None
        if q != value:
            return None
        n = int(q.scaleb(3))
    elif kind is dt.date:
        return "date", value.toordinal()
    elif kind is str:
        return "text", codes.get(value, 0)
    else:
        return None
    return ("number", n) if -LIMIT < n < LIMIT else None


@dataclass(frozen=True)
class Operand:
    fn: Fn  # the core's closure of this operand
    constant: Any = _NO_CONSTANT  # its value, when it is a literal

    @property
    def is_constant(self) -> bool:
        return self.constant is not _NO_CONSTANT


@dataclass(frozen=True)
class Leaf:
    index: int  # its place among the leaves of one rule-set version
    kind: str  # "compare" | "member" | "truth" | "core"
    source: str
    fn: Fn  # the core's closure of the whole leaf
    op: str | None = None  # compare: == != < <= > >= (the non-literal operand on the left); member: in, not in
    left: Operand | None = None
    right: Operand | None = None  # compare only
    members: tuple[str, ...] = ()  # member only


Tree = tuple  # ("leaf", index) | ("not", Tree) | ("and" | "or", tuple[Tree, ...])


@dataclass(frozen=True)
class Condition:
    tree: Tree
    leaves: tuple[Leaf, ...]


def split(expression: Expression, first_index: int = 0) -> Condition:
    """The leaves of `expression`, numbered from `first_index`, and how they combine."""
    leaves: list[Leaf] = []

    def operand(node: ir.Node) -> Operand:
        fn = closure(node)
        is_literal = type(node) is ir.Literal or (type(node) is ir.Neg and type(node.operand) is ir.Literal)
        return Operand(fn, fn({}, None)) if is_literal else Operand(fn)

    def leaf(node: ir.Node) -> Tree:
        index = first_index + len(leaves)
        fn = closure(node)
        found = Leaf(index, "core", node.text, fn)
        if type(node) is ir.Compare and len(node.ops) == 1:
            op, (left, right) = node.ops[0], node.operands
            if op in FLIP:
                left_op, right_op, sym = operand(left), operand(right), op
                if left_op.is_constant and not right_op.is_constant:
                    left_op, right_op, sym = right_op, left_op, FLIP[sym]
                if not left_op.is_constant:
                    found = Leaf(index, "compare", node.text, fn, sym, left_op, right_op)
            elif type(right) is ir.ListOf and right.items \
                    and all(type(e) is ir.Literal and isinstance(e.value, str) for e in right.items) \
                    and type(left) is not ir.Literal:
                found = Leaf(index, "member", node.text, fn, op, operand(left),
                             members=tuple(e.value for e in right.items))
        elif type(node) is ir.Name:
            found = Leaf(index, "truth", node.text, fn, left=Operand(fn))
        leaves.append(found)
        return ("leaf", index)

    def walk(node: ir.Node) -> Tree:
        if type(node) is ir.BoolOp:
            return (node.op, tuple(walk(v) for v in node.operands))
        if type(node) is ir.Not:
            return ("not", walk(node.operand))
        return leaf(node)

    return Condition(walk(expression.tree), tuple(leaves))


def texts(leaves) -> dict[str, int]:
    """Codes for the text literals of these leaves: 1, 2, … in sorted order (0 is any other text)."""
    found = set()
    for leaf in leaves:
        found.update(leaf.members)
        for o in (leaf.left, leaf.right):
            if o is not None and isinstance(o.constant, str):
                found.add(o.constant)
    return {t: i for i, t in enumerate(sorted(found), start=1)}


def prepare(leaf: Leaf, env: dict, codes: dict[str, int]) -> Unknown | dict[str, int] | None:
    """For one case: Unknown (the leaf depends on unknown facts), the integer attributes to send
    (`a<i>`, and `b<i>` for a right operand that is not a literal), or None (the core decides)."""
    if leaf.kind == "core":
        return None
    i = leaf.index
    try:
        left = leaf.left.fn(env, None)
        right = leaf.right.fn(env, None) if leaf.right is not None and not leaf.right.is_constant else None
    except ExpressionError:
        return None
    if leaf.kind == "truth":
        return left if isinstance(left, Unknown) else ({f"a{i}": int(left)} if left is True or left is False else None)
    if leaf.kind == "member":
        if isinstance(left, Unknown):
            return left
        return {f"a{i}": codes.get(left, 0)} if type(left) is str else None
    if leaf.right.is_constant:
        right = leaf.right.constant
    unknown = unknown_of(left, right)
    if unknown is not None:
        return unknown
    a, b = integer(left, codes), integer(right, codes)
    if a is None or b is None or a[0] != b[0]:
        return None
    if a[0] in ("bool", "text") and leaf.op in ORDER:
        return None
    if a[0] == "text" and not leaf.right.is_constant:
        return None  # two texts that are not literals share code 0
    return {f"a{i}": a[1]} if leaf.right.is_constant else {f"a{i}": a[1], f"b{i}": b[1]}


def constant(leaf: Leaf, codes: dict[str, int]) -> tuple[str, int] | None:
    """The integer form of a compare leaf's literal right operand, for compiling the leaf."""
    return integer(leaf.right.constant, codes) if leaf.right is not None and leaf.right.is_constant else None


def combine(tree: Tree, value_of: Callable[[int], bool | Unknown]) -> bool | Unknown:
    """The truth of a condition from the truth of its leaves (Kleene, lazily, in the core's order)."""
    kind = tree[0]
    if kind == "leaf":
        return value_of(tree[1])
    if kind == "not":
        v = combine(tree[1], value_of)
        return v if isinstance(v, Unknown) else not v
    combinator = kleene_and if kind == "and" else kleene_or
    return combinator((combine(t, value_of) for t in tree[1]), "")


def core_value(leaf: Leaf, env: dict) -> bool | Unknown:
    """A leaf decided by the core's closure; CoreDecides if the core would raise on it."""
    try:
        v = leaf.fn(env, None)
    except ExpressionError:
        raise CoreDecides(leaf.source) from None
    if v is True or v is False or isinstance(v, Unknown):
        return v
    raise CoreDecides(leaf.source)
