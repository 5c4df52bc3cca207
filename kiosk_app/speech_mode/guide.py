"""The speech guide: reads every kiosk screen aloud and turns keypad keys into the core's actions.

UI-free: it listens to the core's signals, speaks through a `SpeechEngine` and is driven by
abstract keys (`Key` or a digit); the widget layer maps real key presses onto these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from PySide6.QtCore import QObject, Signal

from aufruf.i18n import base_language
from hardware.audio import spoken_number
from kiosk_app.core import KioskCore
from kiosk_app.speech_mode.engine import SpeechEngine, Utterance
from kiosk_app.speech_mode.texts import counted, spoken
from kiosk_app.speech_mode.volume import DEFAULT_STEP, STEPS, level
from kiosk_app.states import Screen
from kiosk_app.texts import closed_key, not_served, tr
from server.sites.schemas import ServiceOut

# Screens on which the guide may be switched on: everything but the start-up.
STARTABLE = frozenset(Screen) - {Screen.STARTING}
DIGITS = "123456789"


class Key(StrEnum):
    """What a citizen can ask of the guide besides choosing an option by its digit."""

    START = "start"  # the tactile 5 (when the guide is off) or a configured key
    REPEAT = "repeat"  # 0, or arrow right
    BACK = "back"  # the key right of 0, or arrow left
    ENTER = "enter"
    UP = "up"
    DOWN = "down"
    LOUDER = "louder"  # +
    QUIETER = "quieter"  # -
    CURTAIN = "curtain"  # *: the screen goes dark for privacy, or comes back


@dataclass(frozen=True)
class Option:
    """One choice on a screen: its digit (if any), what is said for it, and what it does."""

    key: str | None
    utterance: Utterance
    act: Callable[[], None]


class SpeechGuide(QObject):
    """Speech-guided use of one kiosk for a citizen who cannot see the screen."""

    active_changed = Signal(bool)
    curtain_changed = Signal(bool)  # True: the screen is dark
    volume_changed = Signal(int)

    def __init__(self, core: KioskCore, engine: SpeechEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.engine = engine
        self.active = False
        self.curtain = False
        self.volume = DEFAULT_STEP
        self.options: list[Option] = []
        self.focus: int | None = None
        self._last: list[Utterance] = []
        self._staying = False  # the guide itself sent the kiosk back to the start: keep going
        core.screen_changed.connect(self._on_screen)

    # Switching on and off

    def start(self) -> bool:
        """Switch speech guidance on and read the current screen; False where it cannot start."""
        if self.core.screen not in STARTABLE:
            return False
        if not self.active:
            self.active = True
            self.active_changed.emit(True)
        self.core.touched()
        self._read(intro=True)
        return True

    def end(self) -> None:
        """Switch off for the next citizen: silence, screen back on, volume back to normal."""
        if not self.active:
            return
        self.active = False
        self.engine.stop()
        self._set_curtain(False)
        self.volume = DEFAULT_STEP
        self.volume_changed.emit(self.volume)
        self.options, self.focus, self._last = [], None, []
        self.active_changed.emit(False)

    def headphones_changed(self, plugged: bool) -> None:
        """Headphones in: offer the guide on the start screen; out: end it."""
        if plugged and not self.active and self.core.screen is Screen.WELCOME:
            self.start()
        elif not plugged and self.active:
            self.end()

    # Keys

    def handle(self, key: str) -> bool:
        """One key press; True when the guide used it (otherwise it belongs to someone else)."""
        if not self.active:
            return (key in (Key.START, "5")) and self.start()
        self.core.touched()
        if key in DIGITS:
            option = next((o for o in self.options if o.key == key), None)
            if option is None:
                self._say(self._last)  # no such choice here: hear the choices again
            else:
                option.act()
        elif key == Key.START or key == "0" or key == Key.REPEAT:
            self._repeat()
        elif key in (Key.UP, Key.DOWN):
            self._move(1 if key == Key.DOWN else -1)
        elif key == Key.ENTER:
            self._enter()
        elif key == Key.BACK:
            self._back()
        elif key in (Key.LOUDER, Key.QUIETER):
            self._change_volume(1 if key == Key.LOUDER else -1)
        elif key == Key.CURTAIN:
            self._toggle_curtain()
        else:
            return False
        return True

    # Reading screens

    def _on_screen(self, screen: Screen) -> None:
        if not self.active:
            return
        if screen is Screen.WELCOME and not self._staying:
            self.end()  # timed out, or the citizen finished: the next one starts afresh
            return
        self._staying = False
        self._read()

    def _read(self, *, intro: bool = False) -> None:
        """Build the current screen's options and say everything on it."""
        screen = self.core.screen
        lines: list[Utterance] = [self._utter("speech.on")] if intro else []
        self.options, self.focus = [], None
        if screen is Screen.WELCOME:
            lines += self._welcome()
        elif screen is Screen.SERVICES:
            lines += self._services()
        elif screen is Screen.CHECK_IN:
            lines += [self._utter("checkin.prompt"), self._utter("keys.back")]
        elif screen is Screen.ISSUING:
            lines += [self._utter("issuing")]
        elif screen is Screen.CONFIRMATION:
            lines += self._ticket()
        elif screen is Screen.MESSAGE and self.core.last_message is not None:
            message = self.core.last_message
            lines += [Utterance(tr(message.key, message.language), message.language), self._utter("keys.message")]
        elif screen is Screen.OUT_OF_ORDER:
            language = self.core.language
            lines += [Utterance(tr(key, language), language) for key in ("out_of_order.title", "out_of_order.text")]
        self._say(lines)

    def _welcome(self) -> list[Utterance]:
        lines = [self._utter("welcome.prompt")]
        for digit, language in zip(DIGITS, self.core.languages, strict=False):
            # Each language offers itself in its own words and voice.
            said = Utterance(spoken("language.option", language, key=digit), language)
            self.options.append(Option(digit, said, partial(self.core.choose_language, language)))
            lines.append(said)
        return [*lines, self._utter("keys.help")]

    def _services(self) -> list[Utterance]:
        language = self.core.language
        lines = [self._utter("services.prompt")]
        digits = iter(DIGITS)
        for service in self.core.services:
            name = speakable(service.names.get(language) or service.names.get(base_language(language)) or service.name)
            if not service.open:
                reason = tr(closed_key(service.closed_reason), language)
                lines.append(self._utter("service.closed", name=name, reason=reason))
                continue
            digit = next(digits, None)
            said = Utterance(
                self._text("service.option", name=name, key=digit or "") + " " + self._figures(service), language
            )
            self.options.append(Option(digit, said, partial(self.core.choose_service, service.id)))
            lines.append(said)
        digit = next(digits, None)
        said = self._utter("appointment.option", key=digit or "")
        self.options.append(Option(digit, said, self.core.open_check_in))
        lines.append(said)
        return [*lines, self._utter("keys.help")]

    def _figures(self, service: ServiceOut) -> str:
        if not service.served_now or service.eta_minutes is None:
            # No range to read out: the same words the button shows.
            language = self.core.language
            waiting = tr("services.waiting", language, count=service.waiting)
            return f"{waiting}. {not_served(language, service.served_from_time, 'services')}"
        low, high = service.eta_minutes
        return counted("figures", self.core.language, service.waiting, low=low, high=high)

    def _ticket(self) -> list[Utterance]:
        issued = self.core.last_issued
        if issued is None:
            return []
        ticket, language = issued.ticket, issued.language
        number = spoken_number(ticket.number)
        lines = [
            Utterance(spoken("ticket.number", language, number=number), language),
            Utterance(spoken("ticket.service", language, service=speakable(issued.service_name)), language),
        ]
        low, high = ticket.eta_minutes or (0, 0)
        lines.append(Utterance(counted("ticket.wait", language, ticket.people_ahead, low=low, high=high), language))
        if issued.printed:
            lines.append(Utterance(spoken("ticket.printed", language), language))
        else:
            lines.append(Utterance(spoken("ticket.not_printed", language, number=number), language))
        lines.append(Utterance(spoken("keys.ticket", language), language))
        return lines

    # Acting

    def _repeat(self) -> None:
        if self.core.screen in (Screen.CONFIRMATION, Screen.MESSAGE):
            self.core.hold_result()  # hearing it again takes time: keep the result on screen
        self._say(self._last)

    def _enter(self) -> None:
        if self.focus is not None:
            self._menu()[self.focus].act()
        elif self.core.screen in (Screen.CONFIRMATION, Screen.MESSAGE):
            self._staying = self.core.screen is Screen.MESSAGE  # after a notice the citizen goes on
            self.core.go_home()
        else:
            self._say(self._last)

    def _back(self) -> None:
        if self.core.screen in (Screen.SERVICES, Screen.CHECK_IN, Screen.MESSAGE):
            self._staying = True
            self.core.go_home()
        elif self.core.screen is Screen.CONFIRMATION:
            self.core.go_home()  # done: the guide ends with the result
        else:
            self._say(self._last)

    def _menu(self) -> list[Option]:
        """What the arrow keys move through: the screen's options, then the guide's own."""
        extras = [
            Option(None, self._utter("extra.repeat"), self._repeat),
            Option(None, self._utter("extra.louder"), lambda: self._change_volume(1)),
            Option(None, self._utter("extra.quieter"), lambda: self._change_volume(-1)),
            Option(None, self._utter("extra.curtain"), self._toggle_curtain),
        ]
        if self.core.screen is not Screen.WELCOME:
            extras.append(Option(None, self._utter("extra.back"), self._back))
        return [*self.options, *extras]

    def _move(self, step: int) -> None:
        menu = self._menu()
        if self.focus is None:
            self.focus = 0 if step > 0 else len(menu) - 1
        else:
            self.focus = (self.focus + step) % len(menu)
        self.engine.say([menu[self.focus].utterance], volume=level(self.volume))

    def _change_volume(self, step: int) -> None:
        self.volume = max(1, min(STEPS, self.volume + step))
        self.volume_changed.emit(self.volume)
        self.engine.say([self._utter("volume", step=self.volume, steps=STEPS)], volume=level(self.volume))

    def _toggle_curtain(self) -> None:
        self._set_curtain(not self.curtain)
        self.engine.say([self._utter("screen.off" if self.curtain else "screen.on")], volume=level(self.volume))

    def _set_curtain(self, on: bool) -> None:
        if on != self.curtain:
            self.curtain = on
            self.curtain_changed.emit(on)

    # Speaking

    def _text(self, message: str, /, **values: object) -> str:
        return spoken(message, self.core.language, **values)

    def _utter(self, message: str, /, **values: object) -> Utterance:
        """A guide text in the citizen's language (German until one is chosen)."""
        return Utterance(self._text(message, **values), self.core.language)

    def _say(self, lines: list[Utterance]) -> None:
        self._last = lines
        self.engine.say(lines, volume=level(self.volume))


def speakable(name: str) -> str:
    """A service name as it is read out: "An-/Ummeldung" becomes "An- und Ummeldung", a slash a pause."""
    return name.replace("-/", "- und ").replace(" / ", ", ").replace("/", ", ")
