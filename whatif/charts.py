"""Charts as inline SVG, from small pure functions: no scripts, no fonts or libraries to fetch.

Each function takes plain numbers and labels and returns one `<svg>` element as a string, with a
`<title>` for screen readers and a tooltip (`<title>` per bar or point) with the exact value.
"""
from __future__ import annotations

import math
from html import escape

HELPED = "#1b7f3b"
HURT = "#b42318"
NEUTRAL = "#1f5fa8"
MUTED = "#8a8f98"
PALETTE = (NEUTRAL, HELPED, HURT, "#b26b00", "#6941c6", MUTED)
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


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


def number(value: float) -> str:
    """1234567 → 1.234.567 (Dutch grouping); fractions keep two decimals."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _legend(series: list[str], colors: list[str], x: float, y: float) -> str:
    parts, offset = [], x
    for name, color in zip(series, colors):
        parts.append(f'<rect x="{offset:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{offset + 14:.1f}" y="{y:.1f}" {FONT}>{escape(name)}</text>')
        offset += 24 + 7 * len(name)
    return "".join(parts)


def _open(title: str, width: int, height: int) -> str:
    # no width or height: the chart scales with the page by its viewBox (a 390 px phone shows it whole)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<text x="0" y="16" {FONT} font-weight="bold">{escape(title)}</text>')


def bar_chart(title: str, rows: list[tuple[str, list[float]]], series: list[str],
              colors: list[str] | None = None, width: int = 440) -> str:
    """Horizontal bars, one per row, stacked by series, each under its label (so the chart stays narrow
    enough for a phone); the total is written at the end of each bar."""
    colors = list(colors or PALETTE)
    bar, row, top = 16, 40, 30 + (22 if len(series) > 1 else 0)
    height = top + max(1, len(rows)) * row + 4
    plot = width - 70
    most = max((sum(v) for _, v in rows), default=0) or 1
    out = [_open(title, width, height), _legend(series, colors, 0, 40) if len(series) > 1 else ""]
    if not rows:
        out.append(f'<text x="0" y="{top + 14}" {FONT} fill="{MUTED}">geen</text>')
    for i, (label, values) in enumerate(rows):
        y = top + i * row
        short = label if len(label) <= 64 else label[:62] + "…"
        out.append(f'<text x="0" y="{y + 13}" {FONT}><title>{escape(label)}</title>{escape(short)}</text>')
        x = 0.0
        for name, value, color in zip(series, values, colors):
            w = plot * value / most
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y + 18}" width="{w:.1f}" height="{bar}" fill="{color}">'
                           f'<title>{escape(label)} — {escape(name)}: {number(value)}</title></rect>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 31}" {FONT}>{number(sum(values))}</text>')
    out.append("</svg>")
    return "".join(out)


def line_chart(title: str, xs: list[str], series: dict[str, list[float]], x_label: str, y_label: str,
               colors: list[str] | None = None, width: int = 480, height: int = 300) -> str:
    """Lines over categorical x values (e.g. a swept threshold), with axes, ticks and a legend."""
    colors = list(colors or PALETTE)
    left, right, top, bottom = 56, 12, 46, 50
    pw, ph = width - left - right, height - top - bottom
    ticks = nice_ticks(max((max(v) for v in series.values() if v), default=0))
    ymax = ticks[-1] or 1
    n = max(1, len(xs) - 1)

    def px(i: int) -> float:
        return left + pw * i / n if len(xs) > 1 else left + pw / 2

    def py(v: float) -> float:
        return top + ph - ph * v / ymax

    out = [_open(title, width, height), _legend(list(series), colors, left, 36)]
    for t in ticks:
        y = py(t)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7ec"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" {FONT} text-anchor="end">{number(t)}</text>')
    every = max(1, math.ceil(len(xs) / 8))
    for i, x in enumerate(xs):
        if i % every == 0 or i == len(xs) - 1:
            out.append(f'<text x="{px(i):.1f}" y="{top + ph + 18}" {FONT} text-anchor="middle">{escape(x)}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#344054"/>'
               f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#344054"/>'
               f'<text x="{left + pw / 2:.1f}" y="{height - 8}" {FONT} text-anchor="middle">{escape(x_label)}</text>'
               f'<text x="14" y="{top + ph / 2:.1f}" {FONT} text-anchor="middle" '
               f'transform="rotate(-90 14 {top + ph / 2:.1f})">{escape(y_label)}</text>')
    for (name, values), color in zip(series.items(), colors):
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        out.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(values):
            out.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3.5" fill="{color}">'
                       f'<title>{escape(name)} bij {escape(xs[i])}: {number(v)}</title></circle>')
    out.append("</svg>")
    return "".join(out)
