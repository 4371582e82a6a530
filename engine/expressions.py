"""The condition language's single-case backend: IR (engine/language) compiled into closures.

`compile_expression` parses a condition with the language's front end and compiles it once into
closures over an environment dict. A name absent from the environment is `Unknown`, and unknowns
propagate by Kleene's rules: `False and ?` is False, `True and ?` is unknown.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable

from .errors import Problem, RulesetError
from .language import ir
from .language.parse import ExpressionError, parse
from .unknown import Unknown, unknown_of

Env = dict[str, Any]
Fn = Callable[[Env, dict | None], Any]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Threshold:
    """A comparison `fact OP limit` at the top level of a condition, for "what would have to change"."""

    fact: str
    op: str  # one of < <= > >= with the fact on the left
    limit: Fn


@dataclass
class Expression:
    source: str
    names: frozenset[str]  # every dotted name it reads (facts, parameters, derived facts)
    fn: Fn = field(repr=False)
    tree: ir.Node = field(repr=False)  # what the other backends compile
    thresholds: tuple[Threshold, ...] = ()


_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _truth(value: Any, source: str) -> bool | Unknown:
    if value is True or value is False or isinstance(value, Unknown):
        return value
    raise ExpressionError(f"'{source}' is geen ja/nee-waarde maar {value!r}")


def _kleene(values: Iterable[Any], source: str, dominant: bool) -> bool | Unknown:
    """Kleene and (dominant False) or or (dominant True): the dominant value wins over unknowns."""
    unknown = None
    for v in values:
        v = _truth(v, source)
        if v is dominant:
            return dominant
        if not isinstance(v, bool):
            unknown = v if unknown is None else Unknown(unknown.facts | v.facts)
    return (not dominant) if unknown is None else unknown


def kleene_and(values: Iterable[Any], source: str) -> bool | Unknown:
    return _kleene(values, source, False)


def kleene_or(values: Iterable[Any], source: str) -> bool | Unknown:
    return _kleene(values, source, True)


def _months_between(a: dt.date, b: dt.date) -> int:
    months = (b.year - a.year) * 12 + (b.month - a.month)
    return months - 1 if b.day < a.day else months


def _add_months(a: dt.date, n: int) -> dt.date:
    """The first day that lies `n` whole months after `a` as _months_between counts them: the same day of the month,
    or the first of the month after when that month is shorter (31 January + 1 month = 1 March)."""
    months = a.year * 12 + (a.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    try:
        return dt.date(year, month, a.day)
    except ValueError:  # the day does not exist in that month
        return dt.date(year + month // 12, month % 12 + 1, 1)


class _Closures:
    """Compiles IR nodes into closures; `source` is the text runtime errors name."""

    def __init__(self, source: str):
        self.source = source

    def compile(self, node: ir.Node) -> Fn:
        return getattr(self, "c_" + type(node).__name__)(node)

    # -- leaves -----------------------------------------------------------------------------
    def c_Literal(self, node: ir.Literal) -> Fn:
        value = node.value
        return lambda env, loc: value

    def c_ListOf(self, node: ir.ListOf) -> Fn:
        items = [self.compile(e) for e in node.items]
        if all(type(e) is ir.Literal for e in node.items):
            constant = tuple(f({}, None) for f in items)
            return lambda env, loc: constant

        def build(env, loc):
            values = tuple(f(env, loc) for f in items)
            unknown = unknown_of(*values)
            return values if unknown is None else unknown
        return build

    def c_Local(self, node: ir.Local) -> Fn:
        name = node.name
        return lambda env, loc: loc[name]

    def c_Name(self, node: ir.Name) -> Fn:
        name = node.name
        missing = Unknown(frozenset((name,)))
        get = dict.get

        def lookup(env, loc):
            return get(env, name, missing)
        return lookup

    # -- operators --------------------------------------------------------------------------
    def c_BoolOp(self, node: ir.BoolOp) -> Fn:
        parts = [self.compile(v) for v in node.operands]
        src = self.source
        # kleene_and / kleene_or, unrolled: conditions are the hot path of every case
        decisive = node.op != "and"  # the value that settles it: False for and, True for or
        neutral = not decisive

        def combine(env, loc):
            unknown = None
            for p in parts:
                v = p(env, loc)
                if v is decisive:
                    return v
                if v is not neutral:
                    if not isinstance(v, Unknown):
                        raise ExpressionError(f"'{src}' is geen ja/nee-waarde maar {v!r}")
                    unknown = v if unknown is None else Unknown(unknown.facts | v.facts)
            return neutral if unknown is None else unknown
        return combine

    def c_Not(self, node: ir.Not) -> Fn:
        inner = self.compile(node.operand)
        src = self.source

        def negate(env, loc):
            v = _truth(inner(env, loc), src)
            return v if isinstance(v, Unknown) else not v
        return negate

    def c_Neg(self, node: ir.Neg) -> Fn:
        inner = self.compile(node.operand)

        def minus(env, loc):
            v = inner(env, loc)
            return v if isinstance(v, Unknown) else -v
        return minus

    def c_Arith(self, node: ir.Arith) -> Fn:
        op = _ARITH[node.op]
        left, right = self.compile(node.left), self.compile(node.right)
        src = self.source

        def arith(env, loc):
            a, b = left(env, loc), right(env, loc)
            ta, tb = type(a), type(b)
            if (ta is Decimal or ta is int) and (tb is Decimal or tb is int):  # the common case, checked first
                try:
                    return op(a, b)
                except ArithmeticError as exc:
                    raise ExpressionError(f"rekenfout in '{src}': {exc}") from None
            unknown = unknown_of(a, b)
            if unknown is not None:
                return unknown
            if not (_is_number(a) and _is_number(b)):  # "x" * 10**8 would build a value from nothing
                raise ExpressionError(f"rekenen kan alleen met getallen en bedragen in '{src}'")
            try:
                return op(a, b)
            except (TypeError, ArithmeticError) as exc:
                raise ExpressionError(f"rekenfout in '{src}': {exc}") from None
        return arith

    def c_Compare(self, node: ir.Compare) -> Fn:
        ops = [_COMPARE[o] for o in node.ops]
        operands = [self.compile(n) for n in node.operands]
        src = self.source

        def compare_pair(op, a, b):
            unknown = unknown_of(a, b)
            if unknown is not None:
                return unknown
            try:
                return op(a, b)
            except TypeError as exc:
                raise ExpressionError(f"vergelijking kan niet in '{src}': {exc}") from None

        if len(ops) == 1 and type(node.operands[0]) is ir.Name and type(node.operands[1]) in (ir.Name, ir.Literal):
            # `name OP literal` and `name OP name` (most comparisons in the rule sets): the values read here,
            # not through a closure each; the same answers and errors as the general case below
            op, name, get = ops[0], node.operands[0].name, dict.get
            missing = Unknown(frozenset((name,)))
            if type(node.operands[1]) is ir.Literal:
                b = node.operands[1].value

                def compare_literal(env, loc):
                    a = get(env, name, missing)
                    if type(a) is Unknown:  # unknowns are never changed: the operand's own is the answer
                        return a
                    try:
                        return op(a, b)
                    except TypeError as exc:
                        raise ExpressionError(f"vergelijking kan niet in '{src}': {exc}") from None
                return compare_literal
            other = node.operands[1].name
            other_missing = Unknown(frozenset((other,)))

            def compare_names(env, loc):
                a, b = get(env, name, missing), get(env, other, other_missing)
                if isinstance(a, Unknown) or isinstance(b, Unknown):
                    return unknown_of(a, b)
                try:
                    return op(a, b)
                except TypeError as exc:
                    raise ExpressionError(f"vergelijking kan niet in '{src}': {exc}") from None
            return compare_names

        if len(ops) == 1:
            op, left, right = ops[0], operands[0], operands[1]

            def compare(env, loc):
                a, b = left(env, loc), right(env, loc)
                if isinstance(a, Unknown) or isinstance(b, Unknown):
                    return unknown_of(a, b)
                try:
                    return op(a, b)
                except TypeError as exc:
                    raise ExpressionError(f"vergelijking kan niet in '{src}': {exc}") from None
            return compare

        def chain(env, loc):
            values = [f(env, loc) for f in operands]
            return kleene_and((compare_pair(op, values[i], values[i + 1]) for i, op in enumerate(ops)), src)
        return chain

    def c_IfElse(self, node: ir.IfElse) -> Fn:
        test, body, orelse = (self.compile(n) for n in (node.test, node.body, node.orelse))
        src = self.source

        def choose(env, loc):
            t = test(env, loc)
            if t is True:
                return body(env, loc)
            if t is False:
                return orelse(env, loc)
            t = _truth(t, src)
            a, b = body(env, loc), orelse(env, loc)
            return a if a == b and not isinstance(a, Unknown) else unknown_of(t, a, b)
        return choose

    # -- functions --------------------------------------------------------------------------
    def c_Quantifier(self, node: ir.Quantifier) -> Fn:
        var = node.var
        iterable = self.compile(node.items)
        element = self.compile(node.element)
        filters = [self.compile(f) for f in node.filters]
        src = self.source
        combine = kleene_or if node.function == "any" else kleene_and

        def quantify(env, loc):
            items = iterable(env, loc)
            if isinstance(items, Unknown):
                return items
            base = dict(loc or {})
            results = []
            for item in items:
                base[var] = item
                keep = kleene_and((f(env, base) for f in filters), src) if filters else True
                if keep is False:
                    continue
                value = element(env, base)
                # an element whose filter is unknown counts as unknown
                results.append(value if keep is True else unknown_of(keep, value))
            return combine(results, src)
        return quantify

    def c_Call(self, node: ir.Call) -> Fn:
        return getattr(self, "f_" + node.function)([self.compile(a) for a in node.args])

    def f_min(self, args):
        return self._extreme(args, min)

    def f_max(self, args):
        return self._extreme(args, max)

    def _extreme(self, args, pick):
        def extreme(env, loc):
            values = [a(env, loc) for a in args]
            if len(values) == 1 and not isinstance(values[0], Unknown):
                values = list(values[0])
                if not values:
                    return Unknown(frozenset())  # the extreme of nothing is undefined
            unknown = unknown_of(*values)
            return pick(values) if unknown is None else unknown
        return extreme

    def f_sum(self, args):
        arg, src = args[0], self.source

        def total(env, loc):
            values = arg(env, loc)
            if isinstance(values, Unknown):
                return values
            unknown = unknown_of(*values)
            if unknown is not None:
                return unknown
            if not all(_is_number(v) for v in values):  # sum(["a", "b"]) is not a number
                raise ExpressionError(f"sum() telt alleen getallen en bedragen op in '{src}'")
            return sum(values, Decimal(0))
        return total

    def f_len(self, args):
        arg = args[0]

        def length(env, loc):
            v = arg(env, loc)
            return v if isinstance(v, Unknown) else len(v)
        return length

    def f_known(self, args):
        arg = args[0]
        return lambda env, loc: not isinstance(arg(env, loc), Unknown)

    def f_round_cents(self, args):
        arg = args[0]

        def rounded(env, loc):
            v = arg(env, loc)
            return v if isinstance(v, Unknown) else Decimal(v).quantize(CENT, rounding=ROUND_HALF_UP)
        return rounded

    def _date_diff(self, args, measure):
        a, b = args

        def diff(env, loc):
            x, y = a(env, loc), b(env, loc)
            unknown = unknown_of(x, y)
            return measure(x, y) if unknown is None else unknown
        return diff

    def f_days_between(self, args):
        return self._date_diff(args, lambda a, b: (b - a).days)

    def f_months_between(self, args):
        return self._date_diff(args, _months_between)

    def f_add_days(self, args):
        return self._date_diff(args, lambda a, n: a + dt.timedelta(days=int(n)))

    def f_add_months(self, args):
        return self._date_diff(args, lambda a, n: _add_months(a, int(n)))

    def f_years_between(self, args):
        return self._date_diff(args, lambda a, b: _months_between(a, b) // 12)

    def f_any(self, args):
        arg, src = args[0], self.source
        return lambda env, loc: (lambda v: v if isinstance(v, Unknown) else kleene_or(v, src))(arg(env, loc))

    def f_all(self, args):
        arg, src = args[0], self.source
        return lambda env, loc: (lambda v: v if isinstance(v, Unknown) else kleene_and(v, src))(arg(env, loc))


def closure(node: ir.Node, source: str | None = None) -> Fn:
    """`node` compiled to a closure; a runtime error names `source` (by default the node's own text)."""
    return _Closures(node.text if source is None else source).compile(node)


def _thresholds(tree: ir.Node, closures: _Closures) -> tuple[Threshold, ...]:
    """Top-level conjuncts of the form `name OP expr` (or `expr OP name`) with OP in < <= > >=."""
    conjuncts = tree.operands if type(tree) is ir.BoolOp and tree.op == "and" else (tree,)
    found = []
    for c in conjuncts:
        if not (type(c) is ir.Compare and len(c.ops) == 1 and c.ops[0] in ir.ORDER_OPS):
            continue
        op, (left, right) = c.ops[0], c.operands
        if type(left) is ir.Name:
            found.append(Threshold(left.name, op, _exact(closures.compile(right))))
        elif type(right) is ir.Name:
            found.append(Threshold(right.name, _FLIP[op], _exact(closures.compile(left))))
    return tuple(found)


def _exact(fn: Fn) -> Fn:
    """A limit as an exact number: `income.net_monthly > 1000` compares money with the integer 1000,
    and a limit is written (and rounded to cents) as a Decimal."""
    def limit(env, loc):
        value = fn(env, loc)
        return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return limit


def compile_expression(source: str, is_known_name: Callable[[str], bool],
                       candidates: Callable[[], Iterable[str]] = tuple) -> Expression:
    """Parse and compile `source`; raise ExpressionError naming the problem and a likely fix."""
    parsed = parse(source, is_known_name, candidates)
    closures = _Closures(parsed.source)
    return Expression(source=parsed.source, names=parsed.names, fn=closures.compile(parsed.tree),
                      thresholds=_thresholds(parsed.tree, closures), tree=parsed.tree)


def run_for(owner, expression: Expression, env: dict) -> Any:
    """`expression` evaluated for a compiled rule or route (`owner`); an error names its file, line and id."""
    try:
        return expression.fn(env, None)
    except ExpressionError as exc:
        raise evaluation_error(owner, exc) from None


def evaluation_error(owner, exc: ExpressionError) -> RulesetError:
    """The error of evaluating an expression of `owner` (a compiled rule or route), naming its file, line and id."""
    o = owner.origin
    return RulesetError([Problem(f"fout bij evalueren: {exc}", f"evaluation error: {exc}",
                                 file=o.file, line=o.line, rule=owner.id)])
