"""Many websocket watchers spread over a few client processes, and timed calls that they receive."""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import httpx
import uvloop

from bench.harness import Server, percentile, raise_fd_limit
from bench.wire_watcher import WireWatcher, open_watcher

CONNECT_AT_ONCE = 64
CALLED = b'"type":"ticket.called"'


class _Watchers:
    """The websockets of one client process and what they received."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.live = 0
        self.failed = 0
        self.errors: dict[str, int] = defaultdict(int)
        self.last_message = time.monotonic()
        self.receipts: dict[str, list[float]] = defaultdict(list)
        self.changed = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.open: list[WireWatcher] = []

    def _on_text(self, payload: bytes, now: float) -> None:
        self.last_message = time.monotonic()
        if CALLED in payload:
            self.receipts[json.loads(payload)["data"]["number"]].append(now)
            self.changed.set()

    async def watch(self, url: str, ready: asyncio.Semaphore) -> None:
        """Hold one websocket open, noting when each ticket.called arrives."""
        try:
            watcher = await open_watcher(url, self._on_text)
        except (TimeoutError, ConnectionError, OSError) as error:
            self.failed += 1
            self.errors[type(error).__name__ + ": " + str(error)[:120]] += 1
            ready.release()
            return
        self.open.append(watcher)
        self.live += 1
        ready.release()
        await watcher.closed
        self.live -= 1

    async def connect(self, count: int) -> float:
        """Open websockets until `count` are open here; returns the seconds it took."""
        started = time.perf_counter()
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)
        while len(self.tasks) < min(count, len(self.paths)):
            await gate.acquire()
            self.tasks.append(asyncio.create_task(self.watch(self.paths[len(self.tasks)], gate)))
        for _ in range(CONNECT_AT_ONCE):
            await gate.acquire()  # the last batch has answered
        return time.perf_counter() - started

    async def expect(self, number: str, timeout: float) -> list[float]:
        """Wait until every open websocket got the call of `number`; the receipt times."""
        deadline = time.monotonic() + timeout
        while len(self.receipts[number]) < self.live and time.monotonic() < deadline:
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), max(0.0, deadline - time.monotonic()))
        return self.receipts.pop(number, [])

    async def quiet(self, idle: float, timeout: float) -> None:
        """Wait until no message has arrived for `idle` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() - self.last_message < idle and time.monotonic() < deadline:
            await asyncio.sleep(idle / 4)


async def _serve(pipe: Connection, paths: list[str]) -> None:
    watchers = _Watchers(paths)
    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
    loop.add_reader(pipe.fileno(), lambda: commands.put_nowait(pipe.recv()))
    while True:
        command, *args = await commands.get()
        if command == "connect":
            seconds = await watchers.connect(args[0])
            pipe.send((watchers.live, watchers.failed, seconds, dict(watchers.errors)))
        elif command == "expect":
            pipe.send((await watchers.expect(args[0], args[1]), watchers.live))
        elif command == "quiet":
            await watchers.quiet(args[0], args[1])
            pipe.send(None)
        else:
            for watcher in watchers.open:
                watcher.close()
            for task in watchers.tasks:
                task.cancel()
            await asyncio.gather(*watchers.tasks, return_exceptions=True)
            pipe.send(None)
            return


def _client_main(pipe: Connection, paths: list[str]) -> None:
    raise_fd_limit()
    uvloop.run(_serve(pipe, paths))


@dataclass
class CallTiming:
    """One call-next and when its ticket.called reached the watchers."""

    number: str
    answered_ms: float
    # From sending call-next; the same receipts counted from its answer are `latencies_ms - answered_ms`.
    latencies_ms: list[float]
    missing: int

    @property
    def after_answer_ms(self) -> list[float]:
        """From the call-next answer to each receipt; negative where the watcher had the call first."""
        return [latency - self.answered_ms for latency in self.latencies_ms]

    @property
    def all_reached_ms(self) -> float:
        """From sending call-next to the last watcher having it."""
        return max(self.latencies_ms, default=float("nan"))


# Sends one call and returns the called number; the fleet times it from just before to each receipt.
CallNext = Callable[[httpx.Client], str]


def aufruf_call_next(server: Server) -> tuple[Callable[[httpx.Client], None], CallNext]:
    """Aufruf's call: free one of counters 1-5 (all serve "anmeldung") first, then call-next there."""
    counters = iter(range(1 << 30))
    chosen: list[str] = []

    def prepare(http: httpx.Client) -> None:
        chosen[:] = [str(next(counters) % 5 + 1)]
        http.post(server.api(f"/counters/{chosen[0]}/finish"), headers=server.clerk)

    def call(http: httpx.Client) -> str:
        response = http.post(server.api(f"/counters/{chosen[0]}/call-next"), headers=server.clerk)
        if response.status_code != 200:
            raise RuntimeError(f"call-next answered {response.status_code}: {response.text[:200]}")
        return str(response.json()["number"])

    return prepare, call


