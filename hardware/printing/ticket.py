"""What goes on one printed ticket, independent of any printer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aufruf.i18n import normalise_language
from aufruf.logo import Logo


@dataclass(frozen=True)
class TicketPrintout:
    """The content of one queue ticket; texts are already in the citizen's language."""

    number: str
    service_name: str
    issued_at: datetime
    status_url: str
    language: str = "de"
    people_ahead: int = 0
    eta_minutes: tuple[int, int] | None = None
    header: str = ""
    # Where the service is served, when that is one place only ("Raum 110 · 1. OG · …").
    location: str = ""
    # None prints the translated "please wait" line; "" prints no footer at all.
    footer: str | None = None
    # The office's logo: read from a file (PNG or SVG) or as a server sent it.
    logo: Path | Logo | None = None

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (the site's local time)")
        if not self.number:
            raise ValueError("a ticket needs a number")
        if self.people_ahead < 0:
            raise ValueError("people_ahead cannot be negative")
        if self.eta_minutes is not None and not 0 <= self.eta_minutes[0] <= self.eta_minutes[1]:
            raise ValueError(
                f"eta_minutes must be (low, high) with 0 <= low <= high, not {self.eta_minutes}"
            )
        object.__setattr__(self, "language", normalise_language(self.language))
