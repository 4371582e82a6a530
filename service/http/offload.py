"""Work a request needs (reading a body, deciding, comparing) runs here, never on the event loop.

One pool of worker threads, as many as the machine has cores: a large request occupies one worker
and the loop stays free to answer `/healthz`, other requests and reloads; more parallel work than
cores would only make every request slower. (Threads share the interpreter lock; the loop gets it
back at least every few milliseconds, which is what keeps it answering.)
"""
from __future__ import annotations

import asyncio
import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

WORKERS = max(2, os.cpu_count() or 2)
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="regelruimte-work")


# What-ifs run in a pool of their own, one thread (service.http.whatif_limits.GATE lets one in at a time):
# a long sweep never holds a worker that a single decision is waiting for.
_whatif_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="regelruimte-whatif-api")


async def off_loop_whatif(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in the what-if's own thread."""
    return await asyncio.get_running_loop().run_in_executor(_whatif_pool, functools.partial(fn, *args))


async def off_loop(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)` in the worker pool; the request waits, the loop does not."""
    return await asyncio.get_running_loop().run_in_executor(_pool, functools.partial(fn, *args, **kwargs))


class Stopped(Exception):
    """Work given up: its client went away, or it ran out of its time."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "disconnected" or "time"


class Budget:
    """When long work (a what-if) must stop: its client has gone, or its time is up. The work asks
    `check()` between its steps; a thread cannot be stopped from outside."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.gone = threading.Event()

    def check(self) -> None:
        if self.gone.is_set():
            raise Stopped("disconnected")
        if time.monotonic() > self.deadline:
            raise Stopped("time")


async def watch_client(request, budget: Budget, interval: float = 0.25) -> None:
    """Mark `budget` gone when the client of `request` disconnects (run as a task beside the work)."""
    while not budget.gone.is_set():
        if await request.is_disconnected():
            budget.gone.set()
            return
        await asyncio.sleep(interval)
