"""Explanations of a decision: one tree (explain.tree), rendered as text, Markdown or JSON."""
from __future__ import annotations

from . import markdown, text, tree


def explain(decision: dict, lang: str = "nl", fmt: str = "text", labels: dict | None = None):
    """The explanation of `decision` in `fmt`: a string for text and markdown, the node tree for json."""
    nodes = tree.build(decision, lang, labels)
    if fmt == "json":
        return nodes
    return markdown.render(nodes) if fmt == "markdown" else text.render(nodes)
