"""Idle websockets: server memory per connection, and the time one call takes to reach all of them.

Run: .venv/bin/python -m bench.fanout [--steps 0 1000 2500 5000 10000] [--calls 3]
     .venv/bin/python -m bench.fanout --workers 3 --redis    (several workers sharing events over Redis)
One server; display websockets are opened in steps. At each step, once every watcher has its snapshot
and the server is idle, the bench reads VmRSS of the server process(es) from /proc, then times
`--calls` call-next requests from sending until the ticket.called event is at the last watcher.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from bench.harness import (
    REDIS_URL,
    draw,
    percentile,
    raise_fd_limit,
    redis_available,
    run_server,
    stop_on_sigterm,
    watcher_arguments,
    write_results,
)
from bench.watchers import fleet

SETTLE_SECONDS = 2.0


@dataclass
class FanoutStep:
    """One step: how many watchers, the memory, and the time to reach them all."""

    watchers: int
    workers: int
    broadcast: str
    rss_mib: float
    connect_seconds: float
    failed: int
    all_reached_ms: list[float]
    p99_ms: float


def run(steps: list[int], calls: int, workers: int = 1, redis: bool = False) -> list[FanoutStep]:
    """Grow one server's idle display watchers through `steps`."""
    raise_fd_limit()
    broadcast = REDIS_URL if redis else "memory://"
    results = []
    with run_server(workers=workers, broadcast_url=broadcast) as server, httpx.Client(timeout=60) as http:
        for _ in range(calls * len(steps) + 5):
            draw(server)
        paths = ["/ws/sites/demo/display"] * max(steps)
        with fleet(server, paths) as watchers:
            for step in steps:
                live, failed, seconds = watchers.connect(step) if step else (0, 0, 0.0)
                watchers.quiet()
                time.sleep(SETTLE_SECONDS)
                rss = server.rss_mib()
                timings = [watchers.call(http) for _ in range(calls)] if live else []
                samples = [latency for timing in timings for latency in timing.latencies_ms]
                result = FanoutStep(
                    watchers=live, workers=workers, broadcast=broadcast.split(":", 1)[0], rss_mib=round(rss, 1),
                    connect_seconds=round(seconds, 1), failed=failed,
                    all_reached_ms=[round(t.all_reached_ms, 1) for t in timings],
                    p99_ms=round(percentile(samples, 0.99), 1),
                )
                print(f"{live:6} watchers: RSS {result.rss_mib:7.1f} MiB, all reached in {result.all_reached_ms} ms "
                      f"(p99 {result.p99_ms} ms), connected in {result.connect_seconds} s, {failed} failed "
                      f"{watchers.errors}", flush=True)
                results.append(result)
    return results


def per_connection_kib(steps: list[FanoutStep]) -> float:
    """Least-squares slope of RSS over watchers, in KiB per connection."""
    points = [(s.watchers, s.rss_mib * 1024) for s in steps]
    if len(points) < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else float("nan")


def main() -> None:
    """Command line."""
    stop_on_sigterm()
    args = watcher_arguments(__doc__, sizes="steps", default_sizes=[0, 1000, 2500, 5000, 10000], calls=3)
    if args.redis and (reason := redis_available()):
        print(f"skipped: {reason}")
        return
    results = run(sorted(args.steps), args.calls, args.workers, args.redis)
    print(f"server memory per idle websocket: {per_connection_kib(results):.1f} KiB")
    write_results(args.json, results)


if __name__ == "__main__":
    main()
