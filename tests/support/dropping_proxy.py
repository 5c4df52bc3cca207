"""A loopback TCP proxy that can lose the answers to chosen requests: the request arrives, the reply does not."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from tests.support.live_server import free_port


@dataclass
class DroppingProxy:
    """Forwards every byte; for requests starting with `drop_prefix` it waits for the reply, then cuts the line."""

    upstream_port: int
    port: int = field(default_factory=free_port)
    drop_prefix: bytes = b""
    drops_left: int = 0
    dropped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _listener: socket.socket | None = None

    @property
    def url(self) -> str:
        """What clients use instead of the server's URL."""
        return f"http://127.0.0.1:{self.port}"

    def drop_answers(self, prefix: bytes, count: int) -> None:
        """Lose the answers to the next `count` requests whose first bytes are `prefix`."""
        with self._lock:
            self.drop_prefix, self.drops_left = prefix, count

    def serve(self) -> None:
        """Accept connections until closed."""
        listener = socket.create_server(("127.0.0.1", self.port))
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        """Stop accepting."""
        if self._listener is not None:
            self._listener.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            doomed = threading.Event()
            threading.Thread(target=self._up, args=(client, upstream, doomed), daemon=True).start()
            threading.Thread(target=self._down, args=(upstream, client, doomed), daemon=True).start()

    def _up(self, client: socket.socket, upstream: socket.socket, doomed: threading.Event) -> None:
        try:
            while chunk := client.recv(65536):
                with self._lock:
                    if self.drops_left > 0 and self.drop_prefix and chunk.startswith(self.drop_prefix):
                        self.drops_left -= 1
                        doomed.set()
                upstream.sendall(chunk)
        except OSError:
            pass
        finally:
            _shut(upstream)

    def _down(self, upstream: socket.socket, client: socket.socket, doomed: threading.Event) -> None:
        try:
            while chunk := upstream.recv(65536):
                if doomed.is_set():
                    # The server has answered, so the work is done; the client never hears of it.
                    with self._lock:
                        self.dropped += 1
                    break
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            _shut(client)
            _shut(upstream)


def _shut(connection: socket.socket) -> None:
    with suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


@contextmanager
def dropping_proxy(upstream_port: int) -> Iterator[DroppingProxy]:
    """A running proxy in front of a server on loopback."""
    proxy = DroppingProxy(upstream_port=upstream_port)
    proxy.serve()
    try:
        yield proxy
    finally:
        proxy.close()
