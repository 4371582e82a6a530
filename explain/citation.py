"""How a source is cited in a sentence: "Participatiewet art. 35 lid 1" (Dutch) or "... art. 35 para. 1"."""
from __future__ import annotations


def cite(source: dict, lang: str) -> str:
    words = ("art.", "para.", "point") if lang == "en" else ("art.", "lid", "onderdeel")
    parts = [source.get("law", "")]
    for key, word in zip(("article", "paragraph", "onderdeel"), words):
        if source.get(key):
            parts.append(f"{word} {source[key]}")
    return " ".join(parts)
