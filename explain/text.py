"""Plain text a professional can paste into the client file."""
from __future__ import annotations

import textwrap

from .fragments import Fragment

_WHITESPACE = str.maketrans("\n\x0b\x0c\r", "    ")  # what textwrap turns into spaces (tabs aside)


def fill(text: str, width: int, initial_indent: str, subsequent_indent: str) -> str:
    """`textwrap.fill(text, width, initial_indent=…, subsequent_indent=…, break_on_hyphens=False)`,
    byte for byte, at C speed: words separated by single spaces are broken at the last space that
    fits (one `rfind` per line). Anything else (tabs, runs of spaces, a word wider than a line,
    indents of different widths) goes to textwrap itself."""
    room = width - len(initial_indent)
    if "\t" not in text and room > 0:
        flat = text.rstrip(" \n\x0b\x0c\r")  # textwrap drops trailing whitespace
        if "\n" in flat or "\r" in flat or "\x0b" in flat or "\x0c" in flat:
            flat = flat.translate(_WHITESPACE)
        if flat and not flat[-1].isspace():
            if len(flat) <= room:  # one line: textwrap keeps it as it is
                return initial_indent + flat
            # (a "word" of other whitespace, such as a lone no-break space, is one textwrap would drop)
            if len(subsequent_indent) == len(initial_indent) and flat[0] != " " and "  " not in flat \
                    and (flat.isprintable() or not any(map(str.isspace, flat.split(" ")))):
                lines, indent = [], initial_indent
                while len(flat) > room:
                    cut = flat.rfind(" ", 0, room + 1)
                    if cut <= 0:  # a word wider than the line: textwrap breaks it
                        break
                    lines.append(indent + flat[:cut])
                    flat, indent = flat[cut + 1:], subsequent_indent
                else:
                    lines.append(indent + flat)
                    return "\n".join(lines)
    return textwrap.fill(text, width=width, initial_indent=initial_indent, subsequent_indent=subsequent_indent,
                         break_on_hyphens=False)


_BULLET = {"option": "", "section": "", "warning": "! ", "block": "- ", "ground": "- ", "route": "- ", "threshold": "  ",
           "detail": "  ", "question": "- ", "presumption": "- ", "kassabon": "", "ruleset": "- ",
           "amount": "- ", "step": "  "}


def _body(text: str, depth: int, bullet: str, width: int) -> str:
    indent = "  " * depth
    # keep "€ 1.505,97" and "art. 16" together on one line
    glued = text.replace("€ ", "€\u00a0").replace("art. ", "art.\u00a0")
    return fill(glued, width, indent + bullet, indent + " " * len(bullet))


def _paragraph(kind: str, text: str, depth: int, width: int) -> str:
    """One line of the explanation as it is written: wrapped and indented, a blank line before an option
    or a section, the title underlined."""
    body = _body(text, depth, _BULLET.get(kind, ""), width)
    if kind == "title":
        return body + "\n" + "=" * min(len(text), width)
    return "\n" + body if kind in ("option", "section") else body


def _fragment_text(piece: Fragment, depth: int, width: int) -> tuple[str, tuple]:
    """A fragment's paragraphs at `depth`, and the depth each of its lines gives the lines below it."""
    below = {piece.level: depth}
    paragraphs, updates = [], []
    for level, kind, text in piece.entries:
        at = below[level]
        paragraphs.append(_paragraph(kind, text, at, width))
        below[level + 1] = at if kind == "section" else at + 1
        updates.append((level + 1, below[level + 1]))
    return "\n".join(paragraphs), tuple(updates)


# Per-case lines by (kind, text, depth, width): many reasons and missing-fact lists recur too.
# Bounded: cleared when full.
_BODIES: dict[tuple[str, str, int, int], str] = {}
_BODIES_MAX = 50_000


def render(stream: list, width: int = 100) -> str:
    """The text of an explanation stream (explain.lines): fragments come prewrapped, per-case lines are
    wrapped here. A section does not indent what is under it."""
    out: list[str] = []
    bodies = _BODIES
    below = [0] * 8  # the depth of the lines under the last line of each level
    for piece in stream:
        if type(piece) is tuple:
            level, kind, text = piece
            depth = below[level]
            key = (kind, text, depth, width)
            body = bodies.get(key)
            if body is None:
                if len(bodies) >= _BODIES_MAX:
                    bodies.clear()
                body = bodies[key] = _paragraph(*key)
            out.append(body)
            below[level + 1] = depth if kind == "section" else depth + 1
        else:
            depth = below[piece.level]
            hit = piece.text
            if hit is None or hit[0] != depth or hit[1] != width:
                hit = piece.text = (depth, width, *_fragment_text(piece, depth, width))
            out.append(hit[2])
            for level, at in hit[3]:
                below[level] = at
    return "\n".join(out).replace("\u00a0", " ").strip() + "\n"
