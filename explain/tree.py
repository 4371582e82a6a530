"""The explanation as a tree of nodes, for JSON, Markdown and the web page: the line stream of
explain.lines nested by level, built only when asked for (the text renderer writes the stream itself).

A node is `{"kind": ..., "text": ..., "children": [...]}`, fresh for each call (the caller's to change).
"""
from __future__ import annotations

from .fragments import Fragment
from .lines import stream


def nest(lines: list) -> list[dict]:
    """The nodes of a line stream: each line a child of the last line one level up."""
    roots: list[dict] = []
    children = [roots] + [None] * 8  # the children of the last node at each level
    for piece in lines:
        for level, kind, text in (piece.entries if type(piece) is Fragment else (piece,)):
            node = {"kind": kind, "text": text, "children": []}
            children[level].append(node)
            children[level + 1] = node["children"]
    return roots


def build(decision: dict, lang: str = "nl", labels: dict | None = None) -> list[dict]:
    """The explanation tree of `decision`; `labels` maps fact names to their Dutch/English label."""
    return nest(stream(decision, lang, labels))
