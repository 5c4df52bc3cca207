"""Speech-guided use of the kiosk: keypad and headphones, every screen read aloud with espeak-ng."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from kiosk_app.core import KioskCore
from kiosk_app.speech_mode.curtain import Curtain
from kiosk_app.speech_mode.engine import CapturingEngine, EspeakEngine, SpeechEngine, Utterance
from kiosk_app.speech_mode.guide import Key, SpeechGuide
from kiosk_app.speech_mode.headphones import HeadphoneWatcher, jack_for
from kiosk_app.speech_mode.keys import GuideKeys
from kiosk_app.speech_mode.output import output_for

__all__ = [
    "CapturingEngine",
    "EspeakEngine",
    "GuideKeys",
    "Key",
    "SpeechEngine",
    "SpeechGuide",
    "SpeechMode",
    "Utterance",
    "attach",
    "build",
]


@dataclass
class SpeechMode:
    """The guide and the pieces that connect it to one kiosk window."""

    guide: SpeechGuide
    keys: GuideKeys
    curtain: Curtain
    engine: SpeechEngine
    headphones: HeadphoneWatcher | None = None

    def start(self) -> None:
        """Begin watching the headphone jack, if there is one."""
        if self.headphones is not None:
            self.headphones.start()

    def stop(self) -> None:
        """Silence the guide and stop the jack watcher and the speech thread."""
        self.guide.end()
        if self.headphones is not None:
            self.headphones.stop()
        if isinstance(self.engine, EspeakEngine):
            self.engine.close()


def attach(
    window: QWidget,
    core: KioskCore,
    engine: SpeechEngine,
    *,
    start_key: str = "",
    headphones: HeadphoneWatcher | None = None,
) -> SpeechMode:
    """Give a kiosk window the speech guide: its keys, the privacy curtain and the jack."""
    guide = SpeechGuide(core, engine, parent=window)
    keys = GuideKeys(guide, core, start_key=start_key, parent=window)
    window.installEventFilter(keys)
    curtain = Curtain(window)
    guide.curtain_changed.connect(curtain.set_closed)
    if headphones is not None:
        headphones.changed.connect(guide.headphones_changed)
    return SpeechMode(guide=guide, keys=keys, curtain=curtain, engine=engine, headphones=headphones)


def build(window: QWidget, core: KioskCore, *, output: str, start_key: str, jack: str | None) -> SpeechMode:
    """The speech guide as a kiosk's settings describe it."""
    engine = EspeakEngine(output_for(output), parent=window)
    watcher = HeadphoneWatcher(jack_for(jack), parent=window) if jack else None
    return attach(window, core, engine, start_key=start_key, headphones=watcher)
