"""Long what-if runs off the request: a small in-process registry of jobs.

A job is started by the what-if page and runs in a thread of its own pool (one worker, so a run never
takes the workers that answer requests, service.http.offload). The page polls the job's address: while it
runs it shows the step it is at; afterwards the result, until it expires. The registry is bounded:
at most MAX_WAITING jobs wait or run at once (more are refused with a Dutch message), at most
MAX_KEPT finished jobs are kept, each for KEEP_SECONDS. Every run keeps the what-if's own time and
size bounds (service.http.offload.Budget, docs/decisions/0010-input-limits.md); see ADR 0017.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from engine.errors import Problem, RegelruimteError

from ..http.guard import where
from ..http.offload import Budget, Stopped
from ..http.whatif_limits import GATE

error_log = logging.getLogger("regelruimte.errors")

MAX_WAITING = 3  # waiting or running at once: a fourth policy officer is asked to try again shortly
MAX_KEPT = 20  # finished jobs kept (the oldest goes first)
KEEP_SECONDS = 3600  # a result stays an hour: long enough to read and download, short enough to hold no data
ID_PATTERN = r"[A-Za-z0-9_-]{22}"


class Busy(Exception):
    """Too many what-ifs are waiting or running."""


@dataclass
class Job:
    id: str
    title: str
    started: float = field(default_factory=time.monotonic)
    state: str = "waiting"  # waiting | running | done | failed
    step: str = "start"  # a key of service.web.policy_text's "steps", with `step_args`
    step_args: dict = field(default_factory=dict)
    done_steps: int = 0
    total_steps: int = 1
    result: Any = None
    problems: list[Problem] = field(default_factory=list)
    finished: float | None = None
    owner: str | None = None  # the casebook user who started it; None in the local mode
    back: str = ""  # the form's values as a query string: "Terug naar het formulier" keeps what was typed

    def progress(self, step: str, done: int, total: int, **args) -> None:
        self.step, self.step_args, self.done_steps, self.total_steps = step, args, done, max(total, 1)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done_steps / self.total_steps))


Work = Callable[[Job, Budget], Any]


class Jobs:
    # `seconds`: the what-if's time per run, as service.http.whatif_limits.MAX_SECONDS (ADR 0010)
    def __init__(self, max_waiting: int = MAX_WAITING, max_kept: int = MAX_KEPT, keep_seconds: float = KEEP_SECONDS,
                 seconds: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.max_waiting, self.max_kept, self.keep_seconds, self.seconds = max_waiting, max_kept, keep_seconds, seconds
        self.clock = clock
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="regelruimte-whatif")

    def _expire(self) -> None:
        now = self.clock()
        finished = [j for j in self._jobs.values() if j.finished is not None]
        for j in finished:
            if now - j.finished > self.keep_seconds:
                del self._jobs[j.id]
        finished = [j for j in self._jobs.values() if j.finished is not None]
        for j in finished[:max(0, len(finished) - self.max_kept)]:
            del self._jobs[j.id]

    def start(self, title: str, work: Work, owner: str | None = None) -> Job:
        """Queue `work(job, budget)`; its return value becomes the job's result. Raises Busy when full.
        A job with an owner is only ever shown to that owner (`get`)."""
        with self._lock:
            self._expire()
            if sum(1 for j in self._jobs.values() if j.finished is None) >= self.max_waiting:
                raise Busy()
            job = Job(secrets.token_urlsafe(16), title, owner=owner)
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Work) -> None:
        with GATE:  # one what-if at a time in this process, the API's included: the job waits its turn
            self._run_now(job, work)

    def _run_now(self, job: Job, work: Work) -> None:
        job.state = "running"
        budget = Budget(self.seconds)  # the time counts from the start of the run, not from the queue
        try:
            job.result = work(job, budget)
            job.state = "done"
        except RegelruimteError as exc:
            job.problems, job.state = exc.problems, "failed"
        except Stopped:
            job.problems, job.state = [Problem(
                f"de berekening duurde langer dan {self.seconds:.0f} seconden en is gestopt; neem minder huishoudens "
                "of punten, of gebruik regelruimte whatif",
                f"the computation took longer than {self.seconds:.0f} seconds and was stopped")], "failed"
        except Exception as exc:  # noqa: BLE001 - a fault in a run is reported on its page, never as a traceback
            error_log.error("onverwachte fout in een wat-als-berekening: %s", where(exc))  # where, not what
            job.problems, job.state = [Problem("de berekening is misgegaan door een fout in de service",
                                               "the computation failed because of a fault in the service")], "failed"
        finally:
            job.finished = self.clock()

    def get(self, job_id: str, asker: str | None = None) -> Job | None:
        """The job, if `asker` may see it: its owner, or anyone when it has none. Someone else's job is
        answered as one that does not exist, so its id reveals nothing."""
        with self._lock:
            self._expire()
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner in (None, asker) else None
