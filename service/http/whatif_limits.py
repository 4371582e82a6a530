"""The bounds of one what-if, shared by the API (service.http.whatif) and the page (service.web.whatif)
(docs/decisions/0010-input-limits.md, 0042-whatif-cost-and-turns.md)."""
from __future__ import annotations

import threading

from engine.errors import Problem

# Cases one what-if may take: sent to the API, or read from the casebook by the page.
MAX_CASES = 10_000
MAX_POPULATION = 200_000
MAX_FLIPS = 1_000
# The work of one what-if, counted in households through the columnar evaluator (some 12 µs each on
# two cores): a case through the single-case evaluator costs about 100 of them (some 1 ms), and every
# run (the base, the change, each sweep point) costs RUN_WEIGHT on top, whatever the number of cases
# (building its rule sets and comparing, some 0.1 s). At most MAX_WORK (some 30 s) per request.
CASE_WEIGHT = 100
RUN_WEIGHT = 10_000
MAX_WORK = 2_500_000
MAX_SECONDS = 60.0

# One what-if at a time in this process (the API's and the page's together): a what-if is long work,
# and two at once took the workers and the interpreter from single decisions (a POST /v1/decisions
# waited 7.7 s behind two sweeps). Another one is refused at once (the API) or waits its turn (the page).
GATE = threading.BoundedSemaphore(1)
BUSY = ("er loopt al een wat-als-berekening; probeer het zo opnieuw",
        "a what-if computation is already running; try again shortly")


def work(households: int, runs: int, cases: bool) -> int:
    """The cost of evaluating `households` (cases when `cases`) `runs` times, in MAX_WORK's units."""
    return runs * (households * (CASE_WEIGHT if cases else 1) + RUN_WEIGHT)


def too_much(households: int, runs: int, cases: bool, field: str | None) -> Problem | None:
    """A problem when the work is over the bound, saying what it counts and what to do; else None."""
    if work(households, runs, cases) <= MAX_WORK:
        return None
    what, what_en = ("casussen", "cases") if cases else ("huishoudens", "households")
    most = max(0, MAX_WORK // (households * (CASE_WEIGHT if cases else 1) + RUN_WEIGHT))
    return Problem(
        f"te veel werk voor één berekening: {households:,} {what} × {runs} doorrekeningen (de basis, de wijziging en "
        f"elk sweeppunt); met zoveel {what} kunnen er ten hoogste {most} doorrekeningen. Neem minder {what} of "
        "sweeppunten, of gebruik regelruimte whatif".replace(",", "."),
        f"too much work for one computation: {households:,} {what_en} × {runs} runs (the base, the change and each "
        f"sweep point); with this many {what_en} at most {most} runs. Use fewer {what_en} or sweep points, or "
        "regelruimte whatif", field=field)
