"""`make bench-service`: latency and throughput of POST /v1/decisions over loopback.

The server is `regelruimte serve` in a subprocess, as it runs in production (uvicorn, one process,
access log on). The load generator is open-loop: request i is sent at start + i/rate whether or not
earlier answers came back, and its latency is counted from that planned moment, so a slow server
cannot hide its queue (no coordinated omission). Every answer must be a 200 with a decision.

Then a closed-loop run with a few connections measures the most the server does per second.

    python benchmarks/bench_service.py [--rate 200] [--duration 30] [--case FILE] [--reload-every 5]

With `--reload-every S` the same open-loop load runs a second time while, every S seconds, a rule-set
file is edited and the server is sent SIGHUP: the latency a real reload costs the requests around it.
The server serves a copy of the rule sets for this; each edit adds a comment line to a file, in turn
the Participatiewet and a local rule set, so that every SIGHUP loads and swaps a changed folder (a
SIGHUP on unchanged files costs nothing: the service compares the folder's content first).

Figures are printed and written to benchmarks/results/service.json. Anchor: the OpenFisca Web API
answers /calculate with a median of 3.4 ms on this kind of machine (../shared/domain/anchors.md),
without any reason in its answer; the target here is p99 <= 10 ms with the full reason.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import signal
import socket
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.examples import WELDING_MASK  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
OPENFISCA_MEDIAN_MS = 3.4
TARGET_P99_MS = 10.0
TARGET_P99_RELOAD_MS = 25.0
KEEP_ALIVE_REUSE_S = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log: Path, rulesets: Path) -> subprocess.Popen:
    out = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--rulesets", str(rulesets)],
                            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped at start; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
                if answer.status == 200:
                    return proc
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not become ready")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to tell the server's own cost from waiting."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(latencies: list[float]) -> dict:
    return {"n": len(latencies), "p50_ms": round(percentile(latencies, 50), 2),
            "p90_ms": round(percentile(latencies, 90), 2), "p99_ms": round(percentile(latencies, 99), 2),
            "max_ms": round(max(latencies), 2), "mean_ms": round(statistics.fmean(latencies), 2)}


class Connection:
    """One keep-alive HTTP/1.1 connection: a few dozen lines instead of a client library, so the load
    generator, on the same two cores, takes as little from the server as it can."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.used = time.monotonic()

    @classmethod
    async def open(cls, port: int) -> "Connection":
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def post(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line[:15].lower() == b"content-length:"), None)
        if length is None:
            raise ConnectionError("answer without Content-Length")
        content = await self.reader.readexactly(length)
        self.used = time.monotonic()
        return status, content

    def stale(self) -> bool:
        # uvicorn closes a keep-alive connection after 5 s without a request; as a browser does, do not reuse one near that
        return time.monotonic() - self.used > KEEP_ALIVE_REUSE_S

    def close(self) -> None:
        self.writer.close()


