"""How a source is cited in a sentence: "Participatiewet art. 35 lid 1" (Dutch) or "... art. 35 para. 1"."""
from __future__ import annotations


def cite(source: dict, lang: str) -> str:
    # memoised per source dict: a decision's sources are shared and never changed (decision record 0019);
    # the entry keeps its source alive, so the id is not reused while the entry lives
    key = (id(source), lang)
    hit = _CITED.get(key)
    if hit is not None and hit[0] is source:
        return hit[1]
    words = ("art.", "para.", "point") if lang == "en" else ("art.", "lid", "onderdeel")
    parts = [source.get("law", "")]
    for k, word in zip(("article", "paragraph", "onderdeel"), words):
        if source.get(k):
            parts.append(f"{word} {source[k]}")
    if len(_CITED) >= 50_000:
        _CITED.clear()
    text = " ".join(parts)
    _CITED[key] = (source, text)
    return text


_CITED: dict[tuple[int, str], tuple[dict, str]] = {}
