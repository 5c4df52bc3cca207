"""Aufruf against its bare references, side by side in one run: every figure as a ratio.

Run: .venv/bin/python -m bench.compare [--kiosks 64] [--seconds 6] [--displays 1000] [--calls 10] [--json F]
References (see bench/reference_tickets.py and bench/reference_ws.py): a raw-ASGI group-commit SQLite
ticket server on uvicorn, and the `websockets` library's server with `broadcast()`. The same clients
drive both: aiohttp kiosks for issuance, the raw-socket watchers of bench/watchers.py for websockets.

- issuance: `kiosks` concurrent issuers for `seconds`; tickets/s and p99; ratio = Aufruf / reference.
- call-next: median of single call-next requests with `waiting` tickets waiting and nobody watching,
  against the reference's durable `POST /call`; ratio = Aufruf / reference (lower is better).
- connects: seconds to open `displays` display websockets (snapshot received); ratio = reference / Aufruf.
- call-to-screen: p99 from sending the call until each display has it; ratio = Aufruf / reference.
- memory: RSS growth per idle websocket (KiB); ratio = Aufruf / reference.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from bench.harness import (
    draw,
    percentile,
    raise_fd_limit,
    run_reference,
    run_server,
    stop_on_sigterm,
)
from bench.issuance import _drive, check_numbers
from bench.watchers import fleet

SETTLE_SECONDS = 2.0
DISPLAY = "/ws/sites/demo/display"


@dataclass
class Side:
    """What one server (Aufruf or its reference) measured."""

    value: float
    detail: dict[str, float]


@dataclass
class Figure:
    """One compared figure: both sides, the unit, and the ratio (always 'Aufruf as a share of the reference'
    for throughput, 'Aufruf over the reference' for costs; `higher_is_better` says which)."""

    name: str
    unit: str
    aufruf: Side
    reference: Side
    ratio: float
    higher_is_better: bool


def _issue(url: str, kiosks: int, seconds: float) -> Side:
    latencies, numbers, errors, elapsed = asyncio.run(_drive(url, kiosks, seconds))
    problems = errors[:3] + check_numbers(numbers)
    if problems:
        raise RuntimeError(f"issuance at {url} went wrong: {problems}")
    return Side(value=round(len(latencies) / elapsed, 1),
                detail={"p50_ms": round(percentile(latencies, 0.5), 1),
                        "p99_ms": round(percentile(latencies, 0.99), 1), "tickets": len(latencies)})


def issuance(kiosks: int, seconds: float) -> Figure:
    """Durable tickets per second at `kiosks` concurrent issuers, SQLite on both sides."""
    with run_server() as server:
        ours = _issue(server.api("/sites/demo/tickets"), kiosks, seconds)
    with run_reference("bench.reference_tickets", "--database", "{folder}/reference.db") as reference:
        theirs = _issue(reference.url + "/tickets", kiosks, seconds)
    return Figure(f"durable tickets/s, {kiosks} kiosks, SQLite", "tickets/s", ours, theirs,
                  round(ours.value / theirs.value, 3), True)


def _median_ms(http: httpx.Client, send: Any, repeats: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        send(http)
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2), samples


def call_next(waiting: int, repeats: int) -> Figure:
    """Single call-next requests on a quiet server with `waiting` tickets waiting."""
    with run_server() as server, httpx.Client(timeout=60) as http:
        for _ in range(waiting + repeats):
            draw(server)

        def aufruf_call(client: httpx.Client) -> None:
            client.post(server.api("/counters/1/finish"), headers=server.clerk)  # not timed below
            started = time.perf_counter()
            response = client.post(server.api("/counters/1/call-next"), headers=server.clerk)
            timed.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()

        timed: list[float] = []
        for _ in range(repeats):
            aufruf_call(http)
        ours = Side(value=round(statistics.median(timed), 2), detail={"waiting": waiting, "repeats": repeats})
    with run_reference("bench.reference_tickets", "--database", "{folder}/reference.db") as reference, \
            httpx.Client(timeout=60) as http:
        for _ in range(waiting + repeats):
            http.post(reference.url + "/tickets", json={"service": "anmeldung"}).raise_for_status()
        median, _samples = _median_ms(http, lambda c: c.post(reference.url + "/call").raise_for_status(), repeats)
        theirs = Side(value=median, detail={"waiting": waiting, "repeats": repeats})
    return Figure(f"call-next p50, {waiting} waiting", "ms", ours, theirs, round(ours.value / theirs.value, 2), False)


def _websockets(server: Any, reference: Any, displays: int, calls: int) -> dict[str, Side]:
    """Connect, memory and call-to-screen on one server; `reference` picks the reference's trigger."""
    http = httpx.Client(timeout=60)
    if reference is not None:
        numbers = iter(range(1, 1 << 30))

        def trigger(client: httpx.Client) -> str:
            answer = client.get(reference.url + "/call", params={"number": f"A{next(numbers)}"})
            return str(answer.json()["number"])

        triggers = (lambda _client: None, trigger)
        context = fleet(None, [DISPLAY] * displays, base=reference.ws_url, calls=triggers)
        target = reference
    else:
        context = fleet(server, [DISPLAY] * displays)
        target = server
    with http, context as watchers:
        watchers.quiet()
        time.sleep(SETTLE_SECONDS)
        idle = target.rss_mib()
        live, failed, seconds = watchers.connect(displays)
        watchers.quiet()
        time.sleep(SETTLE_SECONDS)
        loaded = target.rss_mib()
        timings = [watchers.call(http) for _ in range(calls)]
    samples = [latency for timing in timings for latency in timing.latencies_ms]
    missing = sum(t.missing for t in timings)
    return {
        "connect": Side(value=round(seconds, 3), detail={"open": live, "failed": failed}),
        "memory": Side(value=round((loaded - idle) * 1024 / max(live, 1), 2),
                       detail={"idle_rss_mib": round(idle, 1), "loaded_rss_mib": round(loaded, 1)}),
        "screen": Side(value=round(percentile(samples, 0.99), 1),
                       detail={"p50_ms": round(percentile(samples, 0.5), 1), "missing": missing,
                               "samples": len(samples)}),
    }


