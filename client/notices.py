"""A supervisor's notices for displays and kiosks: which show now, in which words, and until when."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from aufruf import events

Clock = Callable[[], datetime]
CHECK_MS = 1000


def system_now() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Notice:
    """One notice ("Wegen einer Störung …") with its texts per language and its expiry."""

    id: int
    expires_at: datetime
    texts: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Notice:
        """Build from a snapshot's or a `notices.changed` event's entry."""
        return cls.from_model(events.Notice.model_validate(data))

    @classmethod
    def from_model(cls, notice: events.Notice) -> Notice:
        """Build from the wire model of a notice."""
        return cls(id=notice.id, expires_at=notice.expires_at, texts=dict(notice.texts))

    def text(self, language: str) -> str:
        """The notice in a language, German when the supervisor gave none in it."""
        return self.texts.get(language) or self.texts.get("de") or next(iter(self.texts.values()), "")


def parse_notices(items: Iterable[dict[str, Any]] | None) -> list[Notice]:
    """The notices of a snapshot or event."""
    return [Notice.from_data(item) for item in items or []]


def showing(notices: Iterable[Notice], now: datetime) -> list[Notice]:
    """The notices that have not expired at `now`."""
    return [notice for notice in notices if notice.expires_at > now]


class NoticeBoard(QObject):
    """The notices a screen shows; takes each down at its expiry by its own timer, without asking the server."""

    changed = Signal()

    def __init__(self, clock: Clock = system_now, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self._all: list[Notice] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)

    def on_message(self, message: dict[str, Any]) -> None:
        """Take the notices from a stream message, if it carries them."""
        data = message.get("data") or {}
        if message.get("type") == "notices.changed":
            changed = events.NoticesChanged.model_validate(data)
            self.set_notices([Notice.from_model(notice) for notice in changed.notices])
        elif message.get("type") == "snapshot" and "notices" in data:
            self.set_notices(parse_notices(data["notices"]))

    @property
    def notices(self) -> list[Notice]:
        """The notices showing now, oldest first."""
        return showing(self._all, self.clock())

    def texts(self, language: str) -> list[str]:
        """What shows now, in a language."""
        return [notice.text(language) for notice in self.notices]

    def set_notices(self, notices: list[Notice]) -> None:
        """Replace the notices (from a snapshot or a `notices.changed` event)."""
        self._all = notices
        self._expire(force=True)

    def _expire(self, *, force: bool = False) -> None:
        now = self.clock()
        before = self._all
        self._all = showing(self._all, now)
        self._timer.stop()
        if self._all:
            left = min(notice.expires_at for notice in self._all) - now
            # Look again at least every second: a clock set forward (or a virtual one) takes it down in time too.
            self._timer.start(min(CHECK_MS, max(0, int(left.total_seconds() * 1000)) + 20))
        if force or self._all != before:
            self.changed.emit()
