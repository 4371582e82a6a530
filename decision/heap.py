"""The garbage collector in a process that decides many cases (docs/decisions/0033-fewer-full-collections.md).

A full collection walks every object the collector tracks: the loaded rule sets (some 140,000 objects)
and the caches of case-independent parts (bounded, but tens of thousands of entries). With Python's
default thresholds (700, 10, 10) a batch ran one every few hundred cases, each 100-150 ms: 9-17% of
the CPU of deciding 8,000 cases. A decision leaves no reference cycles (tests/service/http/test_live.py),
so these collections find next to nothing; the young generations still collect what short-lived cycles
there are (an exception and its traceback). One full collection after 100 of the middle generation
instead of 10 brings the share to 2-3%.
"""
from __future__ import annotations

import gc

THRESHOLDS = (700, 10, 100)  # Python's own for the young generations; full collections 10 times rarer


def for_many_cases() -> None:
    """Set this process's collector for deciding many cases (the command line, the service, pool workers)."""
    gc.set_threshold(*THRESHOLDS)
