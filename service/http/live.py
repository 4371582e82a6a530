"""The rule sets a running service uses, and how they are replaced while it runs.

A reload loads and checks the whole folder into a new Registry first, and only then swaps the one
reference requests read (`current`). A request reads that reference once, so it sees the old set
or the new one, never a mix. A broken new set is refused with its file and line in the log, and
the old one keeps serving. A reload first compares the folder's content with what serves: when
nothing changed, nothing is loaded (a SIGHUP too many costs a few milliseconds, not a full load).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import gc
import hashlib
import logging
import sys
import threading
import weakref
from pathlib import Path

from decision.pool import Files

from engine.errors import Problem, RegelruimteError
from engine.registry import Registry
from engine.yamlsource import SourceError

log = logging.getLogger("regelruimte.rulesets")


def settle_heap() -> None:
    """Take what is loaded now (rule sets, templates, modules) out of the garbage collector's sweeps.

    A full collection walks every object, and loaded rule sets are some 140,000 of them: about
    100 ms in which no request is answered. Frozen objects are skipped; unfreezing first lets a
    replaced registry be collected once more before the new one is frozen.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# While a reload thread builds the new set, the interpreter hands the GIL to a waiting request after
# this long instead of the default 5 ms: a request needs the GIL a few times, and waited up to 5 ms
# each time behind some 300 ms of loading (docs/decisions/0010-input-limits.md has the figures).
RELOAD_SWITCH_INTERVAL_S = 0.0002


def _load_quietly(root: Path) -> Registry:
    """Load rule sets giving way to requests, and without the collector's full sweeps while they are
    built: loading makes some 140,000 objects, and each automatic sweep of the whole heap holds every
    request up. The heap is settled once afterwards (settle_heap)."""
    enabled = gc.isenabled()
    interval = sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(min(interval, RELOAD_SWITCH_INTERVAL_S))
    try:
        return Registry.load(root)
    finally:
        sys.setswitchinterval(interval)
        if enabled:
            gc.enable()


def fingerprint(root: Path) -> tuple:
    """What changes when a rule-set file is added, removed or edited (cheap: names, sizes, mtimes)."""
    out = []
    for path in sorted(root.rglob("*")):
        try:
            if path.is_file():
                st = path.stat()
                out.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:  # removed while we looked: the next look sees it
            continue
    return tuple(out)


def content_digest(root: Path) -> str:
    """What the rule sets say: a digest over every file's name and bytes (some 70 small files)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        try:
            if not path.is_file():
                continue
            data = path.read_bytes()
        except OSError:  # removed while we looked: it is then not part of the content
            continue
        digest.update(f"{path.relative_to(root)}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def load_checked(root: Path) -> tuple[Registry, str | None]:
    """The rule sets for a worker process (decision.pool.Files), with the digest of the content they
    were loaded from; None if the files changed meanwhile."""
    digest = content_digest(root)
    registry = Registry.load(root)
    return registry, digest if content_digest(root) == digest else None


class LiveRegistry:
    def __init__(self, root: Path, registry: Registry | None = None):
        self.root = Path(root)
        self.digest = content_digest(self.root)  # read before loading: a later edit always reloads
        self.current: Registry = registry if registry is not None else Registry.load(self.root)
        # registry -> the files worker processes load it from (not for a registry given from elsewhere)
        self.sources: weakref.WeakKeyDictionary[Registry, Files] = weakref.WeakKeyDictionary()
        if registry is None:
            self._sourced(self.current, self.digest)
        self.generation = 1
        self.loaded_at = dt.datetime.now(dt.timezone.utc)
        self.last_error: list[Problem] | None = None
        self._lock = threading.Lock()
        self._waiting = False  # a reload is asked for and has not started yet

    def request_reload(self) -> asyncio.Task | None:
        """Reload soon, in a worker thread (from the event loop: SIGHUP). Requests that come while one
        waits join it: three quick SIGHUPs make one reload (or two, if one was already running),
        never three back to back."""
        if self._waiting:
            return None
        self._waiting = True

        loop = asyncio.get_running_loop()

        async def run() -> None:
            done = loop.create_future()

            def work() -> None:  # a thread of its own: the worker pool stays free for requests
                try:
                    self._reload_when_free()
                finally:
                    loop.call_soon_threadsafe(done.set_result, None)
            threading.Thread(target=work, name="regelruimte-reload", daemon=True).start()
            await done
        return loop.create_task(run())

    def _reload_when_free(self) -> None:
        with self._lock:  # wait for a running reload; then this one reads the files as they are now
            self._waiting = False
            self._reload_locked()

    def reload(self) -> bool:
        """Load the folder again; swap it in if it is sound. True if the new set now serves."""
        with self._lock:  # one reload at a time; requests are never blocked by it
            return self._reload_locked()

    def _reload_locked(self) -> bool:
        digest = content_digest(self.root)
        if digest == self.digest:
            log.info("regelsets ongewijzigd; niets herladen (generatie %d)", self.generation)
            return True
        try:
            fresh = _load_quietly(self.root)
        except RegelruimteError as exc:
            self._refuse(exc.problems)
            return False
        except SourceError as exc:
            self._refuse([exc.problem])
            return False
        self._sourced(fresh, digest)
        self.current = fresh
        self.digest = digest
        self.generation += 1
        self.loaded_at = dt.datetime.now(dt.timezone.utc)
        self.last_error = None
        if gc.get_freeze_count():  # a serving process keeps its heap settled (see settle_heap)
            # freeze the new set without a full collection (settle_heap's takes some 120 ms in
            # which no request is answered): the replaced set has no reference cycles, so reference
            # counting frees it even though it was frozen (tests/service/test_live.py checks this)
            gc.freeze()
        log.info("regelsets herladen (generatie %d): %s", self.generation,
                 ", ".join(f"{rid} {rs.versions[-1].version}" for rid, rs in fresh.rulesets.items()))
        return True

    def _sourced(self, registry: Registry, digest: str) -> None:
        if content_digest(self.root) == digest:  # the files still hold what `registry` was loaded from
            self.sources[registry] = Files(self.root, digest, load_checked)

    def _refuse(self, problems: list[Problem]) -> None:
        self.last_error = problems
        log.error("nieuwe regelsets geweigerd; de vorige blijven in gebruik (generatie %d):", self.generation)
        for p in problems:
            log.error("  %s", p.render())

    async def watch(self, interval: float = 1.0) -> None:
        """Reload when the files under the folder change (and have stopped changing)."""
        seen = await asyncio.to_thread(fingerprint, self.root)
        while True:
            await asyncio.sleep(interval)
            now = await asyncio.to_thread(fingerprint, self.root)
            if now == seen:
                continue
            await asyncio.sleep(interval)  # let an editor or `git checkout` finish writing
            settled = await asyncio.to_thread(fingerprint, self.root)
            if settled != now:
                continue
            seen = settled
            await asyncio.to_thread(self.reload)
