"""The columnar evaluator: the same rule sets, compiled to Polars expressions, for many cases at once.

Each condition's IR (the language's front end, `engine/language`, parsed it once at load time) is
compiled node by node into a Polars expression and a *fact mask*: null is the
unknown value, and the mask (bits over the facts that can be unknown) says which facts an unknown
depends on, so `missing_facts` come out exactly as the single-case evaluator names them. Polars'
`&`, `|` and `~` are Kleene's three-valued operators and comparisons with null give null; the
compiler relies on that and adds the fact bookkeeping the engine's `Unknown` carries. Parts of a
condition that read only parameters are folded to constants by the engine's own closures of the
same IR, so constants mean exactly what they mean there. Numbers are scaled integers (money in
cents, factors at their own number of decimals): comparisons and arithmetic are exact.

Per option the plan reproduces `engine/evaluator.py`: blocks that hold and that no statutory
ground sets aside (active), blocks that may hold (possible), a route's availability per block, the
status rule, and the facts that decide it. Block, route and ground lists come out as bit sets over
the option's rules in rule-set order, decoded only for the rows a caller asks about.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import add, and_, or_
from typing import Any, Iterable

import polars as pl

from engine.errors import Problem, RulesetError
from engine.expressions import Expression, ExpressionError, closure
from engine.language import ir
from engine.facts import Vocabulary
from engine.loader import CompiledRoute, CompiledRule
from engine.registry import Bundle, Registry
from engine.relevance import unknowable
from engine.status import (BLOCK_STANDING, FACTS_ASKED, FALSE, GROUND_MISSING, GROUND_STANDING, LIFTS, POSSIBLE,
                           ROUTE_DECIDES, ROUTE_FACTS_ASKED, ROUTE_STATUS, STATUS_FACTS, STATUS_TABLE, TRUE, TRUTHS,
                           UNKNOWN, plan)
from engine.unknown import Unknown

from .frame import CASE_ID, OPTIONS, conform

STATUSES = ("allowed", "route_available", "needs_information", "blocked")
STATUS = pl.Enum(STATUSES)
STATUS_CODES = tuple(STATUSES.index(s) for s in STATUS_TABLE)  # engine.status.status_rule as codes
U64 = pl.UInt64
ZERO = pl.lit(0, dtype=U64)
MAX_SCALE = 8  # decimals kept exactly in Int64 (money up to 10^10 euro at 8 decimals)
INT64_LIMIT = 2 ** 63
BUNDLE = "_bundle"
ROW = "_row"
ASKED = "_asked"  # bit i: the case asks for the plan's option i
OUTCOME = "outcome"

# The columns of a result, per option: `status:<option>` and the rest below.
LISTS = ("blocks", "possible", "routes_available", "routes_conditional", "routes_unavailable",
         "grounds", "grounds_conditional", "missing", "route_missing")


def col(kind: str, option: str) -> str:
    return f"{kind}:{option}"


class Unsupported(RulesetError):
    """A rule uses a construct the columnar evaluator does not compile (named with file and line)."""


# ---------------------------------------------------------------------------------------------
# Values during compilation


@dataclass(frozen=True)
class Node:
    """A compiled (sub)expression: a constant, or a Polars expression with its fact mask.

    kind: bool | num | text | date | list | tuple | null (a value that is always unknown).
    A num expression holds the value times 10**scale. `mask` is one UInt64 expression per word,
    None where no bit can be set; it is zero wherever the value is known.
    """

    kind: str
    expr: pl.Expr | None = None
    const: Any = None
    scale: int = 0
    mask: tuple | None = None
    elem: str | None = None  # list element kind

    @property
    def is_const(self) -> bool:
        return self.expr is None


def _kind_of(value: Any) -> str:
    if isinstance(value, Unknown):
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, Decimal)):
        return "num"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, tuple):
        return "tuple"
    raise TypeError(value)


def _scale_of(value: int | Decimal) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def const(value: Any) -> Node:
    return Node(_kind_of(value), const=value, scale=_scale_of(value) if _kind_of(value) == "num" else 0)


class Masks:
    """Bit sets over `names`, as one UInt64 expression per 64 names."""

    def __init__(self, names: Iterable[str]):
        self.names = tuple(names)
        self.bit = {n: i for i, n in enumerate(self.names)}
        self.width = max(1, math.ceil(len(self.names) / 64))

    def of(self, facts: Iterable[str]) -> tuple | None:
        words = [0] * self.width
        for f in facts:
            i = self.bit[f]
            words[i // 64] |= 1 << (i % 64)
        return None if not any(words) else tuple(pl.lit(w, dtype=U64) if w else None for w in words)

    def where_null(self, expr: pl.Expr, name: str) -> tuple:
        i = self.bit[name]
        words: list = [None] * self.width
        words[i // 64] = pl.when(expr.is_null()).then(pl.lit(1 << (i % 64), dtype=U64)).otherwise(ZERO)
        return tuple(words)

    def union(self, *masks: tuple | None) -> tuple | None:
        masks = [m for m in masks if m is not None]
        if not masks:
            return None
        words = []
        for w in range(len(masks[0])):
            parts = [m[w] for m in masks if m[w] is not None]
            words.append(reduce(or_, parts) if parts else None)
        return tuple(words) if any(x is not None for x in words) else None

    @staticmethod
    def where(cond: pl.Expr, mask: tuple | None) -> tuple | None:
        """The mask where `cond` is true, zero elsewhere (and where `cond` is null)."""
        if mask is None:
            return None
        return tuple(None if w is None else pl.when(cond).then(w).otherwise(ZERO) for w in mask)

    @staticmethod
    def choose(cases: list[tuple[pl.Expr, tuple | None]], width: int) -> tuple | None:
        """when(c1).then(m1).when(c2).then(m2)… otherwise zero, per word."""
        words = []
        for w in range(width):
            chain = None
            word_cases = [(cond, None if m is None else m[w]) for cond, m in cases]
            while word_cases and word_cases[-1][1] is None:  # a last case giving zero is the otherwise
                word_cases.pop()
            for cond, word in word_cases:
                word = ZERO if word is None else word
                chain = pl.when(cond).then(word) if chain is None else chain.when(cond).then(word)
            words.append(None if chain is None else chain.otherwise(ZERO))
        return tuple(words) if any(w is not None for w in words) else None

    @staticmethod
    def struct(mask: tuple | None, width: int) -> pl.Expr:
        """The words as one struct column w0…w{width-1} (padded, so every bundle's column has one type)."""
        words = list(mask or ())
        words += [None] * (width - len(words))
        return pl.struct([(ZERO if w is None else w).alias(f"w{i}") for i, w in enumerate(words)])

    def decode(self, words: dict | None) -> list[str]:
        if not words:
            return []
        out = []
        for w in range(self.width):
            word = words.get(f"w{w}") or 0
            while word:
                low = word & -word
                out.append(self.names[w * 64 + low.bit_length() - 1])
                word ^= low
        return out


def flags(bools: list[pl.Expr]) -> tuple | None:
    """Bit i set where bools[i] is true (null counts as false)."""
    width = max(1, math.ceil(len(bools) / 64))
    words: list = [None] * width
    for i, b in enumerate(bools):
        bit = pl.when(b).then(pl.lit(1 << (i % 64), dtype=U64)).otherwise(ZERO)
        words[i // 64] = bit if words[i // 64] is None else words[i // 64] | bit
    return tuple(words) if any(w is not None for w in words) else None


# ---------------------------------------------------------------------------------------------
# Expressions


_ORDER = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_EQ = {"==": "eq", "!=": "ne"}
_MIRROR = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}  # a OP b is b MIRROR a
_FACT_KIND = {"integer": ("num", 0, None), "money": ("num", 2, None), "date": ("date", 0, None),
              "text": ("text", 0, None), "enum": ("text", 0, None), "boolean": ("bool", 0, None),
              "list_text": ("list", 0, "text"), "list_integer": ("list", 0, "num")}


class _Compiler:
    """Compiles the conditions of one bundle; derived facts become columns the first time they are read."""

    def __init__(self, bundle: Bundle, vocabulary: Vocabulary, masks: Masks, never_unknown: frozenset[str]):
        self.bundle = bundle
        self.vocab = vocabulary
        self.masks = masks
        self.never_unknown = never_unknown  # facts a presumption fills, or known in every row of the table
        self.const_env: dict[str, Any] = dict(bundle.params)
        self.derived = {r.rule.fact: r for r in bundle.derive}
        self.derived_nodes: dict[str, Node] = {}
        self.stages: list[list[pl.Expr]] = []  # derived facts, in dependency order
        self.owner: CompiledRule | CompiledRoute | None = None
        self.source = ""

    # -- errors -----------------------------------------------------------------------------
    def unsupported(self, node: ir.Node, what: str) -> Unsupported:
        o = self.owner.origin
        return Unsupported([Problem(
            f"de kolomsgewijze evaluator ondersteunt dit niet: {what} in '{self.source}'",
            f"the columnar evaluator does not support this: {what} in '{self.source}'",
            file=o.file, line=o.line, rule=self.owner.id)])

    # -- entry ------------------------------------------------------------------------------
    def condition(self, item: CompiledRule | CompiledRoute) -> Node:
        if item.when is None:
            return const(True)
        node = self.expression(item, item.when)
        if node.kind not in ("bool", "null"):
            raise self.unsupported(item.when.tree, "een voorwaarde zonder ja/nee-waarde")
        return node

    def expression(self, owner, expression: Expression) -> Node:
        saved = self.owner, self.source
        self.owner, self.source = owner, expression.source
        try:
            return self.compile(expression.tree, {})
        finally:
            self.owner, self.source = saved

    # -- constant folding -------------------------------------------------------------------
    def _is_const(self, node: ir.Node) -> bool:
        if ir.free_locals(node):
            return False
        for n in ir.names(node):
            if n in self.vocab.facts:
                return False
            if n in self.derived and not self.derived_node(n).is_const:
                return False
        return True

    def fold(self, node: ir.Node) -> Node:
        try:
            value = closure(node)(self.const_env, None)
        except ExpressionError as exc:
            o = self.owner.origin
            raise RulesetError([Problem(f"fout bij evalueren: {exc}", f"evaluation error: {exc}",
                                        file=o.file, line=o.line, rule=self.owner.id)]) from None
        if isinstance(value, list):
            value = tuple(value)
        return const(value)

    # -- derived facts ------------------------------------------------------------------------
    def derived_node(self, fact: str) -> Node:
        if fact in self.derived_nodes:
            return self.derived_nodes[fact]
        rule = self.derived[fact]
        node = self.expression(rule, rule.value)
        if node.is_const:
            self.const_env[fact] = node.const
        else:
            name = f"_d:{fact}"
            exprs = [expr_of(node).alias(name)]
            mask = None
            if node.mask is not None:
                mask = tuple(None if w is None else pl.col(f"{name}#{i}") for i, w in enumerate(node.mask))
                exprs += [w.alias(f"{name}#{i}") for i, w in enumerate(node.mask) if w is not None]
            self.stages.append(exprs)
            node = Node(node.kind, pl.col(name), scale=node.scale, mask=mask, elem=node.elem)
        self.derived_nodes[fact] = node
        return node

    # -- nodes ------------------------------------------------------------------------------
    def compile(self, node: ir.Node, loop: dict) -> Node:
        if type(node) not in (ir.Literal, ir.ListOf) and self._is_const(node):
            return self.fold(node)
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:
            raise self.unsupported(node, type(node).__name__)
        return method(node, loop)

    def c_Literal(self, node, loop):
        return self.fold(node)

    def c_ListOf(self, node, loop):
        if self._is_const(node):
            return self.fold(node)
        raise self.unsupported(node, "een lijst met feiten erin")

    def c_Local(self, node, loop):
        return loop[node.name]

    def c_Name(self, node, loop):
        name = node.name
        if name in self.derived:
            return self.derived_node(name)
        spec = self.vocab.facts.get(name)
        if spec is None:  # a parameter; constants are folded before we get here
            return self.fold(node)
        kind, scale, elem = _FACT_KIND[spec.type]
        column = pl.col(name)
        mask = None if name in self.never_unknown else self.masks.where_null(column, name)
        return Node(kind, column, scale=scale, mask=mask, elem=elem)

    def c_BoolOp(self, node, loop):
        parts = [self.compile(v, loop) for v in node.operands]
        for p in parts:
            if p.kind not in ("bool", "null"):
                raise self.unsupported(node, "and/or over een waarde die geen ja/nee is")
        is_and = node.op == "and"
        decisive = not is_and  # False decides `and`, True decides `or`
        if any(p.is_const and p.const is decisive for p in parts):
            return const(decisive)
        parts = [p for p in parts if not (p.is_const and p.const is (not decisive))]
        if not parts:
            return const(not decisive)
        if len(parts) == 1:
            return parts[0]
        value = reduce(and_ if is_and else or_, [expr_of(p, pl.Boolean) for p in parts])
        mask = self.masks.union(*(mask_of(p, self.masks) for p in parts))
        return Node("bool", value, mask=Masks.where(value.is_null(), mask))

    def c_Not(self, node, loop):
        inner = self.compile(node.operand, loop)
        if inner.kind not in ("bool", "null"):
            raise self.unsupported(node, "'not' voor een waarde die geen ja/nee is")
        return Node("bool", ~expr_of(inner, pl.Boolean), mask=mask_of(inner, self.masks))

    def c_Neg(self, node, loop):
        inner = self.compile(node.operand, loop)
        if inner.kind in ("num", "null"):
            return Node(inner.kind, -expr_of(inner), scale=inner.scale, mask=mask_of(inner, self.masks))
        raise self.unsupported(node, "deze operator")

    def _null(self, *nodes: Node, kind: str = "null") -> Node:
        dtype = pl.Boolean if kind == "bool" else None
        return Node(kind, pl.lit(None, dtype=dtype), mask=self.masks.union(*(mask_of(n, self.masks) for n in nodes)))

    def c_Arith(self, node, loop):
        a, b = self.compile(node.left, loop), self.compile(node.right, loop)
        if "null" in (a.kind, b.kind):
            return self._null(a, b)
        if a.kind != "num" or b.kind != "num":
            raise self.unsupported(node, "rekenen met iets anders dan getallen")
        mask = self.masks.union(mask_of(a, self.masks), mask_of(b, self.masks))
        if node.op in ("+", "-"):
            s = max(a.scale, b.scale)
            x, y = scaled(a, s, self, node), scaled(b, s, self, node)
            return Node("num", x + y if node.op == "+" else x - y, scale=s, mask=mask)
        if node.op == "*":
            s = a.scale + b.scale
            if s > MAX_SCALE:
                raise self.unsupported(node, f"meer dan {MAX_SCALE} decimalen")
            return Node("num", scaled(a, a.scale, self, node) * scaled(b, b.scale, self, node), scale=s, mask=mask)
        return self._divide(node, a, b, mask)

    def _divide(self, node, a: Node, b: Node, mask) -> Node:
        """a / b at MAX_SCALE decimals, truncated toward zero.

        Truncation never moves a value across a rounding boundary (a boundary is itself exact at
        MAX_SCALE), so `round_cents(a / b)`, the form rule sets use (the kostendelersnorm of
        art. 22a), equals the single-case evaluator's Decimal result. Division by zero is unknown.
        """
        a_scale = a.scale if not a.is_const else _scale_of(a.const)
        b_scale = b.scale if not b.is_const else _scale_of(b.const)
        shift = MAX_SCALE - a_scale + b_scale
        if shift < 0 or b_scale > MAX_SCALE:
            raise self.unsupported(node, f"delen met meer dan {MAX_SCALE} decimalen")
        x, y = scaled(a, a_scale, self, node), scaled(b, b_scale, self, node)
        num = x * pl.lit(10 ** shift, dtype=pl.Int64)
        quotient = (num.abs() // y.abs()) * (num.sign() * y.sign())
        value = pl.when(y == 0).then(None).otherwise(quotient)
        return Node("num", value, scale=MAX_SCALE, mask=Masks.where(value.is_null(), mask))

    def c_Compare(self, node, loop):
        operands = [self.compile(n, loop) for n in node.operands]
        pairs = [self.compare(node, op, operands[i], operands[i + 1]) for i, op in enumerate(node.ops)]
        if len(pairs) == 1:
            return pairs[0]
        if any(p.is_const and p.const is False for p in pairs):
            return const(False)
        live = [p for p in pairs if not (p.is_const and p.const is True)]
        value = reduce(and_, [expr_of(p, pl.Boolean) for p in live]) if live else pl.lit(True)
        mask = self.masks.union(*(mask_of(p, self.masks) for p in live))
        return Node("bool", value, mask=Masks.where(value.is_null(), mask))

    def compare(self, node, op: str, a: Node, b: Node) -> Node:
        if a.is_const and b.is_const:
            return self._fold_pair(node, op, a, b)
        if "null" in (a.kind, b.kind):
            return self._null(a, b, kind="bool")
        mask = self.masks.union(mask_of(a, self.masks), mask_of(b, self.masks))
        if op in ("in", "not in"):
            value = self._contains(node, a, b)
            return Node("bool", ~value if op == "not in" else value, mask=mask)
        if a.kind != b.kind:
            if op in _EQ and "bool" not in (a.kind, b.kind):  # Python: values of different kinds are never equal
                either = expr_of(a).is_null() | expr_of(b).is_null()
                return Node("bool", pl.when(either).then(None).otherwise(pl.lit(op == "!=")), mask=mask)
            raise self.unsupported(node, f"{a.kind} vergelijken met {b.kind}")
        if a.kind in ("list", "tuple") or (a.kind == "bool" and op not in _EQ):
            raise self.unsupported(node, f"deze vergelijking van {a.kind}")
        x, y = aligned(a, b, self, node)
        method = (_ORDER.get(op) or _EQ.get(op))
        if a.is_const:  # Polars 2.1 returns one row for `literal < when(…)` over an all-null column
            x, y, method = y, x, _MIRROR[method]
        return Node("bool", getattr(x, method)(y), mask=mask)

    def _fold_pair(self, node, op, a: Node, b: Node) -> Node:
        # both sides constant: let the engine decide (same semantics, including unknowns)
        pair = ir.Compare((op,), (ir.Name("a"), ir.Name("b")), text=f"a {op} b")
        try:
            value = closure(pair)({"a": a.const, "b": b.const}, None)
        except ExpressionError as exc:
            raise self.unsupported(node, str(exc)) from None
        return const(value)

    def _contains(self, node, item: Node, container: Node) -> pl.Expr:
        if container.is_const and container.kind == "tuple":
            values = container.const
            if item.kind == "num":
                if not all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in values):
                    raise self.unsupported(node, "'in' met een lijst van gemengde waarden")
                s = max([item.scale, *(_scale_of(v) for v in values)])
                if s > MAX_SCALE:
                    raise self.unsupported(node, f"meer dan {MAX_SCALE} decimalen")
                return scaled(item, s, self, node).is_in([int(Decimal(v).scaleb(s)) for v in values])
            wanted = {"text": str, "date": dt.date, "bool": bool}.get(item.kind)
            if wanted is None:
                raise self.unsupported(node, f"'in' voor een {item.kind}")
            same = [v for v in values if type(v) is wanted or (wanted is dt.date and isinstance(v, dt.date))]
            return expr_of(item).is_in(same) if same else (
                pl.when(expr_of(item).is_null()).then(None).otherwise(pl.lit(False)))
        if container.kind == "list" and item.kind in ("text", "num"):
            if item.kind != container.elem:
                either = expr_of(item).is_null() | expr_of(container).is_null()
                return pl.when(either).then(None).otherwise(pl.lit(False))
            if item.kind == "num" and item.scale != 0:
                raise self.unsupported(node, "een decimaal getal zoeken in een lijst van gehele getallen")
            either = expr_of(item).is_null() | expr_of(container).is_null()
            return pl.when(either).then(None).otherwise(expr_of(container).list.contains(expr_of(item)))
        if container.kind == "text" and item.kind == "text":
            either = expr_of(item).is_null() | expr_of(container).is_null()
            return pl.when(either).then(None).otherwise(expr_of(container).str.contains(expr_of(item), literal=True))
        raise self.unsupported(node, f"'in' voor een {item.kind} in een {container.kind}")

    def c_IfElse(self, node, loop):
        t = self.compile(node.test, loop)
        a, b = self.compile(node.body, loop), self.compile(node.orelse, loop)
        if t.kind not in ("bool", "null"):
            raise self.unsupported(node, "een 'if' zonder ja/nee-voorwaarde")
        if t.is_const and t.kind == "bool":
            return a if t.const else b
        kinds = {a.kind, b.kind} - {"null"}
        if len(kinds) > 1:
            raise self.unsupported(node, f"een 'if' met een {a.kind} en een {b.kind}")
        kind = kinds.pop() if kinds else "null"
        if kind == "tuple":
            raise self.unsupported(node, "een 'if' die een lijst oplevert")
        scale = max(a.scale, b.scale)
        x = scaled(a, scale, self, node) if a.kind == "num" else expr_of(a)
        y = scaled(b, scale, self, node) if b.kind == "num" else expr_of(b)
        te = expr_of(t, pl.Boolean)
        # an unknown test still gives a value when both branches agree (engine: `a == b`)
        agree = (x == y) if kind not in ("null", "list") else pl.lit(False)
        value = pl.when(te).then(x).when(~te).then(y).when(agree).then(x).otherwise(None)
        m = self.masks
        ma, mb, mt = mask_of(a, m), mask_of(b, m), mask_of(t, m)
        mask = Masks.choose([(te, ma), (~te, mb), (value.is_null(), m.union(mt, ma, mb))], m.width)
        return Node(kind, value, scale=scale, mask=mask, elem=a.elem or b.elem)

    # -- functions --------------------------------------------------------------------------
    def c_Call(self, node, loop):
        fname = node.function
        args = [self.compile(a, loop) for a in node.args]
        m = self.masks
        mask = m.union(*(mask_of(a, m) for a in args))
        if fname == "known":
            return Node("bool", expr_of(args[0]).is_not_null())
        if any(a.kind == "null" for a in args) and fname not in ("min", "max"):
            return self._null(*args, kind="bool" if fname in ("any", "all") else "null")
        if fname == "len":
            a = args[0]
            if a.kind == "list":
                return Node("num", expr_of(a).list.len().cast(pl.Int64), mask=mask)
            if a.kind == "text":
                return Node("num", expr_of(a).str.len_chars().cast(pl.Int64), mask=mask)
        elif fname in ("min", "max"):
            return self._extreme(node, fname, args, mask)
        elif fname == "sum" and args[0].kind == "list" and args[0].elem == "num":
            return Node("num", expr_of(args[0]).list.sum(), mask=mask)
        elif fname in ("any", "all") and args[0].kind == "list" and args[0].elem == "bool":
            return Node("bool", getattr(expr_of(args[0]).list, fname)(), mask=mask)
        elif fname == "round_cents" and args[0].kind == "num":
            return Node("num", round_to(args[0], 2, self, node), scale=2, mask=mask)
        elif fname == "days_between" and args[0].kind == args[1].kind == "date":
            a, b = expr_of(args[0]), expr_of(args[1])
            return Node("num", (b - a).dt.total_days().cast(pl.Int64), mask=mask)
        elif fname in ("months_between", "years_between") and args[0].kind == args[1].kind == "date":
            a, b = expr_of(args[0]), expr_of(args[1])
            months = ((b.dt.year() - a.dt.year()) * 12 + (b.dt.month() - a.dt.month())).cast(pl.Int64) \
                - (b.dt.day() < a.dt.day()).cast(pl.Int64)
            return Node("num", months if fname == "months_between" else months // 12, mask=mask)
        elif fname == "add_days" and args[0].kind == "date" and args[1].kind == "num" and args[1].scale == 0:
            return Node("date", expr_of(args[0]) + pl.duration(days=expr_of(args[1])), mask=mask)
        elif fname == "add_months" and args[0].kind == "date" and args[1].kind == "num" and args[1].scale == 0:
            # as engine.expressions._add_months: polars clamps a missing day to the month's end; the engine takes the
            # first of the month after (the first day that lies n whole months later)
            a = expr_of(args[0])
            shifted = a.dt.offset_by(pl.format("{}mo", expr_of(args[1])))
            return Node("date", pl.when(shifted.dt.day() < a.dt.day()).then(shifted + pl.duration(days=1))
                        .otherwise(shifted), mask=mask)
        raise self.unsupported(node, f"{fname}() met deze argumenten")

    def _extreme(self, node, fname: str, args: list[Node], mask) -> Node:
        pick = pl.min_horizontal if fname == "min" else pl.max_horizontal
        if len(args) == 1:
            a = args[0]
            if a.kind == "null":
                return a
            if a.kind == "list" and a.elem == "num":  # the extreme of an empty list is unknown
                return Node("num", getattr(expr_of(a).list, fname)(), mask=mask)
            raise self.unsupported(node, f"{fname}() van een {a.kind}")
        if any(a.kind == "null" for a in args):
            return self._null(*args)
        kinds = {a.kind for a in args}
        if kinds == {"num"}:
            s = max(a.scale for a in args)
            values = [scaled(a, s, self, node) for a in args]
        elif kinds == {"date"}:
            s, values = 0, [expr_of(a) for a in args]
        else:
            raise self.unsupported(node, f"{fname}() over {', '.join(sorted(kinds))}")
        anynull = reduce(or_, [v.is_null() for v in values])
        return Node(kinds.pop(), pl.when(anynull).then(None).otherwise(pick(values)), scale=s, mask=mask)

    def c_Quantifier(self, node, loop) -> Node:
        fname = node.function
        items = self.compile(node.items, loop)
        if items.kind == "null":
            return self._null(items, kind="bool")
        if items.kind != "list":
            raise self.unsupported(node, f"{fname}() over een {items.kind}")
        element = Node(items.elem, pl.element())
        inner = {**loop, node.var: element}
        body = self.compile(node.element, inner)
        filters = [self.compile(f, inner) for f in node.filters]
        for part in (body, *filters):
            if part.kind != "bool" or part.mask is not None:
                raise self.unsupported(node, f"{fname}() met iets anders dan het lijstelement in de voorwaarde")
        per_item = expr_of(body)
        if filters:
            per_item = per_item.filter(reduce(and_, [expr_of(f) for f in filters]))
        value = getattr(expr_of(items).list.eval(per_item).list, fname)()
        return Node("bool", value, mask=mask_of(items, self.masks))


def expr_of(node: Node, dtype=None) -> pl.Expr:
    if not node.is_const:
        return node.expr
    v = node.const
    if isinstance(v, Unknown):
        return pl.lit(None, dtype=dtype)
    if node.kind == "num":
        return pl.lit(int(Decimal(v).scaleb(node.scale)), dtype=pl.Int64)
    if node.kind == "date":
        return pl.lit(v, dtype=pl.Date)
    if node.kind == "tuple":
        raise TypeError("a tuple has no scalar expression")
    return pl.lit(v)


def mask_of(node: Node, masks: Masks) -> tuple | None:
    if node.is_const:
        return masks.of(node.const.facts) if isinstance(node.const, Unknown) else None
    return node.mask


def scaled(node: Node, scale: int, comp: _Compiler, at) -> pl.Expr:
    """A num node as an Int64 expression at `scale` decimals (exactly; raising the scale only)."""
    if scale > MAX_SCALE:
        raise comp.unsupported(at, f"meer dan {MAX_SCALE} decimalen")
    if node.is_const:
        value = Decimal(node.const).scaleb(scale)
        if value != value.to_integral_value():
            raise comp.unsupported(at, "een getal met meer decimalen dan de vergelijking toelaat")
        if not -INT64_LIMIT < value < INT64_LIMIT:  # Polars refused it with an OverflowError (a 500 on the API)
            raise comp.unsupported(at, "een getal dat te groot is voor de berekening in kolommen")
        return pl.lit(int(value), dtype=pl.Int64)
    if scale < node.scale:
        raise comp.unsupported(at, "afronden zonder round_cents()")
    return node.expr if scale == node.scale else node.expr * pl.lit(10 ** (scale - node.scale), dtype=pl.Int64)


def aligned(a: Node, b: Node, comp: _Compiler, at) -> tuple[pl.Expr, pl.Expr]:
    if a.kind == "num":
        s = max(a.scale if not a.is_const else _scale_of(a.const), b.scale if not b.is_const else _scale_of(b.const))
        return scaled(a, s, comp, at), scaled(b, s, comp, at)
    return expr_of(a), expr_of(b)


def round_to(node: Node, places: int, comp: _Compiler, at) -> pl.Expr:
    """Round half away from zero to `places` decimals (Decimal's ROUND_HALF_UP)."""
    if node.scale <= places:
        return scaled(node, places, comp, at)
    step = 10 ** (node.scale - places)
    v = node.expr
    magnitude = (v.abs() + pl.lit(step // 2, dtype=pl.Int64)) // pl.lit(step, dtype=pl.Int64)
    return pl.when(v < 0).then(-magnitude).otherwise(magnitude)


# ---------------------------------------------------------------------------------------------
# The plan for one bundle


@dataclass
class Codebook:
    """What the bits of a result mean, for one bundle."""

    facts: Masks
    blocks: dict[str, Masks]  # option -> its block rules, in rule-set order
    routes: dict[str, Masks]
    grounds: dict[str, Masks]
    versions: tuple[str, ...]  # "<ruleset>@<version>"

    def names(self, kind: str, option: str) -> Masks:
        if kind in ("missing", "route_missing"):
            return self.facts
        if kind in ("blocks", "possible"):
            return self.blocks[option]
        if kind.startswith("routes"):
            return self.routes[option]
        return self.grounds[option]


@dataclass
class Plan:
    """Polars expressions for one bundle, in stages; picklable, so it can run on a Dask worker."""

    stages: list[list[pl.Expr]]  # each stage reads the columns the stages before it made
    codebook: Codebook
    options: tuple[str, ...]

    def apply(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        for stage in self.stages:
            if stage:
                lf = lf.with_columns(stage)
        return lf


def _option_items(bundle: Bundle, option: str):
    """The option's blocks, grounds and routes, from the plan the core decides with (engine.status)."""
    p = plan(bundle, option)
    blocks = [r for r in p.rules if r.rule.kind == "block"]
    grounds = [r for r in p.rules if r.rule.kind == "ground"]
    routes: dict[str, CompiledRoute] = {}
    for b in blocks:
        for route in p.routes[b.id]:
            routes.setdefault(route.id, route)
    return blocks, grounds, routes


def widths(bundles: Iterable[Bundle], options: Iterable[str]) -> tuple[int, int]:
    """Words per fact set and per rule set, wide enough for every bundle (one column type for all)."""
    options = tuple(options)
    facts, items = 1, 1
    for bundle in bundles:
        facts = max(facts, math.ceil(len(unknowable(bundle, options)) / 64))
        for o in options:
            blocks, grounds, routes = _option_items(bundle, o)
            items = max(items, math.ceil(max(len(blocks), len(grounds), len(routes)) / 64))
    return facts, items


def compile_plan(bundle: Bundle, vocabulary: Vocabulary, options: Iterable[str],
                 width: tuple[int, int] | None = None, known: frozenset[str] = frozenset()) -> Plan:
    """Compile every rule and route the options read into one plan for `bundle`; the facts in `known` have a
    value in every row of the table it will run on, so no unknown can depend on them (their masks are left out)."""
    options = tuple(options)
    if len(options) > 64:
        raise ValueError("at most 64 options per plan (one bit each)")
    width = width or widths([bundle], options)
    presumptions = {p.fact: p.value for p, _ in bundle.presumptions}
    masks = Masks(unknowable(bundle, options))
    comp = _Compiler(bundle, vocabulary, masks, frozenset(presumptions) | known)
    first = [pl.col(f).fill_null(pl.lit(v)) for f, v in presumptions.items() if f in vocabulary.facts]

    held: dict[str, tuple[pl.Expr, tuple | None]] = {}
    held_columns: list[pl.Expr] = []

    def hold(item) -> None:
        if item.id in held:
            return
        node = comp.condition(item)
        if node.is_const:
            held[item.id] = (expr_of(node, pl.Boolean), mask_of(node, masks))
            return
        name = f"_h:{item.id}"
        held_columns.append(node.expr.alias(name))
        mask = None
        if node.mask is not None:
            mask = tuple(None if w is None else pl.col(f"{name}#{i}") for i, w in enumerate(node.mask))
            held_columns.extend(w.alias(f"{name}#{i}") for i, w in enumerate(node.mask) if w is not None)
        held[item.id] = (pl.col(name), mask)

    per_option, books = [], {"blocks": {}, "routes": {}, "grounds": {}}
    for option in options:
        blocks, grounds, routes = _option_items(bundle, option)
        for item in (*blocks, *grounds, *routes.values()):
            hold(item)
        per_option.append((option, blocks, grounds, routes))
        books["blocks"][option] = Masks(b.id for b in blocks)
        books["routes"][option] = Masks(routes)
        books["grounds"][option] = Masks(g.id for g in grounds)
    bits = {o: 1 << i for i, o in enumerate(options)}
    held_columns.append(pl.col(OPTIONS).list.eval(pl.element().replace_strict(bits, default=0, return_dtype=U64))
                        .list.sum().fill_null(0).alias(ASKED))
    per_block, codes, outputs = [], [], []
    for option, *items in per_option:
        one, code, two = _option_outputs(option, *items, bundle, held, masks, width, bits[option])
        per_block += one
        codes.append(code)
        outputs += two

    # the best status of the asked options: STATUSES is ordered best first, so the least code (null: none asked)
    asked = [pl.when(_asked(bits[o])).then(pl.col(_code(o))) for o in options]
    best = pl.min_horizontal(asked) if asked else pl.lit(None, dtype=pl.UInt32)
    outcome = _STATUS_SERIES.gather(best)

    codebook = Codebook(facts=masks, blocks=books["blocks"], routes=books["routes"], grounds=books["grounds"],
                        versions=tuple(v.key for v in bundle.versions))
    return Plan(stages=[first, *comp.stages, held_columns, per_block, codes, outputs, [outcome.alias(OUTCOME)]],
                codebook=codebook, options=options)


def truth_in(e: pl.Expr, truths) -> pl.Expr:
    """Whether the truth of `e` (null: unknown) is one of `truths` (engine.status.TRUTHS)."""
    truths = frozenset(truths)
    if len(truths) == len(TRUTHS) or not truths:
        return pl.lit(bool(truths))
    if truths == {UNKNOWN}:
        return e.is_null()
    if truths == {TRUE, FALSE}:
        return e.is_not_null()
    return (e if TRUE in truths else ~e).fill_null(UNKNOWN in truths)


def _anyof(xs: list[pl.Expr]) -> pl.Expr:
    return reduce(or_, xs) if xs else pl.lit(False)


def _by_truth(h: pl.Expr, other: pl.Expr, table: dict, wanted: Iterable, others: tuple) -> pl.Expr:
    """Where table[(truth of h, value of other)] is one of `wanted`: per truth of `h`, the values of `other`
    that give it (`others` lists them; a value of `other` is a truth, or a bool for a boolean column)."""
    terms = []
    for held in TRUTHS:
        hits = [o for o in others if table[held, o] in wanted]
        if not hits:
            continue
        term = truth_in(h, {held})
        if len(hits) < len(others):
            term &= truth_in(other, hits) if others == TRUTHS else (other if hits == [True] else ~other)
        terms.append(term)
    return _anyof(terms)


def _option_outputs(option, blocks, grounds, routes, bundle: Bundle, held, masks: Masks,
                    width: tuple[int, int], asked_bit: int) -> tuple[list[pl.Expr], pl.Expr, list[pl.Expr]]:
    """The engine's status algorithm for one option, in two stages over the held conditions.

    Every step is compiled from engine.status's tables (a block's standing, a route's status and a block's
    lift, the five facts of the status rule, which grounds are kept, which facts are asked). Stage 1
    materialises per block its standing and its lift, then the status code; stage 2 derives the status, the
    first block and the bit sets from those columns.
    """
    exceptions_of = plan(bundle, option).exceptions  # the grounds of this option that set a block aside
    one, two = [], []
    standings = ("active", *POSSIBLE)
    name = {k: [f"_{k}:{option}:{i}" for i in range(len(blocks))] for k in (*standings, *LIFTS)}
    lifted = []
    for i, b in enumerate(blocks):
        h, _ = held[b.id]
        # statutory exceptions: Kleene `or` over the grounds that set this block aside for this option
        exceptions = [held[g.id][0] for g in exceptions_of[b.id]]
        ex = reduce(or_, exceptions) if exceptions else pl.lit(False)
        one += [_by_truth(h, ex, BLOCK_STANDING, (s,), TRUTHS).alias(name[s][i]) for s in standings]
        rs = [r for r in routes if b.id in bundle.lifted_by_route.get(r, ())]
        lifted.append(rs)
        earlier = pl.lit(False)  # a block's lift is the first of LIFTS one of its routes has
        for lift in LIFTS:
            has = _anyof([truth_in(held[r][0], [t for t, s in ROUTE_STATUS.items() if s == lift]) for r in rs])
            one.append((has & ~earlier).alias(name[lift][i]))
            earlier = earlier | has

    c = {k: [pl.col(n) for n in names] for k, names in name.items()}
    c["none"] = [~_anyof([c[lift][i] for lift in LIFTS]) for i in range(len(blocks))]
    possible = [_anyof([c[s][i] for s in POSSIBLE]) for i in range(len(blocks))]
    relevant = [_anyof([c[s][i] for s in standings]) for i in range(len(blocks))]

    def some(kinds: tuple, lifts: tuple) -> pl.Expr:  # some block of one of these standings and lifts
        others = [lift for lift in (*LIFTS, "none") if lift not in lifts]
        return _anyof([_anyof([c[k][i] for k in kinds]) & ~_anyof([c[o][i] for o in others]) if others
                       else _anyof([c[k][i] for k in kinds]) for i in range(len(blocks))])
    # the status by the core's own rule (engine.status.status_rule), as a table indexed by its five facts
    index = reduce(add, (some(kinds, lifts).cast(pl.UInt32) * (1 << bit)
                         for bit, (kinds, lifts) in enumerate(STATUS_FACTS)))
    code_column = pl.lit(pl.Series(STATUS_CODES, dtype=pl.UInt32)).gather(index).alias(_code(option))
    code = pl.col(_code(option))  # materialised once: the status, the facts asked and the outcome read it
    status = pl.when(_asked(asked_bit)).then(_STATUS_SERIES.gather(code))

    def code_in(statuses: tuple) -> pl.Expr:
        return code.is_in([STATUSES.index(s) for s in statuses])

    # routes: shown for every block that holds or may hold, with their status
    route_ids = list(routes)
    appears = [_anyof([relevant[i] for i, rs in enumerate(lifted) if r in rs]) for r in route_ids]
    route_bits = {s: [ap & truth_in(held[r][0], [t]) for ap, r in zip(appears, route_ids)]
                  for t, s in ROUTE_STATUS.items()}
    decides, lift = ROUTE_DECIDES
    route_missing = masks.union(*(Masks.where(
        truth_in(held[r][0], [t for t, s in ROUTE_STATUS.items() if s == decides])
        & _anyof([relevant[i] & c[lift][i] for i, rs in enumerate(lifted) if r in rs]),
        held[r][1]) for r in route_ids))
    route_missing = Masks.where(code_in(ROUTE_FACTS_ASKED), route_missing)

    # the facts that decide a possible block: its own, or those of the exceptions that may set it aside
    block_masks = []
    for i, b in enumerate(blocks):
        facts = {"condition": held[b.id][1],
                 "exceptions": masks.union(*(held[g.id][1] for g in exceptions_of[b.id]))}
        block_masks.append(Masks.choose([(c[s][i], facts[why]) for s, why in POSSIBLE.items()], masks.width))

    # grounds: kept by their truth and whether they could set a possible block aside
    index = {b.id: i for i, b in enumerate(blocks)}
    g_kept = {k: [] for k in ("applies", "conditional")}
    g_masks = []
    for g in grounds:
        h, hm = held[g.id]
        sets_aside = _anyof([possible[index[t]] for t in g.rule.overrides if t in index])
        for k, bits in g_kept.items():
            bits.append(_by_truth(h, sets_aside, GROUND_STANDING, (k,), (True, False)))
        g_masks.append(Masks.where(_by_truth(h, sets_aside, GROUND_STANDING, GROUND_MISSING, (True, False)), hm))
    missing = Masks.where(code_in(FACTS_ASKED), masks.union(*block_masks, *g_masks))

    first = pl.lit(None, dtype=pl.UInt32)
    for i in reversed(range(len(blocks))):
        first = pl.when(c["active"][i]).then(pl.lit(i, dtype=pl.UInt32)).otherwise(first)
    ids = pl.Series([b.id for b in blocks] or [""], dtype=pl.String)
    fact_width, item_width = width
    two += [status.alias(col("status", option)), pl.lit(ids).gather(first).alias(col("first_block", option))]
    for kind, bits in (("blocks", flags(c["active"])), ("possible", flags(possible)),
                       ("routes_available", flags(route_bits["available"])),
                       ("routes_conditional", flags(route_bits["conditional"])),
                       ("routes_unavailable", flags(route_bits["unavailable"])),
                       ("grounds", flags(g_kept["applies"])), ("grounds_conditional", flags(g_kept["conditional"]))):
        two.append(Masks.struct(bits, item_width).alias(col(kind, option)))
    two.append(Masks.struct(missing, fact_width).alias(col("missing", option)))
    two.append(Masks.struct(_minus(route_missing, missing), fact_width).alias(col("route_missing", option)))
    return one, code_column, two


_STATUS_SERIES = pl.lit(pl.Series(STATUSES, dtype=STATUS))


def _code(option: str) -> str:
    return f"_code:{option}"


def _asked(bit: int) -> pl.Expr:
    return (pl.col(ASKED) & pl.lit(bit, dtype=U64)) != 0


def _minus(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return a
    return tuple(None if x is None else (x if y is None else x & ~y) for x, y in zip(a, b))


# ---------------------------------------------------------------------------------------------
# Running plans over a table


@dataclass
class ColumnarResult:
    """Per case: the outcome, and per option its status, first block and bit sets (see `decode`)."""

    table: pl.DataFrame
    codebooks: dict[int, Codebook]
    options: tuple[str, ...]
    keep: tuple[str, ...] = ()
    kinds: tuple[str, ...] = LISTS  # the bit sets computed
    facts: frozenset[str] = frozenset()  # the household facts; any other missing name is an open term

    def decode(self, rows: pl.DataFrame | None = None, options: Iterable[str] | None = None) -> pl.DataFrame:
        """The bit sets of `rows` (default: all) as lists of rule, route and fact ids, long format."""
        return decode(self, rows if rows is not None else self.table, options)


DEFAULT_KEEP = (CASE_ID, "case.municipality", "case.reference_date", "household.composition", "need.amount",
                "avoided_costs.per_year", OPTIONS)


def options_in(lf: pl.LazyFrame) -> tuple[str, ...]:
    found = lf.select(pl.col(OPTIONS).explode().unique().drop_nulls()).collect().to_series().to_list()
    return tuple(sorted(found))


def plans_for(lf: pl.LazyFrame, registry: Registry, options: tuple[str, ...],
              known: frozenset[str] = frozenset()) -> tuple[pl.DataFrame, dict[int, Plan]]:
    """Which bundle each (municipality, date) uses, and a compiled plan per bundle (see compile_plan: `known`)."""
    keys = _keys(lf)
    by_key: dict[tuple, int] = {}
    rows, bundles = [], {}
    for m, d in keys.iter_rows():
        bundle = registry.bundle(m, d)
        key = tuple(v.key + v.digest for v in bundle.versions)
        if key not in by_key:
            by_key[key] = len(by_key)
            bundles[by_key[key]] = bundle
        rows.append((m, d, by_key[key]))
    width = widths(bundles.values(), options)
    plans = {i: compile_plan(b, registry.vocabulary, options, width, known) for i, b in bundles.items()}
    table = pl.DataFrame(rows, schema={"case.municipality": pl.String, "case.reference_date": pl.Date,
                                       BUNDLE: pl.Int32}, orient="row")
    return table, plans


KEYS = ("case.municipality", "case.reference_date")


def _keys(lf: pl.LazyFrame) -> pl.DataFrame:
    """The distinct (municipality, reference date) pairs, sorted. A table is often one town on one day: a pass
    of min, max and null count (no hashing) recognises that, and the general unique runs only otherwise."""
    ends = lf.select(*(getattr(pl.col(k), f)().alias(f"{f}:{k}") for k in KEYS for f in ("min", "max", "null_count"))
                     ).collect().row(0, named=True)
    if all(ends[f"min:{k}"] is not None and ends[f"min:{k}"] == ends[f"max:{k}"] and ends[f"null_count:{k}"] == 0
           for k in KEYS):
        schema = lf.collect_schema()
        return pl.DataFrame({k: [ends[f"min:{k}"]] for k in KEYS}, schema={k: schema[k] for k in KEYS})
    return lf.select(*KEYS).unique().collect().sort(*KEYS)


def run_plans(lf: pl.LazyFrame, keys: pl.DataFrame, plans: dict[int, Plan], keep: Iterable[str],
              kinds: Iterable[str] = LISTS) -> pl.LazyFrame:
    """Apply each bundle's plan to its rows; the result keeps the input's row order.

    Only the bit sets named in `kinds` are computed (Polars leaves out what is not selected).
    """
    options = next(iter(plans.values())).options if plans else ()
    outputs = [OUTCOME, *(col(k, o) for o in options for k in ("status", "first_block", *kinds))]
    keep = [k for k in keep if k in lf.collect_schema()]
    if len(plans) == 1:
        (i, plan), = plans.items()
        return plan.apply(lf).select(*keep, pl.lit(i, dtype=pl.Int32).alias(BUNDLE), *outputs)
    lf = lf.with_row_index(ROW).join(keys.lazy(), on=["case.municipality", "case.reference_date"], how="left")
    parts = [plan.apply(lf.filter(pl.col(BUNDLE) == i)).select(ROW, *keep, BUNDLE, *outputs) for i, plan in plans.items()]
    return pl.concat(parts).sort(ROW).drop(ROW)


def known_everywhere(frame: pl.DataFrame | pl.LazyFrame, vocabulary: Vocabulary) -> frozenset[str]:
    """The facts with a value in every row of an in-memory table (a null count is kept with each column, so
    this reads no values); none for a lazy one, which would have to be read for it."""
    if not isinstance(frame, pl.DataFrame):
        return frozenset()
    return frozenset(c for c in frame.columns if c in vocabulary.facts and frame.get_column(c).null_count() == 0)


def evaluate(frame: pl.DataFrame | pl.LazyFrame, registry: Registry, options: Iterable[str] | None = None,
             keep: Iterable[str] = DEFAULT_KEEP, kinds: Iterable[str] = LISTS) -> ColumnarResult:
    """Evaluate every case of `frame` (see whatif.frame) under the rule sets of `registry`."""
    lf = conform(frame, registry.vocabulary)
    options = tuple(options) if options is not None else options_in(lf)
    keys, plans = plans_for(lf, registry, options, known_everywhere(frame, registry.vocabulary))
    table = run_plans(lf, keys, plans, keep, kinds).collect()
    return ColumnarResult(table=table, codebooks={i: p.codebook for i, p in plans.items()}, options=options,
                          keep=tuple(keep), kinds=tuple(kinds), facts=frozenset(registry.vocabulary.facts))


def decode(result: ColumnarResult, rows: pl.DataFrame, options: Iterable[str] | None = None) -> pl.DataFrame:
    """One row per case and asked option: status, first block, and every bit set as a list of ids.

    `missing_facts` is ordered as the single-case evaluator orders it: the facts that decide a
    block (sorted), then those that only decide a route (sorted).
    """
    options = tuple(options) if options is not None else result.options
    frames = []
    for option in options:
        part = rows.filter(pl.col(col("status", option)).is_not_null())
        if part.height == 0:
            continue
        kinds = [k for k in LISTS if k in result.kinds]
        bits = [BUNDLE, *(col(k, option) for k in kinds)]
        distinct = part.select(bits).unique()  # few distinct situations, however many rows
        lists: dict[str, list] = {k: [] for k in kinds}
        for bundle, *words in distinct.iter_rows():
            book = result.codebooks[bundle]
            for kind, w in zip(kinds, words):
                names = book.names(kind, option).decode(w)
                lists[kind].append(sorted(names) if kind in ("missing", "route_missing") else names)
        names = [a + b for a, b in zip(lists.pop("missing", []), lists.pop("route_missing", []))]
        # as the core: the household's missing facts apart from the rule set's open terms
        missing = [[n for n in ns if n in result.facts] for ns in names]
        open_terms = [[n for n in ns if n not in result.facts] for ns in names]
        lookup = distinct.with_columns(
            *(pl.Series(k, v, dtype=pl.List(pl.String)) for k, v in lists.items()),
            *([pl.Series("missing_facts", missing, dtype=pl.List(pl.String)),
               pl.Series("open_terms", open_terms, dtype=pl.List(pl.String))] if "missing" in kinds else []))
        frames.append(part.select(CASE_ID, *bits, pl.lit(option).alias("option"),
                                  pl.col(col("status", option)).alias("status"),
                                  pl.col(col("first_block", option)).alias("first_block"))
                      .join(lookup, on=bits, how="left", maintain_order="left").drop(bits))
    if not frames:
        return pl.DataFrame(schema={CASE_ID: pl.String, "option": pl.String, "status": STATUS, "first_block": pl.String,
                                    **{k: pl.List(pl.String) for k in LISTS[:-2]}, "missing_facts": pl.List(pl.String),
                                    "open_terms": pl.List(pl.String)})
    return pl.concat(frames)
