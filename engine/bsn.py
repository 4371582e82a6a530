"""Guarding pseudonymity: find anything in a case that looks like a BSN.

A BSN is 9 digits (older ones 8, read with a leading zero) that pass the "elfproef":
9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11. We never echo the number back.

People write a number in many ways (docs/decisions/0031-bsn-in-any-spelling.md). Within one text:
- every run of digits in a row: 8 digits (the leading zero dropped), 9, or any 9 in a row of a longer
  run ("tel 0111222333");
- any 9 digits in whole groups joined by single separators: every kind of space and line break,
  dashes, plus, underscore, dot, apostrophe, comma, slash, bar ("111-22-2333", "1 1 1 2 2 2 3 3 3",
  "111222\n333"), written as one number: 3 or more groups with one kind of separator, or 2 groups of
  which the first is not a year ("2026-10007" is a year and a serial, "2026 10.007,00" a year and an
  amount). Invisible characters (zero-width space, soft hyphen) are not there. A date ("2026-12-05",
  "05-12-2026") and cents (the 2 digits after the point or comma that ends an amount: "1.234.567,89",
  "1100.00 250.00") are not part of such a number: they end it.
Texts are never joined: digits in two values (or a key and its value) are two numbers.
A JSON number is its digits: a whole amount of 8 to 10 digits that holds a BSN is refused too
(privacy before convenience, docs/decisions/0010-input-limits.md), and so is a number with cents whose
whole-number part is one (111222333.50, as the text "111222333.50" is).
"""
from __future__ import annotations

import datetime as dt
import operator
import re
from array import array
from decimal import Decimal
from typing import Any, Iterator

import orjson

# Separators a number may be written with. Spaces and line breaks that JSON writes as \uXXXX (vertical
# tab, form feed, \x1c-\x1f) are left out: the pre-filter, which reads the JSON, could not see them.
_SPACES = " \t\n\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_DASHES = "-_+\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DOTS = ".'\u00b7\u2024\uff0e"
_COMMAS = ",\uff0c"
_SLASHES = "/|\u2044\u2215\uff0f"
_INVISIBLE = "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_NORMAL = {**{ord(c): " " for c in _SPACES}, **{ord(c): "-" for c in _DASHES}, **{ord(c): "." for c in _DOTS},
           **{ord(c): "," for c in _COMMAS}, **{ord(c): "/" for c in _SLASHES}, **{ord(c): None for c in _INVISIBLE}}
# digits and separators; two separators in a row end a number. (Not one pattern for a number: a repeated
# group keeps a backtracking mark per repeat, 13 MB for a text of 200 kB.)
_HYPHEN_AT_LINE_END = re.compile(r"-[ \t]*\n[ \t]*")  # "123-" and "456782" on the next line: one number
_HYPHEN_AT_LINE_END_JSON = re.compile(rb"-(?: |\\t)*(?:\\r)?\\n(?: |\\t)*")  # the same, as JSON writes it
_RUN_OF_NUMBERS = re.compile(r"[\d \-.,/]{8,}")
_SEPARATORS_IN_A_ROW = re.compile(r"[ \-.,/]{2,}")
_GROUPS = re.compile(r"(\D)")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
# The refusal, wherever the guard refuses (a case, the casebook's own fields): it names the field, never the number.
MESSAGE = ("bevat een nummer dat op een BSN lijkt, ook als het in stukken of in een langer nummer staat; "
           "gebruik alleen pseudoniemen (het nummer wordt niet getoond)",
           "contains a number that looks like a BSN, also when written in pieces or inside a longer number; "
           "use pseudonyms only (the number is not shown)")


def normalise(text: str) -> str:
    """`text` with every separator written as one of " -.,/" and invisible characters gone; a Windows
    line break is one separator."""
    return _HYPHEN_AT_LINE_END.sub(" ", text.replace("\r\n", "\n")).translate(_NORMAL)


def passes_elfproef(digits: str) -> bool:
    digits = digits.zfill(9)
    if len(digits) != 9 or not digits.isdecimal() or digits == "000000000":
        return False
    return sum(map(operator.mul, map(int, digits), _WEIGHTS)) % 11 == 0


def _run_has_bsn(run: str) -> bool:
    """Digits in a row: 8 read with a leading zero, 9, or any 9 in a row of a longer run."""
    if len(run) <= 9:
        return len(run) >= 8 and passes_elfproef(run)
    return _any_window_passes(run)


