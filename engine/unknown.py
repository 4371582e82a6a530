"""The third truth value.

A fact that is absent from a case is *unknown*, never zero and never false. An `Unknown` carries
the names of the case facts it depends on, so that every undecided outcome can say which facts
would decide it. Operations on unknowns follow Kleene's strong three-valued logic.
"""
from __future__ import annotations


class Unknown:
    """An undecided value, with the set of case facts that would decide it."""

    __slots__ = ("facts",)

    def __init__(self, facts: frozenset[str]):
        self.facts = facts

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.facts)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.facts == self.facts

    def __hash__(self) -> int:
        return hash(self.facts)

    def __bool__(self) -> bool:
        # An unknown must never be read as false (or true) by accident.
        raise TypeError("an unknown value has no truth value; use the three-valued operators")


def unknown_of(*values: object) -> Unknown | None:
    """The union of the unknowns among `values`, or None if every value is known."""
    facts: frozenset[str] | None = None
    for v in values:
        if isinstance(v, Unknown):
            facts = v.facts if facts is None else facts | v.facts
    return None if facts is None else Unknown(facts)

