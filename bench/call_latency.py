"""Call-to-display latency: call-next sent until its ticket.called arrives at each connected watcher.

Run: .venv/bin/python -m bench.call_latency [--watchers 100 1000 2000 5000] [--calls 20]
     .venv/bin/python -m bench.call_latency --workers 3 --redis      (the same over Redis with 3 workers)
Watchers are display websockets and, for a quarter of them, citizens' status-page websockets, held by
two client processes. Before each call the counter is freed and the bench waits until the watchers are
quiet, so a sample measures one call. Latency runs from just before call-next is sent (so it includes
the request itself) to the receipt in the client process; p50/p99 are over every (call, watcher) pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bench.harness import (
    REDIS_URL,
    draw,
    raise_fd_limit,
    redis_available,
    run_server,
    stop_on_sigterm,
    watcher_arguments,
    write_results,
)
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
    args = watcher_arguments(__doc__, sizes="watchers", default_sizes=[100, 1000, 2000, 5000], calls=20)
    if args.redis and (reason := redis_available()):
        print(f"skipped: {reason}")
        return
    write_results(args.json, run(sorted(args.watchers), args.calls, args.workers, args.redis))


if __name__ == "__main__":
    main()
