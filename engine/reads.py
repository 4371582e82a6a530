"""What an expression reads in one case, for the steps of an amount (decision record 0015).

An if/else reads its test and the branch it takes (both when the test is unknown), an and/or reads its
operands until one settles it, anything else reads every part. Built at load time from the expression's
IR (engine/language); per case a trace costs one evaluation per test.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .expressions import Expression, closure
from .language import ir

Trace = Callable[[dict, set], None]  # adds to the set the names the expression read in this environment


def _static(node: ir.Node) -> Trace:
    names = ir.names(node)

    def trace(env: dict, out: set) -> None:
        out.update(names)
    return trace


def _tracer(node: ir.Node) -> Trace:
    if not any(type(n) in (ir.IfElse, ir.BoolOp) for n in ir.walk(node)) or type(node) is ir.Quantifier:
        return _static(node)
    if type(node) is ir.IfElse:
        test = closure(node.test)
        read_test, body, orelse = (_tracer(n) for n in (node.test, node.body, node.orelse))

        def choose(env: dict, out: set) -> None:
            read_test(env, out)
            held = test(env, None)
            if held is not False:
                body(env, out)
            if held is not True:
                orelse(env, out)
        return choose
    if type(node) is ir.BoolOp:
        settles = node.op != "and"  # False settles an and, True an or
        parts = [(_tracer(v), closure(v)) for v in node.operands]

        def combine(env: dict, out: set) -> None:
            for read, fn in parts:
                read(env, out)
                if fn(env, None) is settles:
                    return
        return combine
    children = [_tracer(c) for c in node.children()]

    def every(env: dict, out: set) -> None:
        for read in children:
            read(env, out)
    return every


@dataclass(frozen=True)
class Reads:
    trace: Trace
    choosers: frozenset[str]  # the names whose values choose what it reads (in an if/else test or an and/or)


def reads(expression: Expression, fixed: frozenset[str] = frozenset()) -> Reads:
    """`fixed`: names whose values never change for this expression (its version's figures), left out of
    the choosers."""
    choosers: set[str] = set()
    for node in ir.walk(expression.tree):
        part = node.test if type(node) is ir.IfElse else node if type(node) is ir.BoolOp else None
        if part is not None:
            choosers |= ir.names(part)
    return Reads(_tracer(expression.tree), frozenset(choosers) - fixed)
