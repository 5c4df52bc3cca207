"""Whether headphones are plugged in, where the operating system tells: ALSA jack controls or
PulseAudio/PipeWire port availability.

Optional: a kiosk without a readable jack starts the guide by key only. The reading runs off the
GUI thread; the watcher reports changes only.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from PySide6.QtCore import QObject, QTimer, Signal

from client.qt import BackgroundCalls

log = logging.getLogger(__name__)

# `amixer cget` prints the control's current value as e.g. ": values=on".
_VALUES = re.compile(r":\s*values=(\w+)")
# `pactl list sinks` lists ports as e.g. "analog-output-headphones: Headphones (type: Headphones, …, available)".
_PORT = re.compile(r"^\s*(\S*headphone\S*):.*\((?P<details>[^()]*)\)\s*$", re.IGNORECASE | re.MULTILINE)


class JackSource(Protocol):
    """Reads the headphone jack once: True plugged, False not, None when it cannot tell."""

    def plugged(self) -> bool | None:
        """The jack's state now."""


def parse_amixer(output: str) -> bool | None:
    """The state of an ALSA jack control from `amixer cget` output."""
    match = _VALUES.search(output)
    if match is None:
        return None
    return match.group(1).lower() in ("on", "1", "true")


def _read(command: list[str]) -> str | None:
    """A sound tool's output, or None when it fails."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        log.info("Cannot read the headphone jack: %s", error)
        return None
    return result.stdout if result.returncode == 0 else None


def parse_pactl(output: str) -> bool | None:
    """Whether any headphone port of `pactl list sinks` output is available; None without one."""
    states = [match.group("details").rsplit(",", 1)[-1].strip().lower() for match in _PORT.finditer(output)]
    known = [state for state in states if state in ("available", "not available")]
    if not known:
        return None
    return "available" in known


class PulseJack:
    """The headphone ports PulseAudio or PipeWire report, read with pactl."""

    def __init__(self) -> None:
        self.binary = shutil.which("pactl")

    def plugged(self) -> bool | None:
        """Ask pactl; None without pactl or a headphone port that reports availability."""
        if self.binary is None:
            return None
        output = _read([self.binary, "list", "sinks"])
        return parse_pactl(output) if output is not None else None


class AlsaJack:
    """The ALSA card's "Headphone Jack" control, read with amixer (alsa-utils)."""

    def __init__(self, card: str = "0", control: str = "Headphone Jack") -> None:
        self.card = card
        self.control = control
        self.binary = shutil.which("amixer")

    def plugged(self) -> bool | None:
        """Ask amixer; None without amixer or such a control."""
        if self.binary is None:
            return None
        output = _read([self.binary, "-c", self.card, "cget", f"iface=CARD,name={self.control}"])
        return parse_amixer(output) if output is not None else None


class FileJack:
    """A file holding 1 or 0: a simulated jack for demos and tests, visibly not hardware."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def plugged(self) -> bool | None:
        """The file's content; None when it is missing."""
        try:
            return self.path.read_text(encoding="utf-8").strip() in ("1", "on", "true")
        except OSError:
            return None


def jack_for(spec: str) -> JackSource:
    """`alsa://0` (card 0), `pulse://` or `sim:///path/to/file` → a jack source."""
    url = urlparse(spec)
    if url.scheme == "alsa":
        return AlsaJack(card=url.netloc or "0")
    if url.scheme == "pulse":
        return PulseJack()
    if url.scheme == "sim":
        return FileJack(Path(url.path))
    raise ValueError(f"unknown headphone jack '{spec}'; use alsa://CARD, pulse:// or sim:///file")


class HeadphoneWatcher(QObject):
    """Polls a jack source and emits `changed` when headphones go in or out."""

    changed = Signal(bool)

    def __init__(self, source: JackSource, *, interval: float = 1.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.state: bool | None = None
        self._calls = BackgroundCalls(self, threads=1)
        self._busy = False
        self._timer = QTimer(self, interval=int(interval * 1000))
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        """Read now and then every interval."""
        self._poll()
        self._timer.start()

    def stop(self) -> None:
        """Stop polling."""
        self._timer.stop()
        self._calls.wait(5_000)

    def _poll(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._calls.submit(self.source.plugged, self._seen, self._failed)

    def _failed(self, error: Exception) -> None:
        self._busy = False
        log.info("Cannot read the headphone jack: %s", error)

    def _seen(self, plugged: bool | None) -> None:
        self._busy = False
        if plugged is None or plugged == self.state:
            return
        first = self.state is None
        self.state = plugged
        if not (first and not plugged):
            self.changed.emit(plugged)
