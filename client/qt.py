"""Qt glue: stream events as signals on the GUI thread, and blocking calls off it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from client.stream import EventStream, StreamHandlers


class StreamBridge(QObject):
    """Re-emits an EventStream's callbacks as Qt signals, delivered on the receiver's thread."""

    snapshot = Signal(object)
    # Not named "event": that would hide QObject.event(), which Qt calls for every posted event.
    message = Signal(object)
    connection_changed = Signal(bool)
    refused = Signal(str)

    def __init__(self, url: str, *, token: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Signals emitted from the stream thread reach GUI-thread slots as queued calls.
        self.stream = EventStream(
            url,
            StreamHandlers(
                on_snapshot=self.snapshot.emit,
                on_event=self.message.emit,
                on_connection=self.connection_changed.emit,
                on_refused=self.refused.emit,
            ),
            token=token,
        )

    def start(self) -> None:
        """Begin receiving."""
        self.stream.start()

    def stop(self) -> None:
        """Disconnect."""
        self.stream.stop()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # handed to the GUI thread, which shows it
            self.signals.failed.emit(error)
        else:
            self.signals.done.emit(result)


class BackgroundCalls(QObject):
    """Runs blocking API calls on a thread pool and answers on the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._pending: set[_Signals] = set()

    def submit(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
    ) -> None:
        """Run `work` off the GUI thread; exactly one of the callbacks follows on the GUI thread."""
        signals = _Signals(self)
        self._pending.add(signals)

        def finish() -> None:
            self._pending.discard(signals)
            signals.deleteLater()

        signals.done.connect(on_done)
        signals.failed.connect(on_failed)
        signals.done.connect(finish)
        signals.failed.connect(finish)
        self.pool.start(_Job(work, signals))

    def wait(self, msecs: int = 5000) -> bool:
        """Block until every submitted call finished (for shutdown and tests)."""
        return bool(self.pool.waitForDone(msecs))


def stream_url(server_url: str, path: str) -> str:
    """Turn an http(s) server URL and a websocket path into a ws(s) URL."""
    base = server_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + path
    return "ws://" + base.removeprefix("http://") + path