def _any_window_passes(run: str) -> bool:
    return next(_passing_windows(list(map(int, run))), None) is not None


def _passing_windows(d: list[int]) -> Iterator[int]:
    """Where 9 digits in a row of `d` pass the elfproef, with running sums (a hostile text has 200,000
    digits): the window at i weighs d[i..i+7] by 9..2 and d[i+8] by −1, i.e. 9·A − B − d[i+8] with
    A = Σ d[i+k] and B = Σ k·d[i+k] over k < 8."""
    a = sum(d[0:8])
    b = sum(k * d[k] for k in range(8))
    for i in range(len(d) - 8):
        last = d[i + 8]
        if (9 * a - b - last) % 11 == 0 and (a or last):  # all zeros is no BSN
            yield i
        a, b = a - d[i] + last, b - (a - d[i]) + 7 * last


def _is_date(groups: list[str]) -> bool:
    """Three groups that make a date: year-month-day or day-month-year."""
    if len(groups[0]) == 4:
        year, month, day = groups
    elif len(groups[2]) == 4:
        day, month, year = groups
    else:
        return False
    return len(month) <= 2 and len(day) <= 2 and 1900 <= int(year) <= 2199 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _chain_has_bsn(chain: str) -> bool:
    parts = _GROUPS.split(chain)
    groups, seps = parts[0::2], parts[1::2]
    del parts  # a hostile text has 100,000 groups: only one list of them at a time
    lengths = list(map(len, groups))
    if max(lengths) >= 8 and any(_run_has_bsn(g) for g in groups if len(g) >= 8):
        return True
    count = len(groups)
    if count == 1 or sum(lengths) < 9 or (count <= _FEW_GROUPS and not _whole_groups_hold_nine(lengths)):
        return False
    kept = bytearray(b"\x01") * count
    if 4 in lengths:  # a date: a year with month and day after it, or day and month before it
        for i, n in enumerate(lengths):
            if n == 4:
                for a in (i, i - 2):
                    if 0 <= a < count - 2 and seps[a] == seps[a + 1] in "-/." and _is_date(groups[a:a + 3]):
                        kept[a:a + 3] = b"\x00\x00\x00"
    if 2 in lengths:  # cents: 2 digits after "." or ",", not followed by another "." or ","
        for i, n in enumerate(lengths):
            if n == 2 and i and seps[i - 1] in ".," and (i == count - 1 or seps[i] not in ".,"):
                kept[i] = 0
    return _whole_groups_pass(groups, seps, lengths, kept)


# A chain of a few groups ("2025-001234") is ruled out by their lengths alone; a long one goes to the
# windows, which take it in one pass.
_FEW_GROUPS = 16


def _whole_groups_hold_nine(lengths: list[int]) -> bool:
    """Whether 2 or more groups in a row hold 9 digits in all: only there can `_whole_groups_pass` find
    any (a window it weighs starts and ends where groups do)."""
    for first in range(len(lengths) - 1):
        total = lengths[first]
        for n in lengths[first + 1:]:
            total += n
            if total >= 9:
                break
        if total == 9:
            return True
    return False


def _whole_groups_pass(groups: list[str], seps: list[str], lengths: list[int], kept: bytearray) -> bool:
    """Whether whole groups in a row, all kept, with 9 digits in all pass the elfproef and are written as
    one number is: 3 or more groups with one kind of separator between them ("2026 10.007,00", a year and
    an amount, is not), or 2 groups of which the first is not a year ("2026-10007", a year and a serial).
    Of the 9 digits in a row that pass (1 in 11), the ones that start and end where groups do."""
    digits = list(map(int, "".join(groups)))
    group_at = array("i", [-1]) * (len(digits) + 1)  # where a group starts: its place; the end: the count
    left_out = bytearray(len(digits))  # 1 for each digit of a date or cents
    at = 0
    for g, (n, keep) in enumerate(zip(lengths, kept)):
        group_at[at] = g
        if not keep:
            left_out[at:at + n] = b"\x01" * n
        at += n
    group_at[at] = len(groups)
    for i in _passing_windows(digits):
        first, end = group_at[i], group_at[i + 9]
        if first < 0 or end < 0 or end - first < 2 or left_out.find(1, i, i + 9) >= 0:
            continue
        if end - first > 2:
            if len(set(seps[first:end - 1])) == 1:
                return True
        elif not (lengths[first] == 4 and 1900 <= int(groups[first]) <= 2199):
            return True
    return False


