"""The condition language of rule sets: a small, safe, three-valued expression language.

Conditions are written in a Python-like syntax (`applicant.age < 27 and benefit == "bijstand"`),
parsed with `ast` and accepted only if every node is on a whitelist: no calls but the functions
below, no attribute access but dotted fact names, no subscripts, no lambdas. Each expression is
compiled once into closures over an environment dict. Numeric literals become `Decimal` from their
source text, so `1.10` is exactly 1.10. A name absent from the environment is `Unknown`, and
unknowns propagate by Kleene's rules: `False and ?` is False, `True and ?` is unknown.
"""
from __future__ import annotations

import ast
import datetime as dt
import difflib
import operator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable

from .errors import Problem, RulesetError
from .unknown import Unknown, unknown_of

Env = dict[str, Any]
Fn = Callable[[Env, dict | None], Any]

CENT = Decimal("0.01")


class ExpressionError(Exception):
    """A condition is not valid in the language (raised at load time) or misused at run time."""


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
    thresholds: tuple[Threshold, ...] = ()


_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_OP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

# The size of one condition. Rule sets write at most some 900 characters, 170 nodes, 12 levels and
# lists of 6; an overlay sent to the what-if is held to the same language, with room to spare but
# no more (docs/decisions/0010-input-limits.md): a condition is a rule, not a program.
MAX_LENGTH = 4_000
MAX_NODES = 500
MAX_DEPTH = 32
MAX_LIST = 200


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


FUNCTIONS = ("min", "max", "sum", "len", "known", "round_cents", "date", "any", "all",
             "days_between", "months_between", "years_between")


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


def _kleene_and(values: Iterable[Any], source: str) -> bool | Unknown:
    return _kleene(values, source, False)


def _kleene_or(values: Iterable[Any], source: str) -> bool | Unknown:
    return _kleene(values, source, True)


def _months_between(a: dt.date, b: dt.date) -> int:
    months = (b.year - a.year) * 12 + (b.month - a.month)
    return months - 1 if b.day < a.day else months


