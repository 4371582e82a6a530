"""The front end of the condition language: text → checked, resolved IR (ir.py), or an ExpressionError.

Conditions are written in a Python-like syntax (`applicant.age < 27 and benefit == "bijstand"`), parsed
with `ast` and accepted only if every node is on a whitelist: no calls but FUNCTIONS, no attribute access
but dotted fact names, no subscripts, no lambdas. Every dotted name must be known to the rule set (with a
suggestion if it is not). Numeric literals become `int` or `Decimal` from their source text, so `1.10` is
exactly 1.10. The messages are Dutch and name the column; the first problem met is the one reported.
"""
from __future__ import annotations

import ast
import datetime as dt
import difflib
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

from . import ir


class ExpressionError(Exception):
    """A condition is not valid in the language (raised at load time) or misused at run time."""


# The size of one condition. Rule sets write at most some 900 characters, 170 nodes, 12 levels and
# lists of 6; an overlay sent to the what-if is held to the same language, with room to spare but
# no more (docs/decisions/0010-input-limits.md): a condition is a rule, not a program.
MAX_LENGTH = 4_000
MAX_NODES = 500
MAX_DEPTH = 32
MAX_LIST = 200
# a number in a condition: no amount, count or age comes near, and every backend holds it exactly (the columnar
# one in 64-bit integers and 128-bit decimals; 1e999 or 10**23 failed there after the closures took them)
MAX_NUMBER = 10 ** 15
MAX_DECIMALS = 10

FUNCTIONS = ("min", "max", "sum", "len", "known", "round_cents", "date", "any", "all",
             "days_between", "months_between", "years_between", "add_days", "add_months")
_ARITY = {"sum": 1, "len": 1, "known": 1, "round_cents": 1, "any": 1, "all": 1,
          "days_between": 2, "months_between": 2, "years_between": 2, "add_days": 2, "add_months": 2}

_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
            ast.In: "in", ast.NotIn: "not in"}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


