"""Markdown, for a team's shared notes or a case conference."""
from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("*", r"\*").replace("_", r"\_")


def render(tree: list[dict]) -> str:
    out: list[str] = []

    def emit(n: dict, depth: int) -> None:
        kind, text = n["kind"], _escape(n["text"])
        if kind == "title":
            out.append(f"# {text}\n")
        elif kind == "warning":
            out.append(f"> **{text}**\n")
        elif kind in ("intro", "advice"):
            out.append(f"{'**' + text + '**' if kind == 'advice' else text}\n")
        elif kind in ("option", "section"):
            out.append(f"\n## {text}\n")
        elif kind == "kassabon":
            out.append(f"{text}\n")
        else:
            out.append(f"{'  ' * depth}- {text}")
        child_depth = 0 if kind in ("option", "section", "title") else depth + 1
        for child in n["children"]:
            emit(child, child_depth)

    for n in tree:
        emit(n, 0)
    del emit  # a self-calling closure is a reference cycle: left to the collector once per explanation
    return "\n".join(out).strip() + "\n"
