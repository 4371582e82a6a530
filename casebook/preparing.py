"""Reading, validating, evaluating and encoding import records, in this process or in worker processes.

Everything an import does per record happens here, before the write: parsing a JSONL line, validating
the case and its digest, asking which of a chunk's cases are stored already, evaluating the others and
encoding their rows (store.ready: the row tuples and JSON text the write hands to the driver). The one
process that imports only reads lines and writes, one transaction per batch (decision record 0030).
With `workers` > 1 the chunks go to forked processes (each inherits the loaded rule sets and opens its
own database connection to ask what is stored), and the next records are prepared while a batch is
written. Either way a record's outcome is the same: the problems that kept it from being read or
validated, or the case encoded for the write (without rows when it was stored already when asked), or
the problems of its evaluation.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from engine.errors import CaseError, Problem, RegelruimteError

from .records import CaseKey, Prepared


@dataclass
class Steps:
    """What is done with each record, the same in this process and in a worker."""

    prepare: Callable[[Any], Prepared]  # a raw record validated; raises CaseError
    evaluate: Callable[[Prepared], dict]  # its decision; raises RegelruimteError
    encode: Callable[[Prepared], Any]  # encoded for the write (store.ready)
    known: Callable[[list[str]], set[tuple[CaseKey, str]]]  # case ids -> the (case key, digest) pairs stored
    after_fork: Callable[[], None] = lambda: None  # in a new worker: leave the parent's connections alone


@dataclass
class Outcome:
    file: str
    not_a_case: bool = False
    problems: list[Problem] = field(default_factory=list)  # reading or validating: not prepared
    ready: Any = None  # the case encoded for the write
    rejected: list[Problem] = field(default_factory=list)  # evaluating: not to be stored


def outcome(raw, steps: Steps, known: set[tuple[CaseKey, str]]) -> Outcome:
    """One (parsed) record validated and, unless its case is stored already, evaluated; then encoded."""
    if raw.not_a_case:
        return Outcome(raw.file, not_a_case=True)
    try:
        p = steps.prepare(raw)
    except CaseError as exc:
        return Outcome(raw.file, problems=exc.problems)
    if (p.key, p.digest) not in known:
        try:
            p.decision = steps.evaluate(p)
        except RegelruimteError as exc:
            return Outcome(raw.file, rejected=exc.problems)
    return Outcome(raw.file, ready=steps.encode(p))


def case_id_of(data: Any) -> str | None:
    """The case id a record names, read leniently (the record is validated later)."""
    if isinstance(data, dict) and isinstance(data.get("case"), dict):
        data = data["case"]
    cid = data.get("case_id") if isinstance(data, dict) else None
    return cid if isinstance(cid, str) else None


def chunk_outcomes(chunk: list, steps: Steps) -> list[Outcome]:
    """The outcomes of a chunk of records; what is stored is asked once for the chunk, before evaluating."""
    records = [r.parsed() for r in chunk]
    stored = steps.known(sorted({cid for r in records if (cid := case_id_of(r.data)) is not None}))
    return [outcome(r, steps, stored) for r in records]


def _chunks(records: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for r in records:
        chunk.append(r)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def outcomes(records: Iterable, steps: Steps, chunk_size: int, workers: int = 1) -> Iterator[tuple[Any, Outcome]]:
    """Every record with its outcome, in the records' order. With workers, a worker that dies (killed, out
    of memory) ends the import with WorkerStopped: multiprocessing.Pool would replace it and wait for the
    lost result for ever; the executor fails every pending result at once (decision record 0030)."""
    if workers <= 1:
        for chunk in _chunks(records, chunk_size):
            yield from zip(chunk, chunk_outcomes(chunk, steps))
        return
    # fork: the workers inherit `steps` with the loaded rule sets, nothing of them is pickled
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start,
                               initargs=(steps,))
    try:
        part = max(1, chunk_size // (4 * workers))
        running = None
        for chunk in _chunks(records, chunk_size):
            submitted = chunk, [pool.submit(_work, chunk[i:i + part]) for i in range(0, len(chunk), part)]
            if running is not None:  # the previous chunk is written while this one is prepared
                yield from _zipped(running)
            running = submitted
        if running is not None:
            yield from _zipped(running)
    except BrokenProcessPool:
        raise WorkerStopped() from None
    finally:  # also when the import stops early: nothing more is started, no worker is left behind
        pool.shutdown(wait=True, cancel_futures=True)


def _zipped(running) -> Iterator[tuple[Any, Outcome]]:
    chunk, parts = running
    return zip(chunk, [o for f in parts for o in f.result()])


class WorkerStopped(RegelruimteError):
    def __init__(self):
        super().__init__([Problem(
            "een werkproces is onverwacht gestopt (bijvoorbeeld door te weinig geheugen); de import is afgebroken. "
            "De batches die al geschreven waren, zijn heel opgeslagen; de batch die bezig was niet. "
            "Start dezelfde import opnieuw: hij gaat verder waar hij stopte",
            "a worker process stopped unexpectedly (for example out of memory); the import was stopped. "
            "The batches already written are stored whole; the batch in progress is not. "
            "Run the same import again: it continues where it stopped")])


_worker: dict = {}


def _start(steps: Steps) -> None:
    steps.after_fork()
    _worker["steps"] = steps
    threading.Thread(target=_orphaned, args=(os.getppid(),), daemon=True).start()


def _orphaned(parent: int) -> None:
    """Leave quietly once the importing process is gone (killed): a worker waiting for work would wait for
    ever, as the workers hold the task queue open for one another."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _work(chunk: list) -> list[Outcome]:
    return chunk_outcomes(chunk, _worker["steps"])
