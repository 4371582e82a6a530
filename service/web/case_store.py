"""Cases just checked on the web page, kept a short while under an address of their own.

A decision page is reached by POST-redirect-GET: the checked case is kept here under a random id,
and /besluit/<id> shows its decision. So the browser's Back button shows the decision again
(no resubmission), and a colleague can open the same address without retyping the case.

Step 2 of the form is reached the same way (/formulier/<id>, what step 1 chose, in a store of its own), so Back
from a decision shows step 2, not a browser's "resubmit the form?".

What is kept: the case as checked (pseudonymised, no BSN gets this far), or step 1's choices, nothing else. Where: in
the memory of the service process only; never on disk, never in a log. How long: `TTL` after it
was checked (one working day), and at most `LIMIT` cases (the oldest go first); a restart forgets
everything. See docs/service.md.
"""
from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict
from threading import Lock
from typing import Callable

TTL = 8 * 60 * 60  # seconds: a working day, so a colleague can reopen it the same day
LIMIT = 2_000
ID_PATTERN = r"^[A-Za-z0-9_-]{22}$"  # secrets.token_urlsafe(16): 128 random bits, not guessable


class CaseStore:
    def __init__(self, ttl: float = TTL, limit: int = LIMIT, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.limit, self.clock = ttl, limit, clock
        self._cases: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = Lock()

    def put(self, case: dict) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._expire()
            self._cases[key] = (self.clock(), case)
            while len(self._cases) > self.limit:
                self._cases.popitem(last=False)
        return key

    def get(self, key: str) -> dict | None:
        """What is kept under `key`; None for a key that is no id of ours, or is no longer kept."""
        if not re.fullmatch(ID_PATTERN, key):
            return None
        with self._lock:
            self._expire()
            found = self._cases.get(key)
        return found[1] if found else None

    def _expire(self) -> None:
        cutoff = self.clock() - self.ttl
        while self._cases:
            key, (stored, _) = next(iter(self._cases.items()))
            if stored >= cutoff:
                break
            del self._cases[key]
