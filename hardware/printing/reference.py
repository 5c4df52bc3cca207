"""The reference ticket that `aufruf printer test` prints and the golden-bytes test pins down."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hardware.messages import text
from hardware.printing.ticket import TicketPrintout

REFERENCE_STATUS_URL = "https://aufruf.example.org/t/Zm9vYmFyLXRlc3QtdG9rZW4tMTIzNDU2"
REFERENCE_TIME = datetime(2025, 3, 14, 9, 26, tzinfo=ZoneInfo("Europe/Berlin"))


def reference_printout(
    language: str = "de",
    *,
    status_url: str = REFERENCE_STATUS_URL,
    issued_at: datetime | None = None,
    header: str | None = None,
) -> TicketPrintout:
    """A realistic ticket with every element of the layout, in one language."""
    return TicketPrintout(
        number="A017",
        service_name=text("test.service", language),
        issued_at=issued_at or REFERENCE_TIME,
        status_url=status_url,
        language=language,
        people_ahead=3,
        eta_minutes=(10, 20),
        header=text("test.header", language) if header is None else header,
    )
