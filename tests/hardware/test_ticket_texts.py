"""Printed tickets: unambiguous dates in the site's time, CLDR plurals, and the way to the room."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aufruf.cldr import format_day, plural_category
from hardware.messages import plural_text
from hardware.printing import TicketPrintout, render_ticket
from tests.hardware.test_hardware_printing import printed_text

MORNING = datetime(2026, 12, 1, 8, 55, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "1.12.2026"), ("en", "1 Dec 2026"), ("tr", "1 Ara 2026"), ("ru", "1 дек. 2026 г."),
     ("uk", "1 груд. 2026 р."), ("ar", "1 ديسمبر 2026")],
)
def test_dates_cannot_be_misread(language: str, expected: str) -> None:
    assert format_day(MORNING, language) == expected


def test_the_ticket_shows_the_site_time_the_date_and_the_place() -> None:
    printout = TicketPrintout(
        number="S004", service_name="Standesamt", issued_at=MORNING.astimezone(ZoneInfo("UTC")).astimezone(
            ZoneInfo("Europe/Berlin")), status_url="https://example.org/t/x", language="en",
        people_ahead=2, eta_minutes=(5, 12), header="Bürgeramt Mitte",
        location="Room 110 · 1st floor · Up the stairs, then right",
    )
    text = printed_text(render_ticket(printout, profile="TM-T20II"))
    assert "Bürgeramt Mitte" in text
    assert "1 Dec 2026, 08:55" in text
    assert "Room 110 · 1st floor · Up the stairs, then right" in text
    assert "2 people ahead of you" in text


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("ru", 1, "Перед вами 1 человек"), ("ru", 3, "Перед вами 3 человека"), ("ru", 5, "Перед вами 5 человек"),
        ("ru", 11, "Перед вами 11 человек"), ("ru", 21, "Перед вами 21 человек"),
        ("ru", 22, "Перед вами 22 человека"),
        ("uk", 2, "Перед вами 2 людини"), ("uk", 7, "Перед вами 7 людей"), ("uk", 21, "Перед вами 21 людина"),
        ("ar", 1, "أمامك شخص واحد"), ("ar", 2, "أمامك شخصان"), ("ar", 3, "أمامك 3 أشخاص"),
        ("ar", 11, "أمامك 11 شخصًا"), ("ar", 100, "أمامك 100 شخص"),
        ("de", 0, "Sie sind als Nächstes an der Reihe"), ("de", 1, "1 Person vor Ihnen"),
        ("tr", 4, "Önünüzde 4 kişi var"), ("en", 1, "1 person ahead of you"),
    ],
)
def test_people_ahead_take_the_cldr_form(language: str, count: int, expected: str) -> None:
    assert plural_text("ticket.people_ahead", language, count) == expected


def test_categories_come_from_cldr() -> None:
    assert [plural_category("ru", n) for n in (1, 2, 5, 11, 21)] == ["one", "few", "many", "many", "one"]
    assert [plural_category("ar", n) for n in (0, 1, 2, 3, 11, 100)] == ["zero", "one", "two", "few", "many", "other"]
