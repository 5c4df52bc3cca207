"""A websocket watcher for tests: collects a stream's messages and waits for one that matches."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from client.stream import EventStream, StreamHandlers

Message = dict[str, Any]
Match = Callable[[Message], bool]


class Watcher:
    """Every message one websocket received, with a blocking wait for a match."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refusals: list[str] = []
        self._changed = threading.Condition()

    def _add(self, message: Message) -> None:
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()

    def _refuse(self, reason: str) -> None:
        with self._changed:
            self.refusals.append(reason)
            self._changed.notify_all()

    def handlers(self) -> StreamHandlers:
        """Callbacks for an EventStream."""
        return StreamHandlers(on_snapshot=self._add, on_event=self._add, on_refused=self._refuse)

    def wait_for(self, match: Match, timeout: float = 10.0) -> Message:
        """The first message that matches, waiting for it if need be; AssertionError on time-out."""
        found: list[Message] = []

        def seen() -> bool:
            found[:] = [m for m in self.messages if match(m)][:1]
            return bool(found) or bool(self.refusals)

        with self._changed:
            if not self._changed.wait_for(seen, timeout):
                raise AssertionError(f"no matching message within {timeout} s; got {self.types()}")
        if not found:
            raise AssertionError(f"the stream was refused: {self.refusals}")
        return found[0]

    def wait_refused(self, timeout: float = 10.0) -> str:
        """The reason the server refused this stream."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self.refusals), timeout):
                raise AssertionError("the stream was not refused")
        return self.refusals[0]

    def snapshot(self, timeout: float = 10.0) -> Message:
        """The first snapshot."""
        return self.wait_for(lambda m: m.get("type") == "snapshot", timeout)

    def types(self) -> list[str]:
        """The types of all messages so far."""
        with self._changed:
            return [str(m.get("type")) for m in self.messages]


def event(kind: str, **data: object) -> Match:
    """Match an event by type and some of its data fields."""
    return lambda m: m.get("type") == kind and all(m.get("data", {}).get(k) == v for k, v in data.items())


@contextmanager
def watching(url: str, token: str | None = None) -> Iterator[Watcher]:
    """Watch a websocket until the block ends."""
    watcher = Watcher()
    stream = EventStream(url, watcher.handlers(), token=token)
    stream.start()
    try:
        yield watcher
    finally:
        stream.stop()