def post_request(port: int, body: bytes) -> bytes:
    return (f"POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def is_decision(status: int, content: bytes) -> bool:
    return status == 200 and b'"outcome"' in content


async def open_loop(port: int, body: bytes, rate: float, duration: float, max_connections: int = 64) -> dict:
    """Send at a fixed rate; latency from the planned send time to the full answer.

    A request takes an idle connection or opens one (up to `max_connections`); if none is free it
    waits, and the wait counts in its latency."""
    request = post_request(port, body)
    latencies: list[float] = []
    errors: list[str] = []
    idle: collections.deque[Connection] = collections.deque()
    opened = 0
    free = asyncio.Condition()

    async def one(planned: float) -> None:
        nonlocal opened
        async with free:
            while not idle and opened >= max_connections:
                await free.wait()
            while idle and idle[0].stale():  # the oldest lie at the bottom
                idle.popleft().close()
                opened -= 1
            if idle:
                conn = idle.pop()
            else:
                opened += 1
                conn = None
        try:
            if conn is None:
                conn = await Connection.open(port)
            status, content = await conn.post(request)
            done = time.perf_counter()
        except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
            errors.append(type(exc).__name__)
            async with free:
                opened -= 1
                free.notify()
            return
        async with free:
            idle.append(conn)
            free.notify()
        if not is_decision(status, content):
            errors.append(f"status {status}")
            return
        latencies.append((done - planned) * 1000)

    total = int(rate * duration)
    start = time.perf_counter() + 0.05
    tasks = []
    for i in range(total):
        planned = start + i / rate
        delay = planned - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(planned)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    for conn in idle:
        conn.close()
    return {"rate": rate, "duration_s": duration, "sent": total, "ok": len(latencies), "errors": len(errors),
            "error_kinds": sorted(set(errors)), "connections_opened": opened,
            "achieved_per_s": round(len(latencies) / elapsed, 1),
            "latency": summary(latencies) if latencies else None}


async def closed_loop(port: int, body: bytes, connections: int, duration: float) -> dict:
    """As many requests as the server takes, `connections` at a time: its capacity."""
    request = post_request(port, body)
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal errors
        conn = await Connection.open(port)
        try:
            while time.perf_counter() < stop:
                sent = time.perf_counter()
                status, content = await conn.post(request)
                if is_decision(status, content):
                    latencies.append((time.perf_counter() - sent) * 1000)
                else:
                    errors += 1
        finally:
            conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    return {"connections": connections, "duration_s": duration, "ok": len(latencies), "errors": errors,
            "throughput_per_s": round(len(latencies) / elapsed, 1), "latency": summary(latencies)}


def run(coroutine):
    """The client on uvloop where it is installed, as the server is: less of the two cores for the client."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# The files edited before each SIGHUP, in turn: the largest rule set and a local one.
EDITED = ("participatiewet/2024-01-01/recht_op_bijstand.yaml", "local/zaanstad/2024-01-01/bijzondere_bijstand.yaml")


def generation(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
        return json.loads(answer.read())["generation"]


async def reloading(pid: int, rulesets: Path, every: float, duration: float) -> int:
    """Every `every` seconds for `duration` seconds: edit a rule-set file, then SIGHUP; how many were sent."""
    sent, end = 0, time.monotonic() + duration
    while time.monotonic() + every < end:
        await asyncio.sleep(every)
        with open(rulesets / EDITED[sent % len(EDITED)], "a", encoding="utf-8") as f:
            f.write(f"# bench reload {sent}\n")
        os.kill(pid, signal.SIGHUP)
        sent += 1
    return sent


async def open_loop_with_reloads(port: int, pid: int, rulesets: Path, body: bytes, rate: float, duration: float,
                                 every: float) -> dict:
    before = await asyncio.to_thread(generation, port)
    load, reloads = await asyncio.gather(open_loop(port, body, rate, duration), reloading(pid, rulesets, every, duration))
    await asyncio.sleep(2)  # let the last reload finish
    load["reloads"] = reloads
    load["reloads_done"] = await asyncio.to_thread(generation, port) - before  # swapped in, as /readyz counts them
    return load


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=200, help="requests per second (open loop)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of open-loop load")
    parser.add_argument("--capacity-seconds", type=float, default=10, help="seconds of closed-loop load")
    parser.add_argument("--case", type=Path, help="a case as JSON (default: the welding mask)")
    parser.add_argument("--reload-every", type=float, default=5, metavar="S",
                        help="then the same load with a rule-set reload (SIGHUP) every S seconds; 0: not")
    args = parser.parse_args()

    body = (args.case.read_bytes() if args.case else json.dumps(WELDING_MASK).encode())
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    before = machine()
    scratch = Path(tempfile.mkdtemp(prefix="bench-rulesets-"))
    rulesets = scratch / "rulesets"
    shutil.copytree(ROOT / "rulesets", rulesets)
    proc = start_server(port, RESULTS / "service-server.log", rulesets)
    try:
        run(open_loop(port, body, rate=100, duration=2))  # warm-up: imports, caches, connections
        cpu = cpu_seconds(proc.pid)
        load = run(open_loop(port, body, args.rate, args.duration))
        load["server_cpu_ms_per_request"] = round((cpu_seconds(proc.pid) - cpu) * 1000 / max(load["ok"], 1), 3)
        reloads = (run(open_loop_with_reloads(port, proc.pid, rulesets, body, args.rate, args.duration, args.reload_every))
                   if args.reload_every > 0 else None)
        capacity = run(closed_loop(port, body, connections=4, duration=args.capacity_seconds))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"machine_before": before, "machine_after": machine(), "open_loop": load,
              "open_loop_with_reloads": reloads, "capacity": capacity, "target_p99_with_reloads_ms": TARGET_P99_RELOAD_MS,
              "anchor_openfisca_calculate_median_ms": OPENFISCA_MEDIAN_MS, "target_p99_ms": TARGET_P99_MS}
    (RESULTS / "service.json").write_text(json.dumps(result, indent=2) + "\n")

    lat = load["latency"] or {}
    print(f"machine: {before['cpus']} cpus, python {before['python']}, load average {before['load_average']}")
    print(f"POST /v1/decisions, welding-mask case, open loop {args.rate:.0f}/s for {args.duration:.0f} s "
          f"(uvicorn, one process, loopback):")
    print(f"  sent {load['sent']}, ok {load['ok']}, errors {load['errors']} {load['error_kinds'] or ''}")
    if lat:
        print(f"  latency p50 {lat['p50_ms']} ms, p90 {lat['p90_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms")
        print(f"  achieved {load['achieved_per_s']} decisions/s; server CPU "
              f"{load['server_cpu_ms_per_request']} ms per decision (parse, decide, explain, JSON, HTTP)")
    if reloads is not None:
        rl = reloads["latency"] or {}
        print(f"the same load with a rule-set edit and reload (SIGHUP) every {args.reload_every:.0f} s "
              f"({reloads['reloads']} sent, {reloads['reloads_done']} swapped in): sent {reloads['sent']}, ok {reloads['ok']}, errors {reloads['errors']}")
        if rl:
            print(f"  latency p50 {rl['p50_ms']} ms, p90 {rl['p90_ms']} ms, p99 {rl['p99_ms']} ms, max {rl['max_ms']} ms; "
                  f"target p99 <= {TARGET_P99_RELOAD_MS} ms: {'met' if rl['p99_ms'] <= TARGET_P99_RELOAD_MS else 'NOT met'}")
    cl = capacity["latency"]
    print(f"capacity, closed loop with {capacity['connections']} connections for {args.capacity_seconds:.0f} s: "
          f"{capacity['throughput_per_s']} decisions/s (p50 {cl['p50_ms']} ms, p99 {cl['p99_ms']} ms), "
          f"errors {capacity['errors']}")
    if lat:
        print(f"anchor: OpenFisca Web API /calculate median {OPENFISCA_MEDIAN_MS} ms (amounts only, no reasons); "
              f"here median {lat['p50_ms']} ms with blocking rules, routes, missing facts and the Dutch explanation")
        met = lat["p99_ms"] <= TARGET_P99_MS and load["errors"] == 0
        print(f"target p99 <= {TARGET_P99_MS} ms with zero errors: {'met' if met else 'NOT met'}")
    print(f"details: {RESULTS / 'service.json'}")
    return 0 if load["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
