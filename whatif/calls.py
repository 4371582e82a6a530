"""A function call in an overlay's condition that the condition language does not allow, said plainly.

The language (engine/language/parse.py) allows calls of a few named functions only; a call of
anything else (a method, `__import__(...)`, a call of a call) it reported as "onbekende functie 'None'".
This names what is allowed instead, before the condition is compiled (docs/decisions/0042)."""
from __future__ import annotations

import ast

from engine.language.parse import FUNCTIONS, MAX_LENGTH


def call_problem(text: str) -> str | None:
    """The message for the first call in `text` of something other than an allowed function, or None."""
    if len(text) > MAX_LENGTH:
        return None
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the compiler says what is wrong with it
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            return (f"alleen deze functies mogen in een voorwaarde: {', '.join(FUNCTIONS)}; een andere aanroep "
                    f"(een methode, of een functie met een andere naam) is niet toegestaan (kolom {node.col_offset + 1})")
    return None