@dataclass
class Fleet:
    """Client processes holding the watchers, driven through pipes."""

    prepare: Callable[[httpx.Client], None]
    call_next: CallNext
    pipes: list[Connection] = field(default_factory=list)
    processes: list[Any] = field(default_factory=list)
    live: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def _ask(self, *command: Any, timeout: float = 600) -> list[Any]:
        for pipe in self.pipes:
            pipe.send(command)
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"a watcher process did not answer {command[0]!r} within {timeout:.0f} s")
            answers.append(pipe.recv())
        return answers

    def connect(self, total: int) -> tuple[int, int, float]:
        """Open watchers until `total` are open over all processes; (open, failed, seconds)."""
        share = -(-total // len(self.pipes))
        answers = self._ask("connect", share)
        self.live = sum(a[0] for a in answers)
        self.errors = {k: v for a in answers for k, v in a[3].items()}
        return self.live, sum(a[1] for a in answers), max(a[2] for a in answers)

    def quiet(self, idle: float = 0.15, timeout: float = 60) -> None:
        """Wait until every watcher has stopped receiving."""
        self._ask("quiet", idle, timeout)

    def call(self, http: httpx.Client, timeout: float = 60) -> CallTiming:
        """Prepare (free a counter), let that settle, then time the call to its arrival at every watcher."""
        self.prepare(http)
        self.quiet()
        sent = time.time()
        number = self.call_next(http)
        answered = time.time()
        answers = self._ask("expect", number, timeout)
        receipts = [t for times, _live in answers for t in times]
        live = sum(a[1] for a in answers)
        return CallTiming(
            number=number,
            answered_ms=(answered - sent) * 1000,
            latencies_ms=[(t - sent) * 1000 for t in receipts],
            missing=max(0, live - len(receipts)),
        )

    def close(self) -> None:
        """Close every websocket and end the client processes."""
        with contextlib.suppress(TimeoutError, OSError, EOFError):
            self._ask("close", timeout=60)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)


@contextlib.contextmanager
def fleet(
    server: Server | None, paths: list[str], processes: int = 2, *, base: str = "",
    calls: tuple[Callable[[httpx.Client], None], CallNext] | None = None,
) -> Iterator[Fleet]:
    """Start `processes` client processes that share out the websocket paths (of `server`, or at `base`)."""
    context = multiprocessing.get_context("spawn")
    if server is not None:
        base, calls = server.ws_url, calls or aufruf_call_next(server)
    if calls is None:
        raise ValueError("a fleet without an Aufruf server needs its own calls")
    result = Fleet(prepare=calls[0], call_next=calls[1])
    for index in range(processes):
        parent, child = context.Pipe()
        share = [base + path for path in paths[index::processes]]
        process = context.Process(target=_client_main, args=(child, share), daemon=True)
        process.start()
        result.pipes.append(parent)
        result.processes.append(process)
    try:
        yield result
    finally:
        result.close()


def watcher_paths(tokens: list[str], count: int, status_share: float) -> list[str]:
    """`count` websocket paths: displays, and status pages spread over the given ticket tokens."""
    paths = []
    for index in range(count):
        status_page = tokens and (index % 100) < status_share * 100
        paths.append(f"/ws/tickets/{tokens[index % len(tokens)]}" if status_page else "/ws/sites/demo/display")
    return paths


def summarise(timings: list[CallTiming]) -> dict[str, float]:
    """Percentiles over every (call, watcher) pair and over per-call all-reached times."""
    samples = [latency for timing in timings for latency in timing.latencies_ms]
    after_answer = [latency for timing in timings for latency in timing.after_answer_ms]
    reach = [timing.all_reached_ms for timing in timings]
    return {
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "after_answer_p50_ms": round(percentile(after_answer, 0.5), 1),
        "after_answer_p99_ms": round(percentile(after_answer, 0.99), 1),
        "all_reached_p50_ms": round(percentile(reach, 0.5), 1),
        "all_reached_max_ms": round(max(reach, default=float("nan")), 1),
        "call_answered_p50_ms": round(percentile([t.answered_ms for t in timings], 0.5), 1),
        "missing": sum(t.missing for t in timings),
        "samples": len(samples),
    }
