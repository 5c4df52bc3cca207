"""A private Redis server on a free loopback port, so tests can stop and restart it."""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import redis

from tests.support.live_server import free_port


@dataclass
class RedisProcess:
    """A redis-server child process that can be stopped and started again on the same port."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URL clients use."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers."""
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:  # redis-server logs readiness on stdout
            if b"Ready to accept connections" in line:
                break
        # Keep draining its log so a full pipe never blocks the server.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        redis.Redis(port=self.port).ping()

    def freeze(self) -> None:
        """SIGSTOP the server: its sockets stay open and it answers nothing, like a hung host."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """Let a frozen server run on."""
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@contextmanager
def private_redis() -> Iterator[RedisProcess]:
    """A running private Redis, stopped at the end."""
    server = RedisProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()
