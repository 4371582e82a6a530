"""Many cases decided across worker processes, with the results in input order.

One CPython process decides on one core. A batch (the API's `decisions:batch`, `regelruimte check` on
many files) is a run of independent cases, so `Pool.map(task, items, registry)` gives
`task(registry, item)` for every item, in order, exactly as a loop in this process would, but spread
over worker processes (docs/decisions/0028-process-pool-for-batches.md):

- A task makes each item's whole result itself, a case's own problems included (the API's per-case
  error entry), so one invalid case never takes the batch down. An exception a task raises anyway (a
  broken rule) is raised here at its item's position, as the loop would raise it.
- Workers get the rule sets once. Forked (`method="fork"`) they inherit the registry this process
  loaded: only for a process without other threads or database connections, the command line.
  Started clean (`"forkserver"`, the service) they load the rule-set folder themselves, in the
  background from the first batch on (which is decided here meanwhile); `Files` names the folder and
  the content the caller's registry was loaded from, and a worker that finds other content (the files
  changed since) declines, and its cases are decided here.
- Items go out in chunks, at most two per worker at a time, and come back as the task made them (the
  API's: JSON bytes), so memory holds the chunks in flight, not the batch twice.
- Below `threshold` items, with one worker, or without a way for the workers to get the caller's
  registry, everything is decided here: starting and feeding workers would cost more than it saves.
"""
from __future__ import annotations

import collections
import concurrent.futures
import gc
import itertools
import multiprocessing
import os
import sys
import threading
import time
import traceback
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sized

from engine.errors import Problem, RegelruimteError

from .heap import for_many_cases

WORKERS_ENV = "REGELRUIMTE_WORKERS"
# Below this many items a batch is decided in the calling process: the measured break-even with warm
# workers on this 2-core machine under load (make bench-batch: 16 explained cases took as long either way,
# 32 were faster in workers; docs/decisions/0028-process-pool-for-batches.md).
THRESHOLD = 16
CHUNK = 16  # items per trip to a worker: some 20 ms of work, against well under 1 ms per trip
IN_FLIGHT_PER_WORKER = 2  # one chunk being decided, one waiting: no worker idles between trips
# How long a chunk may take in a worker before its workers count as stuck (a chunk is some 20 ms of
# work; each case's work is bounded to about a second, docs/decisions/0010-input-limits.md): a worker
# killed while writing a large result can leave the pool waiting for ever.
CHUNK_TIMEOUT = 60.0

Task = Callable[[Any, Any], Any]  # (registry, item) -> the item's result; a module-level function or a partial of one


def worker_count(environ=os.environ) -> int:
    """How many worker processes a batch may use: REGELRUIMTE_WORKERS if set (1: decide in the calling
    process), never more than the cores this process may run on (more would only wait for a core)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    value = environ.get(WORKERS_ENV, "").strip()
    if not value:
        return cores
    if not (value.isascii() and value.isdigit() and 0 < len(value) <= 4 and int(value) > 0):
        raise RegelruimteError([Problem("het aantal werkprocessen moet een geheel getal van 1 of meer zijn",
                                        "the number of worker processes must be a whole number of 1 or more",
                                        field=WORKERS_ENV)])
    return min(int(value), cores)


@dataclass(frozen=True)
class Files:
    """Where a clean worker loads the caller's rule sets: `load(root)` gives (registry, key of the
    content it read, or None if the files changed while it read them). A worker serves a batch only
    when its key is `key`, the content the caller's registry was loaded from."""
    root: Path
    key: str
    load: Callable[[Path], tuple[Any, str | None]]


