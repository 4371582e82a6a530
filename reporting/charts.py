"""Charts as inline SVG, for the casebook and the what-if alike: small pure functions, no JavaScript,
no fonts or libraries to fetch, so a saved report opens offline.

Each function takes labels and numbers and returns one `<svg>` element as text, with a `<title>` for
screen readers and a tooltip (`<title>`) with the exact value on every mark. Numbers are written next
to the marks and series differ by more than colour (Okabe–Ito colours; lines also by dash), so
nothing depends on colour alone. Bars and lines have no fixed size: they scale to the width of the
page by their viewBox, labels above the bars, so a 390 px phone shows them whole and readable. The
heatmap needs its cells square and legible: it keeps its size and the page lets it scroll.
"""
from __future__ import annotations

import math
from typing import Sequence
from xml.sax.saxutils import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HELPED, HURT, MUTED = "#1b7f3b", "#b42318", "#8a8f98"  # the what-if's two directions, and "nothing"
DASHES = ("", "6 3", "2 3", "8 3 2 3")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
CHAR_PX = 7  # average width of a 12px character, to size the heatmap's label column

Series = Sequence[tuple[str, float]]


def _e(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def number(value: float) -> str:
    """1234567 → 1.234.567 (Dutch grouping); fractions keep two decimals."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (1, 2 or 5 times a power of ten apart)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks, value = [], 0.0
    while value < top + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks if ticks[-1] >= top else ticks + [ticks[-1] + step]


def _svg(width: float, height: float, title: str, body: list[str], fixed: bool = False) -> str:
    size = f'width="{width}" height="{height}" ' if fixed else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" {size}viewBox="0 0 {width} {height}" {FONT}>'
            f'<title>{_e(title)}</title>' + "".join(body) + "</svg>")


BOLD_PX = 8  # average width of a 12px bold character, to wrap a heading within the chart


def _wrap(text: str, chars: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([line] if line else [])


def _heading(title: str, width: int = 480) -> tuple[str, int]:
    """The chart's title, wrapped over as many lines as it needs within `width` (never clipped), and the
    height it takes."""
    lines = _wrap(title, max(10, width // BOLD_PX)) or [""]
    spans = "".join(f'<tspan x="0" dy="{0 if i == 0 else 16}">{_e(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text x="0" y="16" font-weight="bold">{spans}</text>', 26 + 16 * (len(lines) - 1)


LEGEND_ROW = 20


def _legend(names: Sequence[str], colours: dict[str, str], y: float, dashed: bool = False) -> list[str]:
    """One series per row, from `y` down (a row per name keeps long names whole on a phone)."""
    out = []
    for k, name in enumerate(names):
        row = y + k * LEGEND_ROW
        dash = DASHES[k % len(DASHES)]
        mark = (f'<line x1="0" y1="{row - 4:.1f}" x2="18" y2="{row - 4:.1f}" stroke="{colours[name]}" '
                f'stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>") if dashed else \
            f'<rect x="0" y="{row - 10:.1f}" width="12" height="12" fill="{colours[name]}"/>'
        out.append(mark + f'<text x="{24 if dashed else 16}" y="{row:.1f}">{_e(_short(name, 64))}</text>')
    return out


def _colours(names: Sequence[str], colours: Sequence[str] | None) -> dict[str, str]:
    palette = list(colours or PALETTE)
    return {name: palette[i % len(palette)] for i, name in enumerate(names)}


def _empty(title: str, width: int = 440) -> str:
    return _svg(width, 40, title, [f'<text x="0" y="24" fill="#555">{_e(title)}: geen gegevens</text>'])


def bars(title: str, rows: Sequence[tuple[str, Series]], colours: Sequence[str] | None = None,
         width: int = 440, heading: bool = True) -> str:
    """Horizontal bars, one per row under its label, each split into segments per series (one series:
    plain bars); the row's total is written at its end. A legend names the series when there are more
    than one. Rows are drawn in the order given."""
    names = list(dict.fromkeys(name for _, parts in rows for name, _ in parts))
    if not rows or not names:
        return _empty(title, width)
    colour = _colours(names, colours)
    bar, row = 16, 40
    head, head_h = _heading(title, width) if heading else ("", 0)
    top = head_h + (LEGEND_ROW * len(names) + 4 if len(names) > 1 else 0)
    plot = width - 70
    most = max(sum(v for _, v in parts) for _, parts in rows) or 1
    legend_y = head_h + 14
    body = ([head] if heading else []) + (_legend(names, colour, legend_y) if len(names) > 1 else [])
    for i, (label, parts) in enumerate(rows):
        y = top + i * row
        body.append(f'<text x="0" y="{y + 13}"><title>{_e(label)}</title>{_e(_short(label, 64))}</text>')
        x = 0.0
        for name, value in parts:
            w = plot * value / most
            if w > 0:
                body.append(f'<rect x="{x:.1f}" y="{y + 18}" width="{w:.1f}" height="{bar}" fill="{colour[name]}">'
                            f'<title>{_e(label)}' + (f' — {_e(name)}' if len(names) > 1 else "")
                            + f': {number(value)}</title></rect>')
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + 31}">{number(sum(v for _, v in parts))}</text>')
    return _svg(width, top + len(rows) * row + 4, title, body)


def lines(title: str, xs: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], x_label: str = "",
          y_label: str = "", colours: Sequence[str] | None = None, width: int = 480, height: int = 300,
          heading: bool = True, legend: bool = True) -> str:
    """Lines over categorical x values (periods, the values of a sweep), at most four series told apart
    by colour and dash, with ticks, axis labels and a legend (`legend=False` when the page writes it)."""
    if not xs or not series:
        return _empty(title, width)
    series = list(series)[:4]
    names = [name for name, _ in series]
    colour = _colours(names, colours)
    left, right = 56, 12
    head, head_h = _heading(title, width) if heading else ("", 8)
    height += head_h - 26 if heading else 0  # a heading over more lines makes the chart taller, not the plot smaller
    top = head_h + (LEGEND_ROW * len(names) + 4 if legend else 0)
    bottom = 30 + (20 if x_label else 0)
    pw, ph = width - left - right, height - top - bottom
    ticks = nice_ticks(max((max(v) for _, v in series if len(v)), default=0))
    ymax = ticks[-1] or 1

    def px(i: int) -> float:
        return left + pw * i / (len(xs) - 1) if len(xs) > 1 else left + pw / 2

    def py(v: float) -> float:
        return top + ph - ph * v / ymax

    body = ([head] if heading else []) + (_legend(names, colour, head_h + 14, dashed=True) if legend else [])
    for t in ticks:
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#e4e7ec"/>'
                    f'<text x="{left - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{number(t)}</text>')
    # at most six labels under the axis, and never closer than the widest label needs: they never overlap
    gap = pw / (len(xs) - 1) if len(xs) > 1 else pw
    widest = max(len(str(x)) for x in xs) * CHAR_PX + 12
    # (the first label leans right from its point, the next is centred on its own: 1.5 labels between them)
    every = max(1, math.ceil(len(xs) / 6), math.ceil(1.5 * widest / gap))
    for i, x in enumerate(xs):
        if i % every == 0:  # the outer labels lean inwards, so none sticks out of the chart
            anchor = "start" if i == 0 and len(xs) > 1 else "end" if i == len(xs) - 1 and i else "middle"
            body.append(f'<text x="{px(i):.1f}" y="{top + ph + 18}" text-anchor="{anchor}">{_e(x)}</text>')
    body.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#344054"/>'
                f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#344054"/>')
    if x_label:
        body.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">{_e(x_label)}</text>')
    if y_label:
        body.append(f'<text x="14" y="{top + ph / 2:.1f}" text-anchor="middle" '
                    f'transform="rotate(-90 14 {top + ph / 2:.1f})">{_e(y_label)}</text>')
    for k, (name, values) in enumerate(series):
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        dash = f' stroke-dasharray="{DASHES[k]}"' if DASHES[k] else ""
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour[name]}" stroke-width="2.5"{dash}/>')
        for i, v in enumerate(values):
            body.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3.5" fill="{colour[name]}">'
                        f'<title>{_e(name)}, {_e(xs[i])}: {number(v)}</title></circle>')
    return _svg(width, height, title, body)


def _heat(value: int, top: int) -> str:
    """White to dark red, by value/top."""
    if not value:
        return "#f4f4f4"
    t = value / top
    r, g, b = 255 - round(t * (255 - 153)), 245 - round(t * 245), 240 - round(t * 240)
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(labels: Sequence[str], matrix: Sequence[Sequence[int]], title: str, cell: int = 34,
            label_chars: int = 38) -> str:
    """A symmetric matrix (e.g. collisions: cases where two rules block together). Columns are
    numbered; the number refers to the row with that number. Fixed size: the page lets it scroll."""
    if not labels:
        return _empty(title, 400)
    label_w = min(label_chars, max(len(label) for label in labels)) * CHAR_PX + 40
    head = 22
    top = max((v for row in matrix for v in row), default=0) or 1
    body = []
    for j in range(len(labels)):
        body.append(f'<text x="{label_w + j * cell + cell / 2}" y="{head - 6}" text-anchor="middle">{j + 1}</text>')
    for i, label in enumerate(labels):
        y = head + i * cell
        body.append(f'<text x="{label_w - 8}" y="{y + cell * 0.62:.1f}" text-anchor="end">'
                    f'{_e(_short(label, label_chars))} {i + 1}</text>')
        for j, value in enumerate(matrix[i]):
            x = label_w + j * cell
            fill = "#ffffff" if i == j else _heat(value, top)
            ink = "#ffffff" if value and value / top > 0.55 else "#222222"
            body.append(f'<g><title>{_e(label)} × {_e(labels[j])}: {value}</title>'
                        f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}" stroke="#ddd"/>'
                        + (f'<text x="{x + (cell - 2) / 2}" y="{y + cell * 0.62:.1f}" text-anchor="middle" '
                           f'fill="{ink}">{value}</text>' if value and i != j else "") + "</g>")
    return _svg(label_w + len(labels) * cell + 10, head + len(labels) * cell + 4, title, body, fixed=True)