class _Compiler:
    def __init__(self, source: str, is_known_name: Callable[[str], bool], candidates: Callable[[], Iterable[str]]):
        self.source = source
        self.is_known_name = is_known_name
        self.candidates = candidates
        self.names: set[str] = set()

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        col = getattr(node, "col_offset", None)
        at = f" (kolom {col + 1})" if col is not None else ""
        source = self.source if len(self.source) <= 200 else self.source[:200] + "…"  # a message, not a copy
        return ExpressionError(f"{message}{at} in '{source}'")

    def compile(self, node: ast.AST, loop_vars: frozenset[str] = frozenset()) -> Fn:
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:
            raise self.fail(node, f"'{type(node).__name__}' is niet toegestaan in een voorwaarde")
        return method(node, loop_vars)

    # -- leaves -----------------------------------------------------------------------------
    def c_Constant(self, node: ast.Constant, _lv) -> Fn:
        value = node.value
        if isinstance(value, bool) or isinstance(value, str):
            return lambda env, loc: value
        if isinstance(value, (int, float)):
            text = ast.get_source_segment(self.source, node) or repr(value)
            number = int(text) if isinstance(value, int) else Decimal(text.replace("_", ""))
            return lambda env, loc: number
        raise self.fail(node, f"waarde {value!r} is niet toegestaan")

    def c_List(self, node: ast.List, lv) -> Fn:
        if len(node.elts) > MAX_LIST:
            raise self.fail(node, f"een lijst heeft ten hoogste {MAX_LIST} elementen")
        items = [self.compile(e, lv) for e in node.elts]
        if all(isinstance(e, ast.Constant) for e in node.elts):
            constant = tuple(f({}, None) for f in items)
            return lambda env, loc: constant

        def build(env, loc):
            values = tuple(f(env, loc) for f in items)
            unknown = unknown_of(*values)
            return values if unknown is None else unknown
        return build

    c_Tuple = c_List

    def c_Name(self, node: ast.AST, lv) -> Fn:
        name = dotted_name(node)
        if name is None:
            raise self.fail(node, "alleen feitnamen als 'household.composition' zijn toegestaan")
        if name in lv:
            return lambda env, loc: loc[name]
        if name in ("true", "false"):
            raise self.fail(node, f"schrijf {name.capitalize()} in plaats van {name}")
        if not self.is_known_name(name):
            hint = difflib.get_close_matches(name, list(self.candidates()), n=1, cutoff=0.6)
            suggestion = f"; bedoelde u '{hint[0]}'?" if hint else ""
            raise self.fail(node, f"onbekende naam '{name}'{suggestion}")
        self.names.add(name)
        missing = Unknown(frozenset((name,)))
        get = dict.get

        def lookup(env, loc):
            return get(env, name, missing)
        return lookup

    c_Attribute = c_Name

    # -- operators --------------------------------------------------------------------------
    def c_BoolOp(self, node: ast.BoolOp, lv) -> Fn:
        parts = [self.compile(v, lv) for v in node.values]
        src = self.source
        # _kleene_and / _kleene_or, unrolled: conditions are the hot path of every case
        decisive = not isinstance(node.op, ast.And)  # the value that settles it: False for and, True for or
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

    def c_UnaryOp(self, node: ast.UnaryOp, lv) -> Fn:
        inner = self.compile(node.operand, lv)
        src = self.source
        if isinstance(node.op, ast.Not):
            def negate(env, loc):
                v = _truth(inner(env, loc), src)
                return v if isinstance(v, Unknown) else not v
            return negate
        if isinstance(node.op, ast.USub):
            def minus(env, loc):
                v = inner(env, loc)
                return v if isinstance(v, Unknown) else -v
            return minus
        raise self.fail(node, "deze operator is niet toegestaan")

    def c_BinOp(self, node: ast.BinOp, lv) -> Fn:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise self.fail(node, "alleen + - * / zijn toegestaan als rekenoperator")
        for side in (node.left, node.right):
            if isinstance(side, (ast.List, ast.Tuple)) or (isinstance(side, ast.Constant) and not isinstance(side.value, (int, float))):
                raise self.fail(node, "rekenen kan alleen met getallen en bedragen")
        left, right = self.compile(node.left, lv), self.compile(node.right, lv)
        src = self.source

        def arith(env, loc):
            a, b = left(env, loc), right(env, loc)
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

    def c_Compare(self, node: ast.Compare, lv) -> Fn:
        ops = []
        for o in node.ops:
            if type(o) not in _COMPARE:
                raise self.fail(node, "'is' en 'is not' zijn niet toegestaan; gebruik known(...)")
            ops.append(_COMPARE[type(o)])
        operands = [self.compile(n, lv) for n in [node.left, *node.comparators]]
        src = self.source

        def compare_pair(op, a, b):
            unknown = unknown_of(a, b)
            if unknown is not None:
                return unknown
            try:
                return op(a, b)
            except TypeError as exc:
                raise ExpressionError(f"vergelijking kan niet in '{src}': {exc}") from None

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
            return _kleene_and((compare_pair(op, values[i], values[i + 1]) for i, op in enumerate(ops)), src)
        return chain

    def c_IfExp(self, node: ast.IfExp, lv) -> Fn:
        test, body, orelse = (self.compile(n, lv) for n in (node.test, node.body, node.orelse))
        src = self.source

        def choose(env, loc):
            t = _truth(test(env, loc), src)
            if t is True:
                return body(env, loc)
            if t is False:
                return orelse(env, loc)
            a, b = body(env, loc), orelse(env, loc)
            return a if a == b and not isinstance(a, Unknown) else unknown_of(t, a, b)
        return choose

    # -- functions --------------------------------------------------------------------------
    def c_Call(self, node: ast.Call, lv) -> Fn:
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
            return lambda env, loc: day
        if fname in ("any", "all") and len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp):
            return self._quantifier(fname, node.args[0], lv)
        args = [self.compile(a, lv) for a in node.args]
        return getattr(self, "f_" + fname)(node, args)

    def _quantifier(self, fname: str, gen: ast.GeneratorExp, lv) -> Fn:
        if len(gen.generators) != 1 or gen.generators[0].is_async or not isinstance(gen.generators[0].target, ast.Name):
            raise self.fail(gen, f"{fname}() neemt één 'for x in lijst'")
        comp = gen.generators[0]
        var = comp.target.id
        inner_lv = lv | {var}
        iterable = self.compile(comp.iter, lv)
        element = self.compile(gen.elt, inner_lv)
        filters = [self.compile(f, inner_lv) for f in comp.ifs]
        src = self.source
        combine = _kleene_or if fname == "any" else _kleene_and

        def quantify(env, loc):
            items = iterable(env, loc)
            if isinstance(items, Unknown):
                return items
            base = dict(loc or {})
            results = []
            for item in items:
                base[var] = item
                keep = _kleene_and((f(env, base) for f in filters), src) if filters else True
                if keep is False:
                    continue
                value = element(env, base)
                # an element whose filter is unknown counts as unknown
                results.append(value if keep is True else unknown_of(keep, value))
            return combine(results, src)
        return quantify

    def _arity(self, node, args, n):
        if len(args) != n:
            raise self.fail(node, f"{node.func.id}() neemt {n} argument(en)")

    def f_min(self, node, args):
        return self._extreme(node, args, min)

    def f_max(self, node, args):
        return self._extreme(node, args, max)

    def _extreme(self, node, args, pick):
        if not args:
            raise self.fail(node, f"{node.func.id}() heeft argumenten nodig")

        def extreme(env, loc):
            values = [a(env, loc) for a in args]
            if len(values) == 1 and not isinstance(values[0], Unknown):
                values = list(values[0])
                if not values:
                    return Unknown(frozenset())  # the extreme of nothing is undefined
            unknown = unknown_of(*values)
            return pick(values) if unknown is None else unknown
        return extreme

    def f_sum(self, node, args):
        self._arity(node, args, 1)
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

    def f_len(self, node, args):
        self._arity(node, args, 1)
        arg = args[0]

        def length(env, loc):
            v = arg(env, loc)
            return v if isinstance(v, Unknown) else len(v)
        return length

    def f_known(self, node, args):
        self._arity(node, args, 1)
        arg = args[0]
        return lambda env, loc: not isinstance(arg(env, loc), Unknown)

    def f_round_cents(self, node, args):
        self._arity(node, args, 1)
        arg = args[0]

        def rounded(env, loc):
            v = arg(env, loc)
            return v if isinstance(v, Unknown) else Decimal(v).quantize(CENT, rounding=ROUND_HALF_UP)
        return rounded

    def _date_diff(self, node, args, measure):
        self._arity(node, args, 2)
        a, b = args

        def diff(env, loc):
            x, y = a(env, loc), b(env, loc)
            unknown = unknown_of(x, y)
            return measure(x, y) if unknown is None else unknown
        return diff

    def f_days_between(self, node, args):
        return self._date_diff(node, args, lambda a, b: (b - a).days)

    def f_months_between(self, node, args):
        return self._date_diff(node, args, _months_between)

    def f_years_between(self, node, args):
        return self._date_diff(node, args, lambda a, b: _months_between(a, b) // 12)

    def f_any(self, node, args):
        self._arity(node, args, 1)
        arg, src = args[0], self.source
        return lambda env, loc: (lambda v: v if isinstance(v, Unknown) else _kleene_or(v, src))(arg(env, loc))

    def f_all(self, node, args):
        self._arity(node, args, 1)
        arg, src = args[0], self.source
        return lambda env, loc: (lambda v: v if isinstance(v, Unknown) else _kleene_and(v, src))(arg(env, loc))


def _thresholds(tree: ast.AST, compiler: _Compiler) -> tuple[Threshold, ...]:
    """Top-level conjuncts of the form `name OP expr` (or `expr OP name`) with OP in < <= > >=."""
    conjuncts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    found = []
    for c in conjuncts:
        if not (isinstance(c, ast.Compare) and len(c.ops) == 1 and type(c.ops[0]) in _OP_TEXT):
            continue
        op = _OP_TEXT[type(c.ops[0])]
        left, right = dotted_name(c.left), dotted_name(c.comparators[0])
        if left:
            found.append(Threshold(left, op, _exact(compiler.compile(c.comparators[0]))))
        elif right:
            found.append(Threshold(right, _FLIP[op], _exact(compiler.compile(c.left))))
    return tuple(found)


def _exact(fn: Fn) -> Fn:
    """A limit as an exact number: `income.net_monthly > 1000` compares money with the integer 1000,
    and a limit is written (and rounded to cents) as a Decimal."""
    def limit(env, loc):
        value = fn(env, loc)
        return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return limit


def _check_size(tree: ast.AST) -> None:
    """Refuse a condition with more than MAX_NODES nodes or deeper than MAX_DEPTH (without recursion:
    the compiler that follows recurses, and would overflow on 3,000 nested `not`)."""
    count, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"een voorwaarde heeft ten hoogste {MAX_NODES} delen; splits haar in afgeleide feiten")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"een voorwaarde is ten hoogste {MAX_DEPTH} niveaus diep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def compile_expression(source: str, is_known_name: Callable[[str], bool],
                       candidates: Callable[[], Iterable[str]] = tuple) -> Expression:
    """Parse and compile `source`; raise ExpressionError naming the problem and a likely fix."""
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
    compiler = _Compiler(text, is_known_name, candidates)
    fn = compiler.compile(tree)
    thresholds = _thresholds(tree, compiler)
    return Expression(source=text, names=frozenset(compiler.names), fn=fn, thresholds=thresholds)


def run_for(owner, expression: Expression, env: dict) -> Any:
    """`expression` evaluated for a compiled rule or route (`owner`); an error names its file, line and id."""
    try:
        return expression.fn(env, None)
    except ExpressionError as exc:
        o = owner.origin
        raise RulesetError([Problem(f"fout bij evalueren: {exc}", f"evaluation error: {exc}",
                                    file=o.file, line=o.line, rule=owner.id)]) from None
