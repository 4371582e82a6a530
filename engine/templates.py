"""Reason templates ("het inkomen {income.net_monthly} is hoger dan …") and how values are written.

Placeholders are `{name}` or `{name:format}` with format money, percent, date, list or plain.
Names are checked when the rule set loads; an unknown value is written as "onbekend".
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from .unknown import Unknown

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_.]*)(?::(money|percent|date|list|plain))?\}")

MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
CENT = Decimal("0.01")


def money(value: Decimal | int, lang: str = "nl") -> str:
    """€ 1.720,00 in Dutch, €1,720.00 in English; exact, rounded half-up to the cent."""
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    if lang == "en":
        return f"{sign}€{text}"
    return f"{sign}€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def number(value: Decimal | int, lang: str = "nl", places: int = 2) -> str:
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{amount:,.{places}f}"
    return text if lang == "en" else text.replace(",", "_").replace(".", ",").replace("_", ".")


def percent(value: Decimal | int, lang: str = "nl") -> str:
    """A factor as a percentage: 1.10 → 110%, 0.125 → 12,5%."""
    pct = (Decimal(value) * 100).normalize()
    text = f"{pct:f}"
    return (text if lang == "en" else text.replace(".", ",")) + "%"


def date(value: dt.date, lang: str = "nl") -> str:
    months = MONTHS_EN if lang == "en" else MONTHS_NL
    return f"{value.day} {months[value.month - 1]} {value.year}"


def write(value: Any, fmt: str | None, lang: str = "nl", words: dict[str, str] | None = None) -> str:
    """`value` as a reader sees it; `words` translates coded values (job_loss -> baanverlies)."""
    words = words or {}
    if isinstance(value, Unknown):
        return _UNKNOWN[lang == "en"]
    if fmt == "percent":
        return percent(value, lang)
    if fmt == "date" or (fmt is None and isinstance(value, dt.date)):
        return date(value, lang)
    if fmt == "money" or (fmt is None and isinstance(value, Decimal)):
        return money(value, lang)
    if fmt == "list" or (fmt is None and isinstance(value, (list, tuple))):
        return ", ".join(words.get(v, str(v)) for v in value) or ("none" if lang == "en" else "geen")
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("ja" if value else "nee")
    return words.get(value, str(value)) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Template:
    text: str
    parts: tuple[tuple[str, str | None], ...]  # (name, format) in order of appearance
    segments: tuple = ()  # PLACEHOLDER.split(text): literal, name, format, literal, …
    # (lang, words, each value keyed exactly) -> (words, text): reasons recur from case to case (the same
    # figures, unknowns, household types); see `render`
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def render(self, env: dict, lang: str = "nl", words: dict[str, str] | None = None) -> str:
        if not self.parts:
            return self.text
        seg = self.segments
        # The text is a function of the language, the value labels and each value, so it is kept under a key
        # that tells apart every value written differently: the type with the value (1 and True are equal in
        # Python, "1" and "ja" on paper), a Decimal by its text (1.0 and 1.00 differ under :plain), every
        # unknown alike (all are written "onbekend"). Other values (lists) are not kept.
        key = [lang, id(words)]
        for i in range(1, len(seg), 3):
            value = env.get(seg[i], _ABSENT)
            kind = type(value)
            if kind is Decimal:
                key.append(str(value))
            elif kind is str or kind is int or kind is bool or kind is dt.date:
                key.append((kind, value))
            elif value is _ABSENT or kind is Unknown:
                key.append(_ABSENT)
            else:
                return self._render(env, lang, words)
        key = tuple(key)
        hit = self.memo.get(key)
        if hit is not None and hit[0] is words:
            return hit[1]
        text = self._render(env, lang, words)
        if len(self.memo) >= _MEMO_MAX:
            self.memo.clear()
        self.memo[key] = (words, text)  # (the words kept, so their id is not reused while the entry lives)
        return text

    def _render(self, env: dict, lang: str, words: dict[str, str] | None) -> str:
        seg = self.segments
        out = [seg[0]]
        for i in range(1, len(seg), 3):
            value = env.get(seg[i], _ABSENT)
            # an absent name is unknown, whatever its format (as `write` writes an Unknown)
            out.append(_UNKNOWN[lang == "en"] if value is _ABSENT else write(value, seg[i + 1], lang, words))
            out.append(seg[i + 2])
        return "".join(out)


_ABSENT = object()
_UNKNOWN = ("onbekend", "unknown")  # (Dutch, English)
_MEMO_MAX = 4_096  # texts kept per template: bounded, cleared when full


def compile_template(text: str, is_known_name: Callable[[str], bool]) -> Template:
    """Check every placeholder; raise ValueError naming an unknown one."""
    parts = tuple((m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text))
    for name, _ in parts:
        if not is_known_name(name):
            raise ValueError(f"onbekende naam '{{{name}}}' in de tekst")
    leftover = PLACEHOLDER.sub("", text)
    if "{" in leftover or "}" in leftover:
        raise ValueError("ongeldige plaatshouder; schrijf {feit} of {feit:money}")
    flat = " ".join(text.split())
    return Template(text=flat, parts=parts, segments=tuple(PLACEHOLDER.split(flat)))
