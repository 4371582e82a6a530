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
