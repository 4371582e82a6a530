"""Explanations of a decision: one line stream (explain.lines), written as text, or nested into a tree
(explain.tree) for Markdown and JSON."""
from __future__ import annotations

from . import lines, markdown, text, tree


def explain(decision: dict, lang: str = "nl", fmt: str = "text", labels: dict | None = None):
    """The explanation of `decision` in `fmt`: a string for text and markdown, the node tree for json."""
    if fmt == "json":
        return tree.build(decision, lang, labels)
    if fmt == "markdown":
        return markdown.render(tree.build(decision, lang, labels))
    return text.render(lines.stream(decision, lang, labels))
