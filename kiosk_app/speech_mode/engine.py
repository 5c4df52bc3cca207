"""The speech engine: utterances in, espeak-ng WAVs out to the headphones, one at a time."""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import escape

from PySide6.QtCore import QObject, Signal

from aufruf.i18n import base_language
from hardware.audio import EspeakSpeech
from kiosk_app.speech_mode.output import SpeechOutput
from kiosk_app.speech_mode.volume import scaled

log = logging.getLogger(__name__)

# A lone capital letter is a ticket prefix ("A 17"): spoken by its name, not as the article "a".
_LETTER = re.compile(r"(?<![\w-])([A-Z])(?![\w-])")


@dataclass(frozen=True)
class Utterance:
    """One sentence to speak, in the language (and voice) it is written in."""

    text: str
    language: str


class SpeechEngine(Protocol):
    """What the speech guide speaks through; a new `say` cuts off whatever is still being said."""

    def say(self, utterances: Sequence[Utterance], *, volume: float) -> None:
        """Speak these, one after the other, at a volume from 0 to 1."""

    def stop(self) -> None:
        """Fall silent at once."""


def to_ssml(text: str) -> str:
    """SSML for espeak-ng: the text escaped, single letters spelt out."""
    body = _LETTER.sub(r'<say-as interpret-as="characters">\1</say-as>', escape(text))
    return f"<speak>{body}</speak>"


class EspeakEngine(QObject):
    """Synthesises with espeak-ng on a worker thread and plays through an output."""

    # (Utterance, WAV bytes as played): emitted once each piece has been handed to the output.
    spoken = Signal(object, bytes)
    finished = Signal()  # everything asked by the last `say` has been spoken to its end

    def __init__(
        self, output: SpeechOutput, *, speech: EspeakSpeech | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.output = output
        self.speech = speech or EspeakSpeech(rate=150)
        self._generation = 0
        self._done = 0  # the last generation the worker has finished with
        self._lock = threading.Lock()
        self._jobs: queue.Queue[tuple[int, tuple[Utterance, ...], float] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="kiosk-speech", daemon=True)
        self._worker.start()

    def say(self, utterances: Sequence[Utterance], *, volume: float) -> None:
        """Replace what is being said with these utterances."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        self.output.stop()
        self._jobs.put((generation, tuple(utterances), volume))

    def stop(self) -> None:
        """Drop everything queued and silence the output."""
        with self._lock:
            self._generation += 1
            self._done = self._generation  # nothing of it is left to speak
        self.output.stop()

    def close(self) -> None:
        """Stop and end the worker thread."""
        self.stop()
        self._jobs.put(None)
        self._worker.join(timeout=10)

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            generation, utterances, volume = job
            self._speak(generation, utterances, volume)
            with self._lock:
                self._done = max(self._done, generation)
            if self._current(generation):
                self.finished.emit()

    @property
    def idle(self) -> bool:
        """Whether everything asked so far has been spoken (or cut off)."""
        with self._lock:
            return self._done >= self._generation

    def _speak(self, generation: int, utterances: tuple[Utterance, ...], volume: float) -> None:
        for utterance in utterances:
            if not self._current(generation):
                return
            try:
                wav = self.speech.synthesize(to_ssml(utterance.text), base_language(utterance.language))
            except (RuntimeError, OSError) as error:
                log.warning("Cannot speak %r: %s", utterance.text, error)
                continue
            if wav is None or not self._current(generation):
                continue
            loud = scaled(wav, volume)
            self.spoken.emit(utterance, loud)
            self.output.play(loud)


class CapturingEngine(QObject):
    """Records every utterance at the engine's input, then passes it on (for tests and logs)."""

    said = Signal(object)  # tuple[Utterance, ...]

    def __init__(self, inner: SpeechEngine | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inner = inner
        self.heard: list[Utterance] = []
        self.volumes: list[float] = []

    def say(self, utterances: Sequence[Utterance], *, volume: float) -> None:
        """Note the utterances and speak them through the wrapped engine."""
        self.heard.extend(utterances)
        self.volumes.append(volume)
        self.said.emit(tuple(utterances))
        if self.inner is not None:
            self.inner.say(utterances, volume=volume)

    def stop(self) -> None:
        """Silence the wrapped engine."""
        if self.inner is not None:
            self.inner.stop()

    def texts(self) -> list[str]:
        """Every text heard so far."""
        return [u.text for u in self.heard]
