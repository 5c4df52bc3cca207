"""Draws while Redis is frozen: kiosks drawing against several workers, first with Redis live, then SIGSTOP'd.

A frozen Redis keeps its sockets open and answers nothing, the worst case for a publisher. Each phase
reports draws per second, p50/p99/max latency and how many draws took longer than a kiosk's 5 s
timeout; a call-next is timed in each phase as well. PostgreSQL on 127.0.0.1:5432 and the
`redis-server` binary are needed (a private Redis on a free port, so freezing it harms nobody).

    .venv/bin/python -m bench.frozen_redis --workers 3 --kiosks 8 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import aiohttp
import httpx

from bench.harness import KIOSK, Server, free_port, machine, percentile, postgres_database, run_server

SERVICES = ["anmeldung", "ausweis", "meldebescheinigung", "abholung"]
KIOSK_TIMEOUT_MS = 5000


@dataclass
class Phase:
    """One phase's figures."""

    redis: str
    draws: int
    per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    beyond_kiosk_timeout: int
    call_next_max_ms: float
    failed: int


@contextlib.contextmanager
def private_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server child on a free port."""
    port = free_port()
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


async def _kiosk(session: aiohttp.ClientSession, url: str, offset: int, stop_at: float,
                 latencies: list[float], failures: list[str]) -> None:
    index = offset
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        try:
            async with session.post(url, json={"service": SERVICES[index % len(SERVICES)]}, headers=KIOSK) as reply:
                await reply.read()
                ok = reply.status == 201
        except (aiohttp.ClientError, TimeoutError) as error:
            ok, reply = False, None
            failures.append(type(error).__name__)
        latencies.append((time.perf_counter() - started) * 1000)
        if not ok and reply is not None:
            failures.append(str(reply.status))
        index += 1


async def _drive(url: str, kiosks: int, seconds: float) -> tuple[list[float], list[str], float]:
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=kiosks)) as session:
        latencies: list[float] = []
        failures: list[str] = []
        started = time.perf_counter()
        await asyncio.gather(*[
            _kiosk(session, url, i, started + seconds, latencies, failures) for i in range(kiosks)
        ])
        return latencies, failures, time.perf_counter() - started


def _call_next_ms(server: Server, calls: int = 5) -> float:
    """The slowest of a few call-nexts at counter 1 (each after finishing the one before)."""
    slowest = 0.0
    for _ in range(calls):
        httpx.post(server.api("/counters/1/finish"), headers=server.clerk, timeout=120)
        started = time.perf_counter()
        reply = httpx.post(server.api("/counters/1/call-next"), headers=server.clerk, timeout=120)
        slowest = max(slowest, time.perf_counter() - started)
        if reply.status_code != 200:
            raise RuntimeError(f"call-next answered {reply.status_code}: {reply.text[:200]}")
    return round(slowest * 1000, 1)


def _phase(server: Server, redis: str, kiosks: int, seconds: float) -> Phase:
    latencies, failures, elapsed = asyncio.run(_drive(server.api("/sites/demo/tickets"), kiosks, seconds))
    call_ms = _call_next_ms(server)
    phase = Phase(
        redis=redis, draws=len(latencies), per_second=round(len(latencies) / elapsed, 1),
        p50_ms=round(percentile(latencies, 0.5), 1), p99_ms=round(percentile(latencies, 0.99), 1),
        max_ms=round(max(latencies, default=float("nan")), 1),
        beyond_kiosk_timeout=sum(1 for latency in latencies if latency > KIOSK_TIMEOUT_MS),
        call_next_max_ms=call_ms, failed=len(failures),
    )
    print(f"Redis {redis:7}: {phase.per_second:6.1f} draws/s  p50 {phase.p50_ms:7.1f} ms  p99 {phase.p99_ms:7.1f} ms  "
          f"max {phase.max_ms:7.1f} ms  >5 s: {phase.beyond_kiosk_timeout}  call-next max {call_ms} ms  "
          f"failed {phase.failed} {dict(Counter(failures))}", flush=True)
    return phase


def main() -> None:
    """Run both phases and print (and optionally write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", help="also write the results here")
    options = parser.parse_args()
    with (
        private_redis() as (redis_url, redis_process),
        postgres_database() as database_url,
        run_server(database_url=database_url, workers=options.workers, broadcast_url=redis_url) as server,
    ):
        phases = [_phase(server, "live", options.kiosks, options.seconds)]
        redis_process.send_signal(signal.SIGSTOP)
        try:
            phases.append(_phase(server, "frozen", options.kiosks, options.seconds))
            health = httpx.get(server.api("/health"), timeout=30).json()
            print(f"/health while frozen: {health.get('bus', '(no bus report)')}")
        finally:
            redis_process.send_signal(signal.SIGCONT)
    if options.json:
        report = {"machine": machine(), "workers": options.workers, "kiosks": options.kiosks,
                  "phases": [asdict(p) for p in phases]}
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)


if __name__ == "__main__":
    main()