class Pool:
    """Worker processes for batches, started at the first batch that pays and stopped by `close()`."""

    def __init__(self, workers: int | None = None, method: str = "forkserver", registry: Any = None,
                 threshold: int = THRESHOLD, chunk: int = CHUNK, preload: tuple[str, ...] = (),
                 timeout: float = CHUNK_TIMEOUT):
        """`registry`: with `method="fork"`, the registry the workers inherit (the only one they serve).
        `preload`: with `"forkserver"`, modules the server imports once for every worker (the tasks').
        `timeout`: seconds a chunk may take before its workers are stopped and it is decided here."""
        self.workers = worker_count() if workers is None else max(1, workers)
        self.method = method
        self.inherited = registry if method == "fork" else None
        self.threshold = max(1, threshold)
        self.chunk = max(1, chunk)
        self.preload = preload
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._loading: list[Future] = []
        self._lock = threading.Lock()
        self._closed = False

    def map(self, task: Task, items: Iterable, registry: Any, files: Files | None = None) -> Iterator:
        """`task(registry, item)` for every item, in order; in workers when that pays."""
        size = len(items) if isinstance(items, Sized) else None
        items = iter(items)
        head = list(itertools.islice(items, self.threshold))
        source = self._source(registry, files) if len(head) == self.threshold else None
        if source is None:
            return (task(registry, item) for item in itertools.chain(head, items))
        # a short list in as many chunks as fill the workers; a long one (or a stream) in chunks of `chunk`
        chunk = self.chunk if size is None else min(self.chunk, -(-size // (IN_FLIGHT_PER_WORKER * self.workers)))
        return self._pooled(task, itertools.chain(head, items), registry, source, chunk)

    def _source(self, registry: Any, files: Files | None) -> Files | str | None:
        """How the workers get `registry`: inherited, loaded from `files`, or not at all (None)."""
        if self.workers <= 1 or self._closed:
            return None
        if self.method == "fork":
            # a fork copies one thread: with others running, a lock one of them holds stays held forever
            return "inherited" if registry is self.inherited and threading.active_count() == 1 else None
        return files if files is not None and self.start(files) else None

    def start(self, files: Files, wait: bool = False) -> bool:
        """Start clean workers loading `files` (once), and say whether they are ready. Until they are
        (seconds: see the decision record), batches are decided in the calling process, not kept waiting."""
        with self._lock:
            if self._closed:
                return False
            if self._executor is None:
                executor = self._executor_locked()
                self._loading = [executor.submit(_load, files) for _ in range(self.workers)]
            loading = self._loading
        if wait:
            concurrent.futures.wait(loading)
        return all(f.done() for f in loading)

    def _pooled(self, task: Task, items: Iterator, registry: Any, source: Files | str, chunk: int) -> Iterator:
        executor = self._running()
        spec = None if source == "inherited" else source
        window: collections.deque[tuple[list, Future]] = collections.deque()
        stopped = executor is None  # closed, or the workers declined or died: the rest is decided here
        try:
            for part in _chunks(items, chunk):
                future = None if stopped else self._submit(executor, task, spec, part)
                if future is None:
                    stopped = True
                    while window:  # the chunks already out come first: results stay in input order
                        yield from self._results(executor, *window.popleft(), task, registry)
                    yield from (task(registry, item) for item in part)
                    continue
                window.append((part, future))
                if len(window) >= IN_FLIGHT_PER_WORKER * self.workers:
                    stopped |= yield from self._results(executor, *window.popleft(), task, registry)
            while window:
                yield from self._results(executor, *window.popleft(), task, registry)
        finally:  # the caller stopped early (an error, a client gone): drop what has not started
            for _, future in window:
                future.cancel()

    def _results(self, executor: ProcessPoolExecutor, part: list, future: Future, task: Task, registry: Any):
        """The results of one chunk, decided here if its worker declined or died; returns whether it did."""
        try:
            done = future.result(timeout=self.timeout)
        except (BrokenProcessPool, CancelledError, concurrent.futures.TimeoutError):
            # a worker was killed, the pool is closing, or its workers are stuck
            self._discard(executor)  # the next batch starts new workers
            done = None
        if done is None:
            yield from (task(registry, item) for item in part)
            return True
        results, raised = done
        yield from results
        if raised is not None:
            raise raised.rebuild()
        return False

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor, self._loading = None, []
        _stop(executor, grace=0)

    def _running(self) -> ProcessPoolExecutor | None:
        with self._lock:
            return None if self._closed else self._executor or self._executor_locked()

    def _submit(self, executor: ProcessPoolExecutor, task: Task, spec: Files | None, part: list) -> Future | None:
        try:
            return executor.submit(_run, task, spec, part)
        except (BrokenProcessPool, RuntimeError):  # a worker was killed, or the pool was closed meanwhile
            self._discard(executor)
            return None

    def _executor_locked(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self.method)
        if self.method == "forkserver" and self.preload:
            context.set_forkserver_preload(list(self.preload))
        if self.method == "fork":  # a forked worker flushes what it inherited when it exits: print it once
            sys.stdout.flush()
            sys.stderr.flush()
        self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_inherit,
                                             initargs=(self.inherited,))
        return self._executor

    @property
    def started(self) -> bool:
        return self._executor is not None

    def close(self) -> None:
        """Stop the workers: chunks not started are dropped, running ones get `timeout` to finish."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor, grace=self.timeout)

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _stop(executor: ProcessPoolExecutor, grace: float) -> None:
    """Stop `executor`'s workers, killing those still running after `grace` seconds, and let its
    manager thread end even if a killed worker left half a result in the shared pipe (it would wait for
    the rest for ever, and keep the process from exiting). The standard library has no public handle
    on the workers before Python 3.14 (`kill_workers`)."""
    processes = list((executor._processes or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(5)
    if any(p.exitcode is not None and p.exitcode < 0 for p in processes):
        queue = executor._result_queue  # its reader gets end-of-file once this process's writer is closed too
        if queue is not None:
            queue._writer.close()


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while part := list(itertools.islice(items, size)):
        yield part


# --- in a worker process -----------------------------------------------------------------------------

_held: dict[str, Any] = {"registry": None, "key": None}


def _inherit(registry: Any) -> None:
    for_many_cases()  # a forkserver's worker starts with Python's defaults
    if registry is not None:
        _held.update(registry=registry, key=None)
        gc.freeze()  # the registry is never garbage: keep the collector's sweeps (and their page copies) off it


def _registry(files: Files | None) -> Any:
    """The registry for a chunk: the inherited one, or `files` loaded (once per content)."""
    if files is None:
        return _held["registry"]
    if _held["key"] != files.key:
        registry, key = files.load(files.root)
        _held.update(registry=registry, key=key)
        gc.freeze()
    return _held["registry"] if _held["key"] == files.key else None


def _load(files: Files) -> bool:
    return _registry(files) is not None


def _run(task: Task, files: Files | None, part: list) -> tuple[list, "_Raised | None"] | None:
    """One chunk: every item's result up to an exception, if one is raised; None if this worker cannot
    load the caller's rule sets."""
    registry = _registry(files)
    if registry is None:
        return None
    results = []
    for item in part:
        try:
            results.append(task(registry, item))
        except Exception as exc:  # noqa: BLE001 - raised again in the caller, at this item
            return results, _Raised.of(exc)
    return results, None


@dataclass
class _Raised:
    """An exception carried back by value: the engine's errors are dataclasses that pickle cannot
    rebuild from their arguments, and a result that fails to unpickle would break the whole pool."""
    kind: type
    args: tuple
    state: dict
    trace: str

    @classmethod
    def of(cls, exc: Exception) -> "_Raised":
        return cls(type(exc), exc.args, dict(vars(exc)), traceback.format_exc())

    def rebuild(self) -> Exception:
        exc = self.kind.__new__(self.kind, *self.args)
        exc.args = self.args
        vars(exc).update(self.state)
        exc.add_note(f"(in a worker process)\n{self.trace}")
        return exc
