"""Ordinary Dutch dates, times and amounts are never read as a BSN, however they are strung together
(docs/decisions/0031-bsn-in-any-spelling.md, third review): since the groups of a number may be joined by
1 to 3 separators of any kind, the dates, times, cents, years and amounts with thousands points are what
keeps ordinary texts from being refused."""
from __future__ import annotations

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.bsn import contains_bsn, contains_bsn_exactly, looks_like_bsn

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


@st.composite
def dates(draw) -> str:
    day = draw(st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)))
    d, m, y = day.day, day.month, day.year
    return draw(st.sampled_from([
        f"{d:02d}-{m:02d}-{y}", f"{d}-{m}-{y}", f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}.{m:02d}.{y}",
        f"{d}.{m}.{y}", f"{y}-{m:02d}-{d:02d}", f"{y}/{m:02d}/{d:02d}", f"{d:02d}-{m:02d}-{y % 100:02d}",
        f"{d}-{m}-{y % 100:02d}", f"{d:02d}/{m:02d}/{y % 100:02d}", f"{d} {MONTHS[m - 1]} {y}", f"{d:02d} - {m:02d} - {y}",
        f"{d:02d}. {m:02d}. {y}", f"{d:02d} / {m:02d} / {y}"]))


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@st.composite
def amounts(draw) -> str:
    """An amount in Dutch notation below € 100 million (a larger one is a number of 9 or more digits, refused
    by design: ADR 0010; below € 10 million without thousands points), with a euro sign, cents or a thousands
    point (a bare "123" is a count, not an amount)."""
    euros = draw(st.integers(0, 99_999_999) | st.integers(0, 99_999))
    cents = draw(st.integers(0, 99))
    plain = euros % 10_000_000  # written without points, 8 digits in a row are read as a BSN (by design, ADR 0031)
    written = draw(st.sampled_from([
        f"€ {_thousands(euros)},{cents:02d}", f"{_thousands(euros)},{cents:02d}", f"€{_thousands(euros)},{cents:02d}",
        f"€ {_thousands(euros)}", f"€ {plain},{cents:02d}", f"{plain},{cents:02d}", f"€ {_thousands(euros)},-",
        f"EUR {_thousands(euros)},{cents:02d}", f"{_thousands(euros)},{cents:02d} euro", f"€ {plain}",
        f"{_thousands(euros)} euro" if euros < 10_000_000 else f"€ {_thousands(euros)}"]))
    if euros >= 1000 and draw(st.booleans()):
        written = _thousands(euros)  # a bare amount with a thousands point
    return written


times = st.builds(lambda h, m, s, form: form.format(h=h, m=m, s=s), st.integers(0, 23), st.integers(0, 59),
                  st.integers(0, 59), st.sampled_from(["{h:02d}:{m:02d}", "{h}:{m:02d}", "{h:02d}:{m:02d}:{s:02d}",
                                                       "{h:02d}.{m:02d} uur"]))
years = st.integers(1900, 2199).map(str)
words = st.sampled_from(["schuld", "op", "per", "van", "tot", "t/m", "bedrag", "huur", "inkomen", "betaald", "sinds",
                         "maanden", "3 maanden", "12 termijnen", "jaar", "in", "ontvangen", "€", "per maand"])
CONNECTORS = [" ", ", ", " - ", " / ", "-", "/", " en ", ": ", "; ", "\n", " (", ") ", ". ", " – ", "  ", " | ", " + "]
pieces = st.one_of(dates().map(lambda t: ("date", t)), amounts().map(lambda t: ("amount", t)), times.map(lambda t: ("time", t)),
                   years.map(lambda t: ("year", t)), words.map(lambda t: ("word", t)))


@st.composite
def texts(draw) -> str:
    """Dates, amounts, times, years and words strung together by 1 to 3 separators or a word. Left out, as
    what a BSN in pieces looks like too: two bare years in a row ("2025 2026 8.000" holds 9 digits in 3 groups
    of one kind, as "1934 56 789", a BSN in the old official grouping 4-2-3, does), and an amount right after
    another without a euro sign or words between them ("€ 1795157 79,00": "1795157 79" is 7 + 2 digits), and
    a bare year right after an amount in whole euros ("€ 427 2143 12 termijnen": "427 2143 12" is 9 digits in 3
    groups of one kind, a BSN as someone might split it). All were refused before the third review too."""
    tagged = draw(st.lists(pieces, min_size=1, max_size=6))
    for (kind_a, a), (kind_b, b) in zip(tagged, tagged[1:]):
        assume(not (kind_a == kind_b == "year"))
        assume(not (kind_a == kind_b == "amount" and b[0].isdigit()))
        assume(not (kind_a == "amount" and kind_b == "year" and a[-1].isdigit()))
    items = [text for _, text in tagged]
    joins = draw(st.lists(st.sampled_from(CONNECTORS), min_size=len(items), max_size=len(items)))
    return "".join(i + j for i, j in zip(items, joins)).strip()


@settings(max_examples=3000)
@given(texts())
def test_dates_times_years_and_amounts_in_dutch_notation_are_never_refused(text):
    assert not looks_like_bsn(text), text
    assert not contains_bsn({"need": {"description": text}}) and not contains_bsn_exactly([text])


@settings(max_examples=500)
@given(dates())
def test_a_date_alone_is_never_refused(text):
    assert not looks_like_bsn(text)


@settings(max_examples=500)
@given(amounts())
def test_an_amount_alone_is_never_refused(text):
    assert not looks_like_bsn(text)
