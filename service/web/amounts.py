"""Amounts as a Dutch professional types them, read exactly, and written back the same way.

"1.100", "1.100,00", "€ 1.100", "€ 1.720,-", "1.720,-", "1720" and "1.100.000" are read as a Dutch reader
means them: a point before groups of three digits is the thousands point (Dutch notation; decision record
0040). A comma followed by exactly three digits ("1,100") can be an English thousands comma or a Dutch
decimal comma (three decimals make no sense for money, so one of the two readings is a typing habit):
that is asked back, never guessed. Pure functions; the form turns a reading into a message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# engine.case.Money: max_digits=12, decimal_places=2; a larger amount is refused by the case model.
LIMIT = Decimal("9999999999.99")

_NOISE = re.compile(r"[\s\u00a0\u202f€]|eur(o)?\b", re.IGNORECASE)
_INTEGER = re.compile(r"\d+")
_DUTCH = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?")      # 1.100,50  1100,5  1.100.000
_ENGLISH = re.compile(r"(\d{1,3}(?:,\d{3})+)\.(\d{1,2})")              # 1,100.50 (both separators: clear)
_POINT_DECIMAL = re.compile(r"(\d+)\.(\d{1,2})")                         # 1100.5 (a point before 1-2 digits)
_COMMA_THREE_DIGITS = re.compile(r"(\d{1,3}),(\d{3})")                  # 1,100: thousands or decimals?


@dataclass(frozen=True)
class Reading:
    """What was typed, read: `kind` is ok, ambiguous, unreadable or too_large.

    ok: `value` is the amount. ambiguous: `value` is the thousands reading (1,100 -> 1100), `other`
    the decimal one (1,100 -> 1.1)."""

    kind: str
    value: Decimal | None = None
    other: Decimal | None = None


def read(text: str) -> Reading:
    """The amount `text` means, or why it cannot be said."""
    t = _NOISE.sub("", text).replace("\u2212", "-")
    negative = t.startswith("-")
    t = t[1:] if negative else t
    dash = re.fullmatch(r"(.*)[,.]-{1,2}", t)  # "1.720,-": whole euros, and a Dutch reader's ",-"
    if dash:
        t = dash[1]
    value = None
    if _INTEGER.fullmatch(t):
        value = Decimal(t)
    elif not dash and (m := _COMMA_THREE_DIGITS.fullmatch(t)):
        thousands, decimal = Decimal(m[1] + m[2]), Decimal(f"{m[1]}.{m[2]}")
        sign = -1 if negative else 1
        return Reading("ambiguous", sign * thousands, sign * decimal)
    elif m := _DUTCH.fullmatch(t):
        if dash and m[2]:
            return Reading("unreadable")
        value = Decimal(m[1].replace(".", "") + (f".{m[2]}" if m[2] else ""))
    elif not dash and (m := _ENGLISH.fullmatch(t) or _POINT_DECIMAL.fullmatch(t)):
        value = Decimal(f"{m[1].replace(',', '')}.{m[2]}")
    if value is None:
        return Reading("unreadable")
    if value > LIMIT:
        return Reading("too_large")
    return Reading("ok", -value if negative else value)


def write(value: Decimal) -> str:
    """Dutch notation with cents, without the euro sign: 1100 -> '1.100,00', -2.5 -> '-2,50'."""
    text = f"{abs(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if value < 0 else "") + text


def canonical(value: Decimal) -> str:
    """The amount as the case format writes it: '1100.00'."""
    return f"{value:.2f}"
