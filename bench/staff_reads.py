"""Reads while kiosks draw: staff and display GETs on a quiet server and under concurrent issuance.

Run: .venv/bin/python -m bench.staff_reads [--kiosks 32] [--readers 4] [--seconds 5] [--json F]
The reference is the same GET on the same server in the same run with no kiosk drawing, so the ratio
(under issuance / quiet, lower is better) shows how much the reads wait for the writers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass

import aiohttp

from bench.harness import percentile, run_server, write_results
from bench.issuance import _kiosk

# GETs that read only; each used to take the writer's turn.
PATHS = ("/api/v1/sites/demo/counters", "/api/v1/sites/demo/appointments", "/display/demo")


@dataclass
class ReadFigure:
    """One path's read latency, quiet and under issuance, in milliseconds."""

    path: str
    quiet_p50: float
    quiet_p99: float
    loaded_p50: float
    loaded_p99: float
    loaded_reads: int
    tickets_per_second: float

    @property
    def ratio_p50(self) -> float:
        """Median under issuance over the quiet median."""
        return self.loaded_p50 / self.quiet_p50

    @property
    def ratio_p99(self) -> float:
        """p99 under issuance over the quiet p99."""
        return self.loaded_p99 / self.quiet_p99


async def _reader(
    session: aiohttp.ClientSession, base: str, headers: dict[str, str], offset: int, stop_at: float,
    samples: dict[str, list[float]],
) -> None:
    index = offset
    while time.perf_counter() < stop_at:
        path = PATHS[index % len(PATHS)]
        index += 1
        started = time.perf_counter()
        async with session.get(f"{base}{path}", headers=headers) as response:
            await response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        samples[path].append((time.perf_counter() - started) * 1000)


async def _phase(
    base: str, headers: dict[str, str], readers: int, kiosks: int, seconds: float
) -> tuple[dict[str, list[float]], float]:
    """Readers for `seconds`, with `kiosks` drawing tickets beside them; read samples and tickets/s."""
    connector = aiohttp.TCPConnector(limit=readers + kiosks)
    async with aiohttp.ClientSession(connector=connector) as session:
        samples: dict[str, list[float]] = defaultdict(list)
        tickets: list[float] = []
        numbers: dict[str, list[int]] = defaultdict(list)
        errors: list[str] = []
        stop_at = time.perf_counter() + seconds
        draws = [
            _kiosk(session, f"{base}/api/v1/sites/demo/tickets", i, stop_at, tickets, numbers, errors)
            for i in range(kiosks)
        ]
        reads = [_reader(session, base, headers, i, stop_at, samples) for i in range(readers)]
        await asyncio.gather(*draws, *reads)
        if errors:
            raise RuntimeError(f"issuance failed: {errors[:3]}")
        return samples, len(tickets) / seconds


def run(kiosks: int, readers: int, seconds: float) -> list[ReadFigure]:
    """Measure every path quiet, then under issuance, on one server."""
    with run_server() as server:
        headers = server.clerk
        asyncio.run(_phase(server.url, headers, readers, 0, 1.0))  # warm-up
        quiet, _ = asyncio.run(_phase(server.url, headers, readers, 0, seconds))
        loaded, rate = asyncio.run(_phase(server.url, headers, readers, kiosks, seconds))
    return [
        ReadFigure(
            path=path, quiet_p50=statistics.median(quiet[path]), quiet_p99=percentile(quiet[path], 99),
            loaded_p50=statistics.median(loaded[path]), loaded_p99=percentile(loaded[path], 99),
            loaded_reads=len(loaded[path]), tickets_per_second=rate,
        )
        for path in PATHS
    ]


def main() -> None:
    """Measure and print one line per path."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiosks", type=int, default=32)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", help="also write the results here")
    arguments = parser.parse_args()
    figures = run(arguments.kiosks, arguments.readers, arguments.seconds)
    for f in figures:
        print(
            f"{f.path}: quiet p50 {f.quiet_p50:.1f} ms p99 {f.quiet_p99:.1f} ms | under {arguments.kiosks} kiosks "
            f"({f.tickets_per_second:.0f} tickets/s) p50 {f.loaded_p50:.1f} ms p99 {f.loaded_p99:.1f} ms "
            f"(n={f.loaded_reads}) | ratio p50 {f.ratio_p50:.2f}× p99 {f.ratio_p99:.2f}×"
        )
    write_results(arguments.json, figures)


if __name__ == "__main__":
    main()
