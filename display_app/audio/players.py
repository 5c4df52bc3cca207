"""Where announcement clips go: a program that writes to the sound device, WAV files, or nowhere."""

from __future__ import annotations

import io
import logging
import shlex
import shutil
import wave
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from PySide6.QtCore import QObject, QProcess, QTimer

from display_app.core.announcements import Player

log = logging.getLogger(__name__)

# Programs that play a WAV from stdin on the default output device, best first.
DEVICE_COMMANDS: tuple[tuple[str, ...], ...] = (("play", "-q", "-t", "wav", "-"), ("aplay", "-q", "-"))


def clip_seconds(clip: bytes) -> float:
    """Length of a WAV clip."""
    with wave.open(io.BytesIO(clip), "rb") as source:
        return source.getnframes() / source.getframerate()


class ProcessPlayer(QObject):
    """Feeds each clip to a program's stdin and reports `done` when the program exits."""

    def __init__(self, command: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        if not command:
            raise ValueError("empty audio command")
        self.command = command

    def play(self, clip: bytes, done: Callable[[], None]) -> None:
        """Start the program without blocking the GUI thread."""
        process = QProcess(self)
        reported = False

        def finish(*_args: object) -> None:
            nonlocal reported
            if reported:
                return
            reported = True
            if process.exitStatus() != QProcess.ExitStatus.NormalExit or process.exitCode() != 0:
                error = bytes(process.readAllStandardError().data()).decode(errors="replace").strip()
                log.warning("audio program %s failed: %s", self.command[0], error or process.errorString())
            process.deleteLater()
            done()

        def failed(error: QProcess.ProcessError) -> None:
            # Only a program that never started ends here without a `finished` signal.
            if error == QProcess.ProcessError.FailedToStart:
                finish()

        process.finished.connect(finish)
        process.errorOccurred.connect(failed)
        process.start(self.command[0], self.command[1:])
        process.write(clip)
        process.closeWriteChannel()


class WavFilePlayer(QObject):
    """Writes each clip to a numbered WAV file; with `realtime`, takes as long as the clip lasts."""

    def __init__(self, directory: Path, *, realtime: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.realtime = realtime
        self.written: list[Path] = []
        directory.mkdir(parents=True, exist_ok=True)

    def play(self, clip: bytes, done: Callable[[], None]) -> None:
        """Write the clip, then report it finished (after its duration when real time)."""
        path = self.directory / f"{len(self.written) + 1:04d}.wav"
        path.write_bytes(clip)
        self.written.append(path)
        delay = round(clip_seconds(clip) * 1000) if self.realtime else 0
        # Tied to this object: a player deleted with its display never calls back.
        QTimer.singleShot(delay, self, done)


class SilentPlayer(QObject):
    """Plays nothing (no sound device, or sound turned off)."""

    def play(self, clip: bytes, done: Callable[[], None]) -> None:
        """Report the clip finished on the next turn of the event loop."""
        QTimer.singleShot(0, self, done)


def player_for(spec: str, parent: QObject | None = None) -> Player:
    """`auto`, `none`, `file:///dir` or `cmd:program args` → a player."""
    if spec == "none":
        return SilentPlayer(parent)
    if spec.startswith("file://"):
        return WavFilePlayer(Path(urlparse(spec).path), parent=parent)
    if spec.startswith("cmd:"):
        return ProcessPlayer(shlex.split(spec[4:]), parent)
    if spec == "auto":
        for command in DEVICE_COMMANDS:
            if shutil.which(command[0]):
                return ProcessPlayer(list(command), parent)
        log.warning("neither sox's play nor aplay found: announcements are not played")
        return SilentPlayer(parent)
    raise ValueError(f"unknown audio output '{spec}'; use auto, none, file:///dir or cmd:program")
