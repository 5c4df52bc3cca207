"""Speech-guided kiosk: keys only, every screen spoken with real espeak-ng, the right ticket drawn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from hardware.audio import EspeakSpeech, duration, rms
from kiosk_app import speech_mode
from kiosk_app.core import Timing
from kiosk_app.speech_mode.engine import CapturingEngine, EspeakEngine
from kiosk_app.speech_mode.headphones import HeadphoneWatcher, jack_for, parse_amixer, parse_pactl
from kiosk_app.speech_mode.output import WavFileOutput
from kiosk_app.states import Screen
from kiosk_app.ui.window import KioskWindow
from tests.kiosk_app.conftest import KioskFactory
from tests.support.live_server import LiveServer

KP = Qt.KeyboardModifier.KeypadModifier
LANGUAGES = ["de", "en", "tr", "ar", "uk", "ru", "de-x-ls"]
# How each language says "press N", written down here, not taken from the kiosk's catalogs.
PRESS = {
    "de": r"drücken Sie (\d)",
    "en": r"press (\d)",
    "tr": r"(\d) tuşuna basın",
    "ar": r"اضغط (\d)",
    "uk": r"натисніть (\d)",
    "ru": r"нажмите (\d)",
    "de-x-ls": r"drücken Sie die (\d)",
}
# The site's service names a citizen listens for (examples/buergeramt.toml), as spoken.
REGISTRATION = {
    "de": "An- und Ummeldung",
    "en": "Registering an address",
    "tr": "Adres kaydı, değişikliği",
    "ar": "تسجيل العنوان أو تغييره",
    "uk": "Реєстрація, зміна адреси",
    "ru": "Регистрация, смена адреса",
    "de-x-ls": "Wohnung anmelden oder ummelden",
}
LANGUAGE_NAMES = {
    "de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية", "uk": "української", "ru": "русского",
    "de-x-ls": "Leichte Sprache",
}


@dataclass
class Guided:
    """A kiosk window with the speech guide, its capturing engine and the WAVs it played."""

    window: KioskWindow
    mode: speech_mode.SpeechMode
    capture: CapturingEngine
    engine: EspeakEngine
    output: WavFileOutput

    @property
    def guide(self) -> speech_mode.SpeechGuide:
        """The guide."""
        return self.mode.guide


@pytest.fixture
def guided(
    live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot, tmp_path: Path
) -> Iterator[Guided]:
    """A kiosk with all seven languages and the speech guide speaking through real espeak-ng."""
    core = make_core(live_server.url)
    core.languages = list(LANGUAGES)
    window = KioskWindow(core, touch_px=48)
    qtbot.addWidget(window)
    window.resize(1080, 1400)
    window.show()
    qtbot.waitExposed(window)
    output = WavFileOutput(tmp_path / "speech")
    engine = EspeakEngine(output, speech=EspeakSpeech(cache_dir=tmp_path / "cache"))
    capture = CapturingEngine(engine)
    mode = speech_mode.attach(window, core, capture)
    yield Guided(window=window, mode=mode, capture=capture, engine=engine, output=output)
    mode.stop()
    engine.close()


def press(qtbot: QtBot, guided: Guided, key: Qt.Key, modifier: Qt.KeyboardModifier = KP) -> None:
    """Press one key and listen until the kiosk has said everything."""
    heard = len(guided.capture.heard)
    qtbot.keyClick(guided.window, key, modifier)
    qtbot.waitUntil(lambda: len(guided.capture.heard) > heard and guided.engine.idle, timeout=30_000)


def said_since(guided: Guided, start: int) -> list[str]:
    """Texts heard from index `start` on."""
    return guided.capture.texts()[start:]


def digit_for(texts: list[str], language: str, phrase: str) -> Qt.Key:
    """The key a listener presses: the digit said with the phrase they are listening for."""
    line = next(t for t in texts if phrase in t)
    found = re.search(PRESS[language], line)
    assert found is not None, line
    return getattr(Qt.Key, f"Key_{found.group(1)}")


def assert_audible(guided: Guided, since: int) -> None:
    """Every WAV played since `since` is real speech: long enough and far from silence."""
    played = guided.output.written[since:]
    assert played
    for path in played:
        wav = path.read_bytes()
        assert duration(wav) > 0.3, path
        assert rms(wav) > 300, path


@pytest.mark.parametrize("language", LANGUAGES)
def test_keypad_alone_draws_the_right_ticket_in_every_language(
    language: str, guided: Guided, qtbot: QtBot, live_server: LiveServer
) -> None:
    core = guided.window.core
    assert not guided.guide.active

    # The tactile 5 switches the guide on; the languages offer themselves, each in its own words.
    press(qtbot, guided, Qt.Key.Key_5)
    assert guided.guide.active
    welcome = said_since(guided, 0)
    assert any("Sprachführung" in text for text in welcome)
    assert "Für Deutsch drücken Sie 1." in welcome
    assert "For English, press 2." in welcome
    assert_audible(guided, 0)
    spoken_languages = {u.language for u in guided.capture.heard}
    assert spoken_languages >= set(LANGUAGES)

    played = len(guided.output.written)
    heard = len(guided.capture.heard)
    press(qtbot, guided, digit_for(welcome, language, LANGUAGE_NAMES[language]))
    assert core.screen is Screen.SERVICES
    assert core.language == language
    services = said_since(guided, heard)
    assert all(u.language == language for u in guided.capture.heard[heard:])
    assert_audible(guided, played)

    # The citizen listens for their matter and presses the digit said with it.
    heard = len(guided.capture.heard)
    heard_before_result = heard
    qtbot.keyClick(guided.window, digit_for(services, language, REGISTRATION[language]), KP)
    qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION and guided.engine.idle, timeout=30_000)
    issued = core.last_issued
    assert issued is not None
    ticket = httpx.get(f"{live_server.url}/api/v1/tickets/{issued.ticket.token}").json()
    assert ticket["service"] == "anmeldung"
    assert ticket["language"] == language

    # Number and wait are spoken; the 0 repeats them.
    result = said_since(guided, heard_before_result)
    spoken_number = f"{ticket['number'][0]} {int(ticket['number'][1:])}"
    assert any(spoken_number in text for text in result)
    played = len(guided.output.written)
    press(qtbot, guided, Qt.Key.Key_0)
    again = said_since(guided, len(result) + heard_before_result)
    assert any(spoken_number in text for text in again)
    assert_audible(guided, played)

    # Enter ends it for the next citizen: back at the start, the guide off.
    qtbot.keyClick(guided.window, Qt.Key.Key_Enter, KP)
    assert core.screen is Screen.WELCOME
    assert not guided.guide.active


def test_arrow_keys_and_enter_alone(guided: Guided, qtbot: QtBot, live_server: LiveServer) -> None:
    core = guided.window.core
    # A configured start key, for kiosks without a numeric keypad.
    guided.mode.keys.start_key = QKeySequence("F9")
    none = Qt.KeyboardModifier.NoModifier
    press(qtbot, guided, Qt.Key.Key_F9, none)
    assert guided.guide.active
    press(qtbot, guided, Qt.Key.Key_Down, none)  # Deutsch
    press(qtbot, guided, Qt.Key.Key_Down, none)  # English
    assert guided.capture.texts()[-1] == "For English, press 2."
    press(qtbot, guided, Qt.Key.Key_Return, none)
    assert core.screen is Screen.SERVICES and core.language == "en"
    press(qtbot, guided, Qt.Key.Key_Down, none)
    assert guided.capture.texts()[-1].startswith("For Registering an address, press 1.")
    qtbot.keyClick(guided.window, Qt.Key.Key_Return, none)
    qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=30_000)
    assert core.last_issued is not None and core.last_issued.ticket.service == "anmeldung"


def test_volume_keys_change_the_loudness(guided: Guided, qtbot: QtBot) -> None:
    press(qtbot, guided, Qt.Key.Key_5)
    first = len(guided.output.written)
    press(qtbot, guided, Qt.Key.Key_0)
    loud = guided.output.written[first].read_bytes()
    press(qtbot, guided, Qt.Key.Key_Minus)
    press(qtbot, guided, Qt.Key.Key_Minus)
    press(qtbot, guided, Qt.Key.Key_Minus)
    assert guided.capture.texts()[-1] == "Lautstärke 3 von 10."
    second = len(guided.output.written)
    press(qtbot, guided, Qt.Key.Key_0)
    quiet = guided.output.written[second].read_bytes()
    # The same sentence, spoken at a lower volume: clearly quieter, still audible.
    assert 100 < rms(quiet) < 0.75 * rms(loud)
    press(qtbot, guided, Qt.Key.Key_Plus)
    assert guided.guide.volume == 4


def test_curtain_blanks_the_screen_and_lifts_for_the_next_citizen(
    live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    core = make_core(live_server.url, timing=Timing(confirmation_seconds=1.5, idle_seconds=2, retry_seconds=0.3))
    window = KioskWindow(core, touch_px=48)
    qtbot.addWidget(window)
    window.resize(600, 800)
    window.show()
    capture = CapturingEngine()
    mode = speech_mode.attach(window, core, capture)
    qtbot.keyClick(window, Qt.Key.Key_5, KP)
    qtbot.keyClick(window, Qt.Key.Key_1, KP)  # Deutsch
    assert core.screen is Screen.SERVICES
    qtbot.keyClick(window, Qt.Key.Key_Asterisk, KP)
    assert mode.curtain.isVisible()
    image = window.grab().toImage()
    # Nothing of the choice is readable: the whole window is black.
    for x, y in ((5, 5), (300, 400), (595, 795)):
        assert image.pixelColor(x, y).lightness() < 10
    assert capture.texts()[-1] == "Der Bildschirm ist jetzt dunkel."

    # The citizen walks away: the idle time-out ends the guide and lifts the curtain.
    qtbot.waitUntil(lambda: core.screen is Screen.WELCOME, timeout=10_000)
    assert not mode.guide.active
    assert not mode.curtain.isVisible()
    # Keys of the next citizen go where they went before: digits start nothing but the 5.
    qtbot.keyClick(window, Qt.Key.Key_1, KP)
    assert not mode.guide.active


def test_headphones_start_the_guide(guided: Guided, qtbot: QtBot) -> None:
    guided.guide.headphones_changed(True)
    assert guided.guide.active
    qtbot.waitUntil(lambda: guided.engine.idle, timeout=30_000)
    assert "Für Deutsch drücken Sie 1." in guided.capture.texts()
    guided.guide.headphones_changed(False)
    assert not guided.guide.active


def test_the_visual_call_switch_goes_with_the_ticket(
    kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer
) -> None:
    """The touch switch "I cannot hear the calls" goes with the ticket, and is reset for the next citizen."""
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    switch = kiosk.services.visual_call
    assert switch.text().startswith("I cannot hear the calls")
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert kiosk.core.visual_call
    qtbot.mouseClick(kiosk.services.buttons["anmeldung"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.CONFIRMATION, timeout=15_000)
    issued = kiosk.core.last_issued
    assert issued is not None
    ticket = httpx.get(f"{live_server.url}/api/v1/tickets/{issued.ticket.token}").json()
    assert ticket["visual_call"] is True
    kiosk.core.go_home()
    assert not kiosk.core.visual_call and not switch.isChecked()


def test_headphone_jack_readings() -> None:
    amixer = "numid=19,iface=CARD,name='Headphone Jack'\n  ; type=BOOLEAN,access=r-------,values=1\n  : values=on\n"
    assert parse_amixer(amixer) is True
    assert parse_amixer(amixer.replace(": values=on", ": values=off")) is False
    assert parse_amixer("amixer: Cannot find the given element from control hw:0") is None
    pactl = (
        "Sink #0\n\tName: alsa_output.pci-0000_00_1f.3.analog-stereo\n\tPorts:\n"
        "\t\tanalog-output-speaker: Speakers (type: Speaker, priority: 10000, availability unknown)\n"
        "\t\tanalog-output-headphones: Headphones (type: Headphones, priority: 9900, availability group: "
        "Legacy 2, not available)\n\tActive Port: analog-output-speaker\n"
    )
    assert parse_pactl(pactl) is False
    assert parse_pactl(pactl.replace("Legacy 2, not available", "Legacy 2, available")) is True
    assert parse_pactl("Sink #0\n\tPorts:\n\t\thdmi-output-0: HDMI (type: HDMI, priority: 5900, available)\n") is None


def test_the_headphone_watcher_reports_plugging_in(qtbot: QtBot, tmp_path: Path) -> None:
    jack = tmp_path / "jack"
    jack.write_text("0")
    watcher = HeadphoneWatcher(jack_for(f"sim://{jack}"), interval=0.05)
    seen: list[bool] = []
    watcher.changed.connect(seen.append)
    watcher.start()
    qtbot.waitUntil(lambda: watcher.state is False, timeout=5000)
    assert seen == []  # unplugged at start is no news
    jack.write_text("1")
    qtbot.waitUntil(lambda: seen == [True], timeout=5000)
    jack.write_text("0")
    qtbot.waitUntil(lambda: seen == [True, False], timeout=5000)
    watcher.stop()
