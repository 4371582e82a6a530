"""Dependencies first: the one ordering the loader (a version's derived facts), the registry (derived facts across
rule sets) and the layering of rule sets all use."""
from __future__ import annotations

from typing import Callable, Hashable, Iterable, Sequence, TypeVar

T = TypeVar("T")


def dependencies_first(items: Sequence[T], needs: Callable[[T], Iterable[T]],
                       on_cycle: Callable[[list[T]], None] | None = None,
                       key: Callable[[T], Hashable] = id) -> list[T]:
    """`items`, each after what it `needs`: a depth-first walk from each item in the given order, its needs in the
    order `needs` gives them, each item placed once its needs are (so items already in that order keep it). An item
    needed while its own walk is under way closes a cycle: `on_cycle` gets the walk from its start to that item
    (which is not placed again there). Iterative: a self-calling closure is a reference cycle that kept every
    compiled rule alive, and deep chains must not reach the recursion limit."""
    order: list[T] = []
    state: dict[Hashable, bool] = {}  # False: its walk is under way; True: placed
    path: list[T] = []  # the items whose walk is under way, from the start
    stack: list[tuple[T, bool]] = [(item, False) for item in reversed(items)]
    while stack:
        item, expanded = stack.pop()
        k = key(item)
        if expanded:
            state[k] = True
            path.pop()
            order.append(item)
            continue
        mark = state.get(k)
        if mark is True:
            continue
        if mark is False:
            if on_cycle is not None:
                on_cycle(path + [item])
            continue
        state[k] = False
        path.append(item)
        stack.append((item, True))
        stack.extend((need, False) for need in reversed(list(needs(item))) if state.get(key(need)) is not True)
    return order
