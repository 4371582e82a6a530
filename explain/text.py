"""Plain text a professional can paste into the client file."""
from __future__ import annotations

import textwrap

_BULLET = {"option": "", "section": "", "block": "- ", "ground": "- ", "route": "- ", "threshold": "  ",
           "detail": "  ", "question": "- ", "presumption": "- ", "kassabon": "", "ruleset": "- "}


def render(tree: list[dict], width: int = 100) -> str:
    lines: list[str] = []

    def emit(n: dict, depth: int) -> None:
        kind = n["kind"]
        if kind in ("option", "section"):
            lines.append("")
        indent = "  " * depth
        bullet = _BULLET.get(kind, "")
        # keep "€ 1.505,97" and "art. 16" together on one line
        glued = n["text"].replace("€ ", "€\u00a0").replace("art. ", "art.\u00a0")
        body = textwrap.fill(glued, width=width, initial_indent=indent + bullet,
                             subsequent_indent=indent + " " * len(bullet), break_on_hyphens=False)
        lines.append(body)
        if kind == "title":
            lines.append("=" * min(len(n["text"]), width))
        for child in n["children"]:
            emit(child, depth + (1 if kind not in ("section",) else 0))

    for n in tree:
        emit(n, 0)
    return "\n".join(lines).replace("\u00a0", " ").strip() + "\n"
