"""What an expression reads in one case, for the steps of an amount (decision record 0015).

An if/else reads its test and the branch it takes (both when the test is unknown), an and/or reads its
operands until one settles it, anything else reads every part. Built at load time (the parser is not safe to
run in several threads at once, and bundles are built on request threads); per case a trace costs one
evaluation per test.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable

from .expressions import Expression, compile_expression

Trace = Callable[[dict, set], None]  # adds to the set the names the expression read in this environment


def _names(text: str) -> frozenset[str]:
    return compile_expression(text, lambda name: True).names


def _static(text: str) -> Trace:
    names = _names(text)

    def trace(env: dict, out: set) -> None:
        out.update(names)
    return trace


def _tracer(node: ast.expr, source: str) -> Trace:
    if not any(isinstance(n, (ast.IfExp, ast.BoolOp)) for n in ast.walk(node)) \
            or isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        return _static(ast.get_source_segment(source, node))
    if isinstance(node, ast.IfExp):
        test = compile_expression(ast.get_source_segment(source, node.test), lambda name: True).fn
        read_test, body, orelse = (_tracer(n, source) for n in (node.test, node.body, node.orelse))

        def choose(env: dict, out: set) -> None:
            read_test(env, out)
            held = test(env, None)
            if held is not False:
                body(env, out)
            if held is not True:
                orelse(env, out)
        return choose
    if isinstance(node, ast.BoolOp):
        settles = not isinstance(node.op, ast.And)  # False settles an and, True an or
        parts = [(_tracer(v, source), compile_expression(ast.get_source_segment(source, v), lambda name: True).fn)
                 for v in node.values]

        def combine(env: dict, out: set) -> None:
            for read, fn in parts:
                read(env, out)
                if fn(env, None) is settles:
                    return
        return combine
    children = [_tracer(c, source) for c in ast.iter_child_nodes(node)
                if isinstance(c, ast.expr) and not (isinstance(node, ast.Call) and c is node.func)]

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
    source = expression.source
    tree = ast.parse(source, mode="eval").body
    choosers: set[str] = set()
    for node in ast.walk(tree):
        part = node.test if isinstance(node, ast.IfExp) else node if isinstance(node, ast.BoolOp) else None
        if part is not None:
            choosers |= _names(ast.get_source_segment(source, part))
    return Reads(_tracer(tree, source), frozenset(choosers) - fixed)
