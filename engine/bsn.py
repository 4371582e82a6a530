"""Guarding pseudonymity: find anything in a case that looks like a BSN.

A BSN is 9 digits (older ones 8, read with a leading zero) that pass the "elfproef":
9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11. We never echo the number back.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Iterator

# 8 or 9 digits not part of a longer number; also the common dotted or spaced form 1234.56.789.
_CANDIDATE = re.compile(r"(?<![\d.,])(\d{8,9}|\d{4}[. ]\d{2}[. ]\d{3}|\d{3}[. ]\d{3}[. ]\d{3})(?![\d]|[.,]\d)")


def passes_elfproef(digits: str) -> bool:
    digits = digits.zfill(9)
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 == 0


def looks_like_bsn(value: Any) -> bool:
    if isinstance(value, bool) or isinstance(value, (dt.date, Decimal, float)):
        return False
    if isinstance(value, int):
        return 10_000_000 <= value <= 999_999_999 and passes_elfproef(str(value))
    if isinstance(value, str):
        return any(passes_elfproef(re.sub(r"\D", "", m)) for m in _CANDIDATE.findall(value))
    return False


def bsn_paths(data: Any, path: str = "") -> Iterator[str]:
    """Dotted paths of every key or value in `data` that looks like a BSN."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if looks_like_bsn(key):
                yield path or "(root)"
            yield from bsn_paths(value, here)
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            yield from bsn_paths(value, f"{path}.{i}" if path else str(i))
    elif looks_like_bsn(data):
        yield path or "(root)"


def contains_bsn(data: Any) -> bool:
    """Whether `bsn_paths(data)` finds anything, in one pass over the data.

    The hot path of every case. Strings are joined with NUL, which no candidate can contain. A
    candidate lies inside a run of 8 or more digits, dots and spaces; the slow candidate pattern
    runs only on such runs, with the characters around them that its look-arounds read. Only a
    case with a hit pays for `bsn_paths`."""
    strings, stack = [], [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, str):
            strings.append(value)
        elif isinstance(value, int) and 10_000_000 <= value <= 999_999_999 and looks_like_bsn(value):
            return True  # (looks_like_bsn is False for every other kind of value)
    text = "\x00".join(strings)
    # one byte per character, with digits, dots and spaces as "0" (and any non-ASCII character,
    # which becomes "?": \d also matches other scripts' digits): no 8 in a row, no BSN
    if b"00000000" not in text.encode("ascii", "replace").translate(_RUN_BYTES):
        return False
    for run in _RUN.finditer(text):
        start, end = run.span()
        for m in _CANDIDATE.findall(text[max(start - 1, 0):end + 2]):
            if passes_elfproef(re.sub(r"\D", "", m)):
                return True
    return False


_RUN = re.compile(r"[\d. ]{8,}")
_RUN_BYTES = bytes(ord("0") if chr(b) in "0123456789. ?" else ord("x") for b in range(256))
