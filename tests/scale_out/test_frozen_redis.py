"""A frozen Redis (SIGSTOP: sockets open, no answers) must not hold up a single request, across workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.api import ApiClient
from tests.scale_out.test_postgres_redis import SECRET, Watcher
from tests.support.live_server import free_port
from tests.support.postgres import fresh_database
from tests.support.redis_server import RedisProcess

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3



@pytest.fixture
def workers(redis_server: RedisProcess) -> Iterator[str]:
    """`aufruf serve` with several workers on PostgreSQL and the private Redis; yields its URL."""
    port = free_port()
    with fresh_database() as database_url:
        environment = {
            **os.environ, "AUFRUF_DEMO": "1", "AUFRUF_SECRET_KEY": SECRET, "AUFRUF_DATABASE_URL": database_url,
            "AUFRUF_BROADCAST_URL": redis_server.url, "AUFRUF_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "aufruf", "serve", "--workers", str(WORKERS), "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True,
        )
        assert server.stderr is not None
        try:
            started = 0
            for line in server.stderr:
                started += "Application startup complete" in line
                if started == WORKERS:
                    break
            threading.Thread(target=server.stderr.read, daemon=True).start()
            yield f"http://127.0.0.1:{port}"
        finally:
            redis_server.thaw()
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)


def _until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def _bus(url: str) -> dict[str, Any]:
    # A fresh connection each time, so the answer may come from any worker.
    return dict(httpx.get(f"{url}/api/v1/health", timeout=5).json()["bus"])


def test_draws_and_calls_go_on_while_redis_is_frozen(workers: str, redis_server: RedisProcess) -> None:
    url = workers
    watchers = [Watcher(url) for _ in range(6)]
    try:
        _until(lambda: all(_bus(url)["state"] == "ok" for _ in range(2 * WORKERS)))
        redis_server.freeze()

        def draw(index: int) -> str:
            # The kiosk's own time-out: an answer later than this counts as lost at the kiosk.
            kiosk = ApiClient(url, token="demo-kiosk", timeout=5)
            try:
                return kiosk.draw_ticket("demo", "anmeldung", language="de", idempotency_key=f"frozen-{index}").number
            finally:
                kiosk.close()

        with ThreadPoolExecutor(4) as pool:
            numbers = list(pool.map(draw, range(12)))
        assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 13)]

        clerk = ApiClient(url, timeout=5)
        clerk.login("clerk1", "demo")
        called = clerk.call_next("3")
        assert called is not None and called.number in numbers

        # Every display, whichever worker holds it, learns of every ticket from the event log.
        for watcher in watchers:
            seen: set[str] = set()
            while seen != set(numbers):
                event = watcher.next_of("ticket.created")
                seen.add(event["data"]["number"])
            assert watcher.next_of("ticket.called", called.number)["data"]["counter"] == "3"

        _until(lambda: _bus(url)["state"] == "degraded")
        redis_server.thaw()
        _until(lambda: all(_bus(url)["state"] == "ok" for _ in range(2 * WORKERS)))
    finally:
        for watcher in watchers:
            watcher.stream.stop()
