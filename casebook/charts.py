"""Charts as inline SVG, drawn by small pure functions: no JavaScript, no CDN, works offline.

Each function returns one `<svg>` element as text, with a <title> for screen readers and a
tooltip (<title>) on every mark. Colours are the Okabe–Ito palette (readable with colour
blindness); counts are written next to the marks, so nothing depends on colour alone.
"""
from __future__ import annotations

from typing import Sequence
from xml.sax.saxutils import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
CHAR_PX = 7  # average width of a 12px character, to size label columns


def _e(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" {FONT}><title>{_e(title)}</title>' + "".join(body) + "</svg>")


def _empty(title: str, width: int) -> str:
    return _svg(width, 40, title, [f'<text x="0" y="24" fill="#555">{_e(title)}: geen gegevens</text>'])


def bar_chart(items: Sequence[tuple[str, int]], title: str, width: int = 760, bar: int = 20,
              label_chars: int = 38, colour: str = PALETTE[0]) -> str:
    """Horizontal bars, one per (label, value), longest first as given."""
    if not items:
        return _empty(title, width)
    label_w = min(label_chars, max(len(label) for label, _ in items)) * CHAR_PX + 12
    value_w = 60
    plot = max(40, width - label_w - value_w)
    top = max(v for _, v in items) or 1
    gap = 6
    body = []
    for i, (label, value) in enumerate(items):
        y = i * (bar + gap)
        w = plot * value / top
        body.append(
            f'<g><title>{_e(label)}: {value}</title>'
            f'<text x="{label_w - 8}" y="{y + bar * 0.72:.1f}" text-anchor="end">{_e(_short(label, label_chars))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar * 0.72:.1f}">{value}</text></g>')
    return _svg(width, len(items) * (bar + gap), title, body)


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
    numbered; the number refers to the row with that number."""
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
    return _svg(label_w + len(labels) * cell + 10, head + len(labels) * cell + 4, title, body)


def stacked_bars(rows: Sequence[tuple[str, Sequence[tuple[str, int]]]], title: str, width: int = 760,
                 bar: int = 20, label_chars: int = 38) -> str:
    """One bar per row label, split into segments per series (e.g. per block: the cases each route was
    available), with a legend of the series."""
    series = list(dict.fromkeys(name for _, parts in rows for name, _ in parts))
    if not rows or not series:
        return _empty(title, width)
    colour = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    label_w = min(label_chars, max(len(label) for label, _ in rows)) * CHAR_PX + 12
    plot = max(40, width - label_w - 60)
    top = max(sum(v for _, v in parts) for _, parts in rows) or 1
    gap = 6
    body = []
    for i, (label, parts) in enumerate(rows):
        y = i * (bar + gap)
        body.append(f'<text x="{label_w - 8}" y="{y + bar * 0.72:.1f}" text-anchor="end">'
                    f'<title>{_e(label)}</title>{_e(_short(label, label_chars))}</text>')
        x = label_w
        for name, value in parts:
            w = plot * value / top
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour[name]}">'
                        f'<title>{_e(label)} — {_e(name)}: {value}</title></rect>')
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + bar * 0.72:.1f}">{sum(v for _, v in parts)}</text>')
    legend_top = len(rows) * (bar + gap) + 10
    for k, name in enumerate(series):
        y = legend_top + k * 18
        body.append(f'<rect x="{label_w}" y="{y}" width="12" height="12" fill="{colour[name]}"/>'
                    f'<text x="{label_w + 18}" y="{y + 10}">{_e(name)}</text>')
    return _svg(width, legend_top + len(series) * 18, title, body)


DASHES = ("", "6 3", "2 3", "8 3 2 3")


def trend_chart(periods: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], title: str,
                width: int = 480, height: int = 220) -> str:
    """Lines over time, one per series (at most four: colour and dash pattern both tell them apart).
    Sized by its viewBox, so it scales to the width of the page; the legend and the numbers are in the
    page's own HTML next to it."""
    if not periods or not series:
        return _empty(title, width)
    left, right, top_pad, bottom = 40, 12, 14, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((v for _, values in series for v in values), default=0) or 1
    step = plot_w / max(1, len(periods) - 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return left + (i * step if len(periods) > 1 else plot_w / 2), top_pad + plot_h - plot_h * v / top

    body = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" stroke="#555"/>',
            f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top}</text>',
            f'<text x="{left - 6}" y="{top_pad + plot_h + 4}" text-anchor="end">0</text>']
    every = max(1, -(-len(periods) // 6))  # at most six period labels, so they never overlap
    for i, p in enumerate(periods):
        if i % every == 0:
            x, _ = xy(i, 0)  # the outer labels lean inwards, so none sticks out of the chart
            anchor = "start" if i == 0 and len(periods) > 1 else "end" if i == len(periods) - 1 and i else "middle"
            body.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="{anchor}">{_e(p)}</text>')
    for k, (name, values) in enumerate(series[:4]):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(values)))
        dash = f' stroke-dasharray="{DASHES[k]}"' if DASHES[k] else ""
        body.append(f'<polyline points="{points}" fill="none" stroke="{PALETTE[k]}" stroke-width="2.5"{dash}/>')
        for i, v in enumerate(values):
            x, y = xy(i, v)
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[k]}">'
                        f'<title>{_e(name)}, {_e(periods[i])}: {v}</title></circle>')
    # no fixed size, and a larger font: scaled to a phone's width the labels stay readable
    return _svg(width, height, title, body).replace(f'width="{width}" height="{height}" ', "", 1) \
        .replace('font-size="12"', 'font-size="14"', 1)
