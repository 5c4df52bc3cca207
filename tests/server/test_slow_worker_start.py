"""Several workers on a loaded host: a worker still importing is waited for, not killed by the supervisor."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.support.live_server import free_port
from tests.support.redis_server import private_redis

ROOT = Path(__file__).resolve().parents[2]
# Runs at the start of every Python process on this path; only uvicorn's spawned workers are slowed,
# by more than uvicorn's default 5 s health-check, the way imports crawl on an overloaded machine.
SLOW_START = """
import sys, time
if "--multiprocessing-fork" in sys.argv:
    time.sleep(8)
"""


def test_workers_that_start_slowly_are_not_killed(tmp_path: Path) -> None:
    (tmp_path / "slow").mkdir()
    (tmp_path / "slow" / "sitecustomize.py").write_text(SLOW_START)
    port = free_port()
    with private_redis() as redis_server:
        environment = {
            **os.environ, "PYTHONPATH": f"{tmp_path / 'slow'}{os.pathsep}{ROOT}", "AUFRUF_DEMO": "1",
            "AUFRUF_SECRET_KEY": "slow-start-test-secret-0123456789-abcdefghij",
            "AUFRUF_DATABASE_URL": f"sqlite:///{tmp_path / 'aufruf.db'}", "AUFRUF_BROADCAST_URL": redis_server.url,
            "AUFRUF_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "aufruf", "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True,
        )
        assert server.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in server.stderr or []], daemon=True).start()
        seen: list[str] = []
        try:
            deadline = time.monotonic() + 90
            while sum("Application startup complete" in line for line in seen) < 2:
                assert time.monotonic() < deadline, "".join(seen[-20:])
                seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            assert httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10).json()["status"] == "ok"
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
        assert not [line for line in seen if "died" in line or "Terminated child" in line], "".join(seen)
