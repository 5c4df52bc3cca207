"""Call-to-display latency: call-next sent until its ticket.called arrives at each connected watcher.

Run: .venv/bin/python -m bench.call_latency [--watchers 100 1000 2000 5000] [--calls 20]
     .venv/bin/python -m bench.call_latency --workers 3 --redis      (the same over Redis with 3 workers)
Watchers are display websockets and, for a quarter of them, citizens' status-page websockets, held by
two client processes. Before each call the counter is freed and the bench waits until the watchers are
quiet, so a sample measures one call. Latency runs from just before call-next is sent (so it includes
the request itself) to the receipt in the client process; p50/p99 are over every (call, watcher) pair.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from bench.harness import REDIS_URL, draw, raise_fd_limit, redis_available, run_server, stop_on_sigterm
from bench.watchers import fleet, summarise, watcher_paths

STATUS_SHARE = 0.25
WAITING = 60


@dataclass
class LatencyResult:
    """One watcher count."""

    watchers: int
    workers: int
    broadcast: str
    connect_seconds: float
    failed: int
    figures: dict[str, float]


def run(sizes: list[int], calls: int, workers: int = 1, redis: bool = False) -> list[LatencyResult]:
    """Grow one server's watchers through `sizes`, timing `calls` calls at each."""
    raise_fd_limit()
    results = []
    broadcast = REDIS_URL if redis else "memory://"
    with run_server(workers=workers, broadcast_url=broadcast) as server, httpx.Client(timeout=60) as http:
        tokens = [str(draw(server)["token"]) for _ in range(WAITING)]
        for _ in range(calls * len(sizes) + 8 - WAITING):
            draw(server)  # enough waiting tickets for every call
        paths = watcher_paths(tokens, max(sizes), STATUS_SHARE)
        with fleet(server, paths) as watchers:
            for size in sizes:
                live, failed, seconds = watchers.connect(size)
                watchers.quiet()
                timings = [watchers.call(http) for _ in range(calls)]
                result = LatencyResult(
                    watchers=live, workers=workers, broadcast=broadcast.split(":", 1)[0],
                    connect_seconds=round(seconds, 1), failed=failed, figures=summarise(timings),
                )
                print(f"{live:6} watchers ({workers} worker(s), {result.broadcast}): {result.figures}  "
                      f"connected in {result.connect_seconds} s, {failed} failed {watchers.errors}", flush=True)
                results.append(result)
    return results


def main() -> None:
    """Command line."""
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watchers", type=int, nargs="+", default=[100, 1000, 2000, 5000])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", action="store_true", help="broadcast over Redis (needed for several workers)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if args.redis and (reason := redis_available()):
        print(f"skipped: {reason}")
        return
    results = run(sorted(args.watchers), args.calls, args.workers, args.redis)
    if args.json:
        payload: dict[str, Any] = {"results": [asdict(r) for r in results]}
        with open(args.json, "w") as sink:
            json.dump(payload, sink, indent=1)


if __name__ == "__main__":
    main()
