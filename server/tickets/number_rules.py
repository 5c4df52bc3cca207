"""Ticket numbers, pure: prefix plus a zero-padded serial, the lease block's top, reading a typed number."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from server.errors import DomainError

if TYPE_CHECKING:
    from server.sites.models import Service

NUMBER_PATTERN = re.compile(r"^\s*([A-Za-z]{1,3})\s*-?\s*0*(\d{1,6})\s*$")


def lease_top(service: Service) -> int:
    """The highest serial of the number width (A999): leased blocks are taken downwards from here."""
    return int(10**service.number_width - 1)


def format_number(service: Service, serial: int) -> str:
    """Render a serial as the printed number, e.g. A017."""
    return f"{service.prefix}{serial:0{service.number_width}d}"


def parse_number(text: str) -> tuple[str, int]:
    """Split what a clerk typed ('a17', 'A-017', 'A017') into prefix and serial."""
    match = NUMBER_PATTERN.match(text)
    if match is None:
        raise DomainError(
            f"'{text}' is not a ticket number; expected letters then digits, e.g. A017.",
            code="bad_number",
        )
    return match.group(1).upper(), int(match.group(2))
