"""Links a professional can follow: the law as it read on the reference date, and the case law.

wetten.overheid.nl opens the text valid on a date in two forms: a Juriconnect link with the
geldigheidsdatum (`jci1.3:c:BWBR…&artikel=31&g=2026-07-01`, Juriconnect standaard BWB 1.3.1) and the
consolidated text of a date (`/BWBR0015703/2026-07-01`). Rule sources use the first, parameters the
second; both get the reference date, so nobody reads today's text for a case of another date.
"""
from __future__ import annotations

import datetime as dt
import re

JCI = re.compile(r"^(https://wetten\.overheid\.nl/jci1\.3:c:BWBR\d+(?:&[a-z]+=[^&]+)*?)(?:&g=\d{4}-\d{2}-\d{2})?$")
UNDATED = re.compile(r"^(https://wetten\.overheid\.nl/BWBR\d+)/?$")
ECLI = re.compile(r"^ECLI:[A-Z]{2}:[A-Z0-9]{1,7}:\d{4}:[A-Z0-9.]{1,25}$")


def dated_url(url: str | None, day: dt.date) -> str | None:
    """`url` pointing at the text valid on `day` (links to other sites, or already dated, stay as they are)."""
    head = link_head(url)
    return url if head is False else head + day.isoformat()


def link_head(url: str | None) -> str | bool:
    """What `url` dated to a day begins with (the date follows), or False for a link no day changes: none, a
    link to another site, or one with its own date in its path."""
    if not url:
        return False
    head = _HEADS.get(url)
    return _head(url) if head is None else head


def _head(url: str) -> str | bool:
    """What a dated `url` begins with (the date follows), or False for a link that stays as it is; kept per
    link (a few hundred): the regular expressions run once per link, not once per link and day."""
    m = JCI.match(url)
    head = f"{m.group(1)}&g=" if m else False
    if not m:
        m = UNDATED.match(url)
        if m:
            head = f"{m.group(1)}/"
    if len(_HEADS) >= 65_536:
        _HEADS.clear()
    _HEADS[url] = head
    return head


_HEADS: dict[str, str | bool] = {}


def case_law_url(ecli: str) -> str | None:
    """The public page of a judgment on rechtspraak.nl (None for something that is not an ECLI)."""
    return f"https://uitspraken.rechtspraak.nl/details?id={ecli}" if ECLI.match(ecli) else None


def public(source) -> dict:
    """`source.public()` (an engine.model.Source), built once per source and shared by every decision
    that cites it: decisions are read-only (docs/decisions/0019-plan-per-option.md)."""
    hit = _PUBLIC.get(id(source))
    if hit is None or hit[0] is not source:
        if len(_PUBLIC) >= 100_000:
            _PUBLIC.clear()
        hit = _PUBLIC[id(source)] = (source, source.public())
    return hit[1]


def dated(source: dict, day: dt.date | None) -> dict:
    """The public `source` with its link pointing at the text valid on `day` (None: as it is): one shared
    dict per (source, day), never a change to `source` (which other decisions share). The evaluator dates
    each item as it builds it (`engine.evaluator.evaluate(..., dated=True)`)."""
    if day is None:
        return source
    # kept per day, then per source: a case dates ~25 sources on one day, mostly a day no case had before, so
    # a new entry must be cheap (the date written once per day; no store of every (source, day) ever seen)
    entry = _DATED.get(day)
    if entry is None:
        if len(_DATED) >= 8:
            _DATED.clear()
        entry = _DATED[day] = (day.isoformat(), {})
    text, kept = entry  # (the date apart from the sources: a clear by another thread leaves it alone)
    hit = kept.get(id(source))
    if hit is None or hit[0] is not source:
        head = link_head(source.get("url"))
        if len(kept) >= 4_096:  # more sources than any registry cites: start the day afresh
            kept.clear()
        hit = kept[id(source)] = (source, source if head is False else dict(source, url=head + text))
    return hit[1]


# (the source is kept with its entry, so its id cannot be reused while the entry lives)
_PUBLIC: dict[int, tuple[object, dict]] = {}
# day -> (the date as written, {id(source) -> (source, dated source)}); 8 days and 4,096 sources a day at most (a
# store of every (source, day) ever seen held 100,000 entries of which most were never read again)
_DATED: dict[dt.date, tuple[str, dict]] = {}
