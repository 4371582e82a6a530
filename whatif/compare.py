"""What changes between a baseline and a reform: pure functions over two sets of outcomes.

In the manner of PolicyEngine's economy comparison, each question is one function of the two
results: which statuses flip and in which direction, which rules and routes caused it (blocks
that appeared or disappeared, routes that opened or closed), how many households that is per rule,
municipality and household type, and what it costs where the amount of the need is known.

Per option, identical rows are counted once: the comparison works on the distinct combinations of
(municipality, household type, status and details before and after), each with its number of
cases, so a million households cost about as much as their few thousand distinct situations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

import polars as pl

from engine.errors import Problem, RegelruimteError

from .columnar import BUNDLE, STATUS, STATUSES, Masks, col
from .frame import CASE_ID
from .outcomes import BITS, DETAILS, META, Outcomes

# Options whose grant the municipality pays, at the amount of the need (once per household).
COSTED = ("special_assistance", "in_kind")
B, A = "b.", "a."  # column prefixes: before (baseline) and after (reform)
EXAMPLES = 25  # example cases a report shows
CHANGE_LISTS = ("blocks_appeared", "blocks_disappeared", "possible_appeared", "possible_disappeared",
                "routes_opened", "routes_closed", "missing_appeared", "missing_disappeared")
# What decides a status "informatie nodig" on each side: the rule set's open terms and the household's missing facts
DECIDING = ("open_terms_before", "open_terms_after", "missing_before", "missing_after")
LISTS = CHANGE_LISTS + DECIDING  # every list column of a changed row
# A flip between these two statuses has no direction: "informatie nodig" may still end allowed or blocked
UNDECIDED = frozenset({"needs_information", "route_available"})


def pair(before: Outcomes, after: Outcomes) -> pl.DataFrame:
    """The two results side by side, one row per case (the same cases on both sides)."""
    meta = list(META)
    b = before.cases.select(meta + [pl.col(c).alias(B + c) for c in before.cases.columns if c not in META])
    a = after.cases.select([CASE_ID] + [pl.col(c).alias(A + c) for c in after.cases.columns if c not in META])
    if b.height == a.height and b[CASE_ID].equals(a[CASE_ID]):
        return pl.concat([b, a.drop(CASE_ID)], how="horizontal")
    if b[CASE_ID].n_unique() != b.height or a[CASE_ID].n_unique() != a.height:
        raise RegelruimteError([Problem("case_id komt dubbel voor; elke casus heeft een eigen id",
                                        "duplicate case_id", field="case_id")])
    differ = b.join(a, on=CASE_ID, how="anti").height + a.join(b, on=CASE_ID, how="anti").height
    if differ:
        raise RegelruimteError([Problem(f"basis en wijziging gaan niet over dezelfde casussen ({differ} verschillen)",
                                        f"baseline and reform do not cover the same cases ({differ} differ)",
                                        field="case_id")])
    return b.join(a, on=CASE_ID, how="left", maintain_order="left")


def _status(prefix: str, option: str, outcomes: Outcomes) -> pl.Expr:
    name = prefix + col("status", option)
    return pl.col(name) if option in outcomes.options else pl.lit(None, dtype=STATUS)


def rank(status: pl.Expr) -> pl.Expr:
    """A status column ranked from the household's point of view: blocked 0 (no way at all), needs_information 1
    (maybe), route_available 2 (possible, to be argued), allowed 3 (granted); from the Enum's codes (STATUSES
    runs from allowed down to blocked). The order is partial: needs_information is "not yet known" (it may
    still end allowed or blocked), so a flip between it and route_available is neither better nor worse
    (`effect` "open", see `direction`)."""
    return pl.lit(len(STATUSES) - 1, dtype=pl.Int8) - status.to_physical().cast(pl.Int8)


def direction(before: pl.Expr, after: pl.Expr) -> pl.Expr:
    """helped, hurt, open or none, for a (case, option) whose status went from `before` to `after`.

    Better and worse follow `rank`, except between needs_information and route_available: there the
    answer waits on what is still unknown (an open term of the rule set, NOT FOUND, or a fact the
    household has not given), which may still turn out either way. Such a flip is "open": a block the
    change removed leaves the answer to an open norm (route_available → needs_information), or a block it
    added decides what an open norm left undecided (needs_information → route_available). Neither is
    help or harm by the change itself."""
    rb, ra = rank(before), rank(after)
    pair = before.cast(pl.String).is_in(list(UNDECIDED)) & after.cast(pl.String).is_in(list(UNDECIDED))
    return (pl.when(ra == rb).then(pl.lit("none")).when(pair).then(pl.lit("open"))
            .when(ra > rb).then(pl.lit("helped")).when(ra < rb).then(pl.lit("hurt")).otherwise(pl.lit("none")))


def _minus(x: list[str], y: list[str]) -> list[str]:
    ys = set(y)
    return [v for v in x if v not in ys]


def changes(before: Outcomes, after: Outcomes, pairs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per option, every distinct situation that changed, with what changed, how many cases, their amounts.

    Columns: option, municipality, household_type, status_before/after, first_block_before/after,
    the CHANGE_LISTS, flipped (the status changed), changed (status or reason changed), effect
    (helped, hurt, none), n, amount_cents (sum where known), amount_unknown, rows (row numbers in
    `pairs`). Rows whose status, first block and details are all the same are only counted, in the
    second frame (option, n: the (case, option) pairs checked).
    """
    parts, checks = [], []
    options = sorted(set(before.options) | set(after.options))
    # one pass over all rows: which (case, option) pairs were asked, and which may have changed
    flag_exprs = []
    for option in options:
        sb, sa = _status(B, option, before), _status(A, option, after)
        fb = pl.col(B + col("first_block", option)) if option in before.options else pl.lit(None, dtype=pl.String)
        fa = pl.col(A + col("first_block", option)) if option in after.options else pl.lit(None, dtype=pl.String)
        asked = sb.is_not_null() | sa.is_not_null()
        maybe = (sb.to_physical().ne_missing(sa.to_physical()) | fb.ne_missing(fa)
                 | _details_differ(before, after, option, pairs))
        flag_exprs += [asked.sum().cast(pl.Int64).alias(f"asked:{option}"),
                       pl.arg_where(asked & maybe).implode().alias(f"rows:{option}")]
    flags = pairs.select(flag_exprs).row(0, named=True)
    for option in options:
        checks.append((option, flags[f"asked:{option}"]))
        where = flags[f"rows:{option}"]
        if not where:
            continue
        sb, sa = _status(B, option, before), _status(A, option, after)
        keys_b = [B + c for c in before.detail_columns(option)] if option in before.options else []
        keys_a = [A + c for c in after.detail_columns(option)] if option in after.options else []
        fb = pl.col(B + col("first_block", option)) if option in before.options else pl.lit(None, dtype=pl.String)
        fa = pl.col(A + col("first_block", option)) if option in after.options else pl.lit(None, dtype=pl.String)
        rows = pairs[where].select(
            pl.Series("_i", where, dtype=pl.UInt32), "municipality", "household_type", "amount_cents",
            sb.alias("status_before"), sa.alias("status_after"), fb.alias("first_block_before"),
            fa.alias("first_block_after"), *keys_b, *keys_a)
        key = ["municipality", "household_type", "status_before", "status_after", "first_block_before",
               "first_block_after", *keys_b, *keys_a]
        groups = rows.group_by(key, maintain_order=True).agg(
            pl.len().alias("n"), pl.col("amount_cents").sum().alias("amount_cents"),
            pl.col("amount_cents").null_count().alias("amount_unknown"), pl.col("_i").alias("rows"))
        empty = [[]] * groups.height
        lb = before.lists(groups, option, B) if keys_b else {k: empty for k in DETAILS}
        la = after.lists(groups, option, A) if keys_a else {k: empty for k in DETAILS}
        lists = {}
        for kind in ("blocks", "possible", "missing_facts"):
            stem = kind.split("_")[0]
            lists[f"{stem}_appeared"] = [_minus(x, y) for x, y in zip(la[kind], lb[kind])]
            lists[f"{stem}_disappeared"] = [_minus(y, x) for x, y in zip(la[kind], lb[kind])]
        lists["open_terms_before"], lists["open_terms_after"] = lb["open_terms"], la["open_terms"]
        lists["missing_before"], lists["missing_after"] = lb["missing_facts"], la["missing_facts"]
        lists["routes_opened"] = [_minus(x, y) for x, y in zip(la["routes_available"], lb["routes_available"])]
        # closed: still listed (its block still holds) but no longer available; a route whose block is
        # gone is not closed, it is no longer needed
        lists["routes_closed"] = [[r for r in _minus(y, x) if r in set(c) | set(u)] for x, y, c, u in
                                  zip(la["routes_available"], lb["routes_available"], la["routes_conditional"],
                                      la["routes_unavailable"])]
        groups = groups.drop(keys_b + keys_a).with_columns(
            pl.lit(option).alias("option"),
            *(pl.Series(k, v, dtype=pl.List(pl.String)) for k, v in lists.items()))
        flipped = pl.col("status_before").cast(pl.String).ne_missing(pl.col("status_after").cast(pl.String))
        reason = pl.col("first_block_before").ne_missing(pl.col("first_block_after")) | pl.any_horizontal(
            [pl.col(k).list.len() > 0 for k in CHANGE_LISTS])
        groups = groups.with_columns(flipped.alias("flipped"), (flipped | reason).alias("changed"),
                                     direction(pl.col("status_before"), pl.col("status_after")).alias("effect"))
        parts.append(groups)
    checked = pl.DataFrame(checks, schema={"option": pl.String, "n": pl.Int64}, orient="row")
    if not parts:
        return pl.DataFrame(schema=_CHANGES_SCHEMA), checked
    out = pl.concat(parts, how="diagonal_relaxed")
    first = ["option", "municipality", "household_type", "status_before", "status_after", "first_block_before",
             "first_block_after", *CHANGE_LISTS, *DECIDING, "flipped", "changed", "effect", "n", "amount_cents", "amount_unknown"]
    return out.select(*first, "rows"), checked


