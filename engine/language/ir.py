"""The intermediate form of a condition: what parse.py accepted, as small frozen nodes.

The IR is the syntax, checked and resolved, and nothing more: no folding, no types, no semantics (those
are each backend's). Every node keeps its own source text (`text`), which backends use in messages and a
leaf uses as its name. Numbers are already exact (`int` or `Decimal` from their source text) and dates
already `datetime.date`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")
ORDER_OPS = ("<", "<=", ">", ">=")
ARITH_OPS = ("+", "-", "*", "/")


@dataclass(frozen=True)
class Node:
    text: str = field(default="", compare=False, kw_only=True)  # this part of the condition, as written

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class Literal(Node):
    value: bool | str | int | Decimal | dt.date


@dataclass(frozen=True)
class Name(Node):
    """A fact, parameter or derived fact, by its dotted name; known to the rule set when parsed."""

    name: str


@dataclass(frozen=True)
class Local(Node):
    """The variable of an enclosing any()/all()."""

    name: str


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]

    def children(self):
        return self.items


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def children(self):
        return (self.operand,)


@dataclass(frozen=True)
class Neg(Node):
    operand: Node

    def children(self):
        return (self.operand,)


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # "and" | "or"
    operands: tuple[Node, ...]

    def children(self):
        return self.operands


@dataclass(frozen=True)
class Arith(Node):
    op: str  # one of ARITH_OPS
    left: Node
    right: Node

    def children(self):
        return (self.left, self.right)


@dataclass(frozen=True)
class Compare(Node):
    """`a OP b OP c …`: len(ops) == len(operands) - 1, each op one of COMPARE_OPS."""

    ops: tuple[str, ...]
    operands: tuple[Node, ...]

    def children(self):
        return self.operands


@dataclass(frozen=True)
class IfElse(Node):
    test: Node
    body: Node
    orelse: Node

    def children(self):
        return (self.test, self.body, self.orelse)


@dataclass(frozen=True)
class Call(Node):
    """One of parse.FUNCTIONS, with its number of arguments checked (date() is a Literal)."""

    function: str
    args: tuple[Node, ...]

    def children(self):
        return self.args


@dataclass(frozen=True)
class Quantifier(Node):
    """`any(element for var in items if f1 if f2 …)` (function "any") or the same with all()."""

    function: str  # "any" | "all"
    var: str
    items: Node
    element: Node  # reads the variable as Local(var)
    filters: tuple[Node, ...] = ()

    def children(self):
        return (self.items, self.element, *self.filters)


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node below it, parents first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children()))


def names(node: Node) -> frozenset[str]:
    """The dotted names `node` reads (not the variables of any()/all())."""
    return frozenset(n.name for n in walk(node) if type(n) is Name)


def free_locals(node: Node) -> frozenset[str]:
    """The variables of any()/all() that `node` reads and does not bind itself."""
    if type(node) is Local:
        return frozenset((node.name,))
    if type(node) is Quantifier:
        inner = frozenset().union(*(free_locals(n) for n in (node.element, *node.filters)))
        return free_locals(node.items) | (inner - {node.var})
    return frozenset().union(*(free_locals(n) for n in node.children()))