def _in_text(text: str) -> bool:
    for run in _RUN_OF_NUMBERS.findall(normalise(text)):
        for chain in _SEPARATORS_IN_A_ROW.split(run):
            chain = chain.strip(" -.,/")  # digits in whole groups, each joined to the next by one separator
            if len(chain) >= 8 and _chain_has_bsn(chain):
                return True
    return False


# A number is its digits, with or without a minus: 8 (read with a leading zero) to 10 (the most an amount
# may have before the point, so every 9 in a row of a number the case format accepts).
_NUMBER_RANGE = (10_000_000, 10_000_000_000)


def _whole_number_has_bsn(value: int) -> bool:
    return _NUMBER_RANGE[0] <= abs(value) < _NUMBER_RANGE[1] and _run_has_bsn(str(abs(value)))


def looks_like_bsn(value: Any) -> bool:
    if isinstance(value, bool) or isinstance(value, dt.date):
        return False
    if isinstance(value, (Decimal, float)):  # 111222333.0 is the number 111222333
        try:  # the range first: int(Decimal("1e999999999")) would build a billion digits
            if not _NUMBER_RANGE[0] <= abs(value) < _NUMBER_RANGE[1]:
                return False
        except ArithmeticError:  # NaN
            return False
        # its whole-number part, as the text "111222333.50" is read: the cents end the number, and the
        # number before them is what is weighed (int() drops the fraction, of 111222333.5 as of -111222333.5)
        return _whole_number_has_bsn(int(value))
    if isinstance(value, int):
        return _whole_number_has_bsn(value)
    if isinstance(value, str):
        return _in_text(value)
    return False


def bsn_paths(data: Any, path: str = "") -> Iterator[str]:
    """Dotted paths of every key or value in `data` that looks like a BSN."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if looks_like_bsn(key):
                yield path or "(root)"
                here = f"{path}.(sleutel)" if path else "(sleutel)"  # the key is the number: not in the path
            yield from bsn_paths(value, here)
    elif isinstance(data, (list, tuple, set, frozenset)):
        for i, value in enumerate(data):
            yield from bsn_paths(value, f"{path}.{i}" if path else str(i))
    elif looks_like_bsn(data):
        yield path or "(root)"


def as_json(data: Any) -> bytes | None:
    """`data` written as JSON, for the pre-filters of validation; None where JSON cannot write it
    (Decimals, sets, keys that are not strings, integers beyond 64 bits)."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return None


def contains_bsn(data: Any, written: bytes | None = None) -> bool:
    """Whether `bsn_paths(data)` finds anything: the hot path of every case (`written`: `as_json(data)`
    where the caller has it).

    A pre-filter first, over the data written as JSON: every candidate is 8 digits in a row, or 9 digits
    with at most one separator between two of them. A date ("2025-09-15") or an amount ("16428.72") has
    fewer. Where it cannot rule a BSN out, only the strings and numbers that hold such a candidate are
    scanned as the exact scan scans them (a case id "syn025-0000000" or "2025-001234" costs one string,
    not a walk over the case). Where one of them holds a BSN, where the pre-filter's candidates are many,
    or for data JSON cannot write, the exact scan runs: the answer is always the exact scan's."""
    if written is None:
        written = as_json(data)
        if written is None:
            return contains_bsn_exactly(data)
    # escaped backslashes and quotes blanked (one byte each still): every quote left opens or closes a string
    plain = written.replace(b"\\\\", b"xx").replace(b'\\"', b"xx") if b"\\" in written else written
    seen = plain
    # JSON writes a line break or tab as a backslash and a letter, which would break a run
    if b"\\" in plain:
        seen = _HYPHEN_AT_LINE_END_JSON.sub(b" ", seen)  # as normalise() does
        for escaped in (b"\\r\\n", b"\\n", b"\\r", b"\\t"):
            seen = seen.replace(escaped, b" ")
    # two separators in a row end a number; then one between digits joins them: a candidate is a run of
    # "0" and single "s" with 8 "0" in a row or 9 in all
    mapped = seen.translate(_DIGIT_BYTES).replace(b"ss", b"xx")
    if b"00000000" not in mapped and b"000000000" not in mapped.translate(None, b"s"):
        return False  # most cases: no candidate at all, told by two passes in C before any search
    candidates = [run for run in _RUN_OF_DIGITS.finditer(mapped) if b"00000000" in run.group() or run.group().count(b"0") >= 9]
    if len(candidates) > _MOST_CANDIDATES or any(_may_hold_bsn(seen, plain, written, run) for run in candidates):
        return contains_bsn_exactly(data)
    return False


