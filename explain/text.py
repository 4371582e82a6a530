"""Plain text a professional can paste into the client file."""
from __future__ import annotations

import textwrap

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


# Wrapped paragraphs by (text, depth, bullet, width): titles, routes, evidence and most reasons
# recur from case to case. Bounded: cleared when full.
_BODIES: dict[tuple[str, int, str, int], str] = {}
_BODIES_MAX = 50_000


def render(tree: list[dict], width: int = 100) -> str:
    lines: list[str] = []
    bodies = _BODIES
    stack = [(n, 0) for n in reversed(tree)]  # depth first, children in order (a loop: no call per node)
    while stack:
        n, depth = stack.pop()
        kind = n["kind"]
        if kind in ("option", "section"):
            lines.append("")
        key = (n["text"], depth, _BULLET.get(kind, ""), width)
        body = bodies.get(key)
        if body is None:
            if len(bodies) >= _BODIES_MAX:
                bodies.clear()
            body = bodies[key] = _body(*key)
        lines.append(body)
        if kind == "title":
            lines.append("=" * min(len(n["text"]), width))
        children = n["children"]
        if children:
            below = depth if kind == "section" else depth + 1
            stack.extend((child, below) for child in reversed(children))
    return "\n".join(lines).replace("\u00a0", " ").strip() + "\n"
