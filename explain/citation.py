"""How a source is cited in a sentence: "Participatiewet art. 35 lid 1" (Dutch) or "... art. 35 para. 1"."""
from __future__ import annotations


def cite(source: dict, lang: str) -> str:
    # memoised on the four parts the citation is made of, not on the dict: a source dated to a reference
    # date (engine.sources.dated) is a new dict per day but cites alike
    get = source.get
    key = (get("law", ""), get("article"), get("paragraph"), get("onderdeel"), lang)
    text = _CITED.get(key)
    if text is not None:
        return text
    words = ("art.", "para.", "point") if lang == "en" else ("art.", "lid", "onderdeel")
    parts = [key[0]]
    for part, word in zip(key[1:4], words):
        if part:
            parts.append(f"{word} {part}")
    text = " ".join(parts)
    # only text is an exact key (1, 1.0 and True are equal keys but are written differently)
    if all(type(v) is str or v is None for v in key):
        if len(_CITED) >= 50_000:
            _CITED.clear()
        _CITED[key] = text
    return text


_CITED: dict[tuple, str] = {}
