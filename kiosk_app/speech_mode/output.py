"""Where the kiosk's speech goes: a program that plays on the headphones, WAV files, or nowhere."""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from hardware.audio import duration

log = logging.getLogger(__name__)

# Programs that play a WAV from stdin on the default output device, best first.
DEVICE_COMMANDS: tuple[tuple[str, ...], ...] = (("aplay", "-q", "-"), ("play", "-q", "-t", "wav", "-"))


class SpeechOutput(Protocol):
    """Plays one WAV at a time; `play` blocks (on the engine's thread) until done or stopped."""

    def play(self, wav: bytes) -> None:
        """Play a WAV to its end, or until `stop`."""

    def stop(self) -> None:
        """Cut off what is playing (called from any thread)."""


class CommandOutput:
    """Feeds each WAV to a program such as aplay; stopping kills the program."""

    def __init__(self, command: list[str]) -> None:
        if not command:
            raise ValueError("empty audio command")
        self.command = command
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def play(self, wav: bytes) -> None:
        """Run the program with the WAV on stdin and wait for it."""
        try:
            process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except OSError as error:
            log.warning("audio program %s cannot start: %s", self.command[0], error)
            return
        with self._lock:
            self._process = process
        try:
            _, errors = process.communicate(wav, timeout=duration(wav) + 10)
            if process.returncode not in (0, -9):
                log.warning("audio program %s failed: %s", self.command[0], errors.decode(errors="replace"))
        except (BrokenPipeError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        finally:
            with self._lock:
                self._process = None

    def stop(self) -> None:
        """Kill the program that is playing, if any."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                self._process.kill()


class WavFileOutput:
    """Writes each WAV to a numbered file; with `realtime` it takes as long as the speech lasts."""

    def __init__(self, directory: Path, *, realtime: bool = False) -> None:
        self.directory = directory
        self.realtime = realtime
        self.written: list[Path] = []
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        directory.mkdir(parents=True, exist_ok=True)

    def play(self, wav: bytes) -> None:
        """Write the WAV, then wait its length unless stopped."""
        self._stopped.clear()
        with self._lock:
            path = self.directory / f"{len(self.written) + 1:04d}.wav"
            path.write_bytes(wav)
            self.written.append(path)
        if self.realtime:
            self._stopped.wait(duration(wav))

    def stop(self) -> None:
        """End the current wait."""
        self._stopped.set()


class SilentOutput:
    """Plays nothing."""

    def play(self, wav: bytes) -> None:
        """Discard the WAV."""

    def stop(self) -> None:
        """Nothing to stop."""


def output_for(spec: str) -> SpeechOutput:
    """`auto`, `none`, `file:///dir` or `cmd:program args` → an output."""
    if spec == "none":
        return SilentOutput()
    if spec.startswith("file://"):
        return WavFileOutput(Path(urlparse(spec).path), realtime=True)
    if spec.startswith("cmd:"):
        return CommandOutput(shlex.split(spec[4:]))
    if spec == "auto":
        for command in DEVICE_COMMANDS:
            if shutil.which(command[0]):
                return CommandOutput(list(command))
        log.warning("neither aplay nor sox's play found: the speech guide stays silent")
        return SilentOutput()
    raise ValueError(f"unknown speech output '{spec}'; use auto, none, file:///dir or cmd:program")
