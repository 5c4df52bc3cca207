"""Ticket numbers: prefix plus a zero-padded serial, gap-free per site, service and local day."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session

from server.errors import DomainError
from server.sites.models import Service
from server.tickets.models import NumberSequence
from server.upsert import increment

NUMBER_PATTERN = re.compile(r"^\s*([A-Za-z]{1,3})\s*-?\s*0*(\d{1,6})\s*$")


def next_serial(*, session: Session, site_id: str, service_pk: int, day: date) -> int:
    """Take the next serial inside the caller's transaction; a rollback gives it back."""
    keys = {"site_id": site_id, "service_pk": service_pk, "business_day": day}
    return increment(session, NumberSequence, keys, "last_serial")


def reserve_serials(*, session: Session, site_id: str, service_pk: int, day: date, count: int) -> int:
    """Take the next `count` serials at once; returns the last, the first is `last - count + 1`."""
    keys = {"site_id": site_id, "service_pk": service_pk, "business_day": day}
    return increment(session, NumberSequence, keys, "last_serial", by=count)


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