_CHANGES_SCHEMA = {"option": pl.String, "municipality": pl.String, "household_type": pl.String,
                   "status_before": STATUS, "status_after": STATUS, "first_block_before": pl.String,
                   "first_block_after": pl.String, **{k: pl.List(pl.String) for k in LISTS},
                   "flipped": pl.Boolean, "changed": pl.Boolean, "effect": pl.String, "n": pl.UInt32,
                   "amount_cents": pl.Int64, "amount_unknown": pl.UInt32, "rows": pl.List(pl.UInt32)}


def _words(name: str, width: int) -> list[pl.Expr]:
    return [pl.col(name).struct.field(f"w{w}") for w in range(width)]


def _remapped(name: str, old: Masks, new: Masks) -> tuple[list[pl.Expr], pl.Expr]:
    """The bit set in column `name` (over `old` names) re-expressed over `new` names, and whether a
    set bit has no counterpart there (then the two sides differ whatever the rest says)."""
    src = _words(name, old.width)
    if old.names == new.names:
        return src, pl.lit(False)
    words = [pl.lit(0, dtype=pl.UInt64)] * new.width
    lost = [0] * old.width
    for i, n in enumerate(old.names):
        bit = (src[i // 64] & pl.lit(1 << (i % 64), dtype=pl.UInt64)) != 0
        if n in new.bit:
            j = new.bit[n]
            words[j // 64] = words[j // 64] | pl.when(bit).then(pl.lit(1 << (j % 64), dtype=pl.UInt64)).otherwise(0)
        else:
            lost[i // 64] |= 1 << (i % 64)
    gone = reduce(or_, [(w & pl.lit(m, dtype=pl.UInt64)) != 0 for w, m in zip(src, lost) if m], pl.lit(False))
    return words, gone


def _details_differ(before: Outcomes, after: Outcomes, option: str, rows: pl.DataFrame) -> pl.Expr:
    """True where the details of a row may differ (exactly: never false where they differ)."""
    if option not in before.options or option not in after.options:
        return pl.lit(True)
    if before.codebooks is None and after.codebooks is None:
        return pl.any_horizontal([pl.col(B + col(k, option)).ne_missing(pl.col(A + col(k, option))) for k in DETAILS])
    if before.codebooks is None or after.codebooks is None:
        return pl.lit(True)
    expr = pl.lit(True)
    schema = rows.collect_schema() if isinstance(rows, pl.LazyFrame) else rows.schema
    for i, j in rows.select(B + BUNDLE, A + BUNDLE).unique().iter_rows():
        cb, ca = before.codebooks[i], after.codebooks[j]
        differ = []
        for kind in BITS:
            old, new = cb.names(kind, option), ca.names(kind, option)
            b_col, a_col = B + col(kind, option), A + col(kind, option)
            if old.names == new.names and schema[b_col] == schema[a_col]:
                differ.append(pl.col(b_col).ne_missing(pl.col(a_col)))  # same bits mean the same ids
                continue
            words, gone = _remapped(b_col, old, new)
            differ += [gone, *(w.ne(x) for w, x in zip(words, _words(a_col, new.width)))]
        same_pair = (pl.col(B + BUNDLE) == i) & (pl.col(A + BUNDLE) == j)
        expr = pl.when(same_pair).then(pl.any_horizontal(differ)).otherwise(expr)
    return expr


# ---------------------------------------------------------------------------------------------
# Counts


def _per_effect() -> list[pl.Expr]:
    """Flipped (case, option) pairs helped, hurt and open (neither: see `direction`), and all of them."""
    return [*((pl.col("n") * (pl.col("effect") == e)).sum().cast(pl.Int64).alias(e) for e in ("helped", "hurt", "open")),
            pl.col("n").sum().cast(pl.Int64).alias("n")]


def flips_by_direction(ch: pl.DataFrame) -> pl.DataFrame:
    """How many (case, option) statuses went from what to what."""
    if ch.is_empty():
        return pl.DataFrame(schema={"option": pl.String, "status_before": pl.String, "status_after": pl.String,
                                    "effect": pl.String, "n": pl.Int64})
    return (ch.filter("flipped").with_columns(pl.col("status_before").cast(pl.String), pl.col("status_after").cast(pl.String))
            .group_by("option", "status_before", "status_after", "effect")
            .agg(pl.col("n").sum().cast(pl.Int64))
            .sort(["n", "option", "status_before", "status_after"], descending=[True, False, False, False]))


def flips_by_rule(ch: pl.DataFrame) -> pl.DataFrame:
    """Per rule or route: in how many flips it appeared, disappeared, opened or closed."""
    kinds = {"blocks_appeared": "blok erbij", "blocks_disappeared": "blok weg",
             "possible_appeared": "mogelijke blok erbij", "possible_disappeared": "mogelijke blok weg",
             "routes_opened": "route open", "routes_closed": "route dicht"}
    frames = []
    for k, label in kinds.items():
        if ch.is_empty():
            break
        part = (ch.filter("flipped").select(pl.col(k).alias("id"), "n", "effect").explode("id").drop_nulls("id")
                .with_columns(pl.lit(k).alias("change"), pl.lit(label).alias("change_nl")))
        frames.append(part)
    if not frames:
        return pl.DataFrame(schema={"id": pl.String, "change": pl.String, "change_nl": pl.String,
                                    "helped": pl.Int64, "hurt": pl.Int64, "open": pl.Int64,
                                    "n": pl.Int64})
    return (pl.concat(frames).group_by("id", "change", "change_nl")
            .agg(*_per_effect())
            .sort(["n", "id", "change"], descending=[True, False, False]))


def flips_by(ch: pl.DataFrame, key: str) -> pl.DataFrame:
    """Flipped (case, option) statuses per `key` (municipality, household_type, option), helped and hurt."""
    if ch.is_empty():
        return pl.DataFrame(schema={key: pl.String, "helped": pl.Int64, "hurt": pl.Int64, "open": pl.Int64,
                                    "n": pl.Int64})
    return (ch.filter("flipped").group_by(key)
            .agg(*_per_effect())
            .sort(["n", key], descending=[True, False]))


def _changed_rows(ch: pl.DataFrame, options=None) -> pl.DataFrame:
    """(row, option, effect) for every flipped (case, option), optionally only for `options`."""
    part = ch.filter("flipped")
    if options is not None:
        part = part.filter(pl.col("option").is_in(list(options)))
    return part.select("rows", "option", "effect").explode("rows")


def households(pairs: pl.DataFrame, ch: pl.DataFrame) -> pl.DataFrame:
    """Per case with a flip: helped (some option better, none worse), hurt (some worse, none better), mixed,
    or open (no option better or worse, some now or no longer waiting on an open term or missing fact)."""
    per_case = _changed_rows(ch).group_by("rows").agg(
        (pl.col("effect") == "helped").any().alias("up"), (pl.col("effect") == "hurt").any().alias("down"),
        (pl.col("effect") == "open").any().alias("open"))
    meta = pairs.select(CASE_ID, "municipality", "household_type")[per_case["rows"]]
    return pl.concat([per_case, meta], how="horizontal").select(
        CASE_ID, "municipality", "household_type",
        pl.when(pl.col("up") & pl.col("down")).then(pl.lit("mixed")).when("up").then(pl.lit("helped"))
        .when("down").then(pl.lit("hurt")).when("open").then(pl.lit("open")).otherwise(pl.lit("none"))
        .alias("effect")).sort(CASE_ID)


def cost_effect(pairs: pl.DataFrame, ch: pl.DataFrame, before: Outcomes, after: Outcomes,
                options=COSTED) -> pl.DataFrame:
    """Per municipality: households newly granted (or no longer granted) help the municipality pays.

    A household counts once, however many of the paid options flip, at the amount of its need.
    Granted is `allowed`; a discretionary route (`route_available`) is possible, never granted, and
    is counted separately as `newly_possible`. Money is integer cents. Only households with a flip
    in a paid option can change here, so only those are looked at.
    """
    options = [o for o in options if o in before.options or o in after.options]
    rows = _changed_rows(ch, options).select("rows").unique().sort("rows")["rows"]
    needed = ["municipality", "amount_cents", "avoided_cents",
              *(p + col("status", o) for o in options for p, side in ((B, before), (A, after)) if o in side.options)]
    frame = pairs.select(needed)[rows]

    def any_status(prefix, outcomes, statuses):
        hits = [_status(prefix, o, outcomes).cast(pl.String).is_in(statuses).fill_null(False) for o in options]
        return pl.any_horizontal(hits) if hits else pl.lit(False)
    gb, ga = any_status(B, before, ["allowed"]), any_status(A, after, ["allowed"])
    pb = any_status(B, before, ["allowed", "route_available"])
    pa = any_status(A, after, ["allowed", "route_available"])
    frame = frame.select("municipality", "amount_cents", "avoided_cents", (ga & ~gb).alias("gained"),
                         (gb & ~ga).alias("lost"), (pa & ~pb & ~ga).alias("possible"))
    amount = pl.col("amount_cents")
    municipalities = pairs.select(pl.col("municipality").unique()).sort("municipality")
    out = frame.group_by("municipality").agg(
        pl.col("gained").sum().cast(pl.Int64).alias("newly_granted"),
        amount.filter("gained").sum().cast(pl.Int64).alias("newly_granted_cents"),
        (pl.col("gained") & amount.is_null()).sum().cast(pl.Int64).alias("newly_granted_amount_unknown"),
        pl.col("avoided_cents").filter("gained").sum().cast(pl.Int64).alias("avoided_per_year_cents"),
        pl.col("lost").sum().cast(pl.Int64).alias("no_longer_granted"),
        amount.filter("lost").sum().cast(pl.Int64).alias("no_longer_granted_cents"),
        pl.col("possible").sum().cast(pl.Int64).alias("newly_possible"),
        amount.filter("possible").sum().cast(pl.Int64).alias("newly_possible_cents"),
    )
    return municipalities.join(out, on="municipality", how="left").fill_null(0)


def flip_rows(pairs: pl.DataFrame, ch: pl.DataFrame) -> pl.DataFrame:
    """One row per changed (case, option): who, old and new status, and why."""
    cols = ["option", "status_before", "status_after", "effect", "flipped", "first_block_before", "first_block_after",
            *LISTS]
    if ch.is_empty():
        return pl.DataFrame(schema={CASE_ID: pl.String})
    changed = ch.filter("changed").select(*cols, "rows").explode("rows")
    meta = pairs.select(CASE_ID, "municipality", "household_type", "amount_cents")[changed["rows"]]
    return (pl.concat([changed.drop("rows"), meta], how="horizontal")
            .select(CASE_ID, "municipality", "household_type", "amount_cents", *cols)
            .with_columns(pl.col("status_before").cast(pl.String), pl.col("status_after").cast(pl.String))
            .sort(CASE_ID, "option"))


# ---------------------------------------------------------------------------------------------
# Everything at once


@dataclass
class Comparison:
    before: Outcomes
    after: Outcomes
    pairs: pl.DataFrame | None  # None (and households too) when added up from partitions: whatif.combine
    changes: pl.DataFrame
    by_direction: pl.DataFrame
    by_rule: pl.DataFrame
    by_municipality: pl.DataFrame
    by_household_type: pl.DataFrame
    by_option: pl.DataFrame
    households: pl.DataFrame | None
    cost: pl.DataFrame
    totals: dict = field(default_factory=dict)

    def flips(self) -> pl.DataFrame:
        return flip_rows(self.pairs, self.changes)

    def examples(self) -> pl.DataFrame:
        """The first EXAMPLES flipped rows of `flips()` (changed rows when nothing flipped)."""
        return examples_of(self.flips(), self.totals["flips"] > 0)


def examples_of(rows: pl.DataFrame, flipped: bool) -> pl.DataFrame:
    """The first EXAMPLES of changed rows sorted by (case, option), the flipped ones if `flipped`."""
    if rows.is_empty():
        return rows
    return (rows.filter("flipped") if flipped else rows).head(EXAMPLES)


def euros(cents: int | None) -> str:
    return str((Decimal(cents or 0) / 100).quantize(Decimal("0.01")))


def compare(before: Outcomes, after: Outcomes) -> Comparison:
    pairs = pair(before, after)
    ch, checked = changes(before, after, pairs)
    hh = households(pairs, ch)
    cost = cost_effect(pairs, ch, before, after)
    return Comparison(before=before, after=after, pairs=pairs, changes=ch, by_direction=flips_by_direction(ch),
                      by_rule=flips_by_rule(ch), by_municipality=flips_by(ch, "municipality"),
                      by_household_type=flips_by(ch, "household_type"), by_option=flips_by(ch, "option"),
                      households=hh, cost=cost,
                      totals=totals(pairs.height, int(checked["n"].sum()), ch,
                                    dict(hh.group_by("effect").len().iter_rows()), cost))


def totals(cases: int, option_checks: int, ch: pl.DataFrame, effects: dict[str, int], cost: pl.DataFrame) -> dict:
    """The headline numbers: from the cases, the (case, option) checks, the changes, households per effect
    and the cost."""
    flipped = ch.filter("flipped")
    return {
        "cases": cases,
        "option_checks": option_checks,
        "flips": int(flipped["n"].sum()),
        "reason_changed_only": int(ch.filter(pl.col("changed") & ~pl.col("flipped"))["n"].sum()),
        "households_helped": effects.get("helped", 0), "households_hurt": effects.get("hurt", 0),
        "households_mixed": effects.get("mixed", 0), "households_open": effects.get("open", 0),
        "newly_granted": int(cost["newly_granted"].sum()), "newly_granted_eur": euros(cost["newly_granted_cents"].sum()),
        "newly_granted_amount_unknown": int(cost["newly_granted_amount_unknown"].sum()),
        "avoided_per_year_eur": euros(cost["avoided_per_year_cents"].sum()),
        "no_longer_granted": int(cost["no_longer_granted"].sum()),
        "no_longer_granted_eur": euros(cost["no_longer_granted_cents"].sum()),
        "newly_possible": int(cost["newly_possible"].sum()), "newly_possible_eur": euros(cost["newly_possible_cents"].sum()),
    }
