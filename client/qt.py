"""Qt glue: stream events as signals on the GUI thread, and blocking calls off it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from client.stream import EventStream, StreamHandlers


class StreamBridge(QObject):
    """Re-emits an EventStream's callbacks as Qt signals, delivered on the receiver's thread."""

    snapshot = Signal(object)
    # Not named "event": that would hide QObject.event(), which Qt calls for every posted event.
    message = Signal(object)
    # The same events as `message`, parsed into their models (aufruf.events.Event).
    typed = Signal(object)
    connection_changed = Signal(bool)
    refused = Signal(str)
    reconnecting = Signal(float)  # seconds until the next attempt

    def __init__(self, url: str, *, token: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The stream thread outlives nothing: once Qt destroys the bridge, its callbacks emit no more,
        # and the thread is told to end (a signal of a deleted object would crash the process).
        alive = [True]

        def guarded(emit: Callable[[Any], None]) -> Callable[[Any], None]:
            return lambda value: emit(value) if alive[0] else None

        # Signals emitted from the stream thread reach GUI-thread slots as queued calls.
        self.stream = EventStream(
            url,
            StreamHandlers(
                on_snapshot=guarded(self.snapshot.emit),
                on_event=guarded(self.message.emit),
                on_typed_event=guarded(self.typed.emit),
                on_connection=guarded(self.connection_changed.emit),
                on_refused=guarded(self.refused.emit),
                on_reconnecting=guarded(self.reconnecting.emit),
            ),
            token=token,
        )
        stream = self.stream

        def forget(*_: object) -> None:
            alive[0] = False
            stream.stop(timeout=0)

        self.destroyed.connect(forget)

    def start(self) -> None:
        """Begin receiving."""
        self.stream.start()

    def stop(self) -> None:
        """Disconnect."""
        self.stream.stop()


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.number = number
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # handed to the GUI thread, which shows it
            self.signals.failed.emit(self.number, error)
        else:
            self.signals.done.emit(self.number, result)


class BackgroundCalls(QObject):
    """Runs blocking API calls on a thread pool and answers on the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        # One signal carrier for all jobs, owned here: a job ending on a worker thread never
        # drops the last reference to a QObject (deleting QObjects off their thread crashes Qt).
        self._signals = _Signals(self)
        self._signals.done.connect(self._answer)
        self._signals.failed.connect(self._fail)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None]]] = {}
        self._numbers = itertools.count()

    def submit(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
    ) -> None:
        """Run `work` off the GUI thread; exactly one of the callbacks follows on the GUI thread."""
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_failed)
        self.pool.start(_Job(number, work, self._signals))

    def _answer(self, number: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(number)
        on_done(result)

    def _fail(self, number: int, error: object) -> None:
        _, on_failed = self._callbacks.pop(number)
        assert isinstance(error, Exception)
        on_failed(error)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until every submitted call finished (for shutdown and tests)."""
        return bool(self.pool.waitForDone(msecs))


def stream_url(server_url: str, path: str) -> str:
    """Turn an http(s) server URL and a websocket path into a ws(s) URL."""
    base = server_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + path
    return "ws://" + base.removeprefix("http://") + path
