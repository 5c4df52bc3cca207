"""Seeding the event log by driving the real service functions at chosen local times."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import select

from server.auth.models import Clerk
from server.counters import service as counters
from server.counters import sessions
from server.db import Database
from server.tickets.issuance import issue_ticket
from server.tickets.service import cancel_by_holder

BERLIN = ZoneInfo("Europe/Berlin")
PUBLIC_URL = "http://aufruf.test"
SITE = "demo"
# The hand-computed day: Tuesday 26 November 2024 in Berlin (UTC+1).
DAY = date(2024, 11, 26)
NEXT_DAY = date(2024, 11, 27)


def at(day: date, clock: str, *, fold: int = 0) -> datetime:
    """A local wall-clock time in Berlin; `fold=1` picks the second 02:xx on the autumn switch."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=BERLIN).replace(fold=fold)


class Office:
    """The demo office driven through its service functions, one transaction per action."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.tokens: dict[str, str] = {}

    def _clerk(self, username: str) -> Clerk:
        with self.database.transaction() as session:
            return session.exec(select(Clerk).where(Clerk.username == username)).one()

    def draw(self, service: str, moment: datetime) -> str:
        """A kiosk hands out a ticket; returns its number."""
        with self.database.transaction() as session:
            ticket, _ = issue_ticket(
                session=session, site_id=SITE, service_key=service, language="de", now=moment, actor="device:kiosk",
                public_url=PUBLIC_URL,
            )
            self.tokens[ticket.number] = ticket.token
            return ticket.number

    def act(self, action: str, counter: str, moment: datetime, clerk: str = "clerk1") -> str | None:
        """A clerk acts at a counter: call_next, start, finish, no_show, set_paused; returns the ticket number."""
        who = self._clerk(clerk)
        with self.database.transaction() as session:
            if action == "pause":
                counters.set_paused(session=session, counter_id=counter, paused=True, clerk=who, now=moment,
                                    public_url=PUBLIC_URL)
                return None
            function = getattr(counters, action)
            ticket = function(session=session, counter_id=counter, clerk=who, now=moment, public_url=PUBLIC_URL)
            return ticket.number if ticket is not None else None

    def close(self, counter: str, moment: datetime, clerk: str = "clerk1") -> None:
        """The clerk closes the counter (opening a session first, as its first action would have)."""
        who = self._clerk(clerk)
        with self.database.transaction() as session:
            found = counters.get_counter(session=session, counter_id=counter)
            sessions.hold_counter(session=session, counter=found, clerk=who, workstation="", now=moment,
                                  public_url=PUBLIC_URL)
            sessions.close_counter(session=session, counter=found, clerk=who, workstation="", now=moment,
                                   public_url=PUBLIC_URL)

    def cancel(self, number: str, moment: datetime) -> None:
        """The citizen gives up their ticket on the phone."""
        with self.database.transaction() as session:
            cancel_by_holder(session=session, token=self.tokens[number], now=moment, public_url=PUBLIC_URL)


def seed_day(office: Office) -> None:
    """The day whose figures are worked out by hand in test_kpis.py.

    Local times (Berlin); A = anmeldung (target 30 min), F = fuehrungszeugnis (target 10 min).
    A001 08:00, called 08:20 at counter 2 (wait 20), started 08:22, finished 08:32 (service 10)
    A002 08:05, called 08:40 at counter 2 (wait 35), no-show 08:45
    F001 08:10, called 08:25 at counter 1 (wait 15), finished 08:30 without start (service 5)
    A003 09:10, cancelled 09:15
    A004 09:20, called 09:30 at counter 2 (wait 10), started 09:31, finished 09:51 (service 20); counter 2 closes
    A005 23:25, called 23:55 at counter 2 (wait 30), finished 00:00 next day (service 5): counts on the day it
    was drawn (it is called before midnight: the demo site's day closes then, and nobody waits into the next)
    A001 of the next day at 00:30 does not count.
    """
    assert office.draw("anmeldung", at(DAY, "08:00")) == "A001"
    office.draw("anmeldung", at(DAY, "08:05"))
    office.draw("fuehrungszeugnis", at(DAY, "08:10"))
    assert office.act("call_next", "2", at(DAY, "08:20")) == "A001"
    office.act("start", "2", at(DAY, "08:22"))
    assert office.act("call_next", "1", at(DAY, "08:25"), clerk="clerk2") == "F001"
    office.act("finish", "1", at(DAY, "08:30"), clerk="clerk2")
    office.act("finish", "2", at(DAY, "08:32"))
    assert office.act("call_next", "2", at(DAY, "08:40")) == "A002"
    office.act("no_show", "2", at(DAY, "08:45"))
    office.draw("anmeldung", at(DAY, "09:10"))
    office.cancel("A003", at(DAY, "09:15"))
    office.draw("anmeldung", at(DAY, "09:20"))
    assert office.act("call_next", "2", at(DAY, "09:30")) == "A004"
    office.act("start", "2", at(DAY, "09:31"))
    office.act("finish", "2", at(DAY, "09:51"))
    office.close("2", at(DAY, "09:51"))
    office.draw("anmeldung", at(DAY, "23:25"))
    assert office.act("call_next", "2", at(DAY, "23:55")) == "A005"
    office.act("finish", "2", at(NEXT_DAY, "00:00"))
    assert office.draw("anmeldung", at(NEXT_DAY, "00:30")) == "A001"