# Digits (and non-ASCII) joined by single separators, led by a digit (the search then skips from "0" to
# "0"). A quote is neither, so a run lies within one string, or among numbers. Each candidate costs a
# search from the start of the text: beyond a few, the exact scan's one walk is cheaper.
_RUN_OF_DIGITS = re.compile(rb"0[0s]{7,}")
_MOST_CANDIDATES = 8


def _may_hold_bsn(seen: bytes, plain: bytes, written: bytes, run: re.Match) -> bool:
    """Whether the string or numbers of `written` where the pre-filter found `run` (in `seen`, the text it
    read) may hold a BSN, by the exact scan's own test."""
    quotes = seen.count(b'"', 0, run.start())
    if quotes % 2:  # in the string the quotes-th quote opens (counted in `plain`: `seen` has other lengths)
        start = len(plain) - len(plain.split(b'"', quotes)[-1])
        return _text_has_bsn(orjson.loads(written[start - 1:plain.index(b'"', start) + 1]))
    # among numbers, which JSON writes with digits, "-", "." and an exponent: a whole number is read here; a
    # float with its point is not (one in exponent form is beyond 10 digits, and its exponent is small)
    for number in seen[run.start():run.end()].split(b","):
        digits = number.lstrip(b"-")
        if not digits.isdigit():
            if digits:
                return True
        elif _whole_number_has_bsn(int(digits)):
            return True
    return False


def contains_bsn_exactly(data: Any) -> bool:
    """The exact scan: `bsn_paths(data)` finds anything, in one pass over the data.

    Strings are joined with NUL, which no candidate can contain. A candidate lies inside a run of 8 or
    more digits, separators and invisible characters; the candidate search runs only on such runs.
    Only a case with a hit pays for `bsn_paths`."""
    strings, stack = [], [data]
    keep, push, pop = strings.append, stack.extend, stack.pop
    while stack:
        value = pop()
        kind = type(value)  # the exact types of parsed JSON first: the walk is most of this scan's time
        if kind is str:
            keep(value)
        elif kind is dict:
            push(value)
            push(value.values())
        elif kind is list:
            push(value)
        elif kind is bool or value is None:
            continue
        elif kind is int:
            if _whole_number_has_bsn(value):
                return True
        elif isinstance(value, dict):
            push(value)
            push(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            push(value)
        elif isinstance(value, str):
            keep(value)
        elif isinstance(value, (int, Decimal, float)) and not isinstance(value, bool) and looks_like_bsn(value):
            return True
    return _text_has_bsn("\x00".join(strings))


def _text_has_bsn(text: str) -> bool:
    """`_in_text` on each run of 8 or more characters that may be part of a number."""
    # one byte per character, with digits, separators and any non-ASCII character (which becomes
    # "?": \d also matches other scripts' digits, and spaces and invisibles are non-ASCII) as "0":
    # no 8 in a row, no BSN
    mapped = text.encode("ascii", "replace").translate(_RUN_BYTES)
    if b"00000000" not in mapped:
        return False
    return any(_in_text(text[run.start():run.end()]) for run in _RUN.finditer(mapped))


_ASCII_SEPARATORS = "".join(c for c in _SPACES + _DASHES + _DOTS + _COMMAS + _SLASHES if c < "\x80")
_RUN = re.compile(rb"0{8,}")
_RUN_BYTES = bytes(ord("0") if chr(b) in "0123456789?" + _ASCII_SEPARATORS else ord("x") for b in range(256))
# For the pre-filter, over UTF-8: digits and every byte of a non-ASCII character (\d matches other
# scripts' digits; spaces, dashes and invisibles of other scripts are non-ASCII) are "0", the ASCII
# separators "s".
_DIGIT_BYTES = bytes(ord("0") if b >= 128 or chr(b).isdigit() else ord("s") if chr(b) in _ASCII_SEPARATORS
                     else ord("x") for b in range(256))