@dataclass(frozen=True)
class Parsed:
    source: str  # the text as compiled: whitespace runs (YAML folded text) made single spaces
    tree: ir.Node
    names: frozenset[str]  # every dotted name it reads (facts, parameters, derived facts)


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` as a string, or None if the node is not a plain dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class _Parser:
    def __init__(self, source: str, is_known_name: Callable[[str], bool], candidates: Callable[[], Iterable[str]]):
        self.source = source
        self.encoded = source.encode()  # ast columns count UTF-8 bytes
        self.is_known_name = is_known_name
        self.candidates = candidates
        self.names: set[str] = set()

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        col = getattr(node, "col_offset", None)
        at = f" (kolom {col + 1})" if col is not None else ""
        from engine.bsn import looks_like_bsn  # here, not at the top: this change stays within fail()

        if looks_like_bsn(self.source):  # never quoted back (engine/bsn.py): the column says where
            if looks_like_bsn(message):  # a name or value it quotes ("onbekende naam 'p111222333'")
                message = "ongeldige voorwaarde"
            return ExpressionError(f"{message}{at} (de voorwaarde wordt niet getoond: ze bevat een nummer dat op een BSN lijkt)")
        source = self.source if len(self.source) <= 200 else self.source[:200] + "…"  # a message, not a copy
        return ExpressionError(f"{message}{at} in '{source}'")

    def text(self, node: ast.AST) -> str:
        return self.encoded[node.col_offset:node.end_col_offset].decode()  # the text is one line

    def node(self, node: ast.AST, local: frozenset[str] = frozenset()) -> ir.Node:
        method = getattr(self, "p_" + type(node).__name__, None)
        if method is None:
            raise self.fail(node, f"'{type(node).__name__}' is niet toegestaan in een voorwaarde")
        return method(node, local)

    # -- leaves -----------------------------------------------------------------------------
    def p_Constant(self, node: ast.Constant, _local) -> ir.Node:
        value, text = node.value, self.text(node)
        if isinstance(value, bool) or isinstance(value, str):
            return ir.Literal(value, text=text)
        if isinstance(value, (int, float)):
            digits = text.replace("_", "")
            if len(digits) > 40:  # (before int(): Python refuses to read beyond 4,300 digits)
                raise self.fail(node, "dit getal heeft te veel cijfers")
            number = int(digits) if isinstance(value, int) else Decimal(digits)
            if not abs(number) < MAX_NUMBER:
                raise self.fail(node, "een getal in een voorwaarde moet kleiner zijn dan 1.000.000.000.000.000")
            if isinstance(number, Decimal) and -number.as_tuple().exponent > MAX_DECIMALS:
                raise self.fail(node, f"een getal in een voorwaarde heeft ten hoogste {MAX_DECIMALS} cijfers achter de komma")
            return ir.Literal(number, text=text)
        raise self.fail(node, f"waarde {value!r} is niet toegestaan")

    def p_List(self, node: ast.List, local) -> ir.Node:
        if len(node.elts) > MAX_LIST:
            raise self.fail(node, f"een lijst heeft ten hoogste {MAX_LIST} elementen")
        return ir.ListOf(tuple(self.node(e, local) for e in node.elts), text=self.text(node))

    p_Tuple = p_List

    def p_Name(self, node: ast.AST, local) -> ir.Node:
        name = dotted_name(node)
        if name is None:
            raise self.fail(node, "alleen feitnamen als 'household.composition' zijn toegestaan")
        if name in local:
            return ir.Local(name, text=self.text(node))
        if name in ("true", "false"):
            raise self.fail(node, f"schrijf {name.capitalize()} in plaats van {name}")
        if not self.is_known_name(name):
            hint = difflib.get_close_matches(name, list(self.candidates()), n=1, cutoff=0.6)
            suggestion = f"; bedoelde u '{hint[0]}'?" if hint else ""
            raise self.fail(node, f"onbekende naam '{name}'{suggestion}")
        self.names.add(name)
        return ir.Name(name, text=self.text(node))

    p_Attribute = p_Name

    # -- operators --------------------------------------------------------------------------
    def p_BoolOp(self, node: ast.BoolOp, local) -> ir.Node:
        op = "and" if isinstance(node.op, ast.And) else "or"
        return ir.BoolOp(op, tuple(self.node(v, local) for v in node.values), text=self.text(node))

    def p_UnaryOp(self, node: ast.UnaryOp, local) -> ir.Node:
        operand = self.node(node.operand, local)
        if isinstance(node.op, ast.Not):
            return ir.Not(operand, text=self.text(node))
        if isinstance(node.op, ast.USub):
            return ir.Neg(operand, text=self.text(node))
        raise self.fail(node, "deze operator is niet toegestaan")

    def p_BinOp(self, node: ast.BinOp, local) -> ir.Node:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise self.fail(node, "alleen + - * / zijn toegestaan als rekenoperator")
        for side in (node.left, node.right):
            if isinstance(side, (ast.List, ast.Tuple)) or (isinstance(side, ast.Constant) and not isinstance(side.value, (int, float))):
                raise self.fail(node, "rekenen kan alleen met getallen en bedragen")
        return ir.Arith(op, self.node(node.left, local), self.node(node.right, local), text=self.text(node))

    def p_Compare(self, node: ast.Compare, local) -> ir.Node:
        ops = []
        for o in node.ops:
            if type(o) not in _COMPARE:
                raise self.fail(node, "'is' en 'is not' zijn niet toegestaan; gebruik known(...)")
            ops.append(_COMPARE[type(o)])
        operands = tuple(self.node(n, local) for n in [node.left, *node.comparators])
        return ir.Compare(tuple(ops), operands, text=self.text(node))

    def p_IfExp(self, node: ast.IfExp, local) -> ir.Node:
        test, body, orelse = (self.node(n, local) for n in (node.test, node.body, node.orelse))
        return ir.IfElse(test, body, orelse, text=self.text(node))

    # -- functions --------------------------------------------------------------------------
    def p_Call(self, node: ast.Call, local) -> ir.Node:
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        if fname not in FUNCTIONS or node.keywords:
            hint = difflib.get_close_matches(str(fname), FUNCTIONS, n=1)
            suggestion = f"; bedoelde u '{hint[0]}'?" if hint else ""
            raise self.fail(node, f"onbekende functie '{fname}'{suggestion}")
        if fname == "date":
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant):
                raise self.fail(node, "date() neemt één datum als tekst, bv. date(\"2026-01-01\")")
            try:
                day = dt.date.fromisoformat(node.args[0].value)
            except (TypeError, ValueError):
                raise self.fail(node, "date() verwacht JJJJ-MM-DD") from None
            return ir.Literal(day, text=self.text(node))
        if fname in ("any", "all") and len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp):
            return self._quantifier(node, fname, node.args[0], local)
        args = tuple(self.node(a, local) for a in node.args)
        if fname in ("min", "max") and not args:
            raise self.fail(node, f"{fname}() heeft argumenten nodig")
        n = _ARITY.get(fname)
        if n is not None and len(args) != n:
            raise self.fail(node, f"{fname}() neemt {n} argument(en)")
        return ir.Call(fname, args, text=self.text(node))

    def _quantifier(self, call: ast.Call, fname: str, gen: ast.GeneratorExp, local) -> ir.Node:
        if len(gen.generators) != 1 or gen.generators[0].is_async or not isinstance(gen.generators[0].target, ast.Name):
            raise self.fail(gen, f"{fname}() neemt één 'for x in lijst'")
        comp = gen.generators[0]
        var = comp.target.id
        inner = local | {var}
        items = self.node(comp.iter, local)
        element = self.node(gen.elt, inner)
        filters = tuple(self.node(f, inner) for f in comp.ifs)
        return ir.Quantifier(fname, var, items, element, filters, text=self.text(call))


def _check_size(tree: ast.AST) -> None:
    """Refuse a condition with more than MAX_NODES nodes or deeper than MAX_DEPTH (without recursion:
    the parser that follows recurses, and would overflow on 3,000 nested `not`)."""
    count, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"een voorwaarde heeft ten hoogste {MAX_NODES} delen; splits haar in afgeleide feiten")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"een voorwaarde is ten hoogste {MAX_DEPTH} niveaus diep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def parse(source: str, is_known_name: Callable[[str], bool],
          candidates: Callable[[], Iterable[str]] = tuple) -> Parsed:
    """Parse and check `source`; raise ExpressionError naming the problem and a likely fix."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("een voorwaarde mag niet leeg zijn")
    if len(source) > MAX_LENGTH:  # the text is not repeated: it is long
        raise ExpressionError(f"een voorwaarde is ten hoogste {MAX_LENGTH} tekens lang")
    text = " ".join(source.split())  # YAML folded text may span lines
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"syntaxfout (kolom {exc.offset}) in '{text}'") from None
    except (RecursionError, MemoryError):  # nesting the parser itself refuses
        raise ExpressionError(f"een voorwaarde is ten hoogste {MAX_DEPTH} niveaus diep") from None
    _check_size(tree)
    parser = _Parser(text, is_known_name, candidates)
    return Parsed(text, parser.node(tree), frozenset(parser.names))
