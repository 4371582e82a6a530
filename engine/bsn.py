"""Guarding pseudonymity: find anything in a case that looks like a BSN.

A BSN is 9 digits (older ones 8, read with a leading zero) that pass the "elfproef":
9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11. We never echo the number back.

People write a number in many ways (docs/decisions/0031-bsn-in-any-spelling.md). Within one text, after
digits in a compatibility form (superscript, subscript, circled: "¹", "①", "❶") are read as the digits NFKC
makes of them and invisible characters (zero-width space, soft hyphen) are dropped:
- every run of digits in a row: 8 digits (the leading zero dropped), 9, or any 9 in a row of a longer
  run ("tel 0111222333");
- any 9 digits in whole groups joined by runs of 1 to 3 separators: every kind of space and line break,
  dashes, plus, underscore, dot, apostrophe, comma, slash, bar, colon, semicolon, tilde, asterisk,
  backslash, round brackets ("111-22-2333", "1 1 1 2 2 2 3 3 3", "111 - 222 - 333", "(111) 222-333", "111:222:333"),
  written as one number: 2 groups neither of which is a year ("2026-10007" is a year and a serial), 3 or
  more groups with one kind of separator run, or with mixed ones ("111-222.333") where the first and last
  group have fewer than 4 digits ("2026 10.007,00" is a year and an amount), they do not start or end
  inside an amount written with thousands points and hold no two such amounts, or one of a million or
  more ("1.234-56.789", "€ 45 1.349.593"). Four separators in a row, a blank line, or any other character
  (a letter, "#", "=") end a number. A date ("2026-12-05", "05-12-2026", "05-12-26"), a time ("14:30") and
  cents (the 2 digits after the point or comma that ends an amount: "1.234.567,89", "1100.00 250.00") are
  not part of such a number: they end it.
Texts are never joined: digits in two values (or a key and its value) are two numbers ("split across
fields" is out of scope by design: the guard cannot tell two amounts in two fields from a BSN cut in two).
A JSON number is its digits: a whole amount of 8 to 10 digits that holds a BSN is refused too
(privacy before convenience, docs/decisions/0010-input-limits.md), and so is a number with cents whose
whole-number part is one (111222333.50, as the text "111222333.50" is).
"""
from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from array import array
from decimal import Decimal
from typing import Any, Iterator

import orjson

# Separators a number may be written with. Spaces and line breaks that JSON writes as \uXXXX (vertical
# tab, form feed, \x1c-\x1f) are left out: the pre-filter, which reads the JSON, could not see them.
_SPACES = " \t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_DASHES = "-_+\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DOTS = ".'\u00b7\u2024\uff0e"
_COMMAS = ",\uff0c"
_SLASHES = "/|\u2044\u2215\uff0f"
# written as themselves: colon, semicolon, tilde, asterisk, backslash, brackets ("(111) 222-333", "111:222:333")
_OTHERS = {":": ":\uff1a\u2236", ";": ";\uff1b", "~": "~\uff5e\u223c", "*": "*\uff0a\u2217",
           "\\": "\\\uff3c\u29f5\ufe68", "(": "(\uff08", ")": ")\uff09"}
_INVISIBLE = "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
# Digits in a compatibility form (NFKC makes them 0-9): superscript, subscript, circled, with a full stop,
# dingbats. (Other scripts' decimal digits, "\u0663", "\uff11", are digits to \\d and int() already.)
_COMPATIBLE_DIGITS = "\u00b2\u00b3\u00b9\u1369\u136a\u136b\u136c\u136d\u136e\u136f\u1370\u1371\u19da\u2070\u2074\u2075\u2076\u2077\u2078\u2079\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089\u2460\u2461\u2462\u2463\u2464\u2465\u2466\u2467\u2468\u2474\u2475\u2476\u2477\u2478\u2479\u247a\u247b\u247c\u2488\u2489\u248a\u248b\u248c\u248d\u248e\u248f\u2490\u24ea\u24f5\u24f6\u24f7\u24f8\u24f9\u24fa\u24fb\u24fc\u24fd\u24ff\u2776\u2777\u2778\u2779\u277a\u277b\u277c\u277d\u277e\u2780\u2781\u2782\u2783\u2784\u2785\u2786\u2787\u2788\u278a\u278b\u278c\u278d\u278e\u278f\u2790\u2791\u2792\U00010a40\U00010a41\U00010a42\U00010a43\U00010e60\U00010e61\U00010e62\U00010e63\U00010e64\U00010e65\U00010e66\U00010e67\U00010e68\U00011052\U00011053\U00011054\U00011055\U00011056\U00011057\U00011058\U00011059\U0001105a\U0001f100\U0001f101\U0001f102\U0001f103\U0001f104\U0001f105\U0001f106\U0001f107\U0001f108\U0001f109\U0001f10a"
_NORMAL = {**{ord(c): " " for c in _SPACES}, **{ord(c): "\n" for c in _LINE_BREAKS}, **{ord(c): "-" for c in _DASHES},
           **{ord(c): "." for c in _DOTS}, **{ord(c): "," for c in _COMMAS}, **{ord(c): "/" for c in _SLASHES},
           **{ord(c): kind for kind, cs in _OTHERS.items() for c in cs}, **{ord(c): None for c in _INVISIBLE},
           **{ord(c): str(unicodedata.digit(c)) for c in _COMPATIBLE_DIGITS}}
