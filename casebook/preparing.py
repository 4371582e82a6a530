"""Validating and evaluating import records, in this process or in a pool of worker processes.

Validating and evaluating take most of an import's CPU; writing takes the rest and stays in the one
process that imports, one transaction per batch. With `workers` > 1 the records are validated and
evaluated in forked processes (each inherits the loaded rule sets), and the next records are
evaluated while a batch is written. Either way a record's outcome is the same: the problems that
kept it from being read or validated, or the prepared case with its decision (none when the case is
stored already, which is asked per chunk before evaluating) or the problems of its evaluation.
"""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator

from engine.errors import CaseError, Problem, RegelruimteError

from .records import Prepared

Known = Callable[[list[str]], set[tuple[str, str]]]  # case ids -> the (case id, digest) pairs stored
Prepare = Callable[[Any], Prepared]  # a raw record validated; raises CaseError
Evaluate = Callable[[Prepared], dict]  # its decision; raises RegelruimteError


@dataclass
class Outcome:
    file: str
    not_a_case: bool = False
    problems: list[Problem] = field(default_factory=list)  # reading or validating: not prepared
    prepared: Prepared | None = None
    rejected: list[Problem] = field(default_factory=list)  # evaluating: prepared, but not to be stored


def outcome(raw, prepare: Prepare, evaluate: Evaluate, known: set[tuple[str, str]]) -> Outcome:
    """One record validated and, unless its case is stored already, evaluated."""
    if raw.not_a_case:
        return Outcome(raw.file, not_a_case=True)
    try:
        p = prepare(raw)
    except CaseError as exc:
        return Outcome(raw.file, problems=exc.problems)
    if (p.case_id, p.digest) in known:
        return Outcome(raw.file, prepared=p)
    try:
        p.decision = evaluate(p)
    except RegelruimteError as exc:
        return Outcome(raw.file, prepared=p, rejected=exc.problems)
    return Outcome(raw.file, prepared=p)


def case_id_of(data: Any) -> str | None:
    """The case id a record names, read leniently (the record is validated later)."""
    if isinstance(data, dict) and isinstance(data.get("case"), dict):
        data = data["case"]
    cid = data.get("case_id") if isinstance(data, dict) else None
    return cid if isinstance(cid, str) else None


def _chunks(records: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for r in records:
        chunk.append(r)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _known_of(chunk: list, known: Known) -> set[tuple[str, str]]:
    return known(sorted({cid for r in chunk if (cid := case_id_of(r.data)) is not None}))


def outcomes(records: Iterable, prepare: Prepare, evaluate: Evaluate, known: Known, chunk_size: int,
             workers: int = 1) -> Iterator[Outcome]:
    """The outcome of every record, in the records' order."""
    if workers <= 1:
        for chunk in _chunks(records, chunk_size):
            stored = _known_of(chunk, known)
            yield from (outcome(r, prepare, evaluate, stored) for r in chunk)
        return
    # fork: the workers inherit `prepare` and `evaluate` with the loaded rule sets, nothing is pickled
    with multiprocessing.get_context("fork").Pool(workers, _start, (prepare, evaluate)) as pool:
        part = max(1, chunk_size // (4 * workers))
        running = None
        for chunk in _chunks(records, chunk_size):
            stored = _known_of(chunk, known)
            submitted = pool.map_async(_work, [(chunk[i:i + part], stored) for i in range(0, len(chunk), part)])
            if running is not None:  # the previous chunk is handed out while this one is evaluated
                yield from (o for done in running.get() for o in done)
            running = submitted
        if running is not None:
            yield from (o for done in running.get() for o in done)


_worker: dict = {}


def _start(prepare: Prepare, evaluate: Evaluate) -> None:
    _worker.update(prepare=prepare, evaluate=evaluate)


def _work(task) -> list[Outcome]:
    chunk, stored = task
    out = [outcome(r, _worker["prepare"], _worker["evaluate"], stored) for r in chunk]
    for o in out:  # what the writer does not need stays behind (it only costs pickling)
        if o.prepared is not None and o.prepared.decision is not None:
            o.prepared = replace(o.prepared, case=None, raw=None)
    return out