def websockets(displays: int, calls: int) -> list[Figure]:
    """Connect time, idle memory and call-to-screen p99 with `displays` display websockets."""
    raise_fd_limit()
    with run_server() as server:
        for _ in range(calls + 5):
            draw(server)
        ours = _websockets(server, None, displays, calls)
    with run_reference("bench.reference_ws") as reference:
        theirs = _websockets(None, reference, displays, calls)
    return [
        Figure(f"{displays} websocket connects", "s", ours["connect"], theirs["connect"],
               round(theirs["connect"].value / ours["connect"].value, 3), True),
        Figure(f"call-to-screen p99, {displays} displays", "ms", ours["screen"], theirs["screen"],
               round(ours["screen"].value / theirs["screen"].value, 2), False),
        Figure("idle memory per websocket", "KiB", ours["memory"], theirs["memory"],
               round(ours["memory"].value / theirs["memory"].value, 2), False),
        Figure("idle server RSS", "MiB", Side(ours["memory"].detail["idle_rss_mib"], {}),
               Side(theirs["memory"].detail["idle_rss_mib"], {}),
               round(ours["memory"].detail["idle_rss_mib"] / theirs["memory"].detail["idle_rss_mib"], 2), False),
    ]


def run(kiosks: int, seconds: float, waiting: int, repeats: int, displays: int, calls: int) -> list[Figure]:
    """Every compared figure, printed as it is measured."""
    figures = [issuance(kiosks, seconds), call_next(waiting, repeats), *websockets(displays, calls)]
    for figure in figures:
        print(f"{figure.name:40} Aufruf {figure.aufruf.value:>9} {figure.unit:9} reference "
              f"{figure.reference.value:>9}  ratio {figure.ratio}  {figure.aufruf.detail} / {figure.reference.detail}",
              flush=True)
    return figures


def main() -> None:
    """Command line."""
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiosks", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--waiting", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--displays", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    figures = run(args.kiosks, args.seconds, args.waiting, args.repeats, args.displays, args.calls)
    if args.json:
        with open(args.json, "w") as sink:
            json.dump({"figures": [asdict(f) for f in figures]}, sink, indent=1)


if __name__ == "__main__":
    main()