# The separators as normalise() writes them; a number's groups are joined by a run of 1 to 3 of them.
_SEPARATORS = " \n-.,/:;~*\\()"
_SEPARATOR_CLASS = re.escape(_SEPARATORS).replace("\\ ", " ")
# digits and separators; four separators in a row, or a blank line, end a number. (Not one pattern for a
# number: a repeated group keeps a backtracking mark per repeat, 13 MB for a text of 200 kB.)
_HYPHEN_AT_LINE_END = re.compile(r"-[ \t]*\n[ \t]*")  # "123-" and "456782" on the next line: one number
_HYPHEN_AT_LINE_END_JSON = re.compile(rb"-(?: |\\t)*(?:\\r)?\\n(?: |\\t)*")  # the same, as JSON writes it
_RUN_OF_NUMBERS = re.compile(rf"[\d{_SEPARATOR_CLASS}]{{8,}}")
_END_OF_NUMBER = re.compile(rf"[{_SEPARATOR_CLASS}]{{4,}}|\n[{_SEPARATOR_CLASS}]*?\n")
_GROUPS = re.compile(r"(\D+)")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
# The refusal, wherever the guard refuses (a case, the casebook's own fields): it names the field, never the number.
MESSAGE = ("bevat een nummer dat op een BSN lijkt, ook als het in stukken of in een langer nummer staat; "
           "gebruik alleen pseudoniemen (het nummer wordt niet getoond)",
           "contains a number that looks like a BSN, also when written in pieces or inside a longer number; "
           "use pseudonyms only (the number is not shown)")

# A file name (or a CSV column header) with such a number: refused, and neither shown nor stored.
FILE_NAME_MESSAGE = ("de bestandsnaam bevat een nummer dat op een BSN lijkt; geef het bestand een andere naam "
                     "(de naam wordt niet getoond)",
                     "the file name contains a number that looks like a BSN; rename the file (the name is not shown)")


def normalise(text: str) -> str:
    """`text` with every separator written as one of " \\n-.,/:;~*\\()", compatible digits as 0-9 and invisible
    characters gone; a Windows line break is one separator."""
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


def _is_year(group: str) -> bool:
    return len(group) == 4 and 1900 <= int(group) <= 2199


