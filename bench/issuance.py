"""Ticket issuance: throughput and latency with 1, 16 and 64 concurrent kiosks, numbers checked for gaps.

Run: .venv/bin/python -m bench.issuance [--kiosks 1 16 64] [--seconds 8] [--database sqlite postgresql]
Each (database, kiosks) pair gets a fresh server; every kiosk draws tickets back to back over keep-alive
HTTP for the given time, spread over the five services without a daily quota. Every answer must be a
201 and, per service, the numbers handed out must be exactly 1..n: no gap, no duplicate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import aiohttp

from bench.harness import KIOSK, percentile, postgres_available, postgres_database, run_server, stop_on_sigterm

# The demo services without a daily quota, so no kiosk is ever refused.
SERVICES = ("anmeldung", "ausweis", "fuehrungszeugnis", "meldebescheinigung", "abholung")
WARM_UP = 20


@dataclass
class IssuanceResult:
    """One (database, kiosks) run."""

    database: str
    kiosks: int
    tickets: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    numbering_ok: bool
    problems: list[str]


def check_numbers(numbers: dict[str, list[int]]) -> list[str]:
    """Every service's serials must be exactly 1..n."""
    problems = []
    for service, serials in numbers.items():
        seen = sorted(serials)
        if seen != list(range(1, len(seen) + 1)):
            duplicates = len(seen) - len(set(seen))
            missing = sorted(set(range(1, max(seen) + 1)) - set(seen))[:5]
            problems.append(f"{service}: {duplicates} duplicates, missing {missing}")
    return problems


async def _kiosk(
    session: aiohttp.ClientSession, url: str, offset: int, stop_at: float, latencies: list[float],
    numbers: dict[str, list[int]], errors: list[str],
) -> None:
    index = offset
    while time.perf_counter() < stop_at:
        service = SERVICES[index % len(SERVICES)]
        index += 1
        started = time.perf_counter()
        async with session.post(url, json={"service": service}, headers=KIOSK) as response:
            body = await response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 201:
            errors.append(f"{response.status}: {body[:200]!r}")
            return
        ticket = json.loads(body)
        numbers[service].append(int(ticket["number"][1:]))


async def _drive(url: str, kiosks: int, seconds: float) -> tuple[list[float], dict[str, list[int]], list[str], float]:
    connector = aiohttp.TCPConnector(limit=kiosks, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        numbers: dict[str, list[int]] = defaultdict(list)
        errors: list[str] = []
        warm: list[float] = []
        # Warm the server's connection pool and caches; these tickets count for numbering only.
        await asyncio.gather(*[_kiosk(session, url, i, time.perf_counter() + 0.3, warm, numbers, errors)
                               for i in range(min(kiosks, WARM_UP))])
        latencies: list[float] = []
        started = time.perf_counter()
        stop_at = started + seconds
        await asyncio.gather(*[_kiosk(session, url, i, stop_at, latencies, numbers, errors) for i in range(kiosks)])
        return latencies, numbers, errors, time.perf_counter() - started


@contextlib.contextmanager
def _database(kind: str) -> Iterator[str | None]:
    if kind == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        yield None


def run_one(database: str, kiosks: int, seconds: float) -> IssuanceResult:
    """Fresh server, `kiosks` concurrent issuers for `seconds`, then the numbering check."""
    with _database(database) as url, run_server(database_url=url) as server:
        latencies, numbers, errors, elapsed = asyncio.run(_drive(server.api("/sites/demo/tickets"), kiosks, seconds))
    problems = errors[:5] + check_numbers(numbers)
    return IssuanceResult(
        database=database,
        kiosks=kiosks,
        tickets=len(latencies),
        seconds=round(elapsed, 2),
        per_second=round(len(latencies) / elapsed, 1),
        p50_ms=round(percentile(latencies, 0.5), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
        max_ms=round(max(latencies, default=float("nan")), 1),
        numbering_ok=not problems,
        problems=problems,
    )


def run(databases: list[str], kiosks: list[int], seconds: float) -> tuple[list[IssuanceResult], list[str]]:
    """Every combination; databases that are not reachable are skipped with a note."""
    results, notes = [], []
    for database in databases:
        if database == "postgresql" and (reason := postgres_available()):
            notes.append(f"PostgreSQL skipped: {reason}")
            continue
        for count in kiosks:
            result = run_one(database, count, seconds)
            print(f"{database:10} {count:3} kiosks: {result.per_second:7.1f} tickets/s  p50 {result.p50_ms:6.1f} ms  "
                  f"p99 {result.p99_ms:6.1f} ms  ({result.tickets} tickets, numbering "
                  f"{'ok' if result.numbering_ok else result.problems})", flush=True)
            results.append(result)
    return results, notes


def main() -> None:
    """Command line."""
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiosks", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results, notes = run(args.database, args.kiosks, args.seconds)
    for note in notes:
        print(note)
    if args.json:
        with open(args.json, "w") as sink:
            json.dump({"results": [asdict(r) for r in results], "notes": notes}, sink, indent=1)


if __name__ == "__main__":
    main()
