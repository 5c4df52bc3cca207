"""One display's settings: which server and site, filters, languages, sizing, sound."""

from __future__ import annotations

from dataclasses import dataclass

from aufruf.i18n import DEFAULT_LANGUAGES, is_rtl, normalise_language


@dataclass(frozen=True)
class DisplayConfig:
    """Everything `aufruf display` is told on its command line."""

    server: str = "http://127.0.0.1:8000"
    site: str = "demo"
    services: tuple[str, ...] = ()
    counters: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("de", "en")
    # Spoken languages: empty means German plus each ticket's own language (chosen at the kiosk).
    announce: tuple[str, ...] = ()
    viewing_distance: float = 6.0
    diagonal_inches: float | None = None
    recent: int = 6
    flash_seconds: float = 6.0
    # How long a call for someone who cannot hear it stays highlighted.
    visual_seconds: float = 30.0
    ticker: str = ""
    audio: str = "auto"
    # Calls made while the display was reconnecting are announced if younger than this; older ones silently shown.
    missed_call_seconds: float = 60.0

    def __post_init__(self) -> None:
        languages = tuple(dict.fromkeys(normalise_language(lang) for lang in self.languages))
        unknown = [lang for lang in languages if lang not in DEFAULT_LANGUAGES]
        if not languages or unknown:
            raise ValueError(f"languages must be some of {', '.join(DEFAULT_LANGUAGES)}; got {unknown or 'none'}")
        object.__setattr__(self, "languages", languages)
        announce = tuple(dict.fromkeys(normalise_language(lang) for lang in self.announce))
        wrong = [lang for lang in announce if lang not in DEFAULT_LANGUAGES]
        if wrong:
            raise ValueError(f"announce must be 'ticket' or some of {', '.join(DEFAULT_LANGUAGES)}; got {wrong}")
        object.__setattr__(self, "announce", announce)
        if not 0 < self.viewing_distance <= 50:
            raise ValueError("the viewing distance must be between 0 and 50 metres")
        if self.diagonal_inches is not None and not 10 <= self.diagonal_inches <= 200:
            raise ValueError("the screen diagonal must be between 10 and 200 inches")
        if not 0 <= self.recent <= 12:
            raise ValueError("recent must be between 0 and 12")
        if not 0 <= self.missed_call_seconds <= 3600:
            raise ValueError("missed-call seconds must be between 0 and 3600")
        if not 0 <= self.visual_seconds <= 300:
            raise ValueError("visual seconds must be between 0 and 300")

    @property
    def primary(self) -> str:
        """The language of the big labels."""
        return self.languages[0]

    @property
    def right_to_left(self) -> bool:
        """Whether the screen is laid out right to left (primary language Arabic)."""
        return is_rtl(self.primary)

    @property
    def min_number_mm(self) -> float:
        """Legibility rule: 12 mm of character height per metre of viewing distance."""
        return 12.0 * self.viewing_distance


def announce_languages(raw: str | None) -> tuple[str, ...]:
    """`ticket` (or nothing) → German plus the ticket's language; `de,en` → always these."""
    return () if (raw or "ticket").strip().lower() == "ticket" else split_list(raw)


def split_list(raw: str | None) -> tuple[str, ...]:
    """`"a, b,,c"` → `("a", "b", "c")`."""
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())