def _is_date(groups: list[str], sep: str) -> bool:
    """Three groups that make a date: year-month-day or day-month-year, the year in 4 digits, or
    day-month-year with a year of 2 digits written with "-", "/" or "." alone ("05-12-26")."""
    if len(groups[0]) == 4:
        year, month, day = groups
    elif len(groups[2]) == 4 or (len(groups[2]) == 2 and sep in ("-", "/", ".")):
        day, month, year = groups
    else:
        return False
    return (len(month) <= 2 and len(day) <= 2 and (len(year) == 2 or 1900 <= int(year) <= 2199)
            and 1 <= int(month) <= 12 and 1 <= int(day) <= 31)


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
    # a date: three groups with one separator "-", "/" or "." (spaces around it allowed: "05 - 12 - 2026")
    for a in range(count - 2):
        if (lengths[a + 2] in (2, 4) or lengths[a] == 4) and seps[a] == seps[a + 1]:
            sep = seps[a].strip(" ")
            if sep in ("-", "/", ".") and _is_date(groups[a:a + 3], seps[a]):
                kept[a:a + 3] = b"\x00\x00\x00"
    if ":" in seps:  # a time: hours and minutes (and seconds) joined by ":" alone ("14:30", "9:05:00")
        for i in range(count - 1):
            if (seps[i] == ":" and lengths[i] <= 2 and lengths[i + 1] == 2 and int(groups[i]) <= 23
                    and int(groups[i + 1]) <= 59):
                kept[i:i + 2] = b"\x00\x00"
                if i + 2 < count and seps[i + 1] == ":" and lengths[i + 2] == 2 and int(groups[i + 2]) <= 59:
                    kept[i + 2] = 0
    if 2 in lengths:  # cents: 2 digits after "." or ",", not followed by another "." or ","
        for i, n in enumerate(lengths):
            if n == 2 and i and seps[i - 1] in (".", ",") and (i == count - 1 or seps[i] not in (".", ",")):
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
    one number (`_one_number`). Of the 9 digits in a row that pass (1 in 11), the ones that start and end
    where groups do."""
    digits = list(map(int, "".join(groups)))
    group_at = array("i", [-1]) * (len(digits) + 1)  # where a group starts: its place; the end: the count
    left_out = bytearray(len(digits))  # 1 for each digit of a date, a time or cents
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
        if _one_number(groups, seps, first, end):
            return True
    return False


def _one_number(groups: list[str], seps: list[str], first: int, end: int) -> bool:
    """Whether groups[first:end] (9 digits) are written as one number:
    - 2 groups neither of which is a year ("2026-10007", "2026 - 10007": a year and a serial; "€ 12937 2043");
    - 3 or more groups with one kind of separator ("111 - 222 - 333", "1 1 1 2 2 2 3 3 3");
    - 3 or more groups with separators of more than one kind ("(111) 222-333", "111-222.333"), unless the
      first or last group has 4 digits or more, a year, a serial or an amount of its own ("2026 10.007", a
      year and an amount; "10.007 (2026)"; "€ 3222 31.139"), they hold two
      amounts written with thousands points ("1.234-56.789", "1.234 - 56.789": a range) or one of a million
      or more ("€ 45 1.349.593"), or they start or end inside such an amount ("1.275 1.275 39.000": its
      "275 1.275 39" is no number; with one kind of separator, inside one written with other points:
      "12.619 1900 12.000")."""
    if end - first == 2:
        return not (_is_year(groups[first]) or _is_year(groups[first + 1]))
    between = seps[first:end - 1]
    before = seps[first - 1] if first and len(groups[first]) == 3 else ""  # the end of an amount "12.619"
    after = seps[end - 1] if end < len(groups) and len(groups[end]) == 3 else ""  # the start of one "12.000"
    if len(set(between)) == 1:  # inside an amount only where that is written with other points
        return not ({before, after} & {".", ","} - {between[0]})
    if len(groups[first]) >= 4 or len(groups[end - 1]) >= 4 or {before, after} & {".", ","}:
        return False
    amounts, points = 0, 0
    for sep in between:
        if sep in (".", ","):
            amounts += not points
            points += 1
            if points == 2:  # an amount of a million or more: what is left of the 9 digits is 2 or fewer
                return False
        else:
            points = 0
    return amounts < 2


def _in_text(text: str) -> bool:
    for run in _RUN_OF_NUMBERS.findall(normalise(text)):
        for chain in _END_OF_NUMBER.split(run):
            chain = chain.strip(_SEPARATORS)  # digits in whole groups, each joined to the next by 1 to 3 separators
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
    with at most three separators between two of them (non-ASCII characters count as digits). A date ("2025-09-15") or an amount ("16428.72") has
    fewer. Where it cannot rule a BSN out, only the strings and numbers that hold such a candidate are
    scanned as the exact scan scans them (a case id "syn025-0000000" or "2025-001234" costs one string,
    not a walk over the case). Where one of them holds a BSN, where the pre-filter's candidates are many,
    or for data JSON cannot write, the exact scan runs: the answer is always the exact scan's."""
    if written is None:
        written = as_json(data)
        if written is None:
            return contains_bsn_exactly(data)
    # escaped backslashes and quotes blanked (one byte each still): every quote left opens or closes a string
    # (an escaped backslash, a separator, as two bytes JSON never writes, then as one separator in `seen`)
    plain = written.replace(b"\\\\", b"\x01\x01").replace(b'\\"', b"xx") if b"\\" in written else written
    seen = plain
    # JSON writes a line break or tab as a backslash and a letter, which would break a run
    if b"\\" in written:
        seen = _HYPHEN_AT_LINE_END_JSON.sub(b" ", seen)  # as normalise() does
        for escaped in (b"\\r\\n", b"\\n", b"\\r", b"\\t"):
            seen = seen.replace(escaped, b" ")
        seen = seen.replace(b"\x01\x01", b"/")
    # four separators in a row end a number; then 1 to 3 between digits join them: a candidate is a run of
    # "0" and "s" (at most 3 in a row) with 8 "0" in a row or 9 in all
    mapped = seen.translate(_DIGIT_BYTES).replace(b"ssss", b"xxxx")
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


_ASCII_SEPARATORS = "".join(c for c in _SPACES + _LINE_BREAKS + _DASHES + _DOTS + _COMMAS + _SLASHES + "".join(_OTHERS.values())
                            if c < "\x80")
_RUN = re.compile(rb"0{8,}")
_RUN_BYTES = bytes(ord("0") if chr(b) in "0123456789?" + _ASCII_SEPARATORS else ord("x") for b in range(256))
# For the pre-filter, over UTF-8: digits and every byte of a non-ASCII character (\d matches other
# scripts' digits; spaces, dashes and invisibles of other scripts are non-ASCII) are "0", the ASCII
# separators "s".
_DIGIT_BYTES = bytes(ord("0") if b >= 128 or chr(b).isdigit() else ord("s") if chr(b) in _ASCII_SEPARATORS
                     else ord("x") for b in range(256))
