"""Guarding pseudonymity: find anything in a case that looks like a BSN.

A BSN is 9 digits (older ones 8, read with a leading zero) that pass the "elfproef":
9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11. We never echo the number back.

People write a number in many ways, so before looking, text is normalised: dashes, underscores and
every kind of space become a space, invisible characters (zero-width space, soft hyphen) go, and
a zero fraction (`111222333.0`, `111222333,00`) is dropped. An amount of whole euros that passes
the elfproef is therefore refused too: privacy before convenience (docs/decisions/0010-input-limits.md).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Iterator

import orjson

# 8 or 9 digits not part of a longer number; also the grouped form 1234.56.789 or 111 222 333.
_CANDIDATE = re.compile(r"(?<![\d.,])(\d{8,9}|\d{4}[. ]\d{2}[. ]\d{3}|\d{3}[. ]\d{3}[. ]\d{3})(?![\d]|[.,]\d)")
_SPACES = "-_\t\u00a0\u2007\u2009\u200a\u202f\u2010\u2011\u2012\u2013\u2014\u2212\u3000"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_NORMAL = {**{ord(c): " " for c in _SPACES}, **{ord(c): None for c in _INVISIBLE}}
_ZERO_FRACTION = re.compile(r"(?<=\d)[.,]0+(?![\d.,])")


def normalise(text: str) -> str:
    """`text` with the ways of writing a number that hide it undone (see the module docstring)."""
    return _ZERO_FRACTION.sub("", text.translate(_NORMAL))


def passes_elfproef(digits: str) -> bool:
    digits = digits.zfill(9)
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 == 0


def _in_text(text: str) -> bool:
    return any(passes_elfproef(re.sub(r"\D", "", m)) for m in _CANDIDATE.findall(normalise(text)))


def looks_like_bsn(value: Any) -> bool:
    if isinstance(value, bool) or isinstance(value, dt.date):
        return False
    if isinstance(value, (Decimal, float)):  # 111222333.0 is the number 111222333
        try:  # the range first: int(Decimal("1e999999999")) would build a billion digits
            if not 10_000_000 <= value <= 999_999_999:
                return False
            whole = value == value.to_integral_value() if isinstance(value, Decimal) else value.is_integer()
        except ArithmeticError:  # NaN
            return False
        return bool(whole) and looks_like_bsn(int(value))
    if isinstance(value, int):
        return 10_000_000 <= value <= 999_999_999 and passes_elfproef(str(value))
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

    A pre-filter first, over the data written as JSON: every candidate lies in one run of digits and
    separators and holds 8 digits in a row or three groups with the first and last of 3 digits or more
    and a separator between; every number that could be a BSN is written as 8 or 9 digits in a row.
    A date ("2025-09-15") or an amount ("16428.72") is neither. Only where the pre-filter cannot rule a
    BSN out, or for data JSON cannot write, the exact scan runs: the answer is always the exact scan's."""
    if written is None:
        written = as_json(data)
        if written is None:
            return contains_bsn_exactly(data)
    # a tab is a separator: JSON writes it as a backslash and a "t", which would break a run
    mapped = written.replace(b"\\t", b" ").translate(_DIGIT_BYTES)
    if b"00000000" in mapped:
        return contains_bsn_exactly(data)
    # each match is a run from its first 3 digits on (a literal start: the regex skips to it in C, where
    # a scan for whole runs tries every position); a separator before its last 3 digits makes groups
    for tail in _RUN_FROM_DIGITS.findall(mapped):
        if b"s" in tail[3:tail.rfind(b"000")]:
            return contains_bsn_exactly(data)
    return False


def contains_bsn_exactly(data: Any) -> bool:
    """The exact scan: `bsn_paths(data)` finds anything, in one pass over the data.

    Strings are joined with NUL, which no candidate can contain. A candidate lies inside a run of 8 or
    more digits, separators and invisible characters; the slow candidate pattern runs only on such runs,
    with the characters around them that its look-arounds read. Only a case with a hit pays for `bsn_paths`."""
    strings, stack = [], [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        elif isinstance(value, str):
            strings.append(value)
        elif isinstance(value, (int, Decimal, float)) and not isinstance(value, bool) and looks_like_bsn(value):
            return True
    text = "\x00".join(strings)
    # one byte per character, with digits, separators and any non-ASCII character (which becomes
    # "?": \d also matches other scripts' digits, and spaces and invisibles are non-ASCII) as "0":
    # no 8 in a row, no BSN
    mapped = text.encode("ascii", "replace").translate(_RUN_BYTES)
    if b"00000000" not in mapped:
        return False
    for run in _RUN.finditer(mapped):
        start, end = run.span()
        if _in_text(text[max(start - 1, 0):end + 2]):
            return True
    return False


_RUN = re.compile(rb"0{8,}")
_RUN_BYTES = bytes(ord("0") if chr(b) in "0123456789. ,-_\t?" else ord("x") for b in range(256))
# For the pre-filter, over UTF-8: digits and every byte of a non-ASCII character (\d matches other
# scripts' digits; spaces and invisibles of other scripts are non-ASCII) are "0", the separators a
# group can have "s", the comma of a zero fraction ("111222333,00") "c". A candidate has 8 or more
# and starts with 3 digits.
_DIGIT_BYTES = bytes(ord("0") if b >= 128 or chr(b).isdigit() else ord("s") if chr(b) in ". -_\t"
                     else ord("c") if chr(b) == "," else ord("x") for b in range(256))
_RUN_FROM_DIGITS = re.compile(rb"000[0sc]*")
